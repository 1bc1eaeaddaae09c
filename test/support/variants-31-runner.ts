/**
 * Runs the commands of the model-based test of variants, derived keys and schema versions through
 * dynakit against DynamoDB Local, and checks after each one that the table holds exactly what the
 * model says: `get()` of every Pay (and a projected get), the badges by their keys' sources, a gsi1
 * query per order (in index order) and a table-level scan (each item parsed as its entity and
 * variant), and the timestamps of every Pay.
 */
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { ConditionFailedError, DerivedAttributeError, InvalidBatchError, TransactionCanceledError, VersionConflictError, migrateStored, transactGet, transactWrite } from '../../src/index.js';
import { ERROR_CLASSES as PROFILE_ERROR_CLASSES } from './profile-runner.js';
import { canonical } from './reads-runner.js';
import { checkStamps, type Stamps } from './write-stamps.js';
import type { BadgeRef, LegacyRef, BatchWrite, Command, Cond, PayAction, PayInput, PayUpdate, RawV1, TxnAction } from './variants-31-commands.js';
import { BADGE_NAMES, IDS, LEGACY_KEYS, ORDERS, ORGS } from './variants-31-commands.js';
import { legacyKeyOf } from '../fixtures/derived-model.js';
import type { VariantsWorld } from './variants-31-entities.js';
import { RAW_EXPIRES, RAW_STAMP, VariantsModel, badgeKey, holds, payRead, versionSent, type Expectation, type PayStored, type Refusal, type WriteKind } from './variants-31-model.js';

const ERROR_CLASSES: Record<Refusal, new (...args: never[]) => Error> = { ...PROFILE_ERROR_CLASSES, DerivedAttributeError, InvalidBatchError };

/** `error` is of class `name`, and a plain ConditionFailedError is not a VersionConflictError. */
const isOf = (error: unknown, name: Refusal): boolean => error instanceof ERROR_CLASSES[name] && !(name === 'ConditionFailedError' && error instanceof VersionConflictError);

const withoutStamps = (item: unknown): unknown => {
  if (item === undefined || item === null) return item;
  const { createdAt: _c, updatedAt: _u, ...rest } = item as Record<string, unknown>;
  return rest;
};
const same = (got: unknown, want: unknown, label: string): void => expect(canonical(withoutStamps(got)), label).toBe(canonical(want));
/** What the projected reads ask for: a field of every variant, the tag, fields of some variants, and one a version 1 step computes. */
const PROJECTED = ['method', 'holder', 'last4', 'note'] as const;
/** A read's item cut to `PROJECTED` (absent fields left out), as a projected read returns it. */
const projected = (item: Record<string, unknown> | undefined): Record<string, unknown> | undefined =>
  item && Object.fromEntries(PROJECTED.filter((k) => item[k] !== undefined).map((k) => [k, item[k]]));
const gsiOrder = (s: PayStored): string => `H#${s.holderLower}#${s.payId}`;
const bytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** A Pay as version 1 stored it, with its keys and times, as a DocumentClient `PutCommand` writes it. */
export function rawV1Item(cmd: RawV1): Record<string, unknown> {
  const holderLower = cmd.who.trim().toLowerCase();
  return {
    pk: `PAY#${cmd.id}`,
    sk: 'PAY',
    gsi1pk: `ORDER#${cmd.orderId}`,
    gsi1sk: `H#${holderLower}#${cmd.id}`,
    _et: 'Pay',
    payId: cmd.id,
    orderId: cmd.orderId,
    who: cmd.who,
    holderLower,
    amount: cmd.amount,
    last4: cmd.last4,
    expires: RAW_EXPIRES,
    ...(cmd.rev !== undefined ? { rev: cmd.rev } : {}),
    createdAt: RAW_STAMP,
    updatedAt: RAW_STAMP,
  };
}

export class VariantsRunner {
  readonly model = new VariantsModel();
  readonly stamps = new Map<string, Stamps>();
  commands = 0;
  /** `<command> <outcome>` -> count, for the report of what a run exercised. */
  static readonly outcomes = new Map<string, number>();

  constructor(
    private readonly w: VariantsWorld,
    private readonly doc: DynamoDBDocumentClient,
  ) {}

  /** What made a write interesting, for the tally: an old-version target, a change of variant, a migration that rewrote items. */
  private detail(cmd: Command, expected: Expectation): string {
    const pays = this.model.state.pays;
    const id = cmd.t === 'put' || cmd.t === 'create' ? cmd.input.payId : cmd.t === 'update' || cmd.t === 'delete' ? cmd.id : undefined;
    const cur = id === undefined ? undefined : pays.get(id);
    if (cur !== undefined && cur.sv < 2) return ' (version 1 item)';
    if (cmd.t === 'put' && cur !== undefined && cur.method !== cmd.input.method) return ' (another variant)';
    if (cmd.t === 'update' && cmd.actions.some((a) => a.path === 'holder')) return ' (derived key)';
    if (expected.kind === 'ok' && expected.migrate !== undefined && expected.migrate.migrated + expected.migrate.skipped > 0) return ' (rewrote items)';
    return '';
  }

  private tally(cmd: Command, outcome: string): void {
    const key = `${cmd.t} ${outcome}`;
    VariantsRunner.outcomes.set(key, (VariantsRunner.outcomes.get(key) ?? 0) + 1);
  }

  private cond(c: Cond) {
    const { Attr } = this.w.Pay;
    switch (c.op) {
      case 'last4Eq':
        return Attr('last4').eq(c.v);
      case 'noteExists':
        return Attr('note').exists();
      case 'amountGt':
        return Attr('amount').gt(c.n);
      case 'methodEq':
        return Attr('method').eq(c.m);
      case 'holderEq':
        return Attr('holder').eq(c.v);
      case 'tagsContain':
        return Attr('tags').contains(c.v);
      case 'revGte':
        return Attr('rev').gte(c.n);
    }
  }

  private sent(input: PayInput): Record<string, unknown> {
    const { expires, tags, ...rest } = input;
    return { ...rest, ...(expires !== undefined ? { expires: new Date(expires) } : {}), ...(tags !== undefined ? { tags: new Set(tags) } : {}) };
  }

  private payPut(input: PayInput, choice: Parameters<typeof versionSent>[0]) {
    const rev = versionSent(choice, this.model.state.pays.get(input.payId));
    // A versioned put writes back an item read: with its times, as read-change-put does.
    const read = rev === undefined ? {} : { ...this.stamps.get(`P:${input.payId}`), rev };
    return this.w.Pay.put({ ...this.sent(input), ...read } as never);
  }

  private actionValue(a: PayAction): unknown {
    if (a.k === 'remove') return undefined;
    if (a.path === 'tags') return new Set(a.value);
    if (a.path === 'expires') return new Date(a.value as string);
    return a.value;
  }

  updateBuilder(cmd: PayUpdate) {
    const rev = versionSent(cmd.version, this.model.state.pays.get(cmd.id), true);
    let b = this.w.Pay.update({ payId: cmd.id, ...(rev !== undefined ? { rev } : {}) } as never);
    for (const a of cmd.actions) {
      if (a.k === 'remove') b = b.remove(a.path as never);
      else b = (b[a.k] as (m: never) => typeof b).call(b, { [a.path]: this.actionValue(a) } as never);
    }
    if (cmd.where !== undefined) b = b.where(this.cond(cmd.where));
    // An upsert of a variant entity does not compile; untyped code gets the run-time refusal this checks.
    return cmd.upsert ? (b as unknown as { upsert(): typeof b }).upsert() : b;
  }

  private badgeKeyOf(ref: BadgeRef): Record<string, string> {
    const key = { orgId: ref.org, name: ref.name };
    if (ref.form === 'sources') return key;
    return { ...key, nameLower: ref.form === 'both' ? ref.name.trim().toLowerCase() : 'zzz' };
  }

  private legacyKeyOf(ref: LegacyRef): Record<string, unknown> {
    if (ref.form === 'key') return { legacyKey: legacyKeyOf(ref) };
    return { region: ref.region, code: ref.code, ...(ref.form === 'mismatch' ? { legacyKey: 'zz' } : {}) };
  }

  private txnAction(a: TxnAction) {
    const { Pay, Badge } = this.w;
    switch (a.a) {
      case 'put':
        return this.payPut(a.input, a.version);
      case 'update':
        return this.updateBuilder(a.cmd);
      case 'delete': {
        const rev = versionSent(a.version, this.model.state.pays.get(a.id));
        return Pay.delete({ payId: a.id, ...(rev !== undefined ? { rev } : {}) } as never);
      }
      case 'check':
        return Pay.check({ payId: a.id }, this.cond(a.cond));
      case 'badgePut':
        return Badge.put({ orgId: a.org, name: a.name, ...(a.color !== undefined ? { color: a.color } : {}) });
      case 'badgeDelete':
        return Badge.delete(this.badgeKeyOf(a.ref) as never);
    }
  }

  private batchWrite(w: BatchWrite) {
    const { Pay, Badge } = this.w;
    switch (w.w) {
      case 'badgePut':
        return Badge.put({ orgId: w.org, name: w.name, ...(w.color !== undefined ? { color: w.color } : {}) });
      case 'badgeDelete':
        return Badge.delete(this.badgeKeyOf(w.ref) as never);
      case 'payDelete':
        return Pay.delete({ payId: w.id });
      case 'payPut':
        return Pay.put(this.sent(w.input) as never);
    }
  }

  /** Every other single-item write asks for the stored item on a failed condition. */
  private asking<B extends { returnItemOnConditionFailure(): B }>(b: B): B {
    return this.commands % 2 === 0 ? b.returnItemOnConditionFailure() : b;
  }

  private async send(cmd: Command): Promise<unknown> {
    const { Pay, Badge, table } = this.w;
    switch (cmd.t) {
      case 'put': {
        const b = this.asking(this.payPut(cmd.input, cmd.version).returning(cmd.returning as 'ALL_OLD'));
        return cmd.where === undefined ? await b : await b.where(this.cond(cmd.where));
      }
      case 'create':
        return await this.asking(Pay.create(this.sent(cmd.input) as never));
      case 'update':
        return await this.asking(this.updateBuilder(cmd).returning(cmd.returning as 'ALL_NEW'));
      case 'delete': {
        const rev = versionSent(cmd.version, this.model.state.pays.get(cmd.id));
        const b = this.asking(Pay.delete({ payId: cmd.id, ...(rev !== undefined ? { rev } : {}) } as never).returning('ALL_OLD'));
        return cmd.where === undefined ? await b : await b.where(this.cond(cmd.where));
      }
      case 'raw':
        return await this.doc.send(new PutCommand({ TableName: table.name, Item: rawV1Item(cmd) }));
      case 'migrate':
        return await migrateStored(Pay, cmd.segments === undefined ? {} : { segments: cmd.segments });
      case 'batch':
        return await table.batchWrite(cmd.writes.map((w) => this.batchWrite(w)) as never);
      case 'txn':
        return await transactWrite(cmd.actions.map((a) => this.txnAction(a)) as never);
      case 'badgePut': {
        const item = { orgId: cmd.org, name: cmd.name, ...(cmd.color !== undefined ? { color: cmd.color } : {}) };
        return await (cmd.create ? Badge.create(item) : Badge.put(item));
      }
      case 'badgeUpdate':
        return await Badge.update(this.badgeKeyOf(cmd.ref) as never).set({ color: cmd.color, ...(cmd.rename !== undefined ? { name: cmd.rename } : {}) } as never);
      case 'badgeDelete':
        return await Badge.delete(this.badgeKeyOf(cmd.ref) as never);
      case 'legacyPut':
        return await this.w.Legacy.put({ region: cmd.region, code: cmd.code, ...(cmd.note !== undefined ? { note: cmd.note } : {}) });
      case 'legacyUpdate':
        return await this.w.Legacy.update(this.legacyKeyOf(cmd.ref) as never).set({ note: cmd.note, ...(cmd.move ? { region: 'it' } : {}) } as never);
      case 'legacyDelete':
        return await this.w.Legacy.delete(this.legacyKeyOf(cmd.ref) as never);
      case 'scan':
      case 'query':
      case 'read':
        throw new Error('reads are run by run()');
    }
  }

  async run(cmd: Command): Promise<void> {
    this.commands += 1;
    if (cmd.t === 'scan' || cmd.t === 'query' || cmd.t === 'read') {
      this.tally(cmd, 'ok');
      return this.read(cmd);
    }
    const label = JSON.stringify(cmd);
    const expected = this.model.expect(cmd);
    const before = this.model.state;
    const t0 = Date.now();
    let result: unknown;
    let error: unknown;
    try {
      result = await this.send(cmd);
    } catch (e) {
      error = e;
    }
    const t1 = Date.now();
    if (error !== undefined) {
      const accepted = expected.kind === 'fail' ? expected.errors : expected.alsoAccepted;
      if (![...accepted].some((n) => isOf(error, n))) {
        throw new Error(`${label}: expected ${expected.kind === 'fail' ? `one of ${[...accepted].join(', ')}` : 'success'}, got ${String(error)}`, { cause: error });
      }
      this.tally(cmd, (error as Error).name + this.detail(cmd, expected));
      this.checkFailureItem(cmd, error, before.pays);
      if (error instanceof TransactionCanceledError && expected.kind === 'fail' && expected.reasons !== undefined) {
        expect(error.reasons.map((r) => r.code), `${label}: reasons`).toEqual(expected.reasons.map((r) => r.code));
        expected.reasons.forEach((r, i) => r.item !== undefined && same(error.reasons[i]!.item, r.item.value, `${label}: reason #${i}'s item`));
      }
      await this.verify(new Map(), t0, t1);
      return;
    }
    if (expected.kind === 'fail') throw new Error(`${label}: expected one of ${[...expected.errors].join(', ')}, but it succeeded`);
    if (expected.returned !== undefined) same(result, expected.returned.value, `${label} resolved to`);
    if (expected.migrate !== undefined) expect(result, `${label} resolved to`).toEqual({ ...expected.migrate, unreadable: [] });
    this.tally(cmd, `ok${this.detail(cmd, expected)}`);
    this.model.state = expected.next;
    await this.verify(expected.writes, t0, t1);
  }

  /** A failed single-item write's `item`: the stored Pay as a read migrates and parses it, when asked for (always, for a versioned write). */
  private checkFailureItem(cmd: Command, error: unknown, pays: ReadonlyMap<string, PayStored>): void {
    if (!(error instanceof ConditionFailedError)) return;
    if (cmd.t !== 'put' && cmd.t !== 'create' && cmd.t !== 'update' && cmd.t !== 'delete') return;
    const id = cmd.t === 'put' || cmd.t === 'create' ? cmd.input.payId : cmd.id;
    const versioned = cmd.t !== 'create' && versionSent(cmd.version, pays.get(id), cmd.t === 'update') !== undefined;
    if (this.commands % 2 !== 0 && !(error instanceof VersionConflictError) && !versioned) return;
    const stored = pays.get(id);
    same(error.item, stored && payRead(stored), `${JSON.stringify(cmd)}: the failure's item`);
  }

  private async read(cmd: Extract<Command, { t: 'scan' | 'query' | 'read' }>): Promise<void> {
    const { Pay } = this.w;
    const pays = this.model.state.pays;
    const label = JSON.stringify(cmd);
    if (cmd.t === 'scan') {
      const got = await Pay.scan().filter(this.cond(cmd.cond)).consistent().all();
      const want = [...pays.values()].filter((s) => holds(cmd.cond, s)).map(payRead);
      expect(got.map((g) => canonical(withoutStamps(g))).sort(), label).toEqual(want.map((w) => canonical(w)).sort());
    } else if (cmd.t === 'query') {
      const { Key } = Pay;
      const key = cmd.begins === undefined ? Key('orderId').eq(cmd.order) : Key('orderId').eq(cmd.order).and(Key('holderLower').beginsWith(cmd.begins));
      const q = Pay.query('gsi1', key);
      const ordered = cmd.reverse ? q.reverse() : q;
      const got: unknown[] = cmd.project ? await ordered.project(...PROJECTED).all() : await ordered.all();
      const want = [...pays.values()].filter((s) => s.orderId === cmd.order && (cmd.begins === undefined || s.holderLower.startsWith(cmd.begins))).sort((a, b) => bytes(gsiOrder(a), gsiOrder(b)));
      if (cmd.reverse) want.reverse();
      expect(got.map((g) => canonical(withoutStamps(g))), label).toEqual(want.map((s) => canonical(cmd.project ? projected(payRead(s)) : payRead(s))));
    } else {
      const keys = cmd.ids.map((payId) => ({ payId }));
      const got: unknown[] = cmd.project ? await Pay.batchGet(keys).consistent().project(...PROJECTED) : await Pay.batchGet(keys).consistent();
      const wantRead = (id: string) => pays.get(id) && payRead(pays.get(id)!);
      expect(got.map((g) => canonical(withoutStamps(g))), `${label}: batchGet`).toEqual(cmd.ids.map((id) => canonical(cmd.project ? projected(wantRead(id)) : wantRead(id))));
      const unique = [...new Set(cmd.ids)];
      const snapshot = (await transactGet(unique.map((payId) => Pay.get({ payId })) as never)) as unknown[];
      expect(snapshot.map((g) => canonical(withoutStamps(g))), `${label}: transactGet`).toEqual(unique.map((id) => canonical(pays.get(id) && payRead(pays.get(id)!))));
    }
  }

  /** The table against the model; `writes` tells which Pays' timestamps moved in [t0, t1]. */
  async verify(writes: Map<string, WriteKind>, t0: number, t1: number): Promise<void> {
    const { Pay, Badge, table } = this.w;
    const { pays, badges, legacies } = this.model.state;
    for (const id of IDS) {
      const got = await Pay.get({ payId: id }).consistent();
      const stored = pays.get(id);
      same(got, stored && payRead(stored), `get(${id})`);
    }
    // A projected read of a version 1 item fetches what its step reads (`migrations.reads`) too.
    const one = IDS[this.commands % IDS.length]!;
    const picked = await Pay.get({ payId: one }).consistent().project(...PROJECTED);
    same(picked, projected(pays.get(one) && payRead(pays.get(one)!)), `get(${one}).project(${PROJECTED.join(', ')})`);

    const badgeKeys = ORGS.flatMap((orgId) => BADGE_NAMES.map((name) => ({ orgId, name })));
    const gotBadges = await Badge.batchGet(badgeKeys).consistent();
    expect(gotBadges.map((b) => canonical(b)), 'badges by their sources').toEqual(badgeKeys.map((k) => canonical(badges.get(badgeKey(k.orgId, k.name)))));

    const gotLegacies = await this.w.Legacy.batchGet([...LEGACY_KEYS]).consistent();
    expect(gotLegacies.map((l) => canonical(l)), 'legacies by their sources').toEqual(LEGACY_KEYS.map((k) => canonical(legacies.get(legacyKeyOf(k)))));

    for (const order of ORDERS) {
      const got = await Pay.query('gsi1', Pay.Key('orderId').eq(order)).all();
      const want = [...pays.values()].filter((s) => s.orderId === order).sort((a, b) => bytes(gsiOrder(a), gsiOrder(b)));
      expect(got.map((g) => canonical(withoutStamps(g))), `gsi1 ORDER#${order}`).toEqual(want.map((s) => canonical(payRead(s))));
    }

    const { items, unknown } = await table.scan().consistent().all();
    expect(unknown, 'table scan: unknown items').toEqual([]);
    const wantAll = [...[...pays.values()].map((s) => ({ ...payRead(s), _et: 'Pay' })), ...[...badges.values()].map((b) => ({ ...b, _et: 'Badge' })), ...[...legacies.values()].map((l) => ({ ...l, _et: 'Legacy' }))];
    expect(items.map((i) => canonical(withoutStamps(i))).sort(), 'table scan').toEqual(wantAll.map((i) => canonical(i)).sort());
    for (const item of items) {
      if (item._et !== 'Pay') continue;
      const key = `P:${(item as unknown as { payId: string }).payId}`;
      // A raw write stores the times it gives: checked as an item not written since those.
      const kind = writes.get(key);
      if (kind === 'raw') this.stamps.set(key, { createdAt: RAW_STAMP, updatedAt: RAW_STAMP });
      checkStamps(this.stamps, key, item as unknown as Stamps, kind === 'raw' ? undefined : kind, t0, t1);
    }
    for (const [key, kind] of writes) if (kind === 'deleted') this.stamps.delete(key);
  }
}
