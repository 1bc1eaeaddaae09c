import { or, type Condition } from '../expressions/condition.js';
import { holdsOnMissingItem } from '../expressions/holds-on-missing.js';
import type { EntityModel } from '../entity/model.js';
import type { WriteOperation } from '../errors.js';
import { allOf, expiredItem, itemIsNew, missingOrOwned, missingOrOwnedText, notExpired, notOwnedItem, ownExpiredItem, ownedItem } from './write-guards.js';

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

/**
 * What a conditional write's own guard already says about whose item it meets, which its `where()`
 * then need not say again: `'none'` (a put), `'owner'` (delete's "missing or this entity's"),
 * `'live'` (a version check's "this entity's item, not expired": C is judged on that item alone),
 * `'new'` (create's "no item, or an expired one"). (An upsert's guard requires a live item or none,
 * in a transaction too: its where() is sent as it is.)
 */
export type WriteGuard = 'none' | 'owner' | 'live' | 'new';

/**
 * A write's `where()` condition C as it is sent: judged, as `check` judges it, on what the entity's
 * reads see, where an expired item counts as none; but another entity's item is refused, never
 * taken for none, for a conditional write must not replace or delete it. With C failing on a
 * missing item (`holdsOnMissingItem`) or holding there:
 * - guard `'none'`: `#_et = :name AND NOT (#ttl <= :now) AND C`, or
 *   `(attribute_not_exists(#pk) OR #_et = :name) AND (#ttl <= :now OR C)`;
 * - `'owner'`, whose guard tests the owner: `NOT (#ttl <= :now) AND C`, or `#ttl <= :now OR C`;
 * - `'live'`, whose guard requires the entity's unexpired item: C as it is;
 * - `'new'`, create's guard with C in it (no item is seen where it holds): `attribute_not_exists(#pk)
 *   AND C`, or `(attribute_not_exists(#pk) AND C) OR (#_et = :name AND #ttl <= :now)`: only an
 *   expired item of its own entity is written over, never another entity's (`itemIsNewOrExpired`).
 * Without a discriminator there is no owner to test, without `ttl` no expiry; with neither, C is
 * sent as it is (and judged nowhere on the client).
 *
 * @example seenByWrite(User.model, User.Attr('age').gte(18), 'none', new Date()) // _et = 'User' AND age >= 18 (compiled with placeholders)
 */
export function seenByWrite(model: EntityModel, condition: Condition, guard: WriteGuard, now: Date): Condition {
  if (guard === 'live') return condition;
  const owner = guard === 'none' && model.table.entityAttribute !== undefined;
  if (guard === 'new') {
    const created = itemIsNew(model).and(condition);
    const expired = ownExpiredItem(model, now);
    return expired === undefined || !holdsOnMissingItem(condition.node, model.name) ? created : created.or(expired);
  }
  if (!owner && model.ttl === undefined) return condition;
  if (!holdsOnMissingItem(condition.node, model.name)) return allOf(owner ? ownedItem(model) : undefined, notExpired(model, now), condition)!;
  const expired = expiredItem(model, now);
  return allOf(owner ? missingOrOwned(model) : undefined, expired === undefined ? condition : expired.or(condition))!;
}

/**
 * What `seenByWrite` requires, in words, for the messages of failed writes and cancelled
 * transactions: what replaces "its where() condition must hold".
 */
export function seenByWriteText(model: EntityModel, condition: Condition, guard: WriteGuard): string {
  const where = 'its where() condition must hold';
  if (guard === 'live') return where;
  if (guard === 'new') return model.ttl === undefined ? where : `${where} (on no item: an expired item of ${model.name} counts as none)`;
  const owner = guard === 'none' && model.table.entityAttribute !== undefined;
  if (!owner && model.ttl === undefined) return where;
  if (!holdsOnMissingItem(condition.node, model.name)) return `${liveItemText(model, owner)!}, and ${where}`;
  const unlessExpired = (on: string) => `${where} on ${on} unless it has expired (an expired item counts as none, on which the condition holds)`;
  if (!owner) return unlessExpired('the stored item');
  return `${missingOrOwnedText(model)!}, and ${model.ttl === undefined ? where : unlessExpired('it')}`;
}

/** What a check's condition requires, in words, for the messages of failed checks and cancelled transactions. */
export function checkText(model: EntityModel, holdsOnMissing: boolean): string {
  const live = liveItemText(model, true);
  if (live === undefined) return 'its condition must hold';
  if (!holdsOnMissing) return `${live}, and its condition must hold`;
  const owned = model.table.entityAttribute !== undefined;
  const ttl = model.ttl !== undefined;
  const unseen = owned && ttl ? "another entity's item or an expired one" : owned ? "another entity's item" : 'an expired item';
  return `its condition must hold on the stored item of ${model.name}, if one is stored (${unseen} counts as none, on which the condition holds)`;
}

/**
 * "the stored item must belong to User and not have expired", with the parts the entity tests: the
 * owner (where `owner` asks for it and the table has a discriminator) and the expiry (with a TTL);
 * `undefined` with neither.
 */
export function liveItemText(model: EntityModel, owner: boolean): string | undefined {
  const owned = owner && model.table.entityAttribute !== undefined;
  const ttl = model.ttl !== undefined;
  if (!owned && !ttl) return undefined;
  return owned ? `the stored item must belong to ${model.name}${ttl ? ' and not have expired' : ''}` : 'the stored item must not have expired';
}

/**
 * Why an operation sees a stored item (as a failed condition returned it, raw) as no item: it is
 * another entity's (which a check sees as none, and a write never replaces or deletes), or it has
 * expired at `now`; `undefined` for an item of its entity that has not (every item, for an entity
 * with neither a discriminator nor a TTL).
 *
 * @example unseenStoredItem(User.model, { pk: 'USER#u1', sk: 'PROFILE', _et: 'Order' }, new Date()) // "the stored item belongs to Order (its _et), which User's check sees as no item"
 * @example unseenStoredItem(User.model, { pk: 'USER#u1', sk: 'PROFILE', _et: 'Order' }, new Date(), 'put') // "the stored item belongs to Order (its _et), which User's put never writes over"
 */
export function unseenStoredItem(model: EntityModel, plain: Readonly<Record<string, unknown>>, now: Date, operation: WriteOperation = 'check'): string | undefined {
  const seen = `which ${model.name}'s ${operation} sees as no item`;
  const et = model.table.entityAttribute;
  if (et !== undefined && !model.owns(plain)) {
    const owner = plain[et];
    const whose = typeof owner === 'string' ? `belongs to ${owner} (its ${et})` : `belongs to no entity (its ${et} is ${owner === undefined ? 'missing' : 'not a string'})`;
    const refused = operation === 'check' ? seen : `which ${model.name}'s ${operation} never ${operation === 'delete' ? 'deletes' : 'writes over'}`;
    return `the stored item ${whose}, ${refused}`;
  }
  return model.expired(plain, now) ? `the stored item has expired (its ${model.ttl!} has passed), ${seen}` : undefined;
}
