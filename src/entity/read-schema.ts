import type { z } from 'zod';
import { defOf, lazyInner, reaches } from './schema-walk.js';

/**
 * The schema that stored items are read with: the entity's schema seen from its output side.
 *
 * Writes store what the schema outputs, after `.transform()`s, `z.preprocess` and codecs. Parsing
 * that output with the same schema would run each transform again (a `n => n * 100` price grows on
 * every read, and a read-then-put corrupts the stored value). So each pipe is replaced by its
 * output side: `a.pipe(b)` and `z.preprocess(f, b)` read as `b`, and a `.transform(f)`, whose
 * output has no schema, accepts the stored value as it is. Schemas without pipes come back
 * unchanged (the same instance), so plain entities pay nothing.
 *
 * Recursive schemas are rewritten lazily: the read side of a lazy schema is a lazy schema resolving
 * to the (cached) read side of its target. Refinements are kept: they check the output, which is
 * what is stored.
 *
 * Every replacement is a copy of one of the schema's own nodes (see `withDef`), never a schema
 * made here: dynakit does not load zod at run time (an application's cold start pays for zod
 * once, through its own schemas), and the read schema stays on the application's copy of zod.
 *
 * @example readSchema(z.object({ cents: z.number().transform((n) => Math.round(n * 100)) })) // reads `cents` as stored
 */
export function readSchema<S extends z.ZodType>(schema: S): S {
  return readSide(schema) as S;
}

/**
 * The object schema without its object-level refinements, for projections: a refinement checks
 * the whole item (and zod refuses to `.pick()` a refined object), so it cannot judge a part of it.
 */
export function withoutRefinements(schema: z.ZodObject): z.ZodObject {
  const checks = (defOf(schema) as { checks?: readonly unknown[] }).checks;
  return checks === undefined || checks.length === 0 ? schema : (withDef(schema, { checks: [] }) as z.ZodObject);
}

/** Read sides of the targets of lazy schemas, so a recursive schema resolves to one read schema. */
const lazyTargets = new WeakMap<z.ZodType, z.ZodType>();

function lazyReadSide(target: z.ZodType): z.ZodType {
  let read = lazyTargets.get(target);
  if (read === undefined) {
    read = readSide(target);
    lazyTargets.set(target, read);
  }
  return read;
}

function readSide(schema: z.ZodType): z.ZodType {
  const def = defOf(schema);
  switch (def.type) {
    case 'pipe':
      return readSide(def.out!);
    case 'transform':
      return asStored(schema);
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return rebuilt(schema, { innerType: def.innerType });
    case 'object':
      return rebuilt(schema, { shape: def.shape, catchall: def.catchall });
    case 'array':
      return rebuilt(schema, { element: def.element });
    case 'set':
      return rebuilt(schema, { valueType: def.valueType });
    case 'record':
    case 'map':
      return rebuilt(schema, { keyType: def.keyType, valueType: def.valueType });
    case 'tuple':
      return rebuilt(schema, { items: def.items, rest: def.rest ?? undefined });
    case 'union':
      return rebuilt(schema, { options: def.options });
    case 'intersection':
      return rebuilt(schema, { left: def.left, right: def.right });
    case 'lazy': {
      // Resolving the target here would recurse forever; it is resolved on first parse instead.
      const target = lazyInner(schema);
      if (!reaches(target, (d) => d.type === 'pipe' || d.type === 'transform')) return schema;
      // zod caches a lazy schema's resolved target on its definition: the copy must not inherit it.
      return withDef(schema, { getter: () => lazyReadSide(target), _cachedInner: undefined });
    }
    default:
      return schema;
  }
}

/**
 * A transform that hands the stored value back unchanged: what a `.transform(f)`'s output reads as
 * (it has no schema of its own to check the value against).
 */
function asStored(transform: z.ZodType): z.ZodType {
  return withDef(transform, { transform: storedAsIs });
}

/**
 * Any stored value passes, but a missing one does not: zod lets an object key whose schema is a
 * bare transform be absent, while the model's field is required unless an `.optional()` around
 * it (which answers for `undefined` before this runs) says otherwise.
 */
function storedAsIs(value: unknown, ctx: { issues: unknown[] }): unknown {
  if (value === undefined) ctx.issues.push({ code: 'invalid_type', expected: 'nonoptional', input: value, path: [] });
  return value;
}

type Children = z.ZodType | readonly z.ZodType[] | Readonly<Record<string, z.ZodType>> | null | undefined;

/**
 * The schema with each given child read from its output side (a schema, a list of them, or an
 * object's shape); the schema itself when no child changes.
 */
function rebuilt(schema: z.ZodType, children: Record<string, Children>): z.ZodType {
  const patch: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(children)) {
    if (child === undefined || child === null) continue;
    if (isSchema(child)) {
      const next = readSide(child);
      if (next !== child) patch[key] = next;
      continue;
    }
    // A list (items, options) or a shape: rewritten entry by entry, replaced only when one changed.
    const entries = Object.entries(child);
    const next = entries.map(([, s]) => readSide(s));
    if (next.every((s, i) => s === entries[i]![1])) continue;
    patch[key] = Array.isArray(child) ? next : Object.fromEntries(entries.map(([k], i) => [k, next[i]]));
  }
  return Object.keys(patch).length === 0 ? schema : withDef(schema, patch);
}

function isSchema(x: object): x is z.ZodType {
  return '_zod' in x;
}

/**
 * A copy of the schema with some definition fields replaced. The definition is copied with its
 * property descriptors, because zod keeps some fields as getters (an object's `shape`, a
 * `.default(() => ...)`'s value, evaluated on each use) that a spread would freeze.
 */
export function withDef(schema: z.ZodType, patch: Record<string, unknown>): z.ZodType {
  const def = defOf(schema);
  const next = Object.create(Object.getPrototypeOf(def) as object, Object.getOwnPropertyDescriptors(def)) as Record<string, unknown>;
  for (const [k, v] of Object.entries(patch)) Object.defineProperty(next, k, { value: v, enumerable: true, configurable: true, writable: true });
  return (schema as unknown as { clone(def: unknown): z.ZodType }).clone(next);
}
