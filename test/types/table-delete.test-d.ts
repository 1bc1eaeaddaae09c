import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DeleteCommandInput } from '@aws-sdk/lib-dynamodb';
import { expectTypeOf, test } from 'vitest';
import { defineTable, transactWrite, type TableDeleteBuilder, type TablePrimaryKey } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';

const client = new DynamoDBClient({});
const { AppTable, User } = appModel(client);
const NumTable = defineTable({ name: 'Nums', client, partitionKey: { name: 'id', type: 'N' } });
const BinTable = defineTable({ name: 'Bins', client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'bin', type: 'B' } });

test("the key is the table's physical primary key, typed by the table config", () => {
  expectTypeOf<TablePrimaryKey<(typeof AppTable)['config']>>().toEqualTypeOf<{ readonly pk: string; readonly sk: string }>();
  expectTypeOf<TablePrimaryKey<(typeof NumTable)['config']>>().toEqualTypeOf<{ readonly id: number | bigint }>();
  expectTypeOf<TablePrimaryKey<(typeof BinTable)['config']>>().toEqualTypeOf<{ readonly pk: string; readonly bin: Uint8Array }>();

  AppTable.delete({ pk: 'USER#u1', sk: 'PROFILE' });
  NumTable.delete({ id: 1 });
  NumTable.delete({ id: 1n });
  BinTable.delete({ pk: 'a', bin: new Uint8Array([1]) });

  // @ts-expect-error the sort key is missing
  AppTable.delete({ pk: 'USER#u1' });
  // @ts-expect-error an index key is no attribute of the table's primary key
  AppTable.delete({ pk: 'USER#u1', sk: 'PROFILE', gsi1pk: 'ORG#acme' });
  // @ts-expect-error an S key takes a string
  AppTable.delete({ pk: 'USER#u1', sk: 1 });
  // @ts-expect-error model key composites are an entity's delete, not the table's
  AppTable.delete({ userId: 'u1' });
  // @ts-expect-error an N key takes a number or bigint
  NumTable.delete({ id: '1' });
  // @ts-expect-error a table without a sort key takes no sk
  NumTable.delete({ id: 1, sk: 'x' });
  // @ts-expect-error a B key takes a Uint8Array
  BinTable.delete({ pk: 'a', bin: 'AQ==' });
});

test('the builder: where, returning, build, send', () => {
  const del = AppTable.delete({ pk: 'USER#u1', sk: 'NOTE#1' });
  expectTypeOf(del).toEqualTypeOf<TableDeleteBuilder>();
  expectTypeOf(del.where(AppTable.Attr('_et').eq('Note'))).toEqualTypeOf<TableDeleteBuilder<void, 'where'>>();
  expectTypeOf(del.build()).toEqualTypeOf<DeleteCommandInput>();
  expectTypeOf(del.send({ abortSignal: AbortSignal.timeout(1_000) })).resolves.toEqualTypeOf<void>();
  expectTypeOf(del.returning('ALL_OLD')).resolves.toEqualTypeOf<Record<string, unknown> | undefined>();
  expectTypeOf(del.returning('ALL_OLD').returnItemOnConditionFailure().send()).resolves.toEqualTypeOf<Record<string, unknown> | undefined>();
  expectTypeOf(del.returning('ALL_OLD').returning('NONE')).resolves.toEqualTypeOf<void>();

  // @ts-expect-error DeleteItem returns only NONE or ALL_OLD
  del.returning('ALL_NEW');
  // @ts-expect-error a condition, not a string
  del.where('attribute_exists(pk)');
});

test('batches and transactions take it', () => {
  const del = AppTable.delete({ pk: 'USER#u1', sk: 'NOTE#1' });
  AppTable.batchWrite([User.put({ userId: 'u1', orgId: 'acme', email: 'a@example.com', name: 'A' }), del, del.returning('ALL_OLD')]);
  AppTable.batchWrite((batch) => {
    batch.delete(del);
    batch.delete(User, { userId: 'u1' });
  });
  AppTable.batchWriter().delete(del).delete(User.delete({ userId: 'u1' }));
  expectTypeOf(transactWrite([User.delete({ userId: 'u2' }), del.where(AppTable.Attr('_et').eq('Note'))])).resolves.toHaveProperty('items').toEqualTypeOf<readonly [undefined, undefined]>();
});
