import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, transactGet, type EntityItem } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';

const { User, Order } = appModel(new DynamoDBClient({}));
type User = EntityItem<typeof User>;
const k = { userId: 'u1' };

const Doc = defineEntity({
  table: defineTable({ name: 'Docs', client: new DynamoDBClient({}), partitionKey: { name: 'pk', type: 'S' } }),
  name: 'Doc',
  schema: z.object({
    id: z.string(),
    title: z.string(),
    meta: z.object({ created: z.date(), labels: z.set(z.string()), note: z.string().optional() }),
    draft: z.object({ body: z.string() }).nullable(),
    grid: z.array(z.array(z.number())).optional(),
  }),
  keys: { primary: { pk: 'DOC#{id}' } },
});

test('a nested path cuts the item down to it: an optional parent stays optional', () => {
  expectTypeOf(User.get(k).project('address.city')).resolves.toEqualTypeOf<{ address?: { city: string } } | undefined>();
  expectTypeOf(User.get(k).project('name', 'address.city', 'address.zip')).resolves.toEqualTypeOf<
    { name: string; address?: { city: string; zip?: string | undefined } } | undefined
  >();
});

test('a required parent is required only while it keeps a required projected field', () => {
  expectTypeOf(Doc.get({ id: 'd' }).project('meta.created', 'meta.labels')).resolves.toEqualTypeOf<{ meta: { created: Date; labels: Set<string> } } | undefined>();
  // meta.note may be missing, and DynamoDB then returns no meta at all
  expectTypeOf(Doc.get({ id: 'd' }).project('meta.note')).resolves.toEqualTypeOf<{ meta?: { note?: string | undefined } } | undefined>();
  // a nullable parent may be stored as NULL: no map comes back
  expectTypeOf(Doc.get({ id: 'd' }).project('draft.body')).resolves.toEqualTypeOf<{ draft?: { body: string } } | undefined>();
});

test('list elements come back packed, in an optional list', () => {
  expectTypeOf(Order.get({ userId: 'u1', seq: 1, orderId: 'o1' }).project('lines[0].sku', 'lines[2].sku')).resolves.toEqualTypeOf<
    { lines?: { sku: string }[] } | undefined
  >();
  expectTypeOf(Order.get({ userId: 'u1', seq: 1, orderId: 'o1' }).project('lines[1]')).resolves.toEqualTypeOf<{ lines?: { sku: string; qty: number }[] } | undefined>();
  expectTypeOf(Doc.get({ id: 'd' }).project('grid[0][1]')).resolves.toEqualTypeOf<{ grid?: number[][] } | undefined>();
});

test('queries, scans, batchGet and transactGet take paths too', async () => {
  expectTypeOf(User.query('gsi1', User.Key('orgId').eq('acme')).project('address.city').all()).resolves.toEqualTypeOf<{ address?: { city: string } }[]>();
  expectTypeOf(User.scan().project('userId', 'items[0].qty').all()).resolves.toEqualTypeOf<{ userId: string; items?: { qty: number }[] }[]>();
  expectTypeOf(User.batchGet([k]).project('address.zip')).resolves.toEqualTypeOf<({ address?: { zip?: string | undefined } } | undefined)[]>();
  const [u] = await transactGet([User.get(k).project('address.city')]);
  expectTypeOf(u).toEqualTypeOf<{ address?: { city: string } } | undefined>();
});

test('top-level projections keep their Pick; paths must be paths of the schema', () => {
  expectTypeOf(User.get(k).project('name', 'address')).resolves.toEqualTypeOf<Pick<User, 'name' | 'address'> | undefined>();
  // @ts-expect-error not a path of the schema
  User.get(k).project('address.town');
  // @ts-expect-error name is a string: no path below it
  User.get(k).project('name.first');
  // @ts-expect-error a list element is addressed by index
  Order.get({ userId: 'u1', seq: 1, orderId: 'o1' }).project('lines.sku');
});
