/**
 * Table-level parallel scans, `AppTable.scan().segments(n)`, against DynamoDB Local: every item of
 * the table once across the segments (items of every entity, parsed, and items of no entity in
 * `unknown`), with `entities()`, filters, small pages, `limit`, `count()`, `deleteAll()`, and
 * the same refusals as an entity's segmented scan (no cursors, no maxPages, not on a query).
 * Entity scans' segments are tested in scan.test.ts.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExpressionError } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { countRequests, refusedBeforeSend } from '../support/requests.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const raw = testDocClient(client);
const tableName = uniqueTableName('table-scan-segments');
const { AppTable, User, Order } = appModel(client, tableName);
const requests = countRequests(client);
useTable(AppTable, { clients: [client] });

const USERS = 60;
const ORDERS_PER_USER = 2;
const FOREIGN = 7;
const PLACED_AT = new Date('2024-05-06T07:08:09.000Z');

beforeAll(async () => {
  await AppTable.batchWrite([
    ...Array.from({ length: USERS }, (_, i) => User.put({ userId: `u${i}`, orgId: `org${i % 3}`, email: `u${i}@example.com`, name: `N${i}`, age: 20 + (i % 50) })),
    ...Array.from({ length: USERS * ORDERS_PER_USER }, (_, i) =>
      Order.put({ userId: `u${i % USERS}`, orderId: `o${i}`, seq: i, total: i, placedAt: PLACED_AT, lines: [{ sku: 'A', qty: 1 }] }),
    ),
  ]);
  // Items another program wrote: no discriminator.
  for (let i = 0; i < FOREIGN; i++) await raw.send(new PutCommand({ TableName: tableName, Item: { pk: `LEGACY#${i}`, sk: 'X', note: i } }));
});

const keyOf = (row: object): string => {
  const item = row as Record<string, unknown>;
  return item['_et'] === 'User' ? `User ${String(item['userId'])}` : item['_et'] === 'Order' ? `Order ${String(item['orderId'])}` : `raw ${String(item['pk'])}`;
};

describe('AppTable.scan().segments(n)', () => {
  it.each([1, 2, 4, 7])('%i segments: every item once, parsed by its entity, items of no entity in unknown', async (n) => {
    const sequential = await AppTable.scan().all();
    const parallel = await AppTable.scan().segments(n).pageSize(25).all();
    const keys = [...parallel.items, ...parallel.unknown].map(keyOf);
    expect(keys).toHaveLength(USERS + USERS * ORDERS_PER_USER + FOREIGN);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual([...sequential.items, ...sequential.unknown].map(keyOf).sort());
    expect(parallel.unknown).toHaveLength(FOREIGN);
    const order = parallel.items.find((i) => i._et === 'Order');
    expect(order?.placedAt).toBeInstanceOf(Date); // parsed by Order's schema, not left as stored
  });

  it('sends one Scan per segment page, with Segment and TotalSegments', async () => {
    expect(AppTable.scan().segments(4).build()).toMatchObject({ TableName: tableName, Segment: 0, TotalSegments: 4 });
    const before = requests.sent;
    await AppTable.scan().segments(4).all();
    // 187 small items: each segment's one page holds all of its share (no LastEvaluatedKey).
    expect(requests.sent - before).toBe(4);
  });

  it('with entities() and a filter: only those entities, filtered, across every segment', async () => {
    const { items, unknown } = await AppTable.scan().entities(User).filter(AppTable.Attr('age').gte(60)).segments(3).all();
    const expected = Array.from({ length: USERS }, (_, i) => i).filter((i) => 20 + (i % 50) >= 60).map((i) => `u${i}`);
    expect(items.map((u) => u.userId).sort()).toEqual(expected.sort());
    expect(items.every((u) => u._et === 'User')).toBe(true);
    expect(unknown).toEqual([]);
  });

  it('limit applies to the merged stream: awaiting it returns that many distinct items, no cursor', async () => {
    const page = await AppTable.scan().entities(User, Order).segments(4).pageSize(10).limit(33);
    const keys = [...page.items, ...page.unknown].map(keyOf);
    expect(keys).toHaveLength(33);
    expect(new Set(keys).size).toBe(33);
    expect(page.cursor).toBeUndefined();
  });

  it('refuses what a segmented scan cannot do, before sending anything', async () => {
    await refusedBeforeSend(requests, ExpressionError, () => AppTable.scan().segments(4));
    await refusedBeforeSend(requests, ExpressionError, () => AppTable.scan().segments(4).maxPages(2).all());
    const { cursor } = await AppTable.scan().limit(5);
    expect(cursor).toBeDefined();
    await refusedBeforeSend(requests, ExpressionError, () => AppTable.scan().startAfter(cursor).segments(2).all());
    await refusedBeforeSend(requests, ExpressionError, () => AppTable.scan().segments(0));
    await refusedBeforeSend(requests, ExpressionError, () => AppTable.scan().segments(2, { concurrency: 0 }));
    const e = await refusedBeforeSend(requests, ExpressionError, () => AppTable.query(AppTable.Key('pk').eq('USER#u1')).segments(2));
    expect(e.message).toMatch(/segments\(\) applies to scans only/);
  });

  it('count() counts every item whatever the segments', async () => {
    expect(await AppTable.scan().segments(4).count()).toBe(USERS + USERS * ORDERS_PER_USER + FOREIGN);
  });

  it('deleteAll() deletes what every segment returns: here all of one entity, the others untouched', async () => {
    const { deleted } = await AppTable.scan().entities(Order).segments(4).deleteAll();
    expect(deleted).toBe(USERS * ORDERS_PER_USER);
    const left = await AppTable.scan().segments(2).all();
    expect(left.items.every((i) => i._et === 'User')).toBe(true);
    expect(left.items).toHaveLength(USERS);
    expect(left.unknown).toHaveLength(FOREIGN);
  });
});
