import { ValidationError } from '../errors.js';
import { StorageRuleViolation, toStoredValue } from './codec.js';

/** DynamoDB's TTL format: whole epoch seconds. */
export function epochSeconds(d: Date): number {
  return Math.floor(d.getTime() / 1000);
}

/**
 * `d` moved up to the next whole second (itself when it is one): the bound of `<`, `>=` or a
 * BETWEEN's low end on a value stored as whole seconds, which `epochSeconds` rounds down.
 *
 * @example nextWholeSecond(new Date(500)) // 1970-01-01T00:00:01.000Z
 */
export function nextWholeSecond(d: Date): Date {
  return new Date(Math.ceil(d.getTime() / 1000) * 1000);
}

/**
 * A model value in the form it is stored in, for items and expression values alike: a `Date` at
 * the TTL attribute is epoch seconds (a Date elsewhere is ISO text), and a value DynamoDB would
 * reject is a `ValidationError` of `owner` (an entity, or `table X` for table-level conditions).
 * `level` is the nesting level the value is stored at (see `toStoredValue`), absent when it is not stored.
 */
export function encodeStored(owner: string, ttl: string | undefined, value: unknown, path: string, level?: number): unknown {
  try {
    if (path !== '' && path === ttl && value instanceof Date) return toStoredValue(epochSeconds(value), path);
    return toStoredValue(value, path, level);
  } catch (e) {
    // A whole item is encoded at path ''; anything else is one value (an update or condition value).
    if (e instanceof StorageRuleViolation) throw new ValidationError(owner, [{ path: e.path, message: e.rule }], path === '' ? 'item' : 'value');
    throw e;
  }
}
