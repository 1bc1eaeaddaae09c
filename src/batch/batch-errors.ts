/**
 * The errors of batch writes and gets: a write that cannot be batched, writes that fail validation,
 * and a batch that gave up with what it did not do.
 */
import { DynakitError, operationsSummary } from '../errors.js';

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
      /** The times a put given `withTimestamps(...)` was to store: redo it with `put(item).withTimestamps(timestamps)`. */
      readonly timestamps?: { readonly createdAt: string | number; readonly updatedAt: string | number };
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
