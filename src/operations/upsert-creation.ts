/**
 * What an upsert adds because it may create the item: every required attribute must be given, and
 * a created item gets the discriminator, its key composites and the defaults a put would store. Of
 * an entity with variants, only where the key names the variant (its tag composes the primary key).
 */
import type { UpdateAction } from '../expressions/ast.js';
import type { EntityModel } from '../entity/model.js';
import { defaultOf, isOptionalSchema } from '../entity/schema-walk.js';
import { shapeOf, type VariantOption } from '../entity/variant-schema.js';
import { ValidationError } from '../errors.js';
import { storable, type Planned } from './update-plan.js';
import { keyVariant } from './key-variant-guard.js';

/**
 * The variant an upsert creates: the one its key names, where the entity's tag composes the primary
 * key (`sk: 'PAY#{method}#{paymentId}'`); `undefined` for an entity without variants. Any other
 * upsert of an entity with variants is refused (`ValidationError` on the tag): no update says which
 * variant a created item would be.
 *
 * @example createdVariant(Payment.model, { paymentId: 'p1', method: 'card' })?.label // '"card"'
 */
export function createdVariant(model: EntityModel, keyValues: Readonly<Record<string, unknown>>): VariantOption | undefined {
  const tag = model.variants?.tag;
  if (tag === undefined) return undefined;
  const named = keyVariant(model, keyValues);
  if (named === undefined) {
    throw new ValidationError(model.name, [
      { path: tag, message: 'tells the variants apart, and no update sets it: an upsert may create the item, so create it with put() or create() (an upsert works where the primary key is composed of it, naming the variant)' },
    ]);
  }
  return named;
}

/**
 * Refuses an upsert that leaves out a required attribute (`ValidationError` naming each): it may
 * create the item, which would then fail every read. Of an entity with variants, the attributes the
 * created variant (`createdVariant`) requires.
 *
 * @example requireCreatable(User.model, plan, undefined) // throws when `name` is required and not set
 */
export function requireCreatable(model: EntityModel, plan: Planned, variant: VariantOption | undefined): void {
  const given = new Set<string>([...model.keys.primaryComposites, ...plan.provided]);
  const missing = Object.entries(variant === undefined ? model.shape : shapeOf(variant.schema))
    .filter(([k, sch]) => !isOptionalSchema(sch) && !given.has(k))
    .map(([k]) => k);
  if (missing.length > 0) {
    const of = variant === undefined ? '' : ` (by the ${variant.label} variant its key names)`;
    throw new ValidationError(
      model.name,
      missing.map((path) => ({ path, message: `is required${of}: an upsert may create the item, so set it (setIfNotExists for create-only values)` })),
    );
  }
}

/**
 * The actions that make a created item whole: the discriminator, the key composites (the tag of an
 * entity with variants among them) and, with `if_not_exists`, the schema defaults of the attributes
 * the update leaves alone, the created variant's for an entity with variants (each also recorded in
 * `defaults`, which index keys of a created item are built from).
 *
 * @example creationActions(User.model, plan, { userId: 'u1' }, undefined, defaults) // [{ kind: 'set', path: ['_et'], ... }, ...]
 */
export function creationActions(
  model: EntityModel,
  plan: Planned,
  keyValues: Readonly<Record<string, unknown>>,
  variant: VariantOption | undefined,
  defaults: Record<string, unknown>,
): UpdateAction[] {
  const out: UpdateAction[] = [];
  const et = model.table.entityAttribute;
  if (et !== undefined) out.push({ kind: 'set', path: [et], value: { kind: 'value', value: model.name } });
  // A composite that is a table key attribute itself (`{ pk: '{id}' }` on key `id`) is written by the Key, and an update may not set it.
  for (const c of model.keys.primaryComposites) if (!model.primaryKeyNames.includes(c)) out.push({ kind: 'set', path: [c], value: { kind: 'value', value: keyValues[c] } });
  // Another variant's default is no field of the created item (the merged shape would give it one).
  const defaulted = variant === undefined ? model.defaulted : Object.entries(shapeOf(variant.schema)).filter(([, sch]) => defaultOf(sch) !== undefined);
  // As a put would store them: reads fill defaults in, but index keys and conditions see only stored values.
  for (const [k, sch] of defaulted) {
    if (model.keys.primaryComposites.has(k) || plan.provided.has(k) || k in plan.known || plan.opaque.has(k) || plan.removed.has(k)) continue;
    const d = storable(sch, defaultOf(sch));
    if (d === undefined) continue;
    defaults[k] = d;
    out.push({ kind: 'set', path: [k], value: { kind: 'ifNotExists', path: [k], fallback: { kind: 'value', value: d } } });
  }
  return out;
}
