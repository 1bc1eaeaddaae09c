import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readSchema } from '../../src/entity/read-schema.js';

/** Writes store the schema's output; reading it back must not transform it again. */
const roundTrip = (schema: z.ZodType, input: unknown) => readSchema(schema).parse(schema.parse(input));

describe('readSchema', () => {
  it('returns the schema itself when it has no pipe or transform', () => {
    const plain = z.object({ a: z.string(), b: z.array(z.object({ c: z.date().optional() })), d: z.union([z.string(), z.number()]) });
    expect(readSchema(plain)).toBe(plain);
  });

  it('reads a transform’s output as stored, at any depth', () => {
    const cents = z.number().transform((n) => Math.round(n * 100));
    const bang = z.string().transform((s) => `${s}!`);
    const schema = z.object({
      price: cents,
      name: bang.optional(),
      lines: z.array(z.object({ price: cents })),
      byKey: z.record(z.string(), bang),
      pair: z.tuple([bang, cents]),
      either: z.union([z.object({ k: z.literal('a'), v: bang }), z.object({ k: z.literal('b') })]),
      tags: z.set(bang).nullable(),
      withDefault: bang.default('d'),
    });
    const input = { price: 1.5, name: 'n', lines: [{ price: 2 }], byKey: { x: 'y' }, pair: ['p', 3], either: { k: 'a', v: 'v' }, tags: new Set(['t']) };
    const written = schema.parse(input);
    expect(written).toMatchObject({ price: 150, name: 'n!', withDefault: 'd', lines: [{ price: 200 }], pair: ['p!', 300] });
    expect(readSchema(schema).parse(written)).toEqual(written);
    expect(readSchema(readSchema(schema)).parse(written)).toEqual(written);
  });

  it('accepts a transformed field as stored, but not its absence unless the field is optional', () => {
    const cents = z.number().transform((n) => n * 100);
    const read = readSchema(z.object({ price: cents, was: cents.optional(), note: z.string().transform((s) => `${s}!`).nullable() }));
    expect(read.parse({ price: 150, note: null })).toEqual({ price: 150, note: null });
    const missing = read.safeParse({ note: 'n!' });
    expect(missing.success).toBe(false);
    expect(missing.error?.issues.map((i) => i.path)).toEqual([['price']]);
    expect(read.safeParse({ price: 1 }).success).toBe(false); // nullable is not optional
  });

  it('reads a pipe, z.preprocess or codec as its output schema (still validated)', () => {
    const asDate = z.string().transform((s) => new Date(s)).pipe(z.date());
    const trimmed = z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.string().min(1));
    const num = z.codec(z.string(), z.number(), { decode: Number, encode: String });
    const schema = z.object({ at: asDate, s: trimmed, n: num });
    const written = schema.parse({ at: '2026-01-01T00:00:00.000Z', s: '  x ', n: '42' });
    expect(roundTrip(schema, { at: '2026-01-01T00:00:00.000Z', s: '  x ', n: '42' })).toEqual(written);
    expect(readSchema(schema).safeParse({ ...written, n: 'not a number' }).success).toBe(false);
    expect(readSchema(schema).safeParse({ ...written, at: 'not a date' }).success).toBe(false);
  });

  it('keeps a schema’s unknown-key mode, refinements and function defaults', () => {
    let calls = 0;
    const loose = z.looseObject({ a: z.string().transform((s) => s.toUpperCase()), at: z.number().default(() => ++calls) }).refine((o) => o.a !== 'BAD', 'bad');
    const read = readSchema(loose);
    expect(read.parse({ a: 'A', extra: 1 })).toEqual({ a: 'A', at: 1, extra: 1 });
    expect(read.parse({ a: 'B' })).toEqual({ a: 'B', at: 2 });
    expect(read.safeParse({ a: 'BAD', at: 1 }).success).toBe(false);
    const strict = readSchema(z.strictObject({ a: z.string().transform((s) => s) }));
    expect(strict.safeParse({ a: 'x', b: 1 }).success).toBe(false);
  });
  it('rewrites recursive (z.lazy) schemas at every depth, and leaves plain ones as they are', () => {
    interface In {
      name: string;
      children: In[];
    }
    interface Out {
      name: string;
      children: Out[];
    }
    const Tree: z.ZodType<Out, In> = z.object({ name: z.string().transform((s) => `${s}!`), children: z.array(z.lazy(() => Tree)) });
    const written = Tree.parse({ name: 'a', children: [{ name: 'b', children: [{ name: 'c', children: [] }] }] });
    expect(written).toEqual({ name: 'a!', children: [{ name: 'b!', children: [{ name: 'c!', children: [] }] }] });
    const read = readSchema(Tree);
    expect(read.parse(written)).toEqual(written);
    expect(read.parse(read.parse(written))).toEqual(written);
    const Plain: z.ZodType<In> = z.lazy(() => z.object({ name: z.string(), children: z.array(Plain) }));
    expect(readSchema(Plain)).toBe(Plain);
  });

  it('reads record keys and intersections from their output side', () => {
    const upper = z.string().transform((s) => s.toUpperCase() + '_');
    const schema = z.object({ byKey: z.record(upper, z.number()), both: z.intersection(z.object({ a: upper }), z.object({ b: z.number() })) });
    const written = schema.parse({ byKey: { x: 1 }, both: { a: 'y', b: 2 } });
    expect(written).toEqual({ byKey: { X_: 1 }, both: { a: 'Y_', b: 2 } });
    expect(readSchema(schema).parse(written)).toEqual(written);
  });
});
