/**
 * Batch gets against DynamoDB Local: chunks of 100 keys, duplicate keys asked once, results in the
 * order asked (missing -> undefined), UnprocessedKeys resent (injected faults, and DynamoDB's own
 * 16 MB response limit), consistent(), project(), and the table-level form across entities. A fault
 * injector with no faults on the model's client counts the calls and keys.
 */
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { BatchGetError, DynakitError, EntityBatchGet, ItemParseError, type EntityInput, type EntityItem } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { testClient, testDocClient, testEndpoint, uniqueTableName } from '../support/client.js';
import { injectFaults } from '../support/faults.js';
import { useTable } from '../support/tables.js';

const tableName = uniqueTableName('batch-get');
const client = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 1 });
const counter = injectFaults(client);
const rawClient = testClient();
const raw = testDocClient(rawClient);
const { AppTable, User, Order } = appModel(client, tableName);
const fast = { baseDelayMs: 1, maxDelayMs: 10 } as const;

type User = EntityItem<typeof User>;
type Order = EntityItem<typeof Order>;
type UserInput = EntityInput<typeof User>;

const N = 260;
const user = (i: number): UserInput => ({ userId: `u${i}`, orgId: `org${i % 3}`, email: `u${i}@example.com`, name: `User ${i}`, age: i, tags: new Set([`t${i % 4}`]) });
const orderOf = (i: number) => ({ userId: `u${i}`, orderId: `o${i}`, seq: i, total: i * 1.5, placedAt: new Date(Date.UTC(2024, 1, 1, 0, 0, i)), lines: [{ sku: `s${i}`, qty: i }] });

const getCalls = () => counter.calls.filter((c) => c.command === 'BatchGetItemCommand');
const keysSent = () => getCalls().reduce((n, c) => n + c.entries, 0);

useTable(AppTable, { clients: [client, rawClient] });

beforeAll(async () => {
  await AppTable.batchWrite([...Array.from({ length: N }, (_, i) => User.put(user(i))), ...Array.from({ length: 20 }, (_, i) => Order.put(orderOf(i)))], fast);
});

describe('Entity.batchGet', () => {
  it('reads more than 100 keys in chunks of 100, in the order asked', async () => {
    counter.reset();
    const ids = Array.from({ length: 250 }, (_, i) => (i * 37) % N); // a permutation-like spread, distinct
    expect(new Set(ids).size).toBe(250);
    const users = await User.batchGet(ids.map((i) => ({ userId: `u${i}` })));
    expect(users).toHaveLength(250);
    users.forEach((u, j) => expect(u?.userId).toBe(`u${ids[j]}`));
    expect(getCalls().map((c) => c.entries).sort((a, b) => a - b)).toEqual([50, 100, 100]);
    // Parsed by the schema: Sets and numbers come back as model values; no keys or discriminator.
    const u7 = users[ids.indexOf(7)]!;
    expect(u7).toMatchObject({ userId: 'u7', age: 7, tags: new Set(['t3']) });
    expect(u7).not.toHaveProperty('pk');
    expect(u7).not.toHaveProperty('_et');
    expect(typeof u7.createdAt).toBe('string');
  });

  it('asks each distinct key once; duplicates get the same result', async () => {
    counter.reset();
    const keys = Array.from({ length: 150 }, (_, i) => ({ userId: `u${i % 30}` }));
    const users = await User.batchGet(keys);
    expect(keysSent()).toBe(30);
    expect(getCalls()).toHaveLength(1);
    users.forEach((u, j) => expect(u?.userId).toBe(`u${j % 30}`));
    expect(users[0]).toEqual(users[30]);
  });

  it('missing items, and items of another entity under the key, are undefined in their place', async () => {
    await raw.send(new PutCommand({ TableName: tableName, Item: { pk: 'USER#alien', sk: 'PROFILE', _et: 'Alien', userId: 'alien' } }));
    const users = await User.batchGet([{ userId: 'nobody' }, { userId: 'u1' }, { userId: 'alien' }, { userId: 'nobody-2' }, { userId: 'u2' }]);
    expect(users.map((u) => u?.userId)).toEqual([undefined, 'u1', undefined, undefined, 'u2']);
  });

  it('an empty key list sends nothing', async () => {
    counter.reset();
    expect(await User.batchGet([])).toEqual([]);
    expect(getCalls()).toHaveLength(0);
  });

  it('consistent() asks for strongly consistent reads', async () => {
    counter.reset();
    const b = User.batchGet([{ userId: 'u3' }]).consistent();
    expect(b).toBeInstanceOf(EntityBatchGet);
    const [u] = await b;
    expect(u?.userId).toBe('u3');
    const body = getCalls()[0]!.body as { RequestItems: Record<string, { ConsistentRead?: boolean }> };
    expect(body.RequestItems[tableName]!.ConsistentRead).toBe(true);
    counter.reset();
    await User.batchGet([{ userId: 'u3' }]);
    expect((getCalls()[0]!.body as { RequestItems: Record<string, { ConsistentRead?: boolean }> }).RequestItems[tableName]!.ConsistentRead).toBeUndefined();
  });

  it('project() reads only the named attributes (keys are read too, to match results, then dropped)', async () => {
    counter.reset();
    const ids = Array.from({ length: 120 }, (_, i) => 119 - i);
    const users = await User.batchGet(ids.map((i) => ({ userId: `u${i}` }))).project('name', 'age');
    expectTypeOf(users).toEqualTypeOf<(Pick<User, 'name' | 'age'> | undefined)[]>();
    users.forEach((u, j) => expect(u).toEqual({ name: `User ${ids[j]}`, age: ids[j] }));
    const body = getCalls()[0]!.body as { RequestItems: Record<string, { ProjectionExpression: string; ExpressionAttributeNames: Record<string, string> }> };
    const entry = body.RequestItems[tableName]!;
    const projected = entry.ProjectionExpression.split(', ').map((p) => entry.ExpressionAttributeNames[p]).sort();
    expect(projected).toEqual(['_et', 'age', 'name', 'pk', 'sk']);
  });

  it('a stored item that no longer fits the schema fails the read with ItemParseError', async () => {
    await raw.send(new PutCommand({ TableName: tableName, Item: { pk: 'USER#broken', sk: 'PROFILE', _et: 'User', userId: 'broken', orgId: 'x', email: 'not-an-email', name: 'B' } }));
    await expect(User.batchGet([{ userId: 'u1' }, { userId: 'broken' }])).rejects.toBeInstanceOf(ItemParseError);
  });
});

describe('retries', () => {
  it('resends UnprocessedKeys (and throttled or dropped calls) until every key is read', async () => {
    const faults = injectFaults(client, { seed: 21, partial: 0.6, throttle: 0.15, dropBefore: 0.1, dropAfter: 0.1 });
    try {
      const ids = Array.from({ length: N }, (_, i) => (i * 7) % N);
      const users = await User.batchGet(ids.map((i) => ({ userId: `u${i}` }))).with({ ...fast, concurrency: 3 });
      users.forEach((u, j) => expect(u?.userId).toBe(`u${ids[j]}`));
      expect(faults.counters.heldBack).toBeGreaterThan(0);
      expect(faults.faults).toBeGreaterThan(3);
      expect(faults.counters.maxInFlight).toBeLessThanOrEqual(3);
      // Resent keys keep the projection and consistency of their first call.
      const projected = await User.batchGet(ids.slice(0, 150).map((i) => ({ userId: `u${i}` }))).consistent().project('email').with(fast);
      projected.forEach((u, j) => expect(u).toEqual({ email: `u${ids[j]}@example.com` }));
      const resent = faults.calls.filter((c) => c.command === 'BatchGetItemCommand').slice(-3);
      for (const c of resent) expect((c.body as { RequestItems: Record<string, { ConsistentRead?: boolean }> }).RequestItems[tableName]!.ConsistentRead).toBe(true);
    } finally {
      faults.remove();
    }
  });

  it('when one call of many gives up, BatchGetError lists every key not read: those of the calls stopped or never sent too', async () => {
    const keys = Array.from({ length: 250 }, (_, i) => ({ userId: `many${i}` }));
    const faults = injectFaults(client, { stuck: (x) => x.item['pk']?.['S'] === 'USER#many0' });
    try {
      const e = (await User.batchGet(keys).with({ ...fast, maxAttempts: 2, concurrency: 1 }).send().catch((x: unknown) => x)) as BatchGetError;
      expect(e).toBeInstanceOf(BatchGetError);
      // The first call of 100 keys read 99 of them; many0 stayed unprocessed, the other 150 were never asked for.
      expect(e.unprocessedKeys).toHaveLength(151);
      const unread = new Set(e.unprocessedKeys.map((k) => k.key['pk']));
      expect(unread.has('USER#many0')).toBe(true);
      expect(unread.has('USER#many1')).toBe(false);
      expect(unread.has('USER#many249')).toBe(true);
      expect(e.message).toMatch(/151 key\(s\) not read/);
    } finally {
      faults.remove();
    }
  });

  it('gives up after maxAttempts calls without progress: BatchGetError lists the keys not read', async () => {
    const faults = injectFaults(client, { stuck: (x) => x.item['pk']?.['S'] === 'USER#u5' || x.item['pk']?.['S'] === 'USER#u6' });
    try {
      const e = (await User.batchGet([{ userId: 'u4' }, { userId: 'u5' }, { userId: 'u6' }]).with({ ...fast, maxAttempts: 3 }).send().catch((x: unknown) => x)) as BatchGetError;
      expect(e).toBeInstanceOf(BatchGetError);
      expect(e).toBeInstanceOf(DynakitError);
      expect(e.unprocessedKeys.map((k) => k.key).sort((a, b) => String(a['pk']).localeCompare(String(b['pk'])))).toEqual([
        { pk: 'USER#u5', sk: 'PROFILE' },
        { pk: 'USER#u6', sk: 'PROFILE' },
      ]);
      expect(e.unprocessedKeys.every((k) => k.table === tableName)).toBe(true);
      expect(e.message).toMatch(/2 key\(s\) not read/);
      // First call reads u4 (progress), then 3 calls without progress.
      expect(faults.counters.calls).toBe(4);
    } finally {
      faults.remove();
    }
  });

  it('a call that fails ends the whole batch get: no more calls once it has rejected (concurrency > 1)', async () => {
    // 5 calls of 100 keys, 2 at a time; the first call's keys are never processed, so it gives up at once.
    const keys = Array.from({ length: 500 }, (_, i) => ({ userId: `u${i}` }));
    const firstCall = new Set(keys.slice(0, 100).map((k) => `USER#${k.userId}`));
    const faults = injectFaults(client, { stuck: (x) => firstCall.has(String(x.item['pk']?.['S'])) });
    try {
      const e = await User.batchGet(keys).with({ ...fast, maxAttempts: 1, concurrency: 2 }).send().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(BatchGetError);
      const callsAtRejection = faults.counters.calls;
      await new Promise((r) => setTimeout(r, 300));
      // The other worker neither takes another chunk nor retries after the caller got the error.
      expect(faults.counters.calls).toBe(callsAtRejection);
    } finally {
      faults.remove();
    }
  });

  it("DynamoDB's own 16 MB response limit: the UnprocessedKeys it returns are resent (no faults injected)", async () => {
    // 45 items of ~390 KB: ~17 MB, more than one BatchGetItem response may carry.
    const big = 'x'.repeat(390_000);
    const ids = Array.from({ length: 45 }, (_, i) => `big${i}`);
    await AppTable.batchWrite(ids.map((id) => User.put({ userId: id, orgId: 'big', email: `${id}@example.com`, name: id, history: [big] })), fast);
    counter.reset();
    const users = await User.batchGet(ids.map((userId) => ({ userId }))).project('userId', 'history').with(fast);
    expect(users.map((u) => u?.userId)).toEqual(ids);
    expect(users.every((u) => u?.history?.[0]?.length === 390_000)).toBe(true);
    // One chunk of 45 keys, answered in more than one call.
    expect(getCalls().length).toBeGreaterThan(1);
    expect(getCalls()[0]!.entries).toBe(45);
  });
});

describe('AppTable.batchGet across entities', () => {
  it('returns a typed tuple in the order of the gets', async () => {
    const [u, o, missing, projected] = await AppTable.batchGet([
      User.get({ userId: 'u1' }),
      Order.get({ userId: 'u2', seq: 2, orderId: 'o2' }),
      Order.get({ userId: 'u2', seq: 3, orderId: 'nope' }),
      User.get({ userId: 'u9' }).project('email'),
    ]);
    expectTypeOf(u).toEqualTypeOf<User | undefined>();
    expectTypeOf(o).toEqualTypeOf<Order | undefined>();
    expectTypeOf(projected).toEqualTypeOf<Pick<User, 'email'> | undefined>();
    expect(u?.email).toBe('u1@example.com');
    expect(o).toEqual(orderOf(2));
    expect(o?.placedAt).toBeInstanceOf(Date);
    expect(missing).toBeUndefined();
    expect(projected).toEqual({ email: 'u9@example.com' });
  });

  it('the same key asked with different projections or consistency is asked once per kind, each answered its way', async () => {
    counter.reset();
    const [full, onlyName, consistent, again] = await AppTable.batchGet([
      User.get({ userId: 'u10' }),
      User.get({ userId: 'u10' }).project('name'),
      User.get({ userId: 'u10' }).consistent(),
      User.get({ userId: 'u10' }),
    ]);
    expect(full?.age).toBe(10);
    expect(onlyName).toEqual({ name: 'User 10' });
    expect(consistent).toEqual(full);
    expect(again).toEqual(full);
    expect(keysSent()).toBe(3);
  });

  it('reads a User and its Orders (same partition) with backoff options', async () => {
    const gets = [User.get({ userId: 'u4' }), ...[4, 5].map((i) => Order.get({ userId: `u${i}`, seq: i, orderId: `o${i}` }))] as const;
    const [u, o4, o5] = await AppTable.batchGet(gets, { ...fast, concurrency: 1 });
    expect([u?.userId, o4?.orderId, o5?.orderId]).toEqual(['u4', 'o4', 'o5']);
  });
});
