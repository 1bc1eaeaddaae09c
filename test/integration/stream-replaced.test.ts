/**
 * A put of one entity's item on a key that holds another entity's item: DynamoDB Local's stream
 * carries a MODIFY whose OldImage is the other entity's. The event is the new entity's, with
 * `replaced` naming the old one and no `oldItem` (never the old image read with the new schema).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { z } from 'zod';
import { changedAttributes, defineEntity, defineTable, type StreamRecordInput } from '../../src/index.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { asLambdaEvent, readStream } from '../support/stream-records.js';
import { testClient, testEndpoint, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
let streams: DynamoDBStreamsClient;

const Docs = defineTable({ name: uniqueTableName('stream-replaced'), client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' }, stream: 'NEW_AND_OLD_IMAGES' });
/** Two entities on one key template: Post's schema would read a Draft image as a Post without a title. */
const Draft = defineEntity({ table: Docs, name: 'Draft', schema: z.object({ docId: z.string(), notes: z.string() }), keys: { primary: { pk: 'DOC#{docId}', sk: 'DOC' } } });
const Post = defineEntity({ table: Docs, name: 'Post', schema: z.object({ docId: z.string(), title: z.string().optional() }), keys: { primary: { pk: 'DOC#{docId}', sk: 'DOC' } } });

useTable(Docs);

let event: { Records: StreamRecordInput[] };

beforeAll(async () => {
  streams = new DynamoDBStreamsClient({ ...localClientConfig(testEndpoint()), maxAttempts: 2 });
  await Draft.put({ docId: 'd1', notes: 'todo' });
  await Post.put({ docId: 'd1' }); // replaces the Draft
  await Post.put({ docId: 'd1', title: 'Hello' });
  event = asLambdaEvent(await readStream(client, streams, Docs.name, 3));
}, 30_000);

afterAll(() => {
  streams.destroy();
  client.destroy();
});

describe('a MODIFY that replaced another entity’s item', () => {
  it('Local sends it as a MODIFY with the Draft as OldImage', () => {
    expect(event.Records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'MODIFY']);
    expect(event.Records[1]!.dynamodb?.OldImage?.['_et']).toEqual({ S: 'Draft' });
  });

  it("is the Post's event with replaced: Draft and no oldItem; the next MODIFY is a Post's change", () => {
    const { events, unknown, errors } = Docs.parseStreamEvent(event);
    expect(errors).toEqual([]);
    expect(unknown).toEqual([]);
    expect(events.map((e) => [e.type, e.entity, e.newItem, e.oldItem, e.replaced])).toEqual([
      ['INSERT', 'Draft', { docId: 'd1', notes: 'todo' }, undefined, undefined],
      ['MODIFY', 'Post', { docId: 'd1' }, undefined, { entity: 'Draft' }],
      ['MODIFY', 'Post', { docId: 'd1', title: 'Hello' }, { docId: 'd1' }, undefined],
    ]);
    expect(changedAttributes(events[1]!)).toEqual([]);
    expect(changedAttributes(events[2]!)).toEqual(['title']);
  });

  it('a parser of Draft alone puts the replacing record in unknown (its entity is Post)', () => {
    const { events, unknown } = Docs.streamParser(Draft).event(event);
    expect(events.map((e) => e.type)).toEqual(['INSERT']);
    expect(unknown).toEqual([event.Records[1], event.Records[2]]);
  });
});
