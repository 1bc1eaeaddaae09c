import { DynakitError } from '../errors.js';
import { sentActionsText, type SentAction } from './sent-actions.js';

/**
 * DynamoDB refused a `transactWrite` because its `idempotencyToken` was used, within the last 10
 * minutes, by a transaction with a different payload (DynamoDB's
 * `IdempotentParameterMismatchException`, the `cause`): **none of these actions was applied**.
 * Either the token was reused for new work (give new work a new token), or this is a retry of the
 * work that used it, rebuilt into another payload: new builders stamp new `createdAt` / `updatedAt`
 * unless they are given the first attempt's time as `now`. A retry's mismatch means the first
 * attempt was applied, so the work is done.
 *
 * @example
 * try {
 *   await transactWrite(actions, { idempotencyToken: message.id, now: message.firstAttemptAt });
 * } catch (e) {
 *   if (!(e instanceof IdempotencyTokenMismatchError)) throw e;
 *   console.warn(`token ${e.idempotencyToken} already used by other work`, e.actions);
 * }
 */
export class IdempotencyTokenMismatchError extends DynakitError {
  override name = 'IdempotencyTokenMismatchError';
  constructor(
    /** The caller's token, which another payload used first. */
    readonly idempotencyToken: string,
    /** The actions that were not applied, in the order given. */
    readonly actions: readonly SentAction[],
    override readonly cause: unknown,
  ) {
    super(
      `idempotencyToken ${JSON.stringify(idempotencyToken)} was used within the last 10 minutes by a transaction with a different payload, ` +
        `so DynamoDB applied none of these actions (${sentActionsText(actions)}). ` +
        'New work needs a new token. A retry of the work that used it sends the same payload only from the same builders, or from new ones ' +
        "given the first attempt's time as `now` (timestamps and expiry checks are part of the payload); if this is such a retry, " +
        'the first attempt was applied and the work is done',
    );
  }
}

/** DynamoDB's answer to a token reused with another payload (matched by name: SDK copies break `instanceof`). */
export const isTokenMismatch = (e: unknown): boolean => (e as { name?: unknown } | null | undefined)?.name === 'IdempotentParameterMismatchException';
