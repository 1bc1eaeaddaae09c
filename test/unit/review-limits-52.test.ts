/**
 * The sizing rule of map and list values in expressions (boundaries measured on DynamoDB Local, see
 * test/integration/review-limits-52.test.ts), and and()/or() without conditions.
 */
import { describe, expect, it } from 'vitest';
import { NumberValue } from '@aws-sdk/lib-dynamodb';
import { and, DynakitError, ExpressionError, or } from '../../src/index.js';
import { expressionValueSize } from '../../src/entity/item-size.js';
import { MAX_EXPRESSION_VALUE_BYTES } from '../../src/expressions/expression-limits.js';

describe('expressionValueSize: what DynamoDB counts against the 400 KB of one map or list value', () => {
  // Each value below is the largest of its shape DynamoDB Local took (one byte more was refused).
  it.each<[string, unknown]>([
    ['map {a: s}', { a: 'x'.repeat(409_599) }],
    ['map {abc: s}', { abc: 'x'.repeat(409_597) }],
    ['map {a: s, bb: yy}', { a: 'x'.repeat(409_595), bb: 'yy' }],
    ['map {a: {b: s}}', { a: { b: 'x'.repeat(409_594) } }],
    ['map {a: [s]}', { a: ['x'.repeat(409_595)] }],
    ['map {é: s}', { é: 'x'.repeat(409_598) }],
    ['map {a: null, b: s}', { a: null, b: 'x'.repeat(409_597) }],
    ['list [s]', ['x'.repeat(409_600)]],
    ['list [s, yy]', ['x'.repeat(409_598), 'yy']],
    ['list [s, 1]', ['x'.repeat(409_598), 1]],
    ['list [[s]]', [['x'.repeat(409_596)]]],
    ['list [{b: s}]', [{ b: 'x'.repeat(409_595) }]],
    ['list of 136,533 empty maps', Array.from({ length: 136_533 }, () => ({}))],
  ])('%s: the largest DynamoDB takes is exactly the limit or just under', (_shape, value) => {
    const size = expressionValueSize(value)!;
    expect(size).toBeLessThanOrEqual(MAX_EXPRESSION_VALUE_BYTES);
    expect(size).toBeGreaterThan(MAX_EXPRESSION_VALUE_BYTES - 3);
  });

  it('strings, numbers, binary, sets and NumberValue have no such cap', () => {
    for (const v of ['x'.repeat(500_000), 1, new Uint8Array(500_000), new Set(['a']), NumberValue.from('1'), null, true]) expect(expressionValueSize(v)).toBeUndefined();
  });
});

describe('and() / or() without conditions', () => {
  it('is a typed ExpressionError that says what to do with a list that may be empty', () => {
    for (const [name, f] of [['and', and], ['or', or]] as const) {
      let error: unknown;
      try {
        f();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ExpressionError);
      expect(error).toBeInstanceOf(DynakitError);
      expect(String((error as Error).message)).toMatch(new RegExp(`^${name}\\(\\): needs at least one condition .*call where\\(\\) or filter\\(\\) once per condition`));
    }
  });
});
