/** How an entry of `BatchWriteError.unprocessed` becomes a request again (`resendRequest`), without a server. */
import { describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { resendRequest } from '../../src/batch/resend.js';
import { listedWrite } from '../../src/batch/write-request.js';
import type { Table } from '../../src/entity/table.js';
import { z } from 'zod';
import { InvalidBatchError, InvalidResendError, KeyError, ValidationError, defineEntity, type UnprocessedWrite } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { failure } from '../support/failure.js';

const { AppTable, User, Order } = appModel(new DynamoDBClient({ region: 'us-east-1' }), 'ResendApp');
const table = AppTable as unknown as Table;
const ada = { userId: 'u1', orgId: 'acme', email: 'ada@example.com', name: 'Ada' };
const order = { orderId: 'o1', userId: 'u1', seq: 1, total: 10, placedAt: new Date('2024-01-01T00:00:00Z'), lines: [] };
const copy = (w: unknown): UnprocessedWrite => JSON.parse(JSON.stringify(w)) as UnprocessedWrite;
/** The InvalidResendError `refuse` throws. */
const refusal = (refuse: () => unknown): Promise<InvalidResendError> => failure(Promise.resolve().then(refuse), InvalidResendError);
/** Optimistic locking: its puts and versioned deletes need a condition, so no batch takes them. */
defineEntity({ table: AppTable, name: 'Doc', schema: z.object({ docId: z.string(), body: z.string() }), keys: { primary: { pk: 'DOC#{docId}', sk: 'DOC' } }, version: 'version' });

describe('resendRequest', () => {
  it('an entry dynakit listed resends the very request it was made from, through any table', () => {
    const put = User.put(ada).writeRequest();
    const del = AppTable.delete({ pk: 'USER#u1', sk: 'NOTE#1' }).writeRequest();
    // Only an entry the batch listed (as a BatchWriteError does) carries its request.
    expect(resendRequest(table, put.write)).not.toBe(put);
    expect(resendRequest(table, listedWrite(put))).toBe(put);
    expect(resendRequest(table, listedWrite(del))).toBe(del);
    expect(resendRequest(undefined, put.write)).toBe(put);
    // The entry shows nothing of it.
    expect(Object.keys(put.write)).toEqual(['type', 'entity', 'table', 'item']);
  });

  it('a copy is rebuilt through the entity it names: the same request, less the times a new put stamps', () => {
    const put = Order.put(order).writeRequest();
    const rebuiltPut = resendRequest(table, { type: 'put', entity: 'Order', table: 'ResendApp', item: order });
    expect(rebuiltPut).not.toBe(put);
    expect(rebuiltPut.request).toEqual(put.request);
    expect(rebuiltPut.id).toBe(put.id);
    const del = Order.delete({ userId: 'u1', seq: 1, orderId: 'o1' }).writeRequest();
    expect(resendRequest(table, copy(del.write)).request).toEqual(del.request);
    const tableDelete = AppTable.delete({ pk: 'USER#u1', sk: 'NOTE#1' }).writeRequest();
    expect(resendRequest(table, copy(tableDelete.write)).request).toEqual(tableDelete.request);
    const stamped = User.put(ada).withTimestamps({ createdAt: '2020-01-01T00:00:00.000Z', updatedAt: '2020-01-02T00:00:00.000Z' }).writeRequest();
    expect(resendRequest(table, copy(stamped.write)).request).toEqual(stamped.request);
  });

  it('a copy is validated as a new write', () => {
    expect(() => resendRequest(table, { type: 'put', entity: 'User', table: 'ResendApp', item: { ...ada, email: 'nope' } })).toThrow(ValidationError);
    expect(() => resendRequest(table, { type: 'delete', entity: 'User', table: 'ResendApp', key: {} })).toThrow();
    expect(() => resendRequest(table, { type: 'delete', entity: 'table ResendApp', table: 'ResendApp', key: { pk: 'USER#u1' } })).toThrow(KeyError);
    expect(() =>
      resendRequest(table, { type: 'put', entity: 'User', table: 'ResendApp', item: ada, timestamps: { createdAt: '2021-01-01T00:00:00.000Z', updatedAt: '2020-01-01T00:00:00.000Z' } }),
    ).toThrow(ValidationError);
  });

  it.each<[string, unknown, string, Pick<InvalidResendError, 'reason' | 'entity' | 'table'>]>([
    ['an unknown entity', { type: 'put', entity: 'Ghost', table: 'ResendApp', item: {} }, 'Ghost in table ResendApp: table ResendApp defines no entity Ghost (it defines User, Order', { reason: 'unknown-entity', entity: 'Ghost', table: 'ResendApp' }],
    ['another table', { type: 'delete', entity: 'User', table: 'Other', key: { userId: 'u1' } }, 'User in table Other: a delete listed for table Other cannot be resent through table ResendApp', { reason: 'other-table', entity: 'User', table: 'Other' }],
    ['a put by the table', { type: 'put', entity: 'table ResendApp', table: 'ResendApp', item: { pk: 'x', sk: 'y' } }, 'a table writes no items of its own', { reason: 'table-put', entity: 'table ResendApp', table: 'ResendApp' }],
    ['no item', { type: 'put', entity: 'User', table: 'ResendApp', key: { userId: 'u1' } }, 'User in table ResendApp: the put has no item object', { reason: 'no-item', entity: 'User', table: 'ResendApp' }],
    ['an update', { type: 'update', entity: 'User', table: 'ResendApp', key: {} }, "a write to resend is { type: 'put' | 'delete'", { reason: 'not-a-write', entity: 'User', table: 'ResendApp' }],
    ['no table', { type: 'put', entity: 'User', item: ada }, 'got an object with type, entity, item', { reason: 'not-a-write', entity: 'User', table: undefined }],
    ['null', null, 'got null', { reason: 'not-a-write', entity: undefined, table: undefined }],
  ])('refuses %s with InvalidResendError (an InvalidBatchError) naming the entity, the table and why', async (_, entry, message, fields) => {
    const error = await refusal(() => resendRequest(table, entry as UnprocessedWrite));
    expect(error).toBeInstanceOf(InvalidBatchError);
    expect(error).toMatchObject({ name: 'InvalidResendError', ...fields, index: undefined });
    expect(error.message).toContain(message);
  });

  it('batchWrite(entries) and writer.resend(entries) add the position of the refused entry, and keep the message', async () => {
    const ghost = { type: 'delete', entity: 'Ghost', table: 'ResendApp', key: { id: 'g' } } as unknown as UnprocessedWrite;
    const entries = [copy(User.put(ada).writeRequest().write), ghost];
    const viaBatch = await failure(AppTable.batchWrite(entries), InvalidResendError);
    expect(viaBatch).toMatchObject({ reason: 'unknown-entity', entity: 'Ghost', table: 'ResendApp', index: 1 });
    expect(viaBatch.message).toBe('write #1: Ghost in table ResendApp: table ResendApp defines no entity Ghost (it defines User, Order, Doc)');
    const viaWriter = await refusal(() => AppTable.batchWriter().resend([ghost]));
    expect(viaWriter).toMatchObject({ reason: 'unknown-entity', entity: 'Ghost', index: 0, message: 'write #0: Ghost in table ResendApp: table ResendApp defines no entity Ghost (it defines User, Order, Doc)' });
  });

  it('a copy naming a versioned entity is refused as a batch refuses its writes: no way round the version check', async () => {
    const put = { type: 'put', entity: 'Doc', table: 'ResendApp', item: { docId: 'd1', body: 'b', version: 3 } } as const;
    expect(() => resendRequest(table, put)).toThrow(InvalidBatchError);
    expect(() => resendRequest(table, put)).toThrow('Doc: the entity uses optimistic locking, which needs a condition');
    expect(await refusal(() => resendRequest(table, put))).toMatchObject({ name: 'InvalidResendError', reason: 'needs-condition', entity: 'Doc', table: 'ResendApp' });
    expect(() => resendRequest(table, { ...put, item: { docId: 'd1', body: 'b' } })).toThrow(InvalidBatchError);
    const versionedDelete = { type: 'delete', entity: 'Doc', table: 'ResendApp', key: { docId: 'd1', version: 3 } } as const;
    expect(() => resendRequest(table, versionedDelete)).toThrow('Doc: a delete with a version needs a condition');
  });

  it('without a table (a writer made with new BatchWriter(client)) a copy cannot be rebuilt', async () => {
    expect(() => resendRequest(undefined, copy(User.put(ada).writeRequest().write))).toThrow('User in table ResendApp: a put read back from JSON is rebuilt through its table');
    expect(await refusal(() => resendRequest(undefined, copy(User.put(ada).writeRequest().write)))).toMatchObject({ reason: 'no-table', entity: 'User', table: 'ResendApp' });
  });
});
