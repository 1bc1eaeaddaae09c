import type { Condition } from '../expressions/condition.js';
import { requireCondition } from '../expressions/condition-input.js';
import type { EntityModel } from '../entity/model.js';
import { Operation } from './operation.js';
import { checkOwners } from './expression-input.js';

/** The state every entity write keeps: its `where()` conditions and whether a failure returns the stored item. */
export interface ConditionalWriteState {
  readonly condition: Condition | undefined;
  readonly returnItemOnFailure: boolean;
}

/**
 * Base of an entity's put, update and delete builders: the conditions and the failure option they
 * share, kept in one place (each builder only says how it copies itself with a changed state).
 */
export abstract class ConditionalWrite<Input, Result, S extends ConditionalWriteState> extends Operation<Input, Result> {
  constructor(
    /** @internal */ readonly model: EntityModel,
    protected readonly state: S,
  ) {
    super();
  }

  /** The same builder with `patch` applied to its state. */
  protected abstract with(patch: Partial<S>): this;

  /**
   * The same builder with `condition` ANDed to its conditions: each write's `where()`, which types its
   * result for itself (a put's or delete's records that it has a condition, which batch writes refuse).
   */
  protected withCondition(condition: Condition): this {
    requireCondition(this.model.name, condition, 'where()');
    checkOwners(this.model, condition, 'the condition');
    return this.with({ condition: this.state.condition === undefined ? condition : this.state.condition.and(condition) } as Partial<S>);
  }

  /**
   * On a failed condition, attach the stored item to the `ConditionFailedError` (its `item`).
   *
   * @example await User.create(user).returnItemOnConditionFailure() // on failure, e.item is the stored User
   */
  returnItemOnConditionFailure(): this {
    return this.with({ returnItemOnFailure: true } as Partial<S>);
  }
}
