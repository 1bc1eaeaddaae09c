/**
 * Resuming a batch write that gave up, in one line, on DynamoDB Local: `batchWrite(error.unprocessed)`
 * (and `writer.resend`, `batch.resend`) sends again exactly the writes that were to be made (the
 * stored items dynakit built then, with their times), while entries read back from JSON are rebuilt
 * through the table's entities and validated, and entries of an unknown entity or another table are
 * refused before anything is sent. Throttling is injected by a middleware on a real client.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { BatchValidationError, BatchWriteError, InvalidBatchError, defineEntity, defineTable, type UnprocessedWrite } from '../../src/index.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { testClient, testDocClient, testEndpoint, uniqueTableName } from '../support/client.js';
import { throttled } from '../support/faults.js';
import { useTable } from '../support/tables.js';

/** No SDK retries: every throttled call reaches dynakit's own loop. */
const client = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 1 });
const cleanClient = testClient();
const clean = testDocClient(cleanClient);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fast = { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } as const;

const AppTable = defineTable({ name: uniqueTableName('resume'), client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
const OtherTable = defineTable({ name: uniqueTableName('resume-other'), client, partitionKey: { name: 'pk', type: 'S' } });

/** Stamped by dynakit, with a transform that must run once. */
const Profile = defineEntity({
  table: AppTable,
  name: 'Profile',
  schema: z.object({ id: z.string(), email: z.string().email(), label: z.string().transform((s) => `[${s}]`) }),
  keys: { primary: { pk: 'P#{id}', sk: 'PROFILE' } },
  timestamps: true,
});
const Note = defineEntity({
  table: AppTable,
  name: 'Note',
  schema: z.object({ id: z.string(), n: z.number().int(), body: z.string() }),
  keys: { primary: { pk: 'P#{id}', sk: 'NOTE#{n}' } },
});
const Audit = defineEntity({ table: OtherTable, name: 'Audit', schema: z.object({ id: z.string(), what: z.string() }), keys: { primary: { pk: 'A#{id}' } } });

useTable(AppTable);
useTable(OtherTable, { clients: [client, cleanClient] });

/** A table behind a client of its own (as another region's or account's would be), without SDK retries. */
const remoteClient = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 1 });
const RemoteTable = defineTable({ name: uniqueTableName('resume-remote'), client: remoteClient, partitionKey: { name: 'pk', type: 'S' } });
const Remote = defineEntity({ table: RemoteTable, name: 'Remote', schema: z.object({ id: z.string() }), keys: { primary: { pk: 'R#{id}' } } });
useTable(RemoteTable, { clients: [remoteClient] });

interface Throttle {
  /** BatchWriteItem calls that reached the middleware (throttled or not). */
  calls: number;
  /** The wire items of the puts in throttled calls, by `pk`. */
  readonly held: Map<string, Record<string, { S?: string }>>;
  remove(): void;
}

let throttleCount = 0;

/** Throttles every BatchWriteItem call that carries `marker` anywhere in its input; counts all calls. */
function throttleCallsWith(marker: string): Throttle {
  const name = `resumeThrottle${++throttleCount}`;
  const state: Throttle = { calls: 0, held: new Map(), remove: () => client.middlewareStack.remove(name) };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'BatchWriteItemCommand') return next(args);
      state.calls++;
      if (!JSON.stringify(args.input).includes(marker)) return next(args);
      const input = args.input as { RequestItems: Record<string, { PutRequest?: { Item: Record<string, { S?: string }> } }[]> };
      for (const reqs of Object.values(input.RequestItems)) for (const r of reqs) if (r.PutRequest) state.held.set(r.PutRequest.Item['pk']!.S!, r.PutRequest.Item);
      throw throttled();
    },
    { step: 'initialize', name },
  );
  return state;
}

/** Counts BatchWriteItem calls, to show that a refused resend sent nothing. */
function countCalls(): { calls: number; remove(): void } {
  const name = `resumeCount${++throttleCount}`;
  const state = { calls: 0, remove: () => client.middlewareStack.remove(name) };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'BatchWriteItemCommand') state.calls++;
      return next(args);
    },
    { step: 'initialize', name },
  );
  return state;
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

async function stored(table: string, pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
  return (await clean.send(new GetCommand({ TableName: table, Key: { pk, sk }, ConsistentRead: true }))).Item;
}

const profile = (id: string) => ({ id, email: `${id}@example.com`, label: id });
const GIVEN = { createdAt: '2020-01-02T03:04:05.000Z', updatedAt: '2021-02-03T04:05:06.000Z' } as const;

describe('resuming a failed batch write from BatchWriteError.unprocessed', () => {
  it('gives up midway, then batchWrite(error.unprocessed) writes exactly what was to be written: the same times, the transform run once', async () => {
    const tag = 'mid';
    await AppTable.batchWrite([Note.put({ id: `${tag}-old`, n: 1, body: 'old' }), Profile.put(profile(`${tag}-old`))]);
    // 25 writes go in the first call; the second call carries the stuck profile and is throttled.
    const writes = [
      ...Array.from({ length: 25 }, (_, i) => Note.put({ id: `${tag}-ok`, n: i, body: `b${i}` })),
      Profile.put(profile(`${tag}-stuck`)),
      Profile.put(profile(`${tag}-imported`)).withTimestamps(GIVEN),
      Note.delete({ id: `${tag}-old`, n: 1 }),
      AppTable.delete({ pk: `P#${tag}-old`, sk: 'PROFILE' }),
    ];
    const throttle = throttleCallsWith(`${tag}-stuck`);
    let error: unknown;
    try {
      error = await caught(AppTable.batchWrite(writes, fast));
    } finally {
      throttle.remove();
    }
    expect(error).toBeInstanceOf(BatchWriteError);
    const e = error as BatchWriteError;
    expect(e.written).toBe(25);
    expect(e.unprocessed.map((w) => [w.type, w.entity])).toEqual([
      ['put', 'Profile'],
      ['put', 'Profile'],
      ['delete', 'Note'],
      ['delete', `table ${AppTable.name}`],
    ]);
    // Entries look as they always did: nothing new to serialise or compare.
    expect(Object.keys(e.unprocessed[0]!)).toEqual(['type', 'entity', 'table', 'item']);
    expect(JSON.parse(JSON.stringify(e.unprocessed[1]))).toEqual({ type: 'put', entity: 'Profile', table: AppTable.name, item: profile(`${tag}-imported`), timestamps: GIVEN });
    const wireStuck = throttle.held.get(`P#${tag}-stuck`)!;
    expect(wireStuck['createdAt']?.S).toMatch(/^\d{4}-/);

    await pause(15); // a new put would now stamp a later time
    const resumed = await AppTable.batchWrite(e.unprocessed);
    expect(resumed).toEqual({ written: 4, retried: 0, skipped: [] });

    const stuck = await stored(AppTable.name, `P#${tag}-stuck`, 'PROFILE');
    expect(stuck?.['createdAt']).toBe(wireStuck['createdAt']!.S);
    expect(stuck?.['updatedAt']).toBe(wireStuck['updatedAt']!.S);
    expect(stuck?.['label']).toBe(`[${tag}-stuck]`);
    const imported = await stored(AppTable.name, `P#${tag}-imported`, 'PROFILE');
    expect([imported?.['createdAt'], imported?.['updatedAt'], imported?.['label']]).toEqual([GIVEN.createdAt, GIVEN.updatedAt, `[${tag}-imported]`]);
    expect(await Note.get({ id: `${tag}-old`, n: 1 })).toBeUndefined();
    expect(await stored(AppTable.name, `P#${tag}-old`, 'PROFILE')).toBeUndefined();
    expect((await Note.query('primary', Note.Key('id').eq(`${tag}-ok`)).all()).length).toBe(25);
  });

  it('entries read back from JSON are rebuilt through the table\'s entities and validated; given times are kept', async () => {
    const tag = 'json';
    await AppTable.batchWrite([Note.put({ id: tag, n: 9, body: 'to delete' }), Profile.put(profile(`${tag}-old`))]);
    const throttle = throttleCallsWith(`${tag}-stuck`);
    let error: unknown;
    try {
      error = await caught(
        AppTable.batchWrite(
          [
            Profile.put(profile(`${tag}-stuck`)).withTimestamps(GIVEN),
            Profile.put(profile(`${tag}-plain`)),
            Note.delete({ id: tag, n: 9 }),
            AppTable.delete({ pk: `P#${tag}-old`, sk: 'PROFILE' }),
          ],
          fast,
        ),
      );
    } finally {
      throttle.remove();
    }
    const e = error as BatchWriteError;
    expect(e.unprocessed).toHaveLength(4);
    const fromQueue = JSON.parse(JSON.stringify(e.unprocessed)) as UnprocessedWrite[];

    const resumed = await AppTable.batchWrite(fromQueue);
    expect(resumed.written).toBe(4);
    const stuck = await stored(AppTable.name, `P#${tag}-stuck`, 'PROFILE');
    expect([stuck?.['createdAt'], stuck?.['updatedAt'], stuck?.['label']]).toEqual([GIVEN.createdAt, GIVEN.updatedAt, `[${tag}-stuck]`]);
    // Validated like a new put: stamped now, transform run once on the input listed.
    const plain = await stored(AppTable.name, `P#${tag}-plain`, 'PROFILE');
    expect(plain?.['label']).toBe(`[${tag}-plain]`);
    expect(typeof plain?.['createdAt']).toBe('string');
    expect(await Note.get({ id: tag, n: 9 })).toBeUndefined();
    expect(await stored(AppTable.name, `P#${tag}-old`, 'PROFILE')).toBeUndefined();
  });

  it('a JSON entry with an invalid item fails validation like any write, before anything is sent (or is skipped with bestEffort)', async () => {
    const counter = countCalls();
    try {
      const bad: UnprocessedWrite = { type: 'put', entity: 'Profile', table: AppTable.name, item: { id: 'bad', email: 'not an email', label: 'x' } };
      const good: UnprocessedWrite = { type: 'put', entity: 'Note', table: AppTable.name, item: { id: 'bad', n: 1, body: 'ok' } };
      const error = await caught(AppTable.batchWrite([good, bad]));
      expect(error).toBeInstanceOf(BatchValidationError);
      expect((error as BatchValidationError).failures.map((f) => f.index)).toEqual([1]);
      expect(counter.calls).toBe(0);
      const result = await AppTable.batchWrite([good, bad], { bestEffort: true });
      expect([result.written, result.skipped.map((s) => s.index)]).toEqual([1, [1]]);
      expect(await stored(AppTable.name, 'P#bad', 'PROFILE')).toBeUndefined();
    } finally {
      counter.remove();
    }
  });

  it('an entry of an unknown entity or of another table is refused before anything is sent, naming both', async () => {
    const counter = countCalls();
    try {
      const ok = Note.put({ id: 'refused', n: 1, body: 'never sent' });
      const unknown: UnprocessedWrite = { type: 'put', entity: 'Ghost', table: AppTable.name, item: { id: 'g' } };
      const e1 = await caught(AppTable.batchWrite([ok, unknown]));
      expect(e1).toBeInstanceOf(InvalidBatchError);
      expect((e1 as Error).message).toContain(`write #1: Ghost in table ${AppTable.name}`);
      expect((e1 as Error).message).toContain('defines no entity Ghost (it defines Profile, Note)');

      const foreign: UnprocessedWrite = { type: 'put', entity: 'Audit', table: OtherTable.name, item: { id: 'a', what: 'x' } };
      const e2 = await caught(AppTable.batchWrite([ok, foreign], { bestEffort: true }));
      expect(e2).toBeInstanceOf(InvalidBatchError);
      expect((e2 as Error).message).toContain(`Audit in table ${OtherTable.name}`);
      expect((e2 as Error).message).toContain(`through table ${AppTable.name}`);

      const e3 = await caught(AppTable.batchWrite([{ type: 'put', entity: 'Note', table: AppTable.name } as unknown as UnprocessedWrite]));
      expect((e3 as Error).message).toContain('has no item object');
      expect(counter.calls).toBe(0);
      expect(await Note.get({ id: 'refused', n: 1 })).toBeUndefined();

      // Through its own table the same JSON entry is fine.
      expect((await OtherTable.batchWrite([foreign])).written).toBe(1);
      expect(await Audit.get({ id: 'a' })).toEqual({ id: 'a', what: 'x' });
    } finally {
      counter.remove();
    }
  });

  it('entries dynakit listed for several tables go back to their own tables, whichever table resends them', async () => {
    const throttle = throttleCallsWith('multi-stuck');
    let error: unknown;
    try {
      error = await caught(AppTable.batchWrite([Profile.put(profile('multi-stuck')), Audit.put({ id: 'multi', what: 'audit' })], fast));
    } finally {
      throttle.remove();
    }
    const e = error as BatchWriteError;
    expect(e.unprocessed.map((w) => w.table)).toEqual([AppTable.name, OtherTable.name]);
    expect((await AppTable.batchWrite(e.unprocessed)).written).toBe(2);
    expect(await Audit.get({ id: 'multi' })).toEqual({ id: 'multi', what: 'audit' });
    expect((await Profile.get({ id: 'multi-stuck' }))?.label).toBe('[multi-stuck]');
  });

  it("an entry listed for a table with a client of its own is resent through that client, not the resending table's", async () => {
    const name = 'remoteFaults';
    const remoteCalls = { throttle: true, calls: 0 };
    remoteClient.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'BatchWriteItemCommand') return next(args);
        remoteCalls.calls++;
        if (remoteCalls.throttle) throw throttled();
        return next(args);
      },
      { step: 'initialize', name },
    );
    try {
      const e = (await caught(AppTable.batchWrite([Remote.put({ id: 'r1' })], fast))) as BatchWriteError;
      expect(e).toBeInstanceOf(BatchWriteError);
      expect(remoteCalls.calls).toBe(2);
      remoteCalls.throttle = false;
      const own = countCalls();
      try {
        expect((await AppTable.batchWrite(e.unprocessed)).written).toBe(1);
        expect(own.calls).toBe(0);
      } finally {
        own.remove();
      }
      expect(remoteCalls.calls).toBe(3);
      expect(await Remote.get({ id: 'r1' })).toEqual({ id: 'r1' });
    } finally {
      remoteClient.middlewareStack.remove(name);
    }
  });

  it('the streaming writer and the callback form resend too; a second failure lists the same entries, resent again exactly', async () => {
    const throttle = throttleCallsWith('stream-stuck');
    let first: BatchWriteError | undefined;
    let second: BatchWriteError | undefined;
    let wire: Record<string, { S?: string }> | undefined;
    try {
      const writer = AppTable.batchWriter(fast);
      writer.put(Profile, profile('stream-stuck')).put(Note, { id: 'stream', n: 1, body: 'b' });
      first = (await caught(writer.close())) as BatchWriteError;
      wire = throttle.held.get('P#stream-stuck');
      // Still throttled: resending fails again and lists the very same entries.
      const again = AppTable.batchWriter(fast);
      again.resend(first.unprocessed);
      second = (await caught(again.close())) as BatchWriteError;
    } finally {
      throttle.remove();
    }
    expect(first).toBeInstanceOf(BatchWriteError);
    expect(second!.unprocessed).toEqual(first!.unprocessed);
    expect(second!.unprocessed[0]).toBe(first!.unprocessed[0]);
    await pause(15);
    await AppTable.batchWrite((batch) => {
      batch.resend(second!.unprocessed);
      batch.put(Note, { id: 'stream', n: 2, body: 'late' });
    });
    const stuck = await stored(AppTable.name, 'P#stream-stuck', 'PROFILE');
    expect(stuck?.['createdAt']).toBe(wire!['createdAt']!.S);
    expect((await Note.query('primary', Note.Key('id').eq('stream')).all()).map((n) => n.body)).toEqual(['b', 'late']);

    // A writer made without a table cannot rebuild a JSON entry (it knows no entities).
    const { BatchWriter } = await import('../../src/index.js');
    const bare = new BatchWriter(client);
    expect(() => bare.resend(JSON.parse(JSON.stringify(first!.unprocessed)) as UnprocessedWrite[])).toThrow(InvalidBatchError);
  });
});

describe('redoing an unprocessed write on its own, typed: Entity.redo(entry)', () => {
  it("gives the entity's put (with the times it listed) or delete, without a cast; undefined for another entity's entry", async () => {
    const tag = 'redo';
    await Note.put({ id: `${tag}-old`, n: 1, body: 'old' });
    const throttle = throttleCallsWith(`${tag}-stuck`);
    let error: unknown;
    try {
      error = await caught(AppTable.batchWrite([Profile.put(profile(`${tag}-stuck`)).withTimestamps(GIVEN), Profile.put(profile(`${tag}-plain`)), Note.delete({ id: `${tag}-old`, n: 1 })], fast));
    } finally {
      throttle.remove();
    }
    expect(error).toBeInstanceOf(BatchWriteError);
    const [stuck, plain, del] = (error as BatchWriteError).unprocessed;
    // Each entry redone alone, the put with a condition a batch cannot carry.
    const redone = Profile.redo(stuck!);
    expectTypeOf(redone).toEqualTypeOf<ReturnType<typeof Profile.put> | ReturnType<typeof Profile.delete> | undefined>();
    await redone?.where(Profile.Attr('email').notExists());
    await Profile.redo(plain!);
    expect(Note.redo(stuck!)).toBeUndefined();
    expect(Profile.redo(del!)).toBeUndefined();
    await Note.redo(del!);
    expect(await stored(AppTable.name, `P#${tag}-stuck`, 'PROFILE')).toMatchObject({ label: `[${tag}-stuck]`, ...GIVEN });
    expect(await Profile.get({ id: `${tag}-plain` })).toMatchObject({ email: `${tag}-plain@example.com`, label: `[${tag}-plain]` });
    expect(await Note.get({ id: `${tag}-old`, n: 1 })).toBeUndefined();
    // The entry's item is the put's input: redone, the transform runs once, as for the first attempt.
    expect(Profile.redo({ type: 'put', entity: 'Profile', table: AppTable.name, item: profile(`${tag}-json`) })?.build()).toMatchObject({ Item: { label: `[${tag}-json]` } });
  });
});
