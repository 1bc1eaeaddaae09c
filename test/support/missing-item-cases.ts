/**
 * Conditions of every node kind and operator, with what DynamoDB answers for them on a missing
 * item (checked on DynamoDB Local by test/integration/check-guards.test.ts, which also sends them
 * against an item that holds only its key): what `holdsOnMissingItem` must say.
 */
import { and, not, or, type AttributeOperand, type Condition } from '../../src/index.js';

/**
 * The cases, built with a table's `Attr` (`Attr`): attributes `s` (string), `t`, `u` (strings),
 * `n`, `m`, `lo`, `hi` (numbers), `b` (binary), `l` (list), `mp` (map) and the key attribute `pk`.
 */
export function missingItemCases(Attr: (path: string) => AttributeOperand<unknown>): readonly (readonly [string, Condition, boolean])[] {
  const A = Attr;
  const text = (path: string) => A(path) as AttributeOperand<string>;
  return [
    ['= value', A('s').eq('x'), false],
    ['<> value', A('s').ne('x'), true],
    ['< value', A('n').lt(1), false],
    ['<= value', A('n').lte(1), false],
    ['> value', A('n').gt(1), false],
    ['>= value', A('n').gte(1), false],
    ['= attribute', A('s').eq(A('t')), false],
    ['<> attribute', A('s').ne(A('t')), true],
    ['< attribute', A('n').lt(A('m')), false],
    ['>= attribute', A('n').gte(A('m')), false],
    ['size() = value', A('s').size().eq(0), false],
    ['size() <> value', A('s').size().ne(0), true],
    ['size() > value', A('s').size().gt(0), false],
    ['size() <= value', A('s').size().lte(0), false],
    ['size() <> size()', A('s').size().ne(A('t').size()), true],
    ['BETWEEN values', A('n').between(0, 9), false],
    ['BETWEEN attributes', A('n').between(A('lo'), A('hi')), false],
    ['size() BETWEEN', A('s').size().between(0, 9), false],
    ['IN values', A('s').in(['x', 'y']), false],
    ['IN attributes', A('s').in([A('t'), A('u')]), false],
    ['size() IN', A('s').size().in([0, 1]), false],
    ['begins_with', A('s').beginsWith('x'), false],
    ['begins_with binary', A('b').beginsWith(new Uint8Array([1])), false],
    ['begins_with attribute', A('s').beginsWith(text('t')), false],
    ['contains', A('s').contains('x'), false],
    ['contains in a list', A('l').contains('x'), false],
    ['contains attribute', A('l').contains(A('t')), false],
    ['attribute_exists', A('s').exists(), false],
    ['attribute_not_exists', A('s').notExists(), true],
    ['attribute_exists on a key attribute', A('pk').exists(), false],
    ['attribute_not_exists on a key attribute', A('pk').notExists(), true],
    ['= on a key attribute', A('pk').eq('K'), false],
    ['<> on a key attribute', A('pk').ne('K'), true],
    ['attribute_type S', A('s').type('S'), false],
    ['attribute_type NULL', A('s').type('NULL'), false],
    ['attribute_type M', A('mp').type('M'), false],
    ['nested path =', A('mp.a[0]').eq(1), false],
    ['nested path <>', A('mp.a[0]').ne(1), true],
    ['nested path attribute_not_exists', A('mp.a').notExists(), true],
    ['NOT =', not(A('s').eq('x')), true],
    ['NOT <>', not(A('s').ne('x')), false],
    ['NOT <', not(A('n').lt(1)), true],
    ['NOT BETWEEN', not(A('n').between(0, 9)), true],
    ['NOT IN', not(A('s').in(['x'])), true],
    ['NOT begins_with', not(A('s').beginsWith('x')), true],
    ['NOT contains', not(A('s').contains('x')), true],
    ['NOT attribute_type', not(A('s').type('S')), true],
    ['NOT size() >', not(A('s').size().gt(0)), true],
    ['NOT attribute_not_exists', not(A('s').notExists()), false],
    ['AND of true and false', and(A('s').notExists(), A('n').gt(1)), false],
    ['AND of two true', and(A('s').notExists(), A('n').ne(1)), true],
    ['OR of false and true', or(A('n').gt(1), A('s').notExists()), true],
    ['OR of two false', or(A('n').gt(1), A('s').exists()), false],
    ['NOT of AND', not(and(A('s').eq('x'), A('n').gt(1))), true],
    ['NOT of OR with a true part', not(or(A('s').eq('x'), A('n').ne(1))), false],
  ];
}
