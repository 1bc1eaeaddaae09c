/**
 * A newcomer's repository layer, written from README.md and docs/*.md only: a shop in one table
 * (Customer, Product, Order, OrderLine, Cart), two global indexes (gsi1 overloaded across every
 * entity, gsi2 listing orders by status), a collection query, cursors handed to a client and back,
 * conditional writes with optimistic locking, a checkout transaction, a bulk import through the
 * batch writer, carts that expire, and the typed errors the docs promise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConditionFailedError,
  ExpressionError,
  DynakitError,
  InvalidBatchError,
  InvalidCursorError,
  KeyError,
  TransactionCanceledError,
  ValidationError,
  VersionConflictError,
  defineEntity,
  defineTable,
  transactGet,
  transactWrite,
  type EntityInput,
  type EntityItem,
} from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { expiredLongAgo } from '../support/ttl.js';

const client = testClient();

// ---------------------------------------------------------------------------------------------
// The model (docs/modeling.md)
// ---------------------------------------------------------------------------------------------

const Shop = defineTable({
  name: uniqueTableName('shop'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: {
    // overloaded: customers by email, products by category, an order with its lines by order id
    gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } },
    // orders by status, newest last
    gsi2: { type: 'global', partitionKey: { name: 'gsi2pk', type: 'S' }, sortKey: { name: 'gsi2sk', type: 'S' } },
  },
});

const Customer = defineEntity({
  table: Shop,
  name: 'Customer',
  schema: z.object({
    customerId: z.string(),
    email: z.string().trim().toLowerCase().pipe(z.email()),
    name: z.string().min(1),
    tier: z.enum(['basic', 'gold']).default('basic'),
  }),
  keys: {
    primary: { pk: 'CUSTOMER#{customerId}', sk: 'PROFILE' },
    gsi1: { pk: 'EMAIL#{email}', sk: 'CUSTOMER' },
  },
  timestamps: true,
});

const Product = defineEntity({
  table: Shop,
  name: 'Product',
  schema: z.object({
    sku: z.string(),
    category: z.string(),
    name: z.string(),
    priceCents: z.number().int().positive(),
    stock: z.number().int().min(0),
  }),
  keys: {
    primary: { pk: 'PRODUCT#{sku}', sk: 'PRODUCT' },
    gsi1: { pk: 'CATEGORY#{category}', sk: 'PRODUCT#{name}#{sku}' },
  },
  version: 'version',
});

const Order = defineEntity({
  table: Shop,
  name: 'Order',
  schema: z.object({
    customerId: z.string(),
    orderId: z.string(),
    placedAt: z.date(),
    status: z.enum(['placed', 'shipped', 'cancelled']),
    totalCents: z.number().int().min(0),
  }),
  keys: {
    primary: { pk: 'CUSTOMER#{customerId}', sk: 'ORDER#{placedAt}#{orderId}' },
    gsi1: { pk: 'ORDER#{orderId}', sk: 'ORDER' },
    gsi2: { pk: 'STATUS#{status}', sk: '{placedAt}#{orderId}' },
  },
  timestamps: true,
});

const OrderLine = defineEntity({
  table: Shop,
  name: 'OrderLine',
  schema: z.object({
    orderId: z.string(),
    lineNo: z.number().int().positive(),
    sku: z.string(),
    qty: z.number().int().positive(),
    priceCents: z.number().int().positive(),
  }),
  keys: {
    primary: { pk: 'ORDERLINE#{orderId}', sk: 'LINE#{lineNo}' },
    gsi1: { pk: 'ORDER#{orderId}', sk: 'LINE#{lineNo}' },
  },
});

const Cart = defineEntity({
  table: Shop,
  name: 'Cart',
  schema: z.object({
    cartId: z.string(),
    customerId: z.string(),
    skus: z.array(z.string()).max(50),
    expiresAt: z.date(),
  }),
  keys: {
    primary: { pk: 'CART#{cartId}', sk: 'CART' },
  },
  ttl: 'expiresAt',
});

/** Makes an email unique across customers: one claim item per email, written in the same transaction. */
const EmailClaim = defineEntity({
  table: Shop,
  name: 'EmailClaim',
  schema: z.object({ email: z.string().trim().toLowerCase().pipe(z.email()), customerId: z.string() }),
  keys: { primary: { pk: 'EMAILCLAIM#{email}', sk: 'CLAIM' } },
});

type CustomerItem = EntityItem<typeof Customer>;
type OrderItem = EntityItem<typeof Order>;

beforeAll(async () => {
  await Shop.create();
});
afterAll(async () => {
  await Shop.drop();
  client.destroy();
});

// ---------------------------------------------------------------------------------------------
// The repository layer
// ---------------------------------------------------------------------------------------------

/** Finds a customer by email through the overloaded gsi1. */
async function customerByEmail(email: string): Promise<CustomerItem | undefined> {
  const { items } = await Customer.query('gsi1', Customer.Key('email').eq(email)).limit(1);
  return items[0];
}

class EmailTakenError extends Error {}

/** Registers a customer whose email no other customer has. */
async function register(customer: EntityInput<typeof Customer>): Promise<void> {
  try {
    await transactWrite([Customer.create(customer), EmailClaim.create({ email: customer.email, customerId: customer.customerId })]);
  } catch (e) {
    if (e instanceof TransactionCanceledError && e.reasons[1]?.code === 'ConditionalCheckFailed') throw new EmailTakenError(customer.email);
    throw e;
  }
}

/** Moves a customer to another email: the old claim goes, the new one must be free. */
async function changeEmail(customerId: string, from: string, to: string): Promise<void> {
  try {
    await transactWrite([
      EmailClaim.delete({ email: from }).where(EmailClaim.Attr('customerId').eq(customerId)),
      EmailClaim.create({ email: to, customerId }),
      Customer.update({ customerId }).set({ email: to }).where(Customer.Attr('email').eq(from.trim().toLowerCase())),
    ]);
  } catch (e) {
    if (e instanceof TransactionCanceledError && e.reasons[1]?.code === 'ConditionalCheckFailed') throw new EmailTakenError(to);
    throw e;
  }
}

/** A customer's profile and orders, newest order first, in one query (docs/querying.md, collections). */
async function customerWithOrders(customerId: string): Promise<{ customer: CustomerItem | undefined; orders: OrderItem[] }> {
  const { items } = await Shop.query(Customer.partition('primary', { customerId })).entities(Customer, Order).all();
  let customer: CustomerItem | undefined;
  const orders: OrderItem[] = [];
  for (const item of items) {
    if (item._et === 'Customer') customer = item;
    else orders.push(item);
  }
  orders.reverse();
  return { customer, orders };
}

type ListOrdersResponse = { status: number; body: { orders?: { orderId: string; totalCents: number }[]; next?: string | null; error?: string } };

/** An HTTP handler listing orders of a status, oldest first, with cursors handed to the client. */
async function listOrders(query: { status: 'placed' | 'shipped' | 'cancelled'; cursor?: string; limit?: number; newestFirst?: boolean }): Promise<ListOrdersResponse> {
  try {
    const page = await Order.query('gsi2', Order.Key('status').eq(query.status))
      .project('orderId', 'totalCents')
      .reverse(query.newestFirst ?? false)
      .limit(query.limit ?? 20)
      .startAfter(query.cursor);
    return { status: 200, body: { orders: page.items, next: page.cursor ?? null } };
  } catch (e) {
    if (e instanceof InvalidCursorError) return { status: 400, body: { error: 'invalid cursor' } };
    throw e;
  }
}

interface CheckoutLine {
  sku: string;
  qty: number;
}

/**
 * Places an order: decrements stock (never below 0: the schema's min), writes the order and its
 * lines, all or nothing. Each product must still be at the version whose price was charged.
 */
async function checkout(
  customerId: string,
  orderId: string,
  lines: CheckoutLine[],
  placedAt = new Date(),
  beforeCommit: () => Promise<void> = async () => {},
): Promise<OrderItem> {
  const products = await Product.batchGet(lines.map((l) => ({ sku: l.sku })));
  let totalCents = 0;
  const lineItems = lines.map((l, i) => {
    const product = products[i];
    if (product === undefined) throw new Error(`unknown product ${l.sku}`);
    totalCents += product.priceCents * l.qty;
    return { orderId, lineNo: i + 1, sku: l.sku, qty: l.qty, priceCents: product.priceCents };
  });
  const order: EntityInput<typeof Order> = { customerId, orderId, placedAt, status: 'placed', totalCents };
  await beforeCommit();
  await transactWrite([
    ...lines.map((l, i) => Product.update({ sku: l.sku, version: products[i]!.version }).add({ stock: -l.qty })),
    Order.create(order),
    ...lineItems.map((line) => OrderLine.create(line)),
    Customer.check({ customerId }, Customer.Attr('customerId').exists()),
  ]);
  const [stored] = await transactGet([Order.get({ customerId, placedAt, orderId })]);
  if (stored === undefined) throw new Error('order vanished');
  return stored;
}

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

describe('customers', () => {
  it('create, then a second create of the same id is a ConditionFailedError', async () => {
    const ada = await Customer.create({ customerId: 'c1', email: ' Ada@Example.com ', name: 'Ada' });
    expect(ada.email).toBe('ada@example.com');
    expect(ada.tier).toBe('basic');
    expect(typeof ada.createdAt).toBe('string');
    const again = await Customer.create({ customerId: 'c1', email: 'other@example.com', name: 'Other' }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ConditionFailedError);
    expect((again as ConditionFailedError).entity).toBe('Customer');
    expect((await Customer.get({ customerId: 'c1' }))?.name).toBe('Ada');
  });

  it('looks a customer up by email through the overloaded gsi1 (the key is normalised by the schema)', async () => {
    await Customer.create({ customerId: 'c2', email: 'grace@example.com', name: 'Grace', tier: 'gold' });
    expect((await customerByEmail('ADA@example.com'))?.customerId).toBe('c1');
    expect((await customerByEmail('grace@example.com'))?.tier).toBe('gold');
    expect(await customerByEmail('nobody@example.com')).toBeUndefined();
  });

  it('invalid input is a ValidationError naming the paths, and nothing is written', async () => {
    const e = await Customer.create({ customerId: 'c3', email: 'not an email', name: '' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ValidationError);
    expect(e).toBeInstanceOf(DynakitError);
    expect((e as ValidationError).issues.map((i) => i.path).sort()).toEqual(['email', 'name']);
    expect((e as ValidationError).message).toMatch(/Customer/);
    expect(await Customer.get({ customerId: 'c3' })).toBeUndefined();
  });

  it('a key value holding the separator is a KeyError naming the index and attribute', async () => {
    const e = await Customer.create({ customerId: 'c#4', email: 'x@example.com', name: 'X' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(KeyError);
    expect((e as KeyError).attribute).toBe('customerId');
    expect((e as KeyError).index).toBe('primary.pk');
    expect((e as KeyError).message).toMatch(/Customer/);
  });

  it('update requires the customer to exist; upsert creates it', async () => {
    const missing = await Customer.update({ customerId: 'ghost' }).set({ name: 'Boo' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ConditionFailedError);
    expect((missing as ConditionFailedError).operation).toBe('update');
    const created = await Customer.update({ customerId: 'c5' }).set({ email: 'c5@example.com', name: 'Cy' }).upsert().returning('ALL_NEW');
    expect(created).toMatchObject({ customerId: 'c5', email: 'c5@example.com', name: 'Cy', tier: 'basic' });
    expect((await customerByEmail('c5@example.com'))?.customerId).toBe('c5');
  });
});

describe('unique emails', () => {
  it('a second customer with a taken email is refused, and nothing of it is written', async () => {
    await register({ customerId: 'u1', email: 'Linus@example.com', name: 'Linus' });
    const taken = await register({ customerId: 'u2', email: 'linus@EXAMPLE.com ', name: 'Other' }).catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(EmailTakenError);
    expect(await Customer.get({ customerId: 'u2' })).toBeUndefined();
    expect(await EmailClaim.get({ email: 'LINUS@example.com' })).toEqual({ email: 'linus@example.com', customerId: 'u1' });
  });

  it('changing the email frees the old one and claims the new one, all or nothing', async () => {
    await register({ customerId: 'u3', email: 'ken@example.com', name: 'Ken' });
    await expect(changeEmail('u1', 'linus@example.com', 'ken@example.com')).rejects.toBeInstanceOf(EmailTakenError);
    expect((await Customer.get({ customerId: 'u1' }))?.email).toBe('linus@example.com');

    await changeEmail('u1', 'linus@example.com', 'Torvalds@example.com');
    expect((await customerByEmail('torvalds@example.com'))?.customerId).toBe('u1');
    expect(await EmailClaim.get({ email: 'linus@example.com' })).toBeUndefined();
    await register({ customerId: 'u4', email: 'linus@example.com', name: 'Another Linus' }); // free again
  });
});

describe('bulk imports', () => {
  it('imports 120 customers with the streaming batch writer', async () => {
    const progress: number[] = [];
    {
      await using writer = Shop.batchWriter({ concurrency: 4, onProgress: (p) => progress.push(p.written) });
      for (let i = 0; i < 120; i++) {
        writer.put(Customer, { customerId: `imp-${i}`, email: `imp${i}@example.com`, name: `Imported ${i}` });
      }
    }
    expect(progress.at(-1)).toBe(120);
    expect(await Customer.scan().filter(Customer.Attr('customerId').beginsWith('imp-')).count()).toBe(120);
    expect((await customerByEmail('imp77@example.com'))?.name).toBe('Imported 77');
  });

  it('a versioned entity is refused by the batch writer; transactWrite of create() imports it', async () => {
    const product = (i: number): EntityInput<typeof Product> => ({
      sku: `sku-${String(i).padStart(3, '0')}`,
      category: i % 2 === 0 ? 'tea' : 'coffee',
      name: `Blend ${i}`,
      priceCents: 100 + i,
      stock: 10,
    });
    // @ts-expect-error a versioned entity: the types refuse it; the run time too, for untyped callers
    expect(() => Shop.batchWriter().put(Product, product(0))).toThrow(InvalidBatchError);
    const all = Array.from({ length: 150 }, (_, i) => product(i));
    for (let i = 0; i < all.length; i += 100) await transactWrite(all.slice(i, i + 100).map((p) => Product.create(p)));
    expect(await Product.query('gsi1', Product.Key('category').eq('tea')).count()).toBe(75);
    expect(await Product.get({ sku: 'sku-007' })).toEqual({ sku: 'sku-007', category: 'coffee', name: 'Blend 7', priceCents: 107, stock: 10, version: 1 });
  });
});

describe('optimistic locking on products', () => {
  type ProductItem = EntityItem<typeof Product>;

  /** Reprices a product: read, change, write with the version read; retry on a conflict. */
  async function reprice(sku: string, change: (p: ProductItem) => number): Promise<ProductItem> {
    let current = await Product.get({ sku }).consistent();
    for (let attempt = 0; attempt < 5 && current !== undefined; attempt++) {
      try {
        return await Product.put({ ...current, priceCents: change(current) });
      } catch (e) {
        if (!(e instanceof VersionConflictError)) throw e;
        current = e.item as ProductItem | undefined;
      }
    }
    throw new Error(`gave up repricing ${sku}`);
  }

  it('a stale put loses with VersionConflictError carrying the stored item; a retry applies on top', async () => {
    const read = (await Product.get({ sku: 'sku-010' }).consistent())!;
    expect(read.version).toBe(1);
    await Product.update({ sku: 'sku-010', version: read.version }).set({ name: 'Blend 10 (new)' });
    const lost = await Product.put({ ...read, priceCents: 999 }).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(VersionConflictError);
    expect(lost).toBeInstanceOf(ConditionFailedError);
    expect((lost as VersionConflictError).expectedVersion).toBe(1);
    expect((lost as VersionConflictError).item).toMatchObject({ sku: 'sku-010', name: 'Blend 10 (new)', version: 2 });

    const repriced = await reprice('sku-010', (p) => p.priceCents * 2);
    expect(repriced).toMatchObject({ name: 'Blend 10 (new)', priceCents: 220, version: 3 });
    expect(await Product.get({ sku: 'sku-010' })).toEqual(repriced);
  });

  it('update and delete with a stale version are refused and change nothing', async () => {
    const stale = await Product.update({ sku: 'sku-010', version: 1 }).set({ stock: 0 }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(VersionConflictError);
    const staleDelete = await Product.delete({ sku: 'sku-010', version: 2 }).catch((e: unknown) => e);
    expect(staleDelete).toBeInstanceOf(VersionConflictError);
    expect((await Product.get({ sku: 'sku-010' }))?.stock).toBe(10);
  });

  it('a conditional update with a where() clause on top of the version', async () => {
    const p = (await Product.get({ sku: 'sku-011' }))!;
    const refused = await Product.update({ sku: 'sku-011', version: p.version })
      .set({ priceCents: 1 })
      .where(Product.Attr('priceCents').gt(1000))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConditionFailedError);
    expect(refused).not.toBeInstanceOf(VersionConflictError);
    const done = await Product.update({ sku: 'sku-011', version: p.version })
      .set({ priceCents: 1 })
      .where(Product.Attr('priceCents').lt(1000))
      .returning('ALL_NEW');
    expect(done).toMatchObject({ priceCents: 1, version: p.version + 1 });
  });
});

describe('checkout', () => {
  it('decrements stock, creates the order and its lines in one transaction', async () => {
    const order = await checkout('c1', 'o-1', [{ sku: 'sku-000', qty: 3 }, { sku: 'sku-002', qty: 1 }], new Date('2025-01-01T10:00:00Z'));
    expect(order).toMatchObject({ customerId: 'c1', orderId: 'o-1', status: 'placed', totalCents: 3 * 100 + 102 });
    expect(order.placedAt).toEqual(new Date('2025-01-01T10:00:00Z'));
    const [a, b] = await Product.batchGet([{ sku: 'sku-000' }, { sku: 'sku-002' }]);
    expect([a?.stock, b?.stock]).toEqual([7, 9]);
    expect([a?.version, b?.version]).toEqual([2, 2]);
    const lines = await OrderLine.query('primary', OrderLine.Key('orderId').eq('o-1')).all();
    expect(lines.map((l) => [l.lineNo, l.sku, l.qty])).toEqual([[1, 'sku-000', 3], [2, 'sku-002', 1]]);
  });

  it('the order and its lines come back together from the overloaded gsi1', async () => {
    const { items } = await Shop.query('gsi1', Order.partition('gsi1', { orderId: 'o-1' })).entities(Order, OrderLine).all();
    expect(items.map((i) => i._et)).toEqual(['OrderLine', 'OrderLine', 'Order']);
  });

  it('not enough stock cancels everything, with reasons naming the entity and the bound', async () => {
    const e = await checkout('c1', 'o-2', [{ sku: 'sku-004', qty: 2 }, { sku: 'sku-000', qty: 8 }]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransactionCanceledError);
    const reasons = (e as TransactionCanceledError).reasons;
    expect(reasons.map((r) => [r.entity, r.code])).toEqual([
      ['Product', 'None'],
      ['Product', 'ConditionalCheckFailed'],
      ['Order', 'None'],
      ['OrderLine', 'None'],
      ['OrderLine', 'None'],
      ['Customer', 'None'],
    ]);
    expect((e as Error).message).toMatch(/#1 update Product .*stock must be >= 8/);
    expect((await Product.get({ sku: 'sku-004' }))?.stock).toBe(10);
    expect(await Order.query('gsi1', Order.Key('orderId').eq('o-2')).all()).toEqual([]);
  });

  it('a price change between reading the product and committing cancels the checkout', async () => {
    const e = await checkout('c1', 'o-6', [{ sku: 'sku-012', qty: 1 }], new Date(), async () => {
      await Product.update({ sku: 'sku-012' }).set({ priceCents: 5000 });
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransactionCanceledError);
    const [reason] = (e as TransactionCanceledError).reasons;
    expect(reason).toMatchObject({ entity: 'Product', code: 'ConditionalCheckFailed' });
    expect(reason!.item).toMatchObject({ sku: 'sku-012', priceCents: 5000, version: 2, stock: 10 });
    // which requirement was false: the stored version, told apart as a single update's VersionConflictError tells it
    expect((e as Error).message).toBe(
      'transaction cancelled: #0 update Product {"pk":"PRODUCT#sku-012","sk":"PRODUCT"}: ConditionalCheckFailed (version conflict: expected version 1 but the stored item has version 2)',
    );
    expect(await Order.query('gsi1', Order.Key('orderId').eq('o-6')).all()).toEqual([]);
  });

  it('an unknown customer cancels the checkout', async () => {
    const e = await checkout('nobody', 'o-3', [{ sku: 'sku-004', qty: 1 }]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransactionCanceledError);
    expect((e as TransactionCanceledError).reasons.at(-1)).toMatchObject({ entity: 'Customer', code: 'ConditionalCheckFailed' });
  });

  it('an order id used twice cancels the second checkout (create must not exist)', async () => {
    await checkout('c2', 'o-4', [{ sku: 'sku-006', qty: 1 }], new Date('2025-01-02T10:00:00Z'));
    const e = await checkout('c2', 'o-4', [{ sku: 'sku-006', qty: 1 }], new Date('2025-01-02T10:00:00Z')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransactionCanceledError);
    expect((e as Error).message).toMatch(/create Order .*the item must not exist yet/);
    expect((await Product.get({ sku: 'sku-006' }))?.stock).toBe(9);
  });
});

describe('reading a customer with their orders', () => {
  it('one table-level query returns the profile and the orders, each parsed by its entity', async () => {
    await checkout('c1', 'o-5', [{ sku: 'sku-008', qty: 1 }], new Date('2025-02-01T10:00:00Z'));
    const { customer, orders } = await customerWithOrders('c1');
    expect(customer?.email).toBe('ada@example.com');
    expect(orders.map((o) => o.orderId)).toEqual(['o-5', 'o-1']);
    expect(orders[0]!.placedAt).toBeInstanceOf(Date);
  });

  it("the customer's orders alone, newest first, through the entity query", async () => {
    const orders = await Order.query('primary', Order.Key('customerId').eq('c1')).reverse().all();
    expect(orders.map((o) => o.orderId)).toEqual(['o-5', 'o-1']);
    const since = await Order.query('primary', Order.Key('customerId').eq('c1').and(Order.Key('placedAt').gte(new Date('2025-01-15T00:00:00Z')))).all();
    expect(since.map((o) => o.orderId)).toEqual(['o-5']);
  });
});

describe('listing orders by status with cursors', () => {
  beforeAll(async () => {
    // 23 shipped orders of customer c5, one a day.
    await Shop.batchWrite(
      Array.from({ length: 23 }, (_, i) =>
        Order.put({ customerId: 'c5', orderId: `s-${i}`, placedAt: new Date(Date.UTC(2024, 0, 1 + i)), status: 'shipped', totalCents: i * 100 }),
      ),
    );
  });

  it('a client walks every page and sees every order once, in order', async () => {
    const seen: string[] = [];
    let next: string | null | undefined;
    let pages = 0;
    do {
      const res = await listOrders({ status: 'shipped', limit: 5, ...(next ? { cursor: next } : {}) });
      expect(res.status).toBe(200);
      seen.push(...res.body.orders!.map((o) => o.orderId));
      next = res.body.next;
      pages++;
    } while (next);
    expect(pages).toBe(5);
    expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => `s-${i}`));
  });

  it('newest first: every order once, and a cursor of the other direction is a 400', async () => {
    const seen: string[] = [];
    let next: string | null | undefined;
    do {
      const res = await listOrders({ status: 'shipped', limit: 4, newestFirst: true, ...(next ? { cursor: next } : {}) });
      seen.push(...res.body.orders!.map((o) => o.orderId));
      next = res.body.next;
    } while (next);
    expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => `s-${22 - i}`));
    const oldest = await listOrders({ status: 'shipped', limit: 2 });
    expect((await listOrders({ status: 'shipped', newestFirst: true, cursor: oldest.body.next! })).status).toBe(400);
  });

  it('a tampered cursor, or one from another listing, is a 400', async () => {
    const first = await listOrders({ status: 'shipped', limit: 2 });
    expect((await listOrders({ status: 'shipped', cursor: `${first.body.next}x` })).status).toBe(400);
    expect((await listOrders({ status: 'shipped', cursor: 'garbage' })).status).toBe(400);
    // a cursor of the "placed" listing handed to the "shipped" one: another partition of the index
    const placed = await listOrders({ status: 'placed', limit: 1 });
    expect(typeof placed.body.next).toBe('string');
    expect((await listOrders({ status: 'shipped', cursor: placed.body.next! })).status).toBe(400);
    // a cursor of another index
    const lines = await OrderLine.query('primary', OrderLine.Key('orderId').eq('o-1')).limit(1);
    expect((await listOrders({ status: 'shipped', cursor: lines.cursor })).status).toBe(400);
  });

  it('shipping an order moves it from one listing to the other (gsi2 key rewritten by update)', async () => {
    const [order] = await Order.query('gsi1', Order.Key('orderId').eq('o-1')).all();
    await Order.update({ customerId: order!.customerId, placedAt: order!.placedAt, orderId: 'o-1' }).set({ status: 'shipped' });
    const shipped = await Order.query('gsi2', Order.Key('status').eq('shipped')).all();
    expect(shipped.map((o) => o.orderId)).toContain('o-1');
    const placed = await Order.query('gsi2', Order.Key('status').eq('placed')).all();
    expect(placed.map((o) => o.orderId)).not.toContain('o-1');
  });
});

describe('carts expire', () => {
  it('an expired cart is hidden from get and queries, and its id can be claimed again by create()', async () => {
    const hour = 3_600_000;
    // Expired long ago: Shop.create() turned TTL on, and Local's TTL job deletes recent expiries within seconds.
    await Cart.put({ cartId: 'k-old', customerId: 'c1', skus: ['sku-001'], expiresAt: expiredLongAgo() });
    const live = await Cart.create({ cartId: 'k-new', customerId: 'c1', skus: [], expiresAt: new Date(Date.now() + hour) });
    expect(live.expiresAt.getMilliseconds()).toBe(0); // stored as epoch seconds

    expect(await Cart.get({ cartId: 'k-old' })).toBeUndefined();
    expect((await Cart.get({ cartId: 'k-old' }).includeExpired())?.skus).toEqual(['sku-001']);
    expect((await Cart.scan().all()).map((c) => c.cartId)).toEqual(['k-new']);

    // adding to an expired cart does not revive it
    const revived = await Cart.update({ cartId: 'k-old' }).append({ skus: ['sku-002'] }).catch((e: unknown) => e);
    expect(revived).toBeInstanceOf(ConditionFailedError);

    const reclaimed = await Cart.create({ cartId: 'k-old', customerId: 'c2', skus: [], expiresAt: new Date(Date.now() + hour) });
    expect(reclaimed.customerId).toBe('c2');
    expect((await Cart.get({ cartId: 'k-old' }))?.customerId).toBe('c2');
  });

  it('batch and transactional reads hide an expired cart too, unless asked', async () => {
    await Cart.put({ cartId: 'k-gone', customerId: 'c1', skus: ['sku-009'], expiresAt: expiredLongAgo() });
    expect((await Cart.batchGet([{ cartId: 'k-gone' }, { cartId: 'k-new' }])).map((c) => c?.cartId)).toEqual([undefined, 'k-new']);
    const [gone, shown] = await transactGet([Cart.get({ cartId: 'k-gone' }), Cart.get({ cartId: 'k-new' })]);
    expect([gone, shown?.cartId]).toEqual([undefined, 'k-new']);
    const [kept] = await Shop.batchGet([Cart.get({ cartId: 'k-gone' }).includeExpired()]);
    expect(kept?.skus).toEqual(['sku-009']);
  });

  it('touching a cart extends it; a cart over its max is refused', async () => {
    const later = new Date(Date.now() + 2 * 3_600_000);
    const cart = await Cart.update({ cartId: 'k-new' }).append({ skus: ['sku-003'] }).set({ expiresAt: later }).returning('ALL_NEW');
    expect(cart.skus).toEqual(['sku-003']);
    expect(cart.expiresAt.getTime()).toBe(Math.floor(later.getTime() / 1000) * 1000);
    const tooMany = Array.from({ length: 51 }, (_, i) => `x${i}`);
    expect(() => Cart.update({ cartId: 'k-new' }).append({ skus: tooMany }).build()).toThrow(ValidationError);
  });
});

describe('Entity.partition(): the key condition of an item collection', () => {
  it('builds the partition the way writes do: the separator is checked, composites are normalised', () => {
    expect(Shop.query(Customer.partition('primary', { customerId: 'c1' })).build().ExpressionAttributeValues).toEqual({ ':v0': 'CUSTOMER#c1' });
    expect(Shop.query('gsi1', Customer.partition('gsi1', { email: ' ADA@example.com' })).build().ExpressionAttributeValues).toEqual({ ':v0': 'EMAIL#ada@example.com' });
    expect(() => Customer.partition('primary', { customerId: 'c#1' })).toThrow(KeyError);
    // @ts-expect-error -- the partition of gsi1 is made of orderId
    expect(() => Order.partition('gsi1', { customerId: 'c1' })).toThrow(/missing key composite orderId/);
    // @ts-expect-error -- Cart has no keys on gsi1
    expect(() => Cart.partition('gsi1', { cartId: 'k' })).toThrow(KeyError);
  });

  it("a condition of one index is refused by a query of another, before sending", () => {
    // An entity's partition() carries its index in its type, so this does not compile either; untyped code gets the run-time check.
    // @ts-expect-error -- the partition of gsi1, queried on gsi2
    expect(() => Shop.query('gsi2', Order.partition('gsi1', { orderId: 'o-1' })).build()).toThrow(ExpressionError);
  });

  it('the collection of a customer pages with cursors like any table-level read', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await Shop.query(Customer.partition('primary', { customerId: 'c5' })).entities(Customer, Order).reverse().limit(10).startAfter(cursor);
      seen.push(...page.items.map((i) => (i._et === 'Order' ? i.orderId : i.name)));
      cursor = page.cursor;
    } while (cursor !== undefined);
    expect(seen).toEqual(['Cy', ...Array.from({ length: 23 }, (_, i) => `s-${22 - i}`)]);
  });
});

describe('Entity.partition() on local and multi-attribute keys', () => {
  const Fleet = defineTable({
    name: uniqueTableName('fleet'),
    client,
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    indexes: {
      bySite: { type: 'local', sortKey: { name: 'lsi1sk', type: 'S' } },
      byRegion: { type: 'global', partitionKey: [{ name: 'tenantId', type: 'S' }, { name: 'region', type: 'S' }], sortKey: { name: 'rsk', type: 'S' } },
    },
  });
  const Site = defineEntity({
    table: Fleet,
    name: 'Site',
    schema: z.object({ tenantId: z.string(), region: z.string(), siteId: z.string() }),
    keys: {
      primary: { pk: 'TENANT#{tenantId}', sk: 'SITE#{siteId}' },
      bySite: { sk: 'SITE#{siteId}' },
      byRegion: { pk: ['{tenantId}', '{region}'], sk: 'SITE#{siteId}' },
    },
  });
  const Device = defineEntity({
    table: Fleet,
    name: 'Device',
    schema: z.object({ tenantId: z.string(), region: z.string(), deviceId: z.string() }),
    keys: {
      primary: { pk: 'TENANT#{tenantId}', sk: 'DEVICE#{deviceId}' },
      byRegion: { pk: ['{tenantId}', '{region}'], sk: 'DEVICE#{deviceId}' },
    },
  });

  beforeAll(async () => {
    await Fleet.create();
    await Fleet.batchWrite([
      Site.put({ tenantId: 't1', region: 'eu', siteId: 's1' }),
      Device.put({ tenantId: 't1', region: 'eu', deviceId: 'd1' }),
      Device.put({ tenantId: 't1', region: 'us', deviceId: 'd2' }),
      Site.put({ tenantId: 't2', region: 'eu', siteId: 's2' }),
    ]);
  });
  afterAll(async () => {
    await Fleet.drop();
  });

  it('a local index reads the partition of the table', async () => {
    const { items } = await Fleet.query('bySite', Site.partition('bySite', { tenantId: 't1' })).all();
    expect(items.map((i) => i._et)).toEqual(['Site']); // the device has no bySite key
    const all = await Fleet.query(Site.partition('primary', { tenantId: 't1' })).entities(Site, Device).all();
    expect(all.items.map((i) => (i._et === 'Site' ? i.siteId : i.deviceId))).toEqual(['d1', 'd2', 's1']);
  });

  it('a multi-attribute partition key gives one term per attribute', async () => {
    const { items } = await Fleet.query('byRegion', Device.partition('byRegion', { tenantId: 't1', region: 'eu' })).entities(Site, Device).all();
    expect(items.map((i) => (i._et === 'Site' ? i.siteId : i.deviceId))).toEqual(['d1', 's1']);
  });
});

describe('closing an account', () => {
  it('deletes the customer and every order of their collection with one batch', async () => {
    const { items } = await Shop.query(Customer.partition('primary', { customerId: 'c5' })).entities(Customer, Order).all();
    expect(items.length).toBe(24);
    const result = await Shop.batchWrite(
      items.map((i) => (i._et === 'Order' ? Order.delete({ customerId: i.customerId, placedAt: i.placedAt, orderId: i.orderId }) : Customer.delete({ customerId: i.customerId }))),
    );
    expect(result).toEqual({ written: 24, retried: 0, skipped: [] });
    expect((await Shop.query(Customer.partition('primary', { customerId: 'c5' })).all()).items).toEqual([]);
    expect(await customerByEmail('c5@example.com')).toBeUndefined();
    expect(await Order.query('gsi2', Order.Key('status').eq('shipped')).count()).toBe(1); // o-1 of c1
  });
});

describe('untyped callers mixing up Key and Attr get an ExpressionError, not a TypeError', () => {
  // Plain JavaScript (or a cast) compiles all of these; each is a mistake a newcomer makes.
  const loose = <T>(v: unknown): T => v as T;

  it('a query given an operand without its comparison, an Attr condition or nothing', () => {
    const forgotEq = loose<never>(Customer.Key('customerId'));
    expect(() => Customer.query('primary', forgotEq).build()).toThrow(ExpressionError);
    expect(() => Customer.query('primary', forgotEq).build()).toThrow(/Customer: query of primary needs a key condition built with Key\(\.\.\.\) \(e\.g\. Key\('customerId'\)\.eq\(\.\.\.\)\), got an operand without its comparison/);
    expect(() => Customer.query('primary', loose(Customer.Attr('customerId').eq('c1'))).build()).toThrow(/got an Attr\(\.\.\.\) condition/);
    expect(() => Customer.query('primary', loose(undefined)).build()).toThrow(/got undefined/);
  });

  it('a filter, where() or check() given a Key condition or nothing', async () => {
    const keyCondition = loose<never>(Customer.Key('customerId').eq('c1'));
    expect(() => Customer.query('primary', Customer.Key('customerId').eq('c1')).filter(keyCondition).build()).toThrow(/Customer: filter\(\) takes a condition built with Attr\(\.\.\.\).*got a Key\(\.\.\.\) key condition/);
    expect(() => Customer.update({ customerId: 'c1' }).set({ name: 'X' }).where(keyCondition).build()).toThrow(ExpressionError);
    expect(() => Customer.put({ customerId: 'c1', email: 'x@example.com', name: 'X' }).where(loose(undefined)).build()).toThrow(ExpressionError);
    expect(() => Customer.delete({ customerId: 'c1' }).where(keyCondition).build()).toThrow(ExpressionError);
    expect(() => Customer.check({ customerId: 'c1' }, loose(undefined)).build()).toThrow(ExpressionError);
    expect(() => Shop.query(Customer.partition('primary', { customerId: 'c1' })).filter(keyCondition).build()).toThrow(ExpressionError);
    expect((await Customer.get({ customerId: 'c1' }))?.name).toBe('Ada'); // nothing was sent
  });

  it("a table-level query given an entity's Key condition", () => {
    expect(() => Shop.query(loose(Customer.Key('customerId').eq('c1'))).build()).toThrow(/table .*: query needs a key condition built with the table's Key\(\.\.\.\) or an entity's partition\(\.\.\.\), got a Key\(\.\.\.\) key condition/);
  });
});
