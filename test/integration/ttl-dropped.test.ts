/**
 * An entity that had `ttl: 'expiresAt'` and then dropped it: the items written before still hold
 * epoch seconds (N) in that attribute, where a Date is now stored as ISO text. dynakit stores a Date
 * as a number nowhere but at the TTL attribute, so a number at a top-level Date attribute can only
 * be such epoch seconds: every read takes it as that Date. Inside maps and lists there never was a
 * TTL, so a number at a nested Date position is still refused; and a Date schema that takes numbers
 * itself (`z.coerce.date()`) keeps its own reading of them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ItemParseError, defineEntity, defineTable, transactGet } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { failure } from '../support/failure.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);
const tableName = uniqueTableName('ttl-dropped');

const table = () =>
  defineTable({
    name: tableName,
    client,
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    indexes: { gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } } },
  });
const fields = {
  sessionId: z.string(),
  userId: z.string(),
  expiresAt: z.date().optional(),
  seen: z.object({ at: z.date() }).optional(),
};
const keys = { primary: { pk: 'SESSION#{sessionId}', sk: 'SESSION' }, gsi1: { pk: 'USER#{userId}', sk: 'SESSION#{sessionId}' } } as const;

/** The definition that wrote the older items. */
const Before = table();
const SessionBefore = defineEntity({ table: Before, name: 'Session', schema: z.object(fields), keys, ttl: 'expiresAt' });
/** Today's: no ttl, the same table. */
const After = table();
const Session = defineEntity({ table: After, name: 'Session', schema: z.object(fields), keys });
/** Items another service writes, with epoch milliseconds the schema converts itself. */
const Imported = defineEntity({ table: After, name: 'Imported', schema: z.object({ id: z.string(), at: z.coerce.date() }), keys: { primary: { pk: 'IMPORTED#{id}', sk: 'IMPORTED' } } });
const LooseSession = defineEntity({ table: After, name: 'LooseSession', schema: z.looseObject(fields), keys: { primary: { pk: 'LOOSE#{sessionId}', sk: 'SESSION' } } });

useTable(Before, { clients: [client] });

// Whole seconds, far ahead: epoch seconds hold no milliseconds, and nothing expires during the run.
const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 30 * 86_400_000);

beforeAll(async () => {
  await SessionBefore.put({ sessionId: 's1', userId: 'u1', expiresAt });
  await doc.send(new PutCommand({ TableName: tableName, Item: { pk: 'LOOSE#s2', sk: 'SESSION', _et: 'LooseSession', sessionId: 's2', userId: 'u1', expiresAt: expiresAt.getTime() / 1000 } }));
});

describe('a former TTL attribute read by a definition without ttl', () => {
  it('is stored as epoch seconds', async () => {
    const { Item } = await doc.send(new GetCommand({ TableName: tableName, Key: { pk: 'SESSION#s1', sk: 'SESSION' }, ConsistentRead: true }));
    expect(Item?.['expiresAt']).toBe(expiresAt.getTime() / 1000);
  });

  it('get, a projected get, query, scan, batchGet, transactGet and a table-level scan read it as the Date', async () => {
    const item = { sessionId: 's1', userId: 'u1', expiresAt };
    expect(await Session.get({ sessionId: 's1' }).consistent()).toEqual(item);
    expect(await Session.get({ sessionId: 's1' }).project('expiresAt')).toEqual({ expiresAt });
    expect((await Session.query('gsi1', Session.Key('userId').eq('u1'))).items).toEqual([item]);
    expect(await Session.scan().all()).toEqual([item]);
    expect(await Session.batchGet([{ sessionId: 's1' }])).toEqual([item]);
    expect(await transactGet([Session.get({ sessionId: 's1' })])).toEqual([item]);
    const { items } = await After.scan().all();
    expect(items.filter((i) => i._et === 'Session')).toEqual([{ ...item, _et: 'Session' }]);
  });

  it('a schema that keeps unknown attributes reads it as the Date too', async () => {
    expect(await LooseSession.get({ sessionId: 's2' }).consistent()).toEqual({ sessionId: 's2', userId: 'u1', expiresAt });
  });

  it('update returning the old values reads it as the Date; the new value is stored as ISO text', async () => {
    const later = new Date(expiresAt.getTime() + 1000);
    expect(await Session.update({ sessionId: 's1' }).set({ expiresAt: later }).returning('UPDATED_OLD')).toEqual({ expiresAt });
    const { Item } = await doc.send(new GetCommand({ TableName: tableName, Key: { pk: 'SESSION#s1', sk: 'SESSION' }, ConsistentRead: true }));
    expect(Item?.['expiresAt']).toBe(later.toISOString());
    expect(await Session.update({ sessionId: 's1' }).set({ expiresAt }).returning('ALL_OLD')).toEqual({ sessionId: 's1', userId: 'u1', expiresAt: later });
  });

  it('a Date schema that takes numbers itself (z.coerce.date(): milliseconds) keeps its own reading', async () => {
    await doc.send(new PutCommand({ TableName: tableName, Item: { pk: 'IMPORTED#i1', sk: 'IMPORTED', _et: 'Imported', id: 'i1', at: 1_700_000_000_000 } }));
    expect(await Imported.get({ id: 'i1' }).consistent()).toEqual({ id: 'i1', at: new Date(1_700_000_000_000) });
  });

  it('a number too large to be epoch seconds (milliseconds, written by something else) is refused, not read 1000 times too far', async () => {
    await doc.send(new PutCommand({ TableName: tableName, Item: { pk: 'SESSION#s4', sk: 'SESSION', _et: 'Session', sessionId: 's4', userId: 'u4', expiresAt: expiresAt.getTime() } }));
    const e = await failure(Session.get({ sessionId: 's4' }), ItemParseError);
    expect(e.issues.map((i) => i.path)).toEqual(['expiresAt']);
  });

  it('a number at a nested Date position was never a TTL: still an ItemParseError naming the path', async () => {
    await doc.send(new PutCommand({ TableName: tableName, Item: { pk: 'SESSION#s3', sk: 'SESSION', _et: 'Session', sessionId: 's3', userId: 'u3', seen: { at: 1_700_000_000 } } }));
    const e = await failure(Session.get({ sessionId: 's3' }), ItemParseError);
    expect(e.entity).toBe('Session');
    expect(e.issues.map((i) => i.path)).toEqual(['seen.at']);
  });
});
