/**
 * `UpdatedAttributes` (what `returning('UPDATED_NEW' | 'UPDATED_OLD')` resolves to) takes every
 * fragment DynamoDB returns (docs/updates.md "Return values"): a union attribute's fragment without
 * its tag, a list of changed elements without their positions, a tuple's elements in any position.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, type EntityItem, type UpdatedAttributes } from '../../src/index.js';

const Docs = defineTable({ name: 'Docs', client: new DynamoDBClient({}), partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
const Doc = defineEntity({
  table: Docs,
  name: 'Doc',
  schema: z.object({
    id: z.string(),
    shape: z.discriminatedUnion('kind', [z.object({ kind: z.literal('circle'), r: z.number(), drawn: z.date() }), z.object({ kind: z.literal('square'), side: z.number() })]).optional(),
    lines: z.array(z.object({ sku: z.string(), at: z.date() })),
    pair: z.tuple([z.string(), z.date()]).optional(),
  }),
  keys: { primary: { pk: 'D#{id}', sk: 'D' } },
  version: 'version',
});
type Doc = EntityItem<typeof Doc>;

test('fragments of unions, lists and tuples are assignable to the result type', async () => {
  const part = await Doc.update({ id: 'd1' }).set({ 'shape.drawn': new Date() }).returning('UPDATED_NEW');
  expectTypeOf(part).toEqualTypeOf<UpdatedAttributes<Doc>>();
  expectTypeOf({ shape: { drawn: new Date() } }).toExtend<UpdatedAttributes<Doc>>();
  expectTypeOf({ lines: [{ at: new Date() }] }).toExtend<UpdatedAttributes<Doc>>();
  expectTypeOf({ pair: [new Date()] }).toExtend<UpdatedAttributes<Doc>>();
  expectTypeOf(part.version).toEqualTypeOf<number | undefined>();
  // @ts-expect-error: a fragment keeps the schema's types (r is a number)
  expectTypeOf({ shape: { r: 'big' } }).toExtend<UpdatedAttributes<Doc>>();
});
