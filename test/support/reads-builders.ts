/**
 * Turns a read command of the model-based read test (plain data) into the dynakit read it names:
 * `Entity.query(index, Key...)`, `Entity.scan(index)`, `AppTable.query(...)` / `AppTable.scan(...)`,
 * with its filter, limit, pageSize, maxPages, reverse, project, consistent, hydrate, segments and
 * entities. The commands are generated at run time, so the builders are driven through one
 * structural interface instead of their (fully typed) public types.
 */
import type { Condition } from '../../src/index.js';
import type { ReadsTable } from './reads-entities.js';
import { toCondition, type AttrOf } from './reads-conditions.js';
import type { QueryCmd, ScanCmd, TableCmd } from './reads-commands.js';
import { INDEX_ATTRS, TEMPLATES, composites } from './reads-stored.js';

export interface PageLike {
  readonly items: readonly Record<string, unknown>[];
  readonly unknown?: readonly Record<string, unknown>[];
  readonly cursor?: string;
}

/** What every read builder offers (entity and table level alike), as the test drives it. */
export interface Read extends PromiseLike<PageLike>, AsyncIterable<Record<string, unknown>> {
  filter(c: Condition): Read;
  limit(n: number): Read;
  pageSize(n: number): Read;
  maxPages(n: number): Read;
  reverse(): Read;
  project(...names: string[]): Read;
  consistent(): Read;
  startAfter(cursor: string | undefined): Read;
  hydrate(): Read;
  segments(n: number): Read;
  entities(...entities: unknown[]): Read;
  pages(): AsyncIterable<PageLike>;
  all(): Promise<readonly Record<string, unknown>[] | { items: readonly Record<string, unknown>[]; unknown: readonly Record<string, unknown>[] }>;
  count(): Promise<number>;
  countPage(): Promise<{ readonly count: number; readonly cursor?: string }>;
}

interface KeyOperandLike {
  eq(v: unknown): KeyConditionLike;
  lt(v: unknown): KeyConditionLike;
  lte(v: unknown): KeyConditionLike;
  gt(v: unknown): KeyConditionLike;
  gte(v: unknown): KeyConditionLike;
  between(a: unknown, b: unknown): KeyConditionLike;
  beginsWith(v: unknown): KeyConditionLike;
}
interface KeyConditionLike {
  and(other: KeyConditionLike): KeyConditionLike;
}
interface Source {
  Key(attr: string): KeyOperandLike;
  Attr: AttrOf;
  query(...args: unknown[]): Read;
  scan(index?: string): Read;
}

function rangeTerm(k: KeyOperandLike, op: string, values: readonly unknown[]): KeyConditionLike {
  switch (op) {
    case 'eq':
      return k.eq(values[0]);
    case 'lt':
      return k.lt(values[0]);
    case 'lte':
      return k.lte(values[0]);
    case 'gt':
      return k.gt(values[0]);
    case 'gte':
      return k.gte(values[0]);
    case 'between':
      return k.between(values[0], values[1]);
    default:
      return k.beginsWith(values[0]);
  }
}

/** The options every read takes, in one order (none of them depends on another's position). */
function withOptions(read: Read, cmd: QueryCmd | ScanCmd | TableCmd, Attr: AttrOf): Read {
  let r = read;
  if (cmd.filter !== undefined) r = r.filter(toCondition(cmd.filter, Attr));
  if (cmd.limit !== undefined) r = r.limit(cmd.limit);
  if (cmd.pageSize !== undefined) r = r.pageSize(cmd.pageSize);
  if (cmd.maxPages !== undefined) r = r.maxPages(cmd.maxPages);
  if (cmd.reverse) r = r.reverse();
  if (cmd.project !== undefined) r = r.project(...cmd.project);
  if (cmd.consistent) r = r.consistent();
  if (cmd.hydrate) r = r.hydrate();
  return r;
}

export function buildRead(m: ReadsTable, cmd: QueryCmd | ScanCmd | TableCmd): Read {
  if (cmd.t === 'table') {
    const table = m.table as unknown as Source;
    const a = INDEX_ATTRS[cmd.index]!;
    let read: Read;
    if (cmd.pk === undefined) read = table.scan(cmd.index === 'primary' ? undefined : cmd.index);
    else {
      let key = table.Key(a.pk).eq(cmd.pk);
      if (cmd.sk !== undefined) key = key.and(rangeTerm(table.Key(a.sk), cmd.sk.op, cmd.sk.values));
      read = cmd.index === 'primary' ? table.query(key) : table.query(cmd.index, key);
    }
    if (cmd.entities !== undefined) read = read.entities(...cmd.entities.map((e) => m[e]));
    return withOptions(read, cmd, table.Attr);
  }
  const entity = m[cmd.entity] as unknown as Source;
  if (cmd.t === 'scan') {
    let read = withOptions(entity.scan(cmd.index), cmd, entity.Attr);
    if (cmd.segments !== undefined) read = read.segments(cmd.segments);
    return read;
  }
  const t = TEMPLATES[cmd.entity][cmd.index]!;
  const order = [...composites(t.pk), ...composites(t.sk)];
  let key: KeyConditionLike | undefined;
  const and = (term: KeyConditionLike): void => {
    key = key === undefined ? term : key.and(term);
  };
  for (const c of order) if (c in cmd.eq) and(entity.Key(c).eq(cmd.eq[c]));
  if (cmd.range !== undefined) and(rangeTerm(entity.Key(cmd.range.attr), cmd.range.op, cmd.range.values));
  return withOptions(entity.query(cmd.index, key), cmd, entity.Attr);
}
