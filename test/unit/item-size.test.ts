import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_ITEM_BYTES, computeItemSize } from '../../src/index.js';
import { attributeValueSize, mapOrListSizes, numberSize } from '../../src/entity/item-size.js';

const D38 = '12345678901234567890123456789012345678';

describe('numberSize (facts sheet section 2, verified on DynamoDB Local)', () => {
  it.each<[number | string | bigint, number]>([
    [0, 1],
    [12, 2],
    [123, 3],
    [12345, 4],
    [0.5, 2],
    [-1, 3],
    [1e100, 2],
    [D38, 20],
    [`-${D38}`, 21],
    [BigInt(D38), 20],
    [-BigInt(D38), 21],
  ])('%s -> %i bytes', (n, bytes) => {
    expect(numberSize(n)).toBe(bytes);
  });

  it('leading and trailing zeros do not count', () => {
    expect(numberSize('007')).toBe(numberSize(7));
    expect(numberSize('1.50')).toBe(numberSize(1.5));
    expect(numberSize('0.5000')).toBe(2);
    expect(numberSize(100)).toBe(2); // 01|00 -> one significant pair
    expect(numberSize(1000)).toBe(2); // 10|00
    expect(numberSize(10)).toBe(2);
    expect(numberSize(-0)).toBe(1);
    expect(numberSize('-0')).toBe(1);
    expect(numberSize('+1')).toBe(numberSize(1));
  });

  it('pairs are aligned on the decimal point', () => {
    expect(numberSize(1.5)).toBe(3); // 01|.50
    expect(numberSize(12.34)).toBe(3); // 12|.34
    expect(numberSize(123.45)).toBe(4); // 01|23|.45
    expect(numberSize(0.01)).toBe(2); // .01
    expect(numberSize(0.001)).toBe(2); // .00|10
    expect(numberSize(-0.5)).toBe(3);
  });

  it('exponent notation is expanded like its decimal form', () => {
    expect(numberSize(1e-7)).toBe(numberSize('0.0000001'));
    expect(numberSize(1.5e-7)).toBe(numberSize('0.00000015'));
    expect(numberSize(1e21)).toBe(numberSize('1000000000000000000000'));
    expect(numberSize('1.5E+3')).toBe(numberSize(1500));
    expect(numberSize('123e-1')).toBe(numberSize(12.3));
    expect(numberSize(2 ** 53)).toBe(numberSize('9007199254740992'));
  });
});

describe('attributeValueSize', () => {
  it('strings are UTF-8 bytes', () => {
    expect(attributeValueSize('')).toBe(0);
    expect(attributeValueSize('abc')).toBe(3);
    expect(attributeValueSize('é')).toBe(2);
    expect(attributeValueSize('€')).toBe(3);
    expect(attributeValueSize('😀')).toBe(4);
    expect(attributeValueSize('aé😀')).toBe(7);
  });

  it('binary is raw byte length; booleans and null are 1', () => {
    expect(attributeValueSize(new Uint8Array(10))).toBe(10);
    expect(attributeValueSize(Buffer.from('hello'))).toBe(5);
    expect(attributeValueSize(true)).toBe(1);
    expect(attributeValueSize(false)).toBe(1);
    expect(attributeValueSize(null)).toBe(1);
  });

  it('maps: 3 + per entry (1 + key bytes + value)', () => {
    expect(attributeValueSize({})).toBe(3);
    expect(attributeValueSize({ a: 'xy' })).toBe(3 + 1 + 1 + 2);
    expect(attributeValueSize({ é: 1, b: true })).toBe(3 + (1 + 2 + 2) + (1 + 1 + 1));
    expect(attributeValueSize({ m: {} })).toBe(3 + 1 + 1 + 3);
    // undefined entries are not stored
    expect(attributeValueSize({ a: 'x', b: undefined })).toBe(3 + 1 + 1 + 1);
    expect(attributeValueSize(Object.assign(Object.create(null) as object, { a: 'x' }))).toBe(6);
  });

  it('lists: 3 + per element (1 + value)', () => {
    expect(attributeValueSize([])).toBe(3);
    expect(attributeValueSize(['a', 'bc'])).toBe(3 + (1 + 1) + (1 + 2));
    expect(attributeValueSize([[], {}])).toBe(3 + (1 + 3) + (1 + 3));
    expect(attributeValueSize([12345, null])).toBe(3 + (1 + 4) + (1 + 1));
  });

  it('sets: sum of elements, no overhead', () => {
    expect(attributeValueSize(new Set(['a', 'bc']))).toBe(3);
    expect(attributeValueSize(new Set([12, 12345]))).toBe(2 + 4);
    expect(attributeValueSize(new Set([new Uint8Array(4), new Uint8Array(2)]))).toBe(6);
  });

  it('nested structures add up', () => {
    const v = { a: [{ b: 'é' }] };
    // M: 3 + (1 + 1 + L) ; L: 3 + (1 + M2) ; M2: 3 + (1 + 1 + 2)
    expect(attributeValueSize(v)).toBe(3 + 1 + 1 + (3 + 1 + (3 + 1 + 1 + 2)));
  });
});

describe('computeItemSize', () => {
  it('sums UTF-8 name bytes and value sizes of top-level attributes', () => {
    expect(computeItemSize({})).toBe(0);
    expect(computeItemSize({ pk: 'a', sk: 'b' })).toBe(6);
    expect(computeItemSize({ é: 'é' })).toBe(4);
    expect(computeItemSize({ n: 12345, b: true, z: null })).toBe(1 + 4 + 1 + 1 + 1 + 1);
    expect(computeItemSize({ pk: 'a', skip: undefined })).toBe(3);
  });

  it("{pk:'a', sk:'b', d: 409,593 x's} is exactly 409,600 bytes (the limit)", () => {
    expect(MAX_ITEM_BYTES).toBe(409_600);
    expect(computeItemSize({ pk: 'a', sk: 'b', d: 'x'.repeat(409_593) })).toBe(409_600);
    expect(computeItemSize({ pk: 'a', sk: 'b', d: 'x'.repeat(409_594) })).toBe(409_601);
  });

  it('counts multi-byte text in long values', () => {
    expect(computeItemSize({ d: 'é'.repeat(1000) })).toBe(1 + 2000);
  });
});

describe('mapOrListSizes: both sizes of a map or list from one walk', () => {
  // The compiler takes both numbers from it for a SET of a document (400 KB expression-value cap,
  // update-size check); they must be what the separate definitions give.
  const doc = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, fc.string({ unit: 'grapheme' }), fc.integer(), fc.boolean(), fc.constant(null), tie('list'), tie('map')),
    list: fc.array(tie('value'), { maxLength: 4 }),
    map: fc.dictionary(fc.string({ unit: 'grapheme', minLength: 1 }), fc.option(tie('value'), { nil: undefined }), { maxKeys: 4 }),
  }));
  it('stored is attributeValueSize; expression is the map sized as an item, the list as its elements', () => {
    fc.assert(
      fc.property(fc.oneof(doc.list, doc.map), (v) => {
        const sizes = mapOrListSizes(v)!;
        expect(sizes.stored).toBe(attributeValueSize(v));
        const expression = Array.isArray(v) ? v.reduce((t: number, el) => t + attributeValueSize(el), 0) : computeItemSize(v as Record<string, unknown>);
        expect(sizes.expression).toBe(expression);
      }),
      { numRuns: 300 },
    );
  });
  it('is undefined for scalars, sets and binary', () => {
    for (const v of ['x', 1, 1n, true, null, new Set(['a']), new Uint8Array(2)]) expect(mapOrListSizes(v)).toBeUndefined();
  });
});
