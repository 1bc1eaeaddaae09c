/** Unit tests of review 48 (values written and read through every path agree). */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { emptySetPruner } from '../../src/entity/empty-set-defaults.js';
import { toStoredValue } from '../../src/entity/codec.js';

describe('emptySetPruner', () => {
  const empty = () => z.set(z.string()).default(new Set());

  it('is null for schemas without an empty-set default, so plain entities pay nothing', () => {
    expect(emptySetPruner(z.object({ a: z.string(), s: z.set(z.string()).optional(), l: z.array(z.object({ n: z.number() })) }))).toBeNull();
  });

  it('drops empty sets at defaulted positions in objects, lists, records, tuples and recursive schemas, and keeps the rest', () => {
    interface Node {
      tags: Set<string>;
      kids: Node[];
    }
    const node: z.ZodType<Node> = z.lazy(() => z.object({ tags: empty(), kids: z.array(node) })) as never;
    const schema = z.object({
      top: empty(),
      nested: z.object({ s: empty(), keep: z.set(z.string()).optional() }),
      list: z.array(z.object({ s: empty() })),
      byKey: z.record(z.string(), z.object({ s: empty() })),
      pair: z.tuple([z.object({ s: empty() }), z.string()]),
      tree: node,
    });
    const prune = emptySetPruner(schema)!;
    const value = {
      top: new Set(),
      nested: { s: new Set(), keep: new Set(['k']) },
      list: [{ s: new Set() }, { s: new Set(['x']) }],
      byKey: { a: { s: new Set() } },
      pair: [{ s: new Set() }, 'b'],
      tree: { tags: new Set(), kids: [{ tags: new Set(['t']), kids: [{ tags: new Set(), kids: [] }] }] },
    };
    expect(prune(value)).toEqual({
      nested: { keep: new Set(['k']) },
      list: [{}, { s: new Set(['x']) }],
      byKey: { a: {} },
      pair: [{}, 'b'],
      tree: { kids: [{ tags: new Set(['t']), kids: [{ kids: [] }] }] },
    });
    // The validated value itself is left as it is (a put resolves to it).
    expect(value.nested.s).toEqual(new Set());
  });

  it('drops them in the union option that holds the value', () => {
    const shape = z.discriminatedUnion('kind', [z.object({ kind: z.literal('a'), s: empty() }), z.object({ kind: z.literal('b'), n: z.number() })]);
    const prune = emptySetPruner(z.object({ shapes: z.array(shape) }))!;
    expect(prune({ shapes: [{ kind: 'a', s: new Set() }, { kind: 'b', n: 1 }, { kind: 'a', s: new Set(['x']) }] })).toEqual({ shapes: [{ kind: 'a' }, { kind: 'b', n: 1 }, { kind: 'a', s: new Set(['x']) }] });
  });

  it('returns the value itself when nothing is dropped', () => {
    const prune = emptySetPruner(z.object({ list: z.array(z.object({ s: empty() })) }))!;
    const value = { list: [{ s: new Set(['x']) }] };
    expect(prune(value)).toBe(value);
  });
});

describe('toStoredValue', () => {
  it('stores the Dates of a set as ISO text, refusing two of one instant and invalid ones', () => {
    const d = new Date('2024-01-01T00:00:00.000Z');
    expect(toStoredValue(new Set([d, new Date(0)]))).toEqual(new Set(['2024-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z']));
    expect(() => toStoredValue(new Set([d, new Date(d.getTime())]), 'days')).toThrow(/days: 2024-01-01T00:00:00.000Z is in the set twice/);
    expect(() => toStoredValue(new Set([d, '2024-01-01T00:00:00.000Z']), 'days')).toThrow(/in the set twice/);
    expect(() => toStoredValue(new Set([new Date(Number.NaN)]), 'days')).toThrow(/days: invalid Date/);
  });

  it('refuses empty map keys and attribute names, naming the map', () => {
    expect(() => toStoredValue({ a: { '': 1 } })).toThrow(/^a: map keys cannot be empty/);
    expect(() => toStoredValue({ '': 1 })).toThrow(/^: attribute names cannot be empty/);
  });
});
