/**
 * An entity's paths (`Attr`, `ref`, the update maps) are built from its schema's shape, not its
 * output type (src/entity/paths.ts, `ShapePathsByKey`): they must be exactly the paths of the
 * output (`AttrPath`), for every kind of schema the walk reads or leaves to the output.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, type AttrPath, type AttributeOperand } from '../../src/index.js';

const table = defineTable({ name: 'Shapes', client: new DynamoDBClient({}), partitionKey: { name: 'pk', type: 'S' } });

interface Node {
  readonly name: string;
  readonly children?: Node[];
}
const NodeSchema: z.ZodType<Node> = z.lazy(() => z.object({ name: z.string(), children: z.array(NodeSchema).optional() }));

const schema = z.object({
  id: z.string(),
  count: z.number().int(),
  big: z.bigint().optional(),
  when: z.date(),
  tags: z.set(z.string()).optional(),
  kind: z.enum(['a', 'b']),
  exact: z.literal('x'),
  flag: z.boolean().nullable(),
  bytes: z.instanceof(Uint8Array),
  nested: z.object({ a: z.string(), deep: z.object({ b: z.number(), deeper: z.object({ c: z.string(), deepest: z.object({ d: z.string(), end: z.object({ e: z.string() }) }) }) }) }),
  maybe: z.object({ x: z.string().optional() }).optional(),
  nullish: z.object({ y: z.number() }).nullable().optional(),
  defaulted: z.object({ z: z.string() }).default({ z: 'z' }),
  lines: z.array(z.object({ sku: z.string(), qty: z.number() })),
  grid: z.array(z.array(z.object({ v: z.number() }))).optional(),
  optionalElements: z.array(z.object({ e: z.string() }).optional()),
  loose: z.looseObject({ l: z.string() }),
  caught: z.object({ c: z.string() }).catchall(z.number()),
  strict: z.strictObject({ s: z.string() }),
  record: z.record(z.string(), z.object({ r: z.number() })),
  union: z.union([z.object({ u1: z.string() }), z.object({ u2: z.number() })]),
  tuple: z.tuple([z.string(), z.object({ t: z.number() })]),
  piped: z.string().transform((s) => ({ parsed: s })),
  readonlyObject: z.object({ ro: z.string() }).readonly(),
  tree: NodeSchema,
  unknownValue: z.unknown(),
});

const Shapes = defineEntity({ table, name: 'Shape', schema, keys: { primary: { pk: 'S#{id}' } } });
const Stamped = defineEntity({ table, name: 'Stamped', schema, keys: { primary: { pk: 'T#{id}' } }, timestamps: true, version: 'rev' });

type AttrPaths<E extends { Attr: (path: never) => unknown }> = Parameters<E['Attr']>[0];

test('Attr takes exactly the paths of the output type', () => {
  expectTypeOf<AttrPaths<typeof Shapes>>().toEqualTypeOf<AttrPath<z.output<typeof schema>>>();
  expectTypeOf<Parameters<typeof Shapes.ref>[0]>().toEqualTypeOf<AttrPath<z.output<typeof schema>>>();
});

test('timestamps and the version are paths too', () => {
  expectTypeOf<AttrPaths<typeof Stamped>>().toEqualTypeOf<AttrPath<z.output<typeof schema>> | 'createdAt' | 'updatedAt' | 'rev'>();
});

test('the walk stops at the depth the output paths stop at', () => {
  expectTypeOf<'nested.deep.deeper.deepest.end'>().toExtend<AttrPaths<typeof Shapes>>();
  expectTypeOf<'nested.deep.deeper.deepest.end.e'>().not.toExtend<AttrPaths<typeof Shapes>>();
});

test('value types are those of the output', () => {
  expectTypeOf(Shapes.Attr('defaulted.z')).toEqualTypeOf<AttributeOperand<string>>();
  expectTypeOf(Shapes.Attr('piped.parsed')).toEqualTypeOf<AttributeOperand<string>>();
  expectTypeOf(Shapes.Attr('grid[0][1].v')).toEqualTypeOf<AttributeOperand<number>>();
  expectTypeOf(Shapes.Attr('nullish.y')).toEqualTypeOf<AttributeOperand<number>>();
});

test('an update names the same paths but the key', () => {
  type SetValues = Parameters<ReturnType<typeof Shapes.update>['set']>[0];
  expectTypeOf<keyof SetValues>().toEqualTypeOf<Exclude<AttrPath<z.output<typeof schema>>, 'id'>>();
});
