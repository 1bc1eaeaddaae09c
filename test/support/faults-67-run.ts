/**
 * One run of the model-based fault test: the model of the tables, the targets of the run, and its
 * commands; `batchGet` and `transactWrite` are here, the batch writes and `deleteAll()` in
 * ./faults-67-writes.ts (see test/integration/model-based-faults-67.test.ts).
 */
import { expect } from 'vitest';
import { BatchGetError, InvalidTransactionError, TransactionCanceledError, TransactionOutcomeUnknownError, transactWrite } from '../../src/index.js';
import { Targets, type BulkCmd, type Cmd, type GetCmd, type Model, type Target, type TxCmd } from './faults-67-model.js';
import { batchCommand, deleteAllCommand } from './faults-67-writes.js';
import { BACKOFF, TOKEN_PREFIX, apps, checkBackoff, confirmedOf, count, expectNamed, faults, plain, readTables, sdkApps, sdkFaults, settle, signalFor } from './faults-67-world.js';

export class FaultRun {
  model: Model = new Map();
  private next = 1;
  readonly targets: Targets;

  constructor(prefix: string) {
    this.targets = new Targets(prefix, apps);
  }

  /** Tampers with the tables after a command's calls, before its checks (to show the checks catch it). */
  sabotage: (() => Promise<void>) | undefined;

  /** A number no write of the run used yet. */
  nextValue(): number {
    return this.next++;
  }

  /** Orders beyond the targets' (seq 100 and on), written without faults. */
  async bulk(cmd: BulkCmd): Promise<void> {
    const orders: Target[] = Array.from({ length: cmd.n }, (_, i) => ({ table: cmd.table, ent: 'Order', u: cmd.u, seq: 100 + i }));
    const values = orders.map(() => this.nextValue());
    await apps[cmd.table].AppTable.batchWrite(orders.map((o, i) => this.targets.put(o, values[i]!)), BACKOFF);
    orders.forEach((o, i) => this.model.set(this.targets.id(o), { ent: 'Order', value: values[i]! }));
    expect(plain(await readTables())).toEqual(plain(this.model));
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
    const values = cmd.actions.map((a) => (a.op === 'put' || a.op === 'create' ? this.nextValue() : a.n));
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
    const token = cmd.token === 'none' ? undefined : `${TOKEN_PREFIX}-${t.prefix}-${this.nextValue()}`;
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
    await this.sabotage?.();

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
    } else if (error instanceof TransactionOutcomeUnknownError) {
      // Sent, and the answer lost or not telling: the error names the token every call carried, and the actions.
      expect(error.idempotencyToken).toBe(calls[0]!.token);
      if (signals.signal?.aborted === true && error.cause === signals.signal.reason) count(`tx outcome unknown: aborted in flight${applied ? ' (applied)' : ''}`);
      else {
        expect((error.cause as Error).name).toBe(last.client);
        count(`tx outcome unknown: ${(error.cause as Error).name}${applied ? ' (applied)' : ''}`);
      }
      expect(error.actions.map((a) => [a.index, a.entity, a.table])).toEqual(cmd.actions.map((a, i) => [i, a.target.ent, app[a.target.table].AppTable.name]));
      for (const a of cmd.actions) expect(error.message).toContain(a.target.ent);
      // The caller resends with the error's token: the same builders, or new ones stamped with the same `now`.
      const again = cmd.token === 'givenWithNow' ? build() : builders;
      const retried = await transactWrite(again, { idempotencyToken: error.idempotencyToken, ...(cmd.token === 'givenWithNow' ? { now } : {}) }).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (applied || holds) {
        expect(retried, 'the resend with the token succeeds').toBeUndefined();
        count(applied ? 'tx resent with its token: not applied again' : 'tx resent with its token: applied');
        applied = true;
      } else {
        expect(retried).toBeInstanceOf(TransactionCanceledError);
        count('tx resent with its token: cancelled');
      }
    } else {
      // A known outcome, not applied: an abort before a send (a conflict retry's wait), or an error
      // the server answered without applying, which the SDK did not retry.
      if (signals.signal?.aborted === true && error === signals.signal.reason) {
        expect(last.client, 'an abort passed through only before a send').toBe('TransactionCanceledException');
        count('tx aborted before a send');
      } else {
        expect((error as Error).name).toBe(last.client);
        expect(['ValidationException', 'ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded']).toContain(last.client);
        count(`tx ${(error as Error).name}`);
      }
      if (!cmd.sdkRetries) expect(applied, 'a known failure was not applied').toBe(false);
    }
    if (applied) this.model = applyTo(this.model);
    expect(plain(await readTables()), 'tables = the model (a transaction applied at most once)').toEqual(plain(this.model));
  }
  async run(cmd: Cmd): Promise<void> {
    count(`command ${cmd.t}`);
    if (cmd.t === 'batch') await batchCommand(this, cmd);
    else if (cmd.t === 'get') await this.get(cmd);
    else if (cmd.t === 'tx') await this.tx(cmd);
    else if (cmd.t === 'bulk') await this.bulk(cmd);
    else await deleteAllCommand(this, cmd);
  }
}
