/**
 * `put().returning('ALL_OLD')` against DynamoDB Local: the put resolves to the item it replaced, in
 * model form; to `undefined` when there was none or when it was another entity's item under the
 * same key. In transactions and batches (which return no items) it sends nothing extra.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { defineEntity, defineTable, ItemParseError, transactWrite, type EntityItem } from '../../src/index.js';
import { failure } from '../support/failure.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const sent: Record<string, unknown>[] = [];
client.middlewareStack.add(
  (next) => async (args) => {
    sent.push(args.input as Record<string, unknown>);
    return next(args);
  },
  { step: 'initialize', name: 'recordInputs' },
);

const Store = defineTable({ name: uniqueTableName('putold'), client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });

const Doc = defineEntity({
  table: Store,
  name: 'Doc',
  schema: z.object({ id: z.string(), title: z.string(), savedAt: z.date(), tags: z.set(z.string()).optional() }),
  keys: { primary: { pk: 'K#{id}', sk: 'ITEM' } },
  timestamps: true,
});

/** Another entity whose keys can land on a Doc's. */
const Draft = defineEntity({
  table: Store,
  name: 'Draft',
  schema: z.object({ id: z.string(), body: z.string() }),
  keys: { primary: { pk: 'K#{id}', sk: 'ITEM' } },
});

useTable(Store, { clients: [client] });

const doc = (title: string) => ({ id: 'd1', title, savedAt: new Date('2024-01-02T03:04:05Z'), tags: new Set(['a']) });

describe("put().returning('ALL_OLD')", () => {
  it('resolves to undefined for a new item, then to the item each put replaced, parsed', async () => {
    const first = await Doc.put(doc('v1')).returning('ALL_OLD');
    expectTypeOf(first).toEqualTypeOf<EntityItem<typeof Doc> | undefined>();
    expect(first).toBeUndefined();
    const replaced = await Doc.put(doc('v2')).returning('ALL_OLD');
    expect(replaced).toMatchObject({ id: 'd1', title: 'v1', tags: new Set(['a']) });
    expect(replaced!.savedAt).toBeInstanceOf(Date);
    expect(typeof replaced!.createdAt).toBe('string');
    expect((await Doc.get({ id: 'd1' }))?.title).toBe('v2');
    // without returning(), put still resolves to what it stored
    expect((await Doc.put(doc('v3'))).title).toBe('v3');
  });

  it("another entity's item under the same key is replaced, and not returned as a Doc", async () => {
    await Draft.put({ id: 'd2', body: 'draft' });
    expect(await Doc.put({ ...doc('v1'), id: 'd2' }).returning('ALL_OLD')).toBeUndefined();
    expect((await Doc.get({ id: 'd2' }))?.title).toBe('v1');
  });

  it('build() shows ReturnValues; a condition and returning() combine', async () => {
    expect(Doc.put(doc('x')).returning('ALL_OLD').build().ReturnValues).toBe('ALL_OLD');
    expect(Doc.put(doc('x')).build().ReturnValues).toBeUndefined();
    const old = await Doc.put(doc('v4')).where(Doc.Attr('title').eq('v3')).returning('ALL_OLD');
    expect(old?.title).toBe('v3');
  });

  it('in a transaction and a batch it sends no ReturnValues', async () => {
    const before = sent.length;
    await transactWrite([Doc.put({ ...doc('t'), id: 'd3' }).returning('ALL_OLD')]);
    await Store.batchWrite([Doc.put({ ...doc('b'), id: 'd4' }).returning('ALL_OLD')]);
    const inputs = sent.slice(before);
    expect(inputs).toHaveLength(2);
    expect(JSON.stringify(inputs)).not.toContain('ReturnValues"');
    expect((await Doc.get({ id: 'd3' }))?.title).toBe('t');
    expect((await Doc.get({ id: 'd4' }))?.title).toBe('b');
  });
});

describe('the item a write returns, written by an older schema', () => {
  // The write was done, and the returned item failed to parse: the ItemParseError read as a failed
  // put, which a caller would retry (an update's ADD twice).
  it("put, update and delete returning it: ItemParseError that says the write was done, and it was", async () => {
    const stored = Doc.put({ ...doc('old'), id: 'o1' }).build().Item as Record<string, unknown>;
    const { title: _missing, ...older } = stored;
    const writeOlder = () => testDocClient(client).send(new PutCommand({ TableName: Store.name, Item: older }));
    await writeOlder();
    const put = await failure(Doc.put({ ...doc('new'), id: 'o1' }).returning('ALL_OLD'), ItemParseError);
    expect(put).toMatchObject({ entity: 'Doc', written: 'put', issues: [{ path: 'title' }], raw: { pk: 'K#o1' } });
    expect(put.message).toBe('Doc: the put was done, but the item it returned does not match the schema: title: Invalid input: expected string, received undefined');
    expect((await Doc.get({ id: 'o1' }))?.title).toBe('new');

    await writeOlder();
    const update = await failure(Doc.update({ id: 'o1' }).set({ tags: new Set(['z']) }).returning('ALL_NEW'), ItemParseError);
    expect(update.written).toBe('update');
    const updated = await testDocClient(client).send(new GetCommand({ TableName: Store.name, Key: { pk: 'K#o1', sk: 'ITEM' } }));
    expect(updated.Item?.['tags']).toEqual(new Set(['z']));
    await writeOlder();
    const removed = await failure(Doc.delete({ id: 'o1' }).returning('ALL_OLD'), ItemParseError);
    expect(removed.written).toBe('delete');
    expect(await Doc.get({ id: 'o1' })).toBeUndefined();
    // A read of such an item says nothing about a write.
    await writeOlder();
    expect((await failure(Doc.get({ id: 'o1' }), ItemParseError)).written).toBeUndefined();
  });
});
