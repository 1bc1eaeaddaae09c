/**
 * What an upsert adds because it may create the item: every required attribute must be given, and
 * a created item gets the discriminator, its key composites and the defaults a put would store.
 */
import type { UpdateAction } from '../expressions/ast.js';
import type { EntityModel } from '../entity/model.js';
import { defaultOf, isOptionalSchema } from '../entity/schema-walk.js';
import { ValidationError } from '../errors.js';
import { storable, type Planned } from './update-plan.js';

/**
 * Refuses an upsert that leaves out a required attribute (`ValidationError` naming each): it may
 * create the item, which would then fail every read.
 *
 * @example requireCreatable(User.model, plan) // throws when `name` is required and not set
 */
export function requireCreatable(model: EntityModel, plan: Planned): void {
  const tag = model.variants?.tag;
  if (tag !== undefined) {
    throw new ValidationError(model.name, [{ path: tag, message: 'tells the variants apart, and no update sets it: an upsert may create the item, so create it with put() or create()' }]);
  }
  const given = new Set<string>([...model.keys.primaryComposites, ...plan.provided]);
  const missing = Object.entries(model.shape)
    .filter(([k, sch]) => !isOptionalSchema(sch) && !given.has(k))
    .map(([k]) => k);
  if (missing.length > 0) {
    throw new ValidationError(
      model.name,
      missing.map((path) => ({ path, message: 'is required: an upsert may create the item, so set it (setIfNotExists for create-only values)' })),
    );
  }
}

/**
 * The actions that make a created item whole: the discriminator, the key composites and, with
 * `if_not_exists`, the schema defaults of the attributes the update leaves alone (each also
 * recorded in `defaults`, which index keys of a created item are built from).
 *
 * @example creationActions(User.model, plan, { userId: 'u1' }, defaults) // [{ kind: 'set', path: ['_et'], ... }, ...]
 */
export function creationActions(model: EntityModel, plan: Planned, keyValues: Readonly<Record<string, unknown>>, defaults: Record<string, unknown>): UpdateAction[] {
  const out: UpdateAction[] = [];
  const et = model.table.entityAttribute;
  if (et !== undefined) out.push({ kind: 'set', path: [et], value: { kind: 'value', value: model.name } });
  // A composite that is a table key attribute itself (`{ pk: '{id}' }` on key `id`) is written by the Key, and an update may not set it.
  for (const c of model.keys.primaryComposites) if (!model.primaryKeyNames.includes(c)) out.push({ kind: 'set', path: [c], value: { kind: 'value', value: keyValues[c] } });
  // As a put would store them: reads fill defaults in, but index keys and conditions see only stored values.
  for (const [k, sch] of model.defaulted) {
    if (model.keys.primaryComposites.has(k) || plan.provided.has(k) || k in plan.known || plan.opaque.has(k) || plan.removed.has(k)) continue;
    const d = storable(sch, defaultOf(sch));
    if (d === undefined) continue;
    defaults[k] = d;
    out.push({ kind: 'set', path: [k], value: { kind: 'ifNotExists', path: [k], fallback: { kind: 'value', value: d } } });
  }
  return out;
}
