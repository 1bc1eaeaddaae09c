/**
 * Entities with variants (a union schema) where the variants hold a field differently, on DynamoDB
 * Local: a projected read never gives an item a field (a default) that only another variant has.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const Table = defineTable({ name: uniqueTableName('variant-review'), client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
useTable(Table, { clients: [client] });

/** A letter has a fee (3 unless given) and weighs at most 500 g; a box has no fee and no weight limit. */
const Parcel = defineEntity({
  table: Table,
  name: 'Parcel',
  schema: z.discriminatedUnion('size', [
    z.object({ parcelId: z.string(), size: z.literal('letter'), grams: z.number().int().max(500), fee: z.number().default(3), stamps: z.array(z.string()).max(2).optional() }),
    z.object({ parcelId: z.string(), size: z.literal('box'), grams: z.number().int().min(100), stamps: z.array(z.string()).optional() }),
  ]),
  keys: { primary: { pk: 'PARCEL#{parcelId}', sk: 'PARCEL' } },
});

describe('projections of a variant entity', () => {
  it("give an item no default of another variant's field", async () => {
    await Parcel.put({ parcelId: 'letter', size: 'letter', grams: 20 });
    await Parcel.put({ parcelId: 'box', size: 'box', grams: 2000 });
    expect(await Parcel.get({ parcelId: 'box' })).toEqual({ parcelId: 'box', size: 'box', grams: 2000 });
    expect(await Parcel.get({ parcelId: 'box' }).project('fee', 'size')).toEqual({ size: 'box' });
    expect(await Parcel.get({ parcelId: 'box' }).project('fee')).toEqual({});
    expect(await Parcel.get({ parcelId: 'letter' }).project('fee', 'size')).toEqual({ fee: 3, size: 'letter' });
    const projected = await Parcel.scan().project('parcelId', 'fee').all();
    expect(projected.sort((a, b) => a.parcelId.localeCompare(b.parcelId))).toEqual([{ parcelId: 'box' }, { parcelId: 'letter', fee: 3 }]);
  });
});
