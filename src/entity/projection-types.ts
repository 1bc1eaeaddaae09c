import type { Leaf } from './paths.js';

/**
 * The item type `T` cut down to the document paths `P` of a nested projection
 * (`project('address.city', 'lines[0].sku')`): `{ address?: { city: string }; lines?: { sku: string }[] }`.
 *
 * DynamoDB returns a map only when the item holds one of its projected paths, so a parent is
 * required only when it is required in `T` and one of its projected children is required too; a
 * list is never required (the indexes asked for may be past its end), and its elements come back
 * packed (`lines[3]` alone is `lines[0]` of the result). A path that ends at an attribute keeps its
 * type from `T`, optional where `T`'s is. Only nested projections reach this type: top-level ones
 * stay a `Pick`.
 */
export type Projected<T, P extends string> = Cut<T, P>;

/** The attribute a path starts with: `address` of `address.city`, `lines` of `lines[0].sku`. */
type Head<P extends string> = P extends `${infer H}.${string}` ? BeforeIndex<H> : BeforeIndex<P>;
type BeforeIndex<S extends string> = S extends `${infer N}[${string}` ? N : S;

/**
 * What paths `P` project below attribute `K`: `''` for `K` itself, `city` for `K.city`, and for a
 * list element `[]` (the element itself) or `[].sku` / `[][1]` (below it).
 */
type Rest<P extends string, K extends string> = P extends K ? '' : P extends `${K}.${infer R}` ? R : P extends `${K}[${number}]${infer R}` ? `[]${R}` : never;

/** The rests of a list's elements below the element (`[].sku` -> `sku`, `[][1]` -> `[]`). */
type ElementRest<R extends string> = R extends `[]${infer S}` ? (S extends `.${infer N}` ? N : S extends `[${number}]${infer U}` ? `[]${U}` : S) : never;

type Cut<T, P extends string> = Flat<
  { [K in keyof T & Head<P> as Present<T[K], Rest<P, K & string>> extends true ? K : never]: CutValue<T[K], Rest<P, K & string>> } & {
    [K in keyof T & Head<P> as Present<T[K], Rest<P, K & string>> extends true ? never : K]?: CutValue<T[K], Rest<P, K & string>>;
  }
>;

/** The projected value of an attribute holding `V` with rests `R`: `V` itself for `''`, else its cut. */
type CutValue<V, R extends string> = '' extends R ? V : CutInner<NonNullable<V>, R>;

/** Distributes over a union `V`: a list's elements are cut, a map is cut, a leaf has nothing below. */
type CutInner<V, R extends string> = V extends readonly (infer E)[] ? CutValue<E, ElementRest<R>>[] : V extends Leaf ? never : Cut<V, R>;

/**
 * Whether a projected attribute holding `V` comes back with every item: a whole attribute when
 * `V` has no `undefined`; a map when it is neither optional nor nullable and keeps a required child.
 */
type Present<V, R extends string> = undefined extends V
  ? false
  : '' extends R
    ? true
    : null extends V
      ? false
      : NonNullable<V> extends readonly unknown[]
        ? false
        : {} extends CutValue<V, R>
          ? false
          : true;

type Flat<O> = { [K in keyof O]: O[K] } & {};
