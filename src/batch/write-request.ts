import type { AttributeValue, WriteRequest as RawWriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall, type marshallOptions } from '@aws-sdk/util-dynamodb';
import type { AnyDynamoClient } from '../client/send.js';
import type { UnprocessedWrite } from './batch-errors.js';
import type { EpochTimestampFields, TimestampFields } from '../entity/entity-types.js';
import type { EntityModel } from '../entity/model.js';
import type { Table } from '../entity/table.js';
import { wireItemSize } from './wire-size.js';

/** One put or delete of a batch, ready to send, with what to report if it never happens. */
export interface WriteRequest {
  readonly table: string;
  /** Table + primary key: two requests with one id are writes of the same item. */
  readonly id: string;
  readonly request: { readonly PutRequest: { readonly Item: Record<string, unknown> } } | { readonly DeleteRequest: { readonly Key: Record<string, unknown> } };
  /**
   * Bytes this request adds to a BatchWriteItem body (for the 16 MB cap). Measured on the wire,
   * not as DynamoDB sizes items: 25 items under 400 KB each can still be over 16 MB as JSON.
   */
  readonly size: number;
  readonly write: UnprocessedWrite;
  /** Primary key attribute names of the table, to recognise the request in `UnprocessedItems`. */
  readonly keyNames: readonly string[];
  /**
   * The table's own client (its region, account, credentials): a batch sends each table's requests
   * through it. Absent: the batch's client.
   */
  readonly client?: AnyDynamoClient;
}

/**
 * One key value in a form that survives the round trip through DynamoDB: a number key sent as a
 * `bigint` comes back as a `number` when it is a safe integer, so both share one form.
 */
function keyPart(v: unknown): string {
  if (v instanceof Uint8Array) return `b:${Buffer.from(v).toString('base64')}`;
  if (typeof v === 'number' || typeof v === 'bigint') return `n:${String(v)}`;
  return `${typeof v}:${String(v)}`;
}

/**
 * Identity of an item: its table and primary key values. Each value goes in with its length: a
 * value may hold any character, the separator included, and two different keys must never read
 * the same (batches would drop one of their writes as a duplicate).
 */
export function itemId(table: string, key: Readonly<Record<string, unknown>>, names: readonly string[]): string {
  let id = table;
  for (const n of names) {
    const part = keyPart(key[n]);
    id += `\u0000${part.length}:${part}`;
  }
  return id;
}

const clientTags = new WeakMap<object, number>();
let clientCount = 0;

/** A number per client object: requests of tables with different clients never share a call. */
export function clientTag(client: AnyDynamoClient): number {
  const known = clientTags.get(client);
  if (known !== undefined) return known;
  clientTags.set(client, ++clientCount);
  return clientCount;
}

/** `{"PutRequest":{"Item":...}},` / `{"DeleteRequest":{"Key":...}},` around the item or key. */
const REQUEST_ENVELOPE_BYTES = 32;

/**
 * The request each listed write was made from. Kept apart from the entry (not a property of it), so
 * that `JSON.stringify` and `deepEqual` see `unprocessed` entries as before; resending an entry
 * dynakit listed sends this very request (same stored item, same times), with no second validation.
 */
const requestOfWrite = new WeakMap<UnprocessedWrite, WriteRequest>();

/**
 * The request an entry of `BatchWriteError.unprocessed` was made from, `undefined` for an object
 * dynakit did not make (an entry read back from JSON, or a copy).
 */
export function requestOf(write: UnprocessedWrite): WriteRequest | undefined {
  return requestOfWrite.get(write);
}

/**
 * The entry a `BatchWriteError` lists for a request never done, remembered with it (only writes
 * that fail are: the others cost nothing).
 */
export function listedWrite(r: WriteRequest): UnprocessedWrite {
  requestOfWrite.set(r.write, r);
  return r.write;
}

/** The request on `table`'s item whose stored form (item or key) is `stored`, reported as `write` if never done. */
function requestOn(table: Table, stored: Record<string, unknown>, request: WriteRequest['request'], write: UnprocessedWrite): WriteRequest {
  return {
    table: table.name,
    id: itemId(table.name, stored, table.primaryKeyNames),
    request,
    size: wireItemSize(stored) + REQUEST_ENVELOPE_BYTES,
    write,
    keyNames: table.primaryKeyNames,
    client: table.client,
  };
}

export function putRequest(
  model: EntityModel,
  item: Record<string, unknown>,
  given: Record<string, unknown>,
  timestamps?: { readonly createdAt: string | number; readonly updatedAt: string | number },
): WriteRequest {
  // Both read from one stored item, which the entity's one format stamped (see `UnprocessedWrite`).
  const times = timestamps as TimestampFields | EpochTimestampFields | undefined;
  const write = times === undefined ? { type: 'put' as const, entity: model.name, table: model.table.name, item: given } : { type: 'put' as const, entity: model.name, table: model.table.name, item: given, timestamps: times };
  return requestOn(model.table, item, { PutRequest: { Item: item } }, write);
}

export function deleteRequest(model: EntityModel, key: Record<string, unknown>, modelKey: Record<string, unknown>): WriteRequest {
  return requestOn(model.table, key, { DeleteRequest: { Key: key } }, { type: 'delete', entity: model.name, table: model.table.name, key: modelKey });
}

/**
 * The delete of an item as a read returned it (`deleteAll`), by its stored key: its entity's, listed
 * with the key composites the templates parse back, or, for an item of no entity, the table's.
 */
export function storedItemDelete(table: Table, model: EntityModel | undefined, item: Readonly<Record<string, unknown>>): WriteRequest {
  const key: Record<string, unknown> = {};
  for (const n of table.primaryKeyNames) key[n] = item[n];
  return model === undefined ? tableDeleteRequest(table, key) : deleteRequest(model, key, model.keys.storedComposites(key));
}

/**
 * A delete by physical primary key (`AppTable.delete(key)`, `key` already checked): listed, if never
 * done, under the table's name (`entity: 'table App'`) with that physical key.
 */
export function tableDeleteRequest(table: Table, key: Record<string, unknown>): WriteRequest {
  return requestOn(table, key, { DeleteRequest: { Key: key } }, { type: 'delete', entity: `table ${table.name}`, table: table.name, key: { ...key } });
}

/**
 * The request as BatchWriteItem sends it, marshalled as lib-dynamodb's BatchWriteCommand would
 * (`settings` from `marshallSettings(client)`).
 */
export function marshallWrite(request: WriteRequest['request'], settings: marshallOptions | undefined): RawWriteRequest {
  return 'PutRequest' in request
    ? { PutRequest: { Item: marshall(request.PutRequest.Item, settings) as Record<string, AttributeValue> } }
    : { DeleteRequest: { Key: marshall(request.DeleteRequest.Key, settings) as Record<string, AttributeValue> } };
}
