/**
 * Type-level document paths of an item: `'age' | 'address' | 'address.city' | 'items[0]' | ...`.
 * Depth is bounded (four levels) to keep type-checking cheap on large models.
 */
type Depth = [never, 0, 1, 2, 3];

/** Values without sub-paths (`undefined` too, so optional attributes need no `NonNullable`). */
export type Leaf = Date | Set<unknown> | Uint8Array | string | number | bigint | boolean | null | undefined;

/**
 * The paths below attribute `K` holding `V` (distributes over a union `V`; leaves add none). A
 * nested object's paths are read from `PathsByKey` directly, with the depth test here, not through
 * `AttrPath` (one alias and one conditional less per nested object or list element).
 */
type SubPaths<K extends string, V, D extends number> = V extends Leaf
  ? never
  : V extends readonly unknown[]
    ? `${K}[${number}]` | ElementSubPaths<K, V[number], D>
    : [D] extends [never]
      ? never
      : `${K}.${PathsByKey<V, D>[keyof V & string]}`;

type ElementSubPaths<K extends string, E, D extends number> = E extends Leaf
  ? never
  : [D] extends [never]
    ? never
    : E extends readonly unknown[]
      ? SubPaths<`${K}[${number}]`, E, Depth[D]>
      : `${K}[${number}].${PathsByKey<E, D>[keyof E & string]}`;

/** The paths of `T`: every attribute's own paths (`PathsByKey`) in one union. */
export type AttrPath<T, D extends number = 4> = [D] extends [never] ? never : PathsByKey<T, D>[keyof T & string];

/**
 * The paths of `T` by top-level attribute: `{ name: 'name'; address: 'address' | 'address.city' }`.
 * A leaf attribute is tested in the mapped type itself, so most keys cost one conditional and
 * `SubPaths` is only instantiated for objects and arrays. Kept as an object so that the paths of
 * some attributes (`UpdatePaths`) are an indexed access into the same cached type. A `z.object`
 * entity's paths come from its shape instead (`ShapePathsByKey`, the same object); this one serves
 * entities of union schemas and `AttrPath` (projections).
 */
export type PathsByKey<T, D extends number = 4> = { [K in keyof T & string]-?: T[K] extends Leaf ? K : K | SubPaths<K, T[K], Depth[D]> };

type ElementOf<V> = V extends readonly unknown[] ? V[number] : never;

/**
 * The value at segment `S` of `T` when `S` is not a key of `T` itself: a list element `K[n]`
 * (`ElementOf` distributes, so an optional list's `undefined` adds nothing), or an attribute of
 * only some members of a union (`keyof` of a union is its common keys; `AttrPath` distributes).
 */
type ElementAt<T, S extends string> = S extends `${infer K}[${number}]`
  ? ElementOf<MemberValue<T, K>>
  : S extends `${infer K}[${infer I}`
    ? Indexed<MemberValue<T, K>, I>
    : MemberValue<T, S>;

/**
 * The element of list value `V` at the indexes `I` after the first `[` (`0][1]` in a list of
 * lists: `K[${number}]` above infers no `K` there, and one index is the common case it keeps cheap).
 */
type Indexed<V, I extends string> = I extends `${number}]` ? ElementOf<V> : I extends `${number}][${infer J}` ? Indexed<ElementOf<V>, J> : never;

/** `T[K]` over the members of a union `T` that have `K` (`never` for the others). */
type MemberValue<T, K> = T extends unknown ? T[K & keyof T] : never;

/**
 * The value type at a path produced by `AttrPath`. The last segment, already known not to be a
 * key of `T`, is an element or an attribute of some members of a union (`ElementAt`). A parent segment is tested inline (no
 * `SegmentValue` alias) and its `undefined`/`null` removed with `& {}` (what `NonNullable` is).
 */
export type PathValue<T, P extends string> = P extends keyof T
  ? T[P]
  : P extends `${infer H}.${infer R}`
    ? H extends keyof T
      ? Below<T[H] & {}, R>
      : H extends `${string}]`
        ? Below<ElementAt<T, H> & {}, R>
        : MemberBelow<MemberValue<T, H> & {}, T, `${H}.${R}`, R>
    : ElementAt<T, P>;

/**
 * The value at path `P` (`H.R`) whose first segment `H` is an attribute of some members of a union
 * `T` holding `V`; when none has it (`never`), `H` is the start of a key with a dot (`a.b` of
 * `meta.a.b.c`), which the run time looks up too. Element segments (`l[0]`) do not come here.
 */
type MemberBelow<V, T, P extends string, R extends string> = [V] extends [never] ? DottedKeyValue<T, P> : Below<V, R>;

/** The value at path `P` that starts with a key of `T` holding a dot (`K.rest`), in any member of a union `T`. */
type DottedKeyValue<T, P extends string> = T extends unknown
  ? { [K in keyof T & `${string}.${string}`]: P extends `${K}.${infer R}` ? Below<T[K] & {}, R> : never }[keyof T & `${string}.${string}`]
  : never;

/**
 * The value at path `P` below a value `V`. Below a record (`string` keys) every path is one of its
 * keys, so `PathValue`'s first test would give the entry for `x.r` or `x[0]`: there its segments
 * are split as the path parser does. Tested only below the first segment: an entity's item is an
 * object, and most paths have one segment.
 */
type Below<V, P extends string> = string extends keyof V
  ? P extends `${infer H}.${infer R}`
    ? Below<ElementAt<V, H> & {}, R>
    : ElementAt<V, P>
  : PathValue<V, P>;

/*
 * An entity's paths read from its schema's shape (`z.object({...})['shape']`) rather than its
 * output type: the output of a nested object is two key-remapped mapped types and a `Prettify`,
 * which reading every property type of (as `PathsByKey` does) made zod resolve for every nested
 * object of every entity, used or not. The walk below reads the schemas themselves and leaves to
 * the output only what it does not know (unions, records, tuples, transforms, lazy and annotated
 * schemas, objects that keep unknown keys), so its union is exactly `PathsByKey`'s (tested in
 * test/types/shape-paths.test-d.ts). Measured at N=60: -5.4k instantiations (bench/analysis.md,
 * thirty-second session). Each test is a structural match on a few members, cached per schema type.
 */
type LeafKind = 'string' | 'number' | 'int' | 'boolean' | 'bigint' | 'date' | 'enum' | 'literal' | 'set' | 'null' | 'undefined' | 'nan';
type WrapperKind = 'optional' | 'nullable' | 'default';
interface KindSchema<Kind> {
  readonly _zod: { readonly def: { readonly type: Kind } };
}
/** A schema whose output has no sub-paths (a `Leaf`), optional, nullable or defaulted or not. */
type LeafSchema = KindSchema<LeafKind> | { readonly _zod: { readonly def: { readonly type: WrapperKind; readonly innerType: KindSchema<LeafKind> } } };
/** A `z.object` that strips or refuses unknown keys (a loose or catchall one has an index signature: left to its output). */
interface ObjectSchema<Sh> {
  readonly shape: Sh;
  readonly _zod: { readonly config: { readonly out: { readonly [k: string]: never } } };
}
interface ArraySchema<E> {
  readonly element: E;
}
/** `.optional()`, `.nullable()`, `.default()`: the paths of the wrapped schema (`undefined` and `null` add none). */
interface WrapperSchema<I> {
  readonly _zod: { readonly def: { readonly type: WrapperKind; readonly innerType: I } };
}
interface OutputSchema<O> {
  readonly _zod: { readonly output: O };
}

/**
 * The paths of a `z.object` shape by top-level attribute, the same object `PathsByKey` builds from
 * the shape's output (what `Entity` reads `Attr`'s and the update maps' paths from).
 *
 * @example ShapePathsByKey<typeof schema.shape> // { name: 'name'; address: 'address' | 'address.city' }
 */
export type ShapePathsByKey<Sh, D extends number = 4> = { [K in keyof Sh & string]-?: Sh[K] extends LeafSchema ? K : K | SchemaSubPaths<K, Sh[K], Depth[D]> };

/** `SubPaths` of the output of schema `S`, read from the schema where it can be. */
type SchemaSubPaths<K extends string, S, D extends number> =
  S extends ObjectSchema<infer Sh>
    ? [D] extends [never]
      ? never
      : `${K}.${ShapePathsByKey<Sh, D>[keyof Sh & string]}`
    : S extends ArraySchema<infer E>
      ? `${K}[${number}]` | SchemaElementSubPaths<K, E, D>
      : S extends WrapperSchema<infer I>
        ? SchemaSubPaths<K, I, D>
        : OutputSubPaths<K, S, D>;

type OutputSubPaths<K extends string, S, D extends number> = S extends OutputSchema<infer O> ? SubPaths<K, O, D> : never;

/** `ElementSubPaths` of the output of list element schema `E`. */
type SchemaElementSubPaths<K extends string, E, D extends number> = E extends LeafSchema
  ? never
  : [D] extends [never]
    ? never
    : E extends ObjectSchema<infer Sh>
      ? `${K}[${number}].${ShapePathsByKey<Sh, D>[keyof Sh & string]}`
      : E extends ArraySchema<unknown>
        ? SchemaSubPaths<`${K}[${number}]`, E, Depth[D]>
        : E extends WrapperSchema<infer I>
          ? SchemaElementSubPaths<K, I, D>
          : OutputElementSubPaths<K, E, D>;

type OutputElementSubPaths<K extends string, E, D extends number> = E extends OutputSchema<infer O> ? ElementSubPaths<K, O, D> : never;
