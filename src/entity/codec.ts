import type { z } from 'zod';
import { compileLazyTarget, defOf, lazyInner, reaches, readCore, type LazyCompiling, type ZodDefView } from './schema-walk.js';
import { binarySetDuplicate, numberSetDuplicate } from './set-duplicates.js';
import { storableNumberProblem } from './storable-number.js';
import { unionReviver } from './union-reviver.js';
import { hasLoneSurrogate, LONE_SURROGATE_NAME, MAX_ATTRIBUTE_NAME_BYTES, nameBytesOverLimit } from './text-rules.js';

/** A storage rule broken by a value: where and why. */
export class StorageRuleViolation extends Error {
  constructor(
    readonly path: string,
    readonly rule: string,
  ) {
    super(`${path}: ${rule}`);
  }
}

const join = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * How many `-0` values the codec has stored, counted for the process: DynamoDB has no negative zero
 * (the number is sent as the text "0"), so such a value reads back as `0`. A put compares the count
 * before and after encoding its item to know, without walking the item again, whether the item it
 * resolves to must have its `-0` made `0` (`withoutNegativeZeros`).
 */
let negativeZeros = 0;

/** The count of `-0` values stored so far (see `negativeZeros`). */
export function negativeZerosStored(): number {
  return negativeZeros;
}

function storeNumber<N extends number | bigint>(n: N, path: string): N {
  const problem = storableNumberProblem(n);
  if (problem !== undefined) throw new StorageRuleViolation(path, problem);
  if (n === 0 && Object.is(n, -0)) negativeZeros++;
  return n;
}

/**
 * `value` with every `-0` (in maps and lists, at any depth) made `0`, as a read returns it; other
 * values as they are (a `Set` already keeps `-0` as `0`).
 *
 * @example withoutNegativeZeros({ n: -0, l: [-0, 1] }) // { n: 0, l: [0, 1] }
 */
export function withoutNegativeZeros(value: unknown): unknown {
  if (typeof value === 'number') return Object.is(value, -0) ? 0 : value;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const list = value.slice();
    for (let i = 0; i < list.length; i++) if (i in list) list[i] = withoutNegativeZeros(list[i]);
    return list;
  }
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const key of Object.keys(out)) out[key] = withoutNegativeZeros(out[key]);
  return out;
}

/** A Date's stored form: its ISO-8601 text, which sorts and compares by time. */
function storeDate(d: Date, path: string): string {
  if (Number.isNaN(d.getTime())) throw new StorageRuleViolation(path, 'invalid Date');
  return d.toISOString();
}

function storeSet(given: Set<unknown>, path: string): Set<unknown> {
  if (given.size === 0) throw new StorageRuleViolation(path, 'empty sets cannot be stored (DynamoDB rejects them); remove the attribute instead');
  const set = datesAsText(given, path);
  let kind: string | undefined;
  let numbers = false;
  let bigints = false;
  for (const el of set) {
    const k = typeof el === 'bigint' ? 'number' : el instanceof Uint8Array ? 'binary' : typeof el;
    if (k !== 'string' && k !== 'number' && k !== 'binary') {
      throw new StorageRuleViolation(path, `set elements must be strings, numbers or binary, got ${typeof el}`);
    }
    if (kind !== undefined && kind !== k) throw new StorageRuleViolation(path, 'set elements must all have one type');
    kind = k;
    if (typeof el === 'number' || typeof el === 'bigint') {
      storeNumber(el, path);
      if (typeof el === 'number') numbers = true;
      else bigints = true;
    }
  }
  // A Set dedupes by identity, DynamoDB by stored value: only mixed number kinds and binaries can differ.
  const duplicate = kind === 'binary' && set.size > 1 ? binarySetDuplicate(set) : numbers && bigints ? numberSetDuplicate(set) : undefined;
  if (duplicate !== undefined) throw new StorageRuleViolation(path, duplicate);
  return numbers && bigints ? bigintFirst(set) : set;
}

/**
 * The set with its Dates as their stored text (a string set, read back as Dates by `z.set(z.date())`);
 * the set itself when it holds none. A `Set` keeps two Date objects of one instant apart, DynamoDB
 * sees one element twice and refuses the request.
 */
function datesAsText(set: Set<unknown>, path: string): Set<unknown> {
  let dated = false;
  for (const el of set) if (el instanceof Date) dated = true;
  if (!dated) return set;
  const out = new Set<unknown>();
  for (const el of set) {
    const v = el instanceof Date ? storeDate(el, path) : el;
    if (out.has(v)) throw new StorageRuleViolation(path, `${String(v)} is in the set twice (two Dates of one instant); DynamoDB compares set elements by value and refuses a set with duplicate elements`);
    out.add(v);
  }
  return out;
}

/**
 * The SDK marshals a set by the kind of its first element: after a number, every element takes the
 * number path, which throws on a bigint beyond 2^53. After a bigint, each is sent as its text,
 * which is what the number path sends for a storable number too.
 */
function bigintFirst(set: Set<unknown>): Set<unknown> {
  if (typeof set.values().next().value === 'bigint') return set;
  for (const el of set) if (typeof el === 'bigint') return new Set([el, ...set]);
  return set;
}

function nameTooLong(path: string, key: string, bytes: number): never {
  // The key itself would make a message of 64 KB: its start says which one it is.
  throw new StorageRuleViolation(path, `${path === '' ? 'an attribute name' : 'a map key'} ("${key.slice(0, 20)}…") is ${bytes.toLocaleString('en-US')} bytes; DynamoDB allows ${MAX_ATTRIBUTE_NAME_BYTES.toLocaleString('en-US')} bytes per attribute name or map key`);
}

/** DynamoDB's nesting limit: a top-level attribute (level 1) and maps and lists down to level 31 inside it. */
export const MAX_NESTING_LEVELS = 32;

/**
 * DynamoDB refuses to store a map or list at level 32 or deeper (an empty one too), where the item
 * is level 0 and a top-level attribute level 1 (checked against DynamoDB Local). Sets are not levels.
 */
function checkNesting(path: string, level: number | undefined): void {
  if (level !== undefined && level >= MAX_NESTING_LEVELS) {
    throw new StorageRuleViolation(path, `a map or list ${level} maps and lists deep; DynamoDB stores at most ${MAX_NESTING_LEVELS} levels: ${MAX_NESTING_LEVELS - 1} nested maps and lists, then the values inside them`);
  }
}

/**
 * Converts a validated model value into the form the DocumentClient marshals: `Date` becomes an
 * ISO-8601 string (sorts by time; in a set too), `undefined` attributes are dropped, and values DynamoDB
 * would reject (NaN, numbers outside DynamoDB's range or precision, empty sets, mixed sets, sets
 * with elements DynamoDB sees as duplicates, class instances, empty map keys) fail here, naming the path.
 * `level` is how deep the value is stored (0 for a whole item, the number of path segments for a
 * value an update sets), for the nesting limit; absent for values that are not stored (conditions).
 *
 * @example toStoredValue({ at: new Date(0), n: undefined }) // { at: '1970-01-01T00:00:00.000Z' }
 */
export function toStoredValue(value: unknown, path = '', level?: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
    case 'bigint':
      return storeNumber(value, path);
    case 'undefined':
      return undefined;
    case 'object': {
      if (value === null) return null;
      if (value instanceof Date) return storeDate(value, path);
      if (value instanceof Uint8Array) return value;
      if (value instanceof Set) return storeSet(value, path);
      const inner = level === undefined ? undefined : level + 1;
      if (Array.isArray(value)) {
        checkNesting(path, level);
        // Every position, holes of a sparse array too (which map() would skip and the marshaller drop).
        const list: unknown[] = new Array(value.length);
        for (let i = 0; i < value.length; i++) list[i] = toStoredValue(value[i], join(path, i), inner) ?? null;
        return list;
      }
      if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
        throw new StorageRuleViolation(path, 'binary values must be Uint8Array or Buffer');
      }
      if (!isPlainObject(value)) {
        throw new StorageRuleViolation(path, `cannot store an instance of ${value.constructor?.name ?? 'a class'}`);
      }
      checkNesting(path, level);
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        // DynamoDB refuses the whole request ("Empty attribute name"): a batch, every write of its call.
        if (key === '') throw new StorageRuleViolation(path, `${path === '' ? 'attribute names' : 'map keys'} cannot be empty (DynamoDB rejects an empty name)`);
        const bytes = nameBytesOverLimit(key);
        if (bytes !== undefined) nameTooLong(path, key, bytes);
        // No UTF-8 form: DynamoDB Local fails the write with a 500, which the SDK retries.
        if (hasLoneSurrogate(key)) throw new StorageRuleViolation(join(path, key), `${path === '' ? 'an attribute name' : 'a map key'} ${LONE_SURROGATE_NAME}`);
        const given = (value as Record<string, unknown>)[key];
        // Strings, booleans and non-zero safe integers (most of an item) are stored as given: no path
        // text is built for them, which only a message would read (one per attribute of every put).
        if (typeof given === 'string' || typeof given === 'boolean' || (typeof given === 'number' && given !== 0 && Number.isSafeInteger(given))) {
          out[key] = given;
          continue;
        }
        const v = toStoredValue(given, join(path, key), inner);
        if (v !== undefined) out[key] = v;
      }
      return out;
    }
    default:
      throw new StorageRuleViolation(path, `cannot store a ${typeof value}`);
  }
}

const reviveBigInt = (v: unknown): unknown => (typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : v);

/** Rebuilds model values (Dates, Sets) from what was stored; `null` when nothing needs rebuilding. */
export type Reviver = (stored: unknown) => unknown;


const hasBigint = (def: ZodDefView): boolean => def.values?.some((x) => typeof x === 'bigint') === true;
/**
 * Positions whose stored form may differ from the model's. Every custom schema counts: whether it
 * wants a Buffer (see `wantsBuffer`) is only known by trying it, which `compile` does.
 */
const revived = (def: ZodDefView): boolean =>
  def.type === 'date' || def.type === 'bigint' || def.type === 'set' || def.type === 'custom' || (def.type === 'literal' && hasBigint(def));

/**
 * True for a schema that takes a Node `Buffer` but not a plain `Uint8Array` (`z.instanceof(Buffer)`):
 * DynamoDB hands binary values back as `Uint8Array`s, which such a schema refuses.
 */
function wantsBuffer(schema: z.ZodType): boolean {
  if (typeof Buffer === 'undefined') return false;
  try {
    return schema.safeParse(Buffer.alloc(1)).success && !schema.safeParse(new Uint8Array(1)).success;
  } catch {
    return false; // a check that throws on these values: leave stored values as they are
  }
}

/** The same bytes as a `Buffer` (no copy). */
const toBuffer = (v: unknown): unknown => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v);

/**
 * Compiles, once per schema, a function that turns a stored value back into what the schema
 * parses: ISO strings at `z.date()` positions become `Date`s; lists at `z.set()` positions become
 * `Set`s; binary values at `z.instanceof(Buffer)` positions become `Buffer`s. Returns `null` for positions with nothing to revive, so plain schemas cost nothing.
 *
 * Pipes are seen from their output side, which is what was stored: `a.pipe(z.date())` revives a
 * Date, and a bare `.transform()` (no output schema) is read as stored.
 */
export function compileReviver(schema: z.ZodType): Reviver | null {
  return compile(schema, new Map());
}

function compile(schema: z.ZodType, compiling: LazyCompiling): Reviver | null {
  const core = readCore(schema);
  const def = defOf(core);
  switch (def.type) {
    case 'date':
      return (v) => (typeof v === 'string' ? new Date(v) : v);
    case 'bigint':
      // The DocumentClient returns safe integers as numbers, whatever was sent.
      return reviveBigInt;
    case 'custom':
      return wantsBuffer(core) ? toBuffer : null;
    case 'literal': {
      if (!hasBigint(def)) return null;
      const values = new Set(def.values);
      return (v) => (typeof v === 'number' && Number.isInteger(v) && values.has(BigInt(v)) ? BigInt(v) : v);
    }
    case 'set': {
      const inner = def.valueType === undefined ? null : compile(def.valueType, compiling);
      if (inner === null) return (v) => (Array.isArray(v) ? new Set(v) : v);
      return (v) => (Array.isArray(v) || v instanceof Set ? new Set(Array.from(v as Iterable<unknown>, inner)) : v);
    }
    case 'array': {
      const inner = def.element === undefined ? null : compile(def.element, compiling);
      if (def.element !== undefined && holeInList(def.element)) {
        // An undefined element is stored as NULL (a list keeps its positions); read it back as undefined.
        return (v) => (Array.isArray(v) ? v.map((x) => (x === null ? undefined : inner === null ? x : inner(x))) : v);
      }
      if (inner === null) return null;
      return (v) => (Array.isArray(v) ? v.map(inner) : v);
    }
    case 'record': {
      const inner = def.valueType === undefined ? null : compile(def.valueType, compiling);
      if (inner === null) return null;
      return (v) => {
        if (v === null || typeof v !== 'object') return v;
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) out[k] = inner(x);
        return out;
      };
    }
    case 'object': {
      const shape = def.shape ?? {};
      const fields: [string, Reviver][] = [];
      for (const [k, s] of Object.entries(shape)) {
        const r = compile(s, compiling);
        if (r !== null) fields.push([k, r]);
      }
      // `.catchall(schema)`: every key outside the shape holds a value of that schema.
      const rest = def.catchall === undefined ? null : compile(def.catchall, compiling);
      if (fields.length === 0 && rest === null) return null;
      return (v) => {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
        const out: Record<string, unknown> = { ...(v as Record<string, unknown>) };
        for (const [k, r] of fields) if (out[k] !== undefined && out[k] !== null) out[k] = r(out[k]);
        if (rest !== null) for (const k of Object.keys(out)) if (!Object.hasOwn(shape, k) && out[k] !== undefined && out[k] !== null) out[k] = rest(out[k]);
        return out;
      };
    }
    case 'tuple': {
      const positions = def.items ?? [];
      const items = positions.map((item) => compile(item, compiling));
      const rest = def.rest == null ? null : compile(def.rest, compiling);
      // As in lists, an undefined element is stored as NULL; read it back as undefined where that position takes it.
      const holes = positions.map((item) => holeInList(item));
      const restHole = def.rest != null && holeInList(def.rest);
      if (rest === null && items.every((r) => r === null) && !restHole && !holes.includes(true)) return null;
      return (v) => {
        if (!Array.isArray(v)) return v;
        return v.map((x, i) => {
          const inTuple = i < items.length;
          if (x === null && (inTuple ? holes[i] : restHole)) return undefined;
          const r = inTuple ? items[i]! : rest;
          return r === null || x === null || x === undefined ? x : r(x);
        });
      };
    }
    case 'intersection': {
      const left = def.left === undefined ? null : compile(def.left, compiling);
      const right = def.right === undefined ? null : compile(def.right, compiling);
      if (left === null || right === null) return left ?? right;
      return (v) => right(left(v));
    }
    case 'union':
      return unionReviver(schema, def.options ?? [], def.discriminator, compiling, compile);
    case 'lazy': {
      const target = lazyInner(core);
      if (!reaches(target, revived)) return null;
      return compileLazyTarget(target, compiling, compile);
    }
    default:
      return null;
  }
}

/** True when a list element may be `undefined` but not `null`: a stored NULL there was an undefined element. */
function holeInList(element: z.ZodType): boolean {
  try {
    return element.safeParse(undefined).success && !element.safeParse(null).success;
  } catch {
    return false; // a refinement that cannot take undefined: leave stored values as they are
  }
}
