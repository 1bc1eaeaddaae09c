/**
 * The reference model of the model-based test: what each command must leave in the table, written
 * from docs/updates.md, docs/modeling.md, docs/errors.md, docs/batch.md, docs/transactions.md and
 * docs/locking-and-ttl.md and from the schema in profile-entities.ts, not from dynakit's source.
 */
import type { Cond, IndexCond, ItemInput, ProfileInput, ShapeInput } from './profile-commands.js';
import { FLAGS_MAX, ITEMS_MIN, TAGS_MAX, ITEMS_MAX, LABEL_MAX, LEVEL_MAX, LEVEL_MIN, NICK_MAX, RANK_MAX, RANK_MIN, SCORE_MAX, SCORE_MIN, TIER_MAX } from './profile-entities.js';

/** A Profile as a read returns it, without the timestamps. */
export interface ProfileItem {
  id: string;
  org: string;
  tier?: string;
  rank: number;
  nick?: string;
  note: string;
  score?: number;
  prefs?: { theme?: string; lang: string; flags: Set<string> };
  items?: ItemInput[];
  tags: Set<string>;
  counts?: Record<string, number>;
  shape?: ShapeInput;
}
export interface BadgeItem { ownerId: string; badgeId: string; label: string; level: number; version: number }

export type ErrorName =
  | 'ValidationError'
  | 'KeyError'
  | 'ExpressionError'
  | 'ConditionFailedError'
  | 'VersionConflictError'
  | 'TransactionCanceledError'
  | 'InvalidTransactionError'
  | 'BatchValidationError';

export class ModelState {
  readonly profiles = new Map<string, ProfileItem>();
  readonly badges = new Map<string, BadgeItem>();
  clone(): ModelState {
    const next = new ModelState();
    for (const [k, v] of this.profiles) next.profiles.set(k, structuredClone(v));
    for (const [k, v] of this.badges) next.badges.set(k, structuredClone(v));
    return next;
  }
}

export const badgeKey = (owner: string, badge: string): string => `${owner}/${badge}`;

/** Problems found before sending: a refusal of one of these classes (any of them, when several apply). */
export type Refusals = Set<ErrorName>;

const int = (n: number, lo: number, hi: number): boolean => Number.isInteger(n) && n >= lo && n <= hi;

export function tierProblems(tier: string | undefined, out: Refusals): void {
  if (tier === undefined) return;
  if (tier.length > TIER_MAX) out.add('ValidationError');
  if (tier.includes('#')) out.add('KeyError');
}

export function shapeValid(shape: ShapeInput): boolean {
  return shape.kind === 'circle' ? shape.r > 0 : true;
}

export function countsValid(counts: Record<string, number>): boolean {
  return !Object.keys(counts).includes('');
}

/** The refusals of a put's item, and the item a read returns after it (defaults filled in). */
export function parseProfile(input: ProfileInput): { refusals: Refusals; item: ProfileItem } {
  const refusals: Refusals = new Set();
  tierProblems(input.tier, refusals);
  if (input.org.includes('#') || input.id.includes('#')) refusals.add('KeyError');
  if (input.nick !== undefined && input.nick.length > NICK_MAX) refusals.add('ValidationError');
  if (input.score !== undefined && !int(input.score, SCORE_MIN, SCORE_MAX)) refusals.add('ValidationError');
  if (input.rank !== undefined && !int(input.rank, RANK_MIN, RANK_MAX)) refusals.add('ValidationError');
  if (input.items !== undefined && (input.items.length < ITEMS_MIN || input.items.length > ITEMS_MAX)) refusals.add('ValidationError');
  if ((input.tags?.length ?? 0) > TAGS_MAX || (input.prefs?.flags?.length ?? 0) > FLAGS_MAX) refusals.add('ValidationError');
  if (input.counts !== undefined && !countsValid(input.counts)) refusals.add('ValidationError');
  if (input.shape !== undefined && !shapeValid(input.shape)) refusals.add('ValidationError');
  const item: ProfileItem = { id: input.id, org: input.org, rank: input.rank ?? 0, note: input.note ?? 'none', tags: new Set(input.tags ?? []) };
  if (input.tier !== undefined) item.tier = input.tier;
  if (input.nick !== undefined) item.nick = input.nick;
  if (input.score !== undefined) item.score = input.score;
  if (input.prefs !== undefined) item.prefs = parsePrefs(input.prefs);
  if (input.items !== undefined) item.items = structuredClone(input.items);
  if (input.counts !== undefined) item.counts = { ...input.counts };
  if (input.shape !== undefined) item.shape = { ...input.shape };
  return { refusals, item };
}

export function parsePrefs(p: { theme?: string; lang?: string; flags?: string[] }): NonNullable<ProfileItem['prefs']> {
  const prefs: NonNullable<ProfileItem['prefs']> = { lang: p.lang ?? 'en', flags: new Set(p.flags ?? []) };
  if (p.theme !== undefined) prefs.theme = p.theme;
  return prefs;
}

export function badgeRefusals(label: string | undefined, level: number | undefined): Refusals {
  const out: Refusals = new Set();
  if (label !== undefined && label.length > LABEL_MAX) out.add('ValidationError');
  if (level !== undefined && !int(level, LEVEL_MIN, LEVEL_MAX)) out.add('ValidationError');
  return out;
}

/** A `where()` condition on the stored item (`undefined`: no item; only `attribute_not_exists` holds). */
export function holds(cond: Cond | undefined, item: ProfileItem | undefined): boolean {
  if (cond === undefined) return true;
  switch (cond.op) {
    case 'scoreGt':
      return item?.score !== undefined && item.score > cond.n;
    case 'nickMissing':
      return item?.nick === undefined;
    case 'tagsContain':
      return item?.tags.has(cond.v) ?? false;
    case 'langEq':
      return item?.prefs?.lang === cond.v;
    case 'rankBetween':
      return item !== undefined && item.rank >= cond.lo && item.rank <= cond.hi;
    case 'countsHas':
      return item?.counts?.[cond.k] !== undefined;
    case 'shapeRGte':
      return item?.shape?.kind === 'circle' && item.shape.r >= cond.n;
    case 'flagsContain':
      return item?.prefs?.flags.has(cond.v) ?? false;
    case 'itemsSizeLte':
      return item?.items !== undefined && item.items.length <= cond.n;
  }
}

/** Whether a gsi1 query's sort-key condition selects `item` (which is in the index: it has a tier). */
export function indexSelects(c: IndexCond, item: ProfileItem & { tier: string }): boolean {
  const t = item.tier;
  const cmp = (a: string | number, op: 'eq' | 'gt' | 'gte' | 'lt' | 'lte', b: string | number): boolean =>
    op === 'eq' ? a === b : op === 'gt' ? a > b : op === 'gte' ? a >= b : op === 'lt' ? a < b : a <= b;
  switch (c.op) {
    case 'all':
      return true;
    case 'tierEq':
      return t === c.v;
    case 'tierBegins':
      return t.startsWith(c.v);
    case 'tierRange':
      return cmp(t, c.rop, c.v);
    case 'tierBetween':
      return t >= c.lo && t <= c.hi;
    case 'tierEqRank':
      return t === c.v && cmp(item.rank, c.rop, c.n);
    case 'tierEqRankBetween':
      return t === c.v && item.rank >= c.lo && item.rank <= c.hi;
  }
}
