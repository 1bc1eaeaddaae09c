/**
 * An entity's key composite values: a caller's key object parsed by the composites' schemas, the
 * stored primary key built from it, and a stored primary key parsed back into composites.
 */
import type { z } from 'zod';
import { KeyError } from '../errors.js';
import type { DerivedAttribute } from './derived-attributes.js';
import { DerivedKeyComposites } from './derived-key.js';
import { keyValueSchema, type IndexKeys } from './index-keys.js';
import type { KeyValue } from './key-encoding.js';
import { buildIndexKey } from './item-writer.js';

export class KeyValues {
  /** The attributes the primary key templates are built from. */
  readonly primaryComposites: ReadonlySet<string>;
  /** What each schema key composite is parsed with (see `keyValueSchema`). */
  private readonly schemas: ReadonlyMap<string, z.ZodType>;
  /** Key composites that are derived attributes, computed from their sources when a key gives those (see `DerivedKeyComposites`). */
  readonly derived: DerivedKeyComposites | undefined;

  constructor(
    private readonly entity: string,
    private readonly primary: IndexKeys,
    shape: Readonly<Record<string, z.ZodType>>,
    /** Every composite of every index key template of the entity. */
    keyComposites: ReadonlySet<string>,
    derived: readonly DerivedAttribute[] | undefined,
    /** A value checked by a schema, a `ValidationError` naming the path otherwise (`EntityModel.validateAt`). */
    private readonly validateAt: (schema: z.ZodType, value: unknown, path: string) => unknown,
  ) {
    this.primaryComposites = new Set([...(primary.pk?.composites ?? []), ...(primary.sk?.composites ?? [])]);
    this.schemas = new Map([...keyComposites].flatMap((c) => (shape[c] === undefined ? [] : [[c, keyValueSchema(shape[c]!)] as const])));
    this.derived = DerivedKeyComposites.of(entity, shape, derived, keyComposites, this.value);
  }

  /**
   * The table key from the primary composites given by the caller; each composite is checked
   * against its schema first so a wrong type fails before the request.
   *
   * @example User.model.keys.primaryKey({ userId: 'u1' }) // { pk: 'USER#u1', sk: 'PROFILE' }
   */
  primaryKey(key: Readonly<Record<string, unknown>>): Record<string, KeyValue> {
    return this.primaryKeyFrom(this.primaryValues(key));
  }

  /**
   * The primary composites given by the caller, each parsed by its schema (transforms applied). A
   * derived composite may be given by its sources instead (see `DerivedKeyComposites`).
   */
  primaryValues(key: Readonly<Record<string, unknown>>): Record<string, unknown> {
    if (key === null || typeof key !== 'object') throw new KeyError(this.entity, 'primary', '', 'key must be an object of key composites');
    const given = this.derived === undefined ? key : this.derived.resolve(key, this.primaryComposites, 'primary');
    const values: Record<string, unknown> = {};
    for (const c of this.primaryComposites) {
      const v = given[c];
      if (v === undefined) throw new KeyError(this.entity, 'primary', c, `missing key composite ${c}`);
      values[c] = this.value(c, v);
    }
    return values;
  }

  /**
   * A caller's value of key composite `c`, parsed by its schema (see `keyValueSchema`): transforms
   * that keep the type apply (`trim`, `toLowerCase`), so the key built matches the stored one.
   * Managed composites (timestamps, the version) have no schema and are returned as given.
   */
  readonly value = (c: string, v: unknown): unknown => {
    const s = this.schemas.get(c);
    return s === undefined ? v : this.validateAt(s, v, c);
  };

  /** The table key from composites already parsed by `primaryValues`. */
  primaryKeyFrom(values: Readonly<Record<string, unknown>>): Record<string, KeyValue> {
    return buildIndexKey(this.primary, values);
  }

  /**
   * The key composites a stored primary key was built from (its templates parse it back); the
   * physical key as it is when it does not fit them (an item another program stored).
   *
   * @example User.model.keys.storedComposites({ pk: 'USER#u1', sk: 'PROFILE' }) // { userId: 'u1' }
   */
  storedComposites(keys: Readonly<Record<string, unknown>>): Record<string, unknown> {
    return this.parseStored(keys) ?? { ...keys };
  }

  /**
   * The key composites a stored primary key was built from, or `undefined` when it does not fit
   * the templates.
   *
   * @example User.model.keys.parseStored({ pk: 'LEGACY-u1', sk: 'PROFILE' }) // undefined
   */
  parseStored(keys: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
    const { pk, sk, index } = this.primary;
    const p = pk?.parse(keys[index.partitionKey.name] as string);
    const s = index.sortKey === undefined ? {} : sk?.parse(keys[index.sortKey.name] as string);
    return p !== undefined && s !== undefined ? { ...p, ...s } : undefined;
  }
}
