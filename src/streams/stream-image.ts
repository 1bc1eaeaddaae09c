/**
 * The attribute values of stream images as they arrive (Lambda's JSON, with binaries as base64, or
 * the streams SDK's), checked and turned into the SDK's `AttributeValue`s for unmarshalling.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { isReadableNumberText } from '../client/attribute-value.js';
import type { StreamAttributeValue } from './stream-record.js';

const TYPE_TAGS = ['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL'];

/** Checks an attribute value's shape and decodes Lambda's base64 binaries into `Uint8Array`s. */
function normalize(v: unknown, path: string): AttributeValue {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new TypeError(`${path} is not an attribute value`);
  // The SDK's types allow a tag present with the value `undefined`; it is not a second type.
  const tags = Object.keys(v).filter((k) => TYPE_TAGS.includes(k) && (v as Record<string, unknown>)[k] !== undefined);
  // DynamoDB Local 3.x writes an empty map into stream images as `{}`, without its `M` tag
  // (amazon-dynamodb-local-samples#37); nothing else is written that way.
  if (tags.length === 0 && Object.keys(v).length === 0) return { M: {} };
  if (tags.length !== 1) throw new TypeError(`${path} has ${tags.length === 0 ? 'no' : 'more than one'} type (S, N, B, SS, NS, BS, M, L, NULL, BOOL)`);
  const a = v as StreamAttributeValue;
  if (a.N !== undefined) readableNumber(a.N, path);
  if (a.NS !== undefined) for (const n of a.NS) readableNumber(n, path);
  const bytes = (b: string | Uint8Array): Uint8Array => (typeof b === 'string' ? new Uint8Array(Buffer.from(b, 'base64')) : b);
  if (a.B !== undefined) return { B: bytes(a.B) };
  if (a.BS !== undefined) return { BS: a.BS.map(bytes) };
  if (a.M !== undefined) return { M: normalizeMap(a.M, path) };
  if (a.L !== undefined) return { L: a.L.map((x, i) => normalize(x, `${path}[${i}]`)) };
  return a as AttributeValue;
}

/**
 * Refuses, as the DocumentClient does on every other read (GetItem fails on the item), a number
 * with a fraction beyond +/-2^53: no JS number holds its digits, and a bigint cannot hold the
 * fraction. Integers of any size read as bigints; smaller decimals as numbers.
 */
function readableNumber(n: string, path: string): void {
  if (!isReadableNumberText(n)) {
    throw new TypeError(`${path}: ${n} has a fraction and is beyond 2^53, so it cannot be read as a JS number without losing digits`);
  }
}

/** A stream image (or map value) at `path` as the SDK's attribute map; TypeError for a value that is no attribute value. */
export function normalizeMap(m: unknown, path: string): Record<string, AttributeValue> {
  if (m === null || typeof m !== 'object' || Array.isArray(m)) throw new TypeError(`${path} is not an attribute map`);
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(m)) out[k] = normalize(v, path === '' ? k : `${path}.${k}`);
  return out;
}
