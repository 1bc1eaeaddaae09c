import { ExpressionError } from '../errors.js';
import { Condition, nonConditionText } from './condition.js';
import { KeyCondition } from './key-condition.js';
import { TableKeyCondition } from './table-key-condition.js';

/**
 * What untyped code (plain JavaScript, a cast) passed where a condition belongs, in words: the
 * types keep `Key(...)` conditions (queries) and `Attr(...)` conditions (filters, `where()`,
 * `check()`) apart, and an operand without its comparison out of both, but a caller they do not
 * reach would otherwise meet a TypeError from deep inside the compiler.
 */
function given(value: unknown): string {
  if (value instanceof KeyCondition) return 'a Key(...) key condition';
  if (value instanceof TableKeyCondition) return "a table's Key(...) key condition";
  if (value instanceof Condition) return 'an Attr(...) condition';
  return nonConditionText(value);
}

/**
 * `value` as the `Attr(...)` condition of a filter, `where()` or `check()` (`use` names it);
 * anything else is an `ExpressionError` naming what was given, before any request.
 *
 * @example requireCondition('User', User.Attr('age').gte(18), 'filter()')
 */
export function requireCondition(owner: string, value: unknown, use: string): Condition {
  if (value instanceof Condition) return value;
  throw new ExpressionError(owner, '', `${use} takes a condition built with Attr(...) (e.g. Attr('age').gte(18)), got ${given(value)}`);
}

/**
 * `value` as the key condition of an entity query of `index` (`example` is one of its partition
 * composites); anything else is an `ExpressionError` naming what was given, before any request.
 *
 * @example requireKeyCondition('User', User.Key('userId').eq('u1'), 'primary', 'userId')
 */
export function requireKeyCondition(owner: string, value: unknown, index: string, example: string): KeyCondition {
  if (value instanceof KeyCondition) return value;
  throw new ExpressionError(owner, '', `query of ${index} needs a key condition built with Key(...) (e.g. Key('${example}').eq(...)), got ${given(value)}`);
}

/**
 * `value` as the key condition of a table-level query (`table` names the table): a condition on
 * its physical key attributes.
 */
export function requireTableKeyCondition(table: string, value: unknown): Condition {
  if (value instanceof Condition) return value;
  throw new ExpressionError(table, '', `query needs a key condition built with the table's Key(...) or an entity's partition(...), got ${given(value)}`);
}
