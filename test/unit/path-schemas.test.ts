import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pathSchemas } from '../../src/entity/path-schemas.js';

const circle = z.object({ kind: z.literal('circle'), r: z.number() });
const square = z.object({ kind: z.literal('square'), side: z.number() });

describe('pathSchemas', () => {
  it('a path through no union has one leaf and no union', () => {
    const ps = pathSchemas(z.object({ a: z.object({ b: z.array(z.string()) }).optional() }), ['a', 'b', 0]);
    expect(ps?.leaves).toHaveLength(1);
    expect(ps?.union).toBeUndefined();
    expect(pathSchemas(z.object({ a: z.string() }), ['a', 'b'])).toBeUndefined();
  });

  it('the tag of a union: its discriminator, or a field of distinct literals in every option', () => {
    const declared = pathSchemas(z.object({ s: z.discriminatedUnion('kind', [circle, square]) }), ['s', 'r']);
    expect(declared?.union).toEqual({ at: ['s'], tag: 'kind', options: 2, optionSchemas: [circle, square] });
    expect(declared?.leaves.map((l) => l.option)).toEqual([{ index: 0, tagValues: ['circle'] }]);
    // A plain union: `kind` tells the options apart (an enum counts with all its values).
    const dots = z.object({ kind: z.enum(['dot', 'point']) });
    const plain = pathSchemas(z.object({ s: z.union([circle, square, dots]) }), ['s', 'kind']);
    expect(plain?.union?.tag).toBe('kind');
    expect(plain?.leaves.map((l) => l.option?.tagValues)).toEqual([['circle'], ['square'], ['dot', 'point']]);
    // The same literal in two options: no tag.
    const overlapping = z.union([circle, z.object({ kind: z.literal('circle'), d: z.number() })]);
    expect(pathSchemas(z.object({ s: overlapping }), ['s', 'r'])?.union?.tag).toBeUndefined();
    // Nested unions are flattened into one list of options.
    const nested = pathSchemas(z.object({ s: z.union([circle, z.union([square, dots])]) }), ['s', 'side']);
    expect(nested?.union?.options).toBe(3);
    expect(nested?.complete).toBe(false);
  });

  it('intersections carry their other sides; tuples and lazy schemas resolve', () => {
    const both = pathSchemas(z.object({ x: z.intersection(z.object({ n: z.number().max(3) }), z.object({ n: z.number().min(1) })) }), ['x', 'n']);
    expect(both?.leaves[0]?.also).toHaveLength(1);
    expect(pathSchemas(z.object({ t: z.tuple([z.string(), z.number()]) }), ['t', 1])?.leaves[0]?.schema.safeParse(1).success).toBe(true);
    expect(pathSchemas(z.object({ t: z.tuple([z.string()]) }), ['t', 1])).toBeUndefined();
    interface N {
      name: string;
      kids?: N[];
    }
    const n: z.ZodType<N> = z.lazy(() => z.object({ name: z.string(), kids: z.array(n).optional() }));
    expect(pathSchemas(z.object({ tree: n }), ['tree', 'kids', 0, 'kids', 2, 'name'])).toBeDefined();
  });
});

describe('pathSchemas memo', () => {
  it('keeps numbers and strings apart, and answers past its cap as the walk does', () => {
    const element = z.object({ sku: z.string() });
    const root = z.object({ lines: z.array(element), rec: z.record(z.string(), z.number()) });
    // `lines[0]` and a record key "0" are different paths: a list index is a number segment.
    expect(pathSchemas(root, ['lines', 0])?.leaves[0]?.schema).toBe(element);
    expect(pathSchemas(root, ['lines', '0'])).toBeUndefined();
    expect(pathSchemas(root, ['rec', '0'])?.leaves[0]?.schema).toBeDefined();
    // The same path twice: the same (read-only) answer.
    expect(pathSchemas(root, ['lines', 3, 'sku'])).toBe(pathSchemas(root, ['lines', 3, 'sku']));
    // Past 4,096 memoised nodes per schema, paths are walked each time, with the same answers.
    for (let i = 0; i < 5000; i++) expect(pathSchemas(root, ['lines', i, 'sku'])?.leaves[0]?.schema).toBeInstanceOf(z.ZodString);
    expect(pathSchemas(root, ['lines', 4999, 'nope'])).toBeUndefined();
    expect(pathSchemas(root, ['rec', 'k4999'])?.leaves[0]?.schema).toBeInstanceOf(z.ZodNumber);
  });
});
