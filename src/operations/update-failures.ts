import type { DocPath, SetValue } from '../expressions/ast.js';
import { formatDocPath } from '../expressions/document-path.js';
import { ExpressionError, ItemSizeError } from '../errors.js';
import { MAX_ITEM_BYTES } from '../entity/item-size.js';
import type { EntityModel } from '../entity/model.js';
import { planSteps, type UpdateStep } from './update-plan.js';

const INVALID_PATH = 'document path provided in the update expression is invalid for update';
const MISSING_SOURCE = 'provided expression refers to an attribute that does not exist in the item';
const WRONG_TYPE = 'An operand in the update expression has an incorrect data type';
const TOO_BIG = 'Item size to update has exceeded the maximum allowed size';
/** DynamoDB's answers to a sum or difference it cannot store (38 digits, magnitude 1E-130 to 1E+126). */
const NUMBER_LIMITS = ['only supports precision up to 38 digits', 'Number overflow', 'Number underflow'];

/**
 * Restates DynamoDB's answers to an update that reads or writes where the stored item has nothing,
 * which name no path, as an `ExpressionError` naming the update's paths (the SDK error is its
 * `cause`); any other error is returned as it is.
 *
 * - `SET address.city` or `REMOVE items[0]` when `address` / `items` is missing: the nested paths.
 * - `SET price = listPrice` (a `ref()` copy or sum) when `listPrice` is missing: the paths the
 *   update reads without an `ifNotExists` fallback.
 * - `ADD tags :v`, `DELETE`, `list_append`, `+`/`-` when the stored attribute has another type
 *   than the schema says (written by another program, or an empty set stored as NULL): the paths
 *   whose stored values these operate on.
 * - An update that grows the item past 400 KB: an `ItemSizeError`, as a put that big gets.
 *
 * @example explainUpdateFailure(User.model, steps, e) // ExpressionError "User: score: update: the stored item has no score to read ..."
 */
export function explainUpdateFailure(model: EntityModel, steps: readonly UpdateStep[], e: unknown): unknown {
  const message = (e as { message?: unknown } | null)?.message;
  if ((e as { name?: unknown } | null)?.name !== 'ValidationException' || typeof message !== 'string') return e;
  if (message.includes(TOO_BIG)) return tooBig(model, e);
  let paths: string[];
  let why: string;
  if (message.includes(INVALID_PATH)) {
    paths = planSteps(model, steps)
      .actions.filter((a) => a.path.length > 1)
      .map((a) => formatDocPath(a.path));
    why = `the stored item has no map or list to hold ${paths.length > 1 ? 'these paths' : 'this path'} (DynamoDB: "${message}"); set the whole attribute when it may be missing`;
  } else if (message.includes(MISSING_SOURCE)) {
    const read = new Set<string>();
    for (const a of planSteps(model, steps).actions) if (a.kind === 'set') for (const p of readPaths(a.value)) read.add(formatDocPath(p));
    paths = [...read];
    const which = paths.length > 1 ? `one of ${paths.join(', ')}` : paths[0];
    why = `the stored item has no ${which} to read (DynamoDB: "${message}"); give the copy a fallback with ifNotExists(...) when it may be missing`;
  } else if (message.includes(WRONG_TYPE)) {
    const typed = new Set<string>();
    for (const a of planSteps(model, steps).actions) {
      if (a.kind === 'add' || a.kind === 'delete') typed.add(formatDocPath(a.path));
      else if (a.kind === 'set') for (const p of operandPaths(a.value, false)) typed.add(formatDocPath(p));
    }
    paths = [...typed];
    const which = paths.length > 1 ? `one of ${paths.join(', ')}` : paths[0];
    why =
      `the stored ${which} is not of the type the update works on (DynamoDB: "${message}"): ADD and arithmetic need a number, ADD and DELETE of elements a set of ` +
      'their type, append and prepend a list; the item was written otherwise than the schema says (by another program, or an older schema), so set the whole attribute to replace it';
  } else if (NUMBER_LIMITS.some((m) => message.includes(m))) {
    // The operands were checked before sending; only the result, from the stored number, can break a limit.
    const summed = new Set<string>();
    for (const a of planSteps(model, steps).actions) {
      if (a.kind === 'add' && !(a.value instanceof Set)) summed.add(formatDocPath(a.path));
      else if (a.kind === 'set' && hasArithmetic(a.value)) summed.add(formatDocPath(a.path));
    }
    paths = [...summed];
    const which = paths.length > 1 ? `one of ${paths.join(', ')}` : paths[0];
    why =
      `the new ${which} (the stored number plus or minus the update's) is a number DynamoDB cannot store (DynamoDB: "${message}"): ` +
      'at most 38 significant digits, magnitudes from 1E-130 to below 1E+126; nothing was written';
  } else {
    return e;
  }
  if (paths.length === 0) return e;
  const error = new ExpressionError(model.name, paths.join(', '), `update: ${why}`);
  error.cause = e;
  return error;
}

/**
 * An update that grows the stored item past 400 KB, which only DynamoDB can find out (what the item
 * keeps is not known before sending; `checkUpdatedSize` refuses what is too big in any case): the
 * `ItemSizeError` a put that big gets, naming the entity and the limit, with DynamoDB's answer as
 * its `cause`. Nothing was written.
 */
function tooBig(model: EntityModel, e: unknown): ItemSizeError {
  const error = new ItemSizeError(model.name, MAX_ITEM_BYTES + 1, MAX_ITEM_BYTES);
  error.message = `${model.name}: update: the updated item would be over DynamoDB's limit of ${MAX_ITEM_BYTES.toLocaleString('en-US')} bytes (400 KB) with what the stored item keeps (DynamoDB: "${TOO_BIG}"); nothing was written`;
  error.cause = e;
  return error;
}

/** Whether a SET value adds or subtracts (`ref('n').plus(1)`, `ifNotExists(...).minus(...)`). */
function hasArithmetic(v: SetValue): boolean {
  if (v.kind === 'arith') return true;
  if (v.kind === 'ifNotExists') return hasArithmetic(v.fallback);
  return v.kind === 'listAppend' && (hasArithmetic(v.left) || hasArithmetic(v.right));
}

/** The stored attributes a SET value reads that must exist: every path but those under `ifNotExists`. */
function readPaths(v: SetValue): DocPath[] {
  switch (v.kind) {
    case 'path':
      return [v.path];
    case 'arith':
    case 'listAppend':
      return [...readPaths(v.left), ...readPaths(v.right)];
    case 'ifNotExists':
      // Its own path is read only when present; the fallback when it is not.
      return readPaths(v.fallback);
    default:
      return [];
  }
}

/**
 * The stored attributes a SET value hands to an operator that needs a type (`+`, `-`,
 * `list_append`): the ones DynamoDB finds of an "incorrect data type". A plain copy or
 * `if_not_exists` outside an operator takes any type.
 */
function operandPaths(v: SetValue, operand: boolean): DocPath[] {
  switch (v.kind) {
    case 'path':
      return operand ? [v.path] : [];
    case 'ifNotExists':
      return operand ? [v.path, ...operandPaths(v.fallback, true)] : operandPaths(v.fallback, false);
    case 'arith':
    case 'listAppend':
      return [...operandPaths(v.left, true), ...operandPaths(v.right, true)];
    default:
      return [];
  }
}
