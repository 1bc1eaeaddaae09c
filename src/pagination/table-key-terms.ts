/**
 * The terms of a table-level key condition (on physical attributes) and the value checks
 * DynamoDB would otherwise fail the request on, run before sending.
 */
import type { ConditionNode } from '../expressions/ast.js';
import type { Condition } from '../expressions/condition.js';
import type { ResolvedIndex } from '../entity/table.js';
import type { KeyAttribute } from '../entity/table-types.js';
import { ExpressionError } from '../errors.js';
import { keyValueBytes, MAX_SORT_KEY_BYTES } from '../entity/key-encoding.js';
import { hasLoneSurrogate, LONE_SURROGATE } from '../entity/text-rules.js';

/** One term of a key condition: the attribute it is on, its operator and values; `undefined` when it cannot be one. */
export type KeyTerm = { readonly name: string; readonly op: string; readonly values: readonly unknown[] } | undefined;

/**
 * DynamoDB's rules for a key condition on `ix`, checked before sending: `=` on the partition key
 * (on every attribute of a multi-attribute one), then sort-key terms left to right: `=` on
 * leading attributes and at most one other condition, on the last attribute given.
 */
export function checkKeyCondition(where: string, ix: ResolvedIndex, key: Condition): void {
  const terms: KeyTerm[] = [];
  keyTerms(key.node, terms);
  const pks = ix.partitionKeys;
  const sks = ix.sortKeys;
  const list = (keys: readonly KeyAttribute[]): string => keys.map((k) => k.name).join(', ');
  const pkShape = pks.length === 1 ? `${pks[0]!.name}.eq(...)` : `eq on each of ${list(pks)}`;
  const skShape =
    sks.length === 0
      ? ''
      : sks.length === 1
        ? ` and optionally one condition on ${sks[0]!.name} (eq, lt, lte, gt, gte, between, beginsWith)`
        : ` and optionally conditions on ${list(sks)}, in that order: eq on each but the last given, which may also be lt, lte, gt, gte, between or beginsWith`;
  const shape = `a key condition on ${ix.name} takes ${pkShape}${skShape}, joined with and()`;
  const names = terms.map((t) => t?.name);
  const known = new Set([...pks, ...sks].map((k) => k.name));
  if (terms.some((t) => t === undefined || !known.has(t.name)) || new Set(names).size !== names.length) {
    throw new ExpressionError(where, '', shape);
  }
  const termOf = (k: KeyAttribute) => terms.find((t) => t!.name === k.name);
  for (const pk of pks) {
    const pkTerm = termOf(pk);
    if (pkTerm === undefined) throw new ExpressionError(where, pk.name, `a query on ${ix.name} needs ${pks.length === 1 ? `${pk.name}.eq(...)` : `eq on each of ${list(pks)}`}`);
    if (pkTerm.op !== '=') throw new ExpressionError(where, pk.name, `the partition key takes only eq (got ${pkTerm.op}); ${shape}`);
    checkKeyValues(where, pk, pkTerm);
  }
  let missing: KeyAttribute | undefined;
  let ranged: KeyAttribute | undefined;
  for (const sk of sks) {
    const skTerm = termOf(sk);
    if (skTerm === undefined) {
      missing ??= sk;
      continue;
    }
    if (missing !== undefined) throw new ExpressionError(where, sk.name, `${sk.name} needs ${missing.name} first; ${shape}`);
    if (ranged !== undefined) throw new ExpressionError(where, sk.name, `${sk.name} comes after ${ranged.name}, which is not compared with eq; ${shape}`);
    if (skTerm.op === '<>') throw new ExpressionError(where, sk.name, `a sort key condition cannot be ne (<>); ${shape}`);
    // begins_with takes string and binary sort keys; DynamoDB refuses it on numbers only.
    if (skTerm.op === 'begins_with' && sk.type === 'N') throw new ExpressionError(where, sk.name, `beginsWith needs a string or binary sort key; ${sk.name} is N`);
    checkKeyValues(where, sk, skTerm, MAX_SORT_KEY_BYTES);
    // Only the last attribute given may be compared otherwise than with `=`.
    if (skTerm.op !== '=') ranged = sk;
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
 * DynamoDB rejects a key condition value of another type than the key attribute's, an empty
 * string or binary anywhere in a key condition (`begins_with(sk, '')` too), and a sort-key value
 * over the sort key limit (`maxBytes`), even as a bound or prefix; a string holding half a
 * character, which DynamoDB would key as another string, is refused as key templates refuse it.
 */
export function checkKeyValues(where: string, key: KeyAttribute, term: NonNullable<KeyTerm>, maxBytes?: number): void {
  for (const v of term.values) {
    if (!KEY_TYPE_OF[key.type](v)) throw new ExpressionError(where, key.name, `${key.name} is a ${key.type} key; ${describeValue(v)} cannot be compared with it`);
    if ((typeof v === 'string' && v === '') || (v instanceof Uint8Array && v.byteLength === 0)) {
      throw new ExpressionError(where, key.name, `a key condition value cannot be empty (DynamoDB rejects empty key values)`);
    }
    // DynamoDB reads it as the key with '?' in place of the half character: another partition's items.
    if (typeof v === 'string' && hasLoneSurrogate(v)) {
      throw new ExpressionError(where, key.name, `a key condition value of ${key.name} ${LONE_SURROGATE}`);
    }
    if (maxBytes !== undefined && keyValueBytes(v) > maxBytes) {
      throw new ExpressionError(where, key.name, `a sort key condition value of ${keyValueBytes(v)} bytes is over DynamoDB's sort key limit of ${maxBytes} bytes, which it applies to key conditions too`);
    }
  }
}

const describeValue = (v: unknown): string => (typeof v === 'string' ? `the string ${JSON.stringify(v)}` : v instanceof Uint8Array ? 'a binary value' : `${typeof v} ${String(v)}`);
