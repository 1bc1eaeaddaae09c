import type { Condition } from '../expressions/condition.js';
import { requireCondition } from '../expressions/condition-input.js';
import type { ResolvedIndex } from '../entity/table.js';
import { ExpressionError, type ItemParseError } from '../errors.js';
import type { StartKey } from './cursor.js';
import { checkHydratable, checkHydrateOptions, type HydrateOptions } from './hydrate.js';
import { limitFor, MAX_PAGE_SIZE, positiveInt } from './page-reader.js';

/** The state of the options every query and scan takes, an entity's or a table's. */
export interface ReadOptionsState {
  readonly filter: Condition | undefined;
  readonly limit: number | undefined;
  readonly pageSize: number | undefined;
  /** Requests one read sends at most. */
  readonly maxPages?: number;
  readonly consistent: boolean;
  readonly cursor: string | undefined;
  /** Set by `hydrate()`: read the index's keys, then the items from the table. */
  readonly hydrate?: HydrateOptions;
  /** Set by `onInvalidItem()`: items the schema rejects go to it instead of failing the read. */
  readonly onInvalidItem?: InvalidItemHandler;
}

/** What `onInvalidItem()` takes: called with each stored item the read skips because it does not parse. */
export type InvalidItemHandler = (error: ItemParseError) => void;

/**
 * The options entity reads (`User.query`, `User.scan`) and table reads (`AppTable.query`,
 * `AppTable.scan`) share, written once: each read says who owns it (for messages and for the
 * conditions it takes), which index it reads, how it copies itself and how it decodes a cursor.
 */
export abstract class ReadOptions<S extends ReadOptionsState> {
  protected abstract readonly state: S;
  /** The index read. */
  protected abstract readonly index: ResolvedIndex;
  /** How errors name the read's owner: the entity's name, or `table App`. */
  protected abstract get owner(): string;
  /** The same read with `patch` applied to its state. */
  protected abstract with(patch: Partial<S>): this;
  /** Refuses a condition built for another entity or table. */
  protected abstract checkConditionOwners(condition: Condition, role: string): void;
  /** The start key a cursor marks; `checkDirection` false leaves its direction to be checked when the read is built. */
  protected abstract decodeCursor(cursor: string, checkDirection?: boolean): StartKey;

  /**
   * Filters items after they are read (DynamoDB's FilterExpression); several calls are ANDed.
   *
   * @example User.query('gsi1', User.Key('orgId').eq('acme')).filter(User.Attr('age').between(18, 65))
   * @example AppTable.query(AppTable.Key('pk').eq('ORG#acme')).filter(AppTable.Attr('_et').eq('User'))
   */
  filter(condition: Condition): this {
    requireCondition(this.owner, condition, 'filter()');
    this.checkConditionOwners(condition, 'the filter');
    return this.with({ filter: this.state.filter === undefined ? condition : this.state.filter.and(condition) } as Partial<S>);
  }

  /**
   * The number of items returned in total, across DynamoDB pages (counted after the filter; for a
   * table read, parsed and unknown items together). A positive integer (ExpressionError
   * otherwise); awaiting then reads as many DynamoDB pages as needed.
   *
   * @example await User.query('gsi1', User.Key('orgId').eq('acme')).limit(50) // { items, cursor? }
   */
  limit(n: number): this {
    return this.with({ limit: positiveInt(n, 'limit', this.owner) } as Partial<S>);
  }

  /**
   * DynamoDB's `Limit`: items evaluated per request, before the filter.
   *
   * @example User.scan().pageSize(100)
   */
  pageSize(n: number): this {
    return this.with({ pageSize: positiveInt(n, 'pageSize', this.owner, MAX_PAGE_SIZE) } as Partial<S>);
  }

  /**
   * At most `n` DynamoDB requests per read (await, `all()`, iteration, `pages()`), whatever
   * `limit` still owes: a bound on the capacity and time one call spends when a selective filter
   * leaves most items behind. Where it stops, the last page's `cursor` resumes the read; `limit`
   * may then not be reached. `countPage()` honours it too; `count()` refuses it (a count stopped
   * short would look complete).
   *
   * @example const page = await User.query('gsi1', User.Key('orgId').eq('acme')).filter(User.Attr('age').gte(90)).limit(20).maxPages(3)
   */
  maxPages(n: number): this {
    return this.with({ maxPages: positiveInt(n, 'maxPages', this.owner) } as Partial<S>);
  }

  /**
   * Strongly consistent reads (table and local indexes only); ExpressionError on a global index.
   *
   * @example await User.query('primary', User.Key('userId').eq('u1')).consistent()
   */
  consistent(on = true): this {
    if (on && this.index.type === 'global') {
      throw new ExpressionError(this.owner, '', `consistent reads are not supported on global secondary index ${this.index.name}`);
    }
    return this.with({ consistent: on } as Partial<S>);
  }

  /**
   * Reads a `KEYS_ONLY` or `INCLUDE` index for its keys only, then fetches the whole items from
   * the table (BatchGetItem: chunks of 100, unprocessed keys resent with backoff, `BatchGetError`
   * when the retry settings run out), keeping the index's order. Rows whose item was deleted since
   * the index read are dropped (an entity read also drops other entities' and expired items);
   * `limit` counts the items returned and reads on past dropped ones. Cursors are the index's.
   * `.filter(...)` runs on the index, so it may use only attributes the index holds; `.project(...)`
   * applies to the item reads. `build()` returns the index Query (or Scan) input. Costs one index
   * read plus one item read per entry (BatchGetItem charges each item separately);
   * `{ consistent: true }` makes the item reads strongly consistent (the index read never is). An
   * ExpressionError on the table or an index that holds whole items.
   *
   * @example const page = await Doc.query('byTeam', Doc.Key('team').eq('t')).hydrate().limit(20) // byTeam: KEYS_ONLY
   * @example const { items } = await AppTable.query('gsi1', AppTable.Key('gsi1pk').eq('ORG#acme')).hydrate().all() // gsi1: KEYS_ONLY
   */
  hydrate(options: HydrateOptions = {}): this {
    checkHydratable(this.owner, this.index);
    return this.with({ hydrate: checkHydrateOptions(options) } as Partial<S>);
  }

  /**
   * Keeps reading past stored items that do not match their entity's schema (written by an older
   * version, another tool or by hand), or hold a number JavaScript cannot read (outside hydrated
   * reads): such an item is left out of the results and `handler` gets its `ItemParseError` (`raw`,
   * `entity`, `issues`), once per read that reaches it. Without it, the
   * first such item rejects the read. When `handler` throws, the read rejects with that exception.
   * `limit` counts the items returned, so a page may hold fewer rows than DynamoDB read (as with a
   * filter); a cursor resumes after the last item returned and never skips a valid one. `count()`
   * counts stored items and parses none.
   *
   * @example const { items } = await User.scan().onInvalidItem((e) => log.warn(e.entity, e.issues, e.raw)).all()
   */
  onInvalidItem(handler: InvalidItemHandler): this {
    if (typeof handler !== 'function') throw new ExpressionError(this.owner, '', 'onInvalidItem() takes a function that receives each ItemParseError');
    return this.with({ onInvalidItem: handler } as Partial<S>);
  }

  /**
   * Resumes after the position a previous page's `cursor` marks. A malformed cursor, or one of
   * another table, index or key condition, throws InvalidCursorError here; one of a read in the
   * other direction (`reverse()`), when the read is built or sent. `undefined` starts at the beginning.
   *
   * @example const next = await User.query('gsi1', User.Key('orgId').eq('acme')).limit(50).startAfter(page.cursor)
   */
  startAfter(cursor: string | undefined): this {
    // The direction is checked when the read is built: reverse() may still follow.
    if (cursor !== undefined) this.decodeCursor(cursor, false);
    return this.with({ cursor } as Partial<S>);
  }

  /** Sets the request options of the first page that come from these options: consistency, `Limit`, the start key. */
  protected setPaging(input: Record<string, unknown>): void {
    const s = this.state;
    if (s.consistent) input.ConsistentRead = true;
    if (s.pageSize !== undefined) input.Limit = s.pageSize;
    else if (s.limit !== undefined) input.Limit = limitFor(s.limit);
    if (s.cursor !== undefined) input.ExclusiveStartKey = this.decodeCursor(s.cursor);
  }
}
