/**
 * Types of an entity whose schema is a union of variants: the item is the union of the variants
 * (with the timestamps on each), narrowed by the tag; put takes one variant's input; keys name
 * fields of every variant only; `Attr`, `ref`, `project()` and update paths reach any variant's
 * fields, typed by the variants that have them.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { defineEntity, type EntityInput, type EntityItem } from '../../src/index.js';
import { card, variantModel } from '../fixtures/variant-model.js';

const { VariantTable, Payment, Parcel } = variantModel(new DynamoDBClient({}));
type Payment = EntityItem<typeof Payment>;

test('the item is the union of the variants, narrowed by the tag', () => {
  const read = async () => {
    const p = await Payment.get({ paymentId: 'p1' });
    if (p === undefined) return;
    expectTypeOf(p.amount).toEqualTypeOf<number>();
    expectTypeOf(p.createdAt).toEqualTypeOf<string>();
    if (p.method === 'card') {
      expectTypeOf(p.last4).toEqualTypeOf<string>();
      expectTypeOf(p.expires).toEqualTypeOf<Date>();
    } else if (p.method === 'bank') {
      expectTypeOf(p.iban).toEqualTypeOf<string>();
      // Another variant's field reads as absent.
      expectTypeOf(p.last4).toEqualTypeOf<undefined>();
    } else {
      expectTypeOf(p.provider).toEqualTypeOf<'apple' | 'google'>();
    }
  };
  void read;
  expectTypeOf<Payment['method']>().toEqualTypeOf<'card' | 'bank' | 'wallet'>();
  expectTypeOf<Extract<Payment, { method: 'card' }>['last4']>().toEqualTypeOf<string>();
  const parcel = (p: EntityItem<typeof Parcel>) => (p.size === 'box' ? p.dims : p.grams);
  expectTypeOf(parcel).returns.toEqualTypeOf<[number, number, number] | number>();
});

test('put takes one variant whole; a field of another variant does not compile', () => {
  Payment.put(card);
  Payment.put({ paymentId: 'p', orderId: 'o', method: 'bank', amount: 1, iban: 'x' });
  // @ts-expect-error last4 is a field of card payments, not bank ones
  Payment.put({ paymentId: 'p', orderId: 'o', method: 'bank', amount: 1, iban: 'x', last4: '4242' });
  // @ts-expect-error a card payment needs last4 and expires
  Payment.create({ paymentId: 'p', orderId: 'o', method: 'card', amount: 1 });
  expectTypeOf<Extract<EntityInput<typeof Payment>, { method: 'bank' }>['iban']>().toEqualTypeOf<string>();
  expectTypeOf<Extract<EntityInput<typeof Payment>, { method: 'bank' }>['last4']>().toEqualTypeOf<undefined>();
});

test('key templates name fields every variant has', () => {
  defineEntity({
    table: VariantTable,
    name: 'Keyed',
    schema: z.discriminatedUnion('kind', [z.object({ id: z.string(), kind: z.literal('a'), a: z.string() }), z.object({ id: z.string(), kind: z.literal('b'), b: z.string() })]),
    keys: { primary: { pk: 'K#{id}', sk: 'K' } },
  });
  defineEntity({
    table: VariantTable,
    name: 'OneVariantKey',
    schema: z.discriminatedUnion('kind', [z.object({ id: z.string(), kind: z.literal('a'), a: z.string() }), z.object({ id: z.string(), kind: z.literal('b'), b: z.string() })]),
    // @ts-expect-error `a` is a field of variant a only
    keys: { primary: { pk: 'K#{id}', sk: 'A#{a}' } },
  });
  expectTypeOf(Payment.get).parameter(0).toEqualTypeOf<{ paymentId: string }>();
});

test('Attr, ref and update paths reach every variant, typed by the variants that have them', () => {
  const { Attr } = Payment;
  Attr('last4').eq('4242');
  Attr('note').beginsWith('g');
  Attr('amount').gt(1);
  // @ts-expect-error last4 is a string
  Attr('last4').eq(4242);
  // @ts-expect-error no variant has a field `lastFour`
  Attr('lastFour');
  Payment.update({ paymentId: 'p' }).set({ iban: '1111', note: 'x' }).add({ amount: 1 });
  Payment.update({ paymentId: 'p' }).set({ amount: Payment.ref('amount') });
  // @ts-expect-error iban is a string
  Payment.update({ paymentId: 'p' }).set({ iban: 5 });
  // @ts-expect-error paymentId composes the primary key
  Payment.update({ paymentId: 'p' }).set({ paymentId: 'q' });
});

test('project() takes the fields of any variant; one that some variants lack may be absent', () => {
  const read = async () => {
    const p = await Payment.get({ paymentId: 'p' }).project('method', 'last4', 'iban');
    if (p === undefined) return;
    expectTypeOf(p.method).toEqualTypeOf<'card' | 'bank' | 'wallet'>();
    expectTypeOf(p.last4).toEqualTypeOf<string | undefined>();
    const common = await Payment.get({ paymentId: 'p' }).project('amount');
    expectTypeOf(common).toEqualTypeOf<{ amount: number } | undefined>();
  };
  void read;
});

test('updates that the run time refuses for variants do not compile: the tag, a field every variant that has it requires, upsert()', () => {
  const k = { paymentId: 'p' };
  // The tag: changing it would change the variant (put the whole item instead), by any action.
  // @ts-expect-error method tells the variants apart
  Payment.update(k).set({ method: 'bank' });
  // @ts-expect-error method tells the variants apart
  Payment.update(k).setIfNotExists({ method: 'bank' });
  // @ts-expect-error method tells the variants apart
  Payment.update(k).remove('method');
  // @ts-expect-error size tells Parcel's variants apart (a z.union told apart by a literal field)
  Parcel.update({ parcelId: 'x' }).set({ size: 'box' });
  // A field required in the only variant that has it: the run time refuses to remove it.
  // @ts-expect-error last4 is required in card payments
  Payment.update(k).remove('last4');
  // @ts-expect-error iban is required in bank payments
  Payment.update(k).remove('note', 'iban');
  // @ts-expect-error dims is required in boxes
  Parcel.update({ parcelId: 'x' }).remove('dims');
  // Optional in the variants that have it: removable.
  Payment.update(k).remove('note');
  Payment.update(k).remove('tags');
  // upsert() may create the item, and no update says its variant.
  // @ts-expect-error an entity with variants has no upsert
  Payment.update(k).set({ amount: 1 }).upsert();
  // @ts-expect-error also after returning()
  Payment.update(k).set({ amount: 1 }).returning('ALL_NEW').upsert();
  // What works still compiles, typed as before.
  Payment.update(k).set({ amount: 2, note: undefined }).add({ amount: 1, tags: new Set(['x']) }).delete({ tags: new Set(['x']) }).where(Payment.Attr('method').eq('card'));
  Parcel.update({ parcelId: 'x' }).set({ grams: 3, dims: [1, 2, 3] });
  expectTypeOf(Payment.update(k).set({ amount: 2 }).returning('ALL_NEW').send()).resolves.toEqualTypeOf<Payment>();
  // @ts-expect-error still typed: iban is a string
  Payment.update(k).set({ iban: 5 });
});

test('a variant entity with derived attributes: the tag, derived attributes and upsert() refused; keys by their sources', () => {
  const Tagged = defineEntity({
    table: VariantTable,
    name: 'Tagged',
    schema: z.discriminatedUnion('kind', [
      z.object({ id: z.string(), name: z.string(), nameLower: z.string(), kind: z.literal('a'), a: z.string() }),
      z.object({ id: z.string(), name: z.string(), nameLower: z.string(), kind: z.literal('b'), b: z.string().optional() }),
    ]),
    keys: { primary: { pk: 'T#{id}', sk: 'N#{nameLower}' } },
    derive: { nameLower: { from: ['name'], compute: ({ name }) => name.toLowerCase() } },
  });
  Tagged.update({ id: 'x', name: 'Ada' }).set({ a: 'y' });
  Tagged.update({ id: 'x', nameLower: 'ada' }).remove('b');
  // @ts-expect-error kind tells the variants apart
  Tagged.update({ id: 'x', name: 'Ada' }).set({ kind: 'b' });
  // @ts-expect-error nameLower is derived
  Tagged.update({ id: 'x', name: 'Ada' }).set({ nameLower: 'ada' });
  // @ts-expect-error a is required in variant a
  Tagged.update({ id: 'x', name: 'Ada' }).remove('a');
  // @ts-expect-error an entity with variants has no upsert
  Tagged.update({ id: 'x', name: 'Ada' }).set({ a: 'y' }).upsert();
});

test('set() takes the fields of one variant: fields of two variants in one call do not compile', () => {
  const k = { paymentId: 'p' };
  // One variant's fields, fields several variants share, and shared ones with them: as before.
  Payment.update(k).set({ last4: '1111', expires: new Date(), amount: 1 });
  Payment.update(k).set({ iban: 'x', note: 'n' });
  Payment.update(k).set({ provider: 'apple', note: 'n', amount: 2 });
  Payment.update(k).set({ note: 'n' });
  Payment.update(k).set({ amount: Payment.ref('amount'), last4: '1111' });
  // @ts-expect-error last4 is a card's field, iban a bank's: no item holds both
  Payment.update(k).set({ last4: '1111', iban: 'x' });
  // @ts-expect-error note is a field of bank and wallet payments, last4 of cards
  Payment.update(k).set({ note: 'n', last4: '1111' });
  // @ts-expect-error iban and provider: two variants
  Payment.update(k).set({ iban: 'x', provider: 'apple', amount: 1 });
  // A values object held in a variable is checked the same way.
  const twoVariants = { last4: '1111', provider: 'google' } as const;
  // @ts-expect-error last4 and provider: two variants
  Payment.update(k).set(twoVariants);
  // A z.union: a box has every field a letter has, so any of Parcel's fields go together.
  Parcel.update({ parcelId: 'x' }).set({ grams: 3, dims: [1, 2, 3] });
});

test('a z.union: only fields whose literals tell the variants apart are the tag', () => {
  // `kind` is disjoint (the tag); `level` holds literals variants share: the run time updates it
  // like any field (guarded by the tag when some variants refuse the value), and so do the types.
  const Shared = defineEntity({
    table: VariantTable,
    name: 'Shared',
    schema: z.union([
      z.object({ id: z.string(), kind: z.literal('a'), level: z.union([z.literal(1), z.literal(2)]), n: z.number() }),
      z.object({ id: z.string(), kind: z.literal('b'), level: z.union([z.literal(2), z.literal(3)]), n: z.number() }),
      z.object({ id: z.string(), kind: z.literal('c'), level: z.literal(3), n: z.number() }),
    ]),
    keys: { primary: { pk: 'S#{id}', sk: 'S' } },
  });
  Shared.update({ id: 'x' }).set({ level: 2 });
  // @ts-expect-error kind tells the variants apart
  Shared.update({ id: 'x' }).set({ kind: 'b' });
  // Two fields whose literals are disjoint: the run time takes the first (`kind`) as the tag, the
  // types both (no type holds the order of an object's keys): `size` is refused by the types only.
  const Twice = defineEntity({
    table: VariantTable,
    name: 'Twice',
    schema: z.union([z.object({ id: z.string(), kind: z.literal('a'), size: z.literal('s'), n: z.number() }), z.object({ id: z.string(), kind: z.literal('b'), size: z.literal('l'), n: z.number() })]),
    keys: { primary: { pk: 'W#{id}', sk: 'W' } },
  });
  Twice.update({ id: 'x' }).set({ n: 1 });
  // @ts-expect-error kind tells the variants apart
  Twice.update({ id: 'x' }).set({ kind: 'b' });
  // @ts-expect-error size tells them apart too (the run time would take set({ size: 's' }), guarded by kind = 'a')
  Twice.update({ id: 'x' }).set({ size: 's' });
});

test('upsert() compiles where the primary key is composed of the tag (the key names the variant of a created item)', () => {
  const options = [
    z.object({ orderId: z.string(), paymentId: z.string(), method: z.literal('card'), last4: z.string() }),
    z.object({ orderId: z.string(), paymentId: z.string(), method: z.literal('bank'), iban: z.string() }),
  ] as const;
  const Keyed = defineEntity({ table: VariantTable, name: 'Keyed', schema: z.discriminatedUnion('method', [...options]), keys: { primary: { pk: 'ORDER#{orderId}', sk: 'PAY#{method}#{paymentId}' } } });
  const k = { orderId: 'o', paymentId: 'p', method: 'card' } as const;
  Keyed.update(k).set({ last4: '4242' }).upsert();
  expectTypeOf(Keyed.update(k).set({ last4: '4242' }).upsert().returning('ALL_NEW').send()).resolves.toEqualTypeOf<EntityItem<typeof Keyed>>();
  // Still refused: the tag, fields of two variants in one set().
  // @ts-expect-error method composes the primary key
  Keyed.update(k).set({ method: 'bank' }).upsert();
  // @ts-expect-error last4 and iban: two variants
  Keyed.update(k).set({ last4: '4242', iban: 'x' }).upsert();
  // The tag in a GSI key only: the primary key does not name the variant.
  const InGsi = defineEntity({ table: VariantTable, name: 'InGsi', schema: z.discriminatedUnion('method', [...options]), keys: { primary: { pk: 'ORDER#{orderId}', sk: 'PAY#{paymentId}' }, gsi1: { pk: 'M#{method}', sk: 'PAY#{paymentId}' } } });
  // @ts-expect-error the primary key does not name the variant
  InGsi.update({ orderId: 'o', paymentId: 'p' }).set({ last4: '4242' }).upsert();
  // A z.union keyed by its tag, and a variant entity with derived attributes keyed by its tag.
  const Sized = defineEntity({
    table: VariantTable,
    name: 'Sized',
    schema: z.union([z.object({ id: z.string(), size: z.literal('s'), n: z.number() }), z.object({ id: z.string(), size: z.literal('l'), n: z.number(), dims: z.string() })]),
    keys: { primary: { pk: 'S#{id}', sk: 'SIZE#{size}' } },
  });
  Sized.update({ id: 'x', size: 'l' }).set({ n: 1, dims: 'a' }).upsert();
  const Derived = defineEntity({
    table: VariantTable,
    name: 'Derived',
    schema: z.discriminatedUnion('kind', [
      z.object({ id: z.string(), name: z.string(), nameLower: z.string(), kind: z.literal('a'), a: z.string() }),
      z.object({ id: z.string(), name: z.string(), nameLower: z.string(), kind: z.literal('b') }),
    ]),
    keys: { primary: { pk: 'D#{id}', sk: 'K#{kind}' } },
    derive: { nameLower: { from: ['name'], compute: ({ name }) => name.toLowerCase() } },
  });
  Derived.update({ id: 'x', kind: 'a' }).set({ name: 'Ada', a: 'y' }).upsert();
  // Two fields that tell a z.union's variants apart: the types cannot tell which one the run time
  // takes as the tag, so the key must be composed of both.
  const Twice = defineEntity({
    table: VariantTable,
    name: 'Twice',
    schema: z.union([z.object({ id: z.string(), kind: z.literal('a'), size: z.literal('s') }), z.object({ id: z.string(), kind: z.literal('b'), size: z.literal('l') })]),
    keys: { primary: { pk: 'W#{id}', sk: 'K#{kind}' } },
  });
  // @ts-expect-error size tells the variants apart too, and no key is composed of it
  Twice.update({ id: 'x', kind: 'a' }).upsert();
});
