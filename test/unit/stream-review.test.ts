/**
 * Stream records found wrong by review, each with the record that showed it: records of another
 * table, TTL deletions as the streams SDK spells them, AttributeValues with `undefined` tags; and
 * what the parser already did right (bigints exact, schema errors naming entity and path).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ItemParseError, StreamRecordError, defineEntity, defineTable, type StreamRecordInput } from '../../src/index.js';

const client = new DynamoDBClient({ region: 'us-east-1' });
const AppTable = defineTable({ name: 'App', client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
const Ledger = defineEntity({
  table: AppTable,
  name: 'Ledger',
  schema: z.object({ id: z.string(), balance: z.bigint(), small: z.bigint(), ids: z.set(z.bigint()).optional(), note: z.string().optional() }),
  keys: { primary: { pk: 'LEDGER#{id}', sk: 'LEDGER' } },
});

const keys = { pk: { S: 'LEDGER#a' }, sk: { S: 'LEDGER' } };
const image = { ...keys, _et: { S: 'Ledger' }, id: { S: 'a' }, balance: { N: '123456789012345678901234567890' }, small: { N: '5' } };
const arn = (table: string) => `arn:aws:dynamodb:eu-west-1:123456789012:table/${table}/stream/2025-01-01T00:00:00.000`;
const rec = (r: Record<string, unknown>): StreamRecordInput => r as StreamRecordInput;

describe('records of other tables', () => {
  it('a record whose eventSourceARN names another table is unknown, even with a known discriminator', () => {
    const other = rec({ eventName: 'INSERT', eventSourceARN: arn('Other'), dynamodb: { Keys: keys, NewImage: image } });
    expect(AppTable.parseStreamRecord(other)).toBeUndefined();
    expect(AppTable.streamParser(Ledger).record(other)).toBeUndefined();
    expect(AppTable.parseStreamEvent({ Records: [other] }).unknown).toEqual([other]);
    // A table whose name only starts the same is another table too.
    expect(AppTable.parseStreamRecord(rec({ eventName: 'INSERT', eventSourceARN: arn('App-staging'), dynamodb: { NewImage: image } }))).toBeUndefined();
  });

  it("this table's records (by name or by ARN), and records without an ARN (the streams SDK's), parse", () => {
    expect(AppTable.parseStreamRecord(rec({ eventName: 'INSERT', eventSourceARN: arn('App'), dynamodb: { NewImage: image } }))?.entity).toBe('Ledger');
    expect(AppTable.parseStreamRecord(rec({ eventName: 'INSERT', dynamodb: { NewImage: image } }))?.entity).toBe('Ledger');
    const ByArn = defineTable({ name: 'arn:aws:dynamodb:eu-west-1:123456789012:table/App', client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
    defineEntity({ table: ByArn, name: 'Ledger', schema: z.object({ id: z.string() }), keys: { primary: { pk: 'LEDGER#{id}', sk: 'LEDGER' } } });
    expect(ByArn.parseStreamRecord(rec({ eventName: 'INSERT', eventSourceARN: arn('App'), dynamodb: { NewImage: image } }))?.entity).toBe('Ledger');
  });
});

describe('Kinesis Data Streams for DynamoDB', () => {
  // A change record as Kinesis carries it: the table in `tableName`, no stream ARN of a table.
  const change = (table: string, extra: Record<string, unknown> = {}) => ({
    awsRegion: 'eu-west-1', eventID: 'e1', eventName: 'INSERT', userIdentity: null, recordFormat: 'application/json', tableName: table,
    dynamodb: { ApproximateCreationDateTime: 1_735_689_600_000, Keys: keys, NewImage: image, SizeBytes: 120 }, eventSource: 'aws:dynamodb', ...extra,
  });
  // As Lambda delivers it from the Kinesis stream.
  const lambda = (data: string, sequenceNumber = '1') =>
    rec({
      awsRegion: 'eu-west-1', eventID: 'shardId-000:1', eventName: 'aws:kinesis:record', eventSource: 'aws:kinesis', eventVersion: '1.0',
      eventSourceARN: 'arn:aws:kinesis:eu-west-1:123456789012:stream/app-changes', invokeIdentityArn: 'arn:aws:iam::123456789012:role/fn',
      kinesis: { kinesisSchemaVersion: '1.0', partitionKey: 'p', sequenceNumber, approximateArrivalTimestamp: 1_735_689_600.1, data },
    });
  const encoded = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');

  it("a decoded change record of this table parses; another table's is unknown, even with a known discriminator", () => {
    const e = AppTable.parseStreamRecord(rec(change('App')));
    expect(e?.entity).toBe('Ledger');
    expect(e?.newItem).toEqual({ id: 'a', balance: 123456789012345678901234567890n, small: 5n });
    expect(AppTable.parseStreamRecord(rec(change('Other')))).toBeUndefined();
    expect(AppTable.streamParser(Ledger).record(rec(change('Other')))).toBeUndefined();
  });

  it('a Lambda Kinesis record is decoded: the event carries the change record, other tables are unknown', () => {
    const { events, unknown, errors } = AppTable.parseStreamEvent({ Records: [lambda(encoded(change('App'))), lambda(encoded(change('Other')))] });
    expect(errors).toEqual([]);
    expect(events.map((e) => [e.entity, e.type, e.record.tableName])).toEqual([['Ledger', 'INSERT', 'App']]);
    expect(unknown).toHaveLength(1);
    expect(unknown[0]?.eventSource).toBe('aws:kinesis');
    expect(AppTable.streamParser(Ledger).record(lambda(encoded(change('App'))))?.newItem?.balance).toBe(123456789012345678901234567890n);
  });

  it('a Kinesis record without data, or whose data is not a change record, is malformed (and never fails the batch)', () => {
    const bad = [lambda('not base64 json {'), rec({ eventSource: 'aws:kinesis', eventName: 'aws:kinesis:record', kinesis: {} }), lambda(encoded([1, 2]))];
    const { events, errors } = AppTable.parseStreamEvent({ Records: [...bad, lambda(encoded(change('App')))] });
    expect(events).toHaveLength(1);
    expect(errors.map((e) => [e.reason, e.record, e.sequenceNumber])).toEqual(bad.map((r) => ['malformed', r, r.kinesis?.sequenceNumber]));
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/^kinesis\.data is not base64 JSON/), 'a Kinesis record without kinesis.data', 'kinesis.data is not a change record']);
    expect(() => AppTable.parseStreamRecord(bad[1]!)).toThrow(StreamRecordError);
  });
  it("errors carry what events carry: the change record (the Kinesis record when its data is none) and the partial batch response's sequence number; unknown records stay whole", () => {
    const badImage = { ...image, balance: { S: 'not a number' } };
    const records = [
      lambda(encoded(change('App')), '10'),
      lambda(encoded(change('App', { dynamodb: { Keys: keys, NewImage: badImage } })), '11'),
      lambda('not base64 json {', '12'),
      lambda(encoded(change('Other')), '13'),
    ];
    const { events, unknown, errors } = AppTable.parseStreamEvent({ Records: records });
    expect(events.map((e) => [e.sequenceNumber, e.record.tableName])).toEqual([['10', 'App']]);
    expect(errors.map((e) => [e.reason, e.sequenceNumber])).toEqual([['schema-mismatch', '11'], ['malformed', '12']]);
    expect(errors[0]?.record).toEqual(change('App', { dynamodb: { Keys: keys, NewImage: badImage } }));
    expect(errors[1]?.record).toBe(records[2]);
    // Whole, so the parser of the other table that writes to the same Kinesis stream keeps its sequence number.
    expect(unknown).toEqual([records[3]]);
    const Other = defineTable({ name: 'Other', client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
    defineEntity({ table: Other, name: 'Ledger', schema: z.object({ id: z.string() }), keys: { primary: { pk: 'LEDGER#{id}', sk: 'LEDGER' } } });
    expect(Other.parseStreamEvent({ Records: unknown }).events.map((e) => [e.entity, e.keys, e.sequenceNumber])).toEqual([['Ledger', { id: 'a' }, '13']]);
    // A DynamoDB stream record's error: its own SequenceNumber, thrown by parseStreamRecord too.
    const streamBad = rec({ eventName: 'INSERT', dynamodb: { SequenceNumber: '700', Keys: keys, NewImage: badImage } });
    expect(AppTable.parseStreamEvent({ Records: [streamBad] }).errors.map((e) => [e.record, e.sequenceNumber])).toEqual([[streamBad, '700']]);
    let thrown: unknown;
    try {
      AppTable.streamParser(Ledger).record(streamBad);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(StreamRecordError);
    expect(thrown).toMatchObject({ reason: 'schema-mismatch', record: streamBad, sequenceNumber: '700' });
  });
});

describe('TTL deletions', () => {
  const remove = (userIdentity?: unknown) => rec({ eventName: 'REMOVE', dynamodb: { Keys: keys, OldImage: image }, ...(userIdentity === undefined ? {} : { userIdentity }) });

  it('removedByTtl is true for Lambda records ({ type, principalId }) and streams SDK records ({ Type, PrincipalId })', () => {
    expect(AppTable.parseStreamRecord(remove({ type: 'Service', principalId: 'dynamodb.amazonaws.com' }))?.removedByTtl).toBe(true);
    expect(AppTable.parseStreamRecord(remove({ Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' }))?.removedByTtl).toBe(true);
  });

  it('removedByTtl is false for deletions by requests and for other events', () => {
    expect(AppTable.parseStreamRecord(remove())?.removedByTtl).toBe(false);
    expect(AppTable.parseStreamRecord(remove({ type: 'Service', principalId: 'other.amazonaws.com' }))?.removedByTtl).toBe(false);
    expect(AppTable.parseStreamRecord(rec({ eventName: 'INSERT', userIdentity: { principalId: 'dynamodb.amazonaws.com' }, dynamodb: { NewImage: image } }))?.removedByTtl).toBe(false);
  });
});

describe('attribute values', () => {
  it('a type tag present with the value undefined (allowed by the SDK types) is not a second type', () => {
    const e = AppTable.parseStreamRecord(rec({ eventName: 'INSERT', dynamodb: { Keys: { pk: { S: 'LEDGER#a', N: undefined }, sk: keys.sk }, NewImage: { ...image, note: { S: 'hi', B: undefined } } } }));
    expect(e?.newItem?.['note']).toBe('hi');
    expect(e?.keys).toEqual({ id: 'a' });
  });

  it('z.bigint() attributes keep every digit (and small ones are bigints too), in sets as well', () => {
    const e = AppTable.streamParser(Ledger).record(rec({ eventName: 'INSERT', dynamodb: { NewImage: { ...image, ids: { NS: ['1', '98765432109876543210'] } } } }));
    expect(e?.newItem?.balance).toBe(123456789012345678901234567890n);
    expect(e?.newItem?.small).toBe(5n);
    expect(e?.newItem?.ids).toEqual(new Set([1n, 98765432109876543210n]));
  });

  it('an image that fails the schema: StreamRecordError naming the entity, the image and the path', () => {
    try {
      AppTable.parseStreamRecord(rec({ eventName: 'MODIFY', dynamodb: { NewImage: image, OldImage: { ...image, balance: { S: 'x' } } } }));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(StreamRecordError);
      expect((e as StreamRecordError).reason).toBe('schema-mismatch');
      expect((e as Error).message).toMatch(/^Ledger: OldImage does not match the schema: .*balance: /);
      expect((e as StreamRecordError).cause).toBeInstanceOf(ItemParseError);
    }
  });
});

describe('images an event type cannot have', () => {
  it('an INSERT never has an old item and a REMOVE never a new one, whatever the record carries', () => {
    const insert = AppTable.streamParser(Ledger).record(rec({ eventName: 'INSERT', dynamodb: { Keys: keys, NewImage: image, OldImage: image } }));
    expect(insert?.type).toBe('INSERT');
    expect(insert?.newItem?.balance).toBe(123456789012345678901234567890n);
    expect(insert).not.toHaveProperty('oldItem');
    const remove = AppTable.streamParser(Ledger).record(rec({ eventName: 'REMOVE', dynamodb: { Keys: keys, NewImage: image, OldImage: image } }));
    expect(remove).not.toHaveProperty('newItem');
    expect(remove?.oldItem?.small).toBe(5n);
    const modify = AppTable.streamParser(Ledger).record(rec({ eventName: 'MODIFY', dynamodb: { Keys: keys, NewImage: image, OldImage: image } }));
    expect(modify).toHaveProperty('newItem');
    expect(modify).toHaveProperty('oldItem');
  });
});
