import type { PutCommandInput, PutCommandOutput } from '@aws-sdk/lib-dynamodb';
import { Condition } from '../expressions/condition.js';
import { compileCondition } from '../expressions/compile.js';
import type { RequestOptions } from '../client/send.js';
import { sendDocumentRequest } from '../client/send-document-request.js';
import { ConditionalWrite } from './conditional-write.js';
import { contextFor, withPlaceholders } from './expression-input.js';
import { describeChecks, mapConditionFailure, type VersionCheck } from './condition-failure.js';
import { allOf, expectedVersion, itemIsNewOrExpired, itemIsNewText, versionedItem } from './write-guards.js';
import { liveItemText, seenByWrite, seenByWriteText, type WriteGuard } from './check-guard.js';
import { ReplayedAction } from './replayed-action.js';
import { putRequest, type WriteRequest } from '../batch/write-request.js';
import { InvalidBatchError } from '../batch/batch-errors.js';
import { afterWrite, replacedItem } from './returned-item.js';
import { isStamp, withGivenStamps } from '../entity/timestamps.js';
import type { EntityModel } from '../entity/model.js';
import { givenInput, givenRecord } from '../given-input.js';

interface PutState {
  readonly item: unknown;
  readonly create: boolean;
  readonly condition: Condition | undefined;
  readonly returnItemOnFailure: boolean;
  /** `returning('ALL_OLD')`: resolve to the item the put replaced */
  readonly returnOld: boolean;
  /** `withTimestamps(given)`: the times to store instead of the write's (checked by `withGivenStamps`; `given` as passed, `undefined` included) */
  readonly timestamps?: { readonly given: unknown };
  /**
   * The item is a model item as a read returned it (the schema's output, `migrateStored`'s rewrite):
   * stored as it is, its derived attributes computed again, not parsed by the schema a second time,
   * which would run its transforms again (`n => n * 100` on a stored 150 stored 15000).
   */
  readonly asRead?: boolean;
}

interface Prepared {
  readonly input: PutCommandInput;
  readonly result: Record<string, unknown>;
  readonly version: VersionCheck | undefined;
  /** DynamoDB size of the stored item (without index entries) */
  readonly size: number;
}

/**
 * The times `withTimestamps` takes for an item type: its `createdAt` / `updatedAt` type (ISO text
 * or epoch numbers) or a `Date`. Read from the item only where `withTimestamps` is called.
 */
export type GivenTimestamps<Item> = Item extends { readonly createdAt: infer T; readonly updatedAt: unknown }
  ? { readonly createdAt?: T | Date; readonly updatedAt?: T | Date }
  : never;

/**
 * `Entity.put(item)` / `Entity.create(item)`: validates the item, builds every key, and writes
 * it. Resolves to the stored item in model form (with timestamps), or with `returning('ALL_OLD')`
 * to the item it replaced.
 */
export class PutBuilder<Item, Result = Item, Guard extends string = never> extends ConditionalWrite<PutCommandInput, Result, PutState> {
  /**
   * Type carrier, never set at run time: what the put's condition checks (`'where'`, `'create'`, a
   * versioned entity's version attribute), `never` without one. Batch writes take only `never`:
   * BatchWriteItem has no conditions.
   */
  declare readonly '~guard': Guard;

  protected with(patch: Partial<PutState>): this {
    return new PutBuilder(this.model, { ...this.state, ...patch }) as this;
  }

  /** @internal `create` or `put`, as messages name the operation */
  get operation(): 'create' | 'put' {
    return this.state.create ? 'create' : 'put';
  }

  /**
   * Adds a condition; several `where` calls are ANDed. A false one throws `ConditionFailedError`. A
   * put with a condition cannot go into a batch write (`InvalidBatchError`): use `transactWrite`.
   *
   * @example await User.put(user).where(User.Attr('userId').notExists())
   */
  where(condition: Condition): PutBuilder<Item, Result, 'where'> {
    // Only the type records the condition: the builder is the same class.
    return this.withCondition(condition) as unknown as PutBuilder<Item, Result, 'where'>;
  }

  /**
   * Stores these times as `createdAt` / `updatedAt` instead of the write's own, for imports,
   * migrations and restores that keep each item's history (in a batch or a transaction too). Each
   * is a `Date` or a value in the entity's format (ISO-8601 text as `toISOString()` writes it, or
   * whole epoch milliseconds or seconds); one left out is the write's time. A name other than the
   * two, an `undefined` value, a value in another format (seconds for milliseconds), or an
   * `updatedAt` before the `createdAt` is a `ValidationError`, before anything is sent. Without it, the timestamps an
   * item carries are dropped and the write stamps its own, as always.
   *
   * @example await User.put(row).withTimestamps({ createdAt: row.createdAt, updatedAt: row.updatedAt })
   */
  withTimestamps(timestamps: GivenTimestamps<Item>): this {
    // Taken now, as the item is: a caller may reuse one times object (and its Dates) for the next write.
    return this.with({ timestamps: { given: givenInput(timestamps) } });
  }

  /**
   * `'ALL_OLD'` resolves to the item the put replaced, in model form: `undefined` when there was
   * none, or when it was another entity's (a put replaces whatever is stored under its key). In a
   * transaction or a batch, which return no items, it changes nothing.
   *
   * @example const previous = await User.put(user).returning('ALL_OLD') // User | undefined
   */
  returning(mode: 'ALL_OLD'): PutBuilder<Item, Item | undefined, Guard>;
  returning(mode: 'NONE'): PutBuilder<Item, Item, Guard>;
  returning(mode: 'ALL_OLD' | 'NONE'): PutBuilder<Item, unknown, Guard> {
    return new PutBuilder<Item, unknown, Guard>(this.model, { ...this.state, returnOld: mode === 'ALL_OLD' });
  }

  /** @internal validates and builds the command input together with the model result. */
  prepare(now = new Date()): Prepared {
    const m = this.model;
    const output = this.state.asRead === true ? readOutput(m, m.withoutManaged(this.state.item)) : m.validate(m.withoutManaged(this.state.item));
    let managed: Record<string, unknown> | undefined = m.clock.stamps(now);
    let version: VersionCheck | undefined;
    let versionCondition: Condition | undefined;
    if (m.version !== undefined) {
      // Optimistic locking: the version the caller read must still be stored; a new item starts at 1.
      const expected = this.state.create ? undefined : expectedVersion(m, this.state.item);
      managed = { ...managed, [m.version]: expected === undefined ? 1 : expected + 1 };
      version = { expected };
      // The version the caller read was this entity's live item: another entity's item holding the
      // same number, or an expired one, fails the check too. Without a version, the put must create
      // the item, as create() does.
      if (expected !== undefined) versionCondition = versionedItem(m, expected, now);
      // A versioned replacement writes back the item the caller read (the condition holds only if it
      // is still stored): its creation time stays, as in the read-change-put that locking is for.
      const createdAt = m.timestamps?.createdAt;
      const read = createdAt === undefined ? undefined : (this.state.item as Record<string, unknown>)[createdAt];
      if (expected !== undefined && createdAt !== undefined && isStamp(m.timestamps!.format, read)) managed = { ...managed, [createdAt]: read };
    }
    if (this.state.timestamps !== undefined) managed = withGivenStamps(m.name, m.timestamps, m.clock, managed, this.state.timestamps.given);
    const { item: Item, size, negativeZero } = m.storedItem(output, managed);
    const input: PutCommandInput = { TableName: m.table.name, Item };
    const guard = this.guard(version);
    const where = this.state.condition;
    // where() is judged on what the entity's reads see, composed with the put's own guard (check-guard.ts).
    const seen = where === undefined ? undefined : seenByWrite(m, where, guard, now);
    const condition = guard === 'new' ? (seen ?? itemIsNewOrExpired(m, now)) : allOf(versionCondition, seen);
    if (condition !== undefined) {
      const ctx = contextFor(m);
      input.ConditionExpression = compileCondition(condition.node, ctx);
      withPlaceholders(input, ctx);
    }
    // A create that fails on an expired item of another entity (which it never writes over) names that
    // entity: the stored item comes back, as it does for an upsert sent alone.
    if (this.state.returnItemOnFailure || version !== undefined || (guard === 'new' && m.ttl !== undefined && m.table.entityAttribute !== undefined)) {
      input.ReturnValuesOnConditionCheckFailure = 'ALL_OLD';
    }
    return { input, result: m.writtenItem(output, managed, negativeZero), version, size };
  }

  /** @internal the request of a batch write (which has no conditions) */
  writeRequest(): WriteRequest {
    if (this.model.version !== undefined) {
      throw new InvalidBatchError(
        `${this.model.name}: the entity uses optimistic locking, which needs a condition; BatchWriteItem has none, so use put() or create() one by one, ` +
          'or transactWrite: to import many new items, create() them in transactWrite calls of up to 100',
      );
    }
    if (this.state.create || this.state.condition !== undefined) {
      throw new InvalidBatchError(`${this.model.name}: BatchWriteItem has no conditions, so ${this.state.create ? 'create()' : 'put().where()'} cannot be batched; use transactWrite`);
    }
    const { input, result } = this.prepare();
    // A write that does not happen is listed with the item as given (the schema's input), not as
    // stored: `put(w.item)` must redo this write, and the stored form would run transforms twice.
    // Times it was given are listed apart, as `withTimestamps` takes them (`put(w.item)` drops an item's own).
    const t = this.model.timestamps;
    const kept = this.state.timestamps === undefined || t === undefined ? undefined : { createdAt: result[t.createdAt] as string | number, updatedAt: result[t.updatedAt] as string | number };
    return putRequest(this.model, input.Item as Record<string, unknown>, { ...(this.state.item as Record<string, unknown>) }, kept);
  }

  /** The action built for a transaction, the same again for a retry under its idempotency token. */
  // Made at the first transaction action: every builder (each step of a chain too) had one, a
  // closure and an object per step of every put, update and delete sent alone.
  private replay: ReplayedAction<{ item: { Put: PutCommandInput }; size: number; result: Record<string, unknown> }> | undefined;

  /** @internal the action of a transaction (see `transactAction`). */
  transactItem(token?: string, now?: Date): { Put: PutCommandInput } {
    return this.transactAction(token, now).item;
  }

  /**
   * @internal `transactItem` with the stored item's size, for the 4 MB accounting, and the item in
   * model form (what `transactWrite` resolves to for it). Built again for each transaction, so
   * timestamps are those of the write, except for a retry with the same idempotency token: DynamoDB
   * replays it only when the payload is the same, timestamps included. A time given by the caller
   * (`now`) makes the payload the same without the cache.
   */
  transactAction(token?: string, now?: Date): { item: { Put: PutCommandInput }; size: number; result: Record<string, unknown> } {
    this.replay ??= new ReplayedAction((at) => {
      const { input, size, result } = this.prepare(at);
      return { item: { Put: input }, size, result };
    });
    return this.replay.action(token, now);
  }

  /**
   * The `PutCommandInput`, without sending. It validates the item (`ValidationError`), builds every
   * key (`KeyError`) and checks the 400 KB limit (`ItemSizeError`), as `send()` does; timestamps are taken per call.
   *
   * @example User.create(user).build().ConditionExpression // 'attribute_not_exists(#n0)'
   */
  build(): PutCommandInput {
    return this.request().input;
  }

  /** `prepare` with what a single put asks back (transactions and batches return no items). */
  private request(): Prepared {
    const prepared = this.prepare();
    if (this.state.returnOld) prepared.input.ReturnValues = 'ALL_OLD';
    return prepared;
  }

  /**
   * @internal the version the write checks: none for an unversioned entity; "no stored item" for
   * `create()`, as `prepare` reports it, so that a create that finds an item reads as the same
   * version conflict in a transaction as alone
   */
  versionCheck(): VersionCheck | undefined {
    if (this.model.version === undefined) return undefined;
    return { expected: this.state.create ? undefined : expectedVersion(this.model, this.state.item) };
  }

  /**
   * What the put's own guard says about the item it meets (see `WriteGuard`): `'new'` for a
   * create, and for a versioned put without a version (it must create the item); `'live'` for a
   * versioned put with one (`versionedItem`); `'none'` for a put, whose where() then says whose item
   * it may replace.
   */
  private guard(version: VersionCheck | undefined): WriteGuard {
    if (this.state.create || (version !== undefined && version.expected === undefined)) return 'new';
    return version === undefined ? 'none' : 'live';
  }

  /** @internal what the write's condition requires, in words (messages of failed conditions) */
  checks(): string | undefined {
    const m = this.model;
    const create = this.state.create;
    const checked = this.versionCheck();
    // A create's own guard already says that no item may be stored: its version check adds nothing.
    const version = create ? undefined : checked;
    const guard = create ? itemIsNewText(m) : version?.expected === undefined ? undefined : liveItemText(m, true);
    const where = this.state.condition;
    return describeChecks(guard, where === undefined ? false : seenByWriteText(m, where, this.guard(checked)), [], version);
  }

  /**
   * Validates and writes the item; resolves to the stored item in model form (timestamps
   * included). Nothing is sent when validation fails. A false condition throws
   * `ConditionFailedError` (`create()` on an existing item too); a versioned put that lost a race
   * throws `VersionConflictError`.
   *
   * @example const stored = await User.put(user).send({ abortSignal: AbortSignal.timeout(2_000) })
   */
  async send(options?: RequestOptions): Promise<Result> {
    const { input, result, version } = this.request();
    let out: PutCommandOutput;
    try {
      out = await sendDocumentRequest<PutCommandOutput>(this.model.table.client, 'PutItem', this.model.name, input, options?.abortSignal);
    } catch (e) {
      // An ItemParseError here is the returned item's (a number JavaScript cannot read): the put was done.
      throw mapConditionFailure(afterWrite(e, 'put'), this.model, this.state.create ? 'create' : 'put', version, this.checks());
    }
    if (!this.state.returnOld) return result as Result;
    return replacedItem(this.model, out.Attributes, 'put') as Result;
  }
}

/**
 * A new `put(item)` of `model` (`create(item)` with `create`): no condition, nothing asked back.
 * What `Entity.put` and `Entity.create` return, and what a batch resend rebuilds an entry with.
 *
 * @example newPut<User, never>(model, item, false).withTimestamps(times)
 */
export function newPut<Item, Guard extends string>(model: EntityModel, item: unknown, create: boolean): PutBuilder<Item, Item, Guard> {
  // The schema says which fields of a DTO the put reads, and which class instances in the item stand for maps (copied now, see givenRecord).
  return new PutBuilder<Item, Item, Guard>(model, { item: givenRecord(item, model.schema, model.readableAttributes), create, condition: undefined, returnItemOnFailure: false, returnOld: false });
}

/**
 * A put of an item as a read returned it, to store it back as it is (see `PutState.asRead`).
 *
 * @example putAsRead(User.model, await User.get(key)) // stores the read item, transforms not run again
 */
export function putAsRead(model: EntityModel, item: Record<string, unknown>): PutBuilder<Record<string, unknown>, Record<string, unknown>, never> {
  return new PutBuilder(model, { item, create: false, condition: undefined, returnItemOnFailure: false, returnOld: false, asRead: true });
}

/** A read item's output as a put stores it: its derived attributes computed again from its sources. */
function readOutput(model: EntityModel, item: unknown): Record<string, unknown> {
  const output = { ...(item as Record<string, unknown>) };
  return model.derived === undefined ? output : model.derived.complete(output, {});
}
