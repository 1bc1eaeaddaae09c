/**
 * The condition on the tag of an entity whose primary key is composed of it: the key names the
 * variant of the item it addresses, so a stored item must be that variant. One condition for the
 * update replaces the plan's guards on the tag (each holds for the key's variant: `assertKeyVariant`).
 */
import type { ConditionNode } from '../expressions/ast.js';
import { Condition } from '../expressions/condition.js';
import type { EntityModel } from '../entity/model.js';
import type { VariantOption } from '../entity/variant-schema.js';
import type { UnionGuard } from './union-guards.js';
import { itemIsNew } from './write-guards.js';

/** What `keyVariantGuard` gives an update's condition. */
export interface KeyVariantGuard {
  /** The plan's guards left for the condition (without those on the tag where `condition` replaces them). */
  readonly guards: readonly UnionGuard[];
  readonly condition: Condition | undefined;
  /** `condition` in words, for a failed condition's message. */
  readonly check: string | undefined;
}

/**
 * The variant the key of an update names: where the entity's tag composes the primary key, the
 * option the key's tag value selects; `undefined` elsewhere.
 *
 * @example keyVariant(Payment.model, { paymentId: 'p1', method: 'card' })?.label // '"card"'
 */
export function keyVariant(model: EntityModel, keyValues: Readonly<Record<string, unknown>>): VariantOption | undefined {
  const variants = model.variants;
  if (variants === undefined || !model.keys.primaryComposites.has(variants.tag)) return undefined;
  return variants.options.find((o) => o.values.includes(keyValues[variants.tag]));
}

/**
 * What an update whose key names a variant (`variant`, see `createdVariant` / `keyVariant`)
 * requires of the stored item's tag.
 *
 * An upsert: `attribute_not_exists(#pk) OR #method = :card`. A created item is the key's variant,
 * so a stored one must be too, or the update would write the key's tag and that variant's fields
 * into an item of another variant; the plan's guards on the tag would fail on the missing item an
 * upsert creates, so this replaces them.
 *
 * Of an entity with `migrations`, an item stored before its schema had the tag (no tag attribute,
 * and a schema version older than the current one) is one its reads bring to a variant by the
 * steps, which DynamoDB cannot run: under a key that names the variant it is taken as that
 * variant (dynakit stores every item under the key its tag names), by the upsert (which then
 * stores the key's tag in it) and by an update whose plan guards the tag. Without it, such an item
 * failed every update of its variant's fields until `migrateStored` rewrote it, while every read
 * returned it as that variant. An item without the tag at the current version is one no read takes,
 * and still fails.
 *
 * @example keyVariantGuard(Payment.model, plan.guards, variant, true).check // 'a stored item's method must be "card", the variant its key names'
 */
export function keyVariantGuard(model: EntityModel, guards: readonly UnionGuard[], variant: VariantOption | undefined, upsert: boolean): KeyVariantGuard {
  const tag = model.variants?.tag;
  const unchanged = { guards, condition: undefined, check: undefined };
  if (variant === undefined || tag === undefined) return unchanged;
  const onTag = (g: UnionGuard): boolean => g.tagPath.length === 1 && g.tagPath[0] === tag;
  const legacy = olderWithoutTag(model, tag);
  // An update that does not create the item keeps its guards where no older item can lack the tag.
  if (!upsert && (legacy === undefined || !guards.some(onTag))) return unchanged;
  const stored = { kind: 'path', path: [tag] } as const;
  const values = variant.values.map((value) => ({ kind: 'value', value }) as const);
  const isVariant = new Condition(values.length === 1 ? { kind: 'compare', op: '=', left: stored, right: values[0]! } : { kind: 'in', operand: stored, values });
  const taken = legacy === undefined ? isVariant : isVariant.or(legacy);
  const named = variant.values.map((v) => JSON.stringify(v)).join(' or ');
  const older = legacy === undefined ? '' : ` (or, stored before the schema had ${tag}, have none and an older schema version)`;
  return {
    guards: guards.filter((g) => !onTag(g)),
    condition: upsert ? itemIsNew(model).or(taken) : taken,
    check: `a stored item's ${tag} must be ${named}, the variant its key names${older}`,
  };
}

/** `attribute_not_exists(#method) AND (attribute_not_exists(#_sv) OR #_sv < :current)`; `undefined` without `migrations`. */
function olderWithoutTag(model: EntityModel, tag: string): Condition | undefined {
  const migrations = model.migrations;
  if (migrations === undefined) return undefined;
  const version = [migrations.attribute];
  const noVersion: ConditionNode = { kind: 'exists', path: version, negate: true };
  const olderVersion: ConditionNode = { kind: 'compare', op: '<', left: { kind: 'path', path: version }, right: { kind: 'value', value: migrations.current } };
  return new Condition({ kind: 'exists', path: [tag], negate: true }).and(new Condition(noVersion).or(new Condition(olderVersion)));
}
