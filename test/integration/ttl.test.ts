/**
 * TTL (`ttl: 'expiresAt'`) against DynamoDB Local: a Date in the model, epoch seconds (N) in the
 * table; `create()` turns TTL on; get/query/scan hide items whose TTL has passed but that DynamoDB
 * has not deleted yet, and `.includeExpired()` shows them.
 *
 * Never asserts on when DynamoDB deletes expired items (Local does delete them, unpredictably): the
 * hide/show tests run on a table whose TTL was never turned on, so expired items stay put.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateTableCommand, DescribeTimeToLiveCommand, GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { TableDefinitionError, TransactionCanceledError, VersionConflictError, defineEntity, defineTable, transactGet, transactWrite } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

function sessionModel(client: DynamoDBClient, name: string) {
  const AppTable = defineTable({
    name,
    client,
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    indexes: { gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } } },
  });
  const Session = defineEntity({
    table: AppTable,
    name: 'Session',
    schema: z.object({ sessionId: z.string(), userId: z.string(), expiresAt: z.date().optional(), note: z.string().optional() }),
    keys: { primary: { pk: 'SESSION#{sessionId}', sk: 'SESSION' }, gsi1: { pk: 'USER#{userId}', sk: 'SESSION#{sessionId}' } },
    ttl: 'expiresAt',
  });
  return { AppTable, Session };
}

const client = testClient();
const HOUR = 3_600_000;
// Whole seconds: epoch seconds cannot hold milliseconds.
const now = () => new Date(Math.floor(Date.now() / 1000) * 1000);

afterAll(() => {
  client.destroy();
});

describe('create() and storage', () => {
  const { AppTable, Session } = sessionModel(client, uniqueTableName('ttl-on'));

  useTable(AppTable);

  it('create() turns TTL on for the entity’s attribute', async () => {
    expect(AppTable.ttlAttribute()).toBe('expiresAt');
    const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: AppTable.name }));
    expect(TimeToLiveDescription).toMatchObject({ AttributeName: 'expiresAt' });
    expect(['ENABLED', 'ENABLING']).toContain(TimeToLiveDescription?.TimeToLiveStatus);
    expect((await AppTable.describe()).differences).toEqual([]);
  });

  it('stores the Date as epoch seconds (N) and reads it back as a Date', async () => {
    const expiresAt = new Date(Date.now() + 2 * HOUR + 123); // milliseconds are dropped
    const put = await Session.put({ sessionId: 's1', userId: 'u1', expiresAt });
    // put resolves to the item as stored: the TTL in whole seconds, as get() reads it back
    expect(put.expiresAt).toEqual(new Date(Math.floor(expiresAt.getTime() / 1000) * 1000));
    const { Item } = await client.send(new GetItemCommand({ TableName: AppTable.name, Key: { pk: { S: 'SESSION#s1' }, sk: { S: 'SESSION' } } }));
    expect(Item?.['expiresAt']).toEqual({ N: String(Math.floor(expiresAt.getTime() / 1000)) });
    const read = await Session.get({ sessionId: 's1' }).consistent();
    expect(read?.expiresAt).toBeInstanceOf(Date);
    expect(read?.expiresAt?.getTime()).toBe(Math.floor(expiresAt.getTime() / 1000) * 1000);
  });

  it('update().set() of the TTL attribute stores epoch seconds too', async () => {
    const later = new Date(Date.now() + 5 * HOUR);
    await Session.update({ sessionId: 's1' }).set({ expiresAt: later });
    const { Item } = await client.send(new GetItemCommand({ TableName: AppTable.name, Key: { pk: { S: 'SESSION#s1' }, sk: { S: 'SESSION' } } }));
    expect(Item?.['expiresAt']).toEqual({ N: String(Math.floor(later.getTime() / 1000)) });
  });

  it('UPDATED_NEW and UPDATED_OLD return the TTL attribute as a Date, like full reads', async () => {
    const first = new Date(now().getTime() + 6 * HOUR);
    const second = new Date(now().getTime() + 7 * HOUR);
    await Session.update({ sessionId: 's1' }).set({ expiresAt: first });
    const updatedNew = await Session.update({ sessionId: 's1' }).set({ expiresAt: second }).returning('UPDATED_NEW');
    expect(updatedNew).toEqual({ expiresAt: second });
    const updatedOld = await Session.update({ sessionId: 's1' }).set({ expiresAt: first }).returning('UPDATED_OLD');
    expect(updatedOld).toEqual({ expiresAt: second });
  });

  it('conditions compare the TTL attribute as epoch seconds', async () => {
    const at = (await Session.get({ sessionId: 's1' }).consistent())!.expiresAt!;
    const { items } = await Session.scan().filter(Session.Attr('expiresAt').eq(at));
    expect(items.map((s) => s.sessionId)).toEqual(['s1']);
    const none = await Session.scan().filter(Session.Attr('expiresAt').lt(now()));
    expect(none.items).toEqual([]);
  });
});

describe('expired items that DynamoDB has not deleted yet', () => {
  const tableName = uniqueTableName('ttl-hide');
  const { AppTable, Session } = sessionModel(client, tableName);

  beforeAll(async () => {
    // TTL left off on purpose: nothing gets deleted behind the test's back.
    await client.send(new CreateTableCommand(AppTable.createTableInput()));
    const t = now().getTime();
    await Session.put({ sessionId: 'expired', userId: 'u1', expiresAt: new Date(t - HOUR) });
    await Session.put({ sessionId: 'just-expired', userId: 'u1', expiresAt: new Date(t - 1000) });
    await Session.put({ sessionId: 'live', userId: 'u1', expiresAt: new Date(t + HOUR) });
    await Session.put({ sessionId: 'forever', userId: 'u1' });
  });

  afterAll(async () => {
    await AppTable.drop();
  });

  it('describe() reports that TTL is off', async () => {
    const { differences } = await AppTable.describe();
    expect(differences).toEqual([{ path: 'ttl', expected: 'expiresAt', actual: 'off' }]);
  });

  it('get hides an expired item; includeExpired() returns it', async () => {
    expect(await Session.get({ sessionId: 'expired' }).consistent()).toBeUndefined();
    expect(await Session.get({ sessionId: 'just-expired' }).consistent()).toBeUndefined();
    const shown = await Session.get({ sessionId: 'expired' }).consistent().includeExpired();
    expect(shown).toMatchObject({ sessionId: 'expired' });
    expect(shown!.expiresAt!.getTime()).toBeLessThan(Date.now());
    expect(await Session.get({ sessionId: 'live' })).toMatchObject({ sessionId: 'live' });
    expect(await Session.get({ sessionId: 'forever' })).toMatchObject({ sessionId: 'forever' });
  });

  it('get with a projection still hides expired items (and does not return the TTL unless asked)', async () => {
    expect(await Session.get({ sessionId: 'expired' }).project('userId')).toBeUndefined();
    expect(await Session.get({ sessionId: 'live' }).project('userId')).toEqual({ userId: 'u1' });
    expect(await Session.get({ sessionId: 'expired' }).project('userId').includeExpired()).toEqual({ userId: 'u1' });
  });

  it('query hides expired items; includeExpired() shows them', async () => {
    const visible = await Session.query('gsi1', Session.Key('userId').eq('u1')).all();
    expect(visible.map((s) => s.sessionId).sort()).toEqual(['forever', 'live']);
    const all = await Session.query('gsi1', Session.Key('userId').eq('u1')).includeExpired().all();
    expect(all.map((s) => s.sessionId).sort()).toEqual(['expired', 'forever', 'just-expired', 'live']);
    expect(await Session.query('gsi1', Session.Key('userId').eq('u1')).count()).toBe(2);
  });

  it('scan hides expired items; includeExpired() shows them; a user filter combines with the TTL filter', async () => {
    expect((await Session.scan().all()).map((s) => s.sessionId).sort()).toEqual(['forever', 'live']);
    expect((await Session.scan().includeExpired().all()).map((s) => s.sessionId).sort()).toEqual(['expired', 'forever', 'just-expired', 'live']);
    const withFilter = await Session.scan().filter(Session.Attr('expiresAt').exists()).all();
    expect(withFilter.map((s) => s.sessionId)).toEqual(['live']);
    const expiredOnly = await Session.scan().includeExpired().filter(Session.Attr('expiresAt').lt(now())).all();
    expect(expiredOnly.map((s) => s.sessionId).sort()).toEqual(['expired', 'just-expired']);
  });

  it('batchGet hides expired items like get() does', async () => {
    const [expired, live] = await Session.batchGet([{ sessionId: 'expired' }, { sessionId: 'live' }]);
    expect(live).toMatchObject({ sessionId: 'live' });
    expect(expired).toBeUndefined();
  });

  it('transactGet hides expired items like get() does', async () => {
    const [expired, live] = await transactGet([Session.get({ sessionId: 'expired' }), Session.get({ sessionId: 'live' })]);
    expect(live).toMatchObject({ sessionId: 'live' });
    expect(expired).toBeUndefined();
  });

  it('batchGet with includeExpired() builders returns expired items', async () => {
    const [expired] = await AppTable.batchGet([Session.get({ sessionId: 'expired' }).includeExpired()]);
    expect(expired).toMatchObject({ sessionId: 'expired' });
  });

  it('an item becomes hidden once its TTL passes (no deletion needed)', async () => {
    const soon = new Date(Date.now() + 1500);
    await Session.put({ sessionId: 'soon', userId: 'u2', expiresAt: soon });
    expect(await Session.get({ sessionId: 'soon' }).consistent()).toBeDefined();
    await new Promise((r) => setTimeout(r, Math.max(0, Math.floor(soon.getTime() / 1000) * 1000 + 1100 - Date.now())));
    expect(await Session.get({ sessionId: 'soon' }).consistent()).toBeUndefined();
    expect(await Session.query('gsi1', Session.Key('userId').eq('u2')).all()).toEqual([]);
    expect(await Session.get({ sessionId: 'soon' }).consistent().includeExpired()).toBeDefined();
  });
});

describe("returning('ALL_OLD') over an item whose TTL has passed", () => {
  const tableName = uniqueTableName('ttl-old');
  const { AppTable, Session } = sessionModel(client, tableName);
  const expiredRow = () => ({ sessionId: 's1', userId: 'u1', note: 'old', expiresAt: new Date(now().getTime() - HOUR) });

  beforeAll(async () => {
    // TTL left off: the expired item stays until the test replaces it.
    await client.send(new CreateTableCommand(AppTable.createTableInput()));
  });

  afterAll(async () => {
    await AppTable.drop();
  });

  it('put, create and delete give undefined for it, as reads show it absent; a live item is returned', async () => {
    await Session.put(expiredRow());
    expect(await Session.create({ sessionId: 's1', userId: 'u1', note: 'new' }).returning('ALL_OLD')).toBeUndefined();
    await Session.put(expiredRow());
    expect(await Session.put({ sessionId: 's1', userId: 'u1', note: 'new' }).returning('ALL_OLD')).toBeUndefined();
    await Session.put(expiredRow());
    expect(await Session.delete({ sessionId: 's1' }).returning('ALL_OLD')).toBeUndefined();
    expect(await Session.get({ sessionId: 's1' }).consistent().includeExpired()).toBeUndefined();

    const live = { sessionId: 's1', userId: 'u1', note: 'live', expiresAt: new Date(now().getTime() + HOUR) };
    await Session.put(live);
    expect(await Session.put({ sessionId: 's1', userId: 'u1', note: 'next' }).returning('ALL_OLD')).toMatchObject({ note: 'live' });
    expect(await Session.delete({ sessionId: 's1' }).returning('ALL_OLD')).toMatchObject({ note: 'next' });
  });
});

describe('a versioned write that meets an expired item', () => {
  const tableName = uniqueTableName('ttl-ver');
  const { AppTable } = sessionModel(client, tableName);
  const Lease = defineEntity({
    table: AppTable,
    name: 'Lease',
    schema: z.object({ leaseId: z.string(), note: z.string().optional(), expiresAt: z.date().optional() }),
    keys: { primary: { pk: 'LEASE#{leaseId}', sk: 'LEASE' } },
    ttl: 'expiresAt',
    version: 'v',
  });

  beforeAll(async () => {
    await client.send(new CreateTableCommand(AppTable.createTableInput()));
  });

  afterAll(async () => {
    await AppTable.drop();
  });

  it('an update at the matching version is a VersionConflictError with no item, as for an item deleted since it was read', async () => {
    await Lease.put({ leaseId: 'l1', expiresAt: new Date(now().getTime() - HOUR) });
    const updated = await Lease.update({ leaseId: 'l1', v: 1 }).set({ note: 'n' }).send().catch((e: unknown) => e);
    expect(updated).toBeInstanceOf(VersionConflictError);
    expect((updated as VersionConflictError).item).toBeUndefined();
    expect((updated as VersionConflictError).message).toMatch(/expected version 1 but the stored item has expired/);
    // Nothing was written: the expired item is as it was.
    expect(await Lease.get({ leaseId: 'l1' }).consistent().includeExpired()).toMatchObject({ leaseId: 'l1', v: 1 });
    expect((await Lease.get({ leaseId: 'l1' }).consistent().includeExpired())?.note).toBeUndefined();
    // An update whose version differs still reports the stored version.
    const stale = await Lease.update({ leaseId: 'l1', v: 3 }).set({ note: 'n' }).send().catch((e: unknown) => e);
    expect((stale as VersionConflictError).message).toMatch(/expected version 3 but the stored item has version 1/);
  });

  it('a put or delete at the matching version is the same VersionConflictError, alone and in a transaction: it neither brings the item back nor deletes it', async () => {
    await Lease.put({ leaseId: 'l2', note: 'old', expiresAt: new Date(now().getTime() - HOUR) });
    const put = await Lease.put({ leaseId: 'l2', note: 'new', v: 1 }).send().catch((e: unknown) => e);
    expect(put).toBeInstanceOf(VersionConflictError);
    expect((put as VersionConflictError).message).toMatch(/put expected version 1 but the stored item has expired/);
    const deleted = await Lease.delete({ leaseId: 'l2', v: 1 }).send().catch((e: unknown) => e);
    expect(deleted).toBeInstanceOf(VersionConflictError);
    expect((deleted as VersionConflictError).message).toMatch(/delete expected version 1 but the stored item has expired/);
    const inTx = await transactWrite([Lease.put({ leaseId: 'l2', note: 'new', v: 1 })]).catch((e: unknown) => e);
    expect(inTx).toBeInstanceOf(TransactionCanceledError);
    expect((inTx as TransactionCanceledError).reasons[0]?.code).toBe('ConditionalCheckFailed');
    expect(await Lease.get({ leaseId: 'l2' }).consistent().includeExpired()).toMatchObject({ note: 'old', v: 1 });
    // A live item at the version is replaced and deleted as before.
    await Lease.put({ leaseId: 'l3', note: 'old' });
    await Lease.put({ leaseId: 'l3', note: 'new', v: 1 });
    expect(await Lease.get({ leaseId: 'l3' })).toMatchObject({ note: 'new', v: 2 });
    await Lease.delete({ leaseId: 'l3', v: 2 });
    expect(await Lease.get({ leaseId: 'l3' })).toBeUndefined();
  });
});

describe('a TTL attribute named `ttl` (a DynamoDB reserved word)', () => {
  const T = defineTable({ name: uniqueTableName('ttl-reserved'), client, partitionKey: { name: 'pk', type: 'S' } });
  const Token = defineEntity({
    table: T,
    name: 'Token',
    schema: z.object({ token: z.string(), ttl: z.date() }),
    keys: { primary: { pk: 'TOKEN#{token}' } },
    ttl: 'ttl',
  });

  useTable(T);

  it('turns TTL on and filters reads through an aliased name', async () => {
    const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: T.name }));
    expect(TimeToLiveDescription?.AttributeName).toBe('ttl');
    // Far enough in the future that Local's TTL job never touches it.
    await Token.put({ token: 'a', ttl: new Date(Date.now() + 24 * HOUR) });
    expect((await Token.scan().all()).map((t) => t.token)).toEqual(['a']);
    expect(await Token.get({ token: 'a' }).project('token')).toEqual({ token: 'a' });
  });
});

describe('definition rules', () => {
  it('the ttl attribute must be a z.date() of the schema', () => {
    const T = defineTable({ name: 'rules', client, partitionKey: { name: 'pk', type: 'S' } });
    expect(() =>
      // @ts-expect-error -- a number field does not compile as the ttl; untyped code gets the KeyError
      defineEntity({ table: T, name: 'Bad', schema: z.object({ id: z.string(), expiresAt: z.number() }), keys: { primary: { pk: 'B#{id}' } }, ttl: 'expiresAt' }),
    ).toThrow(/must be a z\.date\(\) attribute/);
  });

  it('entities of one table must agree on the TTL attribute (DynamoDB allows one per table)', () => {
    const T = defineTable({ name: 'rules2', client, partitionKey: { name: 'pk', type: 'S' } });
    defineEntity({ table: T, name: 'A', schema: z.object({ id: z.string(), expiresAt: z.date() }), keys: { primary: { pk: 'A#{id}' } }, ttl: 'expiresAt' });
    expect(() =>
      defineEntity({ table: T, name: 'B', schema: z.object({ id: z.string(), goneAt: z.date() }), keys: { primary: { pk: 'B#{id}' } }, ttl: 'goneAt' }),
    ).toThrow(TableDefinitionError);
    expect(() =>
      defineEntity({ table: T, name: 'C', schema: z.object({ id: z.string(), goneAt: z.date() }), keys: { primary: { pk: 'C#{id}' } }, ttl: 'goneAt' }),
    ).toThrow(`table rules2: C.ttl: "goneAt" differs from A's TTL attribute "expiresAt"; DynamoDB allows one TTL attribute per table`);
    // The same attribute, or none, is fine.
    defineEntity({ table: T, name: 'D', schema: z.object({ id: z.string(), expiresAt: z.date().optional() }), keys: { primary: { pk: 'D#{id}' } }, ttl: 'expiresAt' });
    defineEntity({ table: T, name: 'E', schema: z.object({ id: z.string() }), keys: { primary: { pk: 'E#{id}' } } });
    expect(T.ttlAttribute()).toBe('expiresAt');
  });
});

describe("an entity without ttl in a table whose TTL attribute is on", () => {
  it('a field of it that may store a number under the TTL attribute is refused at definition, in either order of definition', () => {
    const clash = "is stored as \"expiresAt\", the table's TTL attribute, and may hold a number: DynamoDB deletes an item once that many epoch seconds have passed, which Quota, declaring no ttl, would still show until then; declare ttl: 'expiresAt' (a z.date()) or store the field under another name (storedAs)";
    const T = defineTable({ name: uniqueTableName('ttl-clash'), client, partitionKey: { name: 'pk', type: 'S' } });
    defineEntity({ table: T, name: 'Lease', schema: z.object({ id: z.string(), expiresAt: z.date() }), keys: { primary: { pk: 'L#{id}' } }, ttl: 'expiresAt' });
    const quota = (table: typeof T, expiresAt: z.ZodType, storedAs?: Record<string, string>) =>
      defineEntity({ table, name: 'Quota', schema: z.object({ id: z.string(), expiresAt }), keys: { primary: { pk: 'Q#{id}' } }, ...(storedAs === undefined ? {} : { storedAs }) });
    expect(() => quota(T, z.number())).toThrow(TableDefinitionError);
    expect(() => quota(T, z.number())).toThrow(`Quota.expiresAt: ${clash}`);
    expect(() => quota(T, z.union([z.string(), z.number().int()]).optional())).toThrow(clash);
    // Defined before the entity with ttl: refused when that one is defined.
    const U = defineTable({ name: uniqueTableName('ttl-clash'), client, partitionKey: { name: 'pk', type: 'S' } });
    quota(U, z.number());
    expect(() => defineEntity({ table: U, name: 'Lease', schema: z.object({ id: z.string(), expiresAt: z.date() }), keys: { primary: { pk: 'L#{id}' } }, ttl: 'expiresAt' })).toThrow(clash);
    // Stored under another name, or as text, it is no clash.
    const V = defineTable({ name: uniqueTableName('ttl-clash'), client, partitionKey: { name: 'pk', type: 'S' } });
    defineEntity({ table: V, name: 'Lease', schema: z.object({ id: z.string(), expiresAt: z.date() }), keys: { primary: { pk: 'L#{id}' } }, ttl: 'expiresAt' });
    quota(V, z.number(), { expiresAt: 'quotaEnds' });
    expect(V.entities.has('Quota')).toBe(true);
  });

  it('a locking version or a schema version stored under the TTL attribute is refused at definition, in either order (DynamoDB would delete the items)', () => {
    const T = defineTable({ name: uniqueTableName('ttl-count'), client, partitionKey: { name: 'pk', type: 'S' } });
    const lease = (table: typeof T) =>
      defineEntity({ table, name: 'Lease', schema: z.object({ id: z.string(), expiresAt: z.date() }), keys: { primary: { pk: 'L#{id}' } }, ttl: 'expiresAt' });
    lease(T);
    const count = "the table's TTL attribute, and holds a count (1, 2, ...): DynamoDB would take it as epoch seconds long past and delete every item of";
    expect(() => defineEntity({ table: T, name: 'Doc', schema: z.object({ id: z.string() }), keys: { primary: { pk: 'D#{id}' } }, version: 'expiresAt' })).toThrow(`Doc.expiresAt: is stored as "expiresAt", ${count} Doc`);
    expect(() => defineEntity({ table: T, name: 'Doc', schema: z.object({ id: z.string() }), keys: { primary: { pk: 'D#{id}' } }, version: 'rev', storedAs: { rev: 'expiresAt' } })).toThrow(TableDefinitionError);
    expect(() => defineEntity({ table: T, name: 'Doc', schema: z.object({ id: z.string() }), keys: { primary: { pk: 'D#{id}' } }, migrations: { attribute: 'expiresAt', steps: [(v) => v] } })).toThrow(
      `Doc.migrations.attribute: is stored as "expiresAt", ${count} Doc`,
    );
    // Defined before the entity with ttl: refused when that one is defined.
    const U = defineTable({ name: uniqueTableName('ttl-count'), client, partitionKey: { name: 'pk', type: 'S' } });
    defineEntity({ table: U, name: 'Doc', schema: z.object({ id: z.string() }), keys: { primary: { pk: 'D#{id}' } }, version: 'expiresAt' });
    expect(() => lease(U)).toThrow(TableDefinitionError);
    expect(U.ttlAttribute()).toBeUndefined();
  });

  describe('a z.date() field of the same name, stored as ISO text, which DynamoDB TTL ignores', () => {
    const T = defineTable({ name: uniqueTableName('ttl-text'), client, partitionKey: { name: 'pk', type: 'S' } });
    const Lease = defineEntity({ table: T, name: 'Lease', schema: z.object({ id: z.string(), expiresAt: z.date() }), keys: { primary: { pk: 'L#{id}' } }, ttl: 'expiresAt' });
    const Offer = defineEntity({ table: T, name: 'Offer', schema: z.object({ id: z.string(), expiresAt: z.date() }), keys: { primary: { pk: 'O#{id}' } } });
    useTable(T);

    it("is allowed: the table's TTL is on for Lease, and Offer's past dates are its data, shown by its reads", async () => {
      const past = new Date(Date.now() - HOUR);
      await Lease.put({ id: 'l', expiresAt: past });
      await Offer.put({ id: 'o', expiresAt: past });
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: T.name }));
      expect(ttl.TimeToLiveDescription?.AttributeName).toBe('expiresAt');
      expect(await Lease.get({ id: 'l' })).toBeUndefined();
      expect(await Offer.get({ id: 'o' })).toEqual({ id: 'o', expiresAt: past });
      const raw = await client.send(new GetItemCommand({ TableName: T.name, Key: { pk: { S: 'O#o' } }, ConsistentRead: true }));
      expect(raw.Item?.['expiresAt']).toEqual({ S: past.toISOString() });
    });
  });
});
