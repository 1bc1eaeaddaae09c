import { describe, expect, it } from 'vitest';
import { checkSubstitutedSize, MAX_SUBSTITUTED_BYTES } from '../../src/expressions/expression-limits.js';
import { ExpressionError } from '../../src/errors.js';

describe('checkSubstitutedSize', () => {
  const e = '#n0 = :v0';
  const room = MAX_SUBSTITUTED_BYTES - e.length;
  it('counts the expression and the bytes of strings and binaries, also inside lists, sets and maps', () => {
    expect(() => checkSubstitutedSize('User', 'condition', e, ['y'.repeat(room)])).not.toThrow();
    expect(() => checkSubstitutedSize('User', 'condition', e, ['y'.repeat(room + 1)])).toThrow(ExpressionError);
    expect(() => checkSubstitutedSize('User', 'condition', e, [new Uint8Array(room + 1)])).toThrow(ExpressionError);
    const half = 'z'.repeat(Math.ceil((room + 1) / 2));
    expect(() => checkSubstitutedSize('User', 'condition', e, [[half], new Set([half])])).toThrow(ExpressionError);
    expect(() => checkSubstitutedSize('User', 'condition', e, [{ a: half, b: [half] }])).toThrow(ExpressionError);
    // UTF-8 bytes, not UTF-16 units: 'é' is 2 bytes, '😀' 4.
    expect(() => checkSubstitutedSize('User', 'condition', e, ['é'.repeat(Math.ceil((room + 1) / 2))])).toThrow(/at least 1048577 bytes/);
    expect(() => checkSubstitutedSize('User', 'condition', e, ['é'.repeat(Math.floor(room / 2))])).not.toThrow();
  });
  it('counts nothing for numbers, booleans and null (never stricter than DynamoDB)', () => {
    expect(() => checkSubstitutedSize('User', 'condition', e, [Array.from({ length: 300_000 }, (_, i) => i), true, null])).not.toThrow();
  });
});
