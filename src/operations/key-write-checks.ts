import type { SetValue, UpdateAction } from '../expressions/ast.js';
import type { EntityModel } from '../entity/model.js';
import { checkKeyPartsSize, checkSelfKeyValue } from '../entity/index-keys.js';
import type { KeyValue } from '../entity/key-encoding.js';

// What an update writes into attributes that are (parts of) index keys themselves, checked as a
// put checks the keys it builds: DynamoDB rejects the whole request otherwise, or (for the total
// size of a multi-attribute key, on DynamoDB Local) stores an item no put could write back.

/** The values a SET may store: a literal, or an if_not_exists fallback (copies and arithmetic are not known here). */
function literals(v: SetValue): unknown[] {
  if (v.kind === 'value') return [v.value];
  return v.kind === 'ifNotExists' ? literals(v.fallback) : [];
}

/**
 * Checks what an update stores in attributes that are index keys themselves (see `isSelfKey`) as a
 * put checks their keys: those keys are not rebuilt by `indexKeyActions` (the attribute's own SET
 * writes them), so without this an empty string, an oversized value or null reached DynamoDB, which
 * rejects the whole request.
 */
export function checkSelfKeyWrites(model: EntityModel, actions: readonly UpdateAction[]): void {
  if (model.selfKeys.size === 0) return;
  for (const a of actions) {
    const top = a.path[0];
    if (a.kind !== 'set' || a.path.length !== 1 || typeof top !== 'string') continue;
    const keys = model.selfKeys.get(top);
    if (keys !== undefined) for (const v of literals(a.value)) checkSelfKeyValue(model.name, keys, top, v);
  }
}

/**
 * The total size of a multi-attribute index key, for the parts an update writes as known values,
 * checked as a put checks the whole key: when those parts alone exceed DynamoDB's limit for the
 * key's attributes together, the update is refused before sending. Parts the update leaves alone
 * are stored and not known here, so an update of some parts can still pass the limit with them
 * (DynamoDB Local 3.3.1 stores such an update and keeps the item in the index).
 */
export function checkMultiKeyWrites(model: EntityModel, actions: readonly UpdateAction[]): void {
  if (!model.hasMultiAttributeKeys) return;
  const written: Record<string, KeyValue> = {};
  for (const a of actions) {
    if (a.kind !== 'set' || a.path.length !== 1 || a.value.kind !== 'value') continue;
    const v = a.value.value;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || v instanceof Uint8Array) written[a.path[0] as string] = v;
  }
  for (const ix of model.indexes.values()) if (ix.pks.length > 1 || ix.sks.length > 1) checkKeyPartsSize(model.name, ix.index, written);
}
