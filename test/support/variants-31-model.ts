/**
 * The reference model of the model-based test of variants, derived keys and schema versions: what
 * each command must leave in the table, written from docs/modeling.md ("Entities with variants",
 * "Schema versions", "Derived attributes"), docs/updates.md, docs/locking-and-ttl.md,
 * docs/batch.md, docs/transactions.md and docs/errors.md, not from dynakit's source. A Pay is kept
 * as stored (its version 1 shape too); what a read returns is computed from it by the migration
 * step and the schema, and conditions and guards are evaluated on the stored shape, as DynamoDB
 * evaluates them.
 */
import type { VersionChoice } from './profile-commands.js';
import type { ErrorName } from './profile-reference-model.js';
import type { BadgeRef, BatchWrite, Command, Cond, Method, PayAction, PayInput, PayUpdate, RawV1, TxnAction } from './variants-31-commands.js';
import { CURRENT_SV, NOTE_MAX } from './variants-31-entities.js';
import { legacyKeyOf } from '../fixtures/derived-model.js';

export type Refusal = ErrorName | 'DerivedAttributeError' | 'InvalidBatchError';

/** A Pay as stored, under model names (`expires` as ISO text, `tags` sorted). */
export interface PayStored {
  payId: string;
  orderId: string;
  amount: number;
  holderLower: string;
  holder?: string;
  who?: string;
  method?: Method;
  last4?: string;
  expires?: string;
  tags?: string[];
  iban?: string;
  provider?: string;
  note?: string;
  rev?: number;
  sv: number;
}
export interface BadgeStored { orgId: string; name: string; nameLower: string; color?: string }
export interface LegacyStored { region: string; code: number; legacyKey: string; note?: string }

export class VariantsState {
  readonly pays = new Map<string, PayStored>();
  readonly badges = new Map<string, BadgeStored>();
  /** By the key a function of `region` and `code` computes. */
  readonly legacies = new Map<string, LegacyStored>();
  clone(): VariantsState {
    const next = new VariantsState();
    for (const [k, v] of this.legacies) next.legacies.set(k, structuredClone(v));
    for (const [k, v] of this.pays) next.pays.set(k, structuredClone(v));
    for (const [k, v] of this.badges) next.badges.set(k, structuredClone(v));
    return next;
  }
}

/** `created` / `updated` set the write's times, `raw` the times the raw item holds; a migrated item keeps its own. */
export type WriteKind = 'created' | 'updated' | 'deleted' | 'raw';
export interface MigrateResult { migrated: number; skipped: number }
export type Expectation =
  | { kind: 'fail'; errors: Set<Refusal>; reasons?: TxnReason[] }
  | { kind: 'ok'; next: VariantsState; writes: Map<string, WriteKind>; returned?: { value: unknown }; migrate?: MigrateResult; alsoAccepted: Set<Refusal> };

/** A cancelled transaction's reason for one action; `item`: the stored Pay a versioned action's reason carries. */
export interface TxnReason { code: 'None' | 'ConditionalCheckFailed'; item?: { value: Record<string, unknown> | undefined } }

export const RAW_STAMP = '2020-01-01T00:00:00.000Z';
export const RAW_EXPIRES = '2030-01-01T00:00:00.000Z';
const METHODS: readonly Method[] = ['card', 'bank', 'wallet'];
const lower = (s: string): string => s.trim().toLowerCase();
export const badgeKey = (org: string, name: string): string => `${org}/${lower(name)}`;
const fail = (...errors: Refusal[]): Expectation => ({ kind: 'fail', errors: new Set(errors) });

/** What a read returns for a stored Pay: the version 1 step, then the schema (trim, the variant's fields, Date, Set). */
export function payRead(s: PayStored): Record<string, unknown> {
  const holder = (s.sv < 2 ? (s.holder ?? s.who) : s.holder)!.trim();
  const method = s.sv < 2 ? (s.method ?? 'card') : s.method!;
  const out: Record<string, unknown> = { payId: s.payId, orderId: s.orderId, amount: s.amount, holder, holderLower: s.holderLower, method };
  if (method === 'card') Object.assign(out, { last4: s.last4, expires: new Date(s.expires!), ...(s.tags !== undefined ? { tags: new Set(s.tags) } : {}) });
  if (method === 'bank') Object.assign(out, { iban: s.iban, ...(s.note !== undefined ? { note: s.note } : {}) });
  if (method === 'wallet') Object.assign(out, { provider: s.provider, ...(s.note !== undefined ? { note: s.note } : {}) });
  if (s.rev !== undefined) out['rev'] = s.rev;
  return out;
}

/** The refusals of a put's item (`ValidationError`, `KeyError`) and the item it stores. */
export function parsePay(input: PayInput, rev: number): { refusals: Set<Refusal>; stored: PayStored } {
  const refusals = new Set<Refusal>();
  if (!Number.isInteger(input.amount) || input.amount <= 0) refusals.add('ValidationError');
  if (input.last4 !== undefined && input.last4.length !== 4) refusals.add('ValidationError');
  if (input.note !== undefined && input.method !== 'card' && input.note.length > NOTE_MAX[input.method]) refusals.add('ValidationError');
  if (lower(input.holder).includes('#') || input.orderId.includes('#')) refusals.add('KeyError');
  const { holder, tags, ...rest } = input;
  const stored: PayStored = { ...rest, holder: holder.trim(), holderLower: lower(holder), ...(tags !== undefined ? { tags: [...tags].sort() } : {}), rev, sv: CURRENT_SV };
  return { refusals, stored };
}

export function holds(c: Cond | undefined, s: PayStored | undefined): boolean {
  if (c === undefined) return true;
  if (s === undefined) return false;
  switch (c.op) {
    case 'last4Eq':
      return s.last4 === c.v;
    case 'noteExists':
      return s.note !== undefined;
    case 'amountGt':
      return s.amount > c.n;
    case 'methodEq':
      return s.method === c.m;
    case 'holderEq':
      return s.holder === c.v;
    case 'tagsContain':
      return s.tags?.includes(c.v) ?? false;
    case 'revGte':
      return s.rev !== undefined && s.rev >= c.n;
  }
}

/** The version a Pay write sends: the stored one, one more (stale), or none; an update of a missing item with 'current' sends 1. */
export function versionSent(choice: VersionChoice, stored: PayStored | undefined, update = false): number | undefined {
  if (choice === 'none') return undefined;
  if (choice === 'stale') return (stored?.rev ?? 1) + 1;
  return stored === undefined ? (update ? 1 : undefined) : stored.rev;
}

/** The variants an action fits (the update's tag guard is the intersection); `undefined`: a refusal. */
function fits(a: PayAction): readonly Method[] {
  switch (a.path) {
    case 'last4':
    case 'expires':
      return ['card'];
    case 'tags':
      // remove() of a field that every variant lacks or holds as optional is not guarded.
      return a.k === 'remove' ? METHODS : ['card'];
    case 'iban':
      return ['bank'];
    case 'provider':
      return ['wallet'];
    case 'note':
      if (a.k === 'remove' || a.value === undefined) return METHODS;
      return (a.value as string).length <= NOTE_MAX.wallet ? ['bank', 'wallet'] : (a.value as string).length <= NOTE_MAX.bank ? ['bank'] : [];
    default:
      return METHODS;
  }
}

/** Refusals before sending, and the variants the update's guard names (all three: no guard). */
export function updateRefusals(cmd: PayUpdate): { refusals: Set<Refusal>; variants: readonly Method[] } {
  const refusals = new Set<Refusal>();
  let variants: readonly Method[] = METHODS;
  for (const a of cmd.actions) {
    if (a.path === 'method') refusals.add('ExpressionError');
    if (a.k === 'set' && a.path === 'amount' && !((a.value as number) > 0)) refusals.add('ValidationError');
    if (a.k === 'set' && a.path === 'last4' && (a.value as string).length !== 4) refusals.add('ValidationError');
    if (a.k === 'set' && (a.path === 'holder' || a.path === 'orderId') && lower(a.value as string).includes('#')) refusals.add('KeyError');
    const f = fits(a);
    if (f.length === 0) refusals.add('ValidationError');
    else variants = variants.filter((m) => f.includes(m));
  }
  if (variants.length === 0 && !refusals.has('ValidationError')) refusals.add('ExpressionError');
  // An upsert may create the item, and no update says which variant it is (docs/modeling.md); it
  // would also leave the derived holderLower's source out.
  if (cmd.upsert) for (const e of ['ValidationError', 'DerivedAttributeError', 'ExpressionError', 'KeyError'] as const) refusals.add(e);
  return { refusals, variants };
}

function applyActions(s: PayStored, actions: readonly PayAction[]): PayStored {
  const next = structuredClone(s);
  for (const a of actions) {
    if (a.k === 'remove') delete next[a.path];
    else if (a.path === 'amount') next.amount = a.k === 'add' ? next.amount + a.value : (a.value as number);
    else if (a.path === 'tags') {
      const have = new Set(next.tags ?? []);
      for (const t of a.value) if (a.k === 'add') have.add(t);
      else have.delete(t);
      if (have.size === 0) delete next.tags;
      else next.tags = [...have].sort();
    } else if (a.path === 'holder') {
      next.holder = (a.value as string).trim();
      next.holderLower = lower(a.value as string);
    } else if (a.path === 'note') {
      if (a.value === undefined) delete next.note;
      else next.note = a.value;
    } else if (a.path !== 'method') (next as unknown as Record<string, unknown>)[a.path] = a.value;
  }
  next.rev = (next.rev ?? 0) + 1;
  return next;
}

type Outcome = { kind: 'fail'; errors: Set<Refusal> } | { kind: 'ok'; stored: PayStored | undefined; write?: WriteKind };

/**
 * A conditional write's checks on the stored item: the version (a `VersionConflictError`), then the
 * rest (a plain `ConditionFailedError`); when both fail, either may be reported.
 */
function checks(versionOk: boolean, restOk: boolean): Outcome | undefined {
  if (versionOk && restOk) return undefined;
  if (!versionOk && !restOk) return { kind: 'fail', errors: new Set(['VersionConflictError', 'ConditionFailedError']) };
  return { kind: 'fail', errors: new Set([versionOk ? 'ConditionFailedError' : 'VersionConflictError']) };
}

export function payUpdateOutcome(cmd: PayUpdate, cur: PayStored | undefined): Outcome {
  const { refusals, variants } = updateRefusals(cmd);
  if (refusals.size > 0) return { kind: 'fail', errors: refusals };
  const sent = versionSent(cmd.version, cur, true);
  if (cur === undefined) return { kind: 'fail', errors: new Set([sent === undefined ? 'ConditionFailedError' : 'VersionConflictError']) };
  const guardOk = variants.length === METHODS.length || (cur.method !== undefined && variants.includes(cur.method));
  const add = cmd.actions.find((a) => a.k === 'add' && a.path === 'amount');
  const boundOk = add === undefined || (add.value as number) >= 0 || cur.amount + (add.value as number) > 0;
  const failed = checks(sent === undefined || cur.rev === sent, guardOk && boundOk && holds(cmd.where, cur));
  if (failed !== undefined) return failed;
  return { kind: 'ok', stored: applyActions(cur, cmd.actions), write: 'updated' };
}

export function payPutOutcome(input: PayInput, choice: VersionChoice, where: Cond | undefined, cur: PayStored | undefined): Outcome {
  const sent = versionSent(choice, cur);
  const { refusals, stored } = parsePay(input, (sent ?? 0) + 1);
  if (refusals.size > 0) return { kind: 'fail', errors: refusals };
  // A put without a version creates only (an item stored without one too); with one, it must be stored.
  const failed = checks(sent === undefined ? cur === undefined : cur?.rev === sent, holds(where, cur));
  if (failed !== undefined) return failed;
  return { kind: 'ok', stored, write: sent === undefined ? 'created' : 'updated' };
}

export function payDeleteOutcome(choice: VersionChoice, where: Cond | undefined, cur: PayStored | undefined): Outcome {
  const sent = versionSent(choice, cur);
  const failed = checks(sent === undefined || cur?.rev === sent, holds(where, cur));
  if (failed !== undefined) return failed;
  return { kind: 'ok', stored: undefined, ...(cur !== undefined ? { write: 'deleted' as const } : {}) };
}

export function badgeRefusals(org: string, name: string): Set<Refusal> {
  return new Set<Refusal>(org.includes('#') || lower(name).includes('#') ? ['KeyError'] : []);
}
export const badgeItem = (org: string, name: string, color: string | undefined): BadgeStored => ({ orgId: org, name: name.trim(), nameLower: lower(name), ...(color !== undefined ? { color } : {}) });
/** A key object whose derived value disagrees with its source is refused before sending. */
export const refRefusals = (ref: BadgeRef): Set<Refusal> => new Set<Refusal>(ref.form === 'mismatch' ? ['DerivedAttributeError'] : []);

/** The item a transaction action or a command writes, for "one action per item". */
function itemOf(a: TxnAction): string {
  switch (a.a) {
    case 'put':
      return `P:${a.input.payId}`;
    case 'update':
      return `P:${a.cmd.id}`;
    case 'delete':
    case 'check':
      return `P:${a.id}`;
    case 'badgePut':
      return `B:${badgeKey(a.org, a.name)}`;
    case 'badgeDelete':
      return `B:${badgeKey(a.ref.org, a.ref.name)}`;
  }
}

export class VariantsModel {
  state = new VariantsState();

  /** What `cmd` must do; the runner adopts `next` when the call succeeds as expected. */
  expect(cmd: Command): Expectation {
    const state = this.state;
    const next = state.clone();
    const writes = new Map<string, WriteKind>();
    const ok = (returned?: { value: unknown }, extra: Partial<Extract<Expectation, { kind: 'ok' }>> = {}): Expectation => ({ kind: 'ok', next, writes, returned, alsoAccepted: new Set(), ...extra });
    const adopt = (key: string, o: Outcome): Expectation | undefined => {
      if (o.kind === 'fail') return o;
      const id = key.slice(2);
      if (o.stored === undefined) next.pays.delete(id);
      else next.pays.set(id, o.stored);
      if (o.write !== undefined) writes.set(key, o.write);
      return undefined;
    };
    switch (cmd.t) {
      case 'put': {
        const cur = state.pays.get(cmd.input.payId);
        const o = payPutOutcome(cmd.input, cmd.version, cmd.where, cur);
        return adopt(`P:${cmd.input.payId}`, o) ?? ok({ value: cmd.returning === 'ALL_OLD' ? cur && payRead(cur) : payRead(next.pays.get(cmd.input.payId)!) });
      }
      case 'create': {
        const { refusals, stored } = parsePay(cmd.input, 1);
        if (refusals.size > 0) return { kind: 'fail', errors: refusals };
        if (state.pays.has(cmd.input.payId)) return fail('ConditionFailedError', 'VersionConflictError');
        next.pays.set(cmd.input.payId, stored);
        writes.set(`P:${cmd.input.payId}`, 'created');
        return ok({ value: payRead(stored) });
      }
      case 'update': {
        const cur = state.pays.get(cmd.id);
        const failed = adopt(`P:${cmd.id}`, payUpdateOutcome(cmd, cur));
        if (failed !== undefined) return failed;
        const after = next.pays.get(cmd.id)!;
        return ok({ value: cmd.returning === 'ALL_NEW' ? payRead(after) : cmd.returning === 'ALL_OLD' ? payRead(cur!) : undefined });
      }
      case 'delete': {
        const cur = state.pays.get(cmd.id);
        return adopt(`P:${cmd.id}`, payDeleteOutcome(cmd.version, cmd.where, cur)) ?? ok({ value: cur && payRead(cur) });
      }
      case 'raw':
        next.pays.set(cmd.id, rawStored(cmd));
        writes.set(`P:${cmd.id}`, 'raw');
        return ok();
      case 'migrate': {
        let migrated = 0;
        let skipped = 0;
        for (const [id, s] of state.pays) {
          if (s.sv >= CURRENT_SV) continue;
          // A versioned item stored without a version counts as new to a put: skipped (docs/modeling.md).
          if (s.rev === undefined) {
            skipped += 1;
            continue;
          }
          migrated += 1;
          next.pays.set(id, currentShape(s));
        }
        return ok(undefined, { migrate: { migrated, skipped } });
      }
      case 'batch':
        return this.batch(cmd.writes, next, writes) ?? ok();
      case 'txn':
        return this.transaction(cmd.actions, next, writes) ?? ok();
      case 'badgePut': {
        const refusals = badgeRefusals(cmd.org, cmd.name);
        if (refusals.size > 0) return { kind: 'fail', errors: refusals };
        const key = badgeKey(cmd.org, cmd.name);
        if (cmd.create && state.badges.has(key)) return fail('ConditionFailedError');
        next.badges.set(key, badgeItem(cmd.org, cmd.name, cmd.color));
        return ok({ value: next.badges.get(key) });
      }
      case 'badgeUpdate': {
        const refusals = refRefusals(cmd.ref);
        // A source of a primary-key composite cannot change: that would move the item.
        if (cmd.rename !== undefined) refusals.add('DerivedAttributeError');
        if (refusals.size > 0) return { kind: 'fail', errors: refusals };
        const key = badgeKey(cmd.ref.org, cmd.ref.name);
        const cur = state.badges.get(key);
        if (cur === undefined) return fail('ConditionFailedError');
        const { color: _old, ...rest } = cur;
        next.badges.set(key, { ...rest, ...(cmd.color !== undefined ? { color: cmd.color } : {}) });
        return ok();
      }
      case 'badgeDelete': {
        const refusals = refRefusals(cmd.ref);
        if (refusals.size > 0) return { kind: 'fail', errors: refusals };
        next.badges.delete(badgeKey(cmd.ref.org, cmd.ref.name));
        return ok();
      }
      case 'legacyPut': {
        const legacyKey = legacyKeyOf(cmd);
        next.legacies.set(legacyKey, { region: cmd.region, code: cmd.code, legacyKey, ...(cmd.note !== undefined ? { note: cmd.note } : {}) });
        return ok({ value: next.legacies.get(legacyKey) });
      }
      case 'legacyUpdate': {
        // Changing a field the key is computed from would move the item: refused (docs/modeling.md).
        const refusals = new Set<Refusal>(cmd.ref.form === 'mismatch' || cmd.move ? ['DerivedAttributeError'] : []);
        if (refusals.size > 0) return { kind: 'fail', errors: refusals };
        const cur = state.legacies.get(legacyKeyOf(cmd.ref));
        if (cur === undefined) return fail('ConditionFailedError');
        const { note: _old, ...rest } = cur;
        next.legacies.set(cur.legacyKey, { ...rest, ...(cmd.note !== undefined ? { note: cmd.note } : {}) });
        return ok();
      }
      case 'legacyDelete':
        if (cmd.ref.form === 'mismatch') return fail('DerivedAttributeError');
        next.legacies.delete(legacyKeyOf(cmd.ref));
        return ok();
      case 'scan':
      case 'query':
      case 'read':
        return ok();
    }
  }

  private batch(ws: readonly BatchWrite[], next: VariantsState, writes: Map<string, WriteKind>): Expectation | undefined {
    // A versioned entity's put cannot be batched (no conditions in BatchWriteItem): refused whole.
    const refusals = new Set<Refusal>();
    for (const w of ws) {
      if (w.w === 'payPut') refusals.add('InvalidBatchError');
      if (w.w === 'badgePut' && badgeRefusals(w.org, w.name).size > 0) refusals.add('BatchValidationError');
    }
    if (refusals.size > 0) return { kind: 'fail', errors: refusals };
    // Two writes of one key in a batch: the last one wins (the key is the derived, lowercased name).
    for (const w of ws) {
      if (w.w === 'badgePut') next.badges.set(badgeKey(w.org, w.name), badgeItem(w.org, w.name, w.color));
      else if (w.w === 'badgeDelete') next.badges.delete(badgeKey(w.ref.org, w.ref.name));
      else if (w.w === 'payDelete') {
        if (next.pays.has(w.id)) writes.set(`P:${w.id}`, 'deleted');
        else writes.delete(`P:${w.id}`);
        next.pays.delete(w.id);
      }
    }
    return undefined;
  }

  private transaction(actions: readonly TxnAction[], next: VariantsState, writes: Map<string, WriteKind>): Expectation | undefined {
    const state = this.state;
    const refusals = new Set<Refusal>();
    const keys = actions.map(itemOf);
    if (new Set(keys).size < keys.length) refusals.add('InvalidTransactionError');
    for (const a of actions) {
      if (a.a === 'put') for (const e of parsePay(a.input, 1).refusals) refusals.add(e);
      if (a.a === 'update') for (const e of updateRefusals(a.cmd).refusals) refusals.add(e);
      if (a.a === 'badgePut') for (const e of badgeRefusals(a.org, a.name)) refusals.add(e);
      if (a.a === 'badgeDelete') for (const e of refRefusals(a.ref)) refusals.add(e);
    }
    if (refusals.size > 0) return { kind: 'fail', errors: refusals };
    const reasons: TxnReason[] = [];
    for (const a of actions) {
      let o: Outcome | undefined;
      let sent: number | undefined;
      const cur = a.a === 'put' ? state.pays.get(a.input.payId) : a.a === 'update' ? state.pays.get(a.cmd.id) : a.a === 'delete' || a.a === 'check' ? state.pays.get(a.id) : undefined;
      if (a.a === 'put') {
        o = payPutOutcome(a.input, a.version, undefined, cur);
        sent = versionSent(a.version, cur);
      } else if (a.a === 'update') {
        o = payUpdateOutcome(a.cmd, cur);
        sent = versionSent(a.cmd.version, cur, true);
      } else if (a.a === 'delete') {
        o = payDeleteOutcome(a.version, undefined, cur);
        sent = versionSent(a.version, cur);
      } else if (a.a === 'check') o = holds(a.cond, cur) ? { kind: 'ok', stored: cur } : { kind: 'fail', errors: new Set(['ConditionFailedError']) };
      else if (a.a === 'badgePut') next.badges.set(badgeKey(a.org, a.name), badgeItem(a.org, a.name, a.color));
      else next.badges.delete(badgeKey(a.ref.org, a.ref.name));
      if (o?.kind === 'fail') {
        // A versioned write always asks for the stored item (docs/locking-and-ttl.md).
        reasons.push({ code: 'ConditionalCheckFailed', ...(sent !== undefined ? { item: { value: cur && payRead(cur) } } : {}) });
        continue;
      }
      reasons.push({ code: 'None' });
      if (o === undefined || a.a === 'check') continue;
      const id = itemOf(a).slice(2);
      if (o.stored === undefined) next.pays.delete(id);
      else next.pays.set(id, o.stored);
      if (o.write !== undefined) writes.set(`P:${id}`, o.write);
    }
    return reasons.some((r) => r.code !== 'None') ? { kind: 'fail', errors: new Set(['TransactionCanceledError']), reasons } : undefined;
  }
}

export function rawStored(cmd: RawV1): PayStored {
  return { payId: cmd.id, orderId: cmd.orderId, who: cmd.who, holderLower: lower(cmd.who), amount: cmd.amount, last4: cmd.last4, expires: RAW_EXPIRES, ...(cmd.rev !== undefined ? { rev: cmd.rev } : {}), sv: 1 };
}

/** A version 1 item as `migrateStored` puts it back: as its read migrated it, the derived value computed again, one locking version up. */
function currentShape(s: PayStored): PayStored {
  const read = payRead(s);
  const { expires, tags, rev, holder, ...rest } = read as Record<string, unknown> & { holder: string; rev: number };
  return {
    ...(rest as unknown as Omit<PayStored, 'sv'>),
    holder,
    holderLower: lower(holder),
    ...(expires instanceof Date ? { expires: expires.toISOString() } : {}),
    ...(tags instanceof Set ? { tags: [...(tags as Set<string>)].sort() } : {}),
    rev: rev + 1,
    sv: CURRENT_SV,
  };
}
