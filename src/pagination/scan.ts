import type { ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import type { CompileContext } from '../expressions/compile.js';
import { EntityReadBuilder, type ReadState } from './read-builder.js';
import type { AttrPath } from '../entity/paths.js';
import type { Projected } from '../entity/projection-types.js';
import type { Page } from './page-reader.js';
import type { CountPage } from './count-reads.js';
import type { RequestOptions } from '../client/send.js';
import { checkSegmentedRead, scanSegments, segmentedCountPage, segmentedPages, unboundedSegmentedSend, type ScanSegments } from './parallel-scan.js';

interface ScanState extends ReadState {
  /** A parallel scan (`segments()`): its total and concurrency, checked once. */
  readonly segments: ScanSegments | undefined;
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
   * Reads only these attributes, or document paths (`'address.city'`, `'lines[0].sku'`): a `Pick`
   * for top-level attributes, the item cut down to the paths (`Projected`) for paths, as `get().project()`.
   *
   * @example await User.scan().project('userId', 'email').all()
   */
  project<const A extends keyof Result & string>(...attributes: [A, ...A[]]): ScanBuilder<Pick<Result, A>>;
  project<const P extends AttrPath<Result>>(...paths: [P, ...P[]]): ScanBuilder<Projected<Result, P>>;
  project(...paths: [string, ...string[]]): ScanBuilder<unknown> {
    return new ScanBuilder<unknown>(this.model, { ...this.state, projection: this.model.projections.check(paths) });
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
    return this.with({ segments: scanSegments(this.model.name, total, options.concurrency) });
  }

  /**
   * The `ScanCommandInput` of the first request (segment 0 when segmented); for a `hydrate()`d
   * scan, the index read (keys only).
   *
   * @example User.scan().segments(4).build() // { ..., Segment: 0, TotalSegments: 4 }
   */
  build(): ScanCommandInput {
    const input = this.buildInput(true);
    if (this.state.segments !== undefined) Object.assign(input, { Segment: 0, TotalSegments: this.state.segments.total });
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
    if (this.state.segments !== undefined && this.state.limit === undefined) throw unboundedSegmentedSend(this.model.name);
    return super.send(options);
  }

  /**
   * Counts as `all()` reads (see the base class); refused on a segmented scan, which has no cursor
   * to resume a bounded count with.
   *
   * @example const { count, cursor } = await User.scan().maxPages(3).countPage()
   */
  override async countPage(options?: RequestOptions): Promise<CountPage> {
    if (this.state.segments !== undefined) throw segmentedCountPage(this.model.name);
    return super.countPage(options);
  }

  /**
   * Iterates pages; with `segments()`, the pages of all segments as they arrive, without cursors.
   * A cursor given to `startAfter()` cannot resume a segmented scan: this then throws ExpressionError.
   *
   * @example for await (const page of User.scan().segments(4).pages()) console.log(page.items.length)
   */
  override pages(options?: RequestOptions): AsyncIterable<Page<Result>> {
    const segments = this.state.segments;
    if (segments === undefined) return super.pages(options);
    checkSegmentedRead(this.model.name, this.state);
    const input = this.buildInput(true);
    delete input.Limit;
    const spec = (segment: number) => this.readSpec({ ...input, Segment: segment, TotalSegments: segments.total });
    return segmentedPages(spec, segments, this.state, options?.abortSignal);
  }
}
