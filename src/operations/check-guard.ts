import { or, type Condition } from '../expressions/condition.js';
import type { EntityModel } from '../entity/model.js';
import { allOf, expiredItem, notExpired, notOwnedItem, ownedItem } from './write-guards.js';

/**
 * What `Entity.check` sees under its key: the item its entity's reads show, so another entity's item
 * (single-table design) or an expired one (TTL passed, not deleted yet) is no item. The condition C
 * is sent as `(owned AND live AND C) OR (NOT (owned AND live) AND C_missing)`, where `C_missing` is
 * C judged on a missing item on the client (`holdsOnMissingItem`), a constant:
 * - false: `owned AND live AND C`;
 * - true: `NOT owned OR expired OR C` (`#_et <> :name OR #ttl <= :now OR C`).
 * A table without a discriminator has no ownership to test, an entity without `ttl` no expiry;
 * with neither, C is sent as it is.
 *
 * @example seenByEntity(User.model, User.Attr('age').gte(18), false, new Date()) // _et = 'User' AND age >= 18 (compiled with placeholders)
 */
export function seenByEntity(model: EntityModel, condition: Condition, holdsOnMissing: boolean, now: Date): Condition {
  if (!holdsOnMissing) return allOf(ownedItem(model), notExpired(model, now), condition)!;
  const unseen = [notOwnedItem(model), expiredItem(model, now)].filter((c): c is Condition => c !== undefined);
  return unseen.length === 0 ? condition : or(...unseen, condition);
}

/** What a check's condition requires, in words, for the messages of failed checks and cancelled transactions. */
export function checkText(model: EntityModel, holdsOnMissing: boolean): string {
  const owned = model.table.entityAttribute !== undefined;
  const ttl = model.ttl !== undefined;
  if (!owned && !ttl) return 'its condition must hold';
  if (!holdsOnMissing) {
    const item = owned ? `the stored item must belong to ${model.name}${ttl ? ' and not have expired' : ''}` : 'the stored item must not have expired';
    return `${item}, and its condition must hold`;
  }
  const unseen = owned && ttl ? "another entity's item or an expired one" : owned ? "another entity's item" : 'an expired item';
  return `its condition must hold on the stored item of ${model.name}, if one is stored (${unseen} counts as none, on which the condition holds)`;
}

/**
 * Why a check sees a stored item (as a failed condition returned it, raw) as no item: it is another
 * entity's, or it has expired at `now`; `undefined` for an item of its entity that has not (every
 * item, for an entity with neither a discriminator nor a TTL).
 *
 * @example unseenStoredItem(User.model, { pk: 'USER#u1', sk: 'PROFILE', _et: 'Order' }, new Date()) // "the stored item belongs to Order (its _et), which User's check sees as no item"
 */
export function unseenStoredItem(model: EntityModel, plain: Readonly<Record<string, unknown>>, now: Date): string | undefined {
  const seen = `which ${model.name}'s check sees as no item`;
  const et = model.table.entityAttribute;
  if (et !== undefined && !model.owns(plain)) {
    const owner = plain[et];
    const whose = typeof owner === 'string' ? `belongs to ${owner} (its ${et})` : `belongs to no entity (its ${et} is ${owner === undefined ? 'missing' : 'not a string'})`;
    return `the stored item ${whose}, ${seen}`;
  }
  return model.expired(plain, now) ? `the stored item has expired (its ${model.ttl!} has passed), ${seen}` : undefined;
}
