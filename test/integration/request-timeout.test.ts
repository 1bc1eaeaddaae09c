/**
 * The SDK's own `requestTimeout` (NodeHttpHandler) firing after DynamoDB Local applied a batch or
 * a transaction: a TCP proxy in front of the real server holds its answer back
 * (test/support/slow-proxy.ts), so the timeout is the real HTTP handler's. The writes must never be
 * counted done: a batch lists them as not confirmed (they may be stored, and resending them is
 * safe), a transaction's outcome is unknown and its resend with the token applies it once.
 *
 * Today's SDK only logs a warning when `requestTimeout` passes unless `throwOnRequestTimeout: true`
 * is set too (and keeps waiting); 3.600.0, the oldest the package accepts, throws without it.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteError, TransactionOutcomeUnknownError, transactWrite, type BatchProgress, type EntityInput } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { testClient, testEndpoint, uniqueTableName } from '../support/client.js';
import { slowProxy, type SlowProxy } from '../support/slow-proxy.js';
import { useTable } from '../support/tables.js';
import { failure } from '../support/failure.js';

const REQUEST_TIMEOUT_MS = 400;
const HELD_MS = 1_500;

const cleanClient = testClient();
const tableName = uniqueTableName('request-timeout');
const clean = appModel(cleanClient, tableName);
useTable(clean.AppTable, { clients: [cleanClient] });

let proxy: SlowProxy;
/** Through the proxy, with the SDK's requestTimeout; `once` makes one attempt, `twice` two. */
let once: ReturnType<typeof appModel>;
let twice: ReturnType<typeof appModel>;
const clients: DynamoDBClient[] = [];

beforeAll(async () => {
  proxy = await slowProxy(testEndpoint());
  const timed = (maxAttempts: number) => {
    const c = new DynamoDBClient({ ...localClientConfig(proxy.endpoint), maxAttempts, requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true } });
    clients.push(c);
    return appModel(c, tableName);
  };
  once = timed(1);
  twice = timed(2);
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await proxy.close();
});

const RUN = randomBytes(3).toString('hex');
let n = 0;
const id = (label: string): string => `${label}${RUN}-${++n}`;
const user = (userId: string, score: number): EntityInput<typeof clean.User> => ({ userId, orgId: 'acme', email: `${userId}@example.com`, name: `N ${userId}`, score });
/**
 * Runs `body` and checks the proxy held one answer, and that the call ended before that answer
 * could have come: the client stopped waiting for it (the timeout fired).
 */
async function timesOutOnce<T>(body: () => Promise<T>): Promise<T> {
  const before = proxy.held;
  const started = Date.now();
  const out = await body();
  expect(Date.now() - started, 'the call ended before the held answer came').toBeLessThan(HELD_MS);
  expect(proxy.held, 'one answer held').toBe(before + 1);
  return out;
}
const scoreOf = async (userId: string): Promise<number | undefined> => (await clean.User.get({ userId }).consistent())?.score;

describe('transactWrite: the requestTimeout fires after the server applied it', () => {
  it('outcome unknown, with the token; the resend with it is replayed (the ADD counted once)', async () => {
    const u = id('u');
    await clean.User.put(user(u, 10));
    const actions = [once.User.update({ userId: u }).add({ score: 5 })];
    proxy.hold(['TransactWriteItems'], 1, HELD_MS);
    const unknown = await timesOutOnce(() => failure(transactWrite(actions), TransactionOutcomeUnknownError));
    expect((unknown.cause as Error).name).toBe('TimeoutError');
    expect(await scoreOf(u)).toBe(15); // applied, though the caller was not told
    await transactWrite(actions, { idempotencyToken: unknown.idempotencyToken });
    expect(await scoreOf(u)).toBe(15);
  });

  it("the SDK's own retry after the timeout carries the same token: resolves, applied once", async () => {
    const u = id('u');
    await clean.User.put(user(u, 10));
    proxy.hold(['TransactWriteItems'], 1, HELD_MS);
    await timesOutOnce(() => transactWrite([twice.User.update({ userId: u }).add({ score: 5 })]));
    expect(await scoreOf(u)).toBe(15);
  });
});

describe('batches: the requestTimeout fires after the server applied the call', () => {
  const puts = (prefix: string, app: ReturnType<typeof appModel>) => Array.from({ length: 5 }, (_, i) => app.User.put(user(`${prefix}-${i}`, i)));

  it('batchWrite without a retry left: every write listed as not done, none counted written, though stored', async () => {
    const prefix = id('b');
    const reports: BatchProgress[] = [];
    proxy.hold(['BatchWriteItem'], 1, HELD_MS);
    const error = await timesOutOnce(() => failure(once.AppTable.batchWrite(puts(prefix, once), { maxAttempts: 1, onProgress: (p) => reports.push(p) }), BatchWriteError));
    expect(error.written).toBe(0);
    expect((error.cause as Error).name).toBe('TimeoutError');
    expect(error.unprocessed.map((w) => (w.type === 'put' ? w.item['userId'] : undefined))).toEqual(Array.from({ length: 5 }, (_, i) => `${prefix}-${i}`));
    expect(reports.every((p) => p.written === 0)).toBe(true);
    // The server had applied them: resending what is listed is safe (puts are idempotent).
    expect(await Promise.all(Array.from({ length: 5 }, (_, i) => scoreOf(`${prefix}-${i}`)))).toEqual([0, 1, 2, 3, 4]);
    const again = await clean.AppTable.batchWrite(error.unprocessed.flatMap((w) => (w.type === 'put' ? [clean.User.put(w.item as EntityInput<typeof clean.User>)] : [])));
    expect(again.written).toBe(5);
  });

  it('batchWrite with retries: the timed-out call is resent and then counted, once per write', async () => {
    const prefix = id('r');
    const reports: BatchProgress[] = [];
    proxy.hold(['BatchWriteItem'], 1, HELD_MS);
    const result = await timesOutOnce(() => once.AppTable.batchWrite(puts(prefix, once), { baseDelayMs: 1, onProgress: (p) => reports.push(p) }));
    expect(result).toMatchObject({ written: 5, retried: 5 });
    expect(reports.map((p) => p.written)).toEqual([0, 5]);
  });

  it('the streaming writer without a retry left: close() lists every write, progress never counts them', async () => {
    const prefix = id('w');
    const writer = once.AppTable.batchWriter({ maxAttempts: 1 });
    proxy.hold(['BatchWriteItem'], 1, HELD_MS);
    for (const p of puts(prefix, once)) writer.put(p);
    const e = await timesOutOnce(() => failure(writer.close(), BatchWriteError));
    expect(e.unprocessed).toHaveLength(5);
    expect(writer.progress).toEqual({ written: 0, pending: 0, retried: 0 });
    expect(await scoreOf(`${prefix}-4`)).toBe(4);
  });
});
