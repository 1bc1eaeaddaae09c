import type { z } from 'zod';
import { compileLazyTarget, defOf, emptySetWhenAbsent, lazyInner, reaches, readCore, type LazyCompiling } from './schema-walk.js';

/**
 * DynamoDB has no empty set. Where a schema reads a missing value as the empty set
 * (`z.set(...).default(new Set())`), an empty Set is stored as no attribute: at any depth, since
 * zod fills such a default into every nested object it parses (`prefs: {}` becomes
 * `prefs: { muted: new Set() }`), which would otherwise fail the write.
 */

/** Drops the empty Sets stored as nothing from a validated value; returns it unchanged when there are none. */
export type EmptySetPruner = (value: unknown) => unknown;


const cache = new WeakMap<z.ZodType, EmptySetPruner | null>();

/**
 * The pruner of a schema's validated values, compiled once per schema; `null` when no position of
 * the schema reads a missing value as the empty set, so plain schemas cost nothing.
 *
 * @example emptySetPruner(z.object({ p: z.object({ s: z.set(z.string()).default(new Set()) }) }))!({ p: { s: new Set() } }) // { p: {} }
 */
export function emptySetPruner(schema: z.ZodType): EmptySetPruner | null {
  let p = cache.get(schema);
  if (p === undefined) {
    p = compile(schema, new Map());
    cache.set(schema, p);
  }
  return p;
}

const isEmptySet = (v: unknown): boolean => v instanceof Set && v.size === 0;

function compile(schema: z.ZodType, compiling: LazyCompiling): EmptySetPruner | null {
  const core = readCore(schema);
  const def = defOf(core);
  switch (def.type) {
    case 'object': {
      const fields: [string, EmptySetPruner | 'drop'][] = [];
      for (const [k, s] of Object.entries(def.shape ?? {})) {
        if (emptySetWhenAbsent(s)) fields.push([k, 'drop']);
        else {
          const p = compile(s, compiling);
          if (p !== null) fields.push([k, p]);
        }
      }
      if (fields.length === 0) return null;
      return (v) => {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
        let out = v as Record<string, unknown>;
        for (const [k, p] of fields) {
          const x = out[k];
          if (x === undefined || x === null) continue;
          const next = p === 'drop' ? (isEmptySet(x) ? undefined : x) : p(x);
          if (next === x) continue;
          if (out === v) out = { ...out };
          if (next === undefined) delete out[k];
          else out[k] = next;
        }
        return out;
      };
    }
    case 'array': {
      const inner = def.element === undefined ? null : compile(def.element, compiling);
      return inner === null ? null : (v) => (Array.isArray(v) ? changedOrSame(v, v.map(inner)) : v);
    }
    case 'record': {
      const inner = def.valueType === undefined ? null : compile(def.valueType, compiling);
      if (inner === null) return null;
      return (v) => {
        if (v === null || typeof v !== 'object') return v;
        let out = v as Record<string, unknown>;
        for (const [k, x] of Object.entries(v)) {
          const next = x === undefined || x === null ? x : inner(x);
          if (next === x) continue;
          if (out === v) out = { ...out };
          out[k] = next;
        }
        return out;
      };
    }
    case 'tuple': {
      const items = (def.items ?? []).map((s) => compile(s, compiling));
      const rest = def.rest == null ? null : compile(def.rest, compiling);
      if (rest === null && items.every((p) => p === null)) return null;
      return (v) => {
        if (!Array.isArray(v)) return v;
        return changedOrSame(
          v,
          v.map((x, i) => {
            const p = i < items.length ? items[i]! : rest;
            return p === null || x === undefined || x === null ? x : p(x);
          }),
        );
      };
    }
    case 'union': {
      // The value was parsed by one option: that option's pruner applies (tried in the union's order).
      const options = (def.options ?? []).map((o) => [o, compile(o, compiling)] as const).filter((e): e is readonly [z.ZodType, EmptySetPruner] => e[1] !== null);
      if (options.length === 0) return null;
      return (v) => {
        if (v === null || typeof v !== 'object') return v;
        for (const [option, prune] of options) if (option.safeParse(v).success) return prune(v);
        return v;
      };
    }
    case 'lazy': {
      const target = lazyInner(core);
      if (!reaches(target, (d) => d.type === 'set')) return null;
      return compileLazyTarget(target, compiling, compile);
    }
    default:
      return null;
  }
}

/** `mapped` when an element changed, else the original list (no copy for unchanged values). */
function changedOrSame(original: unknown[], mapped: unknown[]): unknown[] {
  return mapped.every((x, i) => x === original[i]) ? original : mapped;
}
