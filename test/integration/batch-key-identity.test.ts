/**
 * Two items are one write target only when their table and every primary key value are equal. The
 * batch writer's last-write-wins deduplication, the matching of `UnprocessedItems` and the
 * "one action per item" check of transactions all rest on that identity, so two different keys must
 * never look alike to it, whatever characters their values hold (here a NUL, which DynamoDB stores
 * like any other character), or one of two writes is dropped as a "duplicate".
 */
import { describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { defineEntity, defineTable, transactGet, transactWrite } from '../../src/index.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { testEndpoint, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 1 });
const PairTable = defineTable({ name: uniqueTableName('key-identity'), client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
/** Both key attributes hold a composite as it is (a one-placeholder template). */
const Pair = defineEntity({ table: PairTable, name: 'Pair', schema: z.object({ a: z.string(), b: z.string(), v: z.number() }), keys: { primary: { pk: '{a}', sk: '{b}' } } });

// Two different items whose key values, joined with a NUL and a type tag, read the same.
const one = { a: 'x\u0000string:y', b: 'z' };
const two = { a: 'x', b: 'y\u0000string:z' };

useTable(PairTable, { clients: [client] });

describe('key values that contain a NUL', () => {
  it('batchWrite writes both items: neither is taken for a duplicate of the other', async () => {
    const result = await PairTable.batchWrite([Pair.put({ ...one, v: 1 }), Pair.put({ ...two, v: 2 })]);
    expect(result.written).toBe(2);
    expect((await Pair.get(one))?.v).toBe(1);
    expect((await Pair.get(two))?.v).toBe(2);
  });

  it('the streaming writer too, in one buffer', async () => {
    const writer = PairTable.batchWriter();
    writer.put(Pair, { ...one, v: 3 });
    writer.put(Pair, { ...two, v: 4 });
    await writer.close();
    expect(writer.progress.written).toBe(2);
    expect((await Pair.get(one))?.v).toBe(3);
    expect((await Pair.get(two))?.v).toBe(4);
  });

  it('a transaction may write both, and transactGet and batchGet read both', async () => {
    await transactWrite([Pair.put({ ...one, v: 5 }), Pair.put({ ...two, v: 6 })]);
    const [a, b] = await transactGet([Pair.get(one), Pair.get(two)]);
    expect([a?.v, b?.v]).toEqual([5, 6]);
    expect((await Pair.batchGet([one, two])).map((p) => p?.v)).toEqual([5, 6]);
  });
});
