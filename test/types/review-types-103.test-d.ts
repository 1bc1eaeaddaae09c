/**
 * Thirty-third session's type gaps (helper-103): what the run time refuses should not compile, and
 * the compile error should say why.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expectTypeOf, test } from 'vitest';
import type { KeyCondition, PartitionKeyNeedsEq, TableKeyCondition } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';

const { AppTable, User, Order } = appModel(new DynamoDBClient({}));

test('a query condition without eq on a partition-key composite names the composite and the rule', () => {
  type Gsi1Condition = Parameters<typeof User.query<'gsi1'>>[1];
  expectTypeOf<Gsi1Condition>().toEqualTypeOf<KeyCondition<'orgId' | 'name' | 'userId', 'orgId' & PartitionKeyNeedsEq>>();
  type PrimaryCondition = Parameters<typeof AppTable.query<'primary'>>[1];
  expectTypeOf<PrimaryCondition>().toEqualTypeOf<TableKeyCondition<'pk' | 'sk' | '~partition of primary', 'pk' & PartitionKeyNeedsEq>>();
  // @ts-expect-error Type '"orgId" & PartitionKeyNeedsEq' is not assignable to type '"name"'
  User.query('gsi1', User.Key('name').eq('Ada'));
  // @ts-expect-error a range on the partition key is no eq: '"orgId" & PartitionKeyNeedsEq' is not assignable to 'never'
  User.query('gsi1', User.Key('orgId').beginsWith('a'));
  // @ts-expect-error a local index's partition key is the table's (userId)
  Order.query('lsi1', Order.Key('placedAt').gt(new Date(0)));
  // @ts-expect-error Type '"gsi1pk" & PartitionKeyNeedsEq' is not assignable to type '"gsi1sk"'
  AppTable.query('gsi1', AppTable.Key('gsi1sk').eq('x'));
  // @ts-expect-error Type '"pk" & PartitionKeyNeedsEq' is not assignable to type '"sk"'
  AppTable.query(AppTable.Key('sk').eq('x'));
  // The brand takes nothing from conditions that have their eq.
  User.query('gsi1', User.Key('orgId').eq('acme').and(User.Key('name').beginsWith('A')));
  Order.query('lsi1', Order.Key('userId').eq('u1').and(Order.Key('placedAt').gt(new Date(0))));
  AppTable.query('gsi1', AppTable.Key('gsi1pk').eq('ORG#acme').and(AppTable.Key('gsi1sk').beginsWith('USER#')));
  AppTable.query(User.partition('primary', { userId: 'u1' }));
  AppTable.query('lsi1', Order.partition('lsi1', { userId: 'u1' }));
  const annotated: KeyCondition<'orgId', 'orgId'> = User.Key('orgId').eq('acme');
  User.query('gsi1', annotated);
});
