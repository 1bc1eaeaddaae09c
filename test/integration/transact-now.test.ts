/**
 * `transactWrite(actions, { now })`: a retry built from new builders (another process, a redelivered
 * message) with the same idempotency token sends the same payload when it carries the time of the
 * first attempt, so DynamoDB replays it instead of answering IdempotentParameterMismatchException
 * (an IdempotencyTokenMismatchError).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { IdempotencyTokenMismatchError, InvalidTransactionError, buildTransactWrite, transactWrite, type EntityInput } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const raw = testDocClient(client);
const A = appModel(client, uniqueTableName('tx-now'));
const { User } = A;
useTable(A.AppTable);

// Idempotency tokens are remembered by the server for 10 minutes: keep ids unique per run.
const RUN = randomBytes(3).toString('hex');
let n = 0;
const id = (label: string): string => `${label}${RUN}-${++n}`;
const user = (userId: string): EntityInput<typeof User> => ({ userId, orgId: 'acme', email: `${userId}@example.com`, name: `Name ${userId}`, age: 30 });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function stored(userId: string): Promise<Record<string, unknown>> {
  return (await raw.send(new GetCommand({ TableName: A.AppTable.name, Key: { pk: `USER#${userId}`, sk: 'PROFILE' }, ConsistentRead: true }))).Item ?? {};
}

/** What a worker builds from a message: new builders on every delivery. */
const work = (created: string, bumped: string) => [User.create(user(created)), User.update({ userId: bumped }).add({ age: 1 })];

describe('transactWrite with a given time', () => {
  it('a redelivered message built from new builders is replayed once with the time of the first attempt', async () => {
    const [created, bumped] = [id('c'), id('b')];
    await User.put(user(bumped));
    const message = { token: id('tok'), at: new Date(Date.now() - 60_000) };

    await transactWrite(work(created, bumped), { idempotencyToken: message.token, now: message.at });
    await pause(10);
    await transactWrite(work(created, bumped), { idempotencyToken: message.token, now: message.at }); // the redelivery

    const [c, b] = [await stored(created), await stored(bumped)];
    expect(b['age']).toBe(31); // applied once
    expect(c['createdAt']).toBe(message.at.toISOString());
    expect(c['updatedAt']).toBe(message.at.toISOString());
    expect(b['updatedAt']).toBe(message.at.toISOString());
  });

  it('without the time, the redelivery is another payload (the case the option is for)', async () => {
    const [created, bumped] = [id('c'), id('b')];
    await User.put(user(bumped));
    const token = id('tok');
    await transactWrite(work(created, bumped), { idempotencyToken: token });
    await pause(10);
    const e = await transactWrite(work(created, bumped), { idempotencyToken: token }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(IdempotencyTokenMismatchError);
    expect((await stored(bumped))['age']).toBe(31);
  });

  it('the given time wins over a builder reused with the same token', () => {
    const bump = User.update({ userId: 'u1' }).add({ age: 1 });
    const token = id('tok');
    const first = buildTransactWrite([bump], { idempotencyToken: token }).input.TransactItems![0]!.Update!;
    const at = new Date('2026-01-02T03:04:05.678Z');
    const given = buildTransactWrite([bump], { idempotencyToken: token, now: at }).input.TransactItems![0]!.Update!;
    expect(Object.values(given.ExpressionAttributeValues!)).toContain(at.toISOString());
    expect(Object.values(first.ExpressionAttributeValues!)).not.toContain(at.toISOString());
  });

  it('an invalid time is refused before sending', async () => {
    const u = id('u');
    await expect(transactWrite([User.create(user(u))], { now: new Date('nope') })).rejects.toThrow(InvalidTransactionError);
    await expect(transactWrite([User.create(user(u))], { now: '2026-01-01' as unknown as Date })).rejects.toThrow(/now must be a valid Date, got string/);
    expect(await stored(u)).toEqual({});
  });
});
