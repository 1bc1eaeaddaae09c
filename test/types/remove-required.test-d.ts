/**
 * `remove()` compiles only for paths the schema lets be absent: what the run time refuses
 * (`ValidationError`, update-plan.ts `removeStep`) does not compile, and the rest still does.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { test } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';

const { User, Order } = appModel(new DynamoDBClient({}));
const k = { userId: 'u1' };

const Table = defineTable({ name: 'T', client: new DynamoDBClient({}), partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
const Doc = defineEntity({
  table: Table,
  name: 'Doc',
  schema: z.object({
    id: z.string(),
    title: z.string(),
    rank: z.number().default(0),
    nick: z.string().nullable(),
    prefs: z.object({ theme: z.string().default('light'), lang: z.string(), font: z.string().optional() }).optional(),
    counts: z.record(z.string(), z.number()).optional(),
    sizes: z.record(z.enum(['s', 'm']), z.number()).optional(),
    spare: z.partialRecord(z.enum(['s', 'm']), z.number()).optional(),
    pair: z.tuple([z.string(), z.number()]).optional(),
    loose: z.tuple([z.string(), z.number().optional()]).optional(),
    series: z.tuple([z.string()], z.number()).optional(),
    grid: z.array(z.array(z.number())).optional(),
    shape: z.discriminatedUnion('kind', [z.object({ kind: z.literal('c'), r: z.number(), label: z.string().optional() }), z.object({ kind: z.literal('s'), side: z.number() })]).optional(),
  }),
  keys: { primary: { pk: 'D#{id}', sk: 'D' } },
});
const d = { id: 'd1' };

test('required top-level attributes do not compile; optional ones and those with a default do', () => {
  // @ts-expect-error email is required
  User.update(k).remove('email');
  // @ts-expect-error orgId too (it composes a GSI key only, so set() may change it)
  User.update(k).remove('orgId');
  // @ts-expect-error one required path among optional ones fails the call
  User.update(k).remove('age', 'name');
  // @ts-expect-error nullable is not optional: null is a value, absence is not
  Doc.update(d).remove('nick');
  User.update(k).remove('age');
  User.update(k).remove('age', 'score', 'address', 'items', 'tags');
  // A default is stored again (the input takes it as optional).
  Doc.update(d).remove('rank');
});

test('a nested field follows its own schema, not its parent', () => {
  // @ts-expect-error city is required inside the optional address
  User.update(k).remove('address.city');
  // @ts-expect-error lang is required inside prefs
  Doc.update(d).remove('prefs.lang');
  User.update(k).remove('address.zip');
  User.update(k).remove('address');
  Doc.update(d).remove('prefs.font');
  // A nested default is stored again.
  Doc.update(d).remove('prefs.theme');
});

test('list elements are entries; a required field of an element is not', () => {
  User.update(k).remove('items[0]');
  User.update(k).remove('history[3]');
  Order.update({ userId: 'u1', seq: 1, orderId: 'o1' }).remove('lines[1]');
  Doc.update(d).remove('grid[0][1]');
  Doc.update(d).remove('grid[0]');
  // @ts-expect-error sku is required in each element
  User.update(k).remove('items[0].sku');
  // @ts-expect-error lines is a required list (its elements are not)
  Order.update({ userId: 'u1', seq: 1, orderId: 'o1' }).remove('lines');
});

test("tuples: a fixed position only when optional, a rest element always", () => {
  // @ts-expect-error the later elements would shift
  Doc.update(d).remove('pair[0]');
  // @ts-expect-error the fixed position before a rest element too
  Doc.update(d).remove('series[0]');
  Doc.update(d).remove('series[2]');
  Doc.update(d).remove('loose[1]');
  // @ts-expect-error loose[0] is required
  Doc.update(d).remove('loose[0]');
});

test('records: entries of any key, not the keys of an enum-keyed record', () => {
  Doc.update(d).remove('counts.visits');
  Doc.update(d).remove('spare.s');
  // @ts-expect-error z.record(z.enum(...)) holds every key
  Doc.update(d).remove('sizes.s');
});

test('union attributes: a field some option lets be absent', () => {
  Doc.update(d).remove('shape.label');
  // @ts-expect-error r is required where it exists
  Doc.update(d).remove('shape.r');
});

test('key composites, timestamps and unknown paths stay refused', () => {
  // @ts-expect-error a primary-key composite
  User.update(k).remove('userId');
  // @ts-expect-error a timestamp
  User.update(k).remove('updatedAt');
  // @ts-expect-error not a path
  User.update(k).remove('nope');
  // Chaining still returns the builder.
  User.update(k).remove('age').remove('address.zip').set({ name: 'x' }).where(User.Attr('age').exists());
});
