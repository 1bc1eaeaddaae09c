/**
 * helper-56: records whose key schema refuses some keys (`z.record(z.string().min(2), ...)`, a regex,
 * a uuid, a template literal, a `z.partialRecord` of an enum). zod refuses such a key when it parses
 * the item, so an update that wrote one (`set({ 'rec.a': 1 })`, `setIfNotExists`, `add`, `append`, a
 * `ref()` value) stored an item that every later read failed to parse. Batches: what the types let
 * through and what BatchWriteItem cannot do.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, ExpressionError, ValidationError } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';
import { countRequests, refusedBeforeSend } from '../support/requests.js';

const client = testClient();
const requests = countRequests(client);
const Table = defineTable({
  name: uniqueTableName('review-records-56'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
});

const Doc = defineEntity({
  table: Table,
  name: 'Doc',
  schema: z.object({
    id: z.string(),
    long: z.record(z.string().min(2), z.number()).optional(),
    lower: z.record(z.string().regex(/^[a-z]+$/), z.number()).optional(),
    ids: z.record(z.string().uuid(), z.number()).optional(),
    tpl: z.record(z.templateLiteral(['k-', z.number()]), z.number()).optional(),
    colors: z.partialRecord(z.enum(['red', 'blue']), z.number()).optional(),
    byNumber: z.record(z.number(), z.string()).optional(),
    tags: z.record(z.string().min(2), z.set(z.string())).optional(),
    lists: z.record(z.string().min(2), z.array(z.number())).optional(),
    nested: z.object({ deep: z.record(z.string().min(2), z.object({ n: z.number() })) }).optional(),
    loose: z.looseRecord(z.string().min(2), z.number()).optional(),
    plain: z.record(z.string(), z.number()).optional(),
  }),
  keys: { primary: { pk: 'D#{id}', sk: 'DOC' } },
});

useTable(Table, { clients: [client] });

const UUID = '123e4567-e89b-42d3-a456-426614174000';

describe('a map key the record refuses is refused before sending; the item stays readable', () => {
  const seeded = { id: 'd1', long: { ab: 1 }, lower: { ab: 1 }, ids: { [UUID]: 1 }, tpl: { 'k-1': 1 }, colors: { red: 1 }, byNumber: { 1: 'x' }, tags: { ab: new Set(['t']) }, lists: { ab: [1] }, nested: { deep: { ab: { n: 1 } } }, loose: {}, plain: {} };

  it('set, setIfNotExists, add, append, ref() and remove of a refused key fail with a ValidationError naming the key and zod\'s reason', async () => {
    await Doc.put(seeded);
    const cases: [() => unknown, RegExp][] = [
      [() => Doc.update({ id: 'd1' }).set({ 'long.a': 1 }), /long\.a: the key "a" of long is refused by the record's key schema: Too small/],
      [() => Doc.update({ id: 'd1' }).setIfNotExists({ 'lower.A1': 1 }), /lower\.A1: the key "A1" of lower is refused by the record's key schema: Invalid string: must match pattern/],
      [() => Doc.update({ id: 'd1' }).add({ 'ids.x': 1 }), /ids\.x: the key "x" of ids is refused by the record's key schema: Invalid UUID/],
      [() => Doc.update({ id: 'd1' }).set({ 'tpl.zz': 1 } as never), /tpl\.zz: the key "zz" of tpl is refused/],
      [() => Doc.update({ id: 'd1' }).set({ 'colors.green': 1 } as never), /colors\.green: the key "green" of colors is refused by the record's key schema: Invalid option/],
      [() => Doc.update({ id: 'd1' }).add({ 'tags.q': new Set(['a']) }), /tags\.q: the key "q" of tags is refused/],
      [() => Doc.update({ id: 'd1' }).append({ 'lists.q': [1] }), /lists\.q: the key "q" of lists is refused/],
      [() => Doc.update({ id: 'd1' }).set({ 'nested.deep.q': { n: 1 } }), /nested\.deep\.q: the key "q" of nested\.deep is refused/],
      [() => Doc.update({ id: 'd1' }).set({ 'long.b': Doc.ref('long.ab') }), /long\.b: the key "b" of long is refused/],
      [() => Doc.update({ id: 'd1' }).remove('long.a'), /long\.a: the key "a" of long is refused/],
    ];
    for (const [attempt, message] of cases) {
      const e = await refusedBeforeSend(requests, ValidationError, attempt);
      expect(e.message).toMatch(message);
    }
    expect(await Doc.get({ id: 'd1' })).toEqual(seeded);
  });

  it('the same update in a transaction is refused before sending', async () => {
    const { transactWrite } = await import('../../src/index.js');
    await refusedBeforeSend(requests, ValidationError, () => transactWrite([Doc.update({ id: 'd1' }).set({ 'long.a': 1 })]));
    expect(await Doc.get({ id: 'd1' })).toEqual(seeded);
  });

  it('a refused key in a condition or a ref() source is not a path, and the error says why', async () => {
    expect(() => Doc.Attr('long.a')).toThrow(ExpressionError);
    expect(() => Doc.Attr('long.a')).toThrow(/long\.a: is not a path of the Doc schema: the key "a" is refused by its record's key schema \(Too small/);
    expect(() => Doc.ref('ids.nope')).toThrow(/ids\.nope: is not a path of the Doc schema: the key "nope" is refused/);
  });

  it('keys the record takes are still written and read back, numeric keys included (zod tries them as numbers)', async () => {
    await Doc.update({ id: 'd1' })
      .set({ 'long.cd': 2, 'lower.xyz': 3, [`ids.${UUID}`]: 4, 'tpl.k-2': 5, 'colors.blue': 6, 'byNumber.12': 'y', 'nested.deep.cd': { n: 2 }, 'loose.a': 7, 'plain.a': 8 } as never)
      .add({ 'tags.cd': new Set(['u']) })
      .append({ 'lists.cd': [9] });
    expect(await Doc.get({ id: 'd1' })).toEqual({
      ...seeded,
      long: { ab: 1, cd: 2 },
      lower: { ab: 1, xyz: 3 },
      ids: { [UUID]: 4 },
      tpl: { 'k-1': 1, 'k-2': 5 },
      colors: { red: 1, blue: 6 },
      byNumber: { 1: 'x', 12: 'y' },
      tags: { ab: new Set(['t']), cd: new Set(['u']) },
      lists: { ab: [1], cd: [9] },
      nested: { deep: { ab: { n: 1 }, cd: { n: 2 } } },
      loose: { a: 7 },
      plain: { a: 8 },
    });
    expect(await Doc.scan().filter(Doc.Attr('long.cd').eq(2)).all()).toHaveLength(1);
  });
});
