import { ConditionFailedError, ExpressionError, type ItemParseError } from '../errors.js';
import type { AnyEntity } from '../entity/entity.js';
import type { EntityModel } from '../entity/model.js';
import type { Condition } from '../expressions/condition.js';
import { ScanBuilder } from '../pagination/scan.js';
import { scanSegments } from '../pagination/parallel-scan.js';
import { newPut, type PutBuilder } from './put.js';

/** Options of `migrateStored`. */
export interface MigrateStoredOptions {
  /** Rewrites in flight at once (default 4). */
  readonly concurrency?: number;
  /** Stops the scan and the rewrites: the promise rejects with the signal's reason. */
  readonly abortSignal?: AbortSignal;
  /**
   * Scans in this many parallel segments (DynamoDB's `TotalSegments`, 1 to 1,000,000), all at once,
   * as `scan().segments(n)`: each item is read by one segment only, so it is rewritten at most once.
   * Default: one sequential scan.
   */
  readonly segments?: number;
}

/** What `migrateStored` did. */
export interface MigrateStoredResult {
  /** Items written back at the current version. */
  readonly migrated: number;
  /**
   * Items another write changed between the read and the rewrite (its condition failed): a put
   * already stored the current version, or an update changed the locking version or `updatedAt`.
   * Their next read migrates them; run `migrateStored` again to rewrite them.
   */
  readonly skipped: number;
  /** Items that could not be read (`ItemMigrationError`, `ItemParseError`): left as stored. */
  readonly unreadable: readonly ItemParseError[];
}

/**
 * Brings an entity's stored items to its current schema version (`migrations`): scans for items
 * stored at an older version (or none) and puts each back as its read migrated it. Each put holds
 * only if the item was not written since it was read. The put checks that the version attribute is
 * still old, the locking `version` when the entity has one (else `updatedAt`, with `timestamps`),
 * and keeps the item's timestamps. Without either, an update made between the read and the put
 * is overwritten: run it while nothing updates those items.
 *
 * With `segments`, the scan's segments read in parallel; each page is rewritten as it arrives, from
 * whichever segment.
 *
 * @example const { migrated, skipped } = await migrateStored(User, { concurrency: 8, segments: 4 })
 */
export async function migrateStored(entity: AnyEntity, options: MigrateStoredOptions = {}): Promise<MigrateStoredResult> {
  const model = entity.model;
  const migrations = model.migrations;
  if (migrations === undefined) throw new ExpressionError(model.name, '', 'migrateStored() rewrites items to the current schema version: the entity has no migrations');
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new ExpressionError(model.name, '', `migrateStored() concurrency must be a positive whole number (got ${String(concurrency)})`);
  const stale = staleVersion(model);
  const unreadable: ItemParseError[] = [];
  const scan = new ScanBuilder<Record<string, unknown>>(model, {
    index: 'primary',
    filter: undefined,
    projection: undefined,
    limit: undefined,
    pageSize: undefined,
    consistent: true,
    cursor: undefined,
    segments: options.segments === undefined ? undefined : scanSegments(model.name, options.segments, undefined),
  })
    .filter(stale)
    .onInvalidItem((e) => unreadable.push(e));
  let migrated = 0;
  let skipped = 0;
  const send = { abortSignal: options.abortSignal };
  for await (const page of scan.pages(send)) {
    const items = page.items;
    for (let i = 0; i < items.length; i += concurrency) {
      const outcomes = await Promise.all(items.slice(i, i + concurrency).map((item) => rewrite(model, item, stale, send)));
      for (const done of outcomes) {
        if (done) migrated++;
        else skipped++;
      }
    }
  }
  return { migrated, skipped, unreadable };
}

/** The version attribute missing (version 1) or below the current version, on the table's names. */
function staleVersion(model: EntityModel): Condition {
  const { attribute, current } = model.migrations!;
  const v = model.table.Attr(attribute);
  return v.notExists().or(v.lt(current));
}

/**
 * Puts back one item as read (migrated): `true` when written, `false` when its condition failed
 * (another write came first). The put stores the current version; its locking version check (a
 * versioned entity's put checks the version the item carries) or the `updatedAt` check catches
 * an update made since the read.
 */
async function rewrite(model: EntityModel, item: Record<string, unknown>, stale: Condition, send: { abortSignal?: AbortSignal | undefined }): Promise<boolean> {
  let put: PutBuilder<Record<string, unknown>, Record<string, unknown>, string> = newPut<Record<string, unknown>, never>(model, item, false).where(stale);
  const t = model.timestamps;
  if (t !== undefined) {
    const times = { createdAt: item[t.createdAt], updatedAt: item[t.updatedAt] };
    if (times.createdAt !== undefined && times.updatedAt !== undefined) {
      put = put.withTimestamps(times as never);
      if (model.version === undefined) put = put.where(model.table.Attr(model.storedName(t.updatedAt)).eq(times.updatedAt));
    }
  }
  try {
    await put.send(send);
    return true;
  } catch (e) {
    if (e instanceof ConditionFailedError) return false;
    throw e;
  }
}
