/**
 * `npm run demo`: starts DynamoDB Local (or uses DYNAMODB_ENDPOINT), runs the demo against it,
 * and always stops the server again.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localClientConfig, startDynamoDBLocal } from '../test/support/dynamodb-local.js';
import { runDemo } from './demo.js';

// The SDK warns on Node 20 about its own future releases; that is noise for a demo.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

async function main(): Promise<void> {
  const started = performance.now();
  const server = await startDynamoDBLocal();
  const client = new DynamoDBClient(localClientConfig(server.endpoint));
  try {
    const tableName = `dynakit-demo-${Date.now().toString(36)}`;
    console.log(`dynakit demo: DynamoDB Local at ${server.endpoint} (ready in ${Math.round(performance.now() - started)} ms)`);
    await runDemo({ client, tableName });
  } finally {
    client.destroy();
    await server.stop();
  }
}

main().then(
  () => {
    process.exitCode = 0;
  },
  (err: unknown) => {
    console.error('\ndemo failed:', err);
    process.exitCode = 1;
  },
);
