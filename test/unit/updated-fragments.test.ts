/**
 * What `returning('UPDATED_NEW' | 'UPDATED_OLD')` makes of the fragments DynamoDB returns for nested
 * changes. DynamoDB Local returns the whole top-level attribute (test/integration/updated-return-values.test.ts);
 * the service returns only the changed paths, inside their parents, with a changed list element as a
 * one-element list (`SET a.c[1]` → `{ a: { c: [x] } }`, as Scylla's Alternator suite records it against
 * the service). These raw shapes are fed to the entity's reader here.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileReviver } from '../../src/entity/codec.js';
import { defineEntity, defineTable } from '../../src/index.js';

const client = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const Docs = defineTable({ name: 'Docs', client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
const circle = z.object({ kind: z.literal('circle'), r: z.number(), drawn: z.date() });
const square = z.object({ kind: z.literal('square'), side: z.number(), drawn: z.date() });
const Doc = defineEntity({
  table: Docs,
  name: 'Doc',
  schema: z.object({
    id: z.string(),
    address: z.object({ city: z.string(), since: z.date().optional(), codes: z.set(z.string()).optional() }),
    lines: z.array(z.object({ sku: z.string(), at: z.date() })).optional(),
    shape: z.discriminatedUnion('kind', [circle, square]).optional(),
    loose: z.union([z.object({ a: z.date() }), z.object({ b: z.set(z.number()) })]).optional(),
  }),
  keys: { primary: { pk: 'D#{id}', sk: 'D' } },
  version: 'version',
  timestamps: true,
});

const at = '2020-01-01T00:00:00.000Z';
const stamp = '2026-12-06T10:00:00.000Z';

describe('UPDATED_* fragments as the service returns them', () => {
  it('a nested map fragment is revived without its other keys, and is not validated (city is required in the schema)', () => {
    const part = Doc.model.parsePartial({ address: { since: at, codes: ['a'] }, updatedAt: stamp, version: 3 });
    expect(part).toEqual({ address: { since: new Date(at), codes: new Set(['a']) }, updatedAt: stamp, version: 3 });
  });

  it('a changed list element comes back as a list of the changed elements, each revived', () => {
    expect(Doc.model.parsePartial({ lines: [{ at }] })).toEqual({ lines: [{ at: new Date(at) }] });
  });

  it("a union fragment without its tag is revived by the one option that has its fields", () => {
    expect(Doc.model.parsePartial({ shape: { r: 2, drawn: at } })).toEqual({ shape: { r: 2, drawn: new Date(at) } });
    expect(Doc.model.parsePartial({ loose: { b: [1, 2] } })).toEqual({ loose: { b: new Set([1, 2]) } });
    expect(Doc.model.parsePartial({ loose: { a: at } })).toEqual({ loose: { a: new Date(at) } });
  });

  it('a union fragment whose fields several options have is left as stored (which option it came from is unknown)', () => {
    expect(Doc.model.parsePartial({ shape: { drawn: at } })).toEqual({ shape: { drawn: at } });
  });

  it('an option that keeps unknown keys may hold any field: a fragment it could hold is left as stored', () => {
    const revive = compileReviver(z.discriminatedUnion('kind', [circle, z.looseObject({ kind: z.literal('blob'), seen: z.date() })]))!;
    expect(revive({ drawn: at })).toEqual({ drawn: at });
    expect(revive({ kind: 'circle', r: 1, drawn: at })).toEqual({ kind: 'circle', r: 1, drawn: new Date(at) });
  });

  it('whole union values are still revived by their tag, and a value no option takes is left for the schema', () => {
    const revive = compileReviver(z.discriminatedUnion('kind', [circle, square]))!;
    expect(revive({ kind: 'square', side: 1, drawn: at })).toEqual({ kind: 'square', side: 1, drawn: new Date(at) });
    expect(revive({ kind: 'oval', drawn: at })).toEqual({ kind: 'oval', drawn: at });
    expect(revive({ nope: at })).toEqual({ nope: at });
  });
});
