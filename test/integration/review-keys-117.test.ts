/**
 * helper-117's bug hunt on keys: index keys an upsert writes for a created item, built from schema
 * defaults, against items stored with null in such a composite (DynamoDB Local).
 */
import { describe, expect, it } from 'vitest';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ConditionFailedError, defineEntity, defineTable, TransactionCanceledError, transactWrite } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);

const Table117 = defineTable({
  name: uniqueTableName('keys117'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: {
    gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } },
  },
});

/** `board` composes gsi1 and may be null (the task is on no board: out of the sparse index). */
const Task = defineEntity({
  table: Table117,
  name: 'Task',
  schema: z.object({
    id: z.string(),
    board: z.string().nullable().default('inbox'),
    title: z.string(),
  }),
  keys: {
    primary: { pk: 'TASK#{id}', sk: 'TASK' },
    gsi1: { pk: 'BOARD#{board}', sk: 'TASK#{id}' },
  },
});

/** The same under storedAs: the guard names the stored attribute. */
const Note = defineEntity({
  table: Table117,
  name: 'Note',
  schema: z.object({ id: z.string(), folder: z.string().nullable().default('inbox'), text: z.string() }),
  storedAs: { folder: 'fld' },
  keys: {
    primary: { pk: 'NOTE#{id}', sk: 'NOTE' },
    gsi1: { pk: 'BOARD#{folder}', sk: 'NOTE#{id}' },
  },
});

/** Two defaulted composites in one index key: each must fit, not one of them. */
const Card = defineEntity({
  table: Table117,
  name: 'Card',
  schema: z.object({ id: z.string(), board: z.string().nullable().default('inbox'), lane: z.string().nullable().default('todo'), text: z.string() }),
  keys: {
    primary: { pk: 'CARD#{id}', sk: 'CARD' },
    gsi1: { pk: 'BOARD#{board}#{lane}', sk: 'CARD#{id}' },
  },
});

useTable(Table117, { clients: [client] });

async function onBoard(board: string): Promise<unknown[]> {
  const out = await doc.send(
    new QueryCommand({ TableName: Table117.name, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': `BOARD#${board}` } }),
  );
  return (out.Items ?? []).map((i) => i['id']);
}

const stored = async (id: string) => (await doc.send(new GetCommand({ TableName: Table117.name, Key: { pk: `TASK#${id}`, sk: 'TASK' } }))).Item;

describe('upsert: index keys built from a nullable composite default', () => {
  it('an item stored with the composite null is not indexed under the default: the upsert fails and writes nothing', async () => {
    await Task.put({ id: 't1', board: null, title: 'a' });
    const before = await stored('t1');
    expect(before?.['gsi1pk']).toBeUndefined();
    // Before the fix: title became 'b' and gsi1pk 'BOARD#inbox', though board stayed null.
    await expect(Task.update({ id: 't1' }).set({ title: 'b' }).upsert()).rejects.toThrow(ConditionFailedError);
    expect(await stored('t1')).toEqual(before);
    expect(await onBoard('inbox')).toEqual([]);
    expect(Task.update({ id: 't1' }).set({ title: 'b' }).upsert().checks()).toContain('a stored item without gsi1pk must hold no board or the default');
  });

  it('the same in a transaction: cancelled, nothing written', async () => {
    await Task.put({ id: 't2', board: null, title: 'a' });
    const before = await stored('t2');
    await expect(transactWrite([Task.update({ id: 't2' }).set({ title: 'b' }).upsert()])).rejects.toThrow(TransactionCanceledError);
    expect(await stored('t2')).toEqual(before);
    expect(await onBoard('inbox')).toEqual([]);
  });

  it('a created item still gets the default and its index key; a stored item with a board keeps its own', async () => {
    await Task.update({ id: 't3' }).set({ title: 'new' }).upsert();
    expect(await Task.get({ id: 't3' })).toEqual({ id: 't3', board: 'inbox', title: 'new' });
    expect(await onBoard('inbox')).toEqual(['t3']);
    await Task.put({ id: 't4', board: 'work', title: 'a' });
    await Task.update({ id: 't4' }).set({ title: 'b' }).upsert();
    expect(await Task.get({ id: 't4' })).toEqual({ id: 't4', board: 'work', title: 'b' });
    expect(await onBoard('work')).toEqual(['t4']);
  });

  it('an upsert that sets the composite (null or a value) needs no guard and rewrites the key', async () => {
    await Task.put({ id: 't5', board: null, title: 'a' });
    const input = Task.update({ id: 't5' }).set({ board: 'home', title: 'a' }).upsert().build();
    expect(input.ConditionExpression).not.toContain('attribute_type');
    await Task.update({ id: 't5' }).set({ board: 'home', title: 'a' }).upsert();
    expect(await onBoard('home')).toEqual(['t5']);
    await Task.update({ id: 't5' }).set({ board: null, title: 'a' }).upsert();
    expect((await stored('t5'))?.['gsi1pk']).toBeUndefined();
  });

  it('an item stored before the index had keys (board set, no gsi1pk) is not indexed under the default: refused', async () => {
    const old = { pk: 'TASK#t6', sk: 'TASK', _et: 'Task', id: 't6', board: 'work', title: 'a' };
    await doc.send(new PutCommand({ TableName: Table117.name, Item: old }));
    // Before the fix: gsi1pk 'BOARD#inbox' was written next to board 'work'.
    await expect(Task.update({ id: 't6' }).set({ title: 'b' }).upsert()).rejects.toThrow(ConditionFailedError);
    expect(await stored('t6')).toEqual(old);
    // One holding the default, or no board, gets the key the upsert builds: it is the item's.
    await doc.send(new PutCommand({ TableName: Table117.name, Item: { ...old, pk: 'TASK#t7', id: 't7', board: 'inbox' } }));
    await doc.send(new PutCommand({ TableName: Table117.name, Item: { pk: 'TASK#t8', sk: 'TASK', _et: 'Task', id: 't8', title: 'a' } }));
    await Task.update({ id: 't7' }).set({ title: 'b' }).upsert();
    await Task.update({ id: 't8' }).set({ title: 'b' }).upsert();
    expect(await Task.get({ id: 't8' })).toEqual({ id: 't8', board: 'inbox', title: 'b' });
    expect(await onBoard('work')).not.toContain('t6');
    expect(await onBoard('inbox')).toEqual(expect.arrayContaining(['t7', 't8']));
  });

  it('with storedAs, the guard reads the stored name', async () => {
    await Note.put({ id: 'n1', folder: null, text: 'a' });
    await expect(Note.update({ id: 'n1' }).set({ text: 'b' }).upsert()).rejects.toThrow(ConditionFailedError);
    expect((await Note.get({ id: 'n1' }))?.text).toBe('a');
    await Note.put({ id: 'n2', folder: 'inbox', text: 'a' });
    await Note.update({ id: 'n2' }).set({ text: 'b' }).upsert();
    await Note.update({ id: 'n3' }).set({ text: 'c' }).upsert();
    expect(await onBoard('inbox')).toEqual(expect.arrayContaining(['n2', 'n3']));
    expect(await onBoard('inbox')).not.toContain('n1');
  });
});

describe('upsert: an index key with two defaulted composites', () => {
  it('a stored item without the key, one composite absent and the other not its default, fails: every composite must fit', async () => {
    await Card.put({ id: 'c1', board: 'inbox', lane: 'doing', text: 'a' });
    // As if written before the index had templates: no board, no index keys, lane 'doing'.
    await doc.send(new UpdateCommand({ TableName: Table117.name, Key: { pk: 'CARD#c1', sk: 'CARD' }, UpdateExpression: 'REMOVE board, gsi1pk, gsi1sk' }));
    const key = { pk: 'CARD#c1', sk: 'CARD' };
    const before = (await doc.send(new GetCommand({ TableName: Table117.name, Key: key }))).Item;
    expect(before?.['lane']).toBe('doing');
    // With the composites' conditions ORed, the absent board let it through and gsi1pk became
    // 'BOARD#inbox#todo' while lane stayed 'doing'.
    await expect(Card.update({ id: 'c1' }).set({ text: 'b' }).upsert()).rejects.toThrow(ConditionFailedError);
    expect((await doc.send(new GetCommand({ TableName: Table117.name, Key: key }))).Item).toEqual(before);
  });

  it('a missing item is still created with both defaults and their key', async () => {
    await Card.update({ id: 'c2' }).set({ text: 'new' }).upsert();
    const item = (await doc.send(new GetCommand({ TableName: Table117.name, Key: { pk: 'CARD#c2', sk: 'CARD' } }))).Item;
    expect(item).toMatchObject({ board: 'inbox', lane: 'todo', gsi1pk: 'BOARD#inbox#todo' });
  });
});
