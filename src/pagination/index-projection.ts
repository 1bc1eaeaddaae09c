import type { ResolvedIndex } from '../entity/table.js';
import type { EntityModel } from '../entity/model.js';
import type { Condition } from '../expressions/condition.js';
import { conditionAttributes } from '../expressions/condition-attributes.js';
import { ExpressionError } from '../errors.js';

/**
 * An attribute a read needs from an index: to filter on it (`filter`) or to return it (`read`),
 * and why (for the error message).
 */
export type NeededAttribute = readonly [attribute: string, use: 'filter' | 'read', why: string];

/** The attributes a filter reads, as needs of a read. */
export function filterNeeds(filter: Condition | undefined): NeededAttribute[] {
  return filter === undefined ? [] : [...conditionAttributes(filter.node)].map((a) => [a, 'filter', 'in the filter'] as const);
}

/**
 * Fails before sending when a read of an index that does not hold whole items (KEYS_ONLY or
 * INCLUDE) needs attributes the index lacks. A filter sees only what the index holds (DynamoDB
 * rejects the query, and may quietly match nothing on a scan), and a global index cannot return
 * attributes it does not hold. A local index fetches attributes it returns from the table, so
 * only its filter attributes are checked.
 */
export function checkIndexHolds(
  entity: string,
  index: ResolvedIndex,
  needed: Iterable<NeededAttribute>,
  hydrating = false,
  storedName: (attribute: string) => string = (a) => a,
): void {
  const held = index.projected;
  if (held === undefined) return;
  const missing = new Map<string, string>();
  for (const [attribute, use, why] of needed) {
    if (held.has(storedName(attribute)) || missing.has(attribute) || (use === 'read' && index.type === 'local')) continue;
    missing.set(attribute, why);
  }
  if (missing.size === 0) return;
  const list = [...missing].map(([a, why]) => `"${a}"${storedName(a) === a ? '' : ` (stored as "${storedName(a)}")`} (${why})`).join(', ');
  const holds = [...held].map((a) => `"${a}"`).join(', ');
  if (hydrating) {
    throw new ExpressionError(
      entity,
      missing.keys().next().value ?? '',
      `${index.type} index ${index.name} holds only ${holds}, and this hydrated read filters on ${list}; a hydrated read filters on the index, ` +
        `before the items are read, so it can filter only on what the index holds. Add them to the index's projection (projection: { include: [...] }), ` +
        `or filter the returned items in code`,
    );
  }
  throw new ExpressionError(
    entity,
    missing.keys().next().value ?? '',
    `${index.type} index ${index.name} holds only ${holds}, and this read needs ${list}; filters see only what an index holds` +
      `${index.type === 'global' ? ' and a global index cannot fetch the rest from the table' : ''}. ` +
      `Add them to the index's projection (projection: { include: [...] }), project() attributes it holds, or read raw items with the table-level query`,
  );
}

/**
 * Refuses a query filter on a key attribute of the queried index: DynamoDB rejects it ("Filter
 * Expression can only contain non-primary key attributes"), after sending. A global index's query
 * may filter on the table's keys (checked on DynamoDB Local). `attributes` are the filter's
 * top-level attributes, `storedName` their names in the table (an entity's filter names model
 * attributes, which are keys only where a key is the attribute itself).
 */
export function checkFilterOffKeys(where: string, index: ResolvedIndex, attributes: Iterable<string>, storedName: (attribute: string) => string = (a) => a): void {
  let keys = keyNames.get(index);
  if (keys === undefined) keyNames.set(index, (keys = new Set([...index.partitionKeys, ...index.sortKeys].map((k) => k.name))));
  for (const a of attributes) {
    if (!keys.has(storedName(a))) continue;
    throw new ExpressionError(where, a, `a query filter cannot use the key attributes of the index it queries (${index.name}), and ${a} is one: put the condition on ${a} in the key condition, or scan`);
  }
}

/** The key attribute names of each index, found once (every query with a filter checks them). */
const keyNames = new WeakMap<ResolvedIndex, ReadonlySet<string>>();

/**
 * The schema version attributes a table-level projected read fetches besides `project()`'s: those
 * of the read's entities with `migrations` (an item without one is read as written before them).
 * A global index without the attribute cannot return it: a migrated entity with keys on it is refused.
 *
 * @example migrationNeeds('table app', gsi1, [User.model]) // ['_sv']
 */
export function migrationNeeds(where: string, index: ResolvedIndex, models: readonly EntityModel[]): string[] {
  const out = new Set<string>();
  for (const model of models) {
    for (const a of model.migrationAttributes()) {
      if (index.projected === undefined || index.projected.has(a) || index.type === 'local') {
        out.add(a);
        continue;
      }
      if (!model.indexes.has(index.name)) continue;
      throw new ExpressionError(
        where,
        a,
        `global index ${index.name} does not hold "${a}", the schema version ${model.name} migrates its items from (migrations); ` +
          `add it to the index's projection (projection: { include: [...] }), or read through the table or an index that holds it`,
      );
    }
  }
  return [...out];
}

/**
 * What the steps of the read's entities read (`migrations.reads`), as stored, that `index` can
 * return: a global index returns only what it holds (the entity readers expect no more, see
 * `ItemReader.reader`).
 *
 * @example migrationReads(AppTable.indexes.primary, [Member.model]) // ['name']
 */
export function migrationReads(index: ResolvedIndex, models: readonly EntityModel[]): string[] {
  const held = index.type === 'global' ? index.projected : undefined;
  return models.flatMap((m) => m.migrations?.readsFrom(held).map(m.storedName) ?? []);
}

/**
 * A table-level read without `project()` parses every item of a registered entity by its whole
 * schema. A global index that holds the discriminator (`et`) but not every attribute of an entity
 * with keys on it returns that entity's items partial (it cannot fetch the rest from the table),
 * and each would fail to parse after the read: refused before sending, as entity reads of such an
 * index are. An index without the discriminator returns its items raw, in `unknown`, which is fine.
 *
 * @example checkWholeItems('table app', gsi1, '_et', [User.model]) // ExpressionError when gsi1 is KEYS_ONLY
 */
export function checkWholeItems(where: string, index: ResolvedIndex, et: string, models: readonly EntityModel[]): void {
  const held = index.projected;
  if (held === undefined || index.type !== 'global' || !held.has(et)) return;
  for (const model of models) {
    if (!model.indexes.has(index.name)) continue;
    const missing = [...model.readableAttributes.map(model.storedName), ...model.migrationAttributes()].filter((a) => !held.has(a));
    if (missing.length === 0) continue;
    throw new ExpressionError(
      where,
      missing[0]!,
      `global index ${index.name} holds only ${[...held].map((a) => `"${a}"`).join(', ')}, and without project() the items of ${model.name} need ` +
        `${missing.map((a) => `"${a}"`).join(', ')}, which a global index cannot fetch from the table. ` +
        `project() attributes the index holds, or read whole items through the table or an index that holds them`,
    );
  }
}
