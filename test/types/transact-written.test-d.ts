import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expectTypeOf, test } from 'vitest';
import {
  DynakitError,
  IdempotencyTokenMismatchError,
  transactWrite,
  type EntityItem,
  type SentAction,
  type TransactWriteAction,
  type TransactWriteResult,
  type UnknownOutcomeAction,
  type WrittenItems,
} from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';

const { AppTable, User, Order } = appModel(new DynamoDBClient({}));
type User = EntityItem<typeof User>;
type Order = EntityItem<typeof Order>;
const ada = { userId: 'u1', orgId: 'acme', email: 'ada@example.com', name: 'Ada' };
const orderKey = { userId: 'u1', seq: 1, orderId: 'o1' };

test('transactWrite resolves to a TransactWriteResult; code that ignores it compiles as before', async () => {
  await transactWrite([User.put(ada)]);
  const sendAll = async (actions: TransactWriteAction[]): Promise<void> => {
    await transactWrite(actions);
  };
  void sendAll;
  expectTypeOf(transactWrite([User.put(ada)])).resolves.toHaveProperty('items').toEqualTypeOf<readonly [User]>();
});

test('items is a tuple typed per action for a list written out', async () => {
  const { items } = await transactWrite([
    User.put(ada),
    Order.update(orderKey).add({ total: 1 }),
    User.delete({ userId: 'u2' }),
    User.check({ userId: 'u3' }, User.Attr('age').gte(18)),
    Order.create({ ...orderKey, seq: 2, total: 1, placedAt: new Date(), lines: [] }).where(Order.Attr('total').gt(0)),
  ]);
  expectTypeOf(items).toEqualTypeOf<readonly [User, Partial<Order>, undefined, undefined, Order]>();
  const [user, , , , order] = items;
  expectTypeOf(user.createdAt).toEqualTypeOf<string>();
  expectTypeOf(order.placedAt).toEqualTypeOf<Date>();
  // @ts-expect-error an update's entry is only part of the item
  expectTypeOf(items[1].total).toEqualTypeOf<number>();
});

test('items of an array built at run time are untyped entries: itemOf types them', async () => {
  const actions: TransactWriteAction[] = [User.put(ada)];
  const { items } = await transactWrite(actions);
  expectTypeOf(items).toEqualTypeOf<readonly (Record<string, unknown> | undefined)[]>();
  expectTypeOf<WrittenItems<TransactWriteAction[]>>().toEqualTypeOf<readonly (Record<string, unknown> | undefined)[]>();
});

test("itemOf types a put's or create's item as the entity's item, whatever the builder's options", async () => {
  const put = User.put(ada).where(User.Attr('age').lt(100));
  const create = Order.create({ ...orderKey, total: 1, placedAt: new Date(), lines: [] });
  const old = User.put({ ...ada, userId: 'u2' }).returning('ALL_OLD'); // a transaction returns no old item
  const written = await transactWrite([put, create, old]);
  expectTypeOf(written.itemOf(put)).toEqualTypeOf<User>();
  expectTypeOf(written.itemOf(create)).toEqualTypeOf<Order>();
  expectTypeOf(written.itemOf(old)).toEqualTypeOf<User>();
  expectTypeOf(written.itemOf(put).updatedAt).toEqualTypeOf<string>();
});

test("itemOf types an update's entry as part of the entity's item; a delete or a check has none", async () => {
  const bump = User.update({ userId: 'u1' }).add({ age: 1 });
  const returning = Order.update(orderKey).set({ total: 2 }).returning('ALL_NEW');
  const del = Order.delete(orderKey);
  const check = User.check({ userId: 'u3' }, User.Attr('age').gte(18));
  const gone = AppTable.delete({ pk: 'X', sk: 'Y' });
  const written = await transactWrite([bump, returning, del, check, gone]);
  expectTypeOf(written.itemOf(bump)).toEqualTypeOf<Partial<User>>();
  expectTypeOf(written.itemOf(returning)).toEqualTypeOf<Partial<Order>>();
  // @ts-expect-error a delete writes no item
  written.itemOf(del);
  // @ts-expect-error a check writes nothing
  written.itemOf(check);
  // @ts-expect-error a table's delete by physical key writes no item
  written.itemOf(gone);
  // @ts-expect-error a get is no action
  written.itemOf(User.get({ userId: 'u1' }));
});

test('IdempotencyTokenMismatchError carries the token, the actions and the cause', () => {
  expectTypeOf<IdempotencyTokenMismatchError>().toExtend<DynakitError>();
  expectTypeOf<IdempotencyTokenMismatchError['idempotencyToken']>().toEqualTypeOf<string>();
  expectTypeOf<IdempotencyTokenMismatchError['actions']>().toEqualTypeOf<readonly SentAction[]>();
  expectTypeOf<IdempotencyTokenMismatchError['cause']>().toEqualTypeOf<unknown>();
  expectTypeOf<UnknownOutcomeAction>().toEqualTypeOf<SentAction>();
  const e = new IdempotencyTokenMismatchError('t', [], new Error('x'));
  // @ts-expect-error the list of actions is read-only
  e.actions.push({ index: 0, operation: 'put', entity: 'User', table: 'App', key: {} });
  expectTypeOf(User.keyOf(e.actions[0]!)).toEqualTypeOf<{ userId: string } | undefined>();
});
