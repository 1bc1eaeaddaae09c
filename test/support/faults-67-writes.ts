/**
 * The batch commands of the model-based fault test: `batchWrite([...])` and the streaming writer,
 * and `deleteAll()` of a query; each run under its script of faults and checked against the model
 * and the fault log (see test/integration/model-based-faults-67.test.ts).
 */
import { expect } from 'vitest';
import { BatchWriteError, type BatchProgress, type BatchWriteBuilder, type UnprocessedWrite } from '../../src/index.js';
import type { BatchCmd, DeleteAllCmd } from './faults-67-model.js';
import type { FaultRun } from './faults-67-run.js';
import { BACKOFF, appliedOf, apps, bare, sdkApps, sdkFaults, byKey, checkBackoff, confirmedOf, count, expectNamed, faults, names, plain, readTables, settle, signalFor, unexplained, writeOf, type Write } from './faults-67-world.js';

export async function batchCommand(run: FaultRun, cmd: BatchCmd): Promise<void> {
  const t = run.targets;
  const writes = cmd.writes.map((w) => {
    const value = w.put ? run.nextValue() : undefined;
    // A write through the other client: the same table, defined again on a client with SDK retries.
    const app = w.sdk ? sdkApps[w.target.table] : apps[w.target.table];
    const builder: BatchWriteBuilder = w.put ? t.put(w.target, value!, app) : t.del(w.target, app);
    return { id: t.id(w.target), kind: w.put ? ('put' as const) : ('delete' as const), value, ent: w.target.ent, target: w.target, builder, sdk: w.sdk };
  });
  const viaSdk = writes.some((w) => w.sdk);
  const signals = signalFor(cmd.signal);
  faults.load(cmd.script, signals);
  // The SDK waits a second and more before resending a throttled call: no throttling through it.
  sdkFaults.load(cmd.script.filter((f) => f.kind !== 'error'), signals);
  const reports: BatchProgress[] = [];
  // A bug in the caller's onProgress: docs/batch.md says it stops nothing, and surfaces once the writes settled.
  const progressBug = new Error('onProgress failed (injected by the test)');
  const options = {
    ...BACKOFF,
    concurrency: cmd.concurrency,
    ...(cmd.maxAttempts === undefined ? {} : { maxAttempts: cmd.maxAttempts }),
    ...(signals.signal ? { abortSignal: signals.signal } : {}),
    onProgress: (p: BatchProgress) => {
      reports.push(p);
      if (reports.length === cmd.progressThrowsAt) throw progressBug;
    },
  };
  /** How many times the caller got the onProgress error (from batchWrite, flush(), close() or the disposal). */
  let progressBugSeen = 0;
  const callbackBug = new Error('the batchWrite callback failed (injected by the test)');
  let handed = writes.length;
  let written: number;
  let retried = -1;
  let error: BatchWriteError | undefined;
  const flushed = new Set<number>();
  /** The first write added once the writer had stopped: from there its buffer only grows (it is never sent). */
  let stoppedFrom = Infinity;
  if (cmd.form === 'array' || cmd.form === 'callback') {
    const throwing = cmd.form === 'callback' && cmd.throwAt !== undefined && cmd.throwAt < writes.length;
    const sending =
      cmd.form === 'array'
        ? apps.A.AppTable.batchWrite(writes.map((w) => w.builder), options)
        : apps.A.AppTable.batchWrite(async (batch) => {
            for (const [i, w] of writes.entries()) {
              if (i === cmd.throwAt) throw callbackBug;
              if (i % 10 === 9) await new Promise((r) => setTimeout(r, 1)); // an async source
              if (w.kind === 'put') batch.put(w.builder as never);
              else batch.delete(w.builder as never);
            }
          }, options);
    try {
      ({ written, retried } = await sending);
      expect(throwing, 'a callback that threw, and batchWrite resolved').toBe(false);
    } catch (e) {
      if (e === callbackBug) {
        // docs/batch.md: a callback that throws sends nothing, not even the writes it added before.
        expect(throwing).toBe(true);
        expect([...faults.calls, ...sdkFaults.calls], 'calls after the callback threw').toEqual([]);
        faults.load([]);
        sdkFaults.load([]);
        expect(plain(await readTables()), 'tables unchanged after the callback threw').toEqual(plain(run.model));
        count('batch callback threw: nothing sent');
        return;
      }
      if (e === progressBug) {
        progressBugSeen++;
        written = -1; // batchWrite rejected with the callback's error: `written` comes from the log below
      } else {
        if (!(e instanceof BatchWriteError)) throw e;
        error = e;
        written = e.written;
      }
    }
  } else {
    const writer = apps.A.AppTable.batchWriter(options);
    handed = 0;
    let caught: BatchWriteError | undefined;
    const threw = (e: unknown, from: number): void => {
      if (e === progressBug) {
        progressBugSeen++;
        return;
      }
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
        if (e === progressBug) progressBugSeen++;
        else if (!(e instanceof BatchWriteError)) throw e;
        else error = e;
      }
    } else {
      // `await using`: the disposal does not throw again an error the caller already got, only
      // one that lists more writes; so the last error seen is the one to resume from.
      try {
        await using w = writer;
        void w;
        await feed();
      } catch (e) {
        if (e === progressBug) progressBugSeen++;
        else if (!(e instanceof BatchWriteError)) throw e;
        else {
          expect(e.unprocessed.length, 'the disposal threw an error the caller already had').toBeGreaterThan(caught?.unprocessed.length ?? 0);
          count('batch writer: the disposal threw');
          caught = e;
        }
      }
      error = caught;
    }
    ({ written, retried } = writer.progress);
    expect(writer.progress.pending, 'pending once the writer is closed').toBe(0);
  }
  // Both clients' calls, in the order they started (writes of one key never overlap in time).
  const calls = [...faults.calls, ...sdkFaults.calls].sort((a, b) => a.at - b.at);
  faults.load([]);
  sdkFaults.load([]);
  await run.sabotage?.();
  if (written === -1) written = confirmedOf(calls).length;
  // onProgress's exception stopped nothing; it reached the caller once, unless the batch gave up
  // (its BatchWriteError is what the caller gets then).
  const progressThrew = cmd.progressThrowsAt !== undefined && reports.length >= cmd.progressThrowsAt;
  if (progressThrew) count(`batch onProgress threw: ${progressBugSeen === 1 ? 'surfaced' : 'not surfaced'}${error === undefined ? '' : ', the batch gave up'}`);
  if (!progressThrew) expect(progressBugSeen, 'an exception onProgress never threw').toBe(0);
  else if (error === undefined) expect(progressBugSeen, "onProgress's exception reached the caller once").toBe(1);
  else expect(progressBugSeen, "onProgress's exception, thrown at most once").toBeLessThanOrEqual(1);
  if (viaSdk) count('batch across two clients');
  count(`batch ${cmd.form} ${error === undefined ? 'done' : 'BatchWriteError'}`);
  count('batch calls', calls.length);

  // The writes the writer is answerable for: one per key for the array; the streaming writer
  // replaces a write still in its buffer (which is sent at 25 writes and at each flush; once the
  // writer has stopped, it is listed at each flush and grows until then).
  let effective: Write[];
  const given = writes.slice(0, handed);
  if (cmd.form !== 'writer') {
    // One write per key and client: a table behind two clients is two tables to the batch.
    const last = new Map<string, Write>();
    for (const w of given) {
      last.delete(`${w.sdk}|${w.id}`);
      last.set(`${w.sdk}|${w.id}`, w);
    }
    effective = [...last.values()];
  } else {
    const replaced = new Set<number>();
    let buffer = new Map<string, number>();
    given.forEach((w, i) => {
      const prev = buffer.get(w.id);
      if (prev !== undefined && given[prev]!.sdk !== w.sdk) {
        // The key through the other client: the buffered write goes first (is listed, once stopped).
        if (i < stoppedFrom) buffer = new Map();
        else buffer.delete(w.id);
      } else if (prev !== undefined) replaced.add(prev);
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
  if (error === undefined && !viaSdk && retried !== -1) {
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
  const before = run.model;
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
  if (cmd.concurrency === 1 && cmd.signal === 'none' && !viaSdk) {
    const exhausted = error !== undefined && calls.at(-1)?.client !== 'ValidationException';
    checkBackoff(calls, cmd.maxAttempts ?? 10, exhausted);
  }
  // Resuming: the listed writes again (the error's entries as they are, either table's), then the
  // ones never handed over; the tables are the model.
  const resume = [...listed, ...writes.slice(handed).map((w) => w.builder)];
  if (resume.length > 0) await apps.A.AppTable.batchWrite(resume, BACKOFF);
  for (const w of writes) {
    if (w.kind === 'put') run.model.set(w.id, { ent: w.ent, value: w.value! });
    else run.model.delete(w.id);
  }
  expect(plain(await readTables()), 'after resuming: the model').toEqual(plain(run.model));
}

export async function deleteAllCommand(run: FaultRun, cmd: DeleteAllCmd): Promise<void> {
  const t = run.targets;
  const app = apps[cmd.table];
  const userId = t.userId(cmd);
  const signals = signalFor(cmd.signal);
  const options = { ...BACKOFF, concurrency: cmd.concurrency, ...(cmd.maxAttempts === undefined ? {} : { maxAttempts: cmd.maxAttempts }), ...(signals.signal ? { abortSignal: signals.signal } : {}) };
  const read = () =>
    cmd.scope === 'orders' ? app.Order.query('primary', app.Order.Key('userId').eq(userId)).pageSize(cmd.pageSize) : app.AppTable.query(app.AppTable.Key('pk').eq(`USER#${userId}`)).pageSize(cmd.pageSize);
  const prefix = `${names[cmd.table]}|USER#${userId}|`;
  const readSet = new Set([...run.model.keys()].filter((id) => id.startsWith(prefix) && (cmd.scope === 'partition' || id.includes('|ORDER#'))));
  if (readSet.size > 25) count('deleteAll of more than 25 items');
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
  expect(unexplained(await readTables(), run.model, calls), 'tables = the deletes the server applied').toEqual([]);
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
  for (const id of readSet) run.model.delete(id);
  expect(plain(await readTables()), 'after running it again: the model').toEqual(plain(run.model));
}
