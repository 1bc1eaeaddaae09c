import type { z } from 'zod';
import { DerivedAttributeError, KeyError, ValidationError, zodIssues } from '../errors.js';
import { computeDerived, type DerivedAttribute } from './derived-attributes.js';
import { sameModelValue } from './same-value.js';

/**
 * Key composites that are derived attributes (`sk: 'NAME#{nameLower}'` with `nameLower` derived
 * from `name`), computed from their sources when a key object gives the sources instead
 * (`get({ orgId, name: 'Bob' })`): the caller then needs neither the compute function nor to know
 * that the key holds a derived value. A key object that gives both must give agreeing values.
 * Built only for entities with such composites, so other entities' key objects are read as before.
 */
export class DerivedKeyComposites {
  constructor(
    private readonly entity: string,
    private readonly shape: Readonly<Record<string, z.ZodType>>,
    /** The derived attributes that compose some index key. */
    private readonly composites: ReadonlyMap<string, DerivedAttribute>,
    /** A composite's value parsed as a key value (`EntityModel.keyValue`). */
    private readonly keyValue: (composite: string, value: unknown) => unknown,
  ) {}

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
   * a `KeyError`. A key that gives a derived composite and some of its sources must give the value
   * the sources compute (`DerivedAttributeError` otherwise). Keys that give no source are returned
   * as they are.
   *
   * @example Contact.model.derivedKeys.resolve({ contactId: 'c1', name: 'Ada' }, ['contactId', 'nameLower'], 'primary') // { contactId: 'c1', name: 'Ada', nameLower: 'ada' }
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
      const computed = computeDerived(this.entity, d, this.sources(d, key, index));
      const given = key[c];
      if (given !== undefined) this.checkAgrees(d, given, computed);
      else (out ??= { ...key })[c] = computed;
    }
    return out ?? key;
  }

  /** `d`'s source values in `key`, each parsed by its field's schema (as `compute` receives them on a put). */
  private sources(d: DerivedAttribute, key: Readonly<Record<string, unknown>>, index: string): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const f of d.from) {
      const r = this.shape[f]!.safeParse(key[f]);
      if (r.success) values[f] = r.data;
      else if (key[f] === undefined) throw new KeyError(this.entity, index, f, `missing ${f}, which key composite ${d.name} is computed from (give ${d.name}, or every one of ${d.from.join(', ')})`);
      else throw new ValidationError(this.entity, zodIssues(r.error, f), 'value');
    }
    return values;
  }

  private checkAgrees(d: DerivedAttribute, given: unknown, computed: unknown): void {
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
