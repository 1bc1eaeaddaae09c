import { describe, expect, it } from 'vitest';
import type { ConditionNode, UpdateAction } from '../../src/expressions/ast.js';
import { checkExpressionLimits, conditionOperators, updateOperators } from '../../src/expressions/expression-limits.js';
import { ExpressionError } from '../../src/index.js';
import { Placeholders } from '../../src/expressions/placeholders.js';

const p = (name: string) => ({ kind: 'path', path: [name] }) as const;
const v = (value: unknown) => ({ kind: 'value', value }) as const;
const eq: ConditionNode = { kind: 'compare', op: '=', left: p('a'), right: v(1) };

// The counting rules were measured on DynamoDB Local 3.3.1 (see test/integration/expression-limits.test.ts).
describe('conditionOperators', () => {
  it('counts comparators, functions, size(), NOT and the AND/OR between terms; not parentheses', () => {
    expect(conditionOperators(eq)).toBe(1);
    expect(conditionOperators({ kind: 'or', children: [eq, eq, eq] })).toBe(5);
    expect(conditionOperators({ kind: 'not', child: eq })).toBe(2);
    expect(conditionOperators({ kind: 'compare', op: '>', left: { kind: 'size', path: ['a'] }, right: v(1) })).toBe(2);
    expect(conditionOperators({ kind: 'between', operand: p('a'), low: v(1), high: v(2) })).toBe(1);
    expect(conditionOperators({ kind: 'in', operand: p('a'), values: [v(1), v(2), v(3)] })).toBe(1);
    expect(conditionOperators({ kind: 'exists', path: ['a'], negate: true })).toBe(1);
    expect(conditionOperators({ kind: 'and', children: [{ kind: 'or', children: [eq, eq] }, { kind: 'beginsWith', path: ['s'], prefix: v('x') }] })).toBe(5);
  });
});

describe('updateOperators', () => {
  it('counts + and -, if_not_exists and list_append; a SET = counts nothing', () => {
    const actions: UpdateAction[] = [
      { kind: 'set', path: ['a'], value: v(1) },
      { kind: 'set', path: ['b'], value: { kind: 'arith', op: '+', left: p('b'), right: v(1) } },
      { kind: 'set', path: ['c'], value: { kind: 'ifNotExists', path: ['c'], fallback: v(0) } },
      { kind: 'set', path: ['d'], value: { kind: 'listAppend', left: { kind: 'ifNotExists', path: ['d'], fallback: v([]) }, right: v([1]) } },
      { kind: 'remove', path: ['e'] },
      { kind: 'add', path: ['f'], value: 1 },
    ];
    expect(updateOperators(actions)).toBe(4);
  });
});

describe('checkExpressionLimits', () => {
  it('allows 300 operators and 4096 bytes, refuses one more, naming the limit', () => {
    expect(() => checkExpressionLimits('User', 'condition', 'x', 300, new Placeholders())).not.toThrow();
    expect(() => checkExpressionLimits('User', 'condition', 'x', 301, new Placeholders())).toThrow(ExpressionError);
    expect(() => checkExpressionLimits('User', 'condition', 'x', 301, new Placeholders())).toThrow('User: the condition has 301 operators and functions; DynamoDB allows 300 per expression');
    expect(() => checkExpressionLimits('User', 'update', 'a'.repeat(4096), 0, new Placeholders())).not.toThrow();
    expect(() => checkExpressionLimits('User', 'update', 'a'.repeat(4097), 0, new Placeholders())).toThrow(/the update is 4097 bytes long; DynamoDB allows 4096 bytes/);
    expect(() => checkExpressionLimits('User', 'update', 'é'.repeat(2049), 0, new Placeholders())).toThrow(/4098 bytes/);
  });
});

describe('checkExpressionLimits with names and values in place (1 MiB)', () => {
  // A long name's rough bound (3 bytes per UTF-16 unit) times the expression's length is over 1 MiB,
  // so the bound with no scan does not settle it: the uses of '#' are counted, and it passes.
  it('passes a long name used once, though the quick bound (every character a use) is over the limit', () => {
    const ph = new Placeholders();
    const name = 'n'.repeat(60_000);
    const expression = `attribute_exists(${ph.name(name)}) AND attribute_exists(${ph.name('b')})`;
    expect(expression.length * 3 * (name.length + 1)).toBeGreaterThan(1_048_576);
    expect(() => checkExpressionLimits('User', 'condition', expression, 3, ph)).not.toThrow();
  });

  it('refuses the same name used often enough to pass 1 MiB in place, naming the substituted size', () => {
    const ph = new Placeholders();
    const name = ph.name('n'.repeat(60_000));
    const expression = Array.from({ length: 18 }, () => `attribute_exists(${name})`).join(' OR ');
    expect(() => checkExpressionLimits('User', 'condition', expression, 35, ph)).toThrow(
      /^User: the condition is 1,080,\d{3} bytes with its attribute names and values in place; DynamoDB allows 1,048,576 bytes per expression/,
    );
  });
});
