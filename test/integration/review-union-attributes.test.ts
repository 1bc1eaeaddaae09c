/**
 * Review of union, intersection, tuple and record paths in conditions and updates, against
 * DynamoDB Local: an update never stores an item its schema refuses on read, and run-time paths
 * match the typed ones.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { AttributeOperand, ConditionFailedError, defineEntity, defineTable, ExpressionError, ValidationError } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { countRequests, refusedBeforeSend } from '../support/requests.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);
const requests = countRequests(client);
const Sketches = defineTable({ name: uniqueTableName('review-unions'), client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });

// `meta` is a record in circles and an object with a required `x` in squares.
const circle = z.object({ kind: z.literal('circle'), r: z.number().positive(), meta: z.record(z.string(), z.string()).optional() });
const square = z.object({ kind: z.literal('square'), side: z.number(), meta: z.object({ x: z.string() }).optional() });
const shape = z.discriminatedUnion('kind', [circle, square]);

const Sketch = defineEntity({
  table: Sketches,
  name: 'Sketch',
  schema: z.object({
    id: z.string(),
    shape: shape.optional(),
    byName: z.record(z.string(), shape).optional(),
    framed: z.intersection(z.object({ frame: z.string() }), shape).optional(),
    pair: z.tuple([z.string(), z.number()]).optional(),
    series: z.tuple([z.string()], z.number()).optional(),
    flag: z.discriminatedUnion('on', [z.object({ on: z.literal(true), since: z.number() }), z.object({ on: z.literal(false), why: z.string() })]).optional(),
  }),
  keys: { primary: { pk: 'S#{id}', sk: 'S' } },
});
useTable(Sketches, { clients: [client] });

const raw = async (id: string) => (await doc.send(new GetCommand({ TableName: Sketches.name, Key: { pk: `S#${id}`, sk: 'S' } }))).Item;

describe('union attributes under review', () => {
  it("removing a field that is a record entry in one option and a required field in another is guarded by the tag", async () => {
    await Sketch.put({ id: 'm1', shape: { kind: 'square', side: 1, meta: { x: 'q' } } });
    await Sketch.put({ id: 'm2', shape: { kind: 'circle', r: 1, meta: { x: 'q', y: 'w' } } });
    // Removing a square's meta.x stored { meta: {} }, which no read could parse.
    const failed = await Sketch.update({ id: 'm1' })
      .remove('shape.meta.x')
      .send()
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ConditionFailedError);
    expect((failed as Error).message).toContain('shape.kind must be "circle" for shape.meta.x');
    expect((await Sketch.get({ id: 'm1' }))?.shape).toEqual({ kind: 'square', side: 1, meta: { x: 'q' } });
    await Sketch.update({ id: 'm2' }).remove('shape.meta.x');
    expect((await Sketch.get({ id: 'm2' }))?.shape).toEqual({ kind: 'circle', r: 1, meta: { y: 'w' } });
  });

  it("a tuple's fixed elements cannot be removed (the rest would shift); its rest elements can", async () => {
    await Sketch.put({ id: 't1', pair: ['a', 1], series: ['s', 1, 2] });
    // @ts-expect-error a required fixed position does not compile either
    await refusedBeforeSend(requests, ValidationError, () => Sketch.update({ id: 't1' }).remove('pair[0]'));
    // @ts-expect-error the fixed position before a rest element too
    await refusedBeforeSend(requests, ValidationError, () => Sketch.update({ id: 't1' }).remove('series[0]'));
    await Sketch.update({ id: 't1' }).remove('series[1]');
    const got = await Sketch.get({ id: 't1' });
    expect(got?.pair).toEqual(['a', 1]);
    expect(got?.series).toEqual(['s', 2]);
  });

  it('paths through an intersection with a union side: typed, accepted at run time, guarded by the tag', async () => {
    await Sketch.put({ id: 'i1', framed: { frame: 'oak', kind: 'circle', r: 1 } });
    await Sketch.put({ id: 'i2', framed: { frame: 'pine', kind: 'square', side: 2 } });
    expectTypeOf(Sketch.Attr('framed.r')).toEqualTypeOf<AttributeOperand<number>>();
    const circles = await Sketch.scan().filter(Sketch.Attr('framed.r').gt(0).and(Sketch.Attr('framed.frame').eq('oak'))).all();
    expect(circles.map((s) => s.id)).toEqual(['i1']);
    await Sketch.update({ id: 'i1' }).set({ 'framed.r': 5, 'framed.frame': 'ash' });
    expect((await Sketch.get({ id: 'i1' }))?.framed).toEqual({ frame: 'ash', kind: 'circle', r: 5 });
    await expect(Sketch.update({ id: 'i2' }).set({ 'framed.r': 5 })).rejects.toThrow(/framed.kind must be "circle" for framed.r/);
    expect((await raw('i2'))?.['framed']).toEqual({ frame: 'pine', kind: 'square', side: 2 });
    await refusedBeforeSend(requests, ValidationError, () => Sketch.update({ id: 'i1' }).set({ 'framed.r': -1 }));
  });

  it('changes to fields of two options of one union are refused before sending', async () => {
    const refused = await refusedBeforeSend(requests, ExpressionError, () => Sketch.update({ id: 'x' }).set({ 'shape.r': 2, 'shape.side': 3 }));
    expect(refused.message).toMatch(/shape.r, shape.side: .*different options of the union tagged by shape.kind/);
  });

  it("paths below a record of unions are typed by the entry's option, not the whole entry", async () => {
    await Sketch.put({ id: 'r1', byName: { a: { kind: 'circle', r: 2 }, b: { kind: 'square', side: 3 } } });
    // The value at byName.a.r is a number (it was typed as the whole entry).
    expectTypeOf(Sketch.Attr('byName.a.r')).toEqualTypeOf<AttributeOperand<number>>();
    const found = await Sketch.scan().filter(Sketch.Attr('byName.a.r').gte(2).and(Sketch.Attr('byName.b.kind').eq('square'))).all();
    expect(found.map((s) => s.id)).toEqual(['r1']);
  });

  it('boolean tags guard like string ones', async () => {
    await Sketch.put({ id: 'b1', flag: { on: false, why: 'no' } });
    await expect(Sketch.update({ id: 'b1' }).set({ 'flag.since': 3 })).rejects.toThrow(/flag.on must be true for flag.since/);
    await Sketch.update({ id: 'b1' }).set({ 'flag.why': 'still no' });
    expect((await Sketch.get({ id: 'b1' }))?.flag).toEqual({ on: false, why: 'still no' });
  });
});
