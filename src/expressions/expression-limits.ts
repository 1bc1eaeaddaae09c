import type { ConditionNode, Operand, SetValue, UpdateAction } from './ast.js';
import { attributeValueSize, expressionValueSize, MAX_ITEM_BYTES, utf8Length } from '../entity/item-size.js';
import { ExpressionError } from '../errors.js';
import type { Placeholders } from './placeholders.js';

/** DynamoDB's cap on any expression string, in bytes, before placeholders are substituted. */
export const MAX_EXPRESSION_BYTES = 4096;
/**
 * DynamoDB's cap on one expression once its placeholders are replaced by the names and values
 * they stand for (not in the docs; DynamoDB Local refuses 1,048,577 bytes: "Expression size has
 * exceeded the maximum allowed size").
 */
export const MAX_SUBSTITUTED_EXPRESSION_BYTES = 1_048_576;
/**
 * DynamoDB's cap on one map or list value of an expression, as `expressionValueSize` counts it:
 * the item limit (DynamoDB Local: "Item size has exceeded the maximum allowed size for key :v0").
 */
export const MAX_EXPRESSION_VALUE_BYTES = MAX_ITEM_BYTES;
/** DynamoDB's cap on operators and functions in one expression. */
export const MAX_EXPRESSION_OPERATORS = 300;
const sizeOf = (o: Operand): number => (o.kind === 'size' ? 1 : 0);

/**
 * Operators and functions in a condition, counted as DynamoDB counts them (checked against
 * DynamoDB Local): each comparator, BETWEEN, IN, NOT, function and size(), and each AND/OR between
 * terms; parentheses count nothing.
 */
export function conditionOperators(node: ConditionNode): number {
  switch (node.kind) {
    case 'compare':
      return 1 + sizeOf(node.left) + sizeOf(node.right);
    case 'between':
      return 1 + sizeOf(node.operand) + sizeOf(node.low) + sizeOf(node.high);
    case 'in':
      return 1 + sizeOf(node.operand) + node.values.reduce((n, v) => n + sizeOf(v), 0);
    case 'beginsWith':
      return 1 + sizeOf(node.prefix);
    case 'contains':
      return 1 + sizeOf(node.operand);
    case 'exists':
    case 'type':
      return 1;
    case 'and':
    case 'or':
      return node.children.reduce((n, c) => n + conditionOperators(c), Math.max(0, node.children.length - 1));
    case 'not':
      return 1 + conditionOperators(node.child);
    case 'scoped':
      return conditionOperators(node.child);
  }
}

function setValueOperators(v: SetValue): number {
  switch (v.kind) {
    case 'ifNotExists':
      return 1 + setValueOperators(v.fallback);
    case 'listAppend':
    case 'arith':
      return 1 + setValueOperators(v.left) + setValueOperators(v.right);
    default:
      return 0;
  }
}

/** Operators and functions in an update: `+`/`-`, if_not_exists and list_append (a SET's `=` counts nothing). */
export function updateOperators(actions: readonly UpdateAction[]): number {
  let n = 0;
  for (const a of actions) if (a.kind === 'set') n += setValueOperators(a.value);
  return n;
}

// DynamoDB refuses placeholder keys other than `#` or `:` followed by letters, digits and `_`.
const PLACEHOLDER = /[#:][A-Za-z0-9_]+/g;

/** The names and values an expression's placeholders stand for. */
export interface Substitutions {
  readonly names?: Readonly<Record<string, string>> | undefined;
  readonly values?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Bytes of an expression as DynamoDB Local counts them against its 1 MiB (and a transaction's
 * 4 MB), checked byte for byte: the expression's length plus, at every use of a placeholder, the
 * bytes of its name or the size of its value (a value used twice counts twice). `sizes` caches
 * sizes by placeholder across the expressions of one request.
 */
export function substitutedBytes(expression: string, { names = {}, values = {} }: Substitutions, sizes = new Map<string, number>()): number {
  let total = utf8Length(expression);
  for (const [token] of expression.matchAll(PLACEHOLDER)) {
    let size = sizes.get(token);
    if (size === undefined) {
      size = token.startsWith('#') ? utf8Length(names[token] ?? '') : attributeValueSize(values[token]);
      sizes.set(token, size);
    }
    total += size;
  }
  return total;
}

/**
 * Fails before sending for a map or list value (stored form) that DynamoDB refuses as an expression
 * value, at `path` of `entity`: over 400 KB as `expressionValueSize` counts it (`bytes`, when the
 * caller has it). Other values pass at the cost of a type test.
 */
export function checkExpressionValue(entity: string, path: string, value: unknown, bytes?: number): void {
  if (typeof value !== 'object' || value === null) return;
  bytes ??= expressionValueSize(value);
  if (bytes === undefined || bytes <= MAX_EXPRESSION_VALUE_BYTES) return;
  const kind = Array.isArray(value) ? 'a list value of the expression is' : 'a map value of the expression is';
  const counted = Array.isArray(value) ? 'the sum of its elements' : 'sized as an item: its keys and values';
  throw new ExpressionError(
    entity,
    path,
    `${kind} ${bytes.toLocaleString('en-US')} bytes (${counted}); DynamoDB allows ${MAX_EXPRESSION_VALUE_BYTES.toLocaleString('en-US')} bytes (400 KB) for a map or list value in an expression`,
  );
}

/**
 * Fails before sending when an expression is over DynamoDB's size or operator limits, which it
 * would reject whole: its raw length, its operators, and its size with `substitutions` in place.
 */
export function checkExpressionLimits(entity: string, what: string, expression: string, operators: number, ph: Placeholders): void {
  if (operators > MAX_EXPRESSION_OPERATORS) {
    throw new ExpressionError(entity, '', `the ${what} has ${operators} operators and functions; DynamoDB allows ${MAX_EXPRESSION_OPERATORS} per expression`);
  }
  // Placeholders keep expressions ASCII, so length is bytes; measured exactly only near the limit.
  if (expression.length > MAX_EXPRESSION_BYTES / 4) {
    const bytes = Buffer.byteLength(expression, 'utf8');
    if (bytes > MAX_EXPRESSION_BYTES) {
      throw new ExpressionError(entity, '', `the ${what} is ${bytes} bytes long; DynamoDB allows ${MAX_EXPRESSION_BYTES} bytes per expression (split the work or shorten lists)`);
    }
  }
  // Far below the limit (every request dynakit builds for ordinary items) a cheap bound of all the
  // command's names and values settles it without sizing each use of each value.
  if (roughBound(expression, ph) <= MAX_SUBSTITUTED_EXPRESSION_BYTES) return;
  const substituted = substitutedBytes(expression, ph);
  if (substituted > MAX_SUBSTITUTED_EXPRESSION_BYTES) {
    throw new ExpressionError(
      entity,
      '',
      `the ${what} is ${substituted.toLocaleString('en-US')} bytes with its attribute names and values in place; DynamoDB allows ${MAX_SUBSTITUTED_EXPRESSION_BYTES.toLocaleString('en-US')} bytes per expression (a value used twice counts twice)`,
    );
  }
}

/**
 * An upper bound of `substitutedBytes`: dynakit gives every use of a value its own placeholder,
 * while a name may be used many times, so the names count once per `#` of the expression. The
 * placeholders keep the sums of names and values (`roughValueBytes`) as they are added: all of
 * the command's, so a bound for each of its expressions.
 */
function roughBound(expression: string, ph: Placeholders): number {
  // Each use is a character of the expression: a bound with no scan settles ordinary expressions.
  const loose = expression.length + ph.roughNameBytes * expression.length + ph.roughValueBytes;
  if (loose <= MAX_SUBSTITUTED_EXPRESSION_BYTES) return loose;
  let uses = 0;
  for (let i = expression.indexOf('#'); i !== -1; i = expression.indexOf('#', i + 1)) uses++;
  return expression.length + ph.roughNameBytes * uses + ph.roughValueBytes;
}
