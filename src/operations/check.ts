import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Condition } from '../expressions/condition.js';
import { compileCondition } from '../expressions/compile.js';
import { sendCommand, type RequestOptions } from '../client/send.js';
import type { EntityModel } from '../entity/model.js';
import { Operation } from './operation.js';
import { contextFor, withPlaceholders } from './expression-input.js';
import { mapConditionFailure } from './condition-failure.js';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

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
  }

  /** On a failed condition, attach the stored item to the `ConditionFailedError`. */
  returnItemOnConditionFailure(): CheckBuilder {
    return new CheckBuilder(this.model, this.key, this.condition, true);
  }

  /** @internal the action of a transaction */
  transactItem(): { ConditionCheck: ConditionCheckInput } {
    return { ConditionCheck: this.build() };
  }

  build(): ConditionCheckInput {
    const m = this.model;
    const ctx = contextFor(m);
    const input: ConditionCheckInput = {
      TableName: m.table.name,
      Key: m.primaryKey(this.key),
      ConditionExpression: compileCondition(this.condition.node, ctx),
    };
    withPlaceholders(input, ctx);
    if (this.returnItemOnFailure) input.ReturnValuesOnConditionCheckFailure = 'ALL_OLD';
    return input;
  }

  async send(options?: RequestOptions): Promise<void> {
    try {
      await sendCommand(this.model.table.client, new TransactWriteCommand({ TransactItems: [{ ConditionCheck: this.build() }] }), options?.abortSignal);
    } catch (e) {
      const reasons = (e as { CancellationReasons?: { Code?: string; Item?: Record<string, AttributeValue> }[] }).CancellationReasons;
      const first = reasons?.[0];
      if ((e as Error).name === 'TransactionCanceledException' && first?.Code === 'ConditionalCheckFailed') {
        const failure = Object.assign(new Error('The conditional request failed'), {
          name: 'ConditionalCheckFailedException',
          ...(first.Item === undefined ? {} : { Item: first.Item }),
        });
        throw mapConditionFailure(failure, this.model, 'check');
      }
      throw e;
    }
  }
}

