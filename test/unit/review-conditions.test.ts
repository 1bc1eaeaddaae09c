import { describe, expect, it } from 'vitest';
import { checkSubstitutedSize, MAX_SUBSTITUTED_BYTES } from '../../src/expressions/expression-limits.js';
import { ExpressionError } from '../../src/errors.js';

describe('checkSubstitutedSize', () => {
  const e = '#n0 = :v0';
  const names = { '#n0': 'name', '#n1': 'unused by this expression' };
  const room = MAX_SUBSTITUTED_BYTES - e.length - 'name'.length;
  const check = (...values: unknown[]) => () => checkSubstitutedSize('User', 'condition', e, values, names);
  it('counts the expression, the names it uses and the bytes of strings and binaries, also inside lists, sets and maps', () => {
    expect(check('y'.repeat(room))).not.toThrow();
    expect(check('y'.repeat(room + 1))).toThrow(ExpressionError);
    expect(check('y'.repeat(room + 1))).toThrow('User: the condition with its names and values is at least 1048577 bytes; DynamoDB allows 1 MiB (1048576 bytes)');
    expect(check(new Uint8Array(room + 1))).toThrow(ExpressionError);
    const half = 'z'.repeat(Math.ceil((room + 1) / 2));
    expect(check([half], new Set([half]))).toThrow(ExpressionError);
    expect(check({ a: half, b: [half] })).toThrow(ExpressionError);
    // UTF-8 bytes, not UTF-16 units: 'é' is 2 bytes.
    expect(check('é'.repeat(Math.ceil((room + 1) / 2)))).toThrow(ExpressionError);
    expect(check('é'.repeat(Math.floor(room / 2)))).not.toThrow();
  });
  it('counts nothing for numbers, booleans and null (never stricter than DynamoDB)', () => {
    expect(check(Array.from({ length: 300_000 }, (_, i) => i), true, null)).not.toThrow();
  });
});
