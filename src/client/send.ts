import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Anything with the SDK's `send`: a DynamoDBClient or a DynamoDBDocumentClient. */
export type AnyDynamoClient = DynamoDBClient | DynamoDBDocumentClient;

interface Sendable {
  send(command: unknown, options?: unknown): Promise<unknown>;
}

/**
 * Sends a lib-dynamodb command (`PutCommand`, ...) through either client. lib-dynamodb commands
 * marshal in their own middleware, so they run on a plain DynamoDBClient too; we deliberately do
 * not call `DynamoDBDocumentClient.from(client)`, which would overwrite the marshalling options
 * of any DocumentClient the user built on the same client.
 */
export function sendCommand<Output>(client: AnyDynamoClient, command: unknown): Promise<Output> {
  return (client as unknown as Sendable).send(command) as Promise<Output>;
}
