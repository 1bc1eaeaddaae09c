/**
 * dynakit's commands skip the SDK's log-redaction walk (src/client/unredacted-logs.ts); a
 * logger the application gives the client must still receive every call with its whole input and
 * output, and the application's own commands on that client are still logged.
 */
import { describe, expect, it } from 'vitest';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { localClientConfig } from '../support/dynamodb-local.js';
import { testEndpoint, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';
import { appModel } from '../fixtures/app-model.js';

interface Logged {
  readonly commandName: string;
  readonly input: Record<string, unknown>;
  readonly output: Record<string, unknown>;
}

const logged: Logged[] = [];
const logger = { debug: () => {}, info: (entry: Logged) => void logged.push(entry), warn: () => {}, error: () => {} };
const client = new DynamoDBClient({ ...localClientConfig(testEndpoint()), logger });
const { AppTable, User } = appModel(client, uniqueTableName('sdk-logger'));
useTable(AppTable, { clients: [client] });

const ada = { userId: 'u1', orgId: 'acme', email: 'ada@example.com', name: 'Ada', age: 36, status: 'active' as const };

describe("the client's logger", () => {
  it("receives dynakit's requests and responses in full", async () => {
    logged.length = 0;
    await User.put(ada);
    await User.get({ userId: 'u1' });
    await User.query('gsi1', User.Key('orgId').eq('acme')).filter(User.Attr('age').gte(18));
    expect(logged.map((l) => l.commandName)).toEqual(['PutItemCommand', 'GetItemCommand', 'QueryCommand']);
    const [put, get, query] = logged as [Logged, Logged, Logged];
    expect(put.input).toMatchObject({ TableName: AppTable.name, Item: { userId: { S: 'u1' }, age: { N: '36' } } });
    expect(get.output).toMatchObject({ Item: { email: { S: 'ada@example.com' } } });
    expect(query.input).toMatchObject({ IndexName: 'gsi1' });
    expect(Object.values(query.input['ExpressionAttributeValues'] as object)).toContainEqual({ N: '18' });
    expect(query.output).toMatchObject({ Count: 1, Items: [{ name: { S: 'Ada' } }] });
  });

  it("gets dynakit's request itself, not the SDK's redacted copy of it (the walk is skipped)", async () => {
    // what the SDK's middlewares are given as the request, seen from the client's stack
    const inputs: unknown[] = [];
    client.middlewareStack.add((next) => (args) => (inputs.push(args.input), next(args)), { step: 'initialize', priority: 'low', name: 'seeInput' });
    try {
      logged.length = 0;
      await User.get({ userId: 'u1' });
      expect(inputs).toHaveLength(1);
      expect(logged[0]!.input).toBe(inputs[0]);
    } finally {
      client.middlewareStack.remove('seeInput');
    }
  });

  it("logs the application's own commands on the same client as before", async () => {
    logged.length = 0;
    const out = await client.send(new GetItemCommand({ TableName: AppTable.name, Key: { pk: { S: 'USER#u1' }, sk: { S: 'PROFILE' } } }));
    expect(logged).toHaveLength(1);
    expect(logged[0]!.output).toMatchObject({ Item: { name: { S: 'Ada' } } });
    expect(out.Item).toMatchObject({ name: { S: 'Ada' } });
  });
});
