/**
 * Logical key conditions: `Key('orgId').eq('acme').and(Key('name').beginsWith('A'))` names the
 * attributes that compose an index's keys; the query compiler maps them onto the physical key
 * attributes through the key templates.
 */
export type KeyOp = '=' | '<' | '<=' | '>' | '>=' | 'between' | 'beginsWith';

export interface KeyTerm {
  readonly attribute: string;
  readonly op: KeyOp;
  readonly values: readonly unknown[];
}

/**
 * An immutable conjunction of key terms (DynamoDB key conditions only allow AND). `A` records
 * which attributes it names, so a query can check them against the index at compile time.
 */
export class KeyCondition<A extends string = string> {
  /** @internal phantom */
  declare readonly _attributes?: A;

  constructor(readonly terms: readonly KeyTerm[]) {}

  and<B extends string>(other: KeyCondition<B>): KeyCondition<A | B> {
    return new KeyCondition<A | B>([...this.terms, ...other.terms]);
  }
}

/** `Key(attr)`: the operators DynamoDB allows in a key condition, typed by the attribute's value. */
export class KeyOperand<V, A extends string = string> {
  /** @internal phantom */
  declare readonly _value?: V;

  constructor(readonly attribute: A) {}

  private term(op: KeyOp, values: unknown[]): KeyCondition<A> {
    return new KeyCondition<A>([{ attribute: this.attribute, op, values }]);
  }
  eq(value: V): KeyCondition<A> {
    return this.term('=', [value]);
  }
  lt(value: V): KeyCondition<A> {
    return this.term('<', [value]);
  }
  lte(value: V): KeyCondition<A> {
    return this.term('<=', [value]);
  }
  gt(value: V): KeyCondition<A> {
    return this.term('>', [value]);
  }
  gte(value: V): KeyCondition<A> {
    return this.term('>=', [value]);
  }
  between(low: V, high: V): KeyCondition<A> {
    return this.term('between', [low, high]);
  }
  beginsWith(prefix: V extends string ? string : never): KeyCondition<A> {
    return this.term('beginsWith', [prefix]);
  }
}
