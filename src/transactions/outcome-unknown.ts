import { DynakitError, sdkAttempts } from '../errors.js';
import { sentActionsText, type SentAction } from './sent-actions.js';

/** One action of a transaction whose outcome is unknown: what it wrote, and where (see `SentAction`). */
export type UnknownOutcomeAction = SentAction;

/**
 * `transactWrite` sent the transaction, but the answer never came or does not say whether it was
 * applied: a dropped connection, a timeout, an abort while the request was on its way, a server
 * error (5xx), `TransactionInProgressException`, or a throttling error after the SDK's own
 * retries. It may or may not have been applied. Sending the same actions again with
 * `idempotencyToken` (dynakit made one when none was given) within 10 minutes applies them at most
 * once: the resend succeeds without applying them again if the first send was applied, and applies
 * them if it was not. `cause` is the SDK's error (or the abort's reason).
 *
 * @example
 * try {
 *   await transactWrite(actions);
 * } catch (e) {
 *   if (!(e instanceof TransactionOutcomeUnknownError)) throw e;
 *   await transactWrite(actions, { idempotencyToken: e.idempotencyToken }); // applied once in all
 * }
 */
export class TransactionOutcomeUnknownError extends DynakitError {
  override name = 'TransactionOutcomeUnknownError';
  constructor(
    /** The `ClientRequestToken` every attempt was sent with: the caller's, or the one dynakit made. */
    readonly idempotencyToken: string,
    readonly actions: readonly UnknownOutcomeAction[],
    override readonly cause: unknown,
  ) {
    super(
      `transaction outcome unknown (${causeText(cause)}): it may or may not have been applied (${sentActionsText(actions)}); ` +
        `sending the same actions again with idempotencyToken ${JSON.stringify(idempotencyToken)} within 10 minutes applies them at most once`,
    );
  }
}

const causeText = (cause: unknown): string => (cause instanceof Error ? `${cause.name}: ${cause.message}` : `aborted: ${String(cause)}`);

/**
 * Answers that show the transaction was not applied, however many times the SDK sent it: an
 * applied transaction sent again with its token is answered with success, not with these. A
 * token mismatch too: had an earlier attempt of this payload been applied, the token would be this
 * payload's, and the attempt would be answered with success.
 */
const NOT_APPLIED = new Set(['TransactionCanceledException', 'ValidationException', 'IdempotentParameterMismatchException']);
/** Failures before a connection was made (the request never left) and before signing. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'CredentialsProviderError']);

/**
 * Whether `e`, the error a sent `TransactWriteItems` failed with (not an abort), leaves its outcome
 * unknown. Known (not applied): the three answers above; any other 4xx answer (throttling, a
 * missing table, access denied) and a connection never made, when the SDK sent the request once.
 * Unknown: a 5xx, `TransactionInProgressException`, a failure without an HTTP answer (a reset or
 * timed-out connection, an unreadable answer), and a 4xx or a connection never made after the SDK
 * retried (an earlier attempt's answer may have been lost, and the SDK does not say which).
 */
export function leavesOutcomeUnknown(e: unknown): boolean {
  if (e instanceof DynakitError) return false;
  const err = e as { name?: unknown; $metadata?: { httpStatusCode?: unknown } } | null | undefined;
  const name = err?.name;
  if (typeof name === 'string' && NOT_APPLIED.has(name)) return false;
  if (name === 'TransactionInProgressException') return true;
  const status = err?.$metadata?.httpStatusCode;
  const once = sdkAttempts(e) <= 1;
  if (typeof status === 'number' && status >= 400 && status < 500) return !once;
  if (typeof status === 'number') return true; // 5xx, or a 2xx whose answer could not be read
  return !(once && neverSent(e));
}

/** `e` or one of its causes (a fetch handler wraps the socket's error) says the request never left. */
function neverSent(e: unknown, depth = 0): boolean {
  if (e === null || typeof e !== 'object' || depth > 10) return false;
  const err = e as { name?: unknown; code?: unknown; cause?: unknown };
  if ((typeof err.code === 'string' && NEVER_SENT.has(err.code)) || (typeof err.name === 'string' && NEVER_SENT.has(err.name))) return true;
  return neverSent(err.cause, depth + 1);
}
