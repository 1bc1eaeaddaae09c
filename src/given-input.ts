/**
 * A copy of the item, key or value map a builder is given, taken when the builder is made: a caller
 * that reuses one object for several writes (`row.id = id; batch.put(User, row)` in a loop, builders
 * collected for `batchWrite([...])` or `transactWrite`) must get one write per call, each with the
 * values of its call, not every write with the last ones (a batch then kept one write of the key and
 * dropped the rest as duplicates). The copy goes down through plain objects, arrays, Sets, Maps,
 * Dates and binary values (Uint8Array, Buffer), so a loop that changes `row.address.city` or pushes
 * to `row.tags` between two puts writes each item with its own values too (a shallow copy wrote
 * every item with the last ones, silently). Condition values (`Attr('info').eq(obj)`) are copied the
 * same way when the condition is built.
 * Class instances are kept as they are (a schema may check one by its class, as `z.instanceof` does;
 * `givenRecord` below takes one given as the whole item, key or value map). An object met twice (or inside itself) is copied once and stays shared (or
 * cyclic) in the copy, so a cyclic input fails validation as it did.
 *
 * @example givenInput(row) // a copy of row, its nested maps, lists and sets copied too
 */
export function givenInput<T>(value: T): T {
  // Primitives (most condition values, every key composite) cost one test.
  if (value === null || typeof value !== 'object') return value;
  // A getter of a plain object may itself build a builder: the shared table is then in use.
  const copies = idle.busy ? new Copies() : idle;
  copies.busy = true;
  try {
    return copyOf(value, copies, 0) as T;
  } finally {
    copies.clear();
  }
}

/**
 * The objects copied so far in one `givenInput` call, with their copies. Inputs hold a few objects
 * (an item with a set and an address: 3), so they are kept in two arrays searched in order and reused
 * by every call (a `Map` per call was the copy's largest cost on put's whole call); past
 * `SMALL_TABLE` objects a `Map` takes over, so a list of a thousand maps is not searched in squares.
 */
class Copies {
  busy = false;
  private readonly originals: (object | undefined)[] = new Array<object | undefined>(SMALL_TABLE).fill(undefined);
  private readonly copies: unknown[] = new Array<unknown>(SMALL_TABLE).fill(undefined);
  private count = 0;
  private large: Map<object, unknown> | undefined;

  /** The copy of `original` made in this call, `undefined` when it was not met yet. */
  get(original: object): unknown {
    if (this.large !== undefined) return this.large.get(original);
    for (let i = 0; i < this.count; i++) if (this.originals[i] === original) return this.copies[i];
    return undefined;
  }

  add<C>(original: object, copy: C): C {
    if (this.large !== undefined) this.large.set(original, copy);
    else if (this.count < SMALL_TABLE) {
      this.originals[this.count] = original;
      this.copies[this.count++] = copy;
    } else {
      this.large = new Map<object, unknown>();
      for (let i = 0; i < this.count; i++) this.large.set(this.originals[i]!, this.copies[i]);
      this.large.set(original, copy);
    }
    return copy;
  }

  /** Forgets the call's objects (the reused table must not keep a caller's item alive) and frees the table. */
  clear(): void {
    for (let i = 0; i < this.count; i++) {
      this.originals[i] = undefined;
      this.copies[i] = undefined;
    }
    this.count = 0;
    this.large = undefined;
    this.busy = false;
  }
}

const SMALL_TABLE = 16;
const idle = new Copies();

/**
 * How deep the copy goes: DynamoDB stores 32 levels, so a value below them cannot be written and is
 * kept as given, for validation to refuse by its path. Copying it would recurse once per level and
 * overflow the stack on a deep enough input (a JSON body of 4,000 nested arrays made `put()` throw
 * a `RangeError` instead of the `ValidationError` it gets).
 */
const COPIED_LEVELS = 34;

function copyOf(value: unknown, copies: Copies, depth: number): unknown {
  if (value === null || typeof value !== 'object' || depth > COPIED_LEVELS) return value;
  const below = depth + 1;
  const known = copies.get(value);
  if (known !== undefined) return known;
  // One prototype read decides (a chain of instanceof tests cost more than the copy on put's
  // whole call); a subclass of any of these is a class instance, kept as given.
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype) {
    // A spread copies the properties at once (a quarter of the time of adding them one by one, as
    // an item's shape is built); then only the values that are objects are replaced by copies.
    const out = copies.add(value, { ...(value as Record<string, unknown>) });
    for (const k in out) {
      const v = out[k];
      // Own only: an enumerable property added to Object.prototype is no property of the input.
      if (typeof v === 'object' && v !== null && Object.hasOwn(out, k)) out[k] = copyOf(v, copies, below);
    }
    return out;
  }
  if (proto === null) {
    const out = copies.add(value, Object.create(null) as Record<string, unknown>);
    for (const k of Object.keys(value)) out[k] = copyOf((value as Record<string, unknown>)[k], copies, below);
    return out;
  }
  if (proto === Array.prototype) {
    const list = value as unknown[];
    const out = copies.add(value, new Array<unknown>(list.length));
    // A sparse array keeps its holes (validation reports them as it did on the original).
    for (let i = 0; i < list.length; i++) if (i in list) out[i] = copyOf(list[i], copies, below);
    return out;
  }
  if (proto === Set.prototype) {
    const out = copies.add(value, new Set<unknown>());
    for (const v of value as Set<unknown>) out.add(copyOf(v, copies, below));
    return out;
  }
  if (proto === Map.prototype) {
    const out = copies.add(value, new Map<unknown, unknown>());
    for (const [k, v] of value as Map<unknown, unknown>) out.set(k, copyOf(v, copies, below));
    return out;
  }
  if (proto === Date.prototype) return copies.add(value, new Date((value as Date).getTime()));
  // Binary values: a reused buffer refilled between writes (`Buffer.from` copies, unlike `slice`).
  if (proto === Buffer.prototype) return copies.add(value, Buffer.from(value as Buffer));
  if (proto === Uint8Array.prototype) return copies.add(value, new Uint8Array(value as Uint8Array));
  return value;
}

/**
 * `givenInput` of an item, key or value map, which may be an instance of the caller's own class (a
 * DTO: `class Row { id = ''; n = 0 }`, or one with getters). zod reads such an object by the schema's
 * keys, so it was a valid item, but `givenInput` keeps class instances as given: a loop that reused
 * one DTO for every put (a batch's callback) had every write read the last values, and the batch
 * kept one write of the key and dropped the others as duplicates. A class instance given as the
 * whole record is taken as a plain object of its own fields and of the getters on its classes, read
 * now; its values are then copied as any other input's. (Class instances below it are kept: a nested
 * one may be a value a schema checks by its class, as `z.instanceof` does.)
 *
 * @example givenRecord(new Row('u1', 3)) // { id: 'u1', n: 3 }, a plain object
 */
export function givenRecord<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null || !isOwnClass(value)) return givenInput(value);
  return givenInput(fieldsOf(value) as T);
}

/** A value of a class of the caller's, not one of the built-in kinds the copy knows or leaves alone. */
function isOwnClass(value: object): boolean {
  return !(Array.isArray(value) || value instanceof Date || value instanceof Set || value instanceof Map || ArrayBuffer.isView(value) || value instanceof Promise);
}

function fieldsOf(instance: object): Record<string, unknown> {
  const source = instance as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(instance)) out[k] = source[k];
  for (let p: unknown = Object.getPrototypeOf(instance); p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    const descriptors = Object.getOwnPropertyDescriptors(p);
    for (const k of Object.keys(descriptors)) if (descriptors[k]!.get !== undefined && !Object.hasOwn(out, k)) out[k] = source[k];
  }
  return out;
}
