import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { KeyAttribute } from '../entity/table-types.js';
import { exactKeyNumbers } from '../client/exact-key-numbers.js';
import type { AnyDynamoClient } from '../client/send.js';
import { sendDocumentRequest, type DocumentRequestKind, type ItemOwner } from '../client/send-document-request.js';
import { encodeCursor, type StartKey } from './cursor.js';
import type { Hydrator } from './hydrate.js';
import { MAX_BATCH_GET } from '../batch/batch-get.js';
import { ExpressionError, type ItemParseError } from '../errors.js';

/** One page of results. `cursor` is absent when there is nothing after this page. */
export interface Page<T> {
  readonly items: T[];
  readonly cursor?: string;
}

/** Marker returned by a row parser for raw items that do not belong in the results. */
export const SKIP: unique symbol = Symbol('skip');

/** The requests a paged read sends. */
export type PagedRequestKind = Extract<DocumentRequestKind, 'Query' | 'Scan'>;

/** What a paged read needs: how to send one request and how to read its rows. */
export interface PagedReadSpec<T> {
  readonly client: AnyDynamoClient;
  readonly table: string;
  /** Index name used to tag cursors (`primary` for the table). */
  readonly index: string;
  /** A descending query (`ScanIndexForward: false`): its cursors are tagged so. */
  readonly reverse?: boolean;
  readonly startKeyAttributes: readonly KeyAttribute[];
  readonly kind: PagedRequestKind;
  /** Whose items these are, for the message of an unreadable item. */
  readonly owner: ItemOwner;
  readonly input: Record<string, unknown>;
  readonly parse: (raw: Record<string, unknown>) => T | typeof SKIP;
  /**
   * For a hydrated read: fetches the table items of the index rows (`undefined` for one that is
   * gone); `parse` then reads those items, while cursors still come from the index rows.
   */
  readonly hydrate?: Hydrator;
  /**
   * For a hydrated read: whether a fetched item would be returned, without parsing it (to look past
   * a full page for one more). Without it, every fetched item would be.
   */
  readonly returns?: (item: Record<string, unknown>) => boolean;
  /**
   * With `onInvalidItem()`: a row standing for an item whose stored numbers cannot be read, which
   * `parse` then reports and skips. Not sent with a hydrated read's index request (its rows are the
   * index's keys): its hydrator makes such rows of the items it fetches.
   */
  readonly unreadable?: (error: ItemParseError) => Record<string, unknown>;
  /**
   * Rows that are never parsed by a schema (`deleteAll`'s, deleted by their stored keys): read with
   * their numbers exactly (see exact-key-numbers.ts), or a rounded key would delete no item.
   */
  readonly exactNumbers?: boolean;
}

export interface PagedReadOptions {
  /** Items the caller gets in total, across pages. */
  readonly limit?: number;
  /** DynamoDB's `Limit`: items evaluated per request, before the filter. */
  readonly pageSize?: number;
  readonly startKey?: StartKey;
  /** Requests sent at most (pages read); the last page's cursor resumes after them. */
  readonly maxPages?: number;
  /** Stops the read: no request is sent after it aborts, and one in flight is aborted. */
  readonly signal?: AbortSignal;
}

/**
 * The options of a paged read from a builder's state: only the settings it has (the options are
 * exact: an `undefined` would read as a setting).
 */
export function pagedReadOptions(
  settings: { readonly limit?: number | undefined; readonly pageSize?: number | undefined; readonly maxPages?: number | undefined },
  startKey: StartKey | undefined,
  signal: AbortSignal | undefined,
): PagedReadOptions {
  const o: { -readonly [K in keyof PagedReadOptions]: PagedReadOptions[K] } = {};
  if (settings.limit !== undefined) o.limit = settings.limit;
  if (settings.pageSize !== undefined) o.pageSize = settings.pageSize;
  if (settings.maxPages !== undefined) o.maxPages = settings.maxPages;
  if (startKey !== undefined) o.startKey = startKey;
  if (signal !== undefined) o.signal = signal;
  return o;
}

/** Takes a built input's `ExclusiveStartKey` out (the page reader sets it per request) and returns it. */
export function takeStartKey(input: Record<string, unknown>): StartKey | undefined {
  const startKey = input.ExclusiveStartKey as StartKey | undefined;
  delete input.ExclusiveStartKey;
  return startKey;
}

interface RawPage {
  Items?: Record<string, unknown>[];
  /** `Items` as DynamoDB sent them (see `sendDocumentRequest`). */
  RawItems?: Record<string, AttributeValue>[];
  LastEvaluatedKey?: Record<string, unknown>;
  ScannedCount?: number;
}

/**
 * The start key of `rows[i]`: its key attributes, numbers exactly as stored (`stored`: the rows as
 * DynamoDB sent them; see exact-key-numbers.ts).
 */
function keyOf(rows: readonly Record<string, unknown>[], stored: readonly Record<string, AttributeValue>[] | undefined, i: number, attrs: readonly KeyAttribute[]): StartKey {
  const raw = rows[i]!;
  const key: StartKey = {};
  for (const a of attrs) key[a.name] = raw[a.name] as string | number | Uint8Array;
  const exact = stored?.[i];
  return exact === undefined ? key : exactKeyNumbers(key, exact, attrs.filter((a) => a.type === 'N').map((a) => a.name));
}

/**
 * A hydrated read's index rows with their numbers exactly as stored (see exact-key-numbers.ts):
 * they are keys, never parsed, and the items are fetched by them; a rounded key number would
 * fetch no item (or another), and the item would be dropped as gone.
 */
function exactRows(out: RawPage): Record<string, unknown>[] {
  const rows = out.Items ?? [];
  const stored = out.RawItems;
  return stored === undefined ? rows : rows.map((row, i) => exactKeyNumbers(row, stored[i]!));
}

/** One request's page, and where the next request starts (`undefined`: nothing after it). */
interface PageStep<T> {
  readonly page: Page<T>;
  readonly next: Record<string, unknown> | undefined;
  /** items the caller may still get after this page */
  readonly remaining: number;
  /** rows DynamoDB evaluated for this request, before its filter (`ScannedCount`) */
  readonly evaluated: number;
}

/**
 * DynamoDB's `Limit` for a read that still owes `remaining` items: one more than that. DynamoDB
 * returns a `LastEvaluatedKey` whenever it stops at `Limit`, also when nothing follows; asking for
 * `remaining` alone would then hand the caller a cursor that leads to an empty page. With one item
 * more, a read that ends exactly at `limit` is told so (no `LastEvaluatedKey`), and one that does
 * not has that item to prove it, for the price of reading one item more.
 */
export function limitFor(remaining: number): number | undefined {
  return Number.isFinite(remaining) ? Math.min(remaining + 1, MAX_PAGE_SIZE) : undefined;
}

/** How much a request's `Limit` may grow over the previous one's while a filter drops items. */
const LIMIT_GROWTH = 4;

/**
 * The `Limit` of the next request of a read that still owes `remaining` items, after requests that
 * evaluated `evaluated` rows and returned `returned` items in all, the last one with `Limit`
 * `previous`.
 *
 * DynamoDB applies `Limit` before the filter (and dynakit drops other entities' rows after it), so
 * asking for what is still owed makes a sparse filter cost one small request per few matches: a
 * filter that keeps 1 row in 100 took ~100 requests for `limit(10)`. The next `Limit` is instead
 * what is owed scaled by the share of rows kept so far, growing at most `LIMIT_GROWTH` times per
 * request (and by that much when nothing was kept yet), so such a read takes a few requests and
 * evaluates about as many rows as it needs. A read whose rows are all kept asks for what is owed,
 * as before. DynamoDB still stops every request at 1 MB.
 */
export function nextRequestLimit(remaining: number, evaluated: number, returned: number, previous: number | undefined): number | undefined {
  const owed = limitFor(remaining);
  if (owed === undefined || previous === undefined || evaluated <= returned) return owed;
  const ceiling = previous * LIMIT_GROWTH;
  const estimate = returned === 0 ? ceiling : Math.ceil((owed * evaluated) / returned);
  return Math.min(Math.max(owed, Math.min(estimate, ceiling)), MAX_PAGE_SIZE);
}

/**
 * The largest `Limit` DynamoDB takes: a 32-bit integer (DynamoDB Local answers a larger one with a
 * 500 InternalFailure, which the SDK retries). A larger `limit` spans requests anyway.
 */
export const MAX_PAGE_SIZE = 2 ** 31 - 1;

/** One request of a paged read (see `readPage`). */
export interface PageRequest {
  readonly startKey: Record<string, unknown> | undefined;
  /** Items the caller may still get (`Infinity`: no limit). */
  readonly remaining: number;
  readonly pageSize: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** The request's `Limit` (`undefined`: none); by default `pageSize`, else what `remaining` needs (`limitFor`). */
  readonly requestLimit?: number | undefined;
  /** Index requests a hydrated read may still send to look past a full page (what `maxPages` leaves). */
  readonly lookPastRequests?: number;
}

/**
 * Sends one request from `startKey` and reads its rows, keeping at most `remaining` items. When it
 * stops inside the DynamoDB page, the cursor points at the last item returned, so resuming yields
 * exactly the items after it.
 */
export async function readPage<T>(spec: PagedReadSpec<T>, request: PageRequest): Promise<PageStep<T>> {
  const { startKey, remaining, pageSize, signal, lookPastRequests = Infinity } = request;
  const requestLimit = request.requestLimit ?? pageSize ?? limitFor(remaining);
  const input: Record<string, unknown> = { ...spec.input };
  if (startKey !== undefined) input.ExclusiveStartKey = startKey;
  if (requestLimit !== undefined) input.Limit = requestLimit;
  const unreadable = spec.hydrate === undefined ? spec.unreadable : undefined;
  const out = await sendDocumentRequest<RawPage>(spec.client, spec.kind, spec.owner, input, signal, unreadable);
  const stored = out.RawItems;
  const rows = spec.hydrate === undefined && spec.exactNumbers !== true ? (out.Items ?? []) : exactRows(out);
  const items: T[] = [];
  /** the row of the last item returned */
  let last: number | undefined;
  let cut = false;
  /** hydrated, when the page is full: whether a row already fetched after its last item returns one */
  let followed = false;
  /** hydrated, when the page is full: the first row not fetched yet */
  let lookFrom = rows.length;
  if (spec.hydrate === undefined) {
    for (let i = 0; i < rows.length; i++) {
      const raw = rows[i]!;
      const parsed = spec.parse(raw);
      if (parsed === SKIP) continue;
      items.push(parsed);
      last = i;
      if (items.length >= remaining) {
        cut = i < rows.length - 1 || out.LastEvaluatedKey !== undefined;
        break;
      }
    }
  } else {
    // Items are fetched for as many rows as are still owed, and for more only when some were
    // dropped (another entity's, gone, expired): the extra row `limitFor` asks for is read from
    // the index to learn whether more follow, and costs no item read unless it is needed. After a
    // chunk that dropped rows, the next one is twice as large (up to a BatchGetItem's 100 keys):
    // a request's `Limit` grows while rows are dropped, and fetching that page's rows only as many
    // at a time as were owed took one BatchGetItem per row or two (289 calls for 2 items in 400 rows).
    const returns = returnsOf(spec);
    let chunk = 0;
    for (let from = 0; from < rows.length && items.length < remaining; ) {
      chunk = Math.max(remaining - items.length, Math.min(chunk * 2, MAX_BATCH_GET));
      const to = Math.min(rows.length, from + chunk);
      const full = await spec.hydrate(rows.slice(from, to), signal);
      for (let i = from; i < to; i++) {
        const item = full[i - from];
        const parsed = item === undefined ? SKIP : spec.parse(item);
        if (parsed === SKIP) continue;
        items.push(parsed);
        last = i;
        if (items.length >= remaining) {
          cut = i < rows.length - 1 || out.LastEvaluatedKey !== undefined;
          // The rows fetched after it tell, without reading them again, whether an item follows.
          followed = full.slice(i - from + 1).some((f) => f !== undefined && returns(f));
          lookFrom = to;
          break;
        }
      }
      from = to;
    }
  }
  const left = remaining - items.length;
  let next: Record<string, unknown> | undefined;
  if (left > 0) next = out.LastEvaluatedKey;
  else if (!cut || last === undefined) next = undefined;
  else if (spec.hydrate !== undefined) {
    next = followed ? keyOf(rows, stored, last, spec.startKeyAttributes) : await nextReturningRow(spec, { rows, stored }, lookFrom, out.LastEvaluatedKey, pageSize, signal, lookPastRequests);
  }
  else next = last === rows.length - 1 && out.LastEvaluatedKey !== undefined ? out.LastEvaluatedKey : keyOf(rows, stored, last, spec.startKeyAttributes);
  const cursor = next === undefined ? undefined : encodeCursor(spec.table, spec.index, next as StartKey, spec.reverse === true);
  const page = cursor === undefined ? { items } : { items, cursor };
  return { page, next, remaining: left, evaluated: out.ScannedCount ?? rows.length };
}

/** Index rows a look-past request reads when the caller set no `pageSize`: keys are small, so about one read unit. */
const LOOK_PAST_ROWS = 25;

/** Whether a fetched item would be returned (see `PagedReadSpec.returns`). */
function returnsOf<T>(spec: PagedReadSpec<T>): (item: Record<string, unknown>) => boolean {
  return spec.returns ?? ((item) => spec.parse(item) !== SKIP);
}

/**
 * Where a hydrated read that filled its limit resumes: `undefined` when no index row from
 * `rows[from]` on returns an item, else the key of the last row before the first that does. The
 * rows between the page's last item and `rows[from]` were fetched already and return nothing.
 *
 * The index cannot say which of its rows are another entity's, gone or expired (that is why the
 * read hydrates), so the rows after a full page are fetched until one returns an item, reading on
 * in the index when the page runs out. Without this, a page whose following rows all return
 * nothing would carry a cursor to an empty page. The rows looked past are skipped by the cursor,
 * so the next read does not fetch them again; only the first returning item is read twice.
 * Rows are fetched one, then two, four... at a time, so a long run of dropped rows takes few
 * requests and a returning row right after the page costs one item read. The index requests are
 * bounded by `requests` (what `maxPages` leaves): when it runs out, the cursor resumes where the
 * look stopped, and may lead to an empty page, as any `maxPages` page may.
 */
async function nextReturningRow<T>(
  spec: PagedReadSpec<T>,
  page: { readonly rows: readonly Record<string, unknown>[]; readonly stored: readonly Record<string, AttributeValue>[] | undefined },
  from: number,
  lastEvaluatedKey: Record<string, unknown> | undefined,
  pageSize: number | undefined,
  signal: AbortSignal | undefined,
  requests: number,
): Promise<Record<string, unknown> | undefined> {
  const returns = returnsOf(spec);
  const attrs = spec.startKeyAttributes;
  let { rows, stored } = page;
  let resume: Record<string, unknown> = keyOf(rows, stored, from - 1, attrs);
  let start = from;
  let after = lastEvaluatedKey;
  let chunk = 1;
  for (;;) {
    for (let i = start; i < rows.length; i += chunk, chunk = Math.min(chunk * 2, MAX_BATCH_GET)) {
      const end = Math.min(rows.length, i + chunk);
      const full = await spec.hydrate!(rows.slice(i, end), signal);
      for (let j = i; j < end; j++) {
        const item = full[j - i];
        if (item !== undefined && returns(item)) return resume;
        resume = keyOf(rows, stored, j, attrs);
      }
    }
    if (after === undefined) return undefined;
    resume = after;
    if (requests-- <= 0) return resume;
    const input: Record<string, unknown> = { ...spec.input, ExclusiveStartKey: after, Limit: pageSize ?? LOOK_PAST_ROWS };
    const out = await sendDocumentRequest<RawPage>(spec.client, spec.kind, spec.owner, input, signal);
    rows = exactRows(out);
    stored = out.RawItems;
    start = 0;
    after = out.LastEvaluatedKey;
  }
}

/**
 * Reads pages one request at a time (only one page is held in memory). With `limit`, stops as
 * soon as that many items were returned; with `maxPages`, after that many requests. Without
 * `pageSize`, each request's `Limit` follows `nextRequestLimit`.
 */
export async function* readPages<T>(spec: PagedReadSpec<T>, options: PagedReadOptions): AsyncGenerator<Page<T>> {
  let startKey: Record<string, unknown> | undefined = options.startKey;
  let remaining = options.limit ?? Infinity;
  let pagesLeft = options.maxPages ?? Infinity;
  let requestLimit = options.pageSize ?? limitFor(remaining);
  let evaluated = 0;
  let returned = 0;
  if (remaining <= 0) return;
  for (;;) {
    const step = await readPage(spec, { startKey, remaining, pageSize: options.pageSize, signal: options.signal, requestLimit, lookPastRequests: pagesLeft - 1 });
    yield step.page;
    if (step.next === undefined || step.remaining <= 0 || --pagesLeft <= 0) return;
    startKey = step.next;
    remaining = step.remaining;
    evaluated += step.evaluated;
    returned += step.page.items.length;
    if (options.pageSize === undefined) requestLimit = nextRequestLimit(remaining, evaluated, returned, requestLimit);
  }
}

/** `n` when it is a positive safe integer (at most `max`), else an ExpressionError naming `what` (limit, pageSize, maxPages). */
export function positiveInt(n: number, what: string, entity: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new ExpressionError(entity, '', `${what} must be a positive integer, got ${n}`);
  if (n > max) throw new ExpressionError(entity, '', `${what} must be at most ${max}, got ${n}`);
  return n;
}
