/**
 * The terms of a table-level key condition (on physical attributes) and the value checks
 * DynamoDB would otherwise fail the request on, run before sending.
 */
import type { ConditionNode } from '../expressions/ast.js';
import type { Condition } from '../expressions/condition.js';
import type { ResolvedIndex } from '../entity/table.js';
import type { KeyAttribute } from '../entity/table-types.js';
import { ExpressionError } from '../errors.js';

/** One term of a key condition: the attribute it is on, its operator and values; `undefined` when it cannot be one. */
export type KeyTerm = { readonly name: string; readonly op: string; readonly values: readonly unknown[] } | undefined;

/** DynamoDB's rules for a key condition on `ix`, checked before sending: pk `=`, then at most one sort-key term. */
export function checkKeyCondition(where: string, ix: ResolvedIndex, key: Condition): void {
  const terms: KeyTerm[] = [];
  keyTerms(key.node, terms);
  const pk = ix.partitionKey.name;
  const sk = ix.sortKey?.name;
  const names = terms.map((t) => t?.name);
  const shape = `a key condition on ${ix.name} takes ${pk}.eq(...)${sk === undefined ? '' : ` and optionally one condition on ${sk} (eq, lt, lte, gt, gte, between, beginsWith)`}, joined with and()`;
  if (terms.some((t) => t === undefined || (t.name !== pk && t.name !== sk)) || new Set(names).size !== names.length) {
    throw new ExpressionError(where, '', shape);
  }
  const pkTerm = terms.find((t) => t!.name === pk);
  if (pkTerm === undefined) throw new ExpressionError(where, pk, `a query on ${ix.name} needs ${pk}.eq(...)`);
  if (pkTerm.op !== '=') throw new ExpressionError(where, pk, `the partition key takes only eq (got ${pkTerm.op}); ${shape}`);
  const skTerm = terms.find((t) => t!.name === sk);
  if (skTerm !== undefined && skTerm.op === '<>') throw new ExpressionError(where, sk!, `a sort key condition cannot be ne (<>); ${shape}`);
  checkKeyValues(where, ix.partitionKey, pkTerm);
  if (skTerm !== undefined) {
    // begins_with takes string and binary sort keys; DynamoDB refuses it on numbers only.
    if (skTerm.op === 'begins_with' && ix.sortKey!.type === 'N') throw new ExpressionError(where, sk!, `beginsWith needs a string or binary sort key; ${sk} is N`);
    checkKeyValues(where, ix.sortKey!, skTerm);
  }
}

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
