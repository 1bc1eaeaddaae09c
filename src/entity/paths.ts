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
 * some attributes (`UpdatePaths`) are an indexed access into the same cached type.
 */
export type PathsByKey<T, D extends number = 4> = { [K in keyof T & string]-?: T[K] extends Leaf ? K : K | SubPaths<K, T[K], Depth[D]> };

/**
 * The paths of the top-level attributes of `T` but `Fixed` (what an update may change). The fixed
 * attributes' paths are intersected with `never` (a mapped type over `Fixed`, a few keys) rather
 * than `Fixed` taken out of every attribute name with `Exclude` (~24 instantiations less per
 * entity). Declared here because TypeScript caches an alias instantiation under the alias it was
 * reached through: a `PathsByKey<T>` written in another file (through its import) was a second
 * copy of the object, every attribute's paths computed again (~27 instantiations per entity).
 */
export type AttrPathsExcept<T, Fixed extends string> = (PathsByKey<T> & { readonly [K in Fixed]: never })[keyof T & string];

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
 * PROTOTYPE (helper-97): paths from a z.object's shape instead of its output.
 */
type LeafKind = 'string' | 'number' | 'int' | 'boolean' | 'bigint' | 'date' | 'enum' | 'literal' | 'set' | 'null' | 'undefined' | 'nan';
type WrapperKind = 'optional' | 'nullable' | 'default';
interface KindSchema<Kind> {
  readonly _zod: { readonly def: { readonly type: Kind } };
}
type LeafSchema = KindSchema<LeafKind> | { readonly _zod: { readonly def: { readonly type: WrapperKind; readonly innerType: KindSchema<LeafKind> } } };
interface ObjectSchema<Sh> {
  readonly shape: Sh;
  readonly _zod: { readonly config: { readonly out: { readonly [k: string]: never } } };
}
interface ArraySchema<E> {
  readonly element: E;
}
interface WrapperSchema<I> {
  readonly _zod: { readonly def: { readonly type: WrapperKind; readonly innerType: I } };
}
interface OutputSchema<O> {
  readonly _zod: { readonly output: O };
}

/** Mirrors `PathsByKey<z.output<shape>, D>`. */
export type ShapePathsByKey<Sh, D extends number = 4> = { [K in keyof Sh & string]-?: Sh[K] extends LeafSchema ? K : K | SchemaSubPaths<K, Sh[K], Depth[D]> };

/** Mirrors `SubPaths<K, output of S, D>`. */
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

/** Mirrors `ElementSubPaths<K, output of E, D>`. */
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
