/**
 * What a batch writer that has stopped (a failed call, an abort) reports, on a real DynamoDB Local:
 * `BatchWriteError.unprocessed` must list every write not confirmed, once, and per key in the order
 * the writes were made, so that writing the list again in order gives the intended table; and the
 * progress counts must end on the true state. Faults come from `injectFaults` and from a
 * middleware of the same kind (below) that holds or fails the calls carrying a given item.
 */
import { describe, expect, it, vi } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { BatchWriteError, type BatchProgress, type BatchWriteBuilder, type EntityInput, type UnprocessedWrite } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { testClient, testDocClient, testEndpoint, uniqueTableName } from '../support/client.js';
import { throttled } from '../support/faults.js';
import { useTable } from '../support/tables.js';

/** No SDK retries: every fault reaches dynakit's own loops. */
const client = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 1 });
const cleanClient = testClient();
const clean = testDocClient(cleanClient);
const { AppTable, User } = appModel(client, uniqueTableName('batch-stop'));
const fast = { baseDelayMs: 1, maxDelayMs: 5 } as const;

type UserInput = EntityInput<typeof User>;
const user = (userId: string, name = `Name ${userId}`): UserInput => ({ userId, orgId: 'acme', email: `${userId}@example.com`, name });

let prefixCounter = 0;
const prefix = (label: string): string => `${label}${++prefixCounter}`;

let faultCounter = 0;

/**
 * Makes every BatchWriteItem call whose input mentions `marker` (e.g. a userId) wait `delayMs`,
 * then fail with `error()` without reaching the server. Sits at the initialize step and matches on
 * the serialized input, so it works whatever form (plain or marshalled) the SDK version gives it.
 * Returns the count of such calls and a way to remove it.
 */
function failCallsWith(marker: string, behave: { readonly delayMs?: number; readonly error: () => Error }): { calls: number; remove(): void } {
  const name = `batchStopFault${++faultCounter}`;
  const state = {
    calls: 0,
    remove: () => client.middlewareStack.remove(name),
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'BatchWriteItemCommand' && JSON.stringify(args.input).includes(`"${marker}"`)) {
        state.calls++;
        if (behave.delayMs !== undefined) await new Promise((r) => setTimeout(r, behave.delayMs));
        throw behave.error();
      }
      return next(args);
    },
    { step: 'initialize', name },
  );
  return state;
}

/** The error DynamoDB gives a request it refuses outright (not worth retrying). */
const validation = (): Error =>
  Object.assign(new Error('One or more parameter values were invalid (injected)'), { name: 'ValidationException', $fault: 'client', $metadata: { httpStatusCode: 400 } });

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** The names the listed writes of one user carry, in the order listed. */
const namesOf = (unprocessed: readonly UnprocessedWrite[], userId: string): unknown[] =>
  unprocessed.filter((w) => w.type === 'put' && w.item['userId'] === userId).map((w) => (w.type === 'put' ? w.item['name'] : undefined));

const rebuild = (w: UnprocessedWrite): BatchWriteBuilder => (w.type === 'put' ? User.put(w.item as UserInput) : User.delete(w.key as { userId: string }));

async function storedName(userId: string): Promise<unknown> {
  const out = await clean.send(new GetCommand({ TableName: AppTable.name, Key: { pk: `USER#${userId}`, sk: 'PROFILE' }, ConsistentRead: true }));
  return out.Item?.['name'];
}

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (e) {
    return e;
  }
  return undefined;
}

useTable(AppTable, { clients: [client, cleanClient] });

describe('a streaming writer that has stopped keeps the order of the writes of a key', () => {
  it('a write added after a failure, of a key still in the buffer, is listed after (or instead of) the buffered one; nothing stays pending', async () => {
    const p = prefix('buf');
    const fault = failCallsWith(`${p}-bad`, { error: validation });
    const seen: BatchProgress[] = [];
    const writer = AppTable.batchWriter({ ...fast, maxAttempts: 1, concurrency: 1, onProgress: (x) => seen.push(x) });
    let late: unknown;
    let final: unknown;
    try {
      writer.put(User, user(`${p}-bad`));
      for (let i = 0; i < 24; i++) writer.put(User, user(`${p}-${i}`)); // a full buffer: sent, refused
      writer.put(User, user(`${p}-k`, 'first')); // buffered
      await until(() => writer.progress.pending === 1, 'the first call to fail');
      late = thrownBy(() => writer.put(User, user(`${p}-k`, 'second')));
      final = await writer.flush().catch((e: unknown) => e);
    } finally {
      fault.remove();
    }
    expect(late).toBeInstanceOf(BatchWriteError);
    expect(namesOf((late as BatchWriteError).unprocessed, `${p}-k`).at(-1)).toBe('second');
    expect(final).toBeInstanceOf(BatchWriteError);
    const err = final as BatchWriteError;
    expect(namesOf(err.unprocessed, `${p}-k`).at(-1)).toBe('second');
    // 26 writes, 25 keys: each key either confirmed or listed, and the progress says so.
    expect(err.written + err.unprocessed.length).toBe(26);
    expect(writer.progress.pending).toBe(0);
    expect(seen.at(-1)).toEqual({ written: 0, pending: 0, retried: 0 });
    // Resuming from the list, in order, gives the last write of the key.
    await AppTable.batchWrite(err.unprocessed.map(rebuild), fast);
    expect(await storedName(`${p}-k`)).toBe('second');
  });

  it('a write added after a failure, of a key whose earlier write is still in flight, is listed after it', async () => {
    const p = prefix('fly');
    // The call carrying k's first write is slow and then throttled; another call is refused meanwhile.
    // 1 s: room for call C to fail first even on a loaded machine.
    const slow = failCallsWith(`${p}-k`, { delayMs: 1_000, error: throttled });
    const bad = failCallsWith(`${p}-bad`, { error: validation });
    const writer = AppTable.batchWriter({ ...fast, maxAttempts: 3, concurrency: 2 });
    let late: unknown;
    let final: unknown;
    try {
      writer.put(User, user(`${p}-k`, 'first'));
      for (let i = 0; i < 24; i++) writer.put(User, user(`${p}-a${i}`)); // call A: in flight
      writer.put(User, user(`${p}-bad`));
      for (let i = 0; i < 24; i++) writer.put(User, user(`${p}-c${i}`)); // call C: refused at once
      await until(() => writer.progress.pending === 25, 'call C to fail');
      expect(slow.calls).toBe(1); // call A has not answered yet
      late = thrownBy(() => writer.put(User, user(`${p}-k`, 'second')));
      final = await writer.flush().catch((e: unknown) => e);
    } finally {
      slow.remove();
      bad.remove();
    }
    expect(late).toBeInstanceOf(BatchWriteError);
    expect(final).toBeInstanceOf(BatchWriteError);
    const err = final as BatchWriteError;
    expect(namesOf(err.unprocessed, `${p}-k`)).toEqual(['first', 'second']);
    expect(err.written).toBe(0);
    expect(err.unprocessed).toHaveLength(51);
    expect(writer.progress.pending).toBe(0);
    await AppTable.batchWrite(err.unprocessed.map(rebuild), fast);
    expect(await storedName(`${p}-k`)).toBe('second');
  });
});

describe('a writer that stops while a call waits to be resent', () => {
  it('sends nothing more: the waiting writes are given up when the wait ends', async () => {
    const p = prefix('wait');
    // Call A is throttled, then waits ~990 ms (the jitter pinned at 0.99 of 1 s) to be resent;
    // call C is refused after 50 ms, during that wait (the margin is for a loaded machine).
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.99);
    const slow = failCallsWith(`${p}-k`, { error: throttled });
    const bad = failCallsWith(`${p}-bad`, { delayMs: 50, error: validation });
    const writer = AppTable.batchWriter({ baseDelayMs: 1_000, maxDelayMs: 1_000, maxAttempts: 5, concurrency: 2 });
    let final: unknown;
    try {
      writer.put(User, user(`${p}-k`));
      for (let i = 0; i < 24; i++) writer.put(User, user(`${p}-a${i}`));
      writer.put(User, user(`${p}-bad`));
      for (let i = 0; i < 24; i++) writer.put(User, user(`${p}-c${i}`));
      final = await writer.flush().catch((e: unknown) => e);
    } finally {
      random.mockRestore();
      slow.remove();
      bad.remove();
    }
    expect(final).toBeInstanceOf(BatchWriteError);
    expect(((final as BatchWriteError).cause as Error).name).toBe('ValidationException');
    expect((final as BatchWriteError).unprocessed).toHaveLength(50);
    expect(slow.calls).toBe(1); // not resent after the writer stopped
    expect(writer.progress).toEqual({ written: 0, pending: 0, retried: 0 });
  });
});

describe('`await using` a writer whose put() threw its BatchWriteError', () => {
  it('the block throws that BatchWriteError itself, not a SuppressedError wrapping it twice', async () => {
    const p = prefix('using');
    const fault = failCallsWith(`${p}-bad`, { error: validation });
    try {
      const run = async (): Promise<void> => {
        await using writer = AppTable.batchWriter({ ...fast, maxAttempts: 1 });
        writer.put(User, user(`${p}-bad`));
        for (let i = 0; i < 24; i++) writer.put(User, user(`${p}-${i}`));
        await until(() => writer.progress.pending === 0, 'the call to fail');
        writer.put(User, user(`${p}-late`)); // throws: the writer has stopped
      };
      const e = await run().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(BatchWriteError);
      expect((e as BatchWriteError).unprocessed).toHaveLength(26);
    } finally {
      fault.remove();
    }
  });
});

describe('a batch write given a signal that is already aborted', () => {
  it('lists every write in BatchWriteError, not only the first (array and callback forms)', async () => {
    const p = prefix('pre');
    const signal = AbortSignal.abort(new Error('deadline passed'));
    const writes = [User.put(user(`${p}-1`)), User.put(user(`${p}-2`)), User.delete({ userId: `${p}-3` })];
    const fromArray = await AppTable.batchWrite(writes, { abortSignal: signal }).catch((e: unknown) => e);
    expect(fromArray).toBeInstanceOf(BatchWriteError);
    expect((fromArray as BatchWriteError).unprocessed.map((w) => w.type)).toEqual(['put', 'put', 'delete']);
    expect((fromArray as BatchWriteError).message).toBe(`batch write stopped with 3 write(s) not done (0 written): Error: deadline passed; not done: 2 puts and 1 delete of User in table ${AppTable.name}; the writes not done are listed in its unprocessed, to send again`);
    const fromCallback = await AppTable.batchWrite(
      (b) => {
        b.put(User, user(`${p}-1`));
        b.put(User.put(user(`${p}-2`)));
        b.delete(User, { userId: `${p}-3` });
      },
      { abortSignal: signal },
    ).catch((e: unknown) => e);
    expect(fromCallback).toBeInstanceOf(BatchWriteError);
    expect((fromCallback as BatchWriteError).unprocessed).toHaveLength(3);
    expect(await storedName(`${p}-1`)).toBeUndefined();
  });
});
