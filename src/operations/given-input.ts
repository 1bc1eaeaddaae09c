/**
 * A shallow copy of the item, key or value map a builder is given, taken when the builder is made:
 * a caller that reuses one object for several writes (`row.id = id; batch.put(User, row)` in a loop,
 * builders collected for `batchWrite([...])` or `transactWrite`) must get one write per call, each
 * with the values of its call, not every write with the last ones (a batch then kept one write of
 * the key and dropped the rest as duplicates). Only plain objects are copied: a class instance may
 * hold its fields behind getters that a copy would lose. Nested maps, lists and sets are shared, as
 * they are between two calls that pass the same nested object.
 *
 * @example givenInput(row) // { ...row } for a plain object, row itself otherwise
 */
export function givenInput<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null ? ({ ...value } as T) : value;
}
