/**
 * The data set of the model-based read test: fast-check arbitraries for Tasks, Notes and Members in
 * a few tenant partitions, plus "Ghost" items written by another tool (`_et: 'Ghost'`) under sort
 * keys that interleave with the entities' own (`TASK#...`, `NOTE~...`), and the value pools the read
 * commands draw from, so that their key conditions and filters hit.
 */
import fc from 'fast-check';
import type { EntityName } from './reads-entities.js';
import { STATUSES } from './reads-entities.js';
import { storedItem } from './reads-stored.js';

/** Strings around the separator and across UTF-8 / UTF-16 order (U+FF5E sorts below an emoji in bytes, above it in code units). */
export const WORDS = ['a', 'ab', 'a b', 'a!', 'a"', 'a\u0000', '\u0001', 'a$', 'aé', 'b', 'B', 'é', '😀', '～'] as const;
export const TENANTS = ['t1', 't2'] as const;
export const PROJECTS = ['a', 'a b', 'ab', 'é', '～', '😀'] as const;
export const NUMBERS = [-9007199254740991, -1000, -10, -1, 0, 1, 2, 10, 11, 1000, 9007199254740991] as const;
export const DATES = [
  '0001-01-01T00:00:00.000Z',
  '1969-12-31T23:59:59.999Z',
  '1970-01-01T00:00:00.000Z',
  '2024-01-10T00:00:00.000Z',
  '2024-01-10T00:00:00.001Z',
  '2024-06-01T12:00:00.000Z',
  '9999-12-31T23:59:59.999Z',
].map((d) => new Date(d));
/** Id prefixes: an id is a prefix then a running number, so ids are unique and still sort across characters. */
export const ID_PREFIXES = ['k', 'k!', 'k\u0000', 'kz', 'é', '～', '😀'] as const;
export const TAGS = ['x', 'y', 'z'] as const;

export interface Row {
  readonly entity: EntityName | 'Ghost';
  /** The model item (what an entity read returns); for a Ghost, the stored item. */
  readonly item: Record<string, unknown>;
  readonly stored: Record<string, unknown>;
}

const opt = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined, freq: 3 });
const pick = <T>(xs: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...xs);

const drop = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

const taskArb = fc.record({
  tenant: pick(TENANTS),
  idPrefix: pick(ID_PREFIXES),
  project: pick(PROJECTS),
  seq: pick(NUMBERS),
  due: pick(DATES),
  title: pick(WORDS),
  status: pick(STATUSES),
  points: opt(pick(NUMBERS)),
  owner: opt(pick(WORDS)),
  tags: opt(fc.uniqueArray(pick(TAGS), { minLength: 1, maxLength: 3 })),
  flag: opt(fc.boolean()),
});

const noteArb = fc.record({
  tenant: pick(TENANTS),
  idPrefix: pick(ID_PREFIXES),
  project: pick(PROJECTS),
  at: pick(DATES),
  author: pick(WORDS),
  body: pick(WORDS),
  pinned: opt(fc.boolean()),
});

const memberArb = fc.record({ tenant: pick(TENANTS), name: pick(WORDS), since: pick(DATES), level: pick(NUMBERS) });

const ghostArb = fc.record({
  tenant: pick(TENANTS),
  sk: fc.constantFrom('TASK#a#', 'TASK#ab#', 'NOTE~', 'MEMBER#a', 'D#2024', 'A'),
  project: opt(pick(PROJECTS)),
  title: pick(WORDS),
  points: opt(pick(NUMBERS)),
});

export interface DataSizes {
  readonly tasks: number;
  readonly notes: number;
  readonly members: number;
  readonly ghosts: number;
}

/** A data set: rows with unique keys (Members deduplicated by tenant and name, the last kept). */
export function dataSet(sizes: DataSizes): fc.Arbitrary<Row[]> {
  return fc
    .record({
      tasks: fc.array(taskArb, { maxLength: sizes.tasks, size: 'max' }),
      notes: fc.array(noteArb, { maxLength: sizes.notes, size: 'max' }),
      members: fc.uniqueArray(memberArb, { maxLength: sizes.members, size: 'max', selector: (m) => `${m.tenant}|${m.name}` }),
      ghosts: fc.array(ghostArb, { maxLength: sizes.ghosts, size: 'max' }),
    })
    .map(({ tasks, notes, members, ghosts }) => {
      let n = 0;
      const rows: Row[] = [];
      const add = (entity: EntityName, item: Record<string, unknown>): void => {
        rows.push({ entity, item, stored: storedItem(entity, item) });
      };
      for (const { idPrefix, tags, ...t } of tasks) add('Task', drop({ ...t, taskId: `${idPrefix}${n++}`, tags: tags === undefined ? undefined : new Set(tags) }));
      for (const { idPrefix, ...t } of notes) add('Note', drop({ ...t, noteId: `${idPrefix}${n++}` }));
      for (const m of members) add('Member', { ...m });
      for (const g of ghosts) {
        const stored = drop({
          pk: `T#${g.tenant}`,
          sk: `${g.sk}${n++}`,
          _et: 'Ghost',
          title: g.title,
          points: g.points,
          ...(g.project === undefined ? {} : { gsi1pk: `G#${g.project}`, gsi1sk: `TASK#open#${n}` }),
        });
        rows.push({ entity: 'Ghost', item: stored, stored });
      }
      return rows;
    });
}
