import { DeleteItemCommand, GetItemCommand, PutItemCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { TranslateConfig } from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { ItemParseError } from '../errors.js';
import { sendCommand, type AnyDynamoClient } from './send.js';
import { unreadableNumber } from './unreadable-number.js';

type Plain = Record<string, unknown>;
type Raw = Record<string, AttributeValue>;

const COMMANDS = { GetItem: GetItemCommand, PutItem: PutItemCommand, UpdateItem: UpdateItemCommand, DeleteItem: DeleteItemCommand };

/** The parts of a single-item request that carry values (in DocumentClient form). */
interface ItemRequest {
  readonly Key?: Plain | undefined;
  readonly Item?: Plain | undefined;
  readonly ExpressionAttributeValues?: Plain | undefined;
}

/**
 * Sends a GetItem / PutItem / UpdateItem / DeleteItem request given in DocumentClient form (what
 * `build()` returns) as the low-level command, marshalling here with util-dynamodb and the
 * client's own translate settings, which is what lib-dynamodb's command would do.
 *
 * Why not lib-dynamodb's `GetCommand`: its wrapper command copies the client's middleware stack
 * and walks the input and output again in two more middlewares on every call. Measured with the
 * network stubbed, the low-level path takes 7-13% less time per call (bench/analysis.md); these
 * four requests are what a service sends most. Reads of many items (query, scan, batches,
 * transactions) stay on lib-dynamodb, where its unmarshalling measured no slower.
 */
export async function sendItemRequest<Output>(client: AnyDynamoClient, op: keyof typeof COMMANDS, entity: string, input: ItemRequest, signal?: AbortSignal): Promise<Output> {
  const translate = (client as { config?: { translateConfig?: TranslateConfig } }).config?.translateConfig;
  // lib-dynamodb marshals value by value and sets these two flags on the shared settings object
  // (on first use); here whole maps are converted, so they must be off.
  const options = translate?.marshallOptions && { ...translate.marshallOptions, convertTopLevelContainer: false };
  const raw: Record<string, unknown> = { ...input };
  if (input.Key !== undefined) raw['Key'] = marshall(input.Key, options);
  if (input.Item !== undefined) raw['Item'] = marshall(input.Item, options);
  if (input.ExpressionAttributeValues !== undefined) raw['ExpressionAttributeValues'] = marshall(input.ExpressionAttributeValues, options);
  const Command = COMMANDS[op] as new (input: never) => object;
  const out = await sendCommand<{ Item?: Raw; Attributes?: Raw }>(client, new Command(raw as never), signal);
  if (out.Item === undefined && out.Attributes === undefined) return out as Output;
  const back = translate?.unmarshallOptions && { ...translate.unmarshallOptions, convertWithoutMapWrapper: false };
  const result: Record<string, unknown> = { ...out };
  if (out.Item !== undefined) result['Item'] = readItem(entity, out.Item, back);
  if (out.Attributes !== undefined) result['Attributes'] = readItem(entity, out.Attributes, back);
  return result as Output;
}

/**
 * util-dynamodb's unmarshall, with its plain Error for a number JavaScript cannot hold turned into
 * an `ItemParseError` naming the entity and the attribute (its `raw` is the item as DynamoDB sent it).
 */
function readItem(entity: string, raw: Raw, options: Parameters<typeof unmarshall>[1]): Plain {
  try {
    return unmarshall(raw, options);
  } catch (e) {
    const found = unreadableNumber(raw);
    if (found === undefined) throw e;
    const message = `stored number ${found.text} cannot be read: a decimal beyond Number.MAX_SAFE_INTEGER is neither a JavaScript number nor a bigint`;
    const error = new ItemParseError(entity, [{ path: found.path, message }], raw);
    error.cause = e;
    throw error;
  }
}
