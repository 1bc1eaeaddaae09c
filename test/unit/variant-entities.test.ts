/**
 * Entities whose schema is a union of variants, without a server: the definition checks (key
 * composites, TTL, renamed and derived fields must be fields of every variant, alike; the union
 * needs a tag and object options), and what updates and conditions build (a guard on the tag for
 * a field of some variants, none for a field of all; the tag itself and upserts refused).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, ExpressionError, ValidationError, VariantFieldError } from '../../src/index.js';
import { sameSchema } from '../../src/entity/variant-schema.js';
import { bank, card, variantModel } from '../fixtures/variant-model.js';

const { VariantTable, Payment, Parcel } = variantModel(new DynamoDBClient({ region: 'us-east-1' }));

const a = z.object({ id: z.string(), kind: z.literal('a'), at: z.date(), label: z.string(), n: z.number() });
const b = z.object({ id: z.string(), kind: z.literal('b'), at: z.date(), n: z.string() });
const c = z.object({ id: z.string(), kind: z.literal('c'), at: z.date(), n: z.number() });
const variants = z.discriminatedUnion('kind', [a, b, c]);

function definitionError(config: Record<string, unknown>): VariantFieldError {
  try {
    defineEntity({ table: VariantTable, name: 'Thing', schema: variants, keys: { primary: { pk: 'T#{id}', sk: 'T' } }, ...config } as never);
  } catch (e) {
    expect(e).toBeInstanceOf(VariantFieldError);
    return e as VariantFieldError;
  }
  throw new Error('expected a VariantFieldError');
}

describe('defineEntity with a union schema', () => {
  it('a key composite of some variants names the entity, the field and the variants without it', () => {
    const e = definitionError({ keys: { primary: { pk: 'T#{id}', sk: 'L#{label}' } } });
    expect(e.entity).toBe('Thing');
    expect(e.field).toBe('label');
    expect(e.missingIn).toEqual(['"b"', '"c"']);
    expect(e.message).toBe('Thing: the key composite label must be a field of every variant; the variants kind = "b", "c" do not have it');
  });

  it('a key composite of every variant with different schemas is refused too', () => {
    const e = definitionError({ keys: { primary: { pk: 'T#{id}', sk: 'N#{n}' } } });
    expect(e.field).toBe('n');
    expect(e.missingIn).toEqual([]);
    expect(e.message).toBe('Thing: the key composite n must have the same schema in every variant ("a", "b", "c" differ)');
  });

  it('the TTL, a renamed field and a derived field follow the same rule', () => {
    const aTtl = z.object({ id: z.string(), kind: z.literal('a'), until: z.date() });
    const bTtl = z.object({ id: z.string(), kind: z.literal('b') });
    expect(() =>
      defineEntity({ table: VariantTable, name: 'Expiring', schema: z.discriminatedUnion('kind', [aTtl, bTtl]), keys: { primary: { pk: 'E#{id}', sk: 'E' } }, ttl: 'until' } as never),
    ).toThrow('Expiring: the ttl attribute until must be a field of every variant; the variants kind = "b" do not have it');
    expect(definitionError({ storedAs: { label: 'lbl' } }).message).toBe('Thing: the renamed (storedAs) field label must be a field of every variant; the variants kind = "b", "c" do not have it');
    const e = definitionError({ derive: { label: { from: ['id'], compute: ({ id }: { id: string }) => id } } });
    expect(e.field).toBe('label');
  });

  it('fields every variant holds alike may be key composites, the TTL, renamed', () => {
    const E = defineEntity({ table: VariantTable, name: 'Fine', schema: variants, keys: { primary: { pk: 'T#{id}', sk: 'AT#{at}' } }, ttl: 'at', storedAs: { id: 'ident' } });
    expect(E.model.variants?.tag).toBe('kind');
    expect([...E.model.variants!.common].sort()).toEqual(['at', 'id', 'kind'].filter((f) => f !== 'kind').concat().sort());
  });

  it('a union needs a tag, and object options that declare their fields', () => {
    const untagged = z.union([z.object({ id: z.string(), x: z.string() }), z.object({ id: z.string(), y: z.number() })]);
    expect(() => defineEntity({ table: VariantTable, name: 'Untagged', schema: untagged, keys: { primary: { pk: 'U#{id}', sk: 'U' } } })).toThrow(
      "Untagged: the schema's union has no tag: use z.discriminatedUnion, or give every option a literal field that no other option holds",
    );
    const loose = z.discriminatedUnion('kind', [z.looseObject({ id: z.string(), kind: z.literal('a') }), z.object({ id: z.string(), kind: z.literal('b') })]);
    expect(() => defineEntity({ table: VariantTable, name: 'Loose', schema: loose, keys: { primary: { pk: 'L#{id}', sk: 'L' } } })).toThrow(VariantFieldError);
  });

  it('schemas are compared by what they say, functions by identity', () => {
    expect(sameSchema(z.string().min(2), z.string().min(2))).toBe(true);
    expect(sameSchema(z.string().min(2), z.string().min(3))).toBe(false);
    expect(sameSchema(z.string().regex(/a/), z.string().regex(/b/))).toBe(false);
    expect(sameSchema(z.object({ x: z.date().optional() }), z.object({ x: z.date().optional() }))).toBe(true);
    expect(sameSchema(z.string().refine((s) => s !== ''), z.string().refine((s) => s !== ''))).toBe(false);
  });
});

describe('updates and conditions of an entity with variants', () => {
  const cond = (input: { ConditionExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> }) => ({
    expr: input.ConditionExpression,
    names: input.ExpressionAttributeNames,
    values: input.ExpressionAttributeValues,
  });

  it('a field of some variants is guarded by the tag; a field of every variant is not', () => {
    const some = cond(Payment.update({ paymentId: 'p' }).set({ note: 'x' }).build());
    expect(some.expr).toBe('#n2 = :v2 AND #n3 IN (:v3, :v4)');
    expect(some.names?.['#n3']).toBe('method');
    expect([some.values?.[':v3'], some.values?.[':v4']]).toEqual(['bank', 'wallet']);
    const all = cond(Payment.update({ paymentId: 'p' }).add({ amount: 1 }).build());
    expect(all.expr).toBe('#n2 = :v2');
    const parcel = cond(Parcel.update({ parcelId: 'x' }).set({ dims: [1, 2, 3] }).build());
    expect(parcel.expr).toBe('#n1 = :v1 AND #n2 = :v2');
    expect(parcel.values?.[':v2']).toBe('box');
  });

  it('a value only one variant takes is guarded by that variant (a letter weighs at most 500 g)', () => {
    const heavy = cond(Parcel.update({ parcelId: 'x' }).set({ grams: 900 }).build());
    expect(heavy.values?.[':v2']).toBe('box');
    expect(cond(Parcel.update({ parcelId: 'x' }).set({ grams: 100 }).build()).expr).toBe('#n1 = :v1');
  });

  it('fields of two variants at once, the tag, and upserts are refused before sending', () => {
    // Untyped code: the types refuse fields of two variants in one set(), the tag and upsert() (test/types/variant-entities.test-d.ts).
    expect(() => Payment.update({ paymentId: 'p' }).set({ last4: '1111', iban: 'x' } as never).build()).toThrow(ExpressionError);
    expect(() => Payment.update({ paymentId: 'p' }).set({ method: 'bank' } as never).build()).toThrow(
      'Payment: method: tells the variants of Payment apart and cannot be changed by set: the fields of the new variant would be missing; put the whole item to change its variant',
    );
    const untyped = Payment.update({ paymentId: 'p' }).set({ amount: 1 }) as unknown as { upsert(): { build(): unknown } };
    expect(() => untyped.upsert().build()).toThrow(ValidationError);
    expect(() => Payment.update({ paymentId: 'p' }).remove('last4' as never).build()).toThrow(ValidationError);
  });

  it('a z.union field of literals that variants share is no tag: it updates, guarded by the variants that take the value (the types take it too)', () => {
    const Shared = defineEntity({
      table: VariantTable,
      name: 'Shared',
      schema: z.union([
        z.object({ id: z.string(), kind: z.literal('a'), level: z.union([z.literal(1), z.literal(2)]) }),
        z.object({ id: z.string(), kind: z.literal('b'), level: z.union([z.literal(2), z.literal(3)]) }),
      ]),
      keys: { primary: { pk: 'S#{id}', sk: 'S' } },
    });
    expect(cond(Shared.update({ id: 'x' }).set({ level: 2 }).build()).expr).toBe('#n1 = :v1');
    const one = cond(Shared.update({ id: 'x' }).set({ level: 1 }).build());
    expect(one.expr).toBe('#n1 = :v1 AND #n2 = :v2');
    expect([one.names?.['#n2'], one.values?.[':v2']]).toEqual(['kind', 'a']);
    expect(() => Shared.update({ id: 'x' }).set({ kind: 'b' } as never).build()).toThrow(ExpressionError);
  });

  it('put validates with the variant its tag names', () => {
    expect(Payment.put(card).build().Item).toMatchObject({ method: 'card', last4: '4242', expires: '2030-01-01T00:00:00.000Z' });
    expect(() => Payment.put({ ...bank, iban: undefined } as never).build()).toThrow(ValidationError);
    expect(() => Payment.put({ ...card, method: 'bank' } as never).build()).toThrow(ValidationError);
  });
});

describe('upsert of an entity with variants whose primary key names the variant', () => {
  const Keyed = defineEntity({
    table: VariantTable,
    name: 'Keyed',
    schema: z.discriminatedUnion('method', [
      z.object({ id: z.string(), method: z.literal('card'), last4: z.string(), status: z.string().default('new') }),
      z.object({ id: z.string(), method: z.literal('bank'), iban: z.string(), note: z.string().optional() }),
      z.object({ id: z.string(), method: z.literal('wallet'), note: z.string().default('gift') }),
    ]),
    keys: { primary: { pk: 'K#{id}', sk: 'M#{method}' } },
  });

  /** An expression with its placeholders replaced by the names and values they stand for. */
  const readable = (expr: string | undefined, input: { ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> }): string =>
    (expr ?? '').replace(/#n\d+/g, (n) => input.ExpressionAttributeNames![n]!).replace(/:v\d+/g, (v) => JSON.stringify(input.ExpressionAttributeValues![v]));

  it("writes the key's tag and that variant's defaults; the guards on the tag become one that a missing item passes", () => {
    const input = Keyed.update({ id: 'k', method: 'bank' }).set({ iban: 'DE', note: 'n' }).upsert().build();
    // note is a field of bank and wallet payments: without upsert() it is guarded by `method IN (...)`,
    // which a missing item fails; the upsert requires a stored item to be the key's variant instead.
    expect(readable(input.ConditionExpression, input)).toBe('(attribute_not_exists(pk) OR _et = "Keyed") AND (attribute_not_exists(pk) OR method = "bank")');
    expect(readable(input.UpdateExpression, input)).toMatch(/method = "bank"/);
    expect(input.UpdateExpression).not.toMatch(/if_not_exists/);
    const wallet = Keyed.update({ id: 'k', method: 'wallet' }).set({}).upsert().build();
    // The wallet's default for note, not another variant's; the card's status default is no wallet field.
    expect(Object.values(wallet.ExpressionAttributeValues ?? {})).toEqual(expect.arrayContaining(['gift', 'wallet']));
    expect(Object.values(wallet.ExpressionAttributeValues ?? {})).not.toContain('new');
  });

  it("refuses the key's variant's missing required fields and another variant's fields before sending", () => {
    expect(() => Keyed.update({ id: 'k', method: 'card' }).set({}).upsert().build()).toThrow('Keyed: invalid item: last4: is required (by the "card" variant its key names)');
    expect(() => Keyed.update({ id: 'k', method: 'card' }).set({ last4: '1' }).set({ iban: 'x' } as never).upsert().build()).toThrow(ExpressionError);
    expect(Keyed.update({ id: 'k', method: 'card' }).set({ last4: '1' }).upsert().build().UpdateExpression).toMatch(/if_not_exists/);
  });

  it('a z.union keyed by its literal tag takes upserts too', () => {
    const Sized = defineEntity({
      table: VariantTable,
      name: 'Sized',
      schema: z.union([z.object({ id: z.string(), size: z.literal('s'), n: z.number() }), z.object({ id: z.string(), size: z.literal('l'), n: z.number(), dims: z.string() })]),
      keys: { primary: { pk: 'S#{id}', sk: 'SIZE#{size}' } },
    });
    const input = Sized.update({ id: 'x', size: 'l' }).set({ n: 1, dims: 'a' }).upsert().build();
    expect(readable(input.ConditionExpression, input)).toBe('(attribute_not_exists(pk) OR _et = "Sized") AND (attribute_not_exists(pk) OR size = "l")');
    expect(() => Sized.update({ id: 'x', size: 'l' }).set({ n: 1 }).upsert().build()).toThrow('dims: is required (by the "l" variant its key names)');
    expect(() => Sized.update({ id: 'x', size: 's' }).set({ n: 1 }).upsert().build()).not.toThrow();
  });
});

describe('stream records of a variant entity', () => {
  const keys = { pk: { S: 'PAYMENT#p1' }, sk: { S: 'PAYMENT' } };
  const base = { ...keys, _et: { S: 'Payment' }, paymentId: { S: 'p1' }, orderId: { S: 'o1' }, amount: { N: '10' }, createdAt: { S: '2026-01-01T00:00:00.000Z' }, updatedAt: { S: '2026-01-01T00:00:00.000Z' } };
  const asCard = { ...base, method: { S: 'card' }, last4: { S: '4242' }, expires: { S: '2030-01-01T00:00:00.000Z' } };
  const asBank = { ...base, method: { S: 'bank' }, iban: { S: 'DE89370400440532013000' } };

  it('parses each image as its own variant (a put that changed the variant), keys from the templates', () => {
    const e = VariantTable.streamParser(Payment).record({ eventName: 'MODIFY', dynamodb: { Keys: keys, OldImage: asCard, NewImage: asBank } } as never);
    expect(e?.keys).toEqual({ paymentId: 'p1' });
    const { newItem, oldItem } = e as { newItem?: Record<string, unknown>; oldItem?: Record<string, unknown> };
    expect(oldItem).toMatchObject({ method: 'card', last4: '4242', expires: new Date('2030-01-01T00:00:00.000Z') });
    expect(newItem).toMatchObject({ method: 'bank', iban: 'DE89370400440532013000' });
    expect(newItem).not.toHaveProperty('last4');
  });

  it("an image that fits no variant is an error of the batch, not an event", () => {
    const wrong = { ...base, method: { S: 'bank' }, last4: { S: '4242' } };
    const parsed = VariantTable.parseStreamEvent({ Records: [{ eventName: 'INSERT', dynamodb: { Keys: keys, NewImage: wrong } }] } as never);
    expect(parsed.events).toEqual([]);
    expect(parsed.errors).toHaveLength(1);
  });
});
