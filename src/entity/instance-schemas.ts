import type { z } from 'zod';
import { defOf, resolvedCore } from './schema-walk.js';

/**
 * What the schemas at one place of an input make of a class instance of the caller's there (see
 * `givenInput`): `'fields'` when zod reads it by its fields (a `z.object`: the instance stands for
 * a map), `'elements'` for a subclass of Array where a list is expected, `'itself'` when some schema
 * may take the instance as it is (`z.instanceof`, `z.custom`, `z.unknown`, a bare transform), or
 * when none says.
 *
 * @example instanceReading(coresOf([z.object({ city: z.string() }).optional()])) // 'fields'
 */
export function instanceReading(cores: readonly z.ZodType[]): 'fields' | 'elements' | 'itself' {
  let fields = false;
  let elements = false;
  let record = false;
  for (const c of cores) {
    const type = defOf(c).type;
    if (type === 'object') fields = true;
    else if (type === 'array' || type === 'tuple') elements = true;
    else if (type === 'record') record = true;
    else if (!REFUSES_INSTANCES.has(type)) return 'itself';
  }
  // A record refuses the instance but would take a plain copy of it: beside an object schema that
  // could change which one reads the value, so it is kept as it is.
  if (fields) return record ? 'itself' : 'fields';
  return elements ? 'elements' : 'itself';
}

/**
 * Schema kinds that refuse an instance of the caller's own class (not a Date, Map, Set or binary
 * value): zod tests their values by `typeof`, `Array.isArray` or a plain prototype (`z.record`).
 * A class instance where only these (and objects) are expected can stand for nothing but a map.
 */
const REFUSES_INSTANCES = new Set(['string', 'number', 'bigint', 'boolean', 'symbol', 'null', 'undefined', 'void', 'literal', 'enum', 'nan', 'template_literal', 'never', 'date', 'map', 'set']);

/**
 * The core schemas a value at one place is checked against: wrappers, input sides of pipes and
 * `z.lazy` resolved, unions and intersections flattened (each of their schemas may be the one that
 * reads the value). Worked out once per schema.
 *
 * @example coresOf([z.union([z.object({ a: z.string() }), z.string()])]) // [ZodObject, ZodString]
 */
export function coresOf(schemas: readonly z.ZodType[]): readonly z.ZodType[] {
  if (schemas.length === 1) return coresOfOne(schemas[0]!);
  const out = new Set<z.ZodType>();
  for (const s of schemas) for (const c of coresOfOne(s)) out.add(c);
  return [...out];
}

function coresOfOne(schema: z.ZodType): readonly z.ZodType[] {
  let known = flattened.get(schema);
  if (known === undefined) {
    const out = new Set<z.ZodType>();
    flatten(schema, out, new Set());
    flattened.set(schema, (known = [...out]));
  }
  return known;
}
const flattened = new WeakMap<z.ZodType, readonly z.ZodType[]>();

function flatten(schema: z.ZodType, out: Set<z.ZodType>, seen: Set<z.ZodType>): void {
  const core = resolvedCore(schema);
  // A lazy union that holds itself ends here.
  if (seen.has(core)) return;
  seen.add(core);
  const def = defOf(core);
  if (def.type === 'union' && def.options !== undefined) for (const o of def.options) flatten(o, out, seen);
  else if (def.type === 'intersection' && def.left !== undefined && def.right !== undefined) {
    flatten(def.left, out, seen);
    flatten(def.right, out, seen);
  } else out.add(core);
}

/**
 * The schemas of the field `key` of a map checked against `cores`: an object's field (or its
 * catchall, for a key outside the shape), a record's values. Empty when no schema has the key (a
 * key attribute, a timestamp): its value is then left as it is.
 */
export function fieldSchemas(cores: readonly z.ZodType[], key: string): z.ZodType[] {
  const out: z.ZodType[] = [];
  for (const c of cores) {
    const def = defOf(c);
    if (def.type === 'object') {
      const field = def.shape !== undefined && Object.hasOwn(def.shape, key) ? def.shape[key] : def.catchall;
      if (field !== undefined && defOf(field).type !== 'never') out.push(field);
    } else if ((def.type === 'record' || def.type === 'map') && def.valueType !== undefined) out.push(def.valueType);
  }
  return out;
}

/** The schemas of element `index` of a list checked against `cores` (a list's elements, a tuple's positions). */
export function elementSchemas(cores: readonly z.ZodType[], index: number): z.ZodType[] {
  const out: z.ZodType[] = [];
  for (const c of cores) {
    const def = defOf(c);
    if (def.type === 'array' && def.element !== undefined) out.push(def.element);
    else if (def.type === 'tuple') {
      const item = def.items?.[index] ?? def.rest;
      if (item != null) out.push(item);
    }
  }
  return out;
}

/** The field names object schemas among `cores` read (zod reads each by name, inherited ones too). */
export function shapeKeys(cores: readonly z.ZodType[]): string[] {
  const out: string[] = [];
  for (const c of cores) {
    const def = defOf(c);
    if (def.type === 'object' && def.shape !== undefined) out.push(...Object.keys(def.shape));
  }
  return out;
}

/**
 * Whether a value checked against `cores` may hold, below itself, a class instance to copy: some
 * schema inside them is an object, list or tuple schema (where an instance or an Array subclass
 * may be read by its fields or elements). A map or list whose schemas hold none (`z.array(z.string())`,
 * `z.object({ city: z.string() })`) is not walked. Worked out once per schema.
 *
 * @example mayHoldInstances(coresOf([z.array(z.string())])) // false
 */
export function mayHoldInstances(cores: readonly z.ZodType[]): boolean {
  for (const c of cores) if (holdsBelow(c)) return true;
  return false;
}

function holdsBelow(core: z.ZodType): boolean {
  const known = holding.get(core);
  if (known !== undefined) return known;
  // A recursive schema met again inside itself: assumed to hold some (it is worked out on the way back).
  holding.set(core, true);
  const held = innerSchemas(core).some((inner) => coresOfOne(inner).some((c) => READ_BY_PARTS.has(defOf(c).type) || holdsBelow(c)));
  holding.set(core, held);
  return held;
}
const holding = new WeakMap<z.ZodType, boolean>();
const READ_BY_PARTS = new Set(['object', 'array', 'tuple']);

/** The schemas of the values directly inside a core schema's maps and lists. */
function innerSchemas(core: z.ZodType): z.ZodType[] {
  const def = defOf(core);
  const out: (z.ZodType | null | undefined)[] = [];
  if (def.type === 'object') out.push(...Object.values(def.shape ?? {}), def.catchall);
  else if (def.type === 'array') out.push(def.element);
  else if (def.type === 'tuple') out.push(...(def.items ?? []), def.rest);
  else if (def.type === 'record' || def.type === 'map') out.push(def.valueType);
  return out.filter((s): s is z.ZodType => s != null);
}
