/**
 * `defineEntity`: an entity's definition (`EntityConfig`) and the item and input types it derives
 * from the schema, timestamps and version. The entity's operations are in entity.ts.
 */
import type { z } from 'zod';
import type { TableConfig, EntityKeysShape } from './table-types.js';
import type { Table } from './table.js';
import type { CheckedKeys } from './template-types.js';
import type { ShapePathsByKey } from './paths.js';
import type { EpochTimestampFields, TimestampFields, TimestampOptions } from './entity-types.js';
import { EntityModel } from './model.js';
import { Entity, type SchemaKeys } from './entity.js';
import type { MigrationsOption } from './schema-migrations.js';
import type { DeriveConfig, WithoutDerived } from './derive-types.js';
import type { DerivedKeyEntity } from './derived-key-types.js';
import type { OtherFields, VariantDerivedEntity, VariantEntity, VariantFields, VariantTag } from './variant-types.js';

/** A schema of several variants of one entity: a union of objects that one literal field tells apart (see docs/modeling.md). */
export type VariantSchema = z.ZodUnion<readonly z.ZodObject[]>;

/**
 * The variants of a union `T`, each with the fields only other variants have as absent: `keyof` of
 * the result is every variant's fields (what paths and `project()` read), and the tag still narrows.
 */
type Variants<T> = Padded<T, T extends unknown ? keyof T : never>;
type Padded<T, All extends PropertyKey> = T extends unknown ? T & { readonly [K in Exclude<All, keyof T>]?: undefined } : never;

/** The entity of a union schema (see `Variants`), its updates typed by variant-types.ts. */
type VariantEntityOf<Name extends string, S extends VariantSchema, K, TS, V extends string, Dv> = {} extends Dv
  ? VariantEntity<Name, WithVersion<WithTimestamps<Variants<S['_zod']['output']>, TS>, V>, VersionedInput<Variants<S['_zod']['input']>, V>, K, V, VariantTag<S['_zod']['def'], S['_zod']['output']>, VariantFields<S['_zod']['input']>, OtherFields<S['_zod']['input']>>
  : VariantDerivedEntity<
      Name,
      WithVersion<WithTimestamps<Variants<S['_zod']['output']>, TS>, V>,
      WithoutDerived<VersionedInput<Variants<S['_zod']['input']>, V>, keyof Dv>,
      K,
      V,
      VariantTag<S['_zod']['def'], S['_zod']['output']>,
      VariantFields<S['_zod']['input']>,
      OtherFields<S['_zod']['input']>,
      Dv
    >;

/** The item with its timestamps: ISO-8601 text unless `timestamps` asks for an epoch format. */
type WithTimestamps<T, TS> = TS extends false ? T : T & (TS extends { readonly format: 'epochMs' | 'epochSeconds' } ? EpochTimestampFields : TimestampFields);

/**
 * The paths of a `z.object` entity by top-level attribute, read from the schema's shape (see
 * `ShapePathsByKey`), with its timestamps and version. Without either, the shape's paths alone
 * (an intersection per entity cost ~10 instantiations).
 */
type EntityPaths<S, TS, V extends string> = S extends { readonly shape: infer Sh }
  ? TS extends false
    ? [V] extends [never]
      ? ShapePathsByKey<Sh>
      : ShapePathsByKey<Sh> & { readonly [P in V]: P }
    : ShapePathsByKey<Sh> & { readonly createdAt: 'createdAt'; readonly updatedAt: 'updatedAt' } & { readonly [P in V]: P }
  : never;

/** Adds the optimistic-locking version (read-only number) to the item type. */
type WithVersion<T, V extends string> = [V] extends [never] ? T : T & { readonly [P in V]: number };

/** Input of put/create: a versioned entity's put may carry the version it read. */
type VersionedInput<T, V extends string> = [V] extends [never] ? T : T & { readonly [P in V]?: number };

/**
 * The input of a schema that keeps unknown attributes: its declared fields, plus attributes of any
 * name that the schema's catchall checks at run time. zod's input type for `.catchall(z.number())`
 * is `{ [k: string]: number; id: string }`, to which no literal with a string `id` is assignable.
 */
type WritableInput<T> = string extends keyof T ? SchemaKeys<T> & { readonly [attribute: string]: unknown } : T;

/**
 * The top-level fields of `O` that hold a `Date` (a TTL attribute's type in the model). A schema that
 * keeps unknown attributes has a string index in its output, which would absorb the declared keys.
 */
type DateField<O> = string extends keyof O ? DatedKeys<SchemaKeys<O>> : DatedKeys<O>;
type DatedKeys<O> = { [P in keyof O]: O[P] extends Date | null | undefined ? P : never }[keyof O] & string;

/**
 * What `defineEntity` takes. The schema's output and input are read as `S['_zod']['output']` /
 * `['input']`, the types `z.output<S>` / `z.input<S>` resolve to for any `z.ZodObject`: `z.output`
 * is a conditional on `S`, evaluated again each time TypeScript instantiates this config or the
 * return type while `S` is inferred (-1.1k instantiations at N=60, ~0.6%).
 */
export interface EntityConfig<Name extends string, S extends z.ZodObject | VariantSchema, C extends TableConfig, K, TS extends boolean | TimestampOptions, V extends string, KS = EntityKeysShape<C>, Dv = {}> {
  /** The table (`KS`, its key shape, is read from the table's type, where it was computed once). */
  readonly table: Table<C> & { readonly '~keysShape': KS };
  /** Stored in the table's discriminator attribute (default `_et`). */
  readonly name: Name;
  readonly schema: S;
  /** Key templates per index: `primary` and any index of the table, e.g. `{ pk: 'USER#{userId}', sk: 'PROFILE' }`. */
  readonly keys: K & NoInfer<CheckedKeys<K, keyof S['_zod']['output'] & string | (TS extends false ? never : keyof TimestampFields), KS, S['_zod']['output']>>;
  /**
   * Keep `createdAt` / `updatedAt` on every write: `true` as ISO-8601 strings, or
   * `{ format: 'epochMs' | 'epochSeconds' }` as whole epoch numbers (`number` in the item type).
   */
  readonly timestamps?: TS;
  /**
   * Optimistic locking: the attribute (not in the schema) holding a version number. `create`
   * writes 1; `put`, `update` and `delete` check the version passed in and increment it.
   */
  readonly version?: V;
  /**
   * A `z.date()` attribute stored as epoch seconds, for DynamoDB's time to live. Only fields whose
   * type is a `Date` (optional or nullable too) compile; the run time checks it is a `z.date()`.
   */
  readonly ttl?: DateField<S['_zod']['output']>;
  /**
   * Top-level schema fields (and the timestamps and version) stored under another attribute name:
   * `{ userId: 'user_id' }` keeps `userId` in the model (types, `Attr`, `Key`, updates, results)
   * and `user_id` in the table.
   */
  readonly storedAs?: { readonly [F in NoInfer<keyof S['_zod']['output'] | (TS extends false ? never : keyof TimestampFields) | V>]?: string };
  /**
   * Schema versions (docs/modeling.md): full-item writes store the current version
   * (`steps.length + 1`) in `attribute` (default `_sv`); reads run the steps from a stored item's
   * version (1 when it has none) to the current one before the schema parses it.
   */
  readonly migrations?: MigrationsOption;
  /**
   * Schema fields computed from other fields on every write (see `DeriveConfig`): a put computes
   * them from its item, an update that sets all their sources with plain values sets them too, and
   * any other write of them or of some of their sources is a `DerivedAttributeError`.
   */
  readonly derive?: DeriveConfig<S['_zod']['output'], S['_zod']['input'], Dv>;
}

/**
 * Defines an entity: a zod schema stored in a table under key templates. Templates are checked
 * against the schema at compile time and compiled once, here.
 *
 * @example
 * const User = defineEntity({
 *   table: AppTable, name: 'User',
 *   schema: z.object({ userId: z.string(), orgId: z.string(), name: z.string() }),
 *   keys: { primary: { pk: 'USER#{userId}', sk: 'PROFILE' }, gsi1: { pk: 'ORG#{orgId}', sk: 'USER#{name}#{userId}' } },
 *   timestamps: true,
 * });
 * // A field computed from others on every write, e.g. for a case-insensitive index:
 * // derive: { nameLower: { from: ['name'], compute: ({ name }) => name.toLowerCase() } }
 */
export function defineEntity<
  const Name extends string,
  S extends z.ZodObject | VariantSchema,
  C extends TableConfig,
  // Unconstrained: a constraint over C would be re-instantiated while C is being inferred (the
  // inferred KS is the table's own key shape; K is checked against it).
  KS,
  const K extends KS,
  TS extends boolean | TimestampOptions = false,
  const V extends string = never,
  // Each derived attribute's `from` list. Unconstrained (the `derive` property checks it): a
  // constraint cost ~1 instantiation per entity, derive or not.
  const Dv = {},
>(
  config: EntityConfig<Name, S, C, K, TS, V, KS, Dv>,
): // An entity of a z.object gets the type it had before variants existed (~1 instantiation per entity, measured in CHANGELOG).
S extends VariantSchema
  ? VariantEntityOf<Name, S, K, TS, V, Dv>
  : // An entity without derived attributes gets the type it had before they existed (one test of `Dv`, ~1 instantiation per entity).
    // The version is tested once for the item and the input (not in `WithVersion` and `VersionedInput`
    // each: ~3 instantiations less per entity, which pays for the test of `S` above).
    {} extends Dv
    ? [V] extends [never]
      ? Entity<Name, WithTimestamps<S['_zod']['output'], TS>, WritableInput<S['_zod']['input']>, K, V, never, EntityPaths<S, TS, never>>
      : Entity<Name, WithTimestamps<S['_zod']['output'], TS> & { readonly [P in V]: number }, WritableInput<S['_zod']['input']> & { readonly [P in V]?: number }, K, V, never, EntityPaths<S, TS, V>>
    : DerivedKeyEntity<Name, WithVersion<WithTimestamps<S['_zod']['output'], TS>, V>, WithoutDerived<VersionedInput<WritableInput<S['_zod']['input']>, V>, keyof Dv>, K, V, Dv> {
  const model = new EntityModel({
    name: config.name,
    table: config.table as unknown as Table,
    schema: config.schema,
    keys: config.keys as Record<string, { pk?: string; sk?: string }>,
    timestamps: config.timestamps,
    version: config.version,
    ttl: config.ttl,
    storedAs: config.storedAs as Readonly<Record<string, string>> | undefined,
    migrations: config.migrations,
    derive: config.derive,
  });
  // The conditional return type is not resolved for a generic Dv here.
  return new Entity(config.name, model) as never;
}
