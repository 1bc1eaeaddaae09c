import type { ConditionNode, Operand } from '../expressions/ast.js';
import { KeyError } from '../errors.js';
import { HIGHEST_CODE_POINT as TOP, MAX_SORT_KEY_BYTES } from './key-encoding.js';

/**
 * The greatest text of at most `room` UTF-8 bytes (DynamoDB compares keys by those bytes), by room:
 * one byte holds up to U+007F, two up to U+07FF (lead byte DF), three up to U+FFFF (lead byte EF).
 */
const LARGEST_IN = ['', '\u007f', '\u07ff', '\uffff'] as const;

/**
 * DynamoDB refuses a sort-key condition whose value is over 1,024 bytes, the sort key limit, even as
 * a bound ("Aggregated size of all range keys has exceeded the size limit"). A value over it from the
 * caller is a `KeyError` before sending. An upper bound that only the sentinel pushed past it
 * (a value near the limit, then TOP) becomes the same value then the greatest text that still fits:
 * every key of at most 1,024 bytes that starts with the value is at most that, so the range is unchanged.
 */
export function fitSortKeyCondition(node: ConditionNode, entity: string, index: string, attribute: string): ConditionNode {
  const fit = (operand: Operand, upper: boolean): Operand => {
    if (operand.kind !== 'value' || typeof operand.value !== 'string') return operand;
    const v = operand.value;
    // A UTF-16 unit is at most 3 UTF-8 bytes: short values need no measuring.
    if (v.length * 3 <= MAX_SORT_KEY_BYTES) return operand;
    const bytes = Buffer.byteLength(v, 'utf8');
    if (bytes <= MAX_SORT_KEY_BYTES) return operand;
    if (upper && v.endsWith(TOP)) {
      const head = v.slice(0, -TOP.length);
      const room = MAX_SORT_KEY_BYTES - Buffer.byteLength(head, 'utf8');
      if (room >= 0) return { kind: 'value', value: head + LARGEST_IN[room]! };
    }
    throw new KeyError(
      entity,
      index,
      attribute,
      `the sort key condition on ${attribute} needs a value of ${bytes} bytes; DynamoDB refuses key condition values over its sort key limit of ${MAX_SORT_KEY_BYTES} bytes (no stored sort key is longer)`,
    );
  };
  switch (node.kind) {
    case 'compare':
      return { ...node, right: fit(node.right, node.op === '<=') };
    case 'between':
      return { ...node, low: fit(node.low, false), high: fit(node.high, true) };
    case 'beginsWith':
      return { ...node, prefix: fit(node.prefix, false) };
    default:
      return node;
  }
}
