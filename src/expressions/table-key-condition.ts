/**
 * Table-level key conditions, on physical key attributes (`AppTable.Key('pk').eq('USER#u1')`).
 * They are plain `Condition`s at run time (compiled like any other, usable in a filter or a check),
 * and record in their type which key attributes they name, so that `AppTable.query` can refuse at
 * compile time a condition on another index's keys, or one without `eq` on the partition key. The
 * shared `Condition` class carries no type parameter: entity conditions pay nothing for this.
 */
import { AttributeOperand, Condition, and, type OrderedValue, type PrefixValue } from './condition.js';

/**
 * A key condition built by a table's `Key(...)` (or an entity's `partition(...)`), joined with `and`.
 * `A`: the key attributes it names; `E`: those it compares with `eq`. An entity's `partition(I, ...)`
 * gives `TableKeyCondition<'~partition of I', string>` (its physical names are not in the entity's
 * type; a local index's is `primary`): only a query of that index, or of one with the same
 * partition, takes it at compile time, and the query checks the attributes at run time.
 *
 * @example AppTable.query(AppTable.Key('pk').eq('USER#u1').and(AppTable.Key('sk').beginsWith('ORDER#')))
 */
export class TableKeyCondition<A extends string = string, E extends string = never> extends Condition {
  /**
   * @internal type carrier, never set at run time. Required, so that a plain `Condition` (an
   * `Attr(...)` condition, an `or`, a `not`) is not a key condition. `eq` is contravariant: a
   * condition whose `eq` names cover an index's partition key attributes is assignable to that
   * index's `TableKeyCondition<Names, PartitionNames>`; one missing one is not.
   */
  declare readonly '~tableKey': { readonly attributes: A; readonly eq: (eq: E) => void };

  /**
   * Both conditions: with another key condition, still a key condition (DynamoDB allows only AND
   * in one); with any other condition, a plain `Condition`, for a filter or a write condition.
   *
   * @example AppTable.Key('pk').eq('USER#u1').and(AppTable.Key('sk').beginsWith('ORDER#'))
   */
  // Typed on `this`, not on the class's A and E: comparing two key conditions then never
  // compares this generic signature (measured ~200 instantiations less per program).
  override and<A2 extends string, E2 extends string, B extends string, F extends string>(
    this: TableKeyCondition<A2, E2>,
    other: TableKeyCondition<B, F>,
  ): TableKeyCondition<A2 | B, E2 | F>;
  override and(...others: Condition[]): Condition;
  override and(...others: Condition[]): Condition {
    const joined = and(this, ...others);
    return others.every((o) => o instanceof TableKeyCondition) ? new TableKeyCondition(joined.node, joined.owners) : joined;
  }
}

/** A condition of a table-level key operand, as a key condition. */
const asKey = <A extends string, E extends string = never>(c: Condition): TableKeyCondition<A, E> => new TableKeyCondition<A, E>(c.node, c.owners);

/**
 * `AppTable.Key(name)`: a physical key attribute `N` whose values are `V` (the key's type: `S`
 * string, `N` number, `B` binary). The operators a key condition takes return `TableKeyCondition`s
 * naming `N`, and take values only (the intersections with the base class's parameter types keep
 * them valid overrides); the others (`ne`, `in`, `exists`, ...) are `AttributeOperand`'s, for filters.
 *
 * @example AppTable.query('gsi1', AppTable.Key('gsi1pk').eq('ORG#acme'))
 */
export class TableKeyOperand<V, N extends string> extends AttributeOperand<V> {
  /**
   * `=`: the only operator a partition key takes.
   *
   * @example AppTable.Key('pk').eq('USER#u1')
   */
  override eq(value: V): TableKeyCondition<N, N> {
    return asKey<N, N>(super.eq(value));
  }
  /**
   * `<` on a sort key.
   *
   * @example AppTable.Key('pk').eq('USER#u1').and(AppTable.Key('sk').lt('ORDER#2'))
   */
  override lt(value: V & OrderedValue<V>): TableKeyCondition<N> {
    return asKey<N>(super.lt(value));
  }
  /**
   * `<=` on a sort key.
   *
   * @example AppTable.Key('pk').eq('USER#u1').and(AppTable.Key('sk').lte('ORDER#2'))
   */
  override lte(value: V & OrderedValue<V>): TableKeyCondition<N> {
    return asKey<N>(super.lte(value));
  }
  /**
   * `>` on a sort key.
   *
   * @example AppTable.Key('pk').eq('USER#u1').and(AppTable.Key('sk').gt('ORDER#2'))
   */
  override gt(value: V & OrderedValue<V>): TableKeyCondition<N> {
    return asKey<N>(super.gt(value));
  }
  /**
   * `>=` on a sort key.
   *
   * @example AppTable.Key('pk').eq('USER#u1').and(AppTable.Key('sk').gte('ORDER#2'))
   */
  override gte(value: V & OrderedValue<V>): TableKeyCondition<N> {
    return asKey<N>(super.gte(value));
  }
  /**
   * Between `low` and `high`, both included, on a sort key.
   *
   * @example AppTable.Key('pk').eq('USER#u1').and(AppTable.Key('sk').between('ORDER#1', 'ORDER#5'))
   */
  override between(low: V & OrderedValue<V>, high: V & OrderedValue<V>): TableKeyCondition<N> {
    return asKey<N>(super.between(low, high));
  }
  /**
   * A string or binary sort key that starts with `prefix`; a number key (`N`) takes none.
   *
   * @example AppTable.Key('pk').eq('USER#u1').and(AppTable.Key('sk').beginsWith('ORDER#'))
   */
  override beginsWith(prefix: V & PrefixValue<V>): TableKeyCondition<N> {
    return asKey<N>(super.beginsWith(prefix));
  }
}
