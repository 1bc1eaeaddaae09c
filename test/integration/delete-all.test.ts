/**
 * `deleteAll()` on entity queries and scans, against DynamoDB Local: it deletes exactly the items
 * the read returns (the entity's, through its filter, limit and index), page by page through the
 * batch writer; under partial batches and throttling (injected with SDK middleware) it still deletes
 * everything, and when retries run out its `BatchWriteError` lists the deletes not done by entity
 * and key composites, which `Entity.delete(key)` can redo.
 */
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { BatchWriteError, defineEntity, type DeleteAllResult, type UnprocessedWrite } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { testClient, testDocClient, testEndpoint, uniqueTableName } from '../support/client.js';
import { injectFaults } from '../support/faults.js';
import { failure } from '../support/failure.js';
import { useTable } from '../support/tables.js';
import { hydrateHarness } from '../fixtures/hydrate-harness.js';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';

const tableName = uniqueTableName('delete-all');
const cleanClient = testClient();
const raw = testDocClient(cleanClient);
const { AppTable, User, Order } = appModel(cleanClient, tableName);
/** The same table through a client whose batch calls misbehave; the SDK does not retry them itself. */
const faultyClient = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 1 });
const faulty = appModel(faultyClient, tableName);
const fast = { baseDelayMs: 1, maxDelayMs: 10 } as const;

useTable(AppTable, { clients: [cleanClient, faultyClient] });

const PLACED_AT = new Date('2024-05-06T07:08:09.000Z');
const order = (userId: string, seq: number, total = seq) => ({ orderId: `o${seq}`, userId, seq, total, placedAt: PLACED_AT, lines: [{ sku: 'A', qty: 1 }] });
const user = (userId: string, orgId: string) => ({ userId, orgId, email: `${userId}@example.com`, name: `N${userId}` });

/** Every stored item's key, as `pk|sk`, read with a raw scan. */
async function storedKeys(): Promise<string[]> {
  const out: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await raw.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }));
    for (const i of page.Items ?? []) out.push(`${String(i['pk'])}|${String(i['sk'])}`);
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return out.sort();
}

async function clearTable(): Promise<void> {
  const keys = await storedKeys();
  await AppTable.batchWrite(keys.map((k) => AppTable.delete({ pk: k.split('|')[0]!, sk: k.split('|')[1]! })));
}

describe('deleteAll() on entity reads', () => {
  it("deletes every item of a query across pages, and nothing of another entity in the same partition", async () => {
    await clearTable();
    await AppTable.batchWrite([
      User.put(user('u1', 'acme')),
      User.put(user('u2', 'acme')),
      ...Array.from({ length: 60 }, (_, i) => Order.put(order('u1', i))),
      ...Array.from({ length: 5 }, (_, i) => Order.put(order('u2', i))),
    ]);
    // pageSize(7): the read takes 9 pages, so deletes of one page go out while the next is read.
    const result = await Order.query('primary', Order.Key('userId').eq('u1')).pageSize(7).deleteAll();
    expectTypeOf(result).toEqualTypeOf<DeleteAllResult>();
    expect(result.deleted).toBe(60);
    expect(result.retried).toBe(0);
    const left = await storedKeys();
    expect(left.filter((k) => k.startsWith('USER#u1|ORDER#'))).toEqual([]);
    // u1's own profile shares the partition (pk USER#u1) and stays; u2's orders stay.
    expect(left).toContain('USER#u1|PROFILE');
    expect(left.filter((k) => k.startsWith('USER#u2|ORDER#'))).toHaveLength(5);
  });

  it('deletes only what the filter and the sort-key condition let through', async () => {
    await clearTable();
    await AppTable.batchWrite(Array.from({ length: 30 }, (_, i) => Order.put(order('u1', i, i * 10))));
    const { deleted } = await Order.query('primary', Order.Key('userId').eq('u1'))
      .filter(Order.Attr('total').gte(150))
      .deleteAll();
    expect(deleted).toBe(15);
    const left = await Order.query('primary', Order.Key('userId').eq('u1')).all();
    expect(left.map((o) => o.total).sort((a, b) => a - b)).toEqual(Array.from({ length: 15 }, (_, i) => i * 10));
  });

  it('deletes by the table keys a global index read returns', async () => {
    await clearTable();
    await AppTable.batchWrite([...['a1', 'a2', 'a3'].map((id) => User.put(user(id, 'acme'))), User.put(user('b1', 'beta'))]);
    const { deleted } = await User.query('gsi1', User.Key('orgId').eq('acme')).deleteAll();
    expect(deleted).toBe(3);
    expect(await storedKeys()).toEqual(['USER#b1|PROFILE']);
  });

  it('a segmented scan deletes every item of the entity and none of the others', async () => {
    await clearTable();
    await AppTable.batchWrite([
      ...Array.from({ length: 40 }, (_, i) => User.put(user(`s${i}`, 'acme'))),
      ...Array.from({ length: 10 }, (_, i) => Order.put(order('s0', i))),
    ]);
    const { deleted } = await User.scan().segments(3).pageSize(9).deleteAll({ concurrency: 2 });
    expect(deleted).toBe(40);
    const left = await storedKeys();
    expect(left).toHaveLength(10);
    expect(left.every((k) => k.startsWith('USER#s0|ORDER#'))).toBe(true);
  });

  it('limit() bounds how many items are deleted', async () => {
    await clearTable();
    await AppTable.batchWrite(Array.from({ length: 12 }, (_, i) => Order.put(order('u1', i))));
    const { deleted } = await Order.query('primary', Order.Key('userId').eq('u1')).limit(5).deleteAll();
    expect(deleted).toBe(5);
    // The first five in key order went (the key pads seq to 16 digits: numeric order).
    const left = await Order.query('primary', Order.Key('userId').eq('u1')).all();
    expect(left.map((o) => o.seq)).toEqual([5, 6, 7, 8, 9, 10, 11]);
  });

  it('an aborted deleteAll sends nothing more once its signal aborts', async () => {
    await clearTable();
    await AppTable.batchWrite(Array.from({ length: 10 }, (_, i) => Order.put(order('u1', i))));
    const abortSignal = AbortSignal.abort(new Error('stop'));
    await expect(Order.query('primary', Order.Key('userId').eq('u1')).deleteAll({ abortSignal })).rejects.toThrow('stop');
    expect(await Order.query('primary', Order.Key('userId').eq('u1')).all()).toHaveLength(10);
  });
});

describe('deleteAll() on table-level reads', () => {
  async function tenantData(): Promise<void> {
    await clearTable();
    await AppTable.batchWrite([
      User.put(user('t1', 'acme')),
      User.put(user('t2', 'acme')),
      ...Array.from({ length: 12 }, (_, i) => Order.put(order('t1', i))),
      ...Array.from({ length: 3 }, (_, i) => Order.put(order('t2', i))),
    ]);
    // An item no registered entity owns (another program's), in t1's partition.
    await raw.send(new PutCommand({ TableName: tableName, Item: { pk: 'USER#t1', sk: 'LEGACY#1', note: 'old' } }));
  }

  it("deletes a whole collection: every entity's items and the items of none, and nothing outside it", async () => {
    await tenantData();
    const { deleted } = await AppTable.query(AppTable.Key('pk').eq('USER#t1')).pageSize(5).deleteAll();
    expect(deleted).toBe(14);
    const left = await storedKeys();
    expect(left.filter((k) => k.startsWith('USER#t1|'))).toEqual([]);
    expect(left).toHaveLength(4);
  });

  it('with entities(), only those entities\' items', async () => {
    await tenantData();
    const { deleted } = await AppTable.query(AppTable.Key('pk').eq('USER#t1')).entities(Order).deleteAll();
    expect(deleted).toBe(12);
    expect((await storedKeys()).filter((k) => k.startsWith('USER#t1|'))).toEqual(['USER#t1|LEGACY#1', 'USER#t1|PROFILE']);
  });
});

describe('deleteAll() under faults', () => {
  it('partial batches and throttling: every item is deleted, the resends counted', async () => {
    await clearTable();
    await AppTable.batchWrite(Array.from({ length: 120 }, (_, i) => Order.put(order('f1', i))));
    const faults = injectFaults(faultyClient, { seed: 7, partial: 0.5, throttle: 0.2 });
    try {
      const result = await faulty.Order.query('primary', faulty.Order.Key('userId').eq('f1')).pageSize(50).deleteAll({ ...fast, maxAttempts: 30 });
      expect(result.deleted).toBe(120);
      expect(result.retried).toBeGreaterThan(0);
      expect(faults.faults).toBeGreaterThan(0);
    } finally {
      faults.remove();
    }
    expect(await storedKeys()).toEqual([]);
  });

  it('when retries run out, BatchWriteError lists the deletes not done by entity and key composites, and Entity.delete redoes them', async () => {
    await clearTable();
    await AppTable.batchWrite(Array.from({ length: 30 }, (_, i) => Order.put(order('f2', i))));
    // Orders with seq 3 and 17 are never processed.
    const sk = (seq: number) => `ORDER#${String(seq).padStart(16, '0')}#o${seq}`;
    const stuckKeys = new Set([sk(3), sk(17)]);
    const faults = injectFaults(faultyClient, { seed: 3, stuck: (e) => stuckKeys.has(String((e.item['sk'] as { S?: string }).S)) });
    const e = await failure(faulty.Order.query('primary', faulty.Order.Key('userId').eq('f2')).deleteAll({ ...fast, maxAttempts: 3 }), BatchWriteError).finally(() => faults.remove());
    const expected: UnprocessedWrite[] = [3, 17].map((seq) => ({ type: 'delete', entity: 'Order', table: tableName, key: { userId: 'f2', seq, orderId: `o${seq}` } }));
    const seqOf = (w: UnprocessedWrite): number => (w.type === 'delete' ? Number(w.key['seq']) : NaN);
    expect([...e.unprocessed].sort((a, b) => seqOf(a) - seqOf(b))).toEqual(expected);
    expect(e.written).toBe(28);
    expect(await storedKeys()).toEqual([`USER#f2|${sk(3)}`, `USER#f2|${sk(17)}`]);
    for (const w of e.unprocessed) if (w.type === 'delete') await Order.delete(w.key as { userId: string; seq: number; orderId: string });
    expect(await storedKeys()).toEqual([]);
  });
});

describe('deleteAll() through a KEYS_ONLY index (hydrate)', () => {
  const h = hydrateHarness('delete-all-hydrate');
  beforeAll(async () => {
    await h.cleanClient.send(new CreateTableCommand(h.Table.createTableInput()));
  });

  it("reads the index keys, checks each item's entity on the item itself, and deletes only the queried entity's", async () => {
    const seq = (i: number) => `s${String(i).padStart(2, '0')}`;
    for (let i = 0; i < 20; i++) {
      if (i % 2 === 0) await h.Task.put({ taskId: `t${i}`, team: 'a', seq: seq(i), title: `Task ${i}`, status: 'open', notes: 'n' });
      else await h.Note.put({ noteId: `n${i}`, team: 'a', seq: seq(i), text: `Note ${i}`, status: 'open' });
    }
    // The index holds no discriminator: without hydrate() the read cannot tell Tasks from Notes.
    await expect(h.Task.query('byTeam', h.Task.Key('team').eq('a')).deleteAll()).rejects.toThrow(/byTeam/);
    h.counter.reset();
    const { deleted } = await h.Task.query('byTeam', h.Task.Key('team').eq('a')).hydrate().pageSize(6).deleteAll();
    expect(deleted).toBe(10);
    expect(new Set(h.commands())).toEqual(new Set(['Query', 'BatchGetItem', 'BatchWriteItem']));
    expect(await h.Task.query('byTeam', h.Task.Key('team').eq('a')).hydrate().all()).toEqual([]);
    expect((await h.Note.query('byTeam', h.Note.Key('team').eq('a')).hydrate().all()).map((n) => n.noteId)).toHaveLength(10);
  });

  it('a table-level read of the index with entities() needs hydrate() to tell the entities apart', async () => {
    const byTeam = () => h.Table.query('byTeam', h.Table.Key('tpk').eq('TEAM#a')).entities(h.Note);
    await expect(byTeam().deleteAll()).rejects.toThrow(/which index byTeam does not hold: add hydrate\(\)/);
    const { deleted } = await byTeam().hydrate().deleteAll();
    expect(deleted).toBe(10);
    expect((await h.Table.query('byTeam', h.Table.Key('tpk').eq('TEAM#a')).hydrate().all()).items).toEqual([]);
  });
});

describe('deleteAll() and items past their TTL (reads hide them until DynamoDB deletes them)', () => {
  const ttlTable = uniqueTableName('delete-all-ttl');
  const ttlModel = appModel(cleanClient, ttlTable);
  const Session = defineEntity({
    table: ttlModel.AppTable,
    name: 'Session',
    schema: z.object({ userId: z.string(), sessionId: z.string(), expiresAt: z.date() }),
    keys: { primary: { pk: 'USER#{userId}', sk: 'SESSION#{sessionId}' } },
    ttl: 'expiresAt',
  });
  useTable(ttlModel.AppTable, { clients: [cleanClient] });
  const hour = 3_600_000;

  async function seed(userId: string): Promise<void> {
    await ttlModel.AppTable.batchWrite([
      ...[0, 1, 2].map((i) => Session.put({ userId, sessionId: `live${i}`, expiresAt: new Date(Date.now() + hour) })),
      ...[0, 1].map((i) => Session.put({ userId, sessionId: `old${i}`, expiresAt: new Date(Date.now() - hour) })),
    ]);
  }
  const storedSessions = async (userId: string): Promise<string[]> =>
    (await Session.query('primary', Session.Key('userId').eq(userId)).includeExpired().all()).map((s) => s.sessionId).sort();

  it("an entity's read leaves the expired items (it does not return them); includeExpired() deletes them too", async () => {
    await seed('t1');
    expect(await Session.query('primary', Session.Key('userId').eq('t1')).deleteAll()).toEqual({ deleted: 3, retried: 0 });
    expect(await storedSessions('t1')).toEqual(['old0', 'old1']);
    expect(await Session.query('primary', Session.Key('userId').eq('t1')).includeExpired().deleteAll()).toEqual({ deleted: 2, retried: 0 });
    expect(await storedSessions('t1')).toEqual([]);
  });

  it('a table-level read of the collection deletes every item under the key, expired or not', async () => {
    await seed('t2');
    const { deleted } = await ttlModel.AppTable.query(ttlModel.AppTable.Key('pk').eq('USER#t2')).deleteAll();
    expect(deleted).toBe(5);
    expect(await storedSessions('t2')).toEqual([]);
  });
});
