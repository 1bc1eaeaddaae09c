/**
 * DocumentClient settings that would change what dynakit stores or reads are refused before
 * anything is sent; harmless ones work. `DynamoDBDocumentClient.from(client, settings)` writes its
 * settings into the config it shares with `client`, so the check also runs on every send.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { UnsupportedClientError } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';

const clean = testDocClient(testClient());
const ada = { userId: 'u1', orgId: 'acme', email: 'ada@example.com', name: '', age: 36 };

afterAll(() => {
  clean.destroy();
});

describe('DocumentClient settings', () => {
  it.each([
    [{ unmarshallOptions: { wrapNumbers: true } }, /wrapNumbers/],
    [{ unmarshallOptions: { wrapNumbers: (v: string) => Number(v) } }, /wrapNumbers/],
    [{ marshallOptions: { convertEmptyValues: true } }, /convertEmptyValues/],
  ])('defineTable refuses a client with %o', (settings, message) => {
    const doc = DynamoDBDocumentClient.from(testClient(), settings);
    expect(() => appModel(doc as never, uniqueTableName('settings'))).toThrow(UnsupportedClientError);
    expect(() => appModel(doc as never, uniqueTableName('settings'))).toThrow(message);
    doc.destroy();
  });

  it('a DocumentClient made on the same client after defineTable stops every send, before anything is stored', async () => {
    const client = testClient();
    const { AppTable, User } = appModel(client, uniqueTableName('settings-late'));
    await AppTable.create();
    try {
      // convertEmptyValues would store the empty name as NULL: an item the schema cannot read back.
      const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { convertEmptyValues: true } });
      await expect(User.put(ada)).rejects.toThrow(UnsupportedClientError);
      await expect(User.get({ userId: 'u1' })).rejects.toThrow(/convertEmptyValues/);
      await expect(AppTable.batchWrite([User.put(ada)])).rejects.toThrow(/convertEmptyValues/);
      expect((await clean.send(new ScanCommand({ TableName: AppTable.name }))).Items).toEqual([]);
      doc.config.translateConfig = undefined;
    } finally {
      await AppTable.drop();
      client.destroy();
    }
  });

  it('harmless settings (removeUndefinedValues, convertClassInstanceToMap, wrapNumbers: false) work', async () => {
    const doc = DynamoDBDocumentClient.from(testClient(), {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
      unmarshallOptions: { wrapNumbers: false },
    });
    const { AppTable, User } = appModel(doc as never, uniqueTableName('settings-ok'));
    await AppTable.create();
    try {
      await User.put(ada);
      expect(await User.get({ userId: 'u1' })).toMatchObject({ name: '', age: 36 });
    } finally {
      await AppTable.drop();
      doc.destroy();
    }
  });
});
