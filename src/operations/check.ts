import { TransactWriteItemsCommand, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { marshallSettings } from '../client/marshal-settings.js';
import { marshallTransactAction } from '../client/send-document-request.js';
import type { Condition } from '../expressions/condition.js';
import { compileCondition } from '../expressions/compile.js';
import { sendCommand, type RequestOptions } from '../client/send.js';
import type { EntityModel } from '../entity/model.js';
import { Operation } from './operation.js';
import { checkOwners, contextFor, withPlaceholders } from './expression-input.js';
import { cancellationReasons, conditionFailed } from './condition-failure.js';
import { TransactionCanceledError } from '../errors.js';
import { holdsOnMissingItem } from '../expressions/holds-on-missing.js';
import { checkText, seenByEntity, unseenStoredItem } from './check-guard.js';
import { ReplayedAction } from './replayed-action.js';

/** The `ConditionCheck` member of a `TransactWriteItems` action. */
export type ConditionCheckInput = NonNullable<NonNullable<TransactWriteCommandInput['TransactItems']>[number]['ConditionCheck']>;

/**
 * `Entity.check(key, condition)`: a condition on an item that writes nothing, for transactions.
 * Awaited on its own, it runs as a one-action transaction and throws `ConditionFailedError`
 * when the condition is false. It sees what its entity's reads see: another entity's item under
 * the key, or an expired one, is no item (check-guard.ts).
 */
export class CheckBuilder extends Operation<ConditionCheckInput, void> {
  /** Whether the condition holds on a missing item, which is how another entity's item or an expired one is judged. */
  private readonly holdsOnMissing: boolean;

  constructor(
    /** @internal */ readonly model: EntityModel,
    private readonly key: Readonly<Record<string, unknown>>,
    private readonly condition: Condition,
    private readonly returnItemOnFailure = false,
  ) {
    super();
    checkOwners(model, condition, 'the condition');
    this.holdsOnMissing = holdsOnMissingItem(condition.node, model.name);
  }

  /**
   * On a failed condition, attach the stored item to the `ConditionFailedError` (its `item`): in
   * model form when it is this entity's, as stored when it is another entity's.
   *
   * @example User.check({ userId: 'u2' }, User.Attr('age').gte(18)).returnItemOnConditionFailure()
   */
  returnItemOnConditionFailure(): CheckBuilder {
    return new CheckBuilder(this.model, this.key, this.condition, true);
  }

  /** @internal what the check requires, in words (messages of cancelled transactions) */
  checks(): string {
    return checkText(this.model, this.holdsOnMissing);
  }

  /**
   * @internal the action of a transaction. Its expiry test compares with the time of the
   * transaction (`now`, or the time of the call), and a retry with the same idempotency token
   * sends the action it sent before: DynamoDB replays a token only with the same payload.
   */
  transactItem(token?: string, now?: Date): { ConditionCheck: ConditionCheckInput } {
    return this.replay.action(token, now);
  }

  /** The action built for a transaction, the same again for a retry under its idempotency token. */
  private readonly replay = new ReplayedAction((now) => ({ ConditionCheck: this.prepare(now) }));

  /**
   * The `ConditionCheck` member of a `TransactWriteItems` action, without sending: a check is only
   * ever a transaction action, so this is not a command input of its own. The condition is sent as
   * the entity sees the item: `#_et = :name AND (condition)` (and `NOT (#ttl <= :now)` with a TTL),
   * or, for a condition that holds on a missing item, `#_et <> :name OR (condition)` (and
   * `#ttl <= :now`), so that another entity's item or an expired one counts as no item.
   *
   * @example User.check({ userId: 'u2' }, User.Attr('age').gte(18)).build().ConditionExpression // '#n0 = :v0 AND #n1 >= :v1' (_et = 'User' AND age >= 18)
   */
  build(): ConditionCheckInput {
    return this.prepare(new Date());
  }

  private prepare(now: Date): ConditionCheckInput {
    const m = this.model;
    const ctx = contextFor(m);
    const input: ConditionCheckInput = {
      TableName: m.table.name,
      Key: m.keys.primaryKey(this.key),
      ConditionExpression: compileCondition(seenByEntity(m, this.condition, this.holdsOnMissing, now).node, ctx),
    };
    withPlaceholders(input, ctx);
    if (this.returnItemOnFailure) input.ReturnValuesOnConditionCheckFailure = 'ALL_OLD';
    return input;
  }

  /**
   * Runs the check as a one-action transaction: `ConditionFailedError` when the condition is false
   * (on the item its entity sees), `TransactionCanceledError` when the transaction is cancelled for
   * another reason (a conflict, throttling).
   *
   * @example await User.check({ userId: 'u2' }, User.Attr('age').gte(18)).send()
   */
  async send(options?: RequestOptions): Promise<void> {
    const input = this.build();
    const cancelled = await sendCheckAlone(this.model.table.client, input, options);
    if (cancelled === undefined) return;
    const { reasons, found } = cancellationReasons(cancelled, [{ model: this.model, key: input.Key as Record<string, unknown>, unseen: (plain) => unseenStoredItem(this.model, plain, new Date()) }]);
    const [reason] = reasons;
    // A false condition reads as on any single write; other reasons (a conflict, throttling)
    // are the transaction's, typed as in transactWrite.
    if (reason?.code !== 'ConditionalCheckFailed') throw new TransactionCanceledError(reason === undefined ? [] : [reason], cancelled, ['check']);
    const checked = found[0] === undefined ? this.checks() : `${this.checks()}; ${found[0]}`;
    throw conditionFailed(this.model.name, 'check', reason.item, cancelled, checked);
  }
}

/**
 * Sends one `ConditionCheck` as a one-action transaction (the only way DynamoDB runs a check).
 * Resolves to `undefined` when the check held, and to the `TransactionCanceledException` when it
 * was cancelled, which the caller words as its own failure; any other error is thrown as it is.
 */
export async function sendCheckAlone(client: DynamoDBClient, input: ConditionCheckInput, options: RequestOptions | undefined): Promise<object | undefined> {
  try {
    const action = marshallTransactAction({ ConditionCheck: input }, marshallSettings(client)) as TransactWriteItem;
    await sendCommand(client, new TransactWriteItemsCommand({ TransactItems: [action] }), options?.abortSignal);
    return undefined;
  } catch (e) {
    // `e` can be any value: an abort rejects with the signal's reason, `null` included.
    if ((e as { name?: string } | null)?.name === 'TransactionCanceledException') return e as object;
    throw e;
  }
}
