/**
 * helper-51: the run-time side of the record types. A record keyed by an enum (`z.record(z.enum([...]), ...)`)
 * must hold every key, and no other (zod refuses the item otherwise), as its type says
 * (`Record<'a' | 'b', number>`). An update that removed one of its keys, or set a key outside the
 * enum, was sent and stored an item that no read could parse afterwards.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConditionFailedError, defineEntity, defineTable, ExpressionError, ValidationError, VersionConflictError } from '../../src/index.js';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { testDocClient } from '../support/client.js';
import { failure } from '../support/failure.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';
import { countRequests, refusedBeforeSend } from '../support/requests.js';

const client = testClient();
const requests = countRequests(client);
const Table = defineTable({
  name: uniqueTableName('review-types-51'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
});

const Stock = defineEntity({
  table: Table,
  name: 'Stock',
  schema: z.object({
    id: z.string(),
    bySize: z.record(z.enum(['s', 'm']), z.number()),
    byColor: z.partialRecord(z.enum(['red', 'blue']), z.number()),
    byShop: z.record(z.string(), z.number()),
  }),
  keys: { primary: { pk: 'S#{id}', sk: 'STOCK' } },
});

const Counter = defineEntity({
  table: Table,
  name: 'Counter',
  schema: z.object({ id: z.string(), n: z.number() }),
  keys: { primary: { pk: 'C#{id}', sk: 'COUNTER' } },
  version: 'version',
});

useTable(Table, { clients: [client] });

describe('records keyed by an enum keep exactly their keys', () => {
  it('removing a key of an exhaustive record is refused before sending; the item stays readable', async () => {
    await Stock.put({ id: 's1', bySize: { s: 1, m: 2 }, byColor: { red: 1 }, byShop: { paris: 3 } });
    const e = await refusedBeforeSend(requests, ValidationError, () => Stock.update({ id: 's1' }).remove('bySize.s' as never));
    expect(e.message).toMatch(/bySize\.s: is required by the schema and cannot be removed/);
    expect(await Stock.get({ id: 's1' })).toMatchObject({ bySize: { s: 1, m: 2 } });
  });

  it('a key outside the enum is not a path of the record', async () => {
    const e = await refusedBeforeSend(requests, ExpressionError, () => Stock.update({ id: 's1' }).set({ 'bySize.xl': 4 } as never));
    expect(e.message).toMatch(/bySize\.xl: is not a path of the Stock schema/);
    expect(() => Stock.Attr('bySize.xl' as never)).toThrow(ExpressionError);
    expect(await Stock.get({ id: 's1' })).toMatchObject({ bySize: { s: 1, m: 2 } });
  });

  it('a partial record and a record of any keys still take and lose entries', async () => {
    await Stock.update({ id: 's1' }).set({ 'bySize.m': 5, 'byColor.blue': 2, 'byShop.rome': 4 }).remove('byColor.red', 'byShop.paris');
    expect(await Stock.get({ id: 's1' })).toEqual({ id: 's1', bySize: { s: 1, m: 5 }, byColor: { blue: 2 }, byShop: { rome: 4 } });
  });
});

describe('Entity.storedItem(failure): the stored item of a failed write, typed', () => {
  it('is the parsed item of a lost version race, and undefined for another entity or an unparsable item', async () => {
    await Counter.create({ id: 'c1', n: 1 });
    await Counter.update({ id: 'c1' }).set({ n: 2 });
    const e = await failure(Counter.update({ id: 'c1', version: 1 }).set({ n: 3 }), VersionConflictError);
    const current = Counter.storedItem(e);
    expect(current).toEqual({ id: 'c1', n: 2, version: 2 });
    expect(current).toBe(e.item);
    // Another entity's guard does not type it as its own.
    expect(Stock.storedItem(e)).toBeUndefined();
    expect(Counter.storedItem(new Error('x'))).toBeUndefined();
    expect(Counter.storedItem(undefined)).toBeUndefined();

    // A stored item that does not parse is attached as stored, and is no Counter.
    await testDocClient(client).send(new PutCommand({ TableName: Table.name, Item: { pk: 'C#c2', sk: 'COUNTER', _et: 'Counter', id: 'c2', n: 'many', version: 5 } }));
    const bad = await failure(Counter.update({ id: 'c2', version: 1 }).set({ n: 3 }), ConditionFailedError);
    expect(bad.item).toMatchObject({ n: 'many' });
    expect(Counter.storedItem(bad)).toBeUndefined();
  });
});
