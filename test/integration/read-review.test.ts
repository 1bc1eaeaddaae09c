/**
 * Review of the read path against DynamoDB Local: where `limit` ends exactly where the results
 * end, cursors from another query, and options that do not apply to a read.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ExpressionError, InvalidCursorError, defineTable } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();

/** Every request the client sends: its input. */
function recordRequests(c: DynamoDBClient): Record<string, unknown>[] {
  const log: Record<string, unknown>[] = [];
  c.middlewareStack.add(
    (next) => async (args) => {
      log.push(args.input as Record<string, unknown>);
      return next(args);
    },
    { step: 'initialize', name: 'recordRequests' },
  );
  return log;
}
const requests = recordRequests(client);

const { AppTable, User, Order } = appModel(client, uniqueTableName('rreview'));
const order = (seq: number) => ({ userId: 'u1', orderId: `o${seq}`, seq, total: seq, placedAt: new Date(Date.UTC(2024, 0, seq)), lines: [] });
const orders = () => Order.query('primary', Order.Key('userId').eq('u1'));

useTable(AppTable, { clients: [client] });

beforeAll(async () => {
  for (const seq of [1, 2, 3, 4]) await Order.put(order(seq));
  await User.put({ userId: 'u1', orgId: 'acme', email: 'ada@example.com', name: 'Ada' });
  await User.put({ userId: 'u2', orgId: 'acme', email: 'bob@example.com', name: 'Bob' });
});

describe('limit that ends exactly where the results end', () => {
  it('returns no cursor, so no request is made for an empty page', async () => {
    const before = requests.length;
    const page = await orders().limit(4);
    expect(page.items.map((o) => o.seq)).toEqual([1, 2, 3, 4]);
    expect(page.cursor).toBeUndefined();
    expect(requests.length - before).toBe(1);
    // one more item exists: a cursor, and it leads to exactly that item
    const three = await orders().limit(3);
    expect(three.cursor).toBeTypeOf('string');
    expect((await orders().startAfter(three.cursor).all()).map((o) => o.seq)).toEqual([4]);
  });

  it('the same for pages(), table-level reads and reverse()', async () => {
    const pages = [];
    for await (const p of orders().limit(4).pages()) pages.push(p);
    expect(pages.map((p) => [p.items.length, p.cursor])).toEqual([[4, undefined]]);
    const table = await AppTable.query(AppTable.Key('pk').eq('USER#u1')).limit(5);
    expect(table.items).toHaveLength(5);
    expect(table.cursor).toBeUndefined();
    const reversed = await orders().reverse().limit(4);
    expect(reversed.items.map((o) => o.seq)).toEqual([4, 3, 2, 1]);
    expect(reversed.cursor).toBeUndefined();
  });
});

describe('a cursor outside the key condition of the query it resumes', () => {
  // DynamoDB rejects an ExclusiveStartKey that does not match the sort-key condition ("The provided
  // starting key does not match the range key predicate"): a cursor of another query of the same
  // partition was sent, and came back as a raw ValidationException.
  it('entity queries: refused with InvalidCursorError before any request', async () => {
    const two = await orders().limit(2); // its cursor points at ORDER#2
    const before = requests.length;
    const fromSeq3 = () => Order.query('primary', Order.Key('userId').eq('u1').and(Order.Key('seq').gte(3)));
    expect(() => fromSeq3().startAfter(two.cursor)).toThrow(InvalidCursorError);
    expect(() => fromSeq3().startAfter(two.cursor)).toThrow(/outside this query's key condition/);
    // the profile's cursor (sk PROFILE) is outside every Order query (begins_with ORDER#)
    const profile = await AppTable.query(AppTable.Key('pk').eq('USER#u1')).reverse().limit(1);
    expect(profile.cursor).toBeTypeOf('string');
    expect(() => orders().startAfter(profile.cursor)).toThrow(InvalidCursorError);
    expect(requests.length - before).toBe(1); // the profile query only
    // inside the range it resumes as before; in the other direction it is refused (it would return the page again)
    expect((await Order.query('primary', Order.Key('userId').eq('u1').and(Order.Key('seq').lte(3))).startAfter(two.cursor).all()).map((o) => o.seq)).toEqual([3]);
    await expect(orders().reverse().startAfter(two.cursor).all()).rejects.toThrow(/issued for a read in ascending order/);
  });

  it('local index queries: checked on the index sort key, and resume inside it', async () => {
    const u1 = Order.Key('userId').eq('u1');
    const two = await Order.query('lsi1', u1).limit(2); // placedAt Jan 1, Jan 2
    expect((await Order.query('lsi1', u1).startAfter(two.cursor).all()).map((o) => o.seq)).toEqual([3, 4]);
    const later = () => Order.query('lsi1', u1.and(Order.Key('placedAt').gte(new Date(Date.UTC(2024, 0, 3)))));
    expect(() => later().startAfter(two.cursor)).toThrow(/lsi1sk = "PLACED#2024-01-02T00:00:00.000Z", outside this query's key condition/);
  });

  it('table-level queries: the same, on the physical sort key', async () => {
    const pk = AppTable.Key('pk').eq('USER#u1');
    const first = await AppTable.query(pk).limit(1); // sk ORDER#...1#o1
    const profiles = () => AppTable.query(pk.and(AppTable.Key('sk').beginsWith('PROFILE')));
    expect(() => profiles().startAfter(first.cursor)).toThrow(InvalidCursorError);
    expect(() => AppTable.query(pk.and(AppTable.Key('sk').gt('P'))).startAfter(first.cursor)).toThrow(/sk/);
    expect(() => AppTable.query(pk.and(AppTable.Key('sk').between('A', 'B'))).startAfter(first.cursor)).toThrow(InvalidCursorError);
    const rest = await AppTable.query(pk.and(AppTable.Key('sk').lt('P'))).startAfter(first.cursor).all();
    expect(rest.items.map((i) => i['seq'])).toEqual([2, 3, 4]);
  });
});

describe('options that do not apply to a read', () => {
  it('reverse() on a table-level scan is refused (a scan has no order to reverse), not silently ignored', async () => {
    // an entity scan has no reverse() at all; the table-level builder serves queries and scans
    expect(() => AppTable.scan().reverse()).toThrow(ExpressionError);
    expect(() => AppTable.scan('gsi1').reverse()).toThrow(/reverse\(\) applies to queries only/);
    expect(() => AppTable.scan().reverse(false)).not.toThrow();
    expect(AppTable.query(AppTable.Key('pk').eq('USER#u1')).reverse().build()).toHaveProperty('ScanIndexForward', false);
  });
});

describe('project() with no attribute', () => {
  it('is refused before sending (it read whole items and returned empty objects, or only the discriminator)', async () => {
    // The types refuse it too (test/types/review-types-59.test-d.ts): this is what an untyped caller meets.
    const none = [] as unknown as ['seq'];
    expect(() => orders().project(...none)).toThrow(ExpressionError);
    expect(() => orders().project(...none)).toThrow(/project\(\) needs at least one attribute/);
    expect(() => Order.scan().project(...none)).toThrow(ExpressionError);
    expect(() => AppTable.query(AppTable.Key('pk').eq('USER#u1')).project(...none)).toThrow(ExpressionError);
    expect(() => AppTable.scan().project(...none)).toThrow(ExpressionError);
    expect((await orders().project('seq').limit(1)).items).toEqual([{ seq: 1 }]);
  });
});

describe('limit and pageSize beyond a 32-bit integer (DynamoDB Limit is one)', () => {
  // DynamoDB Local answers a Limit above 2^31 - 1 with a 500 InternalFailure, which the SDK retries.
  it('a large limit() reads everything: the request Limit stays within 2^31 - 1', async () => {
    for (const n of [2 ** 31 - 2, 2 ** 31 - 1, 2 ** 31, Number.MAX_SAFE_INTEGER]) {
      const before = requests.length;
      expect((await orders().limit(n)).items).toHaveLength(4);
      expect(requests.slice(before).map((r) => r['Limit'])).toEqual([2 ** 31 - 1]);
    }
    expect((await AppTable.query(AppTable.Key('pk').eq('USER#u1')).limit(Number.MAX_SAFE_INTEGER)).items).toHaveLength(5);
    expect(orders().limit(Number.MAX_SAFE_INTEGER).build().Limit).toBe(2 ** 31 - 1);
  });

  it('pageSize() above 2^31 - 1 is refused before sending', async () => {
    expect(() => orders().pageSize(2 ** 31)).toThrow(ExpressionError);
    expect(() => orders().pageSize(2 ** 31)).toThrow(/pageSize must be at most 2147483647/);
    expect(() => AppTable.scan().pageSize(2 ** 31)).toThrow(ExpressionError);
    expect((await orders().pageSize(2 ** 31 - 1)).items).toHaveLength(4);
  });
});

describe('entities() of another table', () => {
  it('is refused: its items can never be in this table, and one of the same name would be parsed by this table\'s entity', () => {
    const other = appModel(client, uniqueTableName('rreview-other'));
    expect(() => AppTable.query(AppTable.Key('pk').eq('USER#u1')).entities(other.User)).toThrow(ExpressionError);
    expect(() => AppTable.scan().entities(User, other.Order)).toThrow(/Order is defined on table rreview-other/);
    expect(() => AppTable.scan().entities(User, Order)).not.toThrow();
  });
});

describe('table-level project() of a nested path', () => {
  it('is refused before sending: it named a top-level attribute called "address.city", so every item came back without it', async () => {
    const q = () => AppTable.query(AppTable.Key('pk').eq('USER#u1'));
    expect(() => q().project('address.city')).toThrow(ExpressionError);
    expect(() => q().project('name', 'items[0]')).toThrow(/project\(\) names top-level attributes; "items\[0\]" is a path/);
    // a top-level map is read whole
    await User.put({ userId: 'u9', orgId: 'acme', email: 'c@example.com', name: 'Cy', address: { city: 'Paris' } });
    const { items } = await AppTable.query(AppTable.Key('pk').eq('USER#u9')).entities(User).project('address').all();
    expect(items).toEqual([{ _et: 'User', address: { city: 'Paris' } }]);
  });
});

describe('table-level beginsWith on a binary sort key', () => {
  // DynamoDB's begins_with in a key condition takes S and B sort keys (only N is excluded); it was
  // refused for B with "beginsWith needs a string sort key".
  const Bin = defineTable({ name: uniqueTableName('rreview-bin'), client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'B' } });
  const doc = testDocClient(client);

  useTable(Bin);
  beforeAll(async () => {
    for (const sk of [[1, 2], [1, 3], [2, 1]]) await doc.send(new PutCommand({ TableName: Bin.name, Item: { pk: 'a', sk: new Uint8Array(sk) } }));
  });

  // Key('sk') on a B key takes binary values: the prefix needs no cast.
  const bytes = (...b: number[]) => new Uint8Array(b);

  it('reads the keys that start with the bytes; cursors are checked against the prefix', async () => {
    const q = () => Bin.query(Bin.Key('pk').eq('a').and(Bin.Key('sk').beginsWith(bytes(1))));
    const { unknown } = await q().all();
    expect(unknown.map((r) => [...(r['sk'] as Uint8Array)])).toEqual([[1, 2], [1, 3]]);
    const first = await q().limit(1);
    expect((await q().startAfter(first.cursor).all()).unknown.map((r) => [...(r['sk'] as Uint8Array)])).toEqual([[1, 3]]);
    expect(() => Bin.query(Bin.Key('pk').eq('a').and(Bin.Key('sk').beginsWith(bytes(2)))).startAfter(first.cursor)).toThrow(InvalidCursorError);
    expect(() => Bin.query(Bin.Key('pk').eq('a').and(Bin.Key('sk').beginsWith(bytes())))).toThrow(/cannot be empty/);
  });
});
