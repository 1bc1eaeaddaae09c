import type { z } from 'zod';
import type { Comparator, ConditionNode, DocPath, SetValue, UpdateAction } from '../expressions/ast.js';
import { formatDocPath } from '../expressions/document-path.js';
import type { EntityModel } from '../entity/model.js';
import { defOf, resolvedCore } from '../entity/schema-walk.js';
import { pathSchemas } from '../entity/path-schemas.js';
import { boundsPerOption, onOptions } from './option-bounds.js';
import { MAX_NUMBER_DIGITS, storableNumberProblem } from '../entity/storable-number.js';

/**
 * Number bounds (`.min()`, `.max()`, `.positive()`, `.gt()`, ...) under updates whose result
 * DynamoDB computes from a stored value: `add({ stock: -1 })`, `set({ stock: ref('stock').minus(1) })`,
 * `set({ price: ref('listPrice') })`. The values given are checked as changes, not as results, so
 * the result could leave the schema's range and every later read of the item would fail. The
 * update carries a condition on the stored operand instead: for `stock >= 0`, adding -1 requires
 * `stock >= 1`.
 *
 * Not guarded: a sum of two attributes (`ref('a').plus(ref('b'))`), which no condition expression
 * can bound (they compare paths with values, without arithmetic); and the `.int()` range, which
 * whole-number deltas keep anyway.
 */

/** A schema bound, a change or a stored value: a number, or a bigint for a `z.bigint()` attribute. */
type Num = number | bigint;

interface Bound {
  readonly value: Num;
  readonly inclusive: boolean;
}

interface NumberBounds {
  readonly lo: Bound | undefined;
  readonly hi: Bound | undefined;
}

interface CheckView {
  readonly _zod: { readonly def: { readonly check?: string; readonly value?: unknown; readonly inclusive?: boolean } };
}

/** The tighter of two bounds on the same side (`lower`: the larger value wins). */
function tighter(a: Bound | undefined, b: Bound, lower: boolean): Bound {
  if (a === undefined || a.value === b.value) return a === undefined ? b : { value: a.value, inclusive: a.inclusive && b.inclusive };
  return lower === a.value > b.value ? a : b;
}

const boundsCache = new WeakMap<z.ZodType, NumberBounds | null>();

/** The explicit range checks of a number schema; `undefined` when it has none (or is not a number). */
function boundsOf(schema: z.ZodType): NumberBounds | undefined {
  let b = boundsCache.get(schema);
  if (b === undefined) boundsCache.set(schema, (b = readBounds(schema) ?? null));
  return b ?? undefined;
}

/**
 * The tightest bounds of the schemas a path may have (several inside a union whose option an item's
 * tag cannot tell: a result must fit every option that may hold it).
 */
function readBounds(...schemas: readonly z.ZodType[]): NumberBounds | undefined {
  let lo: Bound | undefined;
  let hi: Bound | undefined;
  // Both sides of a pipe: a write checks the input, a read parses what is stored.
  for (const core of new Set(schemas.flatMap((schema) => [resolvedCore(schema), resolvedCore(schema, 'output')]))) {
    const def = defOf(core);
    if (def.type !== 'number' && def.type !== 'bigint') continue;
    for (const c of (def as { checks?: readonly CheckView[] }).checks ?? []) {
      const d = c._zod.def;
      if (typeof d.value !== 'number' && typeof d.value !== 'bigint') continue;
      const b = { value: d.value, inclusive: d.inclusive !== false };
      if (d.check === 'greater_than') lo = tighter(lo, b, true);
      else if (d.check === 'less_than') hi = tighter(hi, b, false);
    }
  }
  return lo === undefined && hi === undefined ? undefined : { lo, hi };
}

/**
 * A result computed by DynamoDB as `A + offset`, where A is the stored value at `source` (or
 * `fallback` when it is absent and the update gives one). `ref()` values put the attribute first,
 * so `n - A` cannot occur.
 */
interface Linear {
  readonly source: DocPath;
  readonly fallback: Num | undefined;
  readonly offset: Num;
}

const isNum = (v: unknown): v is Num => typeof v === 'number' || typeof v === 'bigint';

/** An attribute operand: a path, or `if_not_exists(path, number)`. */
function attributeOperand(v: SetValue): { source: DocPath; fallback: Num | undefined } | undefined {
  if (v.kind === 'path') return { source: v.path, fallback: undefined };
  if (v.kind === 'ifNotExists' && v.fallback.kind === 'value' && isNum(v.fallback.value)) return { source: v.path, fallback: v.fallback.value };
  return undefined;
}

/** The result of an action as a `Linear` of one stored number; `undefined` when it is not one. */
function linearOf(a: UpdateAction): Linear | undefined {
  if (a.kind === 'add') return isNum(a.value) ? { source: a.path, fallback: 0, offset: a.value } : undefined;
  if (a.kind !== 'set') return undefined;
  const v = a.value;
  const plain = attributeOperand(v);
  if (plain !== undefined) return { ...plain, offset: 0 };
  if (v.kind !== 'arith' || v.right.kind !== 'value' || !isNum(v.right.value)) return undefined;
  const left = attributeOperand(v.left);
  return left === undefined ? undefined : { ...left, offset: v.op === '+' ? v.right.value : -v.right.value };
}

const samePath = (a: DocPath, b: DocPath): boolean => a.length === b.length && a.every((s, i) => s === b[i]);

function holds(x: Num, b: Bound, lower: boolean): boolean {
  if (lower) return b.inclusive ? x >= b.value : x > b.value;
  return b.inclusive ? x <= b.value : x < b.value;
}

/** Digits after the decimal point in the shortest text of `x` (what the SDK sends for it). */
function decimals(x: number): number {
  const [mantissa = '', exponent] = String(x).split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent ?? 0));
}

/**
 * `a + b` as DynamoDB computes it, in decimal: the double nearest the exact decimal sum of the
 * two numbers as sent. Binary floating point gets `0.3 - 0.1` as 0.19999999999999998, and a bound
 * computed that way would refuse a stored 0.2 whose result (0.3, exact in DynamoDB) is within it.
 */
export function decimalSum(a: number, b: number): number {
  const sum = a + b;
  const d = Math.max(decimals(a), decimals(b));
  // Rounding to d places recovers the exact decimal while the float error stays far below 10^-d.
  if (d === 0 || d > 20 || Math.max(Math.abs(a), Math.abs(b)) * 10 ** d >= 1e15) return sum;
  return Number(sum.toFixed(d));
}

/**
 * `a + b` exactly: in decimal for two numbers (`decimalSum`), as a bigint when either is one (a
 * bigint attribute's bounds, changes and fallbacks are bigints; a number there is a copy's 0 offset).
 */
function sum(a: Num, b: Num): Num {
  if (typeof a === 'number' && typeof b === 'number') return decimalSum(a, b);
  return BigInt(a) + BigInt(b);
}

/**
 * `A + offset` meets bound `b`: the comparison on the stored A (A + c >= lo  <=>  A >= lo - c);
 * `undefined` when every number DynamoDB can store meets it (no condition is needed).
 */
function operandCondition(l: Linear, b: Bound, lower: boolean): { op: Comparator; value: number | bigint } | undefined {
  const op: Comparator = lower ? (b.inclusive ? '>=' : '>') : b.inclusive ? '<=' : '<';
  const value = typeof b.value === 'number' && typeof l.offset === 'number' ? sendableBound(b.value, l.offset, lower) : bigintBound(b.value, l.offset, lower);
  return value === undefined ? undefined : { op, value };
}

/** DynamoDB's numbers are below 1E+126 in magnitude. */
const NUMBER_LIMIT = 10n ** 126n;

/**
 * `bound - offset` as a value the condition can send. A bound of 2^53 or more (`.max(1e18)`,
 * `.lt(Infinity)`, `.max(Number.MAX_VALUE)`) gave a double the SDK cannot send exactly, or no
 * DynamoDB number at all, and every `add()` of the attribute was refused with a ValidationError
 * about that number, which the caller never gave. Such a bound (an integer, as every double of
 * that size is) is computed as a bigint instead, rounded toward the stricter side when the
 * offset has a fraction or the result more than 38 digits; one beyond DynamoDB's range on the
 * side it allows needs no condition (`undefined`).
 *
 * @example sendableBound(1e18, 1, false) // 999999999999999999n: A <= 1e18 - 1 keeps A + 1 <= 1e18
 */
export function sendableBound(bound: number, offset: number, lower: boolean): number | bigint | undefined {
  const value = decimalSum(bound, -offset);
  if (storableNumberProblem(value) === undefined) return value;
  // Infinity: every stored number is within it; -Infinity as an upper bound: none is (left to fail as before).
  if (bound === (lower ? -Infinity : Infinity)) return undefined;
  if (!Number.isInteger(bound) || !Number.isFinite(offset)) return value;
  // floor(H - c) = H - ceil(c) for the largest allowed A below an upper bound; ceil(H - c) = H - floor(c) above a lower one.
  let exact = BigInt(bound) - BigInt(lower ? Math.floor(offset) : Math.ceil(offset));
  if (lower ? exact <= -NUMBER_LIMIT : exact >= NUMBER_LIMIT) return undefined;
  exact = toPrecision(exact, lower);
  return storableNumberProblem(exact) === undefined ? exact : value;
}

/**
 * `bound - offset` for a bigint attribute (whose bounds are bigints, and whose changes are too, or
 * a copy's 0), exact. Like `sendableBound`, cut to 38 digits toward the stricter side, and
 * `undefined` beyond DynamoDB's range on the side it allows.
 */
function bigintBound(bound: Num, offset: Num, lower: boolean): bigint | undefined {
  const exact = BigInt(bound) - BigInt(offset);
  if (lower ? exact <= -NUMBER_LIMIT : exact >= NUMBER_LIMIT) return undefined;
  return toPrecision(exact, lower);
}

/** `n` cut to DynamoDB's 38 significant digits, rounded up (`up`) or down, so the bound only gets stricter. */
function toPrecision(n: bigint, up: boolean): bigint {
  const digits = (n < 0n ? -n : n).toString().length;
  if (digits <= MAX_NUMBER_DIGITS) return n;
  const unit = 10n ** BigInt(digits - MAX_NUMBER_DIGITS);
  // BigInt division truncates toward zero: step once more when that went the wrong way.
  let cut = (n / unit) * unit;
  if (up && cut < n) cut += unit;
  if (!up && cut > n) cut -= unit;
  return cut;
}

function describeBound(b: Bound, lower: boolean): string {
  return `${lower ? (b.inclusive ? 'min' : 'greater than') : b.inclusive ? 'max' : 'less than'} ${b.value}`;
}

/**
 * The condition that keeps every number computed from a stored value within its schema bounds,
 * with one line per bound for the message of a failed condition.
 */
export function numberBoundGuards(model: EntityModel, actions: readonly UpdateAction[]): { nodes: ConditionNode[]; checks: string[] } {
  const nodes: ConditionNode[] = [];
  const checks: string[] = [];
  for (const a of actions) {
    if (a.kind !== 'add' && a.kind !== 'set') continue;
    const l = linearOf(a);
    if (l === undefined) continue;
    // Options of a union bounded differently (a letter's weight and a box's): each item keeps its own option's.
    for (const { bounds, when, on } of boundsPerOption(pathSchemas(model.schema, a.path), boundsOfAll, sameBounds)) {
      if (bounds === undefined) continue;
      const own = boundConditions(l, a.path, bounds);
      nodes.push(...onOptions(own.nodes, when));
      checks.push(...(on === undefined ? own.checks : own.checks.map((c) => `${c}, ${on}`)));
    }
  }
  return { nodes, checks };
}

/** The bounds of the schemas a path may have; the tightest when several (see `readBounds`). */
function boundsOfAll(schemas: readonly z.ZodType[]): NumberBounds | undefined {
  return schemas.length === 1 ? boundsOf(schemas[0]!) : readBounds(...schemas);
}

function sameBounds(a: NumberBounds, b: NumberBounds): boolean {
  const same = (x: Bound | undefined, y: Bound | undefined): boolean => (x === undefined || y === undefined ? x === y : x.value === y.value && x.inclusive === y.inclusive);
  return same(a.lo, b.lo) && same(a.hi, b.hi);
}

/** The conditions on the stored operand of `l` that keep the result at `target` within `bounds`. */
function boundConditions(l: Linear, target: DocPath, bounds: NumberBounds): { nodes: ConditionNode[]; checks: string[] } {
  const nodes: ConditionNode[] = [];
  const checks: string[] = [];
  const at = formatDocPath(target);
  const source = formatDocPath(l.source);
  for (const [b, lower] of [[bounds.lo, true], [bounds.hi, false]] as const) {
    if (b === undefined) continue;
    // An absent source takes the fallback (ADD counts it as 0); without one, DynamoDB fails the update itself.
    const fromAbsent = l.fallback === undefined ? undefined : sum(l.fallback, l.offset);
    const absentOk = fromAbsent !== undefined && holds(fromAbsent, b, lower);
    // A stored value within bounds stays within them when the change moves away from this bound;
    // an absent one does not when the fallback lands outside it (`add({ level: 0 })` under `.min(1)`
    // would store 0), so the attribute must then exist.
    if (samePath(l.source, target) && (lower ? l.offset >= 0 : l.offset <= 0)) {
      if (fromAbsent === undefined || absentOk) continue;
      nodes.push({ kind: 'exists', path: l.source, negate: false });
      checks.push(`${source} must exist for ${at} to stay within its schema ${describeBound(b, lower)} (an absent ${source} counts as ${l.fallback}, giving ${fromAbsent})`);
      continue;
    }
    const condition = operandCondition(l, b, lower);
    if (condition === undefined) continue;
    const { op, value } = condition;
    const compare: ConditionNode = { kind: 'compare', op, left: { kind: 'path', path: l.source }, right: { kind: 'value', value } };
    nodes.push(absentOk ? { kind: 'or', children: [{ kind: 'exists', path: l.source, negate: true }, compare] } : compare);
    checks.push(`${source} must be ${op} ${value}${absentOk ? ' (or absent)' : ''} for ${at} to stay within its schema ${describeBound(b, lower)}`);
  }
  return { nodes, checks };
}
