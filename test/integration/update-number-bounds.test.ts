/**
 * Number bounds (`.min()`, `.max()`, `.positive()`, `.lt()`) under updates whose result DynamoDB
 * computes from a stored value: `add()`, `ref(...).plus/minus()` and copies from another attribute.
 * The update carries a condition on the stored operand, so the result never leaves the schema's
 * range (a stored item that fails its schema breaks every later read). Against DynamoDB Local.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConditionFailedError, defineEntity, TransactionCanceledError, transactWrite, ValidationError } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { failure } from '../support/failure.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const { AppTable } = appModel(client, uniqueTableName('numbounds'));
const raw = testDocClient(client);

const Stock = defineEntity({
  table: AppTable,
  name: 'Stock',
  schema: z.object({
    sku: z.string(),
    onHand: z.number().int().min(0).max(100),
    reserved: z.number().int().nonnegative().optional(),
    price: z.number().positive(),
    listPrice: z.number(),
    rating: z.number().gt(0).lt(5).optional(),
    free: z.number().optional(),
  }),
  keys: { primary: { pk: 'SKU#{sku}', sk: 'STOCK' } },
});

/** Decimal bounds and steps, which binary floating point gets wrong (0.3 - 0.1 = 0.19999999999999998). */
const Gauge = defineEntity({
  table: AppTable,
  name: 'Gauge',
  schema: z.object({ id: z.string(), level: z.number().min(-0.3).max(0.3) }),
  keys: { primary: { pk: 'GAUGE#{id}', sk: 'GAUGE' } },
});

/** Bounds at 2^53 and beyond, which a double cannot send as a condition value (or DynamoDB store at all). */
const Counter = defineEntity({
  table: AppTable,
  name: 'Counter',
  schema: z.object({
    id: z.string(),
    views: z.number().int().min(0).max(1e18),
    score: z.number().lt(Infinity).optional(),
    copy: z.number().max(2 ** 60).optional(),
  }),
  keys: { primary: { pk: 'COUNTER#{id}', sk: 'COUNTER' } },
});

/** Counters stored as bigints: beyond 2^53, where a JavaScript number would round. */
const Tally = defineEntity({
  table: AppTable,
  name: 'Tally',
  schema: z.object({
    id: z.string(),
    hits: z.bigint().min(0n).max(10n ** 30n),
    free: z.bigint().optional(),
  }),
  keys: { primary: { pk: 'TALLY#{id}', sk: 'TALLY' } },
});

let seq = 0;
async function stock(patch: Partial<{ onHand: number; reserved: number; price: number; listPrice: number; rating: number }> = {}): Promise<{ sku: string }> {
  const sku = `s${++seq}`;
  await Stock.put({ sku, onHand: 1, price: 10, listPrice: 12, ...patch });
  return { sku };
}

const read = (k: { sku: string }) => Stock.get(k);

useTable(AppTable, { clients: [client] });

describe('add()', () => {
  it('a decrement that would go below .min() fails with a condition naming the bound; the item stays readable', async () => {
    const k = await stock({ onHand: 1 });
    await Stock.update(k).add({ onHand: -1 });
    expect((await read(k))?.onHand).toBe(0);
    const e = await failure(Stock.update(k).add({ onHand: -1 }), ConditionFailedError);
    expect(e.message).toContain('onHand must be >= 1 for onHand to stay within its schema min 0');
    expect((await read(k))?.onHand).toBe(0);
  });

  it('an increment that would pass .max() fails; one that fits is written', async () => {
    const k = await stock({ onHand: 95 });
    await failure(Stock.update(k).add({ onHand: 6 }), ConditionFailedError);
    await Stock.update(k).add({ onHand: 5 });
    expect((await read(k))?.onHand).toBe(100);
  });

  it('a change that moves away from a bound adds no condition for it', () => {
    const input = Stock.update({ sku: 'x' }).add({ onHand: 3 }).build();
    // only the upper bound is at risk when adding
    expect(input.ConditionExpression).toContain('<= :');
    expect(input.ConditionExpression).not.toContain('>= :');
  });

  it('an absent attribute counts as 0, as ADD does: allowed when the delta alone is within bounds', async () => {
    const k = await stock();
    await Stock.update(k).add({ reserved: 2 });
    expect((await read(k))?.reserved).toBe(2);
    const k2 = await stock();
    await failure(Stock.update(k2).add({ reserved: -1 }), ConditionFailedError);
    expect((await read(k2))?.reserved).toBeUndefined();
  });

  it('exclusive bounds stay exclusive (.gt(0).lt(5))', async () => {
    const k = await stock({ rating: 4 });
    await failure(Stock.update(k).add({ rating: 1 }), ConditionFailedError);
    await Stock.update(k).add({ rating: 0.5 });
    expect((await read(k))?.rating).toBe(4.5);
    // absent: ADD gives 0.5, inside (0, 5)
    const k2 = await stock();
    await Stock.update(k2).add({ rating: 0.5 });
    expect((await read(k2))?.rating).toBe(0.5);
  });

  it('decimal bounds are computed in decimal, as DynamoDB adds: 0.2 + 0.1 may reach .max(0.3)', async () => {
    await Gauge.put({ id: 'g1', level: 0.2 });
    const up = Gauge.update({ id: 'g1' }).add({ level: 0.1 });
    expect(Object.values(up.build().ExpressionAttributeValues ?? {})).toContain(0.2);
    await up;
    // DynamoDB's decimal sum is exactly 0.3 (JavaScript's 0.2 + 0.1 would be 0.30000000000000004).
    expect((await Gauge.get({ id: 'g1' }))?.level).toBe(0.3);
    const e = await failure(Gauge.update({ id: 'g1' }).add({ level: 0.1 }), ConditionFailedError);
    expect(e.message).toContain('level must be <= 0.2 (or absent) for level to stay within its schema max 0.3');
    await Gauge.update({ id: 'g1' }).add({ level: -0.6 });
    expect((await Gauge.get({ id: 'g1' }))?.level).toBe(-0.3);
    await failure(Gauge.update({ id: 'g1' }).add({ level: -0.1 }), ConditionFailedError);
  });

  it('an attribute without bounds gets no condition', () => {
    expect(Stock.update({ sku: 'x' }).add({ free: -5 }).build().ConditionExpression).toBe(Stock.update({ sku: 'x' }).set({ free: 1 }).build().ConditionExpression);
  });
});

describe('arithmetic and copies with ref()', () => {
  it('ref(x).minus(n) into x: refused below .min()', async () => {
    const k = await stock({ onHand: 2 });
    await Stock.update(k).set({ onHand: Stock.ref('onHand').minus(2) });
    expect((await read(k))?.onHand).toBe(0);
    await failure(Stock.update(k).set({ onHand: Stock.ref('onHand').minus(1) }), ConditionFailedError);
    expect((await read(k))?.onHand).toBe(0);
  });

  it('a copy from another attribute must satisfy the target bounds (price is positive, listPrice is not bounded)', async () => {
    const k = await stock({ listPrice: 0 });
    await failure(Stock.update(k).set({ price: Stock.ref('listPrice') }), ConditionFailedError);
    expect((await read(k))?.price).toBe(10);
    await Stock.update(k).set({ listPrice: 7 });
    await Stock.update(k).set({ price: Stock.ref('listPrice') });
    expect((await read(k))?.price).toBe(7);
  });

  it('if_not_exists fallback: allowed from an absent source when the fallback result is within bounds', async () => {
    const k = await stock();
    await Stock.update(k).set({ reserved: Stock.ref('reserved').ifNotExists(0).plus(1) });
    expect((await read(k))?.reserved).toBe(1);
    const k2 = await stock();
    await failure(Stock.update(k2).set({ reserved: Stock.ref('reserved').ifNotExists(0).minus(1) }), ConditionFailedError);
  });

  it('applies inside transactions too', async () => {
    const k = await stock({ onHand: 0 });
    const e = await failure(transactWrite([Stock.update(k).add({ onHand: -1 })]), TransactionCanceledError);
    expect(e.reasons[0]?.code).toBe('ConditionalCheckFailed');
    // The message says what the action required, the bound included.
    expect(e.message).toMatch(/ConditionalCheckFailed \(required: the item must exist and belong to Stock.*, and onHand must be >= 1 /);
    expect((await read(k))?.onHand).toBe(0);
  });
});

describe('bounds of 2^53 and beyond', () => {
  it('add() and copies under .max(1e18), .lt(Infinity), .max(2 ** 60) are written, and the bound still holds', async () => {
    // These were refused before sending: "invalid value: views: 1000000000000000000 is beyond Number.MAX_SAFE_INTEGER".
    await Counter.put({ id: 'c1', views: 5, score: 1 });
    const after = await Counter.update({ id: 'c1' }).add({ views: 1, score: 1 }).set({ copy: Counter.ref('views') }).returning('ALL_NEW');
    expect(after).toMatchObject({ views: 6, score: 2, copy: 5 });
    expect(Counter.update({ id: 'c1' }).add({ views: 1 }).build().ConditionExpression).toMatch(/<= :v\d+/);
    expect(Counter.update({ id: 'c1' }).add({ score: 1 }).build().ConditionExpression).not.toMatch(/<|>/);

    // Near the bound (a count another writer stored; JavaScript numbers cannot hold it): the
    // increments that reach 1e18 are written, the one past it is refused.
    const key = { pk: 'COUNTER#c2', sk: 'COUNTER' };
    await raw.send(new PutCommand({ TableName: AppTable.name, Item: { ...key, _et: 'Counter', id: 'c2', views: 999999999999999998n } }));
    await Counter.update({ id: 'c2' }).add({ views: 1 });
    await Counter.update({ id: 'c2' }).add({ views: 1 });
    const e = await failure(Counter.update({ id: 'c2' }).add({ views: 1 }), ConditionFailedError);
    expect((await raw.send(new GetCommand({ TableName: AppTable.name, Key: key }))).Item?.['views']).toBe(1000000000000000000n);
    expect(e.message).toContain('views must be <= 999999999999999999 (or absent) for views to stay within its schema max 1000000000000000000');
  });
});

describe('bigint counters (z.bigint())', () => {
  const beyond = 2n ** 53n + 1n;

  it('add() with a bigint above 2^53 writes and reads back the exact sum', async () => {
    await Tally.put({ id: 't1', hits: beyond });
    await Tally.update({ id: 't1' }).add({ hits: 2n, free: beyond });
    expect(await Tally.get({ id: 't1' })).toMatchObject({ hits: beyond + 2n, free: beyond });
    // The stored numbers themselves, not a reading that could round them back.
    const stored = (await raw.send(new GetCommand({ TableName: AppTable.name, Key: { pk: 'TALLY#t1', sk: 'TALLY' } }))).Item;
    expect(stored).toMatchObject({ hits: 9007199254740995n, free: 9007199254740993n });
  });

  it('ref().plus()/minus() with bigints, and ifNotExists with a bigint fallback', async () => {
    await Tally.put({ id: 't2', hits: beyond });
    const after = await Tally.update({ id: 't2' }).set({ hits: Tally.ref('hits').minus(3n), free: Tally.ref('free').ifNotExists(beyond).plus(1n) }).returning('ALL_NEW');
    expect(after).toMatchObject({ hits: beyond - 3n, free: beyond + 1n });
  });

  it('keeps the bigint bounds: an increment past .max(10n ** 30n) or a decrement below .min(0n) fails, naming the bound', async () => {
    await Tally.put({ id: 't3', hits: 10n ** 30n - 1n });
    await Tally.update({ id: 't3' }).add({ hits: 1n });
    const over = await failure(Tally.update({ id: 't3' }).add({ hits: 1n }), ConditionFailedError);
    expect(over.message).toContain('hits must be <= 999999999999999999999999999999 (or absent) for hits to stay within its schema max 1000000000000000000000000000000');
    await Tally.put({ id: 't4', hits: 2n });
    const under = await failure(Tally.update({ id: 't4' }).set({ hits: Tally.ref('hits').minus(3n) }), ConditionFailedError);
    expect(under.message).toContain('hits must be >= 3 for hits to stay within its schema min 0');
    expect(await Tally.get({ id: 't3' })).toMatchObject({ hits: 10n ** 30n });
    expect(await Tally.get({ id: 't4' })).toMatchObject({ hits: 2n });
  });

  it('a number given to a bigint counter (untyped code) is refused before sending: it may already be rounded', async () => {
    const e = await failure(Tally.update({ id: 't1' }).add({ hits: 1 } as never), ValidationError);
    expect(e.message).toContain('add() takes a bigint, got the number 1');
  });
});

describe('attributes whose schema is a z.lazy (keyable since the thirty-third session)', () => {
  /** Each schema behind z.lazy, bounded: the bounds and kinds are those of the schema it stands for. */
  const Lazy = defineEntity({
    table: AppTable,
    name: 'Lazy',
    schema: z.object({
      id: z.string(),
      n: z.lazy(() => z.number().max(10)),
      tags: z.lazy(() => z.set(z.string()).max(2)).optional(),
      log: z.lazy(() => z.array(z.string()).max(2)).optional(),
      inner: z.object({ c: z.lazy(() => z.bigint().min(0n)) }).optional(),
    }),
    keys: { primary: { pk: 'LAZY#{id}', sk: 'LAZY' } },
  });

  it('add(), delete(), append() work on them as on the schemas they stand for, within their bounds', async () => {
    // Each was refused before sending ("add() works on numbers, bigints and sets, not lazy"), as the types take it.
    await Lazy.put({ id: 'l1', n: 1, tags: new Set(['a']), log: ['x'], inner: { c: 5n } });
    await Lazy.update({ id: 'l1' }).add({ n: 2, tags: new Set(['b']), 'inner.c': -5n }).append({ log: ['y'] });
    await Lazy.update({ id: 'l1' }).delete({ tags: new Set(['a']) });
    expect(await Lazy.get({ id: 'l1' }).consistent()).toEqual({ id: 'l1', n: 3, tags: new Set(['b']), log: ['x', 'y'], inner: { c: 0n } });
    expect((await failure(Lazy.update({ id: 'l1' }).add({ n: 8 }), ConditionFailedError)).message).toMatch(/max 10/);
    await failure(Lazy.update({ id: 'l1' }).append({ log: ['z'] }), ConditionFailedError);
    await failure(Lazy.update({ id: 'l1' }).add({ 'inner.c': -1n }), ConditionFailedError);
    expect(await Lazy.get({ id: 'l1' }).consistent()).toEqual({ id: 'l1', n: 3, tags: new Set(['b']), log: ['x', 'y'], inner: { c: 0n } });
  });

  it('ref() arithmetic keeps a lazy number within its bounds: the stored item stays readable', async () => {
    // Before, the offset was parsed as a value of the schema (8 <= 10) and no bound guarded the sum: 9 + 8 was stored as 17.
    await Lazy.put({ id: 'l2', n: 9 });
    const e = await failure(Lazy.update({ id: 'l2' }).set({ n: Lazy.ref('n').plus(8) }), ConditionFailedError);
    expect(e.message).toMatch(/n to stay within its schema max 10/);
    await Lazy.update({ id: 'l2' }).set({ n: Lazy.ref('n').minus(12) }); // away from the bound: no guard
    expect(await Lazy.get({ id: 'l2' }).consistent()).toEqual({ id: 'l2', n: -3 });
  });
});
