/**
 * Nested projections against DynamoDB Local: get, query, batchGet and transactGet with document
 * paths. What DynamoDB returns for them (maps cut down, list elements packed, a parent left out
 * when none of its projected paths is there) is parsed with the schema cut to the paths: dates and
 * sets inside maps revive, unprojected required siblings are not asked for.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ItemParseError, defineEntity, defineTable, transactGet } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const tableName = uniqueTableName('nested-projection');
const client = testClient();
const raw = testDocClient(client);
/** `byShelf` holds only keys: a hydrated read of it fetches the projected paths from the table. */
const AppTable = defineTable({
  name: tableName,
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: {
    gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } },
    byShelf: { type: 'global', partitionKey: { name: 'spk', type: 'S' }, sortKey: { name: 'ssk', type: 'S' }, projection: 'KEYS_ONLY' },
  },
});

const Doc = defineEntity({
  table: AppTable,
  name: 'Doc',
  schema: z.object({
    docId: z.string(),
    shelf: z.string(),
    title: z.string(),
    meta: z.object({ created: z.date(), labels: z.set(z.string()), note: z.string().optional() }),
    address: z.object({ city: z.string(), zip: z.string() }).optional(),
    lines: z.array(z.object({ sku: z.string(), qty: z.number(), shippedAt: z.date().optional() })).optional(),
  }),
  keys: {
    primary: { pk: 'DOC#{docId}', sk: 'DOC' },
    gsi1: { pk: 'SHELF#{shelf}', sk: 'DOC#{docId}' },
    byShelf: { pk: 'SHELF#{shelf}', sk: 'DOC#{docId}' },
  },
});

const created = new Date('2026-03-04T05:06:07.000Z');
const shipped = new Date('2026-03-05T00:00:00.000Z');

useTable(AppTable, { clients: [client] });

beforeAll(async () => {
  await Doc.put({
    docId: 'd1',
    shelf: 'A',
    title: 'One',
    meta: { created, labels: new Set(['x', 'y']), note: 'n1' },
    address: { city: 'Paris', zip: '75001' },
    lines: [
      { sku: 's0', qty: 1 },
      { sku: 's1', qty: 2, shippedAt: shipped },
    ],
  });
  await Doc.put({ docId: 'd2', shelf: 'A', title: 'Two', meta: { created, labels: new Set(['z']) } });
});

describe('get', () => {
  it('reads the projected paths, dates and sets inside maps revived', async () => {
    const got = await Doc.get({ docId: 'd1' }).project('title', 'meta.created', 'meta.labels');
    expect(got).toEqual({ title: 'One', meta: { created, labels: new Set(['x', 'y']) } });
    expect(got?.meta.created).toBeInstanceOf(Date);
  });

  it('an optional parent the item lacks is left out; one it has comes back cut down', async () => {
    expect(await Doc.get({ docId: 'd2' }).project('address.city')).toEqual({});
    expect(await Doc.get({ docId: 'd1' }).project('address.city')).toEqual({ address: { city: 'Paris' } });
    // meta is required, but DynamoDB leaves it out when its projected field is missing
    expect(await Doc.get({ docId: 'd2' }).project('title', 'meta.note')).toEqual({ title: 'Two' });
    expect(await Doc.get({ docId: 'nope' }).project('address.city')).toBeUndefined();
  });

  it('list elements come back packed, with their own schema (a date inside)', async () => {
    expect(await Doc.get({ docId: 'd1' }).project('lines[1].sku', 'lines[1].shippedAt')).toEqual({ lines: [{ sku: 's1', shippedAt: shipped }] });
    expect(await Doc.get({ docId: 'd1' }).project('lines[1].qty', 'lines[0].qty', 'lines[7].qty')).toEqual({ lines: [{ qty: 1 }, { qty: 2 }] });
    expect(await Doc.get({ docId: 'd1' }).project('lines[0]')).toEqual({ lines: [{ sku: 's0', qty: 1 }] });
    expect(await Doc.get({ docId: 'd2' }).project('title', 'lines[0].sku')).toEqual({ title: 'Two' });
  });

  it('an item missing unprojected required attributes is read; a projected value of the wrong type is not', async () => {
    await raw.send(new PutCommand({ TableName: tableName, Item: { pk: 'DOC#d3', sk: 'DOC', _et: 'Doc', meta: { created: created.toISOString(), labels: new Set(['q']) } } }));
    expect(await Doc.get({ docId: 'd3' }).project('meta.labels')).toEqual({ meta: { labels: new Set(['q']) } });
    await expect(Doc.get({ docId: 'd3' })).rejects.toThrow(ItemParseError);
    await raw.send(new PutCommand({ TableName: tableName, Item: { pk: 'DOC#d4', sk: 'DOC', _et: 'Doc', meta: { created: 'not a date', labels: new Set(['q']) } } }));
    await expect(Doc.get({ docId: 'd4' }).project('meta.created')).rejects.toThrow(ItemParseError);
  });
});

describe('query, batchGet, transactGet', () => {
  it('query pages are cut down item by item', async () => {
    const { items } = await Doc.query('gsi1', Doc.Key('shelf').eq('A')).project('meta.labels', 'address.zip', 'lines[1].sku');
    expect(items).toEqual([
      { meta: { labels: new Set(['x', 'y']) }, address: { zip: '75001' }, lines: [{ sku: 's1' }] },
      { meta: { labels: new Set(['z']) } },
    ]);
  });

  it('a hydrated query of a keys-only index reads the projected paths from the table', async () => {
    const items = await Doc.query('byShelf', Doc.Key('shelf').eq('A')).hydrate().project('title', 'address.city', 'lines[0].qty').all();
    expect(items).toEqual([{ title: 'One', address: { city: 'Paris' }, lines: [{ qty: 1 }] }, { title: 'Two' }]);
  });

  it('batchGet keeps the key order, undefined for a missing item', async () => {
    const got = await Doc.batchGet([{ docId: 'd2' }, { docId: 'missing' }, { docId: 'd1' }]).project('docId', 'meta.created', 'address.city');
    expect(got).toEqual([{ docId: 'd2', meta: { created } }, undefined, { docId: 'd1', meta: { created }, address: { city: 'Paris' } }]);
  });

  it('transactGet reads the same cut', async () => {
    const [one, two] = await transactGet([Doc.get({ docId: 'd1' }).project('lines[0].sku'), Doc.get({ docId: 'd2' }).project('meta.labels')]);
    expect(one).toEqual({ lines: [{ sku: 's0' }] });
    expect(two).toEqual({ meta: { labels: new Set(['z']) } });
  });
});
