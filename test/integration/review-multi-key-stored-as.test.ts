/**
 * Review probes: multi-attribute global index keys and storedAs, alone and together, against
 * DynamoDB Local.
 */
import { describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { BatchValidationError, changedAttributes, ConditionFailedError, defineEntity, defineTable, KeyError, TransactionCanceledError, transactWrite } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { countRequests, refusedBeforeSend } from '../support/requests.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);
const requests = countRequests(client);

const Board = defineTable({
  name: uniqueTableName('review-mk'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: {
    // templated parts built from renamed fields; the last sort part is a number
    byLeague: {
      type: 'global',
      partitionKey: [{ name: 'la', type: 'S' }, { name: 'lb', type: 'S' }],
      sortKey: [{ name: 'lc', type: 'S' }, { name: 'ld', type: 'N' }],
    },
    byNick: { type: 'global', partitionKey: [{ name: 'na', type: 'S' }, { name: 'nb', type: 'S' }], sortKey: [{ name: 'nc', type: 'S' }, { name: 'nd', type: 'S' }], projection: 'KEYS_ONLY' },
  },
  stream: 'NEW_AND_OLD_IMAGES',
});

const Player = defineEntity({
  table: Board,
  name: 'Player',
  schema: z.object({
    playerId: z.string(),
    league: z.string(),
    division: z.string().optional(),
    tier: z.enum(['gold', 'silver']),
    score: z.number(),
    nick: z.string(),
    tags: z.set(z.string()).optional(),
    stats: z.object({ wins: z.number(), losses: z.number() }).optional(),
    bio: z.string().optional(),
  }),
  keys: {
    primary: { pk: 'PLAYER#{playerId}', sk: 'P' },
    byLeague: { pk: ['L#{league}', '{division}'], sk: ['{tier}', '{score}'] },
    byNick: { pk: ['N', '{league}'], sk: ['{nick}', '{playerId}'] },
  },
  timestamps: true,
  version: 'ver',
  storedAs: { playerId: 'p_id', league: 'lg', division: 'dv', tier: 'tr', score: 'sc', nick: 'nk', tags: 'tg', stats: 'st', bio: 'b', createdAt: 'ca', updatedAt: 'ua', ver: 'vv' },
});

useTable(Board, { clients: [client] });

const raw = async (playerId: string) => (await doc.send(new GetCommand({ TableName: Board.name, Key: { pk: `PLAYER#${playerId}`, sk: 'P' } }))).Item;

const PLAYERS = [
  { playerId: 'p1', league: 'east', division: 'd1', tier: 'gold', score: -2.5, nick: 'ann' },
  { playerId: 'p2', league: 'east', division: 'd1', tier: 'gold', score: 10, nick: 'bob' },
  { playerId: 'p3', league: 'east', division: 'd1', tier: 'gold', score: 3, nick: 'cat' },
  { playerId: 'p4', league: 'east', division: 'd1', tier: 'silver', score: 7, nick: 'dan' },
  { playerId: 'p5', league: 'east', tier: 'gold', score: 1, nick: 'eve' }, // no division: not in byLeague
] as const;
const ids = (items: readonly { playerId?: string }[]) => items.map((p) => p.playerId);
const d1 = () => Player.Key('league').eq('east').and(Player.Key('division').eq('d1'));

describe('review: multi-attribute keys and storedAs together', () => {
  it('seed', async () => {
    expect((await Board.describe()).differences).toEqual([]);
    for (const p of PLAYERS) await Player.put(p);
    expect(await raw('p1')).toMatchObject({ la: 'L#east', lb: 'd1', lc: 'gold', ld: -2.5, p_id: 'p1', lg: 'east', sc: -2.5 });
    const r5 = await raw('p5');
    expect(r5).not.toHaveProperty('lb');
  });

  it('queries: between on N last part, reverse, cursors', async () => {
    expect(ids(await Player.query('byLeague', d1().and(Player.Key('tier').eq('gold')).and(Player.Key('score').between(-3, 5))).all())).toEqual(['p1', 'p3']);
    expect(ids(await Player.query('byLeague', d1()).reverse().all())).toEqual(['p4', 'p2', 'p3', 'p1']);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await Player.query('byLeague', d1().and(Player.Key('tier').eq('gold'))).reverse().limit(1).startAfter(cursor);
      seen.push(...(ids(page.items) as string[]));
      cursor = page.cursor;
    } while (cursor !== undefined);
    expect(seen).toEqual(['p2', 'p3', 'p1']);
    expect(ids(await Player.query('byNick', Player.Key('league').eq('east').and(Player.Key('nick').beginsWith('c'))).hydrate().all())).toEqual(['p3']);
    expect(ids(await Player.query('byNick', Player.Key('league').eq('east').and(Player.Key('nick').eq('dan')).and(Player.Key('playerId').beginsWith('p'))).hydrate().all())).toEqual(['p4']);
  });

  it('projections and returns in model names', async () => {
    expect(await Player.get({ playerId: 'p1' }).project('nick', 'score', 'ver', 'updatedAt')).toEqual({ nick: 'ann', score: -2.5, ver: 1, updatedAt: expect.any(String) });
    const updNew = await Player.update({ playerId: 'p1' }).set({ bio: 'hi', stats: { wins: 1, losses: 0 } }).returning('UPDATED_NEW');
    expect(updNew).toEqual({ bio: 'hi', stats: { wins: 1, losses: 0 }, ver: 2, updatedAt: expect.any(String) });
    const nested = await Player.update({ playerId: 'p1' }).set({ 'stats.wins': Player.ref('stats.wins').plus(1) }).returning('UPDATED_NEW');
    expect(nested).toMatchObject({ stats: { wins: 2 } });
    expect(await Player.get({ playerId: 'p1' }).project('stats')).toEqual({ stats: { wins: 2, losses: 0 } });
  });

  it('update changing one key part rewrites only that part; removing one takes the item out', async () => {
    await Player.update({ playerId: 'p3' }).set({ score: 4 });
    expect(await raw('p3')).toMatchObject({ ld: 4, lc: 'gold', sc: 4 });
    await Player.update({ playerId: 'p3' }).remove('division');
    const r3 = await raw('p3');
    expect(r3).not.toHaveProperty('lb');
    expect(r3).not.toHaveProperty('dv');
    expect(ids(await Player.query('byLeague', d1()).all())).toEqual(['p1', 'p2', 'p4']);
    await Player.update({ playerId: 'p3' }).set({ division: 'd1', league: 'east' });
    expect(ids(await Player.query('byLeague', d1()).all())).toEqual(['p1', 'p3', 'p2', 'p4']);
    await refusedBeforeSend(requests, KeyError, () => Player.update({ playerId: 'p3' }).add({ score: 1 }));
  });

  it('conditions: Attr-to-Attr, size, contains on renamed fields; scan filters', async () => {
    await Player.update({ playerId: 'p2' }).set({ tags: new Set(['x', 'y']) }).where(Player.Attr('score').gt(Player.Attr('ver')).and(Player.Attr('nick').size().eq(3)));
    expect(ids(await Player.scan().filter(Player.Attr('tags').contains('x').and(Player.Attr('tags').size().eq(2))).all())).toEqual(['p2']);
    expect(ids(await Player.scan('byLeague').filter(Player.Attr('score').gt(Player.Attr('ver'))).all()).sort()).toEqual(['p2', 'p4']);
  });

  it('failures carry items in model names', async () => {
    const del = await Player.delete({ playerId: 'p4' }).where(Player.Attr('nick').eq('zzz')).returnItemOnConditionFailure().then(() => undefined, (e: unknown) => e);
    expect(del).toBeInstanceOf(ConditionFailedError);
    expect((del as ConditionFailedError).item).toMatchObject({ playerId: 'p4', nick: 'dan', score: 7 });
    const tx = await transactWrite([
      Player.update({ playerId: 'p4' }).set({ bio: 'x' }).where(Player.Attr('score').eq(0)).returnItemOnConditionFailure(),
      Player.check({ playerId: 'p2' }, Player.Attr('nick').eq('bob')),
    ]).then(() => undefined, (e: unknown) => e);
    expect(tx).toBeInstanceOf(TransactionCanceledError);
    expect((tx as TransactionCanceledError).reasons[0]!.item).toMatchObject({ playerId: 'p4', nick: 'dan', ver: 1 });
    const old = await Player.delete({ playerId: 'p4' }).returning('ALL_OLD');
    expect(old).toMatchObject({ playerId: 'p4', nick: 'dan', ver: 1 });
    await Player.put(PLAYERS[3]);
  });

  it('batch get and table-level reads', async () => {
    const got = await Player.batchGet([{ playerId: 'p1' }, { playerId: 'p2' }]);
    expect(got.map((p) => p?.playerId).sort()).toEqual(['p1', 'p2']);
    const { Key } = Board;
    const t = await Board.query('byLeague', Key('la').eq('L#east').and(Key('lb').eq('d1')).and(Key('lc').eq('gold')).and(Key('ld').gt(0))).entities(Player).all();
    expect(t.items.map((i) => i.playerId)).toEqual(['p3', 'p2']);
    const h = await Board.query('byNick', Key('na').eq('N').and(Key('nb').eq('east'))).entities(Player).hydrate().all();
    expect(h.items.map((i) => i.playerId).sort()).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
    const pages: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await Board.query('byLeague', Key('la').eq('L#east').and(Key('lb').eq('d1'))).limit(2).startAfter(cursor).send();
      pages.push(...page.items.map((i) => String(i['playerId'])));
      cursor = page.cursor;
    } while (cursor !== undefined);
    expect(pages).toEqual(['p1', 'p3', 'p2', 'p4']);
  });

  it('upsert builds every part it can', async () => {
    await Player.update({ playerId: 'p9' }).set({ league: 'west', division: 'd2', tier: 'silver', score: 5, nick: 'zed' }).upsert();
    expect(await raw('p9')).toMatchObject({ la: 'L#west', lb: 'd2', lc: 'silver', ld: 5, na: 'N', nb: 'west', nc: 'zed', nd: 'p9' });
  });

  it('stream MODIFY in model names', () => {
    const img = (nick: string) => ({ pk: { S: 'PLAYER#p7' }, sk: { S: 'P' }, _et: { S: 'Player' }, p_id: { S: 'p7' }, lg: { S: 'east' }, tr: { S: 'gold' }, sc: { N: '1' }, nk: { S: nick }, vv: { N: '1' } });
    const event = Board.parseStreamRecord({ eventName: 'MODIFY', dynamodb: { Keys: { pk: { S: 'PLAYER#p7' }, sk: { S: 'P' } }, OldImage: img('a'), NewImage: img('b') } });
    expect(event?.type).toBe('MODIFY');
    if (event?.type !== 'MODIFY') return;
    expect(event.newItem).toMatchObject({ playerId: 'p7', nick: 'b', ver: 1 });
    expect(changedAttributes(event)).toEqual(['nick']);
    const removed = Board.parseStreamRecord({ eventName: 'REMOVE', dynamodb: { Keys: { pk: { S: 'PLAYER#p7' }, sk: { S: 'P' } }, OldImage: img('a') } });
    expect(removed).toMatchObject({ type: 'REMOVE', oldItem: { playerId: 'p7' } });
    const keysOnly = Board.parseStreamRecord({ eventName: 'REMOVE', dynamodb: { Keys: { pk: { S: 'PLAYER#p7' }, sk: { S: 'P' } } } });
    expect(keysOnly).toMatchObject({ keys: { playerId: 'p7' } });
  });

  it('a strict schema renames its fields too (it was refused as one that keeps unknown attributes)', async () => {
    const T = defineTable({ name: uniqueTableName('review-strict'), client, partitionKey: { name: 'pk', type: 'S' } });
    const Strict = defineEntity({
      table: T,
      name: 'Strict',
      schema: z.strictObject({ id: z.string(), label: z.string(), at: z.date().optional() }),
      keys: { primary: { pk: 'S#{id}' } },
      timestamps: true,
      version: 'rev',
      ttl: 'at',
      storedAs: { label: 'l', at: 'x', rev: 'r', updatedAt: 'u' },
    });
    await T.create();
    try {
      const at = new Date('2099-01-01T00:00:00Z');
      await Strict.put({ id: '1', label: 'a', at });
      const stored = (await doc.send(new GetCommand({ TableName: T.name, Key: { pk: 'S#1' } }))).Item;
      expect(stored).toMatchObject({ l: 'a', x: at.getTime() / 1000, r: 1 });
      expect(stored).not.toHaveProperty('label');
      expect(await Strict.get({ id: '1' })).toEqual({ id: '1', label: 'a', at, rev: 1, createdAt: expect.any(String), updatedAt: expect.any(String) });
      expect(await Strict.update({ id: '1' }).set({ label: 'b' }).returning('ALL_NEW')).toMatchObject({ label: 'b', rev: 2 });
      expect(await Strict.get({ id: '1' }).project('label', 'rev')).toEqual({ label: 'b', rev: 2 });
      expect((await Strict.scan().all()).map((s) => s.label)).toEqual(['b']);
    } finally {
      await T.drop();
    }
    // a schema that keeps unknown attributes is still refused
    expect(() =>
      defineEntity({ table: T, name: 'Loose', schema: z.looseObject({ id: z.string(), label: z.string() }), keys: { primary: { pk: 'L#{id}' } }, storedAs: { label: 'l' } }),
    ).toThrow(/keeps unknown attributes/);
  });

  it('timestamps in multi-attribute key parts, stored under other names', async () => {
    const T = defineTable({
      name: uniqueTableName('review-stamp'),
      client,
      partitionKey: { name: 'pk', type: 'S' },
      indexes: { recent: { type: 'global', partitionKey: [{ name: 'ra', type: 'S' }, { name: 'rb', type: 'S' }], sortKey: [{ name: 'rc', type: 'S' }, { name: 'rd', type: 'S' }] } },
    });
    const Note = defineEntity({
      table: T,
      name: 'Note',
      schema: z.object({ id: z.string(), owner: z.string(), kind: z.string(), text: z.string() }),
      keys: { primary: { pk: 'N#{id}' }, recent: { pk: ['NOTE', '{owner}'], sk: ['{kind}', '{updatedAt}'] } },
      timestamps: true,
      storedAs: { owner: 'o', kind: 'k', text: 't', updatedAt: 'u', createdAt: 'c' },
    });
    await T.create();
    try {
      await Note.put({ id: 'n1', owner: 'ada', kind: 'memo', text: 'a' });
      await new Promise((r) => setTimeout(r, 5));
      await Note.put({ id: 'n2', owner: 'ada', kind: 'memo', text: 'b' });
      await new Promise((r) => setTimeout(r, 5));
      await Note.update({ id: 'n1' }).set({ text: 'c' });
      const q = await Note.query('recent', Note.Key('owner').eq('ada').and(Note.Key('kind').eq('memo'))).all();
      expect(q.map((n) => n.id)).toEqual(['n2', 'n1']);
      const since = await Note.query('recent', Note.Key('owner').eq('ada').and(Note.Key('kind').eq('memo')).and(Note.Key('updatedAt').gt(q[0]!.updatedAt))).all();
      expect(since.map((n) => n.id)).toEqual(['n1']);
      await Note.update({ id: 'n3' }).set({ owner: 'bo', kind: 'memo', text: 'x' }).upsert();
      const r = (await doc.send(new GetCommand({ TableName: T.name, Key: { pk: 'N#n3' } }))).Item;
      expect(r).toMatchObject({ ra: 'NOTE', rb: 'bo', rc: 'memo', rd: r!['u'] });
    } finally {
      await T.drop();
    }
  });

  it('a sort key declared as a list of one attribute takes a list of one template (KEYS_ONLY index, self keys, ADD on a self key)', async () => {
    const T = defineTable({
      name: uniqueTableName('review-ko'),
      client,
      partitionKey: { name: 'pk', type: 'S' },
      indexes: { gix: { type: 'global', partitionKey: [{ name: 'tenant', type: 'S' }, { name: 'zone', type: 'S' }], sortKey: [{ name: 'level', type: 'N' }], projection: 'KEYS_ONLY' } },
    });
    const E = defineEntity({
      table: T,
      name: 'E',
      schema: z.object({ id: z.string(), tenant: z.string(), zone: z.string(), level: z.number(), note: z.string() }),
      keys: { primary: { pk: 'E#{id}' }, gix: { pk: ['{tenant}', '{zone}'], sk: ['{level}'] } },
      storedAs: { note: 'nt' },
    });
    await T.create();
    try {
      await E.put({ id: 'e1', tenant: 't', zone: 'z', level: 2, note: 'x' });
      await E.put({ id: 'e2', tenant: 't', zone: 'z', level: 1, note: 'y' });
      const k = E.Key;
      expect(await E.query('gix', k('tenant').eq('t').and(k('zone').eq('z'))).hydrate().project('tenant', 'level').all()).toEqual([{ tenant: 't', level: 1 }, { tenant: 't', level: 2 }]);
      expect((await E.query('gix', k('tenant').eq('t').and(k('zone').eq('z')).and(k('level').lt(2))).hydrate().project('note').all())).toEqual([{ note: 'y' }]);
      const upd = await E.update({ id: 'e1' }).add({ level: 5 }).returning('UPDATED_NEW');
      expect(upd).toEqual({ level: 7 });
      expect((await E.query('gix', k('tenant').eq('t').and(k('zone').eq('z')).and(k('level').gt(6))).hydrate().all()).map((e) => e.id)).toEqual(['e1']);
    } finally {
      await T.drop();
    }
  });

  it('a field named like the key of an index the entity has no keys on can be stored under another name', async () => {
    const T = defineTable({
      name: uniqueTableName('review-other-key'),
      client,
      partitionKey: { name: 'pk', type: 'S' },
      indexes: { byState: { type: 'global', partitionKey: [{ name: 'tenant', type: 'S' }, { name: 'state', type: 'S' }] } },
    });
    const Ticket = defineEntity({
      table: T,
      name: 'Ticket',
      schema: z.object({ id: z.string(), tenant: z.string(), state: z.string() }),
      keys: { primary: { pk: 'T#{id}' }, byState: { pk: ['{tenant}', '{state}'] } },
    });
    // Gauge's state is a number: stored as "state" it would be written into byState's key (and refused as a type mismatch)
    const Gauge = defineEntity({
      table: T,
      name: 'Gauge',
      schema: z.object({ id: z.string(), tenant: z.string(), state: z.number() }),
      keys: { primary: { pk: 'G#{id}' } },
      storedAs: { state: 'gauge_state', tenant: 'gauge_tenant' },
    });
    await T.create();
    try {
      await Ticket.put({ id: 't1', tenant: 'acme', state: 'open' });
      await Gauge.put({ id: 'g1', tenant: 'acme', state: 3 });
      expect(await Gauge.get({ id: 'g1' })).toEqual({ id: 'g1', tenant: 'acme', state: 3 });
      expect((await doc.send(new GetCommand({ TableName: T.name, Key: { pk: 'G#g1' } }))).Item).toEqual({ pk: 'G#g1', _et: 'Gauge', id: 'g1', gauge_tenant: 'acme', gauge_state: 3 });
      const open = await T.query('byState', T.Key('tenant').eq('acme').and(T.Key('state').eq('open'))).all();
      expect(open.items.map((i) => i['id'])).toEqual(['t1']);
      expect(await Gauge.update({ id: 'g1' }).set({ state: 4 }).where(Gauge.Attr('state').eq(3)).returning('ALL_NEW')).toEqual({ id: 'g1', tenant: 'acme', state: 4 });
    } finally {
      await T.drop();
    }
    // without the rename every put failed at DynamoDB ("Type mismatch for Index Key"); now defineEntity says so
    expect(() => defineEntity({ table: T, name: 'Gauge2', schema: z.object({ id: z.string(), state: z.number() }), keys: { primary: { pk: 'H#{id}' } } })).toThrow(
      /field state is stored in attribute state, a key of index byState \(S\).*storedAs/,
    );
    expect(() => defineEntity({ table: T, name: 'Flag', schema: z.object({ id: z.string(), state: z.boolean().optional() }), keys: { primary: { pk: 'F#{id}' } } })).toThrow(KeyError);
    // a field of the key's type may share it (the item then joins the index, as its own attribute)
    expect(() => defineEntity({ table: T, name: 'Memo', schema: z.object({ id: z.string(), state: z.enum(['a', 'b']) }), keys: { primary: { pk: 'M#{id}' } } })).not.toThrow();
    expect(() => defineEntity({ table: T, name: 'Either', schema: z.object({ id: z.string(), state: z.union([z.literal('a'), z.literal('b')]) }), keys: { primary: { pk: 'E#{id}' } } })).not.toThrow();
    // a field that is a key of an index the entity writes keys for is still refused
    expect(() =>
      defineEntity({ table: T, name: 'Ticket2', schema: z.object({ id: z.string(), tenant: z.string(), state: z.string() }), keys: { primary: { pk: 'U#{id}' }, byState: { pk: ['{tenant}', '{state}'] } }, storedAs: { state: 's' } }),
    ).toThrow(/key attribute/);
  });

  it('a field stored in the key of an index the entity has no keys on: values DynamoDB refuses in a key fail before sending', async () => {
    const T = defineTable({
      name: uniqueTableName('review-foreign-key'),
      client,
      partitionKey: { name: 'pk', type: 'S' },
      indexes: {
        byState: { type: 'global', partitionKey: [{ name: 'tenant', type: 'S' }, { name: 'state', type: 'S' }] },
        byCode: { type: 'global', partitionKey: { name: 'code', type: 'S' } },
      },
    });
    defineEntity({ table: T, name: 'Ticket', schema: z.object({ id: z.string(), tenant: z.string(), state: z.string() }), keys: { primary: { pk: 'T#{id}' }, byState: { pk: ['{tenant}', '{state}'] } } });
    const Memo = defineEntity({ table: T, name: 'Memo', schema: z.object({ id: z.string(), state: z.string(), code: z.string().nullable().optional() }), keys: { primary: { pk: 'M#{id}' } } });
    const counted = testClient();
    const sent = countRequests(counted);
    const Counted = defineTable({ ...T.config, client: counted });
    const CountedMemo = defineEntity({ table: Counted, name: 'Memo', schema: z.object({ id: z.string(), state: z.string(), code: z.string().nullable().optional() }), keys: { primary: { pk: 'M#{id}' } } });
    await T.create();
    try {
      // each was a ValidationException from DynamoDB ("A value specified for a secondary index key is not supported", "Size limit exceeded")
      await refusedBeforeSend(sent, KeyError, () => CountedMemo.put({ id: 'm1', state: '' }));
      await refusedBeforeSend(sent, KeyError, () => CountedMemo.put({ id: 'm1', state: 'x', code: '' }));
      await refusedBeforeSend(sent, KeyError, () => CountedMemo.put({ id: 'm1', state: 'x', code: null }));
      await refusedBeforeSend(sent, KeyError, () => CountedMemo.put({ id: 'm1', state: 'x'.repeat(2049) }));
      await refusedBeforeSend(sent, KeyError, () => CountedMemo.update({ id: 'm1' }).set({ state: '' }));
      await refusedBeforeSend(sent, BatchValidationError, () => Counted.batchWrite([CountedMemo.put({ id: 'm1', state: 'ok' }), CountedMemo.put({ id: 'm2', state: '' })]));
      // values a key can hold are written, and put the item in the index
      await Memo.put({ id: 'm1', state: 'open', code: 'c1' });
      await Memo.update({ id: 'm1' }).set({ code: undefined });
      expect(await Memo.get({ id: 'm1' })).toEqual({ id: 'm1', state: 'open' });
      expect((await T.scan('byState').all()).items).toEqual([]); // no tenant: not in byState
    } finally {
      await T.drop();
      counted.destroy();
    }
  });

  it('scans of a multi-attribute index page with cursors; a cursor of another index or partition is refused', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await Player.scan('byLeague').limit(1).startAfter(cursor);
      seen.push(...page.items.map((p) => p.playerId));
      cursor = page.cursor;
    } while (cursor !== undefined);
    expect(seen.sort()).toEqual(['p1', 'p2', 'p3', 'p4', 'p9']);
    const tableSeen: unknown[] = [];
    cursor = undefined;
    do {
      const page = await Board.scan('byLeague').limit(2).startAfter(cursor).send();
      tableSeen.push(...page.items.map((i) => i['playerId']));
      cursor = page.cursor;
    } while (cursor !== undefined);
    expect(tableSeen.length).toBe(5);
    const first = await Player.query('byLeague', d1()).limit(1);
    expect(() => Player.query('byNick', Player.Key('league').eq('east')).startAfter(first.cursor).build()).toThrow(/issued for table .*index byLeague/);
    const other = Player.Key('league').eq('east').and(Player.Key('division').eq('d2'));
    expect(() => Player.query('byLeague', other).startAfter(first.cursor).build()).toThrow(/outside this query's key condition|not the queried/);
  });

  it('a range on a non-terminal composite of the last sort part is refined by a filter on its stored name, across pages', async () => {
    const T = defineTable({
      name: uniqueTableName('review-refine'),
      client,
      partitionKey: { name: 'pk', type: 'S' },
      indexes: { byName: { type: 'global', partitionKey: [{ name: 'ra', type: 'S' }], sortKey: [{ name: 'rb', type: 'S' }, { name: 'rc', type: 'S' }] } },
    });
    const Person = defineEntity({
      table: T,
      name: 'Person',
      schema: z.object({ id: z.string(), team: z.string(), role: z.string(), name: z.string() }),
      keys: { primary: { pk: 'P#{id}' }, byName: { pk: ['T#{team}'], sk: ['{role}', 'N#{name}#{id}'] } },
      storedAs: { name: 'nm', team: 'tm', role: 'rl' },
    });
    await T.create();
    try {
      for (const [id, name] of [['1', 'Bo'], ['2', 'Bo Jo'], ['3', 'Al'], ['4', 'Cy'], ['5', 'Bob']] as const) await Person.put({ id, team: 't', role: 'dev', name });
      const q = Person.query('byName', Person.Key('team').eq('t').and(Person.Key('role').eq('dev')).and(Person.Key('name').gt('Bo')));
      expect(Object.values(q.build().ExpressionAttributeNames ?? {})).toContain('nm');
      const names: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await q.limit(1).startAfter(cursor);
        names.push(...page.items.map((p) => p.name));
        cursor = page.cursor;
      } while (cursor !== undefined);
      expect(names.sort()).toEqual(['Bo Jo', 'Bob', 'Cy']);
    } finally {
      await T.drop();
    }
  });

  it('transactions write and move multi-attribute keys', async () => {
    await transactWrite([
      Player.create({ playerId: 'p20', league: 'north', division: 'd1', tier: 'gold', score: 1, nick: 'xx' }),
      Player.update({ playerId: 'p9' }).set({ league: 'north', division: 'd1' }),
    ]);
    const north = Player.Key('league').eq('north').and(Player.Key('division').eq('d1'));
    expect(ids(await Player.query('byLeague', north).all())).toEqual(['p20', 'p9']);
    expect(await raw('p9')).toMatchObject({ la: 'L#north', nb: 'north', lg: 'north' });
    await transactWrite([Player.delete({ playerId: 'p20' })]);
    expect(ids(await Player.query('byLeague', north).all())).toEqual(['p9']);
  });

  it('stored names that need aliases (dots, a leading digit, a reserved word, spaces) work in every expression', async () => {
    const T = defineTable({ name: uniqueTableName('review-odd-names'), client, partitionKey: { name: 'pk', type: 'S' } });
    const Odd = defineEntity({
      table: T,
      name: 'Odd',
      schema: z.object({ id: z.string(), label: z.string(), count: z.number(), tags: z.set(z.string()).optional(), info: z.object({ a: z.string() }).optional() }),
      keys: { primary: { pk: 'O#{id}' } },
      storedAs: { label: 'user.label', count: '1count', tags: 'status', info: 'my info' },
    });
    await T.create();
    try {
      await Odd.put({ id: '1', label: 'x', count: 1, tags: new Set(['a']), info: { a: 'b' } });
      const stored = (await doc.send(new GetCommand({ TableName: T.name, Key: { pk: 'O#1' } }))).Item;
      expect(stored).toMatchObject({ 'user.label': 'x', '1count': 1, status: new Set(['a']), 'my info': { a: 'b' } });
      const updated = await Odd.update({ id: '1' })
        .set({ label: Odd.ref('info.a'), 'info.a': 'c' })
        .add({ count: 2, tags: new Set(['b']) })
        .where(Odd.Attr('label').eq('x').and(Odd.Attr('info').exists()).and(Odd.Attr('label').size().eq(1)).and(Odd.Attr('tags').contains('a')))
        .returning('ALL_NEW');
      expect(updated).toEqual({ id: '1', label: 'b', count: 3, tags: new Set(['a', 'b']), info: { a: 'c' } });
      expect(await Odd.get({ id: '1' }).project('label', 'info')).toEqual({ label: 'b', info: { a: 'c' } });
      expect((await Odd.scan().filter(Odd.Attr('count').gt(2)).project('count').all())).toEqual([{ count: 3 }]);
    } finally {
      await T.drop();
    }
  });
});
