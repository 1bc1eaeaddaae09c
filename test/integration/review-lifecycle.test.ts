/**
 * Review of the item-lifecycle features against DynamoDB Local: optimistic locking (`version`),
 * TTL, timestamps, schema defaults, and key templates, on single-item writes and entity reads.
 * Each test pins a bug found in review (see the commit that added it).
 */
import { describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ConditionFailedError, ExpressionError, KeyError, VersionConflictError, defineEntity, defineTable } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { failure } from '../support/failure.js';
import { useTable } from '../support/tables.js';
import { expiredLongAgo } from '../support/ttl.js';

const client = testClient();
const doc = testDocClient(client);
const HOUR = 3_600_000;

const AppTable = defineTable({
  name: uniqueTableName('review-lifecycle'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: { gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } } },
});

useTable(AppTable, { clients: [client] });

async function rawItem(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
  return (await doc.send(new GetCommand({ TableName: AppTable.name, Key: { pk, sk }, ConsistentRead: true }))).Item;
}

describe('the TTL attribute as a key composite', () => {
  // Tokens are listed by expiry: the TTL attribute is in the sort keys.
  const Token = defineEntity({
    table: AppTable,
    name: 'Token',
    schema: z.object({ userId: z.string(), tokenId: z.string(), expiresAt: z.date() }),
    keys: { primary: { pk: 'TOKEN#{userId}', sk: 'EXP#{expiresAt}' }, gsi1: { pk: 'TOKENID#{tokenId}', sk: 'EXP#{expiresAt}' } },
    ttl: 'expiresAt',
  });
  // Not whole seconds: DynamoDB's TTL has none, so the item holds 2 hours from now, rounded down.
  const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 2 * HOUR + 700);

  it('keys hold the whole seconds stored, so the item put resolves to finds, updates and deletes it', async () => {
    const put = await Token.put({ userId: 'u1', tokenId: 't1', expiresAt });
    expect(put.expiresAt.getTime() % 1000).toBe(0);
    const stored = await rawItem('TOKEN#u1', `EXP#${put.expiresAt.toISOString()}`);
    expect(stored?.['expiresAt']).toBe(put.expiresAt.getTime() / 1000);
    expect(stored?.['gsi1sk']).toBe(`EXP#${put.expiresAt.toISOString()}`);

    expect(await Token.get(put)).toEqual(put);
    // The Date given to put (with its milliseconds) names the same item, as conditions on the TTL compare whole seconds.
    expect(await Token.get({ userId: 'u1', expiresAt })).toEqual(put);
    const byToken = await Token.query('gsi1', Token.Key('tokenId').eq('t1').and(Token.Key('expiresAt').eq(put.expiresAt))).all();
    expect(byToken).toEqual([put]);

    await Token.delete(put);
    expect(await Token.query('primary', Token.Key('userId').eq('u1')).includeExpired().all()).toEqual([]);
  });

  it('an update of the TTL rebuilds the index key from the whole seconds it stores', async () => {
    const put = await Token.put({ userId: 'u2', tokenId: 't2', expiresAt });
    const later = new Date(expiresAt.getTime() + HOUR);
    const updated = await Token.update(put).set({ tokenId: 't2' }).returning('ALL_NEW');
    expect(updated).toEqual(put);
    await Token.update({ userId: 'u2', expiresAt }).set({ tokenId: 't3' });
    const found = await Token.query('gsi1', Token.Key('tokenId').eq('t3').and(Token.Key('expiresAt').lte(later))).all();
    expect(found).toEqual([{ ...put, tokenId: 't3' }]);
    expect((await rawItem('TOKEN#u2', `EXP#${put.expiresAt.toISOString()}`))?.['gsi1sk']).toBe(`EXP#${put.expiresAt.toISOString()}`);
  });
});

describe('optimistic locking', () => {
  // Two versioned entities whose keys meet: the same id writes the same table key.
  const Draft = defineEntity({
    table: AppTable,
    name: 'Draft',
    schema: z.object({ id: z.string(), text: z.string() }),
    keys: { primary: { pk: 'DOC#{id}', sk: 'DOC' } },
    version: 'version',
  });
  const Published = defineEntity({
    table: AppTable,
    name: 'Published',
    schema: z.object({ id: z.string(), html: z.string() }),
    keys: { primary: { pk: 'DOC#{id}', sk: 'DOC' } },
    version: 'version',
  });

  it('a put with a version does not replace another entity\'s item that happens to hold that version', async () => {
    await Published.create({ id: 'p1', html: '<p>live</p>' });
    // The version Draft's caller read was Draft's, not Published's: the check must fail.
    const e = await failure(Draft.put({ id: 'p1', text: 'draft', version: 1 }), ConditionFailedError);
    expect(e).not.toBeInstanceOf(VersionConflictError);
    expect(e.item).toMatchObject({ _et: 'Published', html: '<p>live</p>', version: 1 });
    expect(await Published.get({ id: 'p1' })).toEqual({ id: 'p1', html: '<p>live</p>', version: 1 });
  });
});

describe('sort-key conditions and DynamoDB\'s 1,024-byte sort key limit', () => {
  const Entry = defineEntity({
    table: AppTable,
    name: 'Entry',
    schema: z.object({ listId: z.string(), name: z.string(), n: z.string() }),
    keys: { primary: { pk: 'LIST#{listId}', sk: 'N#{name}#{n}' } },
  });
  // 'N#' + name + '#x' is 1,023 bytes: a valid sort key.
  const longName = 'z'.repeat(1019);

  it('a range bound past the keys that start with a value fits the limit, so a valid name can be ranged up to', async () => {
    await Entry.put({ listId: 'l1', name: longName, n: 'x' });
    await Entry.put({ listId: 'l1', name: 'a', n: 'y' });
    const upTo = await Entry.query('primary', Entry.Key('listId').eq('l1').and(Entry.Key('name').lte(longName))).all();
    expect(upTo.map((e) => e.n)).toEqual(['y', 'x']);
    const between = await Entry.query('primary', Entry.Key('listId').eq('l1').and(Entry.Key('name').between('b', longName))).all();
    expect(between.map((e) => e.n)).toEqual(['x']);
  });

  it('a condition value over the limit is a KeyError before sending, not DynamoDB\'s ValidationException', async () => {
    const tooLong = 'y'.repeat(1100);
    for (const condition of [Entry.Key('name').beginsWith(tooLong), Entry.Key('name').eq(tooLong), Entry.Key('name').gt(tooLong)]) {
      const query = Entry.query('primary', Entry.Key('listId').eq('l1').and(condition));
      expect(() => query.build()).toThrow(KeyError);
      await failure(query.all(), KeyError);
    }
  });

  it('a table-level sort key condition over the limit is refused before sending', () => {
    // Checked where the query is made, like the table-level key condition's other rules.
    expect(() => AppTable.query(AppTable.Key('pk').eq('LIST#l1').and(AppTable.Key('sk').beginsWith('N#' + 'y'.repeat(1100))))).toThrow(ExpressionError);
    expect(() => AppTable.query(AppTable.Key('pk').eq('LIST#l1').and(AppTable.Key('sk').lte('N#' + 'y'.repeat(1020))))).not.toThrow();
  });
});

describe('an index on the TTL attribute itself', () => {
  // The TTL is stored as epoch seconds (N), so a global index keyed on it lists items by expiry.
  const SweepTable = defineTable({
    name: uniqueTableName('review-lifecycle-sweep'),
    client,
    partitionKey: { name: 'pk', type: 'S' },
    indexes: { byExpiry: { type: 'global', partitionKey: { name: 'kind', type: 'S' }, sortKey: { name: 'expiresAt', type: 'N' } } },
  });
  useTable(SweepTable);

  it('is accepted: the TTL attribute holds N values, as the index key needs', async () => {
    const Lease = defineEntity({
      table: SweepTable,
      name: 'Lease',
      schema: z.object({ leaseId: z.string(), kind: z.string(), expiresAt: z.date() }),
      keys: { primary: { pk: 'LEASE#{leaseId}' } },
      ttl: 'expiresAt',
    });
    const soon = new Date(Math.floor(Date.now() / 1000) * 1000 + HOUR);
    await Lease.put({ leaseId: 'l1', kind: 'lease', expiresAt: soon });
    await Lease.put({ leaseId: 'l2', kind: 'lease', expiresAt: new Date(soon.getTime() + 24 * HOUR) });
    const within2h = await SweepTable.query(
      'byExpiry',
      SweepTable.Key('kind').eq('lease').and(SweepTable.Key('expiresAt').lte(Math.floor(soon.getTime() / 1000) + 3600)),
    ).all();
    expect(within2h.items).toEqual([{ _et: 'Lease', leaseId: 'l1', kind: 'lease', expiresAt: soon }]);
    // Any Date is epoch seconds there, even one whose ISO text could not go into a string key.
    const farOff = new Date(Date.UTC(12000, 0, 1));
    await Lease.put({ leaseId: 'l3', kind: 'lease', expiresAt: farOff });
    expect((await Lease.get({ leaseId: 'l3' }))?.expiresAt).toEqual(farOff);
  });

  it('an entity can key that index on its TTL (a raw template): queries compare epoch seconds, an update moves the item', async () => {
    const Hold = defineEntity({
      table: SweepTable,
      name: 'Hold',
      schema: z.object({ holdId: z.string(), kind: z.string(), expiresAt: z.date() }),
      keys: { primary: { pk: 'HOLD#{holdId}' }, byExpiry: { pk: '{kind}', sk: '{expiresAt}' } },
      ttl: 'expiresAt',
    });
    const base = Math.floor(Date.now() / 1000) * 1000 + HOUR;
    await Hold.put({ holdId: 'h1', kind: 'hold', expiresAt: new Date(base + 500) });
    await Hold.put({ holdId: 'h2', kind: 'hold', expiresAt: new Date(base + 10 * HOUR) });
    const byExpiry = (until: Date) => Hold.query('byExpiry', Hold.Key('kind').eq('hold').and(Hold.Key('expiresAt').lte(until))).all();
    expect(await byExpiry(new Date(base + HOUR))).toEqual([{ holdId: 'h1', kind: 'hold', expiresAt: new Date(base) }]);
    await Hold.update({ holdId: 'h2' }).set({ expiresAt: new Date(base + 30 * 60_000) });
    expect((await byExpiry(new Date(base + HOUR))).map((h) => h.holdId)).toEqual(['h1', 'h2']);

    // Expired (six years ago: past the window DynamoDB's TTL deletes in, so it stays): DynamoDB refuses a
    // query filter on the index's own key, so the query drops it as it reads it.
    await Hold.put({ holdId: 'h0', kind: 'hold', expiresAt: new Date(base - 6 * 365 * 24 * HOUR) });
    expect((await byExpiry(new Date(base + HOUR))).map((h) => h.holdId)).toEqual(['h1', 'h2']);
    const all = Hold.query('byExpiry', Hold.Key('kind').eq('hold'));
    expect((await all.limit(1)).items.map((h) => h.holdId)).toEqual(['h1']);
    expect(await all.count()).toBe(2);
    expect((await all.includeExpired().all()).map((h) => h.holdId)).toEqual(['h0', 'h1', 'h2']);
    expect(await all.includeExpired().count()).toBe(3);
  });
});

describe('writes meet an expired item that DynamoDB has not deleted yet', () => {
  // create() turns TTL on here (Claim and Lock have a ttl): the expired items are expired long ago
  // (expiredLongAgo), which Local's TTL job never deletes, so each test meets the expired item, not a missing one.
  const IdemTable = defineTable({ name: uniqueTableName('review-lifecycle-idem'), client, partitionKey: { name: 'pk', type: 'S' } });
  useTable(IdemTable);
  const Claim = defineEntity({
    table: IdemTable,
    name: 'Claim',
    schema: z.object({ token: z.string(), owner: z.string(), expiresAt: z.date() }),
    keys: { primary: { pk: 'CLAIM#{token}' } },
    ttl: 'expiresAt',
  });
  const Lock = defineEntity({
    table: IdemTable,
    name: 'Lock',
    schema: z.object({ lockId: z.string(), owner: z.string(), expiresAt: z.date() }),
    keys: { primary: { pk: 'LOCK#{lockId}' } },
    ttl: 'expiresAt',
    version: 'version',
  });

  it('create() takes an expired item for the absent item every read shows', async () => {
    await Claim.put({ token: 't1', owner: 'a', expiresAt: expiredLongAgo() });
    expect(await Claim.get({ token: 't1' })).toBeUndefined();
    const claimed = await Claim.create({ token: 't1', owner: 'b', expiresAt: new Date(Date.now() + HOUR) });
    expect(await Claim.get({ token: 't1' })).toEqual(claimed);
    // A live item still makes create() fail.
    const e = await failure(Claim.create({ token: 't1', owner: 'c', expiresAt: new Date(Date.now() + HOUR) }).returnItemOnConditionFailure(), ConditionFailedError);
    expect(e.item).toEqual(claimed);
  });

  it('update() (which needs the item) does not bring an expired item back: it fails like a missing one', async () => {
    await Claim.put({ token: 't2', owner: 'a', expiresAt: expiredLongAgo() });
    // Extending an expired claim would revive it for everyone who reads it.
    await failure(Claim.update({ token: 't2' }).set({ expiresAt: new Date(Date.now() + HOUR) }), ConditionFailedError);
    expect(await Claim.get({ token: 't2' })).toBeUndefined();
    // upsert() may create the item, so it writes over the expired one.
    await Claim.update({ token: 't2' }).set({ owner: 'b', expiresAt: new Date(Date.now() + HOUR) }).upsert();
    expect((await Claim.get({ token: 't2' }))?.owner).toBe('b');
  });

  it('a versioned put without a version (create only) does too, and starts again at version 1', async () => {
    await Lock.create({ lockId: 'l1', owner: 'a', expiresAt: expiredLongAgo() });
    const taken = await Lock.put({ lockId: 'l1', owner: 'b', expiresAt: new Date(Date.now() + HOUR) });
    expect(taken.version).toBe(1);
    await failure(Lock.put({ lockId: 'l1', owner: 'c', expiresAt: new Date(Date.now() + HOUR) }), VersionConflictError);
  });
});
