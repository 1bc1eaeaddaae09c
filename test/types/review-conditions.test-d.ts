import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { defineEntity, type Condition } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';

const { AppTable, User } = appModel(new DynamoDBClient({}));
const Blob = defineEntity({
  table: AppTable,
  name: 'Blob',
  schema: z.object({ id: z.string(), bin: z.instanceof(Uint8Array), maybe: z.union([z.string(), z.instanceof(Uint8Array)]).optional(), n: z.number() }),
  keys: { primary: { pk: 'BLOB#{id}', sk: 'BLOB' } },
});

test('beginsWith takes a binary prefix where the attribute can hold binary (DynamoDB allows it)', () => {
  expectTypeOf(Blob.Attr('bin').beginsWith(new Uint8Array([1]))).toEqualTypeOf<Condition>();
  expectTypeOf(Blob.Attr('maybe').beginsWith(new Uint8Array([1]))).toEqualTypeOf<Condition>();
  expectTypeOf(Blob.Attr('maybe').beginsWith('a')).toEqualTypeOf<Condition>();
  expectTypeOf(AppTable.Attr('bin').beginsWith(new Uint8Array([1]))).toEqualTypeOf<Condition>();
  // @ts-expect-error a binary attribute has no string prefix
  Blob.Attr('bin').beginsWith('a');
  // @ts-expect-error a string attribute has no binary prefix
  User.Attr('name').beginsWith(new Uint8Array([1]));
  // @ts-expect-error numbers have no prefix
  Blob.Attr('n').beginsWith('1');
  // another attribute as the prefix keeps working
  expectTypeOf(User.Attr('name').beginsWith(User.Attr('email'))).toEqualTypeOf<Condition>();
});

const Grid = defineEntity({
  table: AppTable,
  name: 'Grid',
  schema: z.object({ id: z.string(), matrix: z.array(z.array(z.number())), cube: z.array(z.array(z.array(z.string()))).optional(), rows: z.array(z.object({ cells: z.array(z.string()) })) }),
  keys: { primary: { pk: 'GRID#{id}', sk: 'GRID' } },
});

test('a list of lists has index paths (matrix[0][1]), typed by the element; array methods are not paths', () => {
  expectTypeOf(Grid.Attr('matrix[0]').eq([1, 2])).toEqualTypeOf<Condition>();
  expectTypeOf(Grid.Attr('matrix[0][1]').gt(1)).toEqualTypeOf<Condition>();
  expectTypeOf(Grid.Attr('cube[0][1][2]').beginsWith('a')).toEqualTypeOf<Condition>();
  expectTypeOf(Grid.Attr('rows[0].cells[1]').eq('x')).toEqualTypeOf<Condition>();
  // @ts-expect-error a number is not a string element
  Grid.Attr('matrix[0][1]').eq('x');
  // @ts-expect-error `length` is an array method, not a stored attribute
  Grid.Attr('matrix[0].length');
  // @ts-expect-error
  Grid.Attr('rows[0].cells.length');
  expectTypeOf(Grid.update({ id: 'g' }).set({ 'matrix[0][1]': 5 })).not.toBeNever();
  // @ts-expect-error the element is a number
  Grid.update({ id: 'g' }).set({ 'matrix[0][1]': 'x' });
});
