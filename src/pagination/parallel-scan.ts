import { ExpressionError } from '../errors.js';
import { SignalFanout } from '../client/send.js';
import { mergeAsync } from './merge.js';
import { readPages, type Page, type PagedReadSpec } from './page-reader.js';

/** A parallel scan's settings: `TotalSegments`, and how many segments read at once. */
export interface ScanSegments {
  readonly total: number;
  readonly concurrency: number;
}

/**
 * Checks `segments(total, { concurrency })` (shared by entity and table-level scans): ExpressionError
 * for a total outside 1 to 1,000,000 (DynamoDB's TotalSegments limit) or a concurrency that is not a
 * positive integer. The concurrency defaults to every segment at once.
 */
export function scanSegments(owner: string, total: number, concurrency: number | undefined): ScanSegments {
  if (!Number.isSafeInteger(total) || total < 1 || total > 1_000_000) {
    throw new ExpressionError(owner, '', `segments must be an integer from 1 to 1000000, got ${total}`);
  }
  const c = concurrency ?? total;
  if (!Number.isSafeInteger(c) || c < 1) throw new ExpressionError(owner, '', `concurrency must be a positive integer, got ${c}`);
  return { total, concurrency: c };
}

/**
 * What a segmented scan cannot do: resume from a cursor, or stop after `maxPages` requests (which
 * is only useful with a cursor to resume from); awaited without `limit()`, one page of one segment
 * would pass for the whole result.
 */
export function checkSegmentedRead(owner: string, read: { readonly cursor?: string | undefined; readonly maxPages?: number | undefined }): void {
  if (read.cursor !== undefined) throw new ExpressionError(owner, '', 'cursors cannot resume a segmented scan');
  if (read.maxPages !== undefined) throw new ExpressionError(owner, '', 'maxPages() needs cursors to resume the read, and a segmented scan has none; bound it with limit()');
}

/** The error of `countPage()` on a segmented scan: its result resumes with a cursor, which a segmented scan has none of. */
export function segmentedCountPage(owner: string): ExpressionError {
  return new ExpressionError(owner, '', 'countPage() resumes with a cursor, and a segmented scan has none: count() counts it (reading sequentially), or countPage() the scan without segments()');
}

/** The error of awaiting (`send()`) a segmented scan without `limit()`. */
export function unboundedSegmentedSend(owner: string): ExpressionError {
  return new ExpressionError(owner, '', 'a segmented scan has no cursors, so awaiting it without limit() would return one page of one segment; iterate it (for await, .pages()) or call .all()');
}

/**
 * The pages of every segment of a parallel scan, merged as they arrive (every item exactly once,
 * no cursors). `limit` applies to the merged stream; a segment never reads more than it. `spec(i)` is
 * segment i's read.
 */
export function segmentedPages<R>(
  spec: (segment: number) => PagedReadSpec<R>,
  segments: ScanSegments,
  read: { readonly pageSize?: number | undefined; readonly limit?: number | undefined },
  signal: AbortSignal | undefined,
): AsyncIterable<Page<R>> {
  const { total, concurrency } = segments;
  const { pageSize, limit } = read;
  return {
    [Symbol.asyncIterator]: async function* () {
      // Every segment has a signal of its own: the caller's abort reaches them all, and so does
      // an early stop (break, limit reached, a failed segment), which must not wait for the
      // requests still in flight. Those fail with earlyStop(), which the merge settles quietly.
      const fanout = new SignalFanout(signal);
      const sources = Array.from({ length: total }, (_, i) => () => segmentPages(spec(i), pageSize, limit, fanout));
      let left = limit ?? Infinity;
      for await (const page of mergeAsync(sources, concurrency, () => fanout.stop(earlyStop()))) {
        const items = page.items.length > left ? page.items.slice(0, left) : page.items;
        left -= items.length;
        yield { items };
        if (left <= 0) return;
      }
    },
  };
}

/**
 * Why segment requests still in flight are aborted when the merged scan stops early; nobody sees it.
 * Made when needed: the first DOMException of a process loads Node's implementation (~0.2 ms of
 * every cold start otherwise).
 */
const earlyStop = (): DOMException => new DOMException('the parallel scan stopped early', 'AbortError');

/**
 * One segment's pages, on a signal of its own (see SignalFanout), released when the segment ends
 * or stops. A segment never owes more than the merged scan's `limit`, so it reads no more than that.
 */
async function* segmentPages<R>(spec: PagedReadSpec<R>, pageSize: number | undefined, limit: number | undefined, fanout: SignalFanout): AsyncGenerator<Page<R>> {
  const line = fanout.open();
  try {
    yield* readPages<R>(spec, {
      ...(pageSize === undefined ? {} : { pageSize }),
      ...(limit === undefined ? {} : { limit }),
      signal: line.signal,
    });
  } finally {
    line.close();
  }
}
