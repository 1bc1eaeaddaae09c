import type { Condition } from '../expressions/condition.js';
import { compileCondition } from '../expressions/compile.js';
import { requireCondition } from '../expressions/condition-input.js';
import type { RequestOptions } from '../client/send.js';
import type { Table } from '../entity/table.js';
import { physicalKey } from '../entity/physical-key.js';
import { TransactionCanceledError } from '../errors.js';
import { Operation } from './operation.js';
import { sendCheckAlone, type ConditionCheckInput } from './check.js';
import { checkTableOwners, tableContextFor, withPlaceholders } from './expression-input.js';
import { cancellationReasons, conditionFailed } from './condition-failure.js';

interface TableCheckState {
  /** The physical primary key as given (a copy), checked where the request is built, as `AppTable.delete`'s is. */
  readonly key: unknown;
  readonly condition: Condition;
  readonly returnItemOnFailure: boolean;
}

/**
 * `AppTable.check(key, condition)`: a condition on the item stored under a physical primary key,
 * whoever wrote it, that writes nothing. Unlike `Entity.check`, which judges its own entity's live
 * item and sees any other item as none, the condition is sent as written, on physical names
 * (`AppTable.Attr`): the way to require something of an item no entity owns, or of whatever is
 * stored under a key. Awaited on its own, it runs as a one-action transaction.
 */
export class TableCheckBuilder extends Operation<ConditionCheckInput, void> {
  constructor(
    /** @internal */ readonly table: Table,
    private readonly state: TableCheckState,
  ) {
    super();
    requireCondition(this.owner, state.condition, 'check()');
    checkTableOwners(table, state.condition, 'the condition');
  }

  /** How errors name the check's owner: `table App`. */
  private get owner(): string {
    return `table ${this.table.name}`;
  }

  /**
   * On a failed condition, attach the stored item, as stored, to the `ConditionFailedError` (its `item`).
   *
   * @example AppTable.check({ pk: 'ORG#acme', sk: 'LIMITS' }, AppTable.Attr('seats').gt(0)).returnItemOnConditionFailure()
   */
  returnItemOnConditionFailure(): TableCheckBuilder {
    return new TableCheckBuilder(this.table, { ...this.state, returnItemOnFailure: true });
  }

  /** @internal what the check requires, in words (messages of failed conditions) */
  checks(): string {
    return 'its condition must hold';
  }

  /** @internal the action of a transaction */
  transactItem(): { ConditionCheck: ConditionCheckInput } {
    return { ConditionCheck: this.build() };
  }

  /**
   * The `ConditionCheck` member of a `TransactWriteItems` action, without sending: the key as given
   * and the condition as written, with no guard added.
   *
   * @example AppTable.check({ pk: 'ORG#acme', sk: 'LIMITS' }, AppTable.Attr('seats').gt(0)).build().ConditionExpression // '#n0 > :v0'
   */
  build(): ConditionCheckInput {
    const ctx = tableContextFor(this.table);
    const input: ConditionCheckInput = {
      TableName: this.table.name,
      Key: physicalKey(this.table, this.state.key),
      ConditionExpression: compileCondition(this.state.condition.node, ctx),
    };
    withPlaceholders(input, ctx);
    if (this.state.returnItemOnFailure) input.ReturnValuesOnConditionCheckFailure = 'ALL_OLD';
    return input;
  }

  /**
   * Runs the check as a one-action transaction: `ConditionFailedError` when the condition is false
   * (its `item` the stored item as stored, with `returnItemOnConditionFailure()`),
   * `TransactionCanceledError` when the transaction is cancelled for another reason.
   *
   * @example await AppTable.check({ pk: 'ORG#acme', sk: 'LIMITS' }, AppTable.Attr('seats').gt(0)).send()
   */
  async send(options?: RequestOptions): Promise<void> {
    const input = this.build();
    const cancelled = await sendCheckAlone(this.table.client, input, options);
    if (cancelled === undefined) return;
    const { reasons } = cancellationReasons(cancelled, [{ model: undefined, owner: this.owner, key: input.Key as Record<string, unknown> }]);
    const [reason] = reasons;
    if (reason?.code !== 'ConditionalCheckFailed') throw new TransactionCanceledError(reason === undefined ? [] : [reason], cancelled, ['check']);
    throw conditionFailed(this.owner, 'check', reason.item, cancelled, this.checks());
  }
}
