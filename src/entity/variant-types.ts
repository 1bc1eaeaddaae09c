/**
 * The types of an entity whose schema is a union of variants (`defineEntity`'s union branch only,
 * so an entity of a `z.object` type-checks as before): the updates the run time refuses for such
 * an entity (update-plan.ts, upsert-creation.ts) do not compile.
 */
import type { Entity, Fixed, VersionedKey } from './entity.js';
import type { PrimaryKeyNames, UpdateInputs, UpdatePaths } from './entity-types.js';
import type { PathsByKey } from './paths.js';
import type { UpdateBuilder } from '../operations/update.js';
import type { DerivedKeyEntity, SourcedVersionedKey } from './derived-key-types.js';

/**
 * The tag of a union schema of definition `Def` and output `Out`: the discriminator of a
 * `z.discriminatedUnion`; for a `z.union`, the fields every variant holds as literals no other
 * variant holds (the run time picks the first such field; when there are several, the types take
 * them all, and an update of another one than the first is refused by the types only).
 *
 * @example VariantTag<typeof schema['_zod']['def'], Payment> // 'method'
 */
export type VariantTag<Def, Out> = Def extends { readonly discriminator: infer D extends string } ? D : Exclude<keyof Out & string, NoTag<Out, Out, keyof Out & string>>;

/**
 * The common fields `F` that variant `M` (a member of `All`) does not hold as literals of its own:
 * not literals, or literals another variant holds too (the run time takes only fields whose values
 * are disjoint across the variants as the tag; the others update like any field).
 */
type NoTag<All, M, F extends string> = M extends unknown ? { [P in F]: LiteralOnly<M[P & keyof M]> extends true ? ([M[P & keyof M] & OtherValues<Exclude<All, M>, P>] extends [never] ? never : P) : P }[F] : never;
/** The values the variants `O` hold at `P`. */
type OtherValues<O, P> = O extends unknown ? O[P & keyof O] : never;

/** Whether `V` is made of literal values only (`'card'`, `1 | 2`, `true`; `undefined` for a tag that may be absent). */
type LiteralOnly<V> = [V] extends [string | number | bigint | boolean | null | undefined]
  ? string extends V
    ? false
    : number extends V
      ? false
      : bigint extends V
        ? false
        : boolean extends V
          ? false
          : true
  : false;

/**
 * Each field of any variant of the input union `In`, typed by the variants that declare it: a field
 * only card payments have is `string`, not the `string | undefined` the padded variants give it
 * (`iban?: undefined` on a card payment). What update values and `remove()` read: a field required
 * in every variant that has it cannot be removed (the run time refuses it).
 *
 * @example VariantFields<CardIn | BankIn> // { method: 'card' | 'bank'; last4: string; iban: string; note: string | undefined; ... }
 */
export type VariantFields<In> = { [F in AllKeys<In>]: In extends unknown ? In[F & keyof In] : never };
type AllKeys<T> = T extends unknown ? keyof T : never;

/**
 * What `upsert()` takes as `this` on an entity with variants whose primary key is not composed of
 * the tag: no builder is one, so the call does not compile. An upsert may create the item, and no
 * update says which variant it is (the run time refuses it with a `ValidationError`). The message
 * is the key.
 */
export interface NoVariantUpsert {
  readonly '~upsert() cannot create an item of an entity with variants unless its primary key names the variant (a composite of the tag): put() or create() it': never;
}

/**
 * The `this` of `upsert()` on an entity with variants tagged by `Tag`, of key templates `K`: any
 * builder where the primary key is composed of the tag (every field the types take as the tag, for
 * a `z.union`), so the key says which variant a created item is; else `NoVariantUpsert`.
 *
 * @example VariantUpsert<'method', { primary: { pk: 'PAY#{method}#{paymentId}'; sk: 'PAY' } }> // unknown
 */
export type VariantUpsert<Tag, K> = [Tag] extends [PrimaryKeyNames<K>] ? unknown : NoVariantUpsert;

/**
 * For each variant of the input union `In`, the fields only other variants have: one tuple per
 * variant (`[ 'iban' | 'note' | 'provider' ]` for a card payment). What `set()` reads to take the
 * fields of one variant only.
 *
 * @example OtherFields<CardIn | BankIn> // ['iban' | 'note'] | ['last4' | 'expires']
 */
export type OtherFields<In, All = AllKeys<In>> = In extends unknown ? [Exclude<All, keyof In>] : never;

/**
 * What `set()` adds to its value map on an entity with variants: a union of one map per variant,
 * each with the paths of the fields only other variants have (`PK`: paths by top-level attribute)
 * at `?: never`, so a values object is assignable only when one variant has every field it names
 * (the run time refuses fields of two variants in one update before sending). A variant with every
 * field (`{}`) makes the union take anything.
 */
type OneVariant<PK, O> = O extends [infer F] ? { readonly [P in PK[F & keyof PK] & string]?: FieldOfAnotherVariant } : never;

/**
 * The type of a field of another variant in a `set()` on an entity with variants: no value is one
 * (the property's key is the message; `undefined` still passes, as for any optional property).
 */
export interface FieldOfAnotherVariant {
  readonly '~set() takes the fields of one variant: no variant has every field given': never;
}

/**
 * An update of an entity with variants: the value maps over `Fields` (see `VariantFields`), `set()`
 * of one variant's fields (`Others`, see `OtherFields`), and `upsert()` as `Upsert` (see `VariantUpsert`).
 */
export interface VariantUpdateInputs<Item, Fields, Fixed extends string, Others, Upsert> extends UpdateInputs<Item, UpdatePaths<PathsByKey<Item>, Fixed>, Fields> {
  set: UpdateInputs<Item, UpdatePaths<PathsByKey<Item>, Fixed>, Fields>['set'] & OneVariant<PathsByKey<Item>, Others>;
  namedSet: UpdateInputs<Item, UpdatePaths<PathsByKey<Item>, Fixed>, Fields>['namedSet'] & OneVariant<PathsByKey<Item>, Others>;
  upsert: Upsert;
}

/**
 * The update builder of an entity with variants tagged by `Tag`; `D`: the attributes an update may
 * not name besides the key, version and timestamps (the tag, derived attributes).
 */
export type VariantUpdate<Item, Fields, K, V extends string, Tag extends string, D extends string, Others> = UpdateBuilder<
  Item,
  VariantUpdateInputs<Item, Fields, Fixed<Item, Fields, K, V, D>, Others, VariantUpsert<Tag, K>>
>;

/**
 * An entity whose schema is a union of variants, tagged by `Tag`: the tag is fixed in updates (a
 * change of variant is a put of the whole item), a `set()` takes the fields of one variant (`Others`), a field is removable only when a variant that has
 * it lets it be absent, and `upsert()` compiles only where the primary key is composed of the tag. `update` is replaced (`Omit`), not
 * overridden: its value maps read `Fields` where `Entity`'s read the padded input, and builders of
 * the two are not assignable either way.
 */
export interface VariantEntity<Name extends string, Item extends object, Input, K, V extends string, Tag extends string, Fields, Others> extends Omit<Entity<Name, Item, Input, K, V, Tag>, 'update'> {
  /**
   * Updates an existing item (see `Entity.update`); the tag is refused, and so is `upsert()` unless
   * the primary key is composed of the tag (the key then names the created item's variant).
   *
   * @example await Payment.update({ paymentId: 'p1' }).set({ note: 'refund' }) // guarded: method IN ('bank', 'wallet')
   */
  update(key: VersionedKey<Item, K, V>): VariantUpdate<Item, Fields, K, V, Tag, Tag, Others>;
}

/** `VariantEntity` with derived attributes (`Dv`), whose key-taking methods take derived composites by their sources. */
export interface VariantDerivedEntity<Name extends string, Item extends object, Input, K, V extends string, Tag extends string, Fields, Others, Dv> extends Omit<DerivedKeyEntity<Name, Item, Input, K, V, Dv, Tag>, 'update'> {
  /** Updates an existing item; its key as `get` takes it; the tag and derived attributes are refused, and `upsert()` as for `VariantEntity`. */
  update(key: SourcedVersionedKey<Item, K, V, Dv>): VariantUpdate<Item, Fields, K, V, Tag, (keyof Dv & string) | Tag, Others>;
}
