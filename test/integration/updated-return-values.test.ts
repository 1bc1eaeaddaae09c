/**
 * `returning('UPDATED_OLD' | 'UPDATED_NEW')` for every action kind, against DynamoDB Local: what
 * each resolves to, revived (Dates, Sets) but not validated. Local returns a nested change's whole
 * top-level attribute; the service returns only the changed paths (docs/updates.md "Return values";
 * test/unit/updated-fragments.test.ts reads the service's shapes).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, type UpdatedAttributes } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const Docs = defineTable({ name: uniqueTableName('updated-rv'), client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
const schema = z.object({
  id: z.string(),
  title: z.string(),
  address: z.object({ city: z.string(), zip: z.string().optional(), since: z.date(), visits: z.number().optional(), codes: z.set(z.string()).optional() }),
  lines: z.array(z.object({ sku: z.string(), at: z.date() })).optional(),
  tags: z.set(z.string()).optional(),
  shape: z.discriminatedUnion('kind', [z.object({ kind: z.literal('circle'), r: z.number(), drawn: z.date() }), z.object({ kind: z.literal('square'), side: z.number() })]).optional(),
});
const Doc = defineEntity({ table: Docs, name: 'Doc', schema, keys: { primary: { pk: 'D#{id}', sk: 'D' } }, timestamps: true, version: 'version' });
/** The same item with nothing dynakit writes on its own (no timestamps, no version). */
const Bare = defineEntity({ table: Docs, name: 'Bare', schema, keys: { primary: { pk: 'B#{id}', sk: 'B' } } });
useTable(Docs, { clients: [client] });

type DocItem = z.infer<typeof schema>;
const since = new Date('2020-01-01T00:00:00.000Z');
const address = { city: 'London', zip: 'N1', since, visits: 1, codes: new Set(['a', 'b']) };
const lines = [{ sku: 'A', at: since }, { sku: 'B', at: since }];
const item = (id: string): DocItem => ({ id, title: 't', address, lines, tags: new Set(['x', 'y']), shape: { kind: 'circle', r: 1, drawn: since } });

type Update = ReturnType<typeof Doc.update>;
/** Each action kind, and what Local returns as UPDATED_OLD and UPDATED_NEW (besides version and updatedAt). */
const cases: [label: string, apply: (u: Update) => Update, old: UpdatedAttributes<DocItem>, next: UpdatedAttributes<DocItem>][] = [
  ['set a nested field', (u) => u.set({ 'address.city': 'Paris' }), { address }, { address: { ...address, city: 'Paris' } }],
  ['add to a nested number', (u) => u.add({ 'address.visits': 2 }), { address }, { address: { ...address, visits: 3 } }],
  ['remove a nested field (nothing is left to return as new)', (u) => u.remove('address.zip'), { address }, {}],
  ['remove a list element', (u) => u.remove('lines[0]'), { lines }, { lines: [lines[1]!] }],
  ['set a field of a list element', (u) => u.set({ 'lines[1].sku': 'Z' }), { lines }, { lines: [lines[0]!, { sku: 'Z', at: since }] }],
  ['append to a list', (u) => u.append({ lines: [{ sku: 'C', at: since }] }), { lines }, { lines: [...lines, { sku: 'C', at: since }] }],
  ['delete from a set', (u) => u.delete({ tags: new Set(['x']) }), { tags: new Set(['x', 'y']) }, { tags: new Set(['y']) }],
  ['delete from a nested set', (u) => u.delete({ 'address.codes': new Set(['a']) }), { address }, { address: { ...address, codes: new Set(['b']) } }],
  ['setIfNotExists of a stored value (written, unchanged)', (u) => u.setIfNotExists({ 'address.zip': 'Z9', title: 'new' }), { address, title: 't' }, { address, title: 't' }],
  ['set from a ref', (u) => u.set({ 'address.zip': Doc.ref('title') }), { address }, { address: { ...address, zip: 't' } }],
  ["set a union option's field", (u) => u.set({ 'shape.drawn': new Date('2021-01-01T00:00:00.000Z') }), { shape: { kind: 'circle', r: 1, drawn: since } }, { shape: { kind: 'circle', r: 1, drawn: new Date('2021-01-01T00:00:00.000Z') } }],
];

describe('UPDATED_OLD and UPDATED_NEW on DynamoDB Local', () => {
  let n = 0;
  for (const [label, apply, old, next] of cases) {
    it(`${label}: the whole top-level attribute, revived, with version and updatedAt`, async () => {
      const id = `c${++n}`;
      const stored = await Doc.put(item(id));
      expect(await apply(Doc.update({ id })).returning('UPDATED_OLD')).toEqual({ ...old, version: 1, updatedAt: stored.updatedAt });
      const before = await Doc.get({ id });
      const id2 = `c${++n}`;
      await Doc.put(item(id2));
      const result = await apply(Doc.update({ id: id2 })).returning('UPDATED_NEW');
      expect(result).toEqual({ ...next, version: 2, updatedAt: expect.any(String) });
      const after = await Doc.get({ id: id2 });
      // What came back as new is what a read now sees.
      expect(after).toMatchObject(result);
      expect(before).toMatchObject(Object.fromEntries(Object.keys(next).map((k) => [k, after![k as keyof DocItem]])));
    });
  }

  it('a path that did not exist is left out of UPDATED_OLD; with nothing else written, the result is {}', async () => {
    await Bare.put({ ...item('b1'), address: { city: 'London', since } });
    expect(await Bare.update({ id: 'b1' }).set({ 'address.zip': 'N2' }).returning('UPDATED_OLD')).toEqual({});
    expect(await Bare.update({ id: 'b1' }).remove('address.zip').returning('UPDATED_NEW')).toEqual({});
    expect(await Bare.update({ id: 'b1' }).set({ 'address.zip': 'N3' }).returning('UPDATED_NEW')).toEqual({ address: { city: 'London', since, zip: 'N3' } });
  });

  it('index keys and the discriminator are not returned; an upsert that creates the item returns what it wrote as new (key composites too) and nothing as old', async () => {
    const created = await Doc.update({ id: 'u1' }).set({ title: 'T', address: { city: 'Rome', since } }).upsert().returning('UPDATED_NEW');
    expect(created).toEqual({ id: 'u1', title: 'T', address: { city: 'Rome', since }, version: 1, createdAt: expect.any(String), updatedAt: expect.any(String) });
    expect(await Doc.update({ id: 'u2' }).set({ title: 'T', address: { city: 'Rome', since } }).upsert().returning('UPDATED_OLD')).toEqual({});
  });
});
