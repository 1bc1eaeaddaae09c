import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expectTypeOf, test } from 'vitest';
import type { EntityItem, InvalidItemHandler, ItemParseError, QueryBuilder, ScanBuilder, TablePage } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';

const { AppTable, User } = appModel(new DynamoDBClient({}));
type User = EntityItem<typeof User>;

test("onInvalidItem's handler gets an ItemParseError and returns nothing", () => {
  expectTypeOf<InvalidItemHandler>().toEqualTypeOf<(error: ItemParseError) => void>();
  User.scan().onInvalidItem((e) => {
    expectTypeOf(e).toEqualTypeOf<ItemParseError>();
    expectTypeOf(e.raw).toEqualTypeOf<Record<string, unknown>>();
    expectTypeOf(e.entity).toEqualTypeOf<string>();
  });
  // A handler may return anything (its value is ignored), as any `() => void` callback.
  User.scan().onInvalidItem((e) => e.issues.length);
  // @ts-expect-error the handler is required
  User.scan().onInvalidItem();
  // @ts-expect-error it takes a function
  User.scan().onInvalidItem('warn');
  // @ts-expect-error the parameter is an ItemParseError, not a string
  User.scan().onInvalidItem((e: string) => e);
});

test('the builder type is unchanged after the call', () => {
  const query = User.query('gsi1', User.Key('orgId').eq('acme'));
  expectTypeOf(query.onInvalidItem(() => {})).toEqualTypeOf(query);
  expectTypeOf(query.project('name').onInvalidItem(() => {})).toEqualTypeOf<QueryBuilder<Pick<User, 'name'>>>();
  expectTypeOf(User.scan().onInvalidItem(() => {}).limit(3)).toEqualTypeOf<ScanBuilder<User>>();
  const collection = AppTable.query(AppTable.Key('pk').eq('USER#u1')).entities(User);
  expectTypeOf(collection.onInvalidItem(() => {})).toEqualTypeOf(collection);
  expectTypeOf(collection.onInvalidItem(() => {}).send()).resolves.toMatchTypeOf<TablePage<unknown>>();
});
