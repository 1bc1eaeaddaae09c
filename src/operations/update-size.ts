import type { SetAttributeValue } from '../expressions/compile.js';
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
 * `key` is the stored primary key; `sets` the top-level values the compiled update sets, its own
 * (timestamps, index keys) included, encoded as sent (maps and lists sized by the compiler already).
 */
export function checkUpdatedSize(model: EntityModel, key: Readonly<Record<string, unknown>>, sets: readonly SetAttributeValue[]): void {
  // A cheap bound settles ordinary updates (scalars by `roughValueBytes`); only near the limit are
  // names and scalars measured exactly.
  const keySize = computeItemSize(key);
  let bound = keySize;
  for (const s of sets) bound += 3 * model.storedName(s.name).length + (s.bytes ?? roughValueBytes(s.value)); // a storedAs name may be longer than the field's
  if (bound <= MAX_ITEM_BYTES) return;
  let size = keySize;
  for (const s of sets) size += utf8Length(model.storedName(s.name)) + (s.bytes ?? attributeValueSize(s.value));
  if (size <= MAX_ITEM_BYTES) return;
  const e = new ItemSizeError(model.name, size, MAX_ITEM_BYTES);
  e.message = `${model.name}: the updated item is at least ${size.toLocaleString('en-US')} bytes (its key and the attributes the update sets), over DynamoDB's limit of ${MAX_ITEM_BYTES.toLocaleString('en-US')} bytes (400 KB)`;
  throw e;
}
