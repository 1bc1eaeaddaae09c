/**
 * `AppTable.query(...).count()` / `AppTable.scan().count()`: how many stored items a table-level
 * read matches (items and unknown ones together), with `Select: COUNT`, across pages.
 */
import { describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { appModel } from '../fixtures/app-model.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';
import { countRequests } from '../support/requests.js';

const client = testClient();
const raw = testDocClient(client);
const A = appModel(client, uniqueTableName('table-count'));
const { AppTable, User, Order } = A;
useTable(AppTable);

const order = (userId: string, seq: number, total: number) => ({ orderId: `o${seq}`, userId, seq, total, placedAt: new Date(Date.UTC(2026, 0, seq)), lines: [{ sku: 's', qty: 1 }] });

describe('table-level count()', () => {
  it("counts a collection's items of every entity, unknown ones too, as all() returns them", async () => {
    await User.put({ userId: 'c1', orgId: 'acme', email: 'c1@example.com', name: 'C' });
    for (let seq = 1; seq <= 4; seq++) await Order.put(order('c1', seq, seq * 10));
    await raw.send(new PutCommand({ TableName: AppTable.name, Item: { pk: 'USER#c1', sk: 'NOTE#1', _et: 'Legacy' } }));
    const read = AppTable.query(AppTable.Key('pk').eq('USER#c1'));
    const { items, unknown } = await read.all();
    expect(items.length + unknown.length).toBe(6);
    expect(await read.count()).toBe(6);
    // entities() narrows the types of items, not what is stored: the others still count (in unknown).
    expect(await read.entities(Order).count()).toBe(6);
  });

  it('applies the filter and the sort-key condition, but not limit() or project()', async () => {
    const read = AppTable.query(AppTable.Key('pk').eq('USER#c1').and(AppTable.Key('sk').beginsWith('ORDER#')));
    expect(await read.count()).toBe(4);
    expect(await read.filter(AppTable.Attr('total').gte(30)).count()).toBe(2);
    expect(await read.limit(1).project('total').count()).toBe(4);
  });

  it('reads every page (pageSize 2: several requests) and counts a scan', async () => {
    const counter = countRequests(client);
    expect(await AppTable.query(AppTable.Key('pk').eq('USER#c1')).pageSize(2).count()).toBe(6);
    expect(counter.sent).toBeGreaterThanOrEqual(3);
    expect(await AppTable.scan().filter(AppTable.Attr('_et').eq('Order')).count()).toBe(4);
  });

  it('counts a local index read without parsing items (Select COUNT replaces ALL_ATTRIBUTES)', async () => {
    expect(await AppTable.query('lsi1', AppTable.Key('pk').eq('USER#c1').and(AppTable.Key('lsi1sk').beginsWith('PLACED#2026-01-0'))).count()).toBe(4);
  });
});
