import type { UpdateAction } from '../expressions/ast.js';
import type { EntityModel } from '../entity/model.js';
import { withGivenStamps } from '../entity/timestamps.js';

/**
 * The timestamp actions of an update: `updatedAt` set to the time of the write, and on an upsert
 * `createdAt` set only when the item is created (`if_not_exists`). Times given with
 * `withTimestamps()` replace the write's and are stored as given, on an existing item too (a
 * replication or a correction says what to store); a given `updatedAt` is the time of the write,
 * so an upsert that creates the item without a given `createdAt` stores it as `createdAt` too.
 * Given times are checked as a put's are; an `updatedAt` before a `createdAt` is refused when both
 * are given (the stored `createdAt` is not known to an update).
 *
 * `known` receives the values written, so index keys composed of a timestamp are rebuilt from them;
 * `defaults` receives what a created item gets, for the keys of a created item.
 *
 * @example stampActions(User.model, new Date(), false, undefined, plan.known, {}) // [SET updatedAt = <now>]
 */
export function stampActions(
  m: EntityModel,
  now: Date,
  upsert: boolean,
  given: { readonly given: unknown } | undefined,
  known: Record<string, unknown>,
  defaults: Record<string, unknown>,
): UpdateAction[] {
  const names = m.timestamps;
  // createdAt is left out of the base: it is written only when given (and then checked against
  // updatedAt) or by a creating upsert, as the time of the write.
  const base = names === undefined ? undefined : { [names.updatedAt]: m.clock.time(now) };
  // withGivenStamps refuses times given to an entity without timestamps.
  const times = given === undefined ? base : withGivenStamps(m.name, names, m.clock, base, given.given);
  if (names === undefined || times === undefined) return [];
  const { createdAt, updatedAt } = names;
  const out: UpdateAction[] = [{ kind: 'set', path: [updatedAt], value: { kind: 'value', value: times[updatedAt] } }];
  known[updatedAt] = times[updatedAt];
  if (createdAt in times) {
    out.push({ kind: 'set', path: [createdAt], value: { kind: 'value', value: times[createdAt] } });
    known[createdAt] = times[createdAt];
  } else if (upsert) {
    out.push({ kind: 'set', path: [createdAt], value: { kind: 'ifNotExists', path: [createdAt], fallback: { kind: 'value', value: times[updatedAt] } } });
    defaults[createdAt] = times[updatedAt];
  }
  return out;
}
