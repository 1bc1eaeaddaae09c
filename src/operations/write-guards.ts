import { Condition } from '../expressions/condition.js';
import type { EntityModel } from '../entity/model.js';
import { ValidationError } from '../errors.js';
import { epochSeconds } from '../entity/value-encoding.js';

/**
 * Conditions dynakit adds to writes on its own: ownership (the discriminator), creation, and
 * optimistic locking.
 */

/**
 * Optimistic locking: the version a write expects, read from the item or key the caller passed
 * (`undefined` when none was given).
 */
export function expectedVersion(model: EntityModel, source: unknown): number | undefined {
  if (model.version === undefined || source === null || typeof source !== 'object') return undefined;
  const v = (source as Record<string, unknown>)[model.version];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new ValidationError(model.name, [{ path: model.version, message: 'version must be a non-negative integer' }]);
  }
  return v;
}

/**
 * What a write that expects a version requires (optimistic locking): the stored item is this
 * entity's, holds that version, and has not expired. The caller read that version from an item
 * reads still showed; once it has expired they show none, so the version it expected is gone (a
 * versioned put would otherwise bring the expired item back, and a versioned delete pass on it).
 */
export function versionedItem(model: EntityModel, expected: number, now: Date): Condition {
  return allOf(ownedItem(model), versionIs(model, expected), notExpired(model, now))!;
}

/** `#version = :expected` */
export function versionIs(model: EntityModel, expected: number): Condition {
  return new Condition({ kind: 'compare', op: '=', left: { kind: 'path', path: [model.version!] }, right: { kind: 'value', value: expected } });
}

/**
 * `#_et = :name`: the stored item is this entity's. In a table without a discriminator every item
 * is, so there it says the item exists (`attribute_exists(#pk)`).
 */
export function belongsTo(model: EntityModel): Condition {
  // The same for every request of the entity (conditions are immutable): built once.
  let c = belongsToGuards.get(model);
  if (c === undefined) {
    const et = model.table.entityAttribute;
    c =
      et === undefined
        ? new Condition({ kind: 'exists', path: [model.primary.index.partitionKey.name], negate: false })
        : new Condition({ kind: 'compare', op: '=', left: { kind: 'path', path: [et] }, right: { kind: 'value', value: model.name } });
    belongsToGuards.set(model, c);
  }
  return c;
}
const belongsToGuards = new WeakMap<EntityModel, Condition>();

/**
 * `#_et = :name` where the table has a discriminator, else nothing: for writes whose own condition
 * already requires the item to exist (a version check), so only its entity is left to check.
 */
export function ownedItem(model: EntityModel): Condition | undefined {
  return model.table.entityAttribute === undefined ? undefined : belongsTo(model);
}

/**
 * The item is missing or this entity's (`attribute_not_exists(#pk) OR #_et = :name`): what a write
 * that may create the item requires. `undefined` in a table without a discriminator, where that
 * always holds and sending it would only cost an expression.
 */
export function missingOrOwned(model: EntityModel): Condition | undefined {
  if (model.table.entityAttribute === undefined) return undefined;
  // The same for every write of the entity (conditions are immutable): built once, not per request.
  let guard = missingOrOwnedGuards.get(model);
  if (guard === undefined) missingOrOwnedGuards.set(model, (guard = itemIsNew(model).or(belongsTo(model))));
  return guard;
}
const missingOrOwnedGuards = new WeakMap<EntityModel, Condition>();

/** `missingOrOwned` in words, for failure messages; `undefined` where it sends nothing (no discriminator). */
export function missingOrOwnedText(model: EntityModel): string | undefined {
  return model.table.entityAttribute === undefined ? undefined : `a stored item must belong to ${model.name}`;
}

/**
 * How many expired items one upsert clears before it gives up: another writer may store a new
 * expired item between the clearing delete and the next attempt (every read sees none there, so the
 * upsert clears that one too), but one that keeps doing so must not hold the upsert forever.
 */
export const MAX_EXPIRED_CLEARS = 3;

/**
 * What an upsert sent alone requires of a stored item, in words: `missingOrOwnedText`, and with a
 * TTL not to have expired. An expired item of the entity is deleted and the upsert sent once more
 * (expired-upsert.ts) where its condition holds on no item, so a failure on one means that it does
 * not (its where() needs an item), or that other writers stored an expired item again each time.
 */
export function liveOrMissingText(model: EntityModel): string | undefined {
  const owned = missingOrOwnedText(model);
  if (model.ttl === undefined) return owned;
  return `${owned === undefined ? 'a stored item must' : `${owned} and`} not have expired (an expired item of ${model.name} is deleted and the upsert sent again where its condition holds on no item, and kept where it does not; one stored again after ${MAX_EXPIRED_CLEARS} such deletes fails it)`;
}

/** `belongsTo` in words: without a discriminator it only says the item exists (and `notExpired`, with a TTL). */
export function belongsToText(model: EntityModel): string {
  const exists = model.ttl === undefined ? 'the item must exist' : 'the item must exist (and not have expired)';
  return model.table.entityAttribute === undefined ? exists : `${exists} and belong to ${model.name}`;
}

/** `attribute_not_exists(#pk)`: the write creates the item. */
export function itemIsNew(model: EntityModel): Condition {
  return new Condition({ kind: 'exists', path: [model.primary.index.partitionKey.name], negate: true });
}

/**
 * What a write that must create the item requires where the entity has a TTL: no item, or an
 * expired item of this entity (its TTL a number at or before `now`), which DynamoDB has not deleted
 * yet but every read already hides (`attribute_not_exists(#pk) OR (#_et = :name AND #ttl <= :now)`).
 * Another entity's expired item is refused as its live one is: no read of this entity shows it, but
 * a write never replaces another entity's item (as upsert() and put().where() refuse it too).
 */
export function itemIsNewOrExpired(model: EntityModel, now: Date): Condition {
  const isNew = itemIsNew(model);
  const expired = ownExpiredItem(model, now);
  return expired === undefined ? isNew : isNew.or(expired);
}

/**
 * `#_et = :name AND #ttl <= :now` (the owner part only in a table with a discriminator): an expired
 * item of this entity, which a create may write over; `undefined` without a TTL.
 */
export function ownExpiredItem(model: EntityModel, now: Date): Condition | undefined {
  return model.ttl === undefined ? undefined : allOf(ownedItem(model), expiredAt(model.ttl, now));
}

/**
 * `NOT (#ttl <= :now)`: the stored item has not expired (a missing or non-number TTL never does),
 * for writes that need the item, which reads no longer show once it has; `undefined` without a TTL.
 */
export function notExpired(model: EntityModel, now: Date): Condition | undefined {
  return model.ttl === undefined ? undefined : expiredAt(model.ttl, now).not();
}

/**
 * `#_et <> :name` where the table has a discriminator, else nothing: the stored item is not this
 * entity's (a missing item is not either: `<>` holds on an absent attribute).
 */
export function notOwnedItem(model: EntityModel): Condition | undefined {
  const et = model.table.entityAttribute;
  return et === undefined ? undefined : new Condition({ kind: 'compare', op: '<>', left: { kind: 'path', path: [et] }, right: { kind: 'value', value: model.name } });
}

/** `#ttl <= :now` where the entity has a TTL, else nothing: the stored item has expired (see `expiredAt`). */
export function expiredItem(model: EntityModel, now: Date): Condition | undefined {
  return model.ttl === undefined ? undefined : expiredAt(model.ttl, now);
}

/**
 * `#ttl <= :now`: expired, as DynamoDB's TTL and `get()` see it. Only a number at or before now
 * has expired: a missing, NULL or non-number TTL attribute never does (the comparison is false).
 */
function expiredAt(ttl: string, now: Date): Condition {
  return new Condition({ kind: 'compare', op: '<=', left: { kind: 'path', path: [ttl] }, right: { kind: 'value', value: epochSeconds(now) } });
}

/** `itemIsNewOrExpired` in words. */
export function itemIsNewText(model: EntityModel): string {
  if (model.ttl === undefined) return 'the item must not exist yet';
  return model.table.entityAttribute === undefined ? 'the item must not exist yet (or have expired)' : `the item must not exist yet (or be an expired item of ${model.name})`;
}

/** ANDs the defined conditions, in order. */
export function allOf(...conditions: (Condition | undefined)[]): Condition | undefined {
  // In a loop: every conditional write ANDs its guards here, and filter() + slice() cost two arrays and a closure per write.
  let first: Condition | undefined;
  let rest: Condition[] | undefined;
  for (const c of conditions) {
    if (c === undefined) continue;
    if (first === undefined) first = c;
    else (rest ??= []).push(c);
  }
  return first === undefined || rest === undefined ? first : first.and(...rest);
}
