import type { EntityModel } from '../entity/model.js';
import type { ResolvedIndex, Table } from '../entity/table.js';
import { compileProjection, type CompileContext } from '../expressions/compile.js';
import { contextFor } from '../operations/expression-input.js';
import { fetchLookups, lookupId, type KeyLookup, type UnreadableItem } from '../batch/batch-get.js';
import { resolveBackoff, resolveConcurrency, type BackoffOptions } from '../batch/backoff.js';
import { itemId } from '../batch/write-request.js';
import { ExpressionError } from '../errors.js';
import type { DocPath } from '../expressions/ast.js';
import { uniquePaths } from '../expressions/document-path.js';
import { ownerByDiscriminator, type ItemOwner } from '../client/send-document-request.js';

/**
 * How a hydrated read fetches its items: `hydrate({ consistent, concurrency, maxAttempts, ... })`.
 * The retry settings are `batchGet`'s: when a key is still unprocessed after them, the read fails
 * with a `BatchGetError`.
 */
export interface HydrateOptions extends BackoffOptions {
  /**
   * Strongly consistent BatchGetItem reads (twice the read units). The index read stays eventually
   * consistent (global indexes have no other kind); this only makes each item as fresh as the table.
   */
  readonly consistent?: boolean;
  /** BatchGetItem calls in flight at once for one index page. Default 4. */
  readonly concurrency?: number;
}

/** The options, checked when `hydrate()` is called rather than at the first read. */
export function checkHydrateOptions(options: HydrateOptions): HydrateOptions {
  resolveBackoff(options);
  resolveConcurrency(options.concurrency);
  return { ...options };
}

/** Index rows to the table's items, in the rows' order; `undefined` where the item is gone. */
export type Hydrator = (rows: readonly Record<string, unknown>[], signal: AbortSignal | undefined) => Promise<(Record<string, unknown> | undefined)[]>;

/**
 * Fails when hydrating `index` would change nothing: the table itself and `ALL` indexes hold whole
 * items already, so a hydrated read would only add a second read of every item.
 */
export function checkHydratable(entity: string, index: ResolvedIndex): void {
  if (index.projected !== undefined) return;
  const what = index.type === 'primary' ? 'the table holds whole items' : `${index.type} index ${index.name} already holds whole items (projection ALL)`;
  throw new ExpressionError(entity, '', `hydrate() reads items from the table after an index read, but ${what}; drop hydrate()`);
}

/**
 * The item reads of a hydrated query or scan: a BatchGetItem of the index rows' table keys (chunks
 * of 100, UnprocessedKeys resent with backoff, as `batchGet`). With `projection`, only those
 * attributes are read, plus the discriminator and TTL (to drop items that are not this entity's
 * or have expired) and the table keys (to match items to rows); `[]` reads only those. With
 * `unreadable` (`onInvalidItem()`), an item of this entity holding a number JavaScript cannot read
 * becomes its row; another entity's is dropped, as its readable items are.
 */
export function hydrator(model: EntityModel, projection: readonly string[] | undefined, withTtl: boolean, options: HydrateOptions, unreadable?: UnreadableItem, exactKeys = false): Hydrator {
  const extra = [...model.ownershipAttributes(withTtl), ...model.migrationAttributes(), ...(model.migrations?.readsFrom(undefined) ?? [])];
  // A KEYS_ONLY index cannot tell whose items its rows are: an unreadable one is named by its own discriminator.
  const et = model.table.entityAttribute;
  const owner = et === undefined ? model.name : ownerByDiscriminator(et, model.name);
  const ownUnreadable: UnreadableItem | undefined = unreadable && ((error) => (error.entity === model.name ? unreadable(error) : undefined));
  return itemReads(model.table, contextFor(model), projection === undefined ? undefined : model.projections.paths(projection, extra), options, owner, ownUnreadable, exactKeys);
}

/**
 * Reads the table items of index rows by their primary keys: whole items, or only `attributes`
 * (and the table keys, which match items to rows), whose names `ctx` places; `owner` names an item
 * that cannot be read, and `unreadable` what stands for it (without it, it rejects the read).
 * Shared by entity and table-level hydrated reads.
 */
export function itemReads(table: Table, ctx: CompileContext, attributes: readonly DocPath[] | undefined, options: HydrateOptions, owner: ItemOwner, unreadable?: UnreadableItem, exactKeys = false): Hydrator {
  const name = table.name;
  const keyNames = table.primaryKeyNames;
  const entry: KeyLookup['entry'] = {};
  if (options.consistent === true) entry.ConsistentRead = true;
  if (attributes !== undefined) {
    entry.ProjectionExpression = compileProjection(uniquePaths([...attributes, ...keyNames.map((n) => [n])]), ctx);
    entry.ExpressionAttributeNames = ctx.ph.names;
  }
  const group = `${name}\u0000${JSON.stringify(entry)}`;
  return async (rows, signal) => {
    if (rows.length === 0) return [];
    const lookups = rows.map((row): KeyLookup => {
      const key: Record<string, unknown> = {};
      for (const n of keyNames) key[n] = row[n];
      return { table: name, keyNames, id: itemId(name, key, keyNames), key, group, entry, owner };
    });
    const found = await fetchLookups(table.client, lookups, signal === undefined ? options : { ...options, abortSignal: signal }, unreadable, exactKeys);
    return lookups.map((l) => found.get(lookupId(l)));
  };
}
