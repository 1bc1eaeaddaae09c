/**
 * helper-116's read-side probes against DynamoDB Local: projections cut mid-page, parallel scans
 * with filters and limits, batchGet with duplicates, more than 100 keys and injected
 * UnprocessedKeys, cursors whose item was deleted.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
/** Makes the next `unprocessed.n` BatchGetItem answers leave their last half of keys unprocessed. */
const unprocessed = { n: 0, calls: 0 };
client.middlewareStack.add(
  (next, context) => async (args) => {
    if (context.commandName !== 'BatchGetItemCommand') return next(args);
    unprocessed.calls++;
    if (unprocessed.n <= 0) return next(args);
    unprocessed.n--;
    const input = (args as { input: { RequestItems: Record<string, { Keys: unknown[] }> } }).input;
    const [table, entry] = Object.entries(input.RequestItems)[0]!;
    const keep = entry.Keys.slice(0, Math.ceil(entry.Keys.length / 2));
    const left = entry.Keys.slice(keep.length);
    input.RequestItems = { [table]: { ...entry, Keys: keep } };
    const out = await next(args);
    if (left.length > 0) (out.output as { UnprocessedKeys?: Record<string, unknown> }).UnprocessedKeys = { [table]: { ...entry, Keys: left } };
    return out;
  },
  { step: 'initialize', name: 'injectUnprocessed' },
);

const Table = defineTable({
  name: uniqueTableName('rev116'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: {
    gsi1: { type: 'global', partitionKey: { name: 'gpk', type: 'S' }, sortKey: { name: 'gsk', type: 'S' } },
    keys: { type: 'global', partitionKey: { name: 'kpk', type: 'S' }, sortKey: { name: 'ksk', type: 'S' }, projection: 'KEYS_ONLY' },
  },
});

const Rec = defineEntity({
  table: Table,
  name: 'Rec',
  schema: z.object({ grp: z.string(), seq: z.number().int(), mod3: z.number().int(), label: z.string() }),
  keys: {
    primary: { pk: 'G#{grp}', sk: 'R#{seq}' },
    gsi1: { pk: 'GG#{grp}', sk: 'S#{mod3}' },
    keys: { pk: 'K#{grp}', sk: 'S#{mod3}' },
  },
});
const Oth = defineEntity({
  table: Table,
  name: 'Oth',
  schema: z.object({ grp: z.string(), seq: z.number().int(), mod3: z.number().int() }),
  keys: { primary: { pk: 'G#{grp}', sk: 'R#{seq}#O' }, gsi1: { pk: 'GG#{grp}', sk: 'S#{mod3}' } },
});

const N = 60;
const pad = (s: number) => String(s).padStart(3, '0');
useTable(Table, { clients: [client] });
beforeAll(async () => {
  await Table.batchWrite([
    ...Array.from({ length: N }, (_, s) => Rec.put({ grp: 'a', seq: s, mod3: s % 3, label: `L${pad(s)}` })),
    ...Array.from({ length: N / 4 }, (_, s) => Oth.put({ grp: 'a', seq: s * 4, mod3: 0 })),
  ]);
}, 60_000);

/** Walks a read through its cursors, one `limit` page at a time. */
async function walk<T>(first: () => PromiseLike<{ items: T[]; cursor?: string }>, next: (cursor: string) => PromiseLike<{ items: T[]; cursor?: string }>): Promise<T[]> {
  const out: T[] = [];
  let page = await first();
  out.push(...page.items);
  for (let guard = 0; page.cursor !== undefined && guard < 200; guard++) {
    page = await next(page.cursor);
    out.push(...page.items);
  }
  return out;
}

describe('cursors of projected reads', () => {
  const q = () => Rec.query('primary', Rec.Key('grp').eq('a'));
  it.each([1, 2, 7])('a projected query limited to %i walks every item once', async (limit) => {
    const got = await walk(() => q().project('label').limit(limit), (c) => q().project('label').limit(limit).startAfter(c));
    // Number composites are encoded to sort as numbers.
    expect(got.map((r) => r.label)).toEqual(Array.from({ length: N }, (_, s) => `L${pad(s)}`));
  });
  it.each([1, 4])('a projected GSI query with equal index keys, limited to %i, walks every item once', async (limit) => {
    const g = () => Rec.query('gsi1', Rec.Key('grp').eq('a')).filter(Rec.Attr('mod3').eq(1)).project('seq');
    const got = await walk(() => g().limit(limit), (c) => g().limit(limit).startAfter(c));
    expect(got.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, s) => s).filter((s) => s % 3 === 1));
  });
  it.each([1, 5])('a hydrated projected KEYS_ONLY query limited to %i walks every item once', async (limit) => {
    const g = () => Rec.query('keys', Rec.Key('grp').eq('a')).hydrate().project('seq').reverse();
    const got = await walk(() => g().limit(limit), (c) => g().limit(limit).startAfter(c));
    expect(got.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, s) => s));
  });
  it('a table-level projected scan limited to 3 walks every item once', async () => {
    const g = () => Table.scan().project('seq');
    const got = await walk(() => g().limit(3), (c) => g().limit(3).startAfter(c));
    expect(got.length).toBe(N + N / 4);
  });
});

describe('parallel scans', () => {
  it.each([
    [3, 7],
    [5, 1],
    [4, 100],
  ])('segments(%i) with a filter and limit(%i) returns distinct matching items', async (segments, limit) => {
    const items = await Rec.scan().filter(Rec.Attr('mod3').eq(2)).segments(segments).limit(limit).all();
    const matching = Array.from({ length: N }, (_, s) => s).filter((s) => s % 3 === 2);
    expect(items.length).toBe(Math.min(limit, matching.length));
    expect(new Set(items.map((i) => i.seq)).size).toBe(items.length);
    for (const i of items) expect(i.seq % 3).toBe(2);
  });
  it('segments(4) with pageSize(2) returns every item once', async () => {
    const items = await Rec.scan().segments(4).pageSize(2).all();
    expect(items.map((i) => i.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, s) => s));
  });
});

describe('batchGet', () => {
  it('keeps key order over 250 keys with duplicates, missing keys and unprocessed keys', async () => {
    const seqs = Array.from({ length: 250 }, (_, i) => (i * 7) % (N + 20));
    unprocessed.n = 3;
    const got = await Rec.batchGet(seqs.map((seq) => ({ grp: 'a', seq })));
    expect(got.map((r) => r?.seq)).toEqual(seqs.map((s) => (s < N ? s : undefined)));
    expect(unprocessed.n).toBe(0);
  });
  it('with a projection keeps key order under unprocessed keys', async () => {
    const seqs = [5, 3, 5, 59, 0, 99, 3];
    unprocessed.n = 2;
    const got = await Rec.batchGet(seqs.map((seq) => ({ grp: 'a', seq }))).project('label');
    expect(got.map((r) => r?.label)).toEqual(seqs.map((s) => (s < N ? `L${pad(s)}` : undefined)));
  });
  it('a hydrated read under unprocessed keys returns every item once', async () => {
    unprocessed.n = 5;
    const got = await Rec.query('keys', Rec.Key('grp').eq('a')).hydrate().all();
    expect(got.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, s) => s));
  });
});

describe('cursors whose item is gone', () => {
  it('resumes after an item deleted after its page was read', async () => {
    const Tmp = () => Rec.query('primary', Rec.Key('grp').eq('b'));
    await Table.batchWrite(Array.from({ length: 6 }, (_, s) => Rec.put({ grp: 'b', seq: s, mod3: s % 3, label: `x${s}` })));
    const first = await Tmp().limit(3);
    await Rec.delete({ grp: 'b', seq: 2 });
    const rest = await Tmp().startAfter(first.cursor!).all();
    expect([...first.items, ...rest].map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
