/**
 * An upsert that meets an expired item (TTL passed, not deleted by DynamoDB yet) creates the item as
 * it would once the TTL had removed it: nothing of the expired item comes back.
 */
import { describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ConditionFailedError, TransactionCanceledError, defineEntity, defineTable, transactWrite } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { failure } from '../support/failure.js';
import { useTable } from '../support/tables.js';
import { expiredLongAgo } from '../support/ttl.js';

const client = testClient();
const raw = testDocClient(client);
const HOUR = 3_600_000;
// create() turns TTL on (the entities have a ttl): expired items are expired long ago (expiredLongAgo),
// which Local's TTL job never deletes, so they stay until a test removes them.
const Sessions = defineTable({ name: uniqueTableName('upsert-expired'), client, partitionKey: { name: 'pk', type: 'S' } });
useTable(Sessions);
const Session = defineEntity({
  table: Sessions,
  name: 'Session',
  schema: z.object({ sid: z.string(), user: z.string(), cart: z.array(z.string()).optional(), visits: z.number().optional(), expiresAt: z.date() }),
  keys: { primary: { pk: 'S#{sid}' } },
  ttl: 'expiresAt',
  timestamps: true,
});
const Other = defineEntity({
  table: Sessions,
  name: 'Other',
  schema: z.object({ sid: z.string(), expiresAt: z.date() }),
  keys: { primary: { pk: 'S#{sid}' } },
  ttl: 'expiresAt',
});

const past = () => expiredLongAgo();
const later = () => new Date(Date.now() + HOUR);
const stored = async (sid: string) => (await raw.send(new GetCommand({ TableName: Sessions.name, Key: { pk: `S#${sid}` }, ConsistentRead: true }))).Item;

describe('upsert over an expired item', () => {
  it('creates the item afresh: attributes, counters and createdAt of the expired one do not come back', async () => {
    await Session.put({ sid: 's1', user: 'mallory', cart: ['old'], visits: 41, expiresAt: past() });
    const oldCreatedAt = (await stored("s1"))?.["createdAt"];
    await new Promise((r) => setTimeout(r, 5));
    const previous = await Session.update({ sid: 's1' }).set({ user: 'alice', expiresAt: later() }).add({ visits: 1 }).upsert().returning('ALL_OLD');
    expect(previous).toBeUndefined(); // as for a missing item
    const now = await Session.get({ sid: 's1' });
    expect(now).toMatchObject({ sid: 's1', user: 'alice', visits: 1 });
    expect(now?.cart).toBeUndefined();
    expect(now?.createdAt).not.toBe(oldCreatedAt);
  });

  it('a live item is merged into as before', async () => {
    await Session.put({ sid: 's2', user: 'bob', cart: ['book'], visits: 2, expiresAt: later() });
    await Session.update({ sid: 's2' }).set({ user: 'bob', expiresAt: later() }).add({ visits: 1 }).upsert();
    expect(await Session.get({ sid: 's2' })).toMatchObject({ cart: ['book'], visits: 3 });
  });

  it("its where() is judged as on a missing item, as every read sees it", async () => {
    await Session.put({ sid: 's3', user: 'carol', cart: ['x'], expiresAt: past() });
    await Session.update({ sid: 's3' }).set({ user: 'dan', expiresAt: later() }).upsert().where(Session.Attr('cart').notExists());
    expect(await Session.get({ sid: 's3' })).toMatchObject({ user: 'dan' });
  });

  it('a where() that fails on no item fails on the expired item, which is kept: nothing is deleted for a write that cannot pass', async () => {
    await Session.put({ sid: 's6', user: 'hal', cart: ['x'], expiresAt: past() });
    const before = await stored('s6');
    const e = await failure(Session.update({ sid: 's6' }).set({ user: 'ivy', expiresAt: later() }).upsert().where(Session.Attr('cart').exists()), ConditionFailedError);
    expect(e.message).toBe(
      "Session: update condition failed: a stored item must belong to Session and not have expired (an expired item of Session is deleted and the upsert sent again where its condition holds on no item, and kept where it does not; one stored again after 3 such deletes fails it), and its where() condition must hold; the stored item has expired (its expiresAt has passed), which Session's update sees as no item (stored item attached)",
    );
    expect(await stored('s6')).toEqual(before);
    expect(await Session.get({ sid: 's6' })).toBeUndefined();
    // One that holds on no item still clears it and creates the item afresh.
    await Session.update({ sid: 's6' }).set({ user: 'ivy', expiresAt: later() }).upsert().where(Session.Attr('cart').notExists());
    const created = await Session.get({ sid: 's6' });
    expect(created).toMatchObject({ user: 'ivy' });
    expect(created?.cart).toBeUndefined();
  });

  it("another entity's expired item under the key is neither deleted nor written over", async () => {
    await Other.put({ sid: 's4', expiresAt: past() });
    await failure(Session.update({ sid: 's4' }).set({ user: 'eve', expiresAt: later() }).upsert(), ConditionFailedError);
    expect((await stored('s4'))?.['_et']).toBe('Other');
  });

  it('in a transaction, which cannot delete first, the upsert is cancelled instead of bringing the expired item back; sent alone it creates the item afresh', async () => {
    await Session.put({ sid: 's5', user: 'frank', cart: ['kept'], expiresAt: past() });
    const upsert = () => Session.update({ sid: 's5' }).set({ user: 'gina', expiresAt: later() }).upsert();
    const e = await failure(transactWrite([upsert()]), TransactionCanceledError);
    expect(e.reasons.map((r) => r.code)).toEqual(['ConditionalCheckFailed']);
    expect((await stored('s5'))?.['user']).toBe('frank');
    await upsert();
    const now = await Session.get({ sid: 's5' });
    expect(now).toMatchObject({ user: 'gina' });
    expect(now?.cart).toBeUndefined();
  });
});
