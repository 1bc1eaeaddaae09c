/**
 * The world of the model-based fault test (test/integration/model-based-faults-67.test.ts): two
 * tables written through a client without SDK retries (and through one with them), their fault
 * injectors, and the checks the commands share (reading the tables, what the fault log says the
 * server applied, the backoff limits, the naming of errors).
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { appModel } from '../fixtures/app-model.js';
import { localClientConfig } from './dynamodb-local.js';
import { testClient, testDocClient, testEndpoint, uniqueTableName } from './client.js';
import { injectScriptedFaults, type LoggedCall, type LoggedEntry } from './faults-scripted.js';
import type { Model, SignalKind, Stored, TableName } from './faults-67-model.js';

export const names: Record<TableName, string> = { A: uniqueTableName('faults-67-a'), B: uniqueTableName('faults-67-b') };
/** No SDK retries: every fault reaches dynakit's loops. */
export const client = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 1 });
/** The SDK's own retries (4 attempts): a lost answer is resent by the SDK. */
export const sdkClient = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 4 });
export const cleanClient = testClient();
const clean = testDocClient(cleanClient);
export const apps = { A: appModel(client, names.A), B: appModel(client, names.B) };
export const sdkApps = { A: appModel(sdkClient, names.A), B: appModel(sdkClient, names.B) };
export const faults = injectScriptedFaults(client);
export const sdkFaults = injectScriptedFaults(sdkClient);
export const TOKEN_PREFIX = `t67-${randomBytes(4).toString('hex')}`;
export const BACKOFF = { baseDelayMs: 4, maxDelayMs: 30 } as const;
/** Time a loaded 2-core machine may add to a backoff wait. */
export const SLACK_MS = 250;

/** What the runs exercised, printed at the end. */
export const tally = new Map<string, number>();
export const count = (what: string, n = 1): void => void tally.set(what, (tally.get(what) ?? 0) + n);

// ---------------------------------------------------------------------------------------------
// Reading the tables, and what the log says was applied

export async function readTables(): Promise<Model> {
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

export async function emptyTables(): Promise<void> {
  for (const name of Object.values(names)) {
    const { Items = [] } = await clean.send(new ScanCommand({ TableName: name, ConsistentRead: true }));
    for (let i = 0; i < Items.length; i += 25) {
      const chunk = Items.slice(i, i + 25).map((it) => ({ DeleteRequest: { Key: { pk: it['pk'], sk: it['sk'] } } }));
      await clean.send(new BatchWriteCommand({ RequestItems: { [name]: chunk } }));
    }
  }
}

export const plain = (m: Model): Record<string, Stored> => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));

/** The entity and number a logged put carries. */
export function loggedValue(e: LoggedEntry): Stored {
  const ent = e.item!['_et']!['S'] as 'User' | 'Order';
  return { ent, value: Number((ent === 'User' ? e.item!['score'] : e.item!['total'])!['N']) };
}

/** `model` after the entries, in order. */
export function applyEntries(model: Model, entries: readonly LoggedEntry[]): Model {
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
export function unexplained(table: Model, model: Model, calls: readonly LoggedCall[]): string[] {
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
export interface Write {
  readonly id: string;
  readonly kind: 'put' | 'delete';
  readonly value: number | undefined;
  readonly ent: 'User' | 'Order';
}
export const writeOf = (e: LoggedEntry): Omit<Write, 'ent'> => ({ id: e.id, kind: e.kind as 'put' | 'delete', value: e.kind === 'put' ? loggedValue(e).value : undefined });
export const bare = (w: Omit<Write, 'ent'> & { ent?: unknown }): Omit<Write, 'ent'> => ({ id: w.id, kind: w.kind, value: w.value });

export function byKey<T extends { id: string }>(list: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of list) (m.get(x.id) ?? m.set(x.id, []).get(x.id)!).push(x);
  return m;
}

export const confirmedOf = (calls: readonly LoggedCall[]): LoggedEntry[] => calls.flatMap((c) => c.confirmed);
export const appliedOf = (calls: readonly LoggedCall[]): LoggedEntry[] => calls.flatMap((c) => c.applied);

/**
 * Waits for what the server may still be doing: a request cut short on its way (an abort, a
 * timeout) may reach DynamoDB and be applied after the caller got its error.
 */
export const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 300));

/** The command's signal: none, an AbortController the faults abort, or a timeout. */
export function signalFor(kind: SignalKind): { abort?: AbortController; signal?: AbortSignal } {
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
export function checkBackoff(calls: readonly LoggedCall[], maxAttempts: number, gaveUpOnAttempts: boolean): void {
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
export function expectNamed(message: string, listed: readonly { entity: string; table: string }[]): void {
  for (const w of listed) {
    expect(message).toContain(w.entity);
    expect(message).toContain(w.table);
  }
}
