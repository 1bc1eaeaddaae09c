/**
 * Single-table collections against DynamoDB Local: a user's partition holds the User profile, its
 * Orders, and items written by other tools (an unknown entity 'Ghost', an item with no `_et`).
 * Entity queries return only their entity; table-level queries and scans return every registered
 * entity parsed by its own schema and tagged with `_et`, and the rest, as stored, in `unknown`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ExpressionError, InvalidCursorError, ItemParseError, type EntityInput, type TablePage } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { countRequests } from '../support/requests.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);

const requests = countRequests(client);

const { AppTable, User, Order } = appModel(client, uniqueTableName('coll'));
const { Key } = AppTable;

const ada: EntityInput<typeof User> = { userId: 'u1', orgId: 'acme', email: 'ada@example.com', name: 'Ada', tags: new Set(['vip']) };
const bob: EntityInput<typeof User> = { userId: 'u2', orgId: 'acme', email: 'bob@example.com', name: 'Bob' };
const order = (userId: string, seq: number): EntityInput<typeof Order> => ({
  userId,
  orderId: `o${seq}`,
  seq,
  total: seq * 10,
  placedAt: new Date(Date.UTC(2024, 0, seq)),
  lines: [{ sku: `s${seq}`, qty: seq }],
});
const GHOST = { pk: 'USER#u1', sk: 'GHOST#1', _et: 'Ghost', boo: true };
const NAMELESS = { pk: 'USER#u1', sk: 'ZZZ', note: 'written by another tool' };
const ORG_GHOST = { pk: 'GHOST#9', sk: 'X', gsi1pk: 'ORG#acme', gsi1sk: 'GHOST#9', _et: 'Ghost' };

useTable(AppTable, { clients: [client] });

beforeAll(async () => {
  await Promise.all([User.put(ada), User.put(bob), Order.put(order('u1', 3)), Order.put(order('u1', 1)), Order.put(order('u1', 2)), Order.put(order('u2', 1))]);
  for (const Item of [GHOST, NAMELESS, ORG_GHOST]) await doc.send(new PutCommand({ TableName: AppTable.name, Item }));
});

describe('entity queries in a shared partition', () => {
  it('User and Order each read only their own items of partition USER#u1', async () => {
    const users = await User.query('primary', User.Key('userId').eq('u1')).all();
    expect(users.map((u) => u.name)).toEqual(['Ada']);
    expect(users[0]!.tags).toEqual(new Set(['vip']));
    const orders = await Order.query('primary', Order.Key('userId').eq('u1')).all();
    expect(orders.map((o) => o.seq)).toEqual([1, 2, 3]);
    expect(orders[0]!.placedAt).toEqual(new Date(Date.UTC(2024, 0, 1)));
  });

  it('the entity filter holds with a caller filter, and on a scan', async () => {
    const orders = await Order.query('primary', Order.Key('userId').eq('u1')).filter(Order.Attr('total').gte(20)).all();
    expect(orders.map((o) => o.seq)).toEqual([2, 3]);
    expect((await User.scan().all()).map((u) => u.userId).sort()).toEqual(['u1', 'u2']);
    expect(await Order.scan().count()).toBe(4);
  });
});

describe('table-level queries: a discriminated union of the registered entities', () => {
  const partition = () => AppTable.query(Key('pk').eq('USER#u1'));

  it('every registered entity, parsed by its own schema and tagged; the rest in unknown, as stored', async () => {
    const { items, unknown } = await partition().all();
    // sk order: GHOST#1, ORDER#..1, ORDER#..2, ORDER#..3, PROFILE, ZZZ
    expect(items.map((i) => [i._et, i['orderId'] ?? i['userId']])).toEqual([
      ['Order', 'o1'],
      ['Order', 'o2'],
      ['Order', 'o3'],
      ['User', 'u1'],
    ]);
    expect(items[0]).toEqual({ ...order('u1', 1), _et: 'Order' });
    expect(items[3]).toMatchObject({ ...ada, _et: 'User' });
    expect(items[3]!['createdAt']).toMatch(/^\d{4}-/);
    expect(Object.keys(items[3]!)).not.toContain('gsi1pk');
    expect(unknown).toEqual([GHOST, NAMELESS]);
  });

  it('.entities(User, Order) narrows on _et', async () => {
    const { items } = await partition().entities(User, Order).all();
    const totals: number[] = [];
    const emails: string[] = [];
    for (const item of items) {
      if (item._et === 'Order') totals.push(item.total);
      else emails.push(item.email);
    }
    expect(totals).toEqual([10, 20, 30]);
    expect(emails).toEqual(['ada@example.com']);
  });

  it('.entities(User) sends the other registered entities to unknown too', async () => {
    const { items, unknown } = await partition().entities(User).all();
    expect(items.map((u) => u.email)).toEqual(['ada@example.com']);
    expect(unknown.map((r) => r['_et'])).toEqual(['Ghost', 'Order', 'Order', 'Order', undefined]);
    expect(unknown[1]).toMatchObject({ pk: 'USER#u1', sk: 'ORDER#0000000000000001#o1', total: 10, placedAt: '2024-01-01T00:00:00.000Z' });
  });

  it('a sort-key condition on physical attributes; a filter; reverse', async () => {
    const orders = await AppTable.query(Key('pk').eq('USER#u1').and(Key('sk').beginsWith('ORDER#'))).all();
    expect(orders.items.map((i) => i['orderId'])).toEqual(['o1', 'o2', 'o3']);
    expect(orders.unknown).toEqual([]);
    const between = await AppTable.query(Key('pk').eq('USER#u1').and(Key('sk').between('ORDER#0000000000000002', 'PROFILE'))).all();
    expect(between.items.map((i) => i._et)).toEqual(['Order', 'Order', 'User']);
    const filtered = await partition().filter(AppTable.Attr('_et').eq('Ghost')).all();
    expect(filtered).toEqual({ items: [], unknown: [GHOST] });
    const reversed = await partition().reverse().all();
    expect(reversed.items.map((i) => i._et)).toEqual(['User', 'Order', 'Order', 'Order']);
    expect(reversed.unknown).toEqual([NAMELESS, GHOST]);
  });

  it('a global index: users of an org, and the ghost in unknown', async () => {
    const { items, unknown } = await AppTable.query('gsi1', Key('gsi1pk').eq('ORG#acme')).entities(User).all();
    expect(items.map((u) => u.name)).toEqual(['Ada', 'Bob']);
    expect(unknown).toEqual([ORG_GHOST]);
  });

  it('pages, cursors and limit (limit counts unknown items too)', async () => {
    const pages: TablePage<unknown>[] = [];
    for await (const p of partition().pageSize(2).pages()) pages.push(p);
    expect(pages.map((p) => p.items.length + p.unknown.length)).toEqual([2, 2, 2, 0]);
    expect(pages.slice(0, -1).every((p) => typeof p.cursor === 'string')).toBe(true);
    const first = await partition().limit(3);
    expect(first.unknown).toEqual([GHOST]);
    expect(first.items.map((i) => i['orderId'])).toEqual(['o1', 'o2']);
    const rest = await partition().startAfter(first.cursor).all();
    expect(rest.items.map((i) => i._et)).toEqual(['Order', 'User']);
    expect(rest.unknown).toEqual([NAMELESS]);
    // a cursor of an entity query on the same index resumes a table-level query
    const c = (await Order.query('primary', Order.Key('userId').eq('u1')).limit(2)).cursor;
    expect((await partition().startAfter(c).all()).items.map((i) => i['orderId'] ?? i._et)).toEqual(['o3', 'User']);
  });

  it('for await walks parsed items only', async () => {
    const ets: string[] = [];
    for await (const item of partition()) ets.push(item._et);
    expect(ets).toEqual(['Order', 'Order', 'Order', 'User']);
  });

  it('project(): physical attributes, keys and _et always read', async () => {
    const { items, unknown } = await partition().project('total', 'email').all();
    expect(items).toEqual([
      { total: 10, _et: 'Order' },
      { total: 20, _et: 'Order' },
      { total: 30, _et: 'Order' },
      { email: 'ada@example.com', _et: 'User' },
    ]);
    expect(unknown).toEqual([
      { pk: 'USER#u1', sk: 'GHOST#1', _et: 'Ghost' },
      { pk: 'USER#u1', sk: 'ZZZ' },
    ]);
  });

  it('an item that claims a registered entity but does not match its schema is an ItemParseError', async () => {
    await doc.send(new PutCommand({ TableName: AppTable.name, Item: { pk: 'USER#broken', sk: 'PROFILE', _et: 'User', userId: 'broken' } }));
    await expect(AppTable.query(Key('pk').eq('USER#broken')).all()).rejects.toBeInstanceOf(ItemParseError);
    // narrowed to other entities, it is just unknown
    expect((await AppTable.query(Key('pk').eq('USER#broken')).entities(Order).all()).unknown).toHaveLength(1);
    await doc.send(new DeleteCommand({ TableName: AppTable.name, Key: { pk: 'USER#broken', sk: 'PROFILE' } }));
  });
});

describe('table-level scan', () => {
  it('every item of the table: registered entities parsed, the rest unknown', async () => {
    const { items, unknown } = await AppTable.scan().all();
    const byEt = (et: string) => items.filter((i) => i._et === et).length;
    expect(byEt('User')).toBe(2);
    expect(byEt('Order')).toBe(4);
    expect(unknown).toEqual(expect.arrayContaining([GHOST, NAMELESS, ORG_GHOST]));
    const orders = await AppTable.scan().entities(Order).filter(AppTable.Attr('_et').eq('Order')).all();
    expect(orders.items.map((o) => `${o.userId}/${o.orderId}`).sort()).toEqual(['u1/o1', 'u1/o2', 'u1/o3', 'u2/o1']);
    expect(orders.items.every((o) => o.placedAt instanceof Date)).toBe(true);
    expect(orders.unknown).toEqual([]);
  });

  it('a scan of gsi1 reads the items that have gsi1 keys', async () => {
    const { items, unknown } = await AppTable.scan('gsi1').all();
    expect(items.map((i) => i._et).sort()).toEqual(['User', 'User']);
    expect(unknown).toEqual([ORG_GHOST]);
  });
});

describe('table-level bad input, before any request', () => {
  function rejects(make: () => unknown, E: new (...args: never[]) => Error, message: RegExp): void {
    const before = requests.sent;
    expect(make).toThrow(E);
    expect(make).toThrow(message);
    expect(requests.sent).toBe(before);
  }

  it('key conditions that are not a key of that index', () => {
    // @ts-expect-error -- pk is the partition key of the primary index (refused at compile time; the run-time check stays for JavaScript callers)
    rejects(() => AppTable.query(Key('sk').eq('PROFILE')), ExpressionError, /needs pk\.eq/);
    // @ts-expect-error -- pk is not a key attribute of gsi1 (refused at compile time; the run-time check stays for JavaScript callers)
    rejects(() => AppTable.query('gsi1', Key('pk').eq('USER#u1')), ExpressionError, /a key condition on gsi1 takes gsi1pk/);
    // @ts-expect-error -- an Attr condition is not a key condition (refused at compile time; the run-time check stays for JavaScript callers)
    rejects(() => AppTable.query(Key('pk').eq('a').and(AppTable.Attr('total').gt(1))), ExpressionError, /takes pk\.eq\(\.\.\.\)/);
    // @ts-expect-error -- key conditions have no OR (refused at compile time; the run-time check stays for JavaScript callers)
    rejects(() => AppTable.query(Key('pk').eq('a').or(Key('sk').eq('b'))), ExpressionError, /joined with and\(\)/);
    rejects(() => AppTable.Key('total' as 'pk'), ExpressionError, /not a key attribute/);
  });

  it('an unknown index, consistent() on a GSI, a foreign cursor', async () => {
    rejects(() => AppTable.query('nope' as 'gsi1', Key('gsi1pk').eq('x')), ExpressionError, /has no index "nope"/);
    rejects(() => AppTable.scan('nope' as 'gsi1'), ExpressionError, /has no index "nope"/);
    rejects(() => AppTable.scan('gsi1').consistent(), ExpressionError, /global secondary index gsi1/);
    const gsiCursor = (await AppTable.query('gsi1', Key('gsi1pk').eq('ORG#acme')).limit(1)).cursor!;
    rejects(() => AppTable.query(Key('pk').eq('USER#u1')).startAfter(gsiCursor), InvalidCursorError, /issued for table .*, index gsi1/);
    rejects(() => AppTable.scan().startAfter('bm90IGEgY3Vyc29y'), InvalidCursorError, /malformed or truncated/);
  });

  // Bug: a cursor of another partition was only refused by DynamoDB (ValidationException, after a
  // request). Proposed fix in the report.
  it('bug: a cursor from another partition of the same index', async () => {
    const u1 = (await AppTable.query(Key('pk').eq('USER#u1')).limit(1)).cursor!;
    rejects(() => AppTable.query(Key('pk').eq('USER#u2')).startAfter(u1), InvalidCursorError, /partition/);
    rejects(() => Order.query('primary', Order.Key('userId').eq('u2')).startAfter(u1), InvalidCursorError, /partition/);
    // a scan reads every partition: the same cursor resumes it
    expect(() => AppTable.scan().startAfter(u1)).not.toThrow();
  });
});
