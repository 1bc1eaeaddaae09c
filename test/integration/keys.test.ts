/**
 * Raw (bare-placeholder) keys of type N and B against the real server: a table whose partition key
 * is a number ('{id}'), sort key binary ('{blob}'), with a GSI keyed B/N and an LSI keyed S.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DescribeTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ConditionFailedError, defineEntity, defineTable, KeyError, ValidationError, type Condition } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);

const KeyTable = defineTable({
  name: uniqueTableName('keys'),
  client,
  partitionKey: { name: 'pk', type: 'N' },
  sortKey: { name: 'sk', type: 'B' },
  indexes: {
    byTag: { type: 'global', partitionKey: { name: 'gpk', type: 'B' }, sortKey: { name: 'gsk', type: 'N' } },
    byLabel: { type: 'local', sortKey: { name: 'lsk', type: 'S' } },
  },
});

const Reading = defineEntity({
  table: KeyTable,
  name: 'Reading',
  schema: z.object({
    id: z.number(),
    blob: z.instanceof(Uint8Array),
    label: z.string(),
    value: z.number().optional(),
    tag: z.instanceof(Uint8Array).optional(),
    rank: z.number().optional(),
  }),
  keys: {
    primary: { pk: '{id}', sk: '{blob}' },
    byTag: { pk: '{tag}', sk: '{rank}' },
    byLabel: { sk: 'LABEL#{label}' },
  },
});
const { Attr } = Reading;

const bytes = (...b: number[]) => new Uint8Array(b);

async function query(input: Omit<QueryCommandInput, 'TableName'>): Promise<Record<string, unknown>[]> {
  return (await doc.send(new QueryCommand({ TableName: KeyTable.name, ...input }))).Items ?? [];
}

useTable(KeyTable, { clients: [client] });

describe('numeric partition key and binary sort key', () => {
  it('put / get round-trip; the key attributes are stored as N and B', async () => {
    const item = { id: 42, blob: bytes(1, 2, 3), label: 'answer', value: 0.5 };
    expect(await Reading.put(item)).toEqual(item);
    expect(await Reading.get({ id: 42, blob: bytes(1, 2, 3) })).toEqual(item);
    expect(await Reading.get({ id: 42, blob: bytes(1, 2) })).toBeUndefined();
    expect(await Reading.get({ id: 43, blob: bytes(1, 2, 3) })).toBeUndefined();

    const raw = await client.send(
      new GetItemCommand({ TableName: KeyTable.name, Key: { pk: { N: '42' }, sk: { B: bytes(1, 2, 3) } }, ConsistentRead: true }),
    );
    expect(raw.Item?.['pk']).toEqual({ N: '42' });
    expect(raw.Item?.['sk']).toEqual({ B: bytes(1, 2, 3) });
    expect(raw.Item?.['lsk']).toEqual({ S: 'LABEL#answer' });
    expect(raw.Item?.['_et']).toEqual({ S: 'Reading' });
    expect(raw.Item).not.toHaveProperty('gpk');
  });

  it.each([0, -3.5, 1e-7, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 123456.789])('numeric key %s round-trips', async (id) => {
    await Reading.put({ id, blob: bytes(9), label: 'n' });
    expect(await Reading.get({ id, blob: bytes(9) }).consistent()).toEqual({ id, blob: bytes(9), label: 'n' });
  });

  it('a Buffer works as a binary key and reads back as the same bytes', async () => {
    await Reading.put({ id: 5, blob: Buffer.from('héllo', 'utf8'), label: 'buf' });
    const got = await Reading.get({ id: 5, blob: new TextEncoder().encode('héllo') });
    expect(got?.label).toBe('buf');
    expect([...(got?.blob ?? [])]).toEqual([...new TextEncoder().encode('héllo')]);
  });

  it('binary sort keys sort by unsigned bytes (the exact bytes are stored, not an encoding)', async () => {
    const blobs = [bytes(0xff, 0x00), bytes(0x01), bytes(0x80), bytes(0x00, 0x01), bytes(0x7f, 0xff, 0xff)];
    await Promise.all(blobs.map((blob, i) => Reading.put({ id: 7, blob, label: `b${i}` })));
    const items = await query({
      KeyConditionExpression: '#p = :p',
      ExpressionAttributeNames: { '#p': 'pk' },
      ExpressionAttributeValues: { ':p': 7 },
    });
    expect(items.map((i) => [...(i['sk'] as Uint8Array)])).toEqual([[0x00, 0x01], [0x01], [0x7f, 0xff, 0xff], [0x80], [0xff, 0x00]]);
  });

  it('numeric partition keys are exact: 1 and 1.0 are one key, 1.5 another', async () => {
    await Reading.put({ id: 1, blob: bytes(1), label: 'one' });
    await Reading.put({ id: 1.0, blob: bytes(1), label: 'one again' });
    await Reading.put({ id: 1.5, blob: bytes(1), label: 'one and a half' });
    const items = await query({
      KeyConditionExpression: '#p = :p',
      ExpressionAttributeNames: { '#p': 'pk' },
      ExpressionAttributeValues: { ':p': 1 },
    });
    expect(items.map((i) => i['label'])).toEqual(['one again']);
  });
});

describe('secondary indexes with raw keys', () => {
  it('a B/N GSI is sparse and sorts by the numeric sort key', async () => {
    const tag = bytes(0xaa, 0x01);
    await Promise.all([
      Reading.put({ id: 100, blob: bytes(1), label: 'r10', tag, rank: 10 }),
      Reading.put({ id: 101, blob: bytes(1), label: 'r-2', tag, rank: -2 }),
      Reading.put({ id: 102, blob: bytes(1), label: 'r3', tag, rank: 3 }),
      Reading.put({ id: 103, blob: bytes(1), label: 'no rank', tag }),
      Reading.put({ id: 104, blob: bytes(1), label: 'no tag', rank: 1 }),
    ]);
    const items = await query({
      IndexName: 'byTag',
      KeyConditionExpression: '#p = :p',
      ExpressionAttributeNames: { '#p': 'gpk' },
      ExpressionAttributeValues: { ':p': tag },
    });
    expect(items.map((i) => i['rank'])).toEqual([-2, 3, 10]);
    expect(items[0]?.['gsk']).toBe(-2);
    expect(items[0]?.['gpk']).toEqual(tag);
  });

  it('the LSI (LABEL#{label}) sorts a partition by label', async () => {
    await Promise.all(['c', 'a', 'b'].map((label, i) => Reading.put({ id: 200, blob: bytes(i), label })));
    const items = await query({
      IndexName: 'byLabel',
      KeyConditionExpression: '#p = :p',
      ExpressionAttributeNames: { '#p': 'pk' },
      ExpressionAttributeValues: { ':p': 200 },
    });
    expect(items.map((i) => i['lsk'])).toEqual(['LABEL#a', 'LABEL#b', 'LABEL#c']);
  });

  it('update rewrites raw GSI keys when all their composites are set', async () => {
    await Reading.put({ id: 300, blob: bytes(3), label: 'x' });
    await Reading.update({ id: 300, blob: bytes(3) }).set({ tag: bytes(0xbb), rank: 7, label: 'y' });
    const raw = await client.send(new GetItemCommand({ TableName: KeyTable.name, Key: { pk: { N: '300' }, sk: { B: bytes(3) } } }));
    expect(raw.Item?.['gpk']).toEqual({ B: bytes(0xbb) });
    expect(raw.Item?.['gsk']).toEqual({ N: '7' });
    expect(raw.Item?.['lsk']).toEqual({ S: 'LABEL#y' });
  });
});

describe('operations on raw keys', () => {
  beforeAll(async () => {
    await Reading.put({ id: 400, blob: bytes(4, 0, 4), label: 'ops', value: 1 });
  });
  const key = { id: 400, blob: bytes(4, 0, 4) };

  const passes = async (cond: Condition): Promise<boolean> => {
    try {
      await Reading.check(key, cond);
      return true;
    } catch (e) {
      if (e instanceof ConditionFailedError) return false;
      throw e;
    }
  };

  it('conditions compare numbers and binary values', async () => {
    expect(await passes(Attr('blob').eq(bytes(4, 0, 4)))).toBe(true);
    expect(await passes(Attr('blob').eq(bytes(4, 0)))).toBe(false);
    expect(await passes(Attr('blob').type('B'))).toBe(true);
    expect(await passes(Attr('blob').size().eq(3))).toBe(true);
    expect(await passes(Attr('blob').lt(bytes(4, 1)))).toBe(true);
    expect(await passes(Attr('id').between(399.5, 400))).toBe(true);
    expect(await passes(KeyTable.Attr('pk').eq(400))).toBe(true);
    expect(await passes(KeyTable.Attr('pk').eq('400'))).toBe(false);
    expect(await passes(KeyTable.Attr('sk').eq(bytes(4, 0, 4)))).toBe(true);
  });

  it('update and delete address the item by its raw key', async () => {
    const updated = await Reading.update(key).add({ value: 2 }).returning('ALL_NEW');
    expect(updated).toEqual({ id: 400, blob: bytes(4, 0, 4), label: 'ops', value: 3 });
    await expect(Reading.update({ id: 401, blob: bytes(4, 0, 4) }).set({ value: 1 })).rejects.toBeInstanceOf(ConditionFailedError);
    const old = await Reading.delete(key).returning('ALL_OLD');
    expect(old).toEqual(updated);
    expect(await Reading.get(key)).toBeUndefined();
  });

  it('bad raw key values fail before sending', async () => {
    await expect(Reading.get({ id: 1, blob: bytes() })).rejects.toBeInstanceOf(KeyError);
    await expect(Reading.put({ id: 1, blob: bytes(), label: 'x' })).rejects.toBeInstanceOf(KeyError);
    await expect(Reading.get({ id: Number.NaN, blob: bytes(1) })).rejects.toBeInstanceOf(ValidationError);
    await expect(Reading.get({ id: 1, blob: 'AQ==' as never })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('createTableInput() with N/B keys', () => {
  it('DynamoDB created the table with the declared types and both indexes', async () => {
    const { Table: t } = await client.send(new DescribeTableCommand({ TableName: KeyTable.name }));
    const defs = Object.fromEntries((t?.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType]));
    expect(defs).toEqual({ pk: 'N', sk: 'B', gpk: 'B', gsk: 'N', lsk: 'S' });
    expect(t?.GlobalSecondaryIndexes?.map((g) => [g.IndexName, g.KeySchema?.map((k) => `${k.AttributeName}:${k.KeyType}`)])).toEqual([
      ['byTag', ['gpk:HASH', 'gsk:RANGE']],
    ]);
    expect(t?.LocalSecondaryIndexes?.map((l) => [l.IndexName, l.KeySchema?.map((k) => `${k.AttributeName}:${k.KeyType}`)])).toEqual([
      ['byLabel', ['pk:HASH', 'lsk:RANGE']],
    ]);
  });
});
