import type { UpdateAction } from '../expressions/ast.js';
import { attributeValueSize, computeItemSize, MAX_ITEM_BYTES, roughValueBytes, utf8Length } from '../entity/item-size.js';
import type { EntityModel } from '../entity/model.js';
import { ItemSizeError } from '../errors.js';

/**
 * Refuses an update that makes the item pass DynamoDB's 400 KB whatever the stored item holds: its
 * key plus the top-level attributes it sets to given values (such a SET replaces the stored value,
 * so it counts exactly). DynamoDB finds out only when applying it ("Item size to update has
 * exceeded the maximum allowed size"), cancelling a whole transaction. What the stored item keeps,
 * and values computed from stored ones (arithmetic, if_not_exists, list_append), are unknown here
 * and not counted: a smaller update may still be refused by DynamoDB.
 *
 * `key` is the stored primary key; the actions are the update's, its own (timestamps, index keys) included.
 */
export function checkUpdatedSize(model: EntityModel, key: Readonly<Record<string, unknown>>, actions: readonly UpdateAction[]): void {
  // A cheap bound settles ordinary updates (scalars by `roughValueBytes`, dates at 30); maps, lists
  // and sets are encoded and sized exactly.
  const keySize = computeItemSize(key);
  let bound = keySize;
  let others = false;
  for (const a of actions) {
    if (a.kind !== 'set' || a.path.length !== 1 || a.value.kind !== 'value') continue;
    const v = a.value.value;
    bound += 3 * model.storedName(String(a.path[0])).length; // a storedAs name may be longer than the field's
    if (v instanceof Date) bound += 30; // an ISO string (24 to 27 characters) or epoch seconds
    else if (typeof v !== 'object' || v === null) bound += roughValueBytes(v);
    else others = true;
  }
  if (!others && bound <= MAX_ITEM_BYTES) return;
  let size = keySize;
  for (const a of actions) {
    if (a.kind !== 'set' || a.path.length !== 1 || a.value.kind !== 'value') continue;
    const name = String(a.path[0]);
    size += utf8Length(model.storedName(name)) + attributeValueSize(model.encodeValue(a.value.value, name, 1));
  }
  if (size <= MAX_ITEM_BYTES) return;
  const e = new ItemSizeError(model.name, size, MAX_ITEM_BYTES);
  e.message = `${model.name}: the updated item is at least ${size.toLocaleString('en-US')} bytes (its key and the attributes the update sets), over DynamoDB's limit of ${MAX_ITEM_BYTES.toLocaleString('en-US')} bytes (400 KB)`;
  throw e;
}
