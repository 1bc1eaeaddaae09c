/**
 * Review of the public types against what the run time accepts: each pair of a compiling call and a
 * `@ts-expect-error` targets one wrong thing. Update values are parsed at run time by the schema at
 * their path, like put's item: they take the schema's *input* there (defaults may be left out,
 * transforms take what they transform), while `ref()` copies a stored value, the schema's output.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, type AttributeOperand, type Condition, type EntityInput, type UpdateRef } from '../../src/index.js';
import type { NotAddable } from '../../src/entity/entity-types.js';

const Table = defineTable({
  name: 'ReviewTypes',
  client: new DynamoDBClient({}),
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
});

const Profile = defineEntity({
  table: Table,
  name: 'Profile',
  schema: z.object({
    id: z.string(),
    address: z.object({ city: z.string(), country: z.string().default('FR') }),
    lines: z.array(z.object({ sku: z.string(), qty: z.number().int().default(1) })).optional(),
    // Stored as cents; written in units.
    cents: z.number().transform((n) => Math.round(n * 100)),
    // Written as text, stored and read as a number.
    length: z.string().transform((s) => s.length),
    // Written as ISO text, stored and read as a Date.
    at: z.string().transform((s) => new Date(s)).pipe(z.date()),
    visits: z.number().int().default(0),
    label: z.string().optional(),
  }),
  keys: { primary: { pk: 'P#{id}', sk: 'PROFILE' } },
});
const key = { id: 'p1' };

test('set() takes what put() takes at a path: a nested default may be left out', () => {
  expectTypeOf<EntityInput<typeof Profile>['address']>().toEqualTypeOf<{ city: string; country?: string | undefined }>();
  Profile.update(key).set({ address: { city: 'Paris' } });
  Profile.update(key).set({ address: { city: 'Paris', country: 'DE' } });
  Profile.update(key).set({ lines: [{ sku: 'A1' }] });
  // @ts-expect-error the required city is still required
  Profile.update(key).set({ address: { country: 'DE' } });
});

test('below a top-level attribute, set() takes the stored type (which the schema accepts too)', () => {
  Profile.update(key).set({ 'lines[0]': { sku: 'A1', qty: 1 }, 'address.country': 'DE' });
  // @ts-expect-error the input type is read at top-level attributes only (a type-check cost)
  Profile.update(key).set({ 'lines[0]': { sku: 'A1' } });
});

test('set() takes the value a transform reads, not the one it stores', () => {
  Profile.update(key).set({ length: 'four' });
  Profile.update(key).set({ at: '2024-01-01T00:00:00.000Z' });
  Profile.update(key).set({ cents: 12.5 });
  // @ts-expect-error the run time parses it with z.string(): a number is refused there
  Profile.update(key).set({ length: 4 });
  // @ts-expect-error the run time parses it with z.string(): a Date is refused there
  Profile.update(key).set({ at: new Date() });
});

test('set() still copies stored values with ref(), typed by what is stored', () => {
  Profile.update(key).set({ length: Profile.ref('visits') });
  Profile.update(key).set({ visits: Profile.ref('length').plus(1) });
  // @ts-expect-error a stored Date is not a number
  Profile.update(key).set({ length: Profile.ref('at') });
});

test('setIfNotExists() takes plain values only: the run time parses them by the schema', () => {
  Profile.update(key).setIfNotExists({ visits: 0, address: { city: 'Paris' }, length: 'four' });
  // @ts-expect-error a ref() is not a value: if_not_exists has its own ref().ifNotExists(...)
  Profile.update(key).setIfNotExists({ visits: Profile.ref('length') });
});

test('append()/prepend() take elements as put() takes them', () => {
  Profile.update(key).append({ lines: [{ sku: 'A1' }] });
  Profile.update(key).prepend({ lines: [{ sku: 'A1', qty: 2 }] });
  // @ts-expect-error an element without its required sku
  Profile.update(key).append({ lines: [{ qty: 2 }] });
});

const Things = defineEntity({
  table: Table,
  name: 'Things',
  schema: z.object({
    id: z.string(),
    count: z.number().optional(),
    big: z.bigint().optional(),
    label: z.string().nullable(),
    at: z.date().optional(),
    bytes: z.instanceof(Uint8Array).optional(),
    state: z.enum(['a', 'b']),
    mixed: z.union([z.string(), z.boolean()]).optional(),
    flag: z.boolean().optional(),
    other: z.boolean().optional(),
    tags: z.set(z.string()).optional(),
    list: z.array(z.number()).optional(),
    map: z.object({ x: z.number() }).optional(),
  }),
  keys: { primary: { pk: 'T#{id}', sk: 'THING' } },
});

test('order comparisons compile only on attributes DynamoDB can order', () => {
  const { Attr } = Things;
  expectTypeOf(Attr('count').lt(1)).toEqualTypeOf<Condition>();
  Attr('count').between(1, Attr('count'));
  Attr('big').gte(1n);
  Attr('label').gt('a');
  Attr('at').lte(new Date());
  Attr('bytes').gt(new Uint8Array([1]));
  Attr('state').between('a', 'b');
  // A union that can hold a string: the run time checks the value.
  Attr('mixed').gt('m');
  Attr('list[0]').gt(1);
  Attr('map.x').lt(Attr('count'));
  Attr('tags').size().gt(1);
  Table.Attr('anything').lt(true);
  // @ts-expect-error DynamoDB does not order booleans
  Attr('flag').lt(true);
  // @ts-expect-error not with another boolean attribute either (DynamoDB: silently false)
  Attr('flag').gt(Attr('other'));
  // @ts-expect-error sets have no order
  Attr('tags').gte(new Set(['a']));
  // @ts-expect-error lists have no order
  Attr('list').between([1], [2]);
  // @ts-expect-error maps have no order
  Attr('map').lt({ x: 1 });
  // = and <> take any value of the type
  Attr('flag').eq(true);
  Attr('tags').ne(new Set(['a']));
});

/** A schema that keeps unknown attributes: its item type has a string index signature. */
const Loose = defineEntity({
  table: Table,
  name: 'Loose',
  schema: z
    .object({ id: z.string(), address: z.object({ city: z.string() }).optional(), n: z.number().optional() })
    .catchall(z.number()),
  keys: { primary: { pk: 'L#{id}', sk: 'LOOSE' } },
});
const Passthrough = defineEntity({
  table: Table,
  name: 'Passthrough',
  schema: z.looseObject({ id: z.string(), address: z.object({ city: z.string() }).optional() }),
  keys: { primary: { pk: 'PT#{id}', sk: 'PT' } },
});

test('paths of an item that keeps unknown attributes are its schema paths, typed by the schema', () => {
  // The index signature (catchall number) answered for every path: 'address.city' was a number.
  expectTypeOf(Loose.Attr('address.city')).toEqualTypeOf<AttributeOperand<string>>();
  expectTypeOf(Passthrough.Attr('address.city')).toEqualTypeOf<AttributeOperand<string>>();
  expectTypeOf(Loose.Attr('n')).toEqualTypeOf<AttributeOperand<number>>();
  Loose.update({ id: 'l1' }).set({ 'address.city': 'Paris', n: 2 });
  Loose.update({ id: 'l1' }).set({ address: { city: 'Paris' } });
  Passthrough.update({ id: 'l1' }).set({ 'address.city': 'Paris' });
  // @ts-expect-error the city is a string
  Loose.Attr('address.city').eq(5);
  // @ts-expect-error the city is a string (an unknown value was accepted)
  Passthrough.update({ id: 'p1' }).set({ 'address.city': 5 });
  // @ts-expect-error a typo is not a path (the run time refuses it: "is not a path of the Loose schema")
  Loose.Attr('adress.city');
  // @ts-expect-error nor is an attribute outside the schema
  Loose.update({ id: 'l1' }).set({ extra: 5 });
});

test('put() of an entity that keeps typed unknown attributes takes its declared fields and any others', () => {
  // zod's input type asks every declared field to match the catchall too: no literal with a
  // string id compiled. Attributes outside the schema are checked by the catchall at run time.
  Loose.put({ id: 'l1', address: { city: 'Berlin' }, extra: 7 });
  Loose.create({ id: 'l2' });
  Passthrough.put({ id: 'p1', anything: ['x'] });
  // @ts-expect-error a declared field keeps its type
  Loose.put({ id: 5 });
  // @ts-expect-error and stays required
  Loose.put({ address: { city: 'Berlin' } });
  expectTypeOf<EntityInput<typeof Loose>['id']>().toEqualTypeOf<string>();
});

test('add(), delete() and append() on an attribute of another type name the reason', () => {
  Things.update({ id: 't1' }).add({ count: 1, tags: new Set(['a']) }).delete({ tags: new Set(['b']) }).append({ list: [1] });
  // The parameter type at such a path was `never` (read as "not assignable to type 'undefined'").
  expectTypeOf<Parameters<ReturnType<typeof Things.update>['add']>[0]['state']>().toEqualTypeOf<NotAddable | undefined>();
  // @ts-expect-error add() on a string
  Things.update({ id: 't1' }).add({ state: 'a' });
  // @ts-expect-error delete() on a list
  Things.update({ id: 't1' }).delete({ list: [1] });
  // @ts-expect-error append() on a set
  Things.update({ id: 't1' }).append({ tags: new Set(['a']) });
});

test('add() and ref() arithmetic on a bigint attribute take bigints', () => {
  Things.update({ id: 't1' }).add({ big: 2n ** 60n });
  Things.update({ id: 't1' }).set({ big: Things.ref('big').plus(1n) }).set({ big: Things.ref('big').ifNotExists(0n).minus(Things.ref('big')) });
  expectTypeOf(Things.ref('big').plus(1n)).toEqualTypeOf<UpdateRef<bigint>>();
  // @ts-expect-error a number there could already be rounded (2^53 + 1 is not a double)
  Things.update({ id: 't1' }).add({ big: 1 });
  // @ts-expect-error the same for arithmetic
  Things.ref('big').plus(1);
  // @ts-expect-error and a bigint does not go into a number attribute
  Things.update({ id: 't1' }).add({ count: 1n });
  // @ts-expect-error nor a bigint attribute's result into a number attribute
  Things.update({ id: 't1' }).set({ count: Things.ref('big').plus(1n) });
});
