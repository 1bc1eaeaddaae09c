import { PutCommand, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { Condition } from '../expressions/condition.js';
import { compileCondition } from '../expressions/compile.js';
import { sendCommand } from '../client/send.js';
import type { EntityModel } from '../entity/model.js';
import { Operation } from './operation.js';
import { contextFor, withPlaceholders } from './expression-input.js';
import { mapConditionFailure } from './condition-failure.js';
import { putRequest, type WriteRequest } from '../batch/write-request.js';
import { InvalidBatchError } from '../errors.js';

interface PutState {
  readonly item: unknown;
  readonly create: boolean;
  readonly condition: Condition | undefined;
  readonly returnItemOnFailure: boolean;
}

interface Prepared {
  readonly input: PutCommandInput;
  readonly result: Record<string, unknown>;
}

/**
 * `Entity.put(item)` / `Entity.create(item)`: validates the item, builds every key, and writes
 * it. Resolves to the stored item in model form (with timestamps).
 */
export class PutBuilder<Item> extends Operation<PutCommandInput, Item> {
  constructor(
    /** @internal */ readonly model: EntityModel,
    private readonly state: PutState,
  ) {
    super();
  }

  /** Adds a condition; several `where` calls are ANDed. */
  where(condition: Condition): PutBuilder<Item> {
    const c = this.state.condition === undefined ? condition : this.state.condition.and(condition);
    return new PutBuilder(this.model, { ...this.state, condition: c });
  }

  /** On a failed condition, attach the stored item to the `ConditionFailedError`. */
  returnItemOnConditionFailure(): PutBuilder<Item> {
    return new PutBuilder(this.model, { ...this.state, returnItemOnFailure: true });
  }

  /** @internal validates and builds the command input together with the model result. */
  prepare(now = new Date()): Prepared {
    const m = this.model;
    const output = m.validate(this.state.item);
    const stamps = m.stamps(now);
    const Item = m.storedItem(output, stamps);
    const input: PutCommandInput = { TableName: m.table.name, Item };
    let condition = this.state.condition;
    if (this.state.create) {
      const notExists = new Condition({ kind: 'exists', path: [m.primary.index.partitionKey.name], negate: true });
      condition = condition === undefined ? notExists : notExists.and(condition);
    }
    if (condition !== undefined) {
      const ctx = contextFor(m);
      input.ConditionExpression = compileCondition(condition.node, ctx);
      withPlaceholders(input, ctx);
    }
    if (this.state.returnItemOnFailure) input.ReturnValuesOnConditionCheckFailure = 'ALL_OLD';
    return { input, result: stamps === undefined ? output : { ...output, ...stamps } };
  }

  /** @internal the request of a batch write (which has no conditions) */
  writeRequest(): WriteRequest {
    if (this.state.create || this.state.condition !== undefined) {
      throw new InvalidBatchError(`${this.model.name}: BatchWriteItem has no conditions, so ${this.state.create ? 'create()' : 'put().where()'} cannot be batched; use transactWrite`);
    }
    const { input, result } = this.prepare();
    return putRequest(this.model, input.Item as Record<string, unknown>, result);
  }

  /** @internal the action of a transaction */
  transactItem(): { Put: PutCommandInput } {
    const { input } = this.prepare();
    return { Put: input };
  }

  build(): PutCommandInput {
    return this.prepare().input;
  }

  async send(): Promise<Item> {
    const { input, result } = this.prepare();
    try {
      await sendCommand(this.model.table.client, new PutCommand(input));
    } catch (e) {
      throw mapConditionFailure(e, this.model, this.state.create ? 'create' : 'put');
    }
    return result as Item;
  }
}
