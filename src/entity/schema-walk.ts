import type { z } from 'zod';

/** Minimal view of zod v4's internal definition; only the fields we walk. */
export interface ZodDefView {
  type: string;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: readonly z.ZodType[];
  /** tuple schemas: the positional items, and the schema of any further elements */
  items?: readonly z.ZodType[];
  rest?: z.ZodType | null;
  /** object schemas: set by looseObject/strictObject/catchall, absent when unknown keys are stripped */
  catchall?: z.ZodType;
  /** record and map schemas */
  keyType?: z.ZodType;
  /** record schemas: `z.partialRecord` (its enum keys may be absent), `z.looseRecord` (other keys kept) */
  partial?: boolean;
  mode?: string;
  /** intersection schemas */
  left?: z.ZodType;
  right?: z.ZodType;
  /** discriminated unions: the tag attribute */
  discriminator?: string;
  /** literal schemas */
  values?: readonly unknown[];
}

export function defOf(schema: z.ZodType): ZodDefView {
  return (schema as unknown as { def: ZodDefView }).def;
}

/**
 * Whether an object schema keeps attributes outside its shape (`.catchall()`, `z.looseObject`);
 * a strict one refuses them (its catchall is `never`), and the default strips them.
 */
export function keepsUnknownKeys(schema: z.ZodType): boolean {
  const rest = defOf(schema).catchall;
  return rest !== undefined && defOf(rest).type !== 'never';
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

/**
 * Strips optional/nullable/default wrappers and pipes to the core schema. Pipes are followed by
 * their input side (what a write accepts) or, for `'output'`, their output side (what is stored;
 * `a.pipe(b)` is `b`, and a pipe into a bare transform stops at the transform, which has no schema).
 */
export function unwrapSchema(schema: z.ZodType, side: 'input' | 'output' = 'input'): z.ZodType {
  let s = schema;
  for (;;) {
    const def = defOf(s);
    const next = WRAPPERS.has(def.type) ? def.innerType : def.type === 'pipe' ? (side === 'input' ? def.in : def.out) : undefined;
    if (next === undefined) return s;
    s = next;
  }
}

/** The core schema as stored values see it: `unwrapSchema` on the output side of pipes. */
export function readCore(schema: z.ZodType): z.ZodType {
  return unwrapSchema(schema, 'output');
}

/**
 * `unwrapSchema`, also through the schemas `z.lazy` stands for: the schema whose checks apply to a
 * value (`z.lazy(() => z.number().max(10))` is a number up to 10). A lazy schema that stands for
 * itself is returned as it is.
 *
 * @example resolvedCore(z.lazy(() => z.set(z.string())).optional()) // the ZodSet
 */
export function resolvedCore(schema: z.ZodType, side: 'input' | 'output' = 'input'): z.ZodType {
  let s = unwrapSchema(schema, side);
  for (const seen = new Set<z.ZodType>(); defOf(s).type === 'lazy' && !seen.has(s); ) {
    seen.add(s);
    s = unwrapSchema(lazyInner(s), side);
  }
  return s;
}

/** The schema a `z.lazy` stands for, as zod resolves (and caches) it. */
export function lazyInner(schema: z.ZodType): z.ZodType {
  return (schema as unknown as { _zod: { innerType: z.ZodType } })._zod.innerType;
}

/** A function over values compiled from a schema (a reviver, an empty-set pruner). */
export type ValueFunction = (value: unknown) => unknown;

/** Value functions being compiled, by the schema a `z.lazy` stands for: recursion refers back to them. */
export type LazyCompiling = Map<z.ZodType, { fn: ValueFunction | null | undefined }>;

/**
 * Compiles the schema a `z.lazy` stands for once per compilation, so a recursive schema ends: met
 * again inside its own definition, it gets a forwarder to the function not built yet (it will be
 * before any value passes through).
 */
export function compileLazyTarget(target: z.ZodType, compiling: LazyCompiling, compile: (schema: z.ZodType, compiling: LazyCompiling) => ValueFunction | null): ValueFunction | null {
  const known = compiling.get(target);
  if (known !== undefined) return known.fn !== undefined ? known.fn : (v) => (known.fn ? known.fn(v) : v);
  const entry: { fn: ValueFunction | null | undefined } = { fn: undefined };
  compiling.set(target, entry);
  entry.fn = compile(target, compiling);
  return entry.fn;
}

/**
 * The schemas directly inside one, as stored values see them: lazy schemas resolved, pipes by their
 * output side only (their input is never stored).
 */
export function childSchemas(schema: z.ZodType): z.ZodType[] {
  const def = defOf(schema);
  const out: (z.ZodType | null | undefined)[] = [def.innerType, def.element, def.keyType, def.valueType, def.out, def.catchall, def.left, def.right, def.rest];
  if (def.shape !== undefined) out.push(...Object.values(def.shape));
  if (def.options !== undefined) out.push(...def.options);
  if (def.items !== undefined) out.push(...def.items);
  if (def.type === 'lazy') out.push(lazyInner(schema));
  return out.filter((s): s is z.ZodType => s != null && typeof s === 'object' && 'def' in s);
}

/**
 * True when some schema reachable from this one (through lazy schemas too, each visited once)
 * passes the test; decides whether a recursive schema needs any rewriting or reviving at all.
 */
export function reaches(schema: z.ZodType, test: (def: ZodDefView) => boolean, seen = new Set<z.ZodType>()): boolean {
  if (seen.has(schema)) return false;
  seen.add(schema);
  if (test(defOf(schema))) return true;
  return childSchemas(schema).some((c) => reaches(c, test, seen));
}

/** The core zod type name at a schema position (`string`, `number`, `date`, `set`, ...). */
export function coreType(schema: z.ZodType): string {
  return defOf(unwrapSchema(schema)).type;
}

/** True when `undefined` is an accepted value (the attribute may be absent). */
export function isOptionalSchema(schema: z.ZodType): boolean {
  return schema.safeParse(undefined).success;
}

/**
 * True when a missing value reads back as an empty Set (a `.default(new Set())`): DynamoDB cannot
 * store an empty set, and storing nothing there loses nothing.
 */
export function emptySetWhenAbsent(schema: z.ZodType): boolean {
  const r = schema.safeParse(undefined);
  return r.success && r.data instanceof Set && r.data.size === 0;
}

/**
 * What a schema makes of an absent value: its `.default()` (or `.catch()`) value, or
 * `undefined`. A read fills that default in for a missing attribute, so an update that removes
 * the attribute must store it instead, as a put would: otherwise reads show the default while
 * the index keys built from it are gone. An empty Set default counts as absent: DynamoDB has no
 * empty set, and a missing attribute reads back as that default anyway.
 */
export function defaultOf(s: z.ZodType): unknown {
  const r = s.safeParse(undefined);
  if (!r.success || (r.data instanceof Set && r.data.size === 0)) return undefined;
  return r.data;
}
