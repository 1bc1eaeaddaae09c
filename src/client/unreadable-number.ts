import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { isReadableNumberText } from './attribute-value.js';

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
  if (v.N !== undefined) return isReadableNumberText(v.N) ? undefined : { path, text: v.N };
  if (v.NS !== undefined) {
    const text = v.NS.find((s) => !isReadableNumberText(s));
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
