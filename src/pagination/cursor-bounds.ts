import type { ConditionNode } from '../expressions/ast.js';
import { compareStored } from '../expressions/value-order.js';
import { InvalidCursorError } from '../errors.js';
import type { StartKey } from './cursor.js';

/** What a query sends as its key condition, and which attribute of it is the partition key. */
export interface CursorBounds {
  readonly keyCondition: ConditionNode;
  readonly partitionKey: string;
}

/**
 * Refuses a cursor that lies outside the key condition of the query it resumes. DynamoDB rejects
 * such a start key ("The provided starting key does not match the range key predicate"), but only
 * after the request was sent, as a bare ValidationException; a cursor of another partition, or of
 * another query of the same partition (another sort-key range, another entity's key prefix), is
 * refused here as an `InvalidCursorError`, like any other cursor that does not belong.
 *
 * @example checkInKeyCondition('table App, index primary', { pk: 'USER#u1', sk: 'PROFILE' }, bounds) // throws when bounds say begins_with(sk, 'ORDER#')
 */
export function checkInKeyCondition(target: string, key: StartKey, bounds: CursorBounds): void {
  const node = bounds.keyCondition;
  for (const term of node.kind === 'and' ? node.children : [node]) {
    const miss = outside(term, key, bounds.partitionKey);
    if (miss !== undefined) throw new InvalidCursorError(target, miss);
  }
}

/** `compareStored`'s result against the operator: whether the term holds. */
const HOLDS: Readonly<Record<string, (c: number) => boolean>> = {
  '=': (c) => c === 0,
  '<': (c) => c < 0,
  '<=': (c) => c <= 0,
  '>': (c) => c > 0,
  '>=': (c) => c >= 0,
};

/** A key-condition value as it is stored: a Date is sent as its ISO text. */
const stored = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : v);

const shown = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : v instanceof Uint8Array ? `<${v.byteLength} bytes>` : String(v));

const asBytes = (v: unknown): Buffer | undefined => (typeof v === 'string' ? Buffer.from(v, 'utf8') : v instanceof Uint8Array ? Buffer.from(v) : undefined);

/**
 * Why `key` fails one term of a key condition, or `undefined` when it holds. A term this cannot
 * judge (values of another type than the key's) is left to DynamoDB.
 */
function outside(term: ConditionNode, key: StartKey, partitionKey: string): string | undefined {
  const at = (path: readonly unknown[]): string | undefined => (path.length === 1 && typeof path[0] === 'string' && path[0] in key ? path[0] : undefined);
  const where = (name: string, condition: string): string => `it points at ${name} = ${shown(key[name])}, outside this query's key condition (${condition})`;
  switch (term.kind) {
    case 'compare': {
      if (term.left.kind !== 'path' || term.right.kind !== 'value') return undefined;
      const name = at(term.left.path);
      if (name === undefined) return undefined;
      const v = stored(term.right.value);
      const c = compareStored(key[name], v);
      if (c === undefined || HOLDS[term.op]?.(c) !== false) return undefined;
      // The commonest mix-up, said in its own words.
      if (name === partitionKey) return `it points into partition ${name} = ${shown(key[name])}, not the queried ${shown(v)}`;
      return where(name, `${name} ${term.op} ${shown(v)}`);
    }
    case 'between': {
      if (term.operand.kind !== 'path' || term.low.kind !== 'value' || term.high.kind !== 'value') return undefined;
      const name = at(term.operand.path);
      if (name === undefined) return undefined;
      const [low, high] = [stored(term.low.value), stored(term.high.value)];
      const lo = compareStored(key[name], low);
      const hi = compareStored(key[name], high);
      if (lo === undefined || hi === undefined || (lo >= 0 && hi <= 0)) return undefined;
      return where(name, `${name} BETWEEN ${shown(low)} AND ${shown(high)}`);
    }
    case 'beginsWith': {
      if (term.prefix.kind !== 'value') return undefined;
      const name = at(term.path);
      if (name === undefined) return undefined;
      const bytes = asBytes(key[name]);
      const prefix = asBytes(stored(term.prefix.value));
      if (bytes === undefined || prefix === undefined) return undefined;
      if (bytes.length >= prefix.length && bytes.subarray(0, prefix.length).equals(prefix)) return undefined;
      return where(name, `begins_with(${name}, ${shown(stored(term.prefix.value))})`);
    }
    default:
      return undefined;
  }
}
