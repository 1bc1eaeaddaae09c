/**
 * Table definitions that CreateTable would reject are refused by defineTable, before anything is
 * sent (found by review: a key attribute with two types was only caught by createTableInput(), and
 * the LSI / INCLUDE / name / capacity limits not at all).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DynakitError, TableDefinitionError, defineEntity, defineTable, type IndexConfig, type TableConfig } from '../../src/index.js';

const client = new DynamoDBClient({ region: 'us-east-1' });
const base = { name: 'App', client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } } as const;

function refusal(config: TableConfig): TableDefinitionError {
  try {
    defineTable(config);
  } catch (e) {
    expect(e).toBeInstanceOf(TableDefinitionError);
    expect(e).toBeInstanceOf(DynakitError);
    return e as TableDefinitionError;
  }
  throw new Error('defineTable accepted the definition');
}

const gsi = (pk: string, type: 'S' | 'N' = 'S', projection?: IndexConfig['projection']): IndexConfig => ({
  type: 'global', partitionKey: { name: pk, type }, ...(projection === undefined ? {} : { projection }),
});

describe('defineTable refuses what CreateTable would refuse', () => {
  it('a key attribute declared S in one index and N in another, naming both places', () => {
    const e = refusal({ ...base, indexes: { gsi1: gsi('gpk', 'S'), gsi2: gsi('gpk', 'N') } });
    expect(e.table).toBe('App');
    expect(e.path).toBe('gsi2.partitionKey');
    expect(e.message).toBe('table App: gsi2.partitionKey: key attribute gpk is N here but S in gsi1.partitionKey');
    // ...also against the table's own key.
    expect(refusal({ ...base, indexes: { lsi1: { type: 'local', sortKey: { name: 'sk', type: 'N' } } } }).message).toMatch(/key attribute sk is N here but S in sortKey/);
  });

  it('an entityAttribute that is no attribute name (empty, too long, or true from untyped code); false and a name are fine', () => {
    expect(refusal({ ...base, entityAttribute: '' }).message).toBe('table App: entityAttribute: must be an attribute name of 1-255 bytes, or false for a table of one entity without a discriminator (got "")');
    expect(refusal({ ...base, entityAttribute: 'x'.repeat(256) }).path).toBe('entityAttribute');
    expect(refusal({ ...base, entityAttribute: true as unknown as string }).message).toMatch(/got true\)$/);
    expect(defineTable({ ...base, entityAttribute: false }).entityAttribute).toBeUndefined();
    expect(defineTable({ ...base, entityAttribute: 'kind' }).entityAttribute).toBe('kind');
  });

  it("an entityAttribute named like the table's key (every put wrote the entity name over the key); a global index keyed on it is fine", () => {
    expect(refusal({ ...base, entityAttribute: 'pk' }).message).toMatch(/^table App: entityAttribute: the discriminator "pk" is the table's partition key: every write would store the entity's name there/);
    expect(refusal({ ...base, entityAttribute: 'sk' }).message).toContain("is the table's sort key");
    expect(refusal({ ...base, partitionKey: { name: '_et', type: 'S' } }).path).toBe('entityAttribute');
    const byKind = defineTable({ ...base, indexes: { byKind: { type: 'global', partitionKey: { name: '_et', type: 'S' }, sortKey: { name: 'sk', type: 'S' } } } });
    // An entity cannot build that key with a template (the discriminator write replaced it); without keys on it, its items are listed by name.
    const define = (keys: object) => () => defineEntity({ table: byKind, name: 'Thing', schema: z.object({ id: z.string() }), keys: { primary: { pk: 'T#{id}', sk: 'T' }, ...keys } as never });
    expect(define({ byKind: { pk: 'KIND', sk: 'T' } })).toThrow(/byKind.pk.*_et is the table's discriminator/);
    expect(define({})).not.toThrow();
  });

  it('the same attribute with the same type in several indexes is fine', () => {
    const t = defineTable({ ...base, indexes: { gsi1: gsi('gpk'), gsi2: { type: 'global', partitionKey: { name: 'gpk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } } } });
    expect(t.createTableInput().AttributeDefinitions).toEqual([
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'gpk', AttributeType: 'S' },
    ]);
  });

  it('more than 5 local indexes', () => {
    const lsis = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`lsi${i}`, { type: 'local', sortKey: { name: `l${i}`, type: 'S' } } as const]));
    expect(defineTable({ ...base, indexes: lsis(5) }).createTableInput().LocalSecondaryIndexes).toHaveLength(5);
    expect(refusal({ ...base, indexes: lsis(6) }).message).toBe('table App: indexes: 6 local indexes, DynamoDB allows 5 per table');
  });

  it('more than 100 included attributes across indexes (a name in two indexes counts twice)', () => {
    const names = (from: number, n: number) => Array.from({ length: n }, (_, i) => `a${from + i}`);
    expect(() => defineTable({ ...base, indexes: { gx1: gsi('g1', 'S', { include: names(0, 50) }), gx2: gsi('g2', 'S', { include: names(0, 50) }) } })).not.toThrow();
    const e = refusal({ ...base, indexes: { gx1: gsi('g1', 'S', { include: names(0, 50) }), gx2: gsi('g2', 'S', { include: names(0, 51) }) } });
    expect(e.message).toBe('table App: indexes: 101 included attributes across indexes, DynamoDB allows 100 per table');
  });

  it('an empty or repeated include list', () => {
    expect(refusal({ ...base, indexes: { gx1: gsi('g1', 'S', { include: [] }) } }).path).toBe('gx1.projection');
    expect(refusal({ ...base, indexes: { gx1: gsi('g1', 'S', { include: ['a', 'a'] }) } }).message).toBe('table App: gx1.projection: a is included twice');
  });

  it('a projection of another shape, from untyped code: no TypeError, and no include string taken letter by letter', () => {
    const untyped = (projection: unknown) => refusal({ ...base, indexes: { gx1: gsi('g1', 'S', projection as IndexConfig['projection']) } });
    expect(untyped({ include: 'abc' }).message).toBe(`table App: gx1.projection: must be 'ALL', 'KEYS_ONLY' or { include: [attribute names] } (got {"include":"abc"})`);
    for (const projection of ['keys_only', 'INCLUDE', { type: 'KEYS_ONLY' }, null, { include: ['a', 1] }]) expect(untyped(projection).path).toBe('gx1.projection');
    expect(() => defineTable({ ...base, indexes: { gx1: gsi('g1', 'S', 'KEYS_ONLY'), gx2: gsi('g2', 'S', 'ALL') } })).not.toThrow();
  });

  it('key and projected attribute names over 255 bytes (UTF-8), or empty', () => {
    expect(() => defineTable({ ...base, indexes: { gx1: gsi('k'.repeat(255), 'S', { include: ['a'.repeat(255)] }) } })).not.toThrow();
    expect(refusal({ ...base, indexes: { gx1: gsi('k'.repeat(256)) } }).message).toBe('table App: gx1.partitionKey: key attribute name must be 1-255 bytes (got 256)');
    expect(refusal({ ...base, indexes: { gx1: gsi('g1', 'S', { include: ['é'.repeat(128)] }) } }).message).toMatch(/projected attribute names must be 1-255 bytes \(got 256\)/);
    expect(refusal({ ...base, partitionKey: { name: '', type: 'S' } }).path).toBe('partitionKey');
  });

  it('provisioned capacities that are not whole numbers of at least 1', () => {
    expect(refusal({ ...base, billing: { read: 0, write: 1 } }).message).toBe('table App: billing.read: capacity units must be a whole number of at least 1 (got 0)');
    expect(refusal({ ...base, billing: { read: 1, write: 1.5 } }).path).toBe('billing.write');
  });

  it('21 global indexes are left to DynamoDB (20 is a quota accounts can raise)', () => {
    const gsis = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`gsi${i}`, gsi(`g${i}`)]));
    expect(defineTable({ ...base, indexes: gsis }).createTableInput().GlobalSecondaryIndexes).toHaveLength(21);
  });
});
