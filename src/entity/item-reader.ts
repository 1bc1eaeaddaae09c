import type { z } from 'zod';
import { ItemParseError, zodIssues } from '../errors.js';
import { compileReviver, type Reviver } from './codec.js';
import { defOf, readCore } from './schema-walk.js';
import { projectionSchema } from './projection-schema.js';
import type { DocPath } from '../expressions/ast.js';
import type { TimestampNames } from './timestamps.js';
import type { StoredNames } from './stored-names.js';
import { stampIn, type TimestampFormat } from './timestamps.js';
import type { SchemaMigrations } from './schema-migrations.js';

/**
 * A managed attribute, the `typeof` its stored value must have, and for a timestamp its format:
 * a stamp of another format (written before the entity changed it) is read in this one.
 */
type Managed = readonly [name: string, type: 'number' | 'string', format?: TimestampFormat];

export interface ItemReaderOptions {
  /** the entity, for error messages */
  readonly name: string;
  readonly schema: z.ZodObject;
  /**
   * The schema a full item is revived and parsed with when it is not `schema`: the union of an
   * entity's variants, whose `schema` is then the object of all their fields (`SchemaVariants.object`).
   */
  readonly whole?: z.ZodType;
  /** Physical attributes dynakit writes itself (keys and the discriminator); never model fields. */
  readonly reserved: ReadonlySet<string>;
  readonly timestamps: TimestampNames | undefined;
  readonly version: string | undefined;
  readonly ttl: string | undefined;
  /** The entity's schema versions: stored items are migrated before they are parsed. */
  readonly migrations: SchemaMigrations | undefined;
  /** The entity's attribute names in the table (`storedAs`). */
  readonly names: StoredNames;
  /** The document path of a projected attribute or path (`EntityModel.projectedPath`). */
  readonly pathOf: (projected: string) => DocPath;
}

/**
 * The read side of an entity: turns stored items (as the DocumentClient returns them) back into
 * model items. Drops dynakit's own attributes, revives Dates and Sets (and epoch seconds at the
 * TTL attribute, or at a top-level Date attribute that was one),
 * validates with the schema or its projected part, and adds back the managed version and
 * timestamps.
 */
export class ItemReader {
  private readonly shape: Readonly<Record<string, z.ZodType>>;
  private readonly reviver: Reviver | null;
  /**
   * Per schema field: its reviver (null when stored and model forms agree). Set only when the
   * schema strips unknown keys (zod's default), so reads may copy just these fields.
   */
  private readonly fieldReaders: readonly FieldReader[] | undefined;
  private readonly whole: z.ZodType;
  private readonly projectionSchemas = new Map<string, z.ZodObject>();
  /** The managed attributes a full read returns (see `managedFor`). */
  private readonly allManaged: readonly Managed[];
  /** The TTL attribute and top-level Date attributes that were one (see `formerTtl`), with their readers. */
  private readonly epochFields: readonly (readonly [string, Reviver])[];

  constructor(private readonly o: ItemReaderOptions) {
    this.shape = o.schema.shape as Record<string, z.ZodType>;
    this.whole = o.whole ?? o.schema;
    this.reviver = compileReviver(this.whole);
    this.epochFields = Object.keys(this.shape).flatMap((k) => (k === o.ttl ? [[k, reviveEpochSeconds] as const] : formerTtl(this.shape[k]!) ? [[k, reviveFormerTtl] as const] : []));
    const epochReader = new Map(this.epochFields);
    this.fieldReaders =
      o.whole === undefined && defOf(o.schema).catchall === undefined ? Object.keys(this.shape).map((k) => [k, o.names.storedName(k), epochReader.get(k) ?? compileReviver(this.shape[k]!)] as const) : undefined;
    this.allManaged = this.managedFor(undefined);
  }

  /** Parses one stored item, with the schema or the part of it a projection keeps. */
  parse(raw: Record<string, unknown>, projection?: readonly string[]): Record<string, unknown> {
    return this.reader(projection)(raw);
  }

  /**
   * `parse` with the projection resolved once, for reads that parse many items. `held`: the stored
   * attributes a global index that holds part of an item returns (what a migration step may read).
   */
  reader(projection?: readonly string[], held?: ReadonlySet<string>): (raw: Record<string, unknown>) => Record<string, unknown> {
    const schema = projection === undefined ? this.whole : this.projectionSchema(projection);
    const managed = projection === undefined ? this.allManaged : this.managedFor(projection);
    // A schema that keeps unknown keys would also keep attributes read only for dynakit's own
    // checks (the TTL of a projected get): a projection keeps what it names.
    const projected = projection === undefined ? undefined : new Set(projection.map((p) => this.o.pathOf(p)[0] as string));
    const keep = this.fieldReaders !== undefined ? undefined : projected;
    const migrations = this.o.migrations;
    if (migrations === undefined) return (raw) => this.parseWith(raw, schema, managed, keep);
    // The steps of a projected item, or of one read from a global index that holds part of it, see
    // only what the read fetched (see `SchemaMigrations.migrator`): a projection also fetches what
    // the steps declare they read (`migrations.reads`), where the index holds it.
    const { names } = this.o;
    const heldNames = held && new Set([...held].map((a) => names.attributeStoredAs(a) ?? a));
    const migrate = migrations.migrator(projected === undefined ? heldNames : new Set([...projected, ...migrations.readsFrom(held)]));
    return (raw) => this.parseWith(raw, schema, managed, keep, migrate(raw));
  }

  /** Revives a partial stored item (UPDATED_NEW / UPDATED_OLD); not validated: it is partial by nature. */
  parsePartial(raw: Record<string, unknown>): Record<string, unknown> {
    return this.withManaged(this.readStored(raw), raw, this.allManaged);
  }

  /** `stored`: the item at the current schema version (see `SchemaMigrations.migrator`); `raw` as read, for errors and the managed attributes. */
  private parseWith(raw: Record<string, unknown>, schema: z.ZodType, managed: readonly Managed[], keep?: ReadonlySet<string>, stored = raw): Record<string, unknown> {
    const r = schema.safeParse(this.readStored(stored, keep));
    if (!r.success) throw new ItemParseError(this.o.name, zodIssues(r.error), raw);
    return this.withManaged(r.data as Record<string, unknown>, raw, managed);
  }

  /** The model fields of a stored item, revived (TTL epoch seconds to Dates included); not validated. */
  private readStored(raw: Record<string, unknown>, keep?: ReadonlySet<string>): Record<string, unknown> {
    return this.fieldReaders === undefined ? this.reviveAll(raw, keep) : readFields(raw, this.fieldReaders);
  }

  /**
   * The managed attributes (version, timestamps: kept by dynakit, outside the schema) that a read
   * with this projection returns, each with the type its stored value must have. Resolved once per
   * read, not per item.
   */
  private managedFor(projection: readonly string[] | undefined): readonly Managed[] {
    const { version, timestamps } = this.o;
    const all: Managed[] = [];
    if (version !== undefined) all.push([version, 'number']);
    if (timestamps !== undefined) {
      const { format } = timestamps;
      const type = format === 'iso' ? 'string' : 'number';
      all.push([timestamps.createdAt, type, format], [timestamps.updatedAt, type, format]);
    }
    return projection === undefined ? all : all.filter(([name]) => projection.includes(name));
  }

  /** Adds the stored managed attributes to `out`. */
  private withManaged(out: Record<string, unknown>, raw: Record<string, unknown>, managed: readonly Managed[]): Record<string, unknown> {
    const { storedName } = this.o.names;
    for (const [name, type, format] of managed) {
      const v = raw[storedName(name)];
      if (typeof v === type) out[name] = v;
      else if (format !== undefined && v !== undefined) {
        const converted = stampIn(format, v);
        if (converted !== undefined) out[name] = converted;
      }
    }
    return out;
  }

  /**
   * For schemas that keep or refuse unknown keys: every attribute but dynakit's own (keys,
   * discriminator, and the managed timestamps and version, which `withManaged` adds back), revived.
   */
  private reviveAll(raw: Record<string, unknown>, keep?: ReadonlySet<string>): Record<string, unknown> {
    const data: Record<string, unknown> = {};
    const { reserved, version } = this.o;
    const t = this.o.timestamps;
    const names = this.o.names;
    for (const stored of Object.keys(raw)) {
      // A strict schema may rename fields (`storedAs`): read them by their model names, and never
      // read a renamed field's model name as itself (the stored name holds its value).
      const k = names.attributeStoredAs(stored);
      if (k === undefined || (keep !== undefined && !keep.has(k)) || reserved.has(stored) || k === version || (t !== undefined && (k === t.createdAt || k === t.updatedAt))) continue;
      data[k] = raw[stored];
    }
    for (const [k, read] of this.epochFields) if (data[k] !== undefined) data[k] = read(data[k]);
    return (this.reviver === null ? data : this.reviver(data)) as Record<string, unknown>;
  }

  private projectionSchema(projection: readonly string[]): z.ZodObject {
    const key = projection.join('\u0000');
    let s = this.projectionSchemas.get(key);
    if (s === undefined) {
      s = projectionSchema(this.o.name, this.o.schema, projection.map(this.o.pathOf));
      this.projectionSchemas.set(key, s);
    }
    return s;
  }
}

/** A schema field, the attribute it is stored as, and its reviver (null when stored and model forms agree). */
type FieldReader = readonly [field: string, stored: string, revive: Reviver | null];

/**
 * The schema's fields of a stored item, revived. Attributes outside the schema (keys, the
 * discriminator, timestamps) are left behind, as the stripping schema would drop them anyway;
 * copying only the schema's fields halves the work per item on large reads.
 */
function readFields(raw: Record<string, unknown>, fields: readonly FieldReader[]): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [k, stored, revive] of fields) {
    const v = raw[stored];
    if (v !== undefined) data[k] = revive === null || v === null ? v : revive(v);
  }
  return data;
}

/**
 * True for a Date attribute whose schema refuses numbers: dynakit stores a Date as a number only at
 * the TTL attribute, so a number there is epoch seconds from when it was the entity's `ttl`. A
 * schema that takes numbers itself (`z.coerce.date()`, a preprocess) keeps its own reading.
 */
function formerTtl(schema: z.ZodType): boolean {
  if (defOf(readCore(schema)).type !== 'date') return false;
  try {
    return !schema.safeParse(0).success;
  } catch {
    return false; // a check that throws on a number: leave stored values as they are
  }
}

/**
 * TTL attributes are epoch seconds in the table and Dates in the model. An item written before the
 * entity had `ttl` holds the ISO-8601 text every other Date attribute is stored as: still that Date.
 * Also read at top-level Date attributes that were a TTL (`formerTtl`); a nested attribute never
 * was one, so a number there is left for the schema to refuse.
 */
function reviveEpochSeconds(v: unknown): unknown {
  return typeof v === 'number' ? new Date(v * 1000) : typeof v === 'string' ? new Date(v) : v;
}

/**
 * Epoch seconds stay below 1e11 until the year 5138, and epoch milliseconds are above it since 1973:
 * a larger number at a former TTL attribute was written by something else (in milliseconds, most
 * likely) and is left for the schema to refuse rather than read as a date 1000 times too far.
 */
const EPOCH_SECONDS_LIMIT = 1e11;

function reviveFormerTtl(v: unknown): unknown {
  return typeof v === 'number' && Math.abs(v) >= EPOCH_SECONDS_LIMIT ? v : reviveEpochSeconds(v);
}
