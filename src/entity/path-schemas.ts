import type { z } from 'zod';
import type { DocPath } from '../expressions/ast.js';
import { defOf, isOptionalSchema, lazyInner, unwrapSchema } from './schema-walk.js';

/**
 * A union the path passes through: where it is, and the attribute that tells its options apart
 * (a `z.discriminatedUnion`'s discriminator, or a field every option of a `z.union` of objects
 * holds as distinct literals), if any.
 */
export interface PathUnion {
  readonly at: DocPath;
  readonly tag: string | undefined;
  readonly options: number;
  /**
   * The union's options (nested unions flattened) where each stands alone as the schema of the
   * value at `at`: not when the union is one side of an intersection, or one of several schemas
   * reached at `at`. A path through a second union is judged option by option from them.
   */
  readonly optionSchemas?: readonly z.ZodType[];
}

/** One schema the value at a path may have: the union option it is reached through, if any. */
export interface PathLeaf {
  readonly schema: z.ZodType;
  /** Schemas the value must also satisfy: the other sides of an intersection that have the path. */
  readonly also?: readonly z.ZodType[];
  /** Index of the option of `PathSchemas.union`, and the tag values that select it. */
  readonly option?: { readonly index: number; readonly tagValues: readonly unknown[] };
  /**
   * The schemas of this leaf (`schema`, `also`) reached as an element of their container: a record
   * entry, a list element, a tuple's rest element. Removing one leaves a valid container, whatever
   * the schema says about absence; removing a required field of an object does not.
   */
  readonly entries?: ReadonlySet<z.ZodType>;
}

/**
 * The schemas at a document path: one leaf, or one per option of a union on the way that has the
 * path. `unions` counts every union passed through (a guard can only name one); `complete` is
 * false when some option on the way lacks the path.
 */
export interface PathSchemas {
  readonly leaves: readonly PathLeaf[];
  readonly union: PathUnion | undefined;
  readonly unions: number;
  readonly complete: boolean;
}

/** Unwraps optional/nullable/default/pipe wrappers and resolves lazy (recursive) schemas. */
function core(schema: z.ZodType): z.ZodType {
  let s = unwrapSchema(schema);
  while (defOf(s).type === 'lazy') s = unwrapSchema(lazyInner(s));
  return s;
}

/** The options of a union (nested unions flattened), or undefined for any other schema. */
function unionOptions(schema: z.ZodType): z.ZodType[] | undefined {
  const def = defOf(schema);
  if (def.type !== 'union' || def.options === undefined) return undefined;
  return def.options.flatMap((o) => {
    const c = core(o);
    return unionOptions(c) ?? [c];
  });
}

/**
 * The literal values an object option holds at `tag` (a literal or an enum field), or undefined;
 * `undefined` among them when the field may be absent (zod takes `{ x: 1 }` as the option whose
 * tag is `.optional()`), so a stored item of that option may carry no tag at all.
 */
function tagValues(option: z.ZodType, tag: string): readonly unknown[] | undefined {
  const def = defOf(option);
  const field = def.type === 'object' ? def.shape?.[tag] : undefined;
  if (field === undefined) return undefined;
  const f = defOf(unwrapSchema(field)) as { type: string; values?: readonly unknown[]; entries?: Record<string, unknown> };
  const values = f.type === 'literal' ? f.values : f.type === 'enum' && f.entries !== undefined ? Object.values(f.entries) : undefined;
  if (values === undefined) return undefined;
  return isOptionalSchema(field) && !values.includes(undefined) ? [...values, undefined] : values;
}

/**
 * The attribute that tells a union's options apart: the discriminator, or else the first field
 * that every option holds as literals no other option holds.
 */
function tagOf(union: z.ZodType, options: readonly z.ZodType[]): string | undefined {
  const declared = defOf(union).discriminator;
  if (declared !== undefined) return declared;
  const first = defOf(options[0]!).shape;
  if (first === undefined) return undefined;
  for (const name of Object.keys(first)) {
    const values = options.map((o) => tagValues(o, name));
    if (values.some((v) => v === undefined)) continue;
    const all = values.flatMap((v) => v!);
    if (new Set(all).size === all.length) return name;
  }
  return undefined;
}

/**
 * A schema that is itself a union (an entity's variants, variant-schema.ts): its options (nested
 * unions flattened), its tag, and each option's tag values; `undefined` for any other schema.
 */
export function rootUnion(schema: z.ZodType): { options: z.ZodType[]; tag: string | undefined; tagValues: (readonly unknown[])[] } | undefined {
  const options = unionOptions(core(schema));
  if (options === undefined) return undefined;
  const tag = tagOf(core(schema), options);
  return { options, tag, tagValues: options.map((o) => (tag === undefined ? [] : (tagValues(o, tag) ?? []))) };
}

/**
 * The schemas one segment below `schema` (already a core schema) that a value there must satisfy:
 * one, or one per side of an intersection that has the segment.
 */
function children(schema: z.ZodType, seg: string | number, entries: Set<z.ZodType>): z.ZodType[] {
  const def = defOf(schema);
  if (def.type !== 'intersection') {
    const c = child(schema, seg);
    if (c !== undefined && isEntry(schema, seg)) entries.add(c);
    return c === undefined ? [] : [c];
  }
  return [def.left, def.right].flatMap((side) => (side === undefined ? [] : children(core(side), seg, entries)));
}

/**
 * Whether segment `seg` of `container` (a core schema) is one of its elements rather than a field:
 * a record's entry, a list's element, or an element of a tuple's rest (fixed positions would shift).
 */
function isEntry(container: z.ZodType, seg: string | number): boolean {
  const def = defOf(container);
  if (def.type === 'record') return requiredKeys(container)?.has(String(seg)) !== true;
  if (def.type === 'array') return true;
  return def.type === 'tuple' && typeof seg === 'number' && seg >= (def.items?.length ?? 0) && def.rest != null;
}

/** The next leaf below `leaf` for a segment, its intersection sides carried along; undefined when it has none. */
function step(leaf: PathLeaf, primary: z.ZodType, seg: string | number): PathLeaf | undefined {
  const entries = new Set<z.ZodType>();
  // The other sides of intersections passed before follow the path too; when only they have the
  // segment (`base` beside a union's option), one of them leads.
  const [schema, ...also] = [...children(primary, seg, entries), ...(leaf.also ?? []).flatMap((a) => children(core(a), seg, entries))];
  if (schema === undefined) return undefined;
  return {
    ...(leaf.option === undefined ? {} : { option: leaf.option }),
    schema,
    ...(also.length === 0 ? {} : { also }),
    ...(entries.size === 0 ? {} : { entries }),
  };
}

/** Every schema a value at the path is checked against: each leaf's, with its intersection sides. */
export function leafSchemas(ps: PathSchemas | undefined): z.ZodType[] {
  if (ps === undefined) return [];
  const out: z.ZodType[] = [];
  for (const l of ps.leaves) {
    out.push(l.schema);
    if (l.also !== undefined) out.push(...l.also);
  }
  return out;
}

/** The schema one segment below `schema` (already a core schema), or undefined. */
function child(schema: z.ZodType, seg: string | number): z.ZodType | undefined {
  const def = defOf(schema);
  if (typeof seg === 'number') {
    if (def.type === 'array') return def.element;
    if (def.type === 'tuple') return def.items?.[seg] ?? def.rest ?? undefined;
    return undefined;
  }
  // Not the catchall of a loose object: a name outside the shape may be a key attribute dynakit writes.
  // Own keys only: `'toString' in shape` holds for every object.
  if (def.type === 'object') return def.shape !== undefined && Object.hasOwn(def.shape, seg) ? def.shape[seg] : undefined;
  if (def.type === 'record') {
    // A key outside an enum-keyed record's keys, or one its key schema refuses (`z.string().min(2)`),
    // fails zod's parse of the item, unless the record keeps such keys (`z.looseRecord`).
    if (def.mode === 'loose') return def.valueType;
    const keys = requiredKeys(schema);
    const takes = keys === undefined ? keyRefusal(schema, seg) === undefined : keys.has(seg);
    return takes ? def.valueType : undefined;
  }
  return undefined;
}

/**
 * Why a record of any keys refuses `key` (zod's message for it), or undefined when the key schema
 * takes it. As zod parses a record, a numeric key (`'12'`) is also tried as a number.
 */
function keyRefusal(record: z.ZodType, key: string): string | undefined {
  const keyType = constrainedKeys(record);
  if (keyType === undefined) return undefined;
  const parsed = keyType.safeParse(key);
  if (parsed.success || (NUMERIC_KEY.test(key) && keyType.safeParse(Number(key)).success)) return undefined;
  return parsed.error.issues[0]?.message ?? 'invalid key';
}
/** zod's test for a record key it also tries as a number (`regexes.number`). */
const NUMERIC_KEY = /^-?\d+(?:\.\d+)?$/;

/**
 * The key schema of a record when it may refuse some keys; undefined for `z.record(z.string(), ...)`,
 * whose keys need no check (paths are resolved on every Attr/ref/update call: decided once per record).
 */
function constrainedKeys(record: z.ZodType): z.ZodType | undefined {
  if (keySchemas.has(record)) return keySchemas.get(record);
  const keyType = defOf(record).keyType;
  const kd = keyType === undefined ? undefined : (defOf(keyType) as { type: string; format?: string; checks?: readonly unknown[] });
  const plain = kd === undefined || (kd.type === 'string' && kd.format === undefined && (kd.checks?.length ?? 0) === 0);
  const out = plain ? undefined : keyType;
  keySchemas.set(record, out);
  return out;
}
const keySchemas = new WeakMap<z.ZodType, z.ZodType | undefined>();

/**
 * Why a path is not one of the schema, when the cause is a map key that a record's key schema
 * refuses: that key's path and zod's message. Only looked for once a path was found missing.
 *
 * @example refusedRecordKey(z.object({ tags: z.record(z.string().min(2), z.number()) }), ['tags', 'a'])
 * // { at: ['tags', 'a'], message: 'Too small: expected string to have >=2 characters' }
 */
export function refusedRecordKey(root: z.ZodType, path: DocPath): { at: DocPath; message: string } | undefined {
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const ps = pathSchemas(root, path.slice(0, i));
    if (ps === undefined) return undefined;
    if (typeof seg !== 'string') continue;
    for (const leaf of ps.leaves) {
      const c = core(leaf.schema);
      const def = defOf(c);
      if (def.type !== 'record' || def.mode === 'loose' || requiredKeys(c) !== undefined) continue;
      const message = keyRefusal(c, seg);
      if (message !== undefined) return { at: path.slice(0, i + 1), message };
    }
  }
  return undefined;
}

/**
 * The keys a record must hold, as zod parses it: every value of an enum or literal key schema
 * (`z.record(z.enum(['s', 'm']), ...)`; its type is `Record<'s' | 'm', ...>`), none for a record of
 * any keys or a `z.partialRecord`. Removing one of them, or writing another, would store an item no
 * read parses.
 */
function requiredKeys(record: z.ZodType): ReadonlySet<string> | undefined {
  // Paths are resolved on every Attr/ref/update call: the set is made once per record schema.
  if (recordKeys.has(record)) return recordKeys.get(record);
  const def = defOf(record);
  const values = def.partial === true || def.keyType === undefined ? undefined : (def.keyType as unknown as { _zod: { values?: ReadonlySet<unknown> } })._zod.values;
  const keys = values === undefined ? undefined : new Set(Array.from(values, String));
  recordKeys.set(record, keys);
  return keys;
}
const recordKeys = new WeakMap<z.ZodType, ReadonlySet<string> | undefined>();

/**
 * Walks a document path through a schema: objects, records, lists, tuples, recursive schemas,
 * intersections (every side that has the path constrains the value), and unions, whose options
 * are followed side by side. `undefined` when no option has the path.
 * Used to check paths and values that come from untyped code, and to guard nested updates of a
 * union attribute with its tag.
 *
 * @example pathSchemas(z.object({ shape: z.discriminatedUnion('kind', [circle, square]) }), ['shape', 'r'])
 * // one leaf (circle's r), union { at: ['shape'], tag: 'kind', options: 2 }
 */
export function pathSchemas(root: z.ZodType, path: DocPath): PathSchemas | undefined {
  let top = walks.get(root);
  if (top === undefined) walks.set(root, (top = { next: new Map(), size: 0 }));
  let node: PathMemo = top;
  for (const seg of path) {
    let n: PathMemo | undefined = node.next.get(seg);
    if (n === undefined) {
      // Paths with many list indexes or record keys would grow the memo without end: past the cap they are walked each time.
      if (top.size >= MEMO_CAP) return walkPath(root, path);
      top.size++;
      node.next.set(seg, (n = { next: new Map(), size: 0 }));
    }
    node = n;
  }
  if (!('found' in node)) node.found = walkPath(root, path);
  return node.found;
}

/**
 * Resolved paths per root schema, as a trie of segments (numbers and strings stay apart): updates,
 * `Attr` and `ref` resolve the same few paths on every call, and the walk is pure. The results are
 * shared, so no caller may change them.
 */
interface PathMemo {
  readonly next: Map<string | number, PathMemo>;
  found?: PathSchemas | undefined;
  /** Nodes under a root (kept on the root only). */
  size: number;
}
const walks = new WeakMap<z.ZodType, PathMemo>();
const MEMO_CAP = 4096;

function walkPath(root: z.ZodType, path: DocPath): PathSchemas | undefined {
  // Most paths pass through no union: one schema per step, nothing to collect.
  let s: z.ZodType | undefined = root;
  let entry = false;
  for (const seg of path) {
    const c = core(s);
    const type = defOf(c).type;
    if (type === 'union' || type === 'intersection') return throughOptions(root, path);
    s = child(c, seg);
    if (s === undefined) return undefined;
    entry = isEntry(c, seg);
  }
  return { leaves: [entry ? { schema: s, entries: new Set([s]) } : { schema: s }], union: undefined, unions: 0, complete: true };
}

function throughOptions(root: z.ZodType, path: DocPath): PathSchemas | undefined {
  let leaves: PathLeaf[] = [{ schema: root }];
  let union: PathUnion | undefined;
  let unions = 0;
  let complete = true;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const next: PathLeaf[] = [];
    for (const leaf of leaves) {
      const { union: c, sides } = unionSide(core(leaf.schema));
      const options = unionOptions(c);
      if (options === undefined) {
        const n = step(leaf, c, seg);
        if (n !== undefined) next.push(n);
        else complete = false;
        continue;
      }
      unions++;
      const tag = tagOf(c, options);
      union ??= { at: path.slice(0, i), tag, options: options.length, ...(sides.length === 0 && leaves.length === 1 ? { optionSchemas: options } : {}) };
      options.forEach((o, index) => {
        // Only the first union's options are told apart; a second one's leaves keep the first's option.
        const inner: PathLeaf = sides.length === 0 ? leaf : { ...leaf, also: [...sides, ...(leaf.also ?? [])] };
        const from: PathLeaf = unions === 1 ? { ...inner, option: { index, tagValues: tag === undefined ? [] : (tagValues(o, tag) ?? []) } } : inner;
        const n = step(from, o, seg);
        if (n === undefined) complete = false;
        else next.push(n);
      });
    }
    if (next.length === 0) return undefined;
    leaves = next;
  }
  return { leaves, union, unions, complete };
}

/**
 * An intersection with a union on one side (`z.intersection(base, shape)`) is that union, its
 * options each intersected with the other sides: its paths are those of every option and of the
 * other sides, and the union's tag tells the options apart. Any other schema is returned as is.
 */
function unionSide(schema: z.ZodType): { union: z.ZodType; sides: z.ZodType[] } {
  const def = defOf(schema);
  if (def.type !== 'intersection' || def.left === undefined || def.right === undefined) return { union: schema, sides: [] };
  const [left, right] = [core(def.left), core(def.right)];
  const l = unionSide(left);
  if (unionOptions(l.union) !== undefined) return { union: l.union, sides: [...l.sides, right] };
  const r = unionSide(right);
  if (unionOptions(r.union) !== undefined) return { union: r.union, sides: [...r.sides, left] };
  return { union: schema, sides: [] };
}

/** The schema at a document path, the first union option's where several have it; `undefined` when none does. */
export function schemaAt(root: z.ZodType, path: DocPath): z.ZodType | undefined {
  return pathSchemas(root, path)?.leaves[0]?.schema;
}
