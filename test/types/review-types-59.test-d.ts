/**
 * helper-59: public types that accepted what the run time refuses. Each `@ts-expect-error` is a
 * call the run time refuses before sending (test/integration/review-types-59.test.ts shows the
 * refusals and acceptances the types follow); each compiling call is one it takes.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, transactWrite, type BatchWriteResult, type EntityItem } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';

const { AppTable, User } = appModel(new DynamoDBClient({}));
type UserItem = EntityItem<typeof User>;
const userKey = { userId: 'u1' };

const Counter = defineEntity({
  table: AppTable,
  name: 'Counter',
  schema: z.object({ id: z.string(), n: z.number() }),
  keys: { primary: { pk: 'C#{id}', sk: 'COUNTER' } },
  version: 'version',
});

test('project() with no attribute does not compile (the run time refuses it: no projection would be sent)', () => {
  // @ts-expect-error a query projects at least one attribute
  void User.query('primary', User.Key('userId').eq('u1')).project();
  // @ts-expect-error a scan too
  void User.scan().project();
  // @ts-expect-error a get: nothing would be read but the whole item, typed `{}`
  void User.get(userKey).project();
  // @ts-expect-error an entity's batchGet (its gets)
  void User.batchGet([userKey]).project();
  // @ts-expect-error a table-level read
  void AppTable.query(AppTable.Key('pk').eq('USER#u1')).project();
  // @ts-expect-error a table-level scan
  void AppTable.scan().project();
});

test('project() with attributes keeps its types; a non-empty tuple may be spread', () => {
  expectTypeOf(User.get(userKey).project('name')).resolves.toEqualTypeOf<Pick<UserItem, 'name'> | undefined>();
  expectTypeOf(User.get(userKey).project('name', 'email', 'name')).resolves.toEqualTypeOf<Pick<UserItem, 'name' | 'email'> | undefined>();
  const columns = ['name', 'age'] as const;
  expectTypeOf(User.get(userKey).project(...columns)).resolves.toEqualTypeOf<Pick<UserItem, 'name' | 'age'> | undefined>();
  expectTypeOf(User.batchGet([userKey]).project('email')).resolves.toEqualTypeOf<(Pick<UserItem, 'email'> | undefined)[]>();
  expectTypeOf(User.scan().project('userId', 'createdAt').all()).resolves.toEqualTypeOf<Pick<UserItem, 'userId' | 'createdAt'>[]>();
  const page = User.query('gsi1', User.Key('orgId').eq('acme')).project('name').then((p) => p.items);
  expectTypeOf(page).resolves.toEqualTypeOf<Pick<UserItem, 'name'>[]>();
  void AppTable.query(AppTable.Key('pk').eq('USER#u1')).project('name', 'email');
  // @ts-expect-error still only attributes of the item
  void User.get(userKey).project('nope');
});

test("a versioned entity's delete with a version is refused by batch writes (BatchWriteItem cannot check it)", () => {
  // @ts-expect-error the delete checks the version: a condition
  void AppTable.batchWrite([Counter.delete({ id: 'c', version: 3 })]);
  // @ts-expect-error still conditioned after returning()
  void AppTable.batchWrite([Counter.delete({ id: 'c', version: 3 }).returning('ALL_OLD')]);
  void AppTable.batchWrite((b) => {
    // @ts-expect-error the callback form
    b.delete(Counter.delete({ id: 'c', version: 3 }));
    // @ts-expect-error the key form takes no version
    b.delete(Counter, { id: 'c', version: 3 });
    b.delete(Counter, { id: 'c' });
  });
  const w = AppTable.batchWriter();
  // @ts-expect-error the streaming writer
  w.delete(Counter.delete({ id: 'c', version: 3 }));
  // A key held in a variable (no excess-property check) carries its version in its type too.
  const read = { id: 'c', version: 3 };
  // @ts-expect-error
  w.delete(Counter.delete(read));
});

test("a versioned entity's delete without a version still batches; with one, transactions and single deletes take it", () => {
  expectTypeOf(AppTable.batchWrite([Counter.delete({ id: 'c' }), Counter.delete({ id: 'd' }).returning('ALL_OLD')])).resolves.toEqualTypeOf<BatchWriteResult>();
  AppTable.batchWriter().delete(Counter.delete({ id: 'c' }));
  void transactWrite([Counter.delete({ id: 'c', version: 3 }), Counter.delete({ id: 'd', version: 1 }).where(Counter.Attr('n').gt(0))]);
  expectTypeOf(Counter.delete({ id: 'c', version: 3 }).returning('ALL_OLD')).resolves.toEqualTypeOf<EntityItem<typeof Counter> | undefined>();
  // @ts-expect-error the version is a number
  void Counter.delete({ id: 'c', version: '3' });
  // @ts-expect-error an entity without a version takes none
  void User.delete({ userId: 'u1', version: 3 });
});

const KeyTable = defineTable({
  name: 'ReviewTypes59',
  client: new DynamoDBClient({}),
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: { byNumber: { type: 'global', partitionKey: { name: 'npk', type: 'N' } }, byBytes: { type: 'global', partitionKey: { name: 'bpk', type: 'B' } }, byText: { type: 'global', partitionKey: { name: 'tpk', type: 'S' } } },
});

enum Prio {
  Low = 1,
  High = 2,
}

/** Every kind the run time makes a key composite of (test/integration/review-types-59.test.ts defines the same). */
const keyable = z.object({
  id: z.string(),
  n: z.number().int(),
  big: z.bigint(),
  flag: z.boolean(),
  at: z.date(),
  status: z.enum(['open', 'done']),
  prio: z.enum(Prio),
  lit: z.literal('x'),
  opt: z.string().optional(),
  nul: z.string().nullable(),
  def: z.string().default('d'),
  trimmed: z.string().trim(),
  piped: z.string().transform(Number).pipe(z.number()),
  branded: z.string().brand<'Id'>(),
  email: z.email(),
  bytes: z.custom<Uint8Array>((v) => v instanceof Uint8Array),
  // What is never a key composite:
  address: z.object({ city: z.string() }),
  tags: z.set(z.string()),
  lines: z.array(z.string()),
  pair: z.tuple([z.string(), z.number()]),
  counts: z.record(z.string(), z.number()),
  anything: z.unknown(),
  whatever: z.any(),
});

test('key templates take placeholders of every attribute kind the run time makes keys of', () => {
  defineEntity({
    table: KeyTable,
    name: 'Keyable',
    schema: keyable,
    keys: {
      primary: { pk: 'K#{id}#{n}#{big}#{flag}#{at}', sk: 'S#{status}#{prio}#{lit}#{opt}#{nul}#{def}#{trimmed}#{piped}#{branded}#{email}' },
      byNumber: { pk: '{n}' },
      byBytes: { pk: '{bytes}' },
      byText: { pk: 'T#{createdAt}' },
    },
    timestamps: true,
  });
});

test('key templates refuse placeholders naming maps, sets, lists, tuples, records and z.unknown() attributes', () => {
  defineEntity({
    table: KeyTable,
    name: 'MapKey',
    schema: keyable,
    // @ts-expect-error a map (object) attribute
    keys: { primary: { pk: 'K#{address}', sk: 'S' } },
  });
  defineEntity({
    table: KeyTable,
    name: 'SetKey',
    schema: keyable,
    // @ts-expect-error a set
    keys: { primary: { pk: 'K#{id}', sk: 'S#{tags}' } },
  });
  defineEntity({
    table: KeyTable,
    name: 'ListKey',
    schema: keyable,
    // @ts-expect-error a list, on an index
    keys: { primary: { pk: 'K#{id}', sk: 'S' }, byNumber: { pk: '{lines}' } },
  });
  defineEntity({
    table: KeyTable,
    name: 'TupleKey',
    schema: keyable,
    // @ts-expect-error a tuple
    keys: { primary: { pk: 'K#{pair}', sk: 'S' } },
  });
  defineEntity({
    table: KeyTable,
    name: 'RecordKey',
    schema: keyable,
    // @ts-expect-error a record
    keys: { primary: { pk: 'K#{counts}', sk: 'S' } },
  });
  defineEntity({
    table: KeyTable,
    name: 'UnknownKey',
    schema: keyable,
    // @ts-expect-error z.unknown()
    keys: { primary: { pk: 'K#{anything}', sk: 'S' } },
  });
  // z.any(): defineEntity refuses it, and since helper-63 the types do too (test/types/review-types-63.test-d.ts).
  // @ts-expect-error z.any()
  defineEntity({ table: KeyTable, name: 'AnyKey', schema: keyable, keys: { primary: { pk: 'K#{whatever}', sk: 'S' } } });
});

test('optional and nullable wrappers do not hide a map or list, nor turn a key kind away', () => {
  const wrapped = z.object({ id: z.string(), when: z.date().optional(), meta: z.object({ a: z.string() }).optional(), tags: z.string().array().nullable() });
  defineEntity({ table: KeyTable, name: 'Wrapped', schema: wrapped, keys: { primary: { pk: 'W#{id}', sk: 'AT#{when}' } } });
  defineEntity({
    table: KeyTable,
    name: 'WrappedMap',
    schema: wrapped,
    // @ts-expect-error an optional map
    keys: { primary: { pk: 'W#{id}', sk: 'M#{meta}' } },
  });
  defineEntity({
    table: KeyTable,
    name: 'WrappedList',
    schema: wrapped,
    // @ts-expect-error a nullable list
    keys: { primary: { pk: 'W#{tags}', sk: 'S' } },
  });
});

test('a schema typed as z.ZodObject (attributes unknown to the types) still takes any placeholder', () => {
  const erased: z.ZodObject = z.object({ id: z.string() });
  defineEntity({ table: KeyTable, name: 'Erased', schema: erased, keys: { primary: { pk: 'E#{id}', sk: 'S' } } });
});

test('timestamps in the primary key still compile (defineEntity refuses them: KeyError); a check measured +274 instantiations at N=60 and was not kept', () => {
  const schema = z.object({ id: z.string() });
  defineEntity({ table: KeyTable, name: 'ByCreation', schema, keys: { primary: { pk: 'T#{id}', sk: 'S' }, byText: { pk: 'AT#{createdAt}' } }, timestamps: true });
  defineEntity({ table: KeyTable, name: 'StampedKey', schema, keys: { primary: { pk: 'T#{id}', sk: 'AT#{createdAt}' } }, timestamps: true });
});
