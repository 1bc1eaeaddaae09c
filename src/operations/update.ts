import type { UpdateCommandInput, UpdateCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { Condition } from '../expressions/condition.js';
import type { RequestOptions } from '../client/send.js';
import { sendDocumentRequest } from '../client/send-document-request.js';
import { ConditionalWrite } from './conditional-write.js';
import { mapConditionFailure, type VersionCheck } from './condition-failure.js';
import { expectedVersion } from './write-guards.js';
import type { UpdateStep } from './update-plan.js';
import { explainUpdateFailure } from './update-failures.js';
import type { Leaf } from '../entity/paths.js';
import type { NotRemovable, RemovablePath } from '../entity/entity-types.js';
import { afterWrite, readReturned } from './returned-item.js';
import { afterExpiredItem } from './expired-upsert.js';
import { givenInput, givenRecord } from '../given-input.js';
import { valueSchemas } from './update-value-schemas.js';
import { updateChecks, updateInput, updateRequest } from './update-input.js';
import { ReplayedAction } from './replayed-action.js';
import type { GivenTimestamps } from './put.js';

export type UpdateReturnMode = 'NONE' | 'ALL_NEW' | 'ALL_OLD' | 'UPDATED_NEW' | 'UPDATED_OLD';

/**
 * What `returning('UPDATED_NEW' | 'UPDATED_OLD')` resolves to. DynamoDB returns only the changed
 * fragments: after `set({ 'address.city': 'Paris' })` the result is `{ address: { city: 'Paris' } }`
 * without the map's other keys, so nested maps and list elements are partial too (a plain
 * `Partial<Item>` would promise `address.zip`).
 *
 * @example const part: UpdatedAttributes<User> = await User.update(k).set({ age: 3 }).returning('UPDATED_NEW');
 */
export type UpdatedAttributes<T> = { [K in keyof T]?: UpdatedFragment<T[K]> };
type UpdatedFragment<V> = V extends Leaf ? V : V extends readonly (infer E)[] ? UpdatedFragment<E>[] : UpdatedAttributes<V>;

/** @internal */
export interface UpdateState {
  readonly key: Readonly<Record<string, unknown>>;
  readonly steps: readonly UpdateStep[];
  readonly condition: Condition | undefined;
  readonly returnValues: UpdateReturnMode;
  readonly upsert: boolean;
  readonly returnItemOnFailure: boolean;
  /** `withTimestamps(given)`: the times to store instead of the write's (checked by `withGivenStamps`). */
  readonly timestamps?: { readonly given: unknown };
}

/**
 * An update builder of any entity, as `transactWrite` takes it (its value maps play no part there).
 * Not `UpdateBuilder<unknown, never, unknown>`: `remove()` checks its paths with a conditional on
 * the entity's item (`RemovablePath`), which relates no entity's builder to one of `never` maps.
 */
export type AnyUpdateBuilder = ConditionalWrite<UpdateCommandInput, unknown, UpdateState> & Pick<UpdateBuilder<unknown, never, unknown>, 'transactItem'>;

/**
 * The typed surface of the update builder's value maps; `Values` are computed per entity from
 * its schema (see `UpdateInputs` in the entity types).
 */
export interface UpdateInputShapes {
  set: object;
  setIfNotExists: object;
  add: object;
  delete: object;
  append: object;
  remove: string;
  item: unknown;
  input: unknown;
  /** The `this` that `upsert()` takes: `unknown`, or a brand no builder has when the entity refuses upserts. */
  upsert: unknown;
  /** The same maps with `never` at list-element paths, which the methods try first (see `UpdateInputs`). */
  namedSet: object;
  namedSetIfNotExists: object;
  namedAdd: object;
  namedDelete: object;
  namedAppend: object;
}

/**
 * `Entity.update(key)`: an update of an existing item (by default the item must exist and belong
 * to the entity; `.upsert()` creates it when missing). Index keys composed from changed
 * attributes are rewritten; `updatedAt` is kept.
 */
export class UpdateBuilder<Item, U extends UpdateInputShapes, Result = void> extends ConditionalWrite<UpdateCommandInput, Result, UpdateState> {
  /**
   * Type carrier, never set at run time: the entity's item, which `TransactWriteResult.itemOf` reads
   * (inferring it from the builder's type arguments relates whole builders: ~950 instantiations).
   */
  declare readonly '~item': Item;

  protected with(patch: Partial<UpdateState>): this {
    return new UpdateBuilder(this.model, { ...this.state, ...patch }) as this;
  }

  private step(step: UpdateStep): this {
    // The caller's value map as it is now (it may reuse the object for the next update).
    const taken: UpdateStep = step.kind === 'remove' ? step : { kind: step.kind, values: givenRecord(step.values, valueSchemas(this.model)) };
    return this.with({ steps: [...this.state.steps, taken] });
  }

  /**
   * `SET` attributes (dotted paths for nested ones). Values are plain values, or
   * `Entity.ref(path)` for another attribute / arithmetic. `undefined` removes an optional attribute
   * (one with a schema default is set to that default, as a put without it would store).
   *
   * @example User.update(k).set({ name: 'Bo', 'address.city': 'Paris', stock: User.ref('stock').minus(1) })
   */
  set(values: U['namedSet']): this;
  /** `SET` attributes, with values that name list-element paths (`'lines[0].qty'`): this signature checks them. */
  set(values: U['set']): this;
  set(values: object): this {
    return this.step({ kind: 'set', values: values as Record<string, unknown> });
  }

  /**
   * `SET path = if_not_exists(path, value)`: writes only when the attribute is absent. On an
   * attribute that composes an index key it throws `KeyError` (the key cannot be rebuilt from a
   * value that may not be written): use `set()` there.
   *
   * @example await User.update({ userId: 'u1' }).setIfNotExists({ age: 0 })
   */
  setIfNotExists(values: U['namedSetIfNotExists']): this;
  /** `SET` if absent, with values that name list-element paths (`'lines[0].qty'`): this signature checks them. */
  setIfNotExists(values: U['setIfNotExists']): this;
  setIfNotExists(values: object): this {
    return this.step({ kind: 'setIfNotExists', values: values as Record<string, unknown> });
  }

  /**
   * `ADD`: adds to a number (missing counts as 0) or adds elements (a `Set`) to a set; other
   * attribute types, or a fraction for an int attribute, throw `ValidationError`.
   *
   * @example await User.update({ userId: 'u1' }).add({ age: 1, tags: new Set(['vip']) })
   */
  add(values: U['namedAdd']): this;
  /** `ADD`, with values that name list-element paths (`'lines[0].qty'`): this signature checks them. */
  add(values: U['add']): this;
  add(values: object): this {
    return this.step({ kind: 'add', values: values as Record<string, unknown> });
  }

  /**
   * `DELETE`: removes elements (a `Set`) from a set (removing the last one removes the attribute);
   * to remove a whole attribute, use `remove()`.
   *
   * @example await User.update({ userId: 'u1' }).delete({ tags: new Set(['vip']) })
   */
  delete(values: U['namedDelete']): this;
  /** `DELETE` set elements, with values that name list-element paths (`'lines[0].qty'`): this signature checks them. */
  delete(values: U['delete']): this;
  delete(values: object): this {
    return this.step({ kind: 'delete', values: values as Record<string, unknown> });
  }

  /**
   * Appends elements to a list (creating it when missing). A schema `.max()` on the list is kept by
   * a condition, so an append past it throws `ConditionFailedError`. One action per path:
   * `append` and `prepend` on the same list in one update throw `ExpressionError`.
   *
   * @example await Order.update(orderKey).append({ lines: [{ sku: 'A1', qty: 2 }] })
   */
  append(values: U['namedAppend']): this;
  /** Appends to a list, with values that name list-element paths (`'lines[0].qty'`): this signature checks them. */
  append(values: U['append']): this;
  append(values: object): this {
    return this.step({ kind: 'append', values: values as Record<string, unknown> });
  }

  /**
   * Prepends elements to a list (creating it when missing); bounds as for `append`.
   *
   * @example await Order.update(orderKey).prepend({ lines: [{ sku: 'A0', qty: 1 }] })
   */
  prepend(values: U['namedAppend']): this;
  /** Prepends to a list, with values that name list-element paths (`'lines[0].qty'`): this signature checks them. */
  prepend(values: U['append']): this;
  prepend(values: object): this {
    return this.step({ kind: 'prepend', values: values as Record<string, unknown> });
  }

  /**
   * `REMOVE` attributes the schema lets be absent: optional ones (nested too), list elements and
   * record entries (an attribute with a default is set to it). A required one does not compile
   * (`RemovablePath`; `address.zip`, required inside `address`, neither), and from untyped code
   * throws `ValidationError`. `P` is inferred from `P` alone (`NoInfer`): inferring it through
   * the check cost ~10x as many instantiations per call.
   *
   * @example await User.update({ userId: 'u1' }).remove('age', 'address')
   */
  remove<P extends U['remove']>(...paths: (P & NoInfer<RemovablePath<U['item'], U['input'], P>>)[]): this;
  /** Never chosen (no builder is `NotRemovable`): it only gives editors the paths to offer, which the signature above, an intersection, does not. */
  remove<P extends U['remove']>(this: NotRemovable, ...paths: P[]): this;
  remove(...paths: string[]): this {
    return this.step({ kind: 'remove', paths });
  }

  /**
   * Adds a condition; several `where` calls are ANDed. A false one throws `ConditionFailedError`.
   *
   * @example await User.update({ userId: 'u1' }).add({ age: 1 }).where(User.Attr('age').lt(120))
   */
  where(condition: Condition): this {
    return this.withCondition(condition);
  }

  /**
   * Create the item when it does not exist (DynamoDB's default UpdateItem behaviour). The update
   * must then give every required attribute (else `ValidationError` before sending); another
   * entity's item under the key still fails the write.
   *
   * An entity with variants (a union schema) takes it only where its primary key is composed of the
   * tag (`sk: 'PAY#{method}#{paymentId}'`): the key then names the created item's variant, whose
   * required fields the update must give. Elsewhere it does not compile, as no update says which
   * variant a created item is (`NoVariantUpsert`).
   *
   * @example await User.update({ userId: 'u1' }).set({ orgId: 'acme', email: 'a@b.co', name: 'Ada' }).upsert()
   */
  upsert(this: U['upsert'], on?: boolean): this;
  upsert(on = true): this {
    return this.with({ upsert: on });
  }

  /**
   * Stores the times given instead of the write's: `updatedAt` (a replication or replay keeping
   * the source's time), and `createdAt` when given (on an existing item too, so a key composed of
   * it can be rebuilt). Values as for `put(...).withTimestamps()`; invalid ones, or an `updatedAt`
   * before a `createdAt` written with it, are a `ValidationError` before sending.
   *
   * @example await User.update(k).set({ name: 'Bo' }).withTimestamps({ updatedAt: change.at })
   */
  withTimestamps(timestamps: GivenTimestamps<Item>): this {
    // Taken now, as the item is: a caller may reuse one times object (and its Dates) for the next write.
    return this.with({ timestamps: { given: givenInput(timestamps) } });
  }

  /**
   * What the awaited update resolves to: the whole item (`ALL_NEW`/`ALL_OLD`) or the changed part.
   *
   * @example const u = await User.update({ userId: 'u1' }).set({ name: 'Bo' }).returning('ALL_NEW') // User
   */
  returning(mode: 'ALL_NEW'): UpdateBuilder<Item, U, Item>;
  returning(mode: 'ALL_OLD'): UpdateBuilder<Item, U, Item | undefined>;
  returning(mode: 'UPDATED_NEW' | 'UPDATED_OLD'): UpdateBuilder<Item, U, UpdatedAttributes<Item>>;
  returning(mode: 'NONE'): UpdateBuilder<Item, U, void>;
  returning(mode: UpdateReturnMode): UpdateBuilder<Item, U, unknown> {
    return new UpdateBuilder(this.model, { ...this.state, returnValues: mode });
  }

  /**
   * @internal the action of a transaction (ReturnValues does not apply there). Built again for each
   * transaction, so `updatedAt` is the time of the write, except for a retry with the same
   * idempotency token: DynamoDB replays it only when the payload is the same, timestamps included.
   * A time given by the caller (`now`) makes the payload the same without the cache.
   */
  transactItem(token?: string, now?: Date): { Update: UpdateCommandInput } {
    return this.transactAction(token, now).item;
  }

  /**
   * @internal `transactItem` with what the update is known to store (`updateRequest`), built at the
   * same time: what `transactWrite` resolves to for it, the same again for a replay.
   */
  transactAction(token?: string, now?: Date): { item: { Update: UpdateCommandInput }; written: Record<string, unknown> } {
    this.replay ??= new ReplayedAction((at) => {
      const { input: { ReturnValues: _r, ...input }, written } = updateRequest(this.model, this.state, at);
      return { item: { Update: input }, written };
    });
    return this.replay.action(token, now);
  }

  /** The action built for a transaction, the same again for a retry under its idempotency token. */
  // Made at the first transaction action: every builder (each step of a chain too) had one, a
  // closure and an object per step of every put, update and delete sent alone.
  private replay: ReplayedAction<{ item: { Update: UpdateCommandInput }; written: Record<string, unknown> }> | undefined;

  /**
   * The `UpdateCommandInput`, without sending. Values are validated by the schema at their path
   * (`ValidationError`), primary-key composites refused (`KeyError`); `updatedAt`, the version bump
   * and rewritten index keys are added.
   *
   * @example User.update({ userId: 'u1' }).set({ name: 'Bo' }).build().UpdateExpression // 'SET #n0 = :v0, #n1 = :v1, #n2 = :v2' (name, updatedAt, gsi1sk)
   */
  build(): UpdateCommandInput {
    return this.prepare(new Date());
  }

  /** @internal the input as sent at `now` (alone; `transactionAction` sends the same without `ReturnValues`) */
  prepare(now: Date): UpdateCommandInput {
    return updateInput(this.model, this.state, now);
  }


  /**
   * @internal DynamoDB's `ValidationException` for this update restated as an `ExpressionError`
   * naming its paths when it is about them (update-failures.ts); else `e` as it is.
   */
  explainFailure(e: unknown): unknown {
    return explainUpdateFailure(this.model, this.state.steps, e);
  }

  /**
   * @internal what the update's condition requires, in words (messages of failed conditions).
   * Call it only after a successful build(): it plans the steps again, which then cannot throw.
   * `place` as for `prepare`: an upsert sent alone also requires a stored item not to have expired.
   */
  checks(place: 'single' | 'transaction' = 'transaction'): string | undefined {
    return updateChecks(this.model, this.state, place, this.versionCheck());
  }


  /** @internal the version the update checks: the one given next to the key, if any */
  versionCheck(): VersionCheck | undefined {
    const expected = expectedVersion(this.model, this.state.key);
    return expected === undefined ? undefined : { expected };
  }

  /**
   * Applies the update; resolves as `returning()` chose (nothing by default). Without `upsert()`, a
   * missing item or another entity's throws `ConditionFailedError`, as does a false `where()`; a
   * versioned update that lost a race throws `VersionConflictError`. Setting a nested path under a
   * map or list the stored item lacks, or copying (`ref()`) an attribute it lacks without an
   * `ifNotExists` fallback, throws `ExpressionError` (update-failures.ts).
   *
   * @example const u = await User.update({ userId: 'u1' }).set({ name: 'Bo' }).returning('ALL_NEW').send({ abortSignal: AbortSignal.timeout(2_000) })
   */
  async send(options?: RequestOptions): Promise<Result> {
    const signal = options?.abortSignal;
    let out: UpdateCommandOutput;
    try {
      const { input, condition } = updateRequest(this.model, this.state, new Date());
      out = await sendDocumentRequest<UpdateCommandOutput>(this.model.table.client, 'UpdateItem', this.model.name, input, signal).catch((e: unknown) => {
        if (!this.state.upsert) throw e;
        return afterExpiredItem(this.model, input.Key!, condition, e, signal, () => sendDocumentRequest<UpdateCommandOutput>(this.model.table.client, 'UpdateItem', this.model.name, this.build(), signal));
      });
    } catch (e) {
      throw explainUpdateFailure(this.model, this.state.steps, mapConditionFailure(afterWrite(e, 'update'), this.model, 'update', this.versionCheck(), this.checks('single')));
    }
    const raw = out.Attributes;
    switch (this.state.returnValues) {
      case 'NONE':
        return undefined as Result;
      case 'ALL_NEW':
      case 'ALL_OLD':
        return (raw === undefined ? undefined : readReturned('update', () => this.model.parse(raw))) as Result;
      default:
        return (raw === undefined ? {} : this.model.parsePartial(raw)) as Result;
    }
  }
}
