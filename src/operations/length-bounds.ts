import type { z } from 'zod';
import type { ConditionNode, DocPath, UpdateAction } from '../expressions/ast.js';
import { Condition } from '../expressions/condition.js';
import { formatDocPath } from '../expressions/document-path.js';
import { ValidationError } from '../errors.js';
import type { EntityModel } from '../entity/model.js';
import { defOf, isOptionalSchema, resolvedCore } from '../entity/schema-walk.js';
import { pathSchemas } from '../entity/path-schemas.js';
import { boundsPerOption, onOptions } from './option-bounds.js';

/**
 * Length bounds of lists and sets under updates that change a stored list or set without knowing
 * its length (remove('items[2]'), set({ 'items[9]': v }), append, prepend, add and delete of set
 * elements). The stored item must still parse after the update, or every later read of it fails;
 * so the update carries a condition on `size(path)` that guarantees the schema's bounds for the
 * result, and bad input that no stored list could take is refused before sending.
 */

/** A list's or set's length bounds, from the schema's `.min()`, `.max()`, `.length()`, `.size()`, `.nonempty()`. */
interface LengthBounds {
  readonly min: number;
  readonly max: number | undefined;
  readonly kind: 'list' | 'set';
}

interface CheckView {
  readonly _zod: { readonly def: { readonly check?: string; readonly minimum?: number; readonly maximum?: number; readonly length?: number; readonly size?: number } };
}

/** The bounds at a list or set schema; `undefined` for other schemas and unbounded ones. */
function boundsOf(schemas: readonly z.ZodType[]): LengthBounds | undefined {
  let min = 0;
  let max: number | undefined;
  let kind: 'list' | 'set' | undefined;
  // Both sides of a pipe: a write checks the input, a read parses what is stored. Several schemas
  // (the options of a union that may hold the path): the result must fit each of them.
  for (const core of new Set(schemas.flatMap((schema) => [resolvedCore(schema), resolvedCore(schema, 'output')]))) {
    const def = defOf(core);
    if (def.type !== 'array' && def.type !== 'set') continue;
    kind = def.type === 'array' ? 'list' : 'set';
    for (const c of (def as { checks?: readonly CheckView[] }).checks ?? []) {
      const d = c._zod.def;
      const exact = d.check === 'length_equals' ? d.length : d.check === 'size_equals' ? d.size : undefined;
      const lo = d.check === 'min_length' || d.check === 'min_size' ? d.minimum : exact;
      const hi = d.check === 'max_length' || d.check === 'max_size' ? d.maximum : exact;
      if (lo !== undefined) min = Math.max(min, lo);
      if (hi !== undefined) max = max === undefined ? hi : Math.min(max, hi);
    }
  }
  if (kind === undefined) return undefined;
  // DynamoDB has no empty set: deleting a set's last element removes the attribute, which a
  // required set (one without a default) cannot be.
  if (kind === 'set' && !schemas.every(isOptionalSchema)) min = Math.max(min, 1);
  return min === 0 && max === undefined ? undefined : { min, max, kind };
}

/** What one update does to the length of one stored list or set. */
interface LengthChange {
  readonly path: DocPath;
  /** distinct list indexes removed */
  readonly removed: Set<number>;
  /** list indexes set (`SET l[i]`: past the end, that appends) */
  readonly setIndexes: Set<number>;
  /** elements appended or prepended to a list, or added to a set (a set may already hold some) */
  joined: number;
  /** elements deleted from a set (the set may not hold some) */
  deleted: number;
  /** the elements a set's `add` or `delete` gives (one path takes one action) */
  setElements?: readonly unknown[];
  /** the list or set copied in from another attribute (`set({ items: ref('other') })`) */
  copiedFrom?: { readonly path: DocPath; readonly orFallback: boolean };
}

function sizeIs(path: DocPath, op: '>=' | '<=' | '>', n: number): ConditionNode {
  return { kind: 'compare', op, left: { kind: 'size', path }, right: { kind: 'value', value: n } };
}

const absent = (path: DocPath): ConditionNode => ({ kind: 'exists', path, negate: true });
const present = (path: DocPath): ConditionNode => ({ kind: 'exists', path, negate: false });
const anyOf = (...children: ConditionNode[]): ConditionNode => (children.length === 1 ? children[0]! : { kind: 'or', children });

function elements(n: number): string {
  return `${n} element${n === 1 ? '' : 's'}`;
}

/** Collects, per list or set, what the actions do to its length. */
function lengthChanges(actions: readonly UpdateAction[]): Map<string, LengthChange> {
  const changes = new Map<string, LengthChange>();
  const at = (path: DocPath): LengthChange => {
    const k = formatDocPath(path);
    let c = changes.get(k);
    if (c === undefined) changes.set(k, (c = { path, removed: new Set(), setIndexes: new Set(), joined: 0, deleted: 0 }));
    return c;
  };
  for (const a of actions) {
    const last = a.path[a.path.length - 1];
    if (typeof last === 'number' && (a.kind === 'remove' || a.kind === 'set')) {
      const c = at(a.path.slice(0, -1));
      (a.kind === 'remove' ? c.removed : c.setIndexes).add(last);
    } else if (a.kind === 'set' && a.value.kind === 'listAppend') {
      // append/prepend: list_append(if_not_exists(path, []), :items) or the other way round
      const items = a.value.left.kind === 'value' ? a.value.left.value : a.value.right.kind === 'value' ? a.value.right.value : undefined;
      if (Array.isArray(items)) at(a.path).joined += items.length;
    } else if (a.kind === 'set' && (a.value.kind === 'path' || a.value.kind === 'ifNotExists') && formatDocPath(a.value.path) !== formatDocPath(a.path)) {
      // A copy of another attribute: its length must fit this one's bounds (an ifNotExists fallback
      // is parsed by the schema, so an absent source is fine then).
      at(a.path).copiedFrom = { path: a.value.path, orFallback: a.value.kind === 'ifNotExists' };
    } else if ((a.kind === 'add' || a.kind === 'delete') && a.value instanceof Set) {
      const c = at(a.path);
      if (a.kind === 'add') c.joined += a.value.size;
      else c.deleted += a.value.size;
      c.setElements = [...(a.value as Set<unknown>)];
    }
  }
  return changes;
}

/**
 * The condition that keeps every changed list and set within its schema bounds, with one line per
 * bound for the message of a failed condition; throws a `ValidationError` when no stored list or
 * set could take the change (more elements than the maximum, removals below a fixed length).
 */
export function lengthBoundGuards(model: EntityModel, actions: readonly UpdateAction[]): { condition: Condition | undefined; checks: string[] } {
  const nodes: ConditionNode[] = [];
  const checks: string[] = [];
  for (const [name, c] of lengthChanges(actions)) {
    // Options of a union bounded differently (a letter's two stamps, a box's any number): each item keeps its own option's.
    const groups = boundsPerOption(pathSchemas(model.schema, c.path), boundsOf, sameBounds);
    let refused: ValidationError | undefined;
    let refusals = 0;
    for (const { bounds, when, on } of groups) {
      if (bounds === undefined) continue;
      try {
        const own = lengthGuard(model, name, c, bounds);
        nodes.push(...onOptions(own.nodes, when));
        checks.push(...(on === undefined ? own.checks : own.checks.map((x) => `${x}, ${on}`)));
      } catch (e) {
        // No item of these options could take the change: only items of the others may.
        if (!(e instanceof ValidationError) || when === undefined) throw e;
        refused ??= e;
        refusals++;
        nodes.push({ kind: 'not', child: when });
        checks.push(`${e.issues[0]!.message}, ${on}: the item must be of another option`);
      }
    }
    if (refused !== undefined && refusals === groups.length) throw refused;
  }
  if (nodes.length === 0) return { condition: undefined, checks };
  return { condition: new Condition(nodes.length === 1 ? nodes[0]! : { kind: 'and', children: nodes }), checks };
}

/** The conditions that keep one changed list or set within `b`; a `ValidationError` when no stored one could take the change. */
function lengthGuard(model: EntityModel, name: string, c: LengthChange, b: LengthBounds): { nodes: ConditionNode[]; checks: string[] } {
  const nodes: ConditionNode[] = [];
  const checks: string[] = [];
  const limit = b.max === b.min ? `length ${b.min}` : [b.min > 0 ? `min ${b.min}` : '', b.max !== undefined ? `max ${b.max}` : ''].filter(Boolean).join(', ');
  const refuse = (message: string): never => {
    throw new ValidationError(model.name, [{ path: name, message: `${message} (schema ${limit})` }], 'update');
  };
  // Fewer elements: removed list elements, deleted set elements (each may be absent: a no-op).
  const fewer = c.removed.size + c.deleted;
  if (fewer > 0 && b.min > 0) {
    const verb = c.removed.size > 0 ? 'removing' : 'deleting';
    // A set that holds none of the elements keeps its size: only a delete that cannot say so is refused.
    const notHeld = c.removed.size === 0 ? elementsHeld(c, false, (j) => sizeIs(c.path, '>=', b.min + fewer - j)) : [];
    const pastEnd = removedPastEnd(c, b.min);
    // No list the schema takes holds the lowest index removed: nothing is ever removed.
    const neverHeld = c.removed.size > 0 && b.max !== undefined && Math.min(...c.removed) >= b.max;
    if (b.max !== undefined && b.min + fewer > b.max && notHeld.length === 0 && !neverHeld) refuse(`${verb} ${elements(fewer)} would always leave fewer than ${b.min}`);
    // An absent list fails REMOVE l[i] itself (DynamoDB's own error), and DELETE from an absent
    // set does nothing: either way the bound is not the reason.
    nodes.push(anyOf(absent(c.path), sizeIs(c.path, '>=', b.min + fewer), ...notHeld, ...pastEnd));
    const less = notHeld.length > 0 ? ', less those of them it does not hold' : pastEnd.length > 0 ? ', less the indexes past its end (which REMOVE leaves alone)' : '';
    checks.push(`${name} must hold at least ${b.min + fewer} elements before ${verb} ${fewer}${less} (schema ${limit})`);
  }
  // More elements: list indexes set past the end append, so either the largest one exists
  // (every set replaces) or there is room for all of them.
  if (c.setIndexes.size > 0 && b.max !== undefined) {
    const g = c.setIndexes.size;
    if (g > b.max) refuse(`setting ${g} list elements could append more than ${b.max}`);
    const top = Math.max(...c.setIndexes);
    // An absent list fails the SET itself (DynamoDB's own error); the bound is not the reason.
    nodes.push(anyOf(absent(c.path), sizeIs(c.path, '>', top), sizeIs(c.path, '<=', b.max - g)));
    checks.push(`${name}[${top}] must exist or ${name} hold at most ${b.max - g} elements, as setting an index past the end appends (schema ${limit})`);
  }
  if (c.copiedFrom !== undefined) {
    const from = c.copiedFrom;
    const fits: ConditionNode[] = [];
    if (b.min > 0) fits.push(sizeIs(from.path, '>=', b.min));
    if (b.max !== undefined) fits.push(sizeIs(from.path, '<=', b.max));
    const within = fits.length === 1 ? fits[0]! : { kind: 'and' as const, children: fits };
    nodes.push(from.orFallback ? anyOf(absent(from.path), within) : within);
    checks.push(`${formatDocPath(from.path)} must hold ${b.max === b.min ? b.min : `${b.min} to ${b.max ?? 'any number of'}`} elements to be copied into ${name} (schema ${limit})`);
  }
  if (c.joined > 0) {
    const k = c.joined;
    const verb = b.kind === 'list' ? 'joining' : 'adding';
    if (b.max !== undefined && k > b.max) refuse(`${verb} ${elements(k)} exceeds the maximum ${b.max}`);
    // An absent list or set becomes exactly the k elements given.
    const fromAbsentOk = k >= b.min;
    if (b.max !== undefined) {
      const room = sizeIs(c.path, '<=', b.max - k);
      const max = b.max;
      const held = b.kind === 'set' ? elementsHeld(c, true, (j) => sizeIs(c.path, '<=', max - k + j)) : [];
      nodes.push(fromAbsentOk ? anyOf(absent(c.path), room, ...held) : anyOf(room, ...held));
      checks.push(`${name} must hold at most ${b.max - k} elements before ${verb} ${k}${held.length === 0 ? '' : ', plus those of them it holds already'}${fromAbsentOk ? ' (or be absent)' : ''} (schema ${limit})`);
    } else if (!fromAbsentOk) {
      nodes.push(present(c.path));
      checks.push(`${name} must exist: ${verb} ${k} to an absent ${b.kind} would leave fewer than ${b.min} (schema ${limit})`);
    }
  }
  return { nodes, checks };
}

/**
 * The alternatives to the size condition for `remove('l[i]', ...)` of a list: DynamoDB's REMOVE of
 * an index past the end does nothing, so with the indexes removed sorted `r0 < r1 < ...`, a list of
 * at most `r_j` elements loses at most `j` of them and keeps `min` where it holds `min + j`
 * (`size(l) <= r0` alone for j = 0: the stored list holds `min` already). Without them, removing
 * `items[5]` from a list of `min` elements failed its condition though it removed nothing. Up to
 * `MAX_ELEMENTS_EXACT` of them; beyond, the size condition alone counts every index.
 *
 * @example removedPastEnd(change of remove('items[5]'), 1) // [size(items) <= 5]
 */
function removedPastEnd(c: LengthChange, min: number): ConditionNode[] {
  if (c.removed.size === 0 || c.removed.size > MAX_ELEMENTS_EXACT) return [];
  const r = [...c.removed].sort((a, b) => a - b);
  return r.map((index, j) => (j === 0 ? sizeIs(c.path, '<=', index) : { kind: 'and', children: [sizeIs(c.path, '<=', index), sizeIs(c.path, '>=', min + j)] }));
}

/** Up to this many elements, a set's `add` or `delete` is judged exactly (a term per subset of them: 7 for 3). */
const MAX_ELEMENTS_EXACT = 3;
/** Up to this many, only "all of them held" (`add`) or "none" (`delete`) is added: each is a `contains`, of DynamoDB's 300 operators. */
const MAX_ELEMENTS_CHECKED = 10;

/**
 * The alternatives to the size condition for a set's `add` (`held`) or `delete` of elements the set
 * may already hold (not hold), which change nothing: for each subset J of the elements, "the set
 * holds every element of J" (none of them) AND `sizeFor(|J|)`, the size condition loosened by those
 * |J| elements (`undefined` when the stored item's own bounds make it hold, for J all of them).
 * Exact up to `MAX_ELEMENTS_EXACT` elements; up to `MAX_ELEMENTS_CHECKED`, J all of them only
 * (a retried `add` or `delete` then passes); beyond, none (the size condition alone counts every element).
 *
 * @example elementsHeld(change of add({ roles: new Set(['a']) }), true, ...) // [contains(roles, 'a')]
 */
function elementsHeld(c: LengthChange, held: boolean, sizeFor: (j: number) => ConditionNode): ConditionNode[] {
  const es = c.setElements ?? [];
  if (es.length === 0 || es.length > MAX_ELEMENTS_CHECKED) return [];
  const each = (e: unknown): ConditionNode => {
    const has: ConditionNode = { kind: 'contains', path: c.path, operand: { kind: 'value', value: e } };
    return held ? has : { kind: 'not', child: has };
  };
  const all = (2 ** es.length) - 1;
  const subsets = es.length <= MAX_ELEMENTS_EXACT ? Array.from({ length: all }, (_, i) => i + 1) : [all];
  return subsets.map((bits) => {
    const chosen = es.filter((_, i) => (bits & (1 << i)) !== 0);
    // With every element: the stored set's size is within bounds already (it parsed when written).
    const parts = [...chosen.map(each), ...(bits === all ? [] : [sizeFor(chosen.length)])];
    return parts.length === 1 ? parts[0]! : { kind: 'and', children: parts };
  });
}

function sameBounds(a: LengthBounds, b: LengthBounds): boolean {
  return a.min === b.min && a.max === b.max && a.kind === b.kind;
}
