/**
 * Stream records found wrong by the thirteenth session's review, without a server: the `keys` of
 * an event (parsed back from the stored key), records matched to an entity by key alone
 * (KEYS_ONLY), and parsers given entities of another table. Each test failed before its fix.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, type StreamRecordInput } from '../../src/index.js';

const client = new DynamoDBClient({ region: 'us-east-1' });
const rec = (r: Record<string, unknown>): StreamRecordInput => r as StreamRecordInput;

describe('keys of a raw (single-placeholder) bigint key', () => {
  const Ledger = defineTable({ name: 'Ledger', client, partitionKey: { name: 'pk', type: 'N' }, sortKey: { name: 'sk', type: 'N' } });
  const Entry = defineEntity({
    table: Ledger,
    name: 'Entry',
    schema: z.object({ account: z.bigint(), seq: z.bigint(), memo: z.string() }),
    keys: { primary: { pk: '{account}', sk: '{seq}' } },
  });
  const keys = { pk: { N: '42' }, sk: { N: '123456789012345678901234567890' } };
  const image = { ...keys, _et: { S: 'Entry' }, account: { N: '42' }, seq: { N: '123456789012345678901234567890' }, memo: { S: 'm' } };

  it('are bigints, as the schema and the images say (a safe one came back as a number)', () => {
    const e = Ledger.streamParser(Entry).record(rec({ eventName: 'INSERT', dynamodb: { Keys: keys, NewImage: image } }));
    expect(e?.newItem).toEqual({ account: 42n, seq: 123456789012345678901234567890n, memo: 'm' });
    expect(e?.keys).toEqual({ account: 42n, seq: 123456789012345678901234567890n });
    expect(typeof e?.keys['account']).toBe('bigint');
  });
});
