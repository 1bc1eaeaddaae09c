import type { EntityModel } from '../entity/model.js';
import type { Table } from '../entity/table.js';
import { storedItemDelete, type WriteRequest } from '../batch/write-request.js';
import { SKIP } from './page-reader.js';

/** A table-level read's item: parsed by its entity, or as stored when it is no entity's it reads. */
export type Row<T> = { ok: true; item: T } | { ok: false; raw: Record<string, unknown> };

/**
 * The items of a table-level read, each taken by the entity its discriminator names: parsed (with
 * the read's projection, tagged with the discriminator) for `pages()`, or turned into its delete
 * for `deleteAll()`. Items of no registered entity, or of one outside `entities()`, are left out.
 */
export class TableRows<T> {
  /** Item readers per entity for the read's projection, made on first use. */
  private readonly readers = new Map<EntityModel, (raw: Record<string, unknown>) => Record<string, unknown>>();

  constructor(
    private readonly table: Table,
    /** The discriminator attribute. */
    private readonly et: string,
    private readonly projection: readonly string[] | undefined,
    /** Entities whose items are read; all registered ones when undefined. */
    private readonly entities: ReadonlySet<string> | undefined,
    /** What a global index that holds part of an item returns, when items are read from it (see `EntityModel.reader`). */
    private readonly held?: ReadonlySet<string>,
  ) {}

  /** The entity whose item `raw` is, when the read takes its items. */
  private modelOf(raw: Record<string, unknown>): EntityModel | undefined {
    const name = raw[this.et];
    const model = typeof name === 'string' ? this.table.entities.get(name) : undefined;
    return model === undefined || (this.entities !== undefined && !this.entities.has(model.name)) ? undefined : model;
  }

  /** The parsed item, tagged with its discriminator; `{ ok: false, raw }` for an item the read does not take. */
  row(raw: Record<string, unknown>): Row<T> {
    const model = this.modelOf(raw);
    if (model === undefined) return { ok: false, raw };
    let read = this.readers.get(model);
    if (read === undefined) {
      // Once per entity, not per item: the entity's share of the projection and its schema.
      // The projection names attributes as stored; the entity's reader takes its model names.
      read = model.reader(this.projection?.flatMap((p) => {
        const a = model.names.attributeStoredAs(p);
        return a !== undefined && model.isReadable(a) ? [a] : [];
      }), this.held);
      this.readers.set(model, read);
    }
    const parsed = read(raw);
    // parse returns a fresh object; tagging it in place avoids a key-adding spread (V8's slow path).
    parsed[this.et] = model.name;
    return { ok: true, item: parsed as T };
  }

  /**
   * The delete of a read item (see `storedItemDelete`); `SKIP` for an item outside `entities()`.
   * Without `entities()`, an item of no registered entity is deleted too, by its stored key.
   */
  deleteOf(raw: Record<string, unknown>): WriteRequest | typeof SKIP {
    if (this.entities === undefined) {
      const name = raw[this.et];
      return storedItemDelete(this.table, typeof name === 'string' ? this.table.entities.get(name) : undefined, raw);
    }
    const model = this.modelOf(raw);
    return model === undefined ? SKIP : storedItemDelete(this.table, model, raw);
  }
}
