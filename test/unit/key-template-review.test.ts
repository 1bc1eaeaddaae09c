/**
 * Key-template fixes from the entity review, without a server:
 * - bigint composites: fixed-width 38-digit encoding that sorts like the integers (keys, prefixes,
 *   key-condition bounds, parse), range |n| < 10^38, raw bigint keys stay raw;
 * - a null composite (nullable attribute) builds no index key instead of failing the put;
 * - raw single-placeholder keys may contain the separator;
 * - Dates outside the years 0-9999 are refused (their ISO text does not sort by time);
 * - numeric TypeScript enums are number composites;
 * - parse measures fixed-width composites (numbers, bigints, dates, booleans) instead of searching for
 *   the following delimiter, which their text may contain.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, KeyError, KeyTemplate } from '../../src/index.js';
import { planKeyCondition } from '../../src/entity/key-condition-plan.js';
import type { ConditionNode, Operand } from '../../src/expressions/ast.js';
import type { CompositeKind } from '../../src/entity/key-encoding.js';

const client = new DynamoDBClient({ region: 'us-east-1' });
const T = defineTable({
  name: 'App',
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: { gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } } },
});

const KINDS: Record<string, CompositeKind> = { big: 'bigint', id: 'string', at: 'date', url: 'string' };
const tpl = (source: string): KeyTemplate => new KeyTemplate(source, KINDS, '#', { entity: 'Ev', index: 'primary.sk' });

function keyError(f: () => unknown): KeyError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(KeyError);
    return e as KeyError;
  }
  throw new Error('expected a KeyError');
}

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
/** DynamoDB's order for S keys: UTF-8 bytes. */
const byBytes = (a: string, b: string): number => Buffer.compare(utf8(a), utf8(b));

/** Evaluates a planned key condition on a stored item, as DynamoDB would (S keys only). */
function evaluate(node: ConditionNode, item: Readonly<Record<string, unknown>>): boolean {
  const val = (o: Operand): string => (o.kind === 'value' ? o.value : o.kind === 'path' ? item[String(o.path[0])] : undefined) as string;
  switch (node.kind) {
    case 'and':
      return node.children.every((c) => evaluate(c, item));
    case 'compare': {
      const r = byBytes(val(node.left), val(node.right));
      return { '=': r === 0, '<>': r !== 0, '<': r < 0, '<=': r <= 0, '>': r > 0, '>=': r >= 0 }[node.op];
    }
    case 'between': {
      const lo = val(node.low);
      const hi = val(node.high);
      if (byBytes(lo, hi) > 0) throw new Error(`BETWEEN with low > high (DynamoDB rejects it): ${lo} > ${hi}`);
      const v = val(node.operand);
      return byBytes(v, lo) >= 0 && byBytes(v, hi) <= 0;
    }
    case 'beginsWith': {
      const v = item[String(node.path[0])] as string;
      const p = val(node.prefix);
      return utf8(v).subarray(0, utf8(p).length).equals(utf8(p));
    }
    default:
      throw new Error(`not a key condition node: ${node.kind}`);
  }
}

const LIMIT = 10n ** 38n;
const SEQS = [-(LIMIT - 1n), -(2n ** 64n), -100n, -10n, -9n, -2n, -1n, 0n, 1n, 2n, 9n, 10n, 11n, 100n, 2n ** 64n, LIMIT - 1n];

describe('bigint composites', () => {
  it('are written as 38 digits; negatives as "-" + (10^38 + n)', () => {
    const t = tpl('EV#{big}#{id}');
    expect(t.build({ big: 42n, id: 'x' })).toBe(`EV#${'0'.repeat(36)}42#x`);
    expect(t.build({ big: 0n, id: 'x' })).toBe(`EV#${'0'.repeat(38)}#x`);
    expect(t.build({ big: -1n, id: 'x' })).toBe(`EV#-${'9'.repeat(38)}#x`);
    expect(t.build({ big: -(LIMIT - 1n), id: 'x' })).toBe(`EV#-${'0'.repeat(37)}1#x`);
    expect(t.build({ big: LIMIT - 1n, id: 'x' })).toBe(`EV#${'9'.repeat(38)}#x`);
  });

  it('keys sort (UTF-8 bytes) in numeric order, across zero and at both ends of the range', () => {
    const t = tpl('EV#{big}#{id}');
    const keys = SEQS.map((big) => t.build({ big, id: 'x' }) as string);
    expect([...keys].sort(byBytes)).toEqual(keys);
    const terminal = tpl('EV#{big}');
    const ends = SEQS.map((big) => terminal.build({ big }) as string);
    expect([...ends].sort(byBytes)).toEqual(ends);
  });

  it('parse gives the bigint back', () => {
    const t = tpl('EV#{big}#{id}');
    for (const big of SEQS) expect(t.parse(t.build({ big, id: 'x' }))).toEqual({ big, id: 'x' });
  });

  it('|n| >= 10^38 is a KeyError naming entity, key and attribute', () => {
    const t = tpl('EV#{big}#{id}');
    for (const big of [LIMIT, -LIMIT, LIMIT * 7n]) {
      const e = keyError(() => t.build({ big, id: 'x' }));
      expect([e.entity, e.index, e.attribute]).toEqual(['Ev', 'primary.sk', 'big']);
      expect(e.message).toContain('10^38');
    }
  });

  it('prefixes use the same encoding', () => {
    expect(tpl('EV#{big}#{id}').prefix({ big: -2n })).toBe(`EV#-${'9'.repeat(37)}8#`);
  });

  const Ev = defineEntity({
    table: T,
    name: 'Ev',
    schema: z.object({ streamId: z.string(), seq: z.bigint(), id: z.string() }),
    keys: { primary: { pk: 'S#{streamId}', sk: 'EV#{seq}#{id}' }, gsi1: { pk: 'S#{streamId}', sk: 'EV#{seq}' } },
  });
  const { Key } = Ev;
  const s = Key('streamId').eq('s');
  const ranges = [
    { name: 'gt 9', c: Key('seq').gt(9n), f: (n: bigint) => n > 9n },
    { name: 'gt -2', c: Key('seq').gt(-2n), f: (n: bigint) => n > -2n },
    { name: 'gte -1', c: Key('seq').gte(-1n), f: (n: bigint) => n >= -1n },
    { name: 'lt 10', c: Key('seq').lt(10n), f: (n: bigint) => n < 10n },
    { name: 'lt 0', c: Key('seq').lt(0n), f: (n: bigint) => n < 0n },
    { name: 'lte -9', c: Key('seq').lte(-9n), f: (n: bigint) => n <= -9n },
    { name: 'between -10 and 10', c: Key('seq').between(-10n, 10n), f: (n: bigint) => n >= -10n && n <= 10n },
    { name: 'eq 2', c: Key('seq').eq(2n), f: (n: bigint) => n === 2n },
  ];
  for (const index of ['primary', 'gsi1'] as const) {
    it(`key-condition bounds on ${index} (${index === 'primary' ? 'non-terminal' : 'terminal'}) select exactly the matching seqs`, () => {
      const items = SEQS.map((seq) => ({ seq, item: Ev.put({ streamId: 's', seq, id: 'x' }).build().Item! }));
      for (const r of ranges) {
        const node = planKeyCondition(Ev.model, index, s.and(r.c));
        const got = items.filter(({ item }) => evaluate(node, item)).map(({ seq }) => seq);
        expect({ range: r.name, got }).toEqual({ range: r.name, got: SEQS.filter(r.f) });
      }
    });
  }

  it('a raw bigint key on an N attribute stays the raw bigint', () => {
    const N = defineTable({ name: 'Nums', client, partitionKey: { name: 'pk', type: 'N' } });
    const Big = defineEntity({ table: N, name: 'Big', schema: z.object({ id: z.bigint() }), keys: { primary: { pk: '{id}' } } });
    expect(Big.get({ id: 12345678901234567890n }).build().Key).toEqual({ pk: 12345678901234567890n });
  });
});

describe('null composites (nullable attributes)', () => {
  const Tk = defineEntity({
    table: T,
    name: 'Tk',
    schema: z.object({ id: z.string(), assignee: z.string().nullable().optional() }),
    keys: { primary: { pk: 'T#{id}', sk: 'T' }, gsi1: { pk: 'A#{assignee}', sk: 'T#{id}' } },
  });
  it('a put with the composite null leaves the item out of the sparse index', () => {
    const item = Tk.put({ id: 't', assignee: null }).build().Item!;
    expect(item['gsi1pk']).toBeUndefined();
    expect(item['gsi1sk']).toBe('T#t');
    expect(item['assignee']).toBeNull();
    expect(Tk.put({ id: 't', assignee: 'ada' }).build().Item!['gsi1pk']).toBe('A#ada');
  });
  it('canBuild and missing treat null like undefined', () => {
    const t = new KeyTemplate('A#{url}#{id}', KINDS, '#', { entity: 'Tk', index: 'gsi1.pk' });
    expect(t.canBuild({ url: null, id: 'x' })).toBe(false);
    expect(t.missing({ url: null, id: 'x' })).toEqual(['url']);
    expect(t.missing({ url: 'u', id: null })).toEqual(['id']);
    expect(keyError(() => t.build({ url: null, id: 'x' })).message).toContain('missing key composite url');
  });
});

describe('raw keys and the separator', () => {
  const U = defineEntity({
    table: T,
    name: 'Url',
    schema: z.object({ url: z.string() }),
    keys: { primary: { pk: '{url}', sk: 'URL' }, gsi1: { pk: 'URL', sk: 'U#{url}' } },
  });
  it('a raw key holds a value with the separator as is', () => {
    expect(U.get({ url: 'https://x.io/a#frag' }).build().Key).toEqual({ pk: 'https://x.io/a#frag', sk: 'URL' });
    expect(tpl('{url}').build({ url: 'a#b' })).toBe('a#b');
    expect(tpl('{url}').parse('a#b')).toEqual({ url: 'a#b' });
  });
  it('a template with text still refuses it', () => {
    const e = keyError(() => U.put({ url: 'https://x.io/a#frag' }).build());
    expect([e.index, e.attribute]).toEqual(['gsi1.sk', 'url']);
    expect(e.message).toContain('separator');
  });
});

describe('dates outside the years 0-9999', () => {
  const W = defineEntity({
    table: T,
    name: 'When',
    schema: z.object({ id: z.string(), at: z.date() }),
    keys: { primary: { pk: 'W#{id}', sk: 'AT#{at}' } },
  });
  const sk = (at: Date): unknown => W.put({ id: 'x', at }).build().Item!['sk'];
  it('are a KeyError naming entity, key, attribute and the rule', () => {
    for (const at of [new Date(Date.UTC(12000, 0, 1)), new Date('-000001-06-01T00:00:00Z'), new Date(Date.UTC(10000, 0, 1))]) {
      const e = keyError(() => sk(at));
      expect([e.entity, e.index, e.attribute]).toEqual(['When', 'primary.sk', 'at']);
      expect(e.message).toContain('years 0-9999');
    }
  });
  it('the edges of the range are accepted and sort by time', () => {
    const first = new Date('0000-01-01T00:00:00.000Z');
    const last = new Date('9999-12-31T23:59:59.999Z');
    const keys = [first, new Date('1999-01-01T00:00:00Z'), last].map(sk) as string[];
    expect(keys[0]).toBe('AT#0000-01-01T00:00:00.000Z');
    expect(keys[2]).toBe('AT#9999-12-31T23:59:59.999Z');
    expect([...keys].sort(byBytes)).toEqual(keys);
  });
});

describe('TypeScript enums as composites', () => {
  enum Prio {
    Low = 1,
    High = 2,
    Urgent = 10,
  }
  enum Color {
    Red = 'red',
    Blue = 'blue',
  }
  it('a numeric enum is a padded number composite', () => {
    const En = defineEntity({
      table: T,
      name: 'En',
      schema: z.object({ id: z.string(), p: z.enum(Prio) }),
      keys: { primary: { pk: 'E#{id}', sk: 'P#{p}' } },
    });
    const sk = (p: Prio): unknown => En.put({ id: 'e', p }).build().Item!['sk'];
    expect(sk(Prio.High)).toBe('P#0000000000000002');
    expect([Prio.Low, Prio.High, Prio.Urgent].map(sk)).toEqual(['P#0000000000000001', 'P#0000000000000002', 'P#0000000000000010']);
    expect(En.model.primary.sk!.parse('P#0000000000000010')).toEqual({ p: Prio.Urgent });
  });
  it('a string enum stays a string composite', () => {
    const Ec = defineEntity({
      table: T,
      name: 'Ec',
      schema: z.object({ id: z.string(), c: z.enum(Color) }),
      keys: { primary: { pk: 'E#{id}', sk: 'C#{c}' } },
    });
    expect(Ec.put({ id: 'e', c: Color.Blue }).build().Item!['sk']).toBe('C#blue');
  });
  it('a mixed enum is refused when the entity is defined, as mixed literals are', () => {
    enum Mixed {
      A = 'a',
      B = 2,
    }
    const define = (schema: z.ZodObject): unknown => defineEntity({ table: T, name: 'Mx', schema, keys: { primary: { pk: 'E#{id}', sk: 'M#{m}' } } } as never);
    const e = keyError(() => define(z.object({ id: z.string(), m: z.enum(Mixed) })));
    expect(e.attribute).toBe('m');
    expect(keyError(() => define(z.object({ id: z.string(), m: z.literal(['a', 2]) }))).message).toBe(e.message);
  });
});

describe('parse of fixed-width composites whose text holds the following delimiter', () => {
  // Numbers, bigints, dates and booleans skip the separator check (their encoding is fixed, so the
  // built key is unambiguous), but their text may hold the delimiter that follows them: '-' in a
  // negative number, ':' '-' '.' 'T' in an ISO date. Parsing (stream records' keys) must not split there.
  const kinds: Record<string, CompositeKind> = { n: 'number', big: 'bigint', at: 'date', on: 'boolean', id: 'string' };
  const cases: [source: string, separator: string, values: Record<string, unknown>][] = [
    ['N-{n}-{id}', '-', { n: -5, id: 'u1' }],
    ['AT:{at}:{id}', ':', { at: new Date('2020-01-02T03:04:05.006Z'), id: 'u1' }],
    ['{at}T{id}', '#', { at: new Date(0), id: 'x' }],
    ['B-{big}-{id}', '-', { big: -5n, id: 'u1' }],
    ['{on}e{id}', '#', { on: true, id: 'x' }],
    ['{n}0{id}', '#', { n: 5, id: '0' }],
  ];
  it.each(cases)('%s (separator %s) parses back to the values it was built from', (source, separator, values) => {
    const t = new KeyTemplate(source, kinds, separator, { entity: 'Ev', index: 'primary.sk' });
    expect(t.parse(t.build(values))).toEqual(values);
  });
});

describe('key byte limits are counted in UTF-8 bytes, per key kind', () => {
  const template = (index: string) => new KeyTemplate('A#{name}', { name: 'string' }, '#', { entity: 'E', index });

  it('a sort key of 343 characters but 1,025 bytes is refused; 1,022 bytes pass', () => {
    expect(() => template('gsi1.sk').build({ name: '€'.repeat(341) })).toThrow(KeyError);
    expect(template('gsi1.sk').build({ name: '€'.repeat(340) })).toBe(`A#${'€'.repeat(340)}`);
  });

  it('a partition key may hold 2,048 bytes, one more is refused', () => {
    expect(template('gsi1.pk').build({ name: '€'.repeat(682) })).toHaveLength(684);
    expect(() => template('gsi1.pk').build({ name: `${'€'.repeat(682)}x` })).toThrow(KeyError);
  });
});

describe('composites whose schema fixes their values', () => {
  const define = (name: string, kind: z.ZodType, sk = 'K#{kind}#X') =>
    defineEntity({ table: T, name, schema: z.object({ id: z.string(), kind }), keys: { primary: { pk: 'E#{id}', sk } } } as never);

  it('refuse at defineEntity a literal or enum value that no key can hold, which every write would refuse', () => {
    expect(() => define('SepLiteral', z.literal('a#b'))).toThrow(
      'SepLiteral: key primary.sk: the schema of kind takes "a#b", which no key can hold: value of kind ("a#b") contains the key separator "#", which would make the key "K#{kind}#X" ambiguous',
    );
    expect(() => define('SepEnum', z.enum(['x', 'y#z']))).toThrow('the schema of kind takes "y#z", which no key can hold');
    const e = (() => {
      try {
        define('Decimal', z.union([z.literal(2), z.literal(1.5)]));
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(KeyError);
    expect((e as KeyError).attribute).toBe('kind');
    expect((e as KeyError).message).toContain('the schema of kind takes 1.5, which no key can hold: kind: 1.5 is not a safe integer');
  });

  it('take the values every key can hold, and any value in a raw key', () => {
    expect(define('FineEnum', z.enum(['x', 'y'])).model.primary.sk?.build({ kind: 'y' })).toBe('K#y#X');
    expect(define('RawLiteral', z.literal('a#b'), '{kind}').model.primary.sk?.build({ kind: 'a#b' })).toBe('a#b');
  });

  it('refuse an empty text literal in a raw key, which DynamoDB refuses as a key value', () => {
    expect(() => define('EmptyRaw', z.enum(['x', '']), '{kind}')).toThrow(
      'EmptyRaw: key primary.sk: the schema of kind takes "", which no key can hold: kind cannot be empty: DynamoDB rejects empty key values',
    );
    expect(define('EmptyInside', z.literal(''), 'K#{kind}#X').model.primary.sk?.build({ kind: '' })).toBe('K##X');
  });

  it('key true and false literals together as a boolean and bigint literals as bigints, as z.boolean() and z.bigint() key', () => {
    // Before, a union of literals of one of these types was refused as "not an attribute of the schema, or its type cannot be part of a key".
    const flag = define('BoolUnion', z.union([z.literal(true), z.literal(false)]));
    expect(flag.model.primary.sk?.build({ kind: false })).toBe('K#false#X');
    expect(flag.model.primary.sk?.parse('K#true#X')).toEqual({ kind: true });
    const big = define('BigUnion', z.union([z.literal(1n), z.literal(-2n)]));
    expect(big.model.primary.sk?.parse(big.model.primary.sk.build({ kind: -2n }) as string)).toEqual({ kind: -2n });
  });

  it('key a template literal as text and a lazy schema as the schema it stands for, as the types take them', () => {
    // Both were refused at run time as "not an attribute of the schema, or its type cannot be part of a key".
    const tl = define('TemplateLit', z.templateLiteral(['u-', z.number()]));
    expect(tl.model.primary.sk?.build({ kind: 'u-5' })).toBe('K#u-5#X');
    expect(tl.model.primary.sk?.parse('K#u-5#X')).toEqual({ kind: 'u-5' });
    const lazy = define('LazyNumber', z.lazy(() => z.number().int()));
    expect(lazy.model.primary.sk?.parse(lazy.model.primary.sk.build({ kind: -3 }) as string)).toEqual({ kind: -3 });
    expect(define('LazyEnum', z.lazy(() => z.enum(['a', 'b']))).model.primary.sk?.build({ kind: 'b' })).toBe('K#b#X');
  });

  it('refuse at defineEntity a template literal whose fixed text holds the separator, and a lazy literal that does', () => {
    // zod took such values and every write refused them with a KeyError; the definition took the schema.
    expect(() => define('SepTemplate', z.templateLiteral(['a#', z.string()]))).toThrow(
      'SepTemplate: key primary.sk: the schema of kind puts "a#" in every value, which no key can hold: value of kind ("a#") contains the key separator "#", which would make the key "K#{kind}#X" ambiguous',
    );
    expect(() => define('SepTemplatePart', z.templateLiteral([z.number(), z.literal('-#-'), z.string()]))).toThrow('the schema of kind puts "-#-" in every value');
    expect(() => define('SepLazy', z.lazy(() => z.literal('a#b')))).toThrow('the schema of kind takes "a#b", which no key can hold');
    // Text the template itself puts after the composite: a value holding it would be ambiguous too.
    expect(() => define('AfterText', z.templateLiteral(['x|y', z.number()]), 'K#{kind}|y')).toThrow('the schema of kind puts "x|y" in every value');
    // In a raw key, and with a separator only in a part a value may leave out, the schema is taken.
    expect(define('RawTemplate', z.templateLiteral(['a#', z.string()]), '{kind}').model.primary.sk?.build({ kind: 'a#b' })).toBe('a#b');
    expect(define('EnumPart', z.templateLiteral(['u-', z.enum(['x', 'y#'])])).model.primary.sk?.build({ kind: 'u-x' })).toBe('K#u-x#X');
  });
});
