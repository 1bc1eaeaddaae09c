/**
 * A selective filter with `limit(k)` and no `pageSize`, against DynamoDB Local. DynamoDB applies
 * `Limit` before the filter, so a read that only ever asked for what it still owed took one small
 * request per few matches (65 requests for the first 5 matches of 1 in 50 here). The request `Limit` now grows
 * with the share of rows the filter drops: a few requests, about as many rows evaluated as the
 * matches need, the same items and a cursor that resumes exactly after them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { defineEntity, defineTable } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();

interface ReadRequest {
  readonly limit: number | undefined;
  scanned: number;
}

/** Records the `Limit` of every Query and Scan the client sends, and the `ScannedCount` it got. */
function recordReads(c: DynamoDBClient): ReadRequest[] {
  const log: ReadRequest[] = [];
  c.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'QueryCommand' && context.commandName !== 'ScanCommand') return next(args);
      const entry: ReadRequest = { limit: (args.input as { Limit?: number }).Limit, scanned: 0 };
      log.push(entry);
      const result = await next(args);
      entry.scanned = (result.output as { ScannedCount?: number }).ScannedCount ?? 0;
      return result;
    },
    { step: 'initialize', name: 'recordReads' },
  );
  return log;
}
const reads = recordReads(client);

const Shop = defineTable({
  name: uniqueTableName('sparse'),
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

const Note = defineEntity({
  table: Shop,
  name: 'Note',
  schema: z.object({ noteId: z.string(), text: z.string() }),
  keys: { primary: { pk: 'NOTE#{noteId}', sk: 'NOTE' } },
});

const ORDERS = 500;
/** 1 order in 50 is open. */
const OPEN = Array.from({ length: ORDERS }, (_, seq) => seq).filter((seq) => seq % 50 === 7);
const NOTES = 300;
const openOrders = () => Order.query('primary', Order.Key('customerId').eq('c1')).filter(Order.Attr('status').eq('open'));

useTable(Shop, { clients: [client] });

beforeAll(async () => {
  await Shop.batchWrite([
    ...Array.from({ length: ORDERS }, (_, seq) => Order.put({ customerId: 'c1', seq: seq, status: OPEN.includes(seq) ? 'open' : 'done' })),
    ...Array.from({ length: NOTES }, (_, i) => Note.put({ noteId: `n${i}`, text: 'x' })),
  ]);
}, 60_000);

/** Orders sort by their padded seq, so query order is seq order. */
const seqs = (items: readonly { seq: number }[]) => items.map((o) => o.seq).sort((a, b) => a - b);

describe('limit with a selective filter', () => {
  it('takes a few requests, each Limit larger while the filter drops rows, and evaluates about what the matches need', async () => {
    const before = reads.length;
    const page = await openOrders().limit(5);
    const sent = reads.slice(before);
    expect(page.items.map((o) => o.seq)).toEqual(OPEN.slice(0, 5));
    expect(sent.length).toBeLessThanOrEqual(5);
    expect(sent[0]!.limit).toBe(6);
    for (let i = 1; i < sent.length; i++) expect(sent[i]!.limit!).toBeGreaterThan(sent[i - 1]!.limit!);
    // the 5th match is row 208; at most twice that many rows evaluated
    const evaluated = sent.reduce((n, r) => n + r.scanned, 0);
    expect(evaluated).toBeGreaterThanOrEqual(OPEN[4]! + 1);
    expect(evaluated).toBeLessThanOrEqual(2 * (OPEN[4]! + 1));
    // the cursor resumes right after the 5th match, though the last request read past it
    const rest = await openOrders().startAfter(page.cursor).all();
    expect(rest.map((o) => o.seq)).toEqual(OPEN.slice(5));
  });

  it('walking page by page with limit(3) returns every match once, in far fewer requests than before', async () => {
    const before = reads.length;
    const seen: number[] = [];
    let cursor: string | undefined;
    let calls = 0;
    do {
      const page = await openOrders().limit(3).startAfter(cursor);
      seen.push(...page.items.map((o) => o.seq));
      cursor = page.cursor;
      calls++;
    } while (cursor !== undefined && calls < 20);
    expect(seen).toEqual(OPEN);
    // 4 reads of 3, 3, 3, 1 matches; asking only for what was owed took 179 requests
    expect(reads.length - before).toBeLessThanOrEqual(4 * 5);
  });

  it('a filter matching nothing reads the whole partition in a few requests, with no cursor', async () => {
    const before = reads.length;
    const none = Order.query('primary', Order.Key('customerId').eq('c1')).filter(Order.Attr('seq').lt(0));
    expect(await none.limit(2)).toEqual({ items: [] });
    expect(reads.length - before).toBeLessThanOrEqual(6);
    expect(reads.slice(before).reduce((n, r) => n + r.scanned, 0)).toBe(ORDERS);
  });

  it('without a filter, each request asks for what is still owed, plus one', async () => {
    const before = reads.length;
    const page = await Order.query('primary', Order.Key('customerId').eq('c1')).limit(40);
    expect(seqs(page.items)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(reads.slice(before).map((r) => r.limit)).toEqual([41]);
  });

  it('pageSize stays the Limit of every request', async () => {
    const before = reads.length;
    const page = await openOrders().pageSize(20).limit(2);
    expect(page.items.map((o) => o.seq)).toEqual(OPEN.slice(0, 2));
    expect(reads.slice(before).every((r) => r.limit === 20)).toBe(true);
  });

  it("an entity scan of a table another entity fills: the Limit grows past the other entity's rows", async () => {
    const before = reads.length;
    const page = await Order.scan().filter(Order.Attr('status').eq('open')).limit(4);
    expect(page.items).toHaveLength(4);
    expect(page.items.every((o) => o.status === 'open')).toBe(true);
    expect(reads.length - before).toBeLessThanOrEqual(6);
    const rest = await Order.scan().filter(Order.Attr('status').eq('open')).startAfter(page.cursor).all();
    expect(seqs([...page.items, ...rest])).toEqual(OPEN);
  });

  it('a parallel scan with limit(k): no segment is asked for more than k + 1 rows at first', async () => {
    const before = reads.length;
    const page = await Note.scan().segments(4).limit(3);
    expect(page.items).toHaveLength(3);
    const sent = reads.slice(before);
    expect(sent.length).toBeGreaterThanOrEqual(1);
    expect(sent.every((r) => r.limit !== undefined)).toBe(true);
    // each segment's first request asks for 4 rows (Notes among the orders are dropped by the filter on the discriminator)
    expect(sent.slice(0, Math.min(4, sent.length)).every((r) => r.limit === 4)).toBe(true);
  });
});
