import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expectTypeOf, test } from 'vitest';
import {
  BatchWriteError,
  BatchWriter,
  EntityBatchGet,
  TransactionCanceledError,
  transactGet,
  transactWrite,
  type BatchCollector,
  type BatchProgress,
  type BatchWriteBuilder,
  type BatchWriteInput,
  type BatchWriteResult,
  type CancellationReason,
  type CancellationCode,
  type EntityItem,
  type UnprocessedWrite,
} from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';

const { AppTable, User, Order } = appModel(new DynamoDBClient({}));
type User = EntityItem<typeof User>;
type Order = EntityItem<typeof Order>;

const ada = { userId: 'u1', orgId: 'acme', email: 'ada@example.com', name: 'Ada' };
const order = { orderId: 'o1', userId: 'u1', seq: 1, total: 10, placedAt: new Date(), lines: [{ sku: 's', qty: 1 }] };
const orderKey = { userId: 'u1', seq: 1, orderId: 'o1' };

test('batchWrite takes put and delete builders (array) or a callback, and resolves to a result', () => {
  expectTypeOf(AppTable.batchWrite([User.put(ada), Order.delete(orderKey)])).resolves.toEqualTypeOf<BatchWriteResult>();
  expectTypeOf(AppTable.batchWrite((b) => {
    expectTypeOf(b).toEqualTypeOf<BatchCollector>();
    b.put(User, ada);
    b.put(Order.put(order));
    b.delete(Order, orderKey);
    b.delete(User.delete({ userId: 'u1' }));
  })).resolves.toEqualTypeOf<BatchWriteResult>();
  AppTable.batchWrite([], { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100, concurrency: 8, bestEffort: true, onProgress: (p) => expectTypeOf(p).toEqualTypeOf<BatchProgress>() });
  expectTypeOf<BatchWriteResult['skipped']>().toEqualTypeOf<readonly { readonly index: number; readonly error: unknown }[]>();

  // @ts-expect-error an update is not a batch write
  AppTable.batchWrite([User.update({ userId: 'u1' }).set({ name: 'x' })]);
  // @ts-expect-error a get is not a batch write
  AppTable.batchWrite([User.get({ userId: 'u1' })]);
  // @ts-expect-error unknown option
  AppTable.batchWrite([], { retries: 3 });
});

test('batchWrite, the collector and the writer take BatchWriteError.unprocessed to resend', () => {
  const e = new BatchWriteError([], 0, undefined);
  expectTypeOf(AppTable.batchWrite(e.unprocessed)).resolves.toEqualTypeOf<BatchWriteResult>();
  expectTypeOf(AppTable.batchWrite([...e.unprocessed, User.put(ada), AppTable.delete({ pk: 'USER#u1', sk: 'NOTE#1' })])).resolves.toEqualTypeOf<BatchWriteResult>();
  expectTypeOf<BatchWriteInput>().toEqualTypeOf<BatchWriteBuilder | UnprocessedWrite>();
  // An entry read back from JSON, typed as what the error lists.
  const fromQueue = JSON.parse('[]') as UnprocessedWrite[];
  AppTable.batchWrite(fromQueue);
  AppTable.batchWrite([{ type: 'delete', entity: 'User', table: 'App', key: { userId: 'u1' } }]);
  AppTable.batchWrite((b) => {
    expectTypeOf(b.resend(e.unprocessed)).toEqualTypeOf<void>();
  });
  expectTypeOf(AppTable.batchWriter().resend(e.unprocessed).put(User, ada)).toEqualTypeOf<BatchWriter>();

  // @ts-expect-error an entry needs its table
  AppTable.batchWrite([{ type: 'put', entity: 'User', item: ada }]);
  // @ts-expect-error an entry is a put or a delete
  AppTable.batchWrite([{ type: 'update', entity: 'User', table: 'App', key: { userId: 'u1' } }]);
  // @ts-expect-error a put lists its item, not a key
  AppTable.batchWrite([{ type: 'put', entity: 'User', table: 'App', key: { userId: 'u1' } }]);
  // @ts-expect-error still no conditions: create() is not a batch write
  AppTable.batchWrite([...e.unprocessed, User.create(ada)]);
  // @ts-expect-error resend takes listed writes, not builders
  AppTable.batchWriter().resend([User.put(ada)]);
});

test('the callback collector checks items and keys against the entity', () => {
  AppTable.batchWrite((b) => {
    // @ts-expect-error email is required
    b.put(User, { userId: 'u1', orgId: 'acme', name: 'Ada' });
    // @ts-expect-error Order keys need seq and orderId
    b.delete(Order, { userId: 'u1' });
    // @ts-expect-error userId is a string
    b.delete(User, { userId: 1 });
  });
});

test('BatchWriter: put/delete chain, flush/close resolve to void, progress, await using', async () => {
  const w = AppTable.batchWriter({ concurrency: 2 });
  expectTypeOf(w).toEqualTypeOf<BatchWriter>();
  expectTypeOf(w.put(User, ada).delete(Order, orderKey).put(Order.put(order))).toEqualTypeOf<BatchWriter>();
  expectTypeOf(w.flush()).toEqualTypeOf<Promise<void>>();
  expectTypeOf(w.close()).toEqualTypeOf<Promise<void>>();
  expectTypeOf(w.progress).toEqualTypeOf<BatchProgress>();
  expectTypeOf<BatchProgress>().toEqualTypeOf<{ readonly written: number; readonly pending: number; readonly retried: number }>();
  {
    await using scoped = AppTable.batchWriter();
    scoped.put(User, ada);
  }
  // @ts-expect-error a wrong item for the entity
  w.put(User, order);
  // @ts-expect-error a User key for Order
  w.delete(Order, { userId: 'u1' });
  // @ts-expect-error bestEffort belongs to batchWrite([...]), not to the streaming writer
  AppTable.batchWriter({ bestEffort: true });
});

test('BatchWriteError carries the writes not done, discriminated by type', () => {
  const e = new BatchWriteError([], 0, undefined);
  expectTypeOf(e.unprocessed).toEqualTypeOf<readonly UnprocessedWrite[]>();
  expectTypeOf(e.written).toEqualTypeOf<number>();
  for (const w of e.unprocessed) {
    if (w.type === 'put') expectTypeOf(w.item).toEqualTypeOf<Record<string, unknown>>();
    else expectTypeOf(w.key).toEqualTypeOf<Record<string, unknown>>();
    expectTypeOf(w.entity).toEqualTypeOf<string>();
    // @ts-expect-error a put has no key, a delete no item: narrow on `type` first
    void w.item;
  }
});

test('Entity.batchGet: items of the entity, projections narrow', async () => {
  const b = User.batchGet([{ userId: 'u1' }, { userId: 'u2' }]);
  expectTypeOf(b).toEqualTypeOf<EntityBatchGet<User>>();
  expectTypeOf(await b).toEqualTypeOf<(User | undefined)[]>();
  expectTypeOf(await b.consistent()).toEqualTypeOf<(User | undefined)[]>();
  expectTypeOf(await b.project('name', 'email')).toEqualTypeOf<(Pick<User, 'name' | 'email'> | undefined)[]>();
  expectTypeOf(await Order.batchGet([orderKey]).with({ maxAttempts: 3, concurrency: 2 })).toEqualTypeOf<(Order | undefined)[]>();
  // @ts-expect-error not an attribute
  b.project('nope');
  // @ts-expect-error Order keys need all composites
  Order.batchGet([{ userId: 'u1' }]);
});

test('AppTable.batchGet and transactGet: a tuple typed after the gets', async () => {
  const [u, o, p] = await AppTable.batchGet([User.get({ userId: 'u1' }), Order.get(orderKey), User.get({ userId: 'u2' }).project('age')]);
  expectTypeOf(u).toEqualTypeOf<User | undefined>();
  expectTypeOf(o).toEqualTypeOf<Order | undefined>();
  expectTypeOf(p).toEqualTypeOf<Pick<User, 'age'> | undefined>();
  const t = await transactGet([Order.get(orderKey), User.get({ userId: 'u1' }).consistent()]);
  expectTypeOf(t).toEqualTypeOf<[Order | undefined, User | undefined]>();
  // @ts-expect-error a put is not a get
  transactGet([User.put(ada)]);
});

test('transactWrite takes put, update, delete and check builders', async () => {
  const written = await transactWrite(
    [
      User.put(ada).where(User.Attr('userId').notExists()),
      User.create(ada),
      Order.update(orderKey).add({ total: 5 }),
      Order.delete(orderKey).where(Order.Attr('total').gt(1)),
      User.check({ userId: 'u2' }, User.Attr('age').gte(18)),
    ],
    { idempotencyToken: 'req-1', retryConflicts: { maxAttempts: 5, baseDelayMs: 20 } },
  );
  expectTypeOf(written.items).toEqualTypeOf<readonly [User, User, Partial<Order>, undefined, undefined]>();
  transactWrite([User.put(ada)], { retryConflicts: true });
  // @ts-expect-error a get is not a write action
  transactWrite([User.get({ userId: 'u1' })]);
  // @ts-expect-error the token is a string
  transactWrite([User.put(ada)], { idempotencyToken: 1 });
});

test('TransactionCanceledError.reasons', () => {
  const e = new TransactionCanceledError([], undefined);
  expectTypeOf(e.reasons).toEqualTypeOf<readonly CancellationReason[]>();
  expectTypeOf<CancellationReason>().toEqualTypeOf<{
    readonly index: number;
    readonly entity: string;
    readonly key: Record<string, unknown>;
    readonly code: CancellationCode;
    readonly message: string | undefined;
    readonly item: Record<string, unknown> | undefined;
  }>();
});
