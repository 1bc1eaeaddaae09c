/**
 * The table-level form of `hydrate()`: a table-level query or scan of a `KEYS_ONLY` or `INCLUDE`
 * index reads the index for keys, then each row's item from the table, parsed by the entity its
 * discriminator names. The item reads are entity `hydrate()`'s (`itemReads`); what differs is
 * what is kept: every fetched item (registered entities parsed, others raw in `unknown`), and only
 * rows whose item is gone are dropped, as a table-level read of whole items returns them.
 */
import type { Table } from '../entity/table.js';
import { tableContextFor } from '../operations/expression-input.js';
import { ownerByDiscriminator } from '../client/send-document-request.js';
import { itemReads, type HydrateOptions, type Hydrator } from './hydrate.js';
import type { UnreadableItem } from '../batch/batch-get.js';

/** What a table-level hydrated read adds to its paged-read spec. */
export interface TableHydration {
  readonly hydrate: Hydrator;
  /** Every fetched item is returned (parsed or in `unknown`): only gone rows return nothing. */
  readonly returns: (item: Record<string, unknown>) => boolean;
}

/**
 * The item reads of a table-level hydrated read: whole items, or with `projection`, those
 * attributes plus the discriminator (to pick the entity that parses each item), the schema version
 * attributes of entities with `migrations`, and the table keys.
 * `consistent` (a `consistent()` read of a local index) makes them strongly consistent too.
 * `unreadable` (`onInvalidItem()`) stands in for an item holding a number JavaScript cannot read.
 */
export function tableHydration(
  table: Table,
  entityAttribute: string,
  projection: readonly string[] | undefined,
  options: HydrateOptions,
  consistent: boolean,
  unreadable?: UnreadableItem,
  /** The items are deleted by their keys (`deleteAll`), never parsed: see `fetchLookups`. */
  exactKeys = false,
): TableHydration {
  // The schema versions too (migrations): table items always hold them, so every entity's is read,
  // with what its steps read.
  const versions = projection === undefined ? [] : [...table.entities.values()].flatMap((m) => [...m.migrationAttributes(), ...(m.migrations?.readsFrom(undefined).map(m.storedName) ?? [])]);
  const attributes = projection === undefined ? undefined : [...new Set([...projection, entityAttribute, ...versions])].map((n) => [n]);
  return {
    hydrate: itemReads(table, tableContextFor(table), attributes, consistent ? { ...options, consistent: true } : options, ownerByDiscriminator(entityAttribute, table.name), unreadable, exactKeys),
    // A row standing for an unreadable item too: the page after reports it, as an item that does not parse.
    returns: () => true,
  };
}
