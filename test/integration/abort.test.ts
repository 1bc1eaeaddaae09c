/**
 * Cancellation with an `AbortSignal`, on a real DynamoDB Local: every API that sends takes
 * `{ abortSignal }` (builders in `.send()`, reads also in `.pages()` / `.all()` / `.count()`,
 * batches and transactions in their options). A middleware on the client counts the requests that
 * reach the wire and can abort at a chosen point: before the request, or after a response.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { getEventListeners } from 'node:events';
import { BatchWriteError, transactGet, transactWrite, type BatchProgress, type UnprocessedWrite } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { testClient, testDocClient, testEndpoint, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const tableName = uniqueTableName('abort');
const client = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 1 });
const cleanClient = testClient();
const clean = testDocClient(cleanClient);
const { AppTable, User } = appModel(client, tableName);

/** Requests that reached the HTTP handler, by operation. */
let sent: string[] = [];
/**
 * Runs in the HTTP handler, just before the request is written (may abort, or hold the request:
 * `signal` is the request's own abort signal, which the SDK gives only to the HTTP handler, and
 * `input` the request body as sent). `after` runs once a response is parsed.
 */
let before: ((operation: string, input: Record<string, unknown>, signal: AbortSignal | undefined) => void | Promise<void>) | undefined;
let after: ((operation: string, output: Record<string, unknown>, input: Record<string, unknown>) => void) | undefined;

// The hook wraps the client's own HTTP handler rather than sitting in a middleware: only the
// handler receives the request's signal on every supported SDK (3.600.0 keeps it out of the
// middleware context).
type WireHandler = { handle(request: { headers: Record<string, string>; body?: unknown }, options?: { abortSignal?: AbortSignal }): Promise<unknown> };
const wire = (client.config as unknown as { requestHandler: WireHandler }).requestHandler;
const handle = wire.handle.bind(wire);
wire.handle = async (request, options) => {
  const operation = (request.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
  // The body is a string on older SDKs and bytes on newer ones.
  const body = request.body instanceof Uint8Array ? new TextDecoder().decode(request.body) : request.body;
  const input = typeof body === 'string' ? (JSON.parse(body) as Record<string, unknown>) : {};
  await before?.(`${operation}Command`, input, options?.abortSignal);
  // The SDK's handler refuses an aborted signal before it writes anything; count what it sends.
  const result = await handle(request, options);
  sent.push(operation);
  return result;
};
client.middlewareStack.add(
  (next, context) => async (args) => {
    // Taken before `next`: older lib-dynamodb (3.600.0 among them) replaces `args.input` with its marshalled form.
    const input = args.input as unknown as Record<string, unknown>;
    const result = await next(args);
    after?.((context.commandName ?? '').replace(/Command$/, ''), result.output as unknown as Record<string, unknown>, input);
    return result;
  },
  { step: 'initialize', name: 'abortTestOutputs', priority: 'low' },
);

const user = (i: number) => ({ userId: `u${String(i).padStart(3, '0')}`, orgId: 'acme', email: `u${i}@example.com`, name: `N${String(i).padStart(3, '0')}` });
const reason = new Error('stop: the caller gave up');

useTable(AppTable, { clients: [client, cleanClient] });

beforeEach(() => {
  sent = [];
  before = undefined;
  after = undefined;
});

function aborted(why: unknown = reason): AbortSignal {
  const c = new AbortController();
  c.abort(why);
  return c.signal;
}

async function storedUserIds(): Promise<string[]> {
  const out = await clean.send(new ScanCommand({ TableName: tableName, FilterExpression: '#e = :u', ExpressionAttributeNames: { '#e': '_et' }, ExpressionAttributeValues: { ':u': 'User' } }));
  return (out.Items ?? []).map((i) => i.userId as string).sort();
}

async function clearTable(): Promise<void> {
  for (const id of await storedUserIds()) await User.delete({ userId: id });
  sent = [];
}

describe('single-item operations', () => {
  it('an already aborted signal sends nothing and rejects with its reason', async () => {
    const abortSignal = aborted();
    await expect(User.get({ userId: 'u1' }).send({ abortSignal })).rejects.toBe(reason);
    await expect(User.put(user(1)).send({ abortSignal })).rejects.toBe(reason);
    await expect(User.create(user(1)).send({ abortSignal })).rejects.toBe(reason);
    await expect(User.update({ userId: 'u1' }).set({ name: 'X' }).send({ abortSignal })).rejects.toBe(reason);
    await expect(User.delete({ userId: 'u1' }).send({ abortSignal })).rejects.toBe(reason);
    await expect(User.check({ userId: 'u1' }, User.Attr('age').gt(1)).send({ abortSignal })).rejects.toBe(reason);
    expect(sent).toEqual([]);
    expect(await storedUserIds()).toEqual([]);
  });

  it('an abort while the request is on its way reaches the SDK: the put is not written', async () => {
    const c = new AbortController();
    before = () => c.abort(reason);
    await expect(User.put(user(2)).send({ abortSignal: c.signal })).rejects.toBe(reason);
    expect(sent).toEqual([]);
    expect(await storedUserIds()).toEqual([]);
  });

  it('a reason that is not an Error (null, a string) is what the call rejects with', async () => {
    for (const why of [null, 'deadline passed']) {
      const abortSignal = aborted(why);
      await expect(User.check({ userId: 'u1' }, User.Attr('age').gt(1)).send({ abortSignal })).rejects.toBe(why);
      await expect(User.put(user(1)).send({ abortSignal })).rejects.toBe(why);
      await expect(transactWrite([User.put(user(1))], { abortSignal })).rejects.toBe(why);
      await expect(transactGet([User.get({ userId: 'u1' })], { abortSignal })).rejects.toBe(why);
    }
    expect(sent).toEqual([]);
  });

  it('AbortSignal.timeout rejects with its TimeoutError', async () => {
    before = () => new Promise((r) => setTimeout(r, 100));
    const e = await User.get({ userId: 'u1' }).send({ abortSignal: AbortSignal.timeout(10) }).catch((x: unknown) => x);
    expect((e as Error).name).toBe('TimeoutError');
  });

  it('a signal that is never aborted changes nothing', async () => {
    const abortSignal = new AbortController().signal;
    const stored = await User.put(user(3)).send({ abortSignal });
    expect(await User.get({ userId: stored.userId }).send({ abortSignal })).toMatchObject(user(3));
    await User.delete({ userId: stored.userId }).send({ abortSignal });
    expect(sent).toEqual(['PutItem', 'GetItem', 'DeleteItem']);
  });
});

describe('queries and scans', () => {
  beforeAll(async () => {
    await AppTable.batchWrite((b) => {
      for (let i = 0; i < 30; i++) b.put(User, user(100 + i));
    });
  });
  afterAll(clearTable);

  const byOrg = () => User.query('gsi1', User.Key('orgId').eq('acme')).pageSize(10);

  it('stops between pages: no request after the abort, and the iteration rejects with the reason', async () => {
    const c = new AbortController();
    const seen: number[] = [];
    const run = (async () => {
      for await (const page of byOrg().pages({ abortSignal: c.signal })) {
        seen.push(page.items.length);
        c.abort(reason);
      }
    })();
    await expect(run).rejects.toBe(reason);
    expect(seen).toEqual([10]);
    expect(sent).toEqual(['Query']);
  });

  it('.all() and .count() stop where the abort happened', async () => {
    const c = new AbortController();
    after = (op) => {
      if (op === 'Query' && sent.length === 2) c.abort(reason);
    };
    await expect(byOrg().all({ abortSignal: c.signal })).rejects.toBe(reason);
    expect(sent).toEqual(['Query', 'Query']);
    sent = [];
    await expect(byOrg().count({ abortSignal: aborted() })).rejects.toBe(reason);
    await expect(byOrg().send({ abortSignal: aborted() })).rejects.toBe(reason);
    await expect(byOrg().limit(25).send({ abortSignal: aborted() })).rejects.toBe(reason);
    expect(sent).toEqual([]);
    // Without an abort, the same reads complete.
    expect(await byOrg().all({ abortSignal: new AbortController().signal })).toHaveLength(30);
  });

  it('a parallel scan aborted while the loop body is busy raises no unhandled rejection', async () => {
    // A segment's next page is asked for while the consumer works on a page; the abort fails that
    // request before the consumer asks for more. Node's default for an unhandled rejection is to crash.
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const c = new AbortController();
      before = (op) => (op === 'ScanCommand' ? new Promise((r) => setTimeout(r, 20)) : undefined);
      const run = (async () => {
        for await (const _page of User.scan().segments(2).pageSize(5).pages({ abortSignal: c.signal })) {
          c.abort(reason);
          await new Promise((r) => setTimeout(r, 200));
        }
      })();
      await expect(run).rejects.toBe(reason);
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  describe('a parallel scan that stops early aborts the segment requests still in flight', () => {
    /** Scan requests of segments other than 0 held until their own signal aborts (or 5 s). */
    let held: { segment: number; aborted: boolean }[] = [];
    const holdOtherSegments = (): void => {
      held = [];
      before = async (op, input, signal) => {
        if (op !== 'ScanCommand' || input.Segment === 0) return;
        const h = { segment: input.Segment as number, aborted: false };
        held.push(h);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 5_000);
          signal?.addEventListener('abort', () => {
            h.aborted = true;
            clearTimeout(timer);
            resolve();
          }, { once: true });
        });
      };
    };
    const quickly = async <T>(run: () => Promise<T>): Promise<T> => {
      const started = Date.now();
      const out = await run();
      expect(Date.now() - started).toBeLessThan(2_000);
      return out;
    };

    it('break', async () => {
      const unhandled: unknown[] = [];
      const onUnhandled = (e: unknown): void => void unhandled.push(e);
      process.on('unhandledRejection', onUnhandled);
      try {
        holdOtherSegments();
        let first: unknown;
        await quickly(async () => {
          for await (const u of User.scan().segments(4)) {
            first = u;
            break;
          }
        });
        expect(first).toMatchObject({ orgId: 'acme' });
        expect(held.map((h) => h.segment).sort()).toEqual([1, 2, 3]);
        expect(held.every((h) => h.aborted)).toBe(true);
        await new Promise((r) => setTimeout(r, 50));
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });

    it('a limit reached on the merged stream (send, all, pages), with or without a signal of the caller\'s', async () => {
      holdOtherSegments();
      expect((await quickly(() => User.scan().segments(4).limit(2).send())).items).toHaveLength(2);
      expect(held.length).toBeGreaterThan(0);
      expect(held.every((h) => h.aborted)).toBe(true);
      holdOtherSegments();
      const c = new AbortController();
      expect(await quickly(() => User.scan().segments(4).limit(3).all({ abortSignal: c.signal }))).toHaveLength(3);
      expect(held.every((h) => h.aborted)).toBe(true);
      expect(c.signal.aborted).toBe(false);
      expect(getEventListeners(c.signal, 'abort')).toHaveLength(0);
    });

    it("the caller's abort still rejects with its reason", async () => {
      holdOtherSegments();
      const c = new AbortController();
      const run = (async () => {
        for await (const _u of User.scan().segments(4).pages({ abortSignal: c.signal })) c.abort(reason);
      })();
      await expect(quickly(() => run)).rejects.toBe(reason);
      expect(held.every((h) => h.aborted)).toBe(true);
    });
  });

  it('parallel scans and table-level reads take the signal too', async () => {
    await expect(User.scan().segments(3).all({ abortSignal: aborted() })).rejects.toBe(reason);
    await expect(AppTable.query(AppTable.Key('pk').eq('USER#u100')).all({ abortSignal: aborted() })).rejects.toBe(reason);
    await expect(AppTable.scan().send({ abortSignal: aborted() })).rejects.toBe(reason);
    expect(sent).toEqual([]);
    expect(await User.scan().segments(3).all({ abortSignal: new AbortController().signal })).toHaveLength(30);
  });
});

describe('batches and transactions', () => {
  afterAll(clearTable);
  beforeEach(clearTable);

  it('batchGet and transactGet send nothing once aborted', async () => {
    await expect(User.batchGet([{ userId: 'u1' }]).send({ abortSignal: aborted() })).rejects.toBe(reason);
    await expect(User.batchGet([{ userId: 'u1' }]).with({ abortSignal: aborted() })).rejects.toBe(reason);
    await expect(AppTable.batchGet([User.get({ userId: 'u1' })], { abortSignal: aborted() })).rejects.toBe(reason);
    await expect(transactGet([User.get({ userId: 'u1' })], { abortSignal: aborted() })).rejects.toBe(reason);
    expect(sent).toEqual([]);
  });

  it("User.batchGet: a signal given to with() still applies when send() gets another one", async () => {
    const live = new AbortController().signal;
    await expect(User.batchGet([{ userId: 'u1' }]).with({ abortSignal: aborted() }).send({ abortSignal: live })).rejects.toBe(reason);
    await expect(User.batchGet([{ userId: 'u1' }]).with({ abortSignal: live }).send({ abortSignal: aborted() })).rejects.toBe(reason);
    await expect(User.batchGet([{ userId: 'u1' }]).with({ abortSignal: aborted() }).send({ abortSignal: undefined })).rejects.toBe(reason);
    await expect(User.batchGet([{ userId: 'u1' }]).with({ abortSignal: aborted() }).consistent().project('name')).rejects.toBe(reason);
    expect(sent).toEqual([]);
    expect(await User.batchGet([{ userId: 'u1' }]).with({ abortSignal: live }).send({ abortSignal: live })).toEqual([undefined]);
  });

  it('transactWrite sends nothing once aborted', async () => {
    await expect(transactWrite([User.put(user(1)), User.put(user(2))], { abortSignal: aborted() })).rejects.toBe(reason);
    expect(sent).toEqual([]);
    expect(await storedUserIds()).toEqual([]);
  });

  it('an aborted batch write reports every write not confirmed, and none is lost', async () => {
    const c = new AbortController();
    after = (op) => {
      if (op === 'BatchWriteItem' && sent.length === 2) c.abort(reason);
    };
    const users = Array.from({ length: 60 }, (_, i) => user(i));
    const e = await AppTable.batchWrite(
      (b) => {
        for (const u of users) b.put(User, u);
      },
      { concurrency: 1, abortSignal: c.signal },
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BatchWriteError);
    const err = e as BatchWriteError;
    expect(err.cause).toBe(reason);
    expect(err.written).toBe(50);
    const unprocessed = err.unprocessed.map((w: UnprocessedWrite) => (w.type === 'put' ? (w.item as { userId: string }).userId : ''));
    expect(unprocessed).toHaveLength(10);
    expect(sent).toEqual(['BatchWriteItem', 'BatchWriteItem']);
    // Written + reported = everything given, with no overlap.
    const stored = await storedUserIds();
    expect(stored).toHaveLength(50);
    expect([...stored, ...unprocessed].sort()).toEqual(users.map((u) => u.userId).sort());
  });

  it('a timeout is not mistaken for a retryable error, and it cuts a backoff wait short', async () => {
    // Every call comes back fully unprocessed, so the writer backs off; the first wait is long.
    after = (op, output, input) => {
      if (op === 'BatchWriteItem') output.UnprocessedItems = input.RequestItems;
    };
    const started = Date.now();
    const e = await AppTable.batchWrite([User.put(user(1)), User.put(user(2))], {
      baseDelayMs: 60_000,
      maxDelayMs: 60_000,
      abortSignal: AbortSignal.timeout(200),
    }).catch((x: unknown) => x);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(e).toBeInstanceOf(BatchWriteError);
    expect(((e as BatchWriteError).cause as Error).name).toBe('TimeoutError');
    expect((e as BatchWriteError).unprocessed).toHaveLength(2);
    // One call, then the wait was cut short: a TimeoutError reason is not retried.
    expect(sent).toEqual(['BatchWriteItem']);
  });

  it('onProgress ends on the true state after an abort: nothing pending, and no resend counted that never happened', async () => {
    const c = new AbortController();
    // The first call leaves its last write unprocessed; the abort lands during the backoff wait,
    // while the second buffer waits for its turn (concurrency 1).
    after = (op, output, input) => {
      if (op !== 'BatchWriteItem' || sent.length !== 1) return;
      const [table, requests] = Object.entries(input.RequestItems as Record<string, unknown[]>)[0]!;
      output.UnprocessedItems = { [table]: requests.slice(-1) };
      setTimeout(() => c.abort(reason), 50);
    };
    const seen: BatchProgress[] = [];
    const e = await AppTable.batchWrite(
      Array.from({ length: 50 }, (_, i) => User.put(user(i))),
      { concurrency: 1, baseDelayMs: 60_000, maxDelayMs: 60_000, abortSignal: c.signal, onProgress: (p) => seen.push(p) },
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BatchWriteError);
    expect((e as BatchWriteError).unprocessed).toHaveLength(26);
    expect(sent).toEqual(['BatchWriteItem']);
    expect(seen.at(-1)).toEqual({ written: 24, pending: 0, retried: 0 });
  });

  it("an aborted batch write's message names a reason that is not an Error, not 'retries exhausted'", async () => {
    const e = await AppTable.batchWrite([User.put(user(1))], { abortSignal: aborted('deadline passed') }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BatchWriteError);
    expect((e as BatchWriteError).cause).toBe('deadline passed');
    expect((e as BatchWriteError).message).toBe(`batch write stopped with 1 write(s) not done (0 written): deadline passed; not done: 1 put of User in table ${AppTable.name}; the writes not done are listed in its unprocessed, to send again`);
  });

  it('a streaming writer stops after an abort and lists the writes it did not send', async () => {
    const c = new AbortController();
    const writer = AppTable.batchWriter({ concurrency: 1, abortSignal: c.signal });
    for (let i = 0; i < 25; i++) writer.put(User, user(i));
    await writer.flush();
    writer.put(User, user(25));
    c.abort(reason);
    // Refused at once, not buffered until a request fails: the error lists it and the write buffered before.
    const refused = (() => {
      try {
        writer.put(User, user(26));
      } catch (x) {
        return x;
      }
    })();
    expect(refused).toBeInstanceOf(BatchWriteError);
    expect((refused as BatchWriteError).unprocessed).toHaveLength(2);
    expect((refused as BatchWriteError).cause).toBe(reason);
    expect(() => writer.delete(User, { userId: 'u001' })).toThrow(BatchWriteError);
    const e = await writer.close().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BatchWriteError);
    expect((e as BatchWriteError).unprocessed.map((w) => w.type)).toEqual(['put', 'put', 'delete']);
    expect((e as BatchWriteError).cause).toBe(reason);
    expect(sent.filter((op) => op === 'BatchWriteItem')).toHaveLength(1);
    expect(await storedUserIds()).toHaveLength(25);
  });
});

describe('listeners on a shared signal', () => {
  afterAll(clearTable);

  it('a fan-out wider than 10 puts one listener on the caller\'s signal, not one per request (no MaxListenersExceededWarning), and removes it', async () => {
    const c = new AbortController();
    let most = 0;
    // Counted while requests are in flight; they are held a little so that all 16 overlap.
    before = async () => {
      await new Promise((r) => setTimeout(r, 20));
      most = Math.max(most, getEventListeners(c.signal, 'abort').length);
    };
    const users = Array.from({ length: 400 }, (_, i) => user(i));
    await AppTable.batchWrite(users.map((u) => User.put(u)), { concurrency: 16, abortSignal: c.signal });
    const writer = AppTable.batchWriter({ concurrency: 16, abortSignal: c.signal });
    for (const u of users) writer.delete(User, { userId: u.userId });
    await writer.flush();
    await AppTable.batchWrite(users.map((u) => User.put(u)));
    await User.scan().segments(16).all({ abortSignal: c.signal });
    await AppTable.batchGet(users.map((u) => User.get({ userId: u.userId })).concat(users.map((u) => User.get({ userId: u.userId }).consistent())), { concurrency: 16, abortSignal: c.signal });
    expect(most).toBe(1);
    expect(getEventListeners(c.signal, 'abort')).toHaveLength(0);
    // An abort still reaches every request in flight.
    sent = [];
    before = async () => {
      c.abort(reason);
      await new Promise((r) => setTimeout(r, 20));
    };
    await expect(User.scan().segments(16).all({ abortSignal: c.signal })).rejects.toBe(reason);
    expect(sent.filter((op) => op === 'Scan')).toHaveLength(0);
  });
});

describe('table lifecycle', () => {
  const other = appModel(client, uniqueTableName('abort-lifecycle')).AppTable;
  afterAll(() => other.drop());

  it('create() and drop() with an aborted signal send nothing; describe() likewise', async () => {
    await expect(other.create({ abortSignal: aborted() })).rejects.toBe(reason);
    await expect(other.drop({ abortSignal: aborted() })).rejects.toBe(reason);
    await expect(AppTable.describe({ abortSignal: aborted() })).rejects.toBe(reason);
    expect(sent).toEqual([]);
  });

  it('an abort while create() waits for ACTIVE stops the polling at once, with the reason', async () => {
    // DynamoDB Local makes tables ACTIVE at once; here the table keeps answering CREATING.
    after = (op, output) => {
      if (op === 'DescribeTable') (output.Table as { TableStatus?: string }).TableStatus = 'CREATING';
    };
    const started = Date.now();
    await expect(other.create({ maxWaitSeconds: 10, abortSignal: AbortSignal.timeout(600) })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(2_000);
    const describes = sent.filter((op) => op === 'DescribeTable').length;
    expect(describes).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 600));
    expect(sent.filter((op) => op === 'DescribeTable')).toHaveLength(describes);
  });

  it('an abort while drop() waits for the table to go aborts the request in flight', async () => {
    let heldAborted = false;
    before = async (op, _input, signal) => {
      if (op !== 'DescribeTableCommand') return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5_000);
        signal?.addEventListener('abort', () => {
          heldAborted = true;
          clearTimeout(timer);
          resolve();
        }, { once: true });
      });
    };
    const c = new AbortController();
    setTimeout(() => c.abort(reason), 300);
    const started = Date.now();
    await expect(other.drop({ abortSignal: c.signal })).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(heldAborted).toBe(true);
    expect(sent).toContain('DeleteTable');
  });
});
