/**
 * What dynakit marshals and unmarshals with where it sends low-level commands (single-item
 * requests, queries, scans, batch and transaction gets), so that they carry the bytes
 * lib-dynamodb's commands would for the same client: a DocumentClient's own translate settings (a
 * plain DynamoDBClient has none: util-dynamodb's defaults, as with lib-dynamodb).
 */
import type { TranslateConfig } from '@aws-sdk/lib-dynamodb';
import type { marshallOptions, unmarshallOptions } from '@aws-sdk/util-dynamodb';
import type { AnyDynamoClient } from './send.js';

function translateConfig(client: AnyDynamoClient): TranslateConfig | undefined {
  return (client as { config?: { translateConfig?: TranslateConfig } }).config?.translateConfig;
}

/**
 * Options for `marshall` of a whole Key, Item or values map (DocumentClient form) for `client`.
 *
 * lib-dynamodb marshals value by value and sets `convertTopLevelContainer` on the shared settings
 * object (on first use); here whole maps are converted, so it must be off.
 */
export function marshallSettings(client: AnyDynamoClient): marshallOptions | undefined {
  const given = translateConfig(client)?.marshallOptions;
  return given && { ...given, convertTopLevelContainer: false };
}

/**
 * Options for `unmarshall` of a whole item or key as DynamoDB sends it, for `client`. lib-dynamodb
 * sets `convertWithoutMapWrapper` on the shared settings object (on first use); a whole map is
 * read here, so it must be off.
 */
export function unmarshallSettings(client: AnyDynamoClient): unmarshallOptions | undefined {
  const given = translateConfig(client)?.unmarshallOptions;
  return given && { ...given, convertWithoutMapWrapper: false };
}
