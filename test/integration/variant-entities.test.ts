/**
 * Entities whose schema is a union of variants, on a real DynamoDB Local: each variant is put and
 * read back as itself (get, query, scan, batch, transactions), a condition names a field of one
 * variant, an update of a field every variant has needs no guard, and an update of a field of some
 * variants fails on an item of another variant with nothing written.
 */
import { describe, expect, it } from 'vitest';
import { ConditionFailedError, TransactionCanceledError, transactGet, transactWrite } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';
import { bank, card, variantModel, wallet } from '../fixtures/variant-model.js';

const client = testClient();
const docClient = testDocClient(client);
const { VariantTable, Payment, Parcel } = variantModel(client, uniqueTableName('variants'));
useTable(VariantTable, { clients: [docClient] });

const { Attr, Key } = Payment;

describe('each variant is written and read back as itself', () => {
  it('put of each variant; get narrows by the tag', async () => {
    await Payment.put(card);
    await Payment.put(bank);
    await Payment.create(wallet);
    const got = await Payment.get({ paymentId: card.paymentId });
    expect(got).toMatchObject(card);
    expect(got?.method === 'card' ? got.expires : undefined).toBeInstanceOf(Date);
    const b = await Payment.get({ paymentId: bank.paymentId });
    expect(b?.method === 'bank' ? b.iban : undefined).toBe(bank.iban);
    expect(b).not.toHaveProperty('last4');
    expect(await Payment.get({ paymentId: wallet.paymentId })).toMatchObject(wallet);
  });

  it('query, scan with a condition on a field of one variant, projection of any variant field', async () => {
    const o1 = await Payment.query('gsi1', Key('orderId').eq('o1')).all();
    expect(o1.map((p) => p.method).sort()).toEqual(['bank', 'card']);
    const byLast4 = await Payment.scan().filter(Attr('last4').eq('4242')).all();
    expect(byLast4.map((p) => p.paymentId)).toEqual([card.paymentId]);
    const noted = await Payment.scan().filter(Attr('note').exists()).all();
    expect(noted.map((p) => p.paymentId)).toEqual([wallet.paymentId]);
    expect(await Payment.get({ paymentId: card.paymentId }).project('method', 'last4', 'iban')).toEqual({ method: 'card', last4: '4242' });
    expect(await Payment.get({ paymentId: bank.paymentId }).project('amount', 'expires')).toEqual({ amount: 20 });
  });

  it('a put conditioned on a field of another variant fails', async () => {
    const e = await Payment.put({ ...bank, amount: 21 })
      .where(Attr('last4').eq('4242'))
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConditionFailedError);
    expect((await Payment.get({ paymentId: bank.paymentId }))?.amount).toBe(20);
  });
});

describe('updates', () => {
  it('a field every variant has needs no guard', async () => {
    await Payment.update({ paymentId: card.paymentId }).add({ amount: 5 });
    await Payment.update({ paymentId: bank.paymentId }).set({ amount: 30 });
    expect((await Payment.get({ paymentId: card.paymentId }))?.amount).toBe(15);
    expect((await Payment.get({ paymentId: bank.paymentId }))?.amount).toBe(30);
  });

  it('a field of some variants updates items of those variants', async () => {
    const updated = await Payment.update({ paymentId: card.paymentId }).set({ last4: '1111' }).returning('ALL_NEW');
    expect(updated).toMatchObject({ method: 'card', last4: '1111' });
    await Payment.update({ paymentId: bank.paymentId }).set({ note: 'rent' });
    expect(await Payment.get({ paymentId: bank.paymentId })).toMatchObject({ method: 'bank', note: 'rent' });
  });

  it('on an item of another variant it fails its guard, and nothing is written', async () => {
    const before = await Payment.get({ paymentId: bank.paymentId }).consistent();
    const e = await Payment.update({ paymentId: bank.paymentId })
      .set({ last4: '9999' })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConditionFailedError);
    expect((e as Error).message).toMatch(/method must be "card" for last4/);
    const note = await Payment.update({ paymentId: card.paymentId })
      .set({ note: 'x' })
      .catch((x: unknown) => x);
    expect(note).toBeInstanceOf(ConditionFailedError);
    expect(await Payment.get({ paymentId: bank.paymentId }).consistent()).toEqual(before);
    expect(await Payment.get({ paymentId: card.paymentId }).consistent()).not.toHaveProperty('note');
  });

  it('a z.union told apart by a literal field guards the same way (a letter weighs at most 500 g)', async () => {
    await Parcel.put({ parcelId: 'l1', size: 'letter', grams: 20 });
    await Parcel.put({ parcelId: 'b1', size: 'box', grams: 2000, dims: [10, 20, 30] });
    await Parcel.update({ parcelId: 'l1' }).set({ grams: 400 });
    expect(await Parcel.update({ parcelId: 'l1' }).set({ grams: 900 }).catch((x: unknown) => x)).toBeInstanceOf(ConditionFailedError);
    await Parcel.update({ parcelId: 'b1' }).set({ grams: 900 });
    const [l1, b1] = await Parcel.batchGet([{ parcelId: 'l1' }, { parcelId: 'b1' }]);
    expect(l1).toEqual({ parcelId: 'l1', size: 'letter', grams: 400 });
    expect(b1).toEqual({ parcelId: 'b1', size: 'box', grams: 900, dims: [10, 20, 30] });
  });
});

describe('batches and transactions', () => {
  it('batch writes and batch gets of several variants', async () => {
    const cards = [1, 2].map((i) => ({ ...card, paymentId: `batch-card-${i}`, tags: new Set(['vip']) }));
    await VariantTable.batchWrite((batch) => {
      for (const c of cards) batch.put(Payment, c);
      batch.put(Payment, { ...wallet, paymentId: 'batch-wallet' });
    });
    const got = await Payment.batchGet([{ paymentId: 'batch-card-1' }, { paymentId: 'batch-wallet' }, { paymentId: 'batch-card-2' }]);
    expect(got.map((p) => p?.method)).toEqual(['card', 'wallet', 'card']);
    expect(got[0]?.method === 'card' ? got[0].tags : undefined).toEqual(new Set(['vip']));
  });

  it('a transaction writes variants, and a guarded update in it cancels it whole', async () => {
    await transactWrite([Payment.put({ ...card, paymentId: 'tx-card' }), Payment.update({ paymentId: bank.paymentId }).set({ iban: 'FR7630006000011234567890189' })]);
    const [txCard, txBank] = await transactGet([Payment.get({ paymentId: 'tx-card' }), Payment.get({ paymentId: bank.paymentId })]);
    expect(txCard?.method).toBe('card');
    expect(txBank?.method === 'bank' ? txBank.iban : undefined).toBe('FR7630006000011234567890189');
    const e = await transactWrite([Payment.put({ ...wallet, paymentId: 'tx-wallet' }), Payment.update({ paymentId: 'tx-card' }).set({ provider: 'google' })]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransactionCanceledError);
    expect((e as TransactionCanceledError).reasons[1]?.code).toBe('ConditionalCheckFailed');
    expect(await Payment.get({ paymentId: 'tx-wallet' })).toBeUndefined();
  });

  it('table-level reads parse each variant', async () => {
    const { items } = await VariantTable.query('gsi1', Payment.partition('gsi1', { orderId: 'o1' })).entities(Payment).all();
    const methods = items.map((p) => (p._et === 'Payment' ? p.method : undefined)).sort();
    expect(new Set(methods)).toEqual(new Set(['bank', 'card']));
  });
});
