/**
 * `filter(Entity, condition)` on a table-level read against DynamoDB Local: one request reads a
 * collection (a user and its orders in one partition) and filters the entity it names only.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { appModel } from '../fixtures/app-model.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const { AppTable, User, Order } = appModel(client, uniqueTableName('entity-filter'));
useTable(AppTable);

const order = (seq: number, total: number) => ({ orderId: `o${seq}`, userId: 'u1', seq, total, placedAt: new Date(Date.UTC(2026, 0, seq)), lines: [{ sku: 's', qty: 1 }] });
const collection = () => AppTable.query(AppTable.Key('pk').eq('USER#u1'));
const kinds = (items: readonly Record<string, unknown>[]) => items.map((i) => (i['_et'] === 'Order' ? `Order ${String(i['seq'])}` : String(i['_et'])));

beforeAll(async () => {
  await User.put({ userId: 'u1', orgId: 'acme', email: 'u1@example.com', name: 'Ada', age: 30 });
  for (let seq = 1; seq <= 4; seq++) await Order.put(order(seq, seq * 10));
  // An item with no discriminator: no entity's filter applies to it.
  await testDocClient(client).send(new PutCommand({ TableName: AppTable.name, Item: { pk: 'USER#u1', sk: 'NOTE#1', age: 5 } }));
});

describe('filter(Entity, condition) on a collection', () => {
  it("filters the entity's items only: other entities' items and items without a discriminator pass", async () => {
    const adults = await collection().filter(User, User.Attr('age').gte(18)).all();
    expect(kinds(adults.items)).toEqual(['Order 1', 'Order 2', 'Order 3', 'Order 4', 'User']) // in sort-key order: ORDER#..., then PROFILE;
    expect(adults.unknown).toEqual([{ pk: 'USER#u1', sk: 'NOTE#1', age: 5 }]);

    const seniors = await collection().filter(User, User.Attr('age').gt(40)).all();
    expect(kinds(seniors.items)).toEqual(['Order 1', 'Order 2', 'Order 3', 'Order 4']);
  });

  it("several calls are ANDed, each on its entity's items, with the entity's value encoding (dates)", async () => {
    const read = collection()
      .filter(User, User.Attr('age').gt(40))
      .filter(Order, Order.Attr('placedAt').gte(new Date(Date.UTC(2026, 0, 2))).and(Order.Attr('total').lt(40)));
    const { items, unknown } = await read.all();
    expect(kinds(items)).toEqual(['Order 2', 'Order 3']);
    expect(unknown).toHaveLength(1);
    expect(await read.count()).toBe(3);
    expect(await read.limit(1).countPage()).toEqual({ count: 1, cursor: expect.any(String) });
  });

  it('works with entities() and on a scan', async () => {
    const { items } = await collection().entities(Order).filter(Order, Order.Attr('total').gte(30)).all();
    expect(items.map((o) => o.seq)).toEqual([3, 4]);
    const scanned = await AppTable.scan().filter(Order, Order.Attr('total').eq(20)).filter(AppTable.Attr('_et').eq('Order')).all();
    expect(kinds(scanned.items)).toEqual(['Order 2']);
  });
});
