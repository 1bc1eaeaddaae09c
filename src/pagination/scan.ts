import type { ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import type { CompileContext } from '../expressions/compile.js';
import { ExpressionError } from '../errors.js';
import { EntityReadBuilder, type ReadState } from './read-builder.js';
import { readPages, type Page, type PagedReadSpec } from './page-reader.js';
import { mergeAsync } from './merge.js';
import { SignalFanout, type RequestOptions } from '../client/send.js';

interface ScanState extends ReadState {
  readonly segments: number | undefined;
  readonly concurrency: number | undefined;
}

/**
 * `Entity.scan()`: reads every item of the entity in a table or index. `.segments(n)` runs a
 * parallel scan whose segments are merged into one async iterator (every item exactly once).
 *
 * @example for await (const u of User.scan().filter(User.Attr('age').gt(60)).segments(4)) console.log(u.name)
 */
export class ScanBuilder<Result> extends EntityReadBuilder<Result, ScanState> {
  protected with(patch: Partial<ScanState>): this {
    return new ScanBuilder<Result>(this.model, { ...this.state, ...patch }) as this;
  }

  protected baseInput(_ctx: CompileContext): Record<string, unknown> {
    return {};
  }

  protected readonly kind = 'Scan';

  /**
   * Reads only these top-level attributes; the result type becomes a `Pick`.
   *
   * @example await User.scan().project('userId', 'email').all()
   */
  project<const A extends keyof Result & string>(...attributes: [A, ...A[]]): ScanBuilder<Pick<Result, A>> {
    return new ScanBuilder<Pick<Result, A>>(this.model, { ...this.state, projection: this.model.projection(attributes) });
  }

  /**
   * Parallel scan over `total` segments, at most `concurrency` (default: all) in flight. Items
   * arrive as segments produce them; `limit` applies to the merged stream. Cursors do not apply.
   * ExpressionError for a total outside 1 to 1,000,000 (DynamoDB's TotalSegments limit) or a
   * concurrency that is not a positive integer.
   *
   * @example for await (const u of User.scan().segments(4, { concurrency: 2 })) console.log(u.userId)
   */
  segments(total: number, options: { concurrency?: number } = {}): this {
    if (!Number.isSafeInteger(total) || total < 1 || total > 1_000_000) {
      throw new ExpressionError(this.model.name, '', `segments must be an integer from 1 to 1000000, got ${total}`);
    }
    const c = options.concurrency ?? total;
    if (!Number.isSafeInteger(c) || c < 1) throw new ExpressionError(this.model.name, '', `concurrency must be a positive integer, got ${c}`);
    return this.with({ segments: total, concurrency: c });
  }

  /**
   * The `ScanCommandInput` of the first request (segment 0 when segmented); for a `hydrate()`d
   * scan, the index read (keys only).
   *
   * @example User.scan().segments(4).build() // { ..., Segment: 0, TotalSegments: 4 }
   */
  build(): ScanCommandInput {
    const input = this.buildInput(true);
    if (this.state.segments !== undefined) Object.assign(input, { Segment: 0, TotalSegments: this.state.segments });
    return input as unknown as ScanCommandInput;
  }

  /**
   * One page. A segmented scan's pages have no cursor, so it is awaited only with a `limit` (up to
   * that many items from the merged segments); without one, one page of one segment would pass
   * for the whole result.
   *
   * @example const { items } = await User.scan().segments(4).limit(100)
   */
  override async send(options?: RequestOptions): Promise<Page<Result>> {
    if (this.state.segments !== undefined && this.state.limit === undefined) {
      throw new ExpressionError(this.model.name, '', 'a segmented scan has no cursors, so awaiting it without limit() would return one page of one segment; iterate it (for await, .pages()) or call .all()');
    }
    return super.send(options);
  }

  /**
   * Iterates pages; with `segments()`, the pages of all segments as they arrive, without cursors.
   * A cursor given to `startAfter()` cannot resume a segmented scan: this then throws ExpressionError.
   *
   * @example for await (const page of User.scan().segments(4).pages()) console.log(page.items.length)
   */
  override pages(options?: RequestOptions): AsyncIterable<Page<Result>> {
    const total = this.state.segments;
    if (total === undefined) return super.pages(options);
    if (this.state.cursor !== undefined) throw new ExpressionError(this.model.name, '', 'cursors cannot resume a segmented scan');
    // Stopping after some requests is only useful with a cursor to resume from.
    if (this.state.maxPages !== undefined) throw new ExpressionError(this.model.name, '', 'maxPages() needs cursors to resume the read, and a segmented scan has none; bound it with limit()');
    const input = this.buildInput(true);
    delete input.Limit;
    const s = this.state;
    const limit = s.limit;
    const spec = (segment: number) => this.readSpec({ ...input, Segment: segment, TotalSegments: total });
    return {
      [Symbol.asyncIterator]: async function* () {
        // Every segment has a signal of its own: the caller's abort reaches them all, and so does
        // an early stop (break, limit reached, a failed segment), which must not wait for the
        // requests still in flight. Those fail with earlyStop(), which the merge settles quietly.
        const fanout = new SignalFanout(options?.abortSignal);
        const sources = Array.from({ length: total }, (_, i) => () => segmentPages(spec(i), s.pageSize, limit, fanout));
        let left = limit ?? Infinity;
        for await (const page of mergeAsync(sources, s.concurrency ?? total, () => fanout.stop(earlyStop()))) {
          const items = page.items.length > left ? page.items.slice(0, left) : page.items;
          left -= items.length;
          yield { items };
          if (left <= 0) return;
        }
      },
    };
  }
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
async function* segmentPages<Result>(
  spec: PagedReadSpec<Result>,
  pageSize: number | undefined,
  limit: number | undefined,
  fanout: SignalFanout,
): AsyncGenerator<Page<Result>> {
  const line = fanout.open();
  try {
    yield* readPages<Result>(spec, {
      ...(pageSize === undefined ? {} : { pageSize }),
      ...(limit === undefined ? {} : { limit }),
      signal: line.signal,
    });
  } finally {
    line.close();
  }
}
