import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { NumberValueImpl } from '@aws-sdk/util-dynamodb';

/**
 * Converts a raw `AttributeValue` map into plain JavaScript, as the DocumentClient would (except for
 * a decimal beyond 2^53: see `toNumber`). Used where a failure must not turn into another one:
 * `error.Item` of a failed condition and transaction cancellation reasons (stream images are
 * checked for such numbers first).
 */
export function unmarshallItem(item: Record<string, AttributeValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) out[k] = unmarshallValue(v);
  return out;
}

const INTEGER_TEXT = /^-?\d+$/;

/**
 * A stored number as JavaScript holds it exactly: a number, a bigint for a larger integer, and
 * util-dynamodb's `NumberValue` (the digits as stored) for a decimal beyond 2^53, which a number
 * would round. No schema takes a `NumberValue`, so such an item is handed over unparsed, and can
 * never be written back rounded.
 */
function toNumber(s: string): number | bigint | NumberValueImpl {
  const n = Number(s);
  if (Number.isSafeInteger(n)) return n;
  if (INTEGER_TEXT.test(s)) return BigInt(s);
  return isReadableNumberText(s) ? n : new NumberValueImpl(s);
}

/**
 * True when JavaScript can read the stored number text `s` without losing digits: within +/-2^53
 * (a number), or an integer of any size (a bigint). A decimal beyond 2^53 (which `ADD 0.5` to an
 * integer near 2^53 stores) is neither; util-dynamodb throws on it, and `toNumber` would round it.
 */
export function isReadableNumberText(s: string): boolean {
  return !(Math.abs(Number(s)) > Number.MAX_SAFE_INTEGER) || INTEGER_TEXT.test(s);
}

export function unmarshallValue(v: AttributeValue): unknown {
  if (v.S !== undefined) return v.S;
  if (v.N !== undefined) return toNumber(v.N);
  if (v.BOOL !== undefined) return v.BOOL;
  if (v.NULL !== undefined) return null;
  if (v.B !== undefined) return v.B;
  if (v.M !== undefined) return unmarshallItem(v.M);
  if (v.L !== undefined) return v.L.map(unmarshallValue);
  if (v.SS !== undefined) return new Set(v.SS);
  if (v.NS !== undefined) return new Set(v.NS.map(toNumber));
  if (v.BS !== undefined) return new Set(v.BS);
  return undefined;
}
