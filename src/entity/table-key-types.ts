/**
 * What a table-level key condition may name, read from a table's config: the value type of each
 * physical key attribute, and for each index the attributes its key condition takes.
 */
import type { KeyAttribute, TableConfig } from './table-types.js';
import type { TableKeyCondition } from '../expressions/table-key-condition.js';
import type { PartitionKeyNeedsEq } from '../expressions/key-condition.js';

/** The attributes of a key: one, every attribute of a multi-attribute key, or none when absent. */
type KeyAttributes<K> = K extends readonly KeyAttribute[] ? K[number] : K extends KeyAttribute ? K : never;

/** The indexes of a table config (an empty object when it has none). */
type IndexesOf<C extends TableConfig> = NonNullable<C['indexes']>;

/**
 * Every key attribute of the table and its indexes (the shape of the former `TableKeyName`, which
 * now reads its names from here: measured cheaper than one `infer` of both keys per index).
 */
export type AllKeyAttributes<C extends TableConfig> =
  | C['partitionKey']
  | (C['sortKey'] extends KeyAttribute ? C['sortKey'] : never)
  | {
      [I in keyof IndexesOf<C>]: (IndexesOf<C>[I] extends { partitionKey: infer P } ? KeyAttributes<P> : never) | (IndexesOf<C>[I] extends { sortKey: infer S } ? KeyAttributes<S> : never);
    }[keyof IndexesOf<C>];

/** The value a key condition compares a key attribute of this type with (DynamoDB numbers may be bigints). */
export type KeyValueOf<T extends KeyAttribute['type']> = { S: string; N: number | bigint; B: Uint8Array }[T];

/**
 * The key condition a table-level query of index `I` takes: on that index's key attributes only,
 * with `eq` on every partition key attribute (a local index's partition key is the table's). An
 * entity's `partition(I, ...)` names `~partition of I` instead of attributes (`PartitionOf`; a
 * local index's is the table's, `primary`), which only the query of that index (or of an index
 * with the same partition: the table and its local indexes) takes.
 */
export type IndexKeyCondition<C extends TableConfig, I> = I extends 'primary'
  ? TableKeyCondition<C['partitionKey']['name'] | KeyAttributes<C['sortKey']>['name'] | '~partition of primary', C['partitionKey']['name'] & PartitionKeyNeedsEq>
  : IndexKeyConditionOf<IndexesOf<C>[I & keyof IndexesOf<C>], C['partitionKey']['name'], I & string>;

/**
 * A global index names its own partition key attributes; a local one (no `partitionKey`) the
 * table's. A single-attribute partition key is read without `KeyAttributes`, and the sort key by
 * indexed access, not `infer` (measured: 11 instantiations less at N=10; an alias for the sort key
 * names cost 9 more).
 */
type IndexKeyConditionOf<X, TablePartitionKey extends string, I extends string> = X extends { partitionKey: infer P extends KeyAttribute }
  ? TableKeyCondition<P['name'] | KeyAttributes<X[keyof X & 'sortKey']>['name'] | `~partition of ${I}`, P['name'] & PartitionKeyNeedsEq>
  : X extends { partitionKey: infer P }
    ? TableKeyCondition<KeyAttributes<P>['name'] | KeyAttributes<X[keyof X & 'sortKey']>['name'] | `~partition of ${I}`, KeyAttributes<P>['name'] & PartitionKeyNeedsEq>
    : TableKeyCondition<TablePartitionKey | KeyAttributes<X[keyof X & 'sortKey']>['name'] | '~partition of primary', TablePartitionKey & PartitionKeyNeedsEq>;

