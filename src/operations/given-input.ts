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
  return copyOf(value, new Map(), 0) as T;
}

/**
 * How deep the copy goes: DynamoDB stores 32 levels, so a value below them cannot be written and is
 * kept as given, for validation to refuse by its path. Copying it would recurse once per level and
 * overflow the stack on a deep enough input (a JSON body of 4,000 nested arrays made `put()` throw
 * a `RangeError` instead of the `ValidationError` it gets).
 */
const COPIED_LEVELS = 34;

function copyOf(value: unknown, copies: Map<object, unknown>, depth: number): unknown {
  if (value === null || typeof value !== 'object' || depth > COPIED_LEVELS) return value;
  const below = depth + 1;
  const known = copies.get(value);
  if (known !== undefined) return known;
  // One prototype read decides (a chain of instanceof tests cost more than the copy on put's
  // whole call); a subclass of any of these is a class instance, kept as given.
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    const out = remember(copies, value, proto === null ? (Object.create(null) as Record<string, unknown>) : {});
    for (const k of Object.keys(value)) out[k] = copyOf((value as Record<string, unknown>)[k], copies, below);
    return out;
  }
  if (proto === Array.prototype) {
    const list = value as unknown[];
    const out = remember(copies, value, new Array<unknown>(list.length));
    // A sparse array keeps its holes (validation reports them as it did on the original).
    list.forEach((v, i) => {
      out[i] = copyOf(v, copies, below);
    });
    return out;
  }
  if (proto === Set.prototype) {
    const out = remember(copies, value, new Set<unknown>());
    for (const v of value as Set<unknown>) out.add(copyOf(v, copies, below));
    return out;
  }
  if (proto === Map.prototype) {
    const out = remember(copies, value, new Map<unknown, unknown>());
    for (const [k, v] of value as Map<unknown, unknown>) out.set(k, copyOf(v, copies, below));
    return out;
  }
  if (proto === Date.prototype) return remember(copies, value, new Date((value as Date).getTime()));
  // Binary values: a reused buffer refilled between writes (`Buffer.from` copies, unlike `slice`).
  if (proto === Buffer.prototype) return remember(copies, value, Buffer.from(value as Buffer));
  if (proto === Uint8Array.prototype) return remember(copies, value, new Uint8Array(value as Uint8Array));
  return value;
}

function remember<C>(copies: Map<object, unknown>, original: object, copy: C): C {
  copies.set(original, copy);
  return copy;
}
