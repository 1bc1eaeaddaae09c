/**
 * Updates that leave an attribute to its schema default (`set({ x: undefined })`, `remove('x')`)
 * against the real server: the stored item, its index keys and what a read returns must agree,
 * as they do after a put without the attribute. An empty-set default (DynamoDB has no empty set)
 * is stored as the attribute's absence, which reads back as that default.
 */
import { describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { defineEntity, defineTable } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);
const Table = defineTable({
  name: uniqueTableName('upd-defaults'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: { gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } } },
});

/** `stage` composes gsi1's sort key and defaults to 'new'; `level` is a plain defaulted attribute. */
const Job = defineEntity({
  table: Table,
  name: 'Job',
  schema: z.object({
    jobId: z.string(),
    queue: z.string(),
    stage: z.string().default('new'),
    level: z.number().int().default(1),
  }),
  keys: { primary: { pk: 'JOB#{jobId}', sk: 'JOB' }, gsi1: { pk: 'QUEUE#{queue}', sk: 'STAGE#{stage}#{jobId}' } },
});

const { Key } = Job;

useTable(Table, { clients: [client] });

async function raw(jobId: string): Promise<Record<string, unknown> | undefined> {
  return (await doc.send(new GetCommand({ TableName: Table.name, Key: { pk: `JOB#${jobId}`, sk: 'JOB' }, ConsistentRead: true }))).Item;
}

describe('an update that leaves a defaulted attribute to its default', () => {
  it('a put without the attribute stores the default and indexes the item under it (the reference)', async () => {
    await Job.put({ jobId: 'j0', queue: 'q' });
    expect(await raw('j0')).toMatchObject({ stage: 'new', level: 1, gsi1sk: 'STAGE#new#j0' });
  });

  it.each([
    ['set({ stage: undefined })', (id: string) => Job.update({ jobId: id }).set({ stage: undefined, level: undefined })],
    ["remove('stage')", (id: string) => Job.update({ jobId: id }).remove('stage', 'level')],
  ])('%s stores the default and moves the index key to it, so the GSI finds what get() returns', async (_label, update) => {
    const id = `j-${_label.length}`;
    await Job.put({ jobId: id, queue: 'q', stage: 'running', level: 3 });
    await update(id);
    const got = await Job.get({ jobId: id }).consistent();
    expect(got).toMatchObject({ stage: 'new', level: 1 });
    expect(await raw(id)).toMatchObject({ stage: 'new', level: 1, gsi1sk: `STAGE#new#${id}` });
    const found = await Job.query('gsi1', Key('queue').eq('q').and(Key('stage').eq('new'))).all();
    expect(found.map((j) => j.jobId)).toContain(id);
  });
});

describe('an upsert that creates the item without giving a defaulted attribute', () => {
  it('stores the default and the index key built from it, as a put would', async () => {
    await Job.update({ jobId: 'u1' }).set({ queue: 'q' }).upsert();
    expect(await raw('u1')).toMatchObject({ stage: 'new', level: 1, gsi1sk: 'STAGE#new#u1' });
    const found = await Job.query('gsi1', Key('queue').eq('q').and(Key('stage').eq('new'))).all();
    expect(found.map((j) => j.jobId)).toContain('u1');
  });

  it('leaves the values (and index key) of an existing item alone', async () => {
    await Job.put({ jobId: 'u2', queue: 'q', stage: 'done', level: 7 });
    await Job.update({ jobId: 'u2' }).set({ queue: 'q2' }).upsert();
    expect(await raw('u2')).toMatchObject({ queue: 'q2', stage: 'done', level: 7, gsi1pk: 'QUEUE#q2', gsi1sk: 'STAGE#done#u2' });
  });
});

describe('a set attribute whose default is the empty set', () => {
  const Tagged = defineEntity({
    table: Table,
    name: 'Tagged',
    schema: z.object({ id: z.string(), tags: z.set(z.string()).default(new Set()) }),
    keys: { primary: { pk: 'TAGGED#{id}', sk: 'TAGGED' } },
  });

  it('put without it (or with an empty set) stores no attribute and reads back the empty set', async () => {
    expect(await Tagged.put({ id: 't1' })).toEqual({ id: 't1', tags: new Set() });
    await Tagged.put({ id: 't2', tags: new Set() });
    for (const id of ['t1', 't2']) expect(await Tagged.get({ id }).consistent()).toEqual({ id, tags: new Set() });
  });

  it('update set({ tags: new Set() }) removes the attribute', async () => {
    await Tagged.put({ id: 't3', tags: new Set(['a']) });
    await Tagged.update({ id: 't3' }).set({ tags: new Set() });
    expect(await Tagged.get({ id: 't3' }).consistent()).toEqual({ id: 't3', tags: new Set() });
  });
});
