/**
 * Filters of the model-based read test as plain data: how the model evaluates one on a stored item
 * (docs/conditions.md: strings compare by UTF-8 bytes, numbers by value, Dates as their ISO text, a
 * comparison across types or with a missing attribute is false and `ne` true), and how it becomes a
 * dynakit condition through an entity's or the table's `Attr`.
 */
import { and, not, or, type Condition } from '../../src/index.js';
import { compareScalars, storedValue } from './reads-stored.js';

export type Cmp = 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte';

export type Filter =
  | { readonly op: 'cmp'; readonly path: string; readonly cmp: Cmp; readonly value: unknown }
  | { readonly op: 'between'; readonly path: string; readonly lo: unknown; readonly hi: unknown }
  | { readonly op: 'in'; readonly path: string; readonly values: readonly unknown[] }
  | { readonly op: 'beginsWith' | 'contains'; readonly path: string; readonly value: string }
  | { readonly op: 'exists' | 'notExists'; readonly path: string }
  | { readonly op: 'size'; readonly path: string; readonly cmp: Cmp; readonly n: number }
  | { readonly op: 'and' | 'or'; readonly children: readonly Filter[] }
  | { readonly op: 'not'; readonly child: Filter };

function compare(cmp: Cmp, a: unknown, b: unknown): boolean {
  if (cmp === 'eq') return a !== undefined && sameValue(a, b);
  if (cmp === 'ne') return a === undefined || !sameValue(a, b);
  const c = compareScalars(a, b);
  if (c === undefined) return false;
  return cmp === 'lt' ? c < 0 : cmp === 'lte' ? c <= 0 : cmp === 'gt' ? c > 0 : c >= 0;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'boolean' || typeof b === 'boolean') return a === b;
  return compareScalars(a, b) === 0;
}

/** Whether `f` holds for the stored item. */
export function holds(f: Filter, item: Record<string, unknown>): boolean {
  const at = (path: string): unknown => item[path];
  switch (f.op) {
    case 'cmp':
      return compare(f.cmp, at(f.path), storedValue(f.value));
    case 'between': {
      const v = at(f.path);
      return compare('gte', v, storedValue(f.lo)) && compare('lte', v, storedValue(f.hi));
    }
    case 'in':
      return f.values.some((x) => compare('eq', at(f.path), storedValue(x)));
    case 'beginsWith': {
      const v = at(f.path);
      return typeof v === 'string' && v.startsWith(f.value);
    }
    case 'contains': {
      const v = at(f.path);
      if (typeof v === 'string') return v.includes(f.value);
      return v instanceof Set && v.has(f.value);
    }
    case 'exists':
      return at(f.path) !== undefined;
    case 'notExists':
      return at(f.path) === undefined;
    case 'size': {
      const v = at(f.path);
      return v instanceof Set && compare(f.cmp, v.size, f.n);
    }
    case 'and':
      return f.children.every((c) => holds(c, item));
    case 'or':
      return f.children.some((c) => holds(c, item));
    case 'not':
      return !holds(f.child, item);
  }
}

/** The operators `Attr(path)` offers, as both an entity's and a table's `Attr` have them. */
interface Operand {
  eq(v: unknown): Condition;
  ne(v: unknown): Condition;
  lt(v: unknown): Condition;
  lte(v: unknown): Condition;
  gt(v: unknown): Condition;
  gte(v: unknown): Condition;
  between(lo: unknown, hi: unknown): Condition;
  in(values: unknown[]): Condition;
  beginsWith(v: string): Condition;
  contains(v: unknown): Condition;
  exists(): Condition;
  notExists(): Condition;
  size(): { eq(n: number): Condition; ne(n: number): Condition; lt(n: number): Condition; lte(n: number): Condition; gt(n: number): Condition; gte(n: number): Condition };
}
export type AttrOf = (path: string) => unknown;

/** The dynakit condition of `f`, built with `Attr`. */
export function toCondition(f: Filter, Attr: AttrOf): Condition {
  const a = (path: string): Operand => Attr(path) as Operand;
  switch (f.op) {
    case 'cmp':
      return a(f.path)[f.cmp](f.value);
    case 'between':
      return a(f.path).between(f.lo, f.hi);
    case 'in':
      return a(f.path).in([...f.values]);
    case 'beginsWith':
      return a(f.path).beginsWith(f.value);
    case 'contains':
      return a(f.path).contains(f.value);
    case 'exists':
      return a(f.path).exists();
    case 'notExists':
      return a(f.path).notExists();
    case 'size':
      return a(f.path).size()[f.cmp](f.n);
    case 'and':
      return and(...f.children.map((c) => toCondition(c, Attr)));
    case 'or':
      return or(...f.children.map((c) => toCondition(c, Attr)));
    case 'not':
      return not(toCondition(f.child, Attr));
  }
}

/** A short text of `f` for failure messages. */
export function showFilter(f: Filter): string {
  const v = (x: unknown): string => (x instanceof Date ? x.toISOString() : JSON.stringify(x));
  switch (f.op) {
    case 'cmp':
      return `${f.path} ${f.cmp} ${v(f.value)}`;
    case 'between':
      return `${f.path} between ${v(f.lo)} ${v(f.hi)}`;
    case 'in':
      return `${f.path} in ${v(f.values)}`;
    case 'beginsWith':
    case 'contains':
      return `${f.op}(${f.path}, ${v(f.value)})`;
    case 'exists':
    case 'notExists':
      return `${f.op}(${f.path})`;
    case 'size':
      return `size(${f.path}) ${f.cmp} ${f.n}`;
    case 'and':
    case 'or':
      return `(${f.children.map(showFilter).join(` ${f.op} `)})`;
    case 'not':
      return `not ${showFilter(f.child)}`;
  }
}
