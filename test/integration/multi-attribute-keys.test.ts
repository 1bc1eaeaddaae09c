/**
 * Global indexes with multi-attribute keys (up to 4 partition and 4 sort key attributes, which
 * DynamoDB composes itself), against DynamoDB Local: the table is created with them, an entity
 * gives one template per key attribute, writes store each attribute (once, when it is the schema
 * attribute itself), and queries compose their key conditions left to right.
 */
import { describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { BatchValidationError, defineEntity, defineTable, ExpressionError, KeyError, TableDefinitionError, type GlobalKey } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { countRequests, refusedBeforeSend } from '../support/requests.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);
const requests = countRequests(client);

const Fleet = defineTable({
  name: uniqueTableName('multikey'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: {
    byRegion: {
      type: 'global',
      partitionKey: [{ name: 'tenantId', type: 'S' }, { name: 'region', type: 'S' }],
      sortKey: [{ name: 'status', type: 'S' }, { name: 'createdOn', type: 'N' }],
    },
    byOwner: { type: 'global', partitionKey: [{ name: 'oa', type: 'S' }, { name: 'ob', type: 'S' }], sortKey: { name: 'os', type: 'S' } },
  },
});

const Site = defineEntity({
  table: Fleet,
  name: 'Site',
  schema: z.object({
    siteId: z.string(),
    tenantId: z.string(),
    region: z.string().optional(),
    status: z.enum(['open', 'closed', 'draft']),
    createdOn: z.number().int(),
    owner: z.string(),
    name: z.string(),
  }),
  keys: {
    primary: { pk: 'SITE#{siteId}', sk: 'SITE' },
    byRegion: { pk: ['{tenantId}', '{region}'], sk: ['{status}', '{createdOn}'] },
    byOwner: { pk: ['T#{tenantId}', 'O#{owner}'], sk: 'N#{name}' },
  },
});

useTable(Fleet, { clients: [client] });

const SITES = [
  { siteId: 's1', tenantId: 't1', region: 'eu', status: 'open', createdOn: 3, owner: 'ada', name: 'Alpha' },
  { siteId: 's2', tenantId: 't1', region: 'eu', status: 'open', createdOn: 9, owner: 'ada', name: 'Beta' },
  { siteId: 's3', tenantId: 't1', region: 'eu', status: 'closed', createdOn: 5, owner: 'bo', name: 'Gamma' },
  { siteId: 's4', tenantId: 't1', region: 'us', status: 'open', createdOn: 1, owner: 'ada', name: 'Delta' },
  { siteId: 's5', tenantId: 't2', region: 'eu', status: 'open', createdOn: 2, owner: 'ada', name: 'Eps' },
  { siteId: 's6', tenantId: 't1', status: 'draft', createdOn: 4, owner: 'ada', name: 'Zeta' }, // no region: not in byRegion
  { siteId: 's7', tenantId: 't1', region: 'eu', status: 'draft', createdOn: 12, owner: 'ada', name: 'Eta' },
] as const;

const ids = (items: readonly { siteId: string }[]) => items.map((s) => s.siteId);
const inRegion = () => Site.Key('tenantId').eq('t1').and(Site.Key('region').eq('eu'));

describe('multi-attribute global index keys', () => {
  it('creates the index with every attribute in key order', async () => {
    const gsi = Fleet.createTableInput().GlobalSecondaryIndexes!.find((g) => g.IndexName === 'byRegion')!;
    expect(gsi.KeySchema).toEqual([
      { AttributeName: 'tenantId', KeyType: 'HASH' },
      { AttributeName: 'region', KeyType: 'HASH' },
      { AttributeName: 'status', KeyType: 'RANGE' },
      { AttributeName: 'createdOn', KeyType: 'RANGE' },
    ]);
    // the live table (created from that input) matches the definition
    expect((await Fleet.describe()).differences).toEqual([]);
    await Fleet.batchWrite(SITES.map((s) => Site.put(s)));
  });

  it('stores attributes that are the key once, and builds each templated key attribute', async () => {
    const raw = (await doc.send(new GetCommand({ TableName: Fleet.name, Key: { pk: 'SITE#s1', sk: 'SITE' } }))).Item;
    expect(raw).toMatchObject({ tenantId: 't1', region: 'eu', status: 'open', createdOn: 3, oa: 'T#t1', ob: 'O#ada', os: 'N#Alpha' });
  });

  it('queries with eq on every partition attribute, then sort attributes left to right', async () => {
    expect(ids(await Site.query('byRegion', inRegion()).all())).toEqual(['s3', 's7', 's1', 's2']); // closed, draft, open; then createdOn
    expect(ids(await Site.query('byRegion', inRegion().and(Site.Key('status').eq('open'))).all())).toEqual(['s1', 's2']);
    expect(ids(await Site.query('byRegion', inRegion().and(Site.Key('status').eq('open')).and(Site.Key('createdOn').gt(5))).all())).toEqual(['s2']);
    expect(ids(await Site.query('byRegion', inRegion().and(Site.Key('status').beginsWith('d'))).all())).toEqual(['s7']);
    expect(ids(await Site.query('byRegion', inRegion().and(Site.Key('status').between('draft', 'open'))).reverse().all())).toEqual(['s2', 's1', 's7']);
    expect(ids(await Site.query('byOwner', Site.Key('tenantId').eq('t1').and(Site.Key('owner').eq('ada')).and(Site.Key('name').gte('E'))).all())).toEqual(['s7', 's6']);
  });

  it('pages through the index with cursors', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await Site.query('byRegion', inRegion()).limit(1).startAfter(cursor);
      seen.push(...ids(page.items));
      cursor = page.cursor;
    } while (cursor !== undefined);
    expect(seen).toEqual(['s3', 's7', 's1', 's2']);
  });

  it('refuses, before sending, conditions DynamoDB would reject', async () => {
    // @ts-expect-error: every partition key attribute needs eq
    await refusedBeforeSend(requests, KeyError, () => Site.query('byRegion', Site.Key('tenantId').eq('t1')));
    const late = await refusedBeforeSend(requests, KeyError, () => Site.query('byRegion', inRegion().and(Site.Key('createdOn').gt(1))));
    expect(late.message).toMatch(/createdOn composes sort key attribute createdOn, which comes after status/);
    await refusedBeforeSend(requests, KeyError, () => Site.query('byRegion', inRegion().and(Site.Key('status').gt('closed')).and(Site.Key('createdOn').eq(1))));
    // DynamoDB refuses a query filter on the index's key attributes: these attributes are keys themselves
    const filtered = await refusedBeforeSend(requests, ExpressionError, () => Site.query('byRegion', inRegion()).filter(Site.Attr('createdOn').gt(1)));
    expect(filtered.message).toMatch(/put the condition on createdOn in the key condition/);
    expect(ids(await Site.query('byRegion', inRegion()).filter(Site.Attr('owner').eq('bo')).all())).toEqual(['s3']);
    // an attribute that is a key part itself cannot be written with a value DynamoDB refuses in a key
    await refusedBeforeSend(requests, KeyError, () => Site.update({ siteId: 's1' }).set({ region: '' }));
    await refusedBeforeSend(requests, KeyError, () => Site.put({ ...SITES[0], region: '' }));
  });

  it('updates move the item in the index: its own attributes directly, templated keys rebuilt', async () => {
    await Site.update({ siteId: 's3' }).set({ status: 'open' });
    expect(ids(await Site.query('byRegion', inRegion().and(Site.Key('status').eq('open'))).all())).toEqual(['s1', 's3', 's2']);
    await Site.update({ siteId: 's3' }).set({ name: 'Aaa' });
    const raw = (await doc.send(new GetCommand({ TableName: Fleet.name, Key: { pk: 'SITE#s3', sk: 'SITE' } }))).Item;
    expect(raw).toMatchObject({ os: 'N#Aaa', status: 'open' });
    await Site.update({ siteId: 's3' }).set({ owner: 'cy', tenantId: 't1' });
    expect((await doc.send(new GetCommand({ TableName: Fleet.name, Key: { pk: 'SITE#s3', sk: 'SITE' } }))).Item).toMatchObject({ ob: 'O#cy' });
  });

  it("the key size limits hold for a key's attributes together, checked before sending", async () => {
    const site = { siteId: 'big', status: 'open', createdOn: 1, owner: 'ada', name: 'Big' } as const;
    // Each part is within 2,048 bytes; together they are not (DynamoDB: "Aggregate size for HASH key attributes").
    const refused = await refusedBeforeSend(requests, KeyError, () => Site.put({ ...site, tenantId: 'a'.repeat(1500), region: 'b'.repeat(1500) }));
    expect(refused.message).toMatch(/partition key attributes tenantId, region hold 3000 bytes together, over DynamoDB's limit of 2048/);
    const batch = await refusedBeforeSend(requests, BatchValidationError, () => Fleet.batchWrite((b) => b.put(Site, { ...site, tenantId: 'a'.repeat(1024), region: 'b'.repeat(1025) })));
    expect(batch.failures[0]?.error).toBeInstanceOf(KeyError);
    await Site.put({ ...site, tenantId: 'a'.repeat(1024), region: 'b'.repeat(1024) });
    expect((await Site.get({ siteId: 'big' }))?.region).toHaveLength(1024);
    await Site.delete({ siteId: 'big' });
  });

  it('table-level queries take every key attribute by its physical name', async () => {
    const { Key } = Fleet;
    const open = await Fleet.query('byRegion', Key('tenantId').eq('t1').and(Key('region').eq('eu')).and(Key('status').eq('open')).and(Key('createdOn').lt(9))).all();
    expect(open.items.map((i) => i['siteId'])).toEqual(['s1', 's3']);
    // @ts-expect-error -- byRegion needs eq on region too (refused at compile time; the run-time check stays for JavaScript callers)
    expect(() => Fleet.query('byRegion', Key('tenantId').eq('t1')).build()).toThrow(/needs eq on each of tenantId, region/);
    expect(() => Fleet.query('byRegion', Key('tenantId').eq('t1').and(Key('region').eq('eu')).and(Key('createdOn').eq(3))).build()).toThrow(/createdOn needs status first/);
    expect(() => Fleet.query('byRegion', Key('tenantId').eq('t1').and(Key('region').eq('eu')).and(Key('status').gt('a')).and(Key('createdOn').eq(3))).build()).toThrow(
      ExpressionError,
    );
  });
});

describe('multi-attribute keys: refused definitions', () => {
  it('more than 4 attributes, an attribute twice, one in both keys', () => {
    const attr = (name: string) => ({ name, type: 'S' as const });
    // Lists built at run time (untyped callers): the checks at definition are what refuses them.
    const table = (partitionKey: readonly { name: string; type: 'S' }[], sortKey?: readonly { name: string; type: 'S' }[]) =>
      defineTable({
        name: uniqueTableName('multikey-bad'),
        client,
        partitionKey: attr('pk'),
        indexes: { gix: { type: 'global', partitionKey: partitionKey as GlobalKey, ...(sortKey ? { sortKey: sortKey as GlobalKey } : {}) } },
      });
    expect(() => table(['a', 'b', 'c', 'd', 'e'].map(attr))).toThrow(TableDefinitionError);
    expect(() => table([])).toThrow(/a multi-attribute key has 1-4 attributes \(got 0\)/);
    expect(() => table([attr('a'), attr('a')])).toThrow(/a appears twice/);
    expect(() => table([attr('a'), attr('b')], [attr('b')])).toThrow(/b is in both the partition key and the sort key/);
  });

  it('a literal list of 0 or 5 attributes does not compile (and is refused at run time)', () => {
    const attr = (name: string) => ({ name, type: 'S' as const });
    const define = (name: string, partitionKey: GlobalKey) =>
      defineTable({ name: uniqueTableName(name), client, partitionKey: attr('pk'), indexes: { gix: { type: 'global', partitionKey } } });
    // @ts-expect-error: an empty list
    expect(() => define('multikey-0', [])).toThrow(/got 0/);
    // @ts-expect-error: five attributes
    expect(() => define('multikey-5', [attr('a'), attr('b'), attr('c'), attr('d'), attr('e')])).toThrow(/got 5/);
    expect(() => define('multikey-4', [attr('a'), attr('b'), attr('c'), attr('d')])).not.toThrow();
  });

  it('a list of attributes where only one goes (table keys, a local index sort key) is a TableDefinitionError, not a TypeError', () => {
    const list = [{ name: 'a', type: 'S' }, { name: 'b', type: 'S' }];
    const define = (config: object) => () => defineTable({ name: uniqueTableName('multikey-one'), client, partitionKey: { name: 'pk', type: 'S' }, ...config } as never);
    expect(define({ partitionKey: list })).toThrow(TableDefinitionError);
    expect(define({ sortKey: list })).toThrow(/sortKey: only the keys of a global index may be a list of attributes/);
    expect(define({ sortKey: { name: 'sk', type: 'S' }, indexes: { lsi1: { type: 'local', sortKey: list } } })).toThrow(/lsi1\.sortKey: only the keys of a global index/);
    expect(define({ sortKey: { name: 'sk', type: 'string' } })).toThrow(/DynamoDB key types are S, N and B/);
  });

  it('an entity gives one template per attribute', () => {
    const T = defineTable({
      name: uniqueTableName('multikey-keys'),
      client,
      partitionKey: { name: 'pk', type: 'S' },
      indexes: { gix: { type: 'global', partitionKey: [{ name: 'a', type: 'S' }, { name: 'b', type: 'S' }] } },
    });
    const schema = z.object({ id: z.string(), x: z.string(), y: z.string() });
    // @ts-expect-error: a list of two templates
    expect(() => defineEntity({ table: T, name: 'E1', schema, keys: { primary: { pk: 'E#{id}' }, gix: { pk: '{x}' } } })).toThrow(/give a list of 2 templates/);
    // @ts-expect-error: two templates, not three
    expect(() => defineEntity({ table: T, name: 'E2', schema, keys: { primary: { pk: 'E#{id}' }, gix: { pk: ['{x}', '{y}', '{id}'] } } })).toThrow(KeyError);
    expect(() => defineEntity({ table: T, name: 'E3', schema, keys: { primary: { pk: 'E#{id}' }, gix: { pk: ['X#{x}', 'Y#{y}'] } } })).not.toThrow();
    // untyped lists holding something else than templates: a KeyError naming the attribute, not a TypeError from the parser
    for (const pk of [['{x}', 5], ['{x}', null]]) {
      expect(() => defineEntity({ table: T, name: 'E4', schema, keys: { primary: { pk: 'E#{id}' }, gix: { pk } } as never })).toThrow(/template for b must be a string/);
    }
  });
});
