/**
 * A token reused with another payload (DynamoDB's `IdempotentParameterMismatchException`, which
 * DynamoDB Local 3.3.1 sends with no message: the SDK's error says "UnknownError") is an
 * `IdempotencyTokenMismatchError` naming the token and the actions, with the SDK's error as `cause`,
 * on the first attempt, after the SDK's own retries and on a conflict retry alike: the payload was
 * not applied.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynakitError, IdempotencyTokenMismatchError, TransactionOutcomeUnknownError, transactWrite, type EntityInput } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { testClient, testEndpoint, uniqueTableName } from '../support/client.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { failure } from '../support/failure.js';
import { injectFaults } from '../support/faults.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const A = appModel(client, uniqueTableName('tx-mismatch'));
const { User, Order } = A;
useTable(A.AppTable, { clients: [client] });

// Tokens are remembered by the server for 10 minutes: keep ids unique per run.
const RUN = randomBytes(3).toString('hex');
let n = 0;
const id = (label: string): string => `${label}${RUN}-${++n}`;
const user = (userId: string): EntityInput<typeof User> => ({ userId, orgId: 'acme', email: `${userId}@example.com`, name: `Name ${userId}`, age: 30 });
const orderKey = (userId: string) => ({ userId, seq: 1, orderId: 'o1' });

describe('a token reused with another payload', () => {
  it('is an IdempotencyTokenMismatchError that names the token and the action; nothing of the second payload is applied', async () => {
    const u = id('u');
    await User.put(user(u));
    const token = id('tok');
    await transactWrite([User.update({ userId: u }).add({ age: 1 })], { idempotencyToken: token });

    const e = await failure(transactWrite([User.update({ userId: u }).add({ age: 5 })], { idempotencyToken: token }), IdempotencyTokenMismatchError);
    expect(e).toBeInstanceOf(DynakitError);
    expect(e.name).toBe('IdempotencyTokenMismatchError');
    expect(e.idempotencyToken).toBe(token);
    expect((e.cause as Error).name).toBe('IdempotentParameterMismatchException');
    expect((e.cause as Error).message).toBe('UnknownError'); // DynamoDB Local says no more
    expect(e.actions).toEqual([{ index: 0, operation: 'update', entity: 'User', table: A.AppTable.name, key: { pk: `USER#${u}`, sk: 'PROFILE' } }]);
    expect(e.message).toBe(
      `idempotencyToken "${token}" was used within the last 10 minutes by a transaction with a different payload, so DynamoDB applied none of these actions ` +
        `(update User {"pk":"USER#${u}","sk":"PROFILE"} in table ${A.AppTable.name}). New work needs a new token. A retry of the work that used it sends ` +
        "the same payload only from the same builders, or from new ones given the first attempt's time as `now` (timestamps and expiry checks are part of " +
        'the payload); if this is such a retry, the first attempt was applied and the work is done',
    );
    expect((await User.get({ userId: u }))?.age).toBe(31);
  });

  it('several actions are counted per entity in the message and listed with their keys', async () => {
    const u = id('u');
    const token = id('tok');
    await transactWrite([User.put(user(u))], { idempotencyToken: token });
    const other = [User.put(user(`${u}-b`)), User.put(user(`${u}-c`)), Order.delete(orderKey(u))];
    const e = await failure(transactWrite(other, { idempotencyToken: token }), IdempotencyTokenMismatchError);
    const t = A.AppTable.name;
    expect(e.message).toContain(`none of these actions (2 puts of User in table ${t}, 1 delete of Order in table ${t})`);
    expect(e.actions.map((a) => [a.index, a.operation, a.entity, a.key['pk']])).toEqual([
      [0, 'put', 'User', `USER#${u}-b`],
      [1, 'put', 'User', `USER#${u}-c`],
      [2, 'delete', 'Order', `USER#${u}`],
    ]);
    expect(User.keyOf(e.actions[1]!)).toEqual({ userId: `${u}-c` });
    expect(await User.get({ userId: `${u}-b` })).toBeUndefined();
  });

  it('a retry rebuilt from new builders without the first time is the mismatch that means the work is done', async () => {
    const u = id('u');
    await User.put(user(u));
    const token = id('tok');
    const work = () => [User.update({ userId: u }).add({ age: 1 })]; // new builders per delivery
    await transactWrite(work(), { idempotencyToken: token });
    await new Promise((r) => setTimeout(r, 5)); // another updatedAt
    await failure(transactWrite(work(), { idempotencyToken: token }), IdempotencyTokenMismatchError);
    expect((await User.get({ userId: u }))?.age).toBe(31); // applied once, by the first delivery
  });

  it('a builder sent under another token in between still replays the first token with the payload it sent then', async () => {
    // A builder shared by the transactions of several requests (each with its own token): the retry of
    // the first request rebuilt the action at a new time, a mismatch whose message says the work is done.
    const u = id('u');
    await User.put(user(u));
    const rename = User.update({ userId: u }).set({ name: 'Shared' });
    const [first, second] = [id('tok'), id('tok')];
    const sent = (await transactWrite([rename], { idempotencyToken: first })).itemOf(rename);
    await new Promise((r) => setTimeout(r, 5));
    await transactWrite([rename], { idempotencyToken: second });
    await new Promise((r) => setTimeout(r, 5));
    expect((await transactWrite([rename], { idempotencyToken: first })).itemOf(rename)).toEqual(sent);
    expect((await User.get({ userId: u }))?.updatedAt).not.toBe(sent.updatedAt); // the second's time stays
  });

  it("after the SDK's own retries (a connection dropped before the server got it) it is still known: not applied", async () => {
    const retrying = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 3 });
    const m = appModel(retrying, A.AppTable.name);
    // The first transaction goes through; the second's first attempt is dropped, its second answered.
    const faults = injectFaults(retrying, { commands: ['TransactWriteItemsCommand'], script: ['ok', 'dropBefore'] });
    try {
      const u = id('u');
      await m.User.put(user(u));
      const token = id('tok');
      await transactWrite([m.User.update({ userId: u }).add({ age: 1 })], { idempotencyToken: token });
      const e = await transactWrite([m.User.update({ userId: u }).add({ age: 2 })], { idempotencyToken: token }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(IdempotencyTokenMismatchError);
      expect(e).not.toBeInstanceOf(TransactionOutcomeUnknownError);
      expect(((e as IdempotencyTokenMismatchError).cause as { $metadata: { attempts: number } }).$metadata.attempts).toBe(2);
      expect(faults.counters.droppedBefore).toBe(1);
      expect((await m.User.get({ userId: u }))?.age).toBe(31);
    } finally {
      faults.remove();
      retrying.destroy();
    }
  });

  it('met on a conflict retry (another call took the token meanwhile) it ends the retries: the payload was not applied', async () => {
    const u = id('u');
    await User.put(user(u));
    const token = id('tok');
    await transactWrite([User.update({ userId: u }).set({ name: 'Taken' })], { idempotencyToken: token });
    const faults = injectFaults(client, { transactionConflicts: 1 });
    try {
      const e = await failure(
        transactWrite([User.update({ userId: u }).add({ age: 1 })], { idempotencyToken: token, retryConflicts: { maxAttempts: 5, baseDelayMs: 1 } }),
        IdempotencyTokenMismatchError,
      );
      expect(e.idempotencyToken).toBe(token);
      expect(faults.counters.conflicts).toBe(1);
      expect(faults.counters.serverCalls).toBe(1); // the retry, answered with the mismatch, and no more
    } finally {
      faults.remove();
    }
    expect((await User.get({ userId: u }))?.age).toBe(30);
  });
});
