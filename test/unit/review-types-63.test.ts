/**
 * helper-63: what the run time does with the calls test/types/review-types-63.test-d.ts now
 * refuses at compile time (the types follow these refusals, so each is cast here).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KeyError, defineEntity } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';

const { AppTable } = appModel(new DynamoDBClient({ region: 'us-east-1' }), 'App');

const Loose = defineEntity({
  table: AppTable,
  name: 'Loose',
  schema: z.object({ id: z.string().optional(), part: z.string().nullable(), n: z.number() }),
  keys: { primary: { pk: 'L#{id}', sk: 'P#{part}' } },
});

describe('a key object without a value for every primary-key composite', () => {
  it.each([
    ['no composite', {}],
    ['an optional composite left out', { part: 'b' }],
    ['an optional composite given undefined', { id: undefined, part: 'b' }],
    ['a nullable composite given null', { id: 'a', part: null }],
  ])('%s is a KeyError before sending (get, update, delete)', (_, key) => {
    expect(() => Loose.get(key as never).build()).toThrow(KeyError);
    expect(() => Loose.update(key as never).set({ n: 1 }).build()).toThrow(KeyError);
    expect(() => Loose.delete(key as never).build()).toThrow(KeyError);
  });

  it('builds the key once every composite has a value', () => {
    expect(Loose.get({ id: 'a', part: 'b' }).build().Key).toEqual({ pk: 'L#a', sk: 'P#b' });
  });
});

describe('key placeholders of attributes that hold no one key kind', () => {
  const schema = z.object({ id: z.string(), whatever: z.any(), nothing: z.null(), yes: z.literal(true), no: z.literal(false).optional(), flag: z.boolean(), maybe: z.boolean().nullable() });
  it.each(['whatever', 'nothing', 'yes', 'no'])('defineEntity refuses {%s} with a KeyError', (name) => {
    expect(() => defineEntity({ table: AppTable, name: `Bad_${name}`, schema, keys: { primary: { pk: 'K#{id}', sk: `S#{${name}}` } } } as never)).toThrow(KeyError);
  });

  it('takes boolean and nullable boolean composites', () => {
    expect(() => defineEntity({ table: AppTable, name: 'Flags', schema, keys: { primary: { pk: 'K#{id}#{flag}', sk: 'S#{maybe}' } } })).not.toThrow();
  });
});
