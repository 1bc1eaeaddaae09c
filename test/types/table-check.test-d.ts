import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expectTypeOf, test } from 'vitest';
import { transactWrite, type CheckBuilder, type TableCheckBuilder } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';

const { AppTable, User } = appModel(new DynamoDBClient({}));

test("AppTable.check takes the table's physical primary key and a condition; it is a transaction action", () => {
  const check = AppTable.check({ pk: 'USER#u1', sk: 'PROFILE' }, AppTable.Attr('age').gte(18));
  expectTypeOf(check).toEqualTypeOf<TableCheckBuilder>();
  expectTypeOf(check.returnItemOnConditionFailure()).toEqualTypeOf<TableCheckBuilder>();
  expectTypeOf(check.build()).toEqualTypeOf<ReturnType<CheckBuilder['build']>>();
  expectTypeOf(check.send()).toEqualTypeOf<Promise<void>>();
  void transactWrite([check, User.delete({ userId: 'u2' })]);

  // @ts-expect-error the sort key is missing
  AppTable.check({ pk: 'USER#u1' }, AppTable.Attr('age').gte(18));
  // @ts-expect-error model key composites are an entity's check, not the table's
  AppTable.check({ userId: 'u1' }, AppTable.Attr('age').gte(18));
  // @ts-expect-error a condition is required
  AppTable.check({ pk: 'USER#u1', sk: 'PROFILE' });
});
