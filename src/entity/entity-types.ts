import type { AttrPath, PathValue } from './paths.js';
import type { IndexComposites, KeyAttributeNames, TemplateComposites, Templates } from './template-types.js';
import type { UpdateRef } from '../expressions/update-values.js';
import type { KeyCondition, PartitionKeyNeedsEq } from '../expressions/key-condition.js';

export interface TimestampFields {
  /** ISO-8601 time of the first write. */
  readonly createdAt: string;
  /** ISO-8601 time of the last write. */
  readonly updatedAt: string;
}

/** The timestamps of an entity defined with `timestamps: { format: 'epochMs' | 'epochSeconds' }`. */
export interface EpochTimestampFields {
  /** Epoch milliseconds or seconds (whole) of the first write. */
  readonly createdAt: number;
  /** Epoch milliseconds or seconds (whole) of the last write. */
  readonly updatedAt: number;
}

/**
 * `defineEntity`'s `timestamps` besides `true`: how `createdAt` / `updatedAt` are stored. `'iso'`
 * (the default, as `true`): ISO-8601 text; `'epochMs'` / `'epochSeconds'`: whole epoch numbers,
 * which compare numerically and can be an `N` key. Epoch seconds here are not the TTL attribute:
 * DynamoDB deletes an item once the time in its TTL attribute has passed.
 */
export interface TimestampOptions {
  readonly format?: 'iso' | 'epochMs' | 'epochSeconds';
}

/** The composites of the primary key: what `get`, `update` and `delete` take (an indexed access, not an `infer` match). */
export type PrimaryKeyNames<K> = IndexComposites<K['primary' & keyof K]>;

/** Every attribute that composes some index key of the entity: what `Key(...)` accepts. */
export type { KeyAttributeNames };

/**
 * The key object for one item: the primary-key composites with their model types, each required
 * and without `undefined` or `null` (a composite that is optional or nullable in the schema builds
 * no key: the run time throws `KeyError`). A mapped type over the composite names with `& {}` per
 * composite: `Required<Pick<...>>` cost 2.7x as many instantiations more than `Pick`, and a mapped
 * type over `names & keyof Item` 1.6x. (The key check makes every composite an attribute.)
 */
export type KeyInput<Item, K> = { [P in PrimaryKeyNames<K>]: Item[P & keyof Item] & {} };

type Unset<V> = Exclude<V, undefined>;

/**
 * What `set` takes at a path: a value the run time parses by the schema there (`Written`), or a
 * reference to a stored attribute holding the stored type (`Out`: a copy is not parsed).
 */
type SetValue<In, Out> = Written<In, Out> | UpdateRef<Unset<Out>>;

/**
 * A value written at a path: the schema's input `In` at a top-level attribute (as `put` takes it:
 * a nested default may be left out, a transform takes what it reads), the stored type `Out` below
 * one (`In` is `never` there) or where the input says nothing (`unknown`: a schema annotated
 * `z.ZodType<Node>`, `z.coerce`). Input types are read at top-level attributes only: looking
 * every path up in the input too cost ~5% more instantiations per entity (list-element paths are
 * index signatures, whose types TypeScript computes for every path, used or not).
 */
type Written<In, Out> = [In] extends [never] ? Out : unknown extends In ? Out : In;
/**
 * What `add` takes at a path holding `V`: a number, a bigint (a `z.bigint()` counter), or elements of a set. `undefined` (an optional
 * attribute) is allowed for in the tests themselves rather than removed first with `Exclude`, and a
 * set's element type is only inferred once the value is known to be a set (`SetOf`): an `infer`
 * against `ReadonlySet` on every value the map holds (strings, maps, array elements) cost more.
 */
type AddValue<V> = [V] extends [number | undefined] ? number : [V] extends [ReadonlySet<unknown> | undefined] ? SetOf<V> : [V] extends [bigint | undefined] ? bigint : NotAddable;
type DeleteValue<V> = [V] extends [ReadonlySet<unknown> | undefined] ? SetOf<V> : NotASet;
/** The set type `add`/`delete` take for a set `V` (distributes, so `undefined` adds nothing). */
type SetOf<V> = V extends ReadonlySet<infer E> ? ReadonlySet<E> : never;
/** A tuple (a value with a position 0) is no list here: its length is fixed, and the run time refuses it. */
type AppendValue<V> = [V] extends [readonly unknown[] | undefined] ? (NonNullable<V> extends { readonly 0: unknown } ? NotAList : readonly NonNullable<V>[number][]) : NotAList;

/*
 * What `add`, `delete` and `append`/`prepend` take at a path that cannot hold what they change: no
 * value satisfies these, and their key says why (`never` there read "not assignable to type
 * 'undefined'", the optional property's type).
 */
export interface NotAddable {
  readonly '~add() needs a number, bigint or set attribute': never;
}
export interface NotASet {
  readonly '~delete() removes elements from a set attribute (remove() removes attributes)': never;
}
export interface NotAList {
  readonly '~append() and prepend() need a list attribute': never;
}

/**
 * Value maps accepted by the update builder, keyed by document path: the paths `Paths` of `Item`
 * (all of them unless given; an entity's update passes `UpdatePaths`). Each path's value type is
 * looked up once (`PathValue`) and passed to a small alias, not written out twice per map.
 *
 * Values the run time parses by the schema at their path (`set`, `setIfNotExists`, list elements)
 * take `Input`, the schema's input, at top-level attributes (see `Written`). Changes applied to
 * stored values (`add`, `delete`) and `ref()` copies take `Item`, what is stored.
 *
 * The `named...` maps are the same maps with `never` at the list-element paths
 * (`lines[${number}].qty`); the builder's methods try them first. A list-element path is a
 * template-literal key, which makes a map an index signature whose value TypeScript computes as
 * soon as the map is used, whether the call names that path or not; in a `named` map that value
 * is `never` at once, and the value of a named path is computed only when a call names it (~150
 * instantiations less per entity that calls `set` and `add`). A values object holding an element
 * path (a literal or a variable) fails the `named` map and falls through to the full one, where
 * its value is checked. Measured and not kept: filtering the element paths out of the keys
 * (`NamedPaths<Paths>`, a conditional per path, +6 per entity) and members as a nested object of
 * maps or an `extends` of one map interface (+5 per entity each).
 */
export interface UpdateInputs<Item, Paths extends string = AttrPath<Item>, Input = Item> {
  set: { readonly [P in Paths]?: SetValue<Input[P & keyof Input], PathValue<Item, P>> };
  setIfNotExists: { readonly [P in Paths]?: Written<Input[P & keyof Input], PathValue<Item, P>> };
  add: { readonly [P in Paths]?: AddValue<PathValue<Item, P>> };
  delete: { readonly [P in Paths]?: DeleteValue<PathValue<Item, P>> };
  append: { readonly [P in Paths]?: AppendValue<Written<Input[P & keyof Input], PathValue<Item, P>>> };
  remove: Paths;
  /** The item and input the paths are of: `remove()` reads them for the paths it is called with (`RemovablePath`). */
  item: Item;
  input: Input;
  /** What `upsert()` requires of its builder: anything here; an entity with variants refuses it unless its primary key names the variant (`VariantUpsert`). */
  upsert: unknown;
  namedSet: { readonly [P in Paths]?: P extends ElementPath ? never : SetValue<Input[P & keyof Input], PathValue<Item, P>> };
  namedSetIfNotExists: { readonly [P in Paths]?: P extends ElementPath ? never : Written<Input[P & keyof Input], PathValue<Item, P>> };
  namedAdd: { readonly [P in Paths]?: P extends ElementPath ? never : AddValue<PathValue<Item, P>> };
  namedDelete: { readonly [P in Paths]?: P extends ElementPath ? never : DeleteValue<PathValue<Item, P>> };
  namedAppend: { readonly [P in Paths]?: P extends ElementPath ? never : AppendValue<Written<Input[P & keyof Input], PathValue<Item, P>>> };
}

/**
 * What `remove()` takes for the paths `P` it is called with: each path whose value the schema lets
 * be absent (the run time refuses the others: the item would fail every read), else the path
 * branded `NotRemovable`, which no argument satisfies. Computed at the call, for the paths named
 * there (measured: a second union of removable paths walked with the paths cost ~4x as much).
 *
 * - A top-level attribute: optional in the input (`.optional()`, `.default()`: a removed default is
 *   stored again), as `put` takes it.
 * - A list element (`items[0]`): always, but a tuple's fixed position only when it is optional
 *   (the later elements would shift).
 * - Another path: its value may be `undefined` (an optional field, an entry of a partial record),
 *   it is an entry of a record, or it is optional in the input (a nested `.default()`).
 */
export type RemovablePath<Item, Input, P extends string> = P extends keyof Item
  ? undefined extends Written<Input[P & keyof Input], Item[P]>
    ? P
    : (P & NotRemovable)
  : P extends `${string}]`
    ? ElementRemovable<Item, CutLast<P, '['>, P>
    : undefined extends PathValue<Item, P>
      ? P
      : NestedRemovable<Item, Input, CutLast<P, '.'>, P>;

/**
 * The brand of a path `remove()` refuses; the compile error reads `Argument of type '"name"' is not
 * assignable to parameter of type '"name" & NoInfer<"name" & NotRemovable>'`. A brand, not a message
 * literal: an editor offers a parameter's string literals as completions, and the path and the
 * message would not intersect (a literal and another literal are `never`).
 */
export interface NotRemovable {
  readonly '~remove() takes optional attributes only': never;
}

/** `P` cut at its last `S`: `[before, after]` (`'a.b.c'` and `'.'`: `['a.b', 'c']`). */
type CutLast<P extends string, S extends string, Head extends string = never> = P extends `${infer H}${S}${infer T}`
  ? CutLast<T, S, [Head] extends [never] ? H : `${Head}${S}${H}`>
  : [Head, P];

/** A list element `P` (`[list path, 'n]']`): an entry, unless a tuple holds it at a fixed position that is required. */
type ElementRemovable<Item, Cut, P extends string> = Cut extends [infer L extends string, `${infer I}]`]
  ? true extends ElementAbsentOk<PathValue<Item, L>, I>
    ? P
    : (P & NotRemovable)
  : (P & NotRemovable);

/** Whether position `I` of list `V` may be absent (distributes over a union `V`). */
type ElementAbsentOk<V, I extends string> = V extends readonly unknown[] ? (I extends keyof V ? (undefined extends V[I] ? true : false) : true) : false;

/** A nested field `P` (`[parent path, key]`) whose value is never `undefined`: an entry of a record, or a field with a default. */
type NestedRemovable<Item, Input, Cut, P extends string> = Cut extends [infer Parent extends string, string]
  ? true extends RecordEntry<PathValue<Item, Parent>>
    ? P
    : OptionalInput<PathValue<Input, P>> extends true
      ? P
      : (P & NotRemovable)
  : (P & NotRemovable);

/** Whether `V` is a record, whose entries may be absent (distributes over a union `V`). */
type RecordEntry<V> = V extends object ? string extends keyof V ? true : false : false;

/** Whether an input value may be `undefined` (`unknown`, a coercing schema's input, says nothing). */
type OptionalInput<V> = unknown extends V ? false : undefined extends V ? true : false;

/** A document path through a list element (`lines[${number}]`, `lines[${number}].qty`). */
type ElementPath = `${string}[${number}]${string}`;

/**
 * The paths an update may change: the paths of every top-level attribute but `Fixed` (key
 * composites, the version, the timestamps), read from the object `Attr`'s paths come from
 * (`PK`, paths by top-level attribute), not filtered path by path. The fixed attributes' paths are
 * intersected with `never` (a mapped type over `Fixed`, a few keys) rather than `Fixed` taken out
 * of every attribute name with `Exclude` (~24 instantiations less per entity).
 */
export type UpdatePaths<PK, Fixed extends string> = (PK & { readonly [K in Fixed]: never })[keyof PK & string];

/** Index names an entity can query: `primary` plus the indexes it gives keys for. */
export type QueryIndexName<K> = keyof K & string;

/**
 * Attributes `Key(...)` may name in a query of index `I`: the composites of its templates; a
 * local index (no `pk` of its own) adds the table partition key's composites.
 */
export type QueryKeyNames<K, I extends keyof K> = K[I] extends { readonly pk: string }
  ? IndexComposites<K[I]>
  : IndexComposites<K[I]> | PrimaryPartitionNames<K>;

/**
 * The key condition a query of index `I` takes: the attributes `Key(...)` may name
 * (`QueryKeyNames`) and those it must compare with `eq`, the composites of the partition-key
 * template (a local index's partition key is the table's, so the primary template's). One alias,
 * so TypeScript caches it per index, and one test of the index's `pk` for both unions (two
 * aliases each testing it cost ~17 instantiations more per queried index).
 */
export type QueryCondition<K, I extends keyof K> = K[I] extends { readonly pk: infer P }
  ? KeyCondition<IndexComposites<K[I]>, TemplateComposites<Templates<P>> & PartitionKeyNeedsEq>
  : KeyCondition<IndexComposites<K[I]> | PrimaryPartitionNames<K>, PrimaryPartitionNames<K> & PartitionKeyNeedsEq>;

/**
 * The composites of index `I`'s partition key (a local index's is the table's): what
 * `Entity.partition(I, ...)` takes to name one item collection.
 */
export type PartitionNames<K, I extends keyof K> = K[I] extends { readonly pk: infer P } ? TemplateComposites<Templates<P>> : PrimaryPartitionNames<K>;

/**
 * What an entity's `partition(I, ...)` condition names in place of the physical key attributes,
 * which the entity's type does not hold: the index whose partition it is, `primary` for a local
 * index (whose partition key is the table's). `AppTable.query` of another index does not take it.
 */
export type PartitionOf<K, I extends keyof K> = K[I] extends { readonly pk: unknown } ? `~partition of ${I & string}` : '~partition of primary';

type PrimaryPartitionNames<K> = K extends { readonly primary: { readonly pk: infer P } } ? TemplateComposites<P> : never;
