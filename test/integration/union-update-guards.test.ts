/**
 * What an update of a union option's field does on an item of another option, for every action
 * kind, against DynamoDB Local (docs/updates.md "Union attributes"): the tag guard fails the write
 * with a ConditionFailedError naming the tag and the options, and leaves the item as it was.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConditionFailedError, defineEntity, defineTable, TransactionCanceledError, transactWrite, ValidationError, VersionConflictError } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const Sketches = defineTable({ name: uniqueTableName('union-guards'), client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
const circle = z.object({ kind: z.literal('circle'), r: z.number(), marks: z.array(z.string()).optional(), tags: z.set(z.string()).optional(), note: z.string().optional() });
const square = z.object({ kind: z.literal('square'), side: z.number() });
const Sketch = defineEntity({
  table: Sketches,
  name: 'Sketch',
  schema: z.object({ id: z.string(), shape: z.discriminatedUnion('kind', [circle, square]).optional() }),
  keys: { primary: { pk: 'S#{id}', sk: 'S' } },
  version: 'version',
});
useTable(Sketches, { clients: [client] });

type Update = ReturnType<typeof Sketch.update>;
let n = 0;
async function square1(): Promise<string> {
  const id = `sq${++n}`;
  await Sketch.put({ id, shape: { kind: 'square', side: 1 } });
  return id;
}
async function failure(p: PromiseLike<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('the write succeeded');
}

describe("an update of one option's field on an item of another option", () => {
  const kinds: [string, string, (u: Update) => Update][] = [
    ['set', 'shape.r', (u) => u.set({ 'shape.r': 2 })],
    ['add', 'shape.r', (u) => u.add({ 'shape.r': 2 })],
    ['setIfNotExists', 'shape.note', (u) => u.setIfNotExists({ 'shape.note': 'n' })],
    ['append', 'shape.marks', (u) => u.append({ 'shape.marks': ['m'] })],
    ['prepend', 'shape.marks', (u) => u.prepend({ 'shape.marks': ['m'] })],
    ['delete', 'shape.tags', (u) => u.delete({ 'shape.tags': new Set(['t']) })],
    ['ref', 'shape.r', (u) => u.set({ 'shape.r': Sketch.ref('shape.r').plus(1) })],
  ];
  for (const [kind, path, apply] of kinds) {
    it(`${kind}: ConditionFailedError naming the tag, the item unchanged`, async () => {
      const id = await square1();
      const e = await failure(apply(Sketch.update({ id })));
      expect(e).toBeInstanceOf(ConditionFailedError);
      expect(e).not.toBeInstanceOf(VersionConflictError);
      expect(e.message).toContain(`shape.kind must be "circle" for ${path} (a field of only those options)`);
      expect(await Sketch.get({ id })).toEqual({ id, shape: { kind: 'square', side: 1 }, version: 1 });
    });
  }

  it('remove of a field the stored option lacks needs no guard: it does nothing but bump the version', async () => {
    const id = await square1();
    expect(Sketch.update({ id }).remove('shape.note').build().ConditionExpression).not.toContain('shape');
    await Sketch.update({ id }).remove('shape.note');
    expect(await Sketch.get({ id })).toEqual({ id, shape: { kind: 'square', side: 1 }, version: 2 });
  });

  it('with the right version the failure is a plain ConditionFailedError carrying the stored item', async () => {
    const id = await square1();
    const e = await failure(Sketch.update({ id, version: 1 }).set({ 'shape.r': 2 }));
    expect(e).toBeInstanceOf(ConditionFailedError);
    expect(e).not.toBeInstanceOf(VersionConflictError);
    expect((e as ConditionFailedError).item).toEqual({ id, shape: { kind: 'square', side: 1 }, version: 1 });
  });

  it('an item without the union attribute, or no item (upsert), fails the same guard', async () => {
    await Sketch.put({ id: 'bare' });
    expect((await failure(Sketch.update({ id: 'bare' }).set({ 'shape.r': 2 }))).message).toContain('shape.kind must be "circle" for shape.r');
    const created = await failure(Sketch.update({ id: 'none' }).set({ 'shape.r': 2 }).upsert());
    expect(created).toBeInstanceOf(ConditionFailedError);
    expect(created.message).toContain('shape.kind must be "circle" for shape.r');
    expect(await Sketch.get({ id: 'none' })).toBeUndefined();
  });

  it('in a transaction the guard cancels it, the reason naming the tag', async () => {
    const id = await square1();
    const e = await failure(transactWrite([Sketch.update({ id }).set({ 'shape.r': 2 })]));
    expect(e).toBeInstanceOf(TransactionCanceledError);
    expect((e as TransactionCanceledError).reasons[0]?.code).toBe('ConditionalCheckFailed');
    expect(e.message).toContain('shape.kind must be "circle" for shape.r');
    expect(await Sketch.get({ id })).toEqual({ id, shape: { kind: 'square', side: 1 }, version: 1 });
  });
});

/** A union inside the options of a union: a card or a wallet is billed to a street or a post box; a bank transfer is not billed. */
const billing = z.discriminatedUnion('type', [z.object({ type: z.literal('street'), street: z.string() }), z.object({ type: z.literal('box'), box: z.number().int().max(99) })]);
const Checkout = defineEntity({
  table: Sketches,
  name: 'Checkout',
  schema: z.object({
    id: z.string(),
    pay: z.discriminatedUnion('method', [
      z.object({ method: z.literal('card'), billing, last4: z.string() }),
      z.object({ method: z.literal('bank'), iban: z.string() }),
      z.object({ method: z.literal('wallet'), billing }),
    ]),
  }),
  keys: { primary: { pk: 'C#{id}', sk: 'C' } },
});

describe('an update through a union inside the options of a union', () => {
  it('is guarded by both tags: it applies to an item of the options that have the path, and fails on others, which it leaves as they were', async () => {
    await Checkout.put({ id: 'card', pay: { method: 'card', last4: '1234', billing: { type: 'street', street: 'Main St' } } });
    await Checkout.put({ id: 'wallet', pay: { method: 'wallet', billing: { type: 'box', box: 7 } } });
    await Checkout.put({ id: 'bank', pay: { method: 'bank', iban: 'DE1' } });
    await Checkout.update({ id: 'card' }).set({ 'pay.billing.street': 'High St' });
    expect(await Checkout.get({ id: 'card' })).toEqual({ id: 'card', pay: { method: 'card', last4: '1234', billing: { type: 'street', street: 'High St' } } });
    await Checkout.update({ id: 'wallet' }).add({ 'pay.billing.box': 2 });
    expect((await Checkout.get({ id: 'wallet' }))?.pay).toEqual({ method: 'wallet', billing: { type: 'box', box: 9 } });

    const onBank = await failure(Checkout.update({ id: 'bank' }).set({ 'pay.billing.street': 'High St' }));
    expect(onBank).toBeInstanceOf(ConditionFailedError);
    expect(onBank.message).toContain('pay.method must be "card" or "wallet" for pay.billing.street');
    const onBox = await failure(Checkout.update({ id: 'wallet' }).set({ 'pay.billing.street': 'High St' }));
    expect(onBox).toBeInstanceOf(ConditionFailedError);
    expect(onBox.message).toContain('pay.billing.type must be "street" for pay.billing.street');
    const inTx = await failure(transactWrite([Checkout.update({ id: 'bank' }).set({ 'pay.billing.box': 1 })]));
    expect(inTx).toBeInstanceOf(TransactionCanceledError);
    expect(inTx.message).toContain('pay.billing.type must be "box" for pay.billing.box');
    expect((await Checkout.get({ id: 'bank' }))?.pay).toEqual({ method: 'bank', iban: 'DE1' });
    expect((await Checkout.get({ id: 'wallet' }))?.pay).toEqual({ method: 'wallet', billing: { type: 'box', box: 9 } });
  });

  it('names both tags in the condition it sends; a value no option takes, or unions that differ between the options, are refused before sending', () => {
    const input = Checkout.update({ id: 'card' }).set({ 'pay.billing.street': 'x' }).build();
    const names = input.ExpressionAttributeNames ?? {};
    const named = input.ConditionExpression!.replace(/#n\d+/g, (n) => names[n]!);
    expect(named).toMatch(/pay\.method IN \(:v\d+, :v\d+\) AND pay\.billing\.type = :v\d+/);
    expect(() => Checkout.update({ id: 'wallet' }).set({ 'pay.billing.box': 500 }).build()).toThrow(ValidationError);
    const other = z.discriminatedUnion('type', [z.object({ type: z.literal('home'), street: z.string() }), z.object({ type: z.literal('pickup'), store: z.string() })]);
    const Mixed = defineEntity({
      table: Sketches,
      name: 'Mixed',
      schema: z.object({ id: z.string(), pay: z.discriminatedUnion('method', [z.object({ method: z.literal('card'), billing }), z.object({ method: z.literal('wallet'), billing: other })]) }),
      keys: { primary: { pk: 'M#{id}', sk: 'M' } },
    });
    expect(() => Mixed.update({ id: 'm' }).set({ 'pay.billing.street': 'x' }).build()).toThrow(
      'Mixed: pay.billing.street: is held in unions that differ between the options of pay, which one condition on their tags cannot check before writing; set pay as a whole',
    );
  });
});

/** Crates hold one bottle (light: up to 10 units of fill) or barrels (up to 1,000); a pallet holds bottles only. */
const bottle = z.discriminatedUnion('kind', [z.object({ kind: z.literal('bottle'), fill: z.number().max(10) }), z.object({ kind: z.literal('can'), fill: z.number().max(20) })]);
const Load = defineEntity({
  table: Sketches,
  name: 'Load',
  schema: z.object({
    id: z.string(),
    on: z.discriminatedUnion('carrier', [z.object({ carrier: z.literal('crate'), unit: bottle }), z.object({ carrier: z.literal('tank'), unit: z.object({ kind: z.literal('barrel'), fill: z.number().max(1000) }) })]),
  }),
  keys: { primary: { pk: 'L#{id}', sk: 'L' } },
});

describe('bounds on a path through two unions', () => {
  it("apply per option of the first union: an item keeps its own option's (the tightest of its inner options), not every option's", async () => {
    await Load.put({ id: 'tank', on: { carrier: 'tank', unit: { kind: 'barrel', fill: 100 } } });
    await Load.put({ id: 'crate', on: { carrier: 'crate', unit: { kind: 'can', fill: 5 } } });
    await Load.update({ id: 'tank' }).add({ 'on.unit.fill': 50 });
    expect((await Load.get({ id: 'tank' }))?.on.unit.fill).toBe(150);
    const over = await failure(Load.update({ id: 'crate' }).add({ 'on.unit.fill': 6 }));
    expect(over).toBeInstanceOf(ConditionFailedError);
    expect(over.message).toContain('on items whose on.carrier is "crate"');
    expect((await Load.get({ id: 'crate' }))?.on.unit.fill).toBe(5);
  });
});
