/**
 * Which failures of a sent TransactWriteItems leave its outcome unknown (src/transactions/outcome-unknown.ts).
 * The error shapes are those the SDK raises, checked against a socket that resets, a server that
 * never answers (NodeHttpHandler's requestTimeout), a bare HTTP 500 and a refused connection, on
 * the SDK of this repository and on 3.600.0 (the oldest the package accepts): a bare 500 is named
 * `'500'` with `$fault: 'client'` on 3.600.0 and `'Unknown'` with `$fault: 'server'` today, so the
 * status code decides, not the name or the fault.
 */
import { describe, expect, it } from 'vitest';
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { InvalidTransactionError } from '../../src/index.js';
import { leavesOutcomeUnknown } from '../../src/transactions/outcome-unknown.js';

const meta = (attempts: number, httpStatusCode?: number) => ({ $metadata: { attempts, totalRetryDelay: 0, ...(httpStatusCode === undefined ? {} : { httpStatusCode }) } });
const service = (name: string, status: number, attempts = 1, fault: 'client' | 'server' = status >= 500 ? 'server' : 'client') =>
  Object.assign(new DynamoDBServiceException({ name, message: name, $fault: fault, $metadata: {} }), meta(attempts, status));
const network = (message: string, fields: Record<string, unknown>, attempts = 1) => Object.assign(new Error(message), fields, meta(attempts));

describe('leavesOutcomeUnknown', () => {
  it.each([
    ['a socket reset (read ECONNRESET)', network('read ECONNRESET', { name: 'TimeoutError', code: 'ECONNRESET' })],
    ['a socket reset after the SDK retried', network('read ECONNRESET', { name: 'TimeoutError', code: 'ECONNRESET' }, 2)],
    ["requestTimeout (today's SDK, throwOnRequestTimeout)", network('a request has exceeded the configured 300 ms requestTimeout', { name: 'TimeoutError', code: 'ETIMEDOUT' })],
    ['requestTimeout (SDK 3.600.0)', network('Connection timed out after 300 ms', { name: 'TimeoutError' })],
    ["a fetch handler's reset (the code on its cause)", new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) })],
    ['InternalServerError', service('InternalServerError', 500)],
    ['ServiceUnavailable', service('ServiceUnavailable', 503)],
    ['a bare 500 as SDK 3.600.0 names it', service('500', 500, 1, 'client')],
    ['a bare 500 as the SDK names it today', service('Unknown', 500)],
    ['TransactionInProgressException (the same token still running)', service('TransactionInProgressException', 400)],
    ['throttling after the SDK retried (an earlier attempt may have been a lost answer)', service('ProvisionedThroughputExceededException', 400, 3)],
    ['an answer of 200 that could not be read', Object.assign(new SyntaxError('Unexpected end of JSON input'), meta(1, 200))],
    ['a refused connection after the SDK retried', network('connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED' }, 2)],
    ['a failure with nothing to tell it by', new Error('something else')],
  ])('unknown: %s', (_label, error) => {
    expect(leavesOutcomeUnknown(error)).toBe(true);
  });

  it.each([
    ['TransactionCanceledException', service('TransactionCanceledException', 400)],
    ['TransactionCanceledException after the SDK resent it (an applied one would have been replayed)', service('TransactionCanceledException', 400, 3)],
    ['ValidationException', service('ValidationException', 400, 2)],
    ['IdempotentParameterMismatchException', service('IdempotentParameterMismatchException', 400, 2)],
    ['throttling the SDK did not retry', service('ThrottlingException', 400)],
    ['a missing table', service('ResourceNotFoundException', 400)],
    ['a refused connection', network('connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED' })],
    ['a host that does not resolve', network('getaddrinfo ENOTFOUND dynamodb.invalid', { code: 'ENOTFOUND' })],
    ["a fetch handler's refused connection (the code on its cause)", new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) })],
    ['no credentials (before signing)', Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' })],
    ["dynakit's own error", new InvalidTransactionError('x')],
  ])('known (not applied): %s', (_label, error) => {
    expect(leavesOutcomeUnknown(error)).toBe(false);
  });
});
