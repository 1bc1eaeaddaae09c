/**
 * Batch writes against DynamoDB Local: chunking, "last write of a key wins", bounded concurrency,
 * progress, retries with the SDK's own retries on, giving up, and bad input refused before any
 * request (a fault injector with no faults counts the calls). The random-fault properties are in
 * batch-faults.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  BatchValidationError,
  BatchWriteError,
  BatchWriter,
  ConditionFailedError,
  DynakitError,
  InvalidBatchError,
  ItemSizeError,
  ValidationError,
  type BatchProgress,
  type BatchWriteBuilder,
  type EntityInput,
} from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { testClient, testDocClient, testEndpoint, uniqueTableName } from '../support/client.js';
import { injectFaults } from '../support/faults.js';
import { useTable } from '../support/tables.js';

const tableName = uniqueTableName('batch-write');
const client = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 1 });
const counter = injectFaults(client); // no faults: counts the calls
const verifyClient = testClient();
const verify = testDocClient(verifyClient);
const { AppTable, User, Order } = appModel(client, tableName);
const fast = { baseDelayMs: 1, maxDelayMs: 10 } as const;

type UserInput = EntityInput<typeof User>;
type OrderInput = EntityInput<typeof Order>;
const user = (userId: string, extra: Partial<UserInput> = {}): UserInput => ({ userId, orgId: 'acme', email: `${userId}@example.com`, name: `Name ${userId}`, ...extra });
const order = (userId: string, seq: number, extra: Partial<OrderInput> = {}): OrderInput => ({
  userId,
  orderId: `o${seq}`,
  seq,
  total: seq * 10,
  placedAt: new Date(Date.UTC(2024, 0, 1, 0, 0, seq)),
  lines: [{ sku: 'A', qty: 1 }],
  ...extra,
});

let prefixCounter = 0;
const prefix = (label: string): string => `${label}${++prefixCounter}`;

/** All items of a test (their userIds start with `p`), raw. */
async function itemsOf(p: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await verify.send(
      new ScanCommand({
        TableName: tableName,
        ConsistentRead: true,
        FilterExpression: 'begins_with(pk, :p)',
        ExpressionAttributeValues: { ':p': `USER#${p}` },
        ExclusiveStartKey: start,
      }),
    );
    out.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return out;
}

const batchCalls = () => counter.calls.filter((c) => c.command === 'BatchWriteItemCommand');

useTable(AppTable, { clients: [client, verifyClient] });

describe('batchWrite: forms, chunking, last write wins', () => {
  it('the array form chunks any number of writes into calls of 25 and writes them all', async () => {
    const p = prefix('arr');
    counter.reset();
    const writes: BatchWriteBuilder[] = [];
    for (let i = 0; i < 60; i++) writes.push(User.put(user(`${p}-${i}`)));
    for (let i = 0; i < 70; i++) writes.push(Order.put(order(`${p}-${i % 10}`, i)));
    const result = await AppTable.batchWrite(writes, fast);
    expect(result).toEqual({ written: 130, retried: 0, skipped: [] });
    expect(batchCalls().map((c) => c.entries).sort((a, b) => a - b)).toEqual([5, 25, 25, 25, 25, 25]);
    const items = await itemsOf(p);
    expect(items).toHaveLength(130);
    expect(items.filter((i) => i['_et'] === 'User')).toHaveLength(60);
    // Stored exactly as a single put stores it: keys, index keys, discriminator, timestamps.
    const stored = items.find((i) => i['userId'] === `${p}-3` && i['_et'] === 'User')!;
    expect(stored).toMatchObject({ pk: `USER#${p}-3`, sk: 'PROFILE', gsi1pk: 'ORG#acme', _et: 'User' });
    expect(typeof stored['createdAt']).toBe('string');
    const o = items.find((i) => i['_et'] === 'Order' && i['seq'] === 7)!;
    expect(o['placedAt']).toBe('2024-01-01T00:00:07.000Z');
    expect(o['lsi1sk']).toBe('PLACED#2024-01-01T00:00:07.000Z');
  });

  it('the callback form takes entity + item, entity + key, and builders; async callbacks are awaited', async () => {
    const p = prefix('cb');
    await AppTable.batchWrite([User.put(user(`${p}-gone`)), Order.put(order(`${p}-gone`, 1))], fast);
    const result = await AppTable.batchWrite(async (batch) => {
      batch.put(User, user(`${p}-a`));
      await new Promise((r) => setTimeout(r, 1));
      batch.put(Order.put(order(`${p}-a`, 2)));
      batch.delete(User, { userId: `${p}-gone` });
      batch.delete(Order.delete({ userId: `${p}-gone`, seq: 1, orderId: 'o1' }));
    }, fast);
    expect(result.written).toBe(4);
    const items = await itemsOf(p);
    expect(items.map((i) => `${String(i['_et'])}:${String(i['userId'])}`).sort()).toEqual([`Order:${p}-a`, `User:${p}-a`]);
  });

  it('a key written twice keeps its last write and is sent once (DynamoDB refuses duplicates in one call)', async () => {
    const p = prefix('dup');
    counter.reset();
    const result = await AppTable.batchWrite(
      [
        User.put(user(`${p}-1`, { age: 1 })),
        User.put(user(`${p}-2`, { age: 1 })),
        User.put(user(`${p}-1`, { age: 2 })),
        User.delete({ userId: `${p}-2` }),
        User.put(user(`${p}-3`, { age: 1 })),
        User.delete({ userId: `${p}-3` }),
        User.put(user(`${p}-3`, { age: 3 })),
      ],
      fast,
    );
    expect(result.written).toBe(3);
    expect(batchCalls()).toHaveLength(1);
    expect(batchCalls()[0]!.entries).toBe(3);
    const items = await itemsOf(p);
    expect(items.map((i) => [i['userId'], i['age']]).sort()).toEqual([
      [`${p}-1`, 2],
      [`${p}-3`, 3],
    ]);
  });

  it("a batch delete has no condition, so unlike delete() it also removes another entity's item under the key", async () => {
    const p = prefix('foreign');
    const key = { pk: `USER#${p}`, sk: 'PROFILE' };
    await verify.send(new PutCommand({ TableName: tableName, Item: { ...key, _et: 'Alien' } }));
    await expect(User.delete({ userId: p })).rejects.toBeInstanceOf(ConditionFailedError);
    await AppTable.batchWrite([User.delete({ userId: p })], fast);
    expect(await itemsOf(p)).toEqual([]);
  });

  it('an empty batch sends nothing', async () => {
    counter.reset();
    expect(await AppTable.batchWrite([])).toEqual({ written: 0, retried: 0, skipped: [] });
    expect(await AppTable.batchWrite(() => {})).toEqual({ written: 0, retried: 0, skipped: [] });
    expect(counter.calls).toHaveLength(0);
  });

  it('concurrency bounds the calls in flight (default 4)', async () => {
    const p = prefix('conc');
    const puts = (n: number) => Array.from({ length: n }, (_, i) => User.put(user(`${p}-${n}-${i}`)));
    counter.reset();
    await AppTable.batchWrite(puts(500), { ...fast, concurrency: 2 });
    expect(counter.counters.maxInFlight).toBe(2);
    counter.reset();
    await AppTable.batchWrite(puts(501), fast);
    expect(counter.counters.maxInFlight).toBeLessThanOrEqual(4);
    expect(counter.counters.maxInFlight).toBeGreaterThan(1);
    counter.reset();
    await AppTable.batchWrite(puts(502), { ...fast, concurrency: 1 });
    expect(counter.counters.maxInFlight).toBe(1);
    expect(await itemsOf(p)).toHaveLength(1503);
  });

  it('onProgress reports written / pending / retried after every call', async () => {
    const p = prefix('prog');
    const faults = injectFaults(client, { seed: 3, partial: 1 });
    const seen: BatchProgress[] = [];
    try {
      const result = await AppTable.batchWrite(
        Array.from({ length: 80 }, (_, i) => User.put(user(`${p}-${i}`))),
        { ...fast, concurrency: 1, onProgress: (x) => seen.push(x) },
      );
      expect(result.written).toBe(80);
      expect(result.retried).toBeGreaterThan(0);
      expect(seen.at(-1)).toEqual({ written: 80, pending: 0, retried: result.retried });
      // One report per call to DynamoDB.
      expect(seen).toHaveLength(faults.counters.calls);
      for (let i = 1; i < seen.length; i++) {
        expect(seen[i]!.written).toBeGreaterThanOrEqual(seen[i - 1]!.written);
        expect(seen[i]!.retried).toBeGreaterThanOrEqual(seen[i - 1]!.retried);
        expect(seen[i]!.written + seen[i]!.pending).toBe(80);
      }
      // Every write a call did not confirm was resent: held back, or the whole call when it was throttled.
      const unconfirmed = faults.calls.reduce((n, c) => n + c.entries - (c.outcome === 'answered' ? c.delivered : 0), 0);
      expect(result.retried).toBe(unconfirmed);
      expect(faults.counters.heldBack).toBeGreaterThan(0);
    } finally {
      faults.remove();
    }
  });
});

describe('BatchWriter (streaming)', () => {
  it('buffers to 25, sends full buffers in the background, flush() waits, close() ends', async () => {
    const p = prefix('stream');
    counter.reset();
    const writer = AppTable.batchWriter(fast);
    expect(writer).toBeInstanceOf(BatchWriter);
    for (let i = 0; i < 24; i++) writer.put(User, user(`${p}-${i}`));
    expect(batchCalls()).toHaveLength(0);
    expect(writer.progress).toEqual({ written: 0, pending: 24, retried: 0 });
    writer.put(Order.put(order(`${p}-0`, 1))); // 25th: the buffer goes out
    writer.put(User, user(`${p}-late`));
    await writer.flush();
    expect(batchCalls().map((c) => c.entries).sort((a, b) => a - b)).toEqual([1, 25]);
    expect(writer.progress).toEqual({ written: 26, pending: 0, retried: 0 });
    writer.delete(User, { userId: `${p}-late` }).delete(Order.delete({ userId: `${p}-0`, seq: 1, orderId: 'o1' }));
    await writer.close();
    expect(writer.progress.written).toBe(28);
    expect(await itemsOf(p)).toHaveLength(24);
  });

  it('a key written twice in one buffer keeps the last write; across buffers the later write waits for the earlier', async () => {
    const p = prefix('order');
    counter.reset();
    // Partial batches and lost answers make calls retry at random: a later call must still not
    // overtake an earlier write of the same key.
    const faults = injectFaults(client, { seed: 9, partial: 0.5, dropAfter: 0.2, logWrites: true });
    const writer = AppTable.batchWriter({ ...fast, concurrency: 8 });
    writer.put(User, user(`${p}-k`, { age: 1 }));
    writer.put(User, user(`${p}-k`, { age: 2 })); // replaces age 1 in the buffer
    expect(writer.progress.pending).toBe(1);
    for (let round = 3; round < 16; round++) {
      writer.put(User, user(`${p}-k`, { age: round }));
      for (let i = 0; i < 24; i++) writer.put(User, user(`${p}-f${round}-${i}`)); // fills the buffer: sent now
    }
    writer.delete(User, { userId: `${p}-f15-0` });
    try {
      await writer.close();
    } finally {
      faults.remove();
    }
    const k = (await itemsOf(p)).find((i) => i['userId'] === `${p}-k`);
    expect(k?.['age']).toBe(15);
    // What the server got for the key, in order: ages never go back (resends repeat the last one).
    const ages = faults.writeLog
      .filter((w) => w.request.PutRequest?.Item['pk']?.['S'] === `USER#${p}-k`)
      .map((w) => Number(w.request.PutRequest!.Item['age']?.['N']));
    expect(ages[0]).toBe(3); // ages 1 and 2 were replaced in the buffer before it went out
    expect(ages.at(-1)).toBe(15);
    for (let i = 1; i < ages.length; i++) expect(ages[i]).toBeGreaterThanOrEqual(ages[i - 1]!);
    expect(faults.faults).toBeGreaterThan(0);
    expect(batchCalls().every((c) => c.entries <= 25)).toBe(true);
  });

  it('await using flushes at the end of the block', async () => {
    const p = prefix('using');
    {
      await using writer = AppTable.batchWriter(fast);
      writer.put(User, user(`${p}-1`)).put(User, user(`${p}-2`));
    }
    expect(await itemsOf(p)).toHaveLength(2);
  });

  it('validates each write at once: an invalid item throws ValidationError from put() and nothing of it is buffered', async () => {
    const p = prefix('wval');
    const writer = AppTable.batchWriter(fast);
    writer.put(User, user(`${p}-ok`));
    expect(() => writer.put(User, { ...user(`${p}-bad`), email: 'not an email' })).toThrow(ValidationError);
    // @ts-expect-error create() has a condition: the types refuse it; the run time too, for untyped callers
    expect(() => writer.put(User.create(user(`${p}-c`)))).toThrow(InvalidBatchError);
    // @ts-expect-error where(): as above
    expect(() => writer.delete(User.delete({ userId: 'x' }).where(User.Attr('age').gt(1)))).toThrow(InvalidBatchError);
    expect(writer.progress.pending).toBe(1);
    await writer.close();
    expect((await itemsOf(p)).map((i) => i['userId'])).toEqual([`${p}-ok`]);
  });

  it('rejects a bad concurrency option', () => {
    expect(() => AppTable.batchWriter({ concurrency: 0 })).toThrow(InvalidBatchError);
    expect(() => AppTable.batchWriter({ maxAttempts: 0 })).toThrow(InvalidBatchError);
  });
});

describe('retries and giving up', () => {
  it('with the SDK default retries on (no maxAttempts override), dynakit and the SDK together write everything', async () => {
    const sdkDefaults = new DynamoDBClient(localClientConfig(testEndpoint()));
    const faults = injectFaults(sdkDefaults, { seed: 11, partial: 0.4, dropBefore: 0.15, dropAfter: 0.15 });
    const m = appModel(sdkDefaults, tableName);
    const p = prefix('sdk');
    try {
      const writes = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? m.Order.put(order(`${p}-${i % 20}`, i)) : m.User.put(user(`${p}-${i}`))));
      let dynakitCalls = 0;
      const result = await m.AppTable.batchWrite(writes, { ...fast, onProgress: () => dynakitCalls++ });
      expect(result.written).toBe(300);
      expect(await itemsOf(p)).toHaveLength(300);
      // The SDK retried dropped connections itself: more HTTP attempts than dynakit calls...
      expect(faults.counters.droppedBefore + faults.counters.droppedAfter).toBeGreaterThan(0);
      expect(faults.counters.calls).toBeGreaterThan(dynakitCalls);
      // ...and dynakit resent what came back unprocessed (the SDK never does).
      expect(faults.counters.heldBack).toBeGreaterThan(0);
      expect(result.retried).toBeGreaterThan(0);
    } finally {
      faults.remove();
      sdkDefaults.destroy();
    }
  });

  it('throttling on every call: gives up after maxAttempts calls with BatchWriteError listing every write', async () => {
    const p = prefix('thr');
    const faults = injectFaults(client, { throttle: 1 });
    try {
      const writes = [User.put(user(`${p}-1`)), Order.delete({ userId: `${p}-1`, seq: 4, orderId: 'o4' })];
      const e = await AppTable.batchWrite(writes, { ...fast, maxAttempts: 3 }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(BatchWriteError);
      const err = e as BatchWriteError;
      expect(faults.counters.calls).toBe(3);
      expect(err.written).toBe(0);
      expect((err.cause as Error).name).toBe('ProvisionedThroughputExceededException');
      expect(err.message).toMatch(/2 write\(s\) not done \(0 written\)/);
      expect(err.unprocessed).toEqual([
        { type: 'put', entity: 'User', table: tableName, item: expect.objectContaining({ userId: `${p}-1`, email: `${p}-1@example.com` }) },
        { type: 'delete', entity: 'Order', table: tableName, key: { userId: `${p}-1`, seq: 4, orderId: 'o4' } },
      ]);
    } finally {
      faults.remove();
    }
  });

  it('the attempt counter restarts whenever a call makes progress', async () => {
    const p = prefix('reset');
    // Each call processes only its first write: with maxAttempts 2, a writer that did not restart
    // its count after progress would give up after 2 calls; this one needs 25 and gets there.
    const faults = injectFaults(client, { stuck: (x) => x.index > 0 });
    try {
      const result = await AppTable.batchWrite(
        Array.from({ length: 25 }, (_, i) => User.put(user(`${p}-${i}`))),
        { ...fast, maxAttempts: 2 },
      );
      expect(result.written).toBe(25);
      expect(faults.counters.calls).toBe(25);
      expect(result.retried).toBe(24 + 23 + 22 + 21 + 20 + 19 + 18 + 17 + 16 + 15 + 14 + 13 + 12 + 11 + 10 + 9 + 8 + 7 + 6 + 5 + 4 + 3 + 2 + 1);
    } finally {
      faults.remove();
    }
  });

  it('a non-retryable error stops at once: BatchWriteError with the cause and every write of the call', async () => {
    const missing = appModel(client, uniqueTableName('batch-missing'));
    counter.reset();
    const e = (await missing.AppTable.batchWrite([missing.User.put(user('m1')), missing.User.put(user('m2'))], fast).catch((x: unknown) => x)) as BatchWriteError;
    expect(e).toBeInstanceOf(BatchWriteError);
    expect((e.cause as Error).name).toBe('ResourceNotFoundException');
    expect(e.unprocessed.map((w) => (w.type === 'put' ? w.item['userId'] : undefined))).toEqual(['m1', 'm2']);
    expect(batchCalls()).toHaveLength(1);
  });

  it('after giving up, the writer lists the failed writes and what was still buffered; resuming from the list writes them', async () => {
    const p = prefix('resume');
    const stuck = `USER#${p}-stuck`;
    const faults = injectFaults(client, { stuck: (x) => x.item['pk']?.['S'] === stuck });
    const writer = AppTable.batchWriter({ ...fast, maxAttempts: 2 });
    let err: BatchWriteError | undefined;
    try {
      writer.put(User, user(`${p}-stuck`));
      for (let i = 0; i < 30; i++) writer.put(User, user(`${p}-${i}`));
      await writer.flush();
    } catch (e) {
      err = e as BatchWriteError;
    } finally {
      faults.remove();
    }
    expect(err).toBeInstanceOf(BatchWriteError);
    expect(err!.unprocessed.map((w) => (w.type === 'put' ? w.item['userId'] : w.key['userId']))).toContain(`${p}-stuck`);
    expect(err!.written + err!.unprocessed.length).toBe(31);
    // Resume: the unprocessed writes carry entity and item (or key), enough to rebuild the builders.
    const entities = { User, Order } as const;
    const retry: BatchWriteBuilder[] = err!.unprocessed.map((w) =>
      w.type === 'put' ? entities[w.entity as keyof typeof entities].put(w.item as never) : entities[w.entity as keyof typeof entities].delete(w.key as never),
    );
    await AppTable.batchWrite(retry, fast);
    expect(await itemsOf(p)).toHaveLength(31);
  });

  // BUG (reported): once the writer has given up, put()/delete() throw a BatchWriteError whose
  // `unprocessed` omits the write being added, so a caller resuming from that error loses it.
  it('a write added after the writer gave up is listed in the error it throws', async () => {
    const p = prefix('late');
    const faults = injectFaults(client, { stuck: (x) => x.item['pk']?.['S'] === `USER#${p}-stuck` });
    const writer = AppTable.batchWriter({ ...fast, maxAttempts: 1 });
    try {
      writer.put(User, user(`${p}-stuck`));
      await writer.flush().catch(() => undefined);
      let thrown: unknown;
      try {
        writer.put(User, user(`${p}-late`));
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(BatchWriteError);
      const ids = (thrown as BatchWriteError).unprocessed.map((w) => (w.type === 'put' ? w.item['userId'] : undefined));
      expect(ids).toContain(`${p}-late`);
    } finally {
      faults.remove();
    }
  });

  // BUG (reported): `await using` + a flush that throws -> disposing flushes again and throws the
  // same BatchWriteError again, so the block throws a SuppressedError instead of the BatchWriteError.
  it('a BatchWriteError thrown inside an `await using` block reaches the caller as itself', async () => {
    const p = prefix('supp');
    const faults = injectFaults(client, { stuck: (x) => x.item['pk']?.['S'] === `USER#${p}-s` });
    try {
      const run = async () => {
        await using writer = AppTable.batchWriter({ ...fast, maxAttempts: 1 });
        writer.put(User, user(`${p}-s`));
        await writer.flush();
      };
      await expect(run()).rejects.toBeInstanceOf(BatchWriteError);
    } finally {
      faults.remove();
    }
  });
});

describe('bad input: refused before any request', () => {
  it('schema failures are reported with their index (BatchValidationError.failures) and nothing is sent', async () => {
    const p = prefix('bad');
    counter.reset();
    const writes: BatchWriteBuilder[] = [
      User.put(user(`${p}-0`)),
      User.put({ ...user(`${p}-1`), email: 'nope' }),
      Order.put(order(`${p}-2`, 2)),
      Order.put({ ...order(`${p}-3`, 3), seq: 1.5 }),
      User.delete({ userId: `${p}-4` }),
    ];
    const e = (await AppTable.batchWrite(writes, fast).catch((x: unknown) => x)) as BatchValidationError;
    expect(e).toBeInstanceOf(BatchValidationError);
    expect(e).toBeInstanceOf(DynakitError);
    expect(e.failures.map((f) => f.index)).toEqual([1, 3]);
    expect(e.failures[0]!.error).toBeInstanceOf(ValidationError);
    expect((e.failures[0]!.error as ValidationError).issues.map((i) => i.path)).toEqual(['email']);
    expect((e.failures[1]!.error as ValidationError).entity).toBe('Order');
    expect(e.message).toMatch(/2 write\(s\) of the batch are invalid, nothing was sent: #1 User: invalid item: email/);
    expect(counter.calls).toHaveLength(0);
    expect(await itemsOf(p)).toEqual([]);
  });

  it('the callback form reports indexes in the order the callback added the writes', async () => {
    const p = prefix('badcb');
    counter.reset();
    const e = (await AppTable.batchWrite((b) => {
      b.put(User, user(`${p}-0`));
      b.put(User, user(`${p}-1`));
      b.put(User, { ...user(`${p}-2`), name: 42 as never });
    }).catch((x: unknown) => x)) as BatchValidationError;
    expect(e.failures.map((f) => f.index)).toEqual([2]);
    expect(counter.calls).toHaveLength(0);
  });

  it('bestEffort sends the valid writes and reports the skipped ones', async () => {
    const p = prefix('best');
    const result = await AppTable.batchWrite(
      [User.put(user(`${p}-0`)), User.put({ ...user(`${p}-1`), age: 1.5 }), User.put(user(`${p}-2`))],
      { ...fast, bestEffort: true },
    );
    expect(result.written).toBe(2);
    expect(result.skipped.map((s) => s.index)).toEqual([1]);
    expect(result.skipped[0]!.error).toBeInstanceOf(ValidationError);
    expect((await itemsOf(p)).map((i) => i['userId']).sort()).toEqual([`${p}-0`, `${p}-2`]);
  });

  it('an item over 400 KB is a failure at its index (ItemSizeError), before sending', async () => {
    const p = prefix('big');
    counter.reset();
    const big = User.put(user(`${p}-1`, { history: ['x'.repeat(410_000)] }));
    const e = (await AppTable.batchWrite([User.put(user(`${p}-0`)), big], fast).catch((x: unknown) => x)) as BatchValidationError;
    expect(e).toBeInstanceOf(BatchValidationError);
    expect(e.failures).toHaveLength(1);
    expect(e.failures[0]!.index).toBe(1);
    expect(e.failures[0]!.error).toBeInstanceOf(ItemSizeError);
    expect((e.failures[0]!.error as ItemSizeError).size).toBeGreaterThan(409_600);
    expect(counter.calls).toHaveLength(0);
    // The streaming writer refuses it from put().
    expect(() => AppTable.batchWriter().put(big)).toThrow(ItemSizeError);
  });

  it('conditional writes cannot be batched: put().where(), create(), delete().where() (the batch is not sent)', async () => {
    counter.reset();
    const conditional = [
      User.put(user('c1')).where(User.Attr('age').notExists()),
      User.create(user('c2')),
      Order.delete({ userId: 'c3', seq: 1, orderId: 'o1' }).where(Order.Attr('total').gt(0)),
    ];
    for (const w of conditional) {
      // @ts-expect-error conditioned builders: the types refuse them; the run time too, for untyped callers
      const e = await AppTable.batchWrite([User.put(user('c0')), w]).catch((x: unknown) => x);
      // Today an InvalidBatchError inside BatchValidationError.failures (see the bug below).
      const invalid = e instanceof BatchValidationError ? e.failures.find((f) => f.index === 1)?.error : e;
      expect(invalid).toBeInstanceOf(InvalidBatchError);
      expect((invalid as Error).message).toMatch(/BatchWriteItem has no conditions.*use transactWrite/);
    }
    expect(counter.calls).toHaveLength(0);
  });

  // BUG (reported): a conditional write in batchWrite([...]) is a programming error, not bad data,
  // yet it is wrapped in BatchValidationError, and with `bestEffort` it is silently skipped while
  // the rest is written. It should throw InvalidBatchError itself, as the streaming writer does.
  it('a conditional write in batchWrite([...]) throws InvalidBatchError, even with bestEffort', async () => {
    counter.reset();
    // @ts-expect-error create() has a condition (refused by the types too)
    await expect(AppTable.batchWrite([User.put(user('c0')), User.create(user('c1'))])).rejects.toBeInstanceOf(InvalidBatchError);
    // @ts-expect-error as above
    await expect(AppTable.batchWrite([User.put(user('c0')), User.create(user('c1'))], { bestEffort: true })).rejects.toBeInstanceOf(InvalidBatchError);
    expect(counter.calls).toHaveLength(0);
  });

  it('only put and delete builders are accepted', async () => {
    counter.reset();
    const e = await AppTable.batchWrite([User.update({ userId: 'u' }).set({ name: 'x' }) as never]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InvalidBatchError);
    expect(() => AppTable.batchWriter().put(User.get({ userId: 'u' }) as never)).toThrow(InvalidBatchError);
    expect(counter.calls).toHaveLength(0);
  });
});
