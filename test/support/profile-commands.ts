/**
 * The commands of the model-based test as plain data (so fast-check prints and shrinks them, and a
 * failing sequence can be pasted into a focused test), and their generators.
 */
import fc from 'fast-check';

export interface ItemInput { sku: string; qty?: number }
export type ShapeInput = { kind: 'circle'; r: number } | { kind: 'square'; side: number };
export interface PrefsInput { theme?: string; lang?: string; flags?: string[] }

/** A Profile as given to put/create (sets as arrays, turned into Sets when sent). */
export interface ProfileInput {
  id: string;
  org: string;
  tier?: string;
  rank?: number;
  nick?: string;
  note?: string;
  score?: number;
  prefs?: PrefsInput;
  items?: ItemInput[];
  tags?: string[];
  counts?: Record<string, number>;
  shape?: ShapeInput;
}

export type Cond =
  | { op: 'scoreGt'; n: number }
  | { op: 'nickMissing' }
  | { op: 'tagsContain'; v: string }
  | { op: 'langEq'; v: string }
  | { op: 'rankBetween'; lo: number; hi: number }
  | { op: 'countsHas'; k: string }
  | { op: 'shapeRGte'; n: number }
  | { op: 'flagsContain'; v: string }
  | { op: 'itemsSizeLte'; n: number };

/** A gsi1 query's condition on the sort-key composites (tier, then rank). */
export type IndexCond =
  | { op: 'all' }
  | { op: 'tierEq'; v: string }
  | { op: 'tierBegins'; v: string }
  | { op: 'tierRange'; rop: 'gt' | 'gte' | 'lt' | 'lte'; v: string }
  | { op: 'tierBetween'; lo: string; hi: string }
  | { op: 'tierEqRank'; v: string; rop: 'eq' | 'gt' | 'gte' | 'lt' | 'lte'; n: number }
  | { op: 'tierEqRankBetween'; v: string; lo: number; hi: number };

/** An update action; `value` of a set action may be undefined (remove, or reset to the default). */
export type Action =
  | { kind: 'set'; path: string; value: unknown }
  | { kind: 'setIfNotExists'; path: string; value: unknown }
  | { kind: 'add'; path: string; value: number | string[] }
  | { kind: 'remove'; path: string }
  | { kind: 'append' | 'prepend'; path: 'items'; value: ItemInput[] }
  | { kind: 'delete'; path: string; value: string[] };

export interface UpdateCmd { t: 'update'; id: string; actions: Action[]; where?: Cond; upsert: boolean; returning: 'NONE' | 'ALL_NEW' | 'ALL_OLD' }
export type BatchWrite = { w: 'put'; input: ProfileInput } | { w: 'delete'; id: string } | { w: 'deleteBadge'; owner: string; badge: string };
/** `version`: 'current' sends the stored version, 'stale' one less, 'none' no version. */
export type VersionChoice = 'current' | 'stale' | 'none';
export interface BadgeUpdateCmd { t: 'badgeUpdate'; owner: string; badge: string; label?: string; addLevel?: number; version: VersionChoice; upsert: boolean }
export type TxnAction =
  | { a: 'update'; cmd: UpdateCmd }
  | { a: 'put'; input: ProfileInput; where?: Cond }
  | { a: 'delete'; id: string; where?: Cond }
  | { a: 'check'; id: string; cond: Cond }
  | { a: 'badgeUpdate'; cmd: BadgeUpdateCmd };

export type Command =
  | { t: 'put'; input: ProfileInput; where?: Cond; returning: 'NONE' | 'ALL_OLD' }
  | { t: 'create'; input: ProfileInput }
  | UpdateCmd
  | { t: 'delete'; id: string; where?: Cond }
  | { t: 'batch'; writes: BatchWrite[] }
  | { t: 'txn'; actions: TxnAction[] }
  | { t: 'badgeCreate'; owner: string; badge: string; label: string; level: number }
  | { t: 'badgePut'; owner: string; badge: string; label: string; level: number; version: VersionChoice }
  | BadgeUpdateCmd
  | { t: 'badgeDelete'; owner: string; badge: string; version: VersionChoice }
  | { t: 'query'; org: string; cond: IndexCond; reverse: boolean }
  | { t: 'scan'; cond: Cond }
  | { t: 'read'; ids: string[]; badges: [string, string][] };

// ------------------------------------------------------------------------------------------------
// Generators. Mostly valid values, with a few that break one rule (too long, out of bounds, a key
// separator, an empty record key) so that refusals are exercised too.

export const IDS = ['a', 'b', 'c'] as const;
export const ORGS = ['o1', 'o2'] as const;
const id = fc.constantFrom(...IDS);
const org = fc.constantFrom(...ORGS);
const word = fc.constantFrom('x', 'y', 'zz', 'red', '');
const tag = fc.constantFrom('t1', 't2', 't3');
const tier = fc.oneof({ weight: 30, arbitrary: fc.constantFrom('gold', 'iron', 'a', 'ab', 'a b', 'a!', '') }, { weight: 1, arbitrary: fc.constantFrom('toolongtier', 'a#b') });
const nick = fc.oneof({ weight: 30, arbitrary: fc.constantFrom('bo', 'ada', '') }, { weight: 1, arbitrary: fc.constant('waytoolong') });
const score = fc.oneof({ weight: 30, arbitrary: fc.integer({ min: -5, max: 10 }) }, { weight: 1, arbitrary: fc.constantFrom(-7, 12) });
const rank = fc.oneof({ weight: 30, arbitrary: fc.constantFrom(0, 1, 5, 42, 100) }, { weight: 1, arbitrary: fc.constantFrom(-1, 101) });
const recordKey = fc.oneof({ weight: 30, arbitrary: fc.constantFrom('k1', 'k2') }, { weight: 1, arbitrary: fc.constant('') });
const item: fc.Arbitrary<ItemInput> = fc.record({ sku: fc.constantFrom('s1', 's2'), qty: fc.integer({ min: 0, max: 3 }) }, { requiredKeys: ['sku'] });
const shape: fc.Arbitrary<ShapeInput> = fc.oneof(
  fc.record({ kind: fc.constant('circle' as const), r: fc.oneof({ weight: 20, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 1, arbitrary: fc.constant(0) }) }),
  fc.record({ kind: fc.constant('square' as const), side: fc.integer({ min: -2, max: 3 }) }),
);
const prefs: fc.Arbitrary<PrefsInput> = fc.record({ theme: word, lang: fc.constantFrom('en', 'fr'), flags: fc.uniqueArray(tag, { maxLength: 3 }) }, { requiredKeys: [] });
const tagSet = fc.uniqueArray(tag, { minLength: 1, maxLength: 2 });
const counts = fc.dictionary(fc.oneof({ weight: 4, arbitrary: recordKey }, { weight: 1, arbitrary: fc.constantFrom('1', 'a b', 'k-1', 'é') }), fc.integer({ min: -3, max: 3 }), { maxKeys: 2 });

export const profileInput = (forId: fc.Arbitrary<string> = id): fc.Arbitrary<ProfileInput> =>
  fc.record(
    {
      id: forId,
      org,
      tier,
      rank,
      nick,
      note: word,
      score,
      prefs,
      items: fc.oneof({ weight: 20, arbitrary: fc.array(item, { minLength: 1, maxLength: 4 }) }, { weight: 1, arbitrary: fc.constantFrom<ItemInput[]>([], [{ sku: 's1' }, { sku: 's1' }, { sku: 's1' }, { sku: 's1' }, { sku: 's2' }]) }),
      tags: fc.oneof({ weight: 20, arbitrary: fc.uniqueArray(tag, { maxLength: 2 }) }, { weight: 1, arbitrary: fc.constant<string[]>(['t1', 't2', 't3']) }),
      counts,
      shape,
    },
    { requiredKeys: ['id', 'org'] },
  );

export const cond: fc.Arbitrary<Cond> = fc.oneof(
  fc.record({ op: fc.constant('scoreGt' as const), n: fc.integer({ min: -6, max: 6 }) }),
  fc.constant({ op: 'nickMissing' as const }),
  fc.record({ op: fc.constant('tagsContain' as const), v: tag }),
  fc.record({ op: fc.constant('langEq' as const), v: fc.constantFrom('en', 'fr') }),
  fc.record({ op: fc.constant('rankBetween' as const), lo: fc.constantFrom(0, 2), hi: fc.constantFrom(2, 50) }),
  fc.record({ op: fc.constant('countsHas' as const), k: fc.constantFrom('k1', 'k2') }),
  fc.record({ op: fc.constant('shapeRGte' as const), n: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ op: fc.constant('flagsContain' as const), v: tag }),
  fc.record({ op: fc.constant('itemsSizeLte' as const), n: fc.integer({ min: 0, max: 3 }) }),
);

const index = fc.integer({ min: 0, max: 4 });
/** An optional `where()`: absent 3 times in 4. */
const maybeWhere: fc.Arbitrary<Cond | undefined> = fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: cond });
export const maybe = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined, freq: 4 });

export const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), path: fc.constant('nick'), value: maybe(nick) }),
  fc.record({ kind: fc.constant('set' as const), path: fc.constant('note'), value: maybe(word) }),
  fc.record({ kind: fc.constant('set' as const), path: fc.constant('score'), value: maybe(score) }),
  fc.record({ kind: fc.constant('set' as const), path: fc.constant('tier'), value: maybe(tier) }),
  fc.record({ kind: fc.constant('set' as const), path: fc.constant('rank'), value: maybe(rank) }),
  fc.record({ kind: fc.constant('set' as const), path: fc.constant('org'), value: org }),
  fc.record({ kind: fc.constant('set' as const), path: fc.constant('tags'), value: maybe(fc.uniqueArray(tag, { maxLength: 3 })) }),
  fc.record({ kind: fc.constant('set' as const), path: fc.constant('prefs'), value: maybe(prefs) }),
  fc.record({ kind: fc.constant('set' as const), path: fc.constant('prefs.theme'), value: maybe(word) }),
  fc.record({ kind: fc.constant('set' as const), path: fc.constant('prefs.lang'), value: maybe(fc.constantFrom('en', 'fr')) }),
  fc.record({ kind: fc.constant('set' as const), path: fc.constant('items'), value: maybe(fc.array(item, { maxLength: 5 })) }),
  fc.record({ kind: fc.constant('set' as const), path: index.map((i) => `items[${i}]`), value: item }),
  fc.record({ kind: fc.constant('set' as const), path: index.map((i) => `items[${i}].qty`), value: maybe(fc.integer({ min: 0, max: 3 })) }),
  fc.record({ kind: fc.constant('set' as const), path: fc.constant('counts'), value: maybe(counts) }),
  fc.record({ kind: fc.constant('set' as const), path: recordKey.map((k) => `counts.${k}`), value: fc.integer({ min: -3, max: 3 }) }),
  fc.record({ kind: fc.constant('set' as const), path: fc.constant('shape'), value: maybe(shape) }),
  fc.record({ kind: fc.constant('set' as const), path: fc.constant('shape.r'), value: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant('set' as const), path: fc.constant('shape.side'), value: fc.integer({ min: -2, max: 3 }) }),
  fc.record({ kind: fc.constant('set' as const), path: fc.constant('shape.kind'), value: fc.constantFrom('circle', 'square') }),
  fc.record({ kind: fc.constant('add' as const), path: fc.constant('shape.r'), value: fc.integer({ min: -2, max: 2 }) }),
  fc.record({ kind: fc.constant('set' as const), path: fc.constant('prefs.flags'), value: maybe(fc.uniqueArray(tag, { maxLength: 3 })) }),
  fc.record({ kind: fc.constant('set' as const), path: index.map((i) => `items[${i}].sku`), value: fc.constantFrom('s1', 's2') }),
  fc.record({ kind: fc.constant('setIfNotExists' as const), path: fc.constantFrom('counts.k1', 'items'), value: fc.constant(undefined) }).map((a) => ({ ...a, value: a.path === 'items' ? [{ sku: 's9' }] : 7 })),
  fc.record({ kind: fc.constant('setIfNotExists' as const), path: fc.constantFrom('nick', 'prefs.theme', 'tier', 'note'), value: fc.constantFrom('bo', 'gold', 'waytoolong') }),
  fc.record({ kind: fc.constant('setIfNotExists' as const), path: fc.constant('score'), value: score }),
  fc.record({ kind: fc.constant('add' as const), path: fc.constantFrom('score', 'rank'), value: fc.integer({ min: -6, max: 6 }) }),
  fc.record({ kind: fc.constant('add' as const), path: recordKey.map((k) => `counts.${k}`), value: fc.integer({ min: -3, max: 3 }) }),
  fc.record({ kind: fc.constant('add' as const), path: fc.constantFrom('tags', 'prefs.flags'), value: tagSet }),
  fc.record({ kind: fc.constant('delete' as const), path: fc.constantFrom('tags', 'prefs.flags'), value: tagSet }),
  fc.record({
    kind: fc.constant('remove' as const),
    path: fc.oneof(
      fc.constantFrom('nick', 'score', 'note', 'tier', 'rank', 'tags', 'prefs', 'prefs.theme', 'prefs.flags', 'prefs.lang', 'items', 'counts', 'shape', 'shape.r', 'org'),
      index.map((i) => `items[${i}]`),
      index.map((i) => `items[${i}].qty`),
      index.map((i) => `items[${i}].sku`),
      recordKey.map((k) => `counts.${k}`),
    ),
  }),
  fc.record({ kind: fc.constantFrom('append' as const, 'prepend' as const), path: fc.constant('items' as const), value: fc.array(item, { minLength: 1, maxLength: 3 }) }),
);

/** At most one action on the `items` list per update: the model does not compose index shifts. */
/** Both gsi1sk composites at once, as an update that changes the index key must give them. */
const tierAndRank: fc.Arbitrary<Action[]> = fc.tuple(maybe(tier), maybe(rank)).map(([t, r]) => [
  { kind: 'set', path: 'tier', value: t },
  { kind: 'set', path: 'rank', value: r },
]);
const actionGroup: fc.Arbitrary<Action[]> = fc.oneof({ weight: 12, arbitrary: action.map((a) => [a]) }, { weight: 2, arbitrary: tierAndRank });

const actions = fc
  .array(actionGroup, { minLength: 1, maxLength: 3 })
  .map((groups) => groups.flat())
  .filter((as) => as.filter((a) => a.path.startsWith('items')).length <= 1 && new Set(as.map((a) => a.path)).size === as.length);

export const updateCmd = (forId: fc.Arbitrary<string> = id): fc.Arbitrary<UpdateCmd> =>
  fc
    .record({
      t: fc.constant('update' as const),
      id: forId,
      actions,
      where: maybeWhere,
      upsert: fc.boolean(),
      withOrg: fc.integer({ min: 0, max: 9 }),
      returning: fc.constantFrom('NONE' as const, 'ALL_NEW' as const, 'ALL_OLD' as const),
    })
    .map(({ withOrg, ...cmd }) => {
      // An upsert must carry `org` (required): give it one most of the time.
      const org = withOrg < 8 && cmd.upsert && !cmd.actions.some((a) => a.path === 'org') ? [{ kind: 'set' as const, path: 'org', value: ORGS[withOrg % 2] }] : [];
      const out: UpdateCmd = { ...cmd, actions: [...org, ...cmd.actions] };
      if (out.where === undefined) delete out.where;
      return out;
    });

const label = fc.oneof({ weight: 20, arbitrary: fc.constantFrom('gold star', 'helper', '') }, { weight: 1, arbitrary: fc.constant('far too long label') });
const level = fc.oneof({ weight: 20, arbitrary: fc.integer({ min: 1, max: 5 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 6) });
const version = fc.constantFrom<VersionChoice>('current', 'current', 'current', 'stale', 'none');
const badge = fc.constantFrom('b1', 'b1', 'b2');

const badgeUpdate: fc.Arbitrary<BadgeUpdateCmd> = fc
  .record({ t: fc.constant('badgeUpdate' as const), owner: id, badge, label, addLevel: fc.integer({ min: -3, max: 3 }), version, upsert: fc.boolean() }, { requiredKeys: ['t', 'owner', 'badge', 'version', 'upsert'] })
  .filter((c) => c.label !== undefined || c.addLevel !== undefined);

function dropUndefinedWhere<T extends { where?: Cond | undefined }>(c: T): T {
  if (c.where === undefined) delete c.where;
  return c;
}

const tierBound = fc.constantFrom('a', 'ab', 'a b', 'b', 'gold', 'iron', 'z');
const rankBound = fc.constantFrom(0, 1, 5, 42, 100);
const rop = fc.constantFrom('gt' as const, 'gte' as const, 'lt' as const, 'lte' as const);
const indexCond: fc.Arbitrary<IndexCond> = fc.oneof(
  fc.constant({ op: 'all' as const }),
  fc.record({ op: fc.constant('tierEq' as const), v: tierBound }),
  fc.record({ op: fc.constant('tierBegins' as const), v: tierBound }),
  fc.record({ op: fc.constant('tierRange' as const), rop, v: tierBound }),
  fc.record({ op: fc.constant('tierBetween' as const), lo: fc.constantFrom('a', 'ab'), hi: fc.constantFrom('ab', 'gold', 'z') }),
  fc.record({ op: fc.constant('tierEqRank' as const), v: tierBound, rop: fc.constantFrom('eq' as const, 'gt' as const, 'gte' as const, 'lt' as const, 'lte' as const), n: rankBound }),
  fc.record({ op: fc.constant('tierEqRankBetween' as const), v: tierBound, lo: fc.constantFrom(0, 1, 5), hi: fc.constantFrom(5, 42, 100) }),
);

const txnAction: fc.Arbitrary<TxnAction> = fc.oneof(
  fc.record({ a: fc.constant('update' as const), cmd: updateCmd().map((c) => ({ ...c, returning: 'NONE' as const })) }),
  fc.record({ a: fc.constant('put' as const), input: profileInput(), where: maybeWhere }).map(dropUndefinedWhere),
  fc.record({ a: fc.constant('delete' as const), id, where: maybeWhere }).map(dropUndefinedWhere),
  fc.record({ a: fc.constant('check' as const), id, cond }),
  fc.record({ a: fc.constant('badgeUpdate' as const), cmd: badgeUpdate }),
);

const batchWrite: fc.Arbitrary<BatchWrite> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ w: fc.constant('put' as const), input: profileInput() }) },
  { weight: 2, arbitrary: fc.record({ w: fc.constant('delete' as const), id }) },
  { weight: 1, arbitrary: fc.record({ w: fc.constant('deleteBadge' as const), owner: id, badge }) },
);

export const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('put' as const), input: profileInput(), where: maybeWhere, returning: fc.constantFrom('NONE' as const, 'ALL_OLD' as const) }).map(dropUndefinedWhere) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('create' as const), input: profileInput() }) },
  { weight: 10, arbitrary: updateCmd() },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('delete' as const), id, where: maybeWhere }).map(dropUndefinedWhere) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('batch' as const), writes: fc.array(batchWrite, { minLength: 1, maxLength: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('txn' as const), actions: fc.array(txnAction, { minLength: 2, maxLength: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('badgeCreate' as const), owner: id, badge, label, level }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('badgePut' as const), owner: id, badge, label, level, version }) },
  { weight: 2, arbitrary: badgeUpdate },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('badgeDelete' as const), owner: id, badge, version }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('query' as const), org, cond: indexCond, reverse: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('scan' as const), cond }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('read' as const), ids: fc.array(id, { minLength: 1, maxLength: 4 }), badges: fc.array(fc.tuple(id, badge), { maxLength: 2 }) }) },
);
