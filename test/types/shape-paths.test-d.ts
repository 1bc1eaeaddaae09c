/**
 * An entity's paths (`Attr`, `ref`, the update maps) are built from its schema's shape, not its
 * output type (src/entity/paths.ts, `ShapePathsByKey`): they must be exactly the paths of the
 * output (`AttrPath`), for every kind of schema the walk reads or leaves to the output.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, type AttrPath, type AttributeOperand, type EntityItem } from '../../src/index.js';

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

// Entities with variants and with derived attributes read their paths from the shapes too: the
// same union as the output walk over the item (the padded variants, timestamps and version).
const Variants = defineEntity({
  table,
  name: 'Variants',
  schema: z.discriminatedUnion('tag', [
    schema.extend({ tag: z.literal('a') }),
    z.object({ id: z.string(), tag: z.literal('b'), count: z.string(), nested: z.object({ q: z.array(z.object({ w: z.number() })) }), only: z.object({ o: z.string() }).optional() }),
  ]),
  keys: { primary: { pk: 'V#{id}' } },
  timestamps: true,
  version: 'rev',
});
const TaggedUnion = defineEntity({
  table,
  name: 'TaggedUnion',
  schema: z.union([z.object({ id: z.string(), size: z.literal('s'), box: z.object({ w: z.number() }) }), z.object({ id: z.string(), size: z.literal('l'), lines: z.array(z.object({ n: z.number() })) })]),
  keys: { primary: { pk: 'U#{id}' } },
});
const Derived = defineEntity({
  table,
  name: 'Derived',
  schema: z.object({ id: z.string(), name: z.string(), nameLower: z.string(), address: z.object({ city: z.string() }), lines: z.array(z.object({ n: z.number() })) }),
  keys: { primary: { pk: 'D#{nameLower}' } },
  derive: { nameLower: { from: ['name'], compute: ({ name }) => name.toLowerCase() } },
  timestamps: true,
});

test('entities with variants and derived attributes: the paths of the output walk over the item', () => {
  expectTypeOf<AttrPaths<typeof Variants>>().toEqualTypeOf<AttrPath<EntityItem<typeof Variants>>>();
  expectTypeOf<Parameters<typeof Variants.ref>[0]>().toEqualTypeOf<AttrPath<EntityItem<typeof Variants>>>();
  expectTypeOf<AttrPaths<typeof TaggedUnion>>().toEqualTypeOf<AttrPath<EntityItem<typeof TaggedUnion>>>();
  expectTypeOf<AttrPaths<typeof Derived>>().toEqualTypeOf<AttrPath<EntityItem<typeof Derived>>>();
  // A field of one variant, and a name two variants hold with different types: each one's paths.
  expectTypeOf<'only.o' | 'nested.q[0].w' | 'nested.deep.b' | 'lines[0].sku' | 'rev' | 'createdAt'>().toExtend<AttrPaths<typeof Variants>>();
  expectTypeOf(Variants.Attr('count')).toEqualTypeOf<AttributeOperand<number | string>>();
  expectTypeOf(TaggedUnion.Attr('lines[0].n')).toEqualTypeOf<AttributeOperand<number>>();
  // @ts-expect-error no variant has `nested.q.w` (q is a list)
  Variants.Attr('nested.q.w');
  // @ts-expect-error box holds w only
  TaggedUnion.Attr('box.n');
  type VariantSet = Parameters<ReturnType<typeof Variants.update>['set']>[0];
  expectTypeOf<'only.o' | 'nested.q[0].w'>().toExtend<keyof VariantSet>();
  // @ts-expect-error the key, the tag, the version and timestamps are no update paths
  Variants.update({ id: 'x' }).set({ tag: 'b' });
  Derived.update({ name: 'Ada' }).set({ 'address.city': 'Paris', 'lines[0].n': 2 });
  // @ts-expect-error nameLower is derived
  Derived.update({ name: 'Ada' }).set({ nameLower: 'ada' });
});
