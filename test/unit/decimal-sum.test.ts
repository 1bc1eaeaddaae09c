import { describe, expect, it } from 'vitest';
import { decimalSum } from '../../src/operations/number-bounds.js';

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
