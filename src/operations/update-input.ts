import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { UpdateAction } from '../expressions/ast.js';
import type { Condition } from '../expressions/condition.js';
import { compileCondition, type SetAttributeValue } from '../expressions/compile.js';
import { compileUpdate } from '../expressions/compile-update.js';
import type { EntityModel } from '../entity/model.js';
import { contextFor, withPlaceholders } from './expression-input.js';
import { describeChecks, type VersionCheck } from './condition-failure.js';
import { allOf, belongsTo, belongsToText, expectedVersion, liveOrMissingText, missingOrOwned, missingOrOwnedText, notExpired, versionIs } from './write-guards.js';
import { createdVariant, creationActions, requireCreatable } from './upsert-creation.js';
import { keyVariant, keyVariantGuard } from './key-variant-guard.js';
import { createdKeyGuard, indexKeyActions } from './index-key-actions.js';
import { planUpdate } from './update-derived.js';
import { checkMultiKeyWrites, checkSelfKeyWrites } from './key-write-checks.js';
import { checkUpdatedSize } from './update-size.js';
import { stampActions } from './update-stamps.js';
import { boundGuards } from './bound-guards.js';
import { assertKeyVariant } from './union-guards.js';
import type { UpdateState } from './update.js';

/**
 * The `UpdateCommandInput` of an update builder's state (`UpdateBuilder.prepare`). The same input
 * goes alone and in a transaction: an upsert refuses an expired item in both; sent alone, `send()`
 * clears it first and sends again (expired-upsert.ts); a transaction cannot (`transactionUpsertText`).
 */
export function updateInput(m: EntityModel, s: UpdateState, now: Date): UpdateCommandInput {
  return updateRequest(m, s, now).input;
}

/**
 * `updateInput` with the condition it sent (`undefined` for none), which an upsert sent alone
 * judges on no item before it clears an expired one (expired-upsert.ts), and what the update is
 * known to store without reading the item back (a transaction's result): its `updatedAt` (and
 * `createdAt` when given with `withTimestamps`), and the version when it checks one (that + 1). An
 * upsert's own `createdAt` and an unchecked version depend on the stored item and are left out.
 */
export function updateRequest(
  m: EntityModel,
  s: UpdateState,
  now: Date,
): { input: UpdateCommandInput; condition: Condition | undefined; written: Record<string, unknown> } {
  // The composites as the schema parses them (trim, lowercase...): index keys rebuilt from them
  // must match what a put writes.
  const keyValues = m.keys.primaryValues(s.key);
  const Key = m.keys.primaryKeyFrom(keyValues);
  const plan = planUpdate(m, s.steps, keyValues, s.upsert);
  const tag = m.variants?.tag;
  if (tag !== undefined && m.keys.primaryComposites.has(tag)) assertKeyVariant(m.name, tag, keyValues[tag], plan.guards);
  const variant = s.upsert ? createdVariant(m, keyValues) : undefined;
  if (s.upsert) requireCreatable(m, plan, variant);
  /** Values a created item gets with if_not_exists: index keys of a created item are built from them too. */
  const defaults: Record<string, unknown> = {};
  // The stamps are also what the update is known to store (`written`, a transaction's result).
  const stamps: Record<string, unknown> = {};
  // Concatenated, not spread into push() or an array literal: a few actions each, on every update.
  let internal: UpdateAction[] = stampActions(m, now, s.upsert, s.timestamps, stamps, defaults);
  Object.assign(plan.known, stamps);
  if (m.version !== undefined) {
    // Every update bumps the version; a missing one (legacy item) counts as 0.
    internal.push({
      kind: 'set',
      path: [m.version],
      value: { kind: 'arith', op: '+', left: { kind: 'ifNotExists', path: [m.version], fallback: { kind: 'value', value: 0 } }, right: { kind: 'value', value: 1 } },
    });
  }
  if (s.upsert) internal = internal.concat(creationActions(m, plan, keyValues, variant, defaults));
  const actions = plan.actions.concat(internal, indexKeyActions(m, plan, keyValues, s.upsert, defaults));
  checkSelfKeyWrites(m, actions);
  checkMultiKeyWrites(m, actions);
  const ctx = contextFor(m);
  const sets: SetAttributeValue[] = [];
  const input: UpdateCommandInput = { TableName: m.table.name, Key, UpdateExpression: compileUpdate(actions, ctx, sets) };
  checkUpdatedSize(m, Key, sets);
  // The item must be this entity's (an update never creates a partial item); with upsert() it
  // may also be missing, but never another entity's.
  // An expired item (not deleted yet) is one no read shows: update() needs a live one, and an
  // upsert must not merge into it either (it would bring back what it does not set): sent alone it
  // clears it first (expired-upsert.ts); a transaction, which cannot, is refused (its where() is
  // then judged on a live item or none, as everywhere).
  // An upsert of an entity with a TTL fails on an expired item, another entity's or its where():
  // the stored item tells which (alone, send() needs it to clear an expired one; in a transaction,
  // the cancellation reason then names another entity's item instead of listing every requirement).
  const upsertOverTtl = s.upsert && m.ttl !== undefined;
  const guard = s.upsert ? allOf(missingOrOwned(m), notExpired(m, now)) : allOf(belongsTo(m), notExpired(m, now));
  const expected = expectedVersion(m, s.key);
  // Values DynamoDB computes from stored ones keep their schema bounds (length-bounds.ts, number-bounds.ts).
  const kept = keyVariantGuard(m, plan.guards, variant ?? keyVariant(m, keyValues), s.upsert);
  const bounds = boundGuards(m, { actions: plan.actions, guards: kept.guards }).condition;
  const nullKeys = s.upsert ? createdKeyGuard(m, plan, keyValues, defaults) : undefined;
  const condition = allOf(guard, expected === undefined ? undefined : versionIs(m, expected), kept.condition, bounds, nullKeys?.condition, s.condition);
  if (condition !== undefined) input.ConditionExpression = compileCondition(condition.node, ctx);
  withPlaceholders(input, ctx);
  if (s.returnValues !== 'NONE') input.ReturnValues = s.returnValues;
  if (s.returnItemOnFailure || expected !== undefined || upsertOverTtl) input.ReturnValuesOnConditionCheckFailure = 'ALL_OLD';
  // The version it stores is known only where it checks one (an unchecked one is the stored + 1).
  const written = m.version === undefined || expected === undefined ? stamps : { ...stamps, [m.version]: expected + 1 };
  return { input, condition, written };
}

/**
 * What an upsert in a transaction requires of a stored item, in words: `missingOrOwnedText`, and
 * with a TTL not to have expired. Sent alone, an upsert deletes an expired item first and creates
 * the item afresh, as once DynamoDB's TTL has removed it; one UpdateExpression cannot (merged into
 * the expired item, it would keep the attributes it does not set, or leave the item expired where it
 * does not set the TTL, a write no read shows), so in a transaction it is refused there instead.
 */
function transactionUpsertText(model: EntityModel): string | undefined {
  const owned = missingOrOwnedText(model);
  if (model.ttl === undefined) return owned;
  return `${owned === undefined ? 'a stored item must' : `${owned} and`} not have expired (an upsert in a transaction cannot delete an expired item first as one sent alone does, and merged into it would bring back what it does not set: send it alone, or delete the item first)`;
}

/** What an update's condition requires, in words (`UpdateBuilder.checks`). */
export function updateChecks(model: EntityModel, s: UpdateState, place: 'single' | 'transaction', version: VersionCheck | undefined): string | undefined {
  // The plan prepare() sent, derived values included: a guard their sets add is then named too.
  const keyValues = model.keys.primaryValues(s.key);
  const plan = planUpdate(model, s.steps, keyValues, s.upsert);
  const where = s.condition !== undefined;
  const guard = s.upsert ? (place === 'single' ? liveOrMissingText(model) : transactionUpsertText(model)) : `${belongsToText(model)}${where ? '' : ' (update() does not create items; upsert() does)'}`;
  const kept = keyVariantGuard(model, plan.guards, s.upsert ? createdVariant(model, keyValues) : keyVariant(model, keyValues), s.upsert);
  const bounds = boundGuards(model, { actions: plan.actions, guards: kept.guards }).checks;
  const checks = kept.check === undefined ? [...bounds] : [kept.check, ...bounds];
  if (s.upsert) {
    // The defaults a created item gets, as updateRequest finds them, for the index keys built from them.
    const defaults: Record<string, unknown> = {};
    stampActions(model, new Date(0), true, s.timestamps, {}, defaults);
    creationActions(model, plan, keyValues, createdVariant(model, keyValues), defaults);
    const nullKeys = createdKeyGuard(model, plan, keyValues, defaults);
    if (nullKeys !== undefined) checks.push(nullKeys.text);
  }
  return describeChecks(guard, where, checks, version);
}
