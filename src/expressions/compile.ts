import type { ConditionNode, ConditionScope, DocPath, Operand } from './ast.js';
import type { Placeholders } from './placeholders.js';
import { formatDocPath, MAX_DOCUMENT_PATH_LEVELS, pathsOverlap } from './document-path.js';
import { ExpressionError } from '../errors.js';
import { checkExpressionLimits, checkExpressionValue, conditionOperators } from './expression-limits.js';
import { compareStored } from './value-order.js';
import { mapOrListSizes } from '../entity/item-size.js';
import { hasLoneSurrogate, LONE_SURROGATE_NAME, MAX_ATTRIBUTE_NAME_BYTES, nameBytesOverLimit } from '../entity/text-rules.js';
import { isIsoText } from '../entity/key-encoding.js';
import { nextWholeSecond } from '../entity/value-encoding.js';

/**
 * Turns a stored-form value into what goes into `ExpressionAttributeValues`. Supplied by the
 * caller so the compiler stays free of schema knowledge; it throws for values DynamoDB rejects.
 */
/**
 * Encodes a value for `path`; `level` is the nesting level it is stored at (see `toStoredValue`):
 * the target's for a SET, 0 for any other value (DynamoDB nests an expression value as an item).
 */
export type ValueEncoder = (value: unknown, path: string, level?: number) => unknown;

/** Where an expression is compiled for: names the entity in errors, encodes values (see `ConditionScope`). */
export interface CompileContext extends ConditionScope {
  readonly ph: Placeholders;
  readonly encode: ValueEncoder;
}

/**
 * A top-level attribute an update SETs to a given value: its name in the model, its encoded value,
 * and for a map or list its exact stored size (what the update-size check needs).
 */
export interface SetAttributeValue {
  readonly name: string;
  readonly value: unknown;
  readonly bytes: number | undefined;
}

/** DynamoDB's cap on IN operands. */
export const MAX_IN_OPERANDS = 100;

/** The type names `attribute_type` accepts; anything else is a ValidationException. */
const ATTRIBUTE_TYPES: ReadonlySet<string> = new Set(['S', 'SS', 'N', 'NS', 'B', 'BS', 'BOOL', 'NULL', 'L', 'M']);

/**
 * `address.city` -> `#n0.#n1`, `items[2]` -> `#n2[2]`; every name goes through a placeholder, the
 * first one as `storedName` gives it. A path deeper than DynamoDB reads is refused here, where every
 * path of every expression passes, whoever built it (a table's untyped `Attr`, a recursive schema).
 */
export function compilePath(path: DocPath, ctx: CompileContext): string {
  if (path.length > MAX_DOCUMENT_PATH_LEVELS) {
    throw new ExpressionError(ctx.entity, formatDocPath(path), `is a document path of ${path.length} levels; DynamoDB allows ${MAX_DOCUMENT_PATH_LEVELS} (each name and list index is one)`);
  }
  const { ph, storedName } = ctx;
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') {
      out += `[${seg}]`;
      continue;
    }
    const name = out === '' && storedName !== undefined ? storedName(seg) : seg;
    const bytes = nameBytesOverLimit(name);
    if (bytes !== undefined) nameTooLong(bytes, path, ctx);
    if (hasLoneSurrogate(name)) halfCharacterName(path, ctx);
    out += out === '' ? ph.name(name) : `.${ph.name(name)}`;
  }
  return out;
}

function nameTooLong(bytes: number, path: DocPath, ctx: CompileContext): never {
  // The path itself would make a message of 64 KB: its start says which one it is.
  const shown = formatDocPath(path);
  throw new ExpressionError(
    ctx.entity,
    shown.length > 60 ? `${shown.slice(0, 60)}…` : shown,
    `names an attribute of ${bytes.toLocaleString('en-US')} bytes; DynamoDB allows ${MAX_ATTRIBUTE_NAME_BYTES.toLocaleString('en-US')} bytes per attribute name`,
  );
}

/**
 * A name with half a character has no UTF-8 form: DynamoDB Local answers a write of such an item
 * with a 500 (which the SDK retries), and takes an UpdateItem through such an expression name,
 * after which every read of the item fails with a 500.
 */
function halfCharacterName(path: DocPath, ctx: CompileContext): never {
  throw new ExpressionError(ctx.entity, formatDocPath(path), `names an attribute or map key that ${LONE_SURROGATE_NAME}`);
}

export function compileOperand(op: Operand, ctx: CompileContext, at: string): string {
  switch (op.kind) {
    case 'path':
      return compilePath(op.path, ctx);
    case 'size':
      return `size(${compilePath(op.path, ctx)})`;
    case 'value':
      return placeValue(op.value, ctx, at);
  }
}

/**
 * `level` as a SET stores the value; any other value DynamoDB nests as an item (level 0): a map or
 * list of 33 nested maps and lists is refused in a condition too ("Nesting Levels have exceeded").
 */
function encodeDefined(value: unknown, ctx: CompileContext, at: string, level = 0): unknown {
  const v = ctx.encode(value, at, level);
  if (v === undefined) throw new ExpressionError(ctx.entity, at, 'undefined is not a value (test a missing attribute with notExists())');
  return v;
}

/**
 * `encodeDefined`, then a placeholder for the value. A map or list is sized once, for the 400 KB
 * cap and the 1 MiB bound alike; `set` takes a top-level attribute's encoded value and size.
 */
export function placeValue(value: unknown, ctx: CompileContext, at: string, level = 0, set?: { readonly name: string; readonly into: SetAttributeValue[] }): string {
  const v = encodeDefined(value, ctx, at, level);
  const sizes = mapOrListSizes(v);
  if (sizes !== undefined) checkExpressionValue(ctx.entity, at, v, sizes.expression);
  set?.into.push({ name: set.name, value: v, bytes: sizes?.stored });
  return ctx.ph.value(v, sizes?.stored);
}

/**
 * A Date bound of `<`, `>=` or a BETWEEN's low end, moved up to the next whole second where the
 * attribute stores whole epoch seconds (the TTL: its Date encodes to a number). Encoding rounds
 * down, which is right for `>` and `<=`; for these it would make `lt(00:00:00.5)` miss the item at
 * 00:00:00 and `gte(00:00:00.5)` take it, though it reads back as 00:00:00.
 */
function roundedUp(op: Operand, ctx: CompileContext, at: string): Operand {
  if (op.kind !== 'value' || !(op.value instanceof Date) || Number.isNaN(op.value.getTime()) || typeof ctx.encode(op.value, at, 0) !== 'number') return op;
  return { kind: 'value', value: nextWholeSecond(op.value) };
}

/** `roundedUp` for a BETWEEN's low bound, unless that passes the high one (no whole second between them: left as given). */
function betweenLow(low: Operand, high: Operand, ctx: CompileContext, at: string): Operand {
  const up = roundedUp(low, ctx, at);
  if (up === low || up.kind !== 'value' || high.kind !== 'value') return up;
  return (compareStored(ctx.encode(up.value, at, 0), ctx.encode(high.value, at, 0)) ?? 0) > 0 ? low : up;
}

function operandPath(op: Operand): string {
  if (op.kind === 'value') return '';
  const p = op.path;
  return p.length === 1 && typeof p[0] === 'string' ? p[0] : formatDocPath(p);
}

/** Lets the caller refuse attribute-to-attribute comparisons of values stored in different forms. */
function checkCompared(subject: Operand, others: readonly Operand[], ctx: CompileContext): void {
  if (ctx.comparePaths === undefined || subject.kind !== 'path') return;
  for (const o of others) if (o.kind === 'path') ctx.comparePaths(subject.path, o.path);
}

const ORDERED: ReadonlySet<string> = new Set(['<', '<=', '>', '>=']);

/** DynamoDB's type name for a stored value, as said in errors. */
function storedKind(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Set) return 'a set';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Uint8Array) return 'binary';
  if (typeof v === 'object') return 'a map';
  return `a ${typeof v}`;
}

/**
 * A value operand of an operator that orders (`<`, BETWEEN) or takes a prefix (begins_with):
 * DynamoDB rejects any other type than N, S or B (for a prefix S or B) with a ValidationException.
 */
function typedOperand(op: Operand, ctx: CompileContext, at: string, operator: string, prefix: boolean): string {
  if (op.kind === 'size' && prefix) throw new ExpressionError(ctx.entity, at, `begins_with needs a string or binary prefix; got size(${formatDocPath(op.path)})`);
  if (op.kind !== 'value') return compileOperand(op, ctx, at);
  const v = encodeDefined(op.value, ctx, at);
  checkOrderedDate(op.value, v, ctx, at, operator);
  checkExpressionValue(ctx.entity, at, v);
  if (!(typeof v === 'string' || v instanceof Uint8Array || (!prefix && (typeof v === 'number' || typeof v === 'bigint')))) {
    throw new ExpressionError(ctx.entity, at, prefix ? `begins_with needs a string or binary prefix; got ${storedKind(v)}` : `${operator} needs a number, string or binary value; got ${storedKind(v)}`);
  }
  return ctx.ph.value(v);
}

/**
 * A `Date` sent as ISO-8601 text (not as epoch numbers, as at the TTL attribute) to an operator that
 * orders must fall in the years 0000-9999: outside them the text is `+275760-09-13T...` or
 * `-000001-...`, which DynamoDB orders before every four-digit year, so `lt(new Date(8.64e15))`
 * (a "forever" sentinel) held for no stored date in time order, silently.
 */
function checkOrderedDate(given: unknown, sent: unknown, ctx: CompileContext, at: string, operator: string): void {
  if (!(given instanceof Date) || typeof sent !== 'string' || isIsoText(sent, false)) return;
  throw new ExpressionError(
    ctx.entity,
    at,
    `${operator} compares a Date outside the years 0000-9999 (${sent}): a Date is sent as ISO-8601 text, which orders by time only with four-digit years (DynamoDB would put this one before every stored date); use a Date within them`,
  );
}

const samePath = (a: DocPath, b: Operand): boolean => b.kind === 'path' && a.length === b.path.length && a.every((s, i) => s === b.path[i]);

/** DynamoDB rejects an operator whose first operand (a path) comes back among the others. */
function assertDistinct(first: Operand, others: readonly Operand[], operator: string, ctx: CompileContext): void {
  if (first.kind !== 'path' || !others.some((o) => samePath(first.path, o))) return;
  const at = formatDocPath(first.path);
  throw new ExpressionError(ctx.entity, at, `${operator} compares ${at} with itself; DynamoDB rejects an attribute repeated among an operator's operands`);
}

/**
 * Compiles a condition tree into a `ConditionExpression` / `FilterExpression` string.
 * Children of AND/OR are parenthesised only when their precedence needs it.
 *
 * @example compileCondition({ kind: 'exists', path: ['pk'], negate: true }, ctx) // 'attribute_not_exists(#n0)'
 */
export function compileCondition(node: ConditionNode, ctx: CompileContext): string {
  const expression = emitCondition(node, ctx);
  checkExpressionLimits(ctx.entity, 'condition', expression, conditionOperators(node), ctx.ph);
  return expression;
}

function emitCondition(node: ConditionNode, ctx: CompileContext): string {
  switch (node.kind) {
    case 'compare': {
      const at = operandPath(node.left);
      // Only an attribute on the right can be stored otherwise or be the same path (the usual right side is a value).
      if (node.right.kind !== 'value') {
        checkCompared(node.left, [node.right], ctx);
        assertDistinct(node.left, [node.right], node.op, ctx);
      }
      const left = compileOperand(node.left, ctx, at);
      const given = node.op === '<' || node.op === '>=' ? roundedUp(node.right, ctx, at) : node.right;
      const right = ORDERED.has(node.op) ? typedOperand(given, ctx, at, node.op, false) : compileOperand(given, ctx, at);
      return `${left} ${node.op} ${right}`;
    }
    case 'between': {
      const at = operandPath(node.operand);
      if (node.low.kind !== 'value' || node.high.kind !== 'value') {
        checkCompared(node.operand, [node.low, node.high], ctx);
        assertDistinct(node.operand, [node.low, node.high], 'BETWEEN', ctx);
      }
      const subject = compileOperand(node.operand, ctx, at);
      const lowOperand = betweenLow(node.low, node.high, ctx, at);
      if (lowOperand.kind === 'value' && node.high.kind === 'value') {
        const low = encodeDefined(lowOperand.value, ctx, at);
        const high = encodeDefined(node.high.value, ctx, at);
        checkOrderedDate(lowOperand.value, low, ctx, at, 'BETWEEN');
        checkOrderedDate(node.high.value, high, ctx, at, 'BETWEEN');
        if ((compareStored(low, high) ?? 0) > 0) {
          throw new ExpressionError(ctx.entity, at, `BETWEEN's low bound (${String(low)}) is above its high bound (${String(high)}); DynamoDB rejects it`);
        }
      }
      return `${subject} BETWEEN ${typedOperand(lowOperand, ctx, at, 'BETWEEN', false)} AND ${typedOperand(node.high, ctx, at, 'BETWEEN', false)}`;
    }
    case 'in': {
      const at = operandPath(node.operand);
      if (node.values.length === 0 || node.values.length > MAX_IN_OPERANDS) {
        throw new ExpressionError(
          ctx.entity,
          at,
          `IN needs 1 to ${MAX_IN_OPERANDS} values, got ${node.values.length}`,
        );
      }
      checkCompared(node.operand, node.values, ctx);
      assertDistinct(node.operand, node.values, 'IN', ctx);
      const subject = compileOperand(node.operand, ctx, at);
      return `${subject} IN (${node.values.map((v) => compileOperand(v, ctx, at)).join(', ')})`;
    }
    case 'exists':
      return `${node.negate ? 'attribute_not_exists' : 'attribute_exists'}(${compilePath(node.path, ctx)})`;
    case 'type':
      if (!ATTRIBUTE_TYPES.has(node.type)) {
        throw new ExpressionError(ctx.entity, formatDocPath(node.path), `attribute_type needs one of ${[...ATTRIBUTE_TYPES].join(', ')}; got "${String(node.type)}"`);
      }
      return `attribute_type(${compilePath(node.path, ctx)}, ${ctx.ph.value(node.type)})`;
    case 'beginsWith': {
      const at = formatDocPath(node.path);
      assertDistinct({ kind: 'path', path: node.path }, [node.prefix], 'begins_with', ctx);
      return `begins_with(${compilePath(node.path, ctx)}, ${typedOperand(node.prefix, ctx, at, 'begins_with', true)})`;
    }
    case 'contains': {
      const at = formatDocPath(node.path);
      assertDistinct({ kind: 'path', path: node.path }, [node.operand], 'contains', ctx);
      return `contains(${compilePath(node.path, ctx)}, ${compileOperand(node.operand, ctx, at)})`;
    }
    case 'and':
    case 'or': {
      if (node.children.length === 0) throw new ExpressionError(ctx.entity, '', `empty ${node.kind.toUpperCase()}`);
      const sep = node.kind === 'and' ? ' AND ' : ' OR ';
      // Joined in a loop, children in order (their placeholders are numbered as met): every
      // conditional write has an AND of its guard and where(), and map() + join() cost a closure and
      // an array per node.
      let out = '';
      for (let i = 0; i < node.children.length; i++) {
        const c = node.children[i]!;
        const text = emitCondition(c, ctx);
        out += (i === 0 ? '' : sep) + (needsParens(c, node.kind) ? `(${text})` : text);
      }
      return out;
    }
    case 'not': {
      const inner = emitCondition(node.child, ctx);
      return isAtomic(node.child) ? `NOT ${inner}` : `NOT (${inner})`;
    }
    case 'scoped':
      // The entity's names, encodings and checks, in the same placeholders as the rest.
      return emitCondition(node.child, { ...node.scope, ph: ctx.ph });
  }
}

function isAtomic(node: ConditionNode): boolean {
  if (node.kind === 'scoped') return isAtomic(node.child);
  return node.kind !== 'and' && node.kind !== 'or' && node.kind !== 'not' && node.kind !== 'between' && node.kind !== 'compare' && node.kind !== 'in';
}

// AND binds tighter than OR, NOT tighter than both: an AND child of an OR needs no parentheses,
// but we still add them around any nested AND/OR so the output reads unambiguously.
function needsParens(child: ConditionNode, parent: 'and' | 'or'): boolean {
  if (child.kind === 'scoped') return needsParens(child.child, parent);
  return child.kind === 'and' || child.kind === 'or';
}

/** Compiles a projection list into a `ProjectionExpression`; overlapping paths are rejected. */
export function compileProjection(paths: readonly DocPath[], ctx: CompileContext): string {
  for (let i = 0; i < paths.length; i++) {
    for (let j = i + 1; j < paths.length; j++) {
      if (pathsOverlap(paths[i]!, paths[j]!)) {
        throw new ExpressionError(
          ctx.entity,
          formatDocPath(paths[i]!),
          `projection overlaps with ${formatDocPath(paths[j]!)}`,
        );
      }
    }
  }
  const expression = paths.map((p) => compilePath(p, ctx)).join(', ');
  checkExpressionLimits(ctx.entity, 'projection', expression, 0, ctx.ph);
  return expression;
}
