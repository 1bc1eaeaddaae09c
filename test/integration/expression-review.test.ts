/**
 * Expression-layer review, decided by DynamoDB Local: what dynakit refuses before sending is what
 * DynamoDB rejects, what it sends is accepted, and table-level values compare as they are stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ExpressionError, KeyError, defineEntity } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';

const client = testClient();
const doc = testDocClient(client);

/** Counts the requests sent through `c`, so a test can show that nothing was sent. */
function countRequests(c: DynamoDBClient): { n: number } {
  const counter = { n: 0 };
  c.middlewareStack.add((next) => async (args) => {
    counter.n += 1;
    return next(args);
  }, { step: 'initialize', name: 'countRequests' });
  return counter;
}
const sent = countRequests(client);

const { AppTable, User, Order } = appModel(client, uniqueTableName('expr-review'));
const Session = defineEntity({
  table: AppTable,
  name: 'Session',
  schema: z.object({ id: z.string(), expiresAt: z.date(), label: z.string().optional() }),
  keys: { primary: { pk: 'SESSION#{id}', sk: 'S' } },
  ttl: 'expiresAt',
});

const inAnHour = new Date(Date.now() + 3_600_000);

beforeAll(async () => {
  await AppTable.create();
  await User.put({ userId: 'u1', orgId: 'acme', email: 'u1@example.com', name: '\uff61', age: 30 });
  await Order.put({ userId: 'u1', orderId: 'o1', seq: 3, total: 1, placedAt: new Date('2024-01-01T00:00:00Z'), lines: [] });
  await Session.put({ id: 's1', expiresAt: inAnHour, label: 'a' });
});

afterAll(async () => {
  await AppTable.drop();
  client.destroy();
});

/** Runs `f` and expects it to throw `type` without sending anything. */
async function refusedBeforeSending(f: () => unknown, type: new (...a: never[]) => Error, message: RegExp): Promise<void> {
  const before = sent.n;
  await expect(async () => await f()).rejects.toThrow(type);
  await expect(async () => await f()).rejects.toThrow(message);
  expect(sent.n).toBe(before);
}

describe('between with reversed bounds', () => {
  it('DynamoDB rejects it whole (it does not match nothing)', async () => {
    const raw = doc.send(new ScanCommand({ TableName: AppTable.name, FilterExpression: '#a BETWEEN :lo AND :hi', ExpressionAttributeNames: { '#a': 'age' }, ExpressionAttributeValues: { ':lo': 50, ':hi': 1 } }));
    await expect(raw).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('dynakit refuses it before sending: filters, conditions and key conditions', async () => {
    await refusedBeforeSending(() => User.scan().filter(User.Attr('age').between(50, 1)), ExpressionError, /User: age: BETWEEN's low bound \(50\) is above its high bound \(1\)/);
    await refusedBeforeSending(() => User.update({ userId: 'u1' }).set({ age: 2 }).where(User.Attr('name').between('b', 'a')), ExpressionError, /low bound/);
    await refusedBeforeSending(() => User.query('gsi1', User.Key('orgId').eq('acme').and(User.Key('name').between('B', 'A'))), KeyError, /between\("B", "A"\)/);
    await refusedBeforeSending(() => Order.query('primary', Order.Key('userId').eq('u1').and(Order.Key('seq').between(5, 1))), KeyError, /between\(5, 1\)/);
  });

  it('bounds ordered by UTF-8 bytes (not UTF-16) are sent, and DynamoDB accepts them', async () => {
    const scan = await User.scan().filter(User.Attr('name').between('\uff61', '😀')).all();
    expect(scan.map((u) => u.userId)).toEqual(['u1']);
    const query = await User.query('gsi1', User.Key('orgId').eq('acme').and(User.Key('name').between('\uff61', '😀'))).all();
    expect(query.map((u) => u.userId)).toEqual(['u1']);
  });
});

describe('attribute_type', () => {
  it('DynamoDB rejects an unknown type name; dynakit refuses it before sending', async () => {
    const raw = doc.send(new ScanCommand({ TableName: AppTable.name, FilterExpression: 'attribute_type(#a, :t)', ExpressionAttributeNames: { '#a': 'age' }, ExpressionAttributeValues: { ':t': 'X' } }));
    await expect(raw).rejects.toMatchObject({ name: 'ValidationException' });
    await refusedBeforeSending(() => User.scan().filter(User.Attr('age').type('X' as 'N')), ExpressionError, /User: age: attribute_type needs one of/);
    expect((await User.scan().filter(User.Attr('age').type('N')).all()).map((u) => u.userId)).toEqual(['u1']);
  });
});

describe('table-level conditions on the TTL attribute', () => {
  it('a Date compares with the stored epoch seconds: the unexpired session is found', async () => {
    const soon = AppTable.scan().filter(AppTable.Attr('expiresAt').gt(new Date()));
    expect((await soon.all()).items.map((i) => i._et)).toEqual(['Session']);
    const late = AppTable.query(AppTable.Key('pk').eq('SESSION#s1')).filter(AppTable.Attr('expiresAt').lte(new Date(inAnHour.getTime() + 1000)));
    expect((await late.all()).items.map((i) => i._et)).toEqual(['Session']);
  });
});
