import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyError, KeyTemplate, decodeKeyNumber, encodeKeyNumber } from '../../src/index.js';
import type { CompositeKind } from '../../src/entity/key-encoding.js';

const KINDS: Record<string, CompositeKind> = {
  userId: 'string',
  name: 'string',
  orgId: 'string',
  x: 'string',
  y: 'string',
  z: 'string',
  seq: 'number',
  n: 'number',
  at: 'date',
  flag: 'boolean',
  big: 'bigint',
  bin: 'binary',
};

const tpl = (source: string, separator = '#', index = 'gsi1.sk'): KeyTemplate =>
  new KeyTemplate(source, KINDS, separator, { entity: 'User', index });

function keyError(f: () => unknown): KeyError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(KeyError);
    return e as KeyError;
  }
  throw new Error('expected a KeyError');
}

const MAX = Number.MAX_SAFE_INTEGER;

describe('KeyTemplate: build / parse', () => {
  it('a static template', () => {
    const t = tpl('PROFILE');
    expect(t.composites).toEqual([]);
    expect(t.raw).toBe(false);
    expect(t.build({})).toBe('PROFILE');
    expect(t.parse('PROFILE')).toEqual({});
    expect(t.parse('PROFILES')).toBeUndefined();
    expect(t.parse('OTHER')).toBeUndefined();
  });

  it('one composite', () => {
    const t = tpl('USER#{userId}');
    expect(t.composites).toEqual(['userId']);
    expect(t.build({ userId: 'u1' })).toBe('USER#u1');
    expect(t.parse('USER#u1')).toEqual({ userId: 'u1' });
    expect(t.parse('ORG#u1')).toBeUndefined();
  });

  it('several composites, extra values ignored', () => {
    const t = tpl('USER#{name}#{userId}');
    expect(t.composites).toEqual(['name', 'userId']);
    expect(t.build({ name: 'Ada', userId: 'u1', other: 1 })).toBe('USER#Ada#u1');
    expect(t.parse('USER#Ada#u1')).toEqual({ name: 'Ada', userId: 'u1' });
    expect(t.parse('USER#Ada')).toBeUndefined();
  });

  it('text after the last composite', () => {
    const t = tpl('A#{x}#END');
    expect(t.build({ x: 'v' })).toBe('A#v#END');
    expect(t.parse('A#v#END')).toEqual({ x: 'v' });
    expect(t.parse('A#v#ENDX')).toBeUndefined();
  });

  it('empty string composites inside a template are allowed', () => {
    const t = tpl('USER#{name}#{userId}');
    expect(t.build({ name: '', userId: 'u' })).toBe('USER##u');
    expect(t.parse('USER##u')).toEqual({ name: '', userId: 'u' });
  });

  it('numbers are padded to 16 digits; negatives get "-" + offset', () => {
    const t = tpl('ORDER#{seq}#{x}');
    expect(t.build({ seq: 5, x: 'o1' })).toBe('ORDER#0000000000000005#o1');
    expect(t.build({ seq: 0, x: 'o' })).toBe('ORDER#0000000000000000#o');
    expect(t.build({ seq: -0, x: 'o' })).toBe('ORDER#0000000000000000#o');
    expect(t.build({ seq: MAX, x: 'o' })).toBe('ORDER#9007199254740991#o');
    expect(t.build({ seq: -1, x: 'o' })).toBe('ORDER#-9007199254740991#o');
    expect(t.build({ seq: -MAX, x: 'o' })).toBe('ORDER#-0000000000000001#o');
    for (const seq of [0, 5, -1, MAX, -MAX, 123456789]) {
      expect(t.parse(t.build({ seq, x: 'o' }))).toEqual({ seq, x: 'o' });
    }
  });

  it('booleans, bigints and dates', () => {
    const at = new Date('2024-02-03T04:05:06.789Z');
    const t = tpl('F#{flag}#B#{big}#AT#{at}');
    const k = t.build({ flag: true, big: 12345678901234567890n, at });
    expect(k).toBe(`F#true#B#${'12345678901234567890'.padStart(38, '0')}#AT#2024-02-03T04:05:06.789Z`);
    const back = t.parse(k);
    expect(back).toEqual({ flag: true, big: 12345678901234567890n, at });
    expect(back?.at).toBeInstanceOf(Date);
    expect(t.parse('F#false#B#1#AT#2024-02-03T04:05:06.789Z')?.flag).toBe(false);
  });

  it('dates sort by time', () => {
    const t = tpl('PLACED#{at}');
    const a = t.build({ at: new Date('2023-12-31T23:59:59.999Z') }) as string;
    const b = t.build({ at: new Date('2024-01-01T00:00:00.000Z') }) as string;
    expect(a < b).toBe(true);
  });

  it('rejects invalid dates and values of the wrong type', () => {
    expect(keyError(() => tpl('AT#{at}').build({ at: new Date(Number.NaN) })).attribute).toBe('at');
    expect(keyError(() => tpl('AT#{at}').build({ at: '2024-01-01' })).attribute).toBe('at');
    expect(keyError(() => tpl('U#{userId}').build({ userId: 5 })).attribute).toBe('userId');
    expect(keyError(() => tpl('F#{flag}').build({ flag: 'true' })).attribute).toBe('flag');
    expect(keyError(() => tpl('B#{big}').build({ big: 1 })).attribute).toBe('big');
    expect(keyError(() => tpl('S#{seq}').build({ seq: '1' })).attribute).toBe('seq');
  });
});

describe('KeyTemplate: number ordering', () => {
  it('lexicographic order of encoded numbers equals numeric order (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX, max: MAX }), fc.integer({ min: -MAX, max: MAX }), (a, b) => {
        const ea = encodeKeyNumber(a);
        const eb = encodeKeyNumber(b);
        expect(Math.sign(ea < eb ? -1 : ea > eb ? 1 : 0)).toBe(Math.sign(a - b));
        expect(decodeKeyNumber(ea)).toBe(a);
      }),
      { numRuns: 500 },
    );
  });

  it('the order holds inside a template, including small and boundary values', () => {
    const t = tpl('ORDER#{seq}#{x}');
    const nums = fc.oneof(
      fc.integer({ min: -MAX, max: MAX }),
      fc.integer({ min: -1000, max: 1000 }),
      fc.constantFrom(0, -1, 1, MAX, -MAX, 9, 10, -9, -10, 2 ** 52, -(2 ** 52)),
    );
    fc.assert(
      fc.property(fc.uniqueArray(nums, { minLength: 2, maxLength: 20 }), (values) => {
        const keys = values.map((seq) => ({ seq, key: t.build({ seq, x: 'o' }) as string }));
        const byKey = [...keys].sort((p, q) => (p.key < q.key ? -1 : p.key > q.key ? 1 : 0)).map((k) => k.seq);
        const byNum = [...values].sort((p, q) => p - q);
        expect(byKey).toEqual(byNum);
        for (const k of keys) expect(t.parse(k.key)).toEqual({ seq: k.seq, x: 'o' });
      }),
      { numRuns: 300 },
    );
  });

  it.each([1.5, -0.25, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53, -(2 ** 53), 1e300])(
    'rejects non-safe-integer %s in a composite template',
    (seq) => {
      const e = keyError(() => tpl('ORDER#{seq}#{x}', '#', 'primary.sk').build({ seq, x: 'o' }));
      expect(e.entity).toBe('User');
      expect(e.index).toBe('primary.sk');
      expect(e.attribute).toBe('seq');
      expect(() => encodeKeyNumber(seq)).toThrow(RangeError);
    },
  );
});

describe('KeyTemplate: ambiguity checks', () => {
  it('rejects the separator inside a value, naming entity, index and attribute', () => {
    const e = keyError(() => tpl('USER#{name}#{userId}').build({ name: 'A#B', userId: 'u1' }));
    expect(e.entity).toBe('User');
    expect(e.index).toBe('gsi1.sk');
    expect(e.attribute).toBe('name');
    expect(e.message).toContain('User');
    expect(e.message).toContain('gsi1.sk');
    expect(e.message).toContain('"#"');
    // also in the last composite, where nothing follows
    expect(keyError(() => tpl('USER#{name}#{userId}').build({ name: 'A', userId: 'u#1' })).attribute).toBe('userId');
  });

  it('uses the table separator', () => {
    const t = tpl('USER|{name}|{userId}', '|');
    expect(t.build({ name: 'A#B', userId: 'u' })).toBe('USER|A#B|u');
    expect(keyError(() => t.build({ name: 'A|B', userId: 'u' })).attribute).toBe('name');
  });

  it('rejects the delimiter text that follows a composite', () => {
    const t = tpl('A{x}-{y}');
    expect(t.build({ x: 'ab', y: 'c-d' })).toBe('Aab-c-d');
    const e = keyError(() => t.build({ x: 'a-b', y: 'c' }));
    expect(e.attribute).toBe('x');
    expect(e.message).toContain('"-"');
  });

  it('values that would build the same key from different composites are rejected (multi-char delimiter)', () => {
    // 'a:' + '::' + 'b' and 'a' + '::' + ':b' are both 'Aa:::b'
    const t = tpl('A{x}::{y}');
    const outcome = (x: string, y: string): string => {
      try {
        return String(t.build({ x, y }));
      } catch (e) {
        if (e instanceof KeyError) return 'rejected';
        throw e;
      }
    };
    const first = outcome('a:', 'b');
    const second = outcome('a', ':b');
    expect(first === 'rejected' || second === 'rejected' || first !== second).toBe(true);
  });

  it('build/parse round-trips for any accepted value (property)', () => {
    const templates = ['U#{x}', 'U#{x}#{y}', 'A{x}-{y}', 'A{x}::{y}:{z}', '{x}#{y}', 'P{x}ab{y}ba{z}Q'];
    const str = fc.string({ unit: fc.constantFrom('a', 'b', ':', '-', '#', 'Q', 'é'), maxLength: 6 });
    fc.assert(
      fc.property(fc.constantFrom(...templates), str, str, str, (source, x, y, z) => {
        const t = tpl(source);
        const values: Record<string, string> = { x, y, z };
        let key: string;
        try {
          key = t.build(values) as string;
        } catch (e) {
          if (e instanceof KeyError) return;
          throw e;
        }
        const expected = Object.fromEntries(t.composites.map((c) => [c, values[c]]));
        expect(t.parse(key)).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('KeyTemplate: missing composites', () => {
  it('missing() / canBuild()', () => {
    const t = tpl('USER#{name}#{userId}');
    expect(t.missing({})).toEqual(['name', 'userId']);
    expect(t.missing({ name: 'a' })).toEqual(['userId']);
    expect(t.missing({ name: 'a', userId: 'b' })).toEqual([]);
    expect(t.canBuild({ name: 'a' })).toBe(false);
    expect(t.canBuild({ name: 'a', userId: 'b' })).toBe(true);
    expect(t.canBuild({ name: 'a', userId: undefined })).toBe(false);
  });

  it('build() throws KeyError naming the missing composite', () => {
    const e = keyError(() => tpl('USER#{name}#{userId}').build({ name: 'a' }));
    expect(e).toMatchObject({ entity: 'User', index: 'gsi1.sk', attribute: 'userId' });
    expect(e.message).toContain('userId');
    expect(keyError(() => tpl('{n}').build({})).attribute).toBe('n');
  });
});

describe('KeyTemplate: prefix', () => {
  const t = tpl('USER#{name}#{userId}');

  it('complete composites are followed by their delimiter', () => {
    expect(t.prefix({})).toBe('USER#');
    expect(t.prefix({ name: 'Bo' })).toBe('USER#Bo#');
    expect(t.prefix({ name: 'Bo', userId: 'u1' })).toBe('USER#Bo#u1');
    // stops at the first missing composite
    expect(t.prefix({ userId: 'u1' })).toBe('USER#');
  });

  it('partial leaves the named composite open for begins_with', () => {
    expect(t.prefix({ name: 'Bo' }, { partial: 'name' })).toBe('USER#Bo');
    expect(t.prefix({ name: 'Bo', userId: 'u' }, { partial: 'userId' })).toBe('USER#Bo#u');
    // a partial composite that is absent: the prefix of what comes before it
    expect(t.prefix({}, { partial: 'name' })).toBe('USER#');
  });

  it('numbers are padded in prefixes too', () => {
    expect(tpl('ORDER#{seq}#{x}').prefix({ seq: 7 })).toBe('ORDER#0000000000000007#');
  });

  it('partial needs a string and obeys the separator rule', () => {
    expect(keyError(() => tpl('ORDER#{seq}#{x}').prefix({ seq: 7 }, { partial: 'seq' })).attribute).toBe('seq');
    expect(keyError(() => t.prefix({ name: 'B#' }, { partial: 'name' })).attribute).toBe('name');
    expect(keyError(() => t.prefix({ name: 'B#o' })).attribute).toBe('name');
  });

  it('every built key starts with the prefix of its leading composites (property)', () => {
    const str = fc.string({ unit: fc.constantFrom('a', 'b', 'Z', '1', 'é'), maxLength: 5 });
    const t2 = tpl('T#{x}#{seq}#{y}');
    fc.assert(
      fc.property(str, fc.integer({ min: -MAX, max: MAX }), str, fc.integer({ min: 0, max: 3 }), (x, seq, y, given) => {
        const all: Record<string, unknown> = { x, seq, y };
        const key = t2.build(all) as string;
        const names = ['x', 'seq', 'y'].slice(0, given);
        const subset = Object.fromEntries(names.map((n) => [n, all[n]]));
        expect(key.startsWith(t2.prefix(subset))).toBe(true);
        expect(key.startsWith(t2.prefix({ x: x }, { partial: 'x' }))).toBe(true);
        if (x.length > 0) expect(key.startsWith(t2.prefix({ x: x.slice(0, -1) }, { partial: 'x' }))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('KeyTemplate: raw single-placeholder templates', () => {
  it('numbers stay numbers (also non-integers: N keys)', () => {
    const t = tpl('{n}');
    expect(t.raw).toBe(true);
    expect(t.build({ n: 42 })).toBe(42);
    expect(t.build({ n: -1.5 })).toBe(-1.5);
    expect(t.parse(42)).toEqual({ n: 42 });
    expect(keyError(() => t.build({ n: Number.NaN })).attribute).toBe('n');
    expect(keyError(() => t.build({ n: Number.POSITIVE_INFINITY })).attribute).toBe('n');
    expect(keyError(() => t.build({ n: '1' })).attribute).toBe('n');
  });

  it('strings stay strings; empty strings are rejected', () => {
    const t = tpl('{userId}', '#', 'primary.pk');
    expect(t.build({ userId: 'abc' })).toBe('abc');
    expect(t.parse('abc')).toEqual({ userId: 'abc' });
    const e = keyError(() => t.build({ userId: '' }));
    expect(e).toMatchObject({ entity: 'User', index: 'primary.pk', attribute: 'userId' });
    // A raw key cannot be ambiguous, so it may contain the separator.
    expect(t.build({ userId: 'a#b' })).toBe('a#b');
  });

  it('binary stays the same Uint8Array; empty or non-binary rejected', () => {
    const t = tpl('{bin}');
    const b = new Uint8Array([1, 2, 3]);
    expect(t.build({ bin: b })).toBe(b);
    expect(t.parse(b)).toEqual({ bin: b });
    expect(keyError(() => t.build({ bin: new Uint8Array() })).attribute).toBe('bin');
    expect(keyError(() => t.build({ bin: [1, 2] })).attribute).toBe('bin');
  });

  it('a raw date is its ISO string and parses back to a Date', () => {
    const t = tpl('{at}');
    const at = new Date('2020-01-01T00:00:00.000Z');
    expect(t.build({ at })).toBe('2020-01-01T00:00:00.000Z');
    expect(t.parse('2020-01-01T00:00:00.000Z')).toEqual({ at });
  });

  it('a placeholder with text around it is not raw', () => {
    expect(tpl('X{n}').raw).toBe(false);
    expect(tpl('{n}X').raw).toBe(false);
    expect(tpl('X{n}').build({ n: 1 })).toBe('X0000000000000001');
  });
});

describe('KeyTemplate: definition errors', () => {
  it('unknown composite', () => {
    const e = keyError(() => tpl('USER#{usrId}'));
    expect(e.attribute).toBe('usrId');
    expect(e.index).toBe('gsi1.sk');
  });

  it('placeholders not separated by text', () => {
    expect(keyError(() => tpl('{x}{y}')).attribute).toBe('y');
  });

  it('binary composites only on their own', () => {
    keyError(() => tpl('B#{bin}'));
  });

  it('unbalanced brace in a static template', () => {
    keyError(() => tpl('A{'));
    keyError(() => tpl('A}'));
  });
});
