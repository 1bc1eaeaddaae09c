import { DerivedAttributeError } from '../errors.js';
import type { EntityModel } from '../entity/model.js';
import { computeDerived, type DerivedAttribute } from '../entity/derived-attributes.js';
import { UpdateRef } from '../expressions/update-values.js';
import { planSteps, resolvePath, type Planned, type UpdateStep } from './update-plan.js';

/** How an update changes one top-level attribute: with a plain value it knows (`set`, `remove`), or otherwise. */
interface Change {
  /** Given whole, with a value the update knows (`set` of a value, `remove`): its value is then in the plan's `known`, or it is removed. */
  readonly plain: boolean;
  /** What changes it, for messages: `add()`, `set() of a nested path`, `set() of ref()`... */
  readonly how: string;
}

/**
 * The update's steps planned (`planSteps`), with a `set` of each derived attribute whose sources
 * the update changes, computed from the values it writes (and the primary-key composites, which the
 * key gives), so a derived value never disagrees with its sources. The derived value is planned as
 * the caller's values are (parsed by the field's schema; index keys composed of it rebuilt).
 *
 * Refused before sending (`DerivedAttributeError`): a derived attribute changed directly; an
 * update that changes some of a derived attribute's sources but not all of them with plain values
 * (the stored ones are not known here: put the whole item instead); a change of a source of a
 * derived attribute that composes the primary key; and an upsert that may create an item whose
 * derived attribute its values do not give (sources it does not set).
 *
 * @example planUpdate(User.model, [{ kind: 'set', values: { name: 'Bo' } }], { userId: 'u1' }, false).known
 * // { name: 'Bo', nameLower: 'bo' }
 */
export function planUpdate(model: EntityModel, steps: readonly UpdateStep[], key: Readonly<Record<string, unknown>>, upsert: boolean): Planned {
  const plan = planSteps(model, steps);
  const derived = model.derived;
  if (derived === undefined) return plan;
  const changes = changesOf(model, steps);
  const values: Record<string, unknown> = {};
  for (const d of derived.list) {
    const touched = d.from.filter((f) => changes.has(f));
    if (touched.length === 0 && !upsert) continue;
    if (touched.length > 0 && model.keys.primaryComposites.has(d.name)) {
      throw refusal(model, d, `composes the primary key, so ${touched.join(', ')} cannot be changed by an update; delete and re-create the item instead`);
    }
    const sources = sourceValues(model, d, changes, plan, key);
    if (touched.length === 0) {
      // An upsert may create the item, whose derived value is then the one its values give: one
      // computed from key composites alone is that value for any item, and one that leaves the
      // attribute absent when the other sources are absent agrees with a created item lacking them.
      if (sources.missing.length === 0) values[d.name] = computeDerived(model.name, d, sources.values);
      else if (model.keys.primaryComposites.has(d.name)) {
        // Its sources cannot be set by an update (see above), so "set them" would be no way out.
        throw refusal(model, d, `composes the primary key, and an upsert may create the item, which then needs ${list(sources.missing)}; an update cannot set them (that would move the item): create the item with put() or create()`);
      } else if (!sources.missing.every((f) => optionalAbsent(model, f)) || computeDerived(model.name, d, absentSources(model, d, key)) !== undefined) {
        throw refusal(model, d, `an upsert may create the item, which then needs ${d.name}: set ${list(sources.missing)} in it (undefined for none) so ${d.name} can be computed`);
      }
      continue;
    }
    if (sources.missing.length > 0 || sources.other.length > 0) {
      // Each touched source once: "changes a (by add())", not "changes a but changes a (by add())".
      const how = touched.map((f) => (changes.get(f)!.plain ? f : changes.get(f)!.how));
      const why = sources.missing.length > 0 ? ` but does not set ${list(sources.missing)}` : '';
      throw refusal(
        model,
        d,
        `the update changes ${how.join(', ')}${why}, so ${d.name} cannot be computed (the stored values are not known before the write): set every one of ${d.from.join(', ')} with plain values in this update, or put() the whole item`,
      );
    }
    values[d.name] = computeDerived(model.name, d, sources.values);
  }
  // Planned into the caller's plan: index keys, bounds and union guards see the derived values too.
  if (Object.keys(values).length > 0) planSteps(model, [{ kind: 'set', values }], plan);
  return plan;
}

/** The top-level attributes the steps change, and how; a derived attribute changed directly is refused. */
function changesOf(model: EntityModel, steps: readonly UpdateStep[]): Map<string, Change> {
  const changes = new Map<string, Change>();
  const note = (p: string, kind: UpdateStep['kind'], raw: unknown): void => {
    const path = resolvePath(model, p);
    const top = path[0] as string;
    const d = model.derived!.byName.get(top);
    if (d !== undefined) {
      throw refusal(model, d, `is computed by dynakit and cannot be changed by ${kind}(): set ${list(d.from)} (with plain values) in the update, which then sets ${d.name}`);
    }
    const whole = path.length === 1;
    const plain = whole && (kind === 'remove' || (kind === 'set' && !(raw instanceof UpdateRef)));
    const how = !whole ? `${formatKind(kind)} of a path inside ${top}` : raw instanceof UpdateRef ? `set() of ref()` : formatKind(kind);
    changes.set(top, { plain, how: `${top} (by ${how})` });
  };
  for (const step of steps) {
    if (step.kind === 'remove') {
      for (const p of step.paths) note(p, 'remove', undefined);
      continue;
    }
    for (const [p, raw] of Object.entries(step.values)) {
      // As planSteps reads them: an undefined value is absent, except in set(), where it removes.
      if (raw !== undefined || step.kind === 'set') note(p, step.kind, raw);
    }
  }
  return changes;
}

const formatKind = (kind: UpdateStep['kind']): string => `${kind}()`;
const list = (names: readonly string[]): string => names.join(', ');

/**
 * The values of `d`'s sources as the update writes them (`plan.known`: parsed, a default evaluated
 * once; a removed one absent), and the sources the update does not set (`missing`) or changes other
 * than with a plain value (`other`).
 */
function sourceValues(
  model: EntityModel,
  d: DerivedAttribute,
  changes: ReadonlyMap<string, Change>,
  plan: Planned,
  key: Readonly<Record<string, unknown>>,
): { values: Record<string, unknown>; missing: string[]; other: string[] } {
  const values: Record<string, unknown> = {};
  const missing: string[] = [];
  const other: string[] = [];
  for (const f of d.from) {
    const c = changes.get(f);
    if (model.keys.primaryComposites.has(f)) values[f] = key[f];
    else if (c === undefined) missing.push(f);
    else if (!c.plain) other.push(c.how);
    else values[f] = plan.known[f];
  }
  return { values, missing, other };
}

/** Whether a source left out of an upsert is one the created item may lack (its schema takes `undefined`). */
function optionalAbsent(model: EntityModel, f: string): boolean {
  return model.shape[f]!.safeParse(undefined).success;
}

/** `d`'s sources in an item created without them: the key's composites, and each other source as its schema parses absence (undefined, or a default). */
function absentSources(model: EntityModel, d: DerivedAttribute, key: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(d.from.map((f) => [f, model.keys.primaryComposites.has(f) ? key[f] : model.shape[f]!.parse(undefined)]));
}

function refusal(model: EntityModel, d: DerivedAttribute, message: string): DerivedAttributeError {
  return new DerivedAttributeError(model.name, d.name, d.from, message);
}
