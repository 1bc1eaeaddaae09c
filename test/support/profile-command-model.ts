/**
 * What each command of the model-based test must do to the model state: fail (with one of a set of
 * typed errors, changing nothing), or succeed with the next state, the items it wrote and what it
 * resolves to. Pure: no dynakit, no server.
 */
import type { BadgeUpdateCmd, Command, Cond, ProfileInput, TxnAction, UpdateCmd, VersionChoice } from './profile-commands.js';
import { LEVEL_MAX, LEVEL_MIN } from './profile-entities.js';
import { ModelState, badgeKey, badgeRefusals, holds, parseProfile, type BadgeItem, type ErrorName, type ProfileItem } from './profile-reference-model.js';
import { applyUpdate, updateRefusals } from './profile-update-model.js';

export type WriteKind = 'created' | 'updated' | 'deleted';

export type Expectation =
  | { kind: 'fail'; errors: Set<ErrorName> }
  | {
      kind: 'ok';
      next: ModelState;
      /** `P:<id>` / `B:<owner>/<badge>` of every item written. */
      writes: Map<string, WriteKind>;
      /** What the awaited call resolves to (`undefined` when it resolves to nothing to compare). */
      returned?: { value: ProfileItem | undefined };
      alsoAccepted: Set<ErrorName>;
    };

const fail = (...errors: ErrorName[]): Expectation => ({ kind: 'fail', errors: new Set(errors) });

/** The version a versioned write sends (`undefined`: none). */
export function versionSent(choice: VersionChoice, stored: BadgeItem | undefined): number | undefined {
  if (choice === 'none') return undefined;
  if (choice === 'current') return stored?.version;
  return (stored?.version ?? 1) + 1;
}

export function expectCommand(cmd: Command, state: ModelState): Expectation {
  const next = state.clone();
  const writes = new Map<string, WriteKind>();
  const ok = (returned?: { value: ProfileItem | undefined }, alsoAccepted = new Set<ErrorName>()): Expectation => ({ kind: 'ok', next, writes, returned, alsoAccepted });
  switch (cmd.t) {
    case 'put':
    case 'create': {
      const { refusals, item } = parseProfile(cmd.input);
      if (refusals.size > 0) return { kind: 'fail', errors: refusals };
      const cur = state.profiles.get(cmd.input.id);
      if (cmd.t === 'create' ? cur !== undefined : !holds(cmd.where, cur)) return fail('ConditionFailedError');
      next.profiles.set(item.id, item);
      writes.set(`P:${item.id}`, 'created');
      // A put resolves to the item it stored, or with returning('ALL_OLD') to the one it replaced.
      return ok({ value: cmd.t === 'put' && cmd.returning === 'ALL_OLD' ? cur : item });
    }
    case 'update': {
      const outcome = expectUpdate(cmd, state, next, writes);
      if (outcome.kind === 'fail') return outcome;
      const cur = state.profiles.get(cmd.id);
      const returned = cmd.returning === 'ALL_NEW' ? next.profiles.get(cmd.id) : cmd.returning === 'ALL_OLD' ? cur : undefined;
      return ok({ value: returned }, outcome.alsoAccepted);
    }
    case 'delete': {
      const cur = state.profiles.get(cmd.id);
      if (!holds(cmd.where, cur)) return fail('ConditionFailedError');
      next.profiles.delete(cmd.id);
      if (cur !== undefined) writes.set(`P:${cmd.id}`, 'deleted');
      return ok({ value: cur });
    }
    case 'batch': {
      for (const w of cmd.writes) if (w.w === 'put' && parseProfile(w.input).refusals.size > 0) return fail('BatchValidationError');
      for (const w of cmd.writes) {
        if (w.w === 'put') {
          next.profiles.set(w.input.id, parseProfile(w.input).item);
          writes.set(`P:${w.input.id}`, 'created');
        } else if (w.w === 'delete') {
          next.profiles.delete(w.id);
          writes.set(`P:${w.id}`, 'deleted');
        } else {
          next.badges.delete(badgeKey(w.owner, w.badge));
          writes.set(`B:${badgeKey(w.owner, w.badge)}`, 'deleted');
        }
      }
      return ok();
    }
    case 'txn':
      return expectTransaction(cmd.actions, state, next, writes);
    case 'badgeCreate': {
      const refusals = badgeRefusals(cmd.label, cmd.level);
      if (refusals.size > 0) return { kind: 'fail', errors: refusals };
      const key = badgeKey(cmd.owner, cmd.badge);
      if (state.badges.has(key)) return fail('ConditionFailedError');
      next.badges.set(key, { ownerId: cmd.owner, badgeId: cmd.badge, label: cmd.label, level: cmd.level, version: 1 });
      writes.set(`B:${key}`, 'created');
      return ok();
    }
    case 'badgePut': {
      const refusals = badgeRefusals(cmd.label, cmd.level);
      if (refusals.size > 0) return { kind: 'fail', errors: refusals };
      const key = badgeKey(cmd.owner, cmd.badge);
      const stored = state.badges.get(key);
      const sent = versionSent(cmd.version, stored);
      // An expected version on a missing item is a conflict too (docs/locking-and-ttl.md).
      if (sent === undefined ? stored !== undefined : stored?.version !== sent) return fail('VersionConflictError');
      next.badges.set(key, { ownerId: cmd.owner, badgeId: cmd.badge, label: cmd.label, level: cmd.level, version: (sent ?? 0) + 1 });
      writes.set(`B:${key}`, sent === undefined ? 'created' : 'updated');
      return ok();
    }
    case 'badgeUpdate': {
      const result = expectBadgeUpdate(cmd, state, next, writes);
      return result ?? ok();
    }
    case 'query':
    case 'scan':
    case 'read':
      return ok();
    case 'badgeDelete': {
      const key = badgeKey(cmd.owner, cmd.badge);
      const stored = state.badges.get(key);
      const sent = versionSent(cmd.version, stored);
      if (sent !== undefined && stored?.version !== sent) return fail('VersionConflictError');
      next.badges.delete(key);
      if (stored !== undefined) writes.set(`B:${key}`, 'deleted');
      return ok();
    }
  }
}

function expectUpdate(cmd: UpdateCmd, state: ModelState, next: ModelState, writes: Map<string, WriteKind>): { kind: 'fail'; errors: Set<ErrorName> } | { kind: 'ok'; alsoAccepted: Set<ErrorName> } {
  const refusals = updateRefusals(cmd);
  if (refusals.size > 0) return { kind: 'fail', errors: refusals };
  const outcome = applyUpdate(cmd, state.profiles.get(cmd.id));
  if (outcome.kind !== 'applied') return { kind: 'fail', errors: outcome.errors };
  next.profiles.set(cmd.id, outcome.next);
  writes.set(`P:${cmd.id}`, outcome.created ? 'created' : 'updated');
  return { kind: 'ok', alsoAccepted: outcome.alsoAccepted };
}

/** undefined: applied to `next`; otherwise the failure. */
function expectBadgeUpdate(cmd: BadgeUpdateCmd, state: ModelState, next: ModelState, writes: Map<string, WriteKind>): Expectation | undefined {
  const refusals = badgeUpdateRefusals(cmd);
  if (refusals.size > 0) return { kind: 'fail', errors: refusals };
  const key = badgeKey(cmd.owner, cmd.badge);
  const stored = state.badges.get(key);
  const sent = badgeUpdateVersion(cmd, stored);
  if (stored === undefined) {
    if (sent !== undefined) return fail('VersionConflictError'); // upsert() too: an expected version means the item must exist
    if (!cmd.upsert) return fail('ConditionFailedError');
    const level = cmd.addLevel!; // ADD counts a missing number as 0
    if (level < LEVEL_MIN || level > LEVEL_MAX) return fail('ConditionFailedError');
    next.badges.set(key, { ownerId: cmd.owner, badgeId: cmd.badge, label: cmd.label!, level, version: 1 });
    writes.set(`B:${key}`, 'created');
    return undefined;
  }
  if (sent !== undefined && stored.version !== sent) return fail('VersionConflictError');
  const level = stored.level + (cmd.addLevel ?? 0);
  if (level < LEVEL_MIN || level > LEVEL_MAX) return fail('ConditionFailedError');
  next.badges.set(key, { ...stored, label: cmd.label ?? stored.label, level, version: stored.version + 1 });
  writes.set(`B:${key}`, 'updated');
  return undefined;
}

function badgeUpdateRefusals(cmd: BadgeUpdateCmd): Set<ErrorName> {
  const refusals = badgeRefusals(cmd.label, undefined);
  // An upsert must carry every required attribute (label by set, level by add), whatever is stored.
  if (cmd.upsert && (cmd.label === undefined || cmd.addLevel === undefined)) refusals.add('ValidationError');
  return refusals;
}

/** The version a badge update sends: an update of a missing badge with 'current' sends 1, an upsert none. */
export function badgeUpdateVersion(cmd: BadgeUpdateCmd, stored: BadgeItem | undefined): number | undefined {
  return versionSent(cmd.version, stored) ?? (cmd.version === 'current' && !cmd.upsert ? 1 : undefined);
}

function itemOf(a: TxnAction): string {
  switch (a.a) {
    case 'update':
      return `P:${a.cmd.id}`;
    case 'put':
      return `P:${a.input.id}`;
    case 'delete':
    case 'check':
      return `P:${a.id}`;
    case 'badgeUpdate':
      return `B:${badgeKey(a.cmd.owner, a.cmd.badge)}`;
  }
}

function expectTransaction(actions: TxnAction[], state: ModelState, next: ModelState, writes: Map<string, WriteKind>): Expectation {
  const refusals = new Set<ErrorName>();
  const keys = actions.map(itemOf);
  if (new Set(keys).size < keys.length) refusals.add('InvalidTransactionError');
  for (const a of actions) {
    if (a.a === 'update') for (const e of updateRefusals(a.cmd)) refusals.add(e);
    if (a.a === 'put') for (const e of parseProfile(a.input).refusals) refusals.add(e);
    if (a.a === 'badgeUpdate') for (const e of badgeUpdateRefusals(a.cmd)) refusals.add(e);
  }
  if (refusals.size > 0) return { kind: 'fail', errors: refusals };
  let cancelled = false;
  const applyErrors = new Set<ErrorName>();
  const alsoAccepted = new Set<ErrorName>();
  const condition = (c: Cond | undefined, input: ProfileInput | string): boolean => holds(c, state.profiles.get(typeof input === 'string' ? input : input.id));
  for (const a of actions) {
    if (a.a === 'update') {
      const scratch = state.clone();
      const r = expectUpdate(a.cmd, state, scratch, writes);
      if (r.kind === 'fail') {
        if (r.errors.has('ConditionFailedError')) cancelled = true;
        for (const e of r.errors) if (e !== 'ConditionFailedError') (r.errors.has('ConditionFailedError') ? alsoAccepted : applyErrors).add(e);
      } else {
        next.profiles.set(a.cmd.id, scratch.profiles.get(a.cmd.id)!);
        for (const e of r.alsoAccepted) alsoAccepted.add(e);
      }
    } else if (a.a === 'put') {
      if (!condition(a.where, a.input)) cancelled = true;
      next.profiles.set(a.input.id, parseProfile(a.input).item);
      writes.set(`P:${a.input.id}`, 'created');
    } else if (a.a === 'delete') {
      if (!condition(a.where, a.id)) cancelled = true;
      if (state.profiles.has(a.id)) writes.set(`P:${a.id}`, 'deleted');
      next.profiles.delete(a.id);
    } else if (a.a === 'check') {
      if (!condition(a.cond, a.id)) cancelled = true;
    } else {
      const scratch = state.clone();
      const r = expectBadgeUpdate(a.cmd, state, scratch, writes);
      if (r !== undefined) cancelled = true;
      else {
        const key = badgeKey(a.cmd.owner, a.cmd.badge);
        next.badges.set(key, scratch.badges.get(key)!);
      }
    }
  }
  if (cancelled) return { kind: 'fail', errors: new Set<ErrorName>(['TransactionCanceledError', ...applyErrors, ...alsoAccepted]) };
  if (applyErrors.size > 0) return { kind: 'fail', errors: applyErrors };
  return { kind: 'ok', next, writes, alsoAccepted };
}
