/**
 * The read commands of the model-based read test, as plain data, and their fast-check arbitraries:
 * entity queries (key conditions drawn from what each index's templates allow: `eq` on the partition
 * composites and on leading sort composites, then at most one range), entity scans (segments too),
 * table-level queries and scans (with and without `entities(...)`), `hydrate()` of the sparse INCLUDE
 * index, and `batchGet` with missing and repeated keys.
 */
import fc from 'fast-check';
import type { EntityName } from './reads-entities.js';
import { STATUSES } from './reads-entities.js';
import { DATES, ID_PREFIXES, NUMBERS, PROJECTS, TAGS, TENANTS, WORDS } from './reads-data.js';
import type { Cmp, Filter } from './reads-conditions.js';
import { COMPOSITE_KINDS, TEMPLATES, compareBytes, composites, type Kind } from './reads-stored.js';

export type RangeOp = 'lt' | 'lte' | 'gt' | 'gte' | 'between' | 'beginsWith';

export interface ReadOptions {
  readonly filter?: Filter | undefined;
  readonly limit?: number | undefined;
  readonly pageSize?: number | undefined;
  readonly maxPages?: number | undefined;
  readonly reverse: boolean;
  readonly project?: readonly string[] | undefined;
  readonly consistent: boolean;
}

export interface QueryCmd extends ReadOptions {
  readonly t: 'query';
  readonly entity: EntityName;
  readonly index: string;
  /** `eq` values: every partition composite, then the leading sort composites. */
  readonly eq: Readonly<Record<string, unknown>>;
  readonly range?: { readonly attr: string; readonly op: RangeOp; readonly values: readonly unknown[] } | undefined;
  readonly hydrate: boolean;
}

export interface ScanCmd extends ReadOptions {
  readonly t: 'scan';
  readonly entity: EntityName;
  readonly index?: string | undefined;
  readonly segments?: number | undefined;
  readonly hydrate: boolean;
}

export interface TableCmd extends ReadOptions {
  readonly t: 'table';
  readonly index: string;
  /** Undefined: a table-level scan. */
  readonly pk?: string | undefined;
  readonly sk?: { readonly op: Cmp | RangeOp; readonly values: readonly string[] } | undefined;
  readonly entities?: readonly EntityName[] | undefined;
  readonly hydrate: boolean;
}

export interface BatchGetCmd {
  readonly t: 'batchGet';
  readonly entity: EntityName;
  /** Row numbers among the entity's rows (modulo their count), or a key no item has. */
  readonly picks: readonly (number | 'missing')[];
}

export type ReadCmd = QueryCmd | ScanCmd | TableCmd | BatchGetCmd;

const pick = <T>(xs: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...xs);
/** `a` in `share` of the cases, undefined in the others. */
const maybe = <T>(a: fc.Arbitrary<T>, share = 0.5): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: Math.round(share * 100), arbitrary: a }, { weight: Math.round((1 - share) * 100), arbitrary: fc.constant(undefined) });

/** The values each attribute has in the data set, so that key conditions hit. */
export type Seen = ReadonlyMap<string, readonly unknown[]>;

/** Values a composite is compared with: the data's own, plus values between and around them. */
function keyValues(attr: string, kind: Kind, forRange: boolean, seen: Seen): fc.Arbitrary<unknown> {
  const own = seen.get(attr) ?? [];
  const pool = poolValues(attr, kind, forRange);
  return own.length === 0 ? pool : fc.oneof({ weight: 3, arbitrary: pick(own) }, { weight: 1, arbitrary: pool });
}

function poolValues(attr: string, kind: Kind, forRange: boolean): fc.Arbitrary<unknown> {
  if (kind === 'bool') return fc.boolean();
  if (kind === 'num') return pick([...NUMBERS, 5, -5, -9007199254740990]);
  if (kind === 'date') return pick([...DATES, new Date('2024-01-09T23:59:59.999Z'), new Date('2000-01-01T00:00:00.000Z')]);
  const base: readonly string[] =
    attr === 'tenant' ? TENANTS : attr === 'project' ? PROJECTS : attr === 'status' ? STATUSES : attr.endsWith('Id') ? ID_PREFIXES.flatMap((p) => [p, `${p}1`, `${p}5`]) : WORDS;
  return pick(forRange ? [...base, '', 'a', 'a ', 'ac', 'o', 'k1', 'é', '\u{1F600}', 'ｚ'] : base);
}

const sortedPair = (kind: Kind, a: unknown, b: unknown): [unknown, unknown] => {
  const c = kind === 'str' ? compareBytes(String(a), String(b)) : Number(a instanceof Date ? a.getTime() : a) - Number(b instanceof Date ? b.getTime() : b); // booleans: false < true
  return c <= 0 ? [a, b] : [b, a];
};

function rangeArb(entity: EntityName, attr: string, seen: Seen): fc.Arbitrary<QueryCmd['range']> {
  const kind = COMPOSITE_KINDS[entity][attr]!;
  const ops: RangeOp[] = kind === 'str' ? ['lt', 'lte', 'gt', 'gte', 'between', 'beginsWith'] : ['lt', 'lte', 'gt', 'gte', 'between'];
  const v = keyValues(attr, kind, true, seen);
  return fc.record({ op: pick(ops), a: v, b: v }).map(({ op, a, b }) => ({ attr, op, values: op === 'between' ? sortedPair(kind, a, b) : [a] }));
}

/** Filters on an entity's attributes, as `Entity.Attr` names them. */
const LEAVES: Record<EntityName, Record<string, 'str' | 'num' | 'date' | 'bool' | 'set'>> = {
  Task: { title: 'str', status: 'str', points: 'num', owner: 'str', tags: 'set', flag: 'bool', seq: 'num', due: 'date', project: 'str' },
  Note: { body: 'str', author: 'str', pinned: 'bool', at: 'date' },
  Member: { name: 'str', level: 'num', since: 'date' },
};
const CMPS: Cmp[] = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte'];

function leafArb(path: string, kind: 'str' | 'num' | 'date' | 'bool' | 'set'): fc.Arbitrary<Filter> {
  const presence = fc.constantFrom<Filter>({ op: 'exists', path }, { op: 'notExists', path });
  if (kind === 'bool') return fc.oneof(fc.record({ cmp: pick<Cmp>(['eq', 'ne']), value: fc.boolean() }).map((r): Filter => ({ op: 'cmp', path, ...r })), presence);
  if (kind === 'set') {
    return fc.oneof(
      pick(TAGS).map((value): Filter => ({ op: 'contains', path, value })),
      fc.record({ cmp: pick(CMPS), n: fc.integer({ min: 0, max: 3 }) }).map((r): Filter => ({ op: 'size', path, ...r })),
      presence,
    );
  }
  const keyLike = /(pk|sk)$/.test(path);
  const v: fc.Arbitrary<unknown> = path === '_et' ? pick(['Task', 'Note', 'Member', 'Ghost', 'N']) : keyLike ? pick([...TABLE_SK, 'O#a', 'T#t1']) : kind === 'num' ? pick([...NUMBERS, 5]) : kind === 'date' ? pick(DATES) : pick([...WORDS, '', 'a ', ...STATUSES]);
  const all: fc.Arbitrary<Filter>[] = [
    fc.record({ cmp: pick(CMPS), value: v }).map((r): Filter => ({ op: 'cmp', path, ...r })),
    fc.tuple(v, v).map(([a, b]): Filter => {
      const [lo, hi] = sortedPair(kind === 'str' ? 'str' : kind, a, b);
      return { op: 'between', path, lo, hi };
    }),
    fc.array(v, { minLength: 1, maxLength: 3 }).map((values): Filter => ({ op: 'in', path, values })),
    presence,
  ];
  if (kind === 'str') {
    all.push(pick(['a', 'a ', 'é', 'o', '']).map((value): Filter => ({ op: 'beginsWith', path, value })));
    all.push(pick(['a', 'b', ' ', '!', 'é']).map((value): Filter => ({ op: 'contains', path, value })));
  }
  return fc.oneof(...all);
}

/** A filter of up to two levels of and/or/not over `leaves`. */
export function filterArb(leaves: Record<string, 'str' | 'num' | 'date' | 'bool' | 'set'>): fc.Arbitrary<Filter> {
  const leaf = fc.oneof(...Object.entries(leaves).map(([p, k]) => leafArb(p, k)));
  const level = (inner: fc.Arbitrary<Filter>): fc.Arbitrary<Filter> =>
    fc.oneof(
      { weight: 3, arbitrary: inner },
      { weight: 1, arbitrary: fc.array(inner, { minLength: 2, maxLength: 3 }).map((children): Filter => ({ op: 'and', children })) },
      { weight: 1, arbitrary: fc.array(inner, { minLength: 2, maxLength: 3 }).map((children): Filter => ({ op: 'or', children })) },
      { weight: 1, arbitrary: inner.map((child): Filter => ({ op: 'not', child })) },
    );
  return level(level(leaf));
}

/** On the sparse index, which holds only _et and points, a filter may use points alone (and only Task has it). */
const sparseFilter = (entity: EntityName, index: string | undefined): fc.Arbitrary<Filter> | undefined =>
  index === 'gsi2' && entity === 'Task' ? filterArb({ points: 'num' }) : SPARSE.has(index ?? '') ? NO_FILTER : undefined;
const SPARSE = new Set(['gsi2', 'gsi3']);
/** A stand-in the commands drop: on a sparse index no filter is possible (only Task's points on gsi2). */
const NO_FILTER = fc.constant<Filter>({ op: 'exists', path: 'never' });
/** Whether the entity's reads of the index must hydrate (the index holds none of its attributes). */
const mustHydrate = (entity: EntityName, index: string | undefined): boolean => index === 'gsi3' || (index === 'gsi2' && entity !== 'Task');

const optionsArb = (filter: fc.Arbitrary<Filter>, project: readonly string[], reversible: boolean) =>
  fc.record({
    filter: maybe(filter, 0.5),
    limit: maybe(fc.integer({ min: 1, max: 12 }), 0.5),
    pageSize: maybe(fc.integer({ min: 1, max: 7 }), 0.3),
    maxPages: maybe(fc.integer({ min: 1, max: 3 }), 0.2),
    reverse: reversible ? fc.boolean() : fc.constant(false),
    project: maybe(fc.subarray([...project], { minLength: 1 }), 0.25),
    consistent: fc.boolean(),
  });

/** One stored item of the entity, three times in four (when there is one). */
function anchorArb(entity: EntityName, seen: Seen): fc.Arbitrary<Record<string, unknown> | undefined> {
  const items = (seen.get(`#${entity}`) ?? []) as Record<string, unknown>[];
  return items.length === 0 ? fc.constant(undefined) : maybe(pick(items), 0.75);
}

/** Entity queries of every index the entity has keys on. */
function queryArb(entity: EntityName, seen: Seen): fc.Arbitrary<QueryCmd> {
  return fc.constantFrom(...Object.keys(TEMPLATES[entity])).chain((index) => {
    const t = TEMPLATES[entity][index]!;
    const pks = composites(t.pk);
    const sks = composites(t.sk);
    const hydrated = SPARSE.has(index);
    const kinds = COMPOSITE_KINDS[entity];
    return fc.integer({ min: 0, max: sks.length }).chain((k) =>
      fc.record({
        // Mostly the composites of one stored item (so that a prefix of several eq terms hits), else values of any item.
        eq: fc
          .tuple(anchorArb(entity, seen), fc.record(Object.fromEntries([...pks, ...sks.slice(0, k)].map((c) => [c, keyValues(c, kinds[c]!, false, seen)]))))
          .map(([anchor, free]) => Object.fromEntries(Object.entries(free).map(([c, v]) => [c, anchor?.[c] ?? v]))),
        range: k < sks.length ? maybe(rangeArb(entity, sks[k]!, seen), 0.75) : fc.constant(undefined),
        // The sparse index holds only _et and points: a read of it hydrates, or projects points.
        hydrate: hydrated ? (mustHydrate(entity, index) ? fc.constant(true) : fc.boolean()) : fc.constant(false),
        options: optionsArb(sparseFilter(entity, index) ?? filterArb(LEAVES[entity]), Object.keys(LEAVES[entity]).concat(pks, sks), true),
      }).map(({ options, hydrate, ...rest }): QueryCmd => {
        const project = hydrated && !hydrate ? ['points'] : options.project;
        if (hydrated && sparseFilter(entity, index) === NO_FILTER) options = { ...options, filter: undefined };
        const consistent = options.consistent && !index.startsWith('gsi');
        return { t: 'query', entity, index, hydrate, ...options, project: project === undefined ? undefined : [...new Set(project)], consistent, ...rest };
      }),
    );
  });
}

function scanArb(entity: EntityName): fc.Arbitrary<ScanCmd> {
  const indexes = [undefined, ...Object.keys(TEMPLATES[entity]).filter((i) => i !== 'primary')];
  return fc.record({ index: pick(indexes), segments: maybe(fc.integer({ min: 1, max: 4 }), 0.5) }).chain(({ index, segments }) => {
    const hydrated = SPARSE.has(index ?? '');
    return fc.record({ hydrate: hydrated ? (mustHydrate(entity, index) ? fc.constant(true) : fc.boolean()) : fc.constant(false), options: optionsArb(sparseFilter(entity, index) ?? filterArb(LEAVES[entity]), Object.keys(LEAVES[entity]), false) }).map(
      ({ hydrate, options }): ScanCmd => ({
        t: 'scan',
        entity,
        index,
        segments,
        hydrate,
        ...options,
        filter: sparseFilter(entity, index) === NO_FILTER ? undefined : options.filter,
        // A parallel scan has no cursors to resume, so maxPages does not apply to it.
        maxPages: segments === undefined ? options.maxPages : undefined,
        project: hydrated && !hydrate ? ['points'] : options.project,
        consistent: options.consistent && !(index ?? '').startsWith('gsi'),
      }),
    );
  });
}

const TABLE_SK = ['F#', 'F#false#', 'F#true', 'F#true#0000000000000001', 'TASK#', 'TASK#a', 'TASK#a b', 'TASK#ab#', 'TASK#open#', 'TASK#～', 'TASK#😀', 'NOTE#', 'NOTE#a', 'NOTE#2024', 'NOTE~', 'MEMBER#', 'MEMBER#a', 'D#', 'D#2024-01-10', 'P#', 'P#-', 'P#0000000000000010', 'A', 'Z'];
const TABLE_LEAVES = { _et: 'str', title: 'str', points: 'num', body: 'str', level: 'num' } as const;
/** A table-level filter may name the keys of other indexes (and the table's, when reading an index), not those of the index read. */
const OTHER_KEYS: Record<string, Record<string, 'str'>> = { primary: { gsi1sk: 'str', lsi1sk: 'str' }, lsi1: { sk: 'str', gsi2pk: 'str' }, gsi1: { sk: 'str', lsi1sk: 'str' } };

function tableArb(): fc.Arbitrary<TableCmd> {
  return fc.constantFrom('primary', 'lsi1', 'gsi1', 'gsi2', 'gsi3').chain((index) =>
    fc
      .record({
        scan: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
        pkValue: index === 'gsi1' ? pick(PROJECTS) : index === 'gsi2' ? pick(WORDS) : pick(TENANTS),
        sk: maybe(
          fc.record({ op: pick<Cmp | RangeOp>(['eq', 'lt', 'lte', 'gt', 'gte', 'between', 'beginsWith']), a: pick(TABLE_SK), b: pick(TABLE_SK) }).map(({ op, a, b }) => ({
            op,
            values: op === 'between' ? (sortedPair('str', a, b) as string[]) : [a],
          })),
          0.6,
        ),
        entities: maybe(fc.subarray<EntityName>(['Task', 'Note', 'Member'], { minLength: 1 }), 0.5),
        hydrate: fc.constant(SPARSE.has(index)),
        options: optionsArb(index === 'gsi2' ? filterArb({ points: 'num' }) : index === 'gsi3' ? NO_FILTER : filterArb({ ...TABLE_LEAVES, ...OTHER_KEYS[index] }), ['title', 'points', 'body', 'level'], true),
      })
      .map(({ scan, pkValue, sk, entities, hydrate, options }): TableCmd => {
        const prefix = index === 'gsi1' ? 'G#' : index === 'gsi2' ? 'O#' : index === 'gsi3' ? 'W#' : 'T#';
        if (index === 'gsi3') options = { ...options, filter: undefined };
        const consistent = options.consistent && !index.startsWith('gsi');
        if (scan) return { t: 'table', index, entities, hydrate, ...options, reverse: false, consistent };
        return { t: 'table', index, pk: `${prefix}${pkValue}`, sk, entities, hydrate, ...options, consistent };
      }),
  );
}

const batchGetArb: fc.Arbitrary<BatchGetCmd> = fc.record({
  entity: pick<EntityName>(['Task', 'Note', 'Member']),
  picks: fc.array(fc.oneof(fc.nat(200), fc.constant<'missing'>('missing')), { minLength: 1, maxLength: 12 }),
}).map((r) => ({ t: 'batchGet', ...r }));

const ENTITIES: EntityName[] = ['Task', 'Note', 'Member'];

/** Reads of a data set whose attributes hold `seen`. */
export const readCmd = (seen: Seen): fc.Arbitrary<ReadCmd> => fc.oneof(
  { weight: 6, arbitrary: pick(ENTITIES).chain((e) => queryArb(e, seen)) },
  { weight: 2, arbitrary: pick(ENTITIES).chain(scanArb) },
  { weight: 3, arbitrary: tableArb() },
  { weight: 1, arbitrary: batchGetArb },
);

/** Every attribute's values in the data set, and under `#<entity>` the entity's items. */
export function seenValues(rows: readonly { readonly entity: string; readonly item: Record<string, unknown> }[]): Seen {
  const seen = new Map<string, unknown[]>();
  for (const r of rows) {
    if (r.entity === 'Ghost') continue;
    seen.set(`#${r.entity}`, [...(seen.get(`#${r.entity}`) ?? []), r.item]);
    for (const [k, v] of Object.entries(r.item)) if (v !== undefined) seen.set(k, [...(seen.get(k) ?? []), v]);
  }
  return seen;
}
