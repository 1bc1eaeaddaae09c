/**
 * Optimistic locking (`version: 'version'`) against DynamoDB Local: create writes 1, every write
 * checks the version it was given and increments it, a lost race throws VersionConflictError
 * carrying the current item, transactions cancel on a stale version, and batch writes (which
 * DynamoDB cannot make conditional) refuse versioned puts.
 */
import { describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import {
  ConditionFailedError,
  InvalidBatchError,
  TransactionCanceledError,
  VersionConflictError,
  defineEntity,
  defineTable,
  transactWrite,
} from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { failure } from '../support/failure.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);
const AppTable = defineTable({
  name: uniqueTableName('versioning'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: { gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } } },
});

const Doc = defineEntity({
  table: AppTable,
  name: 'Doc',
  schema: z.object({ docId: z.string(), folder: z.string(), title: z.string(), body: z.string().optional(), edits: z.number().int().optional() }),
  keys: { primary: { pk: 'DOC#{docId}', sk: 'DOC' }, gsi1: { pk: 'FOLDER#{folder}', sk: 'DOC#{docId}' } },
  version: 'version',
  timestamps: true,
});

/** Not versioned, to mix into transactions and batches. */
const Note = defineEntity({
  table: AppTable,
  name: 'Note',
  schema: z.object({ noteId: z.string(), text: z.string() }),
  keys: { primary: { pk: 'NOTE#{noteId}', sk: 'NOTE' } },
});

async function rawVersion(docId: string): Promise<unknown> {
  const { Item } = await doc.send(new GetCommand({ TableName: AppTable.name, Key: { pk: `DOC#${docId}`, sk: 'DOC' }, ConsistentRead: true }));
  return Item?.['version'];
}

useTable(AppTable, { clients: [client] });

describe('create, put, update, delete', () => {
  it('create writes version 1 (stored as a number) and resolves to the item with it', async () => {
    const created = await Doc.create({ docId: 'd1', folder: 'f', title: 'One' });
    expect(created.version).toBe(1);
    expect(await rawVersion('d1')).toBe(1);
    const read = await Doc.get({ docId: 'd1' }).consistent();
    expect(read).toMatchObject({ docId: 'd1', title: 'One', version: 1 });
  });

  it('create ignores a version in the input: a new item always starts at 1', async () => {
    const created = await Doc.create({ docId: 'd-new', folder: 'f', title: 'x', version: 41 });
    expect(created.version).toBe(1);
    expect(await rawVersion('d-new')).toBe(1);
    // And it is still a create: the item exists now.
    const e = await failure(Doc.create({ docId: 'd-new', folder: 'f', title: 'again' }), ConditionFailedError);
    expect(e.operation).toBe('create');
    // On a versioned entity, as a put without a version: a conflict with the stored item, which it carries.
    expect(e).toBeInstanceOf(VersionConflictError);
    expect((e as VersionConflictError).expectedVersion).toBeUndefined();
    expect(e.message).toMatch(/^Doc: create expected no stored item but the stored item has version 1/);
    expect(e.item).toMatchObject({ docId: 'd-new', version: 1 });
  });

  it('put with the version read checks it and increments it', async () => {
    const v1 = (await Doc.get({ docId: 'd1' }).consistent())!;
    const v2 = await Doc.put({ ...v1, title: 'One (edited)' });
    expect(v2.version).toBe(2);
    expect(await rawVersion('d1')).toBe(2);
    // The same stale copy again: the stored version is 2 now.
    const e = await failure(Doc.put({ ...v1, title: 'stale' }), VersionConflictError);
    expect(e.expectedVersion).toBe(1);
    expect(e.operation).toBe('put');
    expect(e.item).toMatchObject({ docId: 'd1', title: 'One (edited)', version: 2 });
    expect(e).toBeInstanceOf(ConditionFailedError);
    expect((await Doc.get({ docId: 'd1' }).consistent())!.title).toBe('One (edited)');
  });

  it('put without a version must create the item: it fails on an existing one, with the current item', async () => {
    const e = await failure(Doc.put({ docId: 'd1', folder: 'f', title: 'blind overwrite' }), VersionConflictError);
    expect(e.expectedVersion).toBeUndefined();
    expect(e.item).toMatchObject({ title: 'One (edited)', version: 2 });
    const fresh = await Doc.put({ docId: 'd2', folder: 'f', title: 'Two' });
    expect(fresh.version).toBe(1);
  });

  it('update with the expected version increments it; a stale one conflicts and changes nothing', async () => {
    const updated = await Doc.update({ docId: 'd1', version: 2 }).set({ body: 'hello' }).add({ edits: 1 }).returning('ALL_NEW');
    expect(updated).toMatchObject({ body: 'hello', edits: 1, version: 3 });
    const e = await failure(Doc.update({ docId: 'd1', version: 2 }).set({ body: 'lost' }), VersionConflictError);
    expect(e.operation).toBe('update');
    expect(e.expectedVersion).toBe(2);
    expect(e.item).toMatchObject({ body: 'hello', version: 3 });
    expect(await rawVersion('d1')).toBe(3);
  });

  it('update without a version does not check but still increments', async () => {
    await Doc.update({ docId: 'd1' }).add({ edits: 1 });
    expect(await rawVersion('d1')).toBe(4);
  });

  it('upsert of a missing item starts at version 1', async () => {
    await Doc.update({ docId: 'd-up' }).set({ folder: 'f', title: 'Upserted' }).upsert();
    expect(await rawVersion('d-up')).toBe(1);
  });

  it('update of a missing item with a version is a conflict with no current item', async () => {
    const e = await failure(Doc.update({ docId: 'nope', version: 1 }).set({ title: 'x' }), VersionConflictError);
    expect(e.item).toBeUndefined();
    expect(e.message).toMatch(/does not exist/);
  });

  it('a failed where() with the right version is a ConditionFailedError, not a version conflict', async () => {
    const e = await failure(Doc.update({ docId: 'd1', version: 4 }).set({ title: 'x' }).where(Doc.Attr('title').eq('something else')), ConditionFailedError);
    expect(e).not.toBeInstanceOf(VersionConflictError);
    expect(e.item).toMatchObject({ version: 4 });
    expect(await rawVersion('d1')).toBe(4);
  });

  it('the version is readable in conditions and reads (get, query)', async () => {
    expect(await Doc.get({ docId: 'd1' }).consistent()).toMatchObject({ version: 4 });
    const { items } = await Doc.query('gsi1', Doc.Key('folder').eq('f')).filter(Doc.Attr('version').gte(2));
    expect(items.map((d) => [d.docId, d.version])).toEqual([['d1', 4]]);
  });

  it('delete with a stale version conflicts and keeps the item; with the current one it deletes', async () => {
    const e = await failure(Doc.delete({ docId: 'd2', version: 7 }), VersionConflictError);
    expect(e.operation).toBe('delete');
    expect(e.item).toMatchObject({ docId: 'd2', version: 1 });
    expect(await rawVersion('d2')).toBe(1);
    await Doc.delete({ docId: 'd2', version: 1 });
    expect(await Doc.get({ docId: 'd2' }).consistent()).toBeUndefined();
    // Deleting it again with a version: there is no item with that version any more.
    const gone = await failure(Doc.delete({ docId: 'd2', version: 1 }), VersionConflictError);
    expect(gone.item).toBeUndefined();
  });

  it('rejects a version that is not a non-negative integer before sending', async () => {
    await expect(Doc.update({ docId: 'd1', version: -1 }).set({ title: 'x' })).rejects.toThrow(/version must be a non-negative integer/);
    await expect(Doc.put({ docId: 'd1', folder: 'f', title: 'x', version: 1.5 })).rejects.toThrow(/version must be a non-negative integer/);
  });
});

describe('reading the version', () => {
  it('get().project() and query/scan project() can read the managed version attribute', async () => {
    await Doc.create({ docId: 'd-proj', folder: 'proj', title: 'x' });
    await Doc.update({ docId: 'd-proj' }).set({ title: 'y' });
    expect(await Doc.get({ docId: 'd-proj' }).consistent().project('title', 'version')).toEqual({ title: 'y', version: 2 });
    const scanned = await Doc.scan().filter(Doc.Attr('folder').eq('proj')).project('version').all();
    expect(scanned).toEqual([{ version: 2 }]);
  });
});

describe('read, change, put back (the pattern versioning is for)', () => {
  it('keeps the creation time of the item read; updatedAt moves; a put without a version starts anew', async () => {
    const created = await Doc.create({ docId: 'd-keep', folder: 'keep', title: 'v1' });
    await new Promise((r) => setTimeout(r, 5));
    const read = (await Doc.get({ docId: 'd-keep' }).consistent())!;
    const written = await Doc.put({ ...read, title: 'v2' });
    expect(written.createdAt).toBe(created.createdAt);
    expect(written.updatedAt > created.updatedAt).toBe(true);
    expect(await Doc.get({ docId: 'd-keep' }).consistent()).toMatchObject({ title: 'v2', version: 2, createdAt: created.createdAt });
    // A stale read fails its version check: the createdAt it carries is never written.
    await expect(Doc.put({ ...read, title: 'stale' })).rejects.toBeInstanceOf(VersionConflictError);
    // Without a version (a new item), the creation time is now, whatever the input says.
    const fresh = await Doc.put({ docId: 'd-keep-new', folder: 'keep', title: 'n', createdAt: '2000-01-01T00:00:00.000Z' } as never);
    expect((fresh as { createdAt: string }).createdAt).not.toBe('2000-01-01T00:00:00.000Z');
  });
});

describe('two writers with the same read version', () => {
  it('update: exactly one wins; the loser gets VersionConflictError with the winner’s item', async () => {
    await Doc.create({ docId: 'race-u', folder: 'r', title: 'start' });
    const read = (await Doc.get({ docId: 'race-u' }).consistent())!;
    const results = await Promise.allSettled([
      Doc.update({ docId: 'race-u', version: read.version }).set({ title: 'writer A' }),
      Doc.update({ docId: 'race-u', version: read.version }).set({ title: 'writer B' }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const err = lost[0]!.reason as VersionConflictError;
    expect(err).toBeInstanceOf(VersionConflictError);
    const stored = (await Doc.get({ docId: 'race-u' }).consistent())!;
    expect(stored.version).toBe(2);
    expect(err.item).toEqual(stored);
    expect(stored.title).toBe(results[0]!.status === 'fulfilled' ? 'writer A' : 'writer B');
  });

  it('put: exactly one of many wins', async () => {
    await Doc.create({ docId: 'race-p', folder: 'r', title: 'start' });
    const read = (await Doc.get({ docId: 'race-p' }).consistent())!;
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => Doc.put({ ...read, title: `writer ${i}` })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(errors).toHaveLength(4);
    for (const e of errors) expect(e).toBeInstanceOf(VersionConflictError);
    const stored = (await Doc.get({ docId: 'race-p' }).consistent())!;
    expect(stored.version).toBe(2);
    const winner = results.findIndex((r) => r.status === 'fulfilled');
    expect(stored.title).toBe(`writer ${winner}`);
  });

  it('re-reading and retrying after a conflict goes through', async () => {
    const read = (await Doc.get({ docId: 'race-u' }).consistent())!;
    await failure(Doc.update({ docId: 'race-u', version: read.version - 1 }).set({ title: 'stale' }), VersionConflictError);
    const again = (await Doc.get({ docId: 'race-u' }).consistent())!;
    await Doc.update({ docId: 'race-u', version: again.version }).set({ title: 'merged' });
    expect(await Doc.get({ docId: 'race-u' }).consistent()).toMatchObject({ title: 'merged', version: 3 });
  });
});

describe('transactions', () => {
  it('versioned writes in a transaction check and increment the version', async () => {
    await Doc.create({ docId: 't1', folder: 't', title: 'T1' });
    await Doc.create({ docId: 't2', folder: 't', title: 'T2' });
    await transactWrite([
      Doc.update({ docId: 't1', version: 1 }).set({ title: 'T1 v2' }),
      Doc.put({ docId: 't2', folder: 't', title: 'T2 v2', version: 1 }),
      Doc.create({ docId: 't3', folder: 't', title: 'T3' }),
      Note.put({ noteId: 'n1', text: 'alongside' }),
    ]);
    expect(await rawVersion('t1')).toBe(2);
    expect(await rawVersion('t2')).toBe(2);
    expect(await rawVersion('t3')).toBe(1);
  });

  it('a stale version cancels the whole transaction with a ConditionalCheckFailed reason carrying the current item', async () => {
    const e = await failure(
      transactWrite([
        Note.put({ noteId: 'n2', text: 'must not be written' }),
        Doc.update({ docId: 't1', version: 1 }).set({ title: 'stale' }),
        Doc.delete({ docId: 't3', version: 1 }),
      ]),
      TransactionCanceledError,
    );
    expect(e.reasons.map((r) => r.code)).toEqual(['None', 'ConditionalCheckFailed', 'None']);
    expect(e.reasons[1]!.entity).toBe('Doc');
    expect(e.reasons[1]!.item).toMatchObject({ docId: 't1', title: 'T1 v2', version: 2 });
    expect(e.message).toContain('ConditionalCheckFailed (version conflict: expected version 1 but the stored item has version 2)');
    // Nothing was written.
    expect(await Note.get({ noteId: 'n2' }).consistent()).toBeUndefined();
    expect(await rawVersion('t3')).toBe(1);
    expect(await rawVersion('t1')).toBe(2);
  });

  it('a stale put and a delete with the right version: only the put fails', async () => {
    const e = await failure(
      transactWrite([Doc.put({ docId: 't2', folder: 't', title: 'stale put', version: 1 }), Doc.delete({ docId: 't3', version: 1 })]),
      TransactionCanceledError,
    );
    expect(e.reasons.map((r) => r.code)).toEqual(['ConditionalCheckFailed', 'None']);
    expect(e.reasons[0]!.item).toMatchObject({ title: 'T2 v2', version: 2 });
    expect(e.message).toMatch(/^transaction cancelled: #0 put Doc .*: ConditionalCheckFailed \(version conflict: expected version 1 but the stored item has version 2\)$/);
    await transactWrite([Doc.delete({ docId: 't3', version: 1 })]);
    expect(await rawVersion('t3')).toBeUndefined();
  });

  it('a create that finds a stored item reads as the version conflict it is alone', async () => {
    const e = await failure(transactWrite([Doc.create({ docId: 't1', folder: 't', title: 'again' }), Note.put({ noteId: 'n3', text: 'must not be written' })]), TransactionCanceledError);
    expect(e.reasons.map((r) => r.code)).toEqual(['ConditionalCheckFailed', 'None']);
    expect(e.message).toMatch(/^transaction cancelled: #0 create Doc .*: ConditionalCheckFailed \(version conflict: expected no stored item but the stored item has version 2\)$/);
    const alone = await failure(Doc.create({ docId: 't1', folder: 't', title: 'again' }), VersionConflictError);
    expect(alone.message).toMatch(/^Doc: create expected no stored item but the stored item has version 2/);
  });
});

describe('batch writes (BatchWriteItem has no conditions)', () => {
  it('refuses a versioned put: the version could not be checked', async () => {
    // @ts-expect-error a versioned entity's put: the types refuse it; the run time too, for untyped callers
    const e = await failure(AppTable.batchWrite([Note.put({ noteId: 'b1', text: 'ok' }), Doc.put({ docId: 'b1', folder: 'b', title: 'x' })]), InvalidBatchError);
    expect(e.message).toMatch(/write #1: .*optimistic locking.*BatchWriteItem/);
    // Nothing was sent.
    expect(await Note.get({ noteId: 'b1' }).consistent()).toBeUndefined();
  });

  it('the streaming batch writer refuses it at once', async () => {
    const writer = AppTable.batchWriter();
    // @ts-expect-error as above
    expect(() => writer.put(Doc, { docId: 'b2', folder: 'b', title: 'x' })).toThrow(InvalidBatchError);
    writer.put(Note, { noteId: 'b2', text: 'fine' });
    await writer.close();
    expect(await Note.get({ noteId: 'b2' }).consistent()).toMatchObject({ text: 'fine' });
  });

  it('non-versioned entities batch as usual', async () => {
    const result = await AppTable.batchWrite([Note.put({ noteId: 'b3', text: 'a' }), Note.put({ noteId: 'b4', text: 'b' })]);
    expect(result.written).toBe(2);
  });

  // A batched delete cannot carry the version check (BatchWriteItem has no conditions), so a
  // delete that names a version is refused like a versioned put, and the item stays.
  it('refuses a versioned delete that names a version', async () => {
    await Doc.create({ docId: 'b5', folder: 'b', title: 'x' });
    await Doc.update({ docId: 'b5' }).set({ title: 'y' }); // version 2 now
    // @ts-expect-error the types refuse it too (its guard is 'version'); this is an untyped caller
    const e = await failure(AppTable.batchWrite([Doc.delete({ docId: 'b5', version: 1 })]), InvalidBatchError);
    expect(e.message).toMatch(/write #0: .*version/);
    expect(await Doc.get({ docId: 'b5' }).consistent()).toMatchObject({ version: 2 });
  });
});
