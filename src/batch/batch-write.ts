import type { AnyDynamoClient } from '../client/send.js';
import { Entity, type AnyEntity, type EntityInput, type EntityKey, type UnlockedEntity } from '../entity/entity.js';
import type { DerivedCarrier, DerivedDeleteKey } from '../entity/derived-key-types.js';
import { BatchValidationError, InvalidBatchError, InvalidResendError, type UnprocessedWrite } from './batch-errors.js';
import type { Table } from '../entity/table.js';
import { anotherCopyHint } from '../another-copy.js';
import { DeleteBuilder } from '../operations/delete.js';
import { PutBuilder } from '../operations/put.js';
import { TableDeleteBuilder } from '../operations/table-delete.js';
import { BatchWriteEngine, type BatchProgress, type BatchWriteOptions } from './batch-writer.js';
import { clientTag, type WriteRequest } from './write-request.js';
import { isUnprocessedWrite, resendRequest } from './resend.js';

/**
 * A put or delete builder (`User.put(item)`, `Order.delete(key)`, `AppTable.delete(physicalKey)`)
 * accepted by batches: one without a condition (not `create()`, `where()`, nor a versioned
 * entity's put), since BatchWriteItem has none.
 */
export type BatchWriteBuilder = BatchPutBuilder | BatchDeleteBuilder;

/**
 * The guard a batch write's builder may have: none (a builder without a condition has the guard
 * `never`, which is assignable to anything). A message rather than `never`, so that a compile
 * error names the reason: `Type '"version"' is not assignable to type '"a batch write takes no
 * condition ..."'`.
 */
type NoCondition = 'a batch write takes no condition (create(), where(), a version): use transactWrite';

/** A put without a condition. */
type BatchPutBuilder = PutBuilder<unknown, unknown, NoCondition>;

/** A delete builder without a condition: an entity's (`Order.delete(key)`) or a table's, by physical key (`AppTable.delete(key)`). */
type BatchDeleteBuilder = DeleteBuilder<unknown, unknown, NoCondition> | TableDeleteBuilder<unknown, NoCondition>;

/**
 * What a batch write's list takes: put and delete builders, and entries of a
 * `BatchWriteError.unprocessed` to send again (`AppTable.batchWrite(error.unprocessed)`).
 */
export type BatchWriteInput = BatchWriteBuilder | UnprocessedWrite;

/** Any put or delete builder: batches check at run time (for untyped callers) that it has no condition. */
type AnyWriteBuilder = PutBuilder<unknown, unknown, string> | AnyDeleteBuilder;
type AnyDeleteBuilder = DeleteBuilder<unknown, unknown, string> | TableDeleteBuilder<unknown, string>;

const isDeleteBuilder = (a: unknown): a is AnyDeleteBuilder => a instanceof DeleteBuilder || a instanceof TableDeleteBuilder;

/** What a batch uses of an entity; the public overloads already checked the item or key against it. */
interface UntypedEntity {
  put(item: unknown): PutBuilder<unknown, unknown, string>;
  delete(key: never): DeleteBuilder<unknown, unknown>;
}

function asEntity(a: unknown): UntypedEntity {
  if (a instanceof Entity) return a;
  throw new InvalidBatchError(`a batch write takes an entity with an item or key, or put() and delete() builders${anotherCopyHint(a, [Entity, PutBuilder, DeleteBuilder, TableDeleteBuilder])}`);
}

function toRequest(w: AnyWriteBuilder | UnprocessedWrite, table: Table | undefined): WriteRequest {
  if (w instanceof PutBuilder || isDeleteBuilder(w)) return w.writeRequest();
  if (isUnprocessedWrite(w)) return resendRequest(table, w);
  throw new InvalidBatchError(`a batch write takes put() and delete() builders${anotherCopyHint(w, [PutBuilder, DeleteBuilder, TableDeleteBuilder])}`);
}

/**
 * A streaming batch writer: `put`/`delete` validate at once and buffer; full buffers of 25 are
 * sent in the background (bounded concurrency); `flush()` waits for everything sent so far;
 * `close()` (or `await using`) flushes for the last time.
 *
 * @example
 * await using writer = AppTable.batchWriter({ concurrency: 8 });
 * for (const u of users) writer.put(User, u);
 * await writer.flush();
 */
export class BatchWriter {
  private readonly engine: BatchWriteEngine;
  private closed = false;

  /** `table`: the one whose `batchWriter()` made it, which rebuilds resent entries read back from JSON. */
  constructor(
    client: AnyDynamoClient,
    options: BatchWriteOptions = {},
    private readonly table?: Table,
  ) {
    this.engine = new BatchWriteEngine(client, options);
  }

  /**
   * Puts an item: validated now, sent when the buffer fills or on `flush()`. An invalid item throws
   * here (`ValidationError`, `KeyError`, `ItemSizeError`); `create()`, `put().where()`, an entity
   * with optimistic locking, or a closed writer throw `InvalidBatchError` (BatchWriteItem has no
   * conditions: use `transactWrite`). Once the writer has given up (a failed call, an abort), it
   * throws that `BatchWriteError`, which lists this write too.
   *
   * @example writer.put(User, { userId: 'u1', orgId: 'acme', email: 'ada@example.com', name: 'Ada' })
   */
  put<E extends UnlockedEntity>(entity: E, item: EntityInput<E>): this;
  put(builder: BatchPutBuilder): this;
  put(a: AnyEntity | AnyWriteBuilder, item?: unknown): this {
    this.assertOpen();
    this.engine.add(toRequest(a instanceof PutBuilder ? a : asEntity(a).put(item), this.table));
    return this;
  }

  /**
   * Deletes an item by its key composites, a derived one by itself or by its sources (or a table's delete by physical key,
   * `AppTable.delete(key)`), buffered like `put`. A `delete().where()` or a delete carrying a
   * version throws `InvalidBatchError`: use `transactWrite`.
   *
   * @example writer.delete(User, { userId: 'u1' }); writer.delete(AppTable.delete({ pk: 'USER#u1', sk: 'NOTE#1' }))
   */
  delete<E extends AnyEntity>(entity: E, key: EntityKey<E>): this;
  delete(builder: BatchDeleteBuilder): this;
  /** An entity whose key composites are derived attributes: one given by itself or by its sources, as the entity's `delete` takes it. */
  delete<E extends DerivedCarrier>(entity: E, key: NoInfer<DerivedDeleteKey<E>>): this;
  delete(a: AnyEntity | AnyDeleteBuilder, key?: unknown): this {
    this.assertOpen();
    this.engine.add(toRequest(isDeleteBuilder(a) ? a : asEntity(a).delete(key as never), this.table));
    return this;
  }

  /**
   * Sends again, in order, the writes a `BatchWriteError` listed as not done (`error.unprocessed`),
   * buffered like `put` and `delete`. An entry the error listed resends exactly the write that was
   * to be made (same stored item and times, no second validation); a plain object of that shape
   * (read back from JSON) is validated as a new put or delete of this table's entity it names, and
   * one naming another table or an unknown entity throws `InvalidBatchError`. Every entry is checked
   * before any is buffered.
   *
   * @example writer.resend(error.unprocessed)
   */
  resend(writes: readonly UnprocessedWrite[]): this {
    this.assertOpen();
    const requests = writes.map((w, index) => {
      try {
        return resendRequest(this.table, w);
      } catch (error) {
        throw error instanceof InvalidResendError ? error.at(index) : error;
      }
    });
    this.engine.addAll(requests);
    return this;
  }

  /**
   * Sends what is buffered and waits until every write so far is done; throws `BatchWriteError` if some never will be.
   *
   * @example await writer.flush() // every write so far is confirmed
   */
  flush(): Promise<void> {
    return this.engine.flush();
  }

  /**
   * Final flush; later `put`/`delete` calls throw `InvalidBatchError`.
   *
   * @example await writer.close()
   */
  close(): Promise<void> {
    this.closed = true;
    return this.engine.flush();
  }

  /**
   * What `await using` calls at the end of the scope: a final flush, as `close()`, except that a
   * `BatchWriteError` the caller already got from `flush()` is not thrown a second time.
   *
   * @example await using writer = AppTable.batchWriter()
   */
  async [Symbol.asyncDispose](): Promise<void> {
    this.closed = true;
    await this.engine.dispose();
  }

  /** A write added after the final flush would sit in a buffer nobody sends. */
  private assertOpen(): void {
    if (this.closed) throw new InvalidBatchError('the batch writer is closed; start another with batchWriter()');
  }

  /**
   * Counts so far: writes confirmed (`written`), accepted and not yet confirmed (`pending`), resent (`retried`).
   *
   * @example console.log(writer.progress.written)
   */
  get progress(): BatchProgress {
    return this.engine.progress;
  }
}

export interface BatchWriteResult {
  /** Writes DynamoDB confirmed (after deduplication: a key written twice counts once). */
  readonly written: number;
  /** Writes resent after UnprocessedItems or retryable failures. */
  readonly retried: number;
  /** With `bestEffort`, the writes skipped because they were invalid. */
  readonly skipped: readonly { readonly index: number; readonly error: unknown }[];
}

/** Collects writes for the callback form of `batchWrite`. */
export interface BatchCollector {
  /**
   * Adds a put; every write is validated before anything is sent.
   *
   * @example await AppTable.batchWrite((batch) => { for (const u of users) batch.put(User, u) })
   */
  put<E extends UnlockedEntity>(entity: E, item: EntityInput<E>): void;
  put(builder: BatchPutBuilder): void;
  /**
   * Adds a delete by key composites (a derived one by itself or by its sources, as the entity's
   * `delete` takes it), or a table's delete by physical key.
   *
   * @example await AppTable.batchWrite((batch) => { batch.delete(Order, orderKey); batch.delete(AppTable.delete({ pk: 'USER#u1', sk: 'NOTE#1' })) })
   */
  delete<E extends AnyEntity>(entity: E, key: EntityKey<E>): void;
  delete(builder: BatchDeleteBuilder): void;
  /** An entity whose key composites are derived attributes: one given by itself or by its sources, as the entity's `delete` takes it. */
  delete<E extends DerivedCarrier>(entity: E, key: NoInfer<DerivedDeleteKey<E>>): void;
  /**
   * Adds, in order, the writes a `BatchWriteError` listed as not done, to send again (as the list
   * form takes them: exactly as they were to be made, or rebuilt when read back from JSON).
   *
   * @example await AppTable.batchWrite((batch) => { batch.resend(error.unprocessed); batch.put(User, late) })
   */
  resend(writes: readonly UnprocessedWrite[]): void;
}

export interface BatchWriteAllOptions extends BatchWriteOptions {
  /** Send the valid writes even when some are invalid (reported in `skipped`). Default false: nothing is sent. */
  readonly bestEffort?: boolean;
}

/**
 * Writes a whole set of puts and deletes through `table`'s client (`table` also rebuilds resent
 * entries read back from JSON): every write is validated first (nothing is sent if one is
 * invalid, unless `bestEffort`), keys written twice keep their last write, then the writes go out
 * in calls of 25 with retries.
 */
export async function batchWriteAll(
  table: Table,
  writes: readonly BatchWriteInput[] | ((batch: BatchCollector) => void | Promise<void>),
  options: BatchWriteAllOptions = {},
): Promise<BatchWriteResult> {
  // Typed callers pass condition-free builders; untyped ones are checked by toRequest.
  let builders: readonly (AnyWriteBuilder | UnprocessedWrite)[];
  if (typeof writes === 'function') {
    const collected: (AnyWriteBuilder | UnprocessedWrite)[] = [];
    builders = collected;
    let open = true;
    // Writes are read once the callback has returned; a later one (from a promise the callback
    // did not await) would land in a list nobody reads, so it throws instead of being dropped.
    const collect = (b: AnyWriteBuilder | UnprocessedWrite): void => {
      if (!open) throw new InvalidBatchError('batchWrite: a write was added after the callback returned (a promise not awaited?); it would never be sent');
      collected.push(b);
    };
    const collector = {
      put(a: AnyEntity | AnyWriteBuilder, item?: unknown) {
        collect(a instanceof PutBuilder ? a : asEntity(a).put(item));
      },
      delete(a: AnyEntity | AnyDeleteBuilder, key?: unknown) {
        collect(isDeleteBuilder(a) ? a : asEntity(a).delete(key as never));
      },
      resend(listed: readonly UnprocessedWrite[]) {
        for (const w of listed) collect(w);
      },
    };
    try {
      await writes(collector as BatchCollector);
    } finally {
      open = false;
    }
  } else builders = writes;

  const requests = new Map<string, WriteRequest>();
  const failures: { index: number; error: unknown }[] = [];
  builders.forEach((b, index) => {
    try {
      const r = toRequest(b, table);
      // Last write wins, in the position of the last write. Only through one client: a table of
      // the same name behind another client is another table (the engine keeps their order).
      const slot = `${r.client === undefined ? 0 : clientTag(r.client)}\u0000${r.id}`;
      requests.delete(slot);
      requests.set(slot, r);
    } catch (error) {
      // A write that can never be batched is a programming error, not bad data: fail loudly.
      if (error instanceof InvalidResendError) throw error.at(index);
      if (error instanceof InvalidBatchError) throw new InvalidBatchError(`write #${index}: ${error.message}`);
      failures.push({ index, error });
    }
  });
  if (failures.length > 0 && options.bestEffort !== true) throw new BatchValidationError(failures);
  const engine = new BatchWriteEngine(table.client, options);
  // enqueue, not add: with a signal already aborted, add() would throw at the first write and the
  // error would list that one alone, leaving the others neither written nor reported.
  for (const r of requests.values()) engine.enqueue(r);
  await engine.flush();
  const p = engine.progress;
  return { written: p.written, retried: p.retried, skipped: failures };
}
