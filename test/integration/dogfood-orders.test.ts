/**
 * Dogfooding: the repository layer of a multi-tenant order service, written from dynakit's README and
 * docs only (model in test/fixtures/orders-model.ts), driven against DynamoDB Local the way a service
 * drives it: unique tenants and customer emails, an idempotent profile sync, cursors through an
 * HTTP-like handler, a tenant's collection read, a checkout transaction, a bulk import through the
 * batch writer, optimistic locking, an expiring cart, and the table's stream parsed back into events.
 */
import { describe, expect, it } from 'vitest';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import {
  ConditionFailedError,
  InvalidCursorError,
  TransactionCanceledError,
  ValidationError,
  VersionConflictError,
  changedAttributes,
  transactWrite,
  type EntityInput,
  type EntityItem,
  type EntityKey,
  type GetBuilder,
  type StreamRecordInput,
  type TransactWriteAction,
} from '../../src/index.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { testClient, testEndpoint, uniqueTableName } from '../support/client.js';
import { asLambdaEvent, readStream } from '../support/stream-records.js';
import { useTable } from '../support/tables.js';
import { ordersModel } from '../fixtures/orders-model.js';

const tableName = uniqueTableName('dogfood-orders');
const client = testClient();
const { OrdersTable, Tenant, Customer, EmailClaim, Product, Order, Cart } = ordersModel(client, tableName);
useTable(OrdersTable, { clients: [client] });

type CustomerItem = EntityItem<typeof Customer>;
type OrderItem = EntityItem<typeof Order>;
type OrderStatus = OrderItem['status'];

// ---- The repository layer, as a service would write it ----

class OutOfStockError extends Error {
  constructor(readonly skus: readonly string[], options?: ErrorOptions) {
    super(`out of stock: ${skus.join(', ')}`, options);
  }
}
class EmailTakenError extends Error {}
class NotFoundError extends Error {}

/** The item a read finds, or a NotFoundError (the 404 of every GET handler), whatever the entity. */
async function found<T>(read: GetBuilder<T>, what: string): Promise<T> {
  const item = await read;
  if (item === undefined) throw new NotFoundError(`${what} not found`);
  return item;
}

/** Registers a customer; the email is unique per tenant through a claim item written in the same transaction. */
async function registerCustomer(input: EntityInput<typeof Customer>): Promise<CustomerItem> {
  try {
    const { items } = await transactWrite([
      Customer.create(input),
      EmailClaim.create({ tenantId: input.tenantId, email: input.email, customerId: input.customerId }),
    ]);
    return items[0];
  } catch (e) {
    if (e instanceof TransactionCanceledError && e.reasons[1]?.code === 'ConditionalCheckFailed') {
      throw new EmailTakenError(`email ${input.email} is taken in tenant ${input.tenantId}`, { cause: e });
    }
    throw e;
  }
}

/** Sync from the CRM: creates the customer or refreshes the name, as often as the CRM sends it. */
function syncCustomerProfile(tenantId: string, customerId: string, profile: { name: string; email: string }) {
  return Customer.update({ tenantId, customerId }).set(profile).upsert().returning('ALL_NEW');
}

/** Sets a product's price and keeps the history (the new price from now on). */
function changePrice(tenantId: string, sku: string, price: number, at: Date) {
  return Product.update({ tenantId, sku }).set({ price }).append({ priceHistory: [{ price, from: at }] }).returning('ALL_NEW');
}

type Line = { sku: string; qty: number };

/**
 * Checkout: every line's stock is taken (only if enough is left), the order is written, the customer's
 * counters move, the cart goes; all or nothing.
 */
async function checkout(tenantId: string, customerId: string, orderId: string, cartLines: readonly Line[], now: Date): Promise<OrderItem> {
  // One action per item in a transaction: one sku on two lines is one stock update.
  const bySku = new Map<string, number>();
  for (const l of cartLines) bySku.set(l.sku, (bySku.get(l.sku) ?? 0) + l.qty);
  const lines = [...bySku].map(([sku, qty]) => ({ sku, qty }));
  const products = await Product.batchGet(lines.map((l) => ({ tenantId, sku: l.sku })));
  const missing = lines.filter((_, i) => products[i] === undefined).map((l) => l.sku);
  if (missing.length > 0) throw new OutOfStockError(missing);
  const orderLines = lines.map((l, i) => ({ ...l, unitPrice: products[i]!.price }));
  const total = orderLines.reduce((sum, l) => sum + l.qty * l.unitPrice, 0);
  const stockActions: TransactWriteAction[] = lines.map((l) =>
    Product.update({ tenantId, sku: l.sku }).add({ stock: -l.qty }).where(Product.Attr('stock').gte(l.qty)),
  );
  try {
    const create = Order.create({ tenantId, orderId, customerId, status: 'pending', placedAt: now, lines: orderLines, total });
    const { itemOf } = await transactWrite(
      [
        ...stockActions,
        create,
        Customer.update({ tenantId, customerId }).add({ orderCount: 1, totalSpent: total }).set({ lastOrderAt: now }),
        Cart.delete({ tenantId, customerId }),
      ],
      // The order id is the client's idempotency key: a retried POST rebuilds the same actions, and
      // with the first attempt's time as `now` they are the same payload, applied once.
      { idempotencyToken: `checkout-${tenantId}-${orderId}`, now },
    );
    return itemOf(create);
  } catch (e) {
    if (!(e instanceof TransactionCanceledError)) throw e;
    const short = e.reasons.filter((r) => r.index < lines.length && r.code === 'ConditionalCheckFailed').map((r) => lines[r.index]!.sku);
    if (short.length > 0) throw new OutOfStockError(short, { cause: e });
    throw e;
  }
}

/** Adds a line to the customer's cart, creating the cart (or starting over once it expired); each touch keeps it a day. */
function addToCart(tenantId: string, customerId: string, line: Line) {
  return Cart.update({ tenantId, customerId })
    .append({ lines: [line] })
    .set({ expiresAt: new Date(Date.now() + 86_400_000) })
    .upsert()
    .returning('ALL_NEW');
}

type HttpRequest = { params: Record<string, string>; query: Record<string, string | undefined> };
type HttpResponse = { status: number; body: unknown };

/** GET /tenants/:tenantId/customers/:customerId/orders?limit&cursor, newest first. */
async function listCustomerOrders(req: HttpRequest): Promise<HttpResponse> {
  const { tenantId, customerId } = req.params;
  if (tenantId === undefined || customerId === undefined) return { status: 400, body: { error: 'missing path parameter' } };
  const limit = Math.min(Math.max(Number(req.query['limit'] ?? 20) || 20, 1), 100);
  try {
    const page = await Order.query('byCustomer', Order.Key('tenantId').eq(tenantId).and(Order.Key('customerId').eq(customerId)))
      .reverse()
      .project('orderId', 'status', 'total', 'placedAt')
      .limit(limit)
      .startAfter(req.query['cursor']);
    return { status: 200, body: { orders: page.items, next: page.cursor ?? null } };
  } catch (e) {
    if (e instanceof InvalidCursorError) return { status: 400, body: { error: 'invalid cursor' } };
    throw e;
  }
}

/** Orders of a tenant in one status, placed in [from, to). */
function ordersByStatus(tenantId: string, status: OrderStatus, from: Date, to: Date) {
  return Order.query(
    'byStatus',
    Order.Key('tenantId').eq(tenantId).and(Order.Key('status').eq(status)).and(Order.Key('placedAt').between(from, to)),
  ).all();
}

type BatchResponse = { batchItemFailures: { itemIdentifier: string }[] };
const orderEvents = OrdersTable.streamParser(Order).viewType('NEW_AND_OLD_IMAGES');

/** The stream's Lambda: mails a receipt when an order is paid; a failed mail makes Lambda retry from that record. */
async function onOrderChanges(event: { Records: StreamRecordInput[] }, mail: (order: OrderItem) => Promise<void>): Promise<BatchResponse> {
  const { events, errors } = orderEvents.event(event);
  if (errors.length > 0) throw new Error(`unparsable records: ${errors.map((e) => e.message).join('; ')}`);
  for (const e of events) {
    if (e.type !== 'MODIFY' || e.replaced !== undefined || e.oldItem.status === e.newItem.status || e.newItem.status !== 'paid') continue;
    try {
      await mail(e.newItem);
    } catch {
      return { batchItemFailures: [{ itemIdentifier: e.sequenceNumber! }] };
    }
  }
  return { batchItemFailures: [] };
}

/** Marks an order paid, only from pending; moves it between the status index's partitions. */
function markPaid(key: EntityKey<typeof Order>) {
  return Order.update(key).set({ status: 'paid' }).where(Order.Attr('status').eq('pending')).returning('ALL_NEW');
}

// ---- The service, driven ----

const t = 'acme';
const day = (d: number) => new Date(Date.UTC(2026, 11, d, 12));

describe('a multi-tenant order service on dynakit', () => {
  it('creates a tenant once: a second create with the same id fails', async () => {
    const tenant = await Tenant.create({ tenantId: t, name: 'Acme Corp', plan: 'pro' });
    expect(tenant).toMatchObject({ tenantId: t, name: 'Acme Corp', plan: 'pro' });
    const again = await Tenant.create({ tenantId: t, name: 'Impostor', plan: 'free' }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ConditionFailedError);
    expect((await Tenant.get({ tenantId: t }))?.name).toBe('Acme Corp');
  });

  it('registers customers with an email unique per tenant, case-insensitively', async () => {
    const ada = await registerCustomer({ tenantId: t, customerId: 'c1', name: 'Ada', email: 'ada@example.com' });
    expect(ada).toMatchObject({ customerId: 'c1', orderCount: 0, totalSpent: 0, version: 1 });
    await expect(registerCustomer({ tenantId: t, customerId: 'c2', name: 'Not Ada', email: 'ADA@example.com' })).rejects.toBeInstanceOf(EmailTakenError);
    expect(await Customer.get({ tenantId: t, customerId: 'c2' })).toBeUndefined();
    // Another tenant may use the same email.
    await registerCustomer({ tenantId: 'globex', customerId: 'c1', name: 'Ada at Globex', email: 'ada@example.com' });
    await registerCustomer({ tenantId: t, customerId: 'c2', name: 'Grace', email: 'grace@example.com' });
  });

  it('syncs a profile idempotently: the same sync twice leaves one item, counters untouched', async () => {
    const first = await syncCustomerProfile(t, 'c3', { name: 'Linus', email: 'linus@example.com' });
    expect(first).toMatchObject({ customerId: 'c3', name: 'Linus', orderCount: 0, totalSpent: 0, version: 1 });
    const second = await syncCustomerProfile(t, 'c3', { name: 'Linus', email: 'linus@example.com' });
    expect(second).toMatchObject({ name: 'Linus', orderCount: 0, version: 2 });
    expect(second.createdAt).toBe(first.createdAt);
    await Customer.update({ tenantId: t, customerId: 'c3' }).add({ orderCount: 2 });
    const third = await syncCustomerProfile(t, 'c3', { name: 'Linus T.', email: 'linus@example.com' });
    expect(third).toMatchObject({ name: 'Linus T.', orderCount: 2 });
  });

  it('imports a catalogue with the batch writer, then keeps a price history', async () => {
    {
      await using writer = OrdersTable.batchWriter({ concurrency: 4 });
      for (let i = 0; i < 60; i++) {
        const price = 5 + i;
        writer.put(Product, { tenantId: t, sku: `sku-${String(i).padStart(3, '0')}`, name: `Product ${i}`, price, stock: 10, priceHistory: [{ price, from: day(1) }] });
      }
    }
    const all = await Product.query('primary', Product.Key('tenantId').eq(t)).all();
    expect(all).toHaveLength(60);
    expect(all[0]).toMatchObject({ sku: 'sku-000', price: 5, stock: 10 });

    const repriced = await changePrice(t, 'sku-000', 7.5, day(2));
    expect(repriced.price).toBe(7.5);
    expect(repriced.priceHistory).toEqual([
      { price: 5, from: day(1) },
      { price: 7.5, from: day(2) },
    ]);
    // A product without a history (the default) gets one on its first change.
    await Product.put({ tenantId: t, sku: 'gift', name: 'Gift card', price: 20, stock: 1 });
    expect((await changePrice(t, 'gift', 25, day(3))).priceHistory).toEqual([{ price: 25, from: day(3) }]);
    // A bad price fails before sending, naming the path.
    const bad = await changePrice(t, 'gift', -1, day(3)).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).issues.map((i) => i.path)).toContain('price');
  });

  it('checks out: stock, order, customer and cart in one transaction; short stock cancels all of it', async () => {
    await Cart.put({ tenantId: t, customerId: 'c1', lines: [{ sku: 'sku-001', qty: 2 }], expiresAt: new Date(Date.now() + 3_600_000) });
    const order = await checkout(t, 'c1', 'o1', [{ sku: 'sku-001', qty: 2 }, { sku: 'sku-002', qty: 1 }], day(4));
    expect(order).toMatchObject({ orderId: 'o1', status: 'pending', total: 2 * 6 + 7 });
    expect((await Product.get({ tenantId: t, sku: 'sku-001' }))?.stock).toBe(8);
    expect(await Cart.get({ tenantId: t, customerId: 'c1' })).toBeUndefined();
    expect(await Customer.get({ tenantId: t, customerId: 'c1' })).toMatchObject({ orderCount: 1, totalSpent: 19, lastOrderAt: day(4), version: 2 });

    const short = await checkout(t, 'c1', 'o2', [{ sku: 'sku-001', qty: 1 }, { sku: 'gift', qty: 5 }], day(5)).catch((e: unknown) => e);
    expect(short).toBeInstanceOf(OutOfStockError);
    expect((short as OutOfStockError).skus).toEqual(['gift']);
    expect((await Product.get({ tenantId: t, sku: 'sku-001' }))?.stock).toBe(8);
    expect(await Order.get({ tenantId: t, orderId: 'o2' })).toBeUndefined();

    await expect(checkout(t, 'c1', 'o3', [{ sku: 'nope', qty: 1 }], day(5))).rejects.toThrow('out of stock: nope');

    // The client retries the POST (its first answer was lost): same order id, same time, applied once.
    const retried = await checkout(t, 'c1', 'o1', [{ sku: 'sku-001', qty: 2 }, { sku: 'sku-002', qty: 1 }], day(4));
    expect(retried).toEqual(order);
    expect((await Product.get({ tenantId: t, sku: 'sku-001' }))?.stock).toBe(8);
    expect((await Customer.get({ tenantId: t, customerId: 'c1' }))?.orderCount).toBe(1);

    // The same sku on two lines of the cart: one line of 2 in the order.
    const twice = await checkout(t, 'c3', 'o10', [{ sku: 'sku-020', qty: 1 }, { sku: 'sku-020', qty: 1 }], day(3));
    expect(twice.lines).toEqual([{ sku: 'sku-020', qty: 2, unitPrice: 25 }]);
    expect((await Product.get({ tenantId: t, sku: 'sku-020' }))?.stock).toBe(8);

    for (let i = 2; i <= 9; i++) await checkout(t, i % 2 === 0 ? 'c1' : 'c2', `o${i}`, [{ sku: 'sku-010', qty: 1 }], day(4 + i));
  });

  it('lists a customer\'s orders through an HTTP-like handler, cursor by cursor, newest first', async () => {
    const seen: string[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const res = await listCustomerOrders({ params: { tenantId: t, customerId: 'c1' }, query: { limit: '2', cursor: next ?? undefined } });
      expect(res.status).toBe(200);
      const body = res.body as { orders: { orderId: string; placedAt: Date }[]; next: string | null };
      seen.push(...body.orders.map((o) => o.orderId));
      next = body.next;
      pages++;
    } while (next !== null);
    expect(seen).toEqual(['o8', 'o6', 'o4', 'o2', 'o1']);
    expect(pages).toBe(3);
    const bad = await listCustomerOrders({ params: { tenantId: t, customerId: 'c1' }, query: { cursor: 'garbage' } });
    expect(bad.status).toBe(400);
    // Another customer's cursor is another partition: refused, not silently restarted.
    const c2 = await listCustomerOrders({ params: { tenantId: t, customerId: 'c2' }, query: { limit: '1' } });
    const foreign = (c2.body as { next: string }).next;
    expect((await listCustomerOrders({ params: { tenantId: t, customerId: 'c1' }, query: { cursor: foreign } })).status).toBe(400);
  });

  it('finds orders by status and date, and moves an order between statuses', async () => {
    const pending = await ordersByStatus(t, 'pending', day(5), day(10));
    expect(pending.map((o) => o.orderId)).toEqual(['o2', 'o3', 'o4', 'o5', 'o6']);
    const paid = await markPaid({ tenantId: t, orderId: 'o4' });
    expect(paid.status).toBe('paid');
    expect((await found(Order.get({ tenantId: t, orderId: 'o4' }).project('status'), 'order o4')).status).toBe('paid');
    await expect(found(Order.get({ tenantId: t, orderId: 'o404' }), 'order o404')).rejects.toThrow(NotFoundError);
    expect((await ordersByStatus(t, 'paid', day(1), day(31))).map((o) => o.orderId)).toEqual(['o4']);
    expect((await ordersByStatus(t, 'pending', day(5), day(10))).map((o) => o.orderId)).toEqual(['o2', 'o3', 'o5', 'o6']);
    await expect(markPaid({ tenantId: t, orderId: 'o4' })).rejects.toBeInstanceOf(ConditionFailedError);
  });

  it('reads a whole tenant as one collection, typed per entity', async () => {
    const { items, unknown } = await OrdersTable.query(Tenant.partition('primary', { tenantId: t }))
      .entities(Tenant, Customer, EmailClaim, Product, Order, Cart)
      .all();
    const counts: Record<string, number> = {};
    for (const item of items) counts[item._et] = (counts[item._et] ?? 0) + 1;
    expect(counts).toEqual({ Tenant: 1, Customer: 3, EmailClaim: 2, Product: 61, Order: 10 });
    expect(unknown).toEqual([]);
    let revenue = 0;
    for (const item of items) if (item._et === 'Order') revenue += item.total;
    expect(revenue).toBe(19 + 8 * 15 + 2 * 25);
  });

  it('edits a customer with optimistic locking; the stale writer gets the current item', async () => {
    const a = (await Customer.get({ tenantId: t, customerId: 'c2' }).consistent())!;
    const b = { ...a };
    await Customer.put({ ...a, name: 'Grace Hopper' });
    const lost = await Customer.put({ ...b, name: 'Grace H.' }).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(VersionConflictError);
    expect(Customer.storedItem(lost as VersionConflictError)).toMatchObject({ name: 'Grace Hopper', version: a.version + 1 });
    await Customer.update({ tenantId: t, customerId: 'c2', version: a.version + 1 }).set({ name: 'Rear Admiral Hopper' });
    await expect(Customer.update({ tenantId: t, customerId: 'c2', version: a.version }).set({ name: 'x' })).rejects.toBeInstanceOf(VersionConflictError);
  });

  it('hides an expired cart from every read before DynamoDB deletes it', async () => {
    await Cart.put({ tenantId: t, customerId: 'c2', lines: [{ sku: 'sku-003', qty: 1 }], expiresAt: new Date(Date.now() - 1000) });
    expect(await Cart.get({ tenantId: t, customerId: 'c2' })).toBeUndefined();
    expect(await Cart.query('primary', Cart.Key('tenantId').eq(t)).all()).toEqual([]);
    await expect(Cart.update({ tenantId: t, customerId: 'c2' }).set({ lines: [] })).rejects.toBeInstanceOf(ConditionFailedError);
    // Adding to the cart starts a new one: nothing of the expired cart comes back.
    expect((await addToCart(t, 'c2', { sku: 'sku-004', qty: 2 })).lines).toEqual([{ sku: 'sku-004', qty: 2 }]);
    expect((await addToCart(t, 'c2', { sku: 'sku-005', qty: 1 })).lines).toEqual([
      { sku: 'sku-004', qty: 2 },
      { sku: 'sku-005', qty: 1 },
    ]);
  });

  it('offboards a tenant: its whole collection goes, the other tenants stay', async () => {
    expect(await OrdersTable.query(Tenant.partition('primary', { tenantId: 'globex' })).count()).toBe(2); // a customer and its email claim
    expect(await OrdersTable.query(Tenant.partition('primary', { tenantId: 'globex' })).deleteAll()).toEqual({ deleted: 2, retried: 0 });
    expect(await Customer.get({ tenantId: 'globex', customerId: 'c1' })).toBeUndefined();
    expect(await Customer.get({ tenantId: t, customerId: 'c1' })).toMatchObject({ name: 'Ada' });
  });

  it('parses the table stream into typed events', async () => {
    const streams = new DynamoDBStreamsClient(localClientConfig(testEndpoint()));
    try {
      const records = await readStream(client, streams, tableName, 100);
      const { events, unknown, errors } = OrdersTable.streamParser(Order, Customer).viewType('NEW_AND_OLD_IMAGES').event({ Records: records });
      expect(errors).toEqual([]);
      expect(unknown.length).toBeGreaterThan(0); // tenants, claims, products, carts
      const statusChanges: string[] = [];
      for (const e of events) {
        if (e.entity === 'Order' && e.type === 'MODIFY' && e.replaced === undefined && changedAttributes(e).includes('status')) {
          statusChanges.push(`${e.keys.orderId}:${e.oldItem.status}->${e.newItem.status}`);
        }
      }
      expect(statusChanges).toEqual(['o4:pending->paid']);
      const inserted = events.filter((e) => e.entity === 'Order' && e.type === 'INSERT');
      expect(inserted).toHaveLength(10);

      // The same records as Lambda delivers them, to the order Lambda: one mail, then one that fails.
      const mailed: string[] = [];
      const lambdaEvent = asLambdaEvent(records);
      expect(await onOrderChanges(lambdaEvent, async (o) => void mailed.push(o.orderId))).toEqual({ batchItemFailures: [] });
      expect(mailed).toEqual(['o4']);
      const paidChange = orderEvents.event(lambdaEvent).events.find((e) => e.type === 'MODIFY' && e.newItem.status === 'paid');
      expect(paidChange?.sequenceNumber).toMatch(/^\d+$/);
      const failed = await onOrderChanges(lambdaEvent, () => Promise.reject(new Error('smtp down')));
      expect(failed).toEqual({ batchItemFailures: [{ itemIdentifier: paidChange?.sequenceNumber }] });
    } finally {
      streams.destroy();
    }
  });
});
