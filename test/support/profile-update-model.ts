/**
 * The reference model of `Profile.update(...)` (and `.upsert()`): the refusals before sending, the
 * conditions dynakit adds (existence, number and length bounds, the union tag), DynamoDB's refusals
 * when applying, and the item after the update. From docs/updates.md; see the test file's header
 * for what the docs leave open and how the model treats it.
 */
import type { Action, ItemInput, PrefsInput, ShapeInput, UpdateCmd } from './profile-commands.js';
import { FLAGS_MAX, ITEMS_MIN, TAGS_MAX, ITEMS_MAX, NICK_MAX, RANK_MAX, RANK_MIN, SCORE_MAX, SCORE_MIN } from './profile-entities.js';
import { countsValid, holds, parsePrefs, shapeValid, tierProblems, type ErrorName, type ProfileItem, type Refusals } from './profile-reference-model.js';

export type UpdateOutcome =
  | { kind: 'refused'; errors: Refusals }
  | { kind: 'failed'; errors: Set<ErrorName> }
  /** `alsoAccepted`: errors the docs leave open here (none so far); the item must then be unchanged. */
  | { kind: 'applied'; next: ProfileItem; created: boolean; alsoAccepted: Set<ErrorName> };

type Segment = string | number;

export function segments(path: string): Segment[] {
  const out: Segment[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (m === null) throw new Error(`bad path ${path}`);
    out.push(m[1]!);
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

function overlaps(a: Segment[], b: Segment[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

const inRange = (n: number, lo: number, hi: number): boolean => Number.isInteger(n) && n >= lo && n <= hi;

/** The refusals before sending. */
export function updateRefusals(cmd: UpdateCmd): Refusals {
  const out: Refusals = new Set();
  const paths = cmd.actions.map((a) => segments(a.path));
  for (let i = 0; i < paths.length; i++) for (let j = i + 1; j < paths.length; j++) if (overlaps(paths[i]!, paths[j]!)) out.add('ExpressionError');
  for (const a of cmd.actions) valueRefusals(a, out);
  // Fields of different union options in one update: no stored item holds both (docs/updates.md).
  const options = new Set(cmd.actions.map((a) => (a.path === 'shape.r' ? 'circle' : a.path === 'shape.side' ? 'square' : a.path === 'shape.kind' ? String((a as { value: unknown }).value) : undefined)).filter((k) => k !== undefined));
  if (options.size > 1) out.add('ExpressionError');
  const onTier = cmd.actions.find((a) => a.path === 'tier');
  const onRank = cmd.actions.find((a) => a.path === 'rank');
  if (onTier?.kind === 'setIfNotExists' || onRank?.kind === 'add') out.add('KeyError');
  if (cmd.upsert && !cmd.actions.some((a) => a.path === 'org' && a.kind === 'set')) out.add('ValidationError');
  const tierGiven = onTier?.kind === 'set' && onTier.value !== undefined;
  const rankGiven = onRank !== undefined && (onRank.kind === 'set' || onRank.kind === 'remove');
  // gsi1sk is T#{tier}#{rank}: changing one needs the other from the update (removing tier removes
  // the key). The docs leave the upsert open ("every index key it can build from the key, the
  // values set and those defaults"); dynakit refuses it as an update does, which keeps the key true.
  if (tierGiven && !rankGiven) out.add('KeyError');
  if (rankGiven && onTier === undefined) out.add('KeyError');
  return out;
}

function valueRefusals(a: Action, out: Refusals): void {
  const v = 'value' in a ? a.value : undefined;
  // An empty record key has no dotted-path form: a path is expression input (docs/errors.md).
  if (a.path === 'counts.') out.add('ExpressionError');
  // Required attributes (at any depth) cannot be removed.
  if (a.kind === 'remove' && (a.path === 'org' || a.path === 'shape.r' || /^items\[\d+\]\.sku$/.test(a.path))) out.add('ValidationError');
  if (a.kind !== 'set' && a.kind !== 'setIfNotExists') return;
  switch (a.path) {
    case 'nick':
    case 'prefs.theme':
      if (a.path === 'nick' && typeof v === 'string' && v.length > NICK_MAX) out.add('ValidationError');
      break;
    case 'score':
      if (typeof v === 'number' && !inRange(v, SCORE_MIN, SCORE_MAX)) out.add('ValidationError');
      break;
    case 'rank':
      if (typeof v === 'number' && !inRange(v, RANK_MIN, RANK_MAX)) out.add('ValidationError');
      break;
    case 'tier':
      tierProblems(v as string | undefined, out);
      break;
    case 'items':
      if (Array.isArray(v) && (v.length < ITEMS_MIN || v.length > ITEMS_MAX)) out.add('ValidationError');
      break;
    case 'tags':
    case 'prefs.flags':
      if (Array.isArray(v) && v.length > (a.path === 'tags' ? TAGS_MAX : FLAGS_MAX)) out.add('ValidationError');
      break;
    case 'prefs':
      if (((v as PrefsInput | undefined)?.flags?.length ?? 0) > FLAGS_MAX) out.add('ValidationError');
      break;
    case 'counts':
      if (v !== undefined && !countsValid(v as Record<string, number>)) out.add('ValidationError');
      break;
    case 'shape':
      if (v !== undefined && !shapeValid(v as ShapeInput)) out.add('ValidationError');
      break;
    case 'shape.r':
      if (typeof v === 'number' && v <= 0) out.add('ValidationError');
      break;
  }
}

/** What the update does to `cur` (undefined: no item), once it passed the checks before sending. */
export function applyUpdate(cmd: UpdateCmd, cur: ProfileItem | undefined): Exclude<UpdateOutcome, { kind: 'refused' }> {
  const conditionFails = !conditionHolds(cmd, cur);
  const applyErrors = new Set<ErrorName>();
  const alsoAccepted = new Set<ErrorName>();
  const created = cur === undefined;
  const next: ProfileItem = cur === undefined ? { id: cmd.id, org: '', rank: 0, note: 'none', tags: new Set() } : structuredClone(cur);
  for (const a of cmd.actions) {
    if (applyAction(a, next, cur) === 'refused') applyErrors.add('ExpressionError');
  }
  if (conditionFails) return { kind: 'failed', errors: new Set<ErrorName>(['ConditionFailedError', ...applyErrors, ...alsoAccepted]) };
  if (applyErrors.size > 0) return { kind: 'failed', errors: new Set([...applyErrors, ...alsoAccepted]) };
  return { kind: 'applied', next, created, alsoAccepted };
}

function conditionHolds(cmd: UpdateCmd, cur: ProfileItem | undefined): boolean {
  if (cur === undefined && !cmd.upsert) return false;
  if (!holds(cmd.where, cur)) return false;
  for (const a of cmd.actions) {
    if (a.kind === 'add' && a.path === 'score') {
      const result = (cur?.score ?? 0) + (a.value as number);
      if (result < SCORE_MIN || result > SCORE_MAX) return false;
    }
    if ((a.kind === 'append' || a.kind === 'prepend') && cur?.items !== undefined && cur.items.length + a.value.length > ITEMS_MAX) return false;
    // Length bounds: a set stored absent (empty, its default) takes up to max elements.
    if (a.kind === 'add' && (a.path === 'tags' || a.path === 'prefs.flags')) {
      const stored = a.path === 'tags' ? cur?.tags : cur?.prefs?.flags;
      const max = a.path === 'tags' ? TAGS_MAX : FLAGS_MAX;
      if (stored !== undefined && stored.size > 0 && stored.size + (a.value as string[]).length > max) return false;
    }
    // REMOVE of an index past the end removes nothing, so only an element the list holds counts.
    const removeIndex = /^items\[(\d+)\]$/.exec(a.path);
    if (a.kind === 'remove' && removeIndex !== null && cur?.items !== undefined && Number(removeIndex[1]) < cur.items.length && cur.items.length < ITEMS_MIN + 1) return false;
    const setIndex = /^items\[(\d+)\]$/.exec(a.path);
    if (a.kind === 'set' && setIndex !== null) {
      const len = cur?.items?.length;
      if (len === undefined || !(len > Number(setIndex[1]) || len <= ITEMS_MAX - 1)) return false;
    }
    // The union guard: the option that has the field (or whose tag is the value set).
    if ((a.path === 'shape.r') && cur?.shape?.kind !== 'circle') return false;
    if (a.path === 'shape.side' && cur?.shape?.kind !== 'square') return false;
    if (a.path === 'shape.kind' && cur?.shape?.kind !== (a as { value: string }).value) return false;
    if (a.kind === 'add' && a.path === 'shape.r' && cur?.shape?.kind === 'circle' && cur.shape.r + (a.value as number) < 1) return false;
  }
  return true;
}

/** Applies one action to `next`; 'refused' when DynamoDB refuses it (a nested path without its parent). */
function applyAction(a: Action, next: ProfileItem, cur: ProfileItem | undefined): 'refused' | undefined {
  const seg = segments(a.path);
  const top = seg[0] as string;
  if (seg.length === 1) {
    applyTop(a, next, cur);
    return undefined;
  }
  // Nested: the parent must exist in the stored item.
  if (top === 'prefs') {
    const prefs = next.prefs;
    if (prefs === undefined) return 'refused';
    const key = seg[1] as 'theme' | 'lang' | 'flags';
    if (key === 'theme') {
      if (a.kind === 'remove' || (a.kind === 'set' && a.value === undefined)) delete prefs.theme;
      else if (a.kind === 'set') prefs.theme = a.value as string;
      else if (a.kind === 'setIfNotExists' && prefs.theme === undefined) prefs.theme = a.value as string;
    } else if (key === 'lang') {
      prefs.lang = a.kind === 'set' && a.value !== undefined ? (a.value as string) : 'en';
    } else if (a.kind === 'set') {
      prefs.flags = new Set((a.value as string[] | undefined) ?? []);
    } else if (a.kind === 'add') {
      for (const t of a.value as string[]) prefs.flags.add(t);
    } else if (a.kind === 'delete') {
      for (const t of a.value) prefs.flags.delete(t);
    } else if (a.kind === 'remove') {
      prefs.flags = new Set();
    }
    return undefined;
  }
  if (top === 'counts') {
    const counts = next.counts;
    if (counts === undefined) return 'refused';
    const key = seg[1] as string;
    if (a.kind === 'set') counts[key] = a.value as number;
    else if (a.kind === 'setIfNotExists') counts[key] ??= a.value as number;
    else if (a.kind === 'add') counts[key] = (counts[key] ?? 0) + (a.value as number);
    else if (a.kind === 'remove') delete counts[key];
    return undefined;
  }
  if (top === 'shape') {
    const shape = next.shape;
    if (shape === undefined) return 'refused';
    const v = (a as { value: number }).value;
    if (seg[1] === 'r' && shape.kind === 'circle') shape.r = a.kind === 'add' ? shape.r + v : v;
    if (seg[1] === 'side' && shape.kind === 'square') shape.side = v;
    return undefined;
  }
  // items[i] and items[i].qty
  const items = next.items;
  const i = seg[1] as number;
  if (items === undefined) return 'refused';
  if (seg.length === 2) {
    if (a.kind === 'set') {
      if (i < items.length) items[i] = structuredClone(a.value as ItemInput);
      else items.push(structuredClone(a.value as ItemInput));
    } else if (a.kind === 'remove' && i < items.length) {
      items.splice(i, 1);
    }
    return undefined;
  }
  const element = items[i];
  if (element === undefined) return 'refused';
  const value = a.kind === 'set' ? a.value : undefined;
  if (seg[2] === 'sku') {
    if (a.kind === 'set') element.sku = value as string;
  } else if (value !== undefined) element.qty = value as number;
  else delete element.qty;
  return undefined;
}

function applyTop(a: Action, next: ProfileItem, cur: ProfileItem | undefined): void {
  const p = a.path as keyof ProfileItem;
  const v = 'value' in a ? a.value : undefined;
  const record = next as unknown as Record<string, unknown>;
  const defaults: Record<string, () => unknown> = { rank: () => 0, note: () => 'none', tags: () => new Set<string>() };
  switch (a.kind) {
    case 'set':
    case 'remove':
      if (v === undefined) {
        if (defaults[p] !== undefined) record[p] = defaults[p]();
        else delete record[p];
      } else if (p === 'tags') record[p] = new Set(v as string[]);
      else if (p === 'prefs') record[p] = parsePrefs(v as PrefsInput);
      else record[p] = structuredClone(v);
      return;
    case 'setIfNotExists':
      if ((cur as Record<string, unknown> | undefined)?.[p] === undefined) record[p] = v;
      return;
    case 'add':
      if (p === 'tags') for (const t of v as string[]) next.tags.add(t);
      else record[p] = ((record[p] as number | undefined) ?? 0) + (v as number);
      return;
    case 'delete':
      for (const t of v as string[]) next.tags.delete(t);
      return;
    case 'append':
      next.items = [...(next.items ?? []), ...structuredClone(a.value)];
      return;
    case 'prepend':
      next.items = [...structuredClone(a.value), ...(next.items ?? [])];
      return;
  }
}
