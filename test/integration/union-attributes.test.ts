/**
 * Attributes whose schema is a union (`z.discriminatedUnion`, a `z.union` of objects), tuples and
 * recursive schemas, against DynamoDB Local: conditions may name a field of some options only
 * (`shape.r` exists on circles), and a nested update of such a field is guarded by the union's tag,
 * so it never writes a circle's field into a square (an item its schema would refuse on read).
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

const Drawings = defineTable({ name: uniqueTableName('unions'), client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });

interface Node {
  name: string;
  children?: Node[] | undefined;
}
const node: z.ZodType<Node> = z.lazy(() => z.object({ name: z.string(), children: z.array(node).optional() }));

const Figure = defineEntity({
  table: Drawings,
  name: 'Figure',
  schema: z.object({
    id: z.string(),
    shape: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('circle'), r: z.number().positive(), label: z.string().optional() }),
      z.object({ kind: z.literal('square'), side: z.number().max(100), label: z.string().optional() }),
      z.object({ kind: z.enum(['dot', 'point']), label: z.string().optional() }),
    ]),
    // A plain union whose options carry distinct literals in `type`: that field is its tag.
    payment: z.union([z.object({ type: z.literal('card'), last4: z.string() }), z.object({ type: z.literal('bank'), iban: z.string() })]).optional(),
    // A union with nothing to tell its options apart.
    blob: z.union([z.object({ a: z.string() }), z.object({ b: z.number() })]).optional(),
    pair: z.tuple([z.string(), z.number()]).optional(),
    both: z.intersection(z.object({ a: z.string(), n: z.number().max(10) }), z.object({ b: z.number(), n: z.number().min(0) })).optional(),
    tree: node.optional(),
  }),
  keys: { primary: { pk: 'FIG#{id}', sk: 'FIG' } },
});

useTable(Drawings, { clients: [client] });

const raw = async (id: string) => (await doc.send(new GetCommand({ TableName: Drawings.name, Key: { pk: `FIG#${id}`, sk: 'FIG' } }))).Item;

describe('union attributes', () => {
  it('conditions and filters name fields of some options, typed by those options', async () => {
    await Figure.put({ id: 'c1', shape: { kind: 'circle', r: 3 } });
    await Figure.put({ id: 'c2', shape: { kind: 'circle', r: 1 } });
    await Figure.put({ id: 's1', shape: { kind: 'square', side: 4 } });
    const { Attr } = Figure;
    expectTypeOf(Attr('shape.r')).toEqualTypeOf<AttributeOperand<number>>();
    // @ts-expect-error: r is a number in the only option that has it
    expect(() => Attr('shape.r').gt('x')).not.toThrow();
    const big = await Figure.scan().filter(Attr('shape.r').gt(2).or(Attr('shape.side').gte(4))).all();
    expect(big.map((f) => f.id).sort()).toEqual(['c1', 's1']);
    await expect(Figure.put({ id: 'c1', shape: { kind: 'circle', r: 9 } }).where(Attr('shape.side').exists())).rejects.toThrow(ConditionFailedError);
    // @ts-expect-error: no option has it
    await refusedBeforeSend(requests, ExpressionError, () => Figure.scan().filter(Attr('shape.nope').exists()));
  });

  it("a nested update of one option's field is guarded by the tag", async () => {
    await Figure.put({ id: 'g1', shape: { kind: 'circle', r: 2 } });
    await Figure.put({ id: 'g2', shape: { kind: 'square', side: 5 } });
    const circle = await Figure.update({ id: 'g1' }).set({ 'shape.r': 7 }).returning('ALL_NEW');
    expect(circle.shape).toEqual({ kind: 'circle', r: 7 });
    expect(Figure.update({ id: 'g1' }).set({ 'shape.r': 7 }).build().ConditionExpression).toMatch(/#n\d\.#n\d = :v\d/);

    // On a square the same update would store { kind: 'square', side: 5, r: 7 }: refused by the condition.
    const failed = await Figure.update({ id: 'g2' })
      .set({ 'shape.r': 7 })
      .send()
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ConditionFailedError);
    expect((failed as Error).message).toContain('shape.kind must be "circle" for shape.r');
    expect((await raw('g2'))?.['shape']).toEqual({ kind: 'square', side: 5 });

    // add() and the option's own bounds: side stays at most 100, r positive.
    await Figure.update({ id: 'g2' }).add({ 'shape.side': 10 });
    expect((await Figure.get({ id: 'g2' }))?.shape).toEqual({ kind: 'square', side: 15 });
    await expect(Figure.update({ id: 'g2' }).add({ 'shape.side': 90 })).rejects.toThrow(ConditionFailedError);
    await refusedBeforeSend(requests, ValidationError, () => Figure.update({ id: 'g1' }).set({ 'shape.r': -1 }));
    // @ts-expect-error: r is a number
    await refusedBeforeSend(requests, ValidationError, () => Figure.update({ id: 'g1' }).set({ 'shape.r': 'big' }));
  });

  it("changing the tag by a nested path only holds where it changes nothing; a field of every option needs no guard", async () => {
    await Figure.put({ id: 't1', shape: { kind: 'circle', r: 2 } });
    await Figure.put({ id: 't2', shape: { kind: 'dot' } });
    // A circle turned into a square by its tag alone would have no side.
    await expect(Figure.update({ id: 't1' }).set({ 'shape.kind': 'square' })).rejects.toThrow(ConditionFailedError);
    expect((await Figure.get({ id: 't1' }))?.shape).toEqual({ kind: 'circle', r: 2 });
    // dot and point share an option: switching between them keeps a valid item.
    await Figure.update({ id: 't2' }).set({ 'shape.kind': 'point' });
    expect((await Figure.get({ id: 't2' }))?.shape).toEqual({ kind: 'point' });

    const common = Figure.update({ id: 't1' }).set({ 'shape.label': 'x' });
    // Only the entity check: no tag guard.
    expect(common.build().ConditionExpression).toMatch(/^#n\d+ = :v\d+$/);
    await common;
    await Figure.update({ id: 't2' }).set({ 'shape.label': 'y' });
    await Figure.update({ id: 't1' }).remove('shape.label');
    expect((await Figure.get({ id: 't1' }))?.shape).toEqual({ kind: 'circle', r: 2 });
    expect((await Figure.get({ id: 't2' }))?.shape).toEqual({ kind: 'point', label: 'y' });
    // r is required where it exists.
    // @ts-expect-error (nor does it compile)
    await refusedBeforeSend(requests, ValidationError, () => Figure.update({ id: 't1' }).remove('shape.r'));
  });

  it('a plain union tagged by a literal field is guarded the same way; one without a tag is refused', async () => {
    await Figure.put({ id: 'p1', shape: { kind: 'dot' }, payment: { type: 'card', last4: '1111' }, blob: { a: 'x' } });
    await Figure.put({ id: 'p2', shape: { kind: 'dot' }, payment: { type: 'bank', iban: 'DE00' } });
    await Figure.update({ id: 'p1' }).set({ 'payment.last4': '2222' });
    expect((await Figure.get({ id: 'p1' }))?.payment).toEqual({ type: 'card', last4: '2222' });
    await expect(Figure.update({ id: 'p2' }).set({ 'payment.last4': '2222' })).rejects.toThrow(/payment.type must be "card"/);
    expect((await raw('p2'))?.['payment']).toEqual({ type: 'bank', iban: 'DE00' });

    const refused = await refusedBeforeSend(requests, ExpressionError, () => Figure.update({ id: 'p1' }).set({ 'blob.a': 'y' }));
    expect(refused.message).toMatch(/blob.a: applies to only some options of blob.*has no tag attribute.*set blob as a whole/);
    await Figure.update({ id: 'p1' }).set({ blob: { b: 2 } });
    expect((await Figure.get({ id: 'p1' }))?.blob).toEqual({ b: 2 });
    // Reading a field of one option is fine.
    const withA = await Figure.scan().filter(Figure.Attr('blob.a').exists()).all();
    expect(withA).toEqual([]);
  });

  it('tuple elements and recursive schemas have paths too', async () => {
    await Figure.put({ id: 'x1', shape: { kind: 'dot' }, pair: ['a', 1], tree: { name: 'root', children: [{ name: 'kid' }] } });
    await Figure.update({ id: 'x1' }).set({ 'pair[1]': 5, 'tree.children[0].name': 'child' });
    const got = await Figure.get({ id: 'x1' });
    expect(got?.pair).toEqual(['a', 5]);
    expect(got?.tree).toEqual({ name: 'root', children: [{ name: 'child' }] });
    // The type of a tuple element is the union of the tuple's element types; the schema checks the position.
    await refusedBeforeSend(requests, ValidationError, () => Figure.update({ id: 'x1' }).set({ 'pair[1]': 'five' }));
    const found = await Figure.scan().filter(Figure.Attr('pair[1]').gte(5).and(Figure.Attr('tree.children[0].name').eq('child'))).all();
    expect(found.map((f) => f.id)).toEqual(['x1']);
  });

  it('intersection paths: every side that has the path checks the value and bounds it', async () => {
    await Figure.put({ id: 'i1', shape: { kind: 'dot' }, both: { a: 'x', b: 1, n: 5 } });
    await Figure.update({ id: 'i1' }).set({ 'both.b': 2, 'both.n': 9 });
    expect((await Figure.get({ id: 'i1' }))?.both).toEqual({ a: 'x', b: 2, n: 9 });
    await refusedBeforeSend(requests, ValidationError, () => Figure.update({ id: 'i1' }).set({ 'both.n': 11 })); // left side: max 10
    await refusedBeforeSend(requests, ValidationError, () => Figure.update({ id: 'i1' }).set({ 'both.n': -1 })); // right side: min 0
    // add() keeps both sides' bounds on the result: 9 + 2 > 10.
    await expect(Figure.update({ id: 'i1' }).add({ 'both.n': 2 })).rejects.toThrow(ConditionFailedError);
    await expect(Figure.update({ id: 'i1' }).add({ 'both.n': -10 })).rejects.toThrow(ConditionFailedError);
    await Figure.update({ id: 'i1' }).add({ 'both.n': -9 });
    const found = await Figure.scan().filter(Figure.Attr('both.b').eq(2).and(Figure.Attr('both.n').eq(0))).all();
    expect(found.map((f) => f.id)).toEqual(['i1']);
  });
});
