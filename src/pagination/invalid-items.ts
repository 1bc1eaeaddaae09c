import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ItemParseError } from '../errors.js';
import { unmarshallItem } from '../client/attribute-value.js';
import { SKIP } from './page-reader.js';
import type { InvalidItemHandler } from './read-options.js';

/** Where a row made by `unreadableRow` keeps its error. */
const UNREADABLE: unique symbol = Symbol('unreadable item');

/**
 * The row that stands in a page for a stored item DynamoDB's response holds but JavaScript cannot
 * read (a number beyond 2^53): `skippingInvalid`'s parser reports its error and skips it. It holds
 * the item's attributes as `storedItemAttributes` reads them, so that a hydrated read can tell
 * whether the item is one it returns (its discriminator, its TTL) before reporting it.
 */
export function unreadableRow(error: ItemParseError): Record<string, unknown> {
  return { ...storedItemAttributes(error), [UNREADABLE]: error };
}

/**
 * The attributes of a stored item JavaScript cannot read, from its `ItemParseError` (whose `raw`
 * is the item as DynamoDB sent it): each number exactly, a decimal beyond 2^53 as a `NumberValue`
 * (`unmarshallItem`). Enough to match the item's discriminator, compare its TTL (`model.expired`)
 * and delete it by its key; never parsed, never returned to a caller. `count()` and `deleteAll()`
 * of a hydrated read take it as the fetched item: they count and delete what the read matches,
 * readable or not.
 */
export function storedItemAttributes(error: ItemParseError): Record<string, unknown> {
  return unmarshallItem(error.raw as Record<string, AttributeValue>);
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
