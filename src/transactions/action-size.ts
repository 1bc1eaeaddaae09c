import { attributeValueSize, computeItemSize, utf8Length } from '../entity/item-size.js';

/** The members of a transaction action that count toward DynamoDB's 4 MB per transaction. */
export interface SizedAction {
  readonly Key?: Record<string, unknown>;
  readonly UpdateExpression?: string;
  readonly ConditionExpression?: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ExpressionAttributeValues?: Record<string, unknown>;
}

// DynamoDB refuses placeholder keys other than `#` or `:` followed by letters, digits and `_`.
const PLACEHOLDER = /[#:][A-Za-z0-9_]+/g;

/**
 * Bytes an action's expressions count toward the 4 MB, as DynamoDB Local counts them (checked byte
 * for byte): the length of each expression, plus, at every use of a placeholder, the bytes of its
 * name or the size of its value. A value used twice counts twice; a value in the map costs nothing
 * by itself, nor do the placeholder keys, the table name or the return-values options.
 */
export function expressionBytes(action: SizedAction): number {
  const names = action.ExpressionAttributeNames ?? {};
  const values = action.ExpressionAttributeValues ?? {};
  // A value used in several places is walked once.
  const sizes = new Map<string, number>();
  let total = 0;
  for (const expression of [action.UpdateExpression, action.ConditionExpression]) {
    if (expression === undefined) continue;
    total += utf8Length(expression);
    for (const [token] of expression.matchAll(PLACEHOLDER)) {
      let size = sizes.get(token);
      if (size === undefined) {
        size = token.startsWith('#') ? utf8Length(names[token] ?? '') : attributeValueSize(values[token]);
        sizes.set(token, size);
      }
      total += size;
    }
  }
  return total;
}

/** What an update, delete or condition check counts toward the 4 MB: its key and its expressions. */
export function keyedActionBytes(action: SizedAction): number {
  return computeItemSize(action.Key ?? {}) + expressionBytes(action);
}
