import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * True when util-dynamodb can read the stored number text `s` without `wrapNumbers`: a safe number,
 * or an integer it turns into a bigint. A decimal beyond 2^53 (which `ADD 0.5` to an integer near
 * 2^53 stores) is neither, and makes it throw "can't be converted to BigInt".
 */
function readable(s: string): boolean {
  const n = Number(s);
  if (!Number.isFinite(n) || Math.abs(n) <= Number.MAX_SAFE_INTEGER) return true;
  try {
    BigInt(s);
    return true;
  } catch {
    return false;
  }
}

/**
 * The first stored number of an item that JavaScript cannot read back, with its document path
 * (`a.b[1]`; a number set by its attribute); `undefined` when every number reads.
 */
export function unreadableNumber(item: Readonly<Record<string, AttributeValue>>): { path: string; text: string } | undefined {
  for (const [name, v] of Object.entries(item)) {
    const found = inValue(v, name);
    if (found !== undefined) return found;
  }
  return undefined;
}

function inValue(v: AttributeValue, path: string): { path: string; text: string } | undefined {
  if (v.N !== undefined) return readable(v.N) ? undefined : { path, text: v.N };
  if (v.NS !== undefined) {
    const text = v.NS.find((s) => !readable(s));
    return text === undefined ? undefined : { path, text };
  }
  if (v.L !== undefined) {
    for (let i = 0; i < v.L.length; i++) {
      const found = inValue(v.L[i]!, `${path}[${i}]`);
      if (found !== undefined) return found;
    }
  }
  if (v.M !== undefined) {
    for (const [k, x] of Object.entries(v.M)) {
      const found = inValue(x, `${path}.${k}`);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
