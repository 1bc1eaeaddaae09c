/**
 * List and set length bounds (`.min()`, `.max()`, `.length()`, `.size()`) under updates that
 * change a stored list or set without knowing its length: the update carries a `size()` condition
 * that keeps the bound for the result (a stored item that fails its schema breaks every later
 * read), and input no stored list could take is refused before sending. Against DynamoDB Local.
 */
import { describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ConditionFailedError, defineEntity, TransactionCanceledError, transactWrite, ValidationError, type EntityInput } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { failure } from '../support/failure.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);
const { AppTable } = appModel(client, uniqueTableName('bounds'));

const Cart = defineEntity({
  table: AppTable,
  name: 'Cart',
  schema: z.object({
    cartId: z.string(),
    items: z.array(z.string()).min(1).max(3),
    notes: z.array(z.string()).min(2).optional(),
    tags: z.set(z.string()).min(1).max(3).optional(),
    codes: z.set(z.string()),
    pair: z.array(z.number()).length(2).optional(),
    box: z.object({ lines: z.array(z.string()).max(2) }).optional(),
    free: z.array(z.string()).optional(),
  }),
  keys: { primary: { pk: 'CART#{cartId}', sk: 'CART' } },
});

let seq = 0;
async function cart(patch: Partial<EntityInput<typeof Cart>> = {}): Promise<{ cartId: string }> {
  const cartId = `c${++seq}`;
  await Cart.put({ cartId, items: ['a'], codes: new Set(['k']), ...patch });
  return { cartId };
}

/** The stored item, raw: what every later read parses. */
async function stored(key: { cartId: string }): Promise<Record<string, unknown> | undefined> {
  return (await doc.send(new GetCommand({ TableName: AppTable.name, Key: { pk: `CART#${key.cartId}`, sk: 'CART' } }))).Item;
}

useTable(AppTable, { clients: [client] });

describe('lists', () => {
  it('remove() of list elements keeps .min(): refused by a condition that names the bound, the item untouched and readable', async () => {
    const k = await cart({ items: ['a'] });
    const e = await failure(Cart.update(k).remove('items[0]'), ConditionFailedError);
    expect(e.message).toContain('items must hold at least 2 elements before removing 1');
    expect(e.message).toContain('min 1');
    expect((await Cart.get(k))?.items).toEqual(['a']);
    const k2 = await cart({ items: ['a', 'b'] });
    await Cart.update(k2).remove('items[0]');
    expect((await Cart.get(k2))?.items).toEqual(['b']);
  });

  it('several removals of one list count together', async () => {
    const k = await cart({ items: ['a', 'b'] });
    const e = await failure(Cart.update(k).remove('items[0]', 'items[1]'), ConditionFailedError);
    expect(e.message).toContain('items must hold at least 3 elements before removing 2');
    const k2 = await cart({ items: ['a', 'b', 'c'] });
    await Cart.update(k2).remove('items[0]').remove('items[2]');
    expect((await Cart.get(k2))?.items).toEqual(['b']);
  });

  it('remove() of an index past the end (which DynamoDB leaves alone) succeeds on a list of .min() elements; an index it holds is still refused', async () => {
    const k = await cart({ items: ['a'], notes: ['n1', 'n2'] });
    await Cart.update(k).remove('items[5]');
    await Cart.update(k).remove('notes[2]', 'notes[7]');
    expect(await Cart.get(k)).toMatchObject({ items: ['a'], notes: ['n1', 'n2'] });
    // One index held, one past the end: the list loses one element, so it needs min + 1.
    const e = await failure(Cart.update(k).remove('notes[1]', 'notes[4]'), ConditionFailedError);
    expect(e.message).toContain('notes must hold at least 4 elements before removing 2, less the indexes past its end (which REMOVE leaves alone)');
    const k2 = await cart({ items: ['a'], notes: ['n1', 'n2', 'n3'] });
    await Cart.update(k2).remove('notes[1]', 'notes[4]');
    expect((await Cart.get(k2))?.notes).toEqual(['n1', 'n3']);
    // A fixed length of 2: no stored pair holds pair[2], so the update is sent, and changes nothing.
    const k3 = await cart({ pair: [1, 2] });
    await Cart.update(k3).remove('pair[2]');
    expect((await Cart.get(k3))?.pair).toEqual([1, 2]);
    expect(await stored(k3)).toMatchObject({ pair: [1, 2] });
  });

  it('append() and prepend() keep .max()', async () => {
    const k = await cart({ items: ['a', 'b'] });
    const e = await failure(Cart.update(k).append({ items: ['c', 'd'] }), ConditionFailedError);
    expect(e.message).toContain('items must hold at most 1 elements before joining 2');
    await failure(Cart.update(k).prepend({ items: ['c', 'd'] }), ConditionFailedError);
    expect((await Cart.get(k))?.items).toEqual(['a', 'b']);
    await Cart.update(k).prepend({ items: ['z'] });
    expect((await Cart.get(k))?.items).toEqual(['z', 'a', 'b']);
  });

  it('more elements than .max() allows are refused before sending', () => {
    expect(() => Cart.update({ cartId: 'x' }).append({ items: ['1', '2', '3', '4'] }).build()).toThrow(ValidationError);
    expect(() => Cart.update({ cartId: 'x' }).append({ items: ['1', '2', '3', '4'] }).build()).toThrow(/items: joining 4 elements exceeds the maximum 3 \(schema min 1, max 3\)/);
    // A fixed length: no stored pair can lose an element and keep it.
    expect(() => Cart.update({ cartId: 'x' }).remove('pair[0]').build()).toThrow(/pair: removing 1 element would always leave fewer than 2 \(schema length 2\)/);
  });

  it('an absent optional list: appending fewer than .min() elements needs a stored list; enough of them create it', async () => {
    const k = await cart();
    const e = await failure(Cart.update(k).append({ notes: ['x'] }), ConditionFailedError);
    expect(e.message).toContain('notes must exist: joining 1 to an absent list would leave fewer than 2');
    expect(await stored(k)).not.toHaveProperty('notes');
    await Cart.update(k).append({ notes: ['x', 'y'] });
    await Cart.update(k).append({ notes: ['z'] });
    expect((await Cart.get(k))?.notes).toEqual(['x', 'y', 'z']);
  });

  it('set() of a list index past the end appends, so it keeps .max(); an index that exists is replaced', async () => {
    const k = await cart({ items: ['a', 'b', 'c'] });
    const e = await failure(Cart.update(k).set({ 'items[5]': 'z' }), ConditionFailedError);
    expect(e.message).toContain('items[5] must exist or items hold at most 2 elements');
    await Cart.update(k).set({ 'items[1]': 'B' });
    expect((await Cart.get(k))?.items).toEqual(['a', 'B', 'c']);
    const k2 = await cart({ items: ['a', 'b'] });
    await Cart.update(k2).set({ 'items[5]': 'z' });
    expect((await Cart.get(k2))?.items).toEqual(['a', 'b', 'z']);
  });

  it('a nested list keeps its bounds; an unbounded list gets no condition', async () => {
    const k = await cart({ box: { lines: ['1', '2'] } });
    await failure(Cart.update(k).append({ 'box.lines': ['3'] }), ConditionFailedError);
    expect((await Cart.get(k))?.box?.lines).toEqual(['1', '2']);
    expect(Cart.update(k).append({ free: ['x'] }).build().ConditionExpression).not.toContain('size');
    expect(Cart.update(k).remove('free[0]').build().ConditionExpression).not.toContain('size');
  });

  it("ANDed with the caller's where(): both must hold, and the message says so", async () => {
    const k = await cart({ items: ['a', 'b'] });
    const e = await failure(Cart.update(k).remove('items[0]').where(Cart.Attr('items').contains('nope')), ConditionFailedError);
    expect(e.message).toMatch(/items must hold at least 2 elements .*, and its where\(\) condition must hold/);
    await Cart.update(k).remove('items[0]').where(Cart.Attr('items').contains('a'));
    expect((await Cart.get(k))?.items).toEqual(['b']);
  });

  it('an upsert that would create a list under .min() is refused', async () => {
    const k = { cartId: `new-${++seq}` };
    await failure(Cart.update(k).upsert().set({ items: ['a'], codes: new Set(['k']) }).append({ notes: ['x'] }), ConditionFailedError);
    expect(await stored(k)).toBeUndefined();
    await Cart.update(k).upsert().set({ items: ['a'], codes: new Set(['k']) }).append({ notes: ['x', 'y'] });
    expect((await Cart.get(k))?.notes).toEqual(['x', 'y']);
  });
});

describe('sets', () => {
  it('add() keeps .max(), less the elements given that the set holds already; too many elements are refused before sending', async () => {
    const k = await cart({ tags: new Set(['a', 'b']) });
    const e = await failure(Cart.update(k).add({ tags: new Set(['c', 'd']) }), ConditionFailedError);
    expect(e.message).toContain('tags must hold at most 1 elements before adding 2, plus those of them it holds already (or be absent)');
    await Cart.update(k).add({ tags: new Set(['c']) });
    expect((await Cart.get(k))?.tags).toEqual(new Set(['a', 'b', 'c']));
    expect(() => Cart.update(k).add({ tags: new Set(['1', '2', '3', '4']) }).build()).toThrow(ValidationError);
    const k2 = await cart();
    await Cart.update(k2).add({ tags: new Set(['a']) });
    expect((await Cart.get(k2))?.tags).toEqual(new Set(['a']));
  });

  it('delete() keeps .min(); the last element of a required set cannot be deleted (DynamoDB would remove the attribute)', async () => {
    const k = await cart({ tags: new Set(['a']), codes: new Set(['k']) });
    const e = await failure(Cart.update(k).delete({ tags: new Set(['a']) }), ConditionFailedError);
    expect(e.message).toContain('tags must hold at least 2 elements before deleting 1');
    const e2 = await failure(Cart.update(k).delete({ codes: new Set(['k']) }), ConditionFailedError);
    expect(e2.message).toContain('codes must hold at least 2 elements before deleting 1, less those of them it does not hold');
    expect(await Cart.get(k)).toMatchObject({ tags: new Set(['a']), codes: new Set(['k']) });
    // An optional set is emptied with remove().
    await Cart.update(k).remove('tags');
    await Cart.update(k).add({ codes: new Set(['m']) });
    await Cart.update(k).delete({ codes: new Set(['k']) });
    expect(await Cart.get(k)).toMatchObject({ codes: new Set(['m']) });
  });
});

describe('set elements the set holds already (add) or does not hold (delete) change nothing, so they need no room', () => {
  it('add() of elements a full set holds passes (a retried add, too), and one new element among held ones needs room for one', async () => {
    const k = await cart({ tags: new Set(['a', 'b', 'c']) });
    await Cart.update(k).add({ tags: new Set(['b']) });
    await Cart.update(k).add({ tags: new Set(['a', 'c']) });
    await failure(Cart.update(k).add({ tags: new Set(['a', 'd']) }), ConditionFailedError);
    expect((await Cart.get(k))?.tags).toEqual(new Set(['a', 'b', 'c']));
    const two = await cart({ tags: new Set(['a', 'b']) });
    await Cart.update(two).add({ tags: new Set(['b', 'c']) });
    expect((await Cart.get(two))?.tags).toEqual(new Set(['a', 'b', 'c']));
  });

  it('delete() of elements a set at its .min() does not hold passes; deleting one it holds among them still fails', async () => {
    const k = await cart({ tags: new Set(['a']), codes: new Set(['k']) });
    await Cart.update(k).delete({ codes: new Set(['x']) });
    await Cart.update(k).delete({ tags: new Set(['x', 'y']) });
    await failure(Cart.update(k).delete({ codes: new Set(['x', 'k']) }), ConditionFailedError);
    expect(await Cart.get(k)).toMatchObject({ tags: new Set(['a']), codes: new Set(['k']) });
  });

  it('in a transaction too', async () => {
    const k = await cart({ tags: new Set(['a', 'b', 'c']), codes: new Set(['k']) });
    await transactWrite([Cart.update(k).add({ tags: new Set(['c']) }).delete({ codes: new Set(['z']) })]);
    expect(await Cart.get(k)).toMatchObject({ tags: new Set(['a', 'b', 'c']), codes: new Set(['k']) });
  });
});

describe('in a transaction', () => {
  it('the update as a transaction item carries the same condition: the transaction is cancelled and nothing is written', async () => {
    const k = await cart({ items: ['a'] });
    const other = await cart({ items: ['a'] });
    const e = await failure(transactWrite([Cart.update(other).append({ items: ['b'] }), Cart.update(k).remove('items[0]')]), TransactionCanceledError);
    expect(e.reasons.map((r) => r.code)).toEqual(['None', 'ConditionalCheckFailed']);
    expect(e.message).toMatch(/^transaction cancelled: #1 update Cart .*: ConditionalCheckFailed \(required: the item must exist and belong to Cart.*, and items must hold at least 2 elements.*\)$/);
    expect((await Cart.get(k))?.items).toEqual(['a']);
    expect((await Cart.get(other))?.items).toEqual(['a']);
  });
});

describe('copies from another attribute', () => {
  it('set({ items: ref(other) }) requires the source to fit the target bounds', async () => {
    const k = await cart({ items: ['a'], free: ['x', 'y', 'z', 'w'] });
    const e = await failure(Cart.update(k).set({ items: Cart.ref('free') }), ConditionFailedError);
    expect(e.message).toContain('free must hold 1 to 3 elements to be copied into items (schema min 1, max 3)');
    expect((await Cart.get(k))?.items).toEqual(['a']);
    await Cart.update(k).set({ free: ['x', 'y'] });
    await Cart.update(k).set({ items: Cart.ref('free') });
    expect((await Cart.get(k))?.items).toEqual(['x', 'y']);
  });

  it('with ifNotExists, an absent source is fine (the fallback was validated)', async () => {
    const k = await cart({ items: ['a'] });
    await Cart.update(k).set({ items: Cart.ref('free').ifNotExists(['q']) });
    expect((await Cart.get(k))?.items).toEqual(['q']);
  });
});
