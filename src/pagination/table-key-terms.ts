/**
 * The terms of a table-level key condition (on physical attributes) and the value checks
 * DynamoDB would otherwise fail the request on, run before sending.
 */
import type { ConditionNode } from '../expressions/ast.js';
import type { KeyAttribute } from '../entity/table-types.js';
import { ExpressionError } from '../errors.js';

/** One term of a key condition: the attribute it is on, its operator and values; `undefined` when it cannot be one. */
export type KeyTerm = { readonly name: string; readonly op: string; readonly values: readonly unknown[] } | undefined;

export function keyTerms(node: ConditionNode, out: KeyTerm[]): void {
  const single = (path: readonly unknown[]) => (path.length === 1 ? String(path[0]) : undefined);
  switch (node.kind) {
    case 'and':
      for (const c of node.children) keyTerms(c, out);
      return;
    case 'compare': {
      const name = node.left.kind === 'path' && node.right.kind === 'value' ? single(node.left.path) : undefined;
      out.push(name === undefined || node.right.kind !== 'value' ? undefined : { name, op: node.op, values: [node.right.value] });
      return;
    }
    case 'between': {
      if (node.operand.kind !== 'path' || node.low.kind !== 'value' || node.high.kind !== 'value') return void out.push(undefined);
      const name = single(node.operand.path);
      out.push(name === undefined ? undefined : { name, op: 'between', values: [node.low.value, node.high.value] });
      return;
    }
    case 'beginsWith': {
      const name = node.prefix.kind === 'value' ? single(node.path) : undefined;
      out.push(name === undefined || node.prefix.kind !== 'value' ? undefined : { name, op: 'begins_with', values: [node.prefix.value] });
      return;
    }
    default:
      out.push(undefined);
  }
}

const KEY_TYPE_OF: Readonly<Record<KeyAttribute['type'], (v: unknown) => boolean>> = {
  // A Date is sent as its ISO text.
  S: (v) => typeof v === 'string' || v instanceof Date,
  N: (v) => typeof v === 'number' || typeof v === 'bigint',
  B: (v) => v instanceof Uint8Array,
};

/**
 * DynamoDB rejects a key condition value of another type than the key attribute's, and an empty
 * string or binary anywhere in a key condition (`begins_with(sk, '')` too).
 */
export function checkKeyValues(where: string, key: KeyAttribute, term: NonNullable<KeyTerm>): void {
  for (const v of term.values) {
    if (!KEY_TYPE_OF[key.type](v)) throw new ExpressionError(where, key.name, `${key.name} is a ${key.type} key; ${describeValue(v)} cannot be compared with it`);
    if ((typeof v === 'string' && v === '') || (v instanceof Uint8Array && v.byteLength === 0)) {
      throw new ExpressionError(where, key.name, `a key condition value cannot be empty (DynamoDB rejects empty key values)`);
    }
  }
}

const describeValue = (v: unknown): string => (typeof v === 'string' ? `the string ${JSON.stringify(v)}` : v instanceof Uint8Array ? 'a binary value' : `${typeof v} ${String(v)}`);
