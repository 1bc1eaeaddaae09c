/**
 * How queries and scans count, entity reads and table-level reads alike: `count()` (every matching
 * item) and `countPage()` (bounded by `limit` and `maxPages`, with a cursor to resume), each either
 * by `Select: COUNT` pages or by counting the rows a read returns.
 */
import { sendDocumentRequest } from '../client/send-document-request.js';
import { ExpressionError } from '../errors.js';
import { encodeCursor, type StartKey } from './cursor.js';
import { readPages, type PagedReadOptions, type PagedReadSpec } from './page-reader.js';

/**
 * What `countPage()` returns: the items counted, and, when the count stopped at a bound (`limit`
 * counted, or `maxPages` requests sent) before the read's end, the cursor that resumes it.
 * Without `cursor` the count is complete.
 */
export interface CountPage {
  readonly count: number;
  /** Resumes the count (`startAfter(cursor)`); more items may follow it, or none (as after any `maxPages` page). */
  readonly cursor?: string;
}

/** A `Select: COUNT` read: a paged read whose rows are never parsed. */
export type CountSpec = Omit<PagedReadSpec<never>, 'parse'>;

/** The bounds a row count stops at. */
export interface CountBounds {
  readonly limit?: number | undefined;
  readonly maxPages?: number | undefined;
}

/** The two ways one read counts, which `completeCount` and `boundedCount` choose between. */
export interface CountReads {
  /**
   * Whether only counting the returned rows gives the right number: DynamoDB's `Count` would also
   * count rows the read drops after reading them (a hydrated read's gone items, for instance).
   */
  readonly rowsOnly: boolean;
  /** The read's `Select: COUNT` request (no projection) and its start key. */
  countRead(): { spec: CountSpec; startKey: StartKey | undefined };
  /** Counts the rows the read returns within `bounds`, without parsing them (see `countRows`). */
  countRows(bounds: CountBounds, signal: AbortSignal | undefined): Promise<CountPage>;
}

/**
 * Sums `Count` over the pages of a `Select: 'COUNT'` read: every page, or the first `maxPages`;
 * `next` is where it stopped before the end.
 */
async function countAll(spec: CountSpec, startKey: StartKey | undefined, signal: AbortSignal | undefined, maxPages = Infinity): Promise<{ count: number; next?: StartKey }> {
  let count = 0;
  let key: Record<string, unknown> | undefined = startKey;
  let pagesLeft = maxPages;
  do {
    const input: Record<string, unknown> = { ...spec.input, Select: 'COUNT' };
    if (key !== undefined) input.ExclusiveStartKey = key;
    const out = await sendDocumentRequest<{ Count?: number; LastEvaluatedKey?: Record<string, unknown> }>(spec.client, spec.kind, spec.owner, input, signal);
    count += out.Count ?? 0;
    key = out.LastEvaluatedKey;
  } while (key !== undefined && --pagesLeft > 0);
  return key === undefined ? { count } : { count, next: key as StartKey };
}

/**
 * `count()`'s answer: every matching item from the read's start key, by `Select: COUNT` pages or,
 * where those would count dropped rows (`rowsOnly`), by the rows. A read bounded by `maxPages` is
 * refused before any request is built: that count would stop short and look complete.
 *
 * @example await completeCount('User', undefined, reads, signal) // 42
 */
export async function completeCount(owner: string, maxPages: number | undefined, reads: CountReads, signal: AbortSignal | undefined): Promise<number> {
  if (maxPages !== undefined) throw boundedCountRefused(owner, maxPages);
  if (reads.rowsOnly) return (await reads.countRows({}, signal)).count;
  const { spec, startKey } = reads.countRead();
  return (await countAll(spec, startKey, signal)).count;
}

/**
 * `countPage()`'s answer: the items matched up to `limit`, in at most `maxPages` requests, with the
 * cursor where it stopped. Without `limit`, `Select: COUNT` pages (unless `rowsOnly`); with one, the
 * rows: a filtered `Select: COUNT` page may pass `limit` mid-page, with no key to resume at.
 *
 * @example await boundedCount({ limit: 100, maxPages: undefined }, reads, signal) // { count: 100, cursor: '...' }
 */
export async function boundedCount(bounds: CountBounds, reads: CountReads, signal: AbortSignal | undefined): Promise<CountPage> {
  if (reads.rowsOnly || bounds.limit !== undefined) return reads.countRows({ limit: bounds.limit, maxPages: bounds.maxPages }, signal);
  const { spec, startKey } = reads.countRead();
  const counted = await countAll(spec, startKey, signal, bounds.maxPages);
  if (counted.next === undefined) return { count: counted.count };
  return { count: counted.count, cursor: encodeCursor(spec.table, spec.index, counted.next, spec.reverse === true) };
}

/**
 * Counts the rows a paged read returns (`parse` says which), bounded as any paged read is
 * (`limit`, `maxPages`), with the cursor of its last page: a `limit` is met exactly, which the
 * `Count` of a filtered `Select: 'COUNT'` page cannot do (it may pass it mid-page).
 */
export async function countRows(spec: PagedReadSpec<unknown>, options: PagedReadOptions): Promise<CountPage> {
  let count = 0;
  let cursor: string | undefined;
  for await (const page of readPages(spec, options)) {
    count += page.items.length;
    cursor = page.cursor;
  }
  return cursor === undefined ? { count } : { count, cursor };
}

/** The error of `count()` on a read bounded by `maxPages`: a count stopped short would look complete. */
function boundedCountRefused(owner: string, maxPages: number): ExpressionError {
  return new ExpressionError(
    owner,
    '',
    `count() counts every matching item, and maxPages(${maxPages}) would stop it short with a number that looks complete: countPage() honours maxPages and limit and returns { count, cursor? }, whose cursor resumes the count`,
  );
}
