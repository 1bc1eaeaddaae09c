/**
 * The key objects of an entity whose keys are composed of derived attributes: such a composite may
 * be given by its sources instead (`get({ orgId, name: 'Bob' })` for `sk: 'NAME#{nameLower}'`,
 * `nameLower` derived from `name`). Only `defineEntity`'s `derive` branch uses these types, so an
 * entity without `derive` type-checks as before.
 */
import type { AnyEntity, Entity } from './entity.js';
import type { PartitionNames, PartitionOf, PrimaryKeyNames, QueryIndexName } from './entity-types.js';
import type { TableKeyCondition } from '../expressions/table-key-condition.js';
import type { DeleteBuilder } from '../operations/delete.js';

/** The `from` fields of the derived attributes `A` (`Dv`: each derived attribute's `from` list). */
type SourcesOf<Dv, A extends keyof Dv> = Dv[A] extends readonly (infer E)[] ? E & string : never;

/**
 * Composites `N` of a key, each derived one given by its sources (each required; an optional
 * source may be `undefined`), or also given itself (it must then agree with them at run time).
 */
type BySources<Item, N, Dv> = { readonly [P in (Exclude<N, keyof Dv> | SourcesOf<Dv, N & keyof Dv>) & string]: Item[P & keyof Item] } & {
  readonly [P in N & keyof Dv]?: Item[P & keyof Item] & {};
};

/**
 * Composites `N` of a key: the composites themselves (`KeyInput`), or, when some are derived,
 * their sources instead.
 *
 * @example SourcedKey<Contact, 'orgId' | 'nameLower', { nameLower: ['name'] }> // { orgId; nameLower } | { orgId; name; nameLower? }
 */
export type SourcedKey<Item, N, Dv> = [N & keyof Dv] extends [never] ? { [P in N & string]: Item[P & keyof Item] & {} } : { [P in N & string]: Item[P & keyof Item] & {} } | BySources<Item, N, Dv>;

/** The primary key object of an entity with derived attributes. */
export type DerivedKeyInput<Item, K, Dv> = SourcedKey<Item, PrimaryKeyNames<K>, Dv>;

/**
 * An entity with derived attributes (`Dv`: each one's `from` list): its key-taking methods also
 * take derived key composites by their sources. The run time computes them (`DerivedKeyComposites`).
 * `Fx`: other attributes an update cannot name (the tag of an entity with variants).
 */
export interface DerivedKeyEntity<Name extends string, Item extends object, Input, K, V extends string, Dv, Fx extends string = never> extends Entity<Name, Item, Input, K, V, (keyof Dv & string) | Fx> {
  /** @internal type carrier, never set at run time: what a batch delete's key (`DerivedDeleteKey`) reads. */
  readonly '~derive': Dv;
  /**
   * Reads one item by its primary-key composites, a derived one given by itself or by its sources.
   *
   * @example const c = await Contact.get({ orgId: 'acme', name: 'Ada' }) // nameLower computed
   */
  get(key: DerivedKeyInput<Item, K, Dv>): ReturnType<Entity<Name, Item, Input, K, V, (keyof Dv & string) | Fx>['get']>;
  /** Updates an existing item; its key as `get` takes it. */
  update(key: SourcedVersionedKey<Item, K, V, Dv>): ReturnType<Entity<Name, Item, Input, K, V, (keyof Dv & string) | Fx>['update']>;
  /** Deletes one item; its key as `get` takes it. */
  readonly delete: DerivedDelete<Item, K, V, Dv>;
  /** Reads many items; their keys as `get` takes them. */
  batchGet(keys: readonly DerivedKeyInput<Item, K, Dv>[]): ReturnType<Entity<Name, Item, Input, K, V, (keyof Dv & string) | Fx>['batchGet']>;
  /** A condition on an item that writes nothing; its key as `get` takes it. */
  check(key: DerivedKeyInput<Item, K, Dv>, condition: Parameters<Entity<Name, Item, Input, K, V, (keyof Dv & string) | Fx>['check']>[1]): ReturnType<Entity<Name, Item, Input, K, V, (keyof Dv & string) | Fx>['check']>;
  /** The key condition of a partition (see `Entity.partition`), a derived composite given by itself or its sources. */
  partition<I extends QueryIndexName<K>>(index: I, composites: SourcedKey<Item, PartitionNames<K, I>, Dv>): TableKeyCondition<PartitionOf<K, I>, string>;
}

/** `VersionedKey` with derived composites by their sources. */
export type SourcedVersionedKey<Item, K, V extends string, Dv> = [V] extends [never] ? DerivedKeyInput<Item, K, Dv> : string extends V ? DerivedKeyInput<Item, K, Dv> : DerivedKeyInput<Item, K, Dv> & { readonly [P in V]?: number };

/** `EntityDelete` with derived composites by their sources. */
type DerivedDelete<Item, K, V extends string, Dv> = [V] extends [never]
  ? (key: DerivedKeyInput<Item, K, Dv>) => DeleteBuilder<Item>
  : {
      (key: DerivedKeyInput<Item, K, Dv> & { readonly [P in V]: number }): DeleteBuilder<Item, void, 'version'>;
      (key: SourcedVersionedKey<Item, K, V, Dv>): DeleteBuilder<Item>;
    };

/** An entity with derived attributes, as the batch delete overload for keys by sources takes it (`DerivedDeleteKey`). */
export interface DerivedCarrier extends AnyEntity {
  readonly '~derive': unknown;
}

/**
 * The key a batch delete (`batch.delete(Badge, { orgId, name })`) of an entity with `derive` takes
 * in its own overload: as the entity's `delete` takes it, a derived composite given by itself or by
 * its sources. That overload comes after the one taking `EntityKey`, so other entities pay nothing
 * (one signature whose key type tested for the carrier cost ~30 instantiations per call of every
 * entity, and ~700 when it came first); a key by sources costs ~700 per call (measured, CHANGELOG).
 */
export type DerivedDeleteKey<E extends DerivedCarrier> = DerivedKeyInput<E['~item'], E['~keys'], E['~derive']>;
