/**
 * A table's primary key as stored (physical attribute names and values), for the operations that
 * address an item without an entity: `AppTable.delete(key)`.
 */
import type { KeyAttribute, ScalarAttributeType, TableConfig } from './table-types.js';
import type { Table } from './table.js';
import { KeyError } from '../errors.js';
import { keyValueBytes, MAX_PARTITION_KEY_BYTES, MAX_SORT_KEY_BYTES } from './key-encoding.js';
import { hasLoneSurrogate, LONE_SURROGATE } from './text-rules.js';
import { storableNumberProblem } from './storable-number.js';

/** The JavaScript values a key attribute of each DynamoDB type takes. */
type KeyValueOf<T extends ScalarAttributeType> = T extends 'S' ? string : T extends 'N' ? number | bigint : Uint8Array;

/** The table's own key attributes: its partition key, and its sort key if it has one. */
type PrimaryKeyAttribute<C extends TableConfig> = C['partitionKey'] | (C['sortKey'] extends KeyAttribute ? C['sortKey'] : never);

/**
 * The physical primary key of a table's item: each of the table's key attributes, with a value of
 * its declared type (`{ pk: 'USER#u1', sk: 'PROFILE' }`).
 */
export type TablePrimaryKey<C extends TableConfig> = { readonly [A in PrimaryKeyAttribute<C> as A['name']]: KeyValueOf<A['type']> };

const TYPE_NAMES: Readonly<Record<ScalarAttributeType, string>> = { S: 'a non-empty string', N: 'a number or bigint', B: 'a non-empty Uint8Array' };

const describe = (v: unknown): string =>
  typeof v === 'string' ? `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}` : v instanceof Uint8Array ? `${v.byteLength} bytes` : v === null ? 'null' : typeof v;

/**
 * `key` as the physical primary key of an item of `table`, checked as DynamoDB would check it
 * (every key attribute, no other attribute, the declared type, no empty value, the key size limits,
 * a number it can store), so that a bad key fails here with a `KeyError` naming the table and the
 * attribute, not as a ValidationException that, in a batch, fails every write of the call. Returns
 * a copy holding only the key attributes, in key order.
 *
 * @example physicalKey(AppTable, { pk: 'USER#u1', sk: 'PROFILE' }) // { pk: 'USER#u1', sk: 'PROFILE' }
 */
export function physicalKey(table: Table, key: unknown): Record<string, unknown> {
  const owner = `table ${table.name}`;
  const primary = table.indexes.get('primary')!;
  const attributes = [primary.partitionKey, ...primary.sortKeys];
  const names = attributes.map((a) => a.name).join(', ');
  if (key === null || typeof key !== 'object' || Array.isArray(key)) {
    throw new KeyError(owner, 'primary', '', `the key must be an object of the table's key attributes (${names}), got ${key === null ? 'null' : Array.isArray(key) ? 'an array' : typeof key}`);
  }
  const given = key as Readonly<Record<string, unknown>>;
  const extra = Object.keys(given).find((k) => !attributes.some((a) => a.name === k));
  if (extra !== undefined) {
    throw new KeyError(owner, 'primary', extra, `${extra} is not a key attribute of the table; the key takes exactly ${names} (DynamoDB refuses a key with other attributes)`);
  }
  const out: Record<string, unknown> = {};
  for (const attr of attributes) {
    const which = attr === primary.partitionKey ? 'partition' : 'sort';
    out[attr.name] = checkKeyValue(owner, attr, given[attr.name], which === 'partition' ? MAX_PARTITION_KEY_BYTES : MAX_SORT_KEY_BYTES, which);
  }
  return out;
}

function checkKeyValue(owner: string, attr: KeyAttribute, v: unknown, maxBytes: number, which: 'partition' | 'sort'): unknown {
  const fail = (message: string): never => {
    throw new KeyError(owner, 'primary', attr.name, message);
  };
  if (v === undefined) fail(`missing key attribute ${attr.name} (the table's ${which} key)`);
  const typed = attr.type === 'S' ? typeof v === 'string' : attr.type === 'N' ? typeof v === 'number' || typeof v === 'bigint' : v instanceof Uint8Array;
  if (!typed) fail(`${attr.name} is the table's ${which} key, of type ${attr.type}: it takes ${TYPE_NAMES[attr.type]}, got ${describe(v)}`);
  if (attr.type === 'N') {
    const problem = storableNumberProblem(v as number | bigint);
    if (problem !== undefined) fail(`${attr.name}: ${problem}`);
    return v;
  }
  const bytes = keyValueBytes(v);
  if (bytes === 0) fail(`${attr.name} cannot be empty: DynamoDB rejects empty key values`);
  if (bytes > maxBytes) fail(`the ${which} key value ${attr.name} is ${bytes} bytes, over DynamoDB's limit of ${maxBytes} bytes`);
  // Such a key addresses the item keyed with '?' in place of the half character: another item would be deleted.
  if (attr.type === 'S' && hasLoneSurrogate(v as string)) {
    fail(`${attr.name} ${LONE_SURROGATE}`);
  }
  return v;
}

/**
 * A copy of a physical key as given, taken when a builder is made: changing the caller's object later
 * must not change the request. Anything that is not a plain object is kept as it is, for
 * `physicalKey` to refuse when the request is built.
 */
export function givenKey(key: unknown): unknown {
  return key !== null && typeof key === 'object' && !Array.isArray(key) ? { ...key } : key;
}
