/**
 * A small order service built on dynakit from its README and docs only, driven as production does:
 * concurrent counters and optimistic-locking edits, place-order transactions raced for the last units
 * of stock and retried with their idempotency token after a dropped connection, a bulk import through
 * `AppTable.batchWrite` under injected faults, paginated reads while writes happen, and the table's
 * stream parsed with `parseStreamRecord`. Faults are AWS SDK middleware on a real client talking to
 * the real DynamoDB Local (test/support/faults.ts).
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { z } from 'zod';
import {
  BatchGetError,
  BatchWriteError,
  ConditionFailedError,
  InvalidCursorError,
  StreamRecordError,
  TransactionCanceledError,
  TransactionOutcomeUnknownError,
  VersionConflictError,
  changedAttributes,
  defineEntity,
  defineTable,
  transactWrite,
  type EntityInput,
  type EntityItem,
} from '../../src/index.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { testClient, testEndpoint, uniqueTableName } from '../support/client.js';
import { injectFaults } from '../support/faults.js';
import { orderService } from '../support/order-service.js';
import { asLambdaEvent, readStream, type SdkStreamRecord } from '../support/stream-records.js';
import { useTable } from '../support/tables.js';

const tableName = uniqueTableName('service58');
const client = testClient();
const svc = orderService(client, tableName);
const { AppTable, Customer, Order, OrderCounter, Product } = svc;
/** The same table through a client whose SDK does not retry, so every injected fault reaches the caller. */
const faultyClient = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 1 });
const faulty = orderService(faultyClient, tableName);

useTable(AppTable, { clients: [client, faultyClient] });

let n = 0;
const id = (p: string) => `${p}${++n}`;
const T0 = new Date('2026-01-01T00:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

describe('concurrency', () => {
  it('40 concurrent add()s of one counter: final count = successful calls', async () => {
    const customerId = id('c');
    const results = await Promise.allSettled(Array.from({ length: 40 }, () => OrderCounter.update({ customerId }).add({ count: 1 }).upsert()));
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    expect(ok).toBe(40);
    expect((await OrderCounter.get({ customerId }).consistent())?.count).toBe(40);
  });

  it("a counter under a lost answer: the SDK's retry counts a plain add() twice, a transaction with the request's token once", async () => {
    const retrying = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 2 });
    const r = orderService(retrying, tableName);
    const faults = injectFaults(retrying, { commands: ['UpdateItemCommand', 'TransactWriteItemsCommand'], script: ['dropAfter'] });
    try {
      const plain = id('c');
      await r.OrderCounter.update({ customerId: plain }).add({ count: 1 }).upsert(); // succeeds, after the SDK resent it
      expect((await OrderCounter.get({ customerId: plain }).consistent())?.count).toBe(2); // counted twice: what docs/updates.md warns of

      faults.set({ script: ['dropAfter'] });
      const once = id('c');
      await transactWrite([r.OrderCounter.update({ customerId: once }).add({ count: 1 }).upsert()], { idempotencyToken: id('req') });
      expect((await OrderCounter.get({ customerId: once }).consistent())?.count).toBe(1);
      expect(faults.counters.droppedAfter).toBe(2);
    } finally {
      faults.remove();
      retrying.destroy();
    }
  });

  it("a read-modify-write under a lost answer: docs/locking's edit() must not apply the change again over its own write", async () => {
    const retrying = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 2 });
    const r = orderService(retrying, tableName);
    type Product = EntityItem<typeof r.Product>;
    /** docs/locking-and-ttl.md's edit(), for a Product. */
    async function edit(sku: string, change: (p: Product) => Partial<Product>): Promise<Product> {
      let current = await r.Product.get({ sku }).consistent();
      for (let attempt = 0; attempt < 5 && current !== undefined; attempt++) {
        const next = { ...current, ...change(current) };
        try {
          return await r.Product.put(next);
        } catch (e) {
          if (!(e instanceof VersionConflictError)) throw e;
          const stored = r.Product.storedItem(e);
          // The SDK resent the put after losing the answer of an attempt DynamoDB applied: the
          // conflict is with this very write when the stored item is it, one version on.
          if (e.maybeApplied && stored !== undefined && stored.version === next.version + 1 && isDeepStrictEqual({ ...stored, version: next.version }, next)) return stored;
          current = stored;
        }
      }
      throw new Error(`gave up editing ${sku}`);
    }
    const sku = id('sku');
    await Product.create({ sku, name: 'Edited', stock: 100, price: 1 });
    const faults = injectFaults(retrying, { commands: ['PutItemCommand'], script: ['dropAfter'] });
    try {
      const after = await edit(sku, (p) => ({ stock: p.stock - 2 }));
      expect(after.stock).toBe(98);
      expect(faults.counters.droppedAfter).toBe(1);
    } finally {
      faults.remove();
      retrying.destroy();
    }
    const stored = await Product.get({ sku }).consistent();
    expect([stored?.stock, stored?.version]).toEqual([98, 2]);
  });

  it("a cancelled order's delete().returning('ALL_OLD') after a lost answer resolves to undefined: restock in the same transaction instead", async () => {
    const retrying = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 2 });
    const r = orderService(retrying, tableName);
    const sku = id('sku');
    await Product.create({ sku, name: 'Refund', stock: 5, price: 1 });
    const customerId = id('c');
    const line = { sku, qty: 3, price: 1 };
    await Order.create({ customerId, orderId: 'o1', placedAt: at(0), status: 'PLACED', lines: [line], total: 3 });
    await Order.create({ customerId, orderId: 'o2', placedAt: at(1), status: 'PLACED', lines: [line], total: 3 });
    const faults = injectFaults(retrying, { commands: ['DeleteItemCommand', 'TransactWriteItemsCommand'], script: ['dropAfter'] });
    try {
      // The SDK resends the delete after losing the answer of the attempt that deleted the item: no old item.
      const old = await r.Order.delete({ customerId, orderId: 'o1' }).returning('ALL_OLD');
      expect(old).toBeUndefined(); // a restock driven by `old` would be skipped: see docs/errors.md
      expect(await Order.get({ customerId, orderId: 'o1' })).toBeUndefined();

      // Read, then delete (if still PLACED) and restock as one transaction with a token: applied once.
      faults.set({ script: ['dropAfter'] });
      const o2 = (await r.Order.get({ customerId, orderId: 'o2' }).consistent())!;
      await transactWrite(
        [r.Order.delete({ customerId, orderId: 'o2' }).where(r.Order.Attr('status').eq('PLACED')), ...o2.lines.map((l) => r.Product.update({ sku: l.sku }).add({ stock: l.qty }))],
        { idempotencyToken: id('cancel') },
      );
      expect(faults.counters.droppedAfter).toBe(2);
    } finally {
      faults.remove();
      retrying.destroy();
    }
    expect(await Order.get({ customerId, orderId: 'o2' })).toBeUndefined();
    expect((await Product.get({ sku }).consistent())?.stock).toBe(8);
  });

  it('30 concurrent stock decrements of 20 units: exactly 20 succeed, the others fail with the bound named', async () => {
    const sku = id('sku');
    await Product.create({ sku, name: 'Widget', stock: 20, price: 3 });
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => Product.update({ sku }).add({ stock: -1 })));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(results.length - failed.length).toBe(20);
    for (const f of failed) {
      expect(f.reason).toBeInstanceOf(ConditionFailedError);
      expect((f.reason as Error).message).toMatch(/stock must be >= 1/);
    }
    const p = await Product.get({ sku }).consistent();
    expect(p?.stock).toBe(0);
    expect(p?.version).toBe(21);
  });

  it('20 concurrent read-modify-write editors with version retries: no lost update', async () => {
    const sku = id('sku');
    await Product.create({ sku, name: 'Gadget', stock: 100, price: 10 });
    let conflicts = 0;
    async function reserve(qty: number): Promise<void> {
      let current = await Product.get({ sku }).consistent();
      for (let attempt = 0; attempt < 200 && current !== undefined; attempt++) {
        try {
          await Product.put({ ...current, stock: current.stock - qty });
          return;
        } catch (e) {
          if (!(e instanceof VersionConflictError)) throw e;
          conflicts++;
          current = Product.storedItem(e);
        }
      }
      throw new Error('gave up');
    }
    await Promise.all(Array.from({ length: 20 }, () => reserve(2)));
    const p = await Product.get({ sku }).consistent();
    expect(p?.stock).toBe(60);
    expect(p?.version).toBe(21);
    expect(conflicts).toBeGreaterThan(0);
  });
});

describe('place order transactions', () => {
  it('12 concurrent orders race for the last 5 units: 5 orders, stock 0, counters match, losers told why', async () => {
    const sku = id('sku');
    await Product.create({ sku, name: 'Last', stock: 5, price: 7 });
    const orders = Array.from({ length: 12 }, (_, i) => ({ customerId: id('c'), orderId: id('o'), requestId: id('r'), lines: [{ sku, qty: 1, price: 7 }], now: at(i) }));
    const results = await Promise.allSettled(orders.map((o) => svc.placeOrder(o)));
    const won = orders.filter((_, i) => results[i]!.status === 'fulfilled');
    expect(won.length).toBe(5);
    for (const r of results) {
      if (r.status === 'fulfilled') continue;
      const e = r.reason as TransactionCanceledError;
      expect(e).toBeInstanceOf(TransactionCanceledError);
      expect(e.reasons.map((x) => x.code)).toEqual(['ConditionalCheckFailed', 'None', 'None', 'None']);
      expect(e.message).toMatch(/stock must be >= 1/);
    }
    expect((await Product.get({ sku }).consistent())?.stock).toBe(0);
    for (const [i, o] of orders.entries()) {
      const placed = await Order.get({ customerId: o.customerId, orderId: o.orderId }).consistent();
      const counter = await OrderCounter.get({ customerId: o.customerId }).consistent();
      expect(placed !== undefined).toBe(results[i]!.status === 'fulfilled');
      expect(counter?.count).toBe(results[i]!.status === 'fulfilled' ? 1 : undefined);
    }
  });

  it('an idempotency key whose record expired (not deleted yet) is claimed again by exactly one of 8 racing requests', async () => {
    const requestId = id('r');
    await svc.IdempotencyRecord.put({ requestId, orderId: 'old', expiresAt: new Date(Date.now() - 60_000) });
    expect(await svc.IdempotencyRecord.get({ requestId })).toBeUndefined(); // hidden: expired
    const claims = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => svc.IdempotencyRecord.create({ requestId, orderId: `new${i}`, expiresAt: new Date(Date.now() + 3_600_000) })),
    );
    expect(claims.filter((c) => c.status === 'fulfilled').length).toBe(1);
    for (const c of claims) if (c.status === 'rejected') expect(c.reason).toBeInstanceOf(ConditionFailedError);
    expect((await svc.IdempotencyRecord.get({ requestId }).consistent())?.orderId).toMatch(/^new\d$/);
  });

  it('a double-submitted order (5 concurrent calls of one request id) is placed once', async () => {
    const sku = id('sku');
    await Product.create({ sku, name: 'Twice', stock: 10, price: 3 });
    const o = { customerId: id('c'), orderId: id('o'), requestId: id('r'), lines: [{ sku, qty: 2, price: 3 }], now: at(0) };
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => svc.placeOrder(o)));
    const errors = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as Error).name);
    expect(errors).toEqual([]);
    expect((await Product.get({ sku }).consistent())?.stock).toBe(8);
    expect((await OrderCounter.get({ customerId: o.customerId }).consistent())?.count).toBe(1);
  });

  it('a dropped connection after the server applied the order: the retry with the same token is a no-op success', async () => {
    const sku = id('sku');
    await Product.create({ sku, name: 'Drop', stock: 3, price: 2 });
    const o = { customerId: id('c'), orderId: id('o'), requestId: id('r'), lines: [{ sku, qty: 2, price: 2 }], now: at(0) };
    const faults = injectFaults(faultyClient, { commands: ['TransactWriteItemsCommand'], script: ['dropAfter'] });
    try {
      const lost = await faulty.placeOrder(o).catch((e: unknown) => e);
      expect(lost).toBeInstanceOf(TransactionOutcomeUnknownError);
      expect(((lost as TransactionOutcomeUnknownError).cause as { code?: string }).code).toBe('ECONNRESET');
      expect((lost as TransactionOutcomeUnknownError).idempotencyToken).toBe(o.requestId);
      // The caller does not know: it retries, with new builders (a redelivered message) and the same token and time.
      await faulty.placeOrder(o);
    } finally {
      faults.remove();
    }
    expect((await Product.get({ sku }).consistent())?.stock).toBe(1);
    expect((await OrderCounter.get({ customerId: o.customerId }).consistent())?.count).toBe(1);
    expect((await Order.get({ customerId: o.customerId, orderId: o.orderId }).consistent())?.total).toBe(4);
  });

  it('a dropped connection before the server got it: the retry applies it once', async () => {
    const sku = id('sku');
    await Product.create({ sku, name: 'Drop', stock: 3, price: 2 });
    const o = { customerId: id('c'), orderId: id('o'), requestId: id('r'), lines: [{ sku, qty: 2, price: 2 }], now: at(0) };
    const faults = injectFaults(faultyClient, { commands: ['TransactWriteItemsCommand'], script: ['dropBefore'] });
    try {
      const lost = await faulty.placeOrder(o).catch((e: unknown) => e);
      expect(lost).toBeInstanceOf(TransactionOutcomeUnknownError);
      expect(((lost as TransactionOutcomeUnknownError).cause as { code?: string }).code).toBe('ECONNRESET');
      expect(await Order.get({ customerId: o.customerId, orderId: o.orderId }).consistent()).toBeUndefined();
      await faulty.placeOrder(o);
    } finally {
      faults.remove();
    }
    expect((await Product.get({ sku }).consistent())?.stock).toBe(1);
    expect((await OrderCounter.get({ customerId: o.customerId }).consistent())?.count).toBe(1);
  });
});

describe('optimistic place order', () => {
  it('10 concurrent orders that check the version they read retry on cancellation from the stored item: none lost', async () => {
    const sku = id('sku');
    await Product.create({ sku, name: 'Versioned', stock: 50, price: 1 });
    let retries = 0;
    async function order(customerId: string, qty: number): Promise<void> {
      let p = await Product.get({ sku }).consistent();
      for (let attempt = 0; attempt < 100 && p !== undefined; attempt++) {
        try {
          await transactWrite([
            Product.update({ sku, version: p.version }).set({ stock: p.stock - qty }),
            OrderCounter.update({ customerId }).add({ count: 1 }).upsert(),
          ]);
          return;
        } catch (e) {
          if (!(e instanceof TransactionCanceledError) || e.reasons[0]!.code !== 'ConditionalCheckFailed') throw e;
          expect(e.message).toMatch(/version conflict: expected version \d+ but the stored item has version \d+/);
          retries++;
          p = Product.storedItem(e.reasons[0]!);
        }
      }
      throw new Error('gave up');
    }
    // and 10 plain decrements racing them: an update without a version still moves the version on
    const plain = Array.from({ length: 10 }, () => Product.update({ sku }).add({ stock: -1 }));
    await Promise.all([...Array.from({ length: 10 }, (_, i) => order(id('c'), 2 + (i % 2))), ...plain.map(async (u) => u)]);
    const p = await Product.get({ sku }).consistent();
    expect(p?.stock).toBe(50 - 25 - 10);
    expect(p?.version).toBe(1 + 20);
    expect(retries).toBeGreaterThan(0);
  });
});

describe('bulk import under faults', () => {
  it('1,500 orders through batchWrite with partial answers, throttling and dropped connections, concurrency 4: all written as given', async () => {
    const customerId = id('bulk');
    const orders: EntityInput<typeof Order>[] = Array.from({ length: 1500 }, (_, i) => ({
      customerId,
      orderId: `o${String(i).padStart(5, '0')}`,
      placedAt: at(i),
      status: (['PLACED', 'PAID', 'SHIPPED'] as const)[i % 3]!,
      lines: [{ sku: `s${i % 17}`, qty: 1 + (i % 3), price: 1.5 }],
      total: 1.5 * (1 + (i % 3)),
    }));
    const faults = injectFaults(faultyClient, { seed: 58, partial: 0.3, throttle: 0.1, dropBefore: 0.05, dropAfter: 0.05 });
    try {
      const result = await faulty.AppTable.batchWrite(
        orders.map((o) => faulty.Order.put(o)),
        { concurrency: 4, baseDelayMs: 1, maxDelayMs: 20, maxAttempts: 30 },
      );
      expect(result.written).toBe(1500);
      expect(faults.faults).toBeGreaterThan(10);
    } finally {
      faults.remove();
    }
    const back = await Order.query('byCustomer', Order.Key('customerId').eq(customerId)).all();
    expect(back.length).toBe(1500);
    const stored = back.map(({ createdAt: _c, updatedAt: _u, ...o }) => o);
    expect(stored).toEqual(orders);
  });

  it("versioned products imported by create() transactions of 100: a chunk whose answer was lost is retried with the chunk's token", async () => {
    const productsOf = (prefix: string) => Array.from({ length: 120 }, (_, i) => ({ sku: `${prefix}-${i}`, name: `P${i}`, stock: i, price: 1 }));
    /**
     * Imports in chunks of 100, resending a chunk whose outcome is unknown (its connection dropped):
     * with a token of its own, with the token the error carries (`'fromError'`), or with none.
     */
    async function importAll(products: EntityInput<typeof Product>[], tokenOf?: ((chunk: number) => string) | 'fromError'): Promise<unknown[]> {
      const failures: unknown[] = [];
      for (let i = 0; i < products.length; i += 100) {
        const actions = products.slice(i, i + 100).map((p) => faulty.Product.create(p));
        let options = typeof tokenOf === 'function' ? { idempotencyToken: tokenOf(i) } : {};
        for (let attempt = 0; attempt < 3; attempt++) {
          const e = await transactWrite(actions, options).then(() => undefined, (x: unknown) => x);
          if (e === undefined) break;
          if (e instanceof TransactionOutcomeUnknownError) {
            if (tokenOf === 'fromError') options = { idempotencyToken: e.idempotencyToken };
            continue;
          }
          failures.push(e);
          break;
        }
      }
      return failures;
    }
    const faults = injectFaults(faultyClient, { commands: ['TransactWriteItemsCommand'], script: ['ok', 'dropAfter'] });
    try {
      // Without a token, the resent chunk that was applied meets its own items: cancelled, every action.
      const naive = await importAll(productsOf(id('imp')));
      expect(naive.length).toBe(1);
      expect((naive[0] as TransactionCanceledError).reasons.map((r) => r.code)).toEqual(Array(20).fill('ConditionalCheckFailed'));

      // With a token per chunk (the import's id and the chunk's position), the resend is replayed.
      faults.set({ script: ['ok', 'dropAfter'] });
      const products = productsOf(id('imp'));
      const importId = globalThis.crypto.randomUUID().slice(0, 30);
      expect(await importAll(products, (chunk) => `${importId}:${chunk}`)).toEqual([]);
      expect(faults.counters.droppedAfter).toBe(2);
      const back = await Product.batchGet(products.map((p) => ({ sku: p.sku })));
      expect(back.map((p) => [p?.sku, p?.stock, p?.version])).toEqual(products.map((p) => [p.sku, p.stock, 1]));

      // Without a token of its own, the resend takes the one the TransactionOutcomeUnknownError carries: replayed too.
      faults.set({ script: ['ok', 'dropAfter'] });
      const more = productsOf(id('imp'));
      expect(await importAll(more, 'fromError')).toEqual([]);
      expect(faults.counters.droppedAfter).toBe(3);
      const moreBack = await Product.batchGet(more.map((p) => ({ sku: p.sku })));
      expect(moreBack.map((p) => [p?.sku, p?.stock, p?.version])).toEqual(more.map((p) => [p.sku, p.stock, 1]));
    } finally {
      faults.remove();
    }
  });

  it('keys that are never processed: BatchWriteError lists exactly the writes not written', async () => {
    const customerId = id('stuck');
    const orders: EntityInput<typeof Order>[] = Array.from({ length: 300 }, (_, i) => ({
      customerId,
      orderId: `o${String(i).padStart(4, '0')}`,
      placedAt: at(i),
      status: 'PLACED',
      lines: [{ sku: 's', qty: 1, price: 1 }],
      total: 1,
    }));
    const stuckIds = new Set(['o0007', 'o0150', 'o0299']);
    const faults = injectFaults(faultyClient, {
      seed: 7,
      partial: 0.2,
      dropAfter: 0.05,
      stuck: (e) => e.command === 'BatchWriteItemCommand' && stuckIds.has(String((e.item['orderId'] as { S?: string } | undefined)?.S)),
    });
    let error: unknown;
    try {
      await faulty.AppTable.batchWrite(
        orders.map((o) => faulty.Order.put(o)),
        { concurrency: 3, baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 4 },
      );
    } catch (e) {
      error = e;
    } finally {
      faults.remove();
    }
    expect(error).toBeInstanceOf(BatchWriteError);
    const e = error as BatchWriteError;
    const back = new Set((await Order.query('primary', Order.Key('customerId').eq(customerId)).consistent().all()).map((o) => o.orderId));
    const listed = e.unprocessed.map((w) => (w.type === 'put' ? String(w.item['orderId']) : '?'));
    for (const s of stuckIds) expect(listed).toContain(s);
    for (const s of stuckIds) expect(back.has(s)).toBe(false);
    // every order is either stored (confirmed) or listed
    expect(e.written + e.unprocessed.length).toBe(300);
    for (const o of orders) expect(back.has(o.orderId) || listed.includes(o.orderId)).toBe(true);
    // Resuming from `unprocessed` (the items as given) completes the import exactly.
    const resumed = await AppTable.batchWrite(e.unprocessed.map((w) => (w.type === 'put' ? Order.put(w.item as EntityInput<typeof Order>) : Order.delete(w.key as { customerId: string; orderId: string }))));
    expect(resumed.written).toBe(e.unprocessed.length);
    const all = await Order.query('primary', Order.Key('customerId').eq(customerId)).consistent().all();
    expect(all.map(({ createdAt: _c, updatedAt: _u, ...o }) => o)).toEqual(orders);
  });

  it("a BatchGetError's message says why the read stopped, as a BatchWriteError's does", async () => {
    const a = id('c');
    await Customer.create({ customerId: a, name: 'A', email: 'a@example.com' });
    const faults = injectFaults(faultyClient, { throttle: 1 });
    let error: unknown;
    try {
      error = await faulty.Customer.batchGet([{ customerId: a }, { customerId: 'nobody' }]).with({ maxAttempts: 2, baseDelayMs: 1 }).send().catch((e: unknown) => e);
    } finally {
      faults.remove();
    }
    expect(error).toBeInstanceOf(BatchGetError);
    const e = error as BatchGetError;
    expect(e.unprocessedKeys.length).toBe(2);
    expect((e.cause as Error).name).toBe('ProvisionedThroughputExceededException');
    expect(e.message).toMatch(/^batch get stopped with 2 key\(s\) not read \(2 in table [^)]+\): ProvisionedThroughputExceededException: /);
  });

  it('Customer.batchGet with duplicates and missing keys keeps the order asked', async () => {
    const a = id('c');
    const b = id('c');
    await Customer.create({ customerId: a, name: 'A', email: 'a@example.com' });
    await Customer.create({ customerId: b, name: 'B', email: 'b@example.com' });
    const got = await Customer.batchGet([{ customerId: b }, { customerId: 'nobody' }, { customerId: a }, { customerId: b }]);
    expect(got.map((c) => c?.name)).toEqual(['B', undefined, 'A', 'B']);
  });

  it('batchGet of 250 keys (duplicates, missing ones) under partial answers, throttling and dropped connections keeps the order asked', async () => {
    const prefix = id('bg');
    await AppTable.batchWrite(Array.from({ length: 120 }, (_, i) => Customer.put({ customerId: `${prefix}-${i}`, name: `N${i}`, email: `n${i}@example.com` })));
    // keys 0..149: 120 exist, 30 do not; each asked once or twice, in a shuffled order
    const asked = Array.from({ length: 250 }, (_, i) => `${prefix}-${(i * 37) % 150}`);
    const faults = injectFaults(faultyClient, { seed: 5, partial: 0.4, throttle: 0.1, dropBefore: 0.05, dropAfter: 0.05 });
    try {
      const got = await faulty.Customer.batchGet(asked.map((customerId) => ({ customerId }))).with({ concurrency: 3, baseDelayMs: 1, maxDelayMs: 10, maxAttempts: 30 });
      expect(got.map((c) => c?.customerId)).toEqual(asked.map((k) => (Number(k.split('-').at(-1)) < 120 ? k : undefined)));
      expect(faults.faults).toBeGreaterThan(0);
    } finally {
      faults.remove();
    }
  });
});

describe('reads while writing', () => {
  it('a cursor walk of a customer\'s orders sees every order present from start to end exactly once', async () => {
    const customerId = id('walk');
    const base = Array.from({ length: 30 }, (_, i) => ({ customerId, orderId: `o${String(i).padStart(3, '0')}`, placedAt: at(i * 10), status: 'PLACED' as const, lines: [{ sku: 's', qty: 1, price: 1 }], total: 1 }));
    await AppTable.batchWrite(base.map((o) => Order.put(o)));
    const seen: string[] = [];
    let cursor: string | undefined;
    let step = 0;
    do {
      const page = await Order.query('byCustomer', Order.Key('customerId').eq(customerId)).limit(7).startAfter(cursor);
      seen.push(...page.items.map((o) => o.orderId));
      cursor = page.cursor;
      // Between pages: delete the last item returned (the cursor's own item), insert items before and after.
      const last = page.items.at(-1);
      if (last !== undefined && last.orderId !== 'o029') await Order.delete({ customerId, orderId: last.orderId });
      await Order.put({ customerId, orderId: `new${step}`, placedAt: at(-1 - step), status: 'PLACED', lines: [{ sku: 's', qty: 1, price: 1 }], total: 1 });
      step++;
    } while (cursor !== undefined);
    expect(seen.filter((s) => s.startsWith('o'))).toEqual(base.map((o) => o.orderId));
  });

  it('a worker walks the PLACED orders by status with cursors, marking each page PAID: every order once', async () => {
    const customerId = id('worker');
    const placedAt = (i: number) => at(100_000 + i);
    const orders = Array.from({ length: 30 }, (_, i) => ({ customerId, orderId: `w${String(i).padStart(3, '0')}`, placedAt: placedAt(i), status: 'PLACED' as const, lines: [{ sku: 's', qty: 1, price: 1 }], total: 1 }));
    await AppTable.batchWrite(orders.map((o) => Order.put(o)));
    const placed = () => Order.query('byStatus', Order.Key('status').eq('PLACED').and(Order.Key('placedAt').gte(placedAt(0)))).limit(7);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 20; guard++) {
      const page = await placed().startAfter(cursor);
      seen.push(...page.items.map((o) => o.orderId));
      // Only one worker may move an order on: the transition is conditional on the status read.
      await Promise.all(page.items.map((o) => Order.update({ customerId, orderId: o.orderId }).set({ status: 'PAID' }).where(Order.Attr('status').eq('PLACED'))));
      cursor = page.cursor;
      if (cursor === undefined) break;
    }
    expect(seen).toEqual(orders.map((o) => o.orderId));
    expect((await placed().all()).length).toBe(0);
    const paid = await Order.query('byStatus', Order.Key('status').eq('PAID').and(Order.Key('placedAt').gte(placedAt(0)))).all();
    expect(paid.map((o) => o.orderId)).toEqual(orders.map((o) => o.orderId));
  });

  it('20 concurrent appends of a line with the total added: every line kept, total consistent; concurrent removals stop at the schema min', async () => {
    const customerId = id('lines');
    await Order.create({ customerId, orderId: 'o1', placedAt: at(0), status: 'PLACED', lines: [{ sku: 'first', qty: 1, price: 2 }], total: 2 });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => Order.update({ customerId, orderId: 'o1' }).append({ lines: [{ sku: `s${i}`, qty: 1, price: 2 }] }).add({ total: 2 })),
    );
    const o = await Order.get({ customerId, orderId: 'o1' }).consistent();
    expect(o?.lines.length).toBe(21);
    expect(new Set(o?.lines.map((l) => l.sku)).size).toBe(21);
    expect(o?.total).toBe(42);
    const removals = await Promise.allSettled(Array.from({ length: 25 }, () => Order.update({ customerId, orderId: 'o1' }).remove('lines[0]')));
    expect(removals.filter((r) => r.status === 'fulfilled').length).toBe(20);
    for (const r of removals) if (r.status === 'rejected') expect((r.reason as Error).message).toMatch(/lines must hold at least 2 elements before removing 1/);
    expect((await Order.get({ customerId, orderId: 'o1' }).consistent())?.lines.length).toBe(1);
  });

  it('10 workers race to move one order PLACED -> PAID: exactly one wins, the others get ConditionFailedError', async () => {
    const customerId = id('race');
    await Order.create({ customerId, orderId: 'o1', placedAt: at(0), status: 'PLACED', lines: [{ sku: 's', qty: 1, price: 1 }], total: 1 });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => Order.update({ customerId, orderId: 'o1' }).set({ status: 'PAID' }).where(Order.Attr('status').eq('PLACED'))),
    );
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConditionFailedError);
  });

  it("a customer's orders of a date range, newest first, paged with cursors: inclusive bounds, each order once", async () => {
    const customerId = id('range');
    const orders = Array.from({ length: 12 }, (_, i) => ({ customerId, orderId: `r${String(i).padStart(2, '0')}`, placedAt: at(i * 60), status: 'PLACED' as const, lines: [{ sku: 's', qty: 1, price: 1 }], total: 1 }));
    // two orders at the same instant as a bound
    orders.push({ ...orders[3]!, orderId: 'r03b' }, { ...orders[8]!, orderId: 'r08b' });
    await AppTable.batchWrite(orders.map((o) => Order.put(o)));
    const { Key } = Order;
    const range = () => Order.query('byCustomer', Key('customerId').eq(customerId).and(Key('placedAt').between(at(3 * 60), at(8 * 60)))).reverse();
    const expected = orders.filter((o) => o.placedAt >= at(180) && o.placedAt <= at(480)).sort((a, b) => b.placedAt.getTime() - a.placedAt.getTime() || (a.orderId < b.orderId ? 1 : -1));
    expect((await range().all()).map((o) => o.orderId)).toEqual(expected.map((o) => o.orderId));
    const walked: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await range().limit(3).startAfter(cursor);
      walked.push(...page.items.map((o) => o.orderId));
      cursor = page.cursor;
    } while (cursor !== undefined);
    expect(walked).toEqual(expected.map((o) => o.orderId));
    expect(await range().count()).toBe(expected.length);
    const after = await Order.query('byCustomer', Key('customerId').eq(customerId).and(Key('placedAt').gt(at(8 * 60)))).all();
    expect(after.map((o) => o.orderId)).toEqual(['r09', 'r10', 'r11']);
    const upTo = await Order.query('byCustomer', Key('customerId').eq(customerId).and(Key('placedAt').lte(at(3 * 60)))).all();
    expect(upTo.map((o) => o.orderId)).toEqual(['r00', 'r01', 'r02', 'r03', 'r03b']);
  });

  it("a customer's collection (profile, counter, orders) walked at table level with cursors: each item once, typed or unknown", async () => {
    const customerId = id('coll');
    await Customer.create({ customerId, name: 'Coll', email: 'coll@example.com' });
    await OrderCounter.update({ customerId }).add({ count: 9 }).upsert();
    await AppTable.batchWrite(Array.from({ length: 9 }, (_, i) => Order.put({ customerId, orderId: `k${i}`, placedAt: at(i), status: 'PLACED', lines: [{ sku: 's', qty: 1, price: 1 }], total: 1 })));
    const collection = () => AppTable.query(Customer.partition('primary', { customerId })).entities(Customer, Order);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await collection().limit(4).startAfter(cursor);
      for (const item of page.items) seen.push(item._et === 'Order' ? `Order:${item.orderId}` : `Customer:${item.name}`);
      for (const raw of page.unknown) seen.push(`unknown:${String(raw['sk'])}`);
      cursor = page.cursor;
    } while (cursor !== undefined);
    expect(seen.sort()).toEqual([...Array.from({ length: 9 }, (_, i) => `Order:k${i}`), 'Customer:Coll', 'unknown:COUNTER'].sort());
    expect(await collection().count()).toBe(11);
  });

  it('an order-history endpoint: projected, filtered by status, paged by cursors with a limit that cuts DynamoDB pages', async () => {
    const customerId = id('hist');
    const statuses = ['PLACED', 'PAID', 'SHIPPED', 'CANCELLED'] as const;
    const orders = Array.from({ length: 23 }, (_, i) => ({ customerId, orderId: `h${String(i).padStart(2, '0')}`, placedAt: at(i), status: statuses[i % 4]!, lines: [{ sku: 's', qty: 1, price: i }], total: i }));
    await AppTable.batchWrite(orders.map((o) => Order.put(o)));
    const history = () =>
      Order.query('byCustomer', Order.Key('customerId').eq(customerId))
        .filter(Order.Attr('status').in(['PAID', 'SHIPPED']))
        .project('orderId', 'total')
        .reverse();
    const expected = orders.filter((o) => o.status === 'PAID' || o.status === 'SHIPPED').reverse().map((o) => ({ orderId: o.orderId, total: o.total }));
    for (const [limit, pageSize] of [[3, undefined], [4, 5], [1, 2]] as const) {
      const seen: { orderId: string; total: number }[] = [];
      let cursor: string | undefined;
      do {
        const q = history().limit(limit).startAfter(cursor);
        const page = await (pageSize === undefined ? q : q.pageSize(pageSize));
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...page.items);
        cursor = page.cursor;
      } while (cursor !== undefined);
      expect(seen).toEqual(expected);
    }
  });

  it('a filter that drops whole pages, and all() with limit', async () => {
    const customerId = id('filter');
    const orders = Array.from({ length: 40 }, (_, i) => ({ customerId, orderId: `o${String(i).padStart(3, '0')}`, placedAt: at(i), status: (i >= 35 ? 'SHIPPED' : 'PLACED') as 'SHIPPED' | 'PLACED', lines: [{ sku: 's', qty: 1, price: 1 }], total: 1 }));
    await AppTable.batchWrite(orders.map((o) => Order.put(o)));
    const q = () => Order.query('byCustomer', Order.Key('customerId').eq(customerId)).filter(Order.Attr('status').eq('SHIPPED'));
    const pages: number[] = [];
    for await (const p of q().pageSize(5).pages()) pages.push(p.items.length);
    expect(pages.reduce((s, x) => s + x, 0)).toBe(5);
    expect(pages.slice(0, 7)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    const limited = await q().limit(3).all();
    expect(limited.map((o) => o.orderId)).toEqual(['o035', 'o036', 'o037']);
    const two = await Order.query('byCustomer', Order.Key('customerId').eq(customerId)).limit(2).all();
    expect(two.length).toBe(2);
  });

  it('a cursor of another index or another entity is refused', async () => {
    const customerId = id('cur');
    await AppTable.batchWrite(Array.from({ length: 5 }, (_, i) => Order.put({ customerId, orderId: `o${i}`, placedAt: at(i), status: 'PAID', lines: [{ sku: 's', qty: 1, price: 1 }], total: 1 })));
    await OrderCounter.update({ customerId }).add({ count: 5 }).upsert();
    const byCustomer = await Order.query('byCustomer', Order.Key('customerId').eq(customerId)).limit(2);
    expect(() => Order.query('byStatus', Order.Key('status').eq('PAID')).startAfter(byCustomer.cursor)).toThrow(InvalidCursorError);
    const primary = await Order.query('primary', Order.Key('customerId').eq(customerId)).limit(2);
    const counters = await (async () => OrderCounter.query('primary', OrderCounter.Key('customerId').eq(customerId)).startAfter(primary.cursor).all())().catch((e: unknown) => e);
    expect(counters).toBeInstanceOf(InvalidCursorError);
  });
});

describe('streams', () => {
  it('the records of the scenario\'s writes parse into typed events', async () => {
    const streams = new DynamoDBStreamsClient(localClientConfig(testEndpoint()));
    try {
      const customerId = id('stream');
      const sku = id('sku');
      await Customer.create({ customerId, name: 'Streamy', email: 's@example.com' });
      await Product.create({ sku, name: 'S', stock: 2, price: 5 });
      await svc.placeOrder({ customerId, orderId: 'o1', requestId: id('r'), lines: [{ sku, qty: 1, price: 5 }], now: at(0) });
      await Order.update({ customerId, orderId: 'o1' }).set({ status: 'PAID' });
      await Order.delete({ customerId, orderId: 'o1' });
      const ours = (r: SdkStreamRecord) => JSON.stringify(r.dynamodb?.Keys).includes(customerId) || JSON.stringify(r.dynamodb?.Keys).includes(sku);
      // Local publishes records a little after the writes: read until the 7 of these writes are there.
      let mine = (await readStream(client, streams, tableName, 0)).filter(ours);
      for (const deadline = Date.now() + 10_000; mine.length < 7 && Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
        mine = (await readStream(client, streams, tableName, 0)).filter(ours);
      }
      const events = mine.map((r) => AppTable.parseStreamRecord(r)).filter((e) => e !== undefined);
      const { events: lambdaEvents, errors } = AppTable.parseStreamEvent(asLambdaEvent(mine));
      expect(errors).toEqual([]);
      expect(lambdaEvents.map((e) => [e.type, e.entity])).toEqual(events.map((e) => [e.type, e.entity]));
      expect(events.map((e) => [e.type, e.entity])).toEqual([
        ['INSERT', 'Customer'],
        ['INSERT', 'Product'],
        ['MODIFY', 'Product'],
        ['INSERT', 'Order'],
        ['INSERT', 'OrderCounter'],
        ['MODIFY', 'Order'],
        ['REMOVE', 'Order'],
      ]);
      const modify = events[5]!;
      expect(modify.oldItem?.['status']).toBe('PLACED');
      expect(modify.newItem?.['status']).toBe('PAID');
      expect(modify.newItem?.['placedAt']).toEqual(at(0));
      expect(events.every((e) => !e.removedByTtl)).toBe(true);
      expect(changedAttributes(events[2]!)).toEqual(['stock', 'version']);
      expect(changedAttributes(modify).sort()).toEqual(['status', 'updatedAt']);
      expect(events[6]!.oldItem?.['status']).toBe('PAID');
    } finally {
      streams.destroy();
    }
  });
});

describe('streams: deletions by TTL on DynamoDB Local', () => {
  // A small table of its own: Local's TTL job deletes the expired items of a small table within a
  // second or so, but (3.3, build 2026-05-28) never one that a global index of its table lacks, as
  // the service table's idempotency records (no GSI keys) are.
  const ttlTable = defineTable({
    name: uniqueTableName('service58-ttl'),
    client,
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    stream: 'NEW_AND_OLD_IMAGES',
  });
  const IdempotencyRecord = defineEntity({
    table: ttlTable,
    name: 'IdempotencyRecord',
    schema: z.object({ requestId: z.string(), orderId: z.string(), expiresAt: z.date() }),
    keys: { primary: { pk: 'IDEM#{requestId}', sk: 'IDEM' } },
    ttl: 'expiresAt',
  });
  useTable(ttlTable);

  it('the REMOVE record of an expired idempotency record is a REMOVE event with removedByTtl', { timeout: 60_000 }, async () => {
    const streams = new DynamoDBStreamsClient(localClientConfig(testEndpoint()));
    try {
      const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
      await IdempotencyRecord.put({ requestId: 'r-expired', orderId: 'o1', expiresAt });
      await IdempotencyRecord.put({ requestId: 'r-live', orderId: 'o2', expiresAt: new Date(Date.now() + 3_600_000) });
      // Polls the stream until the TTL job's record is there (no timing asserted: it waits as long as the test may).
      let records = await readStream(client, streams, ttlTable.name, 3);
      for (const deadline = Date.now() + 45_000; records.length < 3 && Date.now() < deadline; ) records = await readStream(client, streams, ttlTable.name, 3);
      expect(records.length).toBe(3);
      const { events, errors } = ttlTable.parseStreamEvent(asLambdaEvent(records));
      expect(errors).toEqual([]);
      // Local's TTL job may delete the expired item before the second put's record: find each by kind.
      const at = events.findIndex((e) => e.type === 'REMOVE');
      expect(at).toBeGreaterThan(0);
      expect(events.filter((e) => e.type !== 'REMOVE').map((e) => [e.type, e.keys, e.removedByTtl])).toEqual(
        expect.arrayContaining([['INSERT', { requestId: 'r-expired' }, false], ['INSERT', { requestId: 'r-live' }, false]]),
      );
      const removed = events[at]!;
      expect([removed.type, removed.entity, removed.keys, removed.removedByTtl]).toEqual(['REMOVE', 'IdempotencyRecord', { requestId: 'r-expired' }, true]);
      expect(removed.oldItem).toEqual({ requestId: 'r-expired', orderId: 'o1', expiresAt });
      // The streams SDK's record as it is, through parseStreamRecord.
      const record = records[at]!;
      const single = ttlTable.parseStreamRecord(record);
      expect([single?.type, single?.removedByTtl, single?.newItem]).toEqual(['REMOVE', true, undefined]);
      // The same record as a KEYS_ONLY stream carries it: the entity is found by its key template.
      const { OldImage: _old, ...keysOnly } = record.dynamodb!;
      const byKeys = ttlTable.parseStreamRecord({ ...record, dynamodb: { ...keysOnly, StreamViewType: 'KEYS_ONLY' } });
      expect([byKeys?.type, byKeys?.entity, byKeys?.keys, byKeys?.removedByTtl]).toEqual(['REMOVE', 'IdempotencyRecord', { requestId: 'r-expired' }, true]);
      // A record of that name with a new image is no deletion: still refused as malformed.
      expect(() => ttlTable.parseStreamRecord({ ...record, dynamodb: { ...record.dynamodb!, NewImage: records[0]!.dynamodb!.NewImage } })).toThrow(StreamRecordError);
    } finally {
      streams.destroy();
    }
  });
});
