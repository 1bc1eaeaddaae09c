import type { z } from 'zod';
import { coresOf, elementSchemas, fieldSchemas, instanceReading, mayHoldInstances, shapeKeys } from './entity/instance-schemas.js';

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
 * A class instance of the caller's is kept as it is (a schema may check one by its class, as
 * `z.instanceof` does), unless `schemas` say zod reads it by its fields (a `z.object` there): it is
 * then taken as a map of those fields, read now (`InstanceCopies`), as a reused `Address` instance
 * set on each row of a loop must write each row's address. `givenRecord` below takes one given as
 * the whole item, key or value map. An object met twice (or inside itself) is copied once and stays
 * shared (or cyclic) in the copy, so a cyclic input fails validation as it did.
 *
 * @example givenInput(row) // a copy of row, its nested maps, lists and sets copied too
 * @example givenInput(item, User.model.schema) // item.address, an Address instance, copied as { city, zip }
 */
export function givenInput<T>(value: T, schemas?: InputSchemas): T {
  // Primitives (most condition values, every key composite) cost one test.
  if (value === null || typeof value !== 'object') return value;
  // A getter of a plain object may itself build a builder: the shared table is then in use.
  const copies = idle.busy ? new Copies() : idle;
  copies.busy = true;
  let copy: unknown;
  let instances: boolean;
  try {
    copy = copyOf(value, copies, 0);
    instances = copies.instances;
  } finally {
    copies.clear();
  }
  // Most inputs hold no class instance: the schema is read only for those that do.
  return (instances && schemas !== undefined ? new InstanceCopies().ofInput(copy, schemas) : copy) as T;
}

/**
 * What says how the class instances of an input are read: the schema of the whole input (a put's
 * item: the entity's schema), or the schemas of each of its fields (an update's value map, whose
 * keys are document paths), none for a field to leave as it is.
 */
export type InputSchemas = z.ZodType | ((key: string, value: unknown) => readonly z.ZodType[]) | ValueSchemas;

/**
 * The schemas of a single value (a condition's, at its path), worked out only when the value holds
 * a class instance: most condition values are primitives, Dates or plain maps.
 */
interface ValueSchemas {
  readonly valueSchemas: () => readonly z.ZodType[];
}

/**
 * The objects copied so far in one `givenInput` call, with their copies. Inputs hold a few objects
 * (an item with a set and an address: 3), so they are kept in two arrays searched in order and reused
 * by every call (a `Map` per call was the copy's largest cost on put's whole call); past
 * `SMALL_TABLE` objects a `Map` takes over, so a list of a thousand maps is not searched in squares.
 */
class Copies {
  busy = false;
  /** A class instance was met (and kept as given): the schema may say it stands for a map. */
  instances = false;
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
    this.instances = false;
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
  copies.instances = true;
  return value;
}

/**
 * `givenInput` of an item, key or value map, which may be an instance of the caller's own class (a
 * DTO: `class Row { id = ''; n = 0 }`, or one with getters). zod reads such an object by the schema's
 * keys, so it was a valid item, but `givenInput` keeps class instances as given: a loop that reused
 * one DTO for every put (a batch's callback) had every write read the last values, and the batch
 * kept one write of the key and dropped the others as duplicates. A class instance given as the
 * whole record is taken as a plain object of the fields zod sees, read now: those `for...in` lists
 * (its own, and inherited ones, as `Object.create(defaults)` has), and of `fields` (the names the
 * write reads: schema fields, timestamps, version) those it has, getters of its classes included.
 * Without `fields`, every getter of its classes is read. Its values are then copied as any other
 * input's, class instances below it as `schemas` say.
 *
 * @example givenRecord(new Row('u1', 3), User.model.schema, User.model.readableAttributes) // { id: 'u1', n: 3 }
 */
export function givenRecord<T>(value: T, schemas?: InputSchemas, fields?: readonly string[]): T {
  if (value === null || typeof value !== 'object') return value;
  if (isPlainMap(value) || !isOwnClass(value)) return givenInput(value, schemas);
  return givenInput(fieldsOf(value, fields) as T, schemas);
}

/** A value of a class of the caller's, not one of the built-in kinds the copy knows or leaves alone. */
function isOwnClass(value: object): boolean {
  return !(Array.isArray(value) || value instanceof Date || value instanceof Set || value instanceof Map || ArrayBuffer.isView(value) || value instanceof Promise);
}

/**
 * The second pass of `givenInput` over a copy that kept class instances: an instance where the
 * schema reads a map (a `z.object`, zod reading it by its fields) is taken as a plain map of the
 * fields zod reads, read now, so a caller reusing one instance for several writes (`row.address =
 * addr` in a loop that changes `addr`) gets each write's own values; a subclass of Array where a
 * list is expected is taken as a list. An instance a schema may take as it is (`z.instanceof`,
 * `z.custom`, `z.unknown`) is kept. Only the copy's own maps and lists are changed, never the caller's.
 */
class InstanceCopies {
  private readonly copies = new Map<object, unknown>();
  private readonly visited = new Set<object>();

  ofInput(copy: unknown, schemas: InputSchemas): unknown {
    if (isValueSchemas(schemas)) return this.value(copy, coresOf(schemas.valueSchemas()), 0);
    if (typeof schemas !== 'function') return this.value(copy, coresOf([schemas]), 0);
    if (copy === null || typeof copy !== 'object' || !isPlainMap(copy)) return copy;
    const fields = copy as Record<string, unknown>;
    for (const k of Object.keys(fields)) {
      const v = fields[k];
      if (typeof v === 'object' && v !== null) fields[k] = this.value(v, coresOf(schemas(k, v)), 1);
    }
    return copy;
  }

  private value(value: unknown, cores: readonly z.ZodType[], depth: number): unknown {
    // Below the copied levels the values are the caller's own: left as they are.
    if (value === null || typeof value !== 'object' || depth > COPIED_LEVELS || cores.length === 0) return value;
    const below = depth + 1;
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null || proto === Array.prototype || proto === Map.prototype) {
      // The copy's own map or list: walked only where its schemas may read an instance below it.
      if (this.visited.has(value) || !mayHoldInstances(cores)) return value;
      this.visited.add(value);
      if (proto === Array.prototype) {
        const list = value as unknown[];
        for (let i = 0; i < list.length; i++) {
          const v = list[i];
          if (typeof v === 'object' && v !== null) list[i] = this.value(v, coresOf(elementSchemas(cores, i)), below);
        }
      } else if (proto === Map.prototype) {
        const map = value as Map<unknown, unknown>;
        for (const [k, v] of map) if (typeof v === 'object' && v !== null) map.set(k, this.value(v, coresOf(fieldSchemas(cores, String(k))), below));
      } else {
        const fields = value as Record<string, unknown>;
        for (const k of Object.keys(fields)) {
          const v = fields[k];
          if (typeof v === 'object' && v !== null) fields[k] = this.value(v, coresOf(fieldSchemas(cores, k)), below);
        }
      }
      return value;
    }
    const known = this.copies.get(value);
    if (known !== undefined) return known;
    const reading = instanceReading(cores);
    if (reading === 'fields' && isOwnClass(value)) return this.fields(value, cores, below);
    if (reading === 'elements' && Array.isArray(value)) return this.elements(value, cores, below);
    return value;
  }

  /** The fields of `instance` zod reads for an object schema: those `for...in` sees, and the shape's keys it has (getters of its classes). */
  private fields(instance: object, cores: readonly z.ZodType[], below: number): Record<string, unknown> {
    const out = fieldsOf(instance, shapeKeys(cores));
    this.copies.set(instance, out);
    for (const k of Object.keys(out)) {
      const v = out[k];
      if (typeof v === 'object' && v !== null) out[k] = this.value(givenInput(v), coresOf(fieldSchemas(cores, k)), below);
    }
    return out;
  }

  private elements(list: readonly unknown[], cores: readonly z.ZodType[], below: number): unknown[] {
    const out = new Array<unknown>(list.length);
    this.copies.set(list, out);
    for (let i = 0; i < list.length; i++) {
      if (!(i in list)) continue;
      const v = list[i];
      out[i] = typeof v === 'object' && v !== null ? this.value(givenInput(v), coresOf(elementSchemas(cores, i)), below) : v;
    }
    return out;
  }
}

function isValueSchemas(schemas: InputSchemas): schemas is ValueSchemas {
  return typeof schemas === 'object' && 'valueSchemas' in schemas;
}

function isPlainMap(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The fields zod reads of a class instance: those `for...in` lists, then of `fields` (names a schema
 * reads) those the instance has, getters of its classes included; without `fields`, every getter.
 */
function fieldsOf(instance: object, fields: readonly string[] | undefined): Record<string, unknown> {
  const source = instance as Record<string, unknown>;
  const out = enumerated(source);
  if (fields !== undefined) {
    for (const k of fields) if (!Object.hasOwn(out, k) && k !== '__proto__' && k in source) out[k] = source[k];
    return out;
  }
  for (let p: unknown = Object.getPrototypeOf(instance); p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    const descriptors = Object.getOwnPropertyDescriptors(p);
    for (const k of Object.keys(descriptors)) if (descriptors[k]!.get !== undefined && !Object.hasOwn(out, k)) out[k] = source[k];
  }
  return out;
}

/**
 * The fields `for...in` lists, read now: what zod checks a strict or loose object's keys by, and
 * reads a catchall's values from. Not those of `Object.prototype` itself (an enumerable property
 * added there is no field of the input), nor `__proto__` (assigned, it would replace the copy's prototype).
 */
function enumerated(source: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in source) if (k !== '__proto__' && (Object.hasOwn(source, k) || !Object.hasOwn(Object.prototype, k))) out[k] = source[k];
  return out;
}
