import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expectTypeOf, test } from 'vitest';
import { defineTable } from '../../src/index.js';
import type { Condition, TableKeyCondition, TableKeyOperand } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';

const client = new DynamoDBClient({});
const { AppTable, User, Order } = appModel(client);
const { Key, Attr } = AppTable;

// S, N and B keys, a multi-attribute global index, a local index and a global one without sort key.
const Mixed = defineTable({
  name: 'Mixed',
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'n', type: 'N' },
  indexes: {
    multi: { type: 'global', partitionKey: [{ name: 'tenant', type: 'S' }, { name: 'region', type: 'N' }], sortKey: { name: 'bin', type: 'B' } },
    local: { type: 'local', sortKey: { name: 'lsk', type: 'S' } },
    flat: { type: 'global', partitionKey: { name: 'fpk', type: 'N' } },
  },
});

test('Key(name) records the attribute and types its values by the key type', () => {
  expectTypeOf(Key('pk')).toEqualTypeOf<TableKeyOperand<string, 'pk'>>();
  expectTypeOf(Key('pk').eq('x')).toEqualTypeOf<TableKeyCondition<'pk', 'pk'>>();
  expectTypeOf(Key('sk').beginsWith('x')).toEqualTypeOf<TableKeyCondition<'sk'>>();
  expectTypeOf(Key('pk').eq('x').and(Key('sk').gt('a'))).toEqualTypeOf<TableKeyCondition<'pk' | 'sk', 'pk'>>();
  expectTypeOf(Mixed.Key('n')).toEqualTypeOf<TableKeyOperand<number | bigint, 'n'>>();
  expectTypeOf(Mixed.Key('bin')).toEqualTypeOf<TableKeyOperand<Uint8Array, 'bin'>>();
  Mixed.Key('n').between(1, 2n);
  Mixed.Key('bin').beginsWith(new Uint8Array([1]));
  // @ts-expect-error pk is an S key
  Key('pk').eq(5);
  // @ts-expect-error n is an N key
  Mixed.Key('n').eq('1');
  // @ts-expect-error begins_with takes no number key
  Mixed.Key('n').beginsWith('1');
  // @ts-expect-error bin is a B key
  Mixed.Key('bin').eq('x');
  // @ts-expect-error a key condition compares with values, not attributes
  Key('sk').gt(Key('pk'));
  // a key condition is still a Condition: a filter or a write condition takes it
  expectTypeOf(Key('gsi1pk').eq('x')).toMatchTypeOf<Condition>();
  AppTable.query(Key('pk').eq('x')).filter(Key('gsi1pk').eq('y').and(Attr('total').gt(1)));
  User.check({ userId: 'u1' }, Key('gsi1pk').eq('ORG#acme'));
});

test('query(cond) takes the primary key attributes only, with eq on the partition key', () => {
  AppTable.query(Key('pk').eq('USER#u1'));
  AppTable.query(Key('pk').eq('USER#u1').and(Key('sk').beginsWith('ORDER#')));
  AppTable.query(Key('sk').between('A', 'B').and(Key('pk').eq('USER#u1')));
  AppTable.query(User.partition('primary', { userId: 'u1' }));
  AppTable.query(User.partition('primary', { userId: 'u1' }).and(Key('sk').beginsWith('ORDER#')));
  // @ts-expect-error a global index's key on the primary index
  AppTable.query(Key('gsi1pk').eq('x'));
  // @ts-expect-error a local index's sort key on the primary index
  AppTable.query(Key('pk').eq('x').and(Key('lsi1sk').eq('y')));
  // @ts-expect-error no eq on the partition key
  AppTable.query(Key('sk').eq('x'));
  // @ts-expect-error the partition key takes only eq
  AppTable.query(Key('pk').beginsWith('x'));
  // @ts-expect-error a non-key condition is not a key condition
  AppTable.query(Attr('x').eq(1));
  // @ts-expect-error key conditions have no OR
  AppTable.query(Key('pk').eq('a').or(Key('pk').eq('b')));
  // @ts-expect-error a key condition joined with a filter condition is no key condition
  AppTable.query(Key('pk').eq('a').and(Attr('total').gt(1)));
  const plain: Condition = Key('pk').eq('a');
  // @ts-expect-error a variable typed Condition loses what the key condition names
  AppTable.query(plain);
});

test("query(index, cond) takes that index's key attributes only", () => {
  AppTable.query('gsi1', Key('gsi1pk').eq('ORG#acme'));
  AppTable.query('gsi1', Key('gsi1pk').eq('ORG#acme').and(Key('gsi1sk').beginsWith('USER#A')));
  AppTable.query('gsi1', User.partition('gsi1', { orgId: 'acme' }));
  AppTable.query('gsi1', User.partition('gsi1', { orgId: 'acme' }).and(Key('gsi1sk').beginsWith('USER#')));
  // a local index's partition is the table's: either query takes it
  AppTable.query('lsi1', Order.partition('lsi1', { userId: 'u1' }));
  AppTable.query('lsi1', User.partition('primary', { userId: 'u1' }));
  AppTable.query(Order.partition('lsi1', { userId: 'u1' }));
  // @ts-expect-error the partition of the primary index, queried on gsi1 (the run time refuses it too)
  AppTable.query('gsi1', User.partition('primary', { userId: 'u1' }));
  // @ts-expect-error the partition of gsi1, queried on the table
  AppTable.query(User.partition('gsi1', { orgId: 'acme' }));
  // @ts-expect-error the partition of gsi1, queried on a local index
  AppTable.query('lsi1', User.partition('gsi1', { orgId: 'acme' }).and(Key('lsi1sk').beginsWith('PLACED#')));
  // a local index's partition key is the table's
  AppTable.query('lsi1', Key('pk').eq('USER#u1').and(Key('lsi1sk').beginsWith('PLACED#')));
  AppTable.query('primary', Key('pk').eq('USER#u1'));
  // @ts-expect-error the table's partition key on a global index
  AppTable.query('gsi1', Key('pk').eq('x'));
  // @ts-expect-error the table's sort key on a local index
  AppTable.query('lsi1', Key('pk').eq('x').and(Key('sk').eq('y')));
  // @ts-expect-error a local index needs eq on the table's partition key
  AppTable.query('lsi1', Key('lsi1sk').eq('x'));
  // @ts-expect-error gsi1 needs eq on gsi1pk
  AppTable.query('gsi1', Key('gsi1sk').eq('x'));
  // @ts-expect-error not an index of the table
  AppTable.query('gsi9', Key('pk').eq('x'));
});

test('multi-attribute global keys need eq on every partition key attribute', () => {
  Mixed.query('multi', Mixed.Key('tenant').eq('t').and(Mixed.Key('region').eq(1)));
  Mixed.query('multi', Mixed.Key('tenant').eq('t').and(Mixed.Key('region').eq(1)).and(Mixed.Key('bin').beginsWith(new Uint8Array([1]))));
  Mixed.query('flat', Mixed.Key('fpk').eq(3));
  Mixed.query('local', Mixed.Key('pk').eq('p').and(Mixed.Key('lsk').gte('a')));
  // @ts-expect-error region needs eq too
  Mixed.query('multi', Mixed.Key('tenant').eq('t'));
  // @ts-expect-error region compared with gt: a partition key attribute takes only eq
  Mixed.query('multi', Mixed.Key('tenant').eq('t').and(Mixed.Key('region').gt(1)));
  // @ts-expect-error flat has no sort key
  Mixed.query('flat', Mixed.Key('fpk').eq(3).and(Mixed.Key('n').eq(1)));
});
