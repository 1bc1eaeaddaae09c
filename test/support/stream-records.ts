/** Reading a table's stream from DynamoDB Local, for the stream integration tests. */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type _Record as SdkStreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { StreamRecordInput } from '../../src/index.js';

export type { SdkStreamRecord };

/**
 * Every record of the table's stream so far (all shards, from TRIM_HORIZON), in sequence order,
 * waiting up to 10 s for at least `atLeast` of them (Local publishes records a little after a write).
 */
export async function readStream(client: DynamoDBClient, streams: DynamoDBStreamsClient, tableName: string, atLeast: number): Promise<SdkStreamRecord[]> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const StreamArn = Table?.LatestStreamArn;
  if (StreamArn === undefined) throw new Error(`${tableName} has no stream`);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const records: SdkStreamRecord[] = [];
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      let { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({ StreamArn, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      // An open shard always hands out a next iterator: stop at the first empty page.
      for (let page = 0; ShardIterator !== undefined && page < 50; page++) {
        const out = await streams.send(new GetRecordsCommand({ ShardIterator }));
        if ((out.Records ?? []).length === 0) break;
        records.push(...out.Records!);
        ShardIterator = out.NextShardIterator;
      }
    }
    records.sort((a, b) => (BigInt(a.dynamodb!.SequenceNumber!) < BigInt(b.dynamodb!.SequenceNumber!) ? -1 : 1));
    if (records.length >= atLeast || Date.now() > deadline) return records;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The records as a Lambda handler receives them: plain JSON, binary values in base64, the
 * approximate creation time in epoch seconds.
 */
export function asLambdaEvent(records: readonly SdkStreamRecord[]): { Records: StreamRecordInput[] } {
  const json = JSON.stringify(records, function (this: Record<string, unknown>, key, value: unknown) {
    const raw = this[key];
    if (raw instanceof Uint8Array) return Buffer.from(raw).toString('base64');
    if (raw instanceof Date) return Math.floor(raw.getTime() / 1000);
    return value;
  });
  return { Records: JSON.parse(json) as StreamRecordInput[] };
}

/** A Lambda record of a Kinesis data stream, as `@types/aws-lambda`'s `KinesisStreamRecord` has it. */
export interface KinesisLambdaRecord {
  readonly eventSource: 'aws:kinesis';
  readonly eventName: 'aws:kinesis:record';
  readonly kinesis: { readonly data: string; readonly sequenceNumber: string; readonly partitionKey: string };
}

/**
 * The same changes as Kinesis Data Streams for DynamoDB delivers them to Lambda: each a change
 * record (the table in `tableName`; no `StreamViewType` or `SequenceNumber`), base64 JSON in
 * `kinesis.data`, with the Kinesis record's own sequence number. Kinesis carries both images
 * whatever the table's stream: give it the records of a `NEW_AND_OLD_IMAGES` stream.
 */
export function asKinesisEvent(records: readonly SdkStreamRecord[], tableName: string): { Records: KinesisLambdaRecord[] } {
  return {
    Records: asLambdaEvent(records).Records.map((r, i) => {
      const { StreamViewType: _view, SequenceNumber: _seq, ...dynamodb } = r.dynamodb ?? {};
      const change = { awsRegion: r.awsRegion, eventID: r.eventID, eventName: r.eventName, userIdentity: r.userIdentity ?? null, recordFormat: 'application/json', tableName, dynamodb, eventSource: 'aws:dynamodb' };
      return {
        eventSource: 'aws:kinesis',
        eventName: 'aws:kinesis:record',
        kinesis: { data: Buffer.from(JSON.stringify(change)).toString('base64'), sequenceNumber: `4959${String(i).padStart(4, '0')}`, partitionKey: String(i) },
      };
    }),
  };
}
