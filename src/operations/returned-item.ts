import { ItemParseError } from '../errors.js';
import { ItemMigrationError } from '../entity/schema-migrations.js';
import type { EntityModel } from '../entity/model.js';

type Write = 'put' | 'update' | 'delete';

/**
 * `error` as thrown after a write was done: an `ItemParseError` then concerns the item the write
 * returned (`returning(...)`), and says the write happened, so that a caller does not take it for
 * a failed write and retry it (an update's ADD twice). Any other error is returned as it is.
 */
export function afterWrite(error: unknown, write: Write): unknown {
  if (!(error instanceof ItemParseError) || error.written !== undefined) return error;
  if (error instanceof ItemMigrationError) {
    const { entity, attribute, storedVersion, currentVersion, step, raw, issues } = error;
    return new ItemMigrationError(entity, attribute, storedVersion, currentVersion, step, raw, issues[0]!.message, { cause: error.cause, written: write });
  }
  return Object.assign(new ItemParseError(error.entity, error.issues, error.raw, write), { cause: error.cause });
}

/**
 * Reads the item a write returned. The write is done by then: an item the schema rejects (one
 * written by an older schema, typically) throws an `ItemParseError` that says so (see `afterWrite`).
 */
export function readReturned<T>(write: Write, read: () => T): T {
  try {
    return read();
  } catch (e) {
    throw afterWrite(e, write);
  }
}

/**
 * The replaced item a put or delete returned (`ALL_OLD`), in model form: `undefined` when there was
 * none, when it was another entity's (a put or delete acts on whatever is stored under its key), or
 * when its TTL had passed: reads show such an item as absent, and `create()` takes it for absent.
 */
export function replacedItem(model: EntityModel, raw: Record<string, unknown> | undefined, write: 'put' | 'delete'): Record<string, unknown> | undefined {
  return raw === undefined || !model.owns(raw) || model.expired(raw, new Date()) ? undefined : readReturned(write, () => model.parse(raw));
}
