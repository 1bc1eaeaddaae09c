import type { z } from 'zod';
import { NumberValueImpl } from '@aws-sdk/util-dynamodb';
import { ExpressionError, KeyError, ValidationError, zodIssues } from '../errors.js';
import { encodeStored } from './value-encoding.js';
import { epochStampValue } from './table-stamps.js';
import { ItemReader } from './item-reader.js';
import { readSchema } from './read-schema.js';
import { StoredNames } from './stored-names.js';
import { StampClock } from './stamp-clock.js';
import { DerivedAttributes } from './derived-attributes.js';
import { KeyValues } from './key-values.js';
import { timestampNames, type TimestampNames } from './timestamps.js';
import { TimeForms } from './time-forms.js';
import type { TimestampOptions } from './entity-types.js';
import { ItemWriter } from './item-writer.js';
import { foreignKeyFields, compileIndexKeys, indexKeyParts, secondarySelfKeys, type IndexKeys, type SelfKey } from './index-keys.js';
import { defaultOf, keepsUnknownKeys } from './schema-walk.js';
import { checkDottedNames } from './dotted-names.js';
import { checkSchemaFields, objectShape } from './schema-fields.js';
import { checkManagedAttributes } from './managed-attributes.js';
import { checkVariantFields, schemaVariants, templateNames, type SchemaVariants } from './variant-schema.js';
import { leafSchemas, pathSchemas, refusedRecordKey, schemaAt } from './path-schemas.js';
import type { DocPath } from '../expressions/ast.js';
import { ProjectionPlan } from './projection-plan.js';
import type { Table } from './table.js';
import type { ConditionOwner } from '../expressions/condition-owner.js';
import { SchemaMigrations, type MigrationsOption } from './schema-migrations.js';
import { coresOf, elementSchemas } from './instance-schemas.js';

export interface ModelOptions {
  readonly name: string;
  readonly table: Table;
  /** A `z.object`, or a union of them (the entity's variants, see variant-schema.ts). */
  readonly schema: z.ZodObject | z.ZodUnion;
  readonly keys: Readonly<Record<string, { readonly pk?: string; readonly sk?: string }>>;
  /** `true` (ISO-8601 text) or `{ format }`; see `timestampNames` (which also checks untyped input). */
  readonly timestamps: boolean | TimestampOptions | undefined;
  /** Attribute holding the optimistic-locking version (managed by dynakit, not in the schema). */
  readonly version?: string | undefined;
  /** Schema attribute (a `Date` in the model) stored as epoch seconds for DynamoDB's TTL. */
  readonly ttl?: string | undefined;
  /** Top-level schema fields, timestamps and version stored under another attribute name (see `compileStoredNames`). */
  readonly storedAs?: Readonly<Record<string, string>> | undefined;
  /** Schema versions and the steps that bring stored items up to date (see schema-migrations.ts). */
  readonly migrations?: MigrationsOption | undefined;
  /** Schema fields computed from others on every write (see `DerivedAttributes`). */
  readonly derive?: unknown;
}

/**
 * The runtime side of an entity, compiled once by `defineEntity`: key templates per index,
 * the schema's reviver, and the write/read pipeline (validate -> store form -> keys; raw -> model).
 */
export class EntityModel {
  readonly name: string;
  readonly table: Table;
  /** What this entity's `Attr`, `Key` and `ref` mark their paths with; its operations take those and its table's. */
  readonly conditionOwner: ConditionOwner;
  /** The schema items are written and read with: a `z.object`, or the union of the entity's variants. */
  readonly schema: z.ZodObject | z.ZodUnion;
  /** The top-level fields: the object's shape, or every field of every variant (`SchemaVariants.shape`). */
  readonly shape: Readonly<Record<string, z.ZodType>>;
  /** The variants of an entity whose schema is a union; `undefined` for a `z.object`. */
  readonly variants: SchemaVariants | undefined;
  /** The top-level attributes a full read returns: schema fields, then timestamps and version. */
  readonly readableAttributes: readonly string[];
  private readonly readable: ReadonlySet<string>;
  /** What `project(...)` reads: its paths checked, and the paths a projected read sends. */
  readonly projections: ProjectionPlan;
  /** The timestamps and version: written by dynakit, outside the schema. */
  private readonly managed: readonly string[];
  readonly indexes: ReadonlyMap<string, IndexKeys>;
  readonly primary: IndexKeys;
  /** Key composite values: a caller's key parsed, the stored primary key built and parsed back. */
  readonly keys: KeyValues;
  /** Every attribute that composes a key of some index (what `Key()` accepts). */
  readonly keyComposites: ReadonlySet<string>;
  /** Indexes whose key attributes include the TTL attribute (keyed by index name, as `indexes`). */
  readonly ttlKeyedIndexes: ReadonlySet<string>;
  /** Physical primary-key attribute names (table partition key, then sort key). */
  readonly primaryKeyNames: readonly string[];
  /**
   * Secondary-index key attributes that are schema attributes themselves (`{ pk: '{email}' }` on key
   * `email`), by name: a write stores them as fields, so it checks their values as keys (`checkSelfKeyValue`).
   * Also the fields named like a key of an index the entity has no keys on (`foreignKeys`).
   */
  readonly selfKeys: ReadonlyMap<string, readonly SelfKey[]>;
  /** Whether some index key of the entity is made of several attributes (their total size is limited too). */
  readonly hasMultiAttributeKeys: boolean;
  /** Physical attributes dynakit writes itself (keys and the discriminator); never model fields. */
  readonly reservedAttributes: ReadonlySet<string>;
  readonly timestamps: TimestampNames | undefined;
  readonly version: string | undefined;
  readonly ttl: string | undefined;
  /** Top-level attribute names in the table (`storedAs`). */
  readonly names: StoredNames;
  /** The attribute name in the table of a top-level model attribute (see `StoredNames.storedName`). */
  readonly storedName: (attribute: string) => string;
  /** The TTL attribute's name in the table (`storedAs`), found once: encoding and expiry read it per value and per item. */
  private readonly storedTtl: string | undefined;
  /** Timestamps stored as epoch numbers, by model and stored name: a `Date` compared with one is sent as that number. */
  private readonly epochStamps: { readonly format: 'epochMs' | 'epochSeconds'; readonly paths: ReadonlySet<string> } | undefined;
  private readonly items: ItemReader;
  private readonly writer: ItemWriter;
  /** The timestamps writes store (see `StampClock`). */
  readonly clock: StampClock;
  /** How times are stored along paths (TTL, timestamps, Dates), for copies and comparisons. */
  private readonly times: TimeForms;
  /**
   * Top-level attributes with a schema default (`defaultOf`), found once here; an upsert evaluates
   * only these per call (a default may be a function, so its value is not cached).
   */
  readonly defaulted: readonly (readonly [string, z.ZodType])[];
  /** The schema version writes store and reads migrate from, when the entity has `migrations`. */
  readonly migrations: SchemaMigrations | undefined;
  /** Schema fields computed from others on every write (`derive`), `undefined` without any. */
  readonly derived: DerivedAttributes | undefined;

  constructor(o: ModelOptions) {
    this.name = o.name;
    this.table = o.table;
    // Read only for a condition value that holds a class instance (see `givenInput`).
    this.conditionOwner = { label: `entity ${o.name}`, valueSchemas: (path, element) => this.schemasAt(path, element) };
    this.schema = o.schema;
    const variants = (this.variants = schemaVariants(o.name, o.schema));
    this.shape = variants?.shape ?? objectShape(o.name, o.schema);
    this.timestamps = timestampNames(o.name, o.timestamps);
    this.clock = new StampClock(this.timestamps);
    this.version = o.version;
    this.ttl = o.ttl;
    this.times = new TimeForms(o.name, o.schema, o.ttl, this.timestamps);
    this.readableAttributes = [
      ...Object.keys(this.shape),
      ...(this.timestamps === undefined ? [] : [this.timestamps.createdAt, this.timestamps.updatedAt]),
      ...(o.version === undefined ? [] : [o.version]),
    ];
    this.readable = new Set(this.readableAttributes);
    this.projections = new ProjectionPlan(o.name, o.schema, this.shape, this.readable, (paths) => this.items.reader(paths));
    this.managed = this.readableAttributes.filter((a) => !(a in this.shape));
    this.defaulted = Object.entries(this.shape).filter(([, s]) => defaultOf(s) !== undefined);
    checkSchemaFields(o.name, this.shape, { version: o.version, timestamps: this.timestamps, ttl: o.ttl });
    checkDottedNames(o.name, o.schema);
    this.derived = o.derive === undefined ? undefined : new DerivedAttributes(o.name, o.schema, this.shape, o.derive);

    // Before the templates compile: a composite of some variants would fail there as a field of no single type.
    if (variants !== undefined) checkVariantFields(variants, o.name, { composites: templateNames(o.keys), ttl: o.ttl, storedAs: o.storedAs, derived: this.derived?.list ?? [] });
    const { indexes, primary, reserved } = compileIndexKeys(o.name, o.table, this.shape, o.keys, this.timestamps, o.ttl);
    this.primary = primary;
    this.indexes = indexes;
    this.primaryKeyNames = o.table.primaryKeyNames;
    this.selfKeys = secondarySelfKeys(indexes);
    this.hasMultiAttributeKeys = [...indexes.values()].some((ix) => ix.pks.length > 1 || ix.sks.length > 1);
    this.keyComposites = new Set([...indexes.values()].flatMap((ix) => [...ix.pks, ...ix.sks].flatMap((t) => t.composites)));
    this.keys = new KeyValues(o.name, primary, this.shape, this.keyComposites, this.derived?.list, (s, v, c) => this.validateAt(s, v, c));
    for (const attr of reserved) {
      if (attr in this.shape) {
        throw new KeyError(o.name, '', attr, `schema attribute "${attr}" collides with a key or discriminator attribute of table ${o.table.name}`);
      }
    }
    this.reservedAttributes = reserved;
    this.names = new StoredNames(
      {
        entity: o.name,
        fields: [...Object.keys(this.shape), ...this.managed],
        taken: reserved,
        keyAttributes: o.table.keyAttributeNames,
        ownKeyAttributes: new Set([...indexes.values()].flatMap((ix) => indexKeyParts(ix).map(([, , attr]) => attr.name))),
        keepsUnknown: keepsUnknownKeys(o.schema),
      },
      o.storedAs,
    );
    this.storedName = this.names.storedName;
    checkManagedAttributes({ entity: o.name, version: o.version, timestamps: this.timestamps, storedName: this.storedName, reserved, keyAttributes: o.table.keyAttributeNames, discriminator: o.table.entityAttribute, indexes });
    // DynamoDB refuses a query filter on the queried index's key attributes: queries of these
    // indexes cannot hide expired items on the server (read-builder.ts drops them as it reads).
    const storedTtl = (this.storedTtl = o.ttl === undefined ? undefined : this.storedName(o.ttl));
    const t = this.timestamps;
    this.epochStamps = t === undefined || t.format === 'iso' ? undefined : { format: t.format, paths: new Set([t.createdAt, t.updatedAt].flatMap((a) => [a, this.storedName(a)])) };
    this.ttlKeyedIndexes = new Set([...indexes].filter(([, ix]) => [...ix.index.partitionKeys, ...ix.index.sortKeys].some((k) => k.name === storedTtl)).map(([name]) => name));
    const foreignKeys = foreignKeyFields(o.name, o.table, this.shape, indexes, this.storedName, o.ttl);
    // Updates check what they store in both kinds of key attributes alike (checkSelfKeyWrites).
    if (foreignKeys.size > 0) this.selfKeys = new Map([...this.selfKeys, ...[...foreignKeys].map(([a, keys]) => [a, [...(this.selfKeys.get(a) ?? []), ...keys]] as const)]);
    const managedInKeys = [this.timestamps?.createdAt, this.timestamps?.updatedAt, o.version].some((a) => a !== undefined && this.keyComposites.has(a));
    // Reads also leave out the key attributes of the table's other indexes (not schema fields): an item
    // written by an older definition of the entity may still carry them.
    const readReserved = new Set([...reserved, ...[...o.table.keyAttributeNames].filter((a) => !(a in this.shape))]);
    const migrations = (this.migrations = this.compileMigrations(o, readReserved));
    const versioned = migrations === undefined ? undefined : ([migrations.attribute, migrations.current] as const);
    if (versioned !== undefined) readReserved.add(versioned[0]);
    this.items = new ItemReader({
      name: o.name,
      schema: readSchema(variants?.object ?? (o.schema as z.ZodObject)),
      ...(variants === undefined ? {} : { whole: readSchema(o.schema) }),
      reserved: readReserved,
      migrations,
      timestamps: this.timestamps,
      version: o.version,
      ttl: o.ttl,
      names: this.names,
      pathOf: (p) => this.projections.path(p),
    });
    this.writer = new ItemWriter({
      name: o.name,
      table: o.table,
      schema: o.schema,
      indexes,
      reserved: versioned === undefined ? reserved : new Set([...reserved, versioned[0]]),
      schemaVersion: versioned,
      selfKeys: this.selfKeys,
      foreignKeys,
      readBack: o.table.entityAttribute === undefined ? this.managed : [...this.managed, o.table.entityAttribute],
      managedInKeys,
      ttl: o.ttl,
      names: this.names,
      encode: this.encodeValue,
    });
    o.table.register(this);
  }

  /**
   * The entity's `migrations`, checked: the version attribute must be a name the entity does not
   * use in the table (a field's model or stored name, a timestamp, the version, a key, the discriminator).
   */
  private compileMigrations(o: ModelOptions, readReserved: ReadonlySet<string>): SchemaMigrations | undefined {
    if (o.migrations === undefined) return undefined;
    const fields = [...Object.keys(this.shape), ...this.managed];
    const taken = new Set([...readReserved, ...o.table.keyAttributeNames, ...fields, ...fields.map(this.storedName)]);
    if (o.table.entityAttribute !== undefined) taken.add(o.table.entityAttribute);
    const kept = new Set([...readReserved, ...this.managed.map(this.storedName)]);
    return new SchemaMigrations({ entity: o.name, names: this.names, kept, taken }, o.migrations);
  }

  /**
   * What a projected read fetches for migrate-on-read: the schema version attribute (as stored), so
   * an item at the current version is told from one written before `migrations` (which has none).
   */
  migrationAttributes(): string[] {
    return this.migrations === undefined ? [] : [this.migrations.attribute];
  }

  /** The entity's keys on index `name`; a `KeyError` naming the indexes it has keys on when it has none there. */
  keysOf(name: string): IndexKeys {
    const ix = this.indexes.get(name);
    if (ix !== undefined) return ix;
    const known = [...this.indexes.keys()].join(', ');
    // Untyped code may pass the key condition first (`query(cond)`), which would read "[object Object]".
    if (typeof name !== 'string') throw new KeyError(this.name, '', '', `the index name comes first (query('primary', condition); known: ${known}), got ${name === null ? 'null' : typeof name}`);
    throw new KeyError(this.name, name, '', `the entity has no keys for index "${name}" (known: ${known})`);
  }

  /**
   * Fails for a path that is not in the schema (or a timestamp), so untyped JavaScript cannot
   * build conditions on attributes the entity does not have.
   */
  assertPath(path: DocPath, text: string): void {
    const top = path[0];
    if (path.length === 1 && this.timestamps !== undefined && (top === this.timestamps.createdAt || top === this.timestamps.updatedAt)) return;
    if (path.length === 1 && top === this.version) return;
    if (schemaAt(this.schema, path) === undefined) {
      const refused = refusedRecordKey(this.schema, path);
      const why = refused === undefined ? '' : `: the key ${JSON.stringify(String(refused.at.at(-1)))} is refused by its record's key schema (${refused.message})`;
      throw new ExpressionError(this.name, text, `is not a path of the ${this.name} schema${why}`);
    }
  }

  /** The compiler's `encode` for this entity's values: one function per entity, not one per command. */
  readonly encodeValue = (value: unknown, path: string, level?: number): unknown => this.encode(value, path, level);

  /**
   * The schemas of the value at a document path, or of its list's elements with `element` (`[]` for
   * a path the schema does not have: the condition's own checks refuse it).
   */
  private schemasAt(path: DocPath, element = false): readonly z.ZodType[] {
    try {
      const schemas = leafSchemas(pathSchemas(this.schema, path));
      return element ? elementSchemas(coresOf(schemas), 0) : schemas;
    } catch {
      return [];
    }
  }

  /** True for the TTL attribute itself, stored as epoch seconds (a number) though the schema says Date. */
  isTtlPath(path: DocPath): boolean {
    return this.times.isTtlPath(path);
  }

  /** Whether the values at two paths are stored alike (see `TimeForms.storedAlike`). */
  storedAlike(a: DocPath, b: DocPath): boolean {
    return this.times.storedAlike(a, b);
  }

  /** The compiler's check of an attribute compared with another (see `TimeForms.assertComparable`), made once like `encodeValue`. */
  readonly assertComparable = (a: DocPath, b: DocPath): void => this.times.assertComparable(a, b);

  /** True for a top-level attribute a read can return: a schema field, a timestamp or the version. */
  isReadable(attribute: string): boolean {
    return this.readable.has(attribute);
  }

  /** A put's input without the attributes dynakit keeps itself (see `ItemWriter.withoutManaged`). */
  withoutManaged(input: unknown): unknown {
    return this.writer.withoutManaged(input);
  }

  /** Validates a model item with the schema, its derived attributes computed first; returns the parsed output. */
  validate(input: unknown): Record<string, unknown> {
    const derived = this.derived;
    const r = this.schema.safeParse(derived === undefined ? input : derived.fill(input));
    if (!r.success) throw new ValidationError(this.name, zodIssues(r.error));
    return derived === undefined ? (r.data as Record<string, unknown>) : derived.complete(r.data as Record<string, unknown>, input);
  }

  /** Validates one attribute value against the schema at that path (already resolved). */
  validateAt(schema: z.ZodType, value: unknown, path: string): unknown {
    const r = schema.safeParse(value);
    if (!r.success) throw new ValidationError(this.name, zodIssues(r.error, path), 'value');
    return r.data;
  }

  /**
   * Converts a model value to its stored form, turning storage-rule violations into ValidationError;
   * `level` is the nesting level it is stored at (0 for a whole item), absent when it is not stored.
   */
  encode(value: unknown, path: string, level?: number): unknown {
    const e = this.epochStamps;
    const stored = e !== undefined && value instanceof Date && e.paths.has(path) ? epochStampValue(e.format, value) : value;
    // A table-level path names a renamed TTL attribute by its stored name (no field can have it).
    return encodeStored(this.name, path === this.storedTtl ? path : this.ttl, stored, path, level);
  }

  /** The complete stored item for a validated model item, and its size (see `ItemWriter.storedItem`). */
  storedItem(output: Record<string, unknown>, stamps: Readonly<Record<string, unknown>> | undefined): { item: Record<string, unknown>; size: number; negativeZero: boolean } {
    return this.writer.storedItem(output, stamps);
  }

  /** The model item a put resolves to (see `ItemWriter.writtenItem`). */
  writtenItem(output: Record<string, unknown>, managed: Readonly<Record<string, unknown>> | undefined, negativeZero = false): Record<string, unknown> {
    return this.writer.writtenItem(output, managed, negativeZero);
  }

  /**
   * True when the item's TTL has passed (DynamoDB deletes such items only eventually): a stored
   * number at or before now, as the read filter `#ttl <= :now` compares it. An integer beyond 2^53
   * (a bigint) or a decimal beyond it (a `NumberValue`, in a row for an item that could not be
   * read) is compared by its nearest number, which is far past or far future either way.
   */
  expired(raw: Readonly<Record<string, unknown>>, now: Date): boolean {
    if (this.ttl === undefined) return false;
    const t = raw[this.storedTtl!];
    const seconds = typeof t === 'number' ? t : typeof t === 'bigint' || t instanceof NumberValueImpl ? Number(t.toString()) : undefined;
    return seconds !== undefined && seconds * 1000 <= now.getTime();
  }

  /**
   * What a projected read must fetch besides the caller's attributes to tell whether an item is
   * returned: the discriminator (if the table has one) and, when `withTtl`, the TTL attribute (by
   * its model name, as projections are given to the compiler).
   */
  ownershipAttributes(withTtl: boolean): string[] {
    const out = this.table.entityAttribute === undefined ? [] : [this.table.entityAttribute];
    if (withTtl && this.ttl !== undefined) out.push(this.ttl);
    return out;
  }

  /** True when a raw stored item belongs to this entity (every item does, in a table without a discriminator). */
  owns(raw: Readonly<Record<string, unknown>>): boolean {
    const et = this.table.entityAttribute;
    return et === undefined || raw[et] === this.name;
  }

  /**
   * Parses a stored item back into the model: drops key and discriminator attributes, revives
   * Dates and Sets, and parses with the schema (or the projected part of it).
   */
  parse(raw: Record<string, unknown>, projection?: readonly string[]): Record<string, unknown> {
    return this.items.parse(raw, projection);
  }

  /** `parse` with the projection resolved once, for reads that parse many items. */
  reader(projection?: readonly string[], held?: ReadonlySet<string>): (raw: Record<string, unknown>) => Record<string, unknown> {
    return this.items.reader(projection, held);
  }

  /** Revives a partial stored item (UPDATED_NEW / UPDATED_OLD); not validated: it is partial by nature. */
  parsePartial(raw: Record<string, unknown>): Record<string, unknown> {
    return this.items.parsePartial(raw);
  }
}
