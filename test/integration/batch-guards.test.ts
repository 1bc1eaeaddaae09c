/**
 * The batch writer's guards against losing writes through misuse or surprises, on a real
 * DynamoDB Local: a progress callback that throws, writes added after `close()`, an
 * `UnprocessedItems` answer that matches nothing sent, and bad concurrency settings.
 */
import { describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { InitializeHandlerOutput, InitializeMiddleware } from '@smithy/types';
import { BatchWriteError, InvalidBatchError, type BatchProgress } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { testClient, testDocClient, testEndpoint, uniqueTableName } from '../support/client.js';
import { injectFaults } from '../support/faults.js';
import { useTable } from '../support/tables.js';

/** No SDK retries: every injected fault reaches dynakit's own loops. */
const client = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 1 });
const cleanClient = testClient();
const clean = testDocClient(cleanClient);
const { AppTable, User } = appModel(client, uniqueTableName('batch-guards'));
const fast = { baseDelayMs: 1, maxDelayMs: 5 } as const;

const user = (id: string) => ({ userId: id, orgId: 'o', email: `${id}@example.com`, name: 'N' });

async function storedUserIds(prefix: string): Promise<string[]> {
  const items = (await clean.send(new ScanCommand({ TableName: AppTable.name }))).Items ?? [];
  return items
    .map((i) => String(i['userId']))
    .filter((id) => id.startsWith(prefix))
    .sort();
}

useTable(AppTable, { clients: [client, cleanClient] });

describe('onProgress that throws', () => {
  it('does not stop the retries: every write is stored, and flush() then rethrows the callback error once', async () => {
    const faults = injectFaults(client, { script: ['partial'], seed: 11 });
    try {
      const calls: BatchProgress[] = [];
      const boom = new Error('boom from onProgress');
      const w = AppTable.batchWriter({
        ...fast,
        onProgress: (p) => {
          calls.push(p);
          if (calls.length === 1) throw boom;
        },
      });
      const ids = Array.from({ length: 10 }, (_, i) => `op${i}`);
      for (const id of ids) w.put(User, user(id));
      await expect(w.flush()).rejects.toBe(boom);
      expect(faults.counters.heldBack).toBeGreaterThan(0);
      expect(w.progress).toEqual({ written: 10, pending: 0, retried: faults.counters.heldBack });
      expect(await storedUserIds('op')).toEqual(ids);
      await expect(w.close()).resolves.toBeUndefined();
    } finally {
      faults.remove();
    }
  });

  it('the array form writes everything too, then rejects with the callback error', async () => {
    const faults = injectFaults(client, { script: ['partial'], seed: 12 });
    try {
      const ids = Array.from({ length: 30 }, (_, i) => `arr${String(i).padStart(2, '0')}`);
      const boom = new Error('progress display crashed');
      await expect(
        AppTable.batchWrite(
          ids.map((id) => User.put(user(id))),
          {
            ...fast,
            concurrency: 1,
            onProgress: () => {
              throw boom;
            },
          },
        ),
      ).rejects.toBe(boom);
      expect(await storedUserIds('arr')).toEqual(ids);
    } finally {
      faults.remove();
    }
  });
});

describe('a closed writer', () => {
  it('refuses later writes instead of buffering them where nothing sends them', async () => {
    const w = AppTable.batchWriter();
    w.put(User, user('closed1'));
    await w.close();
    expect(() => w.put(User, user('closed2'))).toThrow(InvalidBatchError);
    expect(() => w.delete(User, { userId: 'closed1' })).toThrow(/closed/);
    expect(await storedUserIds('closed')).toEqual(['closed1']);
  });

  it('refuses writes made while the final flush is running (close() marks it closed at once)', async () => {
    const w = AppTable.batchWriter();
    w.put(User, user('closing1'));
    const closing = w.close();
    expect(() => w.put(User, user('closing2'))).toThrow(InvalidBatchError);
    await closing;
    expect(await storedUserIds('closing')).toEqual(['closing1']);
  });

  it('`await using` closes it as well', async () => {
    let escaped: { put: (e: typeof User, u: ReturnType<typeof user>) => unknown } | undefined;
    {
      await using w = AppTable.batchWriter();
      w.put(User, user('using1'));
      escaped = w;
    }
    expect(() => escaped!.put(User, user('using2'))).toThrow(InvalidBatchError);
    expect(await storedUserIds('using')).toEqual(['using1']);
  });
});

describe('UnprocessedItems that match none of the writes sent', () => {
  it('reports every write of that call as not written rather than counting any as done', async () => {
    // Adds a stranger to the answer of every BatchWriteItem call (as DynamoDB sends it).
    const stranger: InitializeMiddleware<object, object> = (next, context) => async (args) => {
      const out = (await next(args)) as InitializeHandlerOutput<{ UnprocessedItems?: Record<string, unknown[]> }>;
      if (context.commandName === 'BatchWriteItemCommand') {
        out.output.UnprocessedItems = { [AppTable.name]: [{ PutRequest: { Item: { pk: { S: 'USER#nobody' }, sk: { S: 'PROFILE' } } } }] };
      }
      return out;
    };
    client.middlewareStack.add(stranger as never, { step: 'initialize', name: 'strangerUnprocessed' });
    try {
      const ids = ['str1', 'str2', 'str3'];
      const error = await AppTable.batchWrite(ids.map((id) => User.put(user(id))), fast).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(BatchWriteError);
      const e = error as BatchWriteError;
      expect(e.written).toBe(0);
      expect(e.unprocessed.map((w) => (w.type === 'put' ? w.item['userId'] : undefined)).sort()).toEqual(ids);
      expect(String(e.cause)).toMatch(/matches none of the writes sent/);
    } finally {
      client.middlewareStack.remove('strangerUnprocessed');
    }
  });
});

describe('concurrency settings', () => {
  it.each([0, -1, 1.5, Number.NaN])('batchGet, batchWriter and batchWrite refuse concurrency %s before sending', async (concurrency) => {
    const faults = injectFaults(client, { seed: 1 });
    try {
      await expect(User.batchGet([{ userId: 'x' }]).with({ concurrency })).rejects.toThrow(InvalidBatchError);
      expect(() => AppTable.batchWriter({ concurrency })).toThrow(/concurrency must be a positive integer/);
      await expect(AppTable.batchWrite([User.put(user('cc'))], { concurrency })).rejects.toThrow(InvalidBatchError);
      expect(faults.counters.calls).toBe(0);
    } finally {
      faults.remove();
    }
  });
});
