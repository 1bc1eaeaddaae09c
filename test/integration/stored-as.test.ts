/**
 * `storedAs`: schema fields stored under other attribute names (short names, or the names of a
 * table written by another program), against DynamoDB Local. Every operation runs on a model whose
 * fields are all renamed, and the raw table is checked after each: model names never reach the
 * table, and every read returns model names.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ConditionFailedError, defineEntity, defineTable, KeyError, TableDefinitionError, transactGet, transactWrite, VersionConflictError } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';
import { expiredLongAgo } from '../support/ttl.js';

const client = testClient();
const doc = testDocClient(client);

const Shop = defineTable({
  name: uniqueTableName('storedas'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: {
    byStatus: { type: 'global', partitionKey: { name: 'gpk', type: 'S' }, sortKey: { name: 'gsk', type: 'S' }, projection: { include: ['_et', 'n', 'st', 'x'] } },
    byCity: { type: 'global', partitionKey: { name: 'cpk', type: 'S' } },
  },
});

const STORED = { customerId: 'cid', name: 'n', email: 'e', status: 'st', tags: 'tg', address: 'a', visits: 'v', notes: 'nt', expiresAt: 'x', createdAt: 'c_at', updatedAt: 'u_at', rev: 'r' } as const;

const Customer = defineEntity({
  table: Shop,
  name: 'Customer',
  schema: z.object({
    customerId: z.string(),
    name: z.string(),
    email: z.string(),
    status: z.enum(['active', 'closed']),
    tags: z.set(z.string()).optional(),
    address: z.object({ city: z.string(), zip: z.string().optional() }).optional(),
    visits: z.number().int().default(0),
    notes: z.array(z.string()).optional(),
    expiresAt: z.date().optional(),
  }),
  keys: {
    primary: { pk: 'CUSTOMER#{customerId}', sk: 'PROFILE' },
    byStatus: { pk: 'STATUS#{status}', sk: '{name}#{customerId}' },
  },
  timestamps: true,
  version: 'rev',
  ttl: 'expiresAt',
  storedAs: STORED,
});

const Order = defineEntity({
  table: Shop,
  name: 'Order',
  schema: z.object({ customerId: z.string(), orderId: z.string(), total: z.number() }),
  keys: { primary: { pk: 'CUSTOMER#{customerId}', sk: 'ORDER#{orderId}' } },
  storedAs: { total: 't' },
});

useTable(Shop, { clients: [client] });

const MODEL_NAMES = Object.keys(STORED);

async function rawItem(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
  return (await doc.send(new GetCommand({ TableName: Shop.name, Key: { pk, sk } }))).Item;
}

/** The raw item holds stored names only, never the model name of a renamed field. */
function expectStoredNames(raw: Record<string, unknown> | undefined): void {
  expect(raw).toBeDefined();
  const renamed = raw!['_et'] === 'Order' ? ['total'] : MODEL_NAMES;
  for (const name of renamed) expect(Object.keys(raw!), `model name ${name} in the table`).not.toContain(name);
}

const ada = { customerId: 'c1', name: 'Ada', email: 'ada@example.com', status: 'active' as const, tags: new Set(['vip']), address: { city: 'Paris', zip: '75001' }, notes: ['first'] };

describe('storedAs: fields under other attribute names', () => {
  it('put stores the stored names (keys built from the model values); get returns model names', async () => {
    const written = await Customer.put(ada);
    expect(written).toMatchObject({ ...ada, visits: 0, rev: 1 });
    const raw = await rawItem('CUSTOMER#c1', 'PROFILE');
    expectStoredNames(raw);
    expect(raw).toMatchObject({ cid: 'c1', n: 'Ada', e: 'ada@example.com', st: 'active', tg: new Set(['vip']), a: { city: 'Paris', zip: '75001' }, v: 0, nt: ['first'], gpk: 'STATUS#active', gsk: 'Ada#c1', r: 1 });
    expect(raw!['c_at']).toBe(written.createdAt);
    expect(raw!['u_at']).toBe(written.updatedAt);
    const got = await Customer.get({ customerId: 'c1' });
    expect(got).toMatchObject({ ...ada, visits: 0, rev: 1 });
    expectTypeOf(got!.name).toEqualTypeOf<string>();
    expect(await Customer.get({ customerId: 'c1' }).project('name', 'address')).toEqual({ name: 'Ada', address: { city: 'Paris', zip: '75001' } });
  });

  it('update: every action, nested paths, ref values, conditions and returned attributes use model names', async () => {
    const updated = await Customer.update({ customerId: 'c1' })
      .set({ email: Customer.ref('name'), 'address.city': 'Lyon', name: 'Ada L' })
      .add({ visits: 2, tags: new Set(['beta']) })
      .append({ notes: ['second'] })
      .remove('address.zip')
      .where(Customer.Attr('status').eq('active').and(Customer.Attr('address.city').eq('Paris')).and(Customer.Attr('visits').lt(Customer.Attr('rev'))))
      .returning('ALL_NEW');
    expect(updated).toMatchObject({ email: 'Ada', name: 'Ada L', address: { city: 'Lyon' }, visits: 2, tags: new Set(['vip', 'beta']), notes: ['first', 'second'], rev: 2 });
    const raw = await rawItem('CUSTOMER#c1', 'PROFILE');
    expectStoredNames(raw);
    // the name composes byStatus's sort key, so the update rewrote it from the new name
    expect(raw).toMatchObject({ e: 'Ada', n: 'Ada L', a: { city: 'Lyon' }, v: 2, gsk: 'Ada L#c1' });
    const old = await Customer.update({ customerId: 'c1' }).set({ name: 'Ada', email: 'ada@new.example.com' }).delete({ tags: new Set(['beta']) }).returning('UPDATED_OLD');
    expect(old).toEqual({ name: 'Ada L', email: 'Ada', tags: new Set(['vip', 'beta']), rev: 2, updatedAt: expect.any(String) });
  });

  it("put().returning('ALL_OLD') and delete().returning('ALL_OLD') give the replaced item in model names", async () => {
    await Order.put({ customerId: 'c9', orderId: 'o1', total: 5 });
    expect(await Order.put({ customerId: 'c9', orderId: 'o1', total: 6 }).returning('ALL_OLD')).toEqual({ customerId: 'c9', orderId: 'o1', total: 5 });
    expect(await Order.delete({ customerId: 'c9', orderId: 'o1' }).returning('ALL_OLD')).toEqual({ customerId: 'c9', orderId: 'o1', total: 6 });
  });

  it('optimistic locking reads and checks the version under its stored name', async () => {
    const current = (await Customer.get({ customerId: 'c1' }))!;
    expect(current.rev).toBe(3);
    const lost = await Customer.update({ customerId: 'c1', rev: 2 }).set({ visits: 9 }).then(() => undefined, (e: unknown) => e);
    expect(lost).toBeInstanceOf(VersionConflictError);
    expect((lost as VersionConflictError).message).toMatch(/has version 3/);
    expect((lost as VersionConflictError).item).toMatchObject({ customerId: 'c1', rev: 3 });
    expect((await Customer.update({ customerId: 'c1', rev: 3 }).set({ visits: 2 }).returning('ALL_NEW')).rev).toBe(4);
    expect((await rawItem('CUSTOMER#c1', 'PROFILE'))!['r']).toBe(4);
  });

  it('upsert writes the schema defaults under their stored names', async () => {
    await Customer.update({ customerId: 'c2' }).set({ name: 'Bo', email: 'bo@example.com', status: 'closed' }).upsert();
    const raw = await rawItem('CUSTOMER#c2', 'PROFILE');
    expectStoredNames(raw);
    expect(raw).toMatchObject({ cid: 'c2', n: 'Bo', v: 0, st: 'closed' });
    expect(await Customer.get({ customerId: 'c2' })).toMatchObject({ customerId: 'c2', name: 'Bo', visits: 0, status: 'closed' });
  });

  it('a failed condition carries the stored item in model names', async () => {
    const error = await Customer.put({ ...ada, name: 'Other' })
      .where(Customer.Attr('name').eq('nobody'))
      .returnItemOnConditionFailure()
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ConditionFailedError);
    expect((error as ConditionFailedError).item).toMatchObject({ customerId: 'c1', name: 'Ada', email: 'ada@new.example.com' });
  });

  it('queries and scans: key conditions on composites, filters and projections on model names', async () => {
    const active = await Customer.query('byStatus', Customer.Key('status').eq('active').and(Customer.Key('name').beginsWith('A'))).project('name', 'status').all();
    expect(active).toEqual([{ name: 'Ada', status: 'active' }]);
    // a range on a composite that more key text follows is refined by a filter on the attribute (stored as n)
    const range = Customer.query('byStatus', Customer.Key('status').eq('active').and(Customer.Key('name').gt('A'))).project('name');
    expect(range.build().FilterExpression).toMatch(/#n\d+ > :v\d+/);
    expect(Object.values(range.build().ExpressionAttributeNames ?? {})).toContain('n');
    expect(Object.values(range.build().ExpressionAttributeNames ?? {})).not.toContain('name');
    expect(await range.all()).toEqual([{ name: 'Ada' }]);
    const filtered = await Customer.scan().filter(Customer.Attr('visits').gte(2).and(Customer.Attr('address.city').eq('Lyon'))).all();
    expect(filtered.map((c) => c.customerId)).toEqual(['c1']);
    // the index holds n and st (stored names): a filter on name passes the check, one on email does not
    expect((await Customer.query('byStatus', Customer.Key('status').eq('active')).filter(Customer.Attr('name').eq('Ada')).project('name').all())).toEqual([{ name: 'Ada' }]);
    expect(() => Customer.query('byStatus', Customer.Key('status').eq('active')).filter(Customer.Attr('email').exists()).project('name').build()).toThrow(/"email" \(stored as "e"\)/);
  });

  it('TTL: an expired item is hidden by get and queries through its stored name; the table TTL attribute is the stored one', async () => {
    // Expired long ago: Local's TTL job (TTL is on) deletes recent expiries within seconds.
    await Customer.put({ customerId: 'c3', name: 'Cy', email: 'cy@example.com', status: 'active', expiresAt: expiredLongAgo() });
    const raw = await rawItem('CUSTOMER#c3', 'PROFILE');
    expect(typeof raw!['x']).toBe('number');
    expect(await Customer.get({ customerId: 'c3' })).toBeUndefined();
    expect((await Customer.get({ customerId: 'c3' }).includeExpired())?.expiresAt).toBeInstanceOf(Date);
    expect((await Customer.query('byStatus', Customer.Key('status').eq('active')).project('name').all()).map((c) => c.name)).toEqual(['Ada']);
    expect((await Customer.query('byStatus', Customer.Key('status').eq('active')).hydrate().all()).map((c) => c.customerId)).toEqual(['c1']);
    expect(Shop.ttlAttribute()).toBe('x');
  });

  it('batch writes and gets, transactions and table-level reads', async () => {
    await Shop.batchWrite([Order.put({ customerId: 'c1', orderId: 'o1', total: 10 }), Order.put({ customerId: 'c1', orderId: 'o2', total: 20 })]);
    expectStoredNames(await rawItem('CUSTOMER#c1', 'ORDER#o1'));
    expect((await rawItem('CUSTOMER#c1', 'ORDER#o1'))!['t']).toBe(10);
    expect((await Order.batchGet([{ customerId: 'c1', orderId: 'o2' }]).project('total'))).toEqual([{ total: 20 }]);

    await transactWrite([
      Order.update({ customerId: 'c1', orderId: 'o1' }).add({ total: 5 }).where(Order.Attr('total').eq(10)),
      Customer.check({ customerId: 'c1' }, Customer.Attr('name').eq('Ada')),
    ]);
    const [order, customer] = await transactGet([Order.get({ customerId: 'c1', orderId: 'o1' }), Customer.get({ customerId: 'c1' }).project('email')]);
    expect(order?.total).toBe(15);
    expect(customer).toEqual({ email: 'ada@new.example.com' });

    const partition = await Shop.query(Shop.Key('pk').eq('CUSTOMER#c1')).all();
    expect(partition.items.map((i) => i._et).sort()).toEqual(['Customer', 'Order', 'Order']);
    const profile = partition.items.find((i) => i._et === 'Customer');
    expect(profile).toMatchObject({ customerId: 'c1', name: 'Ada' });
    // table-level reads name attributes as stored; the items come back in model names
    const totals = await Shop.query(Shop.Key('pk').eq('CUSTOMER#c1')).filter(Shop.Attr('t').gt(16)).project('t').all();
    expect(totals.items).toEqual([{ _et: 'Order', total: 20 }]);
  });

  it('stream images are read by their stored names', () => {
    const event = Shop.parseStreamRecord({
      eventName: 'INSERT',
      dynamodb: {
        Keys: { pk: { S: 'CUSTOMER#c9' }, sk: { S: 'PROFILE' } },
        NewImage: {
          pk: { S: 'CUSTOMER#c9' }, sk: { S: 'PROFILE' }, _et: { S: 'Customer' },
          cid: { S: 'c9' }, n: { S: 'Di' }, e: { S: 'di@example.com' }, st: { S: 'active' }, v: { N: '3' },
        },
      },
    });
    expect(event?.entity).toBe('Customer');
    expect(event?.type === 'INSERT' ? event.newItem : undefined).toMatchObject({ customerId: 'c9', name: 'Di', visits: 3 });
  });

  it('no model name of a renamed field was written anywhere', async () => {
    const items = (await doc.send(new ScanCommand({ TableName: Shop.name }))).Items ?? [];
    expect(items.length).toBeGreaterThan(4);
    for (const item of items) expectStoredNames(item);
  });
});

describe('storedAs: refused definitions', () => {
  const define = (storedAs: Record<string, string>, schema: z.ZodObject = z.object({ id: z.string(), a: z.string(), b: z.string().optional() })) =>
    defineEntity({ table: defineTable({ name: uniqueTableName('storedas-bad'), client, partitionKey: { name: 'pk', type: 'S' } }), name: 'Thing', schema, keys: { primary: { pk: 'T#{id}' } }, storedAs: storedAs as never });

  it('names that are not fields, empty, taken by dynakit, or shared', () => {
    expect(() => define({ nope: 'x' })).toThrow(KeyError);
    expect(() => define({ nope: 'x' })).toThrow(/"nope", which is not a top-level attribute/);
    expect(() => define({ a: '' })).toThrow(/non-empty/);
    expect(() => define({ a: 'pk' })).toThrow(/dynakit writes itself/);
    expect(() => define({ a: '_et' })).toThrow(/dynakit writes itself/);
    // the timestamps and the version are renamed like fields, and may not take a field's name
    const T = defineTable({ name: uniqueTableName('storedas-stamps'), client, partitionKey: { name: 'pk', type: 'S' } });
    const stamped = (storedAs: Record<string, string>) =>
      defineEntity({ table: T, name: 'Stamped', schema: z.object({ id: z.string(), a: z.string() }), keys: { primary: { pk: 'S#{id}' } }, timestamps: true, version: 'v', storedAs: storedAs as never });
    expect(() => stamped({ createdAt: 'a' })).toThrow(/"a" and "createdAt" would both be stored as "a"|"createdAt" and "a" would both be stored as "a"/);
    expect(() => stamped({ v: 'updatedAt' })).toThrow(/both be stored as "updatedAt"/);
    expect(() => define({ a: 'b' })).toThrow(/"b" and "a" would both be stored as "b"|"a" and "b" would both be stored as "b"/);
    expect(() => define({ a: 'x', b: 'x' })).toThrow(/both be stored as "x"/);
    // swapping two names is consistent, and allowed
    expect(() => define({ a: 'b', b: 'a' })).not.toThrow();
  });

  it('a schema that keeps unknown attributes, and a field that is a key attribute itself', () => {
    expect(() => define({ a: 'x' }, z.object({ id: z.string(), a: z.string() }).catchall(z.unknown()))).toThrow(/keeps unknown attributes/);
    const Plain = defineTable({ name: uniqueTableName('storedas-self'), client, partitionKey: { name: 'id', type: 'S' }, entityAttribute: false });
    expect(() => defineEntity({ table: Plain, name: 'P', schema: z.object({ id: z.string() }), keys: { primary: { pk: '{id}' } }, storedAs: { id: 'ident' } })).toThrow(/key attribute of the table/);
  });

  it('two entities storing their TTL under different names on one table', () => {
    const T = defineTable({ name: uniqueTableName('storedas-ttl'), client, partitionKey: { name: 'pk', type: 'S' } });
    defineEntity({ table: T, name: 'A', schema: z.object({ id: z.string(), exp: z.date() }), keys: { primary: { pk: 'A#{id}' } }, ttl: 'exp', storedAs: { exp: 'ttl' } });
    expect(() => defineEntity({ table: T, name: 'B', schema: z.object({ id: z.string(), exp: z.date() }), keys: { primary: { pk: 'B#{id}' } }, ttl: 'exp' })).toThrow(TableDefinitionError);
    defineEntity({ table: T, name: 'C', schema: z.object({ id: z.string(), until: z.date() }), keys: { primary: { pk: 'C#{id}' } }, ttl: 'until', storedAs: { until: 'ttl' } });
    expect(T.ttlAttribute()).toBe('ttl');
  });

  it('types: storedAs takes schema fields only', () => {
    const T = defineTable({ name: uniqueTableName('storedas-types'), client, partitionKey: { name: 'pk', type: 'S' } });
    // @ts-expect-error: not a field of the schema
    expect(() => defineEntity({ table: T, name: 'X', schema: z.object({ id: z.string() }), keys: { primary: { pk: 'X#{id}' } }, storedAs: { idd: 'i' } })).toThrow(KeyError);
    // @ts-expect-error: createdAt is kept only with timestamps: true
    expect(() => defineEntity({ table: T, name: 'Y', schema: z.object({ id: z.string() }), keys: { primary: { pk: 'Y#{id}' } }, storedAs: { createdAt: 'c' } })).toThrow(KeyError);
    const Z = defineEntity({ table: T, name: 'Z', schema: z.object({ id: z.string() }), keys: { primary: { pk: 'Z#{id}' } }, timestamps: true, version: 'ver', storedAs: { createdAt: 'c', ver: 'v' } });
    expect(Z.model.storedName('ver')).toBe('v');
  });
});

