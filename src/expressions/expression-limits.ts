import type { ConditionNode, Operand, SetValue, UpdateAction } from './ast.js';
import { ExpressionError } from '../errors.js';

/** DynamoDB's cap on any expression string, in bytes, before placeholders are substituted. */
export const MAX_EXPRESSION_BYTES = 4096;
/** DynamoDB's cap on operators and functions in one expression. */
export const MAX_EXPRESSION_OPERATORS = 300;
/**
 * DynamoDB's cap on one expression with its names and values substituted (not in the docs;
 * measured on DynamoDB Local, UpdateItem and TransactWriteItems alike: the expression's length
 * plus the bytes of the names and values it uses is at most 1 MiB).
 */
export const MAX_SUBSTITUTED_BYTES = 1_048_576;

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

/**
 * What a value adds to a substituted expression, at least: the UTF-8 bytes of its strings and the
 * bytes of its binaries, inside lists, sets and maps too (measured for strings, binary, lists).
 * Numbers and the rest count nothing here, so the check is never stricter than DynamoDB. With
 * `exact` false a string counts 3 bytes per UTF-16 unit (never less than its UTF-8 bytes): a cheap
 * bound that spares measuring text of commands far from the limit.
 */
function valueBytes(v: unknown, exact: boolean): number {
  if (typeof v === 'string') return exact ? Buffer.byteLength(v, 'utf8') : 3 * v.length;
  if (v instanceof Uint8Array) return v.byteLength;
  if (typeof v !== 'object' || v === null) return 0;
  let n = 0;
  for (const e of v instanceof Set || Array.isArray(v) ? v : Object.values(v)) n += valueBytes(e, exact);
  return n;
}

/**
 * Fails before sending when an expression with its names and `values` substituted is over 1 MiB,
 * which DynamoDB rejects whole ("Expression size has exceeded the maximum allowed size"). `names`
 * maps the command's name placeholders (those of other expressions too) to attribute names; each
 * name the expression uses counts once, a lower bound where it is used more than once.
 */
export function checkSubstitutedSize(entity: string, what: string, expression: string, values: readonly unknown[], names: Readonly<Record<string, string>>): void {
  let bound = expression.length;
  for (const v of values) bound += valueBytes(v, false);
  for (const n of Object.values(names)) bound += 3 * n.length;
  if (bound <= MAX_SUBSTITUTED_BYTES) return;
  let bytes = expression.length;
  for (const v of values) bytes += valueBytes(v, true);
  for (const ph of new Set(expression.match(/#n\d+/g))) bytes += Buffer.byteLength(names[ph] ?? '', 'utf8');
  if (bytes > MAX_SUBSTITUTED_BYTES) {
    throw new ExpressionError(entity, '', `the ${what} with its names and values is at least ${bytes} bytes; DynamoDB allows 1 MiB (${MAX_SUBSTITUTED_BYTES} bytes) per expression with its names and values substituted (a value used twice counts twice)`);
  }
}

/**
 * Fails before sending when an expression is over DynamoDB's size or operator limits, which it
 * would reject whole.
 */
export function checkExpressionLimits(entity: string, what: string, expression: string, operators: number): void {
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
}
