/**
 * Key numbers kept exactly for start keys and cursors. DynamoDB keeps 38 significant digits, and a
 * number another program stored with more than a JS number holds (Python's Decimal, Java's
 * BigDecimal) reads rounded. Resuming a read at the rounded key starts before or after the real
 * one: the read returns items again (forever, when the rounded key sorts before the item: every
 * page resumes before it) or skips the items between the two. Such a key number is kept as
 * util-dynamodb's `NumberValue`, which marshals back to its exact digits.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { NumberValueImpl } from '@aws-sdk/util-dynamodb';

/** `[sign][digits]e[exponent]` without leading or trailing zeros: equal for equal decimal values. */
function canonicalDecimal(text: string): string | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (m === null) return undefined;
  const [, sign, whole = '', fraction = '', exponent = '0'] = m;
  let digits = (whole + fraction).replace(/^0+/, '');
  if (digits === '') return '0';
  let exp = Number(exponent) - fraction.length;
  const trailing = /0+$/.exec(digits)?.[0].length ?? 0;
  digits = digits.slice(0, digits.length - trailing);
  exp += trailing;
  return `${sign === '-' ? '-' : ''}${digits}e${exp}`;
}

/**
 * Whether `read`, the value a stored number text `text` was read as, marshals back to the same
 * number: a bigint always does; a JS number when its shortest text is the same decimal.
 *
 * @example holdsExactly('0.1', 0.1) // true; holdsExactly('0.10000000000000000001', 0.1) // false
 */
export function holdsExactly(text: string, read: unknown): boolean {
  if (typeof read !== 'number') return true;
  return canonicalDecimal(String(read)) === canonicalDecimal(text);
}

/**
 * `plain` (an item or key as read) with its number attributes that did not read exactly replaced by
 * `NumberValue`s of their stored text; `plain` itself when every one did (the common case).
 * Only top-level attributes: key attributes are.
 *
 * @example exactKeyNumbers({ n: 0.1 }, { n: { N: '0.10000000000000000001' } }) // { n: NumberValue('0.10000000000000000001') }
 */
export function exactKeyNumbers<T extends Record<string, unknown>>(plain: T, raw: Readonly<Record<string, AttributeValue>>, names: Iterable<string> = Object.keys(raw)): T {
  let out: T | undefined;
  for (const name of names) {
    const text = raw[name]?.N;
    if (text === undefined || holdsExactly(text, plain[name])) continue;
    out ??= { ...plain };
    (out as Record<string, unknown>)[name] = new NumberValueImpl(text);
  }
  return out ?? plain;
}
