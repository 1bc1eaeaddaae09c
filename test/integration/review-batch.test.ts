/**
 * Review of the batch APIs against DynamoDB Local (faults injected with test/support/faults.ts):
 * resuming from BatchWriteError.unprocessed on entities whose schema transforms the input, and
 * batch gets with a projection on tables whose key attributes are schema attributes.
 */
import { describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { BatchWriteError, defineEntity, defineTable, type BatchWriteBuilder, type EntityInput, type UnprocessedWrite } from '../../src/index.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { testClient, testDocClient, testEndpoint, uniqueTableName } from '../support/client.js';
import { injectFaults } from '../support/faults.js';
import { failure } from '../support/failure.js';
import { useTable } from '../support/tables.js';

const client = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 1 });
const rawClient = testClient();
const raw = testDocClient(rawClient);
const fast = { baseDelayMs: 1, maxDelayMs: 5 } as const;

/** A table not designed for dynakit: its key attribute `id` is a schema attribute. */
const Shop = defineTable({ name: uniqueTableName('review-batch'), client, partitionKey: { name: 'id', type: 'S' } });
const Price = defineEntity({
  table: Shop,
  name: 'Price',
  schema: z.object({
    id: z.string(),
    // the docs' own example of a transform: euros in, cents stored
    cents: z.number().transform((n) => Math.round(n * 100)),
    label: z.string(),
    // a codec: an ISO string in, a Date in the model
    since: z.iso.datetime().transform((s) => new Date(s)).pipe(z.date()),
  }),
  keys: { primary: { pk: '{id}' } },
});
useTable(Shop, { clients: [client, rawClient] });

const stored = async (id: string) => (await raw.send(new GetCommand({ TableName: Shop.name, Key: { id } }))).Item;
const rebuild = (w: UnprocessedWrite): BatchWriteBuilder =>
  w.type === 'put' ? Price.put(w.item as EntityInput<typeof Price>) : Price.delete(w.key as { id: string });

describe('resuming from BatchWriteError.unprocessed', () => {
  it('gives the intended item on an entity whose schema transforms its input (transforms run once, not twice)', async () => {
    const writes = [
      Price.put({ id: 'p1', cents: 1.5, label: 'one', since: '2024-01-01T00:00:00Z' }),
      Price.put({ id: 'p2', cents: 2.25, label: 'two', since: '2024-02-01T00:00:00Z' }),
    ];
    const faults = injectFaults(client, { stuck: () => true });
    let e: BatchWriteError;
    try {
      e = await failure(Shop.batchWrite(writes, { ...fast, maxAttempts: 2 }), BatchWriteError);
    } finally {
      faults.remove();
    }
    expect(e.unprocessed).toHaveLength(2);
    // the resume the docs show: rebuild each write from `unprocessed` and send it again
    await Shop.batchWrite(e.unprocessed.map(rebuild));
    expect(await stored('p1')).toMatchObject({ cents: 150, since: '2024-01-01T00:00:00.000Z' });
    expect(await stored('p2')).toMatchObject({ cents: 225, since: '2024-02-01T00:00:00.000Z' });
  });

  it('the streaming writer lists the write as given too', async () => {
    const faults = injectFaults(client, { stuck: () => true });
    let e: BatchWriteError;
    try {
      const writer = Shop.batchWriter({ ...fast, maxAttempts: 1 });
      writer.put(Price, { id: 'p3', cents: 3, label: 'three', since: '2024-03-01T00:00:00Z' });
      e = await failure(writer.close(), BatchWriteError);
    } finally {
      faults.remove();
    }
    expect(e.unprocessed).toEqual([{ type: 'put', entity: 'Price', table: Shop.name, item: { id: 'p3', cents: 3, label: 'three', since: '2024-03-01T00:00:00Z' } }]);
    await Shop.batchWrite(e.unprocessed.map(rebuild));
    expect(await stored('p3')).toMatchObject({ cents: 300 });
  });
});

describe('batchGet with a projection', () => {
  it('that names a key attribute of the table itself (`pk: "{id}"`) reads it once, as get() does', async () => {
    await Price.put({ id: 'g1', cents: 1, label: 'g-one', since: '2024-01-01T00:00:00Z' });
    expect(await Price.get({ id: 'g1' }).project('id', 'label')).toEqual({ id: 'g1', label: 'g-one' });
    expect(await Price.batchGet([{ id: 'g1' }, { id: 'none' }]).project('id', 'label')).toEqual([{ id: 'g1', label: 'g-one' }, undefined]);
    expect(await Shop.batchGet([Price.get({ id: 'g1' }).project('label', 'id')])).toEqual([{ id: 'g1', label: 'g-one' }]);
  });
});
