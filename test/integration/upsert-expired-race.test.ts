/**
 * An upsert sent alone over an expired item of its entity deletes that item and sends itself again
 * (expired-upsert.ts). Another writer can act between those requests: here its write is injected
 * with AWS SDK middleware on the upsert's own client, right before the clearing DeleteItem or right
 * after it (before the second UpdateItem), on DynamoDB Local.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ConditionFailedError, defineEntity, defineTable } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { failure } from '../support/failure.js';
import { useTable } from '../support/tables.js';
import { expiredLongAgo } from '../support/ttl.js';

const client = testClient(); // the upsert's client: its DeleteItem lets the other writer in
const other = testDocClient(testClient()); // the other writer
const Sessions = defineTable({ name: uniqueTableName('upsert-race'), client, partitionKey: { name: 'pk', type: 'S' } });
useTable(Sessions, { clients: [client, other] });
const Session = defineEntity({
  table: Sessions,
  name: 'Session',
  schema: z.object({ sid: z.string(), user: z.string(), cart: z.array(z.string()).optional(), visits: z.number().optional(), expiresAt: z.date() }),
  keys: { primary: { pk: 'S#{sid}' } },
  ttl: 'expiresAt',
});

const HOUR = 3_600_000;
const epoch = (d: Date) => Math.floor(d.getTime() / 1000);
const later = () => new Date(Date.now() + HOUR);
const stored = async (sid: string) => (await other.send(new GetCommand({ TableName: Sessions.name, Key: { pk: `S#${sid}` }, ConsistentRead: true }))).Item;

type Moment = 'before the delete' | 'after the delete';
let hooks = 0;
/** Runs `write` once, at `moment` of the next clearing DeleteItem the upsert's client sends. */
function otherWriterAt(moment: Moment, write: () => Promise<unknown>): { readonly deletes: number } {
  const seen = { deletes: 0 };
  const name = `otherWriter${hooks++}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'DeleteItemCommand') return next(args);
      const first = seen.deletes++ === 0;
      if (first && moment === 'before the delete') await write();
      const out = await next(args);
      if (first && moment === 'after the delete') await write();
      return out;
    },
    { step: 'initialize', name },
  );
  added.push(name);
  return seen;
}
const added: string[] = [];
afterEach(() => {
  for (const n of added.splice(0)) client.middlewareStack.remove(n);
});

const putRaw = (item: Record<string, unknown>) => other.send(new PutCommand({ TableName: Sessions.name, Item: item }));
const expiredSession = (sid: string) => Session.put({ sid, user: 'mallory', cart: ['old'], visits: 41, expiresAt: expiredLongAgo() });
const upsert = (sid: string) => Session.update({ sid }).set({ user: 'alice', expiresAt: later() }).add({ visits: 1 }).upsert();

describe.each<Moment>(['before the delete', 'after the delete'])('another writer %s', (moment) => {
  it("creates a live item of the entity: the upsert merges into it (the other writer's attributes kept)", async () => {
    const sid = `live-${moment.length}`;
    await expiredSession(sid);
    const seen = otherWriterAt(moment, () => putRaw({ pk: `S#${sid}`, _et: 'Session', sid, user: 'bob', cart: ['bob'], visits: 7, expiresAt: epoch(later()) }));
    await upsert(sid);
    expect(seen.deletes).toBe(1);
    expect(await Session.get({ sid })).toMatchObject({ user: 'alice', cart: ['bob'], visits: 8 });
  });

  it("stores another entity's item: the upsert fails naming it, and that item is kept", async () => {
    const sid = `other-${moment.length}`;
    await expiredSession(sid);
    const theirs = { pk: `S#${sid}`, _et: 'Ticket', sid, seat: '12A' };
    otherWriterAt(moment, () => putRaw(theirs));
    const e = await failure(upsert(sid), ConditionFailedError);
    expect(e.message).toMatch(/the stored item belongs to Ticket \(its _et\)/);
    expect(await stored(sid)).toEqual(theirs);
  });

  it('deletes the item: the upsert creates it afresh', async () => {
    const sid = `gone-${moment.length}`;
    await expiredSession(sid);
    otherWriterAt(moment, () => other.send(new DeleteCommand({ TableName: Sessions.name, Key: { pk: `S#${sid}` } })));
    await upsert(sid);
    const now = await Session.get({ sid });
    expect(now).toMatchObject({ user: 'alice', visits: 1 });
    expect(now?.cart).toBeUndefined();
  });

  it('stores another expired item of the entity: the upsert clears it in turn and creates the item afresh', async () => {
    const sid = `again-${moment.length}`;
    await expiredSession(sid);
    const seen = otherWriterAt(moment, () => putRaw({ pk: `S#${sid}`, _et: 'Session', sid, user: 'trudy', cart: ['second'], expiresAt: epoch(expiredLongAgo(2)) }));
    await upsert(sid);
    const now = await Session.get({ sid });
    expect(now).toMatchObject({ user: 'alice', visits: 1 });
    expect(now?.cart).toBeUndefined();
    expect(seen.deletes).toBe(2);
  });
});
