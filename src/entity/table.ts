import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { EntityKeysShape, KeyAttribute, TableConfig } from './table-types.js';
import { AttributeOperand } from '../expressions/condition.js';
import { checkDocPath, formatDocPath, parseDocPath, typedPath } from '../expressions/document-path.js';
import { unsupportedTranslation, type AnyDynamoClient, type RequestOptions } from '../client/send.js';
import { ExpressionError, TableDefinitionError, UnsupportedClientError } from '../errors.js';
import { resolveIndexes } from './table-definition.js';
import { checkRegistration } from './entity-registration.js';
import { createTableInput } from './create-table-input.js';
import { createTable, describeTable, dropTable, enableTimeToLive, type TableDescriptionReport } from './table-lifecycle.js';
import type { Condition } from '../expressions/condition.js';
import type { ConditionOwner } from '../expressions/condition-owner.js';
import { checkTableOwners } from '../operations/expression-input.js';
import type { EntityModel } from './model.js';
import type { AnyEntity } from './entity.js';
import { parseRecordWith, parseRecordsWith, type EntityStreamEvent, type ParsedStream, type StreamParsing, type StreamRecordInput } from '../streams/stream-record.js';
import { StreamParser } from '../streams/stream-parser.js';
import { TableReadBuilder } from '../pagination/table-read.js';
import type { StoredItem } from '../pagination/table-read-types.js';
import { requireTableKeyCondition } from '../expressions/condition-input.js';
import { BatchWriter, batchWriteAll, type BatchCollector, type BatchWriteAllOptions, type BatchWriteInput, type BatchWriteResult } from '../batch/batch-write.js';
import type { BatchWriteOptions } from '../batch/batch-writer.js';
import { batchGetAll, type BatchGetOptions, type BatchGetResults } from '../batch/batch-get.js';
import type { GetBuilder } from '../operations/get.js';
import { TableDeleteBuilder } from '../operations/table-delete.js';
import { TableCheckBuilder } from '../operations/table-check.js';
import { givenKey, type TablePrimaryKey } from './physical-key.js';
import { TableKeyOperand } from '../expressions/table-key-condition.js';
import type { AllKeyAttributes, IndexKeyCondition, KeyValueOf } from './table-key-types.js';

/** The discriminator attribute name of a table config (`_et` unless configured). */
export type EntityAttributeOf<C extends TableConfig> = C['entityAttribute'] extends string ? C['entityAttribute'] : '_et';

/** Index names of a table config, `primary` included. */
export type TableIndexName<C extends TableConfig> = 'primary' | (keyof NonNullable<C['indexes']> & string);

/** Physical key attribute names of a table and its indexes. */
export type TableKeyName<C extends TableConfig> = AllKeyAttributes<C>['name'];

/** The physical key attributes of one index (or `primary`). */
export interface ResolvedIndex {
  readonly name: string;
  readonly type: 'primary' | 'global' | 'local';
  /** The partition key attribute; the first of a multi-attribute key (all in `partitionKeys`). */
  readonly partitionKey: KeyAttribute;
  /** The sort key attribute, if any; the first of a multi-attribute key (all in `sortKeys`). */
  readonly sortKey: KeyAttribute | undefined;
  /** Every partition key attribute, in key order: one, or up to 4 on a global index. */
  readonly partitionKeys: readonly KeyAttribute[];
  /** Every sort key attribute, in key order: none, one, or up to 4 on a global index. */
  readonly sortKeys: readonly KeyAttribute[];
  /**
   * The attributes the index holds when it does not hold whole items (KEYS_ONLY or INCLUDE):
   * its keys, the table's keys and the included attributes. `undefined` for ALL and the table.
   */
  readonly projected: ReadonlySet<string> | undefined;
}

/** An index's key attributes: partition key, then sort key if any (every attribute of a multi-attribute key). */
const indexKeyNames = (ix: ResolvedIndex): string[] => [...ix.partitionKeys, ...ix.sortKeys].map((k) => k.name);

/** Whether an index's partition or sort key has several attributes. */
export const isMultiAttribute = (ix: ResolvedIndex): boolean => ix.partitionKeys.length > 1 || ix.sortKeys.length > 1;

/**
 * A DynamoDB table definition. Entities are defined on it; it also builds the table itself.
 *
 * @example
 * const AppTable = defineTable({ name: 'App', client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
 */
export class Table<C extends TableConfig = TableConfig> {
  /**
   * @internal type carrier, never set at run time: the shape of `keys` in `defineEntity`, computed
   * once per table. `defineEntity` reads it from here: a constraint written over the table's config
   * type was re-instantiated for every index literal while the config type was still being inferred.
   */
  declare readonly '~keysShape': EntityKeysShape<C>;
  readonly name: string;
  /** What `Attr` and `Key` mark their paths with: a table-level read takes only those. */
  readonly conditionOwner: ConditionOwner;
  readonly client: AnyDynamoClient;
  /** The discriminator attribute; `undefined` for a table without one (`entityAttribute: false`), which holds one entity. */
  readonly entityAttribute: string | undefined;
  readonly keySeparator: string;
  /** `primary` and every index, with physical key attributes. */
  readonly indexes: ReadonlyMap<string, ResolvedIndex>;
  /** Physical key attributes of the table and all its indexes. */
  readonly keyAttributeNames: ReadonlySet<string>;
  /** The table's own key attributes: partition key, then sort key if any. */
  readonly primaryKeyNames: readonly string[];

  constructor(readonly config: C) {
    this.name = config.name;
    this.conditionOwner = { label: `table ${config.name}` };
    this.client = config.client;
    const unsupported = unsupportedTranslation(config.client);
    if (unsupported !== undefined) throw new UnsupportedClientError(`table ${config.name}: ${unsupported}`);
    this.entityAttribute = config.entityAttribute === false ? undefined : (config.entityAttribute ?? '_et');
    this.keySeparator = config.keySeparator ?? '#';
    if (this.keySeparator === '') throw new TableDefinitionError(config.name, 'keySeparator', 'cannot be empty');
    const indexes = resolveIndexes(config);
    this.indexes = indexes;
    this.keyAttributeNames = new Set([...indexes.values()].flatMap(indexKeyNames));
    this.primaryKeyNames = indexKeyNames(indexes.get('primary')!);
  }

  /** @internal entities defined on this table, by discriminator value */
  readonly entities = new Map<string, EntityModel>();

  /** @internal called by defineEntity */
  register(model: EntityModel): void {
    checkRegistration(this, model);
    this.entities.set(model.name, model);
  }

  private resolveIndex(name: string): ResolvedIndex {
    const ix = this.indexes.get(name);
    if (ix === undefined) throw new ExpressionError(`table ${this.name}`, '', `has no index "${name}" (known: ${[...this.indexes.keys()].join(', ')})`);
    return ix;
  }

  /**
   * Queries the table (or an index) on physical key attributes. Items are parsed by the
   * entity their discriminator names; `.entities(User, Order)` types them as a union. The key
   * condition must name only that index's key attributes (built by `Key`, joined with `and`), with
   * `eq` on each partition key attribute: anything else does not compile, and is an
   * `ExpressionError` before sending for a JavaScript caller.
   *
   * @example const { items, unknown } = await AppTable.query(AppTable.Key('pk').eq('USER#u1')).all()
   */
  query(condition: IndexKeyCondition<C, 'primary'>): TableReadBuilder<StoredItem<EntityAttributeOf<C>>, EntityAttributeOf<C>>;
  query<I extends TableIndexName<C>>(index: I, condition: NoInfer<IndexKeyCondition<C, I>>): TableReadBuilder<StoredItem<EntityAttributeOf<C>>, EntityAttributeOf<C>>;
  query(a: string | Condition, b?: Condition): TableReadBuilder<StoredItem<EntityAttributeOf<C>>, EntityAttributeOf<C>> {
    const [index, key] = typeof a === 'string' ? [a, b] : ['primary', a];
    requireTableKeyCondition(`table ${this.name}`, key);
    checkTableOwners(this as unknown as Table, key, 'the key condition');
    return new TableReadBuilder(this as unknown as Table, {
      kind: 'query', index: this.resolveIndex(index), key, filter: undefined, projection: undefined, limit: undefined,
      pageSize: undefined, reverse: false, consistent: false, cursor: undefined, entities: undefined,
    });
  }

  /**
   * Deletes the item stored under a physical primary key, whichever entity (or none) wrote it: the
   * way to remove the `unknown` items of table-level reads. A key that is not exactly the table's
   * key attributes, of their types, within DynamoDB's limits, is a `KeyError` before sending (when
   * the request is built, as for an entity's key).
   *
   * @example await AppTable.delete({ pk: 'USER#u1', sk: 'NOTE#1' }).where(AppTable.Attr('_et').eq('Note'))
   */
  delete(key: TablePrimaryKey<C>): TableDeleteBuilder {
    return new TableDeleteBuilder(this as unknown as Table, { key: givenKey(key), condition: undefined, returnOld: false, returnItemOnFailure: false });
  }

  /**
   * A condition on the item stored under a physical primary key, whichever entity (or none) wrote it,
   * sent as written on physical names (`Entity.check` judges only its own entity's live item): an
   * action of `transactWrite`, or a one-action transaction when awaited.
   *
   * @example await transactWrite([AppTable.check({ pk: 'ORG#acme', sk: 'LIMITS' }, AppTable.Attr('seats').gt(0)), User.put(u)])
   */
  check(key: TablePrimaryKey<C>, condition: Condition): TableCheckBuilder {
    return new TableCheckBuilder(this as unknown as Table, { key: givenKey(key), condition, returnItemOnFailure: false });
  }

  /**
   * Writes puts and deletes in batches of 25 with retries. Every write is validated before
   * anything is sent; a key written twice keeps its last write. Throws `BatchWriteError` with
   * every write not done when retries run out; `AppTable.batchWrite(error.unprocessed)` sends
   * those again, exactly as they were to be made (entries read back from JSON are rebuilt through
   * this table's entities and validated).
   *
   * @example
   * await AppTable.batchWrite(async (batch) => { for (const u of users) batch.put(User, u); batch.delete(Order, key); });
   * await AppTable.batchWrite([User.put(u1), Order.delete(k)]);
   * await AppTable.batchWrite(error.unprocessed);
   */
  batchWrite(
    writes: readonly BatchWriteInput[] | ((batch: BatchCollector) => void | Promise<void>),
    options?: BatchWriteAllOptions,
  ): Promise<BatchWriteResult> {
    return batchWriteAll(this as unknown as Table, writes, options);
  }

  /**
   * A streaming batch writer (`put`, `delete`, `flush`, `close`, `await using`).
   *
   * @example
   * await using writer = AppTable.batchWriter();
   * for await (const row of source) writer.put(User, row);
   */
  batchWriter(options?: BatchWriteOptions): BatchWriter {
    return new BatchWriter(this.client, options ?? {}, this as unknown as Table);
  }

  /**
   * Reads items of any entities by key (get builders), in chunks of 100 with retries; the
   * result is a tuple in the order asked.
   *
   * @example const [user, order] = await AppTable.batchGet([User.get({ userId: 'u1' }), Order.get(orderKey)])
   */
  batchGet<const B extends readonly GetBuilder<unknown>[]>(gets: B, options?: BatchGetOptions): Promise<BatchGetResults<B>> {
    return batchGetAll(this.client, gets, options);
  }

  /**
   * Scans the table (or an index); items are parsed as in `query`.
   *
   * @example for await (const item of AppTable.scan().entities(User, Order)) if (item._et === 'User') console.log(item.email)
   */
  scan(index: TableIndexName<C> = 'primary'): TableReadBuilder<StoredItem<EntityAttributeOf<C>>, EntityAttributeOf<C>> {
    return new TableReadBuilder(this as unknown as Table, {
      kind: 'scan', index: this.resolveIndex(index), key: undefined, filter: undefined, projection: undefined, limit: undefined,
      pageSize: undefined, reverse: false, consistent: false, cursor: undefined, entities: undefined,
    });
  }

  /**
   * The `CreateTableCommandInput` for this definition: keys, GSIs, LSIs, billing.
   *
   * @example await client.send(new CreateTableCommand(AppTable.createTableInput()))
   */
  createTableInput(): CreateTableCommandInput {
    return createTableInput(this.config);
  }

  /**
   * Creates the table, waits until it and its indexes are ACTIVE, and turns on TTL when an
   * entity declares a `ttl` attribute (for tests, demos and scripts). `abortSignal` stops it at
   * any step, the waiting too; a table whose CreateTable was sent may then exist. A table that
   * exists fails with the SDK's `ResourceInUseException`; with `ifNotExists: true` it is waited
   * for and kept when it matches the definition (as `describe()` compares), and a
   * `TableMismatchError` lists the differences when it does not.
   *
   * @example await AppTable.create({ ifNotExists: true, abortSignal: AbortSignal.timeout(30_000) })
   */
  async create(options: { maxWaitSeconds?: number; ifNotExists?: boolean } & RequestOptions = {}): Promise<void> {
    const signal = options.abortSignal;
    const ttl = this.ttlAttribute();
    await createTable(this.client, this.createTableInput(), ttl, { ifNotExists: options.ifNotExists === true, maxWaitSeconds: options.maxWaitSeconds ?? 60, signal });
    if (ttl !== undefined) await enableTimeToLive(this.client, this.name, ttl, signal);
  }

  /**
   * The TTL attribute the table's entities use, `undefined` when none declares `ttl`. DynamoDB
   * allows one per table, so `defineEntity` refuses an entity naming another (`TableDefinitionError`).
   *
   * @example AppTable.ttlAttribute() // 'expiresAt' once Session is defined with ttl: 'expiresAt'
   */
  ttlAttribute(): string | undefined {
    for (const m of this.entities.values()) if (m.ttl !== undefined) return m.storedName(m.ttl);
    return undefined;
  }

  /**
   * Parses a DynamoDB Streams record (as a Lambda receives it) into an entity event. Returns
   * `undefined` for records of no registered entity; throws `StreamRecordError` for malformed
   * records or images that do not match their schema. `streamParser(User, Order)` is the typed form.
   *
   * @example const event = AppTable.parseStreamRecord(record); if (event?.entity === 'User') console.log(event.newItem)
   */
  parseStreamRecord(record: StreamRecordInput): EntityStreamEvent<string, Record<string, unknown>> | undefined {
    const e = parseRecordWith(this.untypedStream(), record);
    return e === 'unknown' ? undefined : e;
  }

  /**
   * Parses a whole Lambda stream event: `{ events, unknown, errors }`; a bad record never fails the others.
   *
   * @example export const handler = async (event) => { const { events } = AppTable.parseStreamEvent(event); ... }
   */
  parseStreamEvent(event: { readonly Records?: readonly StreamRecordInput[] }): ParsedStream<EntityStreamEvent<string, Record<string, unknown>>> {
    return parseRecordsWith(this.untypedStream(), event?.Records ?? []);
  }

  /** Every entity of the table, no view type told: what the untyped parsers parse against. */
  private untypedStream(): StreamParsing {
    return { table: this.name, models: this.entities, entityAttribute: this.entityAttribute, viewType: undefined };
  }

  /**
   * A stream parser typed for these entities: events are discriminated by `entity`, and their
   * `keys` are what each entity's `get` takes. `.viewType('NEW_AND_OLD_IMAGES')` states the
   * stream's view type, which makes the images it gives required.
   *
   * @example
   * const parse = AppTable.streamParser(User, Order).viewType('NEW_AND_OLD_IMAGES');
   * for (const e of parse.event(lambdaEvent).events) if (e.entity === 'User' && e.type === 'INSERT') console.log(e.newItem.email)
   */
  streamParser<E extends AnyEntity[]>(...entities: E): StreamParser<E[number]> {
    // Records are matched by discriminator value: an entity of another table would parse this
    // table's records of its namesake with the wrong schema (or match nothing).
    for (const e of entities) {
      if ((e.model.table as unknown) !== this) {
        throw new ExpressionError(`table ${this.name}`, '', `streamParser(): ${e.name} is defined on table ${e.model.table.name}, not on this one`);
      }
    }
    const models = new Map(entities.map((e) => [e.name, e.model] as const));
    return new StreamParser({ table: this.name, models, entityAttribute: this.entityAttribute, viewType: undefined });
  }

  /**
   * Compares the live table with this definition; `differences` is empty when they match.
   * Throws `TableNotFoundError` when the table does not exist.
   *
   * @example const { differences } = await AppTable.describe(); if (differences.length) console.warn(differences)
   */
  describe(options?: RequestOptions): Promise<TableDescriptionReport> {
    return describeTable(this.client, this.createTableInput(), this.ttlAttribute(), options?.abortSignal);
  }

  /**
   * Deletes the table and waits until it is gone; a table that does not exist is not an error.
   * `abortSignal` stops it at any step, the waiting too; the table may then be deleting or gone.
   * Throws a `DynakitError` when it is not gone after `maxWaitSeconds` (default 60).
   *
   * @example await AppTable.drop({ maxWaitSeconds: 30 })
   */
  async drop(options: { maxWaitSeconds?: number } & RequestOptions = {}): Promise<void> {
    await dropTable(this.client, this.name, options.maxWaitSeconds ?? 60, options.abortSignal);
  }

  /**
   * A condition operand on a physical attribute (boto3's `Attr`); values are untyped here.
   * Pass an array to name attributes that contain dots: `Attr(['a.b'])`.
   *
   * @example AppTable.Attr('_et').eq('User')
   */
  Attr = (path: string | readonly (string | number)[]): AttributeOperand<unknown> =>
    new AttributeOperand<unknown>(
      typedPath(`table ${this.name}`, typeof path === 'string' ? path : formatDocPath(path), () => (typeof path === 'string' ? parseDocPath(path) : checkDocPath(path))),
      false,
      this.conditionOwner,
    );

  /**
   * A key-condition operand on a physical key attribute of the table or one of its indexes, whose
   * values have the key's type (`S` string, `N` number, `B` binary). `AppTable.query` takes only
   * conditions on the queried index's key attributes, with `eq` on its partition key.
   *
   * @example AppTable.Key('pk').eq('ORG#acme')
   */
  // The value type is read inline: the intersection keeps the attribute named N (the others reduce
  // to never), measured cheaper than Extract, a mapped type of every key, or an alias around it.
  Key = <N extends TableKeyName<C>>(name: N): TableKeyOperand<KeyValueOf<(AllKeyAttributes<C> & { readonly name: N })['type']>, N> => {
    if (!this.keyAttributeNames.has(name)) throw new ExpressionError(`table ${this.name}`, '', `${String(name)} is not a key attribute of the table or its indexes`);
    return new TableKeyOperand([name], false, this.conditionOwner);
  };
}

/**
 * Defines a table. The returned object carries the physical key layout that entities build on.
 *
 * @example
 * const AppTable = defineTable({
 *   name: 'App', client,
 *   partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' },
 *   indexes: { gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } } },
 * });
 */
export function defineTable<const C extends TableConfig>(config: C): Table<C> {
  return new Table(config);
}
