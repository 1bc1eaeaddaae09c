import type { PathsByKey, PathValue } from './paths.js';
import type { KeyAttributeNames, KeyInput, PartitionNames, PartitionOf, PrimaryKeyNames, QueryCondition, QueryIndexName, TimestampFields, UpdateInputs, UpdatePaths } from './entity-types.js';
import type { EntityModel } from './model.js';
import { AttributeOperand, type Condition } from '../expressions/condition.js';
import { KeyOperand, type KeyCondition } from '../expressions/key-condition.js';
import { QueryBuilder } from '../pagination/query.js';
import { ScanBuilder } from '../pagination/scan.js';
import { refTo, type UpdateRef } from '../expressions/update-values.js';
import { ExpressionError } from '../errors.js';
import { newPut, type PutBuilder } from '../operations/put.js';
import { GetBuilder } from '../operations/get.js';
import { UpdateBuilder } from '../operations/update.js';
import { newDelete, type DeleteBuilder } from '../operations/delete.js';
import { CheckBuilder } from '../operations/check.js';
import { resolvePath } from '../operations/update-plan.js';
import { checkOwners } from '../operations/expression-input.js';
import { storedItemOf } from '../operations/condition-failure.js';
import { EntityBatchGet } from '../batch/entity-batch-get.js';
import type { UnprocessedWrite } from '../batch/batch-errors.js';
import { partitionCondition } from './partition-condition.js';
import type { TableKeyCondition } from '../expressions/table-key-condition.js';
import { requireCondition, requireKeyCondition } from '../expressions/condition-input.js';
import { givenRecord } from '../given-input.js';

/**
 * An entity: a zod schema stored in a table under key templates. Its methods return operation
 * builders; `Key`, `Attr` and `ref` build typed expressions on its attributes. `D`: attributes an
 * update cannot name besides the key and the managed ones: the derived attributes (`derive`) and
 * the tag of an entity with variants. `PK`: the item's paths by top-level attribute, which `Attr`,
 * `ref` and the update maps read (`defineEntity` builds them from a `z.object` schema's shape,
 * `ShapePathsByKey`; by default they are read from the item type).
 */
export class Entity<Name extends string, Item extends object, Input, K, V extends string = never, D extends string = never, PK extends { readonly [attribute: string]: string } = PathsByKey<Addressable<Item>>> {
  /** @internal type carriers, never set at run time */
  declare readonly '~item': Item;
  declare readonly '~input': Input;
  declare readonly '~keys': K;
  /** @internal type carrier: the optimistic-locking version attribute (`never` without one); batch writes take only entities without */
  declare readonly '~version': V;

  readonly name: Name;
  /** @internal */
  readonly model: EntityModel;

  constructor(name: Name, model: EntityModel) {
    this.name = name;
    this.model = model;
  }

  /**
   * A condition operand on an attribute path of the schema; value types follow the schema.
   *
   * @example User.Attr('age').gt(18).and(User.Attr('address.city').eq('Paris'))
   */
  Attr = <P extends PK[keyof PK]>(path: P): AttributeOperand<Present<PathValue<Addressable<Item>, P>>> => {
    const p = resolvePath(this.model, path);
    this.model.assertPath(p, path);
    return new AttributeOperand<Present<PathValue<Addressable<Item>, P>>>(p, false, this.model.conditionOwner);
  };

  /**
   * A key-condition operand on an attribute that composes one of the entity's index keys.
   *
   * @example User.Key('orgId').eq('acme').and(User.Key('name').beginsWith('A'))
   */
  Key = <A extends KeyAttributeNames<K> & keyof Item & string>(attribute: A): KeyOperand<Present<Item[A]>, A> => {
    if (!this.model.keyComposites.has(attribute)) throw new ExpressionError(this.name, attribute, 'does not compose any key of the entity');
    // An optional composite (a sparse index) is queried by its present values.
    return new KeyOperand<Present<Item[A]>, A>(attribute, this.model.conditionOwner);
  };

  /**
   * A reference to a stored attribute for update values: copy it, do arithmetic, or fall back.
   *
   * @example User.update(k).set({ stock: User.ref('stock').minus(1) })
   */
  ref = <P extends PK[keyof PK]>(path: P): UpdateRef<Present<PathValue<Addressable<Item>, P>>> => {
    const p = resolvePath(this.model, path);
    this.model.assertPath(p, path);
    return refTo(p, this.model.conditionOwner);
  };

  /**
   * Writes the whole item (replacing any stored one). Resolves to the stored item.
   *
   * @example await User.put({ userId: 'u1', orgId: 'acme', email: 'a@b.co', name: 'Ada' }).where(User.Attr('userId').notExists())
   */
  put(item: Input): PutBuilder<Item, Item, V> {
    return newPut<Item, V>(this.model, item, false);
  }

  /**
   * Writes the item only if no item with its primary key exists; otherwise `ConditionFailedError`.
   *
   * @example await User.create(user)
   */
  create(item: Input): PutBuilder<Item, Item, 'create'> {
    return newPut<Item, 'create'>(this.model, item, true);
  }

  /**
   * Reads one item by its primary-key composites.
   *
   * @example const u = await User.get({ userId: 'u1' }).consistent().project('name', 'email')
   */
  get(key: KeyInput<Item, K>): GetBuilder<Item> {
    return new GetBuilder<Item>(this.model, { key: givenRecord(key as Record<string, unknown>), consistent: false, projection: undefined });
  }

  /**
   * Updates an existing item.
   *
   * @example await User.update({ userId: 'u1' }).set({ name: 'Bo' }).add({ age: 1 }).returning('ALL_NEW')
   */
  update(key: VersionedKey<Item, K, V>): UpdateBuilder<Item, EntityUpdateInputs<Item, Input, Fixed<Item, Input, K, V, D>, PK>> {
    return new UpdateBuilder<Item, EntityUpdateInputs<Item, Input, Fixed<Item, Input, K, V, D>, PK>>(this.model, {
      key: givenRecord(key as Record<string, unknown>),
      steps: [],
      condition: undefined,
      returnValues: 'NONE',
      upsert: false,
      returnItemOnFailure: false,
    });
  }

  /**
   * Deletes one item by its primary-key composites; a versioned entity's key may carry the version
   * it read, which the delete then checks: a condition, so batch writes do not take that delete.
   * (A property, so that only a versioned entity's delete has two signatures: see `EntityDelete`.)
   *
   * @example await User.delete({ userId: 'u1' }).where(User.Attr('age').lt(100))
   */
  readonly delete: EntityDelete<Item, K, V> = (key: object): DeleteBuilder<Item> =>
    newDelete<Item>(this.model, key as Record<string, unknown>);

  /**
   * Reads many items by key in chunks of 100, retrying unprocessed keys; results keep the
   * order of `keys` (`undefined` for missing items).
   *
   * @example const users = await User.batchGet([{ userId: 'u1' }, { userId: 'u2' }])
   */
  batchGet(keys: readonly KeyInput<Item, K>[]): EntityBatchGet<Item> {
    return new EntityBatchGet<Item>(this.model.table.client, keys.map((k) => this.get(k)));
  }

  /**
   * Queries one index (`'primary'` or an index the entity has keys for) with a key condition on
   * the logical attributes that compose its keys. Returns only this entity's items.
   *
   * @example
   * const page = await User.query('gsi1', User.Key('orgId').eq('acme').and(User.Key('name').beginsWith('A'))).limit(50)
   * for await (const u of User.query('primary', User.Key('userId').eq('u1'))) console.log(u)
   *
   * `I` is inferred from `index` alone (`NoInfer` on the condition): inferring it from the condition
   * too made TypeScript relate the condition to the key names of a still-unknown index. The
   * condition must also compare every partition-key composite of the index with `eq` (DynamoDB
   * needs the whole partition key): `Key('name').beginsWith('A')` alone does not compile.
   */
  query<I extends QueryIndexName<K>>(index: I, condition: NoInfer<QueryCondition<K, I>>): QueryBuilder<Item> {
    // One literal, not a spread of shared defaults: V8 adds keys to a spread clone on a slow path.
    // The builder resolves the index first (a KeyError for an unknown one).
    const query = new QueryBuilder<Item>(this.model, {
      index,
      key: condition as KeyCondition,
      filter: undefined,
      projection: undefined,
      limit: undefined,
      pageSize: undefined,
      consistent: false,
      cursor: undefined,
      reverse: false,
    });
    const ix = this.model.indexes.get(index)!;
    const partition = ix.index.type === 'local' ? this.model.primary.pks : ix.pks;
    requireKeyCondition(this.name, condition, index, partition[0]?.composites[0] ?? 'attribute');
    checkOwners(this.model, condition, 'the key condition', true);
    return query;
  }

  /**
   * Scans the table (or an index the entity has keys for) for this entity's items.
   *
   * @example const adults = await User.scan().filter(User.Attr('age').gte(18)).all()
   */
  scan(index: QueryIndexName<K> = 'primary' as QueryIndexName<K>): ScanBuilder<Item> {
    return new ScanBuilder<Item>(this.model, {
      index,
      filter: undefined,
      projection: undefined,
      limit: undefined,
      pageSize: undefined,
      consistent: false,
      cursor: undefined,
      segments: undefined,
    });
  }

  /**
   * The key condition of the partition that `index` gives this entity's items, built from their
   * partition-key composites by the entity's template: for a table-level query of that item
   * collection, which returns every entity stored there (an entity query returns only its own).
   * Pass it to `AppTable.query` with the same index.
   *
   * @example
   * const { items } = await AppTable.query(User.partition('primary', { userId: 'u1' })).entities(User, Order).all()
   * const team = await AppTable.query('gsi1', Order.partition('gsi1', { orderId: 'o1' })).all()
   */
  partition<I extends QueryIndexName<K>>(index: I, composites: PartitionInput<Item, PartitionNames<K, I>>): TableKeyCondition<PartitionOf<K, I>, string> {
    return partitionCondition(this.model, index, composites as Record<string, unknown>);
  }

  /**
   * The stored item a failed write of this entity carries (`item` of a `ConditionFailedError`, a
   * `VersionConflictError` or a transaction's `CancellationReason`), typed as the entity's item;
   * `undefined` when there is none, or it is another entity's or did not parse (`failure.item` then
   * holds it as stored).
   *
   * @example catch (e) { const current = User.storedItem(e); if (current !== undefined) await retry(current) }
   */
  storedItem(failure: unknown): Item | undefined {
    return storedItemOf(this.model, failure) as Item | undefined;
  }

  /**
   * The key composites (what `get`, `update` and `delete` take) of an item of this entity that a
   * report names by its stored key: a transaction's `CancellationReason`, an action of a
   * `TransactionOutcomeUnknownError`. `undefined` when it names another entity, or a stored key
   * this entity's templates do not produce.
   *
   * @example for (const r of e.reasons) { const k = Product.keyOf(r); if (k !== undefined && r.code === 'ConditionalCheckFailed') soldOut.push(k.sku) }
   */
  keyOf(report: { readonly entity: string; readonly key: Readonly<Record<string, unknown>> }): KeyInput<Item, K> | undefined {
    return report.entity === this.name ? (this.model.keys.parseStored(report.key) as KeyInput<Item, K> | undefined) : undefined;
  }

  /**
   * The write that redoes an entry of `BatchWriteError.unprocessed` on its own, typed as this
   * entity's (no cast of the entry's `item` or `key`): `put(item)`, with `withTimestamps` when the
   * entry lists times, or `delete(key)`, validated again as those are; `undefined` for an entry of
   * another entity or table. Send it, give it a `where()`, or put it in a `transactWrite`.
   *
   * @example for (const w of e.unprocessed) await User.redo(w)?.where(User.Attr('userId').notExists())
   */
  redo(entry: UnprocessedWrite): PutBuilder<Item, Item, V> | DeleteBuilder<Item> | undefined {
    if (entry.entity !== this.name || entry.table !== this.model.table.name) return undefined;
    if (entry.type === 'delete') return newDelete<Item>(this.model, entry.key);
    const put = newPut<Item, V>(this.model, entry.item, false);
    return entry.timestamps === undefined ? put : put.withTimestamps(entry.timestamps as never);
  }

  /**
   * A condition on an item that writes nothing (a transaction's `ConditionCheck`).
   *
   * @example await User.check({ userId: 'u2' }, User.Attr('age').gte(18))
   */
  check(key: KeyInput<Item, K>, condition: Condition): CheckBuilder {
    return new CheckBuilder(this.model, givenRecord(key as Record<string, unknown>), requireCondition(this.name, condition, 'check()'));
  }
}

/**
 * Top-level attributes an update may not change: primary-key composites, the version (`V`), the
 * derived attributes (`D`; a parameter of its own: `V | D` at the call cost ~1 instantiation more
 * per entity), and what is
 * not in the schema's input (timestamps, kept by dynakit). The item's keys beyond the input's can
 * only be the timestamps (the version is `V`, derived attributes `D`), so only those two are compared with the input's keys,
 * not every key of the item; whether the item has them is read from its keys, not by relating the
 * item to `TimestampFields` (~2.5 instantiations less per entity).
 * @internal
 */
export type Fixed<Item, Input, K, V extends string, D extends string> = (PrimaryKeyNames<K> | V | D | Exclude<keyof TimestampFields & keyof Item, keyof Input>) & string;

/**
 * The item as paths address it: without the string index signature of a schema that keeps unknown
 * attributes (`.catchall()`, `z.looseObject`), which answered for every path (`'address.city'`
 * typed as the catchall's value, typos accepted) while the run time addresses schema paths only.
 * Other items are returned as they are (the same type, so their paths are computed once).
 */
type Addressable<T> = string extends keyof T ? SchemaKeys<T> : T;
/** @internal the declared fields of an item or input whose schema keeps unknown attributes (no index signature) */
export type SchemaKeys<T> = { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };

/**
 * The value maps of an entity's update: its paths but the fixed attributes, on the addressable item
 * and input (the input has an index signature when the item has one: one test, on the item).
 */
type EntityUpdateInputs<Item, Input, Fixed extends string, PK extends { readonly [attribute: string]: string }> = string extends keyof Item
  ? UpdateInputs<SchemaKeys<Item>, UpdatePaths<PK, Fixed>, SchemaKeys<Input>>
  : UpdateInputs<Item, UpdatePaths<PK, Fixed>, Input>;

/** The partition-key composites `A` of an item, each required (an optional one keys a sparse index by its present values). */
type PartitionInput<Item, A> = { readonly [P in A & keyof Item]-?: Present<Item[P]> };

/**
 * A value without `undefined`: a composite's value as a key condition takes it (an optional one's
 * `undefined` builds no key), and the value an `Attr`/`ref` path compares or reads. (Measured
 * cheaper than `Exclude`, `NonNullable` or `Required<Item>[A]` per call: most attributes are
 * required and stop at the first check.)
 */
type Present<V> = undefined extends V ? Exclude<V, undefined> : V;

/**
 * Any entity, for APIs that accept entities of every shape. Only what those APIs read (the name,
 * the model and the type carriers), not `Entity<string, any, ...>`: checking `E extends AnyEntity`
 * then compares five properties instead of instantiating every method of `Entity` with `any`.
 * So it has no methods: a helper of your own for reads of any entity takes the builder instead.
 *
 * @example async function found<T>(read: GetBuilder<T>): Promise<T> { const item = await read; if (item === undefined) throw new Error('not found'); return item; }
 */
export interface AnyEntity {
  readonly name: string;
  /** @internal */
  readonly model: EntityModel;
  readonly '~item': object;
  readonly '~input': unknown;
  readonly '~keys': unknown;
}

/**
 * An entity a batch write takes: one without optimistic locking, whose puts and deletes need no
 * condition (BatchWriteItem has none). An unversioned entity's `~version` is `never`; the message
 * is what a compile error shows for a versioned one (`Type '"version"' is not assignable to ...`).
 */
export interface UnlockedEntity extends AnyEntity {
  readonly '~version'?: 'a batch write takes no versioned entity (its writes check the version): use transactWrite';
}

/** The model type of an entity's items (schema output plus timestamps). */
export type EntityItem<E extends AnyEntity> = E['~item'];

/** What `put`/`create` accept (the schema's input type). */
export type EntityInput<E extends AnyEntity> = E['~input'];

/** The primary-key object that `get`/`update`/`delete` accept. */
export type EntityKey<E extends AnyEntity> = KeyInput<E['~item'], E['~keys']>;

/**
 * `delete` of an entity: for a versioned one, a key that gives the version makes a delete that
 * checks it (guard `'version'`: batch writes refuse it, as BatchWriteItem has no conditions), and
 * one without makes a plain delete. One signature for entities without a version, whose wrong keys
 * then read as one error, not one per overload.
 */
export type EntityDelete<Item, K, V extends string> = [V] extends [never]
  ? (key: KeyInput<Item, K>) => DeleteBuilder<Item>
  : {
      (key: KeyInput<Item, K> & { readonly [P in V]: number }): DeleteBuilder<Item, void, 'version'>;
      (key: VersionedKey<Item, K, V>): DeleteBuilder<Item>;
    };

/** Key of update/delete: a versioned entity may pass the version it read, to check it. */
export type VersionedKey<Item, K, V extends string> = [V] extends [never]
  ? KeyInput<Item, K>
  : string extends V
    ? KeyInput<Item, K>
    : KeyInput<Item, K> & { readonly [P in V]?: number };
