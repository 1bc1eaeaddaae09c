/**
 * What a table-level key condition may name, read from a table's config: the value type of each
 * physical key attribute, and for each index the attributes its key condition takes.
 */
import type { KeyAttribute, TableConfig } from './table-types.js';
import type { TableKeyCondition } from '../expressions/table-key-condition.js';

/** The attributes of a key: one, every attribute of a multi-attribute key, or none when absent. */
type KeyAttributes<K> = K extends readonly KeyAttribute[] ? K[number] : K extends KeyAttribute ? K : never;

/** The indexes of a table config (an empty object when it has none). */
type IndexesOf<C extends TableConfig> = NonNullable<C['indexes']>;

/** Every key attribute of the table and its indexes. */
type AllKeyAttributes<C extends TableConfig> =
  | C['partitionKey']
  | KeyAttributes<C['sortKey']>
  | { [I in keyof IndexesOf<C>]: IndexesOf<C>[I] extends { partitionKey: infer P; sortKey?: infer S } ? KeyAttributes<P> | KeyAttributes<S> : KeyAttributes<IndexesOf<C>[I]['sortKey']> }[keyof IndexesOf<C>];

/** The value a key condition compares a key attribute of this type with (DynamoDB numbers may be bigints). */
type KeyValueOf<T> = T extends 'S' ? string : T extends 'N' ? number | bigint : Uint8Array;

/** Each physical key attribute of a table config, by name, with its value type: computed once per table. */
export type TableKeyValues<C extends TableConfig> = { [A in AllKeyAttributes<C> as A['name']]: KeyValueOf<A['type']> };

/**
 * The key condition a table-level query of index `I` takes: on that index's key attributes only,
 * with `eq` on every partition key attribute (a local index's partition key is the table's).
 */
export type IndexKeyCondition<C extends TableConfig, I> = I extends 'primary'
  ? TableKeyCondition<C['partitionKey']['name'] | KeyAttributes<C['sortKey']>['name'], C['partitionKey']['name'], I>
  : IndexKeyConditionOf<IndexesOf<C>[I & keyof IndexesOf<C>], C['partitionKey']['name'], I & string>;

/** A global index names its own partition key attributes; a local one (no `partitionKey`) the table's. */
type IndexKeyConditionOf<X, TablePartitionKey extends string, I extends string> = X extends { partitionKey: infer P; sortKey?: infer S }
  ? TableKeyCondition<KeyAttributes<P>['name'] | KeyAttributes<S>['name'], KeyAttributes<P>['name'], I>
  : X extends { sortKey: infer S } ? TableKeyCondition<TablePartitionKey | KeyAttributes<S>['name'], TablePartitionKey, I> : never;
