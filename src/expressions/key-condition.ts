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

/** An immutable conjunction of key terms (DynamoDB key conditions only allow AND). */
export class KeyCondition {
  constructor(readonly terms: readonly KeyTerm[]) {}

  and(other: KeyCondition): KeyCondition {
    return new KeyCondition([...this.terms, ...other.terms]);
  }
}

/** `Key(attr)`: the operators DynamoDB allows in a key condition, typed by the attribute's value. */
export class KeyOperand<V> {
  /** @internal phantom */
  declare readonly _value?: V;

  constructor(readonly attribute: string) {}

  private term(op: KeyOp, values: unknown[]): KeyCondition {
    return new KeyCondition([{ attribute: this.attribute, op, values }]);
  }
  eq(value: V): KeyCondition {
    return this.term('=', [value]);
  }
  lt(value: V): KeyCondition {
    return this.term('<', [value]);
  }
  lte(value: V): KeyCondition {
    return this.term('<=', [value]);
  }
  gt(value: V): KeyCondition {
    return this.term('>', [value]);
  }
  gte(value: V): KeyCondition {
    return this.term('>=', [value]);
  }
  between(low: V, high: V): KeyCondition {
    return this.term('between', [low, high]);
  }
  beginsWith(prefix: V extends string ? string : never): KeyCondition {
    return this.term('beginsWith', [prefix]);
  }
}
