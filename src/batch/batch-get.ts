import { BatchGetItemCommand, type AttributeValue, type BatchGetItemCommandOutput } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall, type unmarshallOptions } from '@aws-sdk/util-dynamodb';
import { marshallSettings, unmarshallSettings } from '../client/marshal-settings.js';
import { readItem, type ItemOwner } from '../client/send-document-request.js';
import { SignalFanout, sendCommand, type AnyDynamoClient, type RequestOptions } from '../client/send.js';
import { BatchGetError } from './batch-errors.js';
import { ItemParseError } from '../errors.js';
import type { GetBuilder } from '../operations/get.js';
import { backoffDelay, isRetryableError, resolveBackoff, resolveConcurrency, sleep, type BackoffOptions } from './backoff.js';
import { clientTag, itemId } from './write-request.js';
import { tableEntry } from '../entity/table-name.js';
import { exactKeyNumbers } from '../client/exact-key-numbers.js';

/** DynamoDB's cap on keys per BatchGetItem call. */
export const MAX_BATCH_GET = 100;

export interface BatchGetOptions extends BackoffOptions, RequestOptions {
  /** BatchGetItem calls in flight at once. Default 4. */
  readonly concurrency?: number;
}

/** Result tuple of a batch get: each builder's result type, or `undefined` for a missing item. */
export type BatchGetResults<B extends readonly GetBuilder<unknown>[]> = { -readonly [I in keyof B]: B[I] extends GetBuilder<infer R> ? R | undefined : never };

/** One key to read, with what its request carries; `group`s share one `RequestItems[table]` entry. */
export interface KeyLookup {
  readonly table: string;
  /** The table's physical key attribute names (to match results to keys). */
  readonly keyNames: readonly string[];
  readonly id: string;
  readonly key: Record<string, unknown>;
  /** Requests with the same group share one `RequestItems[table]` entry (projection, consistency). */
  readonly group: string;
  readonly entry: { ConsistentRead?: boolean; ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> };
  /** Whom an `ItemParseError` names when the stored item cannot be read: the entity it was asked for. */
  readonly owner: ItemOwner;
  /** The table's own client, when it may differ from the batch's (a group holds lookups of one client). */
  readonly client?: AnyDynamoClient;
}

interface Lookup extends KeyLookup {
  readonly builder: GetBuilder<unknown>;
}

/**
 * Reads many items by key: duplicate keys are asked once, calls carry up to 100 keys,
 * `UnprocessedKeys` are resent with backoff, and results come back in the order asked
 * (`undefined` for missing items), each parsed by its entity.
 */
export async function batchGetAll<B extends readonly GetBuilder<unknown>[]>(
  client: AnyDynamoClient,
  builders: B,
  options: BatchGetOptions = {},
): Promise<BatchGetResults<B>> {
  const lookups: Lookup[] = builders.map((builder) => {
    // With a projection, it reads the keys too: they match results to requests.
    const input = builder.batchInput();
    const model = builder.model;
    const key = input.Key as Record<string, unknown>;
    const entry: Lookup['entry'] = {};
    if (input.ConsistentRead === true) entry.ConsistentRead = true;
    if (input.ProjectionExpression !== undefined) {
      entry.ProjectionExpression = input.ProjectionExpression;
      entry.ExpressionAttributeNames = input.ExpressionAttributeNames;
    }
    const table = model.table.name;
    // A table with a client of its own (another region or account) is read through it, in calls of its own.
    const tableClient = model.table.client;
    const group = `${table}\u0000${clientTag(tableClient)}\u0000${JSON.stringify(entry)}`;
    return { builder, table, keyNames: model.primaryKeyNames, id: itemId(table, key, model.primaryKeyNames), key, group, entry, owner: model.name, client: tableClient };
  });

  const found = await fetchLookups(client, lookups, options);
  return lookups.map((l) => {
    const raw = found.get(lookupId(l));
    return raw === undefined ? undefined : l.builder.parseItem(raw);
  }) as BatchGetResults<B>;
}

/** The key of a lookup's item in `fetchLookups`' result: the same key read the same way. */
export const lookupId = (l: Pick<KeyLookup, 'group' | 'id'>): string => `${l.group}\u0001${l.id}`;

/**
 * What stands in `fetchLookups`' result for a stored item JavaScript cannot read (a number beyond
 * 2^53): a row made of its `ItemParseError`, or `undefined` to leave it out as if it were gone.
 * Without it, such an item rejects the whole read (as `batchGet`, whose answers are positional).
 */
export type UnreadableItem = (error: ItemParseError) => Record<string, unknown> | undefined;

/**
 * Reads the raw items of `lookups` (the batch-get loop without parsing): duplicates asked once,
 * calls of up to 100 keys, `UnprocessedKeys` resent with backoff. Found items are keyed by
 * `lookupId`; a missing item has no entry.
 */
export async function fetchLookups(
  client: AnyDynamoClient,
  lookups: readonly KeyLookup[],
  options: BatchGetOptions = {},
  unreadable?: UnreadableItem,
  /** The found items' key numbers exactly as stored (see exact-key-numbers.ts): for items that are deleted by their keys, never parsed. */
  exactKeys = false,
): Promise<Map<string, Record<string, unknown>>> {
  const backoff = resolveBackoff(options);
  const concurrency = resolveConcurrency(options.concurrency);
  // One request per distinct (group, key).
  const unique = new Map<string, KeyLookup>();
  for (const l of lookups) unique.set(lookupId(l), l);
  const byGroup = new Map<string, KeyLookup[]>();
  for (const l of unique.values()) (byGroup.get(l.group) ?? byGroup.set(l.group, []).get(l.group)!).push(l);

  const chunks: KeyLookup[][] = [];
  for (const group of byGroup.values()) for (let i = 0; i < group.length; i += MAX_BATCH_GET) chunks.push(group.slice(i, i + MAX_BATCH_GET));

  const found = new Map<string, Record<string, unknown>>();
  // Lookups DynamoDB answered (found or not): the rest are what a BatchGetError reports.
  const settled = new Set<string>();
  let next = 0;
  // Always a fan-out, not only with a caller's signal: once one call fails, the caller has its
  // error, and the other workers must stop (no further chunk, no retry, calls in flight aborted)
  // rather than keep reading for nobody.
  const fanout = new SignalFanout(options.abortSignal);
  let failed = false;
  const worker = async (): Promise<void> => {
    const line = fanout.open();
    try {
      while (!failed && next < chunks.length) {
        const chunk = chunks[next++]!;
        await readChunk(chunk[0]!.client ?? client, chunk, found, settled, backoff, line.signal, unreadable, exactKeys);
      }
    } catch (e) {
      failed = true;
      fanout.stop(e);
      throw e;
    } finally {
      line.close();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, worker));
  } catch (e) {
    // The chunk that ran out of retries is one of several: the others were stopped or never
    // started, and their keys are not read either. Report them all, so the caller can read them again.
    if (!(e instanceof BatchGetError)) throw e;
    const unread = [...unique.values()].filter((l) => !settled.has(lookupId(l))).map((l) => ({ table: l.table, key: l.key }));
    throw new BatchGetError(unread, e.cause);
  }
  return found;
}

async function readChunk(
  client: AnyDynamoClient,
  chunk: readonly KeyLookup[],
  found: Map<string, Record<string, unknown>>,
  settled: Set<string>,
  backoff: ReturnType<typeof resolveBackoff>,
  signal: AbortSignal | undefined,
  unreadable: UnreadableItem | undefined,
  exactKeys: boolean,
): Promise<void> {
  const first = chunk[0]!;
  const { table, keyNames: names } = first;
  // Sent as the low-level command, marshalled here as lib-dynamodb's BatchGetCommand would (the
  // same bytes): its unmarshalling inside the SDK fails on an unreadable number with a plain Error
  // that names neither the entity nor the attribute.
  const settings = marshallSettings(client);
  const back = unmarshallSettings(client);
  const owner = chunkOwner(chunk, back);
  let keys = chunk.map((l) => l.key);
  let attempts = 0;
  let lastError: unknown;
  while (keys.length > 0) {
    attempts++;
    let progressed = false;
    let out: BatchGetItemCommandOutput | undefined;
    try {
      const Keys = keys.map((key) => marshall(key, settings));
      out = await sendCommand<BatchGetItemCommandOutput>(client, new BatchGetItemCommand({ RequestItems: { [table]: { ...first.entry, Keys } } }), signal);
    } catch (e) {
      // An abort's reason can look retryable (AbortSignal.timeout's is a TimeoutError).
      if (signal?.aborted === true || !isRetryableError(e)) throw e;
      lastError = e;
    }
    if (out !== undefined) {
      // A table named by ARN may be answered under its name (DynamoDB Local does): see table-name.ts.
      for (const raw of tableEntry(out.Responses, table) ?? []) {
        let item: Record<string, unknown> | undefined;
        let key: Record<string, unknown>;
        try {
          item = readItem(owner, raw, back);
          // Its key numbers exactly, as the key asked holds them (an index row's, see exact-key-numbers.ts).
          key = exactKeyNumbers(item, raw, names);
          if (exactKeys) item = key;
        } catch (e) {
          if (unreadable === undefined || !(e instanceof ItemParseError)) throw e;
          item = unreadable(e);
          key = storedKey(raw, names, back);
        }
        if (item !== undefined) found.set(lookupId({ group: first.group, id: itemId(table, key, names) }), item);
      }
      // Kept in DocumentClient form: resent like the first keys, and what a BatchGetError reports.
      const left = (tableEntry(out.UnprocessedKeys, table)?.Keys ?? []).map((key) => exactKeyNumbers(unmarshall(key, back), key));
      const pending = new Set(left.map((key) => itemId(table, key, names)));
      for (const key of keys) {
        const id = itemId(table, key, names);
        if (!pending.has(id)) settled.add(lookupId({ group: first.group, id }));
      }
      progressed = left.length < keys.length;
      keys = left;
      lastError = undefined;
    }
    if (keys.length === 0) return;
    if (progressed) attempts = 0;
    if (attempts >= backoff.maxAttempts) {
      throw new BatchGetError(keys.map((key) => ({ table, key })), lastError);
    }
    await sleep(backoffDelay(Math.max(attempts - 1, 0), backoff), signal);
  }
}

/**
 * Whom an `ItemParseError` names for a stored item of `chunk`: the owner of the lookup with the
 * item's key (a chunk can hold keys of several entities of one table). Only asked for an item
 * that did not read, so the key is matched then, not for every item.
 */
function chunkOwner(chunk: readonly KeyLookup[], back: unmarshallOptions | undefined): ItemOwner {
  const first = chunk[0]!;
  return (raw: Record<string, AttributeValue>) => {
    let lookup = first;
    if (chunk.some((l) => l.owner !== first.owner)) {
      const id = itemId(first.table, storedKey(raw, first.keyNames, back), first.keyNames);
      lookup = chunk.find((l) => l.id === id) ?? first;
    }
    return typeof lookup.owner === 'string' ? lookup.owner : lookup.owner(raw);
  };
}

/** The primary key of a stored item that may not read whole: the key reads (it is one of the keys asked, marshalled from JavaScript values). */
function storedKey(raw: Record<string, AttributeValue>, names: readonly string[], back: unmarshallOptions | undefined): Record<string, unknown> {
  const key: Record<string, AttributeValue> = {};
  for (const n of names) if (raw[n] !== undefined) key[n] = raw[n];
  return exactKeyNumbers(unmarshall(key, back), key);
}
