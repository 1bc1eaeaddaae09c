/**
 * Key composites of kinds the types take, on DynamoDB Local: variants told apart by a boolean tag
 * (`z.literal(true)` / `z.literal(false)`, which zod's discriminated unions take) with the tag in
 * the key, a `z.templateLiteral` and a `z.lazy`. `defineEntity` refused each ("live is not an
 * attribute of the schema, or its type cannot be part of a key"): a union of boolean literals, a
 * template literal and a lazy schema had no key kind.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConditionFailedError, defineEntity, defineTable, TransactionCanceledError, transactWrite } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const Table = defineTable({ name: uniqueTableName('key-composite-kinds'), client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
useTable(Table, { clients: [client] });

const Listing = defineEntity({
  table: Table,
  name: 'Listing',
  schema: z.discriminatedUnion('live', [
    z.object({ shop: z.string(), id: z.string(), live: z.literal(true), price: z.number() }),
    z.object({ shop: z.string(), id: z.string(), live: z.literal(false), draftNote: z.string() }),
  ]),
  keys: { primary: { pk: 'SHOP#{shop}', sk: 'LIVE#{live}#{id}' } },
});

const failure = (p: PromiseLike<unknown>) => Promise.resolve(p).then(() => undefined, (e: unknown) => e);

describe('variants with a boolean tag in the key', () => {
  it('write, read back, query by the tag and name the key of a failed action', async () => {
    await Listing.put({ shop: 's1', id: 'a', live: true, price: 5 });
    await Listing.put({ shop: 's1', id: 'b', live: false, draftNote: 'wip' });
    expect(await Listing.get({ shop: 's1', live: false, id: 'b' })).toEqual({ shop: 's1', id: 'b', live: false, draftNote: 'wip' });
    const drafts = await Listing.query('primary', Listing.Key('shop').eq('s1').and(Listing.Key('live').eq(false))).all();
    expect(drafts).toEqual([{ shop: 's1', id: 'b', live: false, draftNote: 'wip' }]);

    await Listing.update({ shop: 's1', live: true, id: 'a' }).add({ price: 2 });
    expect(await Listing.get({ shop: 's1', live: true, id: 'a' })).toEqual({ shop: 's1', id: 'a', live: true, price: 7 });
    expect(await failure(Listing.update({ shop: 's1', live: true, id: 'zz' }).set({ price: 1 }))).toBeInstanceOf(ConditionFailedError);

    const e = await failure(transactWrite([Listing.check({ shop: 's1', live: false, id: 'b' }, Listing.Attr('draftNote').eq('done'))]));
    expect(e).toBeInstanceOf(TransactionCanceledError);
    expect(Listing.keyOf((e as TransactionCanceledError).reasons[0]!)).toEqual({ shop: 's1', live: false, id: 'b' });
  });

  it('a template literal and a lazy schema compose keys as the text and number they stand for', async () => {
    const Seat = defineEntity({
      table: Table,
      name: 'Seat',
      schema: z.object({ code: z.templateLiteral(['row-', z.number()]), n: z.lazy(() => z.number().int()), note: z.string() }),
      keys: { primary: { pk: 'SEAT#{code}', sk: 'N#{n}' } },
    });
    await Seat.put({ code: 'row-7', n: -2, note: 'aisle' });
    await Seat.put({ code: 'row-7', n: 10, note: 'window' });
    expect(await Seat.get({ code: 'row-7', n: -2 })).toEqual({ code: 'row-7', n: -2, note: 'aisle' });
    const below = await Seat.query('primary', Seat.Key('code').eq('row-7').and(Seat.Key('n').lt(5))).all();
    expect(below.map((s) => s.note)).toEqual(['aisle']);
  });
});
