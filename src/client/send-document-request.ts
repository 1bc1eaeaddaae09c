import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall, type marshallOptions } from '@aws-sdk/util-dynamodb';
import { ItemParseError } from '../errors.js';
import { marshallSettings, unmarshallSettings } from './marshal-settings.js';
import { sendCommand, type AnyDynamoClient } from './send.js';
import { unreadableNumber } from './unreadable-number.js';
import { exactKeyNumbers } from './exact-key-numbers.js';

type Plain = Record<string, unknown>;
type Raw = Record<string, AttributeValue>;

const COMMANDS = {
  GetItem: GetItemCommand,
  PutItem: PutItemCommand,
  UpdateItem: UpdateItemCommand,
  DeleteItem: DeleteItemCommand,
  Query: QueryCommand,
  Scan: ScanCommand,
};

/** The requests dynakit sends this way: the single-item ones, queries and scans. */
export type DocumentRequestKind = keyof typeof COMMANDS;

/** The parts of a request that carry values (in DocumentClient form). */
export interface DocumentRequest {
  readonly Key?: Plain | undefined;
  readonly Item?: Plain | undefined;
  readonly ExpressionAttributeValues?: Plain | undefined;
  readonly ExclusiveStartKey?: Plain | undefined;
}

/** Who a stored item belongs to, for the message of an `ItemParseError` (an entity's name). */
export type ItemOwner = string | ((raw: Raw) => string);

/**
 * The owner of an item read where one request can return several entities' items (table-level
 * reads, the item reads of a KEYS_ONLY index): the entity its discriminator attribute names, else
 * `fallback`.
 */
export function ownerByDiscriminator(entityAttribute: string, fallback: string): ItemOwner {
  return (raw) => raw[entityAttribute]?.S ?? fallback;
}

/**
 * Sends a request given in DocumentClient form (what `build()` returns) as the low-level command,
 * marshalling here with util-dynamodb and the client's own translate settings, which is what
 * lib-dynamodb's command would do, and returns the output in DocumentClient form.
 *
 * Why not lib-dynamodb's `GetCommand`, `QueryCommand`...: its wrapper command copies the client's
 * middleware stack and walks the input and output again in two more middlewares on every call.
 * Measured with the network stubbed, the low-level path takes 7-13% less time per single-item call
 * (bench/analysis.md). And an item holding a number JavaScript cannot read fails here as an
 * `ItemParseError` naming its owner and the attribute, where lib-dynamodb, unmarshalling inside the
 * SDK, throws a plain Error that names neither. With `unreadable`, such an item of a query's or
 * scan's `Items` is replaced by what it returns instead (to be skipped by `onInvalidItem`).
 */
export async function sendDocumentRequest<Output>(
  client: AnyDynamoClient,
  kind: DocumentRequestKind,
  owner: ItemOwner,
  input: DocumentRequest,
  signal?: AbortSignal,
  unreadable?: (error: ItemParseError) => Plain,
): Promise<Output> {
  const raw = marshallRequest(input, marshallSettings(client));
  const Command = COMMANDS[kind] as new (input: never) => object;
  const out = await sendCommand<{ Item?: Raw; Attributes?: Raw; Items?: Raw[]; LastEvaluatedKey?: Raw }>(client, new Command(raw as never), signal);
  if (out.Item === undefined && out.Attributes === undefined && out.Items === undefined && out.LastEvaluatedKey === undefined) return out as Output;
  const back = unmarshallSettings(client);
  const result: Record<string, unknown> = { ...out };
  if (out.Item !== undefined) result['Item'] = readItem(owner, out.Item, back);
  if (out.Attributes !== undefined) result['Attributes'] = readItem(owner, out.Attributes, back);
  if (out.Items !== undefined) {
    const items: Plain[] = new Array(out.Items.length);
    if (unreadable === undefined) for (let i = 0; i < items.length; i++) items[i] = readItem(owner, out.Items[i]!, back);
    else for (let i = 0; i < items.length; i++) items[i] = readListedItem(owner, out.Items[i]!, back, unreadable);
    result['Items'] = items;
    // As DynamoDB sent them: a cursor made of a row's key needs its numbers exactly (see exact-key-numbers.ts).
    result['RawItems'] = out.Items;
  }
  if (out.LastEvaluatedKey !== undefined) result['LastEvaluatedKey'] = exactKeyNumbers(readItem(owner, out.LastEvaluatedKey, back), out.LastEvaluatedKey);
  return result as Output;
}

/**
 * A copy of a request (or of one action of a transaction) in DocumentClient form with the values
 * it carries marshalled: `Key`, `Item`, `ExpressionAttributeValues`, `ExclusiveStartKey`; the rest
 * (names, expressions, options) as it is. `settings` from `marshallSettings(client)`.
 */
export function marshallRequest(input: DocumentRequest, settings: marshallOptions | undefined): Record<string, unknown> {
  const raw: Record<string, unknown> = { ...input };
  if (input.Key !== undefined) raw['Key'] = marshall(input.Key, settings);
  if (input.Item !== undefined) raw['Item'] = marshall(input.Item, settings);
  if (input.ExpressionAttributeValues !== undefined) raw['ExpressionAttributeValues'] = marshall(input.ExpressionAttributeValues, settings);
  if (input.ExclusiveStartKey !== undefined) raw['ExclusiveStartKey'] = marshall(input.ExclusiveStartKey, settings);
  return raw;
}

/** One action of a TransactWriteItems request in DocumentClient form (`{ Put: {...} }`, ...), marshalled. */
export function marshallTransactAction(action: Readonly<Record<string, DocumentRequest | undefined>>, settings: marshallOptions | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [kind, body] of Object.entries(action)) if (body !== undefined) out[kind] = marshallRequest(body, settings);
  return out;
}

/** `readItem`, with an item it cannot read replaced by what `unreadable` makes of its error (a query or scan row). */
function readListedItem(owner: ItemOwner, raw: Raw, options: Parameters<typeof unmarshall>[1], unreadable: (error: ItemParseError) => Plain): Plain {
  try {
    return readItem(owner, raw, options);
  } catch (e) {
    if (e instanceof ItemParseError) return unreadable(e);
    throw e;
  }
}

/**
 * util-dynamodb's unmarshall, with its plain Error for a number JavaScript cannot hold turned into
 * an `ItemParseError` naming the owner and the attribute (its `raw` is the item as DynamoDB sent it).
 * Batch and transaction gets read their items with it too.
 */
export function readItem(owner: ItemOwner, raw: Raw, options: Parameters<typeof unmarshall>[1]): Plain {
  try {
    return unmarshall(raw, options);
  } catch (e) {
    const found = unreadableNumber(raw);
    if (found === undefined) throw e;
    const message = `stored number ${found.text} cannot be read: a decimal beyond Number.MAX_SAFE_INTEGER is neither a JavaScript number nor a bigint`;
    const error = new ItemParseError(typeof owner === 'string' ? owner : owner(raw), [{ path: found.path, message }], raw);
    error.cause = e;
    throw error;
  }
}
