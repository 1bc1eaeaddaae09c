import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, type EntityKey, type TemplateComposites } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';

const client = new DynamoDBClient({});
const { AppTable } = appModel(client);

/** A table with only a partition key (no sort key, no indexes). */
const PkOnly = defineTable({ name: 'PkOnly', client, partitionKey: { name: 'id', type: 'S' } });

const schema = z.object({ id: z.string(), org: z.string(), n: z.number(), at: z.date() });

test('TemplateComposites extracts every placeholder', () => {
  expectTypeOf<TemplateComposites<'USER#{name}#{userId}'>>().toEqualTypeOf<'name' | 'userId'>();
  expectTypeOf<TemplateComposites<'{userId}'>>().toEqualTypeOf<'userId'>();
  expectTypeOf<TemplateComposites<'PROFILE'>>().toEqualTypeOf<never>();
});

test('valid templates on the primary key and on global/local indexes compile', () => {
  const E = defineEntity({
    table: AppTable,
    name: 'E',
    schema,
    keys: {
      primary: { pk: 'E#{id}', sk: 'N#{n}' },
      gsi1: { pk: 'ORG#{org}', sk: 'E#{at}#{id}' },
      lsi1: { sk: 'AT#{at}' },
    },
  });
  expectTypeOf<EntityKey<typeof E>>().branded.toEqualTypeOf<{ id: string; n: number }>();

  // A constant sort key and a single-placeholder partition key are both templates.
  const F = defineEntity({ table: AppTable, name: 'F', schema, keys: { primary: { pk: '{id}', sk: 'F' } } });
  expectTypeOf<EntityKey<typeof F>>().branded.toEqualTypeOf<{ id: string }>();

  // Indexes are optional: only `primary` is required.
  const G = defineEntity({ table: PkOnly, name: 'G', schema, keys: { primary: { pk: 'G#{id}#{org}' } } });
  expectTypeOf<EntityKey<typeof G>>().branded.toEqualTypeOf<{ id: string; org: string }>();
});

test('a placeholder that is not an attribute of the schema is a type error', () => {
  defineEntity({
    table: AppTable,
    name: 'E',
    schema,
    keys: {
      // @ts-expect-error usrId is not in the schema
      primary: { pk: 'USER#{usrId}', sk: 'PROFILE' },
    },
  });
  defineEntity({
    table: AppTable,
    name: 'E',
    schema,
    keys: {
      primary: { pk: 'E#{id}', sk: 'E' },
      // @ts-expect-error nme is not in the schema (checked on index templates too)
      gsi1: { pk: 'ORG#{org}', sk: 'E#{nme}' },
    },
  });
  defineEntity({
    table: PkOnly,
    name: 'E',
    schema,
    keys: {
      // @ts-expect-error a typo in the second placeholder of a template
      primary: { pk: 'E#{id}#{orgg}' },
    },
  });
});

test('timestamps may compose keys only when the entity keeps them', () => {
  defineEntity({
    table: AppTable,
    name: 'E',
    schema,
    keys: { primary: { pk: 'E#{id}', sk: 'E' }, gsi1: { pk: 'ORG#{org}', sk: 'C#{createdAt}' } },
    timestamps: true,
  });
  defineEntity({
    table: AppTable,
    name: 'E',
    schema,
    keys: {
      primary: { pk: 'E#{id}', sk: 'E' },
      // @ts-expect-error createdAt does not exist without timestamps
      gsi1: { pk: 'ORG#{org}', sk: 'C#{createdAt}' },
    },
  });
});

test('the sort-key template is required exactly when the table (or index) has a sort key', () => {
  defineEntity({
    table: AppTable,
    name: 'E',
    schema,
    // @ts-expect-error AppTable has a sort key, so primary needs `sk`
    keys: { primary: { pk: 'E#{id}' } },
  });
  defineEntity({
    table: AppTable,
    name: 'E',
    schema,
    keys: {
      primary: { pk: 'E#{id}', sk: 'E' },
      // @ts-expect-error gsi1 has a sort key too
      gsi1: { pk: 'ORG#{org}' },
    },
  });
  defineEntity({
    table: AppTable,
    name: 'E',
    schema,
    keys: {
      primary: { pk: 'E#{id}', sk: 'E' },
      // @ts-expect-error a local index needs its sort-key template
      lsi1: {},
    },
  });
});

// The two tests below fail on the current src: CheckedKeys only checks placeholders, and the
// EntityKeysShape constraint lets extra properties through (reported with a proposed fix).
test('an index name the table does not define is a type error', () => {
  defineEntity({
    table: AppTable,
    name: 'E',
    schema,
    keys: {
      primary: { pk: 'E#{id}', sk: 'E' },
      // @ts-expect-error AppTable has no index gsi9
      gsi9: { pk: 'X#{org}', sk: 'Y' },
    },
  });
  defineEntity({
    table: PkOnly,
    name: 'E',
    schema,
    keys: {
      primary: { pk: 'E#{id}' },
      // @ts-expect-error PkOnly has no indexes at all
      gsi1: { pk: 'X#{org}' },
    },
  });
});

test('a key field the index does not have is a type error', () => {
  defineEntity({
    table: AppTable,
    name: 'E',
    schema,
    keys: {
      primary: { pk: 'E#{id}', sk: 'E' },
      // @ts-expect-error a local index shares the table's partition key: no `pk` template
      lsi1: { pk: 'E#{id}', sk: 'AT#{at}' },
    },
  });
  defineEntity({
    table: PkOnly,
    name: 'E',
    schema,
    keys: {
      // @ts-expect-error PkOnly has no sort key: no `sk` template
      primary: { pk: 'E#{id}', sk: 'E' },
    },
  });
});

test('the table must be a defined table and primary is required', () => {
  defineEntity({
    table: AppTable,
    name: 'E',
    schema,
    // @ts-expect-error keys without `primary`
    keys: { gsi1: { pk: 'ORG#{org}', sk: 'E' } },
  });
});
