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
    byLikes: { type: 'global', partitionKey: { name: 'likesPk', type: 'S' }, sortKey: { name: 'likes', type: 'N' } },
    // The "inverted index" of the table's own key attributes: no extra attributes to store.
    inverted: { type: 'global', partitionKey: { name: 'sk', type: 'S' }, sortKey: { name: 'pk', type: 'S' } },
    // Two indexes over one partition attribute (same partitions, other orders).
    byTeamName: { type: 'global', partitionKey: { name: 'teamPk', type: 'S' }, sortKey: { name: 'byName', type: 'S' } },
    byTeamRank: { type: 'global', partitionKey: { name: 'teamPk', type: 'S' }, sortKey: { name: 'byRank', type: 'S' } },
  },
});

/** A ticket: `status` composes the gsi1 sort key, so a ticket without one is out of gsi1 (sparse). */
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
    meta: z.object({ source: z.string(), extra: z.string().optional() }).optional(),
  }),
  keys: {
    primary: { pk: 'TICKET#{ticketId}', sk: 'TICKET' },
    gsi1: { pk: 'ORG#{orgId}', sk: 'STATUS#{status}#{ticketId}' },
  },
  timestamps: true,
});

/** An article's like counter, listed by a constant-partition index sorted by the raw number. */
const Article = defineEntity({
  table: Desk,
  name: 'Article',
  schema: z.object({ articleId: z.string(), likeCount: z.number().int() }),
  keys: {
    primary: { pk: 'ARTICLE#{articleId}', sk: 'ARTICLE' },
    byLikes: { pk: 'ARTICLE_LIKES', sk: '{likeCount}' },
  },
});

/** A member whose gsi1 key is built from its primary-key composite only, and whose owner is stored renamed. */
const Member = defineEntity({
  table: Desk,
  name: 'Member',
  schema: z.object({ memberId: z.string(), ownerId: z.string(), nick: z.string() }),
  keys: {
    primary: { pk: 'MEMBER#{memberId}', sk: 'MEMBER' },
    gsi1: { pk: 'OWNER#{ownerId}', sk: 'MEMBER#{memberId}' },
  },
  storedAs: { ownerId: 'owner_id' },
});

useTable(Desk, { clients: [client] });

async function raw(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
  return (await doc.send(new GetCommand({ TableName: Desk.name, Key: { pk, sk }, ConsistentRead: true }))).Item;
}

// https://github.com/tywalch/electrodb/issues/572 (GSI template keys not written by upsert/update)
describe('index keys written by update and upsert (electrodb#572)', () => {
  it('an upsert that creates the item writes the constant-partition index key and the raw number sort key', async () => {
    await Article.update({ articleId: 'a1' }).set({ likeCount: 3 }).upsert();
    expect(await raw('ARTICLE#a1', 'ARTICLE')).toMatchObject({ likesPk: 'ARTICLE_LIKES', likes: 3 });
    await Article.update({ articleId: 'a1' }).set({ likeCount: 7 });
    expect(await raw('ARTICLE#a1', 'ARTICLE')).toMatchObject({ likesPk: 'ARTICLE_LIKES', likes: 7 });
    const top = await Article.query('byLikes', Article.Key('likeCount').gt(5)).all();
    expect(top.map((a) => a.articleId)).toEqual(['a1']);
  });

  it('an ADD on a number that composes an index key is refused before sending, naming the key', async () => {
    const e = await failure(Article.update({ articleId: 'a1' }).add({ likeCount: 1 }), KeyError);
    expect(e.message).toMatch(/likeCount/);
    expect((await raw('ARTICLE#a1', 'ARTICLE'))?.['likes']).toBe(7);
  });
});

// https://github.com/tywalch/electrodb/issues/286 (index keys from primary-key composites, item created by update)
// https://github.com/tywalch/electrodb/issues/319 (update writes a renamed key composite under its model name)
describe('upsert with index keys from the primary key, and renamed composites (electrodb#286, #319)', () => {
  it('an upsert writes the gsi1 key composed of the key composite and a renamed attribute, under the stored name', async () => {
    await Member.update({ memberId: 'm1' }).set({ ownerId: 'o1', nick: 'Mo' }).upsert();
    const item = await raw('MEMBER#m1', 'MEMBER');
    expect(item).toMatchObject({ gsi1pk: 'OWNER#o1', gsi1sk: 'MEMBER#m1', owner_id: 'o1', memberId: 'm1' });
    expect(item).not.toHaveProperty('ownerId');

    await Member.update({ memberId: 'm1' }).set({ ownerId: 'o2' });
    const moved = await raw('MEMBER#m1', 'MEMBER');
    expect(moved).toMatchObject({ gsi1pk: 'OWNER#o2', gsi1sk: 'MEMBER#m1', owner_id: 'o2' });
    expect(moved).not.toHaveProperty('ownerId');
    expect((await Member.query('gsi1', Member.Key('ownerId').eq('o2')).all()).map((m) => m.nick)).toEqual(['Mo']);
  });
});

// https://github.com/tywalch/electrodb/issues/479 and https://github.com/tywalch/electrodb/issues/366 (sparse index not left)
// https://github.com/tywalch/electrodb/issues/445 (a partial index key written for a missing optional composite)
// https://github.com/tywalch/electrodb/issues/412 (an update rewrites the untouched half of an index key)
describe('sparse index membership follows the optional composite (electrodb#479, #366, #445, #412)', () => {
  const inGsi1 = async (orgId: string) => (await Ticket.query('gsi1', Ticket.Key('orgId').eq(orgId)).all()).map((t) => t.ticketId);

  it('a ticket put without status has no gsi1 sort key (not a partial "STATUS#" one), so it is not in gsi1', async () => {
    await Ticket.put({ ticketId: 's1', orgId: 'sparse', title: 'no status' });
    const item = await raw('TICKET#s1', 'TICKET');
    expect(item).not.toHaveProperty('gsi1sk');
    expect(await inGsi1('sparse')).toEqual([]);
  });

  it('setting status joins the index; removing it leaves the index; the partition half is rebuilt, not lost', async () => {
    await Ticket.update({ ticketId: 's1' }).set({ status: 'open', orgId: 'sparse' });
    expect(await raw('TICKET#s1', 'TICKET')).toMatchObject({ gsi1pk: 'ORG#sparse', gsi1sk: 'STATUS#open#s1' });
    expect(await inGsi1('sparse')).toEqual(['s1']);

    await Ticket.update({ ticketId: 's1' }).remove('status');
    const left = await raw('TICKET#s1', 'TICKET');
    expect(left).not.toHaveProperty('gsi1sk');
    expect(await inGsi1('sparse')).toEqual([]);

    await Ticket.update({ ticketId: 's1' }).set({ status: undefined, title: 'still none' });
    expect(await inGsi1('sparse')).toEqual([]);
  });

  it('an update of the sort-key composite alone keeps the partition half of the key', async () => {
    await Ticket.put({ ticketId: 's2', orgId: 'sparse2', title: 't', status: 'open' });
    await Ticket.update({ ticketId: 's2' }).set({ status: 'closed' });
    expect(await raw('TICKET#s2', 'TICKET')).toMatchObject({ gsi1pk: 'ORG#sparse2', gsi1sk: 'STATUS#closed#s2' });
  });
});

// https://github.com/tywalch/electrodb/issues/533 (a range condition on a leading sort-key composite crosses into other values)
describe('range conditions on a sort-key composite followed by another one (electrodb#533)', () => {
  it('gt/gte/lt/lte/between on status compare the whole status, not a prefix of the key', async () => {
    for (const [ticketId, status] of [['r1', 'closed'], ['r2', 'open'], ['r3', 'open'], ['r4', 'pending'], ['r5', 'openx']] as const) {
      await Ticket.put({ ticketId, orgId: 'range', title: ticketId, status });
    }
    const ids = async (read: { all(): Promise<{ ticketId: string }[]> }) => (await read.all()).map((t) => t.ticketId).sort();
    const org = Ticket.Key('orgId').eq('range');
    expect(await ids(Ticket.query('gsi1', org.and(Ticket.Key('status').gt('open'))))).toEqual(['r4', 'r5']);
    expect(await ids(Ticket.query('gsi1', org.and(Ticket.Key('status').gte('open'))))).toEqual(['r2', 'r3', 'r4', 'r5']);
    expect(await ids(Ticket.query('gsi1', org.and(Ticket.Key('status').lt('open'))))).toEqual(['r1']);
    expect(await ids(Ticket.query('gsi1', org.and(Ticket.Key('status').lte('open'))))).toEqual(['r1', 'r2', 'r3']);
    expect(await ids(Ticket.query('gsi1', org.and(Ticket.Key('status').between('closed', 'open'))))).toEqual(['r1', 'r2', 'r3']);
    expect(await ids(Ticket.query('gsi1', org.and(Ticket.Key('status').eq('open'))))).toEqual(['r2', 'r3']);
    expect(await ids(Ticket.query('gsi1', org.and(Ticket.Key('status').beginsWith('open'))))).toEqual(['r2', 'r3', 'r5']);
  });
});

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

  it('an upsert that creates the item fills the default and createdAt', async () => {
    const created = await Ticket.update({ ticketId: 'u2' }).set({ title: 'new', orgId: 'ups' }).upsert().returning('ALL_NEW');
    expect(created.notes).toBe('none');
    expect(created.createdAt).toBe(created.updatedAt);
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

// https://github.com/tywalch/electrodb/issues/371 (set() on a nested map replaces the whole map)
// https://github.com/dynamodb-toolbox/dynamodb-toolbox/issues/1119 ("document path provided in the update expression is invalid")
describe('nested map updates (electrodb#371, toolbox#1119)', () => {
  it('a dotted path changes one field and keeps its siblings', async () => {
    await Ticket.put({ ticketId: 'n1', orgId: 'nest', title: 't', meta: { source: 'mail', extra: 'x' } });
    const after = await Ticket.update({ ticketId: 'n1' }).set({ 'meta.source': 'web' }).returning('ALL_NEW');
    expect(after.meta).toEqual({ source: 'web', extra: 'x' });
  });

  it('a dotted path under a missing map fails with an ExpressionError naming the path, and the item is unchanged', async () => {
    await Ticket.put({ ticketId: 'n2', orgId: 'nest', title: 't' });
    const e = await failure(Ticket.update({ ticketId: 'n2' }).set({ 'meta.extra': 'y', title: 'changed' }), ExpressionError);
    expect(e.path).toContain('meta.extra');
    expect(e.message).toMatch(/meta/);
    expect((await Ticket.get({ ticketId: 'n2' }))?.title).toBe('t');
  });
});

// https://github.com/tywalch/electrodb/issues/569 (a cursor built from a projected item misses key parts)
// https://github.com/guregu/dynamo/issues/186 (with limit and a filter, the cursor points past returned items)
describe('cursors of projected and filtered reads (electrodb#569, guregu/dynamo#186)', () => {
  const seed = async () => {
    for (let i = 0; i < 9; i++) {
      await Ticket.put({ ticketId: `c${i}`, orgId: 'cursor', title: `t${i}`, status: i % 2 === 0 ? 'even' : 'odd', assignee: `a${i}` });
    }
  };
  const byOrg = () => Ticket.query('gsi1', Ticket.Key('orgId').eq('cursor'));

  it('a page projected to one attribute, stopped by limit mid-request, resumes from its cursor without skipping or repeating', async () => {
    await seed();
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let n = 0; n < 20; n++) {
      const page = await byOrg().project('title').limit(2).startAfter(cursor);
      for (const t of page.items) {
        expect(Object.keys(t)).toEqual(['title']);
        seen.push(t.title);
      }
      cursor = page.cursor;
      if (cursor === undefined) break;
    }
    expect(seen.sort()).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6', 't7', 't8']);
  });

  it('with a filter, limit and a small pageSize, each cursor resumes after the last item returned', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let n = 0; n < 20; n++) {
      const page = await byOrg().filter(Ticket.Attr('assignee').ne('a4')).pageSize(3).limit(2).startAfter(cursor);
      seen.push(...page.items.map((t) => t.ticketId));
      cursor = page.cursor;
      if (cursor === undefined) break;
    }
    expect(seen.sort()).toEqual(['c0', 'c1', 'c2', 'c3', 'c5', 'c6', 'c7', 'c8']);
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
