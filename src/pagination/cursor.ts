import { NumberValueImpl } from '@aws-sdk/util-dynamodb';
import { InvalidCursorError } from '../errors.js';
import type { ResolvedIndex } from '../entity/table.js';
import type { KeyAttribute } from '../entity/table-types.js';
import { checkInKeyCondition, type CursorBounds } from './cursor-bounds.js';

/**
 * A DynamoDB `LastEvaluatedKey` in DocumentClient form (integers beyond 2^53 come as `bigint`, a
 * number no JS number holds exactly as a `NumberValue`: see exact-key-numbers.ts).
 */
export type StartKey = Record<string, string | number | bigint | NumberValueImpl | Uint8Array>;

interface CursorBody {
  /** table */
  t: string;
  /** index */
  i: string;
  /** key: strings and numbers as-is, bigints and numbers a JS number does not hold as { n: decimal text }, binary as { b: base64 } */
  k: Record<string, string | number | { n: string } | { b: string }>;
  /** 1 for a descending (`reverse()`) read, 0 for an ascending one; absent in cursors issued before cursors carried a direction, which resume either way */
  r?: 0 | 1;
}

/** A number's text as DynamoDB writes it (and `{ n }` of a cursor carries). */
const DECIMAL_TEXT = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/** The attributes a start key of this index must have: the table key, plus the index key. */
export function startKeyAttributes(primary: ResolvedIndex, index: ResolvedIndex): KeyAttribute[] {
  const attrs = new Map<string, KeyAttribute>();
  for (const ix of [primary, index]) for (const k of [...ix.partitionKeys, ...ix.sortKeys]) attrs.set(k.name, k);
  return [...attrs.values()];
}

/**
 * Encodes a start key as an opaque cursor (base64url JSON), tagged with its table and index so
 * it cannot be replayed against another one, and with the read's direction: resuming a descending
 * page in ascending order (or the other way round) would return the page's items again.
 */
export function encodeCursor(table: string, index: string, key: StartKey, reverse = false): string {
  const k: CursorBody['k'] = {};
  for (const [name, v] of Object.entries(key)) {
    k[name] = v instanceof Uint8Array ? { b: Buffer.from(v).toString('base64') } : typeof v === 'bigint' || v instanceof NumberValueImpl ? { n: v.toString() } : v;
  }
  const body: CursorBody = { t: table, i: index, k, r: reverse ? 1 : 0 };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}


/**
 * Decodes a cursor made by `encodeCursor`, checking table, index and the key's exact shape, and,
 * for a query, that it lies inside the query's key condition (see `checkInKeyCondition`). With
 * `reverse` (the resuming read's direction), a cursor of a read in the other direction is refused;
 * `undefined` leaves the direction unchecked (while a builder may still be reversed).
 */
export function decodeCursor(cursor: string, table: string, index: string, expected: readonly KeyAttribute[], bounds?: CursorBounds, reverse?: boolean): StartKey {
  const target = `table ${table}, index ${index}`;
  if (typeof cursor !== 'string' || cursor === '' || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw new InvalidCursorError(target, 'not a cursor string');
  }
  let body: unknown;
  try {
    const bytes = Buffer.from(cursor, 'base64url');
    // Base64 decoding ignores trailing bits that make no byte: a cursor with a character added
    // (or a last character changed in those bits) would decode as the original. Only the exact
    // text encodeCursor wrote is a cursor.
    if (bytes.toString('base64url') !== cursor) throw new SyntaxError('not canonical base64url');
    body = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new InvalidCursorError(target, 'malformed or truncated');
  }
  const b = body as Partial<CursorBody> | null;
  if (b === null || typeof b !== 'object' || typeof b.t !== 'string' || typeof b.i !== 'string' || b.k === null || typeof b.k !== 'object') {
    throw new InvalidCursorError(target, 'malformed or truncated');
  }
  if (b.t !== table || b.i !== index) {
    throw new InvalidCursorError(target, `it was issued for table ${b.t}, index ${b.i}`);
  }
  // A cursor without a direction was issued before cursors carried one (it may be stored by a
  // client across an upgrade): it resumes as it always did.
  if (reverse !== undefined && b.r !== undefined && (b.r === 1) !== reverse) {
    const order = (r: boolean) => (r ? 'descending order (reverse())' : 'ascending order');
    throw new InvalidCursorError(target, `it was issued for a read in ${order(b.r === 1)}, and this read is in ${order(reverse)}: resuming there would return that page's items again`);
  }
  const names = Object.keys(b.k);
  if (names.length !== expected.length) throw new InvalidCursorError(target, 'key attributes do not match the index');
  const out: StartKey = {};
  for (const attr of expected) {
    const v = (b.k as CursorBody['k'])[attr.name];
    if (attr.type === 'S' && typeof v === 'string' && v !== '') out[attr.name] = v;
    else if (attr.type === 'N' && typeof v === 'number' && Number.isFinite(v)) out[attr.name] = v;
    else if (attr.type === 'N' && v !== null && typeof v === 'object' && 'n' in v && typeof v.n === 'string' && /^-?\d+$/.test(v.n)) out[attr.name] = BigInt(v.n);
    else if (attr.type === 'N' && v !== null && typeof v === 'object' && 'n' in v && typeof v.n === 'string' && DECIMAL_TEXT.test(v.n)) out[attr.name] = new NumberValueImpl(v.n);
    else if (attr.type === 'B' && v !== null && typeof v === 'object' && 'b' in v && typeof v.b === 'string') out[attr.name] = new Uint8Array(Buffer.from(v.b, 'base64'));
    else throw new InvalidCursorError(target, `key attribute ${attr.name} is missing or has the wrong type`);
  }
  if (bounds !== undefined) checkInKeyCondition(target, out, bounds);
  return out;
}
