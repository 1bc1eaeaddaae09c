/**
 * Key-template fixes against the real server: bigint sort-key composites come back in numeric
 * order and range conditions select by number; a null composite keeps the item out of a GSI; a raw
 * key holds the separator; a numeric TypeScript enum composite orders numerically.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, type KeyCondition } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const T = defineTable({
  name: uniqueTableName('key-order'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: { gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } } },
});

const Ev = defineEntity({
  table: T,
  name: 'Ev',
  schema: z.object({ streamId: z.string(), seq: z.bigint(), id: z.string() }),
  keys: { primary: { pk: 'S#{streamId}', sk: 'EV#{seq}#{id}' }, gsi1: { pk: 'S#{streamId}', sk: 'EV#{seq}' } },
});
const Tk = defineEntity({
  table: T,
  name: 'Tk',
  schema: z.object({ id: z.string(), assignee: z.string().nullable().optional() }),
  keys: { primary: { pk: 'T#{id}', sk: 'T' }, gsi1: { pk: 'A#{assignee}', sk: 'T#{id}' } },
});
const Url = defineEntity({
  table: T,
  name: 'Url',
  schema: z.object({ url: z.string(), hits: z.number() }),
  keys: { primary: { pk: '{url}', sk: 'URL' } },
});
enum Prio {
  Low = 1,
  High = 2,
  Urgent = 10,
}
const Job = defineEntity({
  table: T,
  name: 'Job',
  schema: z.object({ id: z.string(), p: z.enum(Prio) }),
  keys: { primary: { pk: 'JOB', sk: 'P#{p}#{id}' } },
});

const SEQS = [-(10n ** 38n - 1n), -100n, -10n, -2n, -1n, 0n, 2n, 9n, 10n, 100n, 2n ** 70n, 10n ** 38n - 1n];

useTable(T, { clients: [client] });

beforeAll(async () => {
  for (const seq of [...SEQS].reverse()) await Ev.put({ streamId: 's', seq, id: 'x' });
});

describe('bigint sort-key composites', () => {
  const { Key } = Ev;
  const s = Key('streamId').eq('s');
  it('a query returns the items in numeric order, bigints intact', async () => {
    expect((await Ev.query('primary', s).all()).map((e) => e.seq)).toEqual(SEQS);
    expect((await Ev.query('gsi1', s).all()).map((e) => e.seq)).toEqual(SEQS);
  });
  it('range conditions select by number on a non-terminal and a terminal composite', async () => {
    for (const index of ['primary', 'gsi1'] as const) {
      const seqs = async (c: KeyCondition<'seq'>) => (await Ev.query(index, s.and(c)).all()).map((e) => e.seq);
      expect(await seqs(Key('seq').gt(9n))).toEqual([10n, 100n, 2n ** 70n, 10n ** 38n - 1n]);
      expect(await seqs(Key('seq').gte(-1n))).toEqual([-1n, 0n, 2n, 9n, 10n, 100n, 2n ** 70n, 10n ** 38n - 1n]);
      expect(await seqs(Key('seq').lt(0n))).toEqual([-(10n ** 38n - 1n), -100n, -10n, -2n, -1n]);
      expect(await seqs(Key('seq').lte(-10n))).toEqual([-(10n ** 38n - 1n), -100n, -10n]);
      expect(await seqs(Key('seq').between(-2n, 10n))).toEqual([-2n, -1n, 0n, 2n, 9n, 10n]);
    }
  });
});

describe('other composites', () => {
  it('a null composite keeps the item out of the index, and reads back null', async () => {
    await Tk.put({ id: 't1', assignee: null });
    await Tk.put({ id: 't2', assignee: 'ada' });
    expect(await Tk.get({ id: 't1' })).toEqual({ id: 't1', assignee: null });
    expect((await Tk.query('gsi1', Tk.Key('assignee').eq('ada')).all()).map((t) => t.id)).toEqual(['t2']);
  });
  it('a raw key holds a value with the separator', async () => {
    await Url.put({ url: 'https://x.io/a#frag', hits: 1 });
    expect(await Url.get({ url: 'https://x.io/a#frag' })).toEqual({ url: 'https://x.io/a#frag', hits: 1 });
  });
  it('a numeric enum composite sorts by number', async () => {
    for (const [id, p] of [['a', Prio.Urgent], ['b', Prio.Low], ['c', Prio.High]] as const) await Job.put({ id, p });
    expect((await Job.query('primary', Job.Key('p').gt(Prio.Low)).all()).map((j) => j.p)).toEqual([Prio.High, Prio.Urgent]);
  });
});
