import type { z } from 'zod';
import { DerivedAttributeError, ValidationError, zodIssues } from '../errors.js';
import { sameModelValue } from './same-value.js';

/** One entry of `defineEntity`'s `derive`, untyped (derive-types.ts types it against the schema). */
export interface DeriveRule {
  readonly from: readonly string[];
  readonly compute: (values: Readonly<Record<string, unknown>>) => unknown;
}

/** A derived attribute checked against the schema: its name, its sources (each once) and its function. */
export interface DerivedAttribute extends DeriveRule {
  readonly name: string;
}

/**
 * `d`'s value from its source values. A compute function that throws (a bug in it, or sources it did
 * not expect) fails the write before anything is sent, as a `DerivedAttributeError` naming the
 * entity and the attribute, with the thrown error as its `cause`.
 *
 * @example computeDerived('Person', nameLower, { name: 'Ada' }) // 'ada'
 */
export function computeDerived(entity: string, d: DerivedAttribute, values: Readonly<Record<string, unknown>>): unknown {
  try {
    return d.compute(values);
  } catch (e) {
    throw new DerivedAttributeError(entity, d.name, d.from, `compute threw: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/**
 * The derived attributes of an entity (`defineEntity`'s `derive`), checked once when it is defined:
 * each is a schema field computed from other schema fields, none of them derived (so there is no
 * chain or cycle to order). A put computes them from its item (`fill`); an update from the values it
 * sets (update-derived.ts).
 */
export class DerivedAttributes {
  readonly list: readonly DerivedAttribute[];
  /** The derived attributes by name. */
  readonly byName: ReadonlyMap<string, DerivedAttribute>;

  constructor(
    private readonly entity: string,
    private readonly schema: z.ZodObject | z.ZodUnion,
    private readonly shape: Readonly<Record<string, z.ZodType>>,
    derive: unknown,
  ) {
    if (derive === null || typeof derive !== 'object' || Array.isArray(derive)) {
      throw new DerivedAttributeError(entity, '', [], 'derive must be an object of { from, compute } per derived attribute');
    }
    const rules = derive as Readonly<Record<string, unknown>>;
    this.list = Object.entries(rules).map(([name, rule]) => this.checked(name, rule, rules));
    this.byName = new Map(this.list.map((d) => [d.name, d]));
  }

  private checked(name: string, rule: unknown, rules: Readonly<Record<string, unknown>>): DerivedAttribute {
    const fail = (from: readonly string[], message: string): never => {
      throw new DerivedAttributeError(this.entity, name, from, message);
    };
    if (!Object.hasOwn(this.shape, name)) fail([], `is not a field of the schema: a derived attribute is declared in the schema (which types its reads, conditions and keys) and computed by derive`);
    const { from, compute } = (rule ?? {}) as Partial<DeriveRule>;
    if (!Array.isArray(from) || from.length === 0 || !from.every((f) => typeof f === 'string')) fail([], 'from must be a non-empty list of the schema fields it is computed from');
    const sources = [...new Set(from as readonly string[])];
    if (typeof compute !== 'function') fail(sources, 'compute must be a function of the from values');
    for (const f of sources) {
      if (f === name) fail(sources, 'is computed from itself');
      if (Object.hasOwn(rules, f)) {
        fail(sources, `is computed from ${f}, which is derived too: derived attributes are computed from stored fields only (no chains or cycles); compute ${name} from the fields ${f} is computed from`);
      }
      if (!Object.hasOwn(this.shape, f)) fail(sources, `from names ${f}, which is not a field of the schema`);
    }
    return { name, from: sources, compute: compute! };
  }

  /**
   * A put's input with every derived attribute computed from the input's source values (each parsed
   * by its field's schema, as the compute function's types say), so that the schema, which may
   * require them, parses the item whole. `complete` then computes them again from the parsed item.
   */
  fill(input: unknown): unknown {
    if (input === null || typeof input !== 'object') return input;
    const given = input as Readonly<Record<string, unknown>>;
    const out: Record<string, unknown> = { ...given };
    for (const d of this.list) {
      const values: Record<string, unknown> = {};
      for (const f of d.from) {
        const r = this.shape[f]!.safeParse(given[f]);
        if (!r.success) this.refuseItem(given);
        values[f] = r.data;
      }
      const computed = computeDerived(this.entity, d, values);
      if (computed === undefined) delete out[d.name];
      else out[d.name] = computed;
    }
    return out;
  }

  /**
   * The parsed item with each derived value computed from the item's own source values and parsed
   * by its field's schema: a source's default is evaluated once per parse (a random id, a time), so
   * the values `fill` saw may not be the ones stored. A derived value the caller's `input` gives
   * itself must be that value (an item read back and put again), else `DerivedAttributeError`: the
   * put would not store what the caller gave.
   */
  complete(output: Record<string, unknown>, input: unknown): Record<string, unknown> {
    const given = input as Readonly<Record<string, unknown>>;
    for (const d of this.list) {
      const values = Object.fromEntries(d.from.map((f) => [f, output[f]]));
      const r = this.shape[d.name]!.safeParse(computeDerived(this.entity, d, values));
      if (!r.success) throw new ValidationError(this.entity, zodIssues(r.error, d.name).map((i) => ({ ...i, message: `(computed from ${d.from.join(', ')}) ${i.message}` })));
      if (given[d.name] !== undefined) this.checkGiven(d, given[d.name], r.data);
      if (r.data === undefined) delete output[d.name];
      else output[d.name] = r.data;
    }
    return output;
  }

  /**
   * A given derived value is kept only when it is the computed one: as read back (the field's
   * output, which a transform of the field would change again if parsed), or as input that
   * parses to it.
   */
  private checkGiven(d: DerivedAttribute, given: unknown, computed: unknown): void {
    if (sameModelValue(given, computed)) return;
    const a = this.shape[d.name]!.safeParse(given);
    if (a.success && sameModelValue(a.data, computed)) return;
    throw new DerivedAttributeError(
      this.entity,
      d.name,
      d.from,
      `the item gives a value that differs from the one computed from ${d.from.join(', ')}: leave ${d.name} out of the item (dynakit computes it on every put)`,
    );
  }

  /** A source that fails its schema: the item's issues, without those of derived attributes that could not be computed. */
  private refuseItem(given: Readonly<Record<string, unknown>>): never {
    const r = this.schema.safeParse(given);
    const issues = r.success ? [] : zodIssues(r.error).filter((i) => !this.byName.has(i.path.split(/[.[]/, 1)[0]!));
    throw new ValidationError(this.entity, issues);
  }
}
