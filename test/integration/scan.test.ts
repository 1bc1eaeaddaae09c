/**
 * Entity scans against DynamoDB Local: only the entity's items, filter / project / limit / count,
 * cursors on plain scans, and parallel scans with 1..8 segments that cover every item exactly once
 * (also with small pages, a limit, bounded concurrency and early exit).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ExpressionError, InvalidCursorError, type EntityInput, type Page } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);

/** Every request (command and input), and the most requests that were in flight at once. */
function recordRequests(c: DynamoDBClient) {
  const state = { log: [] as { command: string; input: Record<string, unknown> }[], inFlight: 0, maxInFlight: 0 };
  c.middlewareStack.add(
    (next, context) => async (args) => {
      state.log.push({ command: String(context.commandName), input: args.input as Record<string, unknown> });
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      try {
        return await next(args);
      } finally {
        state.inFlight--;
      }
    },
    { step: 'initialize', name: 'recordRequests' },
  );
  return state;
}
const requests = recordRequests(client);

const { AppTable, User, Order } = appModel(client, uniqueTableName('scan'));
const { Attr } = User;

const USERS: EntityInput<typeof User>[] = Array.from({ length: 200 }, (_, i) => ({
  userId: `u${String(i).padStart(3, '0')}`,
  orgId: `org${i % 7}`,
  email: `u${i}@example.com`,
  name: `User ${i}`,
  age: (i * 37) % 90,
}));
const ORDERS: EntityInput<typeof Order>[] = Array.from({ length: 60 }, (_, i) => ({
  userId: `u${String(i % 20).padStart(3, '0')}`,
  orderId: `o${i}`,
  seq: i,
  total: i,
  placedAt: new Date(Date.UTC(2024, 0, 1, i)),
  lines: [],
}));
const ALL_IDS = USERS.map((u) => u.userId).sort();

/** Sorted ids, after checking there is no duplicate. */
function ids(items: readonly { userId: string }[]): string[] {
  const out = items.map((u) => u.userId).sort();
  expect(new Set(out).size, 'duplicates').toBe(out.length);
  return out;
}

useTable(AppTable, { clients: [client] });

beforeAll(async () => {
  for (let i = 0; i < USERS.length; i += 50) await Promise.all(USERS.slice(i, i + 50).map((u) => User.put(u)));
  await Promise.all(ORDERS.map((o) => Order.put(o)));
  // items of no entity, and of an unknown one
  await doc.send(new PutCommand({ TableName: AppTable.name, Item: { pk: 'RAW#1', sk: 'RAW', note: 'no _et' } }));
  await doc.send(new PutCommand({ TableName: AppTable.name, Item: { pk: 'RAW#2', sk: 'RAW', _et: 'Ghost', userId: 'g' } }));
}, 60_000);

describe('plain scan', () => {
  it('returns only the entity items, parsed', async () => {
    const users = await User.scan().all();
    expect(ids(users)).toEqual(ALL_IDS);
    expect(users.find((u) => u.userId === 'u007')).toMatchObject({ orgId: 'org0', name: 'User 7', age: 79 });
    const orders = await Order.scan().all();
    expect(orders.map((o) => o.orderId).sort()).toEqual(ORDERS.map((o) => o.orderId).sort());
    expect(orders.every((o) => o.placedAt instanceof Date)).toBe(true);
  });

  it('filter, with the entity filter kept', async () => {
    const old = await User.scan().filter(Attr('age').gte(60)).filter(Attr('orgId').ne('org3')).all();
    expect(ids(old)).toEqual(USERS.filter((u) => u.age! >= 60 && u.orgId !== 'org3').map((u) => u.userId).sort());
    const f = requests.log.at(-1)!.input;
    expect(Object.values(f['ExpressionAttributeNames'] as object)).toEqual(expect.arrayContaining(['_et', 'age', 'orgId']));
  });

  it('project', async () => {
    const items = await User.scan().project('userId', 'age').all();
    expect(items).toHaveLength(USERS.length);
    for (const item of items) expect(Object.keys(item).sort()).toEqual(['age', 'userId']);
  });

  it('limit counts items returned (after the filter), across pages', async () => {
    const before = requests.log.length;
    const page = await User.scan().filter(Attr('age').lt(10)).limit(8);
    expect(page.items).toHaveLength(8);
    expect(page.items.every((u) => u.age! < 10)).toBe(true);
    expect(requests.log.length - before).toBeGreaterThan(1); // Limit=8 evaluated items rarely hold 8 matches
    const rest = await User.scan().filter(Attr('age').lt(10)).startAfter(page.cursor).all();
    expect(ids([...page.items, ...rest])).toEqual(USERS.filter((u) => u.age! < 10).map((u) => u.userId).sort());
  });

  it('cursors resume a scan at every page boundary', async () => {
    const pages: Page<{ userId: string }>[] = [];
    for await (const p of User.scan().pageSize(45).pages()) pages.push(p);
    expect(pages.length).toBeGreaterThan(4);
    expect(ids(pages.flatMap((p) => p.items))).toEqual(ALL_IDS);
    let seen: string[] = [];
    for (const p of pages.slice(0, -1)) {
      seen = [...seen, ...p.items.map((u) => u.userId)];
      const rest = await User.scan().startAfter(p.cursor).all();
      expect(ids([...seen.map((userId) => ({ userId })), ...rest])).toEqual(ALL_IDS);
    }
    expect(() => User.scan().startAfter((pages[0]!.cursor as string).slice(0, 10))).toThrow(InvalidCursorError);
  });

  it('count()', async () => {
    expect(await User.scan().count()).toBe(USERS.length);
    expect(await User.scan().filter(Attr('orgId').eq('org2')).count()).toBe(USERS.filter((u) => u.orgId === 'org2').length);
    expect(await Order.scan().count()).toBe(ORDERS.length);
  });

  it('a scan of a global index', async () => {
    expect(ids(await User.scan('gsi1').all())).toEqual(ALL_IDS);
    expect(requests.log.at(-1)!.input['IndexName']).toBe('gsi1');
    // every Order has an lsi1 key (PLACED#{placedAt}); Users have none
    expect(await Order.scan('lsi1').count()).toBe(ORDERS.length);
    expect(await AppTable.scan('lsi1').entities(User).all()).toMatchObject({ items: [] });
  });
});

describe('parallel scan: segments(n)', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('%i segments cover every item exactly once', async (n) => {
    const before = requests.log.length;
    const users = await User.scan().segments(n).all();
    expect(ids(users)).toEqual(ALL_IDS);
    const sent = requests.log.slice(before).map((r) => r.input);
    expect(sent.every((i) => i['TotalSegments'] === n)).toBe(true);
    expect(new Set(sent.map((i) => i['Segment']))).toEqual(new Set(Array.from({ length: n }, (_, i) => i)));
  });

  it.each([1, 3, 8])('%i segments with small pages (several pages per segment) and a filter', async (n) => {
    const before = requests.log.length;
    const users = await User.scan().segments(n).pageSize(9).filter(Attr('age').gt(44)).all();
    expect(ids(users)).toEqual(USERS.filter((u) => u.age! > 44).map((u) => u.userId).sort());
    expect(requests.log.length - before).toBeGreaterThan(n);
    const orders = await Order.scan().segments(n).pageSize(9).all();
    expect(orders.map((o) => o.orderId).sort()).toEqual(ORDERS.map((o) => o.orderId).sort());
  });

  it.each([1, 4, 8])('%i segments with limit(37): 37 distinct items', async (n) => {
    const users = await User.scan().segments(n).pageSize(10).limit(37).all();
    expect(users).toHaveLength(37);
    expect(ids(users).every((id) => ALL_IDS.includes(id))).toBe(true);
    const page = await User.scan().segments(n).limit(5);
    expect(page.items).toHaveLength(5);
    expect(page.cursor).toBeUndefined();
  });

  it('awaiting a segmented scan without limit() is refused before sending (one page of one segment has no cursor to go on)', async () => {
    requests.maxInFlight = 0;
    await expect(User.scan().segments(4).then((p) => p)).rejects.toThrow(/segmented scan has no cursors/);
    expect(requests.maxInFlight).toBe(0);
    expect((await User.scan().segments(4).limit(3)).items).toHaveLength(3);
  });

  it('concurrency bounds the segments in flight', async () => {
    requests.maxInFlight = 0;
    const users = await User.scan().segments(8, { concurrency: 2 }).pageSize(20).all();
    expect(ids(users)).toEqual(ALL_IDS);
    expect(requests.maxInFlight).toBeLessThanOrEqual(2);
    requests.maxInFlight = 0;
    await User.scan().segments(6).pageSize(20).all();
    expect(requests.maxInFlight).toBeGreaterThan(2);
  });

  it('pages and for await over a parallel scan; breaking out stops every segment', async () => {
    let pages = 0;
    const seen: string[] = [];
    for await (const p of User.scan().segments(4).pageSize(25).pages()) {
      pages++;
      expect(p.items.length).toBeLessThanOrEqual(25);
      expect(p.cursor).toBeUndefined();
      seen.push(...p.items.map((u) => u.userId));
    }
    expect(pages).toBeGreaterThanOrEqual(8);
    expect(ids(seen.map((userId) => ({ userId })))).toEqual(ALL_IDS);

    const before = requests.log.length;
    let n = 0;
    for await (const u of User.scan().segments(4).pageSize(10)) {
      expect(ALL_IDS).toContain(u.userId);
      if (++n === 15) break;
    }
    await new Promise((r) => setTimeout(r, 100));
    const sent = requests.log.length - before;
    // at most a few pages per segment were requested, not the 20+ a full scan takes
    expect(sent).toBeLessThanOrEqual(12);
    await new Promise((r) => setTimeout(r, 100));
    expect(requests.log.length - before).toBe(sent);
  });

  it('bad input: segments out of range, cursors on a segmented scan', () => {
    for (const n of [0, -1, 1.5, 1_000_001]) expect(() => User.scan().segments(n)).toThrow(ExpressionError);
    expect(() => User.scan().segments(2, { concurrency: 0 })).toThrow(ExpressionError);
    expect(() => User.scan().segments(2).startAfter('eyJ0IjoxfQ').pages()).toThrow(InvalidCursorError);
  });

  it('a cursor cannot resume a segmented scan', async () => {
    const cursor = (await User.scan().limit(3)).cursor!;
    expect(() => User.scan().startAfter(cursor).segments(2).pages()).toThrow(/cursors cannot resume a segmented scan/);
  });
});
