/**
 * Key attributes that are schema attributes (`partitionKey: { name: 'id' }` with `pk: '{id}'`), as
 * tables not designed for dynakit have them, against DynamoDB Local: the attribute is stored once,
 * as itself, read back as a field, and an update of it moves the item in its index without a second
 * action on the same path (which DynamoDB refuses).
 */
import { describe, expect, it } from 'vitest';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { defineEntity, defineTable, KeyError, transactWrite } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);

/** An existing table: plain attribute names as keys, no discriminator. */
const Players = defineTable({
  name: uniqueTableName('selfkeys'),
  client,
  partitionKey: { name: 'id', type: 'S' },
  indexes: {
    byEmail: { type: 'global', partitionKey: { name: 'email', type: 'S' } },
    byTeam: { type: 'global', partitionKey: { name: 'team', type: 'S' }, sortKey: { name: 'score', type: 'N' } },
  },
  entityAttribute: false,
});

const Player = defineEntity({
  table: Players,
  name: 'Player',
  schema: z.object({ id: z.string(), email: z.string(), team: z.string().optional(), score: z.number().int(), name: z.string() }),
  keys: { primary: { pk: '{id}' }, byEmail: { pk: '{email}' }, byTeam: { pk: '{team}', sk: '{score}' } },
});

useTable(Players, { clients: [client] });

const stored = async (id: string) => (await doc.send(new GetCommand({ TableName: Players.name, Key: { id } }))).Item;

describe('key attributes that are the schema attributes themselves', () => {
  it('a put stores each attribute once, as itself, and every read finds the item', async () => {
    await Player.put({ id: 'p1', email: 'ada@example.com', team: 'red', score: 7, name: 'Ada' });
    expect(await stored('p1')).toEqual({ id: 'p1', email: 'ada@example.com', team: 'red', score: 7, name: 'Ada' });
    expect(await Player.get({ id: 'p1' })).toEqual({ id: 'p1', email: 'ada@example.com', team: 'red', score: 7, name: 'Ada' });
    expect((await Player.query('byEmail', Player.Key('email').eq('ada@example.com')).all()).map((p) => p.id)).toEqual(['p1']);
    const red = await Player.query('byTeam', Player.Key('team').eq('red').and(Player.Key('score').gte(5))).all();
    expect(red.map((p) => p.name)).toEqual(['Ada']);
    // a global index's query may filter on the table's key attribute (DynamoDB refuses only the index's own keys)
    expect((await Player.query('byEmail', Player.Key('email').eq('ada@example.com')).filter(Player.Attr('id').eq('p1')).all()).map((p) => p.id)).toEqual(['p1']);
    expect(() => Player.query('byTeam', Player.Key('team').eq('red')).filter(Player.Attr('score').gt(1)).build()).toThrow(/a query filter cannot use the key attributes of the index it queries \(byTeam\), and score is one/);
  });

  it('items written by another program are read as they are', async () => {
    await doc.send(new PutCommand({ TableName: Players.name, Item: { id: 'p2', email: 'bo@example.com', team: 'red', score: 3, name: 'Bo' } }));
    expect(await Player.get({ id: 'p2' })).toMatchObject({ email: 'bo@example.com', score: 3 });
    const red = await Player.query('byTeam', Player.Key('team').eq('red')).all();
    expect(red.map((p) => [p.name, p.score])).toEqual([['Bo', 3], ['Ada', 7]]);
  });

  it('an update of a key attribute is one action: the item moves in its index', async () => {
    const input = Player.update({ id: 'p1' }).set({ email: 'ada@new.example', score: 9 }).build();
    expect(input.UpdateExpression?.match(/#\w+ = /g)).toHaveLength(2);
    await Player.update({ id: 'p1' }).set({ email: 'ada@new.example', score: 9 });
    expect(await stored('p1')).toEqual({ id: 'p1', email: 'ada@new.example', team: 'red', score: 9, name: 'Ada' });
    expect(await Player.query('byEmail', Player.Key('email').eq('ada@example.com')).all()).toEqual([]);
    expect((await Player.query('byEmail', Player.Key('email').eq('ada@new.example')).all()).map((p) => p.id)).toEqual(['p1']);
    expect((await Player.query('byTeam', Player.Key('team').eq('red').and(Player.Key('score').gt(8))).all()).map((p) => p.id)).toEqual(['p1']);
  });

  it('removing an optional key attribute takes the item out of that index', async () => {
    await Player.update({ id: 'p2' }).remove('team');
    expect(await stored('p2')).not.toHaveProperty('team');
    expect((await Player.query('byTeam', Player.Key('team').eq('red')).all()).map((p) => p.id)).toEqual(['p1']);
  });

  it('an upsert creates the item: its partition key comes from the Key, not a SET of it', async () => {
    await Player.update({ id: 'p3' }).upsert().set({ email: 'cy@example.com', score: 1, name: 'Cy' });
    expect(await stored('p3')).toEqual({ id: 'p3', email: 'cy@example.com', score: 1, name: 'Cy' });
    await Player.update({ id: 'p3' }).upsert().set({ email: 'cy@example.com', score: 2, name: 'Cy' });
    expect((await stored('p3'))?.['score']).toBe(2);
  });

  it('an update stores in a key attribute only what a put would: a KeyError before sending, the item unchanged', async () => {
    await Player.put({ id: 'p4', email: 'di@example.com', team: 'blue', score: 4, name: 'Di' });
    const before = await stored('p4');
    // DynamoDB refuses an empty string or an oversized value in an index key ("ValidationException");
    // a put says so as a KeyError naming the index, and so must an update of the same attribute.
    expect(() => Player.put({ id: 'p5', email: '', score: 1, name: 'E' }).build()).toThrow(/byEmail\.pk: email cannot be empty/);
    expect(() => Player.update({ id: 'p4' }).set({ email: '' }).build()).toThrow(/byEmail\.pk: email cannot be empty/);
    expect(() => Player.update({ id: 'p4' }).set({ team: '' }).build()).toThrow(KeyError);
    expect(() => Player.update({ id: 'p4' }).set({ email: 'x'.repeat(2049) }).build()).toThrow(/over DynamoDB's limit of 2048 bytes/);
    expect(() => Player.update({ id: 'p4' }).setIfNotExists({ email: '' }).build()).toThrow(KeyError);
    expect(() => Player.update({ id: 'p5' }).upsert().set({ email: '', score: 1, name: 'E' }).build()).toThrow(KeyError);
    await expect(Player.update({ id: 'p4' }).set({ email: '', name: 'Dee' })).rejects.toThrow(KeyError);
    await expect(transactWrite([Player.update({ id: 'p4' }).set({ team: '' })])).rejects.toThrow(KeyError);
    expect(await stored('p4')).toEqual(before);
  });

  it('null in a key attribute is refused before sending (DynamoDB stores no NULL in a key; leave it out instead)', async () => {
    const Seats = defineTable({
      name: uniqueTableName('selfkeys-null'),
      client,
      partitionKey: { name: 'id', type: 'S' },
      indexes: { byRow: { type: 'global', partitionKey: { name: 'row', type: 'S' } } },
    });
    const Seat = defineEntity({ table: Seats, name: 'Seat', schema: z.object({ id: z.string(), row: z.string().nullable().optional() }), keys: { primary: { pk: '{id}' }, byRow: { pk: '{row}' } } });
    expect(() => Seat.put({ id: 's1', row: null }).build()).toThrow(/byRow\.pk: row is the key of index byRow/);
    expect(() => Seat.update({ id: 's1' }).set({ row: null }).build()).toThrow(KeyError);
    expect(() => Seat.update({ id: 's1' }).upsert().set({ row: null }).build()).toThrow(KeyError);
    // Absent is fine: the item is not in the index.
    expect(Seat.put({ id: 's1' }).build().Item).toEqual({ id: 's1', _et: 'Seat' });
    expect(Seat.update({ id: 's1' }).remove('row').build().UpdateExpression).toMatch(/^REMOVE /);
  });

  it('a key of another kind than the attribute stays refused (a boolean would be stored as text in an S key)', () => {
    const Flags = defineTable({ name: uniqueTableName('selfkeys-flags'), client, partitionKey: { name: 'active', type: 'S' } });
    expect(() => defineEntity({ table: Flags, name: 'Flag', schema: z.object({ active: z.boolean() }), keys: { primary: { pk: '{active}' } } })).toThrow(KeyError);
  });
});

describe('with a discriminator', () => {
  const Mixed = defineTable({
    name: uniqueTableName('selfkeys-et'),
    client,
    partitionKey: { name: 'id', type: 'S' },
    // Another entity's index: Thing has no keys on it, but a field of that name.
    indexes: { byStatus: { type: 'global', partitionKey: { name: 'status', type: 'S' } } },
  });
  const Thing = defineEntity({
    table: Mixed,
    name: 'Thing',
    schema: z.object({ id: z.string(), label: z.string(), status: z.string().optional() }).catchall(z.string()),
    keys: { primary: { pk: '{id}' } },
  });
  useTable(Mixed);

  it('the attribute is stored once, next to the discriminator, also with a catchall schema', async () => {
    await Thing.put({ id: 't1', label: 'one', status: 'new', extra: 'x' });
    const raw = (await doc.send(new GetCommand({ TableName: Mixed.name, Key: { id: 't1' } }))).Item;
    // `status` is a schema field here (the key of an index Thing has no keys on): kept, not dropped as a stale key.
    expect(raw).toEqual({ id: 't1', label: 'one', status: 'new', extra: 'x', _et: 'Thing' });
    expect(await Thing.get({ id: 't1' })).toEqual({ id: 't1', label: 'one', status: 'new', extra: 'x' });
    await Thing.update({ id: 't1' }).set({ label: 'uno' });
    expect(await Thing.get({ id: 't1' })).toMatchObject({ label: 'uno' });
  });
});
