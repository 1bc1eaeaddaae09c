import { BatchWriteItemCommand, type AttributeValue, type BatchWriteItemCommandOutput, type WriteRequest as RawWriteRequest } from '@aws-sdk/client-dynamodb';
import { unmarshall, type unmarshallOptions } from '@aws-sdk/util-dynamodb';
import { marshallSettings, unmarshallSettings } from '../client/marshal-settings.js';
import { SignalFanout, eitherSignal, sendCommand, type AnyDynamoClient, type RequestOptions } from '../client/send.js';
import { BatchWriteError, type UnprocessedWrite } from './batch-errors.js';
import { backoffDelay, isRetryableError, resolveBackoff, resolveConcurrency, sleep, type BackoffOptions, type ResolvedBackoff } from './backoff.js';
import { itemId, listedWrite, marshallWrite, type WriteRequest } from './write-request.js';
import { MAX_REQUEST_BODY_BYTES } from './wire-size.js';
import { answeredTable } from '../entity/table-name.js';

/** DynamoDB's cap on requests per BatchWriteItem call. */
export const MAX_BATCH_WRITE = 25;

export interface BatchProgress {
  /** Writes DynamoDB confirmed. */
  readonly written: number;
  /** Writes accepted by the writer and not yet confirmed. */
  readonly pending: number;
  /** Writes resent so far (after UnprocessedItems or a retryable error). */
  readonly retried: number;
}

/**
 * With an `abortSignal`, an abort stops the writer: nothing more is sent, and the writes not
 * confirmed by then (in flight ones included, which DynamoDB may or may not have applied;
 * resending a put or delete is safe) are in the `BatchWriteError` it throws, whose `cause` is the
 * signal's reason.
 */
export interface BatchWriteOptions extends BackoffOptions, RequestOptions {
  /** BatchWriteItem calls in flight at once. Default 4. */
  readonly concurrency?: number;
  /**
   * Called after every call to DynamoDB, and when writes are given up without one (after an
   * abort, or once the writer has stopped). An exception it throws neither stops nor loses writes:
   * `flush()` rethrows the first one once every write so far has settled.
   */
  readonly onProgress?: (progress: BatchProgress) => void;
}

/** Resolves when `n` permits are free; `release` hands one back. */
class Semaphore {
  private waiters: (() => void)[] = [];
  constructor(private free: number) {}
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((r) => this.waiters.push(r));
  }
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.free++;
  }
}

/**
 * Streams puts and deletes into BatchWriteItem calls of up to 25 requests (and under 16 MB),
 * several in flight, resending `UnprocessedItems` and retryable failures with exponential
 * backoff and full jitter. A key written twice keeps its last write: within a buffer the
 * earlier request is replaced, and across buffers the later one waits for the earlier.
 * When retries run out, `flush()`/`close()` throw a `BatchWriteError` listing every write that
 * did not happen.
 */
export class BatchWriteEngine {
  private readonly backoff: ResolvedBackoff;
  private readonly limit: Semaphore;
  /** Each call in flight gets a signal of its own; the caller's holds one listener while any runs. */
  private readonly fanout: SignalFanout | undefined;
  private buffer = new Map<string, WriteRequest>();
  private bufferBytes = 0;
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly tasks = new Set<Promise<void>>();
  private readonly failed: UnprocessedWrite[] = [];
  private failure: unknown;
  private stopped = false;
  /** The backoff waits under way: a stop ends them at once (calls in flight still finish their attempt). */
  private readonly waits = new Set<AbortController>();
  private written = 0;
  private pending = 0;
  private retried = 0;

  constructor(
    private readonly client: AnyDynamoClient,
    private readonly options: BatchWriteOptions = {},
  ) {
    this.backoff = resolveBackoff(options);
    this.limit = new Semaphore(resolveConcurrency(options.concurrency));
    this.fanout = options.abortSignal === undefined ? undefined : new SignalFanout(options.abortSignal);
  }

  /**
   * Adds one request; sends a full buffer in the background. Once the writer has stopped, throws
   * its `BatchWriteError` (listing this write too).
   */
  add(r: WriteRequest): void {
    this.addAll([r]);
  }

  /**
   * Adds requests in order, as `add` does each, throwing (once all are in, so its error lists them
   * all) if the writer has stopped.
   */
  addAll(rs: readonly WriteRequest[]): void {
    for (const r of rs) this.enqueue(r);
    if (this.stopped) {
      const e = this.error();
      this.thrownCount = e.unprocessed.length;
      throw e;
    }
  }

  /**
   * Adds one request without throwing: after a stop it stays in the buffer, listed by the error
   * `flush()` throws (for `batchWriteAll`, whose error must list every write, not the first).
   */
  enqueue(r: WriteRequest): void {
    // An abort is otherwise noticed only by the next call it fails; a loop feeding the writer
    // without awaiting would keep validating and buffering writes that can no longer be sent.
    const signal = this.options.abortSignal;
    if (!this.stopped && signal?.aborted === true) this.stop(signal.reason);
    let prev = this.buffer.get(r.id);
    if (prev !== undefined && (prev.client ?? this.client) !== (r.client ?? this.client)) {
      // The same table name and key behind another client: another region's or account's table
      // (or this one defined twice). Not a write to replace: the buffered one goes first.
      if (this.stopped) {
        this.buffer.delete(r.id);
        this.bufferBytes -= prev.size;
        this.fail([prev], undefined);
      } else this.dispatch();
      prev = undefined;
    }
    if (prev !== undefined) {
      this.buffer.delete(r.id);
      this.bufferBytes -= prev.size;
      this.pending--;
    }
    // Once stopped, the buffer is never sent: it only grows, and is listed after every write
    // dispatched earlier (which is what keeps a key's listed writes in the order they were made).
    if (!this.stopped && (this.buffer.size >= MAX_BATCH_WRITE || this.bufferBytes + r.size > MAX_REQUEST_BODY_BYTES)) this.dispatch();
    this.buffer.set(r.id, r);
    this.bufferBytes += r.size;
    this.pending++;
    if (!this.stopped && this.buffer.size >= MAX_BATCH_WRITE) this.dispatch();
  }

  /** Sends whatever is buffered and waits until every write is done or has failed. */
  async flush(): Promise<void> {
    if (this.buffer.size > 0 && !this.stopped) this.dispatch();
    while (this.tasks.size > 0) await Promise.all([...this.tasks]);
    if (this.stopped) {
      // Every call has settled, so nothing dispatched earlier can be listed after these any more.
      if (this.buffer.size > 0) {
        this.fail([...this.buffer.values()], undefined);
        this.buffer = new Map();
        this.bufferBytes = 0;
        this.report();
      }
      const e = this.error();
      this.thrownCount = e.unprocessed.length;
      throw e;
    }
    const callback = this.callbackFailure;
    if (callback !== undefined) {
      this.callbackFailure = undefined;
      throw callback.error;
    }
  }

  /** The first exception `onProgress` threw, held until `flush()` can report it. */
  private callbackFailure: { readonly error: unknown } | undefined;

  private thrownCount = -1;

  /** Final flush of `await using`: quiet when the caller already got this exact error. */
  async dispose(): Promise<void> {
    const before = this.thrownCount;
    try {
      await this.flush();
    } catch (e) {
      if (e instanceof BatchWriteError && e.unprocessed.length === before) return;
      throw e;
    }
  }

  get progress(): BatchProgress {
    return { written: this.written, pending: this.pending, retried: this.retried };
  }

  private error(): BatchWriteError {
    const unsent = [...this.buffer.values()].map(listedWrite);
    return new BatchWriteError([...this.failed, ...unsent], this.written, this.failure);
  }

  private dispatch(): void {
    const all = [...this.buffer.values()];
    this.buffer = new Map();
    this.bufferBytes = 0;
    // One call goes through one client: a table defined with a client of its own (another region
    // or account) gets calls of its own, through that client.
    const byClient = new Map<AnyDynamoClient, WriteRequest[]>();
    for (const r of all) {
      const c = r.client ?? this.client;
      (byClient.get(c) ?? byClient.set(c, []).get(c)!).push(r);
    }
    for (const [client, chunk] of byClient) this.dispatchChunk(client, chunk);
  }

  private dispatchChunk(client: AnyDynamoClient, chunk: readonly WriteRequest[]): void {
    // A later write of a key waits until the earlier write of that key is settled.
    const before = [...new Set(chunk.map((r) => this.inflight.get(r.id)).filter((p): p is Promise<void> => p !== undefined))];
    const task = (async () => {
      await Promise.all(before);
      await this.limit.acquire();
      const line = this.fanout?.open();
      try {
        const signal = line?.signal;
        if (this.stopped || signal?.aborted === true) {
          this.fail(chunk, this.stopped ? undefined : signal?.reason);
          // No call reports these writes; without this the last progress would keep them pending.
          this.report();
        } else await this.send(client, chunk, signal);
      } finally {
        line?.close();
        this.limit.release();
      }
    })();
    const tracked = task.finally(() => {
      this.tasks.delete(tracked);
      for (const r of chunk) if (this.inflight.get(r.id) === tracked) this.inflight.delete(r.id);
    });
    this.tasks.add(tracked);
    for (const r of chunk) this.inflight.set(r.id, tracked);
  }

  /** Nothing more is sent; `cause` (the first one) becomes the `BatchWriteError`'s. */
  private stop(cause: unknown): void {
    if (!this.stopped) this.failure = cause;
    this.stopped = true;
    for (const wait of this.waits) wait.abort(cause);
  }

  /**
   * Gives up `requests`. Writes of one key must be failed in the order they were made: a chunk
   * waits for the earlier chunks of its keys, and the buffer is failed only once every chunk is done.
   */
  private fail(requests: readonly WriteRequest[], cause: unknown): void {
    this.stop(cause);
    this.pending -= requests.length;
    for (const r of requests) this.failed.push(listedWrite(r));
  }

  /** Runs `onProgress`; its exceptions are held for `flush()` so they cannot abandon a retry. */
  private report(): void {
    const onProgress = this.options.onProgress;
    if (onProgress === undefined) return;
    try {
      onProgress(this.progress);
    } catch (e) {
      this.callbackFailure ??= { error: e };
    }
  }

  private async send(client: AnyDynamoClient, chunk: readonly WriteRequest[], signal: AbortSignal | undefined): Promise<void> {
    let pending = chunk;
    let attempts = 0;
    let lastError: unknown;
    while (pending.length > 0) {
      attempts++;
      let progressed = false;
      try {
        // Sent as the low-level command, marshalled as lib-dynamodb's BatchWriteCommand would (the same bytes).
        const settings = marshallSettings(client);
        const RequestItems: Record<string, RawWriteRequest[]> = {};
        for (const r of pending) (RequestItems[r.table] ??= []).push(marshallWrite(r.request, settings));
        const out = await sendCommand<BatchWriteItemCommandOutput>(client, new BatchWriteItemCommand({ RequestItems }), signal);
        const left = unprocessedOf(out, pending, unmarshallSettings(client));
        if (left === undefined) {
          // Counting the rest as written could lose a write; report the whole call instead.
          this.fail(pending, new Error('UnprocessedItems held a write that matches none of the writes sent; every write of that call is reported as not written'));
          this.report();
          return;
        }
        const done = pending.length - left.length;
        this.written += done;
        this.pending -= done;
        progressed = done > 0;
        pending = left;
        lastError = undefined;
      } catch (e) {
        // An abort's reason can look retryable (AbortSignal.timeout's is a TimeoutError).
        if (signal?.aborted === true || !isRetryableError(e)) {
          this.fail(pending, e);
          this.report();
          return;
        }
        lastError = e;
      }
      if (pending.length === 0) break;
      if (progressed) attempts = 0;
      if (attempts >= this.backoff.maxAttempts || this.stopped) {
        this.fail(pending, lastError);
        this.report();
        return;
      }
      this.report();
      // A stop ends the wait: its writes are given up now, not after up to maxDelayMs.
      const wait = new AbortController();
      this.waits.add(wait);
      try {
        await sleep(backoffDelay(Math.max(attempts - 1, 0), this.backoff), eitherSignal(signal, wait.signal));
      } catch (e) {
        this.fail(pending, wait.signal.aborted ? lastError : e);
        this.report();
        return;
      } finally {
        this.waits.delete(wait);
      }
      // The writer may have stopped during the wait (another call failed): once stopped, nothing
      // new is sent, so these writes are given up rather than resent.
      if (this.stopped) {
        this.fail(pending, lastError);
        this.report();
        return;
      }
      // Counted once the wait is over: an abort during it means these writes are never resent.
      this.retried += pending.length;
    }
    this.report();
  }
}

/**
 * Maps `UnprocessedItems` back onto the requests that were sent; `undefined` when an entry
 * matches none of them (so the caller cannot tell which writes were done).
 */
function unprocessedOf(out: BatchWriteItemCommandOutput, sent: readonly WriteRequest[], settings: unmarshallOptions | undefined): WriteRequest[] | undefined {
  const un = out.UnprocessedItems;
  if (un === undefined) return [];
  const byId = new Map(sent.map((r) => [r.id, r]));
  const tables = [...new Set(sent.map((r) => r.table))];
  const left: WriteRequest[] = [];
  for (const [answered, reqs] of Object.entries(un)) {
    // A table named by ARN may be answered under its name: see table-name.ts.
    const table = answeredTable(answered, tables);
    if (table === undefined) {
      if ((reqs ?? []).length > 0) return undefined;
      continue;
    }
    const names = sent.find((r) => r.table === table)!.keyNames;
    for (const req of reqs ?? []) {
      // Only the key is read back: the rest of a put's item is not needed to match it.
      const raw = req.PutRequest?.Item ?? req.DeleteRequest?.Key ?? {};
      const rawKey: Record<string, AttributeValue> = {};
      for (const n of names) if (raw[n] !== undefined) rawKey[n] = raw[n];
      const r = byId.get(itemId(table, unmarshall(rawKey, settings), names));
      if (r === undefined) return undefined;
      left.push(r);
      byId.delete(r.id);
    }
  }
  return left;
}
