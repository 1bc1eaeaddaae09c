/** DynamoDB's maximum item size: 400 KB, attribute names and values counted. */
export const MAX_ITEM_BYTES = 409_600;
/**
 * An upper bound of a stored value's size, cheap for scalars: strings at 3 bytes per UTF-16 unit,
 * numbers at 21, booleans and null at 1; anything else sized exactly (`attributeValueSize`).
 */
export function roughValueBytes(v: unknown): number {
  return typeof v === 'string' ? 3 * v.length : typeof v === 'number' || typeof v === 'bigint' ? 21 : typeof v === 'boolean' || v === null ? 1 : attributeValueSize(v);
}

const encoder = new TextEncoder();

/** UTF-8 byte length of a string. */
export function utf8Length(s: string): number {
  // ASCII fast path: most attribute names and many values are plain ASCII.
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  return ascii ? s.length : encoder.encode(s).length;
}

/**
 * Bytes DynamoDB charges for a number: its significant digits are stored in base-100 pairs
 * aligned on the decimal point, plus one byte, plus one more when negative.
 */
export function numberSize(n: number | bigint | string): number {
  // Every put and batch request sizes its item, and most numbers are small integers: count their
  // base-100 pairs from the digit count instead of parsing the decimal string.
  if (typeof n === 'number' && Number.isSafeInteger(n)) return integerSize(n);
  let s = typeof n === 'string' ? n.trim() : typeof n === 'bigint' ? n.toString() : n.toString();
  let negative = false;
  if (s.startsWith('-')) {
    negative = true;
    s = s.slice(1);
  } else if (s.startsWith('+')) s = s.slice(1);
  let exponent = 0;
  const e = s.search(/e/i);
  if (e >= 0) {
    exponent = Number(s.slice(e + 1));
    s = s.slice(0, e);
  }
  const dot = s.indexOf('.');
  let intPart = dot < 0 ? s : s.slice(0, dot);
  let fracPart = dot < 0 ? '' : s.slice(dot + 1);
  // Shift the decimal point by the exponent.
  if (exponent > 0) {
    const moved = fracPart.slice(0, exponent).padEnd(exponent, '0');
    intPart += moved;
    fracPart = fracPart.slice(exponent);
  } else if (exponent < 0) {
    const k = -exponent;
    const padded = intPart.padStart(k, '0');
    fracPart = padded.slice(padded.length - k) + fracPart;
    intPart = padded.slice(0, padded.length - k);
  }
  intPart = intPart.replace(/^0+/, '');
  fracPart = fracPart.replace(/0+$/, '');
  if (intPart === '' && fracPart === '') return 1;
  if (intPart.length % 2 === 1) intPart = `0${intPart}`;
  if (fracPart.length % 2 === 1) fracPart = `${fracPart}0`;
  const digits = intPart + fracPart;
  const pairs: string[] = [];
  for (let i = 0; i < digits.length; i += 2) pairs.push(digits.slice(i, i + 2));
  let start = 0;
  let end = pairs.length;
  while (start < end && pairs[start] === '00') start++;
  while (end > start && pairs[end - 1] === '00') end--;
  return 1 + (end - start) + (negative ? 1 : 0);
}

function integerSize(n: number): number {
  if (n === 0) return 1;
  let m = Math.abs(n);
  while (m % 100 === 0) m /= 100; // trailing 00 pairs are not stored
  // Digits counted without the decimal text (a string per number of every sized item); powers of
  // ten are exact doubles up to 1e22, past any safe integer.
  let digits = 1;
  for (let p = 10; p <= m; p *= 10) digits++;
  return 1 + Math.ceil(digits / 2) + (n < 0 ? 1 : 0);
}

/** Size in bytes of one attribute value, as DynamoDB computes it (see the facts sheet, section 2). */
export function attributeValueSize(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return utf8Length(value);
    case 'number':
    case 'bigint':
      return numberSize(value);
    case 'boolean':
      return 1;
    case 'object': {
      if (value === null) return 1;
      if (value instanceof Uint8Array) return value.byteLength;
      if (value instanceof Set) {
        let total = 0;
        for (const el of value) total += attributeValueSize(el);
        return total;
      }
      if (Array.isArray(value)) {
        let total = 3;
        for (const el of value) total += 1 + attributeValueSize(el);
        return total;
      }
      if (isNumberValue(value)) return numberSize(String(value));
      // Keys, not entries: no [key, value] array per attribute.
      const map = value as Record<string, unknown>;
      const keys = Object.keys(map);
      let total = 3;
      for (let i = 0; i < keys.length; i++) {
        const v = map[keys[i]!];
        if (v !== undefined) total += 1 + utf8Length(keys[i]!) + attributeValueSize(v);
      }
      return total;
    }
    default:
      return 0;
  }
}

/** A lib-dynamodb `NumberValue` (an N of any precision), told from a plain map. */
function isNumberValue(value: object): boolean {
  return Object.getPrototypeOf(value) !== Object.prototype && typeof (value as { toString?: unknown }).toString === 'function' && 'value' in value;
}

/**
 * Bytes DynamoDB counts for a map or list value of an expression (`ExpressionAttributeValues`)
 * against its own 400 KB cap, checked against DynamoDB Local: a map is sized as an item (its keys
 * and values, without the map's own bytes), a list as the sum of its elements. `undefined` for any
 * other value, which has no such cap (a longer string, binary or set is taken).
 *
 * @example expressionValueSize({ a: 'xy' }) // 3; expressionValueSize(['xy', 1]) // 4; expressionValueSize('xy') // undefined
 */
export function expressionValueSize(value: unknown): number | undefined {
  return mapOrListSizes(value)?.expression;
}

/**
 * A map's or list's `expressionValueSize` and its `attributeValueSize` (what it adds to an item),
 * from one walk: a SET of a large document is checked against both limits. `undefined` for any
 * other value.
 *
 * @example mapOrListSizes({ a: 'xy' }) // { expression: 3, stored: 7 }
 */
export function mapOrListSizes(value: unknown): { readonly expression: number; readonly stored: number } | undefined {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array || value instanceof Set) return undefined;
  // Each element or entry costs one byte more stored than in the expression count, and the container 3.
  if (Array.isArray(value)) {
    let total = 0;
    for (const el of value) total += attributeValueSize(el);
    return { expression: total, stored: 3 + value.length + total };
  }
  if (isNumberValue(value)) return undefined;
  const map = value as Record<string, unknown>;
  const keys = Object.keys(map);
  let total = 0;
  let entries = 0;
  for (let i = 0; i < keys.length; i++) {
    const v = map[keys[i]!];
    if (v === undefined) continue;
    entries++;
    total += utf8Length(keys[i]!) + attributeValueSize(v);
  }
  return { expression: total, stored: 3 + entries + total };
}

/**
 * Size in bytes of a whole item in DocumentClient form: the sum over its top-level attributes of
 * the UTF-8 length of the name plus the size of the value.
 *
 * @example computeItemSize({ pk: 'a', sk: 'b' }) // 4
 */
export function computeItemSize(item: Record<string, unknown>): number {
  const keys = Object.keys(item);
  let total = 0;
  for (let i = 0; i < keys.length; i++) {
    const v = item[keys[i]!];
    if (v !== undefined) total += utf8Length(keys[i]!) + attributeValueSize(v);
  }
  return total;
}

/**
 * The item's size as DynamoDB's 400 KB limit counts it: the item plus its entry in every local
 * secondary index it lands in (the whole item again for projection ALL, else its projected
 * attributes). `itemSize` is `computeItemSize(item)`, already known to the caller.
 */
export function sizeWithLocalIndexes(item: Record<string, unknown>, itemSize: number, indexes: Iterable<{ readonly type: string; readonly sortKey: { readonly name: string } | undefined; readonly projected: ReadonlySet<string> | undefined }>): number {
  let size = itemSize;
  for (const ix of indexes) {
    if (ix.type !== 'local' || ix.sortKey === undefined || item[ix.sortKey.name] === undefined) continue;
    if (ix.projected === undefined) {
      size += itemSize;
      continue;
    }
    const entry: Record<string, unknown> = {};
    for (const n of ix.projected) if (item[n] !== undefined) entry[n] = item[n];
    size += computeItemSize(entry);
  }
  return size;
}
