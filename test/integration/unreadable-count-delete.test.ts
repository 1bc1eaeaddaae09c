/**
 * `count()` and `deleteAll()` meet stored numbers JavaScript cannot read (a decimal beyond 2^53,
 * written by another tool), against DynamoDB Local. Neither returns items, so neither needs to read
 * one whole: they count and delete what the read matches, as the server-side `Select: 'COUNT'`
 * and key-only `deleteAll()` of a plain read already do. A hydrated read decides ownership and
 * expiry from the fetched discriminator and TTL, so an unreadable TTL is compared as the nearest
 * double (far future or far past either way); a query keyed on the TTL reads only keys and
 * discriminator, so an unreadable attribute elsewhere in the item does not matter.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { defineEntity, defineTable, ItemParseError } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';
import { expiredLongAgo } from '../support/ttl.js';

const client = testClient();
const Table = defineTable({
  name: uniqueTableName('unreadable-count-delete'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: {
    byGroup: { type: 'global', partitionKey: { name: 'gpk', type: 'S' }, sortKey: { name: 'gsk', type: 'S' }, projection: 'KEYS_ONLY' },
    byExpiry: { type: 'global', partitionKey: { name: 'kind', type: 'S' }, sortKey: { name: 'expiresAt', type: 'N' } },
  },
});
const Lease = defineEntity({
  table: Table,
  name: 'Lease',
  schema: z.object({ group: z.string(), id: z.string(), kind: z.string().optional(), n: z.number().optional(), expiresAt: z.date() }),
  keys: { primary: { pk: 'G#{group}', sk: 'L#{id}' }, byGroup: { pk: 'GK#{group}', sk: '{id}' }, byExpiry: { pk: '{kind}', sk: '{expiresAt}' } },
  ttl: 'expiresAt',
});

/** An entity with schema versions: every table-level hydrated read fetches their attribute (`_sv`) too. */
defineEntity({ table: Table, name: 'Note', schema: z.object({ noteId: z.string() }), keys: { primary: { pk: 'N#{noteId}', sk: 'N' } }, migrations: { steps: [(v) => v] } });

useTable(Table, { clients: [client] });

const FAR_FUTURE = '9007199254740993.5';
const FAR_PAST = '-9007199254740993.5';
const UNREADABLE = '9007199254740993.5';
const inAnHour = () => new Date(Date.now() + 3_600_000);

/** A Lease stored by another tool, in attribute-value form: `expiresAt` and `n` as given. */
async function putRaw(group: string, id: string, attributes: Record<string, AttributeValue>): Promise<void> {
  const Item: Record<string, AttributeValue> = { pk: { S: `G#${group}` }, sk: { S: `L#${id}` }, gpk: { S: `GK#${group}` }, gsk: { S: id }, _et: { S: 'Lease' }, group: { S: group }, id: { S: id }, ...attributes };
  await client.send(new PutItemCommand({ TableName: Table.name, Item }));
}

const byGroup = (group: string) => Lease.query('byGroup', Lease.Key('group').eq(group)).hydrate();
const primary = (group: string) => Lease.query('primary', Lease.Key('group').eq(group));

describe('a hydrated read whose fetched TTL JavaScript cannot read', () => {
  // a: live; b: TTL far in the future, unreadable; c: TTL far in the past, unreadable (expired); d: expired;
  // e: TTL an integer far in the past (a bigint: readable, and expired as the server compares it).
  beforeAll(async () => {
    for (const group of ['count', 'delete']) {
      await Lease.put({ group, id: 'a', expiresAt: inAnHour() });
      await putRaw(group, 'b', { expiresAt: { N: FAR_FUTURE } });
      await putRaw(group, 'c', { expiresAt: { N: FAR_PAST } });
      await Lease.put({ group, id: 'd', expiresAt: expiredLongAgo() });
      await putRaw(group, 'e', { expiresAt: { N: '-90071992547409930' } });
    }
  });

  it('count() counts what the read matches, as the plain read counts it on the server', async () => {
    expect(await primary('count').count()).toBe(2);
    expect(await byGroup('count').count()).toBe(2);
    expect(await byGroup('count').includeExpired().count()).toBe(5);
  });

  it('an integer TTL beyond 2^53 in the past has expired for get() and hydrated reads too, as for the read filter', async () => {
    expect(await Lease.get({ group: 'count', id: 'e' })).toBeUndefined();
    expect((await byGroup('count').onInvalidItem(() => {}).all()).map((l) => l.id)).toEqual(['a']);
  });

  it('onInvalidItem() reports the live unreadable item only, as the plain read does (the expired one is not returned)', async () => {
    const plain: string[] = [];
    const hydrated: string[] = [];
    expect((await primary('count').onInvalidItem((e) => plain.push(String((e.raw['sk'] as AttributeValue).S))).all()).map((l) => l.id)).toEqual(['a']);
    expect((await byGroup('count').onInvalidItem((e) => hydrated.push(String((e.raw['sk'] as AttributeValue).S))).all()).map((l) => l.id)).toEqual(['a']);
    expect(plain).toEqual(['L#b']);
    expect(hydrated).toEqual(plain);
    // Without a handler the read still fails on it.
    await expect(byGroup('count').all()).rejects.toBeInstanceOf(ItemParseError);
  });

  it('deleteAll() deletes the items the read matches, the unreadable live one too; expired ones stay', async () => {
    expect(await byGroup('delete').deleteAll()).toEqual({ deleted: 2, retried: 0 });
    expect(await primary('delete').includeExpired().count()).toBe(3);
    expect(await byGroup('delete').includeExpired().deleteAll()).toEqual({ deleted: 3, retried: 0 });
    expect(await primary('delete').includeExpired().count()).toBe(0);
  });
});

describe('a query keyed on the TTL, whose items hold a number JavaScript cannot read', () => {
  // The TTL is the index's sort key, so the query checks expiry itself (DynamoDB refuses a filter on it).
  beforeAll(async () => {
    const live = String(Math.floor(inAnHour().getTime() / 1000));
    await putRaw('ttl-keyed', 'a', { kind: { S: 'hold' }, expiresAt: { N: live }, n: { N: UNREADABLE } });
    await putRaw('ttl-keyed', 'b', { kind: { S: 'hold' }, expiresAt: { N: live }, n: { N: '1' } });
    await putRaw('ttl-keyed', 'c', { kind: { S: 'hold' }, expiresAt: { N: String(Math.floor(expiredLongAgo().getTime() / 1000)) }, n: { N: UNREADABLE } });
  });
  const held = () => Lease.query('byExpiry', Lease.Key('kind').eq('hold'));

  it('count() reads keys and discriminator only: the unreadable number does not fail it', async () => {
    expect(await held().count()).toBe(2);
    expect(await held().includeExpired().count()).toBe(3);
  });

  it('deleteAll() deletes the live items', async () => {
    expect(await held().deleteAll()).toEqual({ deleted: 2, retried: 0 });
    expect(await held().includeExpired().count()).toBe(1);
  });
});

describe('a table-level hydrated read over items holding a number JavaScript cannot read', () => {
  // a: readable; b: an unreadable TTL far in the future; f: an unreadable `_sv` (the schema-version
  // attribute of Note, which a table-level hydrated read fetches for every item; another tool wrote it).
  beforeAll(async () => {
    await Lease.put({ group: 'table', id: 'a', expiresAt: inAnHour() });
    await putRaw('table', 'b', { expiresAt: { N: FAR_FUTURE } });
    await putRaw('table', 'f', { expiresAt: { N: String(Math.floor(inAnHour().getTime() / 1000)) }, _sv: { N: UNREADABLE } });
  });
  const tableByGroup = () => Table.query('byGroup', Table.Key('gpk').eq('GK#table')).hydrate();

  it('deleteAll() deletes what count() counts, the unreadable items too, as the entity-level read does', async () => {
    // The read itself fails on them without onInvalidItem(), and reports them with it.
    await expect(tableByGroup().all()).rejects.toBeInstanceOf(ItemParseError);
    const reported: string[] = [];
    await tableByGroup().onInvalidItem((e) => reported.push(String((e.raw['sk'] as AttributeValue).S))).all();
    expect(reported.sort()).toEqual(['L#b', 'L#f']);
    expect(await tableByGroup().count()).toBe(3);
    expect(await tableByGroup().deleteAll()).toEqual({ deleted: 3, retried: 0 });
    expect(await primary('table').includeExpired().count()).toBe(0);
  });
});
