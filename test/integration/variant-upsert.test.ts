/**
 * `upsert()` of an entity with variants whose primary key is composed of the tag, on a real
 * DynamoDB Local: the key names the variant of a created item, so the upsert creates that variant
 * (its tag, its own defaults, its index keys), requires that variant's fields before sending, and
 * meets a stored item only when it is that variant (an item of another variant under the key is a
 * failed condition that writes nothing), alone and in a transaction.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConditionFailedError, ExpressionError, TransactionCanceledError, ValidationError, defineEntity, defineTable, transactWrite } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { countRequests, refusedBeforeSend } from '../support/requests.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const docClient = testDocClient(client);
const requests = countRequests(client);
const Table = defineTable({
  name: uniqueTableName('variant-upsert'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: { gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } } },
});
useTable(Table, { clients: [docClient] });

// `note` differs by variant: a bank transfer's defaults to 'none', a wallet payment's is optional
// without a default (a created wallet payment must not get the bank's default).
const Payment = defineEntity({
  table: Table,
  name: 'Payment',
  schema: z.discriminatedUnion('method', [
    z.object({ orderId: z.string(), paymentId: z.string(), method: z.literal('card'), amount: z.number().positive(), last4: z.string().length(4), status: z.enum(['new', 'settled']).default('new') }),
    z.object({ orderId: z.string(), paymentId: z.string(), method: z.literal('bank'), amount: z.number().positive(), iban: z.string(), note: z.string().default('none') }),
    z.object({ orderId: z.string(), paymentId: z.string(), method: z.literal('wallet'), amount: z.number().positive(), provider: z.enum(['apple', 'google']), note: z.string().optional() }),
  ]),
  keys: { primary: { pk: 'ORDER#{orderId}', sk: 'PAY#{method}#{paymentId}' }, gsi1: { pk: 'METHOD#{method}', sk: 'PAY#{paymentId}' } },
  timestamps: true,
});

/** The item as stored, read past dynakit. */
const stored = async (orderId: string, method: string, paymentId: string) =>
  (await docClient.send(new GetCommand({ TableName: Table.name, Key: { pk: `ORDER#${orderId}`, sk: `PAY#${method}#${paymentId}` } }))).Item;

describe('upsert() of a variant entity whose primary key names the variant', () => {
  it('creates each variant with its tag, its own defaults and its index keys', async () => {
    await Payment.update({ orderId: 'o1', paymentId: 'p1', method: 'card' }).set({ amount: 10, last4: '4242' }).upsert();
    await Payment.update({ orderId: 'o1', paymentId: 'p1', method: 'bank' }).set({ amount: 20, iban: 'DE89' }).upsert();
    const wallet = await Payment.update({ orderId: 'o1', paymentId: 'p1', method: 'wallet' }).set({ amount: 5, provider: 'apple' }).upsert().returning('ALL_NEW');
    expect(wallet).toMatchObject({ orderId: 'o1', paymentId: 'p1', method: 'wallet', amount: 5, provider: 'apple' });
    expect(wallet).not.toHaveProperty('note');
    expect(await Payment.get({ orderId: 'o1', paymentId: 'p1', method: 'card' })).toMatchObject({ method: 'card', amount: 10, last4: '4242', status: 'new' });
    expect(await Payment.get({ orderId: 'o1', paymentId: 'p1', method: 'bank' })).toMatchObject({ method: 'bank', amount: 20, iban: 'DE89', note: 'none' });
    // Stored as a put would store them: the tag, the variant's defaults, the GSI key from the tag.
    expect(await stored('o1', 'card', 'p1')).toMatchObject({ _et: 'Payment', method: 'card', status: 'new', gsi1pk: 'METHOD#card', gsi1sk: 'PAY#p1' });
    expect(await stored('o1', 'bank', 'p1')).toMatchObject({ method: 'bank', note: 'none', gsi1pk: 'METHOD#bank' });
    const raw = await stored('o1', 'wallet', 'p1');
    expect(raw).toMatchObject({ method: 'wallet', gsi1pk: 'METHOD#wallet' });
    expect(raw).not.toHaveProperty('note');
    expect(raw).not.toHaveProperty('status');
    const wallets = await Payment.query('gsi1', Payment.Key('method').eq('wallet')).all();
    expect(wallets.map((p) => [p.paymentId, p.method])).toEqual([['p1', 'wallet']]);
  });

  it('an upsert over a stored item of the same variant merges into it (defaults only where absent)', async () => {
    await Payment.put({ orderId: 'o2', paymentId: 'p2', method: 'card', amount: 10, last4: '4242', status: 'settled' });
    const before = await Payment.get({ orderId: 'o2', paymentId: 'p2', method: 'card' });
    await Payment.update({ orderId: 'o2', paymentId: 'p2', method: 'card' }).set({ amount: 12, last4: '1111' }).upsert();
    const after = await Payment.get({ orderId: 'o2', paymentId: 'p2', method: 'card' });
    expect(after).toMatchObject({ method: 'card', amount: 12, last4: '1111', status: 'settled', createdAt: before?.createdAt });
  });

  it('the same ids with another variant name another key: the upsert creates a second item and leaves the first alone', async () => {
    await Payment.put({ orderId: 'o3', paymentId: 'p3', method: 'bank', amount: 30, iban: 'DE00', note: 'rent' });
    await Payment.update({ orderId: 'o3', paymentId: 'p3', method: 'card' }).set({ amount: 31, last4: '9999' }).upsert();
    const both = await Payment.query('primary', Payment.Key('orderId').eq('o3')).all();
    expect(both.map((p) => [p.method, p.amount]).sort()).toEqual([
      ['bank', 30],
      ['card', 31],
    ]);
    expect(await stored('o3', 'bank', 'p3')).toMatchObject({ method: 'bank', iban: 'DE00', note: 'rent' });
  });

  it("an item of another variant stored under the key (written past dynakit) fails the upsert's condition, alone and in a transaction; nothing is written", async () => {
    // Key and tag disagree: a bank transfer under a card's key. Merged into it, the upsert would
    // store a card's method and last4 next to its iban: an item no variant takes.
    const odd = { pk: 'ORDER#o4', sk: 'PAY#card#p4', _et: 'Payment', orderId: 'o4', paymentId: 'p4', method: 'bank', amount: 40, iban: 'DE44', note: 'none' };
    await docClient.send(new PutCommand({ TableName: Table.name, Item: odd }));
    const cardKey = { orderId: 'o4', paymentId: 'p4', method: 'card' } as const;
    const e = await Payment.update(cardKey)
      .set({ amount: 41, last4: '4444' })
      .upsert()
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConditionFailedError);
    expect((e as Error).message).toMatch(/a stored item's method must be "card", the variant its key names/);
    const tx = await transactWrite([Payment.update({ orderId: 'o4', paymentId: 'p5', method: 'wallet' }).set({ amount: 1, provider: 'google' }).upsert(), Payment.update(cardKey).set({ amount: 41, last4: '4444' }).upsert()]).catch(
      (x: unknown) => x,
    );
    expect(tx).toBeInstanceOf(TransactionCanceledError);
    expect((tx as Error).message).toMatch(/#1 update Payment .*a stored item's method must be "card", the variant its key names/);
    expect(await stored('o4', 'card', 'p4')).toEqual(odd);
    expect(await stored('o4', 'wallet', 'p5')).toBeUndefined();
  });

  it('in a transaction, upserts create and update their variants', async () => {
    await Payment.put({ orderId: 'o5', paymentId: 'p5', method: 'wallet', amount: 3, provider: 'apple', note: 'gift' });
    await transactWrite([
      // add() gives amount a value on a created item too (0 + 2); provider must still be set.
      Payment.update({ orderId: 'o5', paymentId: 'p5', method: 'wallet' }).set({ provider: 'apple' }).add({ amount: 2 }).upsert(),
      Payment.update({ orderId: 'o5', paymentId: 'p6', method: 'bank' }).set({ amount: 7, iban: 'DE66' }).upsert(),
    ]);
    expect(await Payment.get({ orderId: 'o5', paymentId: 'p5', method: 'wallet' })).toMatchObject({ amount: 5, provider: 'apple', note: 'gift' });
    expect(await Payment.get({ orderId: 'o5', paymentId: 'p6', method: 'bank' })).toMatchObject({ amount: 7, iban: 'DE66', note: 'none' });
  });

  it("a required field of the key's variant left out, or a field of another variant, is refused before sending", async () => {
    const cardKey = { orderId: 'o6', paymentId: 'p6', method: 'card' } as const;
    const missing = await refusedBeforeSend(requests, ValidationError, () => Payment.update(cardKey).set({ amount: 1 }).upsert());
    expect(missing.message).toMatch(/last4: is required \(by the "card" variant its key names\): an upsert may create the item/);
    // amount is required in every variant: an upsert of the other fields alone is refused too.
    const noAmount = await refusedBeforeSend(requests, ValidationError, () => Payment.update({ ...cardKey, method: 'wallet' }).set({ provider: 'apple' }).upsert());
    expect(noAmount.message).toMatch(/amount: is required/);
    expect(noAmount.message).not.toMatch(/last4|iban/);
    await refusedBeforeSend(requests, ExpressionError, () => Payment.update(cardKey).set({ amount: 1, last4: '1234' }).set({ iban: 'DE' } as never).upsert());
    await refusedBeforeSend(requests, ValidationError, () => transactWrite([Payment.update(cardKey).set({ amount: 1 }).upsert()]));
    expect(await stored('o6', 'card', 'p6')).toBeUndefined();
  });
});

// The tag in no primary key (only a GSI's): the key does not name the variant.
const ByOwner = defineEntity({
  table: Table,
  name: 'ByOwner',
  schema: z.discriminatedUnion('kind', [z.object({ id: z.string(), kind: z.literal('a'), a: z.string() }), z.object({ id: z.string(), kind: z.literal('b'), b: z.string() })]),
  keys: { primary: { pk: 'BYOWNER#{id}', sk: 'X' }, gsi1: { pk: 'KIND#{kind}', sk: 'BYOWNER#{id}' } },
});

describe('upsert() of a variant entity whose primary key does not name the variant', () => {
  it('is refused before sending (and does not compile)', async () => {
    const untyped = ByOwner.update({ id: 'x' }).set({ a: 'y' }) as unknown as { upsert(): Promise<void> };
    const e = await refusedBeforeSend(requests, ValidationError, () => untyped.upsert());
    expect(e.message).toMatch(/kind: tells the variants apart, and no update sets it/);
  });
});

// Version 1 held only card payments, stored under the key the card variant has now but without a
// method attribute; the migration step gives them their tag. `rev` locks, `timestamps` stamp.
const Legacy = defineEntity({
  table: Table,
  name: 'LegacyPayment',
  schema: z.discriminatedUnion('method', [
    z.object({ orderId: z.string(), paymentId: z.string(), method: z.literal('card'), amount: z.number(), last4: z.string().length(4) }),
    z.object({ orderId: z.string(), paymentId: z.string(), method: z.literal('bank'), amount: z.number(), iban: z.string() }),
  ]),
  keys: { primary: { pk: 'LEGACY#{orderId}', sk: 'PAY#{method}#{paymentId}' } },
  migrations: { steps: [(v) => ({ ...v, method: v['method'] ?? 'card' })] },
  version: 'rev',
  timestamps: true,
});
const legacyRaw = (paymentId: string, extra: Record<string, unknown> = {}) => ({
  pk: 'LEGACY#o7',
  sk: `PAY#card#${paymentId}`,
  _et: 'LegacyPayment',
  orderId: 'o7',
  paymentId,
  amount: 70,
  last4: '7777',
  ...extra,
});
const legacyStored = async (paymentId: string) => (await docClient.send(new GetCommand({ TableName: Table.name, Key: { pk: 'LEGACY#o7', sk: `PAY#card#${paymentId}` }, ConsistentRead: true }))).Item;

describe("upsert() and update() of a key's variant over an item stored before the tag existed (migrated on read)", () => {
  it('an upsert merges into it, alone and in a transaction, as into any item its read returns as that variant', async () => {
    await docClient.send(new PutCommand({ TableName: Table.name, Item: legacyRaw('p1') }));
    await docClient.send(new PutCommand({ TableName: Table.name, Item: legacyRaw('p2') }));
    expect(await Legacy.get({ orderId: 'o7', paymentId: 'p1', method: 'card' })).toMatchObject({ method: 'card', amount: 70, last4: '7777' });
    await Legacy.update({ orderId: 'o7', paymentId: 'p1', method: 'card' }).set({ amount: 71, last4: '1111' }).upsert();
    await transactWrite([Legacy.update({ orderId: 'o7', paymentId: 'p2', method: 'card' }).set({ amount: 72, last4: '2222' }).upsert()]);
    expect(await Legacy.get({ orderId: 'o7', paymentId: 'p1', method: 'card' })).toMatchObject({ method: 'card', amount: 71, last4: '1111', rev: 1 });
    expect(await Legacy.get({ orderId: 'o7', paymentId: 'p2', method: 'card' })).toMatchObject({ method: 'card', amount: 72, last4: '2222', rev: 1 });
    // The upsert stored the tag from the key; the item is still version 1 (updates leave _sv alone).
    expect(await legacyStored('p1')).toMatchObject({ method: 'card', last4: '1111' });
    expect(await legacyStored('p1')).not.toHaveProperty('_sv');
  });

  it("an update of the variant's fields takes it too (it failed the tag guard until the item was rewritten)", async () => {
    await docClient.send(new PutCommand({ TableName: Table.name, Item: legacyRaw('p3') }));
    await Legacy.update({ orderId: 'o7', paymentId: 'p3', method: 'card' }).set({ last4: '3333' });
    expect(await Legacy.get({ orderId: 'o7', paymentId: 'p3', method: 'card' })).toMatchObject({ method: 'card', last4: '3333' });
  });

  it('an item without the tag at the current schema version (no read takes it) still fails the condition; nothing is written', async () => {
    const unreadable = legacyRaw('p4', { _sv: 2 });
    await docClient.send(new PutCommand({ TableName: Table.name, Item: unreadable }));
    await expect(Legacy.update({ orderId: 'o7', paymentId: 'p4', method: 'card' }).set({ amount: 1, last4: '4444' }).upsert()).rejects.toThrow(ConditionFailedError);
    await expect(Legacy.update({ orderId: 'o7', paymentId: 'p4', method: 'card' }).set({ last4: '4444' })).rejects.toThrow(ConditionFailedError);
    expect(await legacyStored('p4')).toEqual(unreadable);
  });
});
