import { ItemParseError, KeyError } from '../errors.js';
import type { StoredNames } from './stored-names.js';

/**
 * One step of an entity's schema history: takes a stored item of version `n` and returns it as
 * version `n + 1`. It sees the item's attributes under their model names (after `storedAs`), in
 * their stored form (Dates as ISO-8601 text, Sets as Sets), without the key attributes, the
 * discriminator, the timestamps and the locking version (which dynakit keeps as they are stored).
 * It must be synchronous, and may return the object it was given.
 *
 * Its parameter is `Record<string, unknown>` unless the step says what version `n` held: a step
 * may annotate it with an object type (a type literal or alias, `(v: { name: string }) => ...`).
 * That type is the caller's word about the stored items, not checked by dynakit (the schema parses
 * the result of the last step). A method's parameter, so the annotation is accepted (bivariance).
 *
 * @example const splitName: MigrationStep = ({ name, ...rest }) => ({ ...rest, fullName: rest.fullName ?? name })
 * @example const typed: MigrationStep = (v: { name: string; fullName?: string }) => ({ fullName: v.fullName ?? v.name })
 */
export type MigrationStep = StepMethod['step'];

/** Holds a step as a method, whose parameter TypeScript compares both ways (see `MigrationStep`). */
interface StepMethod {
  step(item: Record<string, unknown>): Record<string, unknown>;
}

/** The `migrations` option of `defineEntity`. */
export interface MigrationsOption {
  /**
   * The attribute (as stored) holding the schema version of each item; default `_sv`. Not part of
   * the item type; every full-item write stores the current version in it.
   */
  readonly attribute?: string;
  /**
   * The steps from version 1 on: `steps[0]` turns version 1 into 2, and so on. The current version
   * is `steps.length + 1`; an item without the attribute is version 1 (written before migrations).
   */
  readonly steps: readonly MigrationStep[];
  /**
   * Attributes the steps read (as a step sees them: model names, or the stored names of attributes
   * the schema no longer has). A projected read fetches them too, so an old item's steps can run,
   * and leaves them out of its result unless projected. Without it, a step that reads an attribute
   * a projection did not fetch fails with `ItemMigrationError`.
   */
  readonly reads?: readonly string[];
}

/** The attribute `migrations` stores the schema version in when it names none. */
export const DEFAULT_SCHEMA_VERSION_ATTRIBUTE = '_sv';

/**
 * A stored item could not be brought to the current schema version: its version is newer than the
 * entity's (a newer deployment wrote it) or not a positive whole number, or a step threw or
 * returned no object. An `ItemParseError`, so reads with `onInvalidItem()` report and skip it.
 *
 * @example if (e instanceof ItemMigrationError && e.storedVersion > e.currentVersion) console.log('deploy the newer code first')
 */
export class ItemMigrationError extends ItemParseError {
  override name = 'ItemMigrationError';
  constructor(
    entity: string,
    /** The attribute holding the schema version, as stored. */
    readonly attribute: string,
    /** The version the item was stored at (as stored: not always a number). */
    readonly storedVersion: unknown,
    readonly currentVersion: number,
    /** The version whose step failed; `undefined` when the stored version itself is refused. */
    readonly step: number | undefined,
    raw: Record<string, unknown>,
    reason: string,
    options?: { readonly cause?: unknown; readonly written?: 'put' | 'update' | 'delete' },
  ) {
    super(entity, [{ path: attribute, message: reason }], raw, options?.written);
    const written = options?.written;
    this.message = `${entity}: ${written === undefined ? 'stored item' : `the ${written} was done, but the item it returned`} could not be brought to schema version ${currentVersion}: ${attribute}: ${reason}`;
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** What an entity's migrations need from its model, given once at `defineEntity`. */
export interface MigrationContext {
  readonly entity: string;
  readonly names: StoredNames;
  /**
   * Stored attributes a step never sees and the migrated item keeps as stored: key attributes, the
   * discriminator, the timestamps and the locking version.
   */
  readonly kept: ReadonlySet<string>;
  /** Every attribute name the entity uses in the table (stored names, keys, discriminator): the version attribute must be none of them. */
  readonly taken: ReadonlySet<string>;
}

/**
 * An entity's schema versions: checks the `migrations` option at `defineEntity`, stamps writes and
 * brings stored items up to date before the schema parses them (migrate-on-read).
 */
export class SchemaMigrations {
  /** The version attribute, as stored. */
  readonly attribute: string;
  /** `steps.length + 1`: what every full-item write stores. */
  readonly current: number;
  private readonly steps: readonly MigrationStep[];
  /** `migrations.reads`: what the steps read, fetched by projected reads too (see `readsFrom`). */
  readonly reads: readonly string[];

  constructor(
    private readonly ctx: MigrationContext,
    option: MigrationsOption,
  ) {
    const { entity } = ctx;
    if (option === null || typeof option !== 'object') throw new KeyError(entity, '', '', 'migrations must be an object { attribute?, steps: [...] }');
    const attribute = option.attribute ?? DEFAULT_SCHEMA_VERSION_ATTRIBUTE;
    if (typeof attribute !== 'string' || attribute.length === 0) throw new KeyError(entity, '', '', 'migrations.attribute must be a non-empty attribute name');
    if (ctx.taken.has(attribute)) {
      throw new KeyError(entity, '', attribute, `migrations.attribute "${attribute}" is already an attribute of the entity in the table (a schema field, a timestamp, the version, a key or the discriminator); choose another name`);
    }
    if (!Array.isArray(option.steps)) throw new KeyError(entity, '', attribute, 'migrations.steps must be an array of functions (version n -> n + 1)');
    option.steps.forEach((s, i) => {
      if (typeof s !== 'function') throw new KeyError(entity, '', attribute, `migrations.steps[${i}] must be a function (version ${i + 1} -> ${i + 2})`);
    });
    this.attribute = attribute;
    this.reads = checkedReads(ctx, attribute, option.reads);
    this.steps = [...option.steps];
    this.current = this.steps.length + 1;
  }

  /**
   * The function a read runs on each stored item before it is parsed: the item itself when it is
   * at the current version (one property read), else the item brought to it by the steps. With
   * `fetched` (the top-level attributes a projected read, or a read of an index that holds part of
   * the item, returns), a step that reads an attribute the read did not fetch fails rather than
   * computing from a value that only looks missing.
   */
  migrator(fetched?: ReadonlySet<string>): (raw: Record<string, unknown>) => Record<string, unknown> {
    return (raw) => (raw[this.attribute] === this.current ? raw : this.migrate(raw, fetched));
  }

  /**
   * The attributes the steps read (model names) that a read can fetch: all of them from the table
   * or a local index, those a global index holds (`held`, stored names) from it.
   *
   * @example Member.model.migrations.readsFrom(undefined) // ['name']
   */
  readsFrom(held: ReadonlySet<string> | undefined): string[] {
    return held === undefined ? [...this.reads] : this.reads.filter((r) => held.has(this.ctx.names.storedName(r)));
  }

  private migrate(raw: Record<string, unknown>, fetched: ReadonlySet<string> | undefined): Record<string, unknown> {
    const { entity, names, kept } = this.ctx;
    const stored = raw[this.attribute];
    const from = stored === undefined ? 1 : stored;
    if (typeof from !== 'number' || !Number.isInteger(from) || from < 1) {
      throw this.error(stored, undefined, raw, `schema version ${describe(stored)} is not a positive whole number`);
    }
    if (from > this.current) {
      throw this.error(stored, undefined, raw, `schema version ${from} is newer than the current version ${this.current} (a newer deployment wrote the item)`);
    }
    const out: Record<string, unknown> = {};
    let item: Record<string, unknown> = {};
    for (const k of Object.keys(raw)) {
      const name = kept.has(k) || k === this.attribute ? undefined : names.attributeStoredAs(k);
      if (name === undefined) out[k] = raw[k];
      else item[name] = raw[k];
    }
    for (let v = from; v < this.current; v++) {
      let next: unknown;
      try {
        next = this.steps[v - 1]!(fetched === undefined ? item : fetchedOnly(item, fetched, (a) => this.notFetched(stored, v, raw, a)));
      } catch (e) {
        if (e instanceof ItemMigrationError) throw e;
        throw this.error(stored, v, raw, `the step from version ${v} to ${v + 1} threw: ${e instanceof Error ? e.message : String(e)}`, e);
      }
      if (next === null || typeof next !== 'object' || Array.isArray(next)) throw this.error(stored, v, raw, `the step from version ${v} to ${v + 1} returned ${describe(next)}, not an item object`);
      if (typeof (next as { then?: unknown }).then === 'function') throw this.error(stored, v, raw, `the step from version ${v} to ${v + 1} returned a promise: steps must be synchronous`);
      item = next as Record<string, unknown>;
    }
    // Kept attributes win over a step's output: a step cannot move keys or managed attributes.
    const migrated: Record<string, unknown> = {};
    for (const k of Object.keys(item)) if (item[k] !== undefined) migrated[names.storedName(k)] = item[k];
    return Object.assign(migrated, out);
  }

  private notFetched(stored: unknown, step: number, raw: Record<string, unknown>, attribute: string): never {
    throw this.error(
      stored,
      step,
      raw,
      `the step from version ${step} to ${step + 1} reads "${attribute}", which this read did not fetch (it reads a projection, or an index that holds part of the item): ` +
        'read the whole item, or bring stored items to the current version first (migrateStored)',
    );
  }

  private error(stored: unknown, step: number | undefined, raw: Record<string, unknown>, reason: string, cause?: unknown): ItemMigrationError {
    return new ItemMigrationError(this.ctx.entity, this.attribute, stored, this.current, step, raw, reason, cause === undefined ? undefined : { cause });
  }
}

/** `migrations.reads`, checked: attribute names a step can see (not a key, the discriminator, a timestamp, the version or the schema version). */
function checkedReads(ctx: MigrationContext, attribute: string, reads: unknown): string[] {
  if (reads === undefined) return [];
  if (!Array.isArray(reads) || !reads.every((r) => typeof r === 'string' && r.length > 0)) {
    throw new KeyError(ctx.entity, '', attribute, 'migrations.reads must be a list of the attribute names the steps read');
  }
  for (const r of reads as string[]) {
    const stored = ctx.names.storedName(r);
    if (stored === attribute || ctx.kept.has(stored)) {
      throw new KeyError(ctx.entity, '', r, `migrations.reads names "${r}", which steps never see (a key, the discriminator, a timestamp, the version or the schema version stay as stored)`);
    }
  }
  return [...new Set(reads as string[])];
}

/** Names JavaScript itself looks up on any object (`JSON.stringify`, `await`): never taken for a step's reads. */
const LOOKED_UP_BY_JAVASCRIPT: ReadonlySet<string> = new Set(['toJSON', 'then']);

/**
 * The item as a step sees it in a read of part of the item: reading an attribute the read did not fetch (and
 * no earlier step set) calls `missing`, as its absence says nothing about the stored item.
 */
function fetchedOnly(item: Record<string, unknown>, fetched: ReadonlySet<string>, missing: (attribute: string) => never): Record<string, unknown> {
  const unknown = (t: Record<string, unknown>, p: string | symbol): boolean => typeof p === 'string' && !fetched.has(p) && !(p in t) && !LOOKED_UP_BY_JAVASCRIPT.has(p);
  return new Proxy(item, {
    get: (t, p, r) => (unknown(t, p) ? missing(p as string) : Reflect.get(t, p, r)),
    has: (t, p) => (unknown(t, p) ? missing(p as string) : Reflect.has(t, p)),
  });
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : (value.constructor?.name ?? 'an object');
}
