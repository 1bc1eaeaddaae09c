/**
 * DynamoDB Streams end to end: tables created by dynakit with a stream, writes through dynakit
 * (and one raw item of an unregistered type), the shard read back with
 * @aws-sdk/client-dynamodb-streams (DescribeStream -> GetShardIterator TRIM_HORIZON -> GetRecords),
 * wrapped as the Lambda event a handler receives, and parsed with `parseStreamEvent` and the typed
 * `streamParser(User, Order)`. Every event is checked: type, entity, keys, images (Dates, Sets), and
 * `changedAttributes` for MODIFY. NEW_IMAGE and KEYS_ONLY view types too.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import {
  StreamRecordError,
  changedAttributes,
  defineEntity,
  defineTable,
  type EntityItem,
  type StreamRecordInput,
  type TableConfig,
} from '../../src/index.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { asKinesisEvent, asLambdaEvent, readStream, type SdkStreamRecord } from '../support/stream-records.js';
import { testClient, testDocClient, testEndpoint, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

type ViewType = NonNullable<TableConfig['stream']>;

/** The SPEC model's User and Order on a table with a stream of the given view type. */
function streamModel(client: DynamoDBClient, name: string, stream: ViewType) {
  const AppTable = defineTable({
    name,
    client,
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    indexes: { gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } } },
    stream,
  });
  const User = defineEntity({
    table: AppTable,
    name: 'User',
    schema: z.object({
      userId: z.string(),
      orgId: z.string(),
      email: z.email(),
      name: z.string(),
      age: z.number().int().optional(),
      tags: z.set(z.string()).optional(),
      birthday: z.date().optional(),
      address: z.object({ city: z.string() }).optional(),
    }),
    keys: { primary: { pk: 'USER#{userId}', sk: 'PROFILE' }, gsi1: { pk: 'ORG#{orgId}', sk: 'USER#{name}#{userId}' } },
    timestamps: true,
  });
  const Order = defineEntity({
    table: AppTable,
    name: 'Order',
    schema: z.object({
      orderId: z.string(),
      userId: z.string(),
      seq: z.number().int(),
      total: z.number(),
      placedAt: z.date(),
      lines: z.array(z.object({ sku: z.string(), qty: z.number().int() })),
    }),
    keys: { primary: { pk: 'USER#{userId}', sk: 'ORDER#{seq}#{orderId}' } },
  });
  return { AppTable, User, Order };
}

const client = testClient();
const doc = testDocClient(client);
let streams: DynamoDBStreamsClient;



const birthday = new Date('1990-05-17T00:00:00.000Z');
const placedAt = new Date('2025-01-02T03:04:05.678Z');
const ada = { userId: 'ada', orgId: 'acme', email: 'ada@example.com', name: 'Ada', tags: new Set(['admin', 'ops']), birthday };
const order = { orderId: 'o1', userId: 'ada', seq: 7, total: 42.5, placedAt, lines: [{ sku: 'A-1', qty: 2 }] };

beforeAll(() => {
  streams = new DynamoDBStreamsClient({ ...localClientConfig(testEndpoint()), maxAttempts: 2 });
});

afterAll(() => {
  streams.destroy();
  client.destroy();
});

describe('NEW_AND_OLD_IMAGES', () => {
  const { AppTable, User, Order } = streamModel(client, uniqueTableName('streams-both'), 'NEW_AND_OLD_IMAGES');
  let event: { Records: StreamRecordInput[] };
  let sdkRecords: SdkStreamRecord[];

  useTable(AppTable);

  beforeAll(async () => {
    await User.create(ada);
    await Order.create(order);
    await User.update({ userId: 'ada' }).set({ name: 'Ada L.', age: 36 }).add({ tags: new Set(['vip']) });
    await Order.delete({ userId: 'ada', seq: 7, orderId: 'o1' });
    // An item of a type no entity registers (e.g. written by another service).
    await doc.send(new PutCommand({ TableName: AppTable.name, Item: { pk: 'AUDIT#1', sk: 'AUDIT', _et: 'AuditLog', note: 'raw' } }));
    sdkRecords = await readStream(client, streams, AppTable.name, 5);
    event = asLambdaEvent(sdkRecords);
  }, 30_000);

  it('reads one record per write, in order, with both images', () => {
    expect(event.Records.map((r) => r.eventName)).toEqual(['INSERT', 'INSERT', 'MODIFY', 'REMOVE', 'INSERT']);
    expect(event.Records.every((r) => r.dynamodb?.StreamViewType === 'NEW_AND_OLD_IMAGES')).toBe(true);
  });

  it('parseStreamEvent: every write becomes an entity event; the unregistered record lands in unknown', () => {
    const { events, unknown, errors } = AppTable.parseStreamEvent(event);
    expect(errors).toEqual([]);
    expect(events.map((e) => [e.type, e.entity])).toEqual([
      ['INSERT', 'User'],
      ['INSERT', 'Order'],
      ['MODIFY', 'User'],
      ['REMOVE', 'Order'],
    ]);
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toBe(event.Records[4]);
    expect(unknown[0]!.dynamodb?.NewImage).toEqual({ pk: { S: 'AUDIT#1' }, sk: { S: 'AUDIT' }, _et: { S: 'AuditLog' }, note: { S: 'raw' } });
  });

  it('INSERT of a User: keys parsed from the stored key, NewImage parsed with Dates and Sets, no OldImage', () => {
    const [insert] = AppTable.parseStreamEvent(event).events;
    expect(insert!.type).toBe('INSERT');
    expect(insert!.keys).toEqual({ userId: 'ada' });
    expect(insert!.oldItem).toBeUndefined();
    expect(insert!.newItem).toEqual({ ...ada, createdAt: expect.any(String), updatedAt: expect.any(String) });
    expect(insert!.newItem!['birthday']).toBeInstanceOf(Date);
    expect(insert!.newItem!['tags']).toBeInstanceOf(Set);
    // Physical attributes (keys, discriminator) are not part of the model.
    expect(Object.keys(insert!.newItem!)).not.toEqual(expect.arrayContaining(['pk']));
    expect(insert!.record).toBe(event.Records[0]);
  });

  it('INSERT of an Order: composite keys decoded (padded number back to a number)', () => {
    const e = AppTable.parseStreamEvent(event).events[1]!;
    expect(e.keys).toEqual({ userId: 'ada', seq: 7, orderId: 'o1' });
    expect(e.newItem).toEqual(order);
    expect((e.newItem as typeof order).placedAt.getTime()).toBe(placedAt.getTime());
  });

  it('MODIFY: both images, and changedAttributes lists exactly what the update changed', () => {
    const e = AppTable.parseStreamEvent(event).events[2]!;
    expect(e.oldItem).toMatchObject({ name: 'Ada', tags: new Set(['admin', 'ops']) });
    expect(e.oldItem).not.toHaveProperty('age');
    expect(e.newItem).toMatchObject({ name: 'Ada L.', age: 36, tags: new Set(['admin', 'ops', 'vip']), birthday });
    expect(changedAttributes(e).sort()).toEqual(['age', 'name', 'tags', 'updatedAt']);
  });

  it('REMOVE: only the old image', () => {
    const e = AppTable.parseStreamEvent(event).events[3]!;
    expect(e.keys).toEqual({ userId: 'ada', seq: 7, orderId: 'o1' });
    expect(e.newItem).toBeUndefined();
    expect(e.oldItem).toEqual(order);
    expect(changedAttributes(e)).toEqual([]);
  });

  it('streamParser(User, Order): typed events discriminated by entity, same results', () => {
    const parse = AppTable.streamParser(User, Order);
    const { events, unknown, errors } = parse.event(event);
    expect(errors).toEqual([]);
    expect(unknown).toHaveLength(1);
    expect(events).toEqual(AppTable.parseStreamEvent(event).events);
    const emails: string[] = [];
    const totals: number[] = [];
    for (const e of events) {
      if (e.entity === 'User') {
        expectTypeOf(e.newItem).toEqualTypeOf<EntityItem<typeof User> | undefined>();
        if (e.newItem !== undefined) emails.push(e.newItem.email);
        if (e.type === 'MODIFY') expectTypeOf(changedAttributes(e)).toEqualTypeOf<(keyof EntityItem<typeof User> & string)[]>();
      } else {
        expectTypeOf(e.entity).toEqualTypeOf<'Order'>();
        const o = e.newItem ?? e.oldItem;
        if (o !== undefined) totals.push(o.total);
      }
    }
    expect(emails).toEqual(['ada@example.com', 'ada@example.com']);
    expect(totals).toEqual([42.5, 42.5]);
  });

  it('a parser for some entities only puts the others in unknown', () => {
    const { events, unknown } = AppTable.streamParser(Order).event(event);
    expect(events.map((e) => e.type)).toEqual(['INSERT', 'REMOVE']);
    expect(unknown.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'INSERT']);
  });

  it('parseStreamRecord parses one record; undefined for the unregistered one', () => {
    expect(AppTable.parseStreamRecord(event.Records[0]!)?.entity).toBe('User');
    expect(AppTable.parseStreamRecord(event.Records[4]!)).toBeUndefined();
    expect(AppTable.streamParser(User, Order).record(event.Records[1]!)?.entity).toBe('Order');
  });

  it('the SDK records (Uint8Array/Date values, not Lambda JSON) parse the same', () => {
    const fromSdk = AppTable.parseStreamEvent({ Records: sdkRecords as unknown as StreamRecordInput[] });
    expect(fromSdk.errors).toEqual([]);
    expect(fromSdk.events.map((e) => ({ ...e, record: undefined }))).toEqual(
      AppTable.parseStreamEvent(event).events.map((e) => ({ ...e, record: undefined })),
    );
  });

  it('told NEW_AND_OLD_IMAGES, the typed parser gives the same events, each with the images it promises', () => {
    const parse = AppTable.streamParser(User, Order).viewType('NEW_AND_OLD_IMAGES');
    const { events, unknown, errors } = parse.event(event);
    expect(errors).toEqual([]);
    expect(unknown).toHaveLength(1);
    expect(events).toEqual(AppTable.streamParser(User, Order).event(event).events);
    const seen: string[] = [];
    for (const e of events) {
      // No `if (e.newItem)`: the view type guarantees the images.
      if (e.entity === 'User' && e.type === 'INSERT') seen.push(`welcome ${e.newItem.email} (${e.keys.userId})`);
      if (e.entity === 'User' && e.type === 'MODIFY' && e.replaced === undefined) seen.push(`renamed ${e.oldItem.name} -> ${e.newItem.name}`);
      if (e.entity === 'Order' && e.type === 'REMOVE') seen.push(`refund ${e.oldItem.total} for #${e.keys.seq}`);
    }
    expect(seen).toEqual(['welcome ada@example.com (ada)', 'renamed Ada -> Ada L.', 'refund 42.5 for #7']);
  });

  it("told another view type, every record is malformed (its StreamViewType is NEW_AND_OLD_IMAGES), unknown ones included", () => {
    const { events, unknown, errors } = AppTable.streamParser(User, Order).viewType('NEW_IMAGE').event(event);
    expect([events, unknown]).toEqual([[], []]);
    expect(errors.map((e) => [e.reason, e.message])).toEqual(
      event.Records.map(() => ['malformed', "the record's StreamViewType is NEW_AND_OLD_IMAGES, but the parser was told NEW_IMAGE"]),
    );
  });

  it('the same changes through Kinesis Data Streams: a whole Lambda Kinesis event parses to the same events, told NEW_AND_OLD_IMAGES', () => {
    const kinesis = asKinesisEvent(sdkRecords, AppTable.name);
    const parse = AppTable.streamParser(User, Order).viewType('NEW_AND_OLD_IMAGES');
    const { events, unknown, errors } = parse.event(kinesis);
    expect(errors).toEqual([]);
    expect(unknown).toEqual([kinesis.Records[4]]);
    const fromStream = parse.event(event).events;
    const withoutRecord = (es: readonly object[]) => es.map((e) => ({ ...e, record: undefined, sequenceNumber: undefined }));
    expect(withoutRecord(events)).toEqual(withoutRecord(fromStream));
    // What a partial batch response names a failed record by: the Kinesis record's sequence
    // number there, the stream record's here.
    expect(events.map((e) => e.sequenceNumber)).toEqual(kinesis.Records.slice(0, 4).map((r) => r.kinesis.sequenceNumber));
    expect(fromStream.map((e) => e.sequenceNumber)).toEqual(event.Records.slice(0, 4).map((r) => r.dynamodb?.SequenceNumber));
    expect(fromStream.every((e) => typeof e.sequenceNumber === 'string')).toBe(true);
    // The event's record is the change record Kinesis carried: the table by name, no sequence number.
    expect(events.map((e) => [e.record.tableName, e.record.dynamodb?.SequenceNumber])).toEqual(events.map(() => [AppTable.name, undefined]));
    // Another table's Kinesis stream, fed to this parser, is unknown record by record.
    expect(parse.event(asKinesisEvent(sdkRecords, 'another-table')).unknown).toHaveLength(5);
  });

  it('one record that does not match its schema goes to errors; the rest of the batch still parses', async () => {
    // Someone wrote a User item with a bad email behind dynakit's back.
    await doc.send(
      new PutCommand({
        TableName: AppTable.name,
        Item: { pk: 'USER#bad', sk: 'PROFILE', _et: 'User', userId: 'bad', orgId: 'acme', email: 'not-an-email', name: 'Bad' },
      }),
    );
    const all = asLambdaEvent(await readStream(client, streams, AppTable.name, 6));
    const { events, unknown, errors } = AppTable.parseStreamEvent(all);
    expect(events).toHaveLength(4);
    expect(unknown).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(StreamRecordError);
    expect(errors[0]!.reason).toBe('schema-mismatch');
    expect(errors[0]!.record).toBe(all.Records[5]);
    expect(errors[0]!.message).toMatch(/User.*email/);
    expect(() => AppTable.parseStreamRecord(all.Records[5]!)).toThrow(StreamRecordError);
  });
});

describe('NEW_IMAGE', () => {
  const { AppTable, User, Order } = streamModel(client, uniqueTableName('streams-new'), 'NEW_IMAGE');
  let event: { Records: StreamRecordInput[] };

  useTable(AppTable);

  beforeAll(async () => {
    await User.create({ ...ada, userId: 'grace', name: 'Grace' });
    await User.update({ userId: 'grace' }).set({ age: 85 });
    await Order.create(order);
    await User.delete({ userId: 'grace' });
    event = asLambdaEvent(await readStream(client, streams, AppTable.name, 4));
  }, 30_000);

  it('INSERT and MODIFY carry the new image; REMOVE has none and is identified by its key', () => {
    expect(event.Records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'INSERT', 'REMOVE']);
    expect(event.Records[3]!.dynamodb?.OldImage).toBeUndefined();
    expect(event.Records[3]!.dynamodb?.NewImage).toBeUndefined();
    const { events, unknown, errors } = AppTable.streamParser(User, Order).event(event);
    expect(errors).toEqual([]);
    expect(unknown).toEqual([]);
    expect(events.map((e) => [e.type, e.entity, e.keys])).toEqual([
      ['INSERT', 'User', { userId: 'grace' }],
      ['MODIFY', 'User', { userId: 'grace' }],
      ['INSERT', 'Order', { userId: 'ada', seq: 7, orderId: 'o1' }],
      ['REMOVE', 'User', { userId: 'grace' }],
    ]);
    expect(events[1]!.newItem).toMatchObject({ userId: 'grace', age: 85, birthday });
    expect(events[1]!.oldItem).toBeUndefined();
    expect(events[3]!.newItem).toBeUndefined();
    expect(events[3]!.oldItem).toBeUndefined();
  });

  it('told NEW_IMAGE: the same events, the new item required on INSERT and MODIFY; NEW_AND_OLD_IMAGES refuses every record', () => {
    const { events, errors } = AppTable.streamParser(User, Order).viewType('NEW_IMAGE').event(event);
    expect(errors).toEqual([]);
    expect(events).toEqual(AppTable.streamParser(User, Order).event(event).events);
    expect(events.map((e) => (e.type === 'REMOVE' ? e.keys : e.newItem.userId))).toEqual(['grace', 'grace', 'ada', { userId: 'grace' }]);
    expect(AppTable.streamParser(User, Order).viewType('NEW_AND_OLD_IMAGES').event(event).errors).toHaveLength(4);
  });

  it('changedAttributes is empty without an old image', () => {
    const e = AppTable.parseStreamEvent(event).events[1]!;
    expect(e.type).toBe('MODIFY');
    expect(changedAttributes(e)).toEqual([]);
  });
});

describe('KEYS_ONLY', () => {
  const { AppTable, User, Order } = streamModel(client, uniqueTableName('streams-keys'), 'KEYS_ONLY');
  let event: { Records: StreamRecordInput[] };

  useTable(AppTable);

  beforeAll(async () => {
    await User.create({ ...ada, userId: 'linus', name: 'Linus' });
    await Order.create({ ...order, seq: 12, orderId: 'o-12' });
    await User.update({ userId: 'linus' }).set({ age: 54 });
    await Order.delete({ userId: 'ada', seq: 12, orderId: 'o-12' });
    await doc.send(new PutCommand({ TableName: AppTable.name, Item: { pk: 'AUDIT#2', sk: 'AUDIT', _et: 'AuditLog' } }));
    event = asLambdaEvent(await readStream(client, streams, AppTable.name, 5));
  }, 30_000);

  it('records have keys only; the entity is found by its key templates', () => {
    expect(event.Records.every((r) => r.dynamodb?.NewImage === undefined && r.dynamodb?.OldImage === undefined)).toBe(true);
    const { events, unknown, errors } = AppTable.parseStreamEvent(event);
    expect(errors).toEqual([]);
    expect(events.map((e) => [e.type, e.entity, e.keys, e.newItem, e.oldItem])).toEqual([
      ['INSERT', 'User', { userId: 'linus' }, undefined, undefined],
      ['INSERT', 'Order', { userId: 'ada', seq: 12, orderId: 'o-12' }, undefined, undefined],
      ['MODIFY', 'User', { userId: 'linus' }, undefined, undefined],
      ['REMOVE', 'Order', { userId: 'ada', seq: 12, orderId: 'o-12' }, undefined, undefined],
    ]);
    // AUDIT#2 / AUDIT fits no entity's key templates.
    expect(unknown.map((r) => r.dynamodb?.Keys)).toEqual([{ pk: { S: 'AUDIT#2' }, sk: { S: 'AUDIT' } }]);
  });

  it('told KEYS_ONLY: the same events, keys typed per entity', () => {
    const { events, errors } = AppTable.streamParser(User, Order).viewType('KEYS_ONLY').event(event);
    expect(errors).toEqual([]);
    expect(events.map((e) => (e.entity === 'Order' ? `${e.keys.userId}/${e.keys.seq}/${e.keys.orderId}` : e.keys.userId))).toEqual(['linus', 'ada/12/o-12', 'linus', 'ada/12/o-12']);
  });

  it('the typed parser narrows keys-only events by entity as well', () => {
    const { events } = AppTable.streamParser(User, Order).event(event);
    const users = events.filter((e) => e.entity === 'User');
    expect(users.map((e) => e.keys)).toEqual([{ userId: 'linus' }, { userId: 'linus' }]);
  });
});

describe('OLD_IMAGE', () => {
  const { AppTable, User, Order } = streamModel(client, uniqueTableName('streams-old'), 'OLD_IMAGE');
  let event: { Records: StreamRecordInput[] };

  useTable(AppTable);

  beforeAll(async () => {
    await User.create({ ...ada, userId: 'alan', name: 'Alan' });
    await User.update({ userId: 'alan' }).set({ age: 41 });
    await User.delete({ userId: 'alan' });
    event = asLambdaEvent(await readStream(client, streams, AppTable.name, 3));
  }, 30_000);

  it('an INSERT has no image (its entity found by key); MODIFY and REMOVE the old one; told OLD_IMAGE, the old item is required', () => {
    expect(event.Records.map((r) => [r.eventName, r.dynamodb?.NewImage === undefined, r.dynamodb?.OldImage === undefined])).toEqual([
      ['INSERT', true, true],
      ['MODIFY', true, false],
      ['REMOVE', true, false],
    ]);
    const { events, errors } = AppTable.streamParser(User, Order).viewType('OLD_IMAGE').event(event);
    expect(errors).toEqual([]);
    expect(events).toEqual(AppTable.streamParser(User, Order).event(event).events);
    expect(events.map((e) => [e.type, e.keys, e.entity === 'User' && e.type !== 'INSERT' ? e.oldItem.age : 'no item'])).toEqual([
      ['INSERT', { userId: 'alan' }, 'no item'],
      ['MODIFY', { userId: 'alan' }, undefined],
      ['REMOVE', { userId: 'alan' }, 41],
    ]);
  });
});

describe('binary attributes in a Lambda event', () => {
  // Lambda delivers B / BS values as base64 strings (the SDK hands out Uint8Array).
  const tableName = uniqueTableName('streams-bin');
  const BinTable = defineTable({ name: tableName, client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' }, stream: 'NEW_IMAGE' });
  const File = defineEntity({
    table: BinTable,
    name: 'File',
    schema: z.object({ fileId: z.string(), data: z.instanceof(Uint8Array) }),
    keys: { primary: { pk: 'FILE#{fileId}', sk: 'FILE' } },
  });
  let sdk: SdkStreamRecord[];

  useTable(BinTable);

  beforeAll(async () => {
    await File.create({ fileId: 'f1', data: new Uint8Array([1, 2, 3, 250]) });
    sdk = await readStream(client, streams, tableName, 1);
  }, 30_000);

  it('SDK records (Uint8Array values) parse', () => {
    const { events, errors } = BinTable.streamParser(File).event({ Records: sdk as unknown as StreamRecordInput[] });
    expect(errors).toEqual([]);
    expect(events[0]!.newItem!.data).toEqual(new Uint8Array([1, 2, 3, 250]));
  });

  // BUG (reported): unmarshallItem leaves a Lambda event's base64 `B` string as a string, so the
  // image fails z.instanceof(Uint8Array) and the record lands in errors as a schema mismatch.
  it('Lambda JSON (base64 values) parses into Uint8Array', () => {
    const lambda = asLambdaEvent(sdk);
    expect(lambda.Records[0]!.dynamodb?.NewImage?.['data']).toEqual({ B: Buffer.from([1, 2, 3, 250]).toString('base64') });
    const { events, errors } = BinTable.streamParser(File).event(lambda);
    expect(errors).toEqual([]);
    expect(events[0]!.newItem!.data).toEqual(new Uint8Array([1, 2, 3, 250]));
  });
});
