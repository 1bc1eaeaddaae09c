import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StreamViewType } from '../streams/view-type.js';

export type ScalarAttributeType = 'S' | 'N' | 'B';

export interface KeyAttribute {
  readonly name: string;
  readonly type: ScalarAttributeType;
}

export type IndexProjection = 'ALL' | 'KEYS_ONLY' | { readonly include: readonly string[] };

/**
 * A global index's key: one attribute, or a list of 1-4 (a multi-attribute key, which DynamoDB
 * composes from the attributes themselves: no synthetic key attribute to write). Tuples, so that a
 * list of 0 or 5 does not compile and an entity's template list follows the key's length.
 */
export type GlobalKey =
  | KeyAttribute
  | readonly [KeyAttribute]
  | readonly [KeyAttribute, KeyAttribute]
  | readonly [KeyAttribute, KeyAttribute, KeyAttribute]
  | readonly [KeyAttribute, KeyAttribute, KeyAttribute, KeyAttribute];

export interface GlobalIndexConfig {
  readonly type: 'global';
  readonly partitionKey: GlobalKey;
  readonly sortKey?: GlobalKey;
  /** Default `'ALL'`. */
  readonly projection?: IndexProjection;
}

export interface LocalIndexConfig {
  readonly type: 'local';
  readonly sortKey: KeyAttribute;
  /** Default `'ALL'`. */
  readonly projection?: IndexProjection;
}

export type IndexConfig = GlobalIndexConfig | LocalIndexConfig;

export interface TableConfig {
  readonly name: string;
  /** A `DynamoDBClient` or a `DynamoDBDocumentClient`; dynakit sends DocumentClient commands through it. */
  readonly client: DynamoDBClient | DynamoDBDocumentClient;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly indexes?: Readonly<Record<string, IndexConfig>>;
  /**
   * Attribute that stores the entity name. Default `'_et'`. `false`: items carry none, for a table
   * that holds one entity (an existing table whose items were written without one); such a table
   * takes a single `defineEntity`, and every item in it is that entity's.
   */
  readonly entityAttribute?: string | false;
  /** Text that composite values may never contain. Default `'#'`. */
  readonly keySeparator?: string;
  /** Default on-demand; give capacities for provisioned tables. */
  readonly billing?: 'PAY_PER_REQUEST' | { readonly read: number; readonly write: number };
  /** Turn on DynamoDB Streams with this view type when the table is created. */
  readonly stream?: StreamViewType;
}

/**
 * The key templates an entity gives for one index: the fields follow the index's key schema, and a
 * multi-attribute key takes one template per attribute.
 */
export type IndexKeyShape<I> = I extends LocalIndexConfig
  ? { readonly sk: string }
  : I extends { readonly partitionKey: infer P; readonly sortKey: infer S }
    ? { readonly pk: KeyTemplates<P>; readonly sk: KeyTemplates<S> }
    : { readonly pk: KeyTemplates<I[keyof I & 'partitionKey']> };

/** One template for a key attribute, a tuple of them for a multi-attribute key. */
type KeyTemplates<A> = A extends readonly unknown[] ? { readonly [N in keyof A]: string } : string;

/** The shape of `keys` in `defineEntity` for a table: `primary` is required, indexes optional. */
export type EntityKeysShape<C extends TableConfig> = {
  readonly primary: IndexKeyShape<C>;
} & {
  readonly [I in keyof NonNullable<C['indexes']>]?: IndexKeyShape<NonNullable<C['indexes']>[I]>;
};
