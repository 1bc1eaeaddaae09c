/**
 * `Entity.check(key, condition)` on DynamoDB Local sees what its entity's reads see: another
 * entity's item under the same key (single-table design) and an expired item (TTL passed, not
 * deleted yet) count as no item. Also: `holdsOnMissingItem`, which judges the condition for those,
 * cross-checked against DynamoDB's own answers for a missing item and a key-only item. And
 * `AppTable.check(key, condition)`, which judges whatever is stored under a physical key, unguarded.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { Condition, ConditionFailedError, ExpressionError, InvalidTransactionError, KeyError, TransactionCanceledError, transactWrite, type CheckBuilder, type TableCheckBuilder } from '../../src/index.js';
import { holdsOnMissingItem } from '../../src/expressions/holds-on-missing.js';
import { storedItemOf } from '../../src/operations/condition-failure.js';
import { testClient, testDocClient } from '../support/client.js';
import { failure, holds } from '../support/failure.js';
import { missingItemCases } from '../support/missing-item-cases.js';
import { seenEntities } from '../support/seen-entities.js';
import { countRequests, refusedBeforeSend } from '../support/requests.js';
import { useTable } from '../support/tables.js';
import { expiredLongAgo } from '../support/ttl.js';

const client = testClient();
const raw = testDocClient(client);
const sent = countRequests(client);
const HOUR = 3_600_000;
const later = () => new Date(Date.now() + HOUR);

// One table, three entities under one key template: a Profile (no TTL), a Session (TTL) and an
// Order, which is "another entity's item" for both; a Lease has only its TTL guard, a Probe none
// (its checks send the condition as it is). create() turns TTL on; expired items expired long ago
// (expiredLongAgo), which Local's TTL job never deletes.
const { Shared, Profile, Session, Order, Leases, Lease, Probes, Probe } = seenEntities(client);

useTable(Shared);
useTable(Leases);
useTable(Probes, { clients: [client] });

beforeAll(async () => {
  await Order.put({ id: 'order', age: 30, user: 'x' });
  await Profile.put({ id: 'profile', age: 30 });
  await Session.put({ id: 'live', age: 30, user: 'x', expiresAt: later() });
  await Session.put({ id: 'expired', age: 30, user: 'x', expiresAt: expiredLongAgo() });
  await Lease.put({ id: 'live', age: 30, expiresAt: later() });
  await Lease.put({ id: 'expired', age: 30, expiresAt: expiredLongAgo() });
  // An item that holds its key only, as another program may write one.
  await raw.send(new PutCommand({ TableName: Probes.name, Item: { pk: 'P#key-only' } }));
});

/** Whether `check` holds, awaited alone (a one-action transaction) and inside a transaction with another action; both must agree. */
async function holdsAloneAndInTransaction(check: CheckBuilder | TableCheckBuilder, other: Parameters<typeof transactWrite>[0][number]): Promise<boolean> {
  const alone = await holds(check);
  const inTransaction = await transactWrite([check, other]).then(
    () => true,
    (e: unknown) => {
      if (e instanceof TransactionCanceledError && e.reasons[0]?.code === 'ConditionalCheckFailed' && e.reasons[1]?.code === 'None') return false;
      throw e;
    },
  );
  expect(inTransaction).toBe(alone);
  return alone;
}

describe("holdsOnMissingItem agrees with DynamoDB Local for every node kind", () => {
  const cases = missingItemCases(Probes.Attr);

  it.each(cases)('on a missing item: %s', async (_name, condition, expected) => {
    expect(holdsOnMissingItem(condition.node, 'Probe')).toBe(expected);
    const check = Probe.check({ id: 'missing' }, condition);
    expect(check.build().ConditionExpression).not.toMatch(/_et/); // sent as it is: DynamoDB judges it
    expect(await holds(check)).toBe(expected);
  });

  // An item with its key alone lacks every other attribute: judged as a missing one, except by
  // conditions on the key attribute, which it has (a check judges another entity's item as missing
  // entirely, key attributes included: see the tests below).
  it.each(cases.filter(([name]) => !name.includes('key attribute')))('on an item that holds only its key: %s', async (_name, condition, expected) => {
    expect(await holds(Probe.check({ id: 'key-only' }, condition))).toBe(expected);
  });

  it('the key attribute exists on a key-only item, not on a missing one', async () => {
    expect(await holds(Probe.check({ id: 'key-only' }, Probes.Attr('pk').exists()))).toBe(true);
    expect(await holds(Probe.check({ id: 'missing' }, Probes.Attr('pk').exists()))).toBe(false);
  });
});

describe("a check sees another entity's item under its key as no item", () => {
  const aside = () => Profile.put({ id: `aside-${Math.random()}` });

  it('a condition that needs the item fails on an Order whose attributes would pass it', async () => {
    expect(await holdsAloneAndInTransaction(Profile.check({ id: 'order' }, Profile.Attr('age').gte(18)), aside())).toBe(false);
    expect(await holdsAloneAndInTransaction(Profile.check({ id: 'profile' }, Profile.Attr('age').gte(18)), aside())).toBe(true);
  });

  it('notExists() passes on a missing item and on an Order, and fails on a live own item', async () => {
    expect(await holdsAloneAndInTransaction(Profile.check({ id: 'none' }, Profile.Attr('age').notExists()), aside())).toBe(true);
    expect(await holdsAloneAndInTransaction(Profile.check({ id: 'order' }, Profile.Attr('age').notExists()), aside())).toBe(true);
    expect(await holdsAloneAndInTransaction(Profile.check({ id: 'profile' }, Profile.Attr('age').notExists()), aside())).toBe(false);
  });

  it("a condition on the table's key attribute: the Order's pk is not seen either", async () => {
    expect(await holds(Profile.check({ id: 'order' }, Shared.Attr('pk').exists()))).toBe(false);
    expect(await holds(Profile.check({ id: 'order' }, Shared.Attr('pk').notExists()))).toBe(true);
    expect(await holds(Profile.check({ id: 'profile' }, Shared.Attr('pk').exists()))).toBe(true);
  });

  it('the failure says the stored item is the other entity\'s, and carries it as stored, not parsed as a Profile', async () => {
    const e = await failure(Profile.check({ id: 'order' }, Profile.Attr('age').gte(18)).returnItemOnConditionFailure(), ConditionFailedError);
    expect(e.message).toBe(
      "Profile: check condition failed: the stored item must belong to Profile, and its condition must hold; the stored item belongs to Order (its _et), which Profile's check sees as no item (stored item attached)",
    );
    expect(e.item).toMatchObject({ pk: 'K#order', _et: 'Order', age: 30 });
    expect(storedItemOf(Profile.model, e)).toBeUndefined();
    // Without the item, the message says what the check required.
    const bare = await failure(Profile.check({ id: 'order' }, Profile.Attr('age').gte(18)), ConditionFailedError);
    expect(bare.message).toBe('Profile: check condition failed: the stored item must belong to Profile, and its condition must hold');
    expect(bare.item).toBeUndefined();
  });

  it('in a transaction, the cancellation reason says so too', async () => {
    const e = await failure(transactWrite([Profile.check({ id: 'order' }, Profile.Attr('age').gte(18)).returnItemOnConditionFailure(), aside()]), TransactionCanceledError);
    expect(e.reasons.map((r) => r.code)).toEqual(['ConditionalCheckFailed', 'None']);
    expect(e.reasons[0]?.item).toMatchObject({ _et: 'Order' });
    expect(e.message).toContain(
      "#0 check Profile {\"pk\":\"K#order\"}: ConditionalCheckFailed (required: the stored item must belong to Profile, and its condition must hold; the stored item belongs to Order (its _et), which Profile's check sees as no item)",
    );
  });
});

describe('a check sees an expired item as no item', () => {
  const aside = () => Session.put({ id: `aside-${Math.random()}`, expiresAt: later() });

  it('with a discriminator and a TTL: a condition that needs the item fails on an expired one, and on an Order', async () => {
    expect(await holdsAloneAndInTransaction(Session.check({ id: 'expired' }, Session.Attr('age').gte(18)), aside())).toBe(false);
    expect(await holdsAloneAndInTransaction(Session.check({ id: 'order' }, Session.Attr('age').gte(18)), aside())).toBe(false);
    expect(await holdsAloneAndInTransaction(Session.check({ id: 'live' }, Session.Attr('age').gte(18)), aside())).toBe(true);
  });

  it('notExists() passes on a missing, an expired and another entity\'s item, and fails on a live own item', async () => {
    for (const id of ['none', 'expired', 'order']) expect(await holdsAloneAndInTransaction(Session.check({ id }, Session.Attr('age').notExists()), aside())).toBe(true);
    expect(await holdsAloneAndInTransaction(Session.check({ id: 'live' }, Session.Attr('age').notExists()), aside())).toBe(false);
  });

  it('ne() holds on no item: it passes on an expired item and on an Order holding the value, and fails on a live own one', async () => {
    expect(await holds(Session.check({ id: 'expired' }, Session.Attr('user').ne('x')))).toBe(true);
    expect(await holds(Session.check({ id: 'order' }, Session.Attr('user').ne('x')))).toBe(true);
    expect(await holds(Session.check({ id: 'live' }, Session.Attr('user').ne('x')))).toBe(false);
  });

  it('the failure says the stored item has expired', async () => {
    const e = await failure(Session.check({ id: 'expired' }, Session.Attr('age').gte(18)).returnItemOnConditionFailure(), ConditionFailedError);
    expect(e.message).toBe(
      "Session: check condition failed: the stored item must belong to Session and not have expired, and its condition must hold; the stored item has expired (its expiresAt has passed), which Session's check sees as no item (stored item attached)",
    );
    expect(e.item).toMatchObject({ id: 'expired', age: 30 });
    const live = await failure(Session.check({ id: 'live' }, Session.Attr('age').notExists()), ConditionFailedError);
    expect(live.message).toBe(
      'Session: check condition failed: its condition must hold on the stored item of Session, if one is stored (another entity\'s item or an expired one counts as none, on which the condition holds)',
    );
  });

  it('without a discriminator: only the TTL is tested', async () => {
    const other = () => Lease.put({ id: `aside-${Math.random()}` });
    expect(await holdsAloneAndInTransaction(Lease.check({ id: 'expired' }, Lease.Attr('age').gte(18)), other())).toBe(false);
    expect(await holdsAloneAndInTransaction(Lease.check({ id: 'live' }, Lease.Attr('age').gte(18)), other())).toBe(true);
    expect(await holdsAloneAndInTransaction(Lease.check({ id: 'expired' }, Lease.Attr('age').notExists()), other())).toBe(true);
    expect(await holdsAloneAndInTransaction(Lease.check({ id: 'none' }, Lease.Attr('age').notExists()), other())).toBe(true);
    expect(await holdsAloneAndInTransaction(Lease.check({ id: 'live' }, Lease.Attr('age').notExists()), other())).toBe(false);
    expect(Lease.check({ id: 'live' }, Lease.Attr('age').gte(18)).build().ConditionExpression).toBe('NOT (#n0 <= :v0) AND #n1 >= :v1');
  });
});

describe('a check in a transaction sent again under its idempotency token', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the same expiry time, so DynamoDB replays it instead of refusing another payload', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const check = Session.check({ id: 'live' }, Session.Attr('age').gte(18));
    const write = Session.put({ id: 'replayed', expiresAt: later() });
    const idempotencyToken = `check-${Math.random()}`;
    const first = await transactWrite([check, write], { idempotencyToken });
    vi.setSystemTime(Date.now() + 5_000);
    // Replayed, not refused (IdempotencyTokenMismatchError): it resolves to what the first send wrote.
    await expect(transactWrite([check, write], { idempotencyToken })).resolves.toHaveProperty('items', first.items);
  });
});

describe('a hand-built condition whose first operand is a value', () => {
  it('is refused before sending (DynamoDB judges it by its values, which a check cannot mirror), naming the entity', async () => {
    const twoValues = new Condition({ kind: 'compare', op: '=', left: { kind: 'value', value: 1 }, right: { kind: 'value', value: 1 } });
    await refusedBeforeSend(sent, ExpressionError, () => Profile.check({ id: 'profile' }, twoValues));
  });
});

describe('AppTable.check(key, condition): whatever is stored under a physical key, as written', () => {
  const aside = () => Profile.put({ id: `aside-${Math.random()}` });

  it('sends the condition with no guard, on physical names', () => {
    const input = Shared.check({ pk: 'K#order' }, Shared.Attr('age').gte(18)).build();
    expect(input).toEqual({ TableName: Shared.name, Key: { pk: 'K#order' }, ConditionExpression: '#n0 >= :v0', ExpressionAttributeNames: { '#n0': 'age' }, ExpressionAttributeValues: { ':v0': 18 } });
  });

  it("judges another entity's item and an expired one by their attributes, alone and in a transaction", async () => {
    expect(await holdsAloneAndInTransaction(Shared.check({ pk: 'K#order' }, Shared.Attr('age').gte(18)), aside())).toBe(true);
    expect(await holdsAloneAndInTransaction(Shared.check({ pk: 'K#order' }, Shared.Attr('_et').eq('Profile')), aside())).toBe(false);
    expect(await holdsAloneAndInTransaction(Shared.check({ pk: 'K#expired' }, Shared.Attr('age').gte(18)), aside())).toBe(true);
    expect(await holdsAloneAndInTransaction(Shared.check({ pk: 'K#none' }, Shared.Attr('age').notExists()), aside())).toBe(true);
  });

  it('a false condition is a ConditionFailedError of the table, with the item as stored when asked for', async () => {
    const e = await failure(Shared.check({ pk: 'K#order' }, Shared.Attr('age').lt(18)).returnItemOnConditionFailure(), ConditionFailedError);
    expect(e.message).toBe(`table ${Shared.name}: check condition failed: its condition must hold (stored item attached)`);
    expect(e.item).toEqual({ pk: 'K#order', _et: 'Order', id: 'order', age: 30, user: 'x' });
    const inTransaction = await failure(transactWrite([Shared.check({ pk: 'K#order' }, Shared.Attr('age').lt(18)), aside()]), TransactionCanceledError);
    expect(inTransaction.reasons.map((r) => r.code)).toEqual(['ConditionalCheckFailed', 'None']);
    expect(inTransaction.message).toContain(`#0 check table ${Shared.name} {"pk":"K#order"}: ConditionalCheckFailed (required: its condition must hold)`);
  });

  it('is refused before sending with a bad key, with an entity condition, and beside another action on the same item', async () => {
    await refusedBeforeSend(sent, KeyError, () => Shared.check({ pk: 'K#order', sk: 'x' } as never, Shared.Attr('age').gte(18)).send());
    await refusedBeforeSend(sent, ExpressionError, () => Shared.check({ pk: 'K#order' }, Profile.Attr('age').gte(18)));
    await refusedBeforeSend(sent, InvalidTransactionError, () => transactWrite([Shared.check({ pk: 'K#profile' }, Shared.Attr('age').gte(18)), Profile.update({ id: 'profile' }).set({ age: 31 })]));
  });
});
