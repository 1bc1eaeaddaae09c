/**
 * The repository layer of a small order service, written from dynakit's README and docs only (for
 * test/integration/review-service-58.test.ts): customers, orders with lines and a status, a
 * per-customer order counter, products with optimistic locking, idempotency records with a TTL; one
 * table with GSIs for "orders of a customer by date" and "orders by status", and a stream.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { defineEntity, defineTable, transactWrite, type EntityItem } from '../../src/index.js';

/** The service's repository layer: one table, five entities, two global indexes, a stream. */
export function orderService(client: DynamoDBClient, name: string) {
  const AppTable = defineTable({
    name,
    client,
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    indexes: {
      byCustomer: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } },
      byStatus: { type: 'global', partitionKey: { name: 'gsi2pk', type: 'S' }, sortKey: { name: 'gsi2sk', type: 'S' } },
    },
    stream: 'NEW_AND_OLD_IMAGES',
  });
  const Customer = defineEntity({
    table: AppTable,
    name: 'Customer',
    schema: z.object({ customerId: z.string(), name: z.string(), email: z.email() }),
    keys: { primary: { pk: 'CUST#{customerId}', sk: 'PROFILE' } },
    timestamps: true,
  });
  const Order = defineEntity({
    table: AppTable,
    name: 'Order',
    schema: z.object({
      customerId: z.string(),
      orderId: z.string(),
      placedAt: z.date(),
      status: z.enum(['PLACED', 'PAID', 'SHIPPED', 'CANCELLED']),
      lines: z.array(z.object({ sku: z.string(), qty: z.number().int().positive(), price: z.number().nonnegative() })).min(1),
      total: z.number().nonnegative(),
    }),
    keys: {
      primary: { pk: 'CUST#{customerId}', sk: 'ORDER#{orderId}' },
      byCustomer: { pk: 'CUST#{customerId}', sk: 'PLACED#{placedAt}#{orderId}' },
      byStatus: { pk: 'STATUS#{status}', sk: '{placedAt}#{orderId}' },
    },
    timestamps: true,
  });
  const OrderCounter = defineEntity({
    table: AppTable,
    name: 'OrderCounter',
    schema: z.object({ customerId: z.string(), count: z.number().int().min(0) }),
    keys: { primary: { pk: 'CUST#{customerId}', sk: 'COUNTER' } },
  });
  const Product = defineEntity({
    table: AppTable,
    name: 'Product',
    schema: z.object({ sku: z.string(), name: z.string(), stock: z.number().int().min(0), price: z.number().nonnegative() }),
    keys: { primary: { pk: 'PRODUCT#{sku}', sk: 'PRODUCT' } },
    version: 'version',
  });
  const IdempotencyRecord = defineEntity({
    table: AppTable,
    name: 'IdempotencyRecord',
    schema: z.object({ requestId: z.string(), orderId: z.string(), expiresAt: z.date() }),
    keys: { primary: { pk: 'IDEM#{requestId}', sk: 'IDEM' } },
    ttl: 'expiresAt',
  });

  type Line = EntityItem<typeof Order>['lines'][number];

  /** Place an order: stock down (never below 0), the order created once, the customer's counter up; all or nothing. */
  function placeOrder(o: { customerId: string; orderId: string; lines: Line[]; requestId: string; now: Date }, options: { idempotencyToken?: string } = {}) {
    const total = o.lines.reduce((s, l) => s + l.qty * l.price, 0);
    return transactWrite(
      [
        ...o.lines.map((l) => Product.update({ sku: l.sku }).add({ stock: -l.qty })),
        Order.create({ customerId: o.customerId, orderId: o.orderId, placedAt: o.now, status: 'PLACED', lines: o.lines, total }),
        OrderCounter.update({ customerId: o.customerId }).add({ count: 1 }).upsert(),
        IdempotencyRecord.create({ requestId: o.requestId, orderId: o.orderId, expiresAt: new Date(o.now.getTime() + 86_400_000) }),
      ],
      { idempotencyToken: options.idempotencyToken ?? o.requestId, now: o.now },
    );
  }

  return { AppTable, Customer, Order, OrderCounter, Product, IdempotencyRecord, placeOrder };
}
