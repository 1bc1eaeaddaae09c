/**
 * Logical key conditions: `Key('orgId').eq('acme').and(Key('name').beginsWith('A'))` names the
 * attributes that compose an index's keys; the query compiler maps them onto the physical key
 * attributes through the key templates.
 */
import { mergeOwners, type ConditionOwner, type OwnedPath } from './condition-owner.js';
import { givenInput } from '../given-input.js';

/**
 * The brand on the partition-key composites a query's condition must compare with `eq` (the second
 * type argument of `KeyCondition`): a condition without one fails to compile with "Type '"orgId" &
 * PartitionKeyNeedsEq' is not assignable to type '"name"'", naming the composite and the rule
 * (`AppTable.query`'s conditions carry it on the partition key attributes too). Measured: +10
 * instantiations at N=10 for both (bench/analysis.md, thirty-third session).
 * A brand, not a message literal: `"orgId" & Brand` is still assignable to a condition's `"orgId"`.
 */
export interface PartitionKeyNeedsEq {
  readonly '~a query needs eq() on every partition-key composite': never;
}

export type KeyOp = '=' | '<' | '<=' | '>' | '>=' | 'between' | 'beginsWith';

export interface KeyTerm {
  readonly attribute: string;
  readonly op: KeyOp;
  readonly values: readonly unknown[];
}

/**
 * An immutable conjunction of key terms (DynamoDB key conditions only allow AND). `A` records
 * which attributes it names and `E` those it compares with `eq`, so a query can check both
 * against the index at compile time: every name must compose the index's keys, and every
 * partition-key composite must be among `E`.
 */
export class KeyCondition<A extends string = string, E extends string = never> {
  /** @internal phantom */
  declare readonly _attributes?: A;
  /**
   * @internal phantom, contravariant: a condition whose `eq` names cover the index's partition key
   * is assignable to `KeyCondition<Names, PartitionKeyNames>`; one missing a partition composite
   * (or giving it a range operator) is not.
   */
  declare readonly _partitionKeyNeedsEq?: (eq: E) => void;

  constructor(
    readonly terms: readonly KeyTerm[],
    /** @internal the entity whose `Key` named the attributes (see `Condition.owners`) */
    readonly owners: readonly OwnedPath[] = [],
  ) {}

  /**
   * Both conditions: the only combination DynamoDB allows in a key condition (there is no OR or NOT).
   *
   * @example User.query('gsi1', User.Key('orgId').eq('acme').and(User.Key('name').beginsWith('A')))
   */
  and<B extends string, F extends string>(other: KeyCondition<B, F>): KeyCondition<A | B, E | F> {
    return new KeyCondition<A | B, E | F>([...this.terms, ...other.terms], mergeOwners(this.owners, other.owners));
  }
}

/** `Key(attr)`: the operators DynamoDB allows in a key condition, typed by the attribute's value. */
export class KeyOperand<V, A extends string = string> {
  /** @internal phantom */
  declare readonly _value?: V;

  constructor(
    readonly attribute: A,
    /** @internal the entity whose `Key` made it */ readonly owner?: ConditionOwner,
  ) {}

  private term<E extends string = never>(op: KeyOp, values: unknown[]): KeyCondition<A, E> {
    // Values as they are now (a Date or binary composite changed later does not change the condition).
    for (let i = 0; i < values.length; i++) values[i] = givenInput(values[i]);
    return new KeyCondition<A, E>([{ attribute: this.attribute, op, values }], this.owner === undefined ? [] : [{ owner: this.owner, path: [this.attribute] }]);
  }
  /**
   * The only operator a partition-key composite takes. The attribute is read from `this`, not from
   * the class's `A`, so `A` stays covariant and `KeyOperand<V, 'x'>` stays a `KeyOperand<V>`.
   *
   * @example User.query('gsi1', User.Key('orgId').eq('acme'))
   */
  eq<S extends string = A>(this: KeyOperand<V, S>, value: V): KeyCondition<S, S> {
    return this.term<S>('=', [value]);
  }
  /**
   * `<` on a sort-key composite; like every range operator it is mapped onto the index's physical sort key through its template.
   *
   * @example User.Key('orgId').eq('acme').and(User.Key('name').lt('M'))
   */
  lt(value: V): KeyCondition<A> {
    return this.term('<', [value]);
  }
  /**
   * `<=` on a sort-key composite (see `lt`).
   *
   * @example User.Key('orgId').eq('acme').and(User.Key('name').lte('M'))
   */
  lte(value: V): KeyCondition<A> {
    return this.term('<=', [value]);
  }
  /**
   * `>` on a sort-key composite (see `lt`).
   *
   * @example User.Key('orgId').eq('acme').and(User.Key('name').gt('M'))
   */
  gt(value: V): KeyCondition<A> {
    return this.term('>', [value]);
  }
  /**
   * `>=` on a sort-key composite (see `lt`).
   *
   * @example User.Key('orgId').eq('acme').and(User.Key('name').gte('M'))
   */
  gte(value: V): KeyCondition<A> {
    return this.term('>=', [value]);
  }
  /**
   * Between `low` and `high`, both included, on a sort-key composite (see `lt`).
   *
   * @example User.Key('orgId').eq('acme').and(User.Key('name').between('A', 'M'))
   */
  between(low: V, high: V): KeyCondition<A> {
    return this.term('between', [low, high]);
  }
  /**
   * A sort-key composite that starts with `prefix` (string composites only): with `sk: 'USER#{name}#{userId}'`, `beginsWith('A')` becomes `begins_with(gsi1sk, 'USER#A')`.
   *
   * @example User.Key('orgId').eq('acme').and(User.Key('name').beginsWith('A'))
   */
  beginsWith(prefix: V extends string ? string : never): KeyCondition<A> {
    return this.term('beginsWith', [prefix]);
  }
}
