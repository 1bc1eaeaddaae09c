/**
 * A model-based test of "batch and transaction code that never loses a write", under faults.
 *
 * fast-check generates sequences of commands over two tables of the app model (User and Order items
 * of a few users): `batchWrite([...])` (across both tables, with concurrency and attempts chosen),
 * the streaming `batchWriter()` (writes added over time, flushed at random points, closed),
 * `batchGet` across tables, `transactWrite` (puts, creates, updates with ADD, deletes, condition
 * checks; with or without a token of the caller's; through a client without SDK retries or with
 * them; with or without `retryConflicts`), and `deleteAll()` of an entity query or of a whole
 * partition. Each command gets a script of faults, one per call in the order the calls are made
 * (test/support/faults-scripted.ts): a chosen subset left unprocessed, or all of it (again and again
 * until the attempts run out), the three throttling errors, a 500 and a 503, an error not worth
 * retrying, a connection dropped before the server got the call or after it applied it, a
 * TransactionConflict, an abort before or after the server applied a call, a slow answer under
 * `AbortSignal.timeout`. The injector logs what the server applied and what the client was told.
 *
 * After each command the tables are scanned through a fault-free client and compared with the
 * model and with the log. What is checked (docs/batch.md, docs/transactions.md, docs/errors.md):
 *
 * - Batch writes: `written` is the number of writes the server confirmed; a write is either
 *   confirmed or listed in `BatchWriteError.unprocessed`, never both, never neither, per key the
 *   listed ones after the confirmed ones; the table holds, per key, the last write the server applied
 *   (so a write the caller was told is done is stored, and a listed write was applied only if its
 *   call's answer was lost); the message names the entity and table of what was not written;
 *   `cause` is the abort's reason after an abort, the error not worth retrying after one; resending
 *   `unprocessed` gives the model. Without an abort and with one call at a time: never more than
 *   `maxAttempts` calls in a row without progress, exactly that many before giving up on them, and
 *   no wait longer than the documented bound.
 * - batchGet: results in the order asked, each as the model says; `BatchGetError.unprocessedKeys` is
 *   exactly the keys the server never answered, named by table in the message; reading them again
 *   gives the model.
 * - transactWrite: applied once or not at all, as the model's conditions say (an ADD counts once,
 *   however many times the call was sent); every call of one `transactWrite` carries one
 *   ClientRequestToken (the caller's when given); a cancellation is a `TransactionCanceledError`
 *   whose reasons match the model (or the injected conflict) and whose message names each failed
 *   action's entity; other failures pass through as the SDK's errors. After an error that leaves
 *   the outcome unknown, a caller with a token retries (the same builders, or new ones with the same
 *   `now`) and the result is applied exactly once.
 * - deleteAll: `deleted` is the number of deletes confirmed; a `BatchWriteError` lists only items
 *   the read returned that were not confirmed; items never sent are untouched; running it again
 *   deletes the rest.
 *
 * Where the docs are silent the model follows DynamoDB Local: a transaction sent again with the same
 * token after it was applied succeeds without applying again even when its conditions no longer
 * hold; a transaction cancelled by a condition does not use up its token (sent again once the
 * condition holds, it is applied); six concurrent sends of one token are applied once, all succeed
 * (no TransactionInProgressException). An "everything unprocessed" answer comes as HTTP 200 with the
 * whole call in UnprocessedItems (the real service may throttle instead: both are covered).
 *
 * Seed and size: FAULTS_SEED (default fixed, printed), FAULTS_RUNS (default 14 runs) and
 * FAULTS_COMMANDS (default up to 12 commands per run); FAULTS_NO_SHRINK=1 skips shrinking.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { BatchGetError, BatchWriteError, InvalidTransactionError, TransactionCanceledError, transactWrite, type BatchProgress, type BatchWriteBuilder, type UnprocessedWrite } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { testClient, testDocClient, testEndpoint, uniqueTableName } from '../support/client.js';
import { injectScriptedFaults, type LoggedCall, type LoggedEntry } from '../support/faults-scripted.js';
import { command, Targets, type BatchCmd, type Cmd, type DeleteAllCmd, type GetCmd, type Model, type SignalKind, type Stored, type TableName, type Target, type TxCmd } from '../support/faults-67-model.js';
import { useTable } from '../support/tables.js';

const SEED = Number(process.env['FAULTS_SEED'] ?? 67_067);
const RUNS = Number(process.env['FAULTS_RUNS'] ?? 14);
const MAX_COMMANDS = Number(process.env['FAULTS_COMMANDS'] ?? 12);

const names: Record<TableName, string> = { A: uniqueTableName('faults-67-a'), B: uniqueTableName('faults-67-b') };
/** No SDK retries: every fault reaches dynakit's loops. */
const client = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 1 });
/** The SDK's own retries (4 attempts): a lost answer is resent by the SDK. */
const sdkClient = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 4 });
const cleanClient = testClient();
const clean = testDocClient(cleanClient);
const apps = { A: appModel(client, names.A), B: appModel(client, names.B) };
const sdkApps = { A: appModel(sdkClient, names.A), B: appModel(sdkClient, names.B) };
const faults = injectScriptedFaults(client);
const sdkFaults = injectScriptedFaults(sdkClient);
const TOKEN_PREFIX = `t67-${randomBytes(4).toString('hex')}`;
const BACKOFF = { baseDelayMs: 4, maxDelayMs: 30 } as const;
/** Time a loaded 2-core machine may add to a backoff wait. */
const SLACK_MS = 250;

useTable(apps.A.AppTable);
useTable(apps.B.AppTable, { clients: [client, sdkClient, cleanClient] });

/** What the runs exercised, printed at the end. */
const tally = new Map<string, number>();
const count = (what: string, n = 1): void => void tally.set(what, (tally.get(what) ?? 0) + n);

afterAll(() => {
  console.log(`model-based-faults-67: seed ${SEED}, ${RUNS} runs of up to ${MAX_COMMANDS} commands (FAULTS_SEED / FAULTS_RUNS / FAULTS_COMMANDS)`);
  console.log([...tally].sort().map(([k, n]) => `  ${k}: ${n}`).join('\n'));
});

// ---------------------------------------------------------------------------------------------
// Reading the tables, and what the log says was applied

async function readTables(): Promise<Model> {
  const out: Model = new Map();
  for (const name of Object.values(names)) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await clean.send(new ScanCommand({ TableName: name, ConsistentRead: true, ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) {
        const ent = item['_et'] as 'User' | 'Order';
        out.set(`${name}|${String(item['pk'])}|${String(item['sk'])}`, { ent, value: Number(ent === 'User' ? item['score'] : item['total']) });
      }
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
  }
  return out;
}

async function emptyTables(): Promise<void> {
  for (const name of Object.values(names)) {
    const { Items = [] } = await clean.send(new ScanCommand({ TableName: name, ConsistentRead: true }));
    for (let i = 0; i < Items.length; i += 25) {
      const chunk = Items.slice(i, i + 25).map((it) => ({ DeleteRequest: { Key: { pk: it['pk'], sk: it['sk'] } } }));
      await clean.send(new BatchWriteCommand({ RequestItems: { [name]: chunk } }));
    }
  }
}

const plain = (m: Model): Record<string, Stored> => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));

/** The entity and number a logged put carries. */
function loggedValue(e: LoggedEntry): Stored {
  const ent = e.item!['_et']!['S'] as 'User' | 'Order';
  return { ent, value: Number((ent === 'User' ? e.item!['score'] : e.item!['total'])!['N']) };
}

/** `model` after the entries, in order. */
function applyEntries(model: Model, entries: readonly LoggedEntry[]): Model {
  const out = new Map(model);
  for (const e of entries) {
    if (e.kind === 'put') out.set(e.id, loggedValue(e));
    else if (e.kind === 'delete') out.delete(e.id);
  }
  return out;
}

/**
 * Whether `table` can be what the server holds after `calls` on top of `model`: per key, the writes of
 * calls the server applied are applied, and those of calls whose outcome is unknown (cut short on
 * their way by an abort) may or may not be. Returns the keys where it cannot.
 */
function unexplained(table: Model, model: Model, calls: readonly LoggedCall[]): string[] {
  const possible = new Map<string, (Stored | undefined)[]>();
  const states = (id: string): (Stored | undefined)[] => possible.get(id) ?? [model.get(id)];
  for (const c of calls) {
    const maybe = c.server === 'unknown';
    for (const e of maybe ? c.entries : c.applied) {
      if (e.kind === 'get') continue;
      const after = e.kind === 'put' ? loggedValue(e) : undefined;
      possible.set(e.id, maybe ? [...states(e.id), after] : [after]);
    }
  }
  const same = (a: Stored | undefined, b: Stored | undefined): boolean => JSON.stringify(a) === JSON.stringify(b);
  const bad: string[] = [];
  for (const id of new Set([...table.keys(), ...model.keys(), ...possible.keys()])) {
    if (!states(id).some((s) => same(s, table.get(id)))) bad.push(`${id}: holds ${JSON.stringify(table.get(id))}, expected one of ${JSON.stringify(states(id))}`);
  }
  return bad;
}

/** One write of a batch: its key, kind and (put) number, as the model sees it. */
interface Write {
  readonly id: string;
  readonly kind: 'put' | 'delete';
  readonly value: number | undefined;
  readonly ent: 'User' | 'Order';
}
const writeOf = (e: LoggedEntry): Omit<Write, 'ent'> => ({ id: e.id, kind: e.kind as 'put' | 'delete', value: e.kind === 'put' ? loggedValue(e).value : undefined });
const bare = (w: Omit<Write, 'ent'> & { ent?: unknown }): Omit<Write, 'ent'> => ({ id: w.id, kind: w.kind, value: w.value });

function byKey<T extends { id: string }>(list: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of list) (m.get(x.id) ?? m.set(x.id, []).get(x.id)!).push(x);
  return m;
}

const confirmedOf = (calls: readonly LoggedCall[]): LoggedEntry[] => calls.flatMap((c) => c.confirmed);
const appliedOf = (calls: readonly LoggedCall[]): LoggedEntry[] => calls.flatMap((c) => c.applied);

/**
 * Waits for what the server may still be doing: a request cut short on its way (an abort, a
 * timeout) may reach DynamoDB and be applied after the caller got its error.
 */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 300));

/** The command's signal: none, an AbortController the faults abort, or a timeout. */
function signalFor(kind: SignalKind): { abort?: AbortController; signal?: AbortSignal } {
  if (kind === 'abort') {
    const abort = new AbortController();
    return { abort, signal: abort.signal };
  }
  if (kind === 'timeout') return { signal: AbortSignal.timeout(40) };
  return {};
}

/**
 * Retries follow docs/batch.md: with one call at a time and no abort, at most `maxAttempts` calls in
 * a row without progress (exactly that many when the writer gave up on them), and no wait longer
 * than `min(maxDelayMs, baseDelayMs * 2^retry)`.
 */
function checkBackoff(calls: readonly LoggedCall[], maxAttempts: number, gaveUpOnAttempts: boolean): void {
  let run = 0;
  calls.forEach((c, i) => {
    run = c.confirmed.length > 0 ? 0 : run + 1;
    expect(run, `call #${i}: calls in a row without progress`).toBeLessThanOrEqual(maxAttempts);
    const next = calls[i + 1];
    if (next !== undefined && c.ended >= 0) {
      const bound = Math.min(BACKOFF.maxDelayMs, BACKOFF.baseDelayMs * 2 ** Math.max(run - 1, 0));
      expect(next.at - c.ended, `wait after call #${i} (retry ${run})`).toBeLessThanOrEqual(bound + SLACK_MS);
    }
  });
  if (gaveUpOnAttempts) expect(run, 'calls without progress before giving up').toBe(maxAttempts);
}

/** The message of a batch error names the entity and table of every write it lists. */
function expectNamed(message: string, listed: readonly { entity: string; table: string }[]): void {
  for (const w of listed) {
    expect(message).toContain(w.entity);
    expect(message).toContain(w.table);
  }
}

// ---------------------------------------------------------------------------------------------
// The commands

class Run {
  model: Model = new Map();
  private next = 1;
  readonly targets: Targets;

  constructor(prefix: string) {
    this.targets = new Targets(prefix, apps);
  }

  private value(): number {
    return this.next++;
  }

  async batch(cmd: BatchCmd): Promise<void> {
    const t = this.targets;
    const writes = cmd.writes.map((w) => {
      const value = w.put ? this.value() : undefined;
      const builder: BatchWriteBuilder = w.put ? t.put(w.target, value!) : t.del(w.target);
      return { id: t.id(w.target), kind: w.put ? ('put' as const) : ('delete' as const), value, ent: w.target.ent, target: w.target, builder };
    });
    const signals = signalFor(cmd.signal);
    faults.load(cmd.script, signals);
    const reports: BatchProgress[] = [];
    const options = {
      ...BACKOFF,
      concurrency: cmd.concurrency,
      ...(cmd.maxAttempts === undefined ? {} : { maxAttempts: cmd.maxAttempts }),
      ...(signals.signal ? { abortSignal: signals.signal } : {}),
      onProgress: (p: BatchProgress) => reports.push(p),
    };
    let handed = writes.length;
    let written: number;
    let retried = -1;
    let error: BatchWriteError | undefined;
    const flushed = new Set<number>();
    /** The first write added once the writer had stopped: from there its buffer only grows (it is never sent). */
    let stoppedFrom = Infinity;
    if (cmd.form === 'array') {
      try {
        ({ written, retried } = await apps.A.AppTable.batchWrite(writes.map((w) => w.builder), options));
      } catch (e) {
        if (!(e instanceof BatchWriteError)) throw e;
        error = e;
        written = e.written;
      }
    } else {
      const writer = apps.A.AppTable.batchWriter(options);
      handed = 0;
      let caught: BatchWriteError | undefined;
      const threw = (e: unknown, from: number): void => {
        if (!(e instanceof BatchWriteError)) throw e;
        caught = e;
        stoppedFrom = Math.min(stoppedFrom, from);
      };
      const feed = async (): Promise<void> => {
        for (const [i, w] of writes.entries()) {
          if (stoppedFrom < Infinity && !cmd.keepAdding) break;
          handed = i + 1; // a write whose put()/delete() throws the writer's error is kept and listed
          try {
            if (w.kind === 'put') writer.put(w.builder as never);
            else writer.delete(w.builder as never);
          } catch (e) {
            threw(e, i);
            count('batch writer: put/delete threw');
          }
          if ((i + 1) % cmd.flushEvery === 0) {
            flushed.add(i);
            await writer.flush().catch((e: unknown) => threw(e, i + 1));
          }
        }
      };
      if (cmd.close === 'close') {
        await feed();
        try {
          await writer.close();
        } catch (e) {
          if (!(e instanceof BatchWriteError)) throw e;
          error = e;
        }
      } else {
        // `await using`: the disposal does not throw again an error the caller already got, only
        // one that lists more writes; so the last error seen is the one to resume from.
        try {
          await using w = writer;
          void w;
          await feed();
        } catch (e) {
          if (!(e instanceof BatchWriteError)) throw e;
          expect(e.unprocessed.length, 'the disposal threw an error the caller already had').toBeGreaterThan(caught?.unprocessed.length ?? 0);
          count('batch writer: the disposal threw');
          caught = e;
        }
        error = caught;
      }
      ({ written, retried } = writer.progress);
      expect(writer.progress.pending, 'pending once the writer is closed').toBe(0);
    }
    const calls = faults.calls;
    faults.load([]);
    count(`batch ${cmd.form} ${error === undefined ? 'done' : 'BatchWriteError'}`);
    count('batch calls', calls.length);

    // The writes the writer is answerable for: one per key for the array; the streaming writer
    // replaces a write still in its buffer (which is sent at 25 writes and at each flush; once the
    // writer has stopped, it is listed at each flush and grows until then).
    let effective: Write[];
    const given = writes.slice(0, handed);
    if (cmd.form === 'array') {
      const last = new Map<string, Write>();
      for (const w of given) {
        last.delete(w.id);
        last.set(w.id, w);
      }
      effective = [...last.values()];
    } else {
      const replaced = new Set<number>();
      let buffer = new Map<string, number>();
      given.forEach((w, i) => {
        const prev = buffer.get(w.id);
        if (prev !== undefined) replaced.add(prev);
        else if (buffer.size >= 25 && i < stoppedFrom) buffer = new Map();
        buffer.set(w.id, i);
        if ((buffer.size >= 25 && i < stoppedFrom) || flushed.has(i)) buffer = new Map();
      });
      effective = given.filter((_, i) => !replaced.has(i));
    }

    const confirmed = confirmedOf(calls).map(writeOf);
    expect(written, 'written = writes the server confirmed').toBe(confirmed.length);
    // onProgress: `written` never goes down and ends at the total; nothing pending at the end.
    reports.forEach((p, i) => expect(p.written).toBeGreaterThanOrEqual(reports[i - 1]?.written ?? 0));
    if (reports.length > 0) expect(reports.at(-1)).toMatchObject({ written, pending: 0 });
    if (error === undefined) {
      // `retried`: the writes sent again (every entry of every call, less each write's first sending).
      expect(retried, 'retried = writes sent again').toBe(calls.reduce((n, c) => n + c.entries.length, 0) - effective.length);
    }
    const listed: UnprocessedWrite[] = error === undefined ? [] : [...error.unprocessed];
    const un = listed.map((w) => t.unprocessedId(w));
    // Each write is confirmed or listed, never both, never neither; per key the listed ones come last.
    const expected = byKey(effective.map(bare));
    const got = byKey([...confirmed, ...un.map(bare)]);
    for (const id of new Set([...expected.keys(), ...got.keys()])) {
      expect(got.get(id) ?? [], `writes of ${id}: confirmed, then listed`).toEqual(expected.get(id) ?? []);
    }
    // The table holds, per key, the last write the server applied (a listed one only if its answer was lost).
    const before = this.model;
    if (calls.some((c) => c.server === 'unknown')) {
      const early = JSON.stringify(plain(await readTables()));
      await settle();
      if (JSON.stringify(plain(await readTables())) !== early) count('batch calls cut short that the server applied after the writer threw');
    }
    const bad = unexplained(await readTables(), before, calls);
    expect(bad, 'tables = the writes the server applied').toEqual([]);
    if (calls.some((c) => c.server === 'unknown')) count('batch calls cut short on their way (outcome unknown)');
    if (error !== undefined) {
      count('batch writes listed', listed.length);
      expect(error.unprocessed.length).toBeGreaterThan(0);
      expectNamed(error.message, listed);
      // The cause: the abort's reason, or what stopped the writer before it (with one call at a
      // time, the error not worth retrying that stopped it).
      const seen = new Set(calls.map((c) => c.client));
      const cause = error.cause;
      if (cause === signals.signal?.reason && cause !== undefined) count('batch stopped by the abort');
      else if (cause !== undefined) expect(seen.has((cause as Error).name), `cause ${String(cause)}`).toBe(true);
      if (cmd.concurrency === 1 && signals.signal?.aborted !== true && calls.at(-1)?.client === 'ValidationException') {
        expect((cause as Error).name).toBe('ValidationException');
      }
      const lostAnswers = new Set(calls.filter((c) => c.server === 'ok' && c.client !== 'ok').flatMap((c) => c.applied.map((e) => JSON.stringify(writeOf(e)))));
      for (const u of un) if (lostAnswers.has(JSON.stringify(bare(u)))) count('batch listed writes applied with the answer lost');
    } else {
      expect(handed).toBe(writes.length);
    }
    // An error not worth retrying stops the writer at once: it throws, and with one call at a time that call was the last.
    const fatal = calls.findIndex((c) => c.client === 'ValidationException');
    if (fatal >= 0) {
      expect(error, 'a batch that met an error not worth retrying finished').toBeDefined();
      if (cmd.concurrency === 1) expect(fatal, 'calls after an error not worth retrying').toBe(calls.length - 1);
    }
    if (cmd.concurrency === 1 && cmd.signal === 'none') {
      const exhausted = error !== undefined && calls.at(-1)?.client !== 'ValidationException';
      checkBackoff(calls, cmd.maxAttempts ?? 10, exhausted);
    }
    // Resuming: the listed writes again, then the ones never handed over; the tables are the model.
    const resume = [...listed.map((w) => t.redo(w)), ...writes.slice(handed).map((w) => w.builder)];
    if (resume.length > 0) await apps.A.AppTable.batchWrite(resume, BACKOFF);
    for (const w of writes) {
      if (w.kind === 'put') this.model.set(w.id, { ent: w.ent, value: w.value! });
      else this.model.delete(w.id);
    }
    expect(plain(await readTables()), 'after resuming: the model').toEqual(plain(this.model));
  }

  async get(cmd: GetCmd): Promise<void> {
    const t = this.targets;
    const signals = signalFor(cmd.signal);
    faults.load(cmd.script, signals);
    const options = { ...BACKOFF, concurrency: cmd.concurrency, ...(cmd.maxAttempts === undefined ? {} : { maxAttempts: cmd.maxAttempts }), ...(signals.signal ? { abortSignal: signals.signal } : {}) };
    const builders = cmd.targets.map((x) => t.get(x));
    const outcome = await apps.A.AppTable.batchGet(builders, options).then(
      (items) => ({ items }),
      (error: unknown) => ({ error }),
    );
    const calls = faults.calls;
    faults.load([]);
    const valueOf = (item: unknown, x: Target): number | undefined => {
      if (item === undefined) return undefined;
      const r = item as Record<string, unknown>;
      return Number(x.ent === 'User' ? r['score'] : r['total']);
    };
    const want = (x: Target): number | undefined => this.model.get(t.id(x))?.value;
    const fatal = calls.findIndex((c) => c.client === 'ValidationException');
    if (fatal >= 0 && cmd.concurrency === 1) expect(fatal, 'calls after an error not worth retrying').toBe(calls.length - 1);
    if ('items' in outcome) {
      expect(fatal, 'a batch get that met an error not worth retrying finished').toBe(-1);
      count('batchGet done');
      if (cmd.concurrency === 1 && cmd.signal === 'none') checkBackoff(calls, cmd.maxAttempts ?? 10, false);
      expect(outcome.items.map((item, i) => valueOf(item, cmd.targets[i]!))).toEqual(cmd.targets.map(want));
      return;
    }
    const error = outcome.error;
    if (!(error instanceof BatchGetError)) {
      // Not worth retrying, or aborted: passed through as it came (an abort as its reason).
      count(`batchGet ${(error as Error).name}`);
      if (error !== signals.signal?.reason) expect((error as Error).name).toBe('ValidationException');
      return;
    }
    if (cmd.concurrency === 1 && cmd.signal === 'none') checkBackoff(calls, cmd.maxAttempts ?? 10, true);
    count('batchGet BatchGetError');
    const answered = new Set(confirmedOf(calls).map((e) => e.id));
    const asked = [...new Set(cmd.targets.map((x) => t.id(x)))];
    const unread = error.unprocessedKeys.map((k) => `${k.table}|${String(k.key['pk'])}|${String(k.key['sk'])}`);
    expect(new Set(unread).size, 'each key listed once').toBe(unread.length);
    expect(unread.sort(), 'unprocessedKeys = the keys never answered').toEqual(asked.filter((id) => !answered.has(id)).sort());
    expectNamed(error.message, error.unprocessedKeys.map((k) => ({ entity: '', table: k.table })));
    // Reading them again (no faults) gives the model.
    const again = cmd.targets.filter((x) => unread.includes(t.id(x)));
    const items = await apps.A.AppTable.batchGet(again.map((x) => t.get(x)));
    expect(items.map((item, i) => valueOf(item, again[i]!))).toEqual(again.map(want));
  }

  async tx(cmd: TxCmd): Promise<void> {
    const t = this.targets;
    const app = cmd.sdkRetries ? sdkApps : apps;
    const injector = cmd.sdkRetries ? sdkFaults : faults;
    // The SDK waits 1 s and more before resending a throttled call: those faults only without SDK retries.
    const script = cmd.sdkRetries ? cmd.script.filter((f) => f.kind !== 'error' || f.error === 'InternalServerError' || f.error === 'ServiceUnavailable') : cmd.script;
    const values = cmd.actions.map((a) => (a.op === 'put' || a.op === 'create' ? this.value() : a.n));
    const now = new Date('2026-12-06T10:00:00.000Z');
    const build = () =>
      cmd.actions.map((a, i) => {
        const x = a.target;
        const userId = t.userId(x);
        const apps = app[x.table];
        switch (a.op) {
          case 'put':
            return t.put(x, values[i]!, apps);
          case 'create':
            return x.ent === 'User'
              ? apps.User.create({ userId, orgId: 'acme', email: `${userId}@example.com`, name: `User ${x.u}`, score: values[i]! })
              : apps.Order.create({ userId, seq: x.seq, orderId: 'x', total: values[i]!, placedAt: new Date('2024-05-06T07:08:09.000Z'), lines: [] });
          case 'add':
            return x.ent === 'User' ? apps.User.update({ userId }).add({ score: a.n }) : apps.Order.update({ userId, seq: x.seq, orderId: 'x' }).add({ total: a.n });
          case 'del':
            return t.del(x, apps);
          case 'check':
            return x.ent === 'User' ? apps.User.check({ userId }, apps.User.Attr('score').gte(a.n)) : apps.Order.check({ userId, seq: x.seq, orderId: 'x' }, apps.Order.Attr('total').gte(a.n));
        }
      });
    const ids = cmd.actions.map((a) => t.id(a.target));
    // DynamoDB Local keeps tokens for every table: unique per process, so a rerun against the same server does not reuse one.
    const token = cmd.token === 'none' ? undefined : `${TOKEN_PREFIX}-${t.prefix}-${this.value()}`;
    const options = {
      ...(token === undefined ? {} : { idempotencyToken: token }),
      ...(cmd.token === 'givenWithNow' ? { now } : {}),
      ...(cmd.retryConflicts === undefined ? {} : { retryConflicts: { maxAttempts: cmd.retryConflicts, ...BACKOFF } }),
    };
    const builders = build();
    const signals = signalFor(cmd.signal);
    injector.load(script, signals);
    const outcome = await transactWrite(builders, { ...options, ...(signals.signal ? { abortSignal: signals.signal } : {}) }).then(
      () => ({ error: undefined }),
      (error: unknown) => ({ error }),
    );
    const calls = injector.calls;
    injector.load([]);

    if (new Set(ids).size < ids.length) {
      // Two actions on one item: refused before sending.
      expect(outcome.error).toBeInstanceOf(InvalidTransactionError);
      expect(calls).toEqual([]);
      count('tx refused: two actions on one item');
      return;
    }
    // The model's verdict: which actions' conditions fail on the current state.
    const failing = cmd.actions.map((a, i) => {
      const stored = this.model.get(ids[i]!);
      if (a.op === 'create') return stored !== undefined;
      if (a.op === 'add') return stored === undefined;
      if (a.op === 'check') return stored === undefined || stored.value < a.n;
      return false;
    });
    const holds = failing.every((f) => !f);
    const applyTo = (before: Model): Model => {
      const m = new Map(before);
      cmd.actions.forEach((a, i) => {
        const id = ids[i]!;
        if (a.op === 'put' || a.op === 'create') m.set(id, { ent: a.target.ent, value: values[i]! });
        else if (a.op === 'add') m.set(id, { ent: a.target.ent, value: m.get(id)!.value + a.n });
        else if (a.op === 'del') m.delete(id);
      });
      return m;
    };

    // Every call of one transactWrite carries one token: the caller's, or the one made for the call.
    const tokens = new Set(calls.map((c) => c.token));
    expect(tokens.size, 'one ClientRequestToken per transactWrite').toBe(1);
    expect(calls[0]!.token).toBeDefined();
    if (token !== undefined) expect(calls[0]!.token).toBe(token);
    if (!cmd.sdkRetries) expect(calls.length).toBeLessThanOrEqual(cmd.retryConflicts ?? 1);
    const served = calls.filter((c) => c.server === 'ok');
    const refused = calls.filter((c) => c.server === 'TransactionCanceledException');
    // The server agrees with the model.
    if (served.length > 0) expect(holds, 'the server applied a transaction the model cancels').toBe(true);
    if (refused.length > 0) expect(holds, 'the server cancelled a transaction the model applies').toBe(false);
    let applied = served.length > 0;
    if (!applied && holds && calls.some((c) => c.server === 'unknown')) {
      // A call cut short on its way (an abort, a timeout) may still be applied by the server a moment later.
      await settle();
      applied = JSON.stringify(plain(await readTables())) === JSON.stringify(plain(applyTo(this.model)));
      if (applied) count('tx cut short on its way, applied all the same');
    }

    const last = calls.at(-1)!;
    const error = outcome.error;
    if (error === undefined) {
      expect(last.client).toBe('ok');
      expect(applied).toBe(true);
      count(`tx applied${calls.length > 1 ? ` after ${calls.length} calls` : ''}`);
    } else if (error instanceof TransactionCanceledError) {
      expect(last.client).toBe('TransactionCanceledException');
      const codes = error.reasons.map((r) => r.code);
      if (last.server === 'TransactionCanceledException') {
        expect(codes).toEqual(failing.map((f) => (f ? 'ConditionalCheckFailed' : 'None')));
        count('tx cancelled by a condition');
      } else {
        expect(codes.filter((c) => c === 'TransactionConflict')).toHaveLength(1);
        count('tx cancelled by a conflict');
      }
      error.reasons.forEach((r, i) => {
        expect(r.entity).toBe(cmd.actions[i]!.target.ent);
        if (r.code !== 'None') expect(error.message).toContain(`#${i} `);
      });
      for (const r of error.reasons) if (r.code !== 'None') expect(error.message).toContain(`${r.entity} ${JSON.stringify(r.key)}`);
    } else {
      // A fault the SDK and dynakit pass through as they got it (an abort as its reason): the outcome is unknown to the caller.
      if (error === signals.signal?.reason) count(`tx aborted${applied ? ' (applied, answer lost)' : ''}`);
      else {
        expect((error as Error).name).toBe(last.client);
        count(`tx ${(error as Error).name}${applied ? ' (applied, answer lost)' : ''}`);
      }
      if (token !== undefined) {
        // The caller retries with its token: the same builders, or new ones stamped with the same `now`.
        const retried = await transactWrite(cmd.token === 'givenWithNow' ? build() : builders, { idempotencyToken: token, ...(cmd.token === 'givenWithNow' ? { now } : {}) }).then(
          () => undefined,
          (e: unknown) => e,
        );
        if (applied || holds) {
          expect(retried, 'the retry with the token succeeds').toBeUndefined();
          count(applied ? 'tx retried with its token: not applied again' : 'tx retried with its token: applied');
          applied = true;
        } else {
          expect(retried).toBeInstanceOf(TransactionCanceledError);
        }
      }
    }
    if (applied) this.model = applyTo(this.model);
    expect(plain(await readTables()), 'tables = the model (a transaction applied at most once)').toEqual(plain(this.model));
  }

  async deleteAll(cmd: DeleteAllCmd): Promise<void> {
    const t = this.targets;
    const app = apps[cmd.table];
    const userId = t.userId(cmd);
    const signals = signalFor(cmd.signal);
    const options = { ...BACKOFF, concurrency: cmd.concurrency, ...(cmd.maxAttempts === undefined ? {} : { maxAttempts: cmd.maxAttempts }), ...(signals.signal ? { abortSignal: signals.signal } : {}) };
    const read = () =>
      cmd.scope === 'orders' ? app.Order.query('primary', app.Order.Key('userId').eq(userId)).pageSize(cmd.pageSize) : app.AppTable.query(app.AppTable.Key('pk').eq(`USER#${userId}`)).pageSize(cmd.pageSize);
    const prefix = `${names[cmd.table]}|USER#${userId}|`;
    const readSet = new Set([...this.model.keys()].filter((id) => id.startsWith(prefix) && (cmd.scope === 'partition' || id.includes('|ORDER#'))));
    faults.load(cmd.script, signals);
    const outcome = await read()
      .deleteAll(options)
      .then(
        (r) => ({ r }),
        (error: unknown) => ({ error }),
      );
    const calls = faults.calls;
    faults.load([]);
    const confirmed = confirmedOf(calls);
    const applied = appliedOf(calls);
    for (const e of applied) {
      expect(e.kind).toBe('delete');
      expect(readSet.has(e.id), `${e.id}: deleted, but not returned by the read`).toBe(true);
    }
    if (calls.some((c) => c.server === 'unknown')) await settle();
    expect(unexplained(await readTables(), this.model, calls), 'tables = the deletes the server applied').toEqual([]);
    if ('r' in outcome) {
      count('deleteAll done');
      expect(outcome.r.deleted).toBe(readSet.size);
      expect(confirmed.length).toBe(readSet.size);
    } else if (outcome.error instanceof BatchWriteError) {
      count('deleteAll BatchWriteError');
      const error = outcome.error;
      expect(error.written).toBe(confirmed.length);
      const ids = error.unprocessed.map((w) => t.unprocessedId(w).id);
      const done = new Set(confirmed.map((e) => e.id));
      for (const id of ids) {
        expect(readSet.has(id), `${id}: listed, but not returned by the read`).toBe(true);
        expect(done.has(id), `${id}: listed and confirmed`).toBe(false);
      }
      expect(new Set(ids).size).toBe(ids.length);
      expectNamed(error.message, error.unprocessed);
    } else {
      // The read's own error (or an abort's reason), once the deletes sent have settled.
      const error = outcome.error as Error;
      count(`deleteAll ${error === signals.signal?.reason ? 'aborted' : `read failed: ${error.name}`}`);
      if (error !== signals.signal?.reason) {
        expect(calls.filter((c) => c.command === 'QueryCommand').map((c) => c.client), `deleteAll threw ${String(error)}`).toContain(error.name);
      }
      for (const c of calls) expect(c.server === 'unknown' || c.server === 'not sent' || c.client === 'ok' || c.command === 'QueryCommand' || !!error).toBe(true);
    }
    // Running it again deletes the rest.
    await read().deleteAll(BACKOFF);
    for (const id of readSet) this.model.delete(id);
    expect(plain(await readTables()), 'after running it again: the model').toEqual(plain(this.model));
  }

  async run(cmd: Cmd): Promise<void> {
    count(`command ${cmd.t}`);
    if (cmd.t === 'batch') await this.batch(cmd);
    else if (cmd.t === 'get') await this.get(cmd);
    else if (cmd.t === 'tx') await this.tx(cmd);
    else await this.deleteAll(cmd);
  }
}

let runs = 0;

describe('model-based: batch writes, gets, transactions and deleteAll under scripted faults', () => {
  it('never loses a write: every write is stored or reported, none applied twice', { timeout: 900_000 }, async () => {
    let commands = 0;
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: MAX_COMMANDS }), async (cmds) => {
        await emptyTables();
        const run = new Run(`r${++runs}`);
        for (const cmd of cmds) {
          await run.run(cmd);
          commands++;
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: process.env['FAULTS_NO_SHRINK'] !== undefined },
    );
    count('commands run', commands);
    count('seconds', Math.round((Date.now() - started) / 1000));
    expect(commands).toBeGreaterThan(0);
  });
});
