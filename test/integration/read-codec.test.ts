/**
 * Values whose stored form loses their type (Dates as ISO strings, Sets and bigints) inside
 * unions of objects, discriminated unions and tuples: written, then read back by get, query, scan,
 * batchGet and transactGet as the schema's output.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, transactGet } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const AppTable = defineTable({ name: uniqueTableName('read-codec'), client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });

const Step = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('wait'), until: z.date() }),
  z.object({ kind: z.literal('tag'), tags: z.set(z.string()), weight: z.bigint() }),
]);
const Job = defineEntity({
  table: AppTable,
  name: 'Job',
  schema: z.object({
    jobId: z.string(),
    owner: z.string(),
    steps: z.array(Step),
    last: z.union([z.object({ ok: z.literal(true), at: z.date() }), z.object({ ok: z.literal(false), reason: z.string() })]).optional(),
    window: z.tuple([z.date(), z.date()]),
  }),
  keys: { primary: { pk: 'OWNER#{owner}', sk: 'JOB#{jobId}' } },
});

/** Non-idempotent transforms: running one again on read would change the value. */
const Product = defineEntity({
  table: AppTable,
  name: 'Product',
  schema: z.object({
    sku: z.string(),
    cents: z.number().transform((n) => Math.round(n * 100)),
    label: z.string().transform((s) => `[${s}]`),
    sizes: z.array(z.string().transform((s) => s.toUpperCase() + '+')).optional(),
    released: z.string().transform((s) => new Date(s)).pipe(z.date()),
  }),
  keys: { primary: { pk: 'PRODUCT#{sku}', sk: 'PRODUCT' } },
});

/** Recursive: Dates and transforms at every depth of a z.lazy tree. */
interface FolderIn {
  name: string;
  at: Date;
  children: FolderIn[];
}
interface FolderOut {
  name: string;
  at: Date;
  children: FolderOut[];
}
const Folder: z.ZodType<FolderOut, FolderIn> = z.object({ name: z.string().transform((s) => `${s}/`), at: z.date(), children: z.array(z.lazy(() => Folder)) });
const Tree = defineEntity({
  table: AppTable,
  name: 'Tree',
  schema: z.object({ treeId: z.string(), root: Folder }),
  keys: { primary: { pk: 'TREE#{treeId}', sk: 'TREE' } },
});

const t0 = new Date('2026-12-01T10:00:00.000Z');
const t1 = new Date('2026-12-02T10:00:00.000Z');
const job = {
  jobId: 'j1',
  owner: 'ada',
  steps: [{ kind: 'wait' as const, until: t1 }, { kind: 'tag' as const, tags: new Set(['a', 'b']), weight: 7n }],
  last: { ok: true as const, at: t0 },
  window: [t0, t1] as [Date, Date],
};

useTable(AppTable, { clients: [client] });

beforeAll(async () => {
  await Job.put(job);
});

describe('transforms run on write only', () => {
  const written = { sku: 'p1', cents: 1250, label: '[Lamp]', sizes: ['S+', 'M+'], released: new Date('2026-03-01T00:00:00.000Z') };

  it('every read path returns what the write stored, unchanged', async () => {
    const stored = await Product.put({ sku: 'p1', cents: 12.5, label: 'Lamp', sizes: ['s', 'm'], released: '2026-03-01T00:00:00.000Z' });
    expect(stored).toEqual(written);
    const key = { sku: 'p1' };
    expect(await Product.get(key)).toEqual(written);
    expect(await Product.get(key).project('cents', 'label')).toEqual({ cents: 1250, label: '[Lamp]' });
    expect(await Product.query('primary', Product.Key('sku').eq('p1')).all()).toEqual([written]);
    expect(await Product.scan().all()).toEqual([written]);
    expect(await Product.batchGet([key])).toEqual([written]);
    expect(await transactGet([Product.get(key)])).toEqual([written]);
    expect((await AppTable.query(AppTable.Key('pk').eq('PRODUCT#p1')).entities(Product).all()).items).toEqual([{ ...written, _et: 'Product' }]);
  });

  it('an update returning ALL_NEW reads the stored values without transforming them again', async () => {
    const after = await Product.update({ sku: 'p1' }).set({ label: 'Desk' }).returning('ALL_NEW');
    expect(after).toMatchObject({ cents: 1250, label: '[Desk]' });
  });
});

describe('unions and tuples read back as written', () => {
  it('get, query, scan, batchGet and transactGet', async () => {
    const key = { owner: 'ada', jobId: 'j1' };
    expect(await Job.get(key)).toEqual(job);
    expect(await Job.query('primary', Job.Key('owner').eq('ada')).all()).toEqual([job]);
    expect(await Job.scan().all()).toEqual([job]);
    expect(await Job.batchGet([key])).toEqual([job]);
    expect(await transactGet([Job.get(key)])).toEqual([job]);
    const read = (await Job.get(key))!;
    expect(read.window[1]).toBeInstanceOf(Date);
    expect(read.last?.ok === true && read.last.at instanceof Date).toBe(true);
  });

  it('a read item can be written back unchanged, twice', async () => {
    for (const jobId of ['j2', 'j3']) {
      const read = (await Job.get({ owner: 'ada', jobId: jobId === 'j2' ? 'j1' : 'j2' }))!;
      await Job.put({ ...read, jobId });
      expect(await Job.get({ owner: 'ada', jobId })).toEqual({ ...job, jobId });
    }
  });
});

/** Lists with holes: an undefined element is stored as NULL and must read back as undefined. */
const Survey = defineEntity({
  table: AppTable,
  name: 'Survey',
  schema: z.object({ surveyId: z.string(), answers: z.array(z.string().optional()), maybe: z.array(z.string().nullable()), at: z.array(z.date().optional()) }),
  keys: { primary: { pk: 'SURVEY#{surveyId}', sk: 'SURVEY' } },
});

describe('lists with undefined elements', () => {
  it('read back with undefined where the element may be undefined, null where it may be null', async () => {
    const survey = { surveyId: 's1', answers: ['yes', undefined, 'no'], maybe: ['a', null], at: [undefined, t0] };
    await Survey.put(survey);
    const raw = await Survey.get({ surveyId: 's1' });
    expect(raw).toEqual(survey);
    expect(raw!.answers).toHaveLength(3);
    expect(raw!.at[1]).toBeInstanceOf(Date);
    expect(await Survey.scan().all()).toEqual([survey]);
  });
});

describe('recursive (z.lazy) schemas', () => {
  it('read back Dates at every depth, and transforms inside them run on write only', async () => {
    const leaf = { name: 'c', at: t1, children: [] };
    const written = await Tree.put({ treeId: 't1', root: { name: 'a', at: t0, children: [{ name: 'b', at: t1, children: [leaf] }] } });
    const expected = { treeId: 't1', root: { name: 'a/', at: t0, children: [{ name: 'b/', at: t1, children: [{ ...leaf, name: 'c/' }] }] } };
    expect(written).toEqual(expected);
    expect(await Tree.get({ treeId: 't1' })).toEqual(expected);
    expect(await Tree.get({ treeId: 't1' })).toEqual(expected);
    expect(await Tree.query('primary', Tree.Key('treeId').eq('t1')).all()).toEqual([expected]);
    expect(await Tree.batchGet([{ treeId: 't1' }])).toEqual([expected]);
  });
});
