/**
 * Stream images as DynamoDB Local really produces them, parsed against what `get` reads for the
 * same item (thirteenth session's review). Records are read with @aws-sdk/client-dynamodb-streams
 * and also turned into the Lambda event form (base64 binaries), as in streams.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { z } from 'zod';
import { StreamRecordError, defineEntity, defineTable, type StreamRecordInput } from '../../src/index.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { asLambdaEvent, readStream, type SdkStreamRecord } from '../support/stream-records.js';
import { testClient, testEndpoint, uniqueTableName } from '../support/client.js';

const client = testClient();
let streams: DynamoDBStreamsClient;

const AppTable = defineTable({
  name: uniqueTableName('streams-review'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  stream: 'NEW_AND_OLD_IMAGES',
});
const Profile = defineEntity({
  table: AppTable,
  name: 'Profile',
  schema: z.object({
    profileId: z.string(),
    prefs: z.record(z.string(), z.string()),
    contact: z.object({ phone: z.string().optional() }),
    history: z.array(z.object({ note: z.string().optional() })),
    avatar: z.instanceof(Buffer).optional(),
  }),
  keys: { primary: { pk: 'PROFILE#{profileId}', sk: 'PROFILE' } },
});

const Account = defineEntity({
  table: AppTable,
  name: 'Account',
  schema: z.object({ accountId: z.string(), balance: z.number(), history: z.array(z.number()).optional() }),
  keys: { primary: { pk: 'ACCOUNT#{accountId}', sk: 'ACCOUNT' } },
});



let records: SdkStreamRecord[];

beforeAll(async () => {
  streams = new DynamoDBStreamsClient({ ...localClientConfig(testEndpoint()), maxAttempts: 2 });
  await AppTable.create();
  await Profile.put({ profileId: 'p1', prefs: {}, contact: {}, history: [{}, { note: 'hi' }], avatar: Buffer.from([137, 80]) });
  await Profile.update({ profileId: 'p1' }).set({ prefs: { lang: 'fr' } });
  records = await readStream(client, streams, AppTable.name, 2);
}, 30_000);

afterAll(async () => {
  await AppTable.drop();
  streams.destroy();
  client.destroy();
});

describe('empty maps in stream images', () => {
  it('DynamoDB Local 3.x sends an empty map without its M tag ({}); it still parses, as the item get reads', async () => {
    expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY']);
    // Local 3.x hands out {} (real DynamoDB, and Local 2.x, send { M: {} }): amazon-dynamodb-local-samples#37.
    expect([{}, { M: {} }]).toContainEqual(records[0]!.dynamodb?.NewImage?.['prefs']);
    const stored = await Profile.get({ profileId: 'p1' });
    expect(stored?.prefs).toEqual({ lang: 'fr' });
    for (const event of [{ Records: records as unknown as StreamRecordInput[] }, asLambdaEvent(records)]) {
      const { events, errors } = AppTable.streamParser(Profile).event(event);
      expect(errors.map((e) => e.message)).toEqual([]);
      expect(events.map((e) => e.type)).toEqual(['INSERT', 'MODIFY']);
      expect(events[0]!.newItem).toEqual({ ...stored, prefs: {} });
      expect(events[1]!.oldItem).toEqual({ ...stored, prefs: {} });
      expect(events[1]!.newItem).toEqual(stored);
      expect(Buffer.isBuffer(events[1]!.newItem?.avatar)).toBe(true);
    }
  });
});

describe('a decimal beyond 2^53 (another writer, or add(0.5) to a counter near 2^53)', () => {
  it('fails the image, naming the attribute, as get fails on it, instead of rounding it silently', async () => {
    const big = '9007199254740993.5';
    await client.send(
      new PutItemCommand({
        TableName: AppTable.name,
        Item: { pk: { S: 'ACCOUNT#a1' }, sk: { S: 'ACCOUNT' }, _et: { S: 'Account' }, accountId: { S: 'a1' }, balance: { N: '1' }, history: { L: [{ N: '2' }, { N: big }] } },
      }),
    );
    // The DocumentClient cannot read it as a JS number without losing digits, and says so.
    await expect(Account.get({ accountId: 'a1' })).rejects.toThrow(/BigInt|9007199254740993\.5/);
    const all = await readStream(client, streams, AppTable.name, 3);
    const record = all.find((r) => r.dynamodb?.Keys?.['pk']?.S === 'ACCOUNT#a1');
    for (const event of [{ Records: [record as unknown as StreamRecordInput] }, asLambdaEvent([record!])]) {
      const { events, errors } = AppTable.parseStreamEvent(event);
      expect(events).toEqual([]); // it was an event whose history[1] was 9007199254740994
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(StreamRecordError);
      expect(errors[0]!.reason).toBe('malformed');
      expect(errors[0]!.message).toContain(`history[1]: ${big}`);
    }
  });
});
