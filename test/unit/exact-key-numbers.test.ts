import { describe, expect, it } from 'vitest';
import { NumberValueImpl } from '@aws-sdk/util-dynamodb';
import { exactKeyNumbers, holdsExactly } from '../../src/client/exact-key-numbers.js';
import { decodeCursor, encodeCursor } from '../../src/pagination/cursor.js';
import { InvalidCursorError } from '../../src/errors.js';

describe('holdsExactly: whether a read number marshals back to the stored text', () => {
  it.each([
    ['0.1', 0.1],
    ['7', 7],
    ['-12.5', -12.5],
    ['1E+21', 1e21],
    ['100', 100],
    ['0.00000123', 0.00000123],
    ['1733616000.123', 1733616000.123],
  ])('%s reads exactly', (text, n) => expect(holdsExactly(text, n)).toBe(true));
  it.each([
    ['0.10000000000000000001', 0.1],
    ['1733616000.123456789', 1733616000.123456789],
    ['-3.14159265358979323846', -3.14159265358979323846],
  ])('%s does not', (text, n) => expect(holdsExactly(text, n)).toBe(false));
  it('a bigint always does', () => expect(holdsExactly('123456789012345678901234567890', 123456789012345678901234567890n)).toBe(true));
});

describe('exactKeyNumbers', () => {
  it('returns the key itself when every number read exactly', () => {
    const key = { pk: 'p', n: 0.5 };
    expect(exactKeyNumbers(key, { pk: { S: 'p' }, n: { N: '0.5' } })).toBe(key);
  });
  it('keeps a rounded number as a NumberValue of its stored text, in a copy', () => {
    const key = { pk: 'p', n: 0.1 };
    const exact = exactKeyNumbers(key, { pk: { S: 'p' }, n: { N: '0.10000000000000000001' } });
    expect(exact.n).toBeInstanceOf(NumberValueImpl);
    expect(String(exact.n)).toBe('0.10000000000000000001');
    expect(key.n).toBe(0.1);
  });
});

describe('cursors carry such a number exactly', () => {
  const keys = [
    { name: 'pk', type: 'S' },
    { name: 'n', type: 'N' },
  ] as const;
  it('round-trips a NumberValue as its text', () => {
    const cursor = encodeCursor('App', 'primary', { pk: 'p', n: new NumberValueImpl('1733616000.123456789') });
    const key = decodeCursor(cursor, 'App', 'primary', keys);
    expect(key.n).toBeInstanceOf(NumberValueImpl);
    expect(String(key.n)).toBe('1733616000.123456789');
  });
  it('refuses { n } text that is no number', () => {
    const body = Buffer.from(JSON.stringify({ t: 'App', i: 'primary', k: { pk: 'p', n: { n: '1.2.3' } }, r: 0 }), 'utf8').toString('base64url');
    expect(() => decodeCursor(body, 'App', 'primary', keys)).toThrow(InvalidCursorError);
  });
});
