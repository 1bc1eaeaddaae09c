import type { z } from 'zod';
import type { AttributeTypeName, DocPath, SetValue, UpdateAction } from '../expressions/ast.js';
import { formatDocPath } from '../expressions/document-path.js';
import { UpdateRef } from '../expressions/update-values.js';
import { ExpressionError, KeyError, ValidationError } from '../errors.js';
import type { EntityModel } from '../entity/model.js';
import { defaultOf, defOf, emptySetWhenAbsent, isOptionalSchema, resolvedCore } from '../entity/schema-walk.js';
import { leafSchemas, pathSchemas, refusedRecordKey, type PathLeaf, type PathSchemas } from '../entity/path-schemas.js';
import { resolveDocPath } from '../entity/dotted-names.js';
import { emptySetPruner } from '../entity/empty-set-defaults.js';
import { describeKinds, kindsFit, storedKinds, type StoredKinds } from '../entity/stored-kinds.js';
import { assertGuardsAgree, unionTarget, type UnionGuard } from './union-guards.js';
import { assertOwnedBy } from '../expressions/condition-owner.js';

/** One call on the update builder, kept in call order until the command is built. */
export type UpdateStep =
  | { readonly kind: 'set' | 'setIfNotExists' | 'add' | 'delete' | 'append' | 'prepend'; readonly values: Readonly<Record<string, unknown>> }
  | { readonly kind: 'remove'; readonly paths: readonly string[] };

/**
 * Resolves a user path: a top-level attribute whose name contains dots wins over nesting, and so
 * does a nested map key with dots (`meta.a.b` for the key `a.b` of `meta`), as the path types read it.
 */
export function resolvePath(model: EntityModel, path: string): DocPath {
  return resolveDocPath(model.name, model.schema, (n) => Object.hasOwn(model.shape, n), path);
}

export interface Planned {
  readonly actions: UpdateAction[];
  /** Top-level attributes whose new value is known (for rebuilding index keys). */
  readonly known: Record<string, unknown>;
  /** Top-level attributes changed in a way whose result is not known here (ADD, arithmetic). */
  readonly opaque: Set<string>;
  readonly removed: Set<string>;
  /** Top-level attributes the update gives a value when the item does not exist yet (all but delete()). */
  readonly provided: Set<string>;
  /** Tags the stored item must hold for nested changes inside union attributes (union-guards.ts). */
  readonly guards: UnionGuard[];
}

function emptyPlan(): Planned {
  return { actions: [], known: {}, opaque: new Set(), removed: new Set(), provided: new Set(), guards: [] };
}

/** The error of an update action the schema does not allow at `path` (`invalid update: ...`). */
function refusedUpdate(model: EntityModel, path: string, message: string): ValidationError {
  return new ValidationError(model.name, [{ path, message }], 'update');
}

function pathFor(model: EntityModel, path: DocPath, op: string): PathSchemas {
  const top = path[0];
  if (typeof top === 'string' && model.keys.primaryComposites.has(top)) {
    throw new KeyError(model.name, 'primary', top, `${top} composes the primary key and cannot be changed by ${op}; delete and re-create the item instead`);
  }
  // A nested path through the tag is no variant's field; only the tag itself changes the variant.
  if (path.length === 1 && typeof top === 'string' && top === model.variants?.tag) {
    throw new ExpressionError(model.name, top, `tells the variants of ${model.name} apart and cannot be changed by ${op}: the fields of the new variant would be missing; put the whole item to change its variant`);
  }
  const s = pathSchemas(model.schema, path);
  if (s === undefined) {
    // Managed attributes are in the item type but not in the schema: "not a path" would puzzle.
    if (top !== undefined && top === model.version) {
      throw new ExpressionError(
        model.name,
        formatDocPath(path),
        'is the optimistic-locking version, which dynakit increments on every write; to check it, pass it with the key: update({ ...key, version })',
      );
    }
    if (top !== undefined && (top === model.timestamps?.createdAt || top === model.timestamps?.updatedAt)) {
      throw new ExpressionError(model.name, formatDocPath(path), 'is a timestamp, which dynakit sets on every write');
    }
    const refused = refusedRecordKey(model.schema, path);
    if (refused !== undefined) {
      // A key its record refuses: the item written would fail every read's parse.
      const key = String(refused.at.at(-1));
      throw refusedUpdate(model, formatDocPath(path), `the key ${JSON.stringify(key)} of ${formatDocPath(refused.at.slice(0, -1))} is refused by the record's key schema: ${refused.message}`);
    }
    throw new ExpressionError(model.name, formatDocPath(path), `is not a path of the ${model.name} schema`);
  }
  return s;
}

const isRef = (v: unknown): v is UpdateRef<unknown> => v instanceof UpdateRef;

/** A validated value of schema `s` as a put stores it: nested empty Sets that read back as a default dropped (empty-set-defaults.ts). */
export function storable(s: z.ZodType, value: unknown): unknown {
  const prune = emptySetPruner(s);
  return prune === null || value === undefined || value === null ? value : prune(value);
}

/**
 * Checks a change applied to a stored value (a number added or subtracted, set elements added or
 * deleted, list elements appended or prepended): it must have the attribute's type (a whole number for an int attribute, elements
 * parsed by the set's element schema), but not the attribute's bounds, which hold for the
 * result, not for the change (`add({ stock: -1 })` on a non-negative counter is fine). List and
 * set length bounds are kept for the result by a condition (length-bounds.ts).
 */
function validateChange(model: EntityModel, s: z.ZodType, raw: unknown, at: string, op: string): unknown {
  // Through z.lazy too: an offset of 5 to a lazy number up to 10 is a change, not a value the schema must take.
  const core = resolvedCore(s);
  const def = defOf(core);
  if (def.type === 'set') {
    if (!(raw instanceof Set)) throw refusedUpdate(model, at, `${op}() takes a Set of elements`);
    const element = def.valueType;
    return element === undefined ? raw : new Set(Array.from(raw, (e) => model.validateAt(element, e, at)));
  }
  if (def.type === 'array') {
    // Elements joined to a stored list: the list's length bounds hold for the result, not for them
    // (the update's condition keeps them: length-bounds.ts).
    if (!Array.isArray(raw)) throw refusedUpdate(model, at, `${op} takes a list of elements`);
    const element = def.element;
    return element === undefined ? raw : raw.map((e, i) => model.validateAt(element, e, `${at}[${i}]`));
  }
  if (def.type === 'number') {
    const whole = (core as { isInt?: boolean }).isInt === true;
    if (typeof raw !== 'number' || !Number.isFinite(raw) || (whole && !Number.isInteger(raw))) {
      throw refusedUpdate(model, at, `${op} takes a ${whole ? 'whole ' : 'finite '}number, got ${String(raw)}`);
    }
    return raw;
  }
  // A bigint attribute holds integers beyond 2^53: a number change there could already be rounded.
  if (def.type === 'bigint') {
    if (typeof raw !== 'bigint') throw refusedUpdate(model, at, `${op} takes a bigint, got ${typeof raw === 'number' ? `the number ${raw}` : String(raw)}`);
    return raw;
  }
  return model.validateAt(s, raw, at);
}

/**
 * Checks the paths and literals of a `ref()` value set at `at` (schema `s`): a literal that can
 * become the stored value (an `ifNotExists` fallback) is parsed by the schema; one that is added
 * or subtracted is checked as a change. A copied attribute must be stored as a type the target
 * stores (the types check that for typed code; DynamoDB would store a string in a number field,
 * and every later read of the item would fail its schema), and arithmetic reads and writes numbers.
 */
function refValue(model: EntityModel, v: UpdateRef<unknown>, target: DocPath, s: z.ZodType): SetValue {
  const at = formatDocPath(target);
  assertOwnedBy(v.owners, [model.conditionOwner], model.name, `the value of ${at}`);
  const into = model.isTtlPath(target) ? NUMBER : storedKinds(s);
  const source = (path: DocPath, fits: StoredKinds, role: string): void => {
    const ps = pathSchemas(model.schema, path);
    if (ps === undefined) {
      throw new ExpressionError(model.name, formatDocPath(path), `is not a path of the ${model.name} schema (in the value of ${at})`);
    }
    if (!model.storedAlike(path, target)) {
      throw new ExpressionError(model.name, formatDocPath(path), `cannot be copied into ${at}: the TTL attribute ${model.ttl} stores a Date as epoch seconds, other Dates are ISO strings`);
    }
    const from = model.isTtlPath(path) ? NUMBER : kindsOf(leafSchemas(ps));
    if (!kindsFit(from, fits)) {
      throw new ExpressionError(model.name, formatDocPath(path), `is stored as ${describeKinds(from!)} and cannot be ${role} (${describeKinds(fits!)} at ${at})`);
    }
  };
  const check = (sv: SetValue, role: 'result' | 'operand'): SetValue => {
    switch (sv.kind) {
      case 'path':
        source(sv.path, role === 'result' ? into : NUMBER, role === 'result' ? `copied into ${at}` : 'added or subtracted');
        return sv;
      case 'size':
        return sv;
      case 'value':
        return { kind: 'value', value: role === 'result' ? storable(s, model.validateAt(s, sv.value, at)) : validateChange(model, s, sv.value, at, 'arithmetic') };
      case 'ifNotExists':
        source(sv.path, role === 'result' ? into : NUMBER, role === 'result' ? `copied into ${at}` : 'added or subtracted');
        return { ...sv, fallback: check(sv.fallback, role) };
      default:
        if (!kindsFit(NUMBER, into)) {
          throw new ExpressionError(model.name, at, `is stored as ${describeKinds(into!)} and cannot take the result of arithmetic (a number)`);
        }
        return { ...sv, left: check(sv.left, 'operand'), right: check(sv.right, 'operand') };
    }
  };
  return check(v.value, 'result');
}

const NUMBER: StoredKinds = new Set(['N']);

/** The kinds of every schema a path leads to (union options, intersection sides). */
function kindsOf(schemas: readonly z.ZodType[]): StoredKinds {
  const out = new Set<AttributeTypeName>();
  for (const sch of schemas) {
    const k = storedKinds(sch);
    if (k === null) return null;
    for (const x of k) out.add(x);
  }
  return out;
}

/**
 * Whether removing the value of schema `s` leaves a valid item: the attribute is optional, or it
 * is an element of its container (`entry`: a list element, a record entry; records have no
 * required keys). Decided per union option: `meta.x` may be a record entry in one option and a
 * required field in another.
 */
function removable(s: z.ZodType, entry: boolean): boolean {
  return entry || isOptionalSchema(s);
}

const isEntry = (leaf: PathLeaf, s: z.ZodType): boolean => leaf.entries?.has(s) === true;

type ValueStep = Exclude<UpdateStep, { kind: 'remove' }>['kind'];

/**
 * Turns the builder's steps into validated update actions: every path must exist in the schema,
 * values are parsed by the schema at their path, primary-key composites are refused, and
 * `undefined` in `set` removes an optional attribute (or stores its schema default). A path inside
 * a union attribute is checked against the options that have it (see `unionTarget`). Given a
 * `plan`, the steps are planned into it (derived values after the caller's steps).
 */
export function planSteps(model: EntityModel, steps: readonly UpdateStep[], plan: Planned = emptyPlan()): Planned {
  // The schema a change is checked with; a dry run of the change on each union option picks them.
  const target = (path: DocPath, op: string, apply: (into: Planned, s: z.ZodType, entry: boolean) => void, removes = op === 'remove'): void => {
    const variants = model.variants?.options.map((o) => o.schema);
    const ps = pathFor(model, path, op);
    // Removing a missing attribute does nothing, so an option without the path takes a remove();
    // but a remove() of a field with a default stores the default (`clear`), a field that option has not got.
    const absentOk = removes && leafSchemas(ps).every((s) => defaultOf(s) === undefined);
    const t = unionTarget(model.name, path, ps, (s, leaf) => apply(emptyPlan(), s, isEntry(leaf, s)), absentOk, variants);
    plan.guards.push(...t.guards);
    apply(plan, t.schema, isEntry(t.leaf, t.schema));
  };
  for (const step of steps) {
    if (step.kind === 'remove') {
      for (const p of step.paths) {
        const path = resolvePath(model, p);
        target(path, 'remove', (into, s, entry) => removeStep(model, into, path, p, s, entry));
      }
      continue;
    }
    // Keys, not entries: no [key, value] array per value of every update.
    for (const p of Object.keys(step.values)) {
      const raw = step.values[p];
      // An optional key given as undefined is absent, except in set() where it means REMOVE.
      if (raw === undefined && step.kind !== 'set') continue;
      const path = resolvePath(model, p);
      // set({ x: undefined }) removes x as remove('x') does (a list position keeps its place with NULL instead).
      const removes = step.kind === 'set' && raw === undefined && typeof path.at(-1) === 'string';
      target(path, step.kind, (into, s, entry) => valueStep(model, into, step.kind, path, raw, s, entry), removes);
    }
  }
  assertGuardsAgree(model.name, plan.guards);
  return plan;
}

function note(plan: Planned, path: DocPath, value: unknown, isKnown: boolean): void {
  const top = path[0] as string;
  if (path.length === 1 && isKnown) plan.known[top] = value;
  else plan.opaque.add(top);
}

function removeAt(plan: Planned, path: DocPath): void {
  plan.actions.push({ kind: 'remove', path });
  if (path.length === 1) plan.removed.add(path[0] as string);
  else plan.opaque.add(path[0] as string);
}

/**
 * An absent value: the schema default when there is one (a put would store it), else REMOVE; or, for
 * a `hole` (a list or tuple position that keeps its place), NULL, as a put stores an undefined
 * element: REMOVE would shift the later elements, and a tuple's fixed positions with them.
 */
function clear(plan: Planned, path: DocPath, s: z.ZodType, hole = false): void {
  const fallback = storable(s, defaultOf(s));
  if (fallback === undefined && hole) {
    plan.actions.push({ kind: 'set', path, value: { kind: 'value', value: null } });
    plan.opaque.add(path[0] as string);
    return;
  }
  if (fallback === undefined) return removeAt(plan, path);
  plan.actions.push({ kind: 'set', path, value: { kind: 'value', value: fallback } });
  plan.provided.add(path[0] as string);
  note(plan, path, fallback, true);
}

function removeStep(model: EntityModel, plan: Planned, path: DocPath, p: string, s: z.ZodType, entry: boolean): void {
  if (!removable(s, entry)) {
    throw refusedUpdate(model, p, 'is required by the schema and cannot be removed');
  }
  // A list element or a tuple's rest element is an entry, removed; a fixed tuple position keeps its place.
  clear(plan, path, s, typeof path.at(-1) === 'number' && !entry);
}

function valueStep(model: EntityModel, plan: Planned, kind: ValueStep, path: DocPath, raw: unknown, s: z.ZodType, entry: boolean): void {
  const at = formatDocPath(path);
  const { actions } = plan;
  // DELETE of set elements does nothing to a missing attribute; everything else creates it.
  if (kind !== 'delete' && raw !== undefined) plan.provided.add(path[0] as string);
  switch (kind) {
    case 'set': {
      if (isRef(raw)) {
        actions.push({ kind: 'set', path, value: refValue(model, raw, path, s) });
        note(plan, path, undefined, false);
      } else if (raw === undefined) {
        if (!removable(s, entry)) throw refusedUpdate(model, at, 'is required; set() got undefined');
        // An element set to undefined keeps its position, as in a put of the list, where the element schema takes undefined.
        clear(plan, path, s, typeof path.at(-1) === 'number' && isOptionalSchema(s));
      } else {
        const value = storable(s, model.validateAt(s, raw, at));
        if (value instanceof Set && value.size === 0 && emptySetWhenAbsent(s)) {
          // Stored as no attribute, as a put stores it (DynamoDB has no empty set).
          removeAt(plan, path);
          break;
        }
        actions.push({ kind: 'set', path, value: { kind: 'value', value } });
        note(plan, path, value, true);
      }
      break;
    }
    case 'setIfNotExists': {
      // Untyped callers: a ref() is not a value, and zod's "received UpdateRef" would not say why.
      if (isRef(raw)) throw new ExpressionError(model.name, at, 'setIfNotExists() takes plain values, not ref(); set() takes ref() (with ref(path).ifNotExists(value) for a fallback)');
      const value = storable(s, model.validateAt(s, raw, at));
      // An empty set there is stored as no attribute (as put and set() store it), which reads back as it: nothing to write.
      if (value instanceof Set && value.size === 0 && emptySetWhenAbsent(s)) break;
      actions.push({ kind: 'set', path, value: { kind: 'ifNotExists', path, fallback: { kind: 'value', value } } });
      note(plan, path, undefined, false);
      break;
    }
    case 'add': {
      const t = defOf(resolvedCore(s)).type;
      if (t !== 'number' && t !== 'bigint' && t !== 'set') {
        throw refusedUpdate(model, at, `add() works on numbers, bigints and sets, not ${t}`);
      }
      actions.push({ kind: 'add', path, value: validateChange(model, s, raw, at, 'add()') });
      note(plan, path, undefined, false);
      break;
    }
    case 'delete': {
      if (defOf(resolvedCore(s)).type !== 'set') throw refusedUpdate(model, at, 'delete() removes elements from a set; use remove() for attributes');
      actions.push({ kind: 'delete', path, value: validateChange(model, s, raw, at, 'delete()') });
      note(plan, path, undefined, false);
      break;
    }
    case 'append':
    case 'prepend': {
      if (defOf(resolvedCore(s)).type !== 'array') throw refusedUpdate(model, at, `${kind}() works on lists`);
      const value = storable(resolvedCore(s), validateChange(model, s, raw, at, `${kind}()`));
      const list: SetValue = { kind: 'ifNotExists', path, fallback: { kind: 'value', value: [] } };
      const items: SetValue = { kind: 'value', value };
      actions.push({
        kind: 'set',
        path,
        value: kind === 'append' ? { kind: 'listAppend', left: list, right: items } : { kind: 'listAppend', left: items, right: list },
      });
      note(plan, path, undefined, false);
      break;
    }
  }
}
