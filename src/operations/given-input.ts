/**
 * A copy of the item, key or value map a builder is given, taken when the builder is made: a caller
 * that reuses one object for several writes (`row.id = id; batch.put(User, row)` in a loop, builders
 * collected for `batchWrite([...])` or `transactWrite`) must get one write per call, each with the
 * values of its call, not every write with the last ones (a batch then kept one write of the key and
 * dropped the rest as duplicates). The copy goes down through plain objects, arrays, Sets, Maps,
 * Dates and binary values (Uint8Array, Buffer), so a loop that changes `row.address.city` or pushes
 * to `row.tags` between two puts writes each item with its own values too (a shallow copy wrote
 * every item with the last ones, silently).
 * Class instances are kept as they are, at any depth: one may hold its fields behind getters that a
 * copy would lose. An object met twice (or inside itself) is copied once and stays shared (or
 * cyclic) in the copy, so a cyclic input fails validation as it did.
 *
 * @example givenInput(row) // a copy of row, its nested maps, lists and sets copied too
 */
export function givenInput<T>(value: T): T {
  return copyOf(value, new Map()) as T;
}

function copyOf(value: unknown, copies: Map<object, unknown>): unknown {
  if (value === null || typeof value !== 'object') return value;
  const known = copies.get(value);
  if (known !== undefined) return known;
  if (value instanceof Date) return Object.getPrototypeOf(value) === Date.prototype ? remember(copies, value, new Date(value.getTime())) : value;
  // Binary values: a reused buffer refilled between writes (`Buffer.from` copies, unlike `slice`).
  if (value instanceof Uint8Array) {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Buffer.prototype) return remember(copies, value, Buffer.from(value));
    return proto === Uint8Array.prototype ? remember(copies, value, new Uint8Array(value)) : value;
  }
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return value;
    const out = remember(copies, value, new Array<unknown>(value.length));
    // A sparse array keeps its holes (validation reports them as it did on the original).
    value.forEach((v, i) => {
      out[i] = copyOf(v, copies);
    });
    return out;
  }
  if (value instanceof Set) {
    if (Object.getPrototypeOf(value) !== Set.prototype) return value;
    const out = remember(copies, value, new Set<unknown>());
    for (const v of value) out.add(copyOf(v, copies));
    return out;
  }
  if (value instanceof Map) {
    if (Object.getPrototypeOf(value) !== Map.prototype) return value;
    const out = remember(copies, value, new Map<unknown, unknown>());
    for (const [k, v] of value) out.set(k, copyOf(v, copies));
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out = remember(copies, value, proto === null ? (Object.create(null) as Record<string, unknown>) : {});
  for (const k of Object.keys(value)) out[k] = copyOf((value as Record<string, unknown>)[k], copies);
  return out;
}

function remember<C>(copies: Map<object, unknown>, original: object, copy: C): C {
  copies.set(original, copy);
  return copy;
}
