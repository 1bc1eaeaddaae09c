import { describe, expect, it } from 'vitest';
import { checkExpressionLimits, MAX_SUBSTITUTED_EXPRESSION_BYTES } from '../../src/expressions/expression-limits.js';
import { ExpressionError } from '../../src/errors.js';
import { Placeholders } from '../../src/expressions/placeholders.js';

describe('the 1 MiB of an expression with its names and values substituted', () => {
  const e = '#n0 = :v0';
  const room = MAX_SUBSTITUTED_EXPRESSION_BYTES - e.length - 'name'.length;
  // The placeholders of the command: #n0 = 'name', #n1 unused by this expression, :v0 = value.
  const placeholders = (value: unknown) => {
    const ph = new Placeholders();
    ph.name('name');
    ph.name('unused by this expression');
    ph.value(value);
    return ph;
  };
  const check = (value: unknown) => () => checkExpressionLimits('User', 'condition', e, 1, placeholders(value));
  it('counts the expression, the names it uses (not the others) and the bytes of its values', () => {
    expect(check('y'.repeat(room))).not.toThrow();
    expect(check('y'.repeat(room + 1))).toThrow(ExpressionError);
    expect(check('y'.repeat(room + 1))).toThrow(/User: the condition is 1,048,577 bytes with its attribute names and values in place/);
    expect(check(new Uint8Array(room))).not.toThrow();
    expect(check(new Uint8Array(room + 1))).toThrow(ExpressionError);
    const half = 'z'.repeat(Math.ceil((room + 1) / 2));
    expect(check([half, half])).toThrow(ExpressionError);
    expect(check({ a: half, b: [half] })).toThrow(ExpressionError);
    // UTF-8 bytes, not UTF-16 units: 'é' is 2 bytes.
    expect(check('é'.repeat(Math.ceil((room + 1) / 2)))).toThrow(ExpressionError);
  });
});
