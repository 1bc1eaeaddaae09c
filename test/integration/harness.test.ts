// Smoke test for the test harness itself: the globalSetup-provided endpoint works with the plain AWS SDK.
import { CreateTableCommand, DeleteTableCommand, ListTablesCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { testClient, testDocClient, testEndpoint, uniqueTableName } from '../support/client.js';

describe('test harness', () => {
  const client = testClient();
  const doc = testDocClient(client);
  const TableName = uniqueTableName('harness');

  afterAll(() => {
    client.destroy();
  });

  it('provides a DynamoDB Local endpoint', () => {
    expect(testEndpoint()).toMatch(/^https?:\/\//);
  });

  it('creates a table, puts/gets an item, deletes the table', async () => {
    await client.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 20, minDelay: 1, maxDelay: 1 }, { TableName });

    const item = { pk: 'USER#1', sk: 'PROFILE', name: 'Ada', tags: new Set(['a', 'b']), n: 42, nested: { ok: true } };
    await doc.send(new PutCommand({ TableName, Item: item }));
    const got = await doc.send(new GetCommand({ TableName, Key: { pk: 'USER#1', sk: 'PROFILE' }, ConsistentRead: true }));
    expect(got.Item).toEqual(item);

    await client.send(new DeleteTableCommand({ TableName }));
    const tables = await client.send(new ListTablesCommand({}));
    expect(tables.TableNames ?? []).not.toContain(TableName);
  });

  it('generates valid, distinct table names', () => {
    const names = new Set(Array.from({ length: 50 }, () => uniqueTableName('Weird Prefix/ä')));
    expect(names.size).toBe(50);
    for (const n of names) {
      expect(n).toMatch(/^[a-z0-9_.-]{3,255}$/);
    }
    expect(uniqueTableName('x'.repeat(400)).length).toBeLessThanOrEqual(255);
  });
});
