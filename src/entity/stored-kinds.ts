import type { z } from 'zod';
import type { AttributeTypeName } from '../expressions/ast.js';
import { defOf, lazyInner } from './schema-walk.js';

/** DynamoDB attribute types a schema position can store; `null` when the schema cannot tell (any, custom, transforms). */
export type StoredKinds = ReadonlySet<AttributeTypeName> | null;

const SET_OF: Partial<Record<AttributeTypeName, AttributeTypeName>> = { S: 'SS', N: 'NS', B: 'BS' };

function scalarKind(v: unknown): AttributeTypeName | undefined {
  if (typeof v === 'string') return 'S';
  if (typeof v === 'number' || typeof v === 'bigint') return 'N';
  if (typeof v === 'boolean') return 'BOOL';
  if (v === null) return 'NULL';
  return undefined;
}

function union(parts: readonly StoredKinds[]): StoredKinds {
  const out = new Set<AttributeTypeName>();
  for (const p of parts) {
    if (p === null) return null;
    for (const k of p) out.add(k);
  }
  return out;
}

function ofValues(values: readonly unknown[]): StoredKinds {
  const out = new Set<AttributeTypeName>();
  for (const v of values) {
    const k = scalarKind(v);
    if (k === undefined) return null;
    out.add(k);
  }
  return out;
}

/**
 * The DynamoDB types a value of this schema is stored as (the output side of pipes; a `Date` as its
 * ISO string). Used where untyped code could move a stored value into an attribute of another type
 * (`ref()` copies), which DynamoDB accepts and every later read of the item then refuses.
 *
 * @example storedKinds(z.string().nullable()) // Set { 'S', 'NULL' }
 */
export function storedKinds(schema: z.ZodType, seen: Set<z.ZodType> = new Set()): StoredKinds {
  if (seen.has(schema)) return null;
  seen.add(schema);
  const def = defOf(schema);
  const inner = (s: z.ZodType | null | undefined): StoredKinds => (s == null ? null : storedKinds(s, seen));
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return inner(def.innerType);
    case 'nullable':
      return union([inner(def.innerType), new Set<AttributeTypeName>(['NULL'])]);
    case 'pipe':
      return inner(def.out);
    case 'lazy':
      return inner(lazyInner(schema));
    case 'string':
    case 'template_literal':
    case 'date':
      return new Set<AttributeTypeName>(['S']);
    case 'number':
    case 'int':
    case 'bigint':
    case 'nan':
      return new Set<AttributeTypeName>(['N']);
    case 'boolean':
      return new Set<AttributeTypeName>(['BOOL']);
    case 'null':
      return new Set<AttributeTypeName>(['NULL']);
    case 'literal':
      return ofValues(def.values ?? []);
    case 'enum':
      return ofValues(Object.values((def as { entries?: Record<string, unknown> }).entries ?? {}));
    case 'array':
    case 'tuple':
      return new Set<AttributeTypeName>(['L']);
    case 'object':
    case 'record':
      return new Set<AttributeTypeName>(['M']);
    case 'set': {
      const el = inner(def.valueType);
      if (el === null || el.size !== 1) return null;
      const set = SET_OF[[...el][0]!];
      return set === undefined ? null : new Set([set]);
    }
    case 'union':
      return union((def.options ?? []).map(inner));
    case 'intersection': {
      const [l, r] = [inner(def.left), inner(def.right)];
      if (l === null) return r;
      if (r === null) return l;
      return new Set([...l].filter((k) => r.has(k)));
    }
    case 'custom':
      return schema.safeParse(new Uint8Array(0)).success || schema.safeParse(Buffer.alloc(0)).success ? new Set<AttributeTypeName>(['B']) : null;
    default:
      return null;
  }
}

/** Whether every kind in `from` is one of `into`'s (true when either side cannot tell). */
export function kindsFit(from: StoredKinds, into: StoredKinds): boolean {
  if (from === null || into === null) return true;
  for (const k of from) if (!into.has(k)) return false;
  return true;
}

/** A readable list of kinds for error messages: `S or NULL`. */
export function describeKinds(kinds: ReadonlySet<AttributeTypeName>): string {
  return [...kinds].join(' or ');
}
