/**
 * Reads that depend on what an index holds, on NULL TTL values, and on table-level rules, against
 * DynamoDB Local:
 * - a global index with KEYS_ONLY or INCLUDE does not fetch other attributes from the table, so
 *   an entity read that needs them (the discriminator, the TTL, a filter, the result) fails before
 *   sending instead of quietly returning nothing; local indexes fetch them and just work;
 * - a NULL TTL attribute never expires, in queries and scans as in get;
 * - table-level projections keep timestamps and the version; table-level key conditions follow
 *   DynamoDB's rules before anything is sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { ExpressionError, defineEntity, defineTable } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';

const client = testClient();

const AppTable = defineTable({
  name: uniqueTableName('read-indexes'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: {
    keysOnly: { type: 'global', partitionKey: { name: 'kpk', type: 'S' }, sortKey: { name: 'ksk', type: 'S' }, projection: 'KEYS_ONLY' },
    incl: { type: 'global', partitionKey: { name: 'ipk', type: 'S' }, sortKey: { name: 'isk', type: 'S' }, projection: { include: ['_et', 'name', 'updatedAt'] } },
    local: { type: 'local', sortKey: { name: 'lsk', type: 'S' }, projection: 'KEYS_ONLY' },
    localIncl: { type: 'local', sortKey: { name: 'lisk', type: 'S' }, projection: { include: ['_et', 'expiresAt', 'size'] } },
  },
});

const Doc = defineEntity({
  table: AppTable,
  name: 'Doc',
  schema: z.object({ docId: z.string(), team: z.string(), name: z.string(), size: z.number(), expiresAt: z.date().nullable().optional() }),
  keys: {
    primary: { pk: 'TEAM#{team}', sk: 'DOC#{docId}' },
    keysOnly: { pk: 'K#{team}', sk: '{docId}' },
    incl: { pk: 'I#{team}', sk: '{docId}' },
    local: { sk: 'NAME#{name}' },
    localIncl: { sk: 'NAME#{name}' },
  },
  timestamps: true,
  version: 'v',
  ttl: 'expiresAt',
});

const past = new Date(Date.now() - 3_600_000);

beforeAll(async () => {
  // Not AppTable.create(): it turns TTL on, and DynamoDB Local then deletes the expired item at a
  // time of its choosing, while these tests need it kept.
  await client.send(new CreateTableCommand(AppTable.createTableInput()));
  await Doc.put({ docId: 'd1', team: 't', name: 'alpha', size: 1 });
  await Doc.put({ docId: 'd2', team: 't', name: 'beta', size: 2, expiresAt: null });
  await Doc.put({ docId: 'd3', team: 't', name: 'gamma', size: 3, expiresAt: past });
});

afterAll(async () => {
  await AppTable.drop();
  client.destroy();
});

describe('entity reads on indexes that do not hold whole items', () => {
  it('a KEYS_ONLY global index: fails before sending, naming the discriminator and the index', async () => {
    const q = Doc.query('keysOnly', Doc.Key('team').eq('t'));
    expect(() => q.build()).toThrow(ExpressionError);
    expect(() => q.build()).toThrow(/global index keysOnly holds only .*"_et" \(the discriminator/);
    await expect(q.all()).rejects.toThrow(ExpressionError);
    await expect(q.count()).rejects.toThrow(ExpressionError);
    expect(() => Doc.scan('keysOnly').build()).toThrow(/"_et"/);
  });

  it('a KEYS_ONLY global index is still readable at table level, as raw items', async () => {
    const { items, unknown } = await AppTable.query('keysOnly', AppTable.Key('kpk').eq('K#t')).all();
    expect(items).toEqual([]);
    expect(unknown.map((r) => r.ksk).sort()).toEqual(['d1', 'd2', 'd3']);
    const byKey = await AppTable.scan('keysOnly').filter(AppTable.Attr('ksk').beginsWith('d')).project('pk', 'ksk').all();
    expect(byKey.unknown).toHaveLength(3);
  });

  it('table-level reads of a narrow index: filters and projections of attributes it lacks fail before sending', () => {
    expect(() => AppTable.scan('keysOnly').filter(AppTable.Attr('size').gt(1)).build()).toThrow(/global index keysOnly holds only .*"size" \(in the filter\)/);
    expect(() => AppTable.query('incl', AppTable.Key('ipk').eq('I#t')).project('size').build()).toThrow(/"size" \(projected\)/);
    expect(() => AppTable.query('incl', AppTable.Key('ipk').eq('I#t')).project('name').filter(AppTable.Attr('_et').eq('Doc')).build()).not.toThrow();
  });

  it('a table-level read of an INCLUDE global index without project(): fails before sending, naming the entity and what the index lacks', async () => {
    // The index holds `_et`, so its items were parsed by Doc's whole schema after the read, and
    // every one failed with an ItemParseError about attributes the data does have (in the table).
    const q = AppTable.query('incl', AppTable.Key('ipk').eq('I#t'));
    expect(() => q.build()).toThrow(ExpressionError);
    expect(() => q.build()).toThrow(/global index incl holds only .* items of Doc need "docId", "team", "size"/);
    await expect(q.all()).rejects.toThrow(ExpressionError);
    expect(() => q.entities(Doc).build()).toThrow(/Doc/);
    expect(() => AppTable.scan('incl').build()).toThrow(ExpressionError);
    // what the index holds is read and parsed as a projection
    const held = await q.project('name').all();
    expect(held.items.map((d) => d.name).sort()).toEqual(['alpha', 'beta', 'gamma']);
  });

  it('an INCLUDE global index: a full read names what the index lacks', () => {
    const q = Doc.query('incl', Doc.Key('team').eq('t')).includeExpired();
    expect(() => q.build()).toThrow(/"docId" \(read into the result\)/);
    expect(() => q.build()).toThrow(/"size"/);
  });

  it('an INCLUDE global index: projecting held attributes works, and a filter on a missing one fails', async () => {
    const q = Doc.query('incl', Doc.Key('team').eq('t')).includeExpired().project('name', 'updatedAt');
    const items = await q.all();
    expect(items.map((d) => d.name).sort()).toEqual(['alpha', 'beta', 'gamma']);
    for (const d of items) expect(typeof d.updatedAt).toBe('string');
    expect(() => q.filter(Doc.Attr('size').gt(1)).build()).toThrow(/"size" \(in the filter\)/);
    expect(await q.filter(Doc.Attr('name').beginsWith('b')).all()).toEqual([{ name: 'beta', updatedAt: expect.any(String) }]);
  });

  it('an INCLUDE global index without the TTL attribute: hiding expired items needs it', () => {
    expect(() => Doc.query('incl', Doc.Key('team').eq('t')).project('name').build()).toThrow(/"expiresAt" \(the TTL/);
  });

  it('a local index: filters need what it holds (the discriminator included), the rest is fetched from the table', async () => {
    expect(() => Doc.query('local', Doc.Key('team').eq('t')).build()).toThrow(/local index local holds only .*"_et" \(the discriminator/);
    const full = Doc.query('localIncl', Doc.Key('team').eq('t')).filter(Doc.Attr('size').gte(1));
    expect(full.build()).toMatchObject({ IndexName: 'localIncl', Select: 'ALL_ATTRIBUTES' });
    const items = await full.all();
    expect(items.map((d) => [d.docId, d.name, d.size, d.v, typeof d.createdAt])).toEqual([
      ['d1', 'alpha', 1, 1, 'string'],
      ['d2', 'beta', 2, 1, 'string'],
    ]);
    const projected = await Doc.query('localIncl', Doc.Key('team').eq('t')).project('name', 'docId').all();
    expect(projected).toEqual([{ name: 'alpha', docId: 'd1' }, { name: 'beta', docId: 'd2' }]);
    expect(() => Doc.query('localIncl', Doc.Key('team').eq('t')).filter(Doc.Attr('name').eq('x')).build()).toThrow(/"name" \(in the filter\)/);
  });
});

describe('table-level reads of a local index that holds part of an item', () => {
  it('read whole items (Select ALL_ATTRIBUTES, fetched from the table), as entity reads do', async () => {
    // The index returned only what it holds: with `_et` held, Doc's items were parsed partial and
    // failed (ItemParseError); without it (KEYS_ONLY), they came back raw in `unknown`.
    const incl = AppTable.query('localIncl', AppTable.Key('pk').eq('TEAM#t'));
    expect(incl.build()).toMatchObject({ IndexName: 'localIncl', Select: 'ALL_ATTRIBUTES' });
    const { items, unknown } = await incl.entities(Doc).all();
    expect(unknown).toEqual([]);
    expect(items.map((d) => [d.docId, d.name, d.size])).toEqual([
      ['d1', 'alpha', 1],
      ['d2', 'beta', 2],
      ['d3', 'gamma', 3],
    ]);
    const keysOnly = await AppTable.scan('local').entities(Doc).all();
    expect(keysOnly.items.map((d) => d.docId).sort()).toEqual(['d1', 'd2', 'd3']);
    // a projection asks for what it names, as before
    expect(AppTable.query('localIncl', AppTable.Key('pk').eq('TEAM#t')).project('name').build()).not.toHaveProperty('Select');
  });
});

describe('TTL attribute stored as NULL', () => {
  it('never expires: get, query and scan all return the item (and an expired one stays hidden)', async () => {
    expect((await Doc.get({ team: 't', docId: 'd2' }))?.expiresAt).toBeNull();
    const queried = await Doc.query('primary', Doc.Key('team').eq('t')).all();
    expect(queried.map((d) => d.docId)).toEqual(['d1', 'd2']);
    expect((await Doc.scan().all()).map((d) => d.docId).sort()).toEqual(['d1', 'd2']);
    expect(await Doc.get({ team: 't', docId: 'd3' })).toBeUndefined();
    expect((await Doc.query('primary', Doc.Key('team').eq('t')).includeExpired().all()).length).toBe(3);
  });
});

describe('table-level reads', () => {
  it('a projection keeps the timestamps and the version it names', async () => {
    const { items } = await AppTable.query(AppTable.Key('pk').eq('TEAM#t').and(AppTable.Key('sk').eq('DOC#d1')))
      .entities(Doc)
      .project('name', 'createdAt', 'v')
      .all();
    expect(items).toEqual([{ _et: 'Doc', name: 'alpha', createdAt: expect.any(String), v: 1 }]);
  });

  it('key conditions follow DynamoDB rules before sending', () => {
    const { Key } = AppTable;
    const notEq = [Key('pk').gt('TEAM#t'), Key('pk').beginsWith('TEAM#'), Key('pk').between('A', 'Z'), Key('pk').eq('TEAM#t').and(Key('sk').ne('x'))];
    // @ts-expect-error -- conditions without eq on pk, or with ne (refused at compile time; the run-time check stays for JavaScript callers)
    for (const c of notEq) expect(() => AppTable.query(c)).toThrow(ExpressionError);
    // @ts-expect-error -- pk takes only eq (refused at compile time; the run-time check stays for JavaScript callers)
    expect(() => AppTable.query(Key('pk').gte('a'))).toThrow(/partition key takes only eq \(got >=\)/);
    expect(() => AppTable.query(Key('pk').eq('TEAM#t').and(Key('sk').beginsWith('DOC#')))).not.toThrow();
    expect(() => AppTable.query(Key('pk').eq('TEAM#t').and(Key('sk').between('A', 'Z')))).not.toThrow();
  });
});
