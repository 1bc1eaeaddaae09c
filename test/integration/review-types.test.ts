/**
 * The run-time side of the update value types (test/types/review-types.test-d.ts): update values
 * are parsed by the schema at their path, as put's item is, so a top-level attribute takes the
 * schema's input. These calls did not compile while set() was typed by the stored (output) type,
 * though the run time stores exactly what a put of the same value stores.
 */
import { describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ConditionFailedError, defineEntity, defineTable, ExpressionError, ValidationError } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';
import { countRequests, refusedBeforeSend } from '../support/requests.js';
import { failure } from '../support/failure.js';

const client = testClient();
const doc = testDocClient(client);
const requests = countRequests(client);
const Table = defineTable({
  name: uniqueTableName('review-types'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
});

const Profile = defineEntity({
  table: Table,
  name: 'Profile',
  schema: z.object({
    id: z.string(),
    address: z.object({ city: z.string(), country: z.string().default('FR') }),
    lines: z.array(z.object({ sku: z.string(), qty: z.number().int().default(1) })).optional(),
    // Written as text, stored and read as its length.
    length: z.string().transform((s) => s.length),
    // Written as ISO text, stored as a Date (an ISO string in the table) and read as a Date.
    at: z.string().transform((s) => new Date(s)).pipe(z.date()),
    visits: z.number().int().default(0),
    on: z.boolean().optional(),
    off: z.boolean().optional(),
  }),
  keys: { primary: { pk: 'P#{id}', sk: 'PROFILE' } },
});

/** Keeps unknown attributes (numbers): its item type has a string index signature. */
const Loose = defineEntity({
  table: Table,
  name: 'Loose',
  schema: z
    .object({ id: z.string(), address: z.object({ city: z.string() }).optional() })
    .catchall(z.number()),
  keys: { primary: { pk: 'L#{id}', sk: 'LOOSE' } },
});

useTable(Table, { clients: [client] });

async function raw(id: string, prefix = 'P#', sk = 'PROFILE'): Promise<Record<string, unknown> | undefined> {
  return (await doc.send(new GetCommand({ TableName: Table.name, Key: { pk: `${prefix}${id}`, sk }, ConsistentRead: true }))).Item;
}

describe('update values take the schema input at top-level attributes', () => {
  it('set() of an object with a nested default stores the default, as put() does', async () => {
    await Profile.put({ id: 'p1', address: { city: 'Berlin', country: 'DE' }, length: 'ab', at: '2024-01-01T00:00:00.000Z' });
    await Profile.update({ id: 'p1' }).set({ address: { city: 'Paris' } });
    expect((await raw('p1'))?.['address']).toEqual({ city: 'Paris', country: 'FR' });
    expect((await Profile.get({ id: 'p1' }).consistent())?.address).toEqual({ city: 'Paris', country: 'FR' });
  });

  it('set() of transformed attributes takes what the transform reads and stores what it returns', async () => {
    await Profile.put({ id: 'p2', address: { city: 'Paris' }, length: 'ab', at: '2024-01-01T00:00:00.000Z' });
    await Profile.update({ id: 'p2' }).set({ length: 'four', at: '2025-06-01T12:00:00.000Z' });
    expect(await raw('p2')).toMatchObject({ length: 4, at: '2025-06-01T12:00:00.000Z' });
    const got = await Profile.get({ id: 'p2' }).consistent();
    expect(got?.length).toBe(4);
    expect(got?.at).toEqual(new Date('2025-06-01T12:00:00.000Z'));
    // The stored type is what the run time refuses there (the types now refuse it too).
    await refusedBeforeSend(requests, ValidationError, () => Profile.update({ id: 'p2' }).set({ length: 4 as never }));
  });

  it('append() and setIfNotExists() take elements and values as put() takes them', async () => {
    await Profile.put({ id: 'p3', address: { city: 'Paris' }, length: 'ab', at: '2024-01-01T00:00:00.000Z' });
    await Profile.update({ id: 'p3' }).setIfNotExists({ lines: [{ sku: 'A0' }] });
    await Profile.update({ id: 'p3' }).append({ lines: [{ sku: 'A1' }] });
    expect((await raw('p3'))?.['lines']).toEqual([
      { sku: 'A0', qty: 1 },
      { sku: 'A1', qty: 1 },
    ]);
  });

  it('setIfNotExists() with a ref() is refused with an ExpressionError naming the path, before sending', async () => {
    await Profile.put({ id: 'p4', address: { city: 'Paris' }, length: 'ab', at: '2024-01-01T00:00:00.000Z' });
    const e = await refusedBeforeSend(requests, ExpressionError, () => Profile.update({ id: 'p4' }).setIfNotExists({ visits: Profile.ref('length') as never }));
    expect(e.message).toMatch(/visits: setIfNotExists\(\) takes plain values, not ref\(\)/);
    expect((await raw('p4'))?.['visits']).toBe(0);
  });
});

describe('order comparisons between attributes DynamoDB cannot order', () => {
  it('true > false between two boolean attributes is never true (now a type error: NotOrdered)', async () => {
    await Profile.put({ id: 'b1', address: { city: 'Paris' }, length: 'ab', at: '2024-01-01T00:00:00.000Z', on: true, off: false });
    // What compiled before: no value to check, so nothing refused it before sending.
    const e = await failure(Profile.update({ id: 'b1' }).set({ visits: 1 }).where(Profile.Attr('on').gt(Profile.Attr('off') as never)), ConditionFailedError);
    expect(e).toBeInstanceOf(ConditionFailedError);
    expect((await raw('b1'))?.['visits']).toBe(0);
  });
});

describe('an entity that keeps unknown attributes', () => {
  it('updates and conditions on its schema paths compile with the schema types and work', async () => {
    // Did not compile either: zod's input type asked the string id to match the catchall (a number).
    await Loose.put({ id: 'l1', address: { city: 'Berlin' }, extra: 7 });
    expect(await raw('l1', 'L#', 'LOOSE')).toMatchObject({ id: 'l1', extra: 7 });
    // The catchall checks the attributes outside the schema.
    await refusedBeforeSend(requests, ValidationError, () => Loose.put({ id: 'l2', extra: 'seven' }));
    // Did not compile: the catchall's index signature typed 'address.city' as a number.
    await Loose.update({ id: 'l1' }).set({ 'address.city': 'Paris' }).where(Loose.Attr('address.city').eq('Berlin'));
    expect(await Loose.get({ id: 'l1' }).consistent()).toEqual({ id: 'l1', address: { city: 'Paris' }, extra: 7 });
    // What did compile is never true: a stored city is a string.
    await failure(Loose.update({ id: 'l1' }).set({ address: { city: 'Rome' } }).where(Loose.Attr('address.city').eq(5 as never)), ConditionFailedError);
    // An attribute outside the schema is not a path at run time either.
    await refusedBeforeSend(requests, ExpressionError, () => Loose.update({ id: 'l1' }).set({ extra: 8 } as never));
  });
});
