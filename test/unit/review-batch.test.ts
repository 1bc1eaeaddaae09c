/** Review of the batch retry classification: network failures the SDK itself retries are retried by the batch loops too. */
import { describe, expect, it } from 'vitest';
import { isRetryableError, resolveBackoff } from '../../src/batch/backoff.js';
import { InvalidBatchError } from '../../src/batch/batch-errors.js';

describe('isRetryableError: network failures', () => {
  const code = (c: string) => Object.assign(new Error(`connect ${c}`), { code: c });

  it.each(['EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET'])('retries %s', (c) => {
    expect(isRetryableError(code(c))).toBe(true);
  });

  it('retries HTTP 429 (throttling by status, as the SDK classifies it)', () => {
    expect(isRetryableError({ name: 'TooManyRequests', $metadata: { httpStatusCode: 429 } })).toBe(true);
  });

  it("follows the cause of a fetch handler's error (TypeError: fetch failed, caused by ECONNRESET)", () => {
    expect(isRetryableError(new TypeError('fetch failed', { cause: code('ECONNRESET') }))).toBe(true);
    expect(isRetryableError(new Error('outer', { cause: new Error('middle', { cause: code('ETIMEDOUT') }) }))).toBe(true);
  });

  it('a cause that is not a network failure does not make an error retryable; a looping cause chain ends', () => {
    expect(isRetryableError(new TypeError('x is not a function', { cause: new Error('boom') }))).toBe(false);
    expect(isRetryableError(new Error('validation', { cause: { name: 'ValidationException', $metadata: { httpStatusCode: 400 } } }))).toBe(false);
    const a: Error & { cause?: unknown } = new Error('a');
    a.cause = new Error('b', { cause: a });
    expect(isRetryableError(a)).toBe(false);
  });
});

describe('resolveBackoff: delays a timer cannot wait', () => {
  it('refuses Infinity and delays over 2^31 - 1 ms, which setTimeout would turn into 1 ms (a hot retry loop instead of a long wait)', () => {
    expect(() => resolveBackoff({ baseDelayMs: Number.POSITIVE_INFINITY, maxDelayMs: Number.POSITIVE_INFINITY })).toThrow(InvalidBatchError);
    expect(() => resolveBackoff({ maxDelayMs: 2 ** 31 })).toThrow(/maxDelayMs/);
    expect(() => resolveBackoff({ baseDelayMs: Number.POSITIVE_INFINITY })).toThrow(/baseDelayMs/);
    // the largest wait a timer holds is accepted
    expect(resolveBackoff({ baseDelayMs: 1_000, maxDelayMs: 2 ** 31 - 1 }).maxDelayMs).toBe(2 ** 31 - 1);
  });
});
