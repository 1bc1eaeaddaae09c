import type { z } from 'zod';
import { ItemSizeError, ValidationError } from '../errors.js';
import { epochSeconds } from './value-encoding.js';
import { negativeZerosStored, withoutNegativeZeros } from './codec.js';
import { computeItemSize, MAX_ITEM_BYTES, sizeWithLocalIndexes } from './item-size.js';
import type { KeyValue } from './key-encoding.js';
import { checkKeyPartsSize, checkSelfKeyValue, type IndexKeys, type SelfKey } from './index-keys.js';
import { defOf } from './schema-walk.js';
import { emptySetPruner, type EmptySetPruner } from './empty-set-defaults.js';
import type { StoredNames } from './stored-names.js';
import type { Table } from './table.js';

export interface ItemWriterOptions {
  /** the entity, for error messages and the discriminator's value */
  readonly name: string;
  readonly table: Table;
  /** A `z.object`, or the union of an entity's variants (which keep no unknown attributes). */
  readonly schema: z.ZodObject | z.ZodUnion;
  readonly indexes: ReadonlyMap<string, IndexKeys>;
  /** Physical attributes dynakit writes itself (keys and the discriminator). */
  readonly reserved: ReadonlySet<string>;
  /** The schema version attribute and the version every full item is stored at (`migrations`). */
  readonly schemaVersion: readonly [attribute: string, version: number] | undefined;
  /** Schema fields stored in index key attributes (see `EntityModel.selfKeys`). */
  readonly selfKeys: ReadonlyMap<string, readonly SelfKey[]>;
  /** Fields stored in key attributes of indexes the entity has no keys on (see `foreignKeyFields`). */
  readonly foreignKeys: ReadonlyMap<string, readonly SelfKey[]>;
  /** The timestamps, version and (in a table with one) the discriminator: in items read back, never in the schema. */
  readonly readBack: readonly string[];
  /** Whether a key template uses a managed attribute (a timestamp or the version). */
  readonly managedInKeys: boolean;
  readonly ttl: string | undefined;
  readonly names: StoredNames;
  /** The entity's value encoder (`EntityModel.encode`). */
  readonly encode: (value: unknown, path: string, level?: number) => unknown;
}

/** Physical key attributes of one index built from model values. */
export function buildIndexKey(ix: IndexKeys, values: Readonly<Record<string, unknown>>): Record<string, KeyValue> {
  return writeIndexKey(ix, values, {} as Record<string, KeyValue>);
}

/** `buildIndexKey` written into `out` (a put's item: no key object of its own to copy over). */
function writeIndexKey<T extends Record<string, unknown>>(ix: IndexKeys, values: Readonly<Record<string, unknown>>, out: T): T {
  const o = out as Record<string, unknown>;
  for (let i = 0; i < ix.pks.length; i++) o[ix.index.partitionKeys[i]!.name] = ix.pks[i]!.build(values);
  for (let i = 0; i < ix.sks.length; i++) o[ix.index.sortKeys[i]!.name] = ix.sks[i]!.build(values);
  return out;
}

/**
 * The write side of an entity (the counterpart of `ItemReader`): shapes a put's input before the
 * schema sees it, and turns a validated model item into the complete stored item and into the
 * model item the put resolves to.
 */
export class ItemWriter {
  /**
   * For schemas that keep unknown attributes: the table's key attributes and discriminator, which an
   * item must not bring along (a stale `pk` or index key from a copied item would override the built ones).
   */
  private readonly tableOwned: readonly string[] | undefined;
  /** Drops the empty Sets stored as no attribute, at any depth (see empty-set-defaults.ts); null when the schema has none. */
  private readonly pruneEmptySets: EmptySetPruner | null;

  constructor(private readonly o: ItemWriterOptions) {
    this.pruneEmptySets = emptySetPruner(o.schema);
    const shape = (o.schema as z.ZodObject).shape as Record<string, z.ZodType>;
    if (defOf(o.schema).catchall !== undefined) this.tableOwned = [...new Set([...o.reserved, ...o.table.keyAttributeNames])].filter((a) => !(a in shape));
  }

  /**
   * An attribute outside the schema (kept by a `.catchall()` / `z.looseObject` schema) named as the
   * table's TTL attribute and holding a number: DynamoDB would delete the item once that many epoch
   * seconds have passed, while this entity, declaring no `ttl`, shows it as live until then (and
   * then loses it). Its schema fields are checked when entities are defined (entity-registration.ts);
   * attributes a loose item brings along can only be checked here, when it is written.
   */
  private refuseTableTtl(stored: Record<string, unknown>): void {
    const ttl = this.o.table.ttlAttribute();
    const value = ttl === undefined ? undefined : stored[ttl];
    if (typeof value !== 'number' && typeof value !== 'bigint') return;
    throw new ValidationError(this.o.name, [
      {
        path: ttl!,
        message: `is the TTL attribute of table ${this.o.table.name} and holds a number: DynamoDB would delete the item once that many epoch seconds have passed, which ${this.o.name}, declaring no ttl, would still show until then; store it under another name, or declare ttl on ${this.o.name}`,
      },
    ]);
  }

  /**
   * A put's input without the attributes dynakit keeps itself (version, timestamps, and the
   * discriminator a table-level read tags items with), which are never schema fields: an item read
   * back carries them, and a strict schema would refuse them.
   */
  withoutManaged(input: unknown): unknown {
    const readBack = this.o.readBack;
    if (readBack.length === 0 || input === null || typeof input !== 'object') return input;
    const source = input as Record<string, unknown>;
    if (!readBack.some((a) => a in source)) return input;
    const out = { ...source };
    for (const a of readBack) delete out[a];
    return out;
  }

  /**
   * The complete stored item for a validated model item: model attributes in stored form, all
   * index keys whose composites are present (absent ones leave the item out of that sparse
   * index), the discriminator, and timestamps. Checks the 400 KB limit, and returns the item's size
   * so batch and transaction accounting need not walk the item again.
   */
  storedItem(output: Record<string, unknown>, stamps: Readonly<Record<string, unknown>> | undefined): { item: Record<string, unknown>; size: number; negativeZero: boolean } {
    const { o } = this;
    const storable = this.pruneEmptySets === null ? output : this.pruneEmptySets(output);
    const zeros = negativeZerosStored();
    const stored = o.encode(storable, '', 0) as Record<string, unknown>;
    const negativeZero = negativeZerosStored() !== zeros;
    if (this.tableOwned !== undefined) {
      for (const a of this.tableOwned) delete stored[a];
      if (o.ttl === undefined) this.refuseTableTtl(stored);
    }
    if (o.ttl !== undefined && output[o.ttl] instanceof Date) stored[o.ttl] = epochSeconds(output[o.ttl] as Date);
    o.names.renameInPlace(stored);
    const withStamps = stamps === undefined || !o.managedInKeys ? output : Object.assign({}, output, stamps);
    const item: Record<string, unknown> = {};
    for (const ix of o.indexes.values()) {
      if (ix.index.type === 'primary') {
        writeIndexKey(ix, withStamps, item);
        continue;
      }
      // Each key attribute is written when its own composites are present: DynamoDB indexes the
      // item once both exist, and a later update that supplies the rest completes the pair.
      for (let i = 0; i < ix.pks.length; i++) if (ix.pks[i]!.canBuild(withStamps)) item[ix.index.partitionKeys[i]!.name] = ix.pks[i]!.build(withStamps);
      for (let i = 0; i < ix.sks.length; i++) if (ix.sks[i]!.canBuild(withStamps)) item[ix.index.sortKeys[i]!.name] = ix.sks[i]!.build(withStamps);
      if (ix.pks.length > 1 || ix.sks.length > 1) checkKeyPartsSize(o.name, ix.index, item as Record<string, KeyValue>);
    }
    // A present self key was checked when its key was built above; null builds no key, but would be stored.
    for (const [attribute, keys] of o.selfKeys) if (output[attribute] === null) checkSelfKeyValue(o.name, keys, attribute, null);
    // The key of an index the entity has no keys on is built by nothing: its value is checked here.
    for (const [attribute, keys] of o.foreignKeys) checkSelfKeyValue(o.name, keys, attribute, output[attribute]);
    if (o.table.entityAttribute !== undefined) item[o.table.entityAttribute] = o.name;
    Object.assign(item, stored);
    if (stamps !== undefined) Object.assign(item, o.names.toStored(stamps));
    if (o.schemaVersion !== undefined) item[o.schemaVersion[0]] = o.schemaVersion[1];
    const itemSize = computeItemSize(item);
    const size = sizeWithLocalIndexes(item, itemSize, o.table.indexes.values());
    if (size > MAX_ITEM_BYTES) throw new ItemSizeError(o.name, size, MAX_ITEM_BYTES);
    return { item, size: itemSize, negativeZero };
  }

  /**
   * The model item a put resolves to: the validated item with the managed attributes, and the TTL
   * in whole seconds, as it is stored and read back (DynamoDB's TTL has no milliseconds); without
   * table-owned attributes a schema that keeps unknown keys let through.
   */
  writtenItem(output: Record<string, unknown>, managed: Readonly<Record<string, unknown>> | undefined, negativeZero = false): Record<string, unknown> {
    // DynamoDB stores -0 as 0 (`storedItem` says whether the item held one): resolve to what reads return.
    let out = negativeZero ? (withoutNegativeZeros(Object.assign({}, output, managed)) as Record<string, unknown>) : managed === undefined ? output : Object.assign({}, output, managed);
    // Key attributes and the discriminator an item brought along are not stored (see `tableOwned`), nor read back.
    if (this.tableOwned !== undefined && this.tableOwned.some((a) => a in out)) {
      out = { ...out };
      for (const a of this.tableOwned) delete out[a];
    }
    const ttl = this.o.ttl;
    const t = ttl === undefined ? undefined : output[ttl];
    if (ttl === undefined || !(t instanceof Date) || t.getTime() % 1000 === 0) return out;
    return { ...out, [ttl]: new Date(epochSeconds(t) * 1000) };
  }
}
