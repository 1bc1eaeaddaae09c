import type { z } from 'zod';
import { defOf, keepsUnknownKeys, readCore, type LazyCompiling, type ValueFunction } from './schema-walk.js';

type Compile = (schema: z.ZodType, compiling: LazyCompiling) => ValueFunction | null;

/**
 * The reviver of a union (see codec.ts `compileReviver`). Stored forms lose the type that told a
 * union's options apart (a Date is a string, a Set a list). A discriminated union picks the option
 * by its tag. Otherwise a stored value the union accepts as it is stays as it is, and is else revived
 * by the first option whose reviver turns it into a value that option accepts.
 *
 * A map without its tag that no option accepts is a fragment: DynamoDB's `UPDATED_NEW` after
 * `set({ 'shape.drawn': d })` is `{ shape: { drawn } }`. It is revived by the one option whose
 * fields hold all of its keys; when several options do, which one it came from is unknown and it is
 * left as stored, as is a value no option accepts (for the schema to reject).
 */
export function unionReviver(schema: z.ZodType, all: readonly z.ZodType[], discriminator: string | undefined, compiling: LazyCompiling, compile: Compile): ValueFunction | null {
  const compiled = all.map((o) => [o, compile(o, compiling)] as const);
  const options = compiled.filter((e): e is readonly [z.ZodType, ValueFunction] => e[1] !== null);
  if (options.length === 0) return null;
  const fragment = fragmentReviver(compiled);
  const byTag = discriminator === undefined ? undefined : tagRevivers(discriminator, options);
  if (byTag !== undefined) {
    return (v) => {
      if (v === null || typeof v !== 'object') return v;
      const tag = (v as Record<string, unknown>)[discriminator!];
      // A bigint tag is stored as a number.
      const revive = byTag.get(tag) ?? (typeof tag === 'number' && Number.isInteger(tag) ? byTag.get(BigInt(tag)) : undefined);
      if (revive !== undefined) return revive(v);
      return tag === undefined ? fragment(v) : v;
    };
  }
  return (v) => {
    if (v === null || v === undefined || schema.safeParse(v).success) return v;
    for (const [option, revive] of options) {
      const x = revive(v);
      if (x !== v && option.safeParse(x).success) return x;
    }
    return fragment(v);
  };
}

/** Each tag value of the revivable options, with its option's reviver; `undefined` when an option's tags are unknown. */
function tagRevivers(discriminator: string, options: readonly (readonly [z.ZodType, ValueFunction])[]): Map<unknown, ValueFunction> | undefined {
  const byTag = new Map<unknown, ValueFunction>();
  for (const [option, revive] of options) {
    const values = (option as unknown as { _zod: { propValues?: Record<string, ReadonlySet<unknown>> } })._zod.propValues?.[discriminator];
    if (values === undefined || values.size === 0) return undefined;
    for (const tag of values) if (!byTag.has(tag)) byTag.set(tag, revive);
  }
  return byTag;
}

/**
 * Revives a map by the only option whose fields include all of its keys (see `unionReviver`). An
 * option that is not a plain object (an intersection, a lazy schema) or keeps unknown keys may hold
 * any key, so it counts as a candidate for every map.
 */
function fragmentReviver(options: readonly (readonly [z.ZodType, ValueFunction | null])[]): ValueFunction {
  // An option that keeps unknown keys (`.catchall()`, `z.looseObject`) may hold any key too.
  const shaped = options.map(([o, revive]) => [keepsUnknownKeys(readCore(o)) ? undefined : defOf(readCore(o)).shape, revive] as const);
  return (v) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const keys = Object.keys(v);
    let only: ValueFunction | null = null;
    let candidates = 0;
    for (const [shape, revive] of shaped) {
      if (shape !== undefined && !keys.every((k) => Object.hasOwn(shape, k))) continue;
      if (++candidates > 1) return v;
      only = revive;
    }
    return only === null ? v : only(v);
  };
}
