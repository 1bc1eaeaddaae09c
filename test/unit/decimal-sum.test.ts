import { describe, expect, it } from 'vitest';
import { decimalSum, sendableBound } from '../../src/operations/number-bounds.js';

describe('decimalSum: the bound of a stored operand, computed as DynamoDB adds (in decimal)', () => {
  it.each([
    [0.3, -0.1, 0.2],
    [1.1, -0.2, 0.9],
    [0.1, 0.2, 0.3],
    [-0.3, 0.1, -0.2],
    [123456.789, -0.001, 123456.788],
    [1e-7, 2e-7, 3e-7],
    [5, -3, 2],
  ])('%d + %d = %d', (a, b, sum) => {
    expect(decimalSum(a, b)).toBe(sum);
  });

  it('falls back to the float sum where rounding could not recover the decimal (magnitude x scale >= 1e15)', () => {
    expect(decimalSum(1e20, -1)).toBe(1e20 - 1);
    expect(decimalSum(123456789.123456, 0.000001)).toBe(123456789.123456 + 0.000001);
  });
});

describe('sendableBound: a bound of 2^53 or more, as a value a condition can send', () => {
  it('is the exact bigint for an integer step, and rounds toward the stricter side for a fractional one', () => {
    expect(sendableBound(1e18, 1, false)).toBe(999999999999999999n);
    expect(sendableBound(1e18, -1, true)).toBe(1000000000000000001n);
    // A <= floor(1e21 - 0.5) and A >= ceil(-1e21 - 0.5): never past the bound.
    expect(sendableBound(1e21, 0.5, false)).toBe(999999999999999999999n);
    expect(sendableBound(-1e21, 0.5, true)).toBe(-1000000000000000000000n);
    expect(sendableBound(2 ** 60, 0, false)).toBe(1152921504606846976n);
  });

  it('keeps 38 significant digits, cut toward the stricter side', () => {
    const upper = sendableBound(2 ** 200, 1, false) as bigint;
    expect(upper.toString().replace(/0+$/, '').length).toBeLessThanOrEqual(38);
    expect(upper < 2n ** 200n - 1n).toBe(true);
    expect(2n ** 200n - 1n - upper < 10n ** 23n).toBe(true);
    const lower = sendableBound(-(2 ** 200), -1, true) as bigint;
    expect(lower > -(2n ** 200n) + 1n).toBe(true);
  });

  it('needs no condition for a bound past every DynamoDB number on the side it allows', () => {
    expect(sendableBound(Infinity, 1, false)).toBeUndefined();
    expect(sendableBound(Number.MAX_VALUE, 1, false)).toBeUndefined();
    expect(sendableBound(-Infinity, -1, true)).toBeUndefined();
    expect(sendableBound(-1e200, -1, true)).toBeUndefined();
  });

  it('leaves bounds a double sends exactly as they were', () => {
    expect(sendableBound(100, 1, false)).toBe(99);
    expect(sendableBound(0.3, 0.1, false)).toBe(0.2);
    expect(sendableBound(Number.MAX_SAFE_INTEGER, 1, false)).toBe(Number.MAX_SAFE_INTEGER - 1);
  });
});
