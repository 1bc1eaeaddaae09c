/** vitest globalSetup for the "integration" project: one DynamoDB Local server per test run. */
import type { TestProject } from 'vitest/node';
import { startDynamoDBLocal } from './dynamodb-local.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const t0 = performance.now();
  const server = await startDynamoDBLocal();
  const ms = Math.round(performance.now() - t0);
  const source = process.env['DYNAMODB_ENDPOINT'] ? 'DYNAMODB_ENDPOINT' : 'started';
  console.log(`[dynakit] DynamoDB Local at ${server.endpoint} (${source} in ${ms} ms)`);
  project.provide('dynamodbEndpoint', server.endpoint);
  return async () => {
    await server.stop();
  };
}
