/**
 * Expression-layer review, decided by DynamoDB Local: what dynakit refuses before sending is what
 * DynamoDB rejects, what it sends is accepted, and table-level values compare as they are stored.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { QueryCommand, ScanCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ExpressionError, KeyError, defineEntity, type KeyCondition } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { countRequests } from '../support/requests.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);

const sent = countRequests(client);

const { AppTable, User, Order } = appModel(client, uniqueTableName('expr-review'));
const Session = defineEntity({
  table: AppTable,
  name: 'Session',
  schema: z.object({ id: z.string(), expiresAt: z.date(), label: z.string().optional() }),
  keys: { primary: { pk: 'SESSION#{id}', sk: 'S' } },
  ttl: 'expiresAt',
});

const Lead = defineEntity({
  table: AppTable,
  name: 'Lead',
  schema: z.object({ g: z.string(), name: z.string(), id: z.string() }),
  keys: { primary: { pk: 'LEAD#{g}', sk: '{name}#{id}' } },
});
const Bare = defineEntity({
  table: AppTable,
  name: 'Bare',
  schema: z.object({ g: z.string(), name: z.string() }),
  keys: { primary: { pk: 'BARE#{g}', sk: '{name}' } },
});

const inAnHour = new Date(Date.now() + 3_600_000);

useTable(AppTable, { clients: [client] });

beforeAll(async () => {
  await User.put({ userId: 'u1', orgId: 'acme', email: 'u1@example.com', name: '\uff61', age: 30 });
  await Order.put({ userId: 'u1', orderId: 'o1', seq: 3, total: 1, placedAt: new Date('2024-01-01T00:00:00Z'), lines: [] });
  await Session.put({ id: 's1', expiresAt: inAnHour, label: 'a' });
  for (const [name, id] of [['', 'e0'], ['a', 'e1'], ['b', 'e2']] as const) await Lead.put({ g: 'x', name, id });
  for (const name of ['a', 'b']) await Bare.put({ g: 'x', name });
});

/** Runs `f` and expects it to throw `type` without sending anything. */
async function refusedBeforeSending(f: () => unknown, type: new (...a: never[]) => Error, message: RegExp): Promise<void> {
  const before = sent.sent;
  await expect(async () => await f()).rejects.toThrow(type);
  await expect(async () => await f()).rejects.toThrow(message);
  expect(sent.sent).toBe(before);
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

describe('table-level queries', () => {
  const K = AppTable.Key;
  const A = AppTable.Attr;
  const raw = (input: Record<string, unknown>) => doc.send(new QueryCommand({ TableName: AppTable.name, ...input } as QueryCommandInput));

  it("DynamoDB rejects a filter on the queried index's keys, and accepts one on another index's keys", async () => {
    await expect(raw({ KeyConditionExpression: '#p = :p', FilterExpression: '#s = :s', ExpressionAttributeNames: { '#p': 'pk', '#s': 'sk' }, ExpressionAttributeValues: { ':p': 'USER#u1', ':s': 'PROFILE' } })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(raw({ IndexName: 'gsi1', KeyConditionExpression: '#p = :p', FilterExpression: 'begins_with(#s, :s)', ExpressionAttributeNames: { '#p': 'gsi1pk', '#s': 'gsi1sk' }, ExpressionAttributeValues: { ':p': 'ORG#acme', ':s': 'U' } })).rejects.toMatchObject({ name: 'ValidationException' });
    await refusedBeforeSending(() => AppTable.query(K('pk').eq('USER#u1')).filter(A('sk').eq('PROFILE')), ExpressionError, /sk: a query filter cannot use the key attributes/);
    await refusedBeforeSending(() => AppTable.query('gsi1', K('gsi1pk').eq('ORG#acme')).filter(A('gsi1sk').beginsWith('U')), ExpressionError, /gsi1sk: a query filter/);
    const viaGsi = await AppTable.query('gsi1', K('gsi1pk').eq('ORG#acme')).filter(A('pk').eq('USER#u1').and(A('sk').eq('PROFILE'))).all();
    expect(viaGsi.items.map((i) => i._et)).toEqual(['User']);
  });

  it('DynamoDB rejects key values of the wrong type and empty ones; dynakit refuses them before sending', async () => {
    await expect(raw({ KeyConditionExpression: '#p = :p', ExpressionAttributeNames: { '#p': 'pk' }, ExpressionAttributeValues: { ':p': 5 } })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(raw({ KeyConditionExpression: '#p = :p AND begins_with(#s, :s)', ExpressionAttributeNames: { '#p': 'pk', '#s': 'sk' }, ExpressionAttributeValues: { ':p': 'USER#u1', ':s': '' } })).rejects.toMatchObject({ name: 'ValidationException' });
    // @ts-expect-error -- pk is an S key (refused at compile time; the run-time check stays for JavaScript callers)
    await refusedBeforeSending(() => AppTable.query(K('pk').eq(5)), ExpressionError, /pk is a S key/);
    await refusedBeforeSending(() => AppTable.query(K('pk').eq('USER#u1').and(K('sk').beginsWith(''))), ExpressionError, /cannot be empty/);
    expect((await AppTable.query(K('pk').eq('USER#u1').and(K('sk').beginsWith('P'))).all()).items).toHaveLength(1);
  });
});

describe("key conditions with '' on a sort key that starts with the composite", () => {
  const ids = async (c: KeyCondition<'name'>) => (await Lead.query('primary', Lead.Key('g').eq('x').and(c)).all()).map((l) => l.id);
  it('select exactly the items whose name satisfies the condition', async () => {
    expect(await ids(Lead.Key('name').beginsWith(''))).toEqual(['e0', 'e1', 'e2']);
    expect(await ids(Lead.Key('name').gte(''))).toEqual(['e0', 'e1', 'e2']);
    expect(await ids(Lead.Key('name').gt(''))).toEqual(['e1', 'e2']);
    expect(await ids(Lead.Key('name').lt(''))).toEqual([]);
    expect(await ids(Lead.Key('name').lte(''))).toEqual(['e0']);
    expect(await ids(Lead.Key('name').between('', 'a'))).toEqual(['e0', 'e1']);
    const bare = await Bare.query('primary', Bare.Key('g').eq('x').and(Bare.Key('name').beginsWith(''))).all();
    expect(bare.map((b) => b.name)).toEqual(['a', 'b']);
  });
});

describe('operands DynamoDB rejects, refused before sending', () => {
  const A = AppTable.Attr;
  const rawFilter = (FilterExpression: string, names: Record<string, string>, values?: Record<string, unknown>) =>
    doc.send(new ScanCommand({ TableName: AppTable.name, FilterExpression, ExpressionAttributeNames: names, ...(values ? { ExpressionAttributeValues: values } : {}) }));

  it('the same attribute on both sides', async () => {
    for (const f of ['#a = #a', '#a < #a', '#a IN (:v, #a)', 'contains(#a, #a)', 'begins_with(#a, #a)', '#a BETWEEN :v AND #a']) {
      await expect(rawFilter(f, { '#a': 'age' }, f.includes(':v') ? { ':v': 1 } : undefined)).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/first operand must be distinct/) });
    }
    await refusedBeforeSending(() => User.scan().filter(User.Attr('price').lt(User.Attr('price'))), ExpressionError, /User: price: < compares price with itself/);
    await refusedBeforeSending(() => AppTable.scan().filter(A('age').in([1, A('age')])), ExpressionError, /IN compares age with itself/);
    // accepted: the repeat among the other operands, or size() of the same attribute
    expect((await AppTable.scan().filter(A('age').between(A('price'), A('price')).or(A('name').size().eq(A('name').size())).and(A('age').exists())).all()).items.map((i) => i._et)).toEqual(['User']);
  });

  it('an order comparison or begins_with with a value of a type that has no order', async () => {
    for (const v of [true, null, ['x'], { a: 1 }, new Set(['x'])]) {
      await expect(rawFilter('#a > :v', { '#a': 'age' }, { ':v': v })).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/Incorrect operand type/) });
      await refusedBeforeSending(() => AppTable.scan().filter(A('age').gt(v)), ExpressionError, /age: > needs a number, string or binary value/);
      await refusedBeforeSending(() => AppTable.scan().filter(A('age').between(v, v)), ExpressionError, /age: BETWEEN needs a number, string or binary value/);
    }
    await expect(rawFilter('begins_with(#a, :v)', { '#a': 'name' }, { ':v': 1 })).rejects.toMatchObject({ name: 'ValidationException' });
    await refusedBeforeSending(() => AppTable.scan().filter(A('name').beginsWith(1 as never)), ExpressionError, /begins_with needs a string or binary prefix; got a number/);
    // = and <> take any type, and binary orders
    const ok = AppTable.scan().filter(A('age').exists().and(A('age').ne(null)).and(A('age').eq(true).not()).and(A('bin').gt(new Uint8Array([1])).not()));
    expect((await ok.all()).items.map((i) => i._et)).toEqual(['User']);
  });
});

describe('table-level paths given as segments', () => {
  it('DynamoDB rejects an empty name and a negative or fractional index; dynakit refuses them before sending', async () => {
    const raw = (f: string, names: Record<string, string>) => doc.send(new ScanCommand({ TableName: AppTable.name, FilterExpression: f, ExpressionAttributeNames: names }));
    await expect(raw('attribute_exists(#a)', { '#a': '' })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(raw('attribute_exists(#a[-1])', { '#a': 'items' })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(raw('attribute_exists(#a[1.5])', { '#a': 'items' })).rejects.toMatchObject({ name: 'ValidationException' });
    for (const path of [[''], ['items', -1], ['items', 1.5]]) {
      await refusedBeforeSending(() => AppTable.scan().filter(AppTable.Attr(path).exists()), ExpressionError, /invalid document path/);
    }
  });
});
