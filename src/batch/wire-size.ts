/**
 * Bytes an item takes in a request body: DynamoDB's JSON wire format (`{"S":"a"}`, `{"N":"1"}`,
 * `{"L":[...]}`), UTF-8 encoded. BatchWriteItem's 16 MB cap applies to this body, which can be
 * several times the item's DynamoDB size (400 KB at most): every value carries a type wrapper,
 * binary goes as base64, and JSON escapes quotes, backslashes and control characters.
 */

/**
 * DynamoDB's 16 MB cap on a request body (BatchWriteItem, TransactWriteItems), less room for the
 * envelope and table names.
 */
export const MAX_REQUEST_BODY_BYTES = 16 * 1024 * 1024 - 64 * 1024;

/** Characters JSON escapes (control characters, quote, backslash) or that take more than one UTF-8 byte. */
// eslint-disable-next-line no-control-regex
const NEEDS_COUNTING = /[\u0000-\u001f"\\\u0080-\uffff]/;

/** UTF-8 bytes of a string as a JSON string literal, quotes included (as `JSON.stringify` writes it). */
function jsonStringBytes(s: string): number {
  // Fast path (every batched item's strings pass here): plain ASCII that JSON leaves as it is.
  if (!NEEDS_COUNTING.test(s)) return s.length + 2;
  let bytes = 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) bytes += 2; // \" \\
    else if (c < 0x20) bytes += c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d ? 2 : 6; // \n ... \u0001
    else if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4; // a surrogate pair is one 4-byte character
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) bytes += 6; // a lone surrogate is escaped as \udxxx
    else bytes += 3;
  }
  return bytes;
}

const base64Bytes = (n: number): number => 2 + 4 * Math.ceil(n / 3);

/** A scalar inside a set: `"a"`, `"1"`, `"<base64>"`. */
function setElementBytes(v: unknown): number {
  if (typeof v === 'string') return jsonStringBytes(v);
  if (v instanceof Uint8Array) return base64Bytes(v.byteLength);
  return 2 + String(v).length; // number, bigint, NumberValue: ASCII digits
}

/** Wire bytes of one attribute value, wrapper included. */
export function wireValueSize(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return 6 + jsonStringBytes(value); // {"S":...}
    case 'number':
    case 'bigint':
      return 8 + String(value).length; // {"N":"..."}
    case 'boolean':
      return value ? 13 : 14; // {"BOOL":true}
    case 'object': {
      if (value === null) return 13; // {"NULL":true}
      if (value instanceof Uint8Array) return 6 + base64Bytes(value.byteLength); // {"B":"..."}
      if (value instanceof Set) {
        let total = 9 + Math.max(value.size - 1, 0); // {"SS":[...]} and commas
        for (const el of value) total += setElementBytes(el);
        return total;
      }
      if (Array.isArray(value)) {
        let total = 8 + Math.max(value.length - 1, 0); // {"L":[...]} and commas
        for (const el of value) total += wireValueSize(el);
        return total;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype && typeof (value as { toString?: unknown }).toString === 'function' && 'value' in value) {
        return 8 + String(value).length; // lib-dynamodb NumberValue
      }
      return 6 + wireMapBytes(value as Record<string, unknown>); // {"M":{...}}
    }
    default:
      return 0;
  }
}

/** `{"name":<value>,...}` for the defined entries of a map or item (undefined ones are not sent). */
function wireMapBytes(map: Readonly<Record<string, unknown>>): number {
  let total = 2;
  let entries = 0;
  for (const k of Object.keys(map)) {
    const v = map[k];
    if (v === undefined) continue;
    total += jsonStringBytes(k) + 1 + wireValueSize(v);
    entries++;
  }
  return total + Math.max(entries - 1, 0);
}

/** Wire bytes of a whole item or key in DocumentClient form. */
export function wireItemSize(item: Readonly<Record<string, unknown>>): number {
  return wireMapBytes(item);
}
