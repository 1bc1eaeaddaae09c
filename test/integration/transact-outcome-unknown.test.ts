/**
 * transactWrite whose outcome is unknown, against DynamoDB Local with faults injected by AWS SDK
 * middleware on a real client (test/support/faults.ts, faults-scripted.ts): a connection dropped
 * before the server got the request or after it applied it, server errors once the SDK's retries
 * ran out, an abort while the request is on its way. Each throws a TransactionOutcomeUnknownError
 * carrying the request's token, and resending the same actions with it applies them exactly once
 * (an ADD counted once, timestamps unchanged). Known outcomes keep their errors: a cancellation, a
 * ValidationException, a token reused with another payload, an abort before sending, a throttling
 * error the SDK did not retry.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynakitError, IdempotencyTokenMismatchError, TransactionCanceledError, TransactionOutcomeUnknownError, transactWrite, type EntityInput } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { testClient, testDocClient, testEndpoint, uniqueTableName } from '../support/client.js';
import { injectFaults } from '../support/faults.js';
import { injectScriptedFaults, type Fault } from '../support/faults-scripted.js';
import { useTable } from '../support/tables.js';
import { failure } from '../support/failure.js';

/** No SDK retries: each fault reaches dynakit. */
const client = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 1 });
/** The SDK's own retries (3 attempts, the same token each time). */
const retrying = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 3 });
const rawClient = testClient();
const raw = testDocClient(rawClient);
const tableName = uniqueTableName('tx-unknown');
const { AppTable, User, Order } = appModel(client, tableName);
const viaRetries = appModel(retrying, tableName);
useTable(AppTable, { clients: [client, retrying, rawClient] });

// Idempotency tokens are remembered by the server for 10 minutes across tables: keep ids unique per run.
const RUN = randomBytes(3).toString('hex');
let n = 0;
const id = (label: string): string => `${label}${RUN}-${++n}`;
const user = (userId: string, extra: Partial<EntityInput<typeof User>> = {}): EntityInput<typeof User> => ({ userId, orgId: 'acme', email: `${userId}@example.com`, name: `Name ${userId}`, ...extra });
const order = (userId: string, total: number) => ({ userId, seq: 1, orderId: 'o1', total, placedAt: new Date('2024-05-06T07:08:09.000Z'), lines: [] });
const orderKey = (userId: string) => ({ userId, seq: 1, orderId: 'o1' });

async function storedUser(userId: string): Promise<Record<string, unknown> | undefined> {
  return (await raw.send(new GetCommand({ TableName: tableName, Key: { pk: `USER#${userId}`, sk: 'PROFILE' }, ConsistentRead: true }))).Item;
}

/** Runs `body` with the random injector scripted on TransactWriteItems, and removes it after. */
async function withDrops<T>(on: DynamoDBClient, script: ('ok' | 'dropBefore' | 'dropAfter')[], body: (faults: ReturnType<typeof injectFaults>) => Promise<T>): Promise<T> {
  const faults = injectFaults(on, { commands: ['TransactWriteItemsCommand'], script });
  try {
    return await body(faults);
  } finally {
    faults.remove();
  }
}

/** Runs `body` with the scripted injector on `on`, loaded with `script`, and removes it after. */
async function withScript<T>(on: DynamoDBClient, script: readonly Fault[], body: (faults: ReturnType<typeof injectScriptedFaults>) => Promise<T>, abort?: AbortController): Promise<T> {
  const faults = injectScriptedFaults(on);
  faults.load(script, abort === undefined ? {} : { abort });
  try {
    return await body(faults);
  } finally {
    faults.remove();
  }
}


describe('a connection dropped: TransactionOutcomeUnknownError, and a resend with its token applies once', () => {
  it('after the server applied it: the error carries the token dynakit made; the resend of the same builders is replayed', async () => {
    const u = id('u');
    await User.put(user(u, { score: 10 }));
    const v = id('v');
    const actions = [User.update({ userId: u }).add({ score: 5 }), User.put(user(v, { score: 1 }))];
    const { error: e, sent } = await withDrops(client, ['dropAfter'], async (faults) => ({ error: await failure(transactWrite(actions), TransactionOutcomeUnknownError), sent: faults.calls.map((c) => c.body) }));

    expect(e).toBeInstanceOf(TransactionOutcomeUnknownError);
    expect(e).toBeInstanceOf(DynakitError);
    expect(e.idempotencyToken).toBe(sent[0]!['ClientRequestToken']);
    expect(e.idempotencyToken).toMatch(/^[0-9a-f-]{36}$/);
    expect((e.cause as { code?: string }).code).toBe('ECONNRESET');
    expect(e.actions).toEqual([
      { index: 0, operation: 'update', entity: 'User', table: tableName, key: { pk: `USER#${u}`, sk: 'PROFILE' } },
      { index: 1, operation: 'put', entity: 'User', table: tableName, key: { pk: `USER#${v}`, sk: 'PROFILE' } },
    ]);
    expect(e.message).toBe(
      `transaction outcome unknown (TimeoutError: ${(e.cause as Error).message}): it may or may not have been applied (1 update and 1 put of User in table ${tableName}); ` +
        `sending the same actions again with idempotencyToken "${e.idempotencyToken}" within 10 minutes applies them at most once`,
    );
    const applied = await storedUser(u);
    expect(applied?.['score']).toBe(15); // it was applied; the caller was not told

    // The resend: the same builders, the error's token. Replayed: the ADD is counted once, the stamps kept.
    await withDrops(client, [], async (faults) => {
      await transactWrite(actions, { idempotencyToken: e.idempotencyToken });
      expect(faults.calls[0]!.body).toEqual(sent[0]); // the same payload, timestamps included
    });
    expect(await storedUser(u)).toEqual(applied);
    expect((await storedUser(v))?.['score']).toBe(1);
  });

  it('before the server got it: nothing applied; the resend with the token applies it once, and a third send does not', async () => {
    const u = id('u');
    await Order.put(order(u, 10));
    const actions = [Order.update(orderKey(u)).add({ total: 5 })];
    const e = await withDrops(client, ['dropBefore'], () => failure(transactWrite(actions), TransactionOutcomeUnknownError));
    expect(e).toBeInstanceOf(TransactionOutcomeUnknownError);
    expect(e.actions).toEqual([{ index: 0, operation: 'update', entity: 'Order', table: tableName, key: { pk: `USER#${u}`, sk: 'ORDER#0000000000000001#o1' } }]);
    // The composites come back from the stored key, the padded number as a number.
    expect(Order.keyOf(e.actions[0]!)).toEqual(orderKey(u));
    expect(User.keyOf(e.actions[0]!)).toBeUndefined();
    expect(e.message).toContain(`(update Order {"pk":"USER#${u}","sk":"ORDER#0000000000000001#o1"} in table ${tableName})`);
    expect((await Order.get(orderKey(u)))?.total).toBe(10);
    await transactWrite(actions, { idempotencyToken: e.idempotencyToken });
    await transactWrite(actions, { idempotencyToken: e.idempotencyToken });
    expect((await Order.get(orderKey(u)))?.total).toBe(15);
  });

  it("the caller's own token is the one the error carries; new builders stamped with the same `now` replay too", async () => {
    const u = id('u');
    await User.put(user(u, { score: 1 }));
    const token = id('tok');
    const now = new Date('2026-12-06T10:00:00.000Z');
    const build = () => [User.update({ userId: u }).add({ score: 2 })];
    const e = await withDrops(client, ['dropAfter'], () => failure(transactWrite(build(), { idempotencyToken: token, now }), TransactionOutcomeUnknownError));
    expect(e).toBeInstanceOf(TransactionOutcomeUnknownError);
    expect(e.idempotencyToken).toBe(token);
    await transactWrite(build(), { idempotencyToken: e.idempotencyToken, now });
    expect(await storedUser(u)).toMatchObject({ score: 3, updatedAt: now.toISOString() });
  });

  it("after the SDK's own retries ran out on dropped connections: one token for every attempt", async () => {
    const u = id('u');
    await viaRetries.Order.put(order(u, 10));
    const actions = [viaRetries.Order.update(orderKey(u)).add({ total: 5 })];
    const { e, tokens } = await withDrops(retrying, ['dropAfter', 'dropBefore', 'dropBefore'], async (faults) => ({
      e: await failure(transactWrite(actions), TransactionOutcomeUnknownError),
      tokens: faults.calls.map((c) => c.body['ClientRequestToken']),
    }));
    expect(e).toBeInstanceOf(TransactionOutcomeUnknownError);
    expect(tokens).toEqual([e.idempotencyToken, e.idempotencyToken, e.idempotencyToken]);
    await transactWrite(actions, { idempotencyToken: e.idempotencyToken });
    expect((await Order.get(orderKey(u)))?.total).toBe(15);
  });
});

describe('server errors and throttling', () => {
  it("a 500 or 503 once the SDK's retries ran out is an unknown outcome", async () => {
    for (const error of ['InternalServerError', 'ServiceUnavailable'] as const) {
      const u = id('u');
      await Order.put(order(u, 10));
      const actions = [viaRetries.Order.update(orderKey(u)).add({ total: 5 })];
      const script: Fault[] = [{ kind: 'error', error }, { kind: 'error', error }, { kind: 'error', error }];
      const e = await withScript(retrying, script, () => failure(transactWrite(actions), TransactionOutcomeUnknownError));
      expect(e).toBeInstanceOf(TransactionOutcomeUnknownError);
      expect((e.cause as Error).name).toBe(error);
      await transactWrite(actions, { idempotencyToken: e.idempotencyToken });
      expect((await Order.get(orderKey(u)))?.total).toBe(15);
    }
  });

  it('a throttling error the SDK did not retry is known (nothing applied) and passes through; after a retry it is unknown', async () => {
    const u = id('u');
    await Order.put(order(u, 10));
    const once = await withScript(client, [{ kind: 'error', error: 'ProvisionedThroughputExceededException' }], () => failure(transactWrite([Order.update(orderKey(u)).add({ total: 5 })]), Error));
    expect(once).not.toBeInstanceOf(DynakitError);
    expect(once.name).toBe('ProvisionedThroughputExceededException');

    // A 500 (maybe applied), then throttled: the SDK does not say what the first attempt did.
    const actions = [viaRetries.Order.update(orderKey(u)).add({ total: 5 })];
    const script: Fault[] = [{ kind: 'error', error: 'InternalServerError' }, { kind: 'error', error: 'ThrottlingException' }, { kind: 'error', error: 'ThrottlingException' }];
    const retried = await withScript(retrying, script, async (faults) => {
      const e = await failure(transactWrite(actions, { abortSignal: AbortSignal.timeout(20_000) }), TransactionOutcomeUnknownError);
      expect(faults.calls.map((c) => c.client)).toEqual(['InternalServerError', 'ThrottlingException', 'ThrottlingException']);
      return e;
    });
    expect(retried).toBeInstanceOf(TransactionOutcomeUnknownError);
    expect((retried.cause as Error).name).toBe('ThrottlingException');
    await transactWrite(actions, { idempotencyToken: retried.idempotencyToken });
    expect((await Order.get(orderKey(u)))?.total).toBe(15);
  });
});

describe('known outcomes keep their errors', () => {
  it('a cancelled transaction is a TransactionCanceledError, also when the SDK resent it after a dropped connection', async () => {
    const u = id('u');
    const actions = [viaRetries.User.update({ userId: u }).add({ score: 1 })]; // the user does not exist: cancelled
    const e = await withDrops(retrying, ['dropBefore'], () => failure(transactWrite(actions), TransactionCanceledError));
    expect(e).toBeInstanceOf(TransactionCanceledError);
    expect(e.reasons.map((r) => r.code)).toEqual(['ConditionalCheckFailed']);
    expect(await storedUser(u)).toBeUndefined();
  });

  it('a ValidationException passes through as it came; a token reused with another payload is an IdempotencyTokenMismatchError, not an unknown outcome', async () => {
    const u = id('u');
    await Order.put(order(u, 10));
    const invalid = await withScript(client, [{ kind: 'error', error: 'ValidationException' }], () => failure(transactWrite([Order.update(orderKey(u)).add({ total: 5 })]), Error));
    expect(invalid.name).toBe('ValidationException');

    const token = id('tok');
    await transactWrite([Order.update(orderKey(u)).add({ total: 1 })], { idempotencyToken: token });
    const mismatch = await failure(transactWrite([Order.update(orderKey(u)).add({ total: 2 })], { idempotencyToken: token }), IdempotencyTokenMismatchError);
    expect((mismatch.cause as Error).name).toBe('IdempotentParameterMismatchException');
    expect((await Order.get(orderKey(u)))?.total).toBe(11);
  });

  it('an abort before sending rejects with its reason, nothing sent; so does an abort during a conflict retry wait', async () => {
    const u = id('u');
    await Order.put(order(u, 10));
    const reason = new Error('deadline passed');
    await withDrops(client, [], async (faults) => {
      await expect(transactWrite([Order.update(orderKey(u)).add({ total: 5 })], { abortSignal: AbortSignal.abort(reason) })).rejects.toBe(reason);
      expect(faults.calls).toEqual([]);
    });

    const abort = new AbortController();
    const conflicts = injectFaults(client, { transactionConflicts: 1 });
    // Full jitter could draw a wait shorter than the test's pause, and the retry would then succeed.
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.99); // the wait is ~4.95 s
    try {
      const sending = transactWrite([Order.update(orderKey(u)).add({ total: 5 })], { retryConflicts: { maxAttempts: 3, baseDelayMs: 5_000, maxDelayMs: 5_000 }, abortSignal: abort.signal });
      await new Promise((r) => setTimeout(r, 100)); // the first attempt is cancelled, the wait begins
      abort.abort(reason);
      await expect(sending).rejects.toBe(reason);
      expect(conflicts.counters.conflicts).toBe(1);
      expect(conflicts.counters.serverCalls).toBe(0);
    } finally {
      random.mockRestore();
      conflicts.remove();
    }
    expect((await Order.get(orderKey(u)))?.total).toBe(10);
  });
});

describe('an abort while the request is on its way', () => {
  it('after the server applied it: TransactionOutcomeUnknownError whose cause is the reason; the resend is replayed', async () => {
    const u = id('u');
    await User.put(user(u, { score: 10 }));
    const actions = [User.update({ userId: u }).add({ score: 5 })];
    const abort = new AbortController();
    const e = await withScript(client, [{ kind: 'abortAfter' }], () => failure(transactWrite(actions, { abortSignal: abort.signal }), TransactionOutcomeUnknownError), abort);
    expect(e).toBeInstanceOf(TransactionOutcomeUnknownError);
    expect(e.cause).toBe(abort.signal.reason);
    expect(e.message).toContain('(Error: aborted by the test after the server applied the call)');
    expect((await storedUser(u))?.['score']).toBe(15);
    await transactWrite(actions, { idempotencyToken: e.idempotencyToken });
    expect((await storedUser(u))?.['score']).toBe(15);
  });

  it('once handed to the SDK, an abort is unknown even if the request had not left yet (dynakit cannot tell): the resend applies it once', async () => {
    const u = id('u');
    await Order.put(order(u, 10));
    const actions = [Order.update(orderKey(u)).add({ total: 5 })];
    const abort = new AbortController();
    const e = await withScript(
      client,
      [{ kind: 'abortBefore' }],
      async (faults) => {
        const error = await failure(transactWrite(actions, { abortSignal: abort.signal }), TransactionOutcomeUnknownError);
        expect(faults.calls.map((c) => c.server)).toEqual(['not sent']);
        return error;
      },
      abort,
    );
    expect(e).toBeInstanceOf(TransactionOutcomeUnknownError);
    expect(e.cause).toBe(abort.signal.reason);
    expect((await Order.get(orderKey(u)))?.total).toBe(10);
    await transactWrite(actions, { idempotencyToken: e.idempotencyToken });
    expect((await Order.get(orderKey(u)))?.total).toBe(15);
  });
});

describe('timestamps under the token dynakit makes', () => {
  it('a builder sent in two calls without a token is two writes, each with its own time and token', async () => {
    const u = id('u');
    await User.put(user(u, { score: 0 }));
    const bump = User.update({ userId: u }).add({ score: 1 });
    const put = User.put(user(id('p'), { score: 7 }));
    const sent = await withDrops(client, [], async (faults) => {
      await transactWrite([bump, put]);
      const first = (await storedUser(u))?.['updatedAt'];
      await new Promise((r) => setTimeout(r, 5));
      await transactWrite([bump, put]);
      expect((await storedUser(u))?.['updatedAt']).not.toBe(first);
      return faults.calls.map((c) => c.body);
    });
    expect((await storedUser(u))?.['score']).toBe(2);
    expect(sent[0]!['ClientRequestToken']).not.toBe(sent[1]!['ClientRequestToken']);
    const stamps = sent.map((b) => JSON.stringify(b['TransactItems']).match(/\d{4}-\d\d-\d\dT[\d:.]+Z/g));
    expect(stamps[0]).toHaveLength(3); // the update's updatedAt, the put's createdAt and updatedAt
    expect(stamps[0]).not.toEqual(stamps[1]);
  });
});
