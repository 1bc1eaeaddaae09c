/**
 * The errors of batch writes and gets: a write that cannot be batched, writes that fail validation,
 * and a batch that gave up with what it did not do.
 */
import { DynakitError, operationsSummary } from '../errors.js';
import type { EpochTimestampFields, TimestampFields } from '../entity/entity-types.js';

/**
 * A write of a batch that did not happen: what to retry or log. A put's `item` is the item as it
 * was given to `put` (the schema's input), so `Entity.put(item)` redoes exactly that write.
 */
export type UnprocessedWrite =
  | {
      readonly type: 'put';
      readonly entity: string;
      readonly table: string;
      readonly item: Record<string, unknown>;
      /**
       * The times a put given `withTimestamps(...)` was to store: redo it with `put(item).withTimestamps(timestamps)`.
       * Both in the entity's format: ISO text, or both epoch numbers (one entity's list holds one
       * format; the list names its entity only at run time, so no narrower type is known here).
       */
      readonly timestamps?: TimestampFields | EpochTimestampFields;
    }
  | { readonly type: 'delete'; readonly entity: string; readonly table: string; readonly key: Record<string, unknown> };

/**
 * A batch write gave up: retries ran out or DynamoDB rejected a request. `unprocessed` lists
 * exactly the writes that did not happen (sent and left unprocessed, or never sent).
 */
export class BatchWriteError extends DynakitError {
  override name = 'BatchWriteError';
  constructor(
    readonly unprocessed: readonly UnprocessedWrite[],
    readonly written: number,
    override readonly cause: unknown,
  ) {
    super(
      `batch write stopped with ${unprocessed.length} write(s) not done (${written} written): ${stopReason(cause)}; ` +
        `not done: ${operationsSummary(unprocessed.map((w) => ({ operation: w.type, entity: w.entity, table: w.table })))}; the writes not done are listed in its unprocessed, to send again`,
    );
  }
}

/**
 * Why a batch stopped, for its error's message: the last error, or 'retries exhausted' when the
 * attempts ran out on unprocessed items alone. A cause that is not an Error is an abort's reason
 * (`abort('deadline')`): named too.
 */
function stopReason(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : cause === undefined ? 'retries exhausted' : String(cause);
}

/** A batch get gave up with keys still unprocessed after its retries. */
export class BatchGetError extends DynakitError {
  override name = 'BatchGetError';
  constructor(
    readonly unprocessedKeys: readonly { readonly table: string; readonly key: Record<string, unknown> }[],
    override readonly cause: unknown,
  ) {
    super(`batch get stopped with ${unprocessedKeys.length} key(s) not read (${keysSummary(unprocessedKeys)}): ${stopReason(cause)}`);
  }
}

/** How many of the keys not read are in each table, for the message of a `BatchGetError`: `2 in table App`. */
function keysSummary(keys: readonly { readonly table: string }[]): string {
  const perTable = new Map<string, number>();
  for (const k of keys) perTable.set(k.table, (perTable.get(k.table) ?? 0) + 1);
  return [...perTable].map(([table, n]) => `${n} in table ${table}`).join(', ');
}

/** A write cannot go into a batch (e.g. it has a condition) or a batch option is invalid. */
export class InvalidBatchError extends DynakitError {
  override name = 'InvalidBatchError';
}

/**
 * Why a batch refused an entry given back to it to resend (`batchWrite(error.unprocessed)`,
 * `writer.resend(...)`, `batch.resend(...)`):
 * - `not-a-write`: not `{ type: 'put' | 'delete', entity, table, item | key }`;
 * - `no-table`: a copy (read back from JSON) given to a writer made with `new BatchWriter(client)`,
 *   which knows no table to rebuild it through;
 * - `other-table`: it names another table than the one resending it;
 * - `no-item`: a put without an `item` object, or a delete without a `key` object;
 * - `table-put`: a put by `table <name>` (a table deletes by physical key, but writes no items);
 * - `unknown-entity`: the table defines no entity of that name;
 * - `needs-condition`: the entity uses optimistic locking (a put, or a delete given a version),
 *   which needs a condition that BatchWriteItem does not have.
 */
export type ResendRefusal = 'not-a-write' | 'no-table' | 'other-table' | 'no-item' | 'table-put' | 'unknown-entity' | 'needs-condition';

/**
 * A batch refused an entry of `BatchWriteError.unprocessed` given back to it, before anything was
 * sent. An `InvalidBatchError` (its message is the same), with what the entry names and why: `index`
 * is the entry's position among the writes given (`write #index` in the message; `undefined` for a
 * refusal outside such a list), `entity` and `table` what it names (`undefined` when it is not a
 * write), `reason` why.
 *
 * @example
 * try { await AppTable.batchWrite(JSON.parse(saved)) } catch (e) { if (e instanceof InvalidResendError && e.reason === 'unknown-entity') console.log(e.index, e.entity) }
 */
export class InvalidResendError extends InvalidBatchError {
  override name = 'InvalidResendError';
  constructor(
    readonly reason: ResendRefusal,
    readonly entity: string | undefined,
    readonly table: string | undefined,
    /** What is wrong, without the position (the message adds `write #index: ` when it is known). */
    readonly detail: string,
    readonly index?: number,
  ) {
    super(index === undefined ? detail : `write #${index}: ${detail}`);
  }

  /** The same refusal, for the entry at `index` of the writes given. */
  at(index: number): InvalidResendError {
    return new InvalidResendError(this.reason, this.entity, this.table, this.detail, index);
  }
}

/** Writes of a batch failed validation; nothing was sent. `failures[i].index` is the write's position. */
export class BatchValidationError extends DynakitError {
  override name = 'BatchValidationError';
  constructor(readonly failures: readonly { readonly index: number; readonly error: unknown }[]) {
    super(
      `${failures.length} write(s) of the batch are invalid, nothing was sent: ` +
        failures
          .slice(0, 5)
          .map((f) => `#${f.index} ${f.error instanceof Error ? f.error.message : String(f.error)}`)
          .join('; ') +
        (failures.length > 5 ? '; ...' : ''),
    );
  }
}
