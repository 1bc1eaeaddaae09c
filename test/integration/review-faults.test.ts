/**
 * Failures in flight and ambiguous outcomes (review 49): answers lost after DynamoDB applied a
 * write and the SDK's own retries of it, faults between pages, aborts. Faults are injected by
 * middleware on a real client talking to DynamoDB Local (test/support/faults.ts).
 */
import { describe, expect, it, vi } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { BatchWriteError, ConditionFailedError, VersionConflictError, defineEntity } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { testEndpoint, uniqueTableName } from '../support/client.js';
import { failure } from '../support/failure.js';
import { injectFaults } from '../support/faults.js';
import { useTable } from '../support/tables.js';

// Retries on, as the SDK's default client has them: a dropped connection is retried by the SDK itself.
const client = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 3 });
const { AppTable, User } = appModel(client, uniqueTableName('review-faults'));
useTable(AppTable, { clients: [client] });
const Doc = defineEntity({
  table: AppTable,
  name: 'Doc',
  schema: z.object({ docId: z.string(), title: z.string() }),
  keys: { primary: { pk: 'DOC#{docId}', sk: 'DOC' } },
  version: 'version',
});

const user = (userId: string) => ({ userId, orgId: 'acme', email: `${userId}@example.com`, name: `N ${userId}` });

/** Runs `run` with the answer of the first `command` call lost after DynamoDB applied it. */
async function answerLost<T>(command: string, run: () => Promise<T>): Promise<T> {
  const faults = injectFaults(client, { commands: [command], script: ['dropAfter'] });
  try {
    return await run();
  } finally {
    expect(faults.calls.filter((c) => c.command === command).map((c) => c.outcome).slice(0, 2)).toEqual(['droppedAfter', 'answered']);
    faults.remove();
  }
}

describe('a conditional write whose answer was lost, retried by the SDK', () => {
  it('create: the retry meets the item it created; the error says the write may have been applied', async () => {
    const e = await answerLost('PutItemCommand', () => failure(User.create(user('c1')), ConditionFailedError));
    expect(await User.get({ userId: 'c1' })).toMatchObject({ name: 'N c1' }); // it was applied
    expect(e.maybeApplied).toBe(true);
    expect(e.message).toMatch(/sent this request 2 times.*may have applied this write/);
    // Without a retry, a failure is a failure.
    const plain = await failure(User.create(user('c1')), ConditionFailedError);
    expect(plain.maybeApplied).toBe(false);
    expect(plain.message).not.toMatch(/may have applied/);
  });

  it('versioned put: the retry meets the version it wrote (VersionConflictError says maybeApplied)', async () => {
    await Doc.create({ docId: 'd1', title: 'one' });
    const e = await answerLost('PutItemCommand', () => failure(Doc.put({ docId: 'd1', title: 'two', version: 1 }), VersionConflictError));
    expect(e.item).toMatchObject({ title: 'two', version: 2 }); // its own write
    expect(e.maybeApplied).toBe(true);
    expect(e.message).toMatch(/expected version 1 but the stored item has version 2; the SDK sent this request 2 times/);
  });

  it('update with where(): the retry meets its own result', async () => {
    await User.create(user('w1'));
    const e = await answerLost('UpdateItemCommand', () =>
      failure(User.update({ userId: 'w1' }).set({ status: 'disabled' }).where(User.Attr('status').notExists()), ConditionFailedError),
    );
    expect((await User.get({ userId: 'w1' }))?.status).toBe('disabled');
    expect(e.maybeApplied).toBe(true);
  });
});

describe('a write without a condition whose answer was lost (documented in errors.md)', () => {
  it("the SDK's retry applies an update's add() a second time", async () => {
    await User.create({ ...user('a1'), age: 10 });
    await answerLost('UpdateItemCommand', () => User.update({ userId: 'a1' }).add({ age: 1 }).send());
    expect((await User.get({ userId: 'a1' }))?.age).toBe(12);
  });
});

describe('a batch write aborted while its call is on its way (documented in batch.md)', () => {
  it('lists the writes of that call although DynamoDB may have applied them', async () => {
    const c = new AbortController();
    // The server applied the call; the abort comes while the answer is read, so the request fails with it.
    const name = 'reviewAbortAfterServer';
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName !== 'BatchWriteItemCommand') return result;
        c.abort(new Error('deadline passed'));
        throw c.signal.reason;
      },
      { step: 'deserialize', priority: 'low', name },
    );
    try {
      const e = await failure(AppTable.batchWrite([User.put(user('b1')), User.put(user('b2'))], { abortSignal: c.signal }), BatchWriteError);
      expect(e.written).toBe(0);
      expect(e.unprocessed.map((w) => (w.type === 'put' ? w.item['userId'] : undefined))).toEqual(['b1', 'b2']);
    } finally {
      client.middlewareStack.remove(name);
    }
    expect(await User.get({ userId: 'b1' })).toBeDefined(); // listed, yet applied
  });
});

describe('a batch writer that stops while another call waits to be resent', () => {
  it('gives the waiting writes up at once instead of sleeping out the backoff (no timer left running)', async () => {
    const Missing = appModel(client, uniqueTableName('review-faults-missing')).User; // a table never created
    const faults = injectFaults(client, { stuck: (e) => e.item['pk']?.['S'] === 'USER#slow' });
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.99); // the backoff waits ~4.95 s
    const writer = AppTable.batchWriter({ baseDelayMs: 5_000, maxDelayMs: 5_000, concurrency: 2 });
    let elapsed = 0;
    let e: unknown;
    try {
      writer.put(User, user('slow'));
      for (let i = 0; i < 24; i++) writer.put(User, user(`s${i}`)); // 25: this call goes out now
      await vi.waitFor(() => expect(writer.progress.written).toBe(24)); // 'slow' now waits to be resent
      writer.put(Missing, user('m1'));
      const start = Date.now();
      e = await writer.flush().catch((x: unknown) => x); // ResourceNotFoundException stops the writer
      elapsed = Date.now() - start;
    } finally {
      random.mockRestore();
      faults.remove();
    }
    expect(e).toBeInstanceOf(BatchWriteError);
    expect(((e as BatchWriteError).cause as Error).name).toBe('ResourceNotFoundException');
    expect((e as BatchWriteError).unprocessed.map((w) => (w.type === 'put' ? w.item['userId'] : undefined)).sort()).toEqual(['m1', 'slow']);
    expect(elapsed).toBeLessThan(2_000);
  });
});

describe('a query whose request fails midway (documented in querying.md)', () => {
  it('pages() iteration rejects; the last cursor received resumes with no item missed or repeated', async () => {
    await AppTable.batchWrite(Array.from({ length: 20 }, (_, i) => User.put({ ...user(`q${String(i).padStart(2, '0')}`), orgId: 'pages' })));
    const q = () => User.query('gsi1', User.Key('orgId').eq('pages')).pageSize(6);
    const once = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 1 });
    const onceUser = appModel(once, AppTable.name).User;
    const faults = injectFaults(once, { commands: ['QueryCommand'], script: ['ok', 'ok', 'dropBefore'] });
    const got: string[] = [];
    let cursor: string | undefined;
    try {
      const e = await (async () => {
        for await (const page of onceUser.query('gsi1', onceUser.Key('orgId').eq('pages')).pageSize(6).pages()) {
          got.push(...page.items.map((u) => u.userId));
          cursor = page.cursor;
        }
      })().catch((x: unknown) => x);
      expect((e as { code?: string }).code).toBe('ECONNRESET');
    } finally {
      faults.remove();
      once.destroy();
    }
    expect(got).toHaveLength(12);
    const rest = (await q().startAfter(cursor).all()).map((u) => u.userId);
    expect([...got, ...rest]).toEqual(Array.from({ length: 20 }, (_, i) => `q${String(i).padStart(2, '0')}`));
  });
});

describe('an upsert over an expired item whose second send fails', () => {
  it('throws the network error (not a condition failure), and sending it again creates the item', async () => {
    const once = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 1 });
    const Session = defineEntity({
      table: appModel(once, AppTable.name).AppTable,
      name: 'Session',
      schema: z.object({ sid: z.string(), cart: z.array(z.string()).optional(), visits: z.number().optional(), expiresAt: z.date() }),
      keys: { primary: { pk: 'S#{sid}', sk: 'S' } },
      ttl: 'expiresAt',
    });
    await Session.put({ sid: 's1', cart: ['old'], visits: 41, expiresAt: new Date(Date.now() - 3_600_000) });
    const later = new Date(Math.floor(Date.now() / 1000) * 1000 + 3_600_000); // TTL is stored in whole seconds
    const upsert = () => Session.update({ sid: 's1' }).set({ expiresAt: later }).add({ visits: 1 }).upsert();
    // First UpdateItem: refused on the expired item; then the delete; then the second UpdateItem is lost before the server.
    const faults = injectFaults(once, { commands: ['UpdateItemCommand'], script: ['ok', 'dropBefore'] });
    try {
      const e = await upsert().send().catch((x: unknown) => x);
      expect(e).not.toBeInstanceOf(ConditionFailedError);
      expect((e as { code?: string }).code).toBe('ECONNRESET');
      expect(faults.calls.map((c) => `${c.command}:${c.outcome}`)).toEqual(['UpdateItemCommand:answered', 'DeleteItemCommand:answered', 'UpdateItemCommand:droppedBefore']);
      expect(await Session.get({ sid: 's1' })).toBeUndefined(); // the expired item is gone, as reads already said
      await upsert();
      expect(await Session.get({ sid: 's1' })).toMatchObject({ visits: 1, expiresAt: later });
      expect((await Session.get({ sid: 's1' }))?.cart).toBeUndefined();
    } finally {
      faults.remove();
      once.destroy();
    }
  });
});
