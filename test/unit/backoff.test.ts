/**
 * Retry timing of batch writes, batch gets and conflict retries: exponential backoff with full
 * jitter (`random() * min(cap, base * 2^retry)`), defaults (10 attempts, 50 ms, 5 s), the attempt
 * counter restarting after progress, and which errors are retried. The loops run against a stub
 * client under fake timers, so the waits are measured exactly.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BatchGetError, BatchWriteError, InvalidBatchError, InvalidTransactionError, TransactionCanceledError, transactGet, transactWrite } from '../../src/index.js';
import { backoffDelay, isRetryableError, resolveBackoff, sleep } from '../../src/batch/backoff.js';
import { BatchWriteEngine, type BatchWriteOptions } from '../../src/batch/batch-writer.js';
import { itemId, type WriteRequest } from '../../src/batch/write-request.js';
import { appModel } from '../fixtures/app-model.js';

describe('resolveBackoff', () => {
  it('defaults: 10 attempts, 50 ms base, 5 s cap', () => {
    expect(resolveBackoff()).toEqual({ maxAttempts: 10, baseDelayMs: 50, maxDelayMs: 5_000 });
    expect(resolveBackoff({ maxAttempts: 3 })).toEqual({ maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 5_000 });
    expect(resolveBackoff({ baseDelayMs: 0, maxDelayMs: 0, maxAttempts: 1 })).toEqual({ maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 });
  });

  it('rejects nonsense', () => {
    for (const maxAttempts of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => resolveBackoff({ maxAttempts })).toThrow(InvalidBatchError);
    expect(() => resolveBackoff({ baseDelayMs: -1 })).toThrow(InvalidBatchError);
    expect(() => resolveBackoff({ maxDelayMs: Number.NaN })).toThrow(InvalidBatchError);
  });

  it("a transaction's retryConflicts options fail as the transaction's errors, before anything is sent", async () => {
    let sent = 0;
    const client = { send: async () => void sent++, config: {} };
    const { User } = appModel(client as never, 'tbl');
    await expect(transactWrite([User.delete({ userId: 'a' })], { retryConflicts: { maxAttempts: 0 } })).rejects.toThrow(InvalidTransactionError);
    await expect(transactGet([User.get({ userId: 'a' })], { retryConflicts: { baseDelayMs: -1 } })).rejects.toThrow(/retryConflicts: baseDelayMs must be between 0/);
    expect(sent).toBe(0);
  });
});

describe('backoffDelay: full jitter', () => {
  const b = resolveBackoff({ baseDelayMs: 50, maxDelayMs: 5_000 });

  it('is random() times min(cap, base * 2^retry)', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 20].map((r) => backoffDelay(r, b, () => 0.5))).toEqual([25, 50, 100, 200, 400, 800, 1600, 2500, 2500, 2500]);
    expect(backoffDelay(3, b, () => 0)).toBe(0);
    expect(backoffDelay(3, b, () => 0.999999)).toBeLessThan(400);
  });

  it('spreads waits uniformly over [0, bound)', () => {
    const samples = Array.from({ length: 20_000 }, () => backoffDelay(4, b));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...samples)).toBeLessThan(800);
    const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
    expect(mean).toBeGreaterThan(380);
    expect(mean).toBeLessThan(420);
    // Each quarter of the range gets about a quarter of the samples.
    for (let q = 0; q < 4; q++) {
      const share = samples.filter((x) => x >= q * 200 && x < (q + 1) * 200).length / samples.length;
      expect(share).toBeGreaterThan(0.22);
      expect(share).toBeLessThan(0.28);
    }
  });

  it('sleep(0) does not wait for a timer', async () => {
    let done = false;
    const p = sleep(0).then(() => (done = true));
    await Promise.resolve();
    await p;
    expect(done).toBe(true);
  });
});

describe('isRetryableError', () => {
  const retryable: unknown[] = [
    { name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 } },
    { name: 'ThrottlingException' },
    { name: 'RequestLimitExceeded' },
    { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } },
    { name: 'ServiceUnavailable' },
    { name: 'TransactionInProgressException' },
    // What the SDK's node HTTP handler raises for a reset socket, and raw Node socket errors.
    Object.assign(new Error('read ECONNRESET'), { name: 'TimeoutError', code: 'ECONNRESET' }),
    Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
    Object.assign(new Error('x'), { code: 'EPIPE' }),
    Object.assign(new Error('x'), { code: 'ETIMEDOUT' }),
    { name: 'SomethingNew', $metadata: { httpStatusCode: 503 } },
    { name: 'ReplicatedWriteConflictException', $retryable: {} },
  ];
  const fatal: unknown[] = [
    { name: 'ValidationException', $metadata: { httpStatusCode: 400 } },
    { name: 'ConditionalCheckFailedException', $metadata: { httpStatusCode: 400 } },
    { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } },
    { name: 'TransactionCanceledException', $metadata: { httpStatusCode: 400 } },
    { name: 'IdempotentParameterMismatchException' },
    new Error('boom'),
    new TypeError('x is not a function'),
    null,
    undefined,
    'ECONNRESET',
    42,
  ];

  it.each(retryable.map((e) => [JSON.stringify(e) ?? String(e), e]))('retries %s', (_label, e) => {
    expect(isRetryableError(e)).toBe(true);
  });
  it.each(fatal.map((e) => [e instanceof Error ? `${e.name}: ${e.message}` : JSON.stringify(e) ?? String(e), e]))('does not retry %s', (_label, e) => {
    expect(isRetryableError(e)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// The loops, against a stub client under fake timers

interface Sent {
  readonly at: number;
  readonly keys: string[];
}

function request(pk: string): WriteRequest {
  const item = { pk, v: 1 };
  return {
    table: 't',
    id: itemId('t', item, ['pk']),
    request: { PutRequest: { Item: item } },
    size: 20,
    write: { type: 'put', entity: 'E', table: 't', item: { id: pk } },
    keyNames: ['pk'],
  };
}

type Answer = (keys: string[], attempt: number) => { unprocessed: string[] } | { error: unknown };

/** A client whose BatchWriteItem answers come from `answer`; records when each call came. */
function stubWriter(answer: Answer): { client: never; sent: Sent[] } {
  const sent: Sent[] = [];
  const client = {
    // BatchWriteItem as the SDK sends and answers it: marshalled items
    send: async (command: { input: { RequestItems: Record<string, { PutRequest: { Item: { pk: { S: string } } } }[]> } }) => {
      const keys = command.input.RequestItems['t']!.map((r) => r.PutRequest.Item.pk.S);
      sent.push({ at: Date.now(), keys });
      const a = answer(keys, sent.length);
      if ('error' in a) throw a.error;
      return a.unprocessed.length === 0 ? {} : { UnprocessedItems: { t: a.unprocessed.map((pk) => ({ PutRequest: { Item: { pk: { S: pk }, v: { N: '1' } } } })) } };
    },
  };
  return { client: client as never, sent };
}

const throttle = { name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 } };
const gaps = (sent: readonly Sent[]): number[] => sent.slice(1).map((s, i) => s.at - sent[i]!.at);

async function run(client: never, options: BatchWriteOptions, pks: string[]): Promise<unknown> {
  const engine = new BatchWriteEngine(client, options);
  for (const pk of pks) engine.add(request(pk));
  const done = engine.flush().then(
    () => undefined,
    (e: unknown) => e,
  );
  await vi.runAllTimersAsync();
  return done;
}

describe('retry schedule of the batch writer', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    // random() = 1/2: each wait is half its bound, a whole number of ms.
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('defaults: 10 calls, bounds doubling from 50 ms up to the 5 s cap, then BatchWriteError', async () => {
    const { client, sent } = stubWriter(() => ({ error: throttle }));
    const e = (await run(client, {}, ['a', 'b'])) as BatchWriteError;
    expect(e).toBeInstanceOf(BatchWriteError);
    expect(e.unprocessed.map((w) => (w.type === 'put' ? w.item['id'] : undefined))).toEqual(['a', 'b']);
    expect(e.cause).toBe(throttle);
    expect(sent).toHaveLength(10);
    expect(gaps(sent)).toEqual([25, 50, 100, 200, 400, 800, 1600, 2500, 2500]);
  });

  it('UnprocessedItems are resent on the same schedule, only the unprocessed ones', async () => {
    const { client, sent } = stubWriter((keys) => ({ unprocessed: keys.filter((k) => k === 'b') }));
    const e = (await run(client, { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 1_000 }, ['a', 'b', 'c'])) as BatchWriteError;
    expect(sent.map((s) => s.keys)).toEqual([['a', 'b', 'c'], ['b'], ['b'], ['b'], ['b']]);
    // The first call made progress (a, c): the count restarts, then 4 calls without progress.
    expect(gaps(sent)).toEqual([5, 5, 10, 20]);
    expect(e.written).toBe(2);
    expect(e.unprocessed).toHaveLength(1);
    expect(e.message).toMatch(/retries exhausted/);
  });

  it('the attempt counter and the wait restart after every call that made progress', async () => {
    // One write goes through per call, every other call: progress, nothing, progress, nothing...
    const { client, sent } = stubWriter((keys, attempt) => ({ unprocessed: attempt % 2 === 1 ? keys.slice(1) : keys }));
    const e = await run(client, { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 10_000 }, ['a', 'b', 'c', 'd']);
    expect(e).toBeUndefined();
    expect(sent.map((s) => s.keys.length)).toEqual([4, 3, 3, 2, 2, 1, 1]);
    expect(gaps(sent)).toEqual([50, 50, 50, 50, 50, 50]);
  });

  it('without progress, waits grow: the same call pattern with maxAttempts 3 and no progress', async () => {
    const { client, sent } = stubWriter((keys) => ({ unprocessed: keys }));
    const e = (await run(client, { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 10_000 }, ['a'])) as BatchWriteError;
    expect(gaps(sent)).toEqual([50, 100]);
    expect(e.written).toBe(0);
  });

  it('a non-retryable error is not retried', async () => {
    const fatal = { name: 'ValidationException', $metadata: { httpStatusCode: 400 } };
    const { client, sent } = stubWriter(() => ({ error: fatal }));
    const e = (await run(client, {}, ['a'])) as BatchWriteError;
    expect(sent).toHaveLength(1);
    expect(e.cause).toBe(fatal);
  });

  it('a dropped connection is retried like throttling (the writes are idempotent)', async () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { name: 'TimeoutError', code: 'ECONNRESET' });
    const { client, sent } = stubWriter((_k, attempt) => (attempt < 3 ? { error: reset } : { unprocessed: [] }));
    expect(await run(client, { baseDelayMs: 8 }, ['a'])).toBeUndefined();
    expect(gaps(sent)).toEqual([4, 8]);
  });

  it('jitter: with random() = 0 every retry is immediate', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { client, sent } = stubWriter(() => ({ error: throttle }));
    await run(client, { maxAttempts: 5 }, ['a']);
    expect(gaps(sent)).toEqual([0, 0, 0, 0]);
  });
});

describe('batch get and conflict retries use the same backoff', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    // random() = 1/2: each wait is half its bound, a whole number of ms.
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('batch get: UnprocessedKeys resent with backoff, then BatchGetError', async () => {
    const calls: number[] = [];
    const client = {
      send: async (command: { input: { RequestItems: Record<string, { Keys: unknown[] }> } }) => {
        calls.push(Date.now());
        return { Responses: { t: [] }, UnprocessedKeys: command.input.RequestItems };
      },
    };
    const { AppTable, User } = appModel(client as never, 'tbl');
    const done = AppTable.batchGet([User.get({ userId: 'a' })], { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 100 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    await vi.runAllTimersAsync();
    const e = (await done) as BatchGetError;
    expect(e).toBeInstanceOf(BatchGetError);
    expect(e.unprocessedKeys).toEqual([{ table: 'tbl', key: { pk: 'USER#a', sk: 'PROFILE' } }]);
    expect(calls.slice(1).map((t, i) => t - calls[i]!)).toEqual([10, 20, 40]);
  });

  it('transactWrite retryConflicts: waits double between attempts, same token each time', async () => {
    const calls: { at: number; token: unknown }[] = [];
    const conflict = Object.assign(new Error('Transaction cancelled'), {
      name: 'TransactionCanceledException',
      CancellationReasons: [{ Code: 'TransactionConflict' }],
    });
    const client = {
      send: async (command: { input: { ClientRequestToken?: string } }) => {
        calls.push({ at: Date.now(), token: command.input.ClientRequestToken });
        throw conflict;
      },
    };
    const { User } = appModel(client as never, 'tbl');
    const done = transactWrite([User.put({ userId: 'a', orgId: 'o', email: 'a@example.com', name: 'A' })], { retryConflicts: { maxAttempts: 4, baseDelayMs: 30 } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    await vi.runAllTimersAsync();
    const e = (await done) as TransactionCanceledError;
    expect(e).toBeInstanceOf(TransactionCanceledError);
    expect(calls.slice(1).map((c, i) => c.at - calls[i]!.at)).toEqual([15, 30, 60]);
    expect(new Set(calls.map((c) => c.token)).size).toBe(1);
    expect(typeof calls[0]!.token).toBe('string');
  });
});
