/**
 * Types of the timestamp formats (`timestamps: { format }`) and of `withTimestamps()`: the item type
 * follows the format (string for ISO, number for epochs), conditions, keys and given times take that
 * type, and names or types the entity does not store do not compile.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, type EntityInput, type EntityItem, type EpochTimestampFields, type TimestampFields } from '../../src/index.js';

const AppTable = defineTable({
  name: 'app',
  client: new DynamoDBClient({}),
  partitionKey: { name: 'pk', type: 'S' },
  indexes: { byTime: { type: 'global', partitionKey: { name: 'tpk', type: 'S' }, sortKey: { name: 'tsk', type: 'N' } } },
});
const schema = z.object({ id: z.string(), feed: z.string() });

const Iso = defineEntity({ table: AppTable, name: 'Iso', schema, keys: { primary: { pk: 'I#{id}' } }, timestamps: true });
const IsoToo = defineEntity({ table: AppTable, name: 'IsoToo', schema, keys: { primary: { pk: 'J#{id}' } }, timestamps: { format: 'iso' } });
const IsoDefault = defineEntity({ table: AppTable, name: 'IsoDefault', schema, keys: { primary: { pk: 'K#{id}' } }, timestamps: {} });
const Ms = defineEntity({
  table: AppTable,
  name: 'Ms',
  schema,
  keys: { primary: { pk: 'M#{id}' }, byTime: { pk: 'F#{feed}', sk: '{createdAt}' } },
  timestamps: { format: 'epochMs' },
});
const Sec = defineEntity({ table: AppTable, name: 'Sec', schema, keys: { primary: { pk: 'S#{id}' } }, timestamps: { format: 'epochSeconds' }, storedAs: { createdAt: 'created_at' } });
const Plain = defineEntity({ table: AppTable, name: 'Plain', schema, keys: { primary: { pk: 'P#{id}' } } });

test('the item type follows the format: ISO text for true, {} and iso; numbers for the epochs', () => {
  expectTypeOf<EntityItem<typeof Iso>>().toEqualTypeOf<z.output<typeof schema> & TimestampFields>();
  expectTypeOf<EntityItem<typeof IsoToo>['createdAt']>().toEqualTypeOf<string>();
  expectTypeOf<EntityItem<typeof IsoDefault>['updatedAt']>().toEqualTypeOf<string>();
  expectTypeOf<EntityItem<typeof Ms>>().toEqualTypeOf<z.output<typeof schema> & EpochTimestampFields>();
  expectTypeOf<EntityItem<typeof Sec>['createdAt']>().toEqualTypeOf<number>();
  expectTypeOf<EntityItem<typeof Plain>>().toEqualTypeOf<z.output<typeof schema>>();
  // the put input is the schema's, whatever the format
  expectTypeOf<EntityInput<typeof Ms>>().toEqualTypeOf<z.input<typeof schema>>();
});

test('an unknown format does not compile', () => {
  // @ts-expect-error: not a format
  defineEntity({ table: AppTable, name: 'Bad', schema, keys: { primary: { pk: 'B#{id}' } }, timestamps: { format: 'unix' } });
});

test('conditions and key conditions take the stored type', () => {
  Ms.Attr('createdAt').gt(1_700_000_000_000);
  // @ts-expect-error: epoch milliseconds are numbers
  Ms.Attr('createdAt').gt('2024-06-01T00:00:00.000Z');
  Iso.Attr('createdAt').gt('2024-06-01');
  // @ts-expect-error: ISO timestamps are text
  Iso.Attr('createdAt').gt(1);
  Ms.query('byTime', Ms.Key('feed').eq('f').and(Ms.Key('createdAt').between(1, 2)));
  // @ts-expect-error: the N key is built from the number
  Ms.query('byTime', Ms.Key('feed').eq('f').and(Ms.Key('createdAt').gt('x')));
  // the TTL-like Date attribute and an epoch timestamp are of different types
  const Lease = defineEntity({ table: AppTable, name: 'Lease', schema: z.object({ id: z.string(), until: z.date() }), keys: { primary: { pk: 'L#{id}' } }, timestamps: { format: 'epochSeconds' }, ttl: 'until' });
  // @ts-expect-error: a Date attribute against epoch seconds
  Lease.Attr('until').gt(Lease.Attr('createdAt'));
});

test('updates still refuse the timestamps', () => {
  // @ts-expect-error: dynakit sets them
  Ms.update({ id: 'a' }).set({ createdAt: 1 });
});

test('withTimestamps takes the format or a Date, and only the two names', () => {
  Iso.put({ id: 'a', feed: 'f' }).withTimestamps({ createdAt: '2024-06-01T00:00:00.000Z', updatedAt: new Date() });
  Iso.create({ id: 'a', feed: 'f' }).withTimestamps({ createdAt: new Date() });
  Ms.put({ id: 'a', feed: 'f' }).withTimestamps({ createdAt: 1_700_000_000_000, updatedAt: new Date() });
  Sec.put({ id: 'a', feed: 'f' }).withTimestamps({ updatedAt: 1_700_000_000 });
  // @ts-expect-error: ISO timestamps take text or a Date
  Iso.put({ id: 'a', feed: 'f' }).withTimestamps({ createdAt: 1 });
  // @ts-expect-error: epoch timestamps take numbers or a Date
  Ms.put({ id: 'a', feed: 'f' }).withTimestamps({ createdAt: '2024-06-01T00:00:00.000Z' });
  // @ts-expect-error: a misspelt name
  Iso.put({ id: 'a', feed: 'f' }).withTimestamps({ createAt: new Date() });
  // @ts-expect-error: an entity without timestamps has none to give
  Plain.put({ id: 'a', feed: 'f' }).withTimestamps({ createdAt: new Date() });
  // the builder keeps its type: a batch still takes it, and the result is the item
  expectTypeOf(Ms.put({ id: 'a', feed: 'f' }).withTimestamps({ createdAt: 1 })).toEqualTypeOf(Ms.put({ id: 'a', feed: 'f' }));
  AppTable.batchWrite([Ms.put({ id: 'a', feed: 'f' }).withTimestamps({ createdAt: 1 })]);
  // @ts-expect-error: create() has a condition, which a batch cannot carry, given times or not
  AppTable.batchWrite([Ms.create({ id: 'a', feed: 'f' }).withTimestamps({ createdAt: 1 })]);
});

test('update and upsert take withTimestamps as put does, and keep their result type', () => {
  Iso.update({ id: 'a' }).set({ feed: 'g' }).withTimestamps({ updatedAt: new Date() });
  Ms.update({ id: 'a' }).set({ feed: 'g' }).upsert().withTimestamps({ createdAt: 1_700_000_000_000, updatedAt: 1_700_000_000_001 });
  Sec.update({ id: 'a' }).set({ feed: 'g' }).withTimestamps({ createdAt: new Date() });
  // @ts-expect-error: ISO timestamps take text or a Date
  Iso.update({ id: 'a' }).set({ feed: 'g' }).withTimestamps({ updatedAt: 1 });
  // @ts-expect-error: epoch timestamps take numbers or a Date
  Ms.update({ id: 'a' }).set({ feed: 'g' }).withTimestamps({ updatedAt: '2024-06-01T00:00:00.000Z' });
  // @ts-expect-error: a misspelt name
  Iso.update({ id: 'a' }).set({ feed: 'g' }).withTimestamps({ updatedAtt: new Date() });
  // @ts-expect-error: an entity without timestamps has none to give
  Plain.update({ id: 'a' }).set({ feed: 'g' }).withTimestamps({ updatedAt: new Date() });
  expectTypeOf(Ms.update({ id: 'a' }).set({ feed: 'g' }).withTimestamps({ updatedAt: 1 }).returning('ALL_NEW')).resolves.toEqualTypeOf<EntityItem<typeof Ms>>();
});

