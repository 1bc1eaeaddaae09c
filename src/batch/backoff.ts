import { DynakitError } from '../errors.js';
import { InvalidBatchError } from './batch-errors.js';

/** Retry timing for batch loops: exponential backoff with full jitter (AWS's recommendation). */
export interface BackoffOptions {
  /** Attempts per request before giving up, the first one included. Default 10. */
  readonly maxAttempts?: number;
  /** First retry waits up to this long. Default 50 ms. */
  readonly baseDelayMs?: number;
  /** No wait is longer than this. Default 5,000 ms. */
  readonly maxDelayMs?: number;
}

export interface ResolvedBackoff {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** The longest delay `setTimeout` honours (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The options with their defaults, checked. `invalid` makes the error of a bad option: the error
 * class of the operation they were given to (InvalidBatchError, InvalidTransactionError), so one
 * `catch` of that class covers its options too.
 *
 * @example resolveBackoff({ maxAttempts: 3 }) // { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 5000 }
 */
export function resolveBackoff(o: BackoffOptions = {}, invalid: (message: string) => DynakitError = (m) => new InvalidBatchError(m)): ResolvedBackoff {
  const maxAttempts = o.maxAttempts ?? 10;
  const baseDelayMs = o.baseDelayMs ?? 50;
  const maxDelayMs = o.maxDelayMs ?? 5_000;
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) throw invalid(`maxAttempts must be a positive integer, got ${maxAttempts}`);
  for (const [name, ms] of [['baseDelayMs', baseDelayMs], ['maxDelayMs', maxDelayMs]] as const) {
    // setTimeout turns a longer (or infinite) wait into 1 ms: a hot retry loop, not a long wait.
    if (!(ms >= 0 && ms <= MAX_TIMER_MS)) throw invalid(`${name} must be between 0 and ${MAX_TIMER_MS} ms (the longest wait a timer holds), got ${ms}`);
  }
  return { maxAttempts, baseDelayMs, maxDelayMs };
}

/** Calls in flight at once for a batch loop: a positive integer, 4 unless given. */
export function resolveConcurrency(value: number | undefined): number {
  const c = value ?? 4;
  if (!Number.isSafeInteger(c) || c < 1) throw new InvalidBatchError(`concurrency must be a positive integer, got ${c}`);
  return c;
}

/** Full jitter: a random wait in [0, min(cap, base * 2^retry)). */
export function backoffDelay(retry: number, b: ResolvedBackoff, random: () => number = Math.random): number {
  return random() * Math.min(b.maxDelayMs, b.baseDelayMs * 2 ** retry);
}

/** Waits `ms`; an abort ends the wait early with `signal.reason`. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted === true) return Promise.reject(signal.reason as Error);
  if (ms <= 0) return Promise.resolve();
  if (signal === undefined) return new Promise((r) => setTimeout(r, ms));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

const RETRYABLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'TransactionInProgressException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  // undici (the SDK's fetch handler) when the server closed the connection
  'UND_ERR_SOCKET',
  'NetworkingError',
]);

/**
 * True for failures worth retrying: throttling, server errors (5xx) and dropped connections.
 * Retried writes are puts and deletes, which are idempotent, so resending after an unknown
 * outcome cannot apply a write twice.
 */
export function isRetryableError(e: unknown, depth = 0): boolean {
  if (e === null || typeof e !== 'object') return false;
  const err = e as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown; cause?: unknown };
  if (err.name !== undefined && RETRYABLE_NAMES.has(err.name)) return true;
  if (err.code !== undefined && RETRYABLE_NAMES.has(err.code)) return true;
  if (err.$retryable !== undefined) return true;
  const status = err.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  // A fetch handler wraps the socket error: `TypeError: fetch failed` with the ECONNRESET as its
  // cause (the SDK's own retry follows causes too). Bounded: a cause chain may loop.
  return depth < 10 && err.cause !== undefined && isRetryableError(err.cause, depth + 1);
}
