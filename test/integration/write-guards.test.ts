/**
 * A conditional write (`put().where()`, `create().where()`, `delete().where()`, an upsert's
 * `where()`) judges its condition on what its entity's reads see, on DynamoDB Local: an expired
 * item (TTL passed, not deleted yet) counts as none, and another entity's item under the same key
 * (single-table design) is never replaced or deleted. Each write runs alone and in `transactWrite`,
 * on no item, a live item of its entity, an expired one, another entity's, and an item that holds
 * only its key, in tables with a discriminator and a TTL, either, or neither.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ConditionFailedError, TransactionCanceledError, VersionConflictError, defineEntity, transactWrite, type Condition } from '../../src/index.js';
import { storedItemOf } from '../../src/operations/condition-failure.js';
import { testClient, testDocClient } from '../support/client.js';
import { failure } from '../support/failure.js';
import { seenEntities } from '../support/seen-entities.js';
import { useTable } from '../support/tables.js';
import { expiredLongAgo } from '../support/ttl.js';

const client = testClient();
const raw = testDocClient(client);
const HOUR = 3_600_000;
const later = () => new Date(Date.now() + HOUR);

const { Shared, Profile, Session, Order, Leases, Lease, Probes, Probe } = seenEntities(client);
// A versioned entity beside them: its version guard names the owner, its where() adds the expiry.
const Ticket = defineEntity({
  table: Shared,
  name: 'Ticket',
  schema: z.object({ id: z.string(), age: z.number().optional(), user: z.string().optional(), expiresAt: z.date().optional() }),
  keys: { primary: { pk: 'K#{id}' } },
  ttl: 'expiresAt',
  version: 'v',
});

useTable(Shared);
useTable(Leases);
useTable(Probes, { clients: [client] });

/** The four entities through one type (Session's, whose schema holds every other's fields): the writes below use only `id`, `age` and `user`. */
type Writer = typeof Session;
const writer = (entity: unknown): Writer => entity as Writer;
type State = 'no item' | 'own live item' | 'own expired item' | "another entity's item" | "another entity's expired item" | 'key-only item';

let counter = 0;

/**
 * Stores `state` under a new id of `entity`'s key: its own items hold `age: 30, user: 'x'`, the Order
 * only `age: 30`, the expired Ticket (an entity with the same TTL attribute) `age: 30` and no user.
 */
async function seed(entity: Writer, state: State): Promise<string> {
  const id = `w${++counter}`;
  const own = { id, age: 30, user: 'x' };
  if (state === 'own live item') await entity.put(entity.model.ttl === undefined ? own : { ...own, expiresAt: later() });
  if (state === 'own expired item') await entity.put({ ...own, expiresAt: expiredLongAgo() });
  if (state === "another entity's item") await Order.put({ id, age: 30 });
  if (state === "another entity's expired item") await Ticket.create({ id, age: 30, expiresAt: expiredLongAgo() });
  if (state === 'key-only item') await raw.send(new PutCommand({ TableName: entity.model.table.name, Item: entity.model.keys.primaryKey({ id }) }));
  return id;
}

/** What is stored under `id` of `entity`'s key, as stored (any entity's, or none). */
async function stored(entity: Writer, id: string): Promise<Record<string, unknown> | undefined> {
  return (await raw.send(new GetCommand({ TableName: entity.model.table.name, Key: entity.model.keys.primaryKey({ id }), ConsistentRead: true }))).Item;
}

// C1 fails on a missing item and holds on the own items (age 30) and on the Order (age 30);
// C2 holds on a missing item and on the Order (no user), and fails on the own items (user 'x').
const C1 = (e: Writer): Condition => e.Attr('age').gte(18);
const C2 = (e: Writer): Condition => e.Attr('user').notExists();

const writes = {
  'put.where(C1)': (e: Writer, id: string) => e.put({ id, age: 1 }).where(C1(e)),
  'put.where(C2)': (e: Writer, id: string) => e.put({ id, age: 1 }).where(C2(e)),
  'create.where(C1)': (e: Writer, id: string) => e.create({ id, age: 1 }).where(C1(e)),
  'create.where(C2)': (e: Writer, id: string) => e.create({ id, age: 1 }).where(C2(e)),
  create: (e: Writer, id: string) => e.create({ id, age: 1 }),
  'delete.where(C1)': (e: Writer, id: string) => e.delete({ id }).where(C1(e)),
  'delete.where(C2)': (e: Writer, id: string) => e.delete({ id }).where(C2(e)),
} as const;
type Write = keyof typeof writes;

/**
 * Whether each write passes on each state, as DynamoDB Local answered the expressions sent (checked
 * before they were written): `ok`, or `refused` (ConditionFailedError alone, a ConditionalCheckFailed
 * reason in a transaction). A put or delete that passes on no item writes or leaves nothing to see.
 */
const table: Record<string, { entity: Writer; states: readonly State[]; outcomes: Record<Write, string> }> = {
  // discriminator and TTL: another entity's item, expired or not, and a key-only item (no entity's)
  // are refused by every where() and by create(), which writes over only its own expired item
  Session: {
    entity: Session,
    states: ['no item', 'own live item', 'own expired item', "another entity's item", "another entity's expired item", 'key-only item'],
    outcomes: {
      'put.where(C1)': 'refused ok refused refused refused refused',
      'put.where(C2)': 'ok refused ok refused refused refused',
      'create.where(C1)': 'refused refused refused refused refused refused',
      'create.where(C2)': 'ok refused ok refused refused refused',
      create: 'ok refused ok refused refused refused',
      'delete.where(C1)': 'refused ok refused refused refused refused',
      'delete.where(C2)': 'ok refused ok refused refused refused',
    },
  },
  // discriminator only
  Profile: {
    entity: writer(Profile),
    states: ['no item', 'own live item', "another entity's item", 'key-only item'],
    outcomes: {
      'put.where(C1)': 'refused ok refused refused',
      'put.where(C2)': 'ok refused refused refused',
      'create.where(C1)': 'refused refused refused refused',
      'create.where(C2)': 'ok refused refused refused',
      create: 'ok refused refused refused',
      'delete.where(C1)': 'refused ok refused refused',
      'delete.where(C2)': 'ok refused refused refused',
    },
  },
  // TTL only: a key-only item is judged by its attributes (C2 holds on it)
  Lease: {
    entity: writer(Lease),
    states: ['no item', 'own live item', 'own expired item', 'key-only item'],
    outcomes: {
      'put.where(C1)': 'refused ok refused refused',
      'put.where(C2)': 'ok refused ok ok',
      'create.where(C1)': 'refused refused refused refused',
      'create.where(C2)': 'ok refused ok refused',
      create: 'ok refused ok refused',
      'delete.where(C1)': 'refused ok refused refused',
      'delete.where(C2)': 'ok refused ok ok',
    },
  },
  // neither: the condition is sent as it is
  Probe: {
    entity: writer(Probe),
    states: ['no item', 'own live item', 'key-only item'],
    outcomes: {
      'put.where(C1)': 'refused ok refused',
      'put.where(C2)': 'ok refused ok',
      'create.where(C1)': 'refused refused refused',
      'create.where(C2)': 'ok refused refused',
      create: 'ok refused refused',
      'delete.where(C1)': 'refused ok refused',
      'delete.where(C2)': 'ok refused ok',
    },
  },
};

const cases = Object.entries(table).flatMap(([name, { entity, states, outcomes }]) =>
  (Object.keys(writes) as Write[]).flatMap((write) => {
    const expected = outcomes[write].split(' ');
    expect(expected).toHaveLength(states.length);
    return states.flatMap((state, i) => (['alone', 'in a transaction'] as const).map((mode) => ({ name, entity, write, state, mode, expected: expected[i]! })));
  }),
);

/** `ok`, or `refused` when the write's condition was false (alone, or as the first of two actions of a transaction). */
async function outcome(run: () => PromiseLike<unknown>, mode: 'alone' | 'in a transaction'): Promise<string> {
  try {
    await run();
    return 'ok';
  } catch (e) {
    if (mode === 'alone' && e instanceof ConditionFailedError) return 'refused';
    if (e instanceof TransactionCanceledError && e.reasons[0]?.code === 'ConditionalCheckFailed' && e.reasons[1]?.code === 'None') return 'refused';
    throw e;
  }
}

describe('each conditional write on each stored item, as DynamoDB Local judges what is sent', () => {
  it.each(cases)('$name $write on $state, $mode: $expected', async ({ entity, write, state, mode, expected }) => {
    const id = await seed(entity, state);
    const before = await stored(entity, id);
    const builder = writes[write](entity, id);
    const aside = Probe.put({ id: `aside-${++counter}` });
    expect(await outcome(() => (mode === 'alone' ? builder : transactWrite([builder, aside])), mode)).toBe(expected);
    const after = await stored(entity, id);
    if (expected === 'refused') expect(after).toEqual(before);
    else if (write.startsWith('delete')) expect(after).toBeUndefined();
    else expect(after).toMatchObject({ id, age: 1 });
  });
});

describe('what a refused write says', () => {
  it("put.where() on another entity's item: what it required, and whose the stored item is (attached as stored)", async () => {
    const id = await seed(Session, "another entity's item");
    const e = await failure(Session.put({ id, age: 1 }).where(C1(Session)).returnItemOnConditionFailure(), ConditionFailedError);
    expect(e.message).toBe(
      "Session: put condition failed: the stored item must belong to Session and not have expired, and its where() condition must hold; the stored item belongs to Order (its _et), which Session's put never writes over (stored item attached)",
    );
    expect(e.item).toMatchObject({ _et: 'Order', age: 30 });
    expect(storedItemOf(Session.model, e)).toBeUndefined();
    const holdsThere = await failure(Session.put({ id, age: 1 }).where(C2(Session)), ConditionFailedError);
    expect(holdsThere.message).toBe(
      'Session: put condition failed: a stored item must belong to Session, and its where() condition must hold on it unless it has expired (an expired item counts as none, on which the condition holds)',
    );
  });

  it("create() on another entity's expired item: refused as its live item is, naming that entity; the item is kept", async () => {
    const id = await seed(Session, "another entity's expired item");
    const e = await failure(Session.create({ id, age: 1 }), ConditionFailedError);
    expect(e.message).toBe(
      "Session: create condition failed: the item must not exist yet (or be an expired item of Session); the stored item belongs to Ticket (its _et), which Session's create never writes over (stored item attached)",
    );
    expect(e.item).toMatchObject({ _et: 'Ticket', age: 30 });
    expect(storedItemOf(Session.model, e)).toBeUndefined();
    expect(await stored(Session, id)).toMatchObject({ _et: 'Ticket', age: 30 });
    const own = await seed(Session, 'own expired item');
    await Session.create({ id: own, age: 1 });
    expect(await Session.get({ id: own })).toEqual({ id: own, age: 1 });
  });

  it('delete.where() on an expired item: the item it saw as none', async () => {
    const id = await seed(Session, 'own expired item');
    const e = await failure(Session.delete({ id }).where(C1(Session)).returnItemOnConditionFailure(), ConditionFailedError);
    expect(e.message).toBe(
      "Session: delete condition failed: a stored item must belong to Session, and the stored item must not have expired, and its where() condition must hold; the stored item has expired (its expiresAt has passed), which Session's delete sees as no item (stored item attached)",
    );
    expect(storedItemOf(Session.model, e)).toMatchObject({ id, age: 30 });
    const lease = await failure(Lease.delete({ id: await seed(writer(Lease), 'own expired item') }).where(C1(writer(Lease))), ConditionFailedError);
    expect(lease.message).toBe('Lease: delete condition failed: the stored item must not have expired, and its where() condition must hold');
  });

  it('in a transaction, the cancellation reason says the same', async () => {
    const id = await seed(writer(Profile), "another entity's item");
    const e = await failure(transactWrite([Profile.delete({ id }).where(C2(writer(Profile))).returnItemOnConditionFailure(), Probe.put({ id: `aside-${++counter}` })]), TransactionCanceledError);
    expect(e.reasons.map((r) => r.code)).toEqual(['ConditionalCheckFailed', 'None']);
    expect(e.message).toContain(
      `#0 delete Profile {"pk":"K#${id}"}: ConditionalCheckFailed (required: a stored item must belong to Profile, and its where() condition must hold; the stored item belongs to Order (its _et), which Profile's delete never deletes)`,
    );
  });

  it('a put without where() still replaces whatever is stored (its documented meaning): the Order is gone', async () => {
    const id = await seed(Session, "another entity's item");
    await Session.put({ id, age: 1 });
    expect(await stored(Session, id)).toMatchObject({ _et: 'Session', age: 1 });
  });
});

describe('with optimistic locking', () => {
  it("a versioned put requires its entity's live item at that version, on which where() is judged; the version decides a race", async () => {
    const created = await Ticket.create({ id: `t${++counter}`, age: 30, expiresAt: later() });
    expect(await outcome(() => Ticket.put({ ...created, age: 31 }).where(Ticket.Attr('age').gte(18)), 'alone')).toBe('ok');
    const conflict = await failure(Ticket.put({ ...created, age: 32 }).where(Ticket.Attr('age').gte(18)), VersionConflictError);
    expect(conflict.expectedVersion).toBe(1);
    const expired = await Ticket.create({ id: `t${++counter}`, age: 30, expiresAt: expiredLongAgo() });
    // The version the caller read is gone once the item has expired (reads show none): a conflict, as for an update.
    const e = await failure(Ticket.put({ ...expired, age: 31 }).where(Ticket.Attr('age').gte(18)).returnItemOnConditionFailure(), VersionConflictError);
    expect(e.message).toBe('Ticket: put expected version 1 but the stored item has expired (its TTL has passed: reads show no item)');
    const kept = await raw.send(new GetCommand({ TableName: Ticket.model.table.name, Key: Ticket.model.keys.primaryKey({ id: expired.id }), ConsistentRead: true }));
    expect(kept.Item).toMatchObject({ age: 30, v: 1 });
  });
});

describe("an upsert's where() in a transaction", () => {
  it('is judged on a live item or none, as alone: an expired item cancels the transaction, whatever the condition', async () => {
    const upsert = (id: string, where: Condition) => Session.update({ id }).set({ age: 5, expiresAt: later() }).upsert().where(where);
    const aside = () => Probe.put({ id: `aside-${++counter}` });
    const expired = await seed(Session, 'own expired item'); // age 30, user 'x'
    expect(await outcome(() => transactWrite([upsert(expired, C1(Session)), aside()]), 'in a transaction')).toBe('refused');
    expect(await outcome(() => transactWrite([upsert(expired, C2(Session)), aside()]), 'in a transaction')).toBe('refused');
    const none = await seed(Session, 'no item');
    expect(await outcome(() => transactWrite([upsert(none, C1(Session)), aside()]), 'in a transaction')).toBe('refused');
    expect(await outcome(() => transactWrite([upsert(none, C2(Session)), aside()]), 'in a transaction')).toBe('ok');
    const live = await seed(Session, 'own live item');
    expect(await outcome(() => transactWrite([upsert(live, C1(Session)), aside()]), 'in a transaction')).toBe('ok');
    expect(await outcome(() => transactWrite([upsert(live, C2(Session)), aside()]), 'in a transaction')).toBe('refused');
    const order = await seed(Session, "another entity's item");
    expect(await outcome(() => transactWrite([upsert(order, C2(Session)), aside()]), 'in a transaction')).toBe('refused');
    // Unasked (no returnItemOnConditionFailure()), the reason names whose item stopped it, not only every requirement.
    const e = await failure(transactWrite([upsert(order, C2(Session)), aside()]), TransactionCanceledError);
    expect(e.message).toContain('the stored item belongs to Order');
  });
});

describe('an upsert over an expired item of its entity', () => {
  const aside = () => Probe.put({ id: `aside-${++counter}` });
  const required =
    "(required: a stored item must belong to Session and not have expired (an upsert in a transaction cannot delete an expired item first as one sent alone does, and merged into it would bring back what it does not set: send it alone, or delete the item first); the stored item has expired (its expiresAt has passed), which Session's update sees as no item)";

  it('alone: clears it and creates the item from what the upsert sets, as on a missing key (leaving the TTL alone, without one)', async () => {
    const id = await seed(Session, 'own expired item'); // age 30, user 'x'
    await Session.update({ id }).set({ age: 5 }).upsert();
    expect(await Session.get({ id })).toEqual({ id, age: 5 });
    const missing = await seed(Session, 'no item');
    await Session.update({ id: missing }).set({ age: 5 }).upsert();
    expect(await Session.get({ id: missing })).toEqual({ id: missing, age: 5 });
    const refreshed = await seed(Session, 'own expired item');
    const until = later();
    await Session.update({ id: refreshed }).set({ age: 5 }).setIfNotExists({ expiresAt: until }).upsert();
    expect(await Session.get({ id: refreshed })).toEqual({ id: refreshed, age: 5, expiresAt: new Date(Math.floor(until.getTime() / 1000) * 1000) });
  });

  it('in a transaction: cancelled, whether it sets, removes or leaves the TTL alone (merged into, the item would keep what the upsert does not set, or stay expired); the item is kept', async () => {
    const upserts = {
      'leaves the TTL alone': (id: string) => Session.update({ id }).set({ age: 5 }).upsert(),
      'setIfNotExists the TTL': (id: string) => Session.update({ id }).set({ age: 5 }).setIfNotExists({ expiresAt: later() }).upsert(),
      'sets the TTL': (id: string) => Session.update({ id }).set({ age: 5, expiresAt: later() }).upsert(),
      'removes the TTL': (id: string) => Session.update({ id }).set({ age: 5 }).remove('expiresAt').upsert(),
    };
    for (const [how, upsert] of Object.entries(upserts)) {
      const id = await seed(Session, 'own expired item');
      const before = await stored(Session, id);
      const e = await failure(transactWrite([upsert(id).returnItemOnConditionFailure(), aside()]), TransactionCanceledError);
      expect(e.reasons.map((r) => r.code), how).toEqual(['ConditionalCheckFailed', 'None']);
      expect(e.message, how).toContain(required);
      expect(await stored(Session, id), how).toEqual(before);
    }
  });

  it('in a transaction, a live item or none is merged into or created as before', async () => {
    const live = await seed(Session, 'own live item');
    await transactWrite([Session.update({ id: live }).set({ age: 5 }).upsert(), aside()]);
    expect(await Session.get({ id: live })).toMatchObject({ age: 5, user: 'x', expiresAt: expect.any(Date) });
    const none = await seed(Session, 'no item');
    await transactWrite([Session.update({ id: none }).set({ age: 5 }).upsert().where(C2(Session)), aside()]);
    expect(await Session.get({ id: none })).toEqual({ id: none, age: 5 });
  });
});

describe("a transaction's time", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('judges expiry at the transaction\'s now', async () => {
    const id = await seed(Session, 'own live item'); // expires in an hour
    const inTwoHours = new Date(Date.now() + 2 * HOUR);
    const del = Session.delete({ id }).where(C1(Session));
    expect(await outcome(() => transactWrite([del, Probe.put({ id: `aside-${++counter}` })], { now: inTwoHours }), 'in a transaction')).toBe('refused');
    expect(await outcome(() => transactWrite([del, Probe.put({ id: `aside-${++counter}` })], { now: new Date() }), 'in a transaction')).toBe('ok');
  });

  it('a retry under the same idempotency token sends the same payload, which DynamoDB replays', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const id = await seed(Session, 'own live item');
    const actions = [Session.delete({ id }).where(C1(Session)), Session.put({ id: `w${++counter}`, age: 1 }).where(C2(Session))];
    const idempotencyToken = `write-guards-${Math.random()}`;
    const first = await transactWrite(actions, { idempotencyToken });
    vi.setSystemTime(Date.now() + 5_000);
    // Replayed, not refused (IdempotencyTokenMismatchError): it resolves to what the first send wrote.
    await expect(transactWrite(actions, { idempotencyToken })).resolves.toHaveProperty('items', first.items);
  });
});
