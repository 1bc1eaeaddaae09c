import { ItemParseError } from '../errors.js';
import { SKIP } from './page-reader.js';
import type { InvalidItemHandler } from './read-options.js';

/**
 * A read's row parser that, with `onInvalidItem(handler)` set, hands an item its schema rejects to
 * `handler` and skips it (`SKIP`: the page reader then leaves it out and counts it against no
 * `limit`); without a handler, `parse` itself, so the error rejects the read as before. Only
 * `ItemParseError` is caught, and an exception thrown by `handler` propagates: nothing else is
 * swallowed.
 */
export function skippingInvalid<T>(
  parse: (raw: Record<string, unknown>) => T | typeof SKIP,
  handler: InvalidItemHandler | undefined,
): (raw: Record<string, unknown>) => T | typeof SKIP {
  if (handler === undefined) return parse;
  return (raw) => {
    let parsed: T | typeof SKIP;
    try {
      parsed = parse(raw);
    } catch (error) {
      if (!(error instanceof ItemParseError)) throw error;
      handler(error);
      return SKIP;
    }
    return parsed;
  };
}
