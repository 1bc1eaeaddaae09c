/**
 * Entities with variants (a union schema) where the variants hold a field differently, on DynamoDB
 * Local: a projected read never gives an item a field (a default) that only another variant has,
 * and `add()`, `ref()` arithmetic and list changes keep each item within its own variant's bounds,
 * not the tightest of all variants (adding to a box's weight failed on the letters' maximum); a
 * nested update of a union attribute inside a variant is guarded by both tags (it was refused as
 * "applies to only some options of , ...": a path through two unions); and `remove()` of a field
 * with a default, which stores the default, is guarded (it wrote a letter's fee into a box); a
 * projection reaches into a map the variants hold with different fields (it was refused as "a union").
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConditionFailedError, ValidationError, defineEntity, defineTable } from '../../src/index.js';
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

describe("bounds of a field the variants bound differently", () => {
  it('add() and ref() arithmetic keep each item within its own variant\'s range', async () => {
    await Parcel.put({ parcelId: 'b2', size: 'box', grams: 2000 });
    await Parcel.put({ parcelId: 'l2', size: 'letter', grams: 450 });
    await Parcel.update({ parcelId: 'b2' }).add({ grams: 100 });
    await Parcel.update({ parcelId: 'b2' }).set({ grams: Parcel.ref('grams').plus(1) });
    expect((await Parcel.get({ parcelId: 'b2' }))?.grams).toBe(2101);
    await Parcel.update({ parcelId: 'l2' }).add({ grams: 50 });
    const heavy = await Parcel.update({ parcelId: 'l2' }).add({ grams: 1 }).catch((e: unknown) => e);
    expect(heavy).toBeInstanceOf(ConditionFailedError);
    expect((heavy as Error).message).toMatch(/grams must be <= 499 \(or absent\) for grams to stay within its schema max 500, on items whose size is "letter"/);
    // The box's own minimum (100 g) holds for boxes only.
    const light = await Parcel.update({ parcelId: 'b2' }).add({ grams: -2050 }).catch((e: unknown) => e);
    expect(light).toBeInstanceOf(ConditionFailedError);
    expect((light as Error).message).toMatch(/grams must be >= 2150 for grams to stay within its schema min 100, on items whose size is "box"/);
    await Parcel.update({ parcelId: 'l2' }).add({ grams: -490 });
    const [b2, l2] = await Parcel.batchGet([{ parcelId: 'b2' }, { parcelId: 'l2' }]);
    expect([b2?.grams, l2?.grams]).toEqual([2101, 10]);
  });

  it('list lengths: a box takes more stamps than a letter, and a change no letter can take still fits a box', async () => {
    await Parcel.put({ parcelId: 'b3', size: 'box', grams: 500, stamps: ['a', 'b'] });
    await Parcel.put({ parcelId: 'l3', size: 'letter', grams: 5, stamps: ['a'] });
    await Parcel.update({ parcelId: 'b3' }).append({ stamps: ['c'] });
    await Parcel.update({ parcelId: 'l3' }).append({ stamps: ['b'] });
    expect(await Parcel.update({ parcelId: 'l3' }).append({ stamps: ['c'] }).catch((e: unknown) => e)).toBeInstanceOf(ConditionFailedError);
    // Three stamps at once: more than any letter holds, so the update only applies to a box.
    await Parcel.update({ parcelId: 'b3' }).append({ stamps: ['d', 'e', 'f'] });
    const letter = await Parcel.update({ parcelId: 'l3' }).append({ stamps: ['d', 'e', 'f'] }).catch((e: unknown) => e);
    expect(letter).toBeInstanceOf(ConditionFailedError);
    expect((letter as Error).message).toMatch(/joining 3 elements exceeds the maximum 2 \(schema max 2\), on items whose size is "letter": the item must be of another option/);
    const [b3, l3] = await Parcel.batchGet([{ parcelId: 'b3' }, { parcelId: 'l3' }]);
    expect([b3?.stamps, l3?.stamps]).toEqual([['a', 'b', 'c', 'd', 'e', 'f'], ['a', 'b']]);
  });

  it('a change no variant can take is still refused before sending', () => {
    const Tight = defineEntity({
      table: Table,
      name: 'Tight',
      schema: z.discriminatedUnion('kind', [
        z.object({ id: z.string(), kind: z.literal('a'), tags: z.array(z.string()).max(1) }),
        z.object({ id: z.string(), kind: z.literal('b'), tags: z.array(z.string()).max(2) }),
      ]),
      keys: { primary: { pk: 'TIGHT#{id}', sk: 'TIGHT' } },
    });
    expect(() => Tight.update({ id: 't' }).append({ tags: ['x', 'y', 'z'] }).build()).toThrow(ValidationError);
  });
});

describe('a union attribute inside a variant', () => {
  const Drawing = defineEntity({
    table: Table,
    name: 'Drawing',
    schema: z.discriminatedUnion('kind', [
      z.object({
        id: z.string(),
        kind: z.literal('figure'),
        shape: z.discriminatedUnion('form', [z.object({ form: z.literal('circle'), r: z.number().max(10) }), z.object({ form: z.literal('square'), side: z.number() })]),
      }),
      z.object({ id: z.string(), kind: z.literal('text'), body: z.string() }),
    ]),
    keys: { primary: { pk: 'DRAWING#{id}', sk: 'DRAWING' } },
  });

  it('updates a field of one option, guarded by the entity tag and the union tag', async () => {
    await Drawing.put({ id: 'c', kind: 'figure', shape: { form: 'circle', r: 1 } });
    await Drawing.put({ id: 's', kind: 'figure', shape: { form: 'square', side: 2 } });
    await Drawing.put({ id: 't', kind: 'text', body: 'hi' });
    const input = Drawing.update({ id: 'c' }).set({ 'shape.r': 5 }).build();
    expect(Object.values(input.ExpressionAttributeNames ?? {})).toEqual(expect.arrayContaining(['kind', 'shape', 'form', 'r']));
    await Drawing.update({ id: 'c' }).set({ 'shape.r': 5 });
    await Drawing.update({ id: 'c' }).add({ 'shape.r': 5 });
    expect(await Drawing.get({ id: 'c' })).toEqual({ id: 'c', kind: 'figure', shape: { form: 'circle', r: 10 } });
    const square = await Drawing.update({ id: 's' }).set({ 'shape.r': 5 }).catch((e: unknown) => e);
    expect(square).toBeInstanceOf(ConditionFailedError);
    expect((square as Error).message).toMatch(/shape\.form must be "circle" for shape\.r/);
    const text = await Drawing.update({ id: 't' }).set({ 'shape.r': 5 }).catch((e: unknown) => e);
    expect(text).toBeInstanceOf(ConditionFailedError);
    expect((text as Error).message).toMatch(/kind must be "figure" for shape\.r/);
    expect(await Drawing.get({ id: 's' })).toEqual({ id: 's', kind: 'figure', shape: { form: 'square', side: 2 } });
    expect(await Drawing.get({ id: 't' })).toEqual({ id: 't', kind: 'text', body: 'hi' });
  });

  it('refuses, naming the attribute, a path the variants hold in unions that differ', () => {
    const Mixed = defineEntity({
      table: Table,
      name: 'Mixed',
      schema: z.discriminatedUnion('kind', [
        z.object({ id: z.string(), kind: z.literal('a'), shape: z.discriminatedUnion('form', [z.object({ form: z.literal('circle'), r: z.number() }), z.object({ form: z.literal('square'), side: z.number() })]) }),
        z.object({ id: z.string(), kind: z.literal('b'), shape: z.discriminatedUnion('form', [z.object({ form: z.literal('disc'), r: z.number() }), z.object({ form: z.literal('dot') })]) }),
      ]),
      keys: { primary: { pk: 'MIXED#{id}', sk: 'MIXED' } },
    });
    expect(() => Mixed.update({ id: 'm' }).set({ 'shape.r': 1 }).build()).toThrow(/shape\.r: is held in unions that differ between the variants of Mixed.*set shape as a whole/);
  });
});

describe('remove() of a field with a default, which only some options hold', () => {
  it('stores the default on items of those options and fails on the others, writing nothing', async () => {
    await Parcel.put({ parcelId: 'b4', size: 'box', grams: 300 });
    await Parcel.put({ parcelId: 'l4', size: 'letter', grams: 30, fee: 7 });
    await Parcel.update({ parcelId: 'l4' }).remove('fee');
    expect((await Parcel.get({ parcelId: 'l4' }))).toMatchObject({ size: 'letter', fee: 3 });
    const box = await Parcel.update({ parcelId: 'b4' }).remove('fee').catch((e: unknown) => e);
    expect(box).toBeInstanceOf(ConditionFailedError);
    expect((box as Error).message).toMatch(/size must be "letter" for fee/);
    expect(await Parcel.get({ parcelId: 'b4' }).consistent()).toEqual({ parcelId: 'b4', size: 'box', grams: 300 });
  });

  it('set({ x: undefined }) of an optional field without a default removes it as remove() does: a no-op on a variant without it', async () => {
    const Memo = defineEntity({
      table: Table,
      name: 'Memo',
      schema: z.discriminatedUnion('kind', [z.object({ id: z.string(), kind: z.literal('noted'), note: z.string().optional() }), z.object({ id: z.string(), kind: z.literal('plain') })]),
      keys: { primary: { pk: 'MEMO#{id}', sk: 'MEMO' } },
    });
    await Memo.put({ id: 'n', kind: 'noted', note: 'x' });
    await Memo.put({ id: 'p', kind: 'plain' });
    // It failed with ConditionFailedError ("kind must be "noted" for note") where remove('note') passed.
    await Memo.update({ id: 'p' }).set({ note: undefined });
    await Memo.update({ id: 'n' }).set({ note: undefined });
    const [n, p] = await Memo.batchGet([{ id: 'n' }, { id: 'p' }]);
    expect([n, p]).toEqual([{ id: 'n', kind: 'noted' }, { id: 'p', kind: 'plain' }]);
  });

  it('inside a union attribute too: a strict option stays readable', async () => {
    const Figure = defineEntity({
      table: Table,
      name: 'Figure',
      schema: z.object({
        id: z.string(),
        shape: z.discriminatedUnion('kind', [z.object({ kind: z.literal('circle'), r: z.number().default(1) }), z.strictObject({ kind: z.literal('square') })]),
      }),
      keys: { primary: { pk: 'FIGURE#{id}', sk: 'FIGURE' } },
    });
    await Figure.put({ id: 'sq', shape: { kind: 'square' } });
    expect(await Figure.update({ id: 'sq' }).remove('shape.r').catch((e: unknown) => e)).toBeInstanceOf(ConditionFailedError);
    expect(await Figure.get({ id: 'sq' }).consistent()).toEqual({ id: 'sq', shape: { kind: 'square' } });
  });
});

describe('project() into a map the variants hold with different fields', () => {
  const Contact = defineEntity({
    table: Table,
    name: 'Contact',
    schema: z.discriminatedUnion('kind', [
      z.object({ id: z.string(), kind: z.literal('person'), addr: z.object({ city: z.string(), zip: z.string() }) }),
      z.object({ id: z.string(), kind: z.literal('company'), addr: z.object({ city: z.string(), floor: z.number().optional() }) }),
    ]),
    keys: { primary: { pk: 'CONTACT#{id}', sk: 'CONTACT' } },
  });

  it('reads the paths of each variant', async () => {
    await Contact.put({ id: 'p', kind: 'person', addr: { city: 'Oslo', zip: '0150' } });
    await Contact.put({ id: 'c', kind: 'company', addr: { city: 'Rome', floor: 3 } });
    expect(await Contact.get({ id: 'p' }).project('addr.city')).toEqual({ addr: { city: 'Oslo' } });
    expect(await Contact.get({ id: 'c' }).project('addr.city', 'addr.floor')).toEqual({ addr: { city: 'Rome', floor: 3 } });
    expect(await Contact.get({ id: 'p' }).project('addr.zip', 'kind')).toEqual({ kind: 'person', addr: { zip: '0150' } });
    expect(await Contact.get({ id: 'c' }).project('addr.zip')).toEqual({});
  });
});
