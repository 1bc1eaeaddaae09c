import type { QueryCommandInput, ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Condition } from '../expressions/condition.js';
import { checkTableOwners, tableContextFor, withPlaceholders } from '../operations/expression-input.js';
import type { ResolvedIndex, Table } from '../entity/table.js';
import { ExpressionError } from '../errors.js';
import type { AnyEntity } from '../entity/entity.js';
import type { CollectionItem, TablePage, TableReadItem } from './table-read-types.js';
import { decodeCursor, startKeyAttributes, type StartKey } from './cursor.js';
import type { CursorBounds } from './cursor-bounds.js';
import { pagedReadOptions, readPages, takeStartKey, type Page, type PagedReadSpec } from './page-reader.js';
import { boundedCount, completeCount, countRows, type CountBounds, type CountPage, type CountReads, type CountSpec } from './count-reads.js';
import { indexHoldsEt, tableReadInput, type TableReadState } from './table-read-input.js';
import { checkSegmentedRead, scanSegments, segmentedCountPage, segmentedPages, unboundedSegmentedSend } from './parallel-scan.js';
import type { WriteRequest } from '../batch/write-request.js';
import type { BatchWriteOptions } from '../batch/batch-writer.js';
import { deletePages, type DeleteAllResult } from '../batch/delete-pages.js';
import { ReadOptions } from './read-options.js';
import type { RequestOptions } from '../client/send.js';
import { checkKeyCondition } from './table-key-terms.js';
import { ownerByDiscriminator } from '../client/send-document-request.js';
import { tableHydration } from './table-hydrate.js';
import { TableRows, type Row } from './table-rows.js';
import { skippingInvalid, storedItemAttributes, unreadableRows } from './invalid-items.js';
import { entityFilter, refuseEntityCondition } from './entity-filter.js';

/**
 * Table-level query or scan over physical attributes (single-table collections). Each item is
 * parsed by the schema of the entity its discriminator names and tagged with that
 * discriminator; items of no registered entity go to `unknown`, never a crash.
 *
 * @example const { items } = await AppTable.query(AppTable.Key('pk').eq('USER#u1')).all()
 */
export class TableReadBuilder<T, Et extends string = '_et', P extends string = string>
  extends ReadOptions<TableReadState>
  implements PromiseLike<TablePage<TableReadItem<T, Et, P>>>
{
  /** The discriminator attribute, which picks the entity that parses each item. */
  private readonly et: string;
  protected readonly index: ResolvedIndex;

  constructor(
    private readonly table: Table,
    protected readonly state: TableReadState,
  ) {
    super();
    this.index = state.index;
    if (table.entityAttribute === undefined) {
      const [entity] = table.entities.keys();
      throw new ExpressionError(
        `table ${table.name}`,
        '',
        `table-level reads pick each item's entity by its discriminator, and this table has none (entityAttribute: false): query or scan its entity${entity === undefined ? '' : ` (${entity}.query, ${entity}.scan)`}`,
      );
    }
    this.et = table.entityAttribute;
    if (state.kind === 'query') checkKeyCondition(`table ${table.name}`, state.index, state.key!);
  }

  protected with(patch: Partial<TableReadState>): this {
    return new TableReadBuilder<T, Et, P>(this.table, { ...this.state, ...patch }) as this;
  }

  protected get owner(): string {
    return `table ${this.table.name}`;
  }

  protected checkConditionOwners(condition: Condition, role: string): void {
    refuseEntityCondition(this.table, this.owner, condition, role);
    checkTableOwners(this.table, condition, role);
  }

  /**
   * Filters items after they are read (DynamoDB's FilterExpression); several calls are ANDed.
   * `filter(condition)` takes the table's `Attr`/`Key` (stored names) and applies to every item.
   * `filter(Entity, condition)` takes that entity's `Attr` condition and applies to its items only:
   * items of other entities (and items without a discriminator) pass it. It compiles to
   * `(#_et <> :Entity OR <condition on the entity's stored names>)`. ExpressionError for an entity
   * of another table, or a condition another entity built.
   *
   * @example AppTable.query(AppTable.Key('pk').eq('ORG#acme')).filter(User, User.Attr('age').gt(18)) // users over 18, and every other item
   */
  override filter(condition: Condition): this;
  override filter(entity: AnyEntity, condition: Condition): this;
  override filter(...args: [Condition] | [AnyEntity, Condition]): this {
    if (args.length !== 2) return super.filter(args[0]);
    const scoped = entityFilter(this.table, this.owner, args[0], args[1]);
    return this.with({ filter: this.state.filter === undefined ? scoped : this.state.filter.and(scoped) });
  }

  /**
   * Narrows the result to these entities: the item type becomes their discriminated union
   * (`item._et === 'User'` narrows), and items of other entities go to `unknown`.
   *
   * @example const { items } = await AppTable.query(AppTable.Key('pk').eq('USER#u1')).entities(User, Order).all()
   */
  entities<E extends AnyEntity[]>(...entities: E): TableReadBuilder<CollectionItem<E[number], Et>, Et, P> {
    // Items are matched by discriminator value alone: an entity of another table would type the
    // items of this table's entity of the same name, or silently match nothing.
    for (const e of entities) {
      if (e.model.table !== this.table) {
        throw new ExpressionError(this.owner, '', `entities(): ${e.name} is defined on table ${e.model.table.name}, not on this one`);
      }
    }
    return new TableReadBuilder(this.table, { ...this.state, entities: new Set(entities.map((e) => e.name)) });
  }

  /**
   * Reads only these physical attributes (the discriminator and keys are always read); each item
   * keeps the named attributes that belong to its entity (schema fields, timestamps, version).
   *
   * @example const { items } = await AppTable.query(AppTable.Key('pk').eq('ORG#acme')).entities(User).project('name').all() // { _et, name }[]
   */
  project<A extends string>(...attributes: [A, ...A[]]): TableReadBuilder<T, Et, A> {
    // With no attribute, whole items would be read and each reduced to its discriminator.
    if (attributes.length === 0) throw new ExpressionError(this.owner, '', 'project() needs at least one attribute');
    // Items are parsed per entity from whole top-level attributes: a path would be projected as an
    // attribute of that literal name (Attr() reads dots as nesting), which no item has.
    const path = attributes.find((a) => /[.[\]]/.test(a));
    if (path !== undefined) {
      throw new ExpressionError(this.owner, path, `project() names top-level attributes; "${path}" is a path: project its top-level attribute (e.g. "${path.split(/[.[]/)[0]}")`);
    }
    return new TableReadBuilder<T, Et, A>(this.table, { ...this.state, projection: [...new Set(attributes)] });
  }

  /**
   * Descending sort-key order (queries only); on a scan it throws ExpressionError.
   * @example await AppTable.query(AppTable.Key('pk').eq('USER#u1')).reverse().limit(10)
   */
  reverse(on = true): this {
    // A scan reads in no key order (DynamoDB has no ScanIndexForward for it): ignoring the call
    // would hand back items in an order the caller did not ask for.
    if (on && this.state.kind === 'scan') {
      throw new ExpressionError(this.owner, '', `reverse() applies to queries only: a scan of ${this.state.index.name} reads in no key order`);
    }
    return this.with({ reverse: on });
  }

  /**
   * Parallel scan (scans only) over `total` segments, at most `concurrency` (default: all) in
   * flight: pages arrive as the segments produce them, every item once, without cursors; `limit`
   * applies to the merged stream, `maxPages` and cursors do not, and `count()` reads sequentially.
   * ExpressionError on a query, for a total outside 1 to 1,000,000 (DynamoDB's TotalSegments limit)
   * or a concurrency that is not a positive integer.
   *
   * @example for await (const { items, unknown } of AppTable.scan().segments(8, { concurrency: 4 }).pages()) console.log(items.length, unknown.length)
   */
  segments(total: number, options: { concurrency?: number } = {}): this {
    // A query reads one partition in key order; DynamoDB takes Segment on scans only.
    if (this.state.kind !== 'scan') throw new ExpressionError(this.owner, '', 'segments() applies to scans only');
    return this.with({ segments: scanSegments(this.owner, total, options.concurrency) });
  }

  private get keyAttributes() {
    return startKeyAttributes(this.table.indexes.get('primary')!, this.state.index);
  }

  /** For a query, its key condition, which its cursors must lie in (a scan reads everything). */
  private bounds(): CursorBounds | undefined {
    const key = this.state.key;
    if (this.state.kind !== 'query' || key === undefined) return undefined;
    return { keyCondition: key.node, partitionKey: this.state.index.partitionKey.name };
  }

  protected decodeCursor(cursor: string, checkDirection = true): StartKey {
    return decodeCursor(cursor, this.table.name, this.state.index.name, this.keyAttributes, this.bounds(), checkDirection ? this.state.reverse : undefined);
  }

  /**
   * The command input of the first request.
   * @example AppTable.query('gsi1', AppTable.Key('gsi1pk').eq('ORG#acme')).build() // QueryCommandInput | ScanCommandInput; here a Query, IndexName 'gsi1'
   */
  build(): QueryCommandInput | ScanCommandInput {
    const input = this.compile(false);
    const segments = this.state.segments;
    return segments === undefined ? input : { ...input, Segment: 0, TotalSegments: segments.total };
  }

  /** `build()`; `counting`: for `count()`, whose items are never parsed, so not checked for being whole. */
  private compile(counting: boolean): QueryCommandInput | ScanCommandInput {
    const ctx = tableContextFor(this.table);
    const input = tableReadInput(this.table, this.et, this.state, this.keyAttributes, counting, ctx);
    this.setPaging(input);
    return withPlaceholders(input, ctx) as QueryCommandInput | ScanCommandInput;
  }

  /** This read's items as its entities read them, made on first use (the readers are cached per entity). */
  private rowsCache: TableRows<TableReadItem<T, Et, P>> | undefined;
  private get rows(): TableRows<TableReadItem<T, Et, P>> {
    const s = this.state;
    const held = s.index.type === 'global' && s.hydrate === undefined ? s.index.projected : undefined;
    return (this.rowsCache ??= new TableRows(this.table, this.et, s.projection, s.entities, held));
  }

  /**
   * Iterates pages, each with its parsed items and its unknown raw items.
   * @example for await (const { items, unknown } of AppTable.scan().pages()) console.log(items.length, unknown.length)
   */
  pages(options?: RequestOptions): AsyncIterable<TablePage<TableReadItem<T, Et, P>>> {
    const input = this.build() as Record<string, unknown>;
    const startKey = takeStartKey(input);
    delete input.Limit;
    const s = this.state;
    const unreadable = unreadableRows(s.onInvalidItem);
    const spec = {
      ...this.requestSpec(input),
      parse: skippingInvalid((raw: Record<string, unknown>) => this.rows.row(raw), s.onInvalidItem),
      ...unreadable,
      ...(s.hydrate === undefined ? {} : tableHydration(this.table, this.et, s.projection, s.hydrate, s.consistent, unreadable.unreadable)),
    };
    const rows = this.rowPages<Row<TableReadItem<T, Et, P>>>(spec, startKey, options?.abortSignal);
    return {
      [Symbol.asyncIterator]: async function* () {
        for await (const page of rows) {
          const items: TableReadItem<T, Et, P>[] = [];
          const unknown: Record<string, unknown>[] = [];
          for (const row of page.items) {
            if (row.ok) items.push(row.item);
            else unknown.push(row.raw);
          }
          yield page.cursor === undefined ? { items, unknown } : { items, unknown, cursor: page.cursor };
        }
      },
    };
  }

  /**
   * Counts the items the read matches across all pages, after the filter (`Select: COUNT`): what
   * `items` and `unknown` hold together, as stored. `limit` and `project()` do not apply (a page
   * and the total come from one builder); a hydrated read counts the items it fetches (not index
   * entries whose item is gone), reading only their keys and discriminator. Rejects with
   * ExpressionError, before any request, on a read bounded by `maxPages` (that count would stop
   * short and look complete): `countPage()` honours it.
   *
   * @example const n = await AppTable.query(AppTable.Key('pk').eq('USER#u1')).count()
   */
  async count(options?: RequestOptions): Promise<number> {
    return completeCount(this.owner, this.state.maxPages, this.counting(), options?.abortSignal);
  }

  /**
   * Counts as `all()` reads, without parsing items (items and `unknown` together, as `count()`):
   * up to `limit`, in at most `maxPages` requests, from the cursor when given; `cursor` is there
   * when the count stopped at one of those bounds before the read's end, and resumes it. Refused
   * on a segmented scan (no cursors).
   *
   * @example const { count, cursor } = await AppTable.query(AppTable.Key('pk').eq('ORG#acme')).limit(100).countPage() // count === 100: at least 100
   */
  async countPage(options?: RequestOptions): Promise<CountPage> {
    if (this.state.segments !== undefined) throw segmentedCountPage(this.owner);
    return boundedCount(this.state, this.counting(), options?.abortSignal);
  }

  /** How this read counts (see `CountReads`). */
  private counting(): CountReads {
    // A hydrated read returns the fetched items: its index's `Count` would count the entries whose item is gone.
    return { rowsOnly: this.state.hydrate !== undefined, countRead: () => this.countRead(), countRows: (bounds, signal) => this.countRows(bounds, signal) };
  }

  /** The `Select: COUNT` read of this builder (no projection, the index's entries), and its start key. */
  private countRead(): { spec: CountSpec; startKey: StartKey | undefined } {
    const input = this.with({ projection: undefined, hydrate: undefined, limit: undefined }).compile(true) as Record<string, unknown>;
    const startKey = takeStartKey(input);
    if (this.state.pageSize === undefined) delete input.Limit;
    return { spec: this.requestSpec(input), startKey };
  }

  /**
   * Counts the rows the read returns within `bounds`, reading only their keys and discriminator; a
   * hydrated read fetches its items with only those (an unreadable one counts: a count counts what
   * is stored) and counts the ones found, as it would return them.
   */
  private countRows(bounds: CountBounds, signal: AbortSignal | undefined): Promise<CountPage> {
    const s = this.state;
    const input = this.with({ projection: undefined, deleting: true }).compile(true) as Record<string, unknown>;
    const startKey = takeStartKey(input);
    delete input.Limit;
    const hydration = s.hydrate === undefined ? {} : tableHydration(this.table, this.et, [], s.hydrate, s.consistent, storedItemAttributes);
    return countRows({ ...this.requestSpec(input), ...hydration, parse: () => true }, pagedReadOptions({ pageSize: s.pageSize, ...bounds }, startKey, signal));
  }

  /**
   * Deletes every item this read returns, through batch writes, as the entity reads' `deleteAll()`
   * does (its filter, `limit`, `maxPages`, cursor and `hydrate()` apply; not a transaction). With
   * `entities()`, only those entities' items; without, every item the read matches, items of no
   * registered entity included (a `BatchWriteError` lists those under `table <name>` with their
   * stored key, for `AppTable.delete(key)`).
   *
   * @example const { deleted } = await AppTable.query(AppTable.Key('pk').eq('TENANT#t1')).deleteAll() // the whole collection
   */
  async deleteAll(options: BatchWriteOptions = {}): Promise<DeleteAllResult> {
    const s = this.state;
    if (s.entities !== undefined && s.hydrate === undefined && !indexHoldsEt(s.index, this.et)) {
      // Every item would look like no entity's, and none would be deleted.
      throw new ExpressionError(this.owner, '', `deleteAll() after entities() tells items apart by ${this.et}, which index ${s.index.name} does not hold: add hydrate() to read it from the items`);
    }
    const input = this.with({ deleting: true }).compile(true) as Record<string, unknown>;
    const startKey = takeStartKey(input);
    delete input.Limit;
    const spec = {
      ...this.requestSpec(input),
      parse: (raw: Record<string, unknown>) => this.rows.deleteOf(raw),
      exactNumbers: true,
      // An item holding a number JavaScript cannot read is deleted as the read matches it, as count() counts it.
      ...(s.hydrate === undefined ? {} : tableHydration(this.table, this.et, [], s.hydrate, s.consistent, storedItemAttributes, true)),
    };
    return await deletePages(this.table.client, this.rowPages<WriteRequest>(spec, startKey, options.abortSignal), options);
  }

  /** The read's pages of rows: one read from the start key, or with `segments()` every segment's, merged. */
  private rowPages<R>(spec: PagedReadSpec<R>, startKey: StartKey | undefined, signal: AbortSignal | undefined): AsyncIterable<Page<R>> {
    const s = this.state;
    const segments = s.segments;
    if (segments === undefined) return readPages<R>(spec, pagedReadOptions(s, startKey, signal));
    checkSegmentedRead(this.owner, s);
    return segmentedPages((i) => ({ ...spec, input: { ...spec.input, Segment: i, TotalSegments: segments.total } }), segments, s, signal);
  }

  /** What every request of this read shares (`input` is the first one's), for the page reader. */
  private requestSpec(input: Record<string, unknown>) {
    const s = this.state;
    return {
      client: this.table.client,
      table: this.table.name,
      index: s.index.name,
      reverse: s.reverse,
      startKeyAttributes: this.keyAttributes,
      kind: s.kind === 'query' ? ('Query' as const) : ('Scan' as const),
      owner: ownerByDiscriminator(this.et, this.table.name),
      input,
    };
  }

  /**
   * Every page's items and unknown items, collected.
   * @example const { items, unknown } = await AppTable.query(AppTable.Key('pk').eq('USER#u1')).all()
   */
  async all(options?: RequestOptions): Promise<{ items: TableReadItem<T, Et, P>[]; unknown: Record<string, unknown>[] }> {
    const { items, unknown } = await this.collect(false, options);
    return { items, unknown };
  }

  /**
   * Iterates the parsed items across pages; unknown raw items are skipped (`pages()` shows them).
   * @example for await (const item of AppTable.query(AppTable.Key('pk').eq('USER#u1')).entities(User, Order)) console.log(item._et)
   */
  async *[Symbol.asyncIterator](): AsyncIterator<TableReadItem<T, Et, P>> {
    for await (const page of this.pages()) yield* page.items;
  }

  /**
   * One page (up to `limit` items when set, otherwise one DynamoDB page).
   * @example const page = await AppTable.query(AppTable.Key('pk').eq('ORG#acme')).limit(20).send({ abortSignal })
   */
  send(options?: RequestOptions): Promise<TablePage<TableReadItem<T, Et, P>>> {
    if (this.state.segments !== undefined && this.state.limit === undefined) return Promise.reject(unboundedSegmentedSend(this.owner));
    return this.collect(this.state.limit === undefined, options);
  }

  private async collect(firstPageOnly: boolean, options: RequestOptions | undefined): Promise<TablePage<TableReadItem<T, Et, P>>> {
    const items: TableReadItem<T, Et, P>[] = [];
    const unknown: Record<string, unknown>[] = [];
    let cursor: string | undefined;
    for await (const page of this.pages(options)) {
      // Loops, not push(...spread): a 1 MB page of tiny items can exceed the argument limit.
      for (const item of page.items) items.push(item);
      for (const raw of page.unknown) unknown.push(raw);
      cursor = page.cursor;
      if (firstPageOnly) break;
    }
    return cursor === undefined ? { items, unknown } : { items, unknown, cursor };
  }

  /**
   * Makes the read awaitable: `await` sends it (as `send()`): one page of `{ items, unknown, cursor? }`.
   * @example const { items, cursor } = await AppTable.query(AppTable.Key('pk').eq('ORG#acme')).limit(20)
   */
  then<A = TablePage<TableReadItem<T, Et, P>>, B = never>(
    onfulfilled?: ((value: TablePage<TableReadItem<T, Et, P>>) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.send().then(onfulfilled, onrejected);
  }
}
