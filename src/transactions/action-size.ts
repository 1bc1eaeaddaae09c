import { computeItemSize } from '../entity/item-size.js';
import { substitutedBytes } from '../expressions/expression-limits.js';

/** The members of a transaction action that count toward DynamoDB's 4 MB per transaction. */
export interface SizedAction {
  readonly Key?: Record<string, unknown>;
  readonly UpdateExpression?: string;
  readonly ConditionExpression?: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ExpressionAttributeValues?: Record<string, unknown>;
}

/**
 * Bytes an action's expressions count toward the 4 MB, as DynamoDB Local counts them (checked byte
 * for byte): each expression with its names and values substituted (see `substitutedBytes`); a
 * value in the map costs nothing by itself, nor do the placeholder keys, the table name or the
 * return-values options.
 */
export function expressionBytes(action: SizedAction): number {
  const substitutions = { names: action.ExpressionAttributeNames, values: action.ExpressionAttributeValues };
  // A value used in several places is walked once.
  const sizes = new Map<string, number>();
  let total = 0;
  for (const expression of [action.UpdateExpression, action.ConditionExpression]) {
    if (expression !== undefined) total += substitutedBytes(expression, substitutions, sizes);
  }
  return total;
}

/** What an update, delete or condition check counts toward the 4 MB: its key and its expressions. */
export function keyedActionBytes(action: SizedAction): number {
  return computeItemSize(action.Key ?? {}) + expressionBytes(action);
}
