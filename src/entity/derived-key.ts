import type { z } from 'zod';
import { DerivedAttributeError, KeyError, ValidationError, zodIssues } from '../errors.js';
import { computeDerived, type DerivedAttribute } from './derived-attributes.js';
import { keyValueSchema } from './index-keys.js';
import { defOf, readCore } from './schema-walk.js';
import { sameModelValue } from './same-value.js';

/**
 * Key composites that are derived attributes (`sk: 'NAME#{nameLower}'` with `nameLower` derived
 * from `name`), computed from their sources when a key object gives the sources instead
 * (`get({ orgId, name: 'Bob' })`): the caller then needs neither the compute function nor to know
 * that the key holds a derived value. A key object that gives both must give agreeing values.
 * Built only for entities with such composites, so other entities' key objects are read as before.
 */
export class DerivedKeyComposites {
  /** What checks a source's value: keys take model values, as composites do (see `keyValueSchema`). */
  private readonly sourceSchemas: ReadonlyMap<string, z.ZodType>;
  /**
   * Sources whose schema ends in a transform that changes the type with nothing to check its output
   * (`z.string().transform((s) => s.split(','))`): a model value cannot be checked, so one the schema
   * refuses is taken as the model value it is typed as (an item read back, passed as a key).
   */
  private readonly unchecked: ReadonlySet<string>;

  constructor(
    private readonly entity: string,
    shape: Readonly<Record<string, z.ZodType>>,
    /** The derived attributes that compose some index key. */
    private readonly composites: ReadonlyMap<string, DerivedAttribute>,
    /** A composite's value parsed as a key value (`KeyValues.value`). */
    private readonly keyValue: (composite: string, value: unknown) => unknown,
  ) {
    this.sourceSchemas = new Map([...composites.values()].flatMap((d) => d.from.map((f) => [f, keyValueSchema(shape[f]!)] as const)));
    this.unchecked = new Set([...this.sourceSchemas.keys()].filter((f) => defOf(readCore(shape[f]!)).type === 'transform'));
  }

  /**
   * The derived composites among `names` of an entity (`undefined` when none is derived).
   *
   * @example DerivedKeyComposites.of('Contact', shape, derived, new Set(['orgId', 'nameLower']), keyValue) // resolves nameLower
   */
  static of(
    entity: string,
    shape: Readonly<Record<string, z.ZodType>>,
    derived: readonly DerivedAttribute[] | undefined,
    keyComposites: ReadonlySet<string>,
    keyValue: (composite: string, value: unknown) => unknown,
  ): DerivedKeyComposites | undefined {
    const composites = new Map((derived ?? []).filter((d) => keyComposites.has(d.name)).map((d) => [d.name, d] as const));
    return composites.size === 0 ? undefined : new DerivedKeyComposites(entity, shape, composites, keyValue);
  }

  /**
   * `key` with each derived composite among `names` that it lacks computed from the sources it
   * gives: a source it leaves out counts as absent (an optional one), and one its schema requires is
   * a `KeyError`; so is a key that gives neither the composite nor any of its sources. A key that
   * gives a derived composite and some of its sources must give the value the sources compute
   * (`DerivedAttributeError` otherwise).
   *
   * @example Contact.model.keys.derived.resolve({ contactId: 'c1', name: 'Ada' }, ['contactId', 'nameLower'], 'primary') // { contactId: 'c1', name: 'Ada', nameLower: 'ada' }
   */
  resolve(key: Readonly<Record<string, unknown>>, names: Iterable<string>, index: string): Readonly<Record<string, unknown>> {
    let out: Record<string, unknown> | undefined;
    for (const c of names) {
      const d = this.composites.get(c);
      if (d === undefined) continue;
      if (!d.from.some((f) => key[f] !== undefined)) {
        if (key[c] === undefined) throw new KeyError(this.entity, index, c, `missing key composite ${c}, or the fields it is computed from (${d.from.join(', ')})`);
        continue;
      }
      const given = key[c];
      if (given !== undefined) {
        this.checkAgrees(d, given, key, index);
        continue;
      }
      (out ??= { ...key })[c] = computeDerived(this.entity, d, this.sources(d, key, index));
    }
    return out ?? key;
  }

  /** `d`'s source values in `key` (model values), each parsed as a key value is (as `compute` receives them on a put). */
  private sources(d: DerivedAttribute, key: Readonly<Record<string, unknown>>, index: string): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const f of d.from) {
      const r = this.sourceSchemas.get(f)!.safeParse(key[f]);
      if (r.success) values[f] = r.data;
      else if (key[f] !== undefined && this.unchecked.has(f)) values[f] = key[f];
      else if (key[f] === undefined) throw new KeyError(this.entity, index, f, `missing ${f}, which key composite ${d.name} is computed from (give ${d.name}, or every one of ${d.from.join(', ')})`);
      else throw new ValidationError(this.entity, zodIssues(r.error, f), 'value');
    }
    return values;
  }

  /**
   * A key giving `d` and some of its sources (an item read back, passed as a key): the sources must
   * compute the given value. Without every source it needs, the given value stands.
   */
  private checkAgrees(d: DerivedAttribute, given: unknown, key: Readonly<Record<string, unknown>>, index: string): void {
    let values: Record<string, unknown>;
    try {
      values = this.sources(d, key, index);
    } catch (e) {
      if (e instanceof KeyError) return;
      throw e;
    }
    const computed = computeDerived(this.entity, d, values);
    const a = this.keyValue(d.name, given);
    if (sameModelValue(a, this.keyValue(d.name, computed))) return;
    throw new DerivedAttributeError(
      this.entity,
      d.name,
      d.from,
      `the key gives ${d.name} ${shown(a)}, but computed from the ${d.from.join(', ')} it also gives, ${d.name} is ${shown(computed)}: give ${d.name} or its sources, not values that disagree`,
    );
  }
}

const shown = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));
