import type { z } from 'zod';
import { VariantFieldError } from '../errors.js';
import { defOf, keepsUnknownKeys } from './schema-walk.js';
import { rootUnion } from './path-schemas.js';
import { withDef } from './read-schema.js';
import { placeholderNames } from './key-template.js';

/**
 * An entity whose schema is a union of objects (`z.discriminatedUnion('method', [card, bank])`):
 * one entity, one discriminator value, several variants of its item that one literal field (the
 * tag) tells apart. Writes and full reads use the union itself; what is decided per top-level
 * attribute (stored names, revivers of a projection, key values, defaults) reads `shape`, every
 * field of every variant. A field all variants hold alike keeps its schema there; any other is the
 * union of the variants' schemas, optional when some variant lacks it.
 */
export interface SchemaVariants {
  /** The field that tells the variants apart. */
  readonly tag: string;
  readonly options: readonly VariantOption[];
  /** Every field of every variant (see above). */
  readonly shape: Readonly<Record<string, z.ZodType>>;
  /** The fields every variant holds with the same schema. */
  readonly common: ReadonlySet<string>;
  /** An object schema of `shape`: what a projected read parses (a projection may leave the tag out). */
  readonly object: z.ZodObject;
}

export interface VariantOption {
  readonly schema: z.ZodObject;
  /** The tag's values that select this variant, as written in messages (`"card"`). */
  readonly label: string;
  /** The tag's values that select this variant (`['card']`): what a key composed of the tag names. */
  readonly values: readonly unknown[];
}

/**
 * The variants of a union schema, checked; `undefined` for any other schema (a `z.object` entity
 * pays one look at its definition's type). Each option must be a `z.object` that does not keep
 * unknown keys, and the options must have a tag: a discriminator, or a field every option holds as
 * literals no other option holds (the rule union attributes follow, path-schemas.ts).
 *
 * @example schemaVariants('Payment', z.discriminatedUnion('method', [card, bank]))?.tag // 'method'
 */
export function schemaVariants(entity: string, schema: unknown): SchemaVariants | undefined {
  // Not a zod union (an object, or what untyped code passed): objectShape judges it.
  if ((schema as { _zod?: { def?: { type?: unknown } } } | null | undefined)?._zod?.def?.type !== 'union') return undefined;
  const union = rootUnion(schema as z.ZodType);
  if (union === undefined) return undefined;
  for (const [i, o] of union.options.entries()) {
    const type = defOf(o).type;
    if (type !== 'object') throw new VariantFieldError(entity, '', [], `option ${i + 1} of the schema's union is a zod ${type}; each variant of an entity must be a z.object({...})`);
    if (keepsUnknownKeys(o)) throw new VariantFieldError(entity, '', [], `option ${i + 1} of the schema's union keeps unknown attributes (.catchall(), z.looseObject); a variant must declare its fields`);
  }
  if (union.tag === undefined) {
    throw new VariantFieldError(entity, '', [], "the schema's union has no tag: use z.discriminatedUnion, or give every option a literal field that no other option holds");
  }
  const tag = union.tag;
  const options = union.options.map((o, i) => ({ schema: o as z.ZodObject, label: union.tagValues[i]!.map((v) => JSON.stringify(v)).join(' | '), values: union.tagValues[i]! }));
  const fields = new Map<string, z.ZodType[]>();
  for (const o of options) for (const [k, s] of Object.entries(shapeOf(o.schema))) fields.set(k, [...(fields.get(k) ?? []), s]);
  const shape: Record<string, z.ZodType> = {};
  const common = new Set<string>();
  for (const [k, schemas] of fields) {
    const distinct = schemas.filter((s, i) => schemas.findIndex((t) => sameSchema(t, s)) === i);
    const inAll = schemas.length === options.length;
    if (inAll && distinct.length === 1) common.add(k);
    // `.or()` and `.optional()` build on the application's own zod (dynakit does not load zod).
    const merged = distinct.reduce((u, s) => u.or(s));
    shape[k] = inAll ? merged : merged.optional();
  }
  // A projection may leave the tag out, so it cannot tell which variant's default an absent field
  // would get: a field not held alike by every variant reads absent as absent (a put stores defaults).
  const projected = Object.fromEntries(Object.entries(shape).map(([k, s]) => [k, common.has(k) ? s : withoutDefaults(s)]));
  const first = options[0]!.schema;
  const object = withDef(first, { shape: projected, checks: [] }) as z.ZodObject;
  return { tag, options, shape, common, object };
}

/**
 * Fails unless every variant holds `field` with the same schema: a key composite, the TTL, a
 * renamed or derived field (`role` says which, for the message) is one attribute of the entity,
 * whichever variant an item is.
 *
 * @example requireCommonField(variants, 'Payment', 'orderId', 'the key composite') // VariantFieldError when bank has no orderId
 */
export function requireCommonField(v: SchemaVariants, entity: string, field: string, role: string): void {
  if (v.common.has(field)) return;
  const missing = v.options.filter((o) => !Object.hasOwn(shapeOf(o.schema), field)).map((o) => o.label);
  if (missing.length > 0) {
    throw new VariantFieldError(entity, field, missing, `${role} ${field} must be a field of every variant; the variants ${v.tag} = ${missing.join(', ')} do not have it`);
  }
  throw new VariantFieldError(entity, field, [], `${role} ${field} must have the same schema in every variant (${v.options.map((o) => o.label).join(', ')} differ)`);
}

/**
 * Checks at `defineEntity` that the attributes an entity has whatever its variant are fields of
 * every variant with the same schema: the key composites (the timestamps and version compose keys
 * without being fields), the TTL, the fields stored under another name, and the derived attributes
 * with their sources.
 */
export function checkVariantFields(
  v: SchemaVariants,
  entity: string,
  o: { readonly composites: Iterable<string>; readonly ttl: string | undefined; readonly storedAs: Readonly<Record<string, string>> | undefined; readonly derived: readonly { readonly name: string; readonly from: readonly string[] }[] },
): void {
  // The tag may compose a key (`sk: '{method}#{id}'`): every variant holds it, as one of its own
  // literals, and an update cannot change it, so no write moves an item to another key by it.
  for (const c of o.composites) if (c !== v.tag && Object.hasOwn(v.shape, c)) requireCommonField(v, entity, c, 'the key composite');
  if (o.ttl !== undefined) requireCommonField(v, entity, o.ttl, 'the ttl attribute');
  // The tag may be renamed as well: its values differ by variant, but its stored name is one
  // attribute for all of them, and reads rename items back before the union finds the variant.
  for (const f of Object.keys(o.storedAs ?? {})) if (f !== v.tag && Object.hasOwn(v.shape, f)) requireCommonField(v, entity, f, 'the renamed (storedAs) field');
  for (const d of o.derived) {
    requireCommonField(v, entity, d.name, 'the derived attribute');
    for (const f of d.from) requireCommonField(v, entity, f, `the source of derived attribute ${d.name},`);
  }
}

/**
 * `s` with its `.default()` and `.prefault()` taken off, at its top and in each option of a union
 * (the merged schema of a field several variants hold differently), each left optional: a value
 * of an absent field stays absent. The instance itself when it has none.
 *
 * @example withoutDefaults(z.number().default(3).or(z.number())).parse(undefined) // undefined
 */
function withoutDefaults(s: z.ZodType): z.ZodType {
  const def = defOf(s);
  switch (def.type) {
    case 'default':
    case 'prefault':
      return withoutDefaults(def.innerType!).optional();
    case 'optional':
    case 'nullable': {
      const inner = withoutDefaults(def.innerType!);
      return inner === def.innerType ? s : withDef(s, { innerType: inner });
    }
    case 'union': {
      const options = def.options!.map(withoutDefaults);
      return options.every((o, i) => o === def.options![i]) ? s : withDef(s, { options });
    }
    default:
      return s;
  }
}

/** Every placeholder name of an entity's key templates (strings, or lists of them for multi-attribute keys). */
export function templateNames(keys: Readonly<Record<string, { readonly pk?: unknown; readonly sk?: unknown }>>): string[] {
  const sources = Object.values(keys).flatMap((k) => [k.pk, k.sk].flatMap((t) => (Array.isArray(t) ? t : [t])));
  return sources.flatMap((t) => (typeof t === 'string' ? placeholderNames(t) : []));
}

/** The fields of one variant. */
export function shapeOf(o: z.ZodObject): Readonly<Record<string, z.ZodType>> {
  return (defOf(o).shape ?? {}) as Readonly<Record<string, z.ZodType>>;
}

/**
 * Whether two schemas are written alike: the same kinds of schema with the same settings and
 * checks, all the way down. Functions (refinements, transforms, lazy getters) are alike only when
 * they are the same function, so two `.refine()`s of the same text are not.
 */
export function sameSchema(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Number.isNaN(a) && Number.isNaN(b);
  if (a instanceof RegExp || b instanceof RegExp) return a instanceof RegExp && b instanceof RegExp && String(a) === String(b);
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameSchema(x, b[i]));
  const za = (a as { _zod?: { def?: unknown } })._zod;
  const zb = (b as { _zod?: { def?: unknown } })._zod;
  // A schema or a check: compared by its definition (its `_zod` also holds caches built on use).
  if (za !== undefined || zb !== undefined) return za !== undefined && zb !== undefined && sameSchema(za.def, zb.def);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameSchema((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
