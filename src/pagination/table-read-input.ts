/**
 * The request of a table-level query or scan (`AppTable.query`, `AppTable.scan`): what its state
 * compiles to, and the checks that refuse, before sending, a read its index cannot serve.
 */
import type { CompileContext } from '../expressions/compile.js';
import { compileCondition, compileProjection } from '../expressions/compile.js';
import type { Condition } from '../expressions/condition.js';
import { conditionAttributes } from '../expressions/condition-attributes.js';
import type { ResolvedIndex, Table } from '../entity/table.js';
import type { KeyAttribute } from '../entity/table-types.js';
import { checkFilterOffKeys, checkIndexHolds, checkWholeItems, filterNeeds, migrationNeeds, migrationReads, type NeededAttribute } from './index-projection.js';
import type { ScanSegments } from './parallel-scan.js';
import type { ReadOptionsState } from './read-options.js';

/** The state of a table-level query or scan. */
export interface TableReadState extends ReadOptionsState {
  readonly kind: 'query' | 'scan';
  readonly index: ResolvedIndex;
  readonly key: Condition | undefined;
  readonly projection: readonly string[] | undefined;
  readonly reverse: boolean;
  /** Entities whose items are parsed; others go to `unknown`. All registered ones when undefined. */
  readonly entities: ReadonlySet<string> | undefined;
  /** The read yields the deletes of its items (`deleteAll`): keys and discriminator only. */
  readonly deleting?: boolean;
  /** A parallel scan (`segments()`). */
  readonly segments?: ScanSegments;
}

/** Whether the read index holds the discriminator `et` (a narrow global index may not). */
export function indexHoldsEt(index: ResolvedIndex, et: string): boolean {
  return index.projected === undefined || index.projected.has(et);
}

/**
 * The command input of a table-level read's first request, but for its paging (`Limit`, start key,
 * consistency) and placeholders, which the builder adds. `et` is the table's discriminator,
 * `keyAttributes` the keys its cursors are made of; `counting` (for a count, whose items are never
 * parsed) skips the check that the index holds whole items. ExpressionError for a filter or
 * projection the index cannot serve.
 *
 * @example tableReadInput(AppTable, '_et', state, keyAttributes, false, ctx) // { TableName: 'App', IndexName: 'gsi1', KeyConditionExpression: '#n0 = :v0' }
 */
export function tableReadInput(
  table: Table,
  et: string,
  s: TableReadState,
  keyAttributes: readonly KeyAttribute[],
  counting: boolean,
  ctx: CompileContext,
): Record<string, unknown> {
  const owner = `table ${table.name}`;
  const readEntities = () => [...table.entities.values()].filter((m) => s.entities === undefined || s.entities.has(m.name));
  // A hydrated read filters on the index, and reads (and parses) whole items from the table.
  if (s.hydrate !== undefined) checkIndexHolds(owner, s.index, filterNeeds(s.filter), true);
  else if (s.index.projected !== undefined) {
    const needed: NeededAttribute[] = [...filterNeeds(s.filter), ...(s.projection ?? []).map((a) => [a, 'read', 'projected'] as const)];
    checkIndexHolds(owner, s.index, needed);
    if (!counting && (s.projection === undefined || s.projection.length === 0)) {
      checkWholeItems(owner, s.index, et, readEntities());
    }
  }
  // A filter on the queried index's own key attributes: see `checkFilterOffKeys`.
  if (s.kind === 'query' && s.filter !== undefined) checkFilterOffKeys(owner, s.index, conditionAttributes(s.filter.node));
  const input: Record<string, unknown> = { TableName: table.name };
  if (s.index.type !== 'primary') input.IndexName = s.index.name;
  if (s.key !== undefined) input.KeyConditionExpression = compileCondition(s.key.node, ctx);
  if (s.filter !== undefined) input.FilterExpression = compileCondition(s.filter.node, ctx);
  const keys = keyAttributes.map((a) => a.name);
  // The discriminator only when the index holds it: a narrow global index refuses to project
  // anything else, and its items then come back as `unknown`.
  const ets = indexHoldsEt(s.index, et) ? [et] : [];
  if (s.hydrate !== undefined) {
    // The index read needs only the keys: the table's to fetch items, the index's for cursors.
    input.ProjectionExpression = compileProjection(keys.map((a) => [a]), ctx);
  } else if (s.deleting === true) {
    input.ProjectionExpression = compileProjection([...new Set([...ets, ...keys])].map((n) => [n]), ctx);
  } else if (s.projection !== undefined && s.projection.length > 0) {
    // Entities with migrations read their schema version too (their steps start from it), and
    // what their steps read.
    const versions = [...migrationNeeds(owner, s.index, readEntities()), ...migrationReads(s.index, readEntities())];
    input.ProjectionExpression = compileProjection([...new Set([...s.projection, ...ets, ...versions, ...keys])].map((n) => [n]), ctx);
  } else if (s.index.projected !== undefined && s.index.type === 'local') {
    // An index returns only what it holds by default, and items are parsed whole: a local one
    // can fetch the rest from the table (as entity reads do).
    input.Select = 'ALL_ATTRIBUTES';
  }
  if (s.reverse) input.ScanIndexForward = false;
  return input;
}
