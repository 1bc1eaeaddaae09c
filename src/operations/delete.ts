import type { DeleteCommandInput, DeleteCommandOutput } from '@aws-sdk/lib-dynamodb';
import { Condition } from '../expressions/condition.js';
import { compileCondition } from '../expressions/compile.js';
import type { RequestOptions } from '../client/send.js';
import { sendDocumentRequest } from '../client/send-document-request.js';
import { ConditionalWrite } from './conditional-write.js';
import { contextFor, withPlaceholders } from './expression-input.js';
import { describeChecks, mapConditionFailure, type VersionCheck } from './condition-failure.js';
import { allOf, expectedVersion, missingOrOwned, missingOrOwnedText, versionedItem } from './write-guards.js';
import { liveItemText, seenByWrite, seenByWriteText } from './check-guard.js';
import { ReplayedAction } from './replayed-action.js';
import { deleteRequest, type WriteRequest } from '../batch/write-request.js';
import type { EntityModel } from '../entity/model.js';
import { InvalidBatchError } from '../batch/batch-errors.js';
import { afterWrite, replacedItem } from './returned-item.js';
import { givenRecord } from '../given-input.js';

interface DeleteState {
  readonly key: Readonly<Record<string, unknown>>;
  readonly condition: Condition | undefined;
  readonly returnOld: boolean;
  readonly returnItemOnFailure: boolean;
}

/** `Entity.delete(key)`: deletes one item; with `.returning('ALL_OLD')` resolves to the deleted item. */
export class DeleteBuilder<Item, Result = void, Guard extends string = never> extends ConditionalWrite<DeleteCommandInput, Result, DeleteState> {
  /** Type carrier, never set at run time: `'where'` after `where()`, else `never`; batch writes take only `never` (BatchWriteItem has no conditions). */
  declare readonly '~guard': Guard;

  protected with(patch: Partial<DeleteState>): this {
    return new DeleteBuilder(this.model, { ...this.state, ...patch }) as this;
  }

  /**
   * Adds a condition; several `where` calls are ANDed. A false one throws `ConditionFailedError`. A
   * delete with a condition cannot go into a batch write (`InvalidBatchError`): use `transactWrite`.
   *
   * @example await User.delete({ userId: 'u1' }).where(User.Attr('age').lt(100))
   */
  where(condition: Condition): DeleteBuilder<Item, Result, 'where'> {
    // Only the type records the condition: the builder is the same class.
    return this.withCondition(condition) as unknown as DeleteBuilder<Item, Result, 'where'>;
  }

  /**
   * `'ALL_OLD'` resolves to the deleted item (or `undefined` when there was none).
   *
   * @example const old = await User.delete({ userId: 'u1' }).returning('ALL_OLD') // User | undefined
   */
  returning(mode: 'ALL_OLD'): DeleteBuilder<Item, Item | undefined, Guard>;
  returning(mode: 'NONE'): DeleteBuilder<Item, void, Guard>;
  returning(mode: 'ALL_OLD' | 'NONE'): DeleteBuilder<Item, unknown, Guard> {
    return new DeleteBuilder<Item, unknown, Guard>(this.model, { ...this.state, returnOld: mode === 'ALL_OLD' });
  }

  /** @internal the request of a batch write (which has no conditions) */
  writeRequest(): WriteRequest {
    if (expectedVersion(this.model, this.state.key) !== undefined) {
      throw new InvalidBatchError(`${this.model.name}: a delete with a version needs a condition; BatchWriteItem has none, so use delete() or transactWrite`);
    }
    if (this.state.condition !== undefined) {
      throw new InvalidBatchError(`${this.model.name}: BatchWriteItem has no conditions, so delete().where() cannot be batched; use transactWrite`);
    }
    return deleteRequest(this.model, this.model.keys.primaryKey(this.state.key), { ...this.state.key });
  }

  /**
   * @internal the action of a transaction (ReturnValues does not apply there). Its where() tests
   * expiry at the time of the transaction (`now`, or the time of the call); a retry under the same
   * idempotency token sends the action it sent before.
   */
  transactItem(token?: string, now?: Date): { Delete: DeleteCommandInput } {
    this.replay ??= new ReplayedAction((at) => {
      const { ReturnValues: _r, ...input } = this.prepare(at);
      return { Delete: input };
    });
    return this.replay.action(token, now);
  }

  /** The action built for a transaction, the same again for a retry under its idempotency token. */
  // Made at the first transaction action: every builder (each step of a chain too) had one, a
  // closure and an object per step of every put, update and delete sent alone.
  private replay: ReplayedAction<{ Delete: DeleteCommandInput }> | undefined;

  /**
   * The `DeleteCommandInput`, without sending. Its condition always lets a stored item go only when
   * it is this entity's (`attribute_not_exists(pk) OR _et = 'User'`), so another entity's item
   * under the same key is never deleted; deleting a missing item is a no-op. A `where()` is judged
   * on what the entity's reads see, where an expired item counts as none (check-guard.ts).
   *
   * @example User.delete({ userId: 'u1' }).build().Key // { pk: 'USER#u1', sk: 'PROFILE' }
   */
  build(): DeleteCommandInput {
    return this.prepare(new Date());
  }

  private prepare(now: Date): DeleteCommandInput {
    const m = this.model;
    const input: DeleteCommandInput = { TableName: m.table.name, Key: m.keys.primaryKey(this.state.key) };
    // Never delete another entity's item stored under the same key; a missing item stays a no-op.
    const guard = missingOrOwned(m);
    const expected = expectedVersion(m, this.state.key);
    const where = this.state.condition;
    // A version check requires this entity's live item, on which where() is then judged alone.
    const condition =
      expected === undefined
        ? allOf(guard, where === undefined ? undefined : seenByWrite(m, where, 'owner', now))
        : allOf(versionedItem(m, expected, now), where === undefined ? undefined : seenByWrite(m, where, 'live', now));
    if (expected !== undefined) input.ReturnValuesOnConditionCheckFailure = 'ALL_OLD';
    const ctx = contextFor(m);
    if (condition !== undefined) input.ConditionExpression = compileCondition(condition.node, ctx);
    withPlaceholders(input, ctx);
    if (this.state.returnOld) input.ReturnValues = 'ALL_OLD';
    if (this.state.returnItemOnFailure) input.ReturnValuesOnConditionCheckFailure = 'ALL_OLD';
    return input;
  }

  /** @internal what the delete's condition requires, in words (messages of failed conditions) */
  checks(): string | undefined {
    const where = this.state.condition;
    const version = this.versionCheck();
    const versioned = version?.expected !== undefined;
    const guard = versioned ? liveItemText(this.model, true) : missingOrOwnedText(this.model);
    return describeChecks(guard, where === undefined ? false : seenByWriteText(this.model, where, versioned ? 'live' : 'owner'), [], version);
  }

  /** @internal the version the delete checks: the one given next to the key, if any */
  versionCheck(): VersionCheck | undefined {
    const expected = expectedVersion(this.model, this.state.key);
    return expected === undefined ? undefined : { expected };
  }

  /**
   * Deletes the item; resolves to nothing, or with `returning('ALL_OLD')` to the deleted item
   * (`undefined` when none was stored). A false condition (yours, or the stored item being another
   * entity's) throws `ConditionFailedError`; a versioned delete that lost a race, `VersionConflictError`.
   *
   * @example await User.delete({ userId: 'u1' }).send({ abortSignal: AbortSignal.timeout(2_000) })
   */
  async send(options?: RequestOptions): Promise<Result> {
    let out: DeleteCommandOutput;
    try {
      out = await sendDocumentRequest<DeleteCommandOutput>(this.model.table.client, 'DeleteItem', this.model.name, this.build(), options?.abortSignal);
    } catch (e) {
      throw mapConditionFailure(afterWrite(e, 'delete'), this.model, 'delete', this.versionCheck(), this.checks());
    }
    if (!this.state.returnOld) return undefined as Result;
    const raw = out.Attributes;
    return replacedItem(this.model, raw, 'delete') as Result;
  }
}

/**
 * A new `delete(key)` of `model`: no condition, nothing asked back (a versioned entity's key may
 * carry the version to check). What `Entity.delete` returns, and what a batch resend rebuilds an
 * entry with.
 *
 * @example newDelete<User>(model, { userId: 'u1' })
 */
export function newDelete<Item>(model: EntityModel, key: Readonly<Record<string, unknown>>): DeleteBuilder<Item> {
  return new DeleteBuilder<Item>(model, { key: givenRecord(key), condition: undefined, returnOld: false, returnItemOnFailure: false });
}
