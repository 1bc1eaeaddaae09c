/**
 * Runs the model-based test's commands through dynakit against DynamoDB Local and checks, after
 * each one, that the table holds exactly what the reference model says: `get()`, a GSI query per
 * org and a table-level query per partition (profile and badges), timestamps included.
 */
import { expect } from 'vitest';
import { BatchValidationError, ConditionFailedError, ExpressionError, InvalidTransactionError, KeyError, TransactionCanceledError, ValidationError, VersionConflictError, transactGet, transactWrite } from '../../src/index.js';
import type { Action, BadgeUpdateCmd, Command, Cond, IndexCond, ItemInput, PrefsInput, ProfileInput, TxnAction, UpdateCmd } from './profile-commands.js';
import { IDS, ORGS } from './profile-commands.js';
import { badgeUpdateVersion, expectCommand, versionSent } from './profile-command-model.js';
import type { ModelTable } from './profile-entities.js';
import { checkStamps, type Stamps } from './write-stamps.js';
import { ModelState, badgeKey, holds, indexSelects, type ErrorName, type ProfileItem } from './profile-reference-model.js';

export const ERROR_CLASSES: Record<ErrorName, new (...args: never[]) => Error> = {
  ValidationError,
  KeyError,
  ExpressionError,
  ConditionFailedError,
  VersionConflictError,
  TransactionCanceledError,
  InvalidTransactionError,
  BatchValidationError,
};

/** Sets as sorted arrays, keys sorted, undefined values dropped: a form `toEqual` compares exactly. */
export function canonical(value: unknown): unknown {
  if (value instanceof Set) return { $set: [...value].map(canonical).sort() };
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = canonical(v);
    }
    return out;
  }
  return value;
}

const TIMESTAMPS = ['createdAt', 'updatedAt'] as const;

function withoutStamps(item: object | undefined): Record<string, unknown> | undefined {
  if (item === undefined) return undefined;
  const { createdAt: _c, updatedAt: _u, ...rest } = item as Record<string, unknown>;
  return rest;
}

export const toSent = (input: ProfileInput): Record<string, unknown> => ({
  ...input,
  ...(input.tags !== undefined ? { tags: new Set(input.tags) } : {}),
  ...(input.prefs !== undefined ? { prefs: prefsSent(input.prefs) } : {}),
});
const prefsSent = (p: PrefsInput): Record<string, unknown> => ({ ...p, ...(p.flags !== undefined ? { flags: new Set(p.flags) } : {}) });

function actionValue(a: Action): unknown {
  if (!('value' in a)) return undefined;
  if (a.path === 'tags' || a.path === 'prefs.flags') return a.value === undefined ? undefined : new Set(a.value as string[]);
  if (a.path === 'prefs' && a.value !== undefined) return prefsSent(a.value as PrefsInput);
  return a.value;
}

export class ModelRunner {
  state = new ModelState();
  readonly stamps = new Map<string, Stamps>();
  commands = 0;
  /** `<command> <outcome>` -> count, for the report of what a run exercised. */
  static readonly outcomes = new Map<string, number>();
  private tally(cmd: Command, outcome: string): void {
    const key = `${cmd.t} ${outcome}`;
    ModelRunner.outcomes.set(key, (ModelRunner.outcomes.get(key) ?? 0) + 1);
  }

  constructor(private readonly m: ModelTable) {}

  private cond(c: Cond) {
    const { Attr } = this.m.Profile;
    switch (c.op) {
      case 'scoreGt':
        return Attr('score').gt(c.n);
      case 'nickMissing':
        return Attr('nick').notExists();
      case 'tagsContain':
        return Attr('tags').contains(c.v);
      case 'langEq':
        return Attr('prefs.lang').eq(c.v);
      case 'rankBetween':
        return Attr('rank').between(c.lo, c.hi);
      case 'countsHas':
        return Attr(`counts.${c.k}`).exists();
      case 'shapeRGte':
        return Attr('shape.r').gte(c.n);
      case 'flagsContain':
        return Attr('prefs.flags').contains(c.v);
      case 'itemsSizeLte':
        return Attr('items').size().lte(c.n);
    }
  }

  updateBuilder(cmd: UpdateCmd) {
    let b = this.m.Profile.update({ id: cmd.id });
    for (const a of cmd.actions) {
      const v = actionValue(a);
      if (a.kind === 'remove') b = b.remove(a.path as never);
      else b = (b[a.kind] as (m: never) => typeof b).call(b, { [a.path]: v } as never);
    }
    if (cmd.where !== undefined) b = b.where(this.cond(cmd.where));
    if (cmd.upsert) b = b.upsert();
    return b;
  }

  private badgeUpdateBuilder(cmd: BadgeUpdateCmd) {
    const stored = this.state.badges.get(badgeKey(cmd.owner, cmd.badge));
    const version = badgeUpdateVersion(cmd, stored);
    let b = this.m.Badge.update({ ownerId: cmd.owner, badgeId: cmd.badge, ...(version !== undefined ? { version } : {}) } as never);
    if (cmd.label !== undefined) b = b.set({ label: cmd.label });
    if (cmd.addLevel !== undefined) b = b.add({ level: cmd.addLevel });
    return cmd.upsert ? b.upsert() : b;
  }

  private txnAction(a: TxnAction) {
    const { Profile } = this.m;
    switch (a.a) {
      case 'update':
        return this.updateBuilder(a.cmd);
      case 'put':
        return a.where === undefined ? Profile.put(toSent(a.input) as never) : Profile.put(toSent(a.input) as never).where(this.cond(a.where));
      case 'delete':
        return a.where === undefined ? Profile.delete({ id: a.id }) : Profile.delete({ id: a.id }).where(this.cond(a.where));
      case 'check':
        return Profile.check({ id: a.id }, this.cond(a.cond));
      case 'badgeUpdate':
        return this.badgeUpdateBuilder(a.cmd);
    }
  }

  private keyCondition(org: string, c: IndexCond) {
    const { Key } = this.m.Profile;
    const base = Key('org').eq(org);
    switch (c.op) {
      case 'all':
        return base;
      case 'tierEq':
        return base.and(Key('tier').eq(c.v));
      case 'tierBegins':
        return base.and(Key('tier').beginsWith(c.v));
      case 'tierRange':
        return base.and(Key('tier')[c.rop](c.v));
      case 'tierBetween':
        return base.and(Key('tier').between(c.lo, c.hi));
      case 'tierEqRank':
        return base.and(Key('tier').eq(c.v)).and(Key('rank')[c.rop](c.n));
      case 'tierEqRankBetween':
        return base.and(Key('tier').eq(c.v)).and(Key('rank').between(c.lo, c.hi));
    }
  }

  /** A gsi1 query against the model: the items it selects, in index order. */
  private async query(cmd: Extract<Command, { t: 'query' }>): Promise<void> {
    const q = this.m.Profile.query('gsi1', this.keyCondition(cmd.org, cmd.cond) as never);
    const got = await (cmd.reverse ? q.reverse() : q).all();
    const inIndex = [...this.state.profiles.values()].filter((p): p is ProfileItem & { tier: string } => p.org === cmd.org && p.tier !== undefined);
    const want = inIndex.filter((p) => indexSelects(cmd.cond, p)).sort(byIndexKey);
    if (cmd.reverse) want.reverse();
    const label = JSON.stringify(cmd);
    expect(got.map((p) => [p.tier, p.rank]), `${label}: order`).toEqual(want.map((p) => [p.tier, p.rank]));
    expect(canonical(sortById(got.map((p) => withoutStamps(p)!))), `${label}: items`).toEqual(canonical(sortById(want)));
  }

  /** Every other single-item write asks for the stored item on a failed condition. */
  private asking<B extends { returnItemOnConditionFailure(): B }>(b: B): B {
    return this.commands % 2 === 0 ? b.returnItemOnConditionFailure() : b;
  }

  /** A ConditionFailedError's `item` is the stored item when asked for (always, for a versioned write). */
  private checkFailureItem(cmd: Command, error: unknown): void {
    if (!(error instanceof ConditionFailedError)) return;
    const id = cmd.t === 'put' || cmd.t === 'create' ? cmd.input.id : cmd.t === 'update' || cmd.t === 'delete' ? cmd.id : undefined;
    if (id !== undefined && this.commands % 2 === 0) {
      expect(canonical(withoutStamps(error.item)), `${JSON.stringify(cmd)}: the failure's item`).toEqual(canonical(this.state.profiles.get(id)));
    }
    if (error instanceof VersionConflictError && (cmd.t === 'badgePut' || cmd.t === 'badgeUpdate' || cmd.t === 'badgeDelete' || cmd.t === 'badgeCreate')) {
      expect(canonical(withoutStamps(error.item)), `${JSON.stringify(cmd)}: the conflict's item`).toEqual(canonical(this.state.badges.get(badgeKey(cmd.owner, cmd.badge))));
    }
  }

  /** A filtered scan: the items whose stored form the condition holds for. */
  private async scan(cmd: Extract<Command, { t: 'scan' }>): Promise<void> {
    const got = await this.m.Profile.scan().filter(this.cond(cmd.cond)).consistent().all();
    const want = [...this.state.profiles.values()].filter((p) => holds(cmd.cond, p));
    expect(canonical(sortById(got.map((p) => withoutStamps(p)!))), JSON.stringify(cmd)).toEqual(canonical(sortById(want)));
  }

  /** batchGet of profiles (in the order asked, undefined for none) and a transactGet of the same keys. */
  private async read(cmd: Extract<Command, { t: 'read' }>): Promise<void> {
    const { Profile, Badge } = this.m;
    const label = JSON.stringify(cmd);
    const got = await Profile.batchGet(cmd.ids.map((id) => ({ id }))).consistent();
    expect(canonical(got.map((p) => withoutStamps(p))), `${label}: batchGet`).toEqual(canonical(cmd.ids.map((id) => this.state.profiles.get(id))));
    const keys = [...new Set(cmd.ids)];
    const badgeKeys = [...new Map(cmd.badges.map(([o, b]) => [badgeKey(o, b), [o, b] as const])).values()];
    const gets = [...keys.map((id) => Profile.get({ id })), ...badgeKeys.map(([ownerId, badgeId]) => Badge.get({ ownerId, badgeId }))];
    const snapshot = (await transactGet(gets as never)) as unknown[];
    const want = [...keys.map((id) => this.state.profiles.get(id)), ...badgeKeys.map(([o, b]) => this.state.badges.get(badgeKey(o, b)))];
    expect(canonical(snapshot.map((i) => withoutStamps(i as object | undefined))), `${label}: transactGet`).toEqual(canonical(want));
  }

  /** Sends the command; resolves to what the call resolved to. */
  private async send(cmd: Command): Promise<unknown> {
    const { Profile, Badge, table } = this.m;
    switch (cmd.t) {
      case 'put': {
        const b = this.asking(Profile.put(toSent(cmd.input) as never).returning(cmd.returning as 'ALL_OLD'));
        return cmd.where === undefined ? await b : await b.where(this.cond(cmd.where));
      }
      case 'create':
        return await this.asking(Profile.create(toSent(cmd.input) as never));
      case 'update':
        return await this.asking(this.updateBuilder(cmd).returning(cmd.returning as 'ALL_NEW'));
      case 'delete': {
        const b = this.asking(Profile.delete({ id: cmd.id }).returning('ALL_OLD'));
        return cmd.where === undefined ? await b : await b.where(this.cond(cmd.where));
      }
      case 'batch':
        return await table.batchWrite(
          cmd.writes.map((w) =>
            w.w === 'put' ? Profile.put(toSent(w.input) as never) : w.w === 'delete' ? Profile.delete({ id: w.id }) : Badge.delete({ ownerId: w.owner, badgeId: w.badge }),
          ),
        );
      case 'txn':
        return await transactWrite(cmd.actions.map((a) => this.txnAction(a)) as never);
      case 'badgeCreate':
        return await Badge.create({ ownerId: cmd.owner, badgeId: cmd.badge, label: cmd.label, level: cmd.level });
      case 'badgePut': {
        const key = badgeKey(cmd.owner, cmd.badge);
        const stored = this.state.badges.get(key);
        const version = versionSent(cmd.version, stored);
        const read = version === undefined ? {} : { ...this.stamps.get(`B:${key}`), version };
        return await Badge.put({ ownerId: cmd.owner, badgeId: cmd.badge, label: cmd.label, level: cmd.level, ...read } as never);
      }
      case 'badgeUpdate':
        return await this.badgeUpdateBuilder(cmd);
      case 'query':
      case 'scan':
      case 'read':
        throw new Error('reads are run by run()');
      case 'badgeDelete': {
        const stored = this.state.badges.get(badgeKey(cmd.owner, cmd.badge));
        const version = versionSent(cmd.version, stored);
        return await Badge.delete({ ownerId: cmd.owner, badgeId: cmd.badge, ...(version !== undefined ? { version } : {}) } as never);
      }
    }
  }

  async run(cmd: Command): Promise<void> {
    this.commands += 1;
    if (cmd.t === 'query' || cmd.t === 'scan' || cmd.t === 'read') {
      this.tally(cmd, 'ok');
      return cmd.t === 'query' ? this.query(cmd) : cmd.t === 'scan' ? this.scan(cmd) : this.read(cmd);
    }
    const expected = expectCommand(cmd, this.state);
    const t0 = Date.now();
    let result: unknown;
    let error: unknown;
    try {
      result = await this.send(cmd);
    } catch (e) {
      error = e;
    }
    const t1 = Date.now();
    const accepted = expected.kind === 'fail' ? expected.errors : expected.alsoAccepted;
    if (error !== undefined) {
      const named = [...accepted].some((n) => error instanceof ERROR_CLASSES[n]);
      if (!named) {
        throw new Error(`${JSON.stringify(cmd)}: expected ${expected.kind === 'fail' ? `one of ${[...accepted].join(', ')}` : 'success'}, got ${String(error)}`, { cause: error });
      }
      this.tally(cmd, (error as Error).name);
      this.checkFailureItem(cmd, error);
      await this.verify(new Map(), t0, t1);
      return;
    }
    if (expected.kind === 'fail') throw new Error(`${JSON.stringify(cmd)}: expected one of ${[...expected.errors].join(', ')}, but it succeeded`);
    if (expected.returned !== undefined && cmd.t !== 'txn' && cmd.t !== 'batch') {
      expect(canonical(withoutStamps(result as Record<string, unknown> | undefined)), `${JSON.stringify(cmd)} resolved to`).toEqual(canonical(expected.returned.value));
    }
    this.tally(cmd, 'ok');
    this.state = expected.next;
    await this.verify(expected.writes, t0, t1);
  }

  /** The table against the model; `writes` tells which items' timestamps moved in [t0, t1]. */
  async verify(writes: Map<string, string>, t0: number, t1: number): Promise<void> {
    const { Profile, table } = this.m;
    const projected = IDS[this.commands % IDS.length]!;
    const picked = await Profile.get({ id: projected }).consistent().project('nick', 'tags', 'prefs', 'rank', 'shape', 'items');
    const full = this.state.profiles.get(projected);
    const want = full === undefined ? undefined : { nick: full.nick, tags: full.tags, prefs: full.prefs, rank: full.rank, shape: full.shape, items: full.items };
    expect(canonical(picked), `get(${projected}).project(...)`).toEqual(canonical(want));
    for (const id of IDS) {
      const got = await Profile.get({ id }).consistent();
      const want = this.state.profiles.get(id);
      expect(canonical(withoutStamps(got)), `get(${id})`).toEqual(canonical(want));
      const { items, unknown } = await table.query(table.Key('pk').eq(`P#${id}`)).consistent().all();
      expect(unknown).toEqual([]);
      const wantBadges = [...this.state.badges.values()].filter((b) => b.ownerId === id).sort((a, b) => (a.badgeId < b.badgeId ? -1 : 1));
      const wantPartition = [...wantBadges.map((b) => ({ ...b, _et: 'Badge' })), ...(want === undefined ? [] : [{ ...want, _et: 'Profile' }])];
      expect(canonical(items.map((i) => withoutStamps(i as never))), `partition P#${id}`).toEqual(canonical(wantPartition));
      for (const item of items) {
        const key = item._et === 'Profile' ? `P:${id}` : `B:${badgeKey(id, (item as unknown as { badgeId: string }).badgeId)}`;
        checkStamps(this.stamps, key, item as unknown as Stamps, writes.get(key), t0, t1);
      }
      if (got !== undefined) expect(TIMESTAMPS.map((k) => got[k])).toEqual(TIMESTAMPS.map((k) => this.stamps.get(`P:${id}`)?.[k]));
    }
    for (const [key, kind] of writes) if (kind === 'deleted') this.stamps.delete(key);
    for (const org of ORGS) {
      const got = await Profile.query('gsi1', Profile.Key('org').eq(org)).all();
      const want = [...this.state.profiles.values()].filter((p) => p.org === org && p.tier !== undefined).sort(byIndexKey);
      expect(got.map((p) => [p.tier, p.rank]), `gsi1 order for ${org}`).toEqual(want.map((p) => [p.tier, p.rank]));
      expect(canonical(sortById(got.map((p) => withoutStamps(p)!))), `gsi1 items for ${org}`).toEqual(canonical(sortById(want)));
    }
  }

}

const byIndexKey = (a: ProfileItem, b: ProfileItem): number => {
  const ka = `T#${a.tier}#${String(a.rank).padStart(16, '0')}`;
  const kb = `T#${b.tier}#${String(b.rank).padStart(16, '0')}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};
const sortById = <T extends { id?: unknown }>(items: T[]): T[] => [...items].sort((a, b) => (String(a.id) < String(b.id) ? -1 : 1));

export type { ItemInput };
