import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type {
  DeleteCommandInput,
  GetCommandInput,
  PutCommandInput,
  TransactWriteCommandInput,
  UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { expectTypeOf, test } from 'vitest';
import { buildTransactWrite, type EntityItem, type UpdatedAttributes, type UpdateRef } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';

const { User, Order } = appModel(new DynamoDBClient({}));
type User = EntityItem<typeof User>;
type Order = EntityItem<typeof Order>;

const k = { userId: 'u1' };
const ada = { userId: 'u1', orgId: 'acme', email: 'ada@example.com', name: 'Ada' };
const order = {
  orderId: 'o1',
  userId: 'u1',
  seq: 1,
  total: 10,
  placedAt: new Date(),
  lines: [{ sku: 's', qty: 1 }],
};

test('get resolves to the item or undefined', () => {
  expectTypeOf(User.get(k)).resolves.toEqualTypeOf<User | undefined>();
  expectTypeOf(User.get(k).consistent()).resolves.toEqualTypeOf<User | undefined>();
  expectTypeOf(Order.get({ userId: 'u1', seq: 1, orderId: 'o1' })).resolves.toEqualTypeOf<Order | undefined>();
  expectTypeOf(User.get(k).build()).toEqualTypeOf<GetCommandInput>();
});

test('get().project() narrows the result to a Pick', () => {
  expectTypeOf(User.get(k).project('name', 'email')).resolves.toEqualTypeOf<Pick<User, 'name' | 'email'> | undefined>();
  expectTypeOf(User.get(k).consistent().project('age')).resolves.toEqualTypeOf<Pick<User, 'age'> | undefined>();
  expectTypeOf(User.get(k).project('createdAt')).resolves.toEqualTypeOf<Pick<User, 'createdAt'> | undefined>();
  const projected = User.get(k).project('name', 'email');
  type P = NonNullable<Awaited<typeof projected>>;
  expectTypeOf<P['name']>().toEqualTypeOf<string>();
  expectTypeOf<P>().not.toHaveProperty('age');
  // @ts-expect-error not an attribute
  User.get(k).project('nope');
  // a document path projects part of an attribute (test/types/nested-projection.test-d.ts)
  expectTypeOf(User.get(k).project('address.city')).resolves.toEqualTypeOf<{ address?: { city: string } } | undefined>();
});

test('get takes exactly the primary-key composites', () => {
  // @ts-expect-error usrId is a typo of userId
  User.get({ usrId: 'u1' });
  // @ts-expect-error the key is required
  User.get({});
  // @ts-expect-error userId is a string
  User.get({ userId: 1 });
  // @ts-expect-error orgId is a GSI composite, not a primary-key one
  User.get({ orgId: 'acme' });
  // @ts-expect-error Order needs seq and orderId as well
  Order.get({ userId: 'u1' });
  // @ts-expect-error seq is a number
  Order.get({ userId: 'u1', seq: '1', orderId: 'o1' });
});

test('put and create resolve to the stored item', () => {
  expectTypeOf(User.put(ada)).resolves.toEqualTypeOf<User>();
  expectTypeOf(User.create(ada)).resolves.toEqualTypeOf<User>();
  expectTypeOf(Order.put(order)).resolves.toEqualTypeOf<Order>();
  expectTypeOf(User.put(ada).where(User.Attr('userId').notExists())).resolves.toEqualTypeOf<User>();
  expectTypeOf(User.put(ada).returnItemOnConditionFailure()).resolves.toEqualTypeOf<User>();
  expectTypeOf(User.put(ada).build()).toEqualTypeOf<PutCommandInput>();
  User.put({ ...ada, age: 30, tags: new Set(['vip']), address: { city: 'Paris' }, birthday: new Date(), status: 'active' });
});

test('put rejects missing required attributes and wrong types', () => {
  // @ts-expect-error email is required
  User.put({ userId: 'u1', orgId: 'acme', name: 'Ada' });
  // @ts-expect-error age is a number
  User.put({ ...ada, age: '30' });
  // @ts-expect-error tags is a Set, not an array
  User.create({ ...ada, tags: ['vip'] });
  // @ts-expect-error birthday is a Date
  User.put({ ...ada, birthday: '2000-01-01' });
  // @ts-expect-error not a member of the enum
  User.put({ ...ada, status: 'gone' });
  // @ts-expect-error address.city is required inside address
  User.put({ ...ada, address: { zip: '75001' } });
  // @ts-expect-error placedAt is required on Order
  Order.create({ orderId: 'o1', userId: 'u1', seq: 1, total: 1, lines: [] });
  // @ts-expect-error where takes a condition
  User.put(ada).where(User.Attr('age'));
});

test('update.set takes schema paths with values of their type', () => {
  User.update(k).set({ name: 'x', 'address.city': 'y' });
  User.update(k).set({ 'items[0].qty': 3, 'history[1]': 'login', status: 'disabled' });
  // undefined removes an optional attribute
  User.update(k).set({ age: undefined });
  User.update(k).setIfNotExists({ age: 0, tags: new Set(['new']) });
  // @ts-expect-error age is a number
  User.update(k).set({ age: 'x' });
  // @ts-expect-error not a path of the schema
  User.update(k).set({ nope: 1 });
  // @ts-expect-error nested typo
  User.update(k).set({ 'address.cty': 'Paris' });
  // @ts-expect-error setIfNotExists follows the same rules
  User.update(k).setIfNotExists({ age: 'x' });
});

test('update value maps check list-element paths, alone, beside named paths and in a values variable', () => {
  // The methods try a map without element paths first; an element path must reach the full map.
  User.update(k).set({ 'items[0]': { sku: 's', qty: 1 } });
  User.update(k).add({ 'items[2].qty': 1, score: 1 });
  User.update(k).setIfNotExists({ 'items[0].sku': 's' });
  // @ts-expect-error qty is a number, alone
  User.update(k).set({ 'items[0].qty': 'x' });
  // @ts-expect-error and beside a named path
  User.update(k).set({ name: 'x', 'items[0].qty': 'x' });
  // @ts-expect-error add() needs a number or set: sku is a string
  User.update(k).add({ 'items[0].sku': 1 });
  // @ts-expect-error not an attribute of the element
  User.update(k).set({ 'items[0].price': 1 });
  const good = { name: 'x', 'items[0].qty': 3 };
  User.update(k).set(good);
  const bad = { name: 'x', 'items[0].qty': 'three' };
  // @ts-expect-error a variable gets no excess-property check: the element path's value is checked all the same
  User.update(k).set(bad);
  const badAdd = { 'items[0].sku': 1 };
  // @ts-expect-error the same for add
  User.update(k).add(badAdd);
});

test('update cannot change primary-key composites or the timestamps dynakit keeps', () => {
  // @ts-expect-error userId composes the primary key
  User.update(k).set({ userId: 'u2' });
  // @ts-expect-error the same for every value map
  User.update(k).setIfNotExists({ userId: 'u2' });
  // @ts-expect-error timestamps are kept by dynakit
  User.update(k).set({ createdAt: '2020-01-01' });
  // @ts-expect-error updatedAt too
  User.update(k).set({ updatedAt: '2020-01-01' });
  // @ts-expect-error nor removed
  User.update(k).remove('userId');
  // @ts-expect-error nor removed
  User.update(k).remove('createdAt');
  // orgId composes only a GSI key: it may change (dynakit rewrites that key)
  User.update(k).set({ orgId: 'o2' });
  // Order: every primary-key composite is fixed, other attributes are not
  const ok = { userId: 'u1', seq: 1, orderId: 'o1' };
  // @ts-expect-error seq composes Order's sort key
  Order.update(ok).add({ seq: 1 });
  Order.update(ok).add({ total: 1 });
  Order.update(ok).set({ 'lines[0].qty': 2 });
});

test('update.set accepts refs to attributes of the same type, and arithmetic', () => {
  expectTypeOf(User.ref('listPrice')).toEqualTypeOf<UpdateRef<number>>();
  User.update(k).set({ price: User.ref('listPrice') });
  User.update(k).set({ price: User.ref('listPrice').minus(1) });
  User.update(k).set({ age: User.ref('age').plus(User.ref('score')) });
  User.update(k).set({ age: User.ref('age').ifNotExists(0) });
  User.update(k).set({ 'address.city': User.ref('name') });
  // @ts-expect-error name is a string, price a number
  User.update(k).set({ price: User.ref('name') });
  // @ts-expect-error arithmetic only on numbers
  User.update(k).set({ name: User.ref('name').plus(1) });
  // @ts-expect-error the fallback follows the attribute type
  User.update(k).set({ age: User.ref('age').ifNotExists('zero') });
  // @ts-expect-error ref paths are checked too
  User.ref('nope');
});

test('update.add / delete / append / prepend / remove follow the attribute kinds', () => {
  User.update(k).add({ age: 1 });
  User.update(k).add({ tags: new Set(['vip']) });
  // @ts-expect-error ADD on a string attribute
  User.update(k).add({ name: 'x' });
  // @ts-expect-error ADD on a set takes a set of its element type
  User.update(k).add({ tags: new Set([1]) });

  User.update(k).delete({ tags: new Set(['a']) });
  // @ts-expect-error DELETE is for sets only
  User.update(k).delete({ age: 1 });

  User.update(k).append({ history: ['a'] });
  User.update(k).prepend({ items: [{ sku: 's', qty: 1 }] });
  // @ts-expect-error history holds strings
  User.update(k).append({ history: [1] });
  // @ts-expect-error append is for lists, not sets
  User.update(k).append({ tags: ['a'] });

  User.update(k).remove('address.zip');
  User.update(k).remove('age', 'items[0]');
  // @ts-expect-error not a path of the schema
  User.update(k).remove('nope');
});

test('update resolves according to returning()', async () => {
  expectTypeOf(User.update(k).set({ name: 'x' })).resolves.toEqualTypeOf<void>();
  expectTypeOf(User.update(k).set({ name: 'x' }).returning('NONE')).resolves.toEqualTypeOf<void>();
  expectTypeOf(User.update(k).set({ name: 'x' }).returning('ALL_NEW')).resolves.toEqualTypeOf<User>();
  expectTypeOf(User.update(k).set({ name: 'x' }).returning('ALL_OLD')).resolves.toEqualTypeOf<User | undefined>();
  expectTypeOf(User.update(k).set({ name: 'x' }).returning('UPDATED_NEW')).resolves.toEqualTypeOf<UpdatedAttributes<User>>();
  expectTypeOf(User.update(k).set({ name: 'x' }).returning('UPDATED_OLD')).resolves.toEqualTypeOf<UpdatedAttributes<User>>();
  // DynamoDB returns changed fragments: a nested map's other keys may be missing
  const part = await User.update(k).set({ 'address.city': 'x' }).returning('UPDATED_NEW');
  expectTypeOf(part.address).toEqualTypeOf<{ city?: string; zip?: string } | undefined>();
  expectTypeOf(part.age).toEqualTypeOf<number | undefined>();
  // returning() keeps its result type through later builder calls
  expectTypeOf(User.update(k).returning('ALL_NEW').add({ age: 1 }).where(User.Attr('age').gt(10)).upsert())
    .resolves.toEqualTypeOf<User>();
  expectTypeOf(User.update(k).set({ name: 'x' }).build()).toEqualTypeOf<UpdateCommandInput>();
  // @ts-expect-error not a ReturnValues mode
  User.update(k).returning('ALL');
});

test('update and delete take exactly the primary-key composites', () => {
  // @ts-expect-error usrId is a typo of userId
  User.update({ usrId: 'u1' });
  // @ts-expect-error the key is required
  User.delete({});
  // @ts-expect-error Order needs seq and orderId as well
  Order.delete({ userId: 'u1' });
});

test('delete resolves to void, or the old item with returning("ALL_OLD")', () => {
  expectTypeOf(User.delete(k)).resolves.toEqualTypeOf<void>();
  expectTypeOf(User.delete(k).where(User.Attr('age').lt(100))).resolves.toEqualTypeOf<void>();
  expectTypeOf(User.delete(k).returning('ALL_OLD')).resolves.toEqualTypeOf<User | undefined>();
  expectTypeOf(User.delete(k).returning('ALL_OLD').where(User.Attr('age').lt(100))).resolves.toEqualTypeOf<User | undefined>();
  expectTypeOf(User.delete(k).returning('NONE')).resolves.toEqualTypeOf<void>();
  expectTypeOf(User.delete(k).build()).toEqualTypeOf<DeleteCommandInput>();
  // @ts-expect-error DeleteItem has only ALL_OLD / NONE
  User.delete(k).returning('ALL_NEW');
});

test('check takes a key and a condition and resolves to void', () => {
  expectTypeOf(User.check({ userId: 'u2' }, User.Attr('age').gte(18))).resolves.toEqualTypeOf<void>();
  // @ts-expect-error the condition is required
  User.check({ userId: 'u2' });
  // @ts-expect-error the key is checked like get's
  User.check({ usrId: 'u2' }, User.Attr('age').gte(18));
});

test('send() takes per-call options and resolves like awaiting the builder', () => {
  const abortSignal = new AbortController().signal;
  expectTypeOf(User.get(k).send({ abortSignal })).resolves.toEqualTypeOf<User | undefined>();
  expectTypeOf(User.put(ada).send({ abortSignal })).resolves.toEqualTypeOf<User>();
  expectTypeOf(User.query('gsi1', User.Key('orgId').eq('acme')).all({ abortSignal })).resolves.toEqualTypeOf<User[]>();
  expectTypeOf(User.scan().count({ abortSignal })).resolves.toEqualTypeOf<number>();
  // @ts-expect-error an abortSignal is an AbortSignal
  void User.get(k).send({ abortSignal: 1000 });
  // @ts-expect-error no such option
  void User.delete(k).send({ timeout: 1000 });
});

test('buildTransactWrite returns the command input only (what transactWrite keeps for its errors is internal)', () => {
  expectTypeOf(buildTransactWrite([User.delete(k)])).toEqualTypeOf<{ input: TransactWriteCommandInput }>();
});
