/** Helpers for integration tests (test/integration/**). Requires the "integration" vitest project's globalSetup. */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, type TranslateConfig } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { localClientConfig } from './dynamodb-local.js';

/** Endpoint of the DynamoDB Local server started by test/support/global-setup.ts. */
export function testEndpoint(): string {
  const endpoint = inject('dynamodbEndpoint');
  if (typeof endpoint !== 'string' || endpoint === '') {
    throw new Error(
      'No DynamoDB endpoint was provided. Integration helpers only work in the "integration" vitest project ' +
        '(test/integration/**), whose globalSetup starts DynamoDB Local.',
    );
  }
  return endpoint;
}

/** A low-level DynamoDBClient for the test server. Call `.destroy()` when done (e.g. in afterAll). */
export function testClient(): DynamoDBClient {
  return new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 2 });
}

/** A DynamoDBDocumentClient wrapping `client` (or a fresh testClient()). */
export function testDocClient(client: DynamoDBClient = testClient(), translateConfig?: TranslateConfig): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, translateConfig);
}

let counter = 0;

/**
 * A unique, valid table name: `<prefix>-<pid>-<counter>-<random>`; all lowercase, so no two names differ only by case.
 * Characters outside [a-z0-9_.-] in the prefix are replaced by `_`; the result is 3..255 chars.
 */
export function uniqueTableName(prefix = 'test'): string {
  counter += 1;
  const clean = prefix.toLowerCase().replace(/[^a-z0-9_.-]/g, '_').slice(0, 200) || 't';
  const name = `${clean}-${process.pid}-${counter}-${randomBytes(4).toString('hex')}`;
  return name.length >= 3 ? name : name.padEnd(3, '_');
}
