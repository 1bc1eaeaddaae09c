import { compileCondition, compileProjection, type CompileContext } from '../expressions/compile.js';
import { and, type Condition } from '../expressions/condition.js';
import type { EntityModel } from '../entity/model.js';
import type { ResolvedIndex } from '../entity/table.js';
import { checkOwners, contextFor, withPlaceholders } from '../operations/expression-input.js';
import { belongsTo, notExpired } from '../operations/write-guards.js';
import { checkIndexHolds, filterNeeds, type NeededAttribute } from './index-projection.js';
import { decodeCursor, startKeyAttributes, type StartKey } from './cursor.js';
import type { CursorBounds } from './cursor-bounds.js';
import { pagedReadOptions, readPage, readPages, SKIP, takeStartKey, type Page, type PagedReadSpec, type PagedRequestKind } from './page-reader.js';
import { boundedCount, completeCount, countRows, type CountBounds, type CountPage, type CountReads, type CountSpec } from './count-reads.js';
import { hydrator } from './hydrate.js';
import { skippingInvalid, storedItemAttributes, unreadableRows } from './invalid-items.js';
import type { UnreadableItem } from '../batch/batch-get.js';
import { ReadOptions, type ReadOptionsState } from './read-options.js';
import type { RequestOptions } from '../client/send.js';
import { storedItemDelete, type WriteRequest } from '../batch/write-request.js';
import type { BatchWriteOptions } from '../batch/batch-writer.js';
import { deletePages, type DeleteAllResult } from '../batch/delete-pages.js';

/** Options shared by entity queries and scans. */
export interface ReadState extends ReadOptionsState {
  readonly index: string;
  readonly projection: readonly string[] | undefined;
  readonly includeExpired?: boolean;
  /** The read yields the deletes of its items, not the items (`deleteAll`). */
  readonly deleting?: boolean;
}

/**
 * The part of queries and scans that is the same: filter (always including the entity
 * discriminator), projection, limit / pageSize, consistency, cursors, and the ways to consume
 * results (await one page, `for await` items, `.pages()`, `.all()`, `.count()`).
 */
export abstract class EntityReadBuilder<Result, S extends ReadState> extends ReadOptions<S> implements PromiseLike<Page<Result>>, AsyncIterable<Result> {
  protected readonly index: ResolvedIndex;

  constructor(
    /** @internal */ readonly model: EntityModel,
    protected readonly state: S,
  ) {
    super();
    this.index = model.keysOf(state.index).index;
  }

  protected get owner(): string {
    return this.model.name;
  }

  protected checkConditionOwners(condition: Condition, role: string): void {
    checkOwners(this.model, condition, role);
  }

  /**
   * Also return items whose TTL has passed but that DynamoDB has not deleted yet.
   *
   * @example await Session.scan().includeExpired().all()
   */
  includeExpired(on = true): this {
    return this.with({ includeExpired: on } as Partial<S>);
  }

  /** The operation-specific part of the input (key condition, segments, ...). */
  protected abstract baseInput(ctx: CompileContext): Record<string, unknown>;
  /** The request a page is read with. */
  protected abstract readonly kind: PagedRequestKind;

  /** A filter the key condition needs to be exact (queries of some composite sort keys). */
  protected keyFilter(): Condition | undefined {
    return undefined;
  }

  /** Whether a read of this index can filter on `attribute`: the index holds it. */
  protected canFilterOn(attribute: string): boolean {
    return this.index.projected === undefined || this.index.projected.has(this.model.storedName(attribute));
  }


  private get keyAttributes() {
    return startKeyAttributes(this.model.primary.index, this.index);
  }

  /** The key condition a query sends, which its cursors must lie in (scans read everything). */
  protected cursorBounds(): CursorBounds | undefined {
    return undefined;
  }

  /** Whether the read is descending (a reversed query). */
  protected descending(): boolean {
    return false;
  }

  protected decodeCursor(cursor: string, checkDirection = true): StartKey {
    return decodeCursor(cursor, this.model.table.name, this.index.name, this.keyAttributes, this.cursorBounds(), checkDirection ? this.descending() : undefined);
  }

  /** @internal */
  buildInput(withProjection: boolean): Record<string, unknown> {
    const m = this.model;
    const s = this.state;
    const ctx = contextFor(m);
    const input: Record<string, unknown> = { TableName: m.table.name, ...this.baseInput(ctx) };
    if (this.index.type !== 'primary') input.IndexName = this.index.name;
    // Deletes need only the keys (and what tells the entity's items apart), not the attributes read.
    this.checkIndexHolds(withProjection && s.deleting !== true);
    const hydrating = s.hydrate !== undefined;
    // A hydrated read checks ownership and TTL on the fetched items; on the index only where it
    // holds them, which spares the item reads of rows that would be dropped.
    const filters: Condition[] = [];
    const et = m.table.entityAttribute;
    if (et !== undefined && (!hydrating || this.canFilterOn(et))) filters.push(belongsTo(m));
    if (m.ttl !== undefined && s.includeExpired !== true && (!hydrating || this.canFilterOn(m.ttl)) && !this.ttlIsQueriedKey()) {
      // DynamoDB deletes expired items only eventually: hide them until it does.
      filters.push(notExpired(m, new Date())!);
    }
    const keyFilter = this.keyFilter();
    if (keyFilter !== undefined) filters.push(keyFilter);
    if (s.filter !== undefined) filters.push(s.filter);
    if (filters.length > 0) input.FilterExpression = compileCondition(and(...filters).node, ctx);
    if (withProjection && hydrating) {
      // The index read needs only the keys: the table's to fetch items, the index's for cursors.
      input.ProjectionExpression = compileProjection(this.keyAttributes.map((a) => [a.name]), ctx);
    } else if (withProjection && s.deleting === true) {
      const names = [...new Set([...m.ownershipAttributes(this.ttlIsQueriedKey()), ...this.keyAttributes.map((a) => a.name)])];
      input.ProjectionExpression = compileProjection(names.map((n) => [n]), ctx);
    } else if (withProjection && s.projection !== undefined && s.projection.length > 0) {
      // Key attributes are read too: cursors are built from them.
      const migration = [...m.migrationAttributes(), ...(m.migrations?.readsFrom(this.heldAttributes()) ?? [])];
      input.ProjectionExpression = compileProjection(m.projections.paths(s.projection, [...m.ownershipAttributes(false), ...migration, ...this.keyAttributes.map((a) => a.name)]), ctx);
    } else if (withProjection && this.index.projected !== undefined && this.index.type === 'local') {
      // An index returns only what it holds by default; a local one can fetch whole items.
      input.Select = 'ALL_ATTRIBUTES';
    }
    this.setPaging(input);
    return withPlaceholders(input, ctx);
  }

  /** What a global index that holds part of an item returns, when the items are read from it (not hydrated). */
  private heldAttributes(): ReadonlySet<string> | undefined {
    return this.index.type === 'global' && this.state.hydrate === undefined ? this.index.projected : undefined;
  }

  /** The attributes this read needs from the index: the discriminator, TTL, filter and read attributes. */
  private checkIndexHolds(withProjection: boolean): void {
    if (this.index.projected === undefined) return;
    const m = this.model;
    const s = this.state;
    if (s.hydrate !== undefined) {
      // Ownership, TTL and the result come from the item reads; only the filter runs on the index.
      checkIndexHolds(m.name, this.index, filterNeeds(s.filter), true, m.storedName);
      return;
    }
    const needed: NeededAttribute[] = m.table.entityAttribute === undefined ? [] : [[m.table.entityAttribute, 'filter', 'the discriminator every entity read filters on']];
    if (m.ttl !== undefined && s.includeExpired !== true) needed.push([m.ttl, 'filter', 'the TTL that hides expired items; or use includeExpired()']);
    needed.push(...filterNeeds(s.filter));
    if (withProjection) {
      for (const a of m.migrationAttributes()) needed.push([a, 'read', 'the schema version reads migrate items from']);
      const read = s.projection !== undefined && s.projection.length > 0 ? m.projections.attributes(s.projection) : m.readableAttributes;
      for (const a of read) needed.push([a, 'read', 'read into the result']);
    }
    checkIndexHolds(m.name, this.index, needed, false, m.storedName);
  }

  /**
   * @internal the spec of a paged read over this builder's input: its rows are the parsed items, or
   * for `deleteAll` the deletes of the items by their stored keys (the items are not parsed).
   */
  readSpec(input: Record<string, unknown>): PagedReadSpec<Result> {
    const m = this.model;
    const s = this.state;
    const row: (raw: Record<string, unknown>) => Result =
      s.deleting === true ? (raw) => storedItemDelete(m.table, m, raw) as Result : (m.reader(s.projection, this.heldAttributes()) as (raw: Record<string, unknown>) => Result);
    if (s.hydrate === undefined) {
      const returned = this.ttlIsQueriedKey() ? this.liveItem() : (raw: Record<string, unknown>) => m.owns(raw);
      const parse = skippingInvalid((raw) => (returned(raw) ? row(raw) : SKIP), s.onInvalidItem);
      return { ...this.specBase(input), parse, ...unreadableRows(s.deleting === true ? undefined : s.onInvalidItem), ...(s.deleting === true ? { exactNumbers: true } : {}) };
    }
    // Deletes read the items with only their keys, discriminator and TTL: ownership and expiry are
    // known from those, also for an item holding a number JavaScript cannot read, which is deleted
    // as the read matches it. A read with onInvalidItem() reports such an item only where it would
    // have returned it (this entity's, live), as a plain read, whose filter runs on the server, does.
    const live = this.liveItem();
    const unreadable = s.deleting === true ? storedItemAttributes : unreadableRows(s.onInvalidItem).unreadable;
    const hydrate = this.itemReads(s.deleting === true ? [] : s.projection, unreadable, s.deleting === true);
    const parseLive = skippingInvalid(row, s.onInvalidItem);
    return { ...this.specBase(input), hydrate, returns: live, parse: (raw) => (live(raw) ? parseLive(raw) : SKIP) };
  }

  private specBase(input: Record<string, unknown>): Omit<PagedReadSpec<never>, 'parse'> {
    const m = this.model;
    return { client: m.table.client, table: m.table.name, index: this.index.name, reverse: this.descending(), startKeyAttributes: this.keyAttributes, kind: this.kind, owner: m.name, input };
  }

  /**
   * Whether the TTL is a key attribute of the queried index (`{ sk: '{expiresAt}' }` on an N key):
   * DynamoDB refuses a query filter on those, so such a query drops expired items as it reads them.
   */
  private ttlIsQueriedKey(): boolean {
    return this.kind === 'Query' && this.model.ttlKeyedIndexes.has(this.index.name);
  }

  /** Whether a fetched item is returned: this entity's, and not expired (unless includeExpired). */
  private liveItem(): (raw: Record<string, unknown>) => boolean {
    const m = this.model;
    if (m.ttl === undefined || this.state.includeExpired === true) return (raw) => m.owns(raw);
    return (raw) => m.owns(raw) && !m.expired(raw, new Date());
  }

  /** `exactKeys`: the items are deleted by their keys, never parsed (see `fetchLookups`). */
  private itemReads(projection: readonly string[] | undefined, unreadable?: UnreadableItem, exactKeys = false) {
    // A consistent() query of a local index wants fresh items too.
    const options = this.state.hydrate ?? {};
    return hydrator(this.model, projection, this.state.includeExpired !== true, this.state.consistent ? { ...options, consistent: true } : options, unreadable, exactKeys);
  }

  /**
   * Iterates pages; each holds at most one DynamoDB page of items.
   *
   * @example for await (const page of User.scan().pages({ abortSignal })) console.log(page.items.length)
   */
  pages(options?: RequestOptions): AsyncIterable<Page<Result>> {
    const { spec, startKey } = this.pagedRead();
    const read = pagedReadOptions(this.state, startKey, options?.abortSignal);
    return { [Symbol.asyncIterator]: () => readPages<Result>(spec, read) };
  }

  /** The read's spec, with the start key and `Limit` taken out of the input (the page reader sets them per request). */
  private pagedRead(): { spec: PagedReadSpec<Result>; startKey: StartKey | undefined } {
    const input = this.buildInput(true);
    const startKey = takeStartKey(input);
    delete input.Limit;
    return { spec: this.readSpec(input), startKey };
  }

  /**
   * Iterates items across pages, fetching each page as the loop needs it (`limit` applies).
   *
   * @example for await (const u of User.query('gsi1', User.Key('orgId').eq('acme'))) console.log(u.name)
   */
  async *[Symbol.asyncIterator](): AsyncIterator<Result> {
    for await (const page of this.pages()) yield* page.items;
  }

  /**
   * Every item, across all pages (up to `limit`).
   *
   * @example const users = await User.query('gsi1', User.Key('orgId').eq('acme')).all()
   */
  async all(options?: RequestOptions): Promise<Result[]> {
    const out: Result[] = [];
    // Page by page: an async iterator step per item costs ~1 µs of promise machinery.
    for await (const page of this.pages(options)) for (const item of page.items) out.push(item);
    return out;
  }

  /**
   * Counts every matching item across all pages (`Select: COUNT`), from the cursor when given;
   * `limit` does not cap it (it sizes pages of items: a page and the total come from one builder).
   * Rejects with ExpressionError, before any request, on a read bounded by `maxPages`: that count
   * would stop short and look complete; `countPage()` honours the bound.
   *
   * @example const n = await User.scan().filter(User.Attr('age').gte(18)).count()
   */
  async count(options?: RequestOptions): Promise<number> {
    return completeCount(this.owner, this.state.maxPages, this.counting(), options?.abortSignal);
  }

  /**
   * Counts as `all()` reads, without returning items: up to `limit` matching items, in at most
   * `maxPages` requests, from the cursor when given. `cursor` is there when the count stopped at
   * one of those bounds before the read's end, and resumes it (`startAfter(cursor)`); without it
   * the count is complete. `(await q.limit(n).countPage()).count === n` tells whether at least `n`
   * items match, reading no further than the `n`th.
   *
   * @example const { count, cursor } = await Order.query('primary', Order.Key('userId').eq('u1')).maxPages(5).countPage()
   */
  async countPage(options?: RequestOptions): Promise<CountPage> {
    return boundedCount(this.state, this.counting(), options?.abortSignal);
  }

  /** How this read counts (see `CountReads`). */
  private counting(): CountReads {
    return { rowsOnly: this.countsFetched(), countRead: () => this.countRead(), countRows: (bounds, signal) => this.countRows(bounds, signal) };
  }

  /**
   * Whether a count counts fetched items, where DynamoDB's `Count` would also count others: a
   * hydrated index holds other entities' entries and gone or expired items, and a query keyed on
   * the TTL cannot filter expired ones.
   */
  private countsFetched(): boolean {
    return this.state.hydrate !== undefined || (this.ttlIsQueriedKey() && this.state.includeExpired !== true);
  }

  /** The `Select: COUNT` read of this builder (no projection), and its start key. */
  private countRead(): { spec: CountSpec; startKey: StartKey | undefined } {
    const input = this.buildInput(false);
    const startKey = takeStartKey(input);
    if (this.state.pageSize === undefined) delete input.Limit;
    return { spec: this.specBase(input), startKey };
  }

  /**
   * Counts the rows the read returns, within `bounds` (`limit`, `maxPages`): it reads keys and what
   * tells the entity's live items apart (as `deleteAll` does), and for a hydrated read fetches the
   * items with only those (see `countsFetched`). Unreadable items are counted: a count counts what
   * is stored, and reports nothing.
   */
  private async countRows(bounds: CountBounds, signal: AbortSignal | undefined): Promise<CountPage> {
    const input = this.with({ deleting: true } as Partial<S>).buildInput(true);
    const startKey = takeStartKey(input);
    delete input.Limit;
    const live = this.countsFetched() ? this.liveItem() : () => true;
    const base = this.state.hydrate === undefined ? this.specBase(input) : { ...this.specBase(input), hydrate: this.itemReads([], storedItemAttributes) };
    const counting: PagedReadSpec<true> = { ...base, parse: (raw) => (live(raw) ? true : SKIP) };
    return countRows(counting, pagedReadOptions({ pageSize: this.state.pageSize, ...bounds }, startKey, signal));
  }

  /**
   * Deletes every item this read returns (its filter, `limit`, `maxPages`, cursor and `segments()`
   * apply), by the keys it reads, with batch writes: 25 deletes per call, several calls in flight,
   * unprocessed ones resent with backoff (`options` as for `batchWriter`). Not a transaction: an
   * item changed after it was read is still deleted, one written after its page was read is not,
   * and when it throws (a `BatchWriteError` listing the deletes sent and not done, or the read's
   * error) some items are gone and the pages not read yet are untouched: running it again deletes
   * the rest.
   *
   * @example const { deleted } = await Order.query('primary', Order.Key('userId').eq('u1')).deleteAll()
   */
  async deleteAll(options: BatchWriteOptions = {}): Promise<DeleteAllResult> {
    const deletes = this.with({ deleting: true } as Partial<S>) as unknown as EntityReadBuilder<WriteRequest, S>;
    return await deletePages(this.model.table.client, deletes.pages({ abortSignal: options.abortSignal }), options);
  }

  /**
   * One page: up to `limit` items (reading as many DynamoDB pages as needed), or one DynamoDB page.
   *
   * @example const page = await User.query('gsi1', User.Key('orgId').eq('acme')).limit(50).send({ abortSignal })
   */
  async send(options?: RequestOptions): Promise<Page<Result>> {
    if (this.state.limit === undefined) {
      // One request, without an async generator's machinery (~2% of a 10-item query's whole call).
      const { spec, startKey } = this.pagedRead();
      return (await readPage(spec, { startKey, remaining: Infinity, pageSize: this.state.pageSize, signal: options?.abortSignal })).page;
    }
    const items: Result[] = [];
    let cursor: string | undefined;
    for await (const page of this.pages(options)) {
      for (const item of page.items) items.push(item);
      cursor = page.cursor;
    }
    return cursor === undefined ? { items } : { items, cursor };
  }

  /**
   * Makes the read awaitable: `await` sends it (as `send()`): one page, or up to `limit` items.
   *
   * @example const { items, cursor } = await User.query('gsi1', User.Key('orgId').eq('acme')).limit(50)
   */
  then<A = Page<Result>, B = never>(
    onfulfilled?: ((value: Page<Result>) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.send().then(onfulfilled, onrejected);
  }
}
