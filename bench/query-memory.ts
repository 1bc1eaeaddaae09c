/**
 * Memory while walking a large query: only one page is held at a time.
 *
 *   npx tsx --expose-gc bench/query-memory.ts          (100,000 items; BENCH_ITEMS=n to change)
 *
 * Starts DynamoDB Local (test/support/dynamodb-local.ts, or DYNAMODB_ENDPOINT), writes BENCH_ITEMS
 * small items (~300 bytes) into ONE partition with raw BatchWriteCommands in parallel, then:
 *   1. walks `for await (const e of Event.query(...))` over every item, sampling
 *      process.memoryUsage().heapUsed at every page (after global.gc() when run with --expose-gc);
 *   2. for contrast, collects the same query with `.all()`, which keeps every item.
 * Prints the baseline heap, the peak while streaming and the heap held by `.all()`. Not part of
 * `npm test` (writing 100,000 items to DynamoDB Local takes ~15-20 s).
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { defineEntity, defineTable } from '../src/index.js';
import { localClientConfig, startDynamoDBLocal } from '../test/support/dynamodb-local.js';

const N = Number(process.env['BENCH_ITEMS'] ?? 100_000);
const WRITERS = 16;
const gc = (globalThis as { gc?: () => void }).gc;
const MB = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

function heap(): number {
  gc?.();
  return process.memoryUsage().heapUsed;
}

async function main(): Promise<void> {
  const server = await startDynamoDBLocal();
  const client = new DynamoDBClient(localClientConfig(server.endpoint));
  const doc = DynamoDBDocumentClient.from(client);
  let requests = 0;
  client.middlewareStack.add((next) => (args) => (requests++, next(args)), { step: 'initialize', name: 'countRequests' });
  try {
    const Events = defineTable({
      name: `bench-query-memory-${process.pid}`,
      client,
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
    });
    const Event = defineEntity({
      table: Events,
      name: 'Event',
      schema: z.object({ streamId: z.string(), seq: z.number().int(), kind: z.string(), at: z.date(), payload: z.string() }),
      keys: { primary: { pk: 'STREAM#{streamId}', sk: 'EVENT#{seq}' } },
    });
    await client.send(new CreateTableCommand(Events.createTableInput()));

    // ---- write N items, 25 per BatchWrite, WRITERS in flight
    const t0 = performance.now();
    const payload = 'p'.repeat(200);
    const item = (seq: number) =>
      Event.model.storedItem(Event.model.validate({ streamId: 's1', seq, kind: seq % 2 === 0 ? 'even' : 'odd', at: new Date(1_700_000_000_000 + seq), payload }), undefined).item;
    let next = 0;
    const writer = async (): Promise<void> => {
      for (;;) {
        const start = next;
        if (start >= N) return;
        next = Math.min(N, start + 25);
        const Items = Array.from({ length: next - start }, (_, i) => ({ PutRequest: { Item: item(start + i) } }));
        let unprocessed: Record<string, unknown>[] | undefined = Items;
        while (unprocessed !== undefined && unprocessed.length > 0) {
          const out = await doc.send(new BatchWriteCommand({ RequestItems: { [Events.name]: unprocessed as never } }));
          unprocessed = out.UnprocessedItems?.[Events.name] as Record<string, unknown>[] | undefined;
        }
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, writer));
    const writeMs = performance.now() - t0;
    console.log(`wrote ${N.toLocaleString('en')} items in ${(writeMs / 1000).toFixed(1)} s (${Math.round(N / (writeMs / 1000)).toLocaleString('en')} items/s)`);

    const query = () => Event.query('primary', Event.Key('streamId').eq('s1'));

    // ---- 1. stream every item, one page at a time
    const baseline = heap();
    let peak = baseline;
    let count = 0;
    let pages = 0;
    let last = -1;
    let maxPage = 0;
    const r0 = requests;
    const t1 = performance.now();
    for await (const page of query().pages()) {
      pages++;
      maxPage = Math.max(maxPage, page.items.length);
      for (const e of page.items) {
        if (e.seq !== last + 1) throw new Error(`out of order: ${e.seq} after ${last}`);
        last = e.seq;
        count++;
      }
      peak = Math.max(peak, heap());
    }
    const streamMs = performance.now() - t1;
    const pageRequests = requests - r0;
    if (count !== N) throw new Error(`walked ${count} items, expected ${N}`);
    // the same walk with for await over items (the page iterator underneath), sampled every 1,000 items
    const itemBaseline = heap();
    let itemPeak = itemBaseline;
    let n = 0;
    for await (const e of query()) {
      if (e.seq !== n) throw new Error('out of order');
      if (++n % 1000 === 0) itemPeak = Math.max(itemPeak, heap());
    }
    if (n !== N) throw new Error(`for await walked ${n} items`);

    // ---- 2. contrast: .all() keeps everything
    const beforeAll = heap();
    const t2 = performance.now();
    const all = await query().all();
    const allMs = performance.now() - t2;
    const heldByAll = heap() - beforeAll;
    if (all.length !== N) throw new Error(`all() returned ${all.length}`);

    console.log(`gc: ${gc === undefined ? 'NOT exposed (run with --expose-gc for exact numbers)' : 'forced before every sample'}`);
    console.log(`pages() walk: ${count.toLocaleString('en')} items in ${pages} pages (${pageRequests} requests, <= ${maxPage} items/page) in ${(streamMs / 1000).toFixed(1)} s`);
    console.log(`  heap baseline ${MB(baseline)}, peak ${MB(peak)} -> +${MB(peak - baseline)} while walking`);
    console.log(`for await (items): heap baseline ${MB(itemBaseline)}, peak ${MB(itemPeak)} -> +${MB(itemPeak - itemBaseline)}`);
    console.log(`.all() for contrast: ${all.length.toLocaleString('en')} items held, +${MB(heldByAll)} of heap, ${(allMs / 1000).toFixed(1)} s`);
    console.log(`peak while streaming is ${((100 * (peak - baseline)) / Math.max(1, heldByAll)).toFixed(1)}% of what .all() holds`);
    all.length = 0;
  } finally {
    client.destroy();
    await server.stop();
  }
}

await main();
