import type { ConditionNode } from '../expressions/ast.js';
import type { KeyCondition, KeyTerm } from '../expressions/key-condition.js';
import { KeyError } from '../errors.js';
import type { EntityModel } from './model.js';
import { HIGHEST_CODE_POINT as TOP, type KeyValue } from './key-encoding.js';
import type { KeyTemplate } from './key-template.js';
import type { IndexKeys } from './index-keys.js';
import type { KeyAttribute } from './table-types.js';
import { compareStored } from '../expressions/value-order.js';
import { fitSortKeyCondition } from './key-condition-size.js';
import { nextWholeSecond } from './value-encoding.js';

/**
 * The greatest string below `s` that a key can hold (no key composite contains TOP): `s` without
 * its last code point, that code point minus one, then TOP. Used as an inclusive upper bound for
 * "less than `s`" where DynamoDB's BETWEEN has no exclusive end.
 */
function below(s: string): string {
  const cps = Array.from(s);
  const last = cps.pop()!.codePointAt(0)!;
  const head = cps.join('');
  if (last === 0) return head;
  const prev = last - 1 === 0xdfff ? 0xd7ff : last - 1;
  return head + String.fromCodePoint(prev) + TOP;
}

const value = (v: unknown): { kind: 'value'; value: unknown } => ({ kind: 'value', value: v });

const shown = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : v instanceof Date ? v.toISOString() : String(v));

/** A composite's value in a form `compareStored` orders as the key does: Dates by time, false < true. */
const logicalOrder = (v: unknown): unknown => (v instanceof Date ? v.getTime() : typeof v === 'boolean' ? Number(v) : v);

const isDate = (v: unknown): v is Date => v instanceof Date && !Number.isNaN(v.getTime());

/**
 * A range on the TTL attribute, which is stored in whole seconds (its key is built from the whole
 * second, as its value reads back): the key is built from the bound's second rounded down, which is
 * right for `>`, `<=` and a high bound (an item at 00:00:00 is not after 00:00:00.5), but `<` and
 * `>=` and a low bound need it rounded up, or `lt(00:00:00.5)` misses the item at 00:00:00 and
 * `gte(00:00:00.5)` returns it. A between() whose bounds hold no whole second is left as given.
 */
function wholeSecondBounds(t: KeyTerm): KeyTerm {
  const [a, b] = t.values;
  if (!isDate(a)) return t;
  if (t.op === '<' || t.op === '>=') return { ...t, values: [nextWholeSecond(a)] };
  if (t.op === 'between' && isDate(b) && nextWholeSecond(a).getTime() <= b.getTime()) return { ...t, values: [nextWholeSecond(a), b] };
  return t;
}

/** What a query of one index needs of its keys, found once per index (queries are a hot path). */
interface QueryShape {
  /** The partition key's templates and attributes: a local index shares the table's partition key. */
  readonly pkTemplates: readonly KeyTemplate[];
  readonly pkAttrs: readonly KeyAttribute[];
  readonly pkComposites: ReadonlySet<string>;
  readonly skComposites: ReadonlySet<string>;
}
const queryShapes = new WeakMap<IndexKeys, QueryShape>();

function queryShape(model: EntityModel, ix: IndexKeys): QueryShape {
  let shape = queryShapes.get(ix);
  if (shape === undefined) {
    const local = ix.index.type === 'local';
    const pkTemplates = local ? [model.primary.pk!] : ix.pks;
    shape = {
      pkTemplates,
      pkAttrs: local ? model.primary.index.partitionKeys : ix.index.partitionKeys,
      pkComposites: new Set(pkTemplates.flatMap((t) => t.composites)),
      skComposites: new Set(ix.sks.flatMap((t) => t.composites)),
    };
    queryShapes.set(ix, shape);
  }
  return shape;
}

/**
 * Maps a logical key condition (`Key('orgId').eq('acme').and(Key('name').beginsWith('A'))`) onto
 * the physical key attributes of one index, through its key templates:
 * - every partition-key composite needs `eq`;
 * - sort-key composites are used left to right: `eq` on leading composites, then at most one
 *   range operator on the next one; `eq` on only some of them becomes `begins_with` on the prefix.
 * Range operators compare the built key strings (numbers are padded, so they order numerically).
 *
 * @example
 * // sk 'USER#{name}#{userId}': Key('name').beginsWith('A') -> begins_with(#sk, 'USER#A')
 */
export function planKeyCondition(model: EntityModel, indexName: string, condition: KeyCondition, canRefine: Refinable = NEVER): ConditionNode {
  const ix = model.keysOf(indexName);
  const { pkTemplates, pkAttrs, pkComposites, skComposites } = queryShape(model, ix);
  const terms = new Map<string, KeyTerm>();
  for (const t of condition.terms) {
    if (!pkComposites.has(t.attribute) && !skComposites.has(t.attribute)) {
      throw new KeyError(model.name, indexName, t.attribute, `${t.attribute} does not compose a key of index ${indexName}`);
    }
    if (terms.has(t.attribute)) throw new KeyError(model.name, indexName, t.attribute, `${t.attribute} has two key conditions`);
    // An equal value is a whole composite: parsed as get() parses a key (`trim`, `toLowerCase`
    // applied), or the query looks for a key no write stores. Range and prefix values are parts
    // of one and are taken as given.
    terms.set(t.attribute, t.op === '=' ? { ...t, values: [model.keys.value(t.attribute, t.values[0])] } : t.attribute === model.ttl ? wholeSecondBounds(t) : t);
  }

  const pkValues: Record<string, unknown> = {};
  for (const c of pkComposites) {
    const t = terms.get(c);
    if (t === undefined) {
      throw new KeyError(model.name, indexName, c, `a query on ${indexName} needs ${[...pkComposites].join(', ')} with eq() (partition key)`);
    }
    if (t.op !== '=') throw new KeyError(model.name, indexName, c, `${c} is part of the partition key and only supports eq()`);
    pkValues[c] = t.values[0];
  }
  const nodes: ConditionNode[] = pkTemplates.map((t, i) => ({ kind: 'compare', op: '=', left: { kind: 'path', path: [pkAttrs[i]!.name] }, right: value(t.build(pkValues)) }));
  nodes.push(...sortKeyNodes(model, indexName, ix.sks, ix.index.sortKeys, terms, canRefine));
  return nodes.length === 1 ? nodes[0]! : { kind: 'and', children: nodes };
}

/**
 * The sort key's conditions. A multi-attribute sort key is used left to right, as DynamoDB
 * requires: attributes whose composites all have `eq` are compared with `=`, and the first one
 * that does not takes the conditions a single sort key would (a range, a prefix); no later
 * attribute may then be named.
 */
function sortKeyNodes(
  model: EntityModel,
  indexName: string,
  templates: readonly KeyTemplate[],
  attrs: readonly KeyAttribute[],
  terms: ReadonlyMap<string, KeyTerm>,
  canRefine: Refinable,
): ConditionNode[] {
  const out: ConditionNode[] = [];
  let last: KeyAttribute | undefined;
  for (let i = 0; i < templates.length; i++) {
    const t = templates[i]!;
    const attr = attrs[i]!;
    if (last !== undefined) {
      const named = t.composites.find((c) => terms.has(c));
      if (named !== undefined) {
        throw new KeyError(
          model.name,
          indexName,
          named,
          `${named} composes sort key attribute ${attr.name}, which comes after ${last.name}; a multi-attribute sort key is used left to right: give every composite of ${last.name} with eq() first`,
        );
      }
      continue;
    }
    if (templates.length > 1 && t.composites.every((c) => terms.get(c)?.op === '=')) {
      const eq: Record<string, unknown> = {};
      for (const c of t.composites) eq[c] = terms.get(c)!.values[0];
      out.push({ kind: 'compare', op: '=', left: { kind: 'path', path: [attr.name] }, right: value(t.build(eq)) });
      continue;
    }
    const node = sortKeyNode(model, indexName, t, attr, terms, canRefine);
    const named = t.composites.filter((c) => terms.has(c));
    if (node !== undefined) out.push(fitSortKeyCondition(node, model.name, `${indexName}.sk`, named[named.length - 1] ?? attr.name));
    last = attr;
  }
  return out;
}

/** Whether a query can filter on an attribute (the index holds it), to make a range exact. */
export type Refinable = (attribute: string) => boolean;
const NEVER: Refinable = () => false;
const REFINED_OPS: ReadonlySet<string> = new Set(['<', '<=', '>', '>=', 'between']);

/** The sort-key composite's range term when its key order differs from its value order and a filter can fix that. */
function refinedRange(sortKeys: readonly KeyTemplate[], terms: readonly KeyTerm[], canRefine: Refinable): KeyTerm | undefined {
  for (const t of sortKeys) {
    const range = terms.find((term) => term.op !== '=' && t.composites.includes(term.attribute));
    if (range === undefined) continue;
    if (t.raw || !REFINED_OPS.has(range.op) || t.ordersLikeValues(range.attribute, range.values) || !canRefine(range.attribute)) return undefined;
    return range;
  }
  return undefined;
}

/**
 * The filter that makes a query's key condition exact: where a range is on a string composite
 * followed by more key text, keys order differently from the values (`'Bo Jo#'` sorts before
 * `'Bo#'`, though `'Bo Jo'` > `'Bo'`). The key condition is then widened to a range that holds
 * every matching key, and this filter, the same range on the attribute itself, which DynamoDB
 * compares as a value, keeps exactly the matching items. `undefined` when the key is exact.
 *
 * @example
 * // sk 'USER#{name}#{userId}', Key('name').gt('Bo'): sk BETWEEN 'USER#Bo' AND 'USER#\u{10FFFF}', filter name > 'Bo'
 */
export function keyConditionRefinement(model: EntityModel, indexName: string, condition: KeyCondition, canRefine: Refinable): ConditionNode | undefined {
  const ix = model.indexes.get(indexName);
  const range = ix === undefined ? undefined : refinedRange(ix.sks, condition.terms, canRefine);
  if (range === undefined) return undefined;
  const operand = { kind: 'path' as const, path: [range.attribute] };
  const [a, b] = range.values;
  if (range.op === 'between') return { kind: 'between', operand, low: value(a), high: value(b) };
  return { kind: 'compare', op: range.op as '<' | '<=' | '>' | '>=', left: operand, right: value(a) };
}

/** The condition on one sort key attribute built by template `t` (a single sort key, or the last part used of a multi-attribute one). */
function sortKeyNode(model: EntityModel, indexName: string, t: KeyTemplate, attr: KeyAttribute, terms: ReadonlyMap<string, KeyTerm>, canRefine: Refinable): ConditionNode | undefined {
  const path = { kind: 'path' as const, path: [attr.name] };
  const eqValues: Record<string, unknown> = {};
  let range: KeyTerm | undefined;
  for (const c of t.composites) {
    const term = terms.get(c);
    if (term === undefined) break;
    if (range !== undefined) {
      throw new KeyError(model.name, indexName, c, `${c} comes after ${range.attribute}, which has a range condition; only the last given sort-key composite may use a range`);
    }
    if (term.op === '=') eqValues[c] = term.values[0];
    else range = term;
  }
  const given = Object.keys(eqValues).length + (range === undefined ? 0 : 1);
  const used = t.composites.filter((c) => terms.has(c));
  if (used.length !== given) {
    const skipped = t.composites.find((c) => !terms.has(c))!;
    throw new KeyError(model.name, indexName, used[given]!, `sort-key composites are used left to right: ${used[given]} needs ${skipped} first`);
  }

  if (range === undefined) {
    if (t.composites.length > 0 && given === t.composites.length) {
      return { kind: 'compare', op: '=', left: path, right: value(t.build(eqValues)) };
    }
    if (t.raw) return undefined;
    const prefix = t.prefix(eqValues);
    if (t.composites.length === 0) return { kind: 'compare', op: '=', left: path, right: value(prefix) };
    return prefix === '' ? undefined : { kind: 'beginsWith', path: [attr.name], prefix: value(prefix) };
  }

  const c = range.attribute;
  const [a, b] = range.values;
  if (range.op === 'between' && (compareStored(logicalOrder(a), logicalOrder(b)) ?? 0) > 0) {
    // DynamoDB rejects a BETWEEN whose bounds are reversed; said here in the caller's values.
    throw new KeyError(model.name, indexName, c, `between(${shown(a)}, ${shown(b)}): the low bound is above the high bound`);
  }
  if (t.raw) {
    if (range.op === 'beginsWith') {
      if (attr.type !== 'S') throw new KeyError(model.name, indexName, c, 'beginsWith() needs a string sort key');
      // As for template composites: the ISO text of a Date as the prefix would select that one instant.
      if (typeof a !== 'string') throw new KeyError(model.name, indexName, c, `beginsWith on ${c} needs a string`);
      // Every key starts with '', and DynamoDB rejects an empty string anywhere in a key condition.
      return a === '' ? undefined : { kind: 'beginsWith', path: [attr.name], prefix: value(a) };
    }
    const raw = (v: unknown): KeyValue => t.build({ [c]: v });
    if (range.op === 'between') return { kind: 'between', operand: path, low: value(raw(a)), high: value(raw(b)) };
    return { kind: 'compare', op: range.op, left: path, right: value(raw(a)) };
  }
  const base = t.prefix(eqValues);
  // `open(v)`: every key whose composite c equals v starts with it; `closed(v)` adds the text
  // that follows c, so it is the exact prefix of the keys with c == v. When c ends the template
  // (`terminal`), the key is exactly `closed(v)` and comparisons can be exact.
  const open = (v: unknown): string => t.prefix({ ...eqValues, [c]: v }, { partial: c, anyKind: true });
  const closed = (v: unknown): string => t.prefix({ ...eqValues, [c]: v });
  const terminal = t.isTerminal(c);
  // A range whose key order differs from its value order (see `keyConditionRefinement`) gets a
  // superset of the matching keys; the refinement's filter keeps the exact items.
  const refined = refinedRange([t], [range], canRefine) !== undefined;
  // Every value up to v is v, a prefix of v, or below v at their first difference, so its key is
  // at most the greatest of "v's prefix, the text after c, then TOP" over v's prefixes.
  const upTo = (v: unknown): string => {
    const cps = Array.from(String(v));
    let top = '';
    for (let k = 0; k <= cps.length; k++) {
      const candidate = open(cps.slice(0, k).join('')) + t.textAfter(c) + TOP;
      if (top === '' || (compareStored(candidate, top) ?? 0) > 0) top = candidate;
    }
    return top;
  };
  if (open(a) === '') {
    // A template that starts with c, and a = '': DynamoDB rejects the empty bound, so say it without one.
    switch (range.op) {
      case 'beginsWith':
      case '>=':
        return undefined;
      case 'between':
        return { kind: 'compare', op: '<=', left: path, right: value(refined ? upTo(b) : closed(b) + TOP) };
      case '<':
        // Nothing is below ''; as below, a prefix no key starts with.
        return { kind: 'beginsWith', path: [attr.name], prefix: value(TOP) };
    }
  }
  if (refined) {
    const span = (lo: string, hi: string): ConditionNode | undefined => {
      if (lo === '') return hi === TOP ? undefined : { kind: 'compare', op: '<=', left: path, right: value(hi) };
      return { kind: 'between', operand: path, low: value(lo), high: value(hi) };
    };
    switch (range.op) {
      case '>':
      case '>=':
        return span(open(a), base + TOP);
      case '<':
      case '<=':
        return span(base, upTo(a));
      default:
        return span(open(a), upTo(b));
    }
  }
  const low = (v: string): ConditionNode => (base === '' ? { kind: 'compare', op: '<=', left: path, right: value(v) } : { kind: 'between', operand: path, low: value(base), high: value(v) });
  switch (range.op) {
    case 'beginsWith':
      // Text only: the padded text of a number (or a Date's ISO text) as a prefix would select
      // that one value, not the values written with those leading characters.
      return { kind: 'beginsWith', path: [attr.name], prefix: value(t.prefix({ ...eqValues, [c]: a }, { partial: c })) };
    case 'between':
      return { kind: 'between', operand: path, low: value(open(a)), high: value(terminal ? closed(b) : closed(b) + TOP) };
    case '>':
      // Terminal: the key of c == a is exactly closed(a); the next string up is closed(a) + U+0000.
      // Either way the upper bound keeps the range inside the keys that start with `base`.
      return { kind: 'between', operand: path, low: value(terminal ? closed(a) + '\u0000' : closed(a) + TOP), high: value(base + TOP) };
    case '>=':
      return { kind: 'between', operand: path, low: value(open(a)), high: value(base + TOP) };
    case '<': {
      if (base === '') return { kind: 'compare', op: '<', left: path, right: value(open(a)) };
      if (!terminal) return low(open(a));
      // Terminal: the key of c == a is exactly open(a), which BETWEEN would include.
      const s = open(a);
      return s === base ? { kind: 'beginsWith', path: [attr.name], prefix: value(base + TOP) } : low(below(s));
    }
    case '<=':
      return low(terminal ? closed(a) : closed(a) + TOP);
    default:
      return { kind: 'compare', op: '=', left: path, right: value(closed(a)) };
  }
}
