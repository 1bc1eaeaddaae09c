/**
 * `maxPages(n)` against DynamoDB Local: a read sends at most n requests however many items `limit`
 * still owes (a selective filter on a large partition), and the cursor of its last page resumes
 * it, so a caller walking page by page sees every matching item exactly once.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { defineEntity, defineTable, ExpressionError } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { countRequests, refusedBeforeSend } from '../support/requests.js';
import { useTable } from '../support/tables.js';

const client = testClient();

/** Counts the Query and Scan requests the client sends. */
function countReads(c: DynamoDBClient): { n: number } {
  const counter = { n: 0 };
  c.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'QueryCommand' || context.commandName === 'ScanCommand') counter.n++;
      return next(args);
    },
    { step: 'initialize', name: 'countReads' },
  );
  return counter;
}
const reads = countReads(client);
/** Every request, refused ones too (for the checks that bad input sends nothing). */
const sent = countRequests(client);

const Shop = defineTable({
  name: uniqueTableName('maxpages'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
});

const Order = defineEntity({
  table: Shop,
  name: 'Order',
  schema: z.object({ customerId: z.string(), seq: z.number().int(), status: z.enum(['open', 'done']) }),
  keys: { primary: { pk: 'CUSTOMER#{customerId}', sk: 'ORDER#{seq}' } },
});

const { Key, Attr } = Order;
const ORDERS = 60;
/** Every 7th order is open: a selective filter. */
const OPEN = Array.from({ length: ORDERS }, (_, seq) => seq).filter((seq) => seq % 7 === 3);
const openOrders = () => Order.query('primary', Key('customerId').eq('c1')).filter(Attr('status').eq('open')).pageSize(10);

useTable(Shop, { clients: [client] });

beforeAll(async () => {
  await Shop.batchWrite(Array.from({ length: ORDERS }, (_, seq) => Order.put({ customerId: 'c1', seq, status: OPEN.includes(seq) ? 'open' : 'done' })));
});

describe('maxPages', () => {
  it('stops an awaited read after n requests, short of limit, with a cursor that resumes it', async () => {
    const before = reads.n;
    const page = await openOrders().limit(5).maxPages(2);
    expect(reads.n - before).toBe(2);
    // Orders 0-19 evaluated: 3, 10 and 17 are open.
    expect(page.items.map((o) => o.seq)).toEqual([3, 10, 17]);
    expect(page.cursor).toBeTypeOf('string');

    const next = await openOrders().limit(5).maxPages(2).startAfter(page.cursor);
    expect(next.items.map((o) => o.seq)).toEqual([24, 31, 38]);
  });

  it('walking page by page with the cursors returns every matching item once, n requests at a time', async () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    let calls = 0;
    do {
      const before = reads.n;
      const page = await openOrders().limit(4).maxPages(3).startAfter(cursor);
      expect(reads.n - before).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((o) => o.seq));
      cursor = page.cursor;
      calls++;
    } while (cursor !== undefined && calls < 20);
    expect(seen).toEqual(OPEN);
  });

  it('limit reached first still stops there, with the cursor after the last item returned', async () => {
    const before = reads.n;
    const page = await openOrders().limit(2).maxPages(5);
    expect(page.items.map((o) => o.seq)).toEqual([3, 10]);
    expect(reads.n - before).toBe(2);
    const rest = await openOrders().startAfter(page.cursor).all();
    expect(rest.map((o) => o.seq)).toEqual(OPEN.slice(2));
  });

  it('bounds all(), iteration and pages() too', async () => {
    let before = reads.n;
    expect((await openOrders().maxPages(2).all()).map((o) => o.seq)).toEqual([3, 10, 17]);
    expect(reads.n - before).toBe(2);

    before = reads.n;
    const iterated: number[] = [];
    for await (const o of openOrders().maxPages(1)) iterated.push(o.seq);
    expect(iterated).toEqual([3]);
    expect(reads.n - before).toBe(1);

    const pages = [];
    for await (const p of openOrders().maxPages(3).pages()) pages.push(p);
    expect(pages).toHaveLength(3);
    expect(pages.at(-1)?.cursor).toBeTypeOf('string');
  });

  it('without maxPages, limit reads on to the end of the partition', async () => {
    const before = reads.n;
    const page = await openOrders().limit(100);
    expect(page.items.map((o) => o.seq)).toEqual(OPEN);
    expect(page.cursor).toBeUndefined();
    expect(reads.n - before).toBe(7); // 60 items, 10 per request: 6 pages and the empty seventh
  });

  it('a read that ends before n requests has no cursor', async () => {
    const page = await Order.query('primary', Key('customerId').eq('c1')).limit(100).maxPages(3);
    expect(page.items).toHaveLength(ORDERS);
    expect(page.cursor).toBeUndefined();
  });

  it('count() refuses it before any request: a count stopped short would look complete', async () => {
    const error = await refusedBeforeSend(sent, ExpressionError, () => openOrders().maxPages(1).count());
    expect(error.message).toMatch(/maxPages\(1\) would stop it short.*countPage\(\)/);
    await refusedBeforeSend(sent, ExpressionError, () => Shop.scan().maxPages(2).count());
  });

  it('table-level reads take it too', async () => {
    const before = reads.n;
    const page = await Shop.query(Shop.Key('pk').eq('CUSTOMER#c1')).filter(Shop.Attr('status').eq('open')).pageSize(10).limit(50).maxPages(2);
    expect(reads.n - before).toBe(2);
    expect(page.items.map((o) => o['seq'])).toEqual([3, 10, 17]);
    expect(page.cursor).toBeTypeOf('string');
    const next = await Shop.query(Shop.Key('pk').eq('CUSTOMER#c1')).filter(Shop.Attr('status').eq('open')).pageSize(10).limit(50).maxPages(2).startAfter(page.cursor);
    expect(next.items.map((o) => o['seq'])).toEqual([24, 31, 38]);
  });

  it('is refused where it could not be resumed or is not a count', async () => {
    expect(() => openOrders().maxPages(0)).toThrow(ExpressionError);
    expect(() => openOrders().maxPages(1.5)).toThrow(/maxPages must be a positive integer/);
    const segmented = Order.scan().segments(2).maxPages(1);
    await expect(segmented.all()).rejects.toThrow(/maxPages\(\) needs cursors/);
  });
});

describe('countPage(): a count bounded as all() is, with a cursor that resumes it', () => {
  it('counts in at most maxPages requests (Select COUNT), and the cursors walk the whole count', async () => {
    const before = reads.n;
    const first = await openOrders().maxPages(2).countPage();
    expect(reads.n - before).toBe(2);
    expect(first.count).toBe(3); // orders 0-19 evaluated: 3, 10, 17
    expect(first.cursor).toBeTypeOf('string');
    let total = first.count;
    let cursor = first.cursor;
    let calls = 0;
    while (cursor !== undefined && calls++ < 20) {
      const next = await openOrders().maxPages(2).startAfter(cursor).countPage();
      total += next.count;
      cursor = next.cursor;
    }
    expect(total).toBe(OPEN.length);
    // the cursor is the read's: the items after it are the ones not counted yet
    expect((await openOrders().startAfter(first.cursor).all()).map((o) => o.seq)).toEqual(OPEN.slice(3));
  });

  it('stops once limit items are counted, mid-page, and resumes right after the last one', async () => {
    const first = await openOrders().limit(4).countPage();
    expect(first).toEqual({ count: 4, cursor: expect.any(String) });
    expect((await openOrders().startAfter(first.cursor).all()).map((o) => o.seq)).toEqual(OPEN.slice(4));
    expect(await openOrders().limit(4).startAfter(first.cursor).countPage()).toEqual({ count: 4, cursor: expect.any(String) });
    // "are there at least n?": without pageSize, a count that ends at the end has no cursor
    const all = Order.query('primary', Key('customerId').eq('c1')).filter(Attr('status').eq('open'));
    expect(await all.limit(OPEN.length).countPage()).toEqual({ count: OPEN.length });
    expect(await all.limit(OPEN.length + 1).countPage()).toEqual({ count: OPEN.length });
    expect((await all.limit(OPEN.length - 1).countPage()).cursor).toBeTypeOf('string');
    // maxPages bounds it too
    const before = reads.n;
    expect(await openOrders().limit(5).maxPages(2).countPage()).toEqual({ count: 3, cursor: expect.any(String) });
    expect(reads.n - before).toBe(2);
  });

  it('without bounds counts everything, as count() does, with no cursor', async () => {
    expect(await openOrders().countPage()).toEqual({ count: OPEN.length });
    expect(await openOrders().count()).toBe(OPEN.length);
  });

  it('table-level reads count items and unknown ones the same way', async () => {
    const open = () => Shop.query(Shop.Key('pk').eq('CUSTOMER#c1')).filter(Shop.Attr('status').eq('open')).pageSize(10);
    const before = reads.n;
    const bounded = await open().maxPages(2).countPage();
    expect(reads.n - before).toBe(2);
    expect(bounded).toEqual({ count: 3, cursor: expect.any(String) });
    expect(await open().startAfter(bounded.cursor).countPage()).toEqual({ count: OPEN.length - 3 });
    const limited = await open().limit(5).countPage();
    expect(limited).toEqual({ count: 5, cursor: expect.any(String) });
    expect((await open().startAfter(limited.cursor).all()).items.map((o) => o['seq'])).toEqual(OPEN.slice(5));
    expect(await open().countPage()).toEqual({ count: OPEN.length });
  });

  it('is refused on a segmented scan, which has no cursor to resume it', async () => {
    await refusedBeforeSend(sent, ExpressionError, () => Order.scan().segments(2).limit(5).countPage());
    await refusedBeforeSend(sent, ExpressionError, () => Shop.scan().segments(2).countPage());
    // count() of a segmented scan still reads sequentially
    expect(await Order.scan().segments(2).count()).toBe(ORDERS);
  });
});

describe('maxPages on a hydrated read that fills its limit', () => {
  // A KEYS_ONLY index shared by two entities: the index cannot tell A's entries from B's, so a
  // hydrated read of A fetches items to drop B's.
  const Shared = defineTable({
    name: uniqueTableName('maxpages-hydrate'),
    client,
    partitionKey: { name: 'pk', type: 'S' },
    indexes: { byGroup: { type: 'global', partitionKey: { name: 'gpk', type: 'S' }, sortKey: { name: 'gsk', type: 'S' }, projection: 'KEYS_ONLY' } },
  });
  const A = defineEntity({ table: Shared, name: 'A', schema: z.object({ id: z.string() }), keys: { primary: { pk: 'A#{id}' }, byGroup: { pk: 'G', sk: 'X#{id}' } } });
  const B = defineEntity({ table: Shared, name: 'B', schema: z.object({ id: z.string() }), keys: { primary: { pk: 'B#{id}' }, byGroup: { pk: 'G', sk: 'X#{id}' } } });
  useTable(Shared);
  beforeAll(async () => {
    await A.put({ id: '000' });
    await Shared.batchWrite(Array.from({ length: 60 }, (_, i) => B.put({ id: `1${String(i).padStart(3, '0')}` })));
    await A.put({ id: '999' });
  });

  // When the page fills `limit`, the read looks past it for an entry that returns an item, reading
  // on in the index; those requests count against maxPages too (maxPages(1) sent 1 + 3 before).
  it('sends at most n index requests, the look past the full page included; the cursor resumes there', async () => {
    const before = reads.n;
    const page = await A.query('byGroup', A.Key('id').gte('0')).hydrate().limit(1).maxPages(1);
    expect(page.items).toEqual([{ id: '000' }]);
    expect(reads.n - before).toBe(1);
    // the cursor resumes after the rows looked at; walking on (2 rows a call) finds the other A, then the end
    const seen = [...page.items.map((a) => a.id)];
    let cursor = page.cursor;
    let calls = 0;
    while (cursor !== undefined && calls++ < 100) {
      const next = await A.query('byGroup', A.Key('id').gte('0')).hydrate().limit(1).maxPages(1).startAfter(cursor);
      seen.push(...next.items.map((a) => a.id));
      cursor = next.cursor;
    }
    expect(seen).toEqual(['000', '999']);
    // without maxPages, the look past reads on until it knows
    const b2 = reads.n;
    const unbounded = await A.query('byGroup', A.Key('id').gte('0')).hydrate().limit(1);
    expect(unbounded.items).toEqual([{ id: '000' }]);
    expect(reads.n - b2).toBeGreaterThan(1);
  });

  it('countPage() counts the fetched items of A, bounded by limit and maxPages', async () => {
    const byGroup = () => A.query('byGroup', A.Key('id').gte('0')).hydrate();
    expect(await byGroup().countPage()).toEqual({ count: 2 });
    expect(await byGroup().count()).toBe(2);
    const first = await byGroup().limit(1).countPage();
    expect(first).toEqual({ count: 1, cursor: expect.any(String) });
    expect(await byGroup().startAfter(first.cursor).countPage()).toEqual({ count: 1 });
    const before = reads.n;
    const bounded = await byGroup().pageSize(10).maxPages(2).countPage();
    expect(reads.n - before).toBe(2);
    expect(bounded).toEqual({ count: 1, cursor: expect.any(String) }); // 20 of the 62 entries: only A 000
  });
});
