import { ConditionFailedError, ExpressionError, type ItemParseError } from '../errors.js';
import type { AnyEntity } from '../entity/entity.js';
import type { EntityModel } from '../entity/model.js';
import type { Condition } from '../expressions/condition.js';
import { ScanBuilder } from '../pagination/scan.js';
import { putAsRead, type PutBuilder } from './put.js';
import { belongsTo } from './write-guards.js';
import { SKIP, type PagedReadSpec } from '../pagination/page-reader.js';
import { isStamp, type TimestampFormat } from '../entity/timestamps.js';
import { scanSegments } from '../pagination/parallel-scan.js';

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
  const stored = new WeakMap<object, Record<string, unknown>>();
  const scan = new StoredItemsScan(stored, model, {
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
      const outcomes = await Promise.all(items.slice(i, i + concurrency).map((item) => rewrite(model, item, stored.get(item)!, stale, send)));
      for (const done of outcomes) {
        if (done) migrated++;
        else skipped++;
      }
    }
  }
  return { migrated, skipped, unreadable };
}

/**
 * The entity's scan, remembering the item as stored (`stored`) for each item it returns: a read
 * gives a stamp stored in the other format (ISO text where the entity stores numbers, or the
 * reverse) converted, and the rewrite's `updatedAt` check must compare the stored value.
 */
class StoredItemsScan extends ScanBuilder<Record<string, unknown>> {
  constructor(
    private readonly stored: WeakMap<object, Record<string, unknown>>,
    model: EntityModel,
    state: ConstructorParameters<typeof ScanBuilder>[1],
  ) {
    super(model, state);
  }

  protected override with(patch: Partial<ConstructorParameters<typeof ScanBuilder>[1]>): this {
    return new StoredItemsScan(this.stored, this.model, { ...this.state, ...patch }) as this;
  }

  override readSpec(input: Record<string, unknown>): PagedReadSpec<Record<string, unknown>> {
    const spec = super.readSpec(input);
    const parse = spec.parse;
    return {
      ...spec,
      parse: (raw) => {
        const item = parse(raw);
        if (item !== SKIP) this.stored.set(item, raw);
        return item;
      },
    };
  }
}

/**
 * The version attribute missing (version 1), below the current version, or not a number (a read
 * refuses it: the item is reported in `unreadable` rather than passed over), on the table's names.
 */
function staleVersion(model: EntityModel): Condition {
  const { attribute, current } = model.migrations!;
  // As one name (a stored name may hold dots, which a dotted path would read as nested).
  const v = model.table.Attr([attribute]);
  return v.type('N').not().or(v.lt(current));
}

/**
 * The times a rewrite keeps, as `withTimestamps` takes them: each read time in the format the entity
 * stores, or else as the `Date` it stands for (an item another tool stamped `2020-01-01T00:00:00Z`
 * or with fractional seconds), so such an item is rewritten rather than a `ValidationError`
 * stopping the run. Only `createdAt` when `updatedAt` is no time or comes before it; none when
 * `createdAt` is no time.
 */
function keptTimes(format: TimestampFormat, createdAt: unknown, updatedAt: unknown): Record<string, unknown> | undefined {
  const created = keptTime(format, createdAt);
  if (created === undefined) return undefined;
  const updated = keptTime(format, updatedAt);
  return updated === undefined || timeMs(format, updated) < timeMs(format, created) ? { createdAt: created } : { createdAt: created, updatedAt: updated };
}

function keptTime(format: TimestampFormat, value: unknown): unknown {
  if (isStamp(format, value)) return value;
  const ms = typeof value === 'string' ? Date.parse(value) : typeof value === 'number' ? (format === 'epochSeconds' ? value * 1000 : value) : Number.NaN;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function timeMs(format: TimestampFormat, time: unknown): number {
  if (time instanceof Date) return time.getTime();
  return typeof time === 'string' ? Date.parse(time) : format === 'epochSeconds' ? (time as number) * 1000 : (time as number);
}

/**
 * Puts back one item as read (migrated): `true` when written, `false` when its condition failed
 * (another write came first). The put stores the current version; its locking version check (a
 * versioned entity's put checks the version the item carries) or the `updatedAt` check catches
 * an update made since the read, and it requires the item to be stored (a delete since the read).
 */
async function rewrite(
  model: EntityModel,
  item: Record<string, unknown>,
  stored: Record<string, unknown>,
  stale: Condition,
  send: { abortSignal?: AbortSignal | undefined },
): Promise<boolean> {
  // As read (the schema's output): stored as it is, derived attributes computed again, transforms not run twice.
  // belongsTo: an item deleted since the read stays deleted (the put must not create it again).
  let put: PutBuilder<Record<string, unknown>, Record<string, unknown>, string> = putAsRead(model, item).where(stale.and(belongsTo(model)));
  const t = model.timestamps;
  if (t !== undefined) {
    const times = keptTimes(t.format, item[t.createdAt], item[t.updatedAt]);
    if (times !== undefined) put = put.withTimestamps(times as never);
    const updatedAt = model.storedName(t.updatedAt);
    if (model.version === undefined && stored[updatedAt] !== undefined) put = put.where(model.table.Attr([updatedAt]).eq(stored[updatedAt]));
  }
  try {
    await put.send(send);
    return true;
  } catch (e) {
    if (e instanceof ConditionFailedError) return false;
    throw e;
  }
}
