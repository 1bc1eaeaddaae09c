/**
 * The reference model of the read test: answers each read command from the data set by the rules
 * of docs/querying.md, not by running dynakit's code. A query selects the items of the index
 * partition whose composites satisfy the key condition as values (ranges on strings by UTF-8 bytes,
 * numbers by value, Dates by time, `beginsWith` as a prefix), keeps those the filter holds for, and
 * orders them by the stored sort-key string (DynamoDB's byte order), descending with `reverse()`.
 * `limit` counts after the filter; a table-level read returns every item of the partition, each
 * parsed by its entity when it is one of `entities(...)` (all registered ones by default), the others
 * as stored in `unknown`.
 */
import type { EntityName } from './reads-entities.js';
import type { Row } from './reads-data.js';
import { holds } from './reads-conditions.js';
import type { QueryCmd, ReadCmd, ScanCmd, TableCmd } from './reads-commands.js';
import { COMPOSITE_KINDS, INDEX_ATTRS, TEMPLATES, compareBytes, composites, fill, type Kind } from './reads-stored.js';

export interface Answer {
  /** The matching rows, in read order (for a scan, in no particular order). */
  readonly rows: readonly Row[];
  /**
   * Whether DynamoDB may read items that the read then drops (a filter, other entities' items in
   * the partition, a range widened for its filter): only then may a page short of its limit, or an
   * empty last page behind a cursor, appear.
   */
  readonly droppable: boolean;
}

const inIndex = (row: Row, index: string): boolean => {
  const a = INDEX_ATTRS[index]!;
  return row.stored[a.pk] !== undefined && row.stored[a.sk] !== undefined;
};

function compareComposite(kind: Kind, a: unknown, b: unknown): number {
  if (kind === 'str') return compareBytes(String(a), String(b));
  if (kind === 'date') return (a as Date).getTime() - (b as Date).getTime();
  if (kind === 'bool') return Number(a) - Number(b);
  return (a as number) - (b as number);
}

function rangeHolds(kind: Kind, op: string, v: unknown, values: readonly unknown[]): boolean {
  if (v === undefined) return false;
  const c = (x: unknown): number => compareComposite(kind, v, x);
  switch (op) {
    case 'eq':
      return c(values[0]) === 0;
    case 'lt':
      return c(values[0]) < 0;
    case 'lte':
      return c(values[0]) <= 0;
    case 'gt':
      return c(values[0]) > 0;
    case 'gte':
      return c(values[0]) >= 0;
    case 'between':
      return c(values[0]) >= 0 && c(values[1]) <= 0;
    case 'beginsWith':
      return String(v).startsWith(String(values[0]));
    default:
      throw new Error(`unknown op ${op}`);
  }
}

const bySortKey = (skAttr: string, reverse: boolean) => (a: Row, b: Row): number => {
  const c = compareBytes(String(a.stored[skAttr]), String(b.stored[skAttr]));
  return reverse ? -c : c;
};

export function answerQuery(cmd: QueryCmd, rows: readonly Row[]): Answer {
  const t = TEMPLATES[cmd.entity][cmd.index]!;
  const kinds = COMPOSITE_KINDS[cmd.entity];
  const pkValue = fill(t.pk, cmd.eq as Record<string, unknown>);
  const partition = rows.filter((r) => inIndex(r, cmd.index) && r.stored[t.pkAttr] === pkValue);
  const matching = partition.filter(
    (r) =>
      r.entity === cmd.entity &&
      Object.entries(cmd.eq).every(([c, v]) => rangeHolds(kinds[c]!, 'eq', r.item[c], [v])) &&
      (cmd.range === undefined || rangeHolds(kinds[cmd.range.attr]!, cmd.range.op, r.item[cmd.range.attr], cmd.range.values)) &&
      (cmd.filter === undefined || holds(cmd.filter, r.stored)),
  );
  const sks = composites(t.sk);
  const widened = cmd.range !== undefined && kinds[cmd.range.attr] === 'str' && cmd.range.op !== 'beginsWith' && sks.indexOf(cmd.range.attr) < sks.length - 1;
  const droppable = cmd.filter !== undefined || widened || partition.some((r) => r.entity !== cmd.entity);
  return { rows: matching.sort(bySortKey(t.skAttr, cmd.reverse)), droppable };
}

export function answerScan(cmd: ScanCmd, rows: readonly Row[]): Answer {
  const index = cmd.index ?? 'primary';
  const matching = rows.filter((r) => r.entity === cmd.entity && inIndex(r, index) && (cmd.filter === undefined || holds(cmd.filter, r.stored)));
  return { rows: matching, droppable: true };
}

export function answerTable(cmd: TableCmd, rows: readonly Row[]): Answer {
  const a = INDEX_ATTRS[cmd.index]!;
  const matching = rows.filter(
    (r) =>
      inIndex(r, cmd.index) &&
      (cmd.pk === undefined || r.stored[a.pk] === cmd.pk) &&
      (cmd.sk === undefined || rangeHolds('str', cmd.sk.op, r.stored[a.sk], cmd.sk.values)) &&
      (cmd.filter === undefined || holds(cmd.filter, r.stored)),
  );
  if (cmd.pk !== undefined) matching.sort(bySortKey(a.sk, cmd.reverse));
  return { rows: matching, droppable: cmd.filter !== undefined || cmd.pk === undefined };
}

export function answer(cmd: Exclude<ReadCmd, { t: 'batchGet' }>, rows: readonly Row[]): Answer {
  return cmd.t === 'query' ? answerQuery(cmd, rows) : cmd.t === 'scan' ? answerScan(cmd, rows) : answerTable(cmd, rows);
}

const pick = (o: Record<string, unknown>, names: readonly string[] | undefined): Record<string, unknown> =>
  names === undefined ? o : Object.fromEntries(names.filter((n) => o[n] !== undefined).map((n) => [n, o[n]]));

/** What an entity read returns for a row. */
export const entityResult = (project: readonly string[] | undefined, row: Row): Record<string, unknown> => pick(row.item, project);

/** Whether a table-level read parses the row by its entity (or returns it as stored in `unknown`). */
export const isKnown = (entities: readonly EntityName[] | undefined, row: Row): boolean =>
  row.entity !== 'Ghost' && (entities === undefined || entities.includes(row.entity));

/** What a table-level read returns for a row: the parsed item with its `_et`, or the stored item. */
export function tableResult(cmd: TableCmd, row: Row): Record<string, unknown> {
  if (!isKnown(cmd.entities, row)) {
    // A projected read also reads the discriminator and the keys of the table and of the index (the
    // cursor's); a hydrated one reads its items by the table's keys.
    const a = INDEX_ATTRS[cmd.index]!;
    const keys = cmd.hydrate ? ['pk', 'sk'] : ['pk', 'sk', a.pk, a.sk];
    return pick(row.stored, cmd.project === undefined ? undefined : [...new Set([...cmd.project, '_et', ...keys])]);
  }
  return { ...pick(row.item, cmd.project), _et: row.entity };
}
