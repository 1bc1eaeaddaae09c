/**
 * A table without a discriminator (`entityAttribute: false`) against DynamoDB Local: an existing
 * one-entity table whose items were written by another program, without `_et`. Every item in it is
 * its one entity's: reads return such items, writes store none, and the guards that stood on the
 * discriminator stand on the item's existence instead.
 */
import { describe, expect, it } from 'vitest';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ConditionFailedError, defineEntity, defineTable, ExpressionError, TableDefinitionError, transactGet, transactWrite } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);

const Legacy = defineTable({
  name: uniqueTableName('nodisc'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: { byEmail: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' } } },
  entityAttribute: false,
  stream: 'NEW_AND_OLD_IMAGES',
});

const Account = defineEntity({
  table: Legacy,
  name: 'Account',
  // `_et` is no reserved name here: a legacy item may hold an attribute of any name.
  schema: z.object({ accountId: z.string(), email: z.string(), plan: z.enum(['free', 'pro']), _et: z.string().optional() }),
  keys: { primary: { pk: 'ACCOUNT#{accountId}', sk: 'META' }, byEmail: { pk: '{email}' } },
  version: 'v',
});

useTable(Legacy, { clients: [client] });

/** An item as the other program wrote it: keys and fields, no discriminator, no version. */
const putRaw = (accountId: string, plan: 'free' | 'pro') =>
  doc.send(new PutCommand({ TableName: Legacy.name, Item: { pk: `ACCOUNT#${accountId}`, sk: 'META', gsi1pk: `${accountId}@old.example`, accountId, email: `${accountId}@old.example`, plan } }));
const stored = async (accountId: string) => (await doc.send(new GetCommand({ TableName: Legacy.name, Key: { pk: `ACCOUNT#${accountId}`, sk: 'META' } }))).Item;

describe('a table without a discriminator', () => {
  it('reads items written without one: get, query, index query, scan, batch and transaction gets', async () => {
    await putRaw('a1', 'free');
    await putRaw('a2', 'pro');
    expect(await Account.get({ accountId: 'a1' })).toEqual({ accountId: 'a1', email: 'a1@old.example', plan: 'free' });
    expect(await Account.get({ accountId: 'a1' }).project('plan')).toEqual({ plan: 'free' });
    expect((await Account.query('primary', Account.Key('accountId').eq('a2')).all()).map((a) => a.plan)).toEqual(['pro']);
    expect((await Account.query('byEmail', Account.Key('email').eq('a2@old.example')).all()).map((a) => a.accountId)).toEqual(['a2']);
    const scanned = await Account.scan().filter(Account.Attr('plan').eq('pro')).all();
    expect(scanned.map((a) => a.accountId)).toEqual(['a2']);
    expect((await Account.batchGet([{ accountId: 'a1' }, { accountId: 'a2' }])).map((a) => a?.plan)).toEqual(['free', 'pro']);
    const [one] = await transactGet([Account.get({ accountId: 'a1' })]);
    expect(one?.plan).toBe('free');
  });

  it('sends no discriminator filter or condition', () => {
    const q = Account.query('primary', Account.Key('accountId').eq('a1')).build();
    expect(q.FilterExpression).toBeUndefined();
    expect(Account.delete({ accountId: 'a1' }).build().ConditionExpression).toBeUndefined();
    expect(Account.get({ accountId: 'a1' }).project('plan').build().ProjectionExpression).not.toContain('_et');
    const update = Account.update({ accountId: 'a1' }).set({ plan: 'pro' }).build();
    expect(update.ConditionExpression).toMatch(/^attribute_exists\((#\w+)\)$/);
    expect(update.ExpressionAttributeNames?.[update.ConditionExpression!.slice('attribute_exists('.length, -1)]).toBe('pk');
    expect(Account.update({ accountId: 'a1' }).upsert().set({ plan: 'pro', email: 'a1@new.example' }).build().ConditionExpression).toBeUndefined();
  });

  it('writes store none, and the item reads back', async () => {
    await Account.put({ accountId: 'n1', email: 'n1@new.example', plan: 'free' });
    const raw = await stored('n1');
    expect(raw).not.toHaveProperty('_et');
    expect(raw).toMatchObject({ pk: 'ACCOUNT#n1', sk: 'META', email: 'n1@new.example', v: 1 });
    await Account.update({ accountId: 'n1' }).upsert().set({ plan: 'pro', email: 'n1@new.example' });
    expect(await stored('n1')).not.toHaveProperty('_et');
    await Account.update({ accountId: 'u1' }).upsert().set({ plan: 'pro', email: 'u1@new.example' });
    expect(await stored('u1')).toMatchObject({ pk: 'ACCOUNT#u1', accountId: 'u1', plan: 'pro', v: 1 });
    expect(await stored('u1')).not.toHaveProperty('_et');
  });

  it('an update needs the item to exist; one of an item written without dynakit works', async () => {
    await expect(Account.update({ accountId: 'missing' }).set({ plan: 'pro' })).rejects.toThrow(ConditionFailedError);
    expect(await stored('missing')).toBeUndefined();
    await putRaw('a3', 'free');
    await Account.update({ accountId: 'a3' }).set({ plan: 'pro' });
    expect(await Account.get({ accountId: 'a3' })).toMatchObject({ plan: 'pro', v: 1 });
  });

  it('a failed condition names only the checks sent: no discriminator guard is claimed', async () => {
    await putRaw('m1', 'free');
    // The only condition sent is the caller's where() (and, for update, that the item exists):
    // "must belong to Account" would send the reader looking for a discriminator the table lacks.
    const failure = async (p: PromiseLike<unknown>) => {
      try {
        await p;
      } catch (e) {
        return e as Error;
      }
      throw new Error('the write succeeded');
    };
    const where = Account.Attr('plan').eq('pro');
    const del = await failure(Account.delete({ accountId: 'm1' }).where(where));
    expect(del).toBeInstanceOf(ConditionFailedError);
    expect(del.message).toBe('Account: delete condition failed: its where() condition must hold');
    const upsert = await failure(Account.update({ accountId: 'm1' }).upsert().set({ plan: 'pro', email: 'm1@old.example' }).where(where));
    expect(upsert.message).toBe('Account: update condition failed: its where() condition must hold');
    const missing = await failure(Account.update({ accountId: 'ghost' }).set({ plan: 'pro' }));
    expect(missing.message).toBe('Account: update condition failed: the item must exist (update() does not create items; upsert() does)');
    const tx = await failure(transactWrite([Account.delete({ accountId: 'm1' }).where(where)]));
    expect(tx.message).not.toContain('belong');
  });

  it('a delete removes an item written without one; a transaction writes too', async () => {
    await putRaw('d1', 'free');
    await Account.delete({ accountId: 'd1' });
    expect(await stored('d1')).toBeUndefined();
    await putRaw('t1', 'free');
    await transactWrite([Account.update({ accountId: 't1' }).set({ plan: 'pro' }), Account.put({ accountId: 't2', email: 't2@new.example', plan: 'free' })]);
    expect((await stored('t1'))?.['plan']).toBe('pro');
    expect(await stored('t2')).not.toHaveProperty('_et');
  });

  it('parses every stream record as its entity', () => {
    const record = {
      eventName: 'MODIFY',
      eventSourceARN: `arn:aws:dynamodb:us-east-1:000000000000:table/${Legacy.name}/stream/2026-01-01T00:00:00.000`,
      dynamodb: {
        Keys: { pk: { S: 'ACCOUNT#a1' }, sk: { S: 'META' } },
        OldImage: { pk: { S: 'ACCOUNT#a1' }, sk: { S: 'META' }, accountId: { S: 'a1' }, email: { S: 'a1@old.example' }, plan: { S: 'free' } },
        NewImage: { pk: { S: 'ACCOUNT#a1' }, sk: { S: 'META' }, accountId: { S: 'a1' }, email: { S: 'a1@old.example' }, plan: { S: 'pro' } },
      },
    };
    const event = Legacy.parseStreamRecord(record);
    expect(event).toMatchObject({ type: 'MODIFY', entity: 'Account', keys: { accountId: 'a1' }, oldItem: { plan: 'free' }, newItem: { plan: 'pro' } });
    expect(event).not.toHaveProperty('replaced');
    const keysOnly = Legacy.parseStreamRecord({ eventName: 'REMOVE', eventSourceARN: record.eventSourceARN, dynamodb: { Keys: record.dynamodb.Keys } });
    expect(keysOnly).toMatchObject({ type: 'REMOVE', entity: 'Account', keys: { accountId: 'a1' } });
  });

  it('holds one entity, and has no table-level reads', () => {
    expect(() =>
      defineEntity({ table: Legacy, name: 'Other', schema: z.object({ id: z.string() }), keys: { primary: { pk: 'OTHER#{id}', sk: 'META' } } }),
    ).toThrow(TableDefinitionError);
    expect(() => Legacy.query(Legacy.Key('pk').eq('ACCOUNT#a1'))).toThrow(ExpressionError);
    expect(() => Legacy.scan()).toThrow(/Account\.query, Account\.scan/);
  });
});
