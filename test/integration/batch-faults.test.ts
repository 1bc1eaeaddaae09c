/**
 * Property-based tests of the batch writer under injected faults (test/support/faults.ts), on a real
 * DynamoDB Local: random sequences of puts and deletes of User and Order items (small key spaces, so
 * keys repeat) go through `AppTable.batchWrite([...])`, the callback form and the streaming
 * `AppTable.batchWriter()`, while the client randomly processes only part of a batch, throttles, and
 * drops connections before or after the server applied a call.
 *
 * What is checked, per run (the table is read back with a raw Scan through a fault-free client):
 *
 * - The writer finishes: the table equals the model (last write per key wins): nothing lost, nothing
 *   extra, no older write of a key left over a newer one.
 * - The writer gives up (some keys are "stuck": always unprocessed; few attempts): it throws a
 *   `BatchWriteError` and, per key, the writes it was given = the writes DynamoDB confirmed, followed
 *   by `unprocessed` (so `unprocessed` is exactly the writes never confirmed, in order, and no
 *   confirmed write is in it). With no drop-after-apply faults, no write in `unprocessed` reached the
 *   table (table = confirmed writes only). With them, a write in `unprocessed` may have been applied
 *   without the client knowing (its connection dropped after the server applied it); the table then
 *   holds, per key, the last write that reached the server. In every case, writing `unprocessed` again
 *   gives exactly the model.
 * - In every run, the server received the writes of a key in order (a later write of a key is sent
 *   only after the earlier one is settled), so no older write can overtake a newer one.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, PutCommand, ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import { BatchWriteError, type BatchProgress, type BatchWriteBuilder, type UnprocessedWrite } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { testClient, testDocClient, testEndpoint, uniqueTableName } from '../support/client.js';
import { injectFaults, type FaultInjector, type FaultRates, type WireWriteRequest } from '../support/faults.js';
import { useTable } from '../support/tables.js';

const tableName = uniqueTableName('batch-faults');
/** Faulty client: the SDK does not retry (maxAttempts 1), so every fault reaches dynakit's loop. */
const client = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 1 });
const cleanClient = testClient();
const clean = testDocClient(cleanClient);
const { AppTable, User, Order } = appModel(client, tableName);
const fast = { baseDelayMs: 1, maxDelayMs: 20 } as const;
const PLACED_AT = new Date('2024-05-06T07:08:09.000Z');

const totals = { runs: 0, submitted: 0, written: 0, lost: 0, duplicated: 0, reordered: 0, faults: 0, unprocessed: 0, ambiguous: 0, calls: 0 };

useTable(AppTable, { clients: [client, cleanClient] });

afterAll(() => {
  console.log(
    `[batch-faults] ${totals.runs} runs: ${totals.written} items written under faults (${totals.submitted} writes submitted), ` +
      `${totals.lost} lost, ${totals.duplicated} duplicated, ${totals.reordered} applied out of order; ` +
      `${totals.faults} faults injected over ${totals.calls} calls; ${totals.unprocessed} writes reported unprocessed ` +
      `(${totals.ambiguous} of them applied with the answer lost), all resumed`,
  );
});

// ---------------------------------------------------------------------------------------------
// The writes and the model

type Op =
  | { readonly t: 'putUser'; readonly u: number }
  | { readonly t: 'delUser'; readonly u: number }
  | { readonly t: 'putOrder'; readonly u: number; readonly seq: number; readonly o: string }
  | { readonly t: 'delOrder'; readonly u: number; readonly seq: number; readonly o: string };

/** One write of a run: `id` is its position, stored in the item (User.score / Order.total) so the table says which write it holds. */
interface Write {
  readonly id: number;
  readonly kind: 'put' | 'delete';
  /** Physical key `pk|sk`. */
  readonly key: string;
  readonly builder: BatchWriteBuilder;
  readonly entity: 'User' | 'Order';
  readonly input: Record<string, unknown>;
}

/** What a key holds: the id of the put that wrote it, or nothing. */
type State = ReadonlyMap<string, number>;

const opArb = (users: number): fc.Arbitrary<Op> => {
  const u = fc.integer({ min: 0, max: users - 1 });
  const seq = fc.integer({ min: 0, max: 2 });
  const o = fc.constantFrom('a', 'b');
  return fc.oneof(
    { weight: 4, arbitrary: u.map((u) => ({ t: 'putUser' as const, u })) },
    { weight: 1, arbitrary: u.map((u) => ({ t: 'delUser' as const, u })) },
    { weight: 4, arbitrary: fc.record({ u, seq, o }).map((r) => ({ t: 'putOrder' as const, ...r })) },
    { weight: 2, arbitrary: fc.record({ u, seq, o }).map((r) => ({ t: 'delOrder' as const, ...r })) },
  );
};

function keyOf(r: Readonly<Record<string, unknown>>): string {
  return `${String(r['pk'])}|${String(r['sk'])}`;
}

function toWrites(ops: readonly Op[], prefix: string): Write[] {
  return ops.map((op, id) => {
    const userId = `${prefix}-u${op.u}`;
    switch (op.t) {
      case 'putUser': {
        const input = { userId, orgId: 'acme', email: `${userId}@example.com`, name: `User ${op.u}`, score: id };
        const builder = User.put(input);
        return { id, kind: 'put', key: keyOf(builder.build().Item!), builder, entity: 'User', input };
      }
      case 'delUser': {
        const input = { userId };
        const builder = User.delete(input);
        return { id, kind: 'delete', key: keyOf(builder.build().Key!), builder, entity: 'User', input };
      }
      case 'putOrder': {
        const input = { userId, seq: op.seq, orderId: op.o, total: id, placedAt: PLACED_AT, lines: [{ sku: `s${id % 7}`, qty: 1 }] };
        const builder = Order.put(input);
        return { id, kind: 'put', key: keyOf(builder.build().Item!), builder, entity: 'Order', input };
      }
      case 'delOrder': {
        const input = { userId, seq: op.seq, orderId: op.o };
        const builder = Order.delete(input);
        return { id, kind: 'delete', key: keyOf(builder.build().Key!), builder, entity: 'Order', input };
      }
    }
  });
}

/** The table after applying `writes` in order to an empty table. */
function apply(writes: readonly Write[]): Map<string, number> {
  const state = new Map<string, number>();
  for (const w of writes) {
    if (w.kind === 'put') state.set(w.key, w.id);
    else state.delete(w.key);
  }
  return state;
}

/** Which writes the writer is responsible for: what is left after "last write of a key wins" deduplication. */
function effectiveWrites(writes: readonly Write[], mode: Mode, flushAfter: ReadonlySet<number>): Write[] {
  if (mode !== 'writer') {
    // batchWrite([...]) dedupes the whole set: one write per key, the last, in the position of the last.
    const last = new Map<string, Write>();
    for (const w of writes) {
      last.delete(w.key);
      last.set(w.key, w);
    }
    return [...last.values()];
  }
  // The streaming writer dedupes within its buffer of 25 (boto3's overwrite_by_pkeys).
  const kept: Write[] = [];
  const superseded = new Set<number>();
  let buffer = new Map<string, Write>();
  writes.forEach((w, i) => {
    const prev = buffer.get(w.key);
    if (prev !== undefined) {
      superseded.add(prev.id);
      buffer.delete(w.key);
    } else if (buffer.size >= 25) buffer = new Map();
    buffer.set(w.key, w);
    if (buffer.size >= 25) buffer = new Map();
    if (flushAfter.has(i)) buffer = new Map();
  });
  for (const w of writes) if (!superseded.has(w.id)) kept.push(w);
  return kept;
}

// ---------------------------------------------------------------------------------------------
// Reading the table and the server's side of the story

async function readTable(prefix: string): Promise<Map<string, number>> {
  const state = new Map<string, number>();
  let start: Record<string, unknown> | undefined;
  do {
    const page: ScanCommandOutput = await clean.send(
      new ScanCommand({
        TableName: tableName,
        ConsistentRead: true,
        FilterExpression: 'begins_with(#pk, :p)',
        ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: { ':p': `USER#${prefix}-` },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const id = item['_et'] === 'User' ? item['score'] : item['total'];
      state.set(keyOf(item), Number(id));
    }
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return state;
}

/** Empties a run's keys (8 calls in flight), so each run's Scan reads only its own items. */
async function deleteKeys(keys: Iterable<string>): Promise<void> {
  const all = [...new Set(keys)];
  const chunks: { DeleteRequest: { Key: { pk: string; sk: string } } }[][] = [];
  for (let i = 0; i < all.length; i += 25) {
    chunks.push(
      all.slice(i, i + 25).map((k) => {
        const [pk = '', sk = ''] = k.split('|');
        return { DeleteRequest: { Key: { pk, sk } } };
      }),
    );
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < chunks.length) await clean.send(new BatchWriteCommand({ RequestItems: { [tableName]: chunks[next++]! } }));
    }),
  );
}

/** A write as the server saw it: key, kind and (for puts) the write id stored in the item. */
interface Seen {
  readonly key: string;
  readonly kind: 'put' | 'delete';
  readonly id: number | undefined;
}

function fromWire(r: WireWriteRequest): Seen {
  const s = (v: Record<string, unknown> | undefined): string => String(v?.['S']);
  if (r.PutRequest !== undefined) {
    const it = r.PutRequest.Item;
    const n = it['_et']?.['S'] === 'User' ? it['score'] : it['total'];
    return { key: `${s(it['pk'])}|${s(it['sk'])}`, kind: 'put', id: Number(n?.['N']) };
  }
  const k = r.DeleteRequest!.Key;
  return { key: `${s(k['pk'])}|${s(k['sk'])}`, kind: 'delete', id: undefined };
}

function fromUnprocessed(w: UnprocessedWrite): Seen {
  if (w.type === 'put') {
    const b = w.entity === 'User' ? User.put(w.item as never) : Order.put(w.item as never);
    return { key: keyOf(b.build().Item!), kind: 'put', id: Number(w.entity === 'User' ? w.item['score'] : w.item['total']) };
  }
  const b = w.entity === 'User' ? User.delete(w.key as never) : Order.delete(w.key as never);
  return { key: keyOf(b.build().Key!), kind: 'delete', id: undefined };
}

const seenOf = (w: Write): Seen => ({ key: w.key, kind: w.kind, id: w.kind === 'put' ? w.id : undefined });

function byKey(list: readonly Seen[]): Map<string, Seen[]> {
  const m = new Map<string, Seen[]>();
  for (const s of list) (m.get(s.key) ?? m.set(s.key, []).get(s.key)!).push(s);
  return m;
}

/** Differences between the table and the expected state, counted as lost (missing or stale) and extra. */
function compare(table: State, expected: State): { lost: string[]; extra: string[] } {
  const lost: string[] = [];
  const extra: string[] = [];
  for (const [k, id] of expected) if (table.get(k) !== id) lost.push(`${k}: want #${id}, have ${table.has(k) ? `#${table.get(k)}` : 'nothing'}`);
  for (const [k, id] of table) if (!expected.has(k)) extra.push(`${k}: #${id}`);
  return { lost, extra };
}

/** The table after the writes the server saw, in order. */
function applySeen(list: readonly Seen[]): Map<string, number> {
  const state = new Map<string, number>();
  for (const d of list) {
    if (d.kind === 'put') state.set(d.key, d.id!);
    else state.delete(d.key);
  }
  return state;
}

const same = (a: Seen, b: Seen): boolean => a.kind === b.kind && a.id === b.id;

/**
 * Counts writes that reached the server out of order: per key, each write the server got must be
 * the write it got last (a resend: puts and deletes are idempotent) or a later one, never an older one.
 */
function outOfOrder(log: readonly Seen[], effective: readonly Write[]): number {
  const perKey = byKey(effective.map(seenOf));
  const at = new Map<string, number>();
  let bad = 0;
  for (const d of log) {
    const list = perKey.get(d.key) ?? [];
    const p = at.get(d.key) ?? -1;
    if (p >= 0 && same(list[p]!, d)) continue;
    let i = p + 1;
    while (i < list.length && !same(list[i]!, d)) i++;
    if (i < list.length) at.set(d.key, i);
    else bad++;
  }
  return bad;
}

// ---------------------------------------------------------------------------------------------
// Running a sequence of writes through one of the three APIs

type Mode = 'array' | 'callback' | 'writer';

interface RunResult {
  readonly error: BatchWriteError | undefined;
  /** Writes handed to the writer (the writer mode stops adding after a flush throws). */
  readonly handed: readonly Write[];
  readonly written: number;
  readonly retried: number;
  readonly progress: readonly BatchProgress[];
}

async function runWrites(mode: Mode, writes: readonly Write[], flushAfter: ReadonlySet<number>, options: { maxAttempts?: number; concurrency?: number }): Promise<RunResult> {
  const progress: BatchProgress[] = [];
  const opts = { ...fast, ...options, onProgress: (p: BatchProgress) => progress.push(p) };
  try {
    if (mode === 'array') {
      const r = await AppTable.batchWrite(writes.map((w) => w.builder), opts);
      return { error: undefined, handed: writes, written: r.written, retried: r.retried, progress };
    }
    if (mode === 'callback') {
      const r = await AppTable.batchWrite(async (batch) => {
        for (const w of writes) {
          if (w.entity === 'User') {
            if (w.kind === 'put') batch.put(User, w.input as never);
            else batch.delete(User, w.input as never);
          } else if (w.kind === 'put') batch.put(Order, w.input as never);
          else batch.delete(w.builder as never);
        }
      }, opts);
      return { error: undefined, handed: writes, written: r.written, retried: r.retried, progress };
    }
  } catch (e) {
    if (e instanceof BatchWriteError) return { error: e, handed: writes, written: e.written, retried: -1, progress };
    throw e;
  }
  // Streaming writer: puts and deletes, flushing at random points, closed by `await using`.
  let handed = 0;
  let error: BatchWriteError | undefined;
  const writer = AppTable.batchWriter(opts);
  try {
    await using w = writer;
    for (const [i, x] of writes.entries()) {
      if (x.entity === 'User') {
        if (x.kind === 'put') w.put(User, x.input as never);
        else w.delete(User, x.input as never);
      } else if (x.kind === 'put') w.put(x.builder as never);
      else w.delete(Order, x.input as never);
      handed = i + 1;
      if (flushAfter.has(i)) await w.flush();
    }
  } catch (e) {
    error = batchWriteErrorOf(e);
  }
  return { error, handed: writes.slice(0, handed), written: writer.progress.written, retried: writer.progress.retried, progress };
}

/**
 * The BatchWriteError behind `e`. When a flush inside an `await using` block throws, disposing the
 * writer flushes again and throws again: the block then throws a SuppressedError whose `error` is the
 * dispose's BatchWriteError (the most recent list) and whose `suppressed` is the first one.
 */
function batchWriteErrorOf(e: unknown): BatchWriteError {
  if (e instanceof BatchWriteError) return e;
  const s = e as { name?: string; error?: unknown; suppressed?: unknown };
  if (s.name === 'SuppressedError' && s.error instanceof BatchWriteError) {
    expect(s.suppressed).toBeInstanceOf(BatchWriteError);
    expect(s.error.unprocessed).toEqual((s.suppressed as BatchWriteError).unprocessed);
    return s.error;
  }
  throw e;
}

/** Writes `unprocessed` (and what was never handed over) again, without faults, as a caller resuming would: the error's entries as they are. */
async function resume(unprocessed: readonly UnprocessedWrite[], notHanded: readonly Write[]): Promise<void> {
  const writes = [...unprocessed, ...notHanded.map((w) => w.builder)];
  if (writes.length > 0) await AppTable.batchWrite(writes, fast);
}

let runCounter = 0;

interface Scenario {
  readonly mode: Mode;
  readonly ops: readonly Op[];
  readonly seed: number;
  readonly rates: FaultRates;
  readonly flushEvery: number;
  readonly concurrency: number;
  readonly stuckUsers: readonly number[];
  readonly maxAttempts: number | undefined;
  /** Tampers with the table after the writes (to show the checks catch it). */
  readonly sabotage?: (writes: readonly Write[]) => Promise<void>;
}

/** Runs one scenario and checks everything that must hold; adds to the totals when it passes. */
async function check(s: Scenario): Promise<void> {
  const prefix = `r${++runCounter}`;
  const writes = toWrites(s.ops, prefix);
  const flushAfter = new Set<number>();
  if (s.mode === 'writer') for (let i = s.flushEvery - 1; i < writes.length; i += s.flushEvery) flushAfter.add(i);
  const stuckPks = new Set(s.stuckUsers.map((u) => `USER#${prefix}-u${u}`));
  const faults: FaultInjector = injectFaults(client, {
    seed: s.seed,
    ...s.rates,
    logWrites: true,
    ...(stuckPks.size > 0 ? { stuck: (e) => stuckPks.has(String(e.item['pk']?.['S'])) } : {}),
  });
  let result: RunResult;
  try {
    result = await runWrites(s.mode, writes, flushAfter, { ...(s.maxAttempts === undefined ? {} : { maxAttempts: s.maxAttempts }), concurrency: s.concurrency });
  } finally {
    faults.remove();
  }
  if (s.sabotage !== undefined) await s.sabotage(writes);
  const model = apply(writes);
  const effective = effectiveWrites(result.handed, s.mode, flushAfter);
  // Only this run's keys: a run that fast-check interrupted at its time limit (on a loaded machine)
  // may still be writing its own keys, which this run's checks must not count as its writes.
  const delivered = faults.writeLog
    .filter((d) => d.table === tableName)
    .map((d) => ({ ...fromWire(d.request), confirmed: d.confirmed }))
    .filter((d) => d.key.startsWith(`USER#${prefix}-`));
  const confirmed = delivered.filter((d) => d.confirmed);
  const table = await readTable(prefix);

  // The server got the writes of each key in order.
  const reordered = outOfOrder(delivered, effective);
  expect(reordered, 'writes of a key reached the server out of order').toBe(0);
  // What the client was told was written is what the writer counts as written.
  expect(result.written).toBe(confirmed.length);
  // Progress: written never goes down, and ends at the total.
  for (let i = 1; i < result.progress.length; i++) expect(result.progress[i]!.written).toBeGreaterThanOrEqual(result.progress[i - 1]!.written);
  if (result.progress.length > 0) expect(result.progress.at(-1)!.written).toBe(result.written);

  const touchesStuck = effective.some((w) => stuckPks.has(w.key.split('|')[0]!));
  let ambiguous = 0;
  let unprocessed: readonly UnprocessedWrite[] = [];
  if (result.error === undefined) {
    expect(touchesStuck, 'a stuck key was written, yet the writer did not give up').toBe(false);
    // Finished: every effective write was confirmed exactly once, and the table is the model.
    expect(byKey(confirmed.map(({ key, kind, id }) => ({ key, kind, id })))).toEqual(byKey(effective.map(seenOf)));
    const { lost, extra } = compare(table, model);
    expect(lost, 'lost writes').toEqual([]);
    expect(extra, 'items that should not be there').toEqual([]);
    if (faults.faults > 0) expect(result.retried).toBeGreaterThan(0);
    totals.lost += lost.length;
    totals.duplicated += extra.length;
  } else {
    unprocessed = result.error.unprocessed;
    const un = unprocessed.map(fromUnprocessed);
    // Per key: the writes handed over = the confirmed ones, then the unprocessed ones (in order).
    const confirmedByKey = byKey(confirmed.map(({ key, kind, id }) => ({ key, kind, id })));
    const unByKey = byKey(un);
    const expectedByKey = byKey(effective.map(seenOf));
    const keys = new Set([...confirmedByKey.keys(), ...unByKey.keys(), ...expectedByKey.keys()]);
    for (const k of keys) {
      expect([...(confirmedByKey.get(k) ?? []), ...(unByKey.get(k) ?? [])], `writes of ${k}: confirmed + unprocessed`).toEqual(expectedByKey.get(k) ?? []);
    }
    expect(result.error.written).toBe(confirmed.length);
    // Every stuck write is reported.
    for (const w of effective) if (stuckPks.has(w.key.split('|')[0]!)) expect(un).toContainEqual(seenOf(w));
    // The table holds, per key, the last write that reached the server.
    const vsServer = compare(table, applySeen(delivered));
    expect(vsServer.lost).toEqual([]);
    expect(vsServer.extra).toEqual([]);
    // A write reported unprocessed that nevertheless reached the table had its answer lost.
    const confirmedIds = new Set(confirmed.map((c) => `${c.key}|${c.kind}|${c.id}`));
    const unconfirmedDelivered = new Set(delivered.filter((d) => !d.confirmed).map((d) => `${d.key}|${d.kind}|${d.id}`));
    for (const u of un) {
      const id = `${u.key}|${u.kind}|${u.id}`;
      expect(confirmedIds.has(id) && u.kind === 'put', `unprocessed write ${id} was confirmed`).toBe(false);
      if (unconfirmedDelivered.has(id)) ambiguous++;
    }
    if ((s.rates.dropAfter ?? 0) === 0) {
      // No answer was lost: nothing in `unprocessed` was applied; the table is exactly the confirmed writes.
      expect(ambiguous).toBe(0);
      const vsConfirmed = compare(table, applySeen(confirmed));
      expect(vsConfirmed.lost).toEqual([]);
      expect(vsConfirmed.extra).toEqual([]);
    }
    // Resuming from the error gives the model.
    await resume(unprocessed, writes.slice(result.handed.length));
    const after = await readTable(prefix);
    const { lost, extra } = compare(after, model);
    expect(lost, 'lost after resuming').toEqual([]);
    expect(extra, 'extra after resuming').toEqual([]);
    totals.lost += lost.length;
    totals.duplicated += extra.length;
  }

  totals.runs++;
  totals.submitted += writes.length;
  totals.written += confirmed.length;
  totals.reordered += reordered;
  totals.faults += faults.faults;
  totals.calls += faults.counters.calls;
  totals.unprocessed += unprocessed.length;
  totals.ambiguous += ambiguous;
  await deleteKeys([...model.keys(), ...table.keys(), ...effective.map((w) => w.key)]);
}

// ---------------------------------------------------------------------------------------------

/** Fault rates in whole percents (fc.double would mostly pick the bounds and values like 1e-300). */
const percent = (min: number, max: number): fc.Arbitrary<number> => fc.integer({ min, max }).map((p) => p / 100);
const ratesArb: fc.Arbitrary<FaultRates> = fc.record({
  partial: percent(20, 70),
  throttle: percent(0, 25),
  dropBefore: percent(0, 20),
  dropAfter: percent(0, 20),
});

/** Few users (keys repeat a lot: last-write-wins and ordering) or many (most writes are of distinct keys). */
const hotUsers = fc.integer({ min: 2, max: 8 });
const wideUsers = fc.integer({ min: 120, max: 300 });
const usersFor = (mode: Mode): fc.Arbitrary<number> =>
  fc.oneof({ weight: 1, arbitrary: hotUsers }, { weight: 3, arbitrary: mode === 'writer' ? fc.integer({ min: 20, max: 60 }) : wideUsers });

const modes: readonly Mode[] = ['array', 'callback', 'writer'];

describe.each(modes)('batch writes under injected faults (fast-check), %s form', (mode) => {
  it('finishes with the table equal to the model: nothing lost, nothing duplicated, order per key kept', async () => {
    await fc.assert(
      fc.asyncProperty(
        usersFor(mode).chain((users) => fc.array(opArb(users), mode === 'writer' ? { minLength: 1500, maxLength: 2500 } : { minLength: 1000, maxLength: 1800 })),
        fc.integer(),
        ratesArb,
        fc.integer({ min: 1, max: 150 }),
        fc.integer({ min: 1, max: 8 }),
        async (ops, seed, rates, flushEvery, concurrency) => {
          await check({ mode, ops, seed, rates, flushEvery, concurrency, stuckUsers: [], maxAttempts: undefined });
        },
      ),
      { numRuns: 6, interruptAfterTimeLimit: 90_000, markInterruptAsFailure: true },
    );
  }, 120_000);

  it('gives up with BatchWriteError.unprocessed = exactly the writes never confirmed; resuming from it gives the model', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 3, max: 12 }).chain((users) =>
          fc.tuple(fc.array(opArb(users), { minLength: 150, maxLength: 400 }), fc.uniqueArray(fc.integer({ min: 0, max: users - 1 }), { minLength: 1, maxLength: 2 })),
        ),
        fc.integer(),
        ratesArb,
        fc.boolean(),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        async ([ops, stuckUsers], seed, rates, withDropAfter, flushEvery, concurrency, maxAttempts) => {
          const r = withDropAfter ? rates : { ...rates, dropAfter: 0 };
          await check({ mode, ops, seed, rates: r, flushEvery, concurrency, stuckUsers, maxAttempts });
        },
      ),
      { numRuns: 4, interruptAfterTimeLimit: 90_000, markInterruptAsFailure: true },
    );
  }, 120_000);
});

describe('volume', () => {
  it('wrote at least 10,000 items under faults across the runs above', () => {
    expect(totals.runs).toBe(30);
    expect(totals.written).toBeGreaterThanOrEqual(10_000);
    expect(totals.faults).toBeGreaterThan(0);
  });
});

describe('the checks catch a writer that loses or reorders writes', () => {
  // The same checks as above, with the table tampered with behind the writer's back: they must fail.
  const ops: Op[] = Array.from({ length: 120 }, (_, i) => (i % 5 === 4 ? { t: 'delOrder', u: i % 3, seq: i % 2, o: 'a' } : i % 2 === 0 ? { t: 'putUser', u: i % 3 } : { t: 'putOrder', u: i % 3, seq: i % 2, o: 'a' }));
  const scenario: Scenario = { mode: 'writer', ops, seed: 1, rates: { partial: 0.3 }, flushEvery: 10, concurrency: 4, stuckUsers: [], maxAttempts: undefined };

  it('an item deleted behind its back is reported lost', async () => {
    await expect(
      check({
        ...scenario,
        sabotage: async (writes) => {
          const last = writes.filter((w) => w.kind === 'put').at(-1)!;
          await deleteKeys([last.key]);
        },
      }),
    ).rejects.toThrow(/lost writes/);
  });

  it('an older write applied again over a newer one is reported', async () => {
    await expect(
      check({
        ...scenario,
        sabotage: async (writes) => {
          const puts = writes.filter((w) => w.kind === 'put' && w.entity === 'User');
          const first = puts[0]!;
          const raw = (first.builder as ReturnType<typeof User.put>).build();
          await clean.send(new PutCommand(raw));
        },
      }),
    ).rejects.toThrow(/lost writes/);
  });
});
