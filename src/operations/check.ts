import { TransactWriteItemsCommand, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { marshallSettings } from '../client/marshal-settings.js';
import { marshallTransactAction } from '../client/send-document-request.js';
import type { Condition } from '../expressions/condition.js';
import { compileCondition } from '../expressions/compile.js';
import { sendCommand, type RequestOptions } from '../client/send.js';
import type { EntityModel } from '../entity/model.js';
import { Operation } from './operation.js';
import { checkOwners, contextFor, withPlaceholders } from './expression-input.js';
import { cancellationReasons } from './condition-failure.js';
import { ConditionFailedError, TransactionCanceledError } from '../errors.js';

/** The `ConditionCheck` member of a `TransactWriteItems` action. */
export type ConditionCheckInput = NonNullable<NonNullable<TransactWriteCommandInput['TransactItems']>[number]['ConditionCheck']>;

/**
 * `Entity.check(key, condition)`: a condition on an item that writes nothing, for transactions.
 * Awaited on its own, it runs as a one-action transaction and throws `ConditionFailedError`
 * when the condition is false.
 */
export class CheckBuilder extends Operation<ConditionCheckInput, void> {
  constructor(
    /** @internal */ readonly model: EntityModel,
    private readonly key: Readonly<Record<string, unknown>>,
    private readonly condition: Condition,
    private readonly returnItemOnFailure = false,
  ) {
    super();
    checkOwners(model, condition, 'the condition');
  }

  /**
   * On a failed condition, attach the stored item to the `ConditionFailedError` (its `item`).
   *
   * @example User.check({ userId: 'u2' }, User.Attr('age').gte(18)).returnItemOnConditionFailure()
   */
  returnItemOnConditionFailure(): CheckBuilder {
    return new CheckBuilder(this.model, this.key, this.condition, true);
  }

  /** @internal what the check requires, in words (messages of cancelled transactions) */
  checks(): string {
    return 'its condition must hold';
  }

  /** @internal the action of a transaction */
  transactItem(): { ConditionCheck: ConditionCheckInput } {
    return { ConditionCheck: this.build() };
  }

  /**
   * The `ConditionCheck` member of a `TransactWriteItems` action, without sending: a check is only
   * ever a transaction action, so this is not a command input of its own.
   *
   * @example User.check({ userId: 'u2' }, User.Attr('age').gte(18)).build().ConditionExpression // '#n0 >= :v0'
   */
  build(): ConditionCheckInput {
    const m = this.model;
    const ctx = contextFor(m);
    const input: ConditionCheckInput = {
      TableName: m.table.name,
      Key: m.keys.primaryKey(this.key),
      ConditionExpression: compileCondition(this.condition.node, ctx),
    };
    withPlaceholders(input, ctx);
    if (this.returnItemOnFailure) input.ReturnValuesOnConditionCheckFailure = 'ALL_OLD';
    return input;
  }

  /**
   * Runs the check as a one-action transaction: `ConditionFailedError` when the condition is false,
   * `TransactionCanceledError` when the transaction is cancelled for another reason (a conflict, throttling).
   *
   * @example await User.check({ userId: 'u2' }, User.Attr('age').gte(18)).send()
   */
  async send(options?: RequestOptions): Promise<void> {
    const input = this.build();
    try {
      const client = this.model.table.client;
      const action = marshallTransactAction({ ConditionCheck: input }, marshallSettings(client)) as TransactWriteItem;
      await sendCommand(client, new TransactWriteItemsCommand({ TransactItems: [action] }), options?.abortSignal);
    } catch (e) {
      // `e` can be any value: an abort rejects with the signal's reason, `null` included.
      if ((e as { name?: string } | null)?.name !== 'TransactionCanceledException') throw e;
      const [reason] = cancellationReasons(e, [{ model: this.model, key: input.Key as Record<string, unknown> }]).reasons;
      // A false condition reads as on any single write; other reasons (a conflict, throttling)
      // are the transaction's, typed as in transactWrite.
      if (reason?.code !== 'ConditionalCheckFailed') throw new TransactionCanceledError(reason === undefined ? [] : [reason], e, ['check']);
      throw new ConditionFailedError(this.model.name, 'check', reason.item, e);
    }
  }
}
