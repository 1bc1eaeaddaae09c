/**
 * A versioned write that expects a version when no item is stored (deleted since it was read, or
 * never there), against DynamoDB Local (docs/locking-and-ttl.md): a VersionConflictError with
 * `expectedVersion` and no `item`, and nothing written.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConditionFailedError, defineEntity, defineTable, TransactionCanceledError, transactWrite, VersionConflictError } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const Docs = defineTable({ name: uniqueTableName('versioned-missing'), client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
const Doc = defineEntity({ table: Docs, name: 'Doc', schema: z.object({ docId: z.string(), title: z.string() }), keys: { primary: { pk: 'DOC#{docId}', sk: 'DOC' } }, version: 'version' });
/** Another entity under the same keys. */
const Note = defineEntity({ table: Docs, name: 'Note', schema: z.object({ docId: z.string(), title: z.string() }), keys: { primary: { pk: 'DOC#{docId}', sk: 'DOC' } } });
useTable(Docs, { clients: [client] });

async function failure(p: PromiseLike<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('the write succeeded');
}

describe('a versioned write on a missing item', () => {
  it.each([
    ['update', () => Doc.update({ docId: 'gone', version: 3 }).set({ title: 'x' })],
    ['update with upsert() (an expected version means the item must exist)', () => Doc.update({ docId: 'gone', version: 3 }).set({ title: 'x' }).upsert()],
    ['delete', () => Doc.delete({ docId: 'gone', version: 3 })],
    ['put', () => Doc.put({ docId: 'gone', title: 'x', version: 3 })],
  ] as const)('%s: VersionConflictError, expectedVersion set, no item, nothing written', async (_label, write) => {
    const e = await failure(write());
    expect(e).toBeInstanceOf(VersionConflictError);
    expect((e as VersionConflictError).expectedVersion).toBe(3);
    expect((e as VersionConflictError).item).toBeUndefined();
    expect(e.message).toMatch(/^Doc: (update|delete|put) expected version 3 but the stored item does not exist$/);
    expect(await Doc.get({ docId: 'gone' }).consistent()).toBeUndefined();
  });

  it('without a version: update throws a plain ConditionFailedError, delete does nothing', async () => {
    const e = await failure(Doc.update({ docId: 'gone' }).set({ title: 'x' }));
    expect(e).toBeInstanceOf(ConditionFailedError);
    expect(e).not.toBeInstanceOf(VersionConflictError);
    await expect(Doc.delete({ docId: 'gone' }).send()).resolves.toBeUndefined();
  });

  it("another entity's item under the key is a plain ConditionFailedError carrying that item as stored", async () => {
    await Note.put({ docId: 'note', title: 'n' });
    for (const write of [Doc.update({ docId: 'note', version: 1 }).set({ title: 'x' }), Doc.delete({ docId: 'note', version: 1 })]) {
      const e = await failure(write);
      expect(e).toBeInstanceOf(ConditionFailedError);
      expect(e).not.toBeInstanceOf(VersionConflictError);
      expect((e as ConditionFailedError).item).toMatchObject({ _et: 'Note', title: 'n' });
    }
  });

  it('in a transaction: cancelled with ConditionalCheckFailed, the reason saying no item exists', async () => {
    for (const action of [Doc.update({ docId: 'gone', version: 3 }).set({ title: 'x' }), Doc.delete({ docId: 'gone', version: 3 })]) {
      const e = await failure(transactWrite([action]));
      expect(e).toBeInstanceOf(TransactionCanceledError);
      const [reason] = (e as TransactionCanceledError).reasons;
      expect(reason).toMatchObject({ code: 'ConditionalCheckFailed', item: undefined });
      expect(e.message).toContain('version conflict: expected version 3 but the stored item does not exist');
    }
  });
});
