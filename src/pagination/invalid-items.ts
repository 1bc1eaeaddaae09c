import { ItemParseError } from '../errors.js';
import { SKIP } from './page-reader.js';
import type { InvalidItemHandler } from './read-options.js';

/** Where a row made by `unreadableRow` keeps its error. */
const UNREADABLE: unique symbol = Symbol('unreadable item');

/**
 * The row that stands in a page for a stored item DynamoDB's response holds but JavaScript cannot
 * read (a number beyond 2^53): `skippingInvalid`'s parser reports its error and skips it.
 */
export function unreadableRow(error: ItemParseError): Record<string, unknown> {
  return { [UNREADABLE]: error };
}

/** Whether `row` is one `unreadableRow` made. */
export function isUnreadableRow(row: Record<string, unknown>): boolean {
  return UNREADABLE in row;
}

/** What a read's spec adds for `onInvalidItem(handler)`: rows for unreadable items, when a handler is set. */
export function unreadableRows(handler: InvalidItemHandler | undefined): { unreadable?: typeof unreadableRow } {
  return handler === undefined ? {} : { unreadable: unreadableRow };
}

/**
 * A read's row parser that, with `onInvalidItem(handler)` set, hands an item its schema rejects to
 * `handler` and skips it (`SKIP`: the page reader then leaves it out and counts it against no
 * `limit`), and so a row `unreadableRow` made; without a handler, `parse` itself, so the error
 * rejects the read as before. Only `ItemParseError` is caught, and an exception thrown by `handler`
 * propagates: nothing else is swallowed.
 */
export function skippingInvalid<T>(
  parse: (raw: Record<string, unknown>) => T | typeof SKIP,
  handler: InvalidItemHandler | undefined,
): (raw: Record<string, unknown>) => T | typeof SKIP {
  if (handler === undefined) return parse;
  return (raw) => {
    const unreadable = (raw as { [UNREADABLE]?: ItemParseError })[UNREADABLE];
    if (unreadable !== undefined) {
      handler(unreadable);
      return SKIP;
    }
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
