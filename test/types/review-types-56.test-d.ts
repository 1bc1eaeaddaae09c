/**
 * helper-56: what the types accept that the run time refuses before sending. BatchWriteItem has no
 * conditions, so a batch refuses (InvalidBatchError) `create()`, `put().where()`, `delete().where()`,
 * a table's `delete().where()` and a put of a versioned entity (its put always checks the version):
 * the types refuse them too. A condition-free put or delete, `returning(...)` included (which a
 * batch ignores), still goes in.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { defineEntity, transactWrite, type BatchWriteResult } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';

const { AppTable, User, Order } = appModel(new DynamoDBClient({}));

const Counter = defineEntity({
  table: AppTable,
  name: 'Counter',
  schema: z.object({ id: z.string(), n: z.number() }),
  keys: { primary: { pk: 'C#{id}', sk: 'COUNTER' } },
  version: 'version',
});

const ada = { userId: 'u1', orgId: 'acme', email: 'ada@example.com', name: 'Ada' };
const orderKey = { userId: 'u1', seq: 1, orderId: 'o1' };
const cond = User.Attr('userId').notExists();

test('batchWrite([...]) refuses the builders BatchWriteItem cannot send', () => {
  expectTypeOf(AppTable.batchWrite([User.put(ada), User.put(ada).returning('ALL_OLD'), Order.delete(orderKey).returning('ALL_OLD'), AppTable.delete({ pk: 'a', sk: 'b' })])).resolves.toEqualTypeOf<BatchWriteResult>();
  // @ts-expect-error create() is a put with a condition
  AppTable.batchWrite([User.create(ada)]);
  // @ts-expect-error a put with where() has a condition
  AppTable.batchWrite([User.put(ada).where(cond)]);
  // @ts-expect-error still conditioned after returning()
  AppTable.batchWrite([User.put(ada).where(cond).returning('ALL_OLD')]);
  // @ts-expect-error a delete with where()
  AppTable.batchWrite([Order.delete(orderKey).where(Order.Attr('total').gt(1))]);
  // @ts-expect-error a table's delete with where()
  AppTable.batchWrite([AppTable.delete({ pk: 'a', sk: 'b' }).where(AppTable.Attr('pk').exists())]);
  // @ts-expect-error a versioned entity's put checks its version: a condition
  AppTable.batchWrite([Counter.put({ id: 'c', n: 1 })]);
});

test('the callback form and the streaming writer refuse them too', () => {
  void AppTable.batchWrite((b) => {
    b.put(User.put(ada));
    b.delete(Order.delete(orderKey));
    // @ts-expect-error create() has a condition
    b.put(User.create(ada));
    // @ts-expect-error where()
    b.put(User.put(ada).where(cond));
    // @ts-expect-error where()
    b.delete(Order.delete(orderKey).where(Order.Attr('total').gt(1)));
    // @ts-expect-error a versioned entity
    b.put(Counter, { id: 'c', n: 1 });
  });
  const w = AppTable.batchWriter();
  w.put(User.put(ada)).delete(User.delete({ userId: 'u1' }));
  // @ts-expect-error create() has a condition
  w.put(User.create(ada));
  // @ts-expect-error where()
  w.delete(User.delete({ userId: 'u1' }).where(cond));
  // @ts-expect-error a versioned entity
  w.put(Counter, { id: 'c', n: 1 });
  // @ts-expect-error a versioned entity's put builder
  w.put(Counter.put({ id: 'c', n: 1 }));
});

test('transactions and single writes still take every builder', () => {
  void transactWrite([User.create(ada), User.put(ada).where(cond).returning('ALL_OLD'), Counter.put({ id: 'c', n: 1 }), Order.delete(orderKey).where(Order.Attr('total').gt(1)), AppTable.delete({ pk: 'a', sk: 'b' }).where(AppTable.Attr('pk').exists())]);
  expectTypeOf(User.create(ada).where(cond)).resolves.toMatchTypeOf<{ userId: string }>();
  expectTypeOf(Counter.put({ id: 'c', n: 1, version: 2 })).resolves.toMatchTypeOf<{ version: number }>();
});

test('batchWrite takes a readonly array of writes, as transactWrite and batchGet do', () => {
  const writes: readonly [ReturnType<typeof User.put>, ReturnType<typeof Order.delete>] = [User.put(ada), Order.delete(orderKey)];
  expectTypeOf(AppTable.batchWrite(writes)).resolves.toEqualTypeOf<BatchWriteResult>();
  const frozen = Object.freeze([User.put(ada)]);
  void AppTable.batchWrite(frozen);
  void transactWrite(frozen);
});
