/**
 * Derived attributes (`defineEntity`'s `derive`) on a real DynamoDB Local: every write of a whole
 * item computes them, an update that sets all their sources sets them, a GSI keyed on one is
 * queried back, a raw key computed by a function addresses its item, and every refusal sends and
 * stores nothing.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { BatchValidationError, DerivedAttributeError, transactGet, transactWrite } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { countRequests, refusedBeforeSend } from '../support/requests.js';
import { useTable } from '../support/tables.js';
import { ada, derivedModel, legacyKeyOf } from '../fixtures/derived-model.js';

const client = testClient();
const docClient = testDocClient(client);
const requests = countRequests(client);
const { DerivedTable, Person, Legacy, Badge } = derivedModel(client, uniqueTableName('derived'));
useTable(DerivedTable, { clients: [docClient] });

const person = (personId: string, name: string, more: { nickname?: string; score?: number } = {}) => ({ ...ada, personId, name, ...more });

/** The item as stored, key and index attributes included. */
async function stored(personId: string): Promise<Record<string, unknown> | undefined> {
  const out = await docClient.send(new GetCommand({ TableName: DerivedTable.name, Key: { pk: `PERSON#${personId}`, sk: 'PERSON' }, ConsistentRead: true }));
  return out.Item;
}

const byName = (prefix: string) => Person.query('gsi1', Person.Key('orgId').eq('acme').and(Person.Key('nameLower').beginsWith(prefix))).all();

describe('whole-item writes compute derived attributes', () => {
  it('put and create store them, and the GSI key built from one', async () => {
    const put = await Person.put(person('put', ' Grace ', { nickname: 'amazing' }));
    expect(put).toMatchObject({ name: 'Grace', nameLower: 'grace', label: 'AMAZING', statusDate: 'active#2026-12-07', tier: 'gold', handle: '@put' });
    await Person.create(person('create', 'Gus', { score: 5 }));
    expect(await stored('put')).toMatchObject({ nameLower: 'grace', gsi1pk: 'ORG#acme', gsi1sk: 'NAME#grace#put' });
    expect(await Person.get({ personId: 'create' })).toMatchObject({ nameLower: 'gus', tier: 'basic' });
    expect((await byName('gr')).map((p) => p.personId)).toEqual(['put']);
  });

  it('batch writes and transaction puts store them', async () => {
    await DerivedTable.batchWrite((batch) => {
      batch.put(Person, person('batch1', 'Hedy'));
      batch.put(Person.put(person('batch2', 'Hal')));
    });
    await transactWrite([Person.put(person('tx', 'Hopper', { nickname: 'amazing' })), Legacy.put({ region: 'eu', code: 7 })]);
    expect((await byName('h')).map((p) => [p.personId, p.nameLower])).toEqual([
      ['batch2', 'hal'],
      ['batch1', 'hedy'],
      ['tx', 'hopper'],
    ]);
    expect((await Person.get({ personId: 'tx' }))?.label).toBe('AMAZING');
  });

  it('a raw key computed by a function (a derived attribute in a one-placeholder template)', async () => {
    await Legacy.put({ region: 'us', code: 1000, note: 'n' });
    const legacyKey = legacyKeyOf({ region: 'us', code: 1000 });
    expect(legacyKey).toBe('rs.US');
    expect(await Legacy.get({ legacyKey })).toEqual({ region: 'us', code: 1000, legacyKey, note: 'n' });
    await Legacy.update({ legacyKey }).set({ note: 'm' });
    expect((await Legacy.get({ legacyKey }))?.note).toBe('m');
  });
});

describe('a derived key composite given by its sources', () => {
  it('addresses the item in get, update, delete, batch get, transactions and batch deletes', async () => {
    await Badge.put({ orgId: 'acme', name: 'Bob' });
    await Badge.put({ orgId: 'acme', name: 'Al' });
    expect(await Badge.get({ orgId: 'acme', name: ' BOB ' })).toEqual({ orgId: 'acme', name: 'Bob', nameLower: 'bob' });
    await Badge.update({ orgId: 'acme', name: 'Bob' }).set({ color: 'red' });
    expect(await Badge.batchGet([{ orgId: 'acme', name: 'Al' }, { orgId: 'acme', nameLower: 'bob' }, { orgId: 'acme', name: 'Cy' }]).project('name', 'color')).toEqual([
      { name: 'Al' },
      { name: 'Bob', color: 'red' },
      undefined,
    ]);
    await transactWrite([Badge.update({ orgId: 'acme', name: 'Al' }).set({ color: 'blue' }), Badge.check({ orgId: 'acme', name: 'Bob' }, Badge.Attr('color').eq('red'))]);
    const [al] = await transactGet([Badge.get({ orgId: 'acme', name: 'AL' })]);
    expect(al?.color).toBe('blue');
    // A raw key computed by a function: read and deleted by its sources.
    await Legacy.put({ region: 'fr', code: 75056, note: 'Paris' });
    expect((await Legacy.get({ region: 'fr', code: 75056 }))?.note).toBe('Paris');
    await Legacy.delete({ region: 'fr', code: 75056 });
    expect(await Legacy.get({ legacyKey: legacyKeyOf({ region: 'fr', code: 75056 }) })).toBeUndefined();
    await DerivedTable.batchWrite((batch) => {
      batch.delete(Badge, { orgId: 'acme', name: 'Al' });
      batch.delete(Badge.delete({ orgId: 'acme', name: 'Bob' }));
    });
    expect(await Badge.query('primary', Badge.Key('orgId').eq('acme')).all()).toEqual([]);
  });

  it('a key whose composite and sources disagree is refused before sending', async () => {
    await Badge.put({ orgId: 'acme', name: 'Dee' });
    await refusedBeforeSend(requests, DerivedAttributeError, () => Badge.delete({ orgId: 'acme', name: 'Dee', nameLower: 'dee2' }));
    await refusedBeforeSend(requests, DerivedAttributeError, () => transactWrite([Badge.delete({ orgId: 'acme', name: 'Dee', nameLower: 'dee2' })]));
    expect(await Badge.get({ orgId: 'acme', nameLower: 'dee' })).toBeDefined();
  });
});

describe('updates set derived attributes with their sources', () => {
  it('set() of every source sets the derived value and rewrites the GSI key', async () => {
    await Person.put(person('upd', 'Ida'));
    const updated = await Person.update({ personId: 'upd' }).set({ name: ' Iris ', status: 'away', date: '2027-01-01' }).returning('ALL_NEW');
    expect(updated).toMatchObject({ name: 'Iris', nameLower: 'iris', statusDate: 'away#2027-01-01' });
    expect(await stored('upd')).toMatchObject({ gsi1sk: 'NAME#iris#upd' });
    expect((await byName('i')).map((p) => p.personId)).toEqual(['upd']);
    await Person.update({ personId: 'upd' }).set({ nickname: 'ice' });
    expect((await Person.get({ personId: 'upd' }))?.label).toBe('ICE');
    await Person.update({ personId: 'upd' }).remove('nickname');
    expect(await stored('upd')).not.toHaveProperty('label');
  });

  it('an upsert creates the item with its derived attributes', async () => {
    await Person.update({ personId: 'ups' }).set({ orgId: 'acme', name: 'Jo', status: 'active', date: 'd', score: 100 }).upsert();
    expect(await Person.get({ personId: 'ups' })).toMatchObject({ nameLower: 'jo', statusDate: 'active#d', tier: 'gold', handle: '@ups' });
    expect((await byName('jo')).map((p) => p.personId)).toEqual(['ups']);
  });
});

describe('refusals send and store nothing', () => {
  it('a put that gives another value of a derived attribute', async () => {
    await Person.put(person('ref', 'Kay'));
    const before = await stored('ref');
    const read = (await Person.get({ personId: 'ref' }))!;
    await refusedBeforeSend(requests, DerivedAttributeError, () => Person.put({ ...read, name: 'Kim' }));
    await refusedBeforeSend(requests, DerivedAttributeError, () => transactWrite([Person.put({ ...read, name: 'Kim' })]));
    const batch = await refusedBeforeSend(requests, BatchValidationError, () => DerivedTable.batchWrite([Person.put({ ...read, name: 'Kim' })]));
    expect(batch.failures[0]?.error).toBeInstanceOf(DerivedAttributeError);
    // The item read back, unchanged, is put again as it is.
    await Person.put(read);
    expect(await stored('ref')).toEqual({ ...before, createdAt: expect.any(String), updatedAt: expect.any(String) });
  });

  it('updates that change some sources, change one other than with a value, or set a derived attribute', async () => {
    const before = await stored('ref');
    const k = { personId: 'ref' };
    const e = await refusedBeforeSend(requests, DerivedAttributeError, () => Person.update(k).set({ status: 'away' }));
    expect(e.message).toContain('does not set date');
    await refusedBeforeSend(requests, DerivedAttributeError, () => Person.update(k).add({ score: 1 }));
    await refusedBeforeSend(requests, DerivedAttributeError, () => Person.update(k).set({ name: Person.ref('orgId') }));
    await refusedBeforeSend(requests, DerivedAttributeError, () => Person.update(k).setIfNotExists({ nickname: 'x' }));
    await refusedBeforeSend(requests, DerivedAttributeError, () => Person.update(k).set({ nameLower: 'kim' } as never));
    await refusedBeforeSend(requests, DerivedAttributeError, () => transactWrite([Person.update(k).set({ date: 'd2' })]));
    await refusedBeforeSend(requests, DerivedAttributeError, () => Person.update({ personId: 'new' }).set({ orgId: 'acme', name: 'N', status: 'away', date: 'd' }).upsert());
    await refusedBeforeSend(requests, DerivedAttributeError, () => Legacy.update({ legacyKey: 'rs.US' }).set({ code: 1 }));
    expect(await stored('ref')).toEqual(before);
    expect(await stored('new')).toBeUndefined();
  });
});
