import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient, TranslateConfig } from '@aws-sdk/lib-dynamodb';
import { UnsupportedClientError } from '../errors.js';
import { withUnredactedLogs } from './unredacted-logs.js';

/** Anything with the SDK's `send`: a DynamoDBClient or a DynamoDBDocumentClient. */
export type AnyDynamoClient = DynamoDBClient | DynamoDBDocumentClient;

interface Sendable {
  send(command: unknown, options?: unknown): Promise<unknown>;
}

/** Per-call options of everything that sends requests. */
export interface RequestOptions {
  /**
   * Cancels the call. A request not yet sent is not sent, one in flight is aborted (the SDK's
   * `abortSignal`), and the call rejects with `signal.reason`, as `fetch` does. A write that was
   * in flight may or may not have been applied by DynamoDB.
   *
   * @example await User.get({ userId: 'u1' }).send({ abortSignal: AbortSignal.timeout(1_000) })
   */
  readonly abortSignal?: AbortSignal | undefined;
}

/** A signal that aborts when either one does (with that one's reason); `undefined` when neither is given. */
export function eitherSignal(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (a === undefined || a === b) return b;
  if (b === undefined) return a;
  return AbortSignal.any([a, b]);
}

/**
 * Gives each line of a fan-out (a parallel scan segment, a batch worker) a signal of its own that
 * follows `signal`. The SDK and backoff waits add a listener per request or wait; on the caller's
 * signal that made one per call in flight, and Node warns about a leak past 10 (concurrency 16,
 * segments(32)). Here the caller's signal holds a single listener while any line is open.
 * Without a caller's signal the lines can still be stopped by the fan-out's owner (`stop`).
 */
export class SignalFanout {
  private readonly lines = new Set<AbortController>();
  private stopped: { readonly reason: unknown } | undefined;
  private readonly onAbort = (): void => {
    for (const line of this.lines) line.abort(this.signal!.reason);
  };

  constructor(private readonly signal?: AbortSignal) {}

  /** A signal for one line; `close()` it when the line is done (a `finally`). */
  open(): { readonly signal: AbortSignal; close(): void } {
    const line = new AbortController();
    if (this.signal?.aborted === true) line.abort(this.signal.reason);
    else if (this.stopped !== undefined) line.abort(this.stopped.reason);
    else {
      if (this.lines.size === 0) this.signal?.addEventListener('abort', this.onAbort, { once: true });
      this.lines.add(line);
    }
    return {
      signal: line.signal,
      close: () => {
        if (this.lines.delete(line) && this.lines.size === 0) this.signal?.removeEventListener('abort', this.onAbort);
      },
    };
  }

  /**
   * Aborts every open line, and every line opened later, with `reason`: the owner no longer wants
   * their results (a consumer that stopped early). The caller's signal is left as it is.
   */
  stop(reason: unknown): void {
    this.stopped ??= { reason };
    for (const line of [...this.lines]) line.abort(this.stopped.reason);
  }
}

/**
 * Sends a low-level SDK command through either client (requests are marshalled by the caller: see
 * ./send-document-request.ts), without the SDK's log redaction (see ./unredacted-logs.ts). We
 * deliberately do not call `DynamoDBDocumentClient.from(client)`, which would overwrite the
 * marshalling options of any DocumentClient the user built on the same client.
 */
export function sendCommand<Output>(client: AnyDynamoClient, command: unknown, signal?: AbortSignal): Promise<Output> {
  const unsupported = unsupportedTranslation(client);
  if (unsupported !== undefined) return Promise.reject(new UnsupportedClientError(unsupported));
  withUnredactedLogs(command);
  if (signal === undefined) return (client as unknown as Sendable).send(command) as Promise<Output>;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  // The SDK rejects an aborted request with its own AbortError; callers get the signal's reason
  // (a TimeoutError for AbortSignal.timeout), the same whether the abort came before or during it.
  return ((client as unknown as Sendable).send(command, { abortSignal: signal }) as Promise<Output>).catch((e: unknown) => {
    throw signal.aborted ? signal.reason : e;
  });
}

/**
 * Why the client's DocumentClient settings cannot carry dynakit's commands, or `undefined`.
 * Checked on every send: `DynamoDBDocumentClient.from(client, settings)` writes its settings into
 * the config it shares with `client`, so a DocumentClient made later changes the client given to
 * `defineTable`. Settings that only affect what dynakit never sends (undefined values, class
 * instances, unsafe integers) are fine.
 */
export function unsupportedTranslation(client: AnyDynamoClient): string | undefined {
  const t = (client as { config?: { translateConfig?: TranslateConfig } }).config?.translateConfig;
  if (t === undefined) return undefined;
  const emptyAsNull = t.marshallOptions?.convertEmptyValues === true;
  const wrapped = t.unmarshallOptions?.wrapNumbers !== undefined && t.unmarshallOptions.wrapNumbers !== false;
  if (!emptyAsNull && !wrapped) return undefined; // the common case, on every send: no allocation
  const problems: string[] = [];
  if (emptyAsNull) problems.push("marshallOptions.convertEmptyValues (stores '' as NULL)");
  if (wrapped) problems.push('unmarshallOptions.wrapNumbers (reads numbers as NumberValue)');
  return `the client's DocumentClient settings ${problems.join(', ')} would change what dynakit stores or reads; give dynakit a DynamoDBClient of its own (DynamoDBDocumentClient.from() writes its settings into the client it wraps)`;
}
