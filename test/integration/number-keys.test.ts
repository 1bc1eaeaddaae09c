/**
 * Number (`N`) keys held as `bigint` in the model, on a real DynamoDB Local. The DocumentClient
 * sends a bigint as a number and returns safe integers as `number` (beyond 2^53 as `bigint`), so
 * every place that matches a value coming back against one sent must compare numbers by value:
 * reading the attribute, batch write retries (UnprocessedItems), batch get results, cursors.
 */
import { describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { defineEntity, defineTable } from '../../src/index.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { testClient, testDocClient, testEndpoint, uniqueTableName } from '../support/client.js';
import { injectFaults } from '../support/faults.js';
import { useTable } from '../support/tables.js';

/** No SDK retries: every injected fault reaches dynakit's own loops. */
const client = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 1 });
const cleanClient = testClient();
const clean = testDocClient(cleanClient);

const Counters = defineTable({ name: uniqueTableName('number-keys'), client, partitionKey: { name: 'pk', type: 'N' }, sortKey: { name: 'sk', type: 'S' } });
const Counter = defineEntity({
  table: Counters,
  name: 'Counter',
  schema: z.object({ id: z.bigint(), n: z.number().int(), label: z.string(), hits: z.set(z.bigint()).optional() }),
  keys: { primary: { pk: '{id}', sk: 'N#{n}' } },
});
const fast = { baseDelayMs: 1, maxDelayMs: 5 } as const;
const BEYOND_2_53 = 2n ** 60n + 1n;

async function storedIds(from: bigint, to: bigint): Promise<bigint[]> {
  const items = (await clean.send(new ScanCommand({ TableName: Counters.name }))).Items ?? [];
  return items
    .map((i) => BigInt(i['pk'] as number | bigint))
    .filter((id) => id >= from && id < to)
    .sort((a, b) => (a < b ? -1 : 1));
}

useTable(Counters, { clients: [client, cleanClient] });

describe('bigint attributes read back', () => {
  it('a small bigint (returned by the SDK as a number) and one beyond 2^53 both read back as bigint, in sets too', async () => {
    await Counter.put({ id: 1n, n: 1, label: 'small', hits: new Set([3n, 4n]) });
    await Counter.put({ id: BEYOND_2_53, n: 1, label: 'large' });
    const small = await Counter.get({ id: 1n, n: 1 });
    expect(small).toMatchObject({ id: 1n, label: 'small' });
    expect(small?.hits).toEqual(new Set([3n, 4n]));
    expect(await Counter.get({ id: BEYOND_2_53, n: 1 })).toMatchObject({ id: BEYOND_2_53, label: 'large' });
  });
});

describe('batch write retries of bigint keys', () => {
  it('UnprocessedItems come back with number keys and are still matched and resent: every item is stored', async () => {
    const faults = injectFaults(client, { script: ['partial', 'partial'], seed: 7 });
    try {
      const items = Array.from({ length: 20 }, (_, i) => ({ id: 100n + BigInt(i), n: 0, label: 'x' }));
      const result = await Counters.batchWrite(
        items.map((it) => Counter.put(it)),
        fast,
      );
      expect(faults.counters.heldBack).toBeGreaterThan(0);
      expect(result.retried).toBe(faults.counters.heldBack);
      expect(result.written).toBe(20);
      expect(await storedIds(100n, 120n)).toEqual(items.map((i) => i.id));
    } finally {
      faults.remove();
    }
  });

  it('keys beyond 2^53 (returned as bigint) are matched as well', async () => {
    const faults = injectFaults(client, { script: ['partial'], seed: 3 });
    try {
      const ids = Array.from({ length: 10 }, (_, i) => BEYOND_2_53 + 10n + BigInt(i));
      const result = await Counters.batchWrite(ids.map((id) => Counter.put({ id, n: 0, label: 'big' })), fast);
      expect(faults.counters.heldBack).toBeGreaterThan(0);
      expect(result.written).toBe(10);
      expect(await storedIds(BEYOND_2_53 + 10n, BEYOND_2_53 + 20n)).toEqual(ids);
    } finally {
      faults.remove();
    }
  });
});

describe('batch get of bigint keys', () => {
  it('finds every item, in the order asked, under partial answers', async () => {
    await Counters.batchWrite([200n, 201n, 202n].map((id) => Counter.put({ id, n: 0, label: `L${id}` })));
    const faults = injectFaults(client, { script: ['partial'], seed: 5 });
    try {
      const got = await Counter.batchGet([{ id: 202n, n: 0 }, { id: 999n, n: 0 }, { id: 200n, n: 0 }, { id: 201n, n: 0 }]).with(fast);
      expect(got.map((u) => u?.label)).toEqual(['L202', undefined, 'L200', 'L201']);
    } finally {
      faults.remove();
    }
  });
});

describe('cursors on bigint partitions', () => {
  it('a cursor resumes in a partition whose key is a bigint', async () => {
    for (const n of [1, 2, 3]) await Counter.put({ id: 300n, n, label: `v${n}` });
    const q = () => Counter.query('primary', Counter.Key('id').eq(300n));
    const first = await q().limit(1);
    expect(first.items.map((i) => i.n)).toEqual([1]);
    const second = await q().startAfter(first.cursor).limit(1);
    expect(second.items.map((i) => i.n)).toEqual([2]);
    // Still refused in another partition.
    expect(() => Counter.query('primary', Counter.Key('id').eq(301n)).startAfter(first.cursor)).toThrow(/partition pk = 300, not the queried 301/);
  });

  it('a cursor in a partition beyond 2^53 is made and resumes (the key comes back as a bigint)', async () => {
    const id = BEYOND_2_53 + 100n;
    for (const n of [1, 2, 3]) await Counter.put({ id, n, label: `v${n}` });
    const q = () => Counter.query('primary', Counter.Key('id').eq(id));
    const first = await q().limit(2);
    expect(first.items.map((i) => i.n)).toEqual([1, 2]);
    expect(first.cursor).toBeDefined();
    const rest = await q().startAfter(first.cursor).all();
    expect(rest.map((i) => i.n)).toEqual([3]);
    // The neighbouring partition (same value as a double) is another partition.
    expect(() => Counter.query('primary', Counter.Key('id').eq(id + 1n)).startAfter(first.cursor)).toThrow(/not the queried/);
  });
});
