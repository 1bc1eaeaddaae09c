/**
 * What users of ElectroDB and DynamoDB-Toolbox reported in their issue trackers, tried with dynakit
 * against DynamoDB Local. Each describe() names the issue it comes from; each test does what that
 * user tried and pins what dynakit does about it.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, ExpressionError, KeyError, transactWrite } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { failure } from '../support/failure.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);

const Desk = defineTable({
  name: uniqueTableName('user-asks'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: {
    gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } },
    // The "inverted index" of the table's own key attributes: no extra attributes to store.
    inverted: { type: 'global', partitionKey: { name: 'sk', type: 'S' }, sortKey: { name: 'pk', type: 'S' } },
    // Two indexes over one partition attribute (same partitions, other orders).
    byTeamName: { type: 'global', partitionKey: { name: 'teamPk', type: 'S' }, sortKey: { name: 'byName', type: 'S' } },
    byTeamRank: { type: 'global', partitionKey: { name: 'teamPk', type: 'S' }, sortKey: { name: 'byRank', type: 'S' } },
  },
});

/** A ticket of an issue tracker, listed per organisation by status (an optional composite: a sparse index). */
const Ticket = defineEntity({
  table: Desk,
  name: 'Ticket',
  schema: z.object({
    ticketId: z.string(),
    orgId: z.string(),
    title: z.string(),
    status: z.string().optional(),
    assignee: z.string().optional(),
    notes: z.string().default('none'),
    labels: z.set(z.string()).optional(),
    views: z.number().int().optional(),
    history: z.array(z.string()).optional(),
  }),
  keys: {
    primary: { pk: 'TICKET#{ticketId}', sk: 'TICKET' },
    gsi1: { pk: 'ORG#{orgId}', sk: 'STATUS#{status}#{ticketId}' },
  },
  timestamps: true,
});

useTable(Desk, { clients: [client] });

async function raw(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
  return (await doc.send(new GetCommand({ TableName: Desk.name, Key: { pk, sk }, ConsistentRead: true }))).Item;
}

// https://github.com/tywalch/electrodb/issues/256 (upsert resets createdAt), https://github.com/tywalch/electrodb/issues/404
// (upsert applies defaults over stored values), https://github.com/dynamodb-toolbox/dynamodb-toolbox/issues/410 (an update
// erases an unrelated attribute), https://github.com/tywalch/electrodb/issues/339 (remove in an upsert)
describe('upsert and update leave what they do not name alone (electrodb#256, #404, #339; toolbox#410)', () => {
  it('an upsert of an existing item keeps createdAt and stored values of defaulted attributes; it can remove too', async () => {
    const first = await Ticket.put({ ticketId: 'u1', orgId: 'ups', title: 'a', notes: 'kept', assignee: 'ada' });
    await new Promise((r) => setTimeout(r, 5));
    const after = await Ticket.update({ ticketId: 'u1' }).set({ title: 'b', orgId: 'ups' }).remove('assignee').upsert().returning('ALL_NEW');
    expect(after.createdAt).toBe(first.createdAt);
    expect(after.updatedAt > first.updatedAt).toBe(true);
    expect(after.notes).toBe('kept');
    expect(after.assignee).toBeUndefined();
    expect(after.title).toBe('b');

    const plain = await Ticket.update({ ticketId: 'u1' }).set({ title: 'c' }).returning('ALL_NEW');
    expect(plain).toMatchObject({ notes: 'kept', title: 'c', createdAt: first.createdAt });
  });
});

// https://github.com/dynamodb-toolbox/dynamodb-toolbox/issues/546 (an empty string deletes the attribute on update)
describe('empty strings (toolbox#546)', () => {
  it('an empty string is stored as an empty string, by put and by update', async () => {
    await Ticket.put({ ticketId: 'e1', orgId: 'empty', title: '', notes: '' });
    expect(await raw('TICKET#e1', 'TICKET')).toMatchObject({ title: '', notes: '' });
    await Ticket.update({ ticketId: 'e1' }).set({ title: 'x' });
    await Ticket.update({ ticketId: 'e1' }).set({ title: '' });
    expect(await Ticket.get({ ticketId: 'e1' })).toMatchObject({ title: '', notes: '' });
  });
});

// https://github.com/tywalch/electrodb/issues/464 (projecting an optional attribute the item lacks hides the item)
describe('projections of optional attributes an item lacks (electrodb#464)', () => {
  it('get, query and batchGet return the item as an empty object, not as missing', async () => {
    await Ticket.put({ ticketId: 'p1', orgId: 'proj', title: 't', status: 'open' });
    expect(await Ticket.get({ ticketId: 'p1' }).project('assignee')).toEqual({});
    const q = await Ticket.query('gsi1', Ticket.Key('orgId').eq('proj')).project('assignee').all();
    expect(q).toEqual([{}]);
    expect(await Ticket.batchGet([{ ticketId: 'p1' }, { ticketId: 'nope' }]).project('assignee')).toEqual([{}, undefined]);
  });
});

// https://github.com/tywalch/electrodb/issues/416 (an inverted index on the table's own sk and pk)
// https://github.com/tywalch/electrodb/issues/176 (an index key attribute that is also the table's key attribute)
describe('an index whose key attributes are the table key attributes (electrodb#416, #176)', () => {
  const Follow = defineEntity({
    table: Desk,
    name: 'Follow',
    schema: z.object({ follower: z.string(), followed: z.string(), since: z.number().int() }),
    keys: {
      primary: { pk: 'USER#{follower}', sk: 'FOLLOWS#{followed}' },
      inverted: { pk: 'FOLLOWS#{followed}', sk: 'USER#{follower}' },
    },
  });

  it('the same templates, flipped, read both directions of one relation item', async () => {
    await Follow.put({ follower: 'ann', followed: 'bob', since: 1 });
    await Follow.put({ follower: 'cid', followed: 'bob', since: 2 });
    expect(await Follow.get({ follower: 'ann', followed: 'bob' })).toEqual({ follower: 'ann', followed: 'bob', since: 1 });
    const followersOfBob = await Follow.query('inverted', Follow.Key('followed').eq('bob')).all();
    expect(followersOfBob.map((f) => f.follower)).toEqual(['ann', 'cid']);
  });

  it('an upsert of such an entity writes no index key that is the table key itself (DynamoDB refuses SET of pk or sk)', async () => {
    const created = await Follow.update({ follower: 'dan', followed: 'bob' }).set({ since: 3 }).upsert().returning('ALL_NEW');
    expect(created).toEqual({ follower: 'dan', followed: 'bob', since: 3 });
    const again = await Follow.update({ follower: 'dan', followed: 'bob' }).set({ since: 4 }).upsert().returning('ALL_NEW');
    expect(again.since).toBe(4);
    await transactWrite([Follow.update({ follower: 'eve', followed: 'bob' }).set({ since: 5 }).upsert()]);
    const followersOfBob = await Follow.query('inverted', Follow.Key('followed').eq('bob')).all();
    expect(followersOfBob.map((f) => f.follower)).toEqual(['ann', 'cid', 'dan', 'eve']);
  });

  it('templates that would build one key attribute two ways are refused when the entity is defined', () => {
    const define = () =>
      defineEntity({
        table: Desk,
        name: 'FollowMismatch',
        schema: z.object({ follower: z.string(), followed: z.string() }),
        keys: {
          primary: { pk: 'USER#{follower}', sk: 'FOLLOWS#{followed}' },
          inverted: { pk: 'FOLLOWED#{followed}', sk: 'USER#{follower}' },
        },
      });
    expect(define).toThrow(KeyError);
    expect(define).toThrow('key attribute sk is built by "FOLLOWS#{followed}" (primary.sk) and by "FOLLOWED#{followed}" (inverted.pk)');
  });
});

// https://github.com/tywalch/electrodb/issues/482 (two access patterns over one index partition attribute)
describe('two indexes that share their partition key attribute (electrodb#482)', () => {
  const Player = defineEntity({
    table: Desk,
    name: 'Player',
    schema: z.object({ playerId: z.string(), team: z.string().optional(), name: z.string(), rank: z.number().int() }),
    keys: {
      primary: { pk: 'PLAYER#{playerId}', sk: 'PLAYER' },
      byTeamName: { pk: 'TEAM#{team}', sk: '{name}#{playerId}' },
      byTeamRank: { pk: 'TEAM#{team}', sk: '{rank}#{playerId}' },
    },
  });
  const team = async (index: 'byTeamName' | 'byTeamRank', t: string) =>
    (await Player.query(index, Player.Key('team').eq(t)).all()).map((p) => p.playerId);

  it('an update of the shared composite rewrites the shared key attribute once, and both indexes follow', async () => {
    await Player.put({ playerId: 'p1', team: 'red', name: 'Zed', rank: 2 });
    await Player.put({ playerId: 'p2', team: 'red', name: 'Amy', rank: 1 });
    await Player.update({ playerId: 'p1' }).set({ team: 'blue' });
    expect(await team('byTeamName', 'blue')).toEqual(['p1']);
    expect(await team('byTeamRank', 'red')).toEqual(['p2']);

    await Player.update({ playerId: 'p2' }).remove('team');
    expect(await team('byTeamName', 'red')).toEqual([]);
    expect(await team('byTeamRank', 'red')).toEqual([]);

    await Player.update({ playerId: 'p3' }).set({ team: 'blue', name: 'Bo', rank: 3 }).upsert();
    expect(await team('byTeamName', 'blue')).toEqual(['p3', 'p1']);
    expect(await team('byTeamRank', 'blue')).toEqual(['p1', 'p3']);
  });
});

// https://github.com/dynamodb-toolbox/dynamodb-toolbox/issues/566 (an empty set stored as NULL; ADD then fails with
// "An operand in the update expression has an incorrect data type", which names no attribute)
describe('an update whose stored operand has another type than the schema says (toolbox#566)', () => {
  it('ADD, DELETE, append and arithmetic on such attributes fail with an ExpressionError naming them, the SDK error as cause', async () => {
    // As another program (or DynamoDB-Toolbox v0 given an empty array) wrote it: NULL where the schema has a set.
    await doc.send(
      new PutCommand({
        TableName: Desk.name,
        Item: { pk: 'TICKET#legacy', sk: 'TICKET', _et: 'Ticket', ticketId: 'legacy', orgId: 'old', title: 't', notes: 'n', labels: null, views: 'many', history: 'x' },
      }),
    );
    const key = { ticketId: 'legacy' };
    for (const update of [Ticket.update(key).add({ labels: new Set(['bug']) }), Ticket.update(key).delete({ labels: new Set(['bug']) })]) {
      const e = await failure(update, ExpressionError);
      expect(e.path).toBe('labels');
      expect(e.message).toMatch(/labels.*incorrect data type/s);
      expect((e.cause as Error).name).toBe('ValidationException');
    }
    const add = await failure(Ticket.update(key).set({ title: 'x' }).add({ views: 1 }), ExpressionError);
    expect(add.path).toBe('views');
    const sum = await failure(Ticket.update(key).set({ views: Ticket.ref('views').ifNotExists(0).plus(1) }), ExpressionError);
    expect(sum.path).toBe('views');
    const append = await failure(Ticket.update(key).append({ history: ['opened'] }), ExpressionError);
    expect(append.path).toBe('history');
    // Nothing was written; the fix the message points to is to set the whole attribute.
    expect((await raw('TICKET#legacy', 'TICKET'))?.['title']).toBe('t');
    await Ticket.update(key).set({ labels: new Set(['bug']), views: 1, history: ['opened'] });
    expect(await Ticket.get(key)).toMatchObject({ labels: new Set(['bug']), views: 1, history: ['opened'] });
  });
});

// https://github.com/tywalch/electrodb/issues/265 (one attribute composing both the partition and the sort key)
describe('one composite in both halves of the primary key (electrodb#265)', () => {
  it('is a valid key: written, read back and queried', async () => {
    const Account = defineEntity({
      table: Desk,
      name: 'Account',
      schema: z.object({ userId: z.string(), email: z.string() }),
      keys: { primary: { pk: 'USER#{userId}', sk: 'USER#{userId}' } },
    });
    await Account.put({ userId: 'n1', email: 'n1@example.com' });
    expect(await raw('USER#n1', 'USER#n1')).toMatchObject({ userId: 'n1' });
    expect(await Account.get({ userId: 'n1' })).toEqual({ userId: 'n1', email: 'n1@example.com' });
    expect(await Account.query('primary', Account.Key('userId').eq('n1')).all()).toHaveLength(1);
  });
});

// https://github.com/dynamodb-toolbox/dynamodb-toolbox/issues/1123 (deleting a whole partition; DynamoDB-Toolbox has a
// DeletePartitionCommand, dynakit has no such call: a query's pages feed a batch writer)
describe('deleting every item of a partition (toolbox#1123)', () => {
  it('deleting the items of each page while paging through the partition deletes them all', async () => {
    const Bulk = defineEntity({
      table: Desk,
      name: 'Bulk',
      schema: z.object({ owner: z.string(), n: z.number().int() }),
      keys: { primary: { pk: 'OWNER#{owner}', sk: 'N#{n}' } },
    });
    await Desk.batchWrite(Array.from({ length: 60 }, (_, n) => Bulk.put({ owner: 'gone', n })));
    await Bulk.put({ owner: 'kept', n: 1 });
    {
      await using writer = Desk.batchWriter();
      for await (const page of Bulk.query('primary', Bulk.Key('owner').eq('gone')).project('n').pageSize(7).pages()) {
        for (const { n } of page.items) writer.delete(Bulk, { owner: 'gone', n });
      }
    }
    expect(await Bulk.query('primary', Bulk.Key('owner').eq('gone')).count()).toBe(0);
    expect(await Bulk.query('primary', Bulk.Key('owner').eq('kept')).count()).toBe(1);
  });
});
