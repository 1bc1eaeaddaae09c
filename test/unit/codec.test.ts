import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StorageRuleViolation, compileReviver, negativeZerosStored, toStoredValue } from '../../src/entity/codec.js';

function violation(value: unknown): StorageRuleViolation {
  try {
    toStoredValue(value);
  } catch (e) {
    expect(e).toBeInstanceOf(StorageRuleViolation);
    return e as StorageRuleViolation;
  }
  throw new Error('expected a StorageRuleViolation');
}

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

describe('toStoredValue', () => {
  it('passes scalars through', () => {
    expect(toStoredValue('s')).toBe('s');
    expect(toStoredValue('')).toBe('');
    expect(toStoredValue(1.5)).toBe(1.5);
    expect(toStoredValue(-0)).toBe(-0);
    expect(toStoredValue(true)).toBe(true);
    expect(toStoredValue(10n)).toBe(10n);
    expect(toStoredValue(null)).toBe(null);
    expect(toStoredValue(undefined)).toBe(undefined);
  });

  it('Date -> ISO-8601 string, also nested', () => {
    const d = new Date('2024-01-02T03:04:05.678Z');
    expect(toStoredValue(d)).toBe('2024-01-02T03:04:05.678Z');
    expect(toStoredValue({ a: { b: [d] } })).toEqual({ a: { b: ['2024-01-02T03:04:05.678Z'] } });
  });

  it('drops undefined attributes (at every depth); undefined list elements become null', () => {
    expect(toStoredValue({ a: 1, b: undefined, c: { d: undefined, e: 2 } })).toEqual({ a: 1, c: { e: 2 } });
    const out = toStoredValue({ a: 1, b: undefined }) as Record<string, unknown>;
    expect('b' in out).toBe(false);
    expect(toStoredValue([1, undefined, 2])).toEqual([1, null, 2]);
  });

  it('keeps binary, homogeneous sets, lists and plain/null-prototype objects', () => {
    const b = new Uint8Array([1, 2]);
    expect(toStoredValue(b)).toBe(b);
    const buf = Buffer.from('x');
    expect(toStoredValue(buf)).toBe(buf);
    expect(toStoredValue(new Set(['a', 'b']))).toEqual(new Set(['a', 'b']));
    expect(toStoredValue(new Set([1, 2n]))).toEqual(new Set([1, 2n]));
    expect(toStoredValue(new Set([new Uint8Array([1]), new Uint8Array([2])]))).toBeInstanceOf(Set);
    const bare = Object.assign(Object.create(null) as object, { k: 'v' });
    expect(toStoredValue(bare)).toEqual({ k: 'v' });
    expect(toStoredValue([[{ a: [] }]])).toEqual([[{ a: [] }]]);
  });

  it("a map's strings, booleans and safe integers are stored as given; its other numbers are still checked and counted by path", () => {
    // Attributes of these kinds take a shortcut (no path text built): the rest must not.
    const item = { s: 'x', b: false, n: 42, big: -Number.MAX_SAFE_INTEGER, zero: 0, dec: 1.5, at: new Date(0), nested: { n: 7, s: '' } };
    expect(toStoredValue(item)).toEqual({ s: 'x', b: false, n: 42, big: -Number.MAX_SAFE_INTEGER, zero: 0, dec: 1.5, at: '1970-01-01T00:00:00.000Z', nested: { n: 7, s: '' } });
    const before = negativeZerosStored();
    expect(Object.is((toStoredValue({ a: { z: -0 } }) as { a: { z: number } }).a.z, -0)).toBe(true);
    expect(negativeZerosStored()).toBe(before + 1);
    expect(violation({ a: { n: Number.NaN } }).path).toBe('a.n');
    expect(violation({ a: { n: 2 ** 53 } }).path).toBe('a.n');
    expect(violation({ top: Number.POSITIVE_INFINITY }).path).toBe('top');
  });

  it('does not mutate its input', () => {
    const input = { at: new Date(0), u: undefined, l: [new Date(0)] };
    toStoredValue(input);
    expect(input.at).toBeInstanceOf(Date);
    expect('u' in input).toBe(true);
    expect(input.l[0]).toBeInstanceOf(Date);
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['invalid Date', new Date(Number.NaN)],
    ['empty set', new Set()],
    ['mixed set', new Set(['a', 1])],
    ['mixed set (binary + string)', new Set([new Uint8Array([1]), 'a'])],
    ['set of objects', new Set([{}])],
    ['set with NaN', new Set([1, Number.NaN])],
    ['number set holding 1 and 1n', new Set([1, 1n])],
    ['binary set holding equal bytes', new Set([new Uint8Array([1]), new Uint8Array([1])])],
    ['class instance', new Point(1, 2)],
    ['Map', new Map([['a', 1]])],
    ['ArrayBuffer', new ArrayBuffer(4)],
    ['DataView', new DataView(new ArrayBuffer(4))],
    ['Int16Array', new Int16Array(2)],
    ['function', () => 1],
    ['symbol', Symbol('s')],
  ])('rejects %s', (_label, value) => {
    expect(violation(value).path).toBe('');
  });

  it('rejects an integer beyond Number.MAX_SAFE_INTEGER (precision already lost); safe integers, decimals and bigints pass', () => {
    for (const n of [2 ** 53, -(2 ** 53), Number.MAX_SAFE_INTEGER + 2, 1e20, -1e21, Number.MAX_VALUE]) {
      const v = violation(n);
      expect(v.path).toBe('');
      expect(v.rule).toMatch(/MAX_SAFE_INTEGER/);
      expect(v.rule).toMatch(/bigint/);
    }
    expect(toStoredValue(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
    expect(toStoredValue(-Number.MAX_SAFE_INTEGER)).toBe(-Number.MAX_SAFE_INTEGER);
    expect(toStoredValue(1.5e15 + 0.5)).toBe(1.5e15 + 0.5);
    expect(toStoredValue(1e-130)).toBe(1e-130);
    expect(toStoredValue(2n ** 64n)).toBe(2n ** 64n);
    expect(toStoredValue(new Set([2n ** 64n, 1n]))).toEqual(new Set([2n ** 64n, 1n]));
    // nested: maps, lists and number sets name the path
    expect(violation({ a: { b: [1, 2 ** 60] } }).path).toBe('a.b[1]');
    expect(violation({ ns: new Set([1, 2 ** 53]) }).path).toBe('ns');
  });

  it("rejects numbers outside DynamoDB's number type: magnitude 1E-130 to below 1E+126 (or 0), 38 significant digits", () => {
    const refused: [number | bigint, RegExp][] = [
      [1e-131, /1E-130/],
      [-1e-131, /1E-130/],
      [1e-300, /1E-130/],
      [Number.MIN_VALUE, /1E-130/],
      [1e126, /1E\+126/],
      [-Number.MAX_VALUE, /1E\+126/],
      [10n ** 126n, /1E\+126/],
      [-(10n ** 200n), /1E\+126/],
      [10n ** 38n + 1n, /39 significant digits; DynamoDB numbers keep at most 38/],
      [-(10n ** 126n - 1n), /126 significant digits/],
      [(10n ** 38n + 1n) * 10n ** 50n, /39 significant digits/],
    ];
    for (const [n, rule] of refused) {
      const v = violation(n);
      expect(v.path).toBe('');
      expect(v.rule).toMatch(rule);
      // The same in sets, lists and maps, naming the path.
      expect(violation({ s: new Set<unknown>([typeof n === 'bigint' ? 1n : 1, n]) }).path).toBe('s');
      expect(violation({ m: { l: [0, n] } }).path).toBe('m.l[1]');
    }
    // The boundaries DynamoDB accepts; an integer's trailing zeros are not significant digits.
    for (const n of [0, -0, 1e-130, -1e-130, 1.5e-130, 0.1, 10n ** 125n, -(10n ** 125n), (10n ** 38n - 1n) * 10n ** 88n, 10n ** 38n - 1n, -(10n ** 38n - 1n), 10n ** 50n]) {
      expect(toStoredValue(n)).toBe(n);
      expect(toStoredValue(new Set([n]))).toEqual(new Set([n]));
    }
  });

  it('names the path of a nested violation', () => {
    expect(violation({ a: { b: Number.NaN } }).path).toBe('a.b');
    expect(violation({ items: [{ sku: 'x' }, { tags: new Set() }] }).path).toBe('items[1].tags');
    expect(violation({ m: [[1, new Point(0, 0)]] }).path).toBe('m[0][1]');
    const v = violation({ a: { buf: new ArrayBuffer(1) } });
    expect(v.path).toBe('a.buf');
    expect(v.message).toContain('a.buf');
    expect(v.rule).toMatch(/Uint8Array/);
  });

  it('uses the base path it is given', () => {
    try {
      toStoredValue({ x: new Set() }, 'root[2]');
      expect.unreachable();
    } catch (e) {
      expect((e as StorageRuleViolation).path).toBe('root[2].x');
    }
  });
});

describe('compileReviver', () => {
  it('returns null for schemas with nothing to revive', () => {
    expect(compileReviver(z.object({ a: z.string(), b: z.number(), c: z.array(z.string()) }))).toBeNull();
    expect(compileReviver(z.string())).toBeNull();
  });

  it('revives top-level Dates and Sets', () => {
    const schema = z.object({ at: z.date(), tags: z.set(z.string()), n: z.number() });
    const r = compileReviver(schema);
    expect(r).not.toBeNull();
    const out = r!({ at: '2024-01-02T03:04:05.678Z', tags: ['a', 'b'], n: 1 }) as Record<string, unknown>;
    expect(out.at).toEqual(new Date('2024-01-02T03:04:05.678Z'));
    expect(out.tags).toEqual(new Set(['a', 'b']));
    expect(out.n).toBe(1);
    expect(schema.safeParse(out).success).toBe(true);
  });

  it('leaves Sets (as the DocumentClient returns them) and missing/null values alone', () => {
    const r = compileReviver(z.object({ at: z.date().optional(), tags: z.set(z.string()).nullable() }))!;
    const tags = new Set(['x']);
    expect(r({ tags })).toEqual({ tags });
    expect((r({ tags }) as { tags: unknown }).tags).toBe(tags);
    expect(r({ tags: null })).toEqual({ tags: null });
  });

  it('reads NULL list elements back as undefined where the element may be undefined but not null', () => {
    const r = compileReviver(z.object({ a: z.array(z.string().optional()) }))!;
    expect(r({ a: ['x', null] })).toEqual({ a: ['x', undefined] });
    expect(compileReviver(z.object({ a: z.array(z.string().nullish()) }))).toBeNull();
    expect(compileReviver(z.object({ a: z.array(z.string()) }))).toBeNull();
  });

  it('revives in nested objects, arrays and records', () => {
    const schema = z.object({
      a: z.object({ b: z.object({ when: z.date() }).optional() }),
      list: z.array(z.object({ at: z.date(), s: z.set(z.number()) })),
      matrix: z.array(z.array(z.date())),
      byDay: z.record(z.string(), z.date()),
    });
    const r = compileReviver(schema)!;
    const iso = '2000-01-01T00:00:00.000Z';
    const out = r({
      a: { b: { when: iso } },
      list: [
        { at: iso, s: [1, 2] },
        { at: iso, s: [3] },
      ],
      matrix: [[iso], [iso, iso]],
      byDay: { mon: iso },
    });
    const d = new Date(iso);
    expect(out).toEqual({
      a: { b: { when: d } },
      list: [
        { at: d, s: new Set([1, 2]) },
        { at: d, s: new Set([3]) },
      ],
      matrix: [[d], [d, d]],
      byDay: { mon: d },
    });
    expect(schema.safeParse(out).success).toBe(true);
  });

  it('round-trips toStoredValue for a model with Dates and Sets', () => {
    const schema = z.object({
      at: z.date(),
      tags: z.set(z.string()).optional(),
      nested: z.object({ at: z.date().optional(), ns: z.set(z.number()) }),
      list: z.array(z.object({ when: z.date() })),
    });
    const model = {
      at: new Date('2021-06-07T08:09:10.111Z'),
      tags: new Set(['a']),
      nested: { ns: new Set([1, 2]) },
      list: [{ when: new Date(0) }],
    };
    // simulate what comes back from DynamoDB: sets arrive as arrays when read from JSON-like sources
    const stored = JSON.parse(
      JSON.stringify(toStoredValue(model), (_k, v: unknown) => (v instanceof Set ? [...v] : v)),
    ) as unknown;
    const revived = compileReviver(schema)!(stored);
    expect(schema.parse(revived)).toEqual(model);
  });

  it('revives a date inside a union only when the union accepts the Date', () => {
    const schema = z.object({ v: z.union([z.date(), z.number()]) });
    const r = compileReviver(schema)!;
    expect((r({ v: '2024-01-01T00:00:00.000Z' }) as { v: unknown }).v).toEqual(new Date('2024-01-01T00:00:00.000Z'));
    expect((r({ v: 5 }) as { v: unknown }).v).toBe(5);
    const withString = compileReviver(z.object({ v: z.union([z.date(), z.string()]) }))!;
    expect((withString({ v: '2024-01-01T00:00:00.000Z' }) as { v: unknown }).v).toBe('2024-01-01T00:00:00.000Z');
  });

  it('revives inside unions of objects, discriminated unions and tuples (store, then revive, then parse)', () => {
    const at = new Date('2026-01-02T03:04:05.000Z');
    const event = z.union([z.object({ kind: z.literal('a'), at: z.date() }), z.object({ kind: z.literal('b'), n: z.number(), big: z.bigint() })]);
    const tagged = z.discriminatedUnion('kind', [z.object({ kind: z.literal('x'), tags: z.set(z.string()) }), z.object({ kind: z.literal('y'), at: z.date() })]);
    const schema = z.object({
      event,
      events: z.array(event),
      tagged: tagged.optional(),
      pair: z.tuple([z.string(), z.date()]),
      series: z.tuple([z.string()], z.date()),
      either: z.union([z.number(), z.date()]).nullable(),
    });
    const item = {
      event: { kind: 'a' as const, at },
      events: [{ kind: 'b' as const, n: 1, big: 5n }, { kind: 'a' as const, at }],
      tagged: { kind: 'x' as const, tags: new Set(['p', 'q']) },
      pair: ['at', at] as [string, Date],
      series: ['s', at, at] as [string, ...Date[]],
      either: at,
    };
    // What the DocumentClient returns: ISO strings, sets as Sets, safe integers as numbers.
    const stored = JSON.parse(JSON.stringify(toStoredValue(item), (_k, v: unknown) => (v instanceof Set ? [...v] : typeof v === 'bigint' ? Number(v) : v))) as unknown;
    const revived = compileReviver(schema)!(stored);
    expect(schema.parse(revived)).toEqual(item);
    const y = compileReviver(tagged)!({ kind: 'y', at: at.toISOString() });
    expect(y).toEqual({ kind: 'y', at });
  });

  it('keeps a stored value the union accepts as it is (a string option wins over a Date option)', () => {
    const r = compileReviver(z.union([z.string(), z.date()]))!;
    expect(r('2026-01-02T03:04:05.000Z')).toBe('2026-01-02T03:04:05.000Z');
    expect(compileReviver(z.union([z.number(), z.date()]))!('not a date')).toBe('not a date');
    expect(compileReviver(z.union([z.string(), z.number()]))).toBeNull();
    expect(compileReviver(z.tuple([z.string(), z.number()]))).toBeNull();
  });
  it('picks a discriminated union’s option by its tag, also for bigint tags stored as numbers (revived)', () => {
    const at = '2026-01-02T03:04:05.000Z';
    const tagged = z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('a'), at: z.date() }),
      z.object({ kind: z.literal('b'), at: z.string() }),
      z.object({ kind: z.literal(2n), n: z.bigint() }),
    ]);
    const r = compileReviver(tagged)!;
    expect(r({ kind: 'a', at })).toEqual({ kind: 'a', at: new Date(at) });
    expect(r({ kind: 'b', at })).toEqual({ kind: 'b', at });
    expect(r({ kind: 2, n: 7 })).toEqual({ kind: 2n, n: 7n });
    expect(tagged.parse(r({ kind: 2, n: 7 }))).toEqual({ kind: 2n, n: 7n });
    expect(r({ kind: 'zzz', at })).toEqual({ kind: 'zzz', at });
  });

  it('revives inside intersections and sees pipes from their output side', () => {
    const schema = z.object({
      both: z.intersection(z.object({ at: z.date() }), z.object({ big: z.bigint() })),
      piped: z.string().transform((s) => new Date(s.trim())).pipe(z.date()),
      bare: z.string().transform((s) => new Date(s)),
      fromDate: z.date().transform((d) => d.getTime()),
    });
    const at = '2026-01-02T03:04:05.000Z';
    const out = compileReviver(schema)!({ both: { at, big: 1 }, piped: at, bare: at, fromDate: 5 });
    expect(out).toEqual({ both: { at: new Date(at), big: 1n }, piped: new Date(at), bare: at, fromDate: 5 });
    expect(compileReviver(z.object({ n: z.date().transform((d) => d.getTime()) }))).toBeNull();
  });

  it('revives recursive (z.lazy) schemas at every depth, and costs nothing when they hold nothing to revive', () => {
    interface Node {
      at: Date;
      children: Node[];
    }
    const Node: z.ZodType<Node> = z.object({ at: z.date(), children: z.array(z.lazy(() => Node)) });
    const at = '2026-01-02T03:04:05.000Z';
    const stored = { at, children: [{ at, children: [{ at, children: [] }] }] };
    const d = new Date(at);
    expect(compileReviver(Node)!(stored)).toEqual({ at: d, children: [{ at: d, children: [{ at: d, children: [] }] }] });
    interface Plain {
      name: string;
      children: Plain[];
    }
    const Plain: z.ZodType<Plain> = z.lazy(() => z.object({ name: z.string(), children: z.array(Plain) }));
    expect(compileReviver(Plain)).toBeNull();
    expect(compileReviver(z.object({ tree: Plain }))).toBeNull();
  });
});

