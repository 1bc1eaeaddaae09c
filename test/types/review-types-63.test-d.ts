/**
 * helper-63: calls that compiled though the run time refuses them before sending, now refused by
 * the types (test/unit/review-types-63.test.ts shows each refusal at run time). Each was measured
 * against the type-check budget: a key object's composites required (+288 instantiations at N=60,
 * +0.15%), key placeholders of `z.any()`, `z.null()` and boolean-literal attributes (+240, +0.13%).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { defineEntity, type EntityKey } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';

const { AppTable } = appModel(new DynamoDBClient({}));

/** A primary key composed of an optional and a nullable attribute (the run time builds no key from either when absent). */
const Loose = defineEntity({
  table: AppTable,
  name: 'Loose',
  schema: z.object({ id: z.string().optional(), part: z.string().nullable(), n: z.number() }),
  keys: { primary: { pk: 'L#{id}', sk: 'P#{part}' } },
});

test('a key object needs every primary-key composite, with a value that builds a key', () => {
  expectTypeOf<EntityKey<typeof Loose>>().toEqualTypeOf<{ id: string; part: string }>();
  Loose.get({ id: 'a', part: 'b' });
  // @ts-expect-error no composite (KeyError: missing key composite id)
  Loose.get({});
  // @ts-expect-error one composite missing, though optional in the schema
  Loose.get({ id: 'a' });
  // @ts-expect-error undefined builds no key
  Loose.get({ id: undefined, part: 'b' });
  // @ts-expect-error nor does null
  Loose.get({ id: 'a', part: null });
  // @ts-expect-error the same for update, delete, check and batchGet keys
  Loose.update({ part: 'b' });
  // @ts-expect-error delete
  Loose.delete({ id: 'a' });
  // @ts-expect-error check
  Loose.check({ part: 'b' }, Loose.Attr('n').gt(1));
  // @ts-expect-error batchGet
  Loose.batchGet([{ id: 'a', part: 'b' }, { id: 'a' }]);
});

const schema = z.object({
  id: z.string(),
  whatever: z.any(),
  nothing: z.null(),
  yes: z.literal(true),
  no: z.literal(false).optional(),
  flag: z.boolean(),
  maybe: z.boolean().nullable(),
  label: z.string().nullable(),
});

test('key placeholders of z.any(), z.null() and boolean-literal attributes do not compile (defineEntity throws KeyError)', () => {
  defineEntity({
    table: AppTable,
    name: 'AnyKey',
    schema,
    // @ts-expect-error z.any() holds no one key kind
    keys: { primary: { pk: 'K#{id}', sk: 'A#{whatever}' } },
  });
  defineEntity({
    table: AppTable,
    name: 'NullKey',
    schema,
    // @ts-expect-error z.null() only ever holds the value that builds no key
    keys: { primary: { pk: 'K#{nothing}', sk: 'S' } },
  });
  defineEntity({
    table: AppTable,
    name: 'TrueKey',
    schema,
    // @ts-expect-error z.literal(true)
    keys: { primary: { pk: 'K#{id}', sk: 'T#{yes}' } },
  });
  defineEntity({
    table: AppTable,
    name: 'FalseKey',
    schema,
    // @ts-expect-error z.literal(false), optional, on an index
    keys: { primary: { pk: 'K#{id}', sk: 'S' }, gsi1: { pk: 'F#{no}', sk: 'S' } },
  });
});

test('booleans and nullable composites still compile beside them', () => {
  defineEntity({
    table: AppTable,
    name: 'BoolKey',
    schema,
    keys: { primary: { pk: 'K#{id}#{flag}', sk: 'M#{maybe}#{label}' } },
  });
});
