/**
 * helper-51: the run-time side of the record types. A record keyed by an enum (`z.record(z.enum([...]), ...)`)
 * must hold every key, and no other (zod refuses the item otherwise), as its type says
 * (`Record<'a' | 'b', number>`). An update that removed one of its keys, or set a key outside the
 * enum, was sent and stored an item that no read could parse afterwards.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, ExpressionError, ValidationError } from '../../src/index.js';
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
