/**
 * How composite values are written into key strings so that keys sort like the values: numbers and
 * bigints at a fixed width (negatives below non-negatives, in numeric order), Dates as ISO-8601 text
 * of four-digit years. Key templates (./key-template.ts) use these to build and parse keys; DynamoDB's
 * byte limits on key values are here too.
 */

/**
 * How a composite's value is written into a key string, decided from its schema type.
 * `timestamp` is a managed `createdAt`/`updatedAt`: an ISO-8601 string in the model. `ttl` is the
 * entity's TTL attribute: a Date like `date`, but stored in whole epoch seconds, so its keys hold
 * the ISO-8601 text of its whole second; `epoch` is the TTL attribute as a raw `N` key, whose value
 * is those epoch seconds, as the attribute stores them.
 */
export type CompositeKind = 'string' | 'number' | 'boolean' | 'date' | 'ttl' | 'epoch' | 'bigint' | 'binary' | 'timestamp';

/** A stored key value: a string for templates with text, or the raw value of a bare placeholder. */
export type KeyValue = string | number | bigint | Uint8Array;

// Integers are written as 16 digits so they sort as numbers; negatives as '-' + (MAX_SAFE + n + 1),
// which keeps them below every non-negative and in numeric order among themselves.
const NUMBER_WIDTH = 16;
const NEG_OFFSET = BigInt(Number.MAX_SAFE_INTEGER) + 1n;

/**
 * How a number composite is written into a key template: 16 zero-padded digits, negatives as
 * `'-'` + (2^53 + n), so keys sort in numeric order. Throws `RangeError` for anything but a safe integer.
 *
 * @example encodeKeyNumber(42) // '0000000000000042'; encodeKeyNumber(-1) // '-9007199254740991'
 */
export function encodeKeyNumber(n: number): string {
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`${n} is not a safe integer; only integers within +/-(2^53-1) can go into a key template (store decimals as a string)`);
  }
  if (n >= 0) return String(n).padStart(NUMBER_WIDTH, '0');
  return `-${(NEG_OFFSET + BigInt(n)).toString().padStart(NUMBER_WIDTH, '0')}`;
}

/**
 * Reads back a number written by `encodeKeyNumber` (the text of one composite, not a whole key).
 *
 * @example decodeKeyNumber('-9007199254740991') // -1
 */
export function decodeKeyNumber(s: string): number {
  if (s.startsWith('-')) return Number(BigInt(s.slice(1)) - NEG_OFFSET);
  return Number(s);
}

// Bigints get the same scheme at 38 digits, DynamoDB's number precision: non-negatives zero-padded,
// negatives '-' + (10^38 + n). '-' (0x2D) sorts below '0' (0x30), so negatives come first, and
// among them a larger offset value is a number closer to zero.
export const BIGINT_WIDTH = 38;
const BIGINT_LIMIT = 10n ** BigInt(BIGINT_WIDTH);

/** True when `n` fits the fixed width of `encodeKeyBigint`. */
export const fitsKeyBigint = (n: bigint): boolean => n < BIGINT_LIMIT && n > -BIGINT_LIMIT;

/** Callers check `fitsKeyBigint` first. */
export function encodeKeyBigint(n: bigint): string {
  if (n >= 0n) return n.toString().padStart(BIGINT_WIDTH, '0');
  return `-${(BIGINT_LIMIT + n).toString().padStart(BIGINT_WIDTH, '0')}`;
}

export function decodeKeyBigint(s: string): bigint {
  if (s.startsWith('-')) return BigInt(s.slice(1)) - BIGINT_LIMIT;
  return BigInt(s);
}


// ISO-8601 text only sorts by time for four-digit years; toISOString() writes others as '+012000-...' / '-000001-...'.
export const MIN_KEY_YEAR = 0;
export const MAX_KEY_YEAR = 9999;

/** ISO-8601 text of a Date in the years 0-9999: `YYYY-MM-DDTHH:mm:ss.sssZ`. */
const DATE_WIDTH = 24;
const ISO_SHAPE = '0000-00-00T00:00:00.000Z';

/**
 * True for `toISOString()` text (whole, or a leading part of it with `partial`): fixed-width, so
 * the separator or the following text inside it cannot make a key ambiguous.
 */
export function isIsoText(s: string, partial: boolean): boolean {
  if (partial ? s.length > DATE_WIDTH : s.length !== DATE_WIDTH) return false;
  for (let i = 0; i < s.length; i++) {
    const shape = ISO_SHAPE[i]!;
    const c = s[i]!;
    if (shape === '0' ? c < '0' || c > '9' : c !== shape) return false;
  }
  return true;
}

/**
 * Length of the encoded composite starting at `pos` for the kinds written at a fixed width
 * (`undefined` for strings, whose end is found by the text that follows them).
 */
export function fixedWidth(kind: CompositeKind, stored: string, pos: number): number | undefined {
  const negative = stored.startsWith('-', pos) ? 1 : 0;
  switch (kind) {
    case 'number':
      return NUMBER_WIDTH + negative;
    case 'bigint':
      return BIGINT_WIDTH + negative;
    case 'date':
    case 'ttl':
    case 'timestamp':
      return DATE_WIDTH;
    case 'boolean':
      return stored.startsWith('true', pos) ? 4 : 5;
    default:
      return undefined;
  }
}

/**
 * U+10FFFF, the highest code point: appended to a prefix it sorts after every key that starts with
 * the prefix (DynamoDB compares strings by UTF-8 bytes), which turns "all keys under this prefix"
 * into an inclusive upper bound of a key range. That holds because no template composite may hold
 * it (a KeyError when a key is built), so no key goes on past it.
 */
export const HIGHEST_CODE_POINT = '\u{10FFFF}';

/** DynamoDB's limits on key values (UTF-8 bytes of a string, bytes of a binary). */
export const MAX_PARTITION_KEY_BYTES = 2048;
export const MAX_SORT_KEY_BYTES = 1024;

/** The bytes a key value counts against DynamoDB's key limits: UTF-8 for text, the bytes of binary. */
export function keyValueBytes(value: unknown): number {
  return typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value instanceof Uint8Array ? value.byteLength : 0;
}

/** What `decodeComposite` returns for text no value of the composite's kind is written as. */
export const NOT_THIS_KIND = Symbol('not this kind');
const INTEGER_TEXT = /^-?\d+$/;

/**
 * A composite's value from its text in a stored key (a raw key's value as it is), or `NOT_THIS_KIND`
 * when no value of `kind` is written as that text.
 *
 * @example decodeComposite('number', '0000000000000042') // 42
 */
export function decodeComposite(kind: CompositeKind, text: KeyValue): unknown {
  // A raw N key comes back as a number when it is a safe integer, whatever was written.
  if (kind === 'bigint' && typeof text === 'number' && Number.isInteger(text)) return BigInt(text);
  if (kind === 'epoch') return typeof text === 'number' ? new Date(text * 1000) : NOT_THIS_KIND;
  if (typeof text !== 'string') return text;
  // Text that no value of the composite's kind writes: the key is not this template's (another
  // entity's, or another service's, under the same prefix).
  switch (kind) {
    case 'number': {
      if (!INTEGER_TEXT.test(text)) return NOT_THIS_KIND;
      const n = decodeKeyNumber(text);
      return Number.isSafeInteger(n) ? n : NOT_THIS_KIND;
    }
    case 'date':
    case 'ttl': {
      const d = new Date(text);
      return Number.isNaN(d.getTime()) ? NOT_THIS_KIND : d;
    }
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : NOT_THIS_KIND;
    case 'bigint':
      return INTEGER_TEXT.test(text) ? decodeKeyBigint(text) : NOT_THIS_KIND;
    default:
      return text;
  }
}
