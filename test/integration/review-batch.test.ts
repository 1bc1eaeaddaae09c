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
import type { CallRecord } from '../support/faults.js';
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

/**
 * Fails the next `times` calls of `command` with `error()` before they reach the server (a
 * connection that could not be made), then lets calls through.
 */
function failNext(command: string, times: number, error: () => Error): { readonly failed: number; remove(): void } {
  const state = { failed: 0 };
  const name = `reviewFail${Math.random().toString(36).slice(2)}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === command && state.failed < times) {
        state.failed++;
        throw error();
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  return {
    get failed() {
      return state.failed;
    },
    remove: () => client.middlewareStack.remove(name),
  };
}

/** What Node raises when the network is briefly unreachable (the SDK itself retries these). */
const unreachable = (code: 'ENETUNREACH' | 'EHOSTUNREACH') => () =>
  Object.assign(new Error(`connect ${code} 10.0.0.1:443`), { code, errno: code === 'ENETUNREACH' ? -101 : -113, syscall: 'connect' });
/** What the SDK's fetch handler (undici) raises for a reset socket: the code is on the cause. */
const fetchFailed = () => new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', errno: -104, syscall: 'read' }) });

describe('a call that fails because the network dropped is retried, not given up', () => {
  it.each([
    ['ENETUNREACH', unreachable('ENETUNREACH')],
    ['EHOSTUNREACH', unreachable('EHOSTUNREACH')],
    ['fetch failed (its cause: ECONNRESET)', fetchFailed],
  ])('batchWrite after %s writes everything', async (_label, error) => {
    const fail = failNext('BatchWriteItemCommand', 2, error);
    try {
      const r = await Shop.batchWrite([Price.put({ id: 'n1', cents: 1, label: 'n', since: '2024-01-01T00:00:00Z' }), Price.delete({ id: 'n2' })], fast);
      expect(r).toMatchObject({ written: 2, retried: 4 });
    } finally {
      fail.remove();
    }
    expect(fail.failed).toBe(2);
    expect(await stored('n1')).toMatchObject({ cents: 100 });
  });

  it('batchGet after ENETUNREACH reads every key', async () => {
    await Price.put({ id: 'n3', cents: 3, label: 'n3', since: '2024-01-01T00:00:00Z' });
    const fail = failNext('BatchGetItemCommand', 2, unreachable('ENETUNREACH'));
    try {
      expect((await Price.batchGet([{ id: 'n3' }]).with(fast)).map((p) => p?.label)).toEqual(['n3']);
    } finally {
      fail.remove();
    }
    expect(fail.failed).toBe(2);
  });

  it('an error that is not a network failure still stops at once (a TypeError without a network cause)', async () => {
    const fail = failNext('BatchGetItemCommand', 1, () => new TypeError('x is not a function'));
    try {
      await expect(Price.batchGet([{ id: 'n3' }]).with(fast).send()).rejects.toThrow(TypeError);
    } finally {
      fail.remove();
    }
    expect(fail.failed).toBe(1);
  });
});

/**
 * A second table with a client of its own (in an application, another region or account). Both
 * clients reach the same DynamoDB Local here; what the tests check is which client carried which
 * table's requests.
 */
const otherClient = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 1 });
const Audit = defineTable({ name: uniqueTableName('review-batch-audit'), client: otherClient, partitionKey: { name: 'id', type: 'S' } });
const Entry = defineEntity({ table: Audit, name: 'Entry', schema: z.object({ id: z.string(), what: z.string() }), keys: { primary: { pk: '{id}' } } });
useTable(Audit, { clients: [otherClient] });

const shopFaults = injectFaults(client);
const auditFaults = injectFaults(otherClient);
/** The tables named in the batch calls each client sent. */
const tablesSent = (calls: readonly CallRecord[], command: string): string[] =>
  [...new Set(calls.filter((c) => c.command === command).flatMap((c) => Object.keys((c.body['RequestItems'] ?? {}) as object)))].sort();

describe("a batch across tables with different clients sends each table's requests through that table's client", () => {
  it('batchWrite (array and callback forms) and the streaming writer', async () => {
    shopFaults.reset();
    auditFaults.reset();
    const r = await Shop.batchWrite([Price.put({ id: 'x1', cents: 1, label: 'x', since: '2024-01-01T00:00:00Z' }), Entry.put({ id: 'e1', what: 'created x1' })], fast);
    expect(r.written).toBe(2);
    await Shop.batchWrite((batch) => {
      batch.put(Entry, { id: 'e2', what: 'cb' });
      batch.delete(Price, { id: 'x1' });
    }, fast);
    {
      await using writer = Shop.batchWriter(fast);
      writer.put(Entry, { id: 'e3', what: 'stream' });
      writer.put(Price, { id: 'x3', cents: 3, label: 'x3', since: '2024-01-01T00:00:00Z' });
    }
    expect(tablesSent(shopFaults.calls, 'BatchWriteItemCommand')).toEqual([Shop.name]);
    expect(tablesSent(auditFaults.calls, 'BatchWriteItemCommand')).toEqual([Audit.name]);
    expect((await Audit.batchGet([Entry.get({ id: 'e1' }), Entry.get({ id: 'e2' }), Entry.get({ id: 'e3' })])).map((e) => e?.what)).toEqual(['created x1', 'cb', 'stream']);
  });

  it("when one client's calls keep failing, BatchWriteError lists exactly that table's writes; the other table's are written", async () => {
    auditFaults.set({ stuck: () => true });
    let e: BatchWriteError;
    try {
      e = await failure(
        Shop.batchWrite([Entry.put({ id: 'f1', what: 'stuck' }), Price.put({ id: 'f2', cents: 2, label: 'fine', since: '2024-01-01T00:00:00Z' }), Entry.delete({ id: 'e3' })], { ...fast, maxAttempts: 2 }),
        BatchWriteError,
      );
    } finally {
      auditFaults.set({ stuck: undefined });
    }
    expect(e.written).toBe(1);
    expect(e.unprocessed.map((w) => [w.table, w.type, w.type === 'put' ? w.item['id'] : w.key['id']])).toEqual([
      [Audit.name, 'put', 'f1'],
      [Audit.name, 'delete', 'e3'],
    ]);
    expect((await Price.get({ id: 'f2' }))?.label).toBe('fine');
    expect(await Entry.get({ id: 'f1' })).toBeUndefined();
  });

  it('batchGet', async () => {
    shopFaults.reset();
    auditFaults.reset();
    const [price, entry] = await Shop.batchGet([Price.get({ id: 'x3' }), Entry.get({ id: 'e1' })], fast);
    expect([price?.label, entry?.what]).toEqual(['x3', 'created x1']);
    expect(tablesSent(shopFaults.calls, 'BatchGetItemCommand')).toEqual([Shop.name]);
    expect(tablesSent(auditFaults.calls, 'BatchGetItemCommand')).toEqual([Audit.name]);
  });
});

describe('two tables of the same name behind different clients (e.g. one per region)', () => {
  // Here both reach the same DynamoDB Local, so they are one physical table: the order of the
  // writes decides what is stored, and each client must carry its own table's write.
  const AuditAgain = defineTable({ name: Audit.name, client, partitionKey: { name: 'id', type: 'S' } });
  const EntryAgain = defineEntity({ table: AuditAgain, name: 'Entry', schema: z.object({ id: z.string(), what: z.string() }), keys: { primary: { pk: '{id}' } } });
  const keysSent = (calls: readonly CallRecord[]) =>
    calls.filter((c) => c.command === 'BatchWriteItemCommand').flatMap((c) => Object.values(c.body['RequestItems'] as Record<string, { PutRequest: { Item: { what: { S: string } } } }[]>).flat().map((r) => r.PutRequest.Item.what.S));

  it('are not taken for duplicates of each other: each write goes through its own client, in the order made', async () => {
    for (const form of ['array', 'stream'] as const) {
      shopFaults.reset();
      auditFaults.reset();
      const writes = [Entry.put({ id: `same-${form}`, what: `${form} 1 (other client)` }), EntryAgain.put({ id: `same-${form}`, what: `${form} 2 (shop client)` })];
      if (form === 'array') expect((await Shop.batchWrite(writes, fast)).written).toBe(2);
      else {
        await using writer = Shop.batchWriter(fast);
        for (const w of writes) writer.put(w);
      }
      expect(keysSent(auditFaults.calls)).toEqual([`${form} 1 (other client)`]);
      expect(keysSent(shopFaults.calls)).toEqual([`${form} 2 (shop client)`]);
      expect((await Entry.get({ id: `same-${form}` }).consistent())?.what).toBe(`${form} 2 (shop client)`);
    }
  });
});
