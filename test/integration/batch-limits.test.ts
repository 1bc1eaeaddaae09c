/**
 * Batch writes near DynamoDB's request limits, and misuse of the callback form, against DynamoDB
 * Local. A BatchWriteItem request is limited to 16 MB on the wire (the JSON body), which is not
 * the sum of the items' DynamoDB sizes: every value carries a type wrapper (`{"S":"a"}` is 9 bytes
 * for a 1-byte string) and JSON escapes some characters (`"` is sent as `\"`).
 */
import { describe, expect, it } from 'vitest';
import { DynamoDBClient, type ServiceInputTypes, type ServiceOutputTypes } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { FinalizeRequestMiddleware } from '@smithy/types';
import { BatchValidationError, InvalidBatchError, InvalidTransactionError, KeyError, transactWrite, type BatchCollector, type EntityInput } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { testClient, testDocClient, testEndpoint, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

/** No SDK retries: a rejected call shows up as it is. */
const client = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 1 });
/** Body bytes of every BatchWriteItem request sent (recorded just before signing). */
const sentBodies: number[] = [];
/** Every TransactWriteItems request sent. */
let sentTransactions = 0;
const recordBodies: FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next, context) => async (args) => {
  const body = (args.request as { body?: unknown }).body;
  if (context.commandName === 'TransactWriteItemsCommand') sentTransactions++;
  if (context.commandName === 'BatchWriteItemCommand') sentBodies.push(typeof body === 'string' ? Buffer.byteLength(body) : body instanceof Uint8Array ? body.byteLength : -1);
  return next(args);
};
client.middlewareStack.add(recordBodies, { step: 'finalizeRequest', name: 'recordBatchBodies' });
const verifyClient = testClient();
const verify = testDocClient(verifyClient);
const { AppTable, User } = appModel(client, uniqueTableName('batch-limits'));
const fast = { baseDelayMs: 1, maxDelayMs: 5 } as const;

type UserInput = EntityInput<typeof User>;
const user = (userId: string, extra: Partial<UserInput> = {}): UserInput => ({ userId, orgId: 'o', email: `${userId}@example.com`, name: 'N', ...extra });

async function storedIds(prefix: string): Promise<string[]> {
  const out: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await verify.send(
      new ScanCommand({ TableName: AppTable.name, ProjectionExpression: 'userId', FilterExpression: 'begins_with(pk, :p)', ExpressionAttributeValues: { ':p': `USER#${prefix}` }, ExclusiveStartKey: start }),
    );
    for (const i of page.Items ?? []) out.push(String(i['userId']));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return out.sort();
}

const ids = (p: string, n: number) => Array.from({ length: n }, (_, i) => `${p}${String(i).padStart(2, '0')}`);

useTable(AppTable, { clients: [client, verifyClient] });

describe('the 16 MB request limit is measured on the wire', () => {
  it('25 items under 400 KB each that are over 16 MB as JSON are sent in several calls, each under 16 MB', async () => {
    sentBodies.length = 0;
    // 409,000 double quotes: 409 KB as DynamoDB counts it, 818 KB as sent (each is escaped as \")
    const keys = ids('wq', 25);
    const result = await AppTable.batchWrite(keys.map((id) => User.put(user(id, { history: ['"'.repeat(409_000)] }))), fast);
    expect(result.written).toBe(25);
    expect(await storedIds('wq')).toEqual(keys);
    expect(sentBodies.length).toBeGreaterThan(1);
    for (const bytes of sentBodies) expect(bytes).toBeGreaterThan(0), expect(bytes).toBeLessThanOrEqual(16 * 1024 * 1024);
  });

  it('the streaming writer splits its buffer the same way, also when a key is rewritten with a larger item', async () => {
    sentBodies.length = 0;
    const keys = ids('ws', 20);
    const w = AppTable.batchWriter(fast);
    for (const id of keys) w.put(User, user(id));
    // Each rewrite replaces a small buffered put with a 2.4 MB one (control characters are sent as \u0001).
    for (const id of keys.slice(0, 8)) w.put(User, user(id, { history: ['\u0001'.repeat(400_000)] }));
    await w.close();
    expect(await storedIds('ws')).toEqual(keys);
    for (const bytes of sentBodies) expect(bytes).toBeLessThanOrEqual(16 * 1024 * 1024);
  });
});

describe('the callback form of batchWrite', () => {
  it('refuses a write added after the callback returned (e.g. from an un-awaited promise) instead of dropping it', async () => {
    let collector: BatchCollector | undefined;
    let lateWrite: Promise<unknown> = Promise.resolve();
    const result = await AppTable.batchWrite(async (batch) => {
      collector = batch;
      batch.put(User, user('late0'));
      // A common slip: an async step that is not awaited adds its write after the callback returned.
      // Its failure is kept as a value: under load the batch can take longer than 20 ms, and a
      // rejection nobody handles yet is reported by vitest as an unhandled error.
      lateWrite = new Promise((resolve) => setTimeout(resolve, 20)).then(() => batch.put(User, user('late1'))).then(
        () => undefined,
        (e: unknown) => e,
      );
    }, fast);
    expect(result.written).toBe(1);
    expect(await lateWrite).toBeInstanceOf(InvalidBatchError);
    expect(String(await lateWrite)).toMatch(/after the callback returned/);
    expect(() => collector!.delete(User, { userId: 'late0' })).toThrow(/after the callback returned/);
    expect(await storedIds('late')).toEqual(['late0']);
  });
});

describe('a callback that throws', () => {
  it('sends none of the writes it added: batchWrite rejects with its error, sync or async', async () => {
    const boom = new Error('the source of the items failed');
    const before = sentBodies.length;
    await expect(
      AppTable.batchWrite(async (batch) => {
        batch.put(User, user('thrown0'));
        await new Promise((r) => setTimeout(r, 1));
        batch.put(User, user('thrown1'));
        throw boom;
      }, fast),
    ).rejects.toBe(boom);
    await expect(
      AppTable.batchWrite((batch) => {
        batch.put(User, user('thrown2'));
        throw boom;
      }, fast),
    ).rejects.toBe(boom);
    expect(sentBodies.length).toBe(before);
    expect(await storedIds('thrown')).toEqual([]);
  });
});

describe('key values over DynamoDB key limits (partition 2,048 bytes, sort 1,024 bytes)', () => {
  // `name` composes gsi1's sort key 'USER#{name}#{userId}': 1,100 characters make it too long.
  const longName = 'n'.repeat(1_100);
  const writes = (p: string) => ids(p, 60).map((id, i) => User.put(user(id, i === 40 ? { name: longName } : {})));

  it('are refused before any request: a batch with one of them sends nothing (BatchValidationError at its index)', async () => {
    sentBodies.length = 0;
    const error = await AppTable.batchWrite(writes('kl'), fast).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BatchValidationError);
    const failures = (error as BatchValidationError).failures;
    expect(failures.map((f) => f.index)).toEqual([40]);
    expect(failures[0]!.error).toBeInstanceOf(KeyError);
    expect(String(failures[0]!.error)).toMatch(/gsi1\.sk.*1,?024 bytes/);
    expect(sentBodies).toEqual([]);
    expect(await storedIds('kl')).toEqual([]);
  });

  it('with bestEffort, only that write is skipped: the 24 others of its call are written', async () => {
    const result = await AppTable.batchWrite(writes('kb'), { ...fast, bestEffort: true });
    expect(result.skipped.map((s) => s.index)).toEqual([40]);
    expect(result.written).toBe(59);
    expect(await storedIds('kb')).toEqual(ids('kb', 60).filter((_, i) => i !== 40));
  });

  it('in a transaction too (table keys: a 2,049-byte partition key)', async () => {
    sentBodies.length = 0;
    const { userId } = { userId: 'x'.repeat(2_049 - 'USER#'.length) };
    await expect(transactWrite([User.put(user('kt0')), User.put(user(userId))])).rejects.toThrow(/primary\.pk.*2,?048 bytes/);
    await expect(User.get({ userId: 'y'.repeat(2_048 - 'USER#'.length) })).resolves.toBeUndefined(); // 2,048 bytes exactly: a valid key
  });
});

describe('the 16 MB request limit in transactions', () => {
  it('a transaction under 4 MB as DynamoDB counts it but over 16 MB as JSON is refused before sending', async () => {
    sentTransactions = 0;
    // 10 x 390,000 control characters: 3.9 MB stored, 23 MB as sent (each is escaped as \u0001)
    const puts = ids('tw', 10).map((id) => User.put(user(id, { history: ['\u0001'.repeat(390_000)] })));
    await expect(transactWrite(puts)).rejects.toThrow(InvalidTransactionError);
    await expect(transactWrite(puts)).rejects.toThrow(/16 MB/);
    expect(sentTransactions).toBe(0);
    // the same actions with quotes (7.8 MB as JSON) go through
    await transactWrite(ids('tq', 10).map((id) => User.put(user(id, { history: ['"'.repeat(390_000)] }))));
    expect(sentTransactions).toBe(1);
    expect(await storedIds('tq')).toEqual(ids('tq', 10));
  });
});
