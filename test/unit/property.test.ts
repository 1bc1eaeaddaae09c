/**
 * Property-based tests of the expression compiler: random condition trees and update action
 * lists are compiled, then the output is checked token by token (only placeholders, keywords,
 * function names, operators, parentheses, commas, dots and `[digits]`), the placeholder maps are
 * checked against what the expressions use, and the expressions are parsed back with an
 * independent parser of DynamoDB's grammar and compared with the input.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AttributeOperand, Condition, ExpressionError, and, defineTable, not, or } from '../../src/index.js';
import { compileCondition, type CompileContext } from '../../src/expressions/compile.js';
import { compileUpdate } from '../../src/expressions/compile-update.js';
import { Placeholders } from '../../src/expressions/placeholders.js';
import { compareStored } from '../../src/expressions/value-order.js';
import { StorageRuleViolation, toStoredValue } from '../../src/entity/codec.js';
import type { AttributeTypeName, ConditionNode, DocPath, Operand, PathSegment, SetValue, UpdateAction } from '../../src/expressions/ast.js';

const RUNS = 300;

const table = defineTable({
  name: 'Props',
  client: new DynamoDBClient({ region: 'us-east-1' }),
  partitionKey: { name: 'pk', type: 'S' },
});

const ctx = (): CompileContext => ({ ph: new Placeholders(), entity: 'P', encode: (v, path) => toStoredValue(v, path) });

// ------------------------------------------------------------------------------------------------
// Tokenizer and parser of DynamoDB expressions (independent of the compiler)

type Tok =
  | { readonly t: 'name' | 'value' | 'kw' | 'fn' | 'op' | 'punct'; readonly s: string }
  | { readonly t: 'index'; readonly s: string; readonly n: number };

const TOKEN = /\s+|(#[A-Za-z0-9_]+)|(:[A-Za-z0-9_]+)|\[(\d+)\]|(<>|<=|>=|=|<|>|\+|-)|([(),.])|([A-Za-z_]+)/y;
const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'BETWEEN', 'IN', 'SET', 'REMOVE', 'ADD', 'DELETE']);
const FUNCTIONS = new Set([
  'attribute_exists',
  'attribute_not_exists',
  'attribute_type',
  'begins_with',
  'contains',
  'size',
  'if_not_exists',
  'list_append',
]);
const COMPARATORS = new Set(['=', '<>', '<', '<=', '>', '>=']);

function tokenize(expr: string): Tok[] {
  const out: Tok[] = [];
  let pos = 0;
  while (pos < expr.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(expr);
    if (m === null) throw new Error(`unexpected text at ${pos}: ${JSON.stringify(expr.slice(pos, pos + 20))}`);
    pos = TOKEN.lastIndex;
    if (m[1] !== undefined) out.push({ t: 'name', s: m[1] });
    else if (m[2] !== undefined) out.push({ t: 'value', s: m[2] });
    else if (m[3] !== undefined) out.push({ t: 'index', s: m[0], n: Number(m[3]) });
    else if (m[4] !== undefined) out.push({ t: 'op', s: m[4] });
    else if (m[5] !== undefined) out.push({ t: 'punct', s: m[5] });
    else if (m[6] !== undefined) {
      if (KEYWORDS.has(m[6])) out.push({ t: 'kw', s: m[6] });
      else if (FUNCTIONS.has(m[6])) out.push({ t: 'fn', s: m[6] });
      else throw new Error(`identifier spliced into the expression: ${m[6]}`);
    }
  }
  return out;
}

class Parser {
  private i = 0;
  readonly usedNames = new Set<string>();
  readonly usedValues = new Set<string>();

  constructor(
    private readonly toks: readonly Tok[],
    private readonly names: Readonly<Record<string, string>>,
    private readonly values: Readonly<Record<string, unknown>>,
  ) {}

  get done(): boolean {
    return this.i >= this.toks.length;
  }

  private peek(): Tok | undefined {
    return this.toks[this.i];
  }

  private next(): Tok {
    const t = this.toks[this.i++];
    if (t === undefined) throw new Error('unexpected end of expression');
    return t;
  }

  private is(t: Tok['t'], s?: string): boolean {
    const p = this.peek();
    return p !== undefined && p.t === t && (s === undefined || p.s === s);
  }

  private expect(t: Tok['t'], s?: string): Tok {
    const x = this.next();
    if (x.t !== t || (s !== undefined && x.s !== s)) throw new Error(`expected ${s ?? t}, got ${x.s}`);
    return x;
  }

  private name(): string {
    const t = this.expect('name');
    const n = this.names[t.s];
    if (n === undefined) throw new Error(`name placeholder ${t.s} is not defined`);
    this.usedNames.add(t.s);
    return n;
  }

  private value(): unknown {
    const t = this.expect('value');
    if (!(t.s in this.values)) throw new Error(`value placeholder ${t.s} is not defined`);
    this.usedValues.add(t.s);
    return this.values[t.s];
  }

  path(): PathSegment[] {
    const out: PathSegment[] = [this.name()];
    for (;;) {
      const p = this.peek();
      if (p?.t === 'index') {
        this.next();
        out.push(p.n);
      } else if (p?.t === 'punct' && p.s === '.') {
        this.next();
        out.push(this.name());
      } else return out;
    }
  }

  // ---- conditions
  condition(): ConditionNode {
    const children = [this.conjunction()];
    while (this.is('kw', 'OR')) {
      this.next();
      children.push(this.conjunction());
    }
    return children.length === 1 ? children[0]! : { kind: 'or', children };
  }

  private conjunction(): ConditionNode {
    const children = [this.negation()];
    while (this.is('kw', 'AND')) {
      this.next();
      children.push(this.negation());
    }
    return children.length === 1 ? children[0]! : { kind: 'and', children };
  }

  private negation(): ConditionNode {
    if (this.is('kw', 'NOT')) {
      this.next();
      return { kind: 'not', child: this.negation() };
    }
    return this.primary();
  }

  private primary(): ConditionNode {
    if (this.is('punct', '(')) {
      this.next();
      const c = this.condition();
      this.expect('punct', ')');
      return c;
    }
    const p = this.peek();
    if (p?.t === 'fn' && p.s !== 'size') {
      this.next();
      this.expect('punct', '(');
      const path = this.path();
      let node: ConditionNode;
      switch (p.s) {
        case 'attribute_exists':
        case 'attribute_not_exists':
          node = { kind: 'exists', path, negate: p.s === 'attribute_not_exists' };
          break;
        case 'attribute_type':
          this.expect('punct', ',');
          node = { kind: 'type', path, type: this.value() as AttributeTypeName };
          break;
        case 'begins_with':
          this.expect('punct', ',');
          node = { kind: 'beginsWith', path, prefix: this.operand() };
          break;
        case 'contains':
          this.expect('punct', ',');
          node = { kind: 'contains', path, operand: this.operand() };
          break;
        default:
          throw new Error(`function ${p.s} is not allowed in a condition`);
      }
      this.expect('punct', ')');
      return node;
    }
    const left = this.operand();
    const t = this.next();
    if (t.t === 'op' && COMPARATORS.has(t.s)) {
      return { kind: 'compare', op: t.s as '=', left, right: this.operand() };
    }
    if (t.t === 'kw' && t.s === 'BETWEEN') {
      const low = this.operand();
      this.expect('kw', 'AND');
      return { kind: 'between', operand: left, low, high: this.operand() };
    }
    if (t.t === 'kw' && t.s === 'IN') {
      this.expect('punct', '(');
      const values = [this.operand()];
      while (this.is('punct', ',')) {
        this.next();
        values.push(this.operand());
      }
      this.expect('punct', ')');
      return { kind: 'in', operand: left, values };
    }
    throw new Error(`unexpected ${t.s} after an operand`);
  }

  private operand(): Operand {
    if (this.is('fn', 'size')) {
      this.next();
      this.expect('punct', '(');
      const path = this.path();
      this.expect('punct', ')');
      return { kind: 'size', path };
    }
    if (this.is('value')) return { kind: 'value', value: this.value() };
    return { kind: 'path', path: this.path() };
  }

  // ---- updates
  update(): { actions: UpdateAction[]; clauses: string[] } {
    const actions: UpdateAction[] = [];
    const clauses: string[] = [];
    while (!this.done) {
      const kw = this.expect('kw').s;
      clauses.push(kw);
      actions.push(this.updateAction(kw));
      while (this.is('punct', ',')) {
        this.next();
        actions.push(this.updateAction(kw));
      }
    }
    return { actions, clauses };
  }

  private updateAction(kw: string): UpdateAction {
    const path = this.path();
    switch (kw) {
      case 'SET':
        this.expect('op', '=');
        return { kind: 'set', path, value: this.setValue() };
      case 'REMOVE':
        return { kind: 'remove', path };
      case 'ADD':
        return { kind: 'add', path, value: this.value() };
      case 'DELETE':
        return { kind: 'delete', path, value: this.value() };
      default:
        throw new Error(`unexpected clause ${kw}`);
    }
  }

  private setValue(): SetValue {
    const left = this.setOperand();
    if (this.is('op', '+') || this.is('op', '-')) {
      const op = this.next().s as '+' | '-';
      return { kind: 'arith', op, left, right: this.setOperand() };
    }
    return left;
  }

  private setOperand(): SetValue {
    if (this.is('fn', 'if_not_exists')) {
      this.next();
      this.expect('punct', '(');
      const path = this.path();
      this.expect('punct', ',');
      const fallback = this.setOperand();
      this.expect('punct', ')');
      return { kind: 'ifNotExists', path, fallback };
    }
    if (this.is('fn', 'list_append')) {
      this.next();
      this.expect('punct', '(');
      const left = this.setOperand();
      this.expect('punct', ',');
      const right = this.setOperand();
      this.expect('punct', ')');
      return { kind: 'listAppend', left, right };
    }
    if (this.is('value')) return { kind: 'value', value: this.value() };
    return { kind: 'path', path: this.path() };
  }
}

/** The hygiene rules every compiled command must satisfy. */
function checkHygiene(exprs: readonly string[], names: Record<string, string>, values: Record<string, unknown>): Parser[] {
  for (const k of Object.keys(names)) expect(k).toMatch(/^#[A-Za-z0-9_]+$/);
  for (const k of Object.keys(values)) expect(k).toMatch(/^:[A-Za-z0-9_]+$/);
  // one placeholder per distinct attribute name
  expect(new Set(Object.values(names)).size).toBe(Object.keys(names).length);
  const usedNames = new Set<string>();
  const usedValues = new Set<string>();
  const parsers: Parser[] = [];
  for (const expr of exprs) {
    const toks = tokenize(expr);
    let depth = 0;
    for (const t of toks) {
      if (t.t === 'punct' && t.s === '(') depth++;
      if (t.t === 'punct' && t.s === ')') depth--;
      expect(depth).toBeGreaterThanOrEqual(0);
      if (t.t === 'name') usedNames.add(t.s);
      if (t.t === 'value') usedValues.add(t.s);
    }
    expect(depth).toBe(0);
    parsers.push(new Parser(toks, names, values));
  }
  // every used placeholder is defined, every defined one is used
  expect([...usedNames].sort()).toEqual(Object.keys(names).sort());
  expect([...usedValues].sort()).toEqual(Object.keys(values).sort());
  return parsers;
}

/** Flattens nested AND/OR of the same kind and encodes values as the compiler's context does. */
function normalize(node: ConditionNode): ConditionNode {
  const op = (o: Operand): Operand => (o.kind === 'value' ? { kind: 'value', value: toStoredValue(o.value) } : o);
  switch (node.kind) {
    case 'and':
    case 'or': {
      const children: ConditionNode[] = [];
      for (const c of node.children.map(normalize)) {
        if (c.kind === node.kind) children.push(...c.children);
        else children.push(c);
      }
      return children.length === 1 ? children[0]! : { kind: node.kind, children };
    }
    case 'not':
      return { kind: 'not', child: normalize(node.child) };
    case 'compare':
      return { ...node, left: op(node.left), right: op(node.right) };
    case 'between':
      return { ...node, operand: op(node.operand), low: op(node.low), high: op(node.high) };
    case 'in':
      return { ...node, operand: op(node.operand), values: node.values.map(op) };
    case 'beginsWith':
      return { ...node, prefix: op(node.prefix) };
    case 'contains':
      return { ...node, operand: op(node.operand) };
    default:
      return node;
  }
}

function normalizeSetValue(v: SetValue): SetValue {
  switch (v.kind) {
    case 'value':
      return { kind: 'value', value: toStoredValue(v.value) };
    case 'ifNotExists':
      return { ...v, fallback: normalizeSetValue(v.fallback) };
    case 'arith':
    case 'listAppend':
      return { ...v, left: normalizeSetValue(v.left), right: normalizeSetValue(v.right) };
    default:
      return v;
  }
}

// ------------------------------------------------------------------------------------------------
// Generators

const trickyNames = [
  'status',
  'name',
  'data',
  'size',
  'type',
  'value',
  'AND',
  'or',
  'NOT',
  'BETWEEN',
  'in',
  'SET',
  'remove',
  'ADD',
  'delete',
  'attribute_exists',
  'a.b',
  'x.y.z',
  'a-b',
  '1abc',
  'with space',
  '#n0',
  ':v0',
  '#n1.#n2',
  '(',
  ')',
  ',',
  '[0]',
  '=',
  'é',
  '😀',
  "'quoted'",
  'id',
];

const nameArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...trickyNames),
  fc.string({ minLength: 1, maxLength: 6 }),
  fc.string({ minLength: 1, maxLength: 4, unit: 'grapheme' }),
);

const pathArb: fc.Arbitrary<PathSegment[]> = fc
  .tuple(nameArb, fc.array(fc.oneof(nameArb, fc.nat({ max: 30 })), { maxLength: 3 }))
  .map(([head, rest]) => [head, ...rest]);

/**
 * Numbers a caller may store, as DynamoDB's number type holds them (magnitude 1E-130 to below 1E+126,
 * or 0; 38 significant digits): every double within ±Number.MAX_SAFE_INTEGER (outside it every double
 * is an integer beyond the safe range, which dynakit refuses) that is 0 or at least 1E-130 in
 * magnitude, and bigints of up to 38 digits. The properties at the end cover the values refused.
 */
const SAFE = { min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER } as const;
const MIN_MAGNITUDE = 1e-130;
const D38 = 10n ** 38n - 1n;
const storableDouble: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, MIN_MAGNITUDE, -MIN_MAGNITUDE),
  fc.double({ min: MIN_MAGNITUDE, max: SAFE.max, noNaN: true }),
  fc.double({ min: SAFE.min, max: -MIN_MAGNITUDE, noNaN: true }),
);
const numberArb: fc.Arbitrary<number | bigint> = fc.oneof(
  fc.integer(),
  fc.integer(SAFE),
  storableDouble,
  fc.bigInt({ min: -D38, max: D38 }),
);

const scalarArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 8 }),
  numberArb,
  fc.boolean(),
  fc.constant(null),
  fc.date({ noInvalidDate: true, min: new Date(-8.64e15), max: new Date(8.64e15) }),
);

const setArb: fc.Arbitrary<Set<unknown>> = fc.oneof(
  fc.uniqueArray(fc.string({ maxLength: 5 }), { minLength: 1, maxLength: 4 }).map((a) => new Set<unknown>(a)),
  fc.uniqueArray(fc.integer(), { minLength: 1, maxLength: 4 }).map((a) => new Set<unknown>(a)),
  // Unique as DynamoDB compares numbers: -12 and -12n, or 0 and -0, are one element (refused as duplicates).
  fc.uniqueArray(numberArb, { minLength: 1, maxLength: 4, comparator: (a, b) => a == b }).map((a) => new Set<unknown>(a)),
);

const valueArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: scalarArb },
  { weight: 1, arbitrary: setArb },
  { weight: 1, arbitrary: fc.array(scalarArb, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), scalarArb, { maxKeys: 3 }) },
);

const attr = (p: readonly PathSegment[]): AttributeOperand<unknown> => table.Attr(p);

/** A value or, sometimes, another attribute (attribute-to-attribute compare). */
const rhsArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: valueArb },
  { weight: 1, arbitrary: pathArb.map(attr) },
);

/** True for two values whose stored forms DynamoDB orders high to low. */
function reversed(lo: unknown, hi: unknown): boolean {
  if (lo instanceof AttributeOperand || hi instanceof AttributeOperand) return false;
  try {
    return (compareStored(toStoredValue(lo), toStoredValue(hi)) ?? 0) > 0;
  } catch {
    return false;
  }
}

const cmpMethod = fc.constantFrom('eq', 'ne', 'lt', 'lte', 'gt', 'gte') as fc.Arbitrary<'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte'>;
const typeArb = fc.constantFrom<AttributeTypeName>('S', 'SS', 'N', 'NS', 'B', 'BS', 'BOOL', 'NULL', 'L', 'M');

const sameOperand = (a: Operand, b: Operand): boolean => a.kind === 'path' && b.kind === 'path' && JSON.stringify(a.path) === JSON.stringify(b.path);
const orderable = (o: Operand): boolean => {
  if (o.kind !== 'value') return true;
  // A Date is sent as ISO text, which orders by time only for the years 0000-9999: refused outside them.
  if (o.value instanceof Date && (o.value.getUTCFullYear() < 0 || o.value.getUTCFullYear() > 9999)) return false;
  const v = toStoredValue(o.value);
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || v instanceof Uint8Array;
};

/**
 * What DynamoDB accepts (checked on DynamoDB Local, see expression-review.test.ts): no operator with its
 * first operand repeated among the others, and only N, S or B values where an order is needed (a Date
 * only in the years 0000-9999, whose ISO text orders by time).
 */
function accepted({ node }: Condition): boolean {
  switch (node.kind) {
    case 'compare':
      return !sameOperand(node.left, node.right) && (!['<', '<=', '>', '>='].includes(node.op) || orderable(node.right));
    case 'between':
      return !sameOperand(node.operand, node.low) && !sameOperand(node.operand, node.high) && orderable(node.low) && orderable(node.high);
    case 'in':
      return !node.values.some((v) => sameOperand(node.operand, v));
    case 'beginsWith':
      return !sameOperand({ kind: 'path', path: node.path }, node.prefix);
    case 'contains':
      return !sameOperand({ kind: 'path', path: node.path }, node.operand);
    default:
      return true;
  }
}

const leafArb: fc.Arbitrary<Condition> = fc.oneof(
  fc.tuple(pathArb, cmpMethod, rhsArb).map(([p, m, v]) => attr(p)[m](v)),
  // Bounds in DynamoDB's order: reversed ones are refused before compiling (see expression-review.test.ts).
  fc.tuple(pathArb, rhsArb, rhsArb).map(([p, lo, hi]) => (reversed(lo, hi) ? attr(p).between(hi, lo) : attr(p).between(lo, hi))),
  fc.tuple(pathArb, fc.array(rhsArb, { minLength: 1, maxLength: 5 })).map(([p, vs]) => attr(p).in(vs)),
  fc.tuple(pathArb, fc.oneof(fc.string({ maxLength: 5 }), pathArb.map(attr))).map(([p, v]) => attr(p).beginsWith(v as never)),
  fc.tuple(pathArb, fc.oneof(scalarArb, pathArb.map(attr))).map(([p, v]) => attr(p).contains(v as never)),
  pathArb.map((p) => attr(p).exists()),
  pathArb.map((p) => attr(p).notExists()),
  fc.tuple(pathArb, typeArb).map(([p, t]) => attr(p).type(t)),
  fc
    .tuple(pathArb, cmpMethod, fc.oneof(fc.integer({ min: 0, max: 1000 }), pathArb.map((q) => attr(q).size()), pathArb.map((q) => attr(q) as AttributeOperand<number>)))
    .map(([p, m, v]) => attr(p).size()[m](v)),
).filter(accepted);

function treeArb(depth: number): fc.Arbitrary<Condition> {
  if (depth === 0) return leafArb;
  const sub = treeArb(depth - 1);
  const list = fc.array(sub, { minLength: 1, maxLength: 4 });
  return fc.oneof(
    { weight: 2, arbitrary: leafArb },
    { weight: 1, arbitrary: list.map((cs) => and(...cs)) },
    { weight: 1, arbitrary: list.map((cs) => or(...cs)) },
    { weight: 1, arbitrary: sub.map((c) => not(c)) },
    { weight: 1, arbitrary: fc.tuple(sub, sub, sub).map(([a, b, c]) => a.and(b).or(c)) },
    { weight: 1, arbitrary: fc.tuple(sub, sub, sub).map(([a, b, c]) => a.or(b.not()).and(c)) },
  );
}

const conditionArb = treeArb(3);

/** Independent definition of overlapping document paths (equal, or one a prefix of the other). */
function overlap(a: readonly PathSegment[], b: readonly PathSegment[]): boolean {
  const n = Math.min(a.length, b.length);
  return a.slice(0, n).every((s, i) => s === b[i]);
}

const numberValue: fc.Arbitrary<SetValue> = fc.oneof(fc.integer({ min: -1000, max: 1000 }), numberArb).map((value) => ({ kind: 'value', value }));
const listValue: fc.Arbitrary<SetValue> = fc.array(scalarArb, { maxLength: 3 }).map((value) => ({ kind: 'value', value }));
const refValue: fc.Arbitrary<SetValue> = pathArb.map((path) => ({ kind: 'path', path }));
const ifNotExists = (fallback: fc.Arbitrary<SetValue>): fc.Arbitrary<SetValue> =>
  fc.tuple(pathArb, fallback).map(([path, fb]) => ({ kind: 'ifNotExists', path, fallback: fb }));
const arithOperand = fc.oneof(numberValue, refValue, ifNotExists(numberValue));
const listOperand = fc.oneof(listValue, refValue, ifNotExists(listValue));

const setValueArb: fc.Arbitrary<SetValue> = fc.oneof(
  valueArb.map((value): SetValue => ({ kind: 'value', value })),
  refValue,
  ifNotExists(valueArb.map((value): SetValue => ({ kind: 'value', value }))),
  fc.tuple(fc.constantFrom<'+' | '-'>('+', '-'), arithOperand, arithOperand).map(([op, left, right]): SetValue => ({ kind: 'arith', op, left, right })),
  fc.tuple(listOperand, listOperand).map(([left, right]): SetValue => ({ kind: 'listAppend', left, right })),
);

const actionFor = (path: DocPath): fc.Arbitrary<UpdateAction> =>
  fc.oneof(
    { weight: 3, arbitrary: setValueArb.map((value): UpdateAction => ({ kind: 'set', path, value })) },
    { weight: 1, arbitrary: fc.constant<UpdateAction>({ kind: 'remove', path }) },
    { weight: 1, arbitrary: fc.oneof(numberArb, setArb).map((value): UpdateAction => ({ kind: 'add', path, value })) },
    { weight: 1, arbitrary: setArb.map((value): UpdateAction => ({ kind: 'delete', path, value })) },
  );

/** Random non-conflicting update actions. */
const actionsArb: fc.Arbitrary<UpdateAction[]> = fc
  .array(pathArb, { minLength: 1, maxLength: 8 })
  .map((paths) => {
    const kept: PathSegment[][] = [];
    for (const p of paths) if (!kept.some((k) => overlap(k, p))) kept.push(p);
    return kept;
  })
  .chain((paths) => fc.tuple(...paths.map((p) => actionFor(p))));

// ------------------------------------------------------------------------------------------------

describe('property: compiled conditions', () => {
  it('use only placeholders and grammar tokens, define exactly what they use, and parse back to the input', () => {
    fc.assert(
      fc.property(conditionArb, (cond) => {
        const x = ctx();
        const expr = compileCondition(cond.node, x);
        const [parser] = checkHygiene([expr], x.ph.names, x.ph.values);
        const parsed = parser!.condition();
        expect(parser!.done).toBe(true);
        expect(normalize(parsed)).toEqual(normalize(cond.node));
      }),
      { numRuns: RUNS },
    );
  });

  it('compiling is deterministic and independent of earlier commands', () => {
    fc.assert(
      fc.property(conditionArb, (cond) => {
        const a = ctx();
        const b = ctx();
        const ea = compileCondition(cond.node, a);
        const eb = compileCondition(cond.node, b);
        expect(eb).toBe(ea);
        expect(b.ph.names).toEqual(a.ph.names);
        expect(b.ph.values).toEqual(a.ph.values);
      }),
      { numRuns: 100 },
    );
  });

  it('a condition and an update sharing one context keep both maps consistent', () => {
    fc.assert(
      fc.property(actionsArb, conditionArb, (actions, cond) => {
        const x = ctx();
        const update = compileUpdate(actions, x);
        const condition = compileCondition(cond.node, x);
        const [pu, pc] = checkHygiene([update, condition], x.ph.names, x.ph.values);
        pu!.update();
        pc!.condition();
      }),
      { numRuns: RUNS },
    );
  });
});

describe('property: compiled updates', () => {
  it('use only placeholders and grammar tokens, each clause once, and parse back to the actions', () => {
    fc.assert(
      fc.property(actionsArb, (actions) => {
        const x = ctx();
        const expr = compileUpdate(actions, x);
        const [parser] = checkHygiene([expr], x.ph.names, x.ph.values);
        const { actions: parsed, clauses } = parser!.update();
        expect(new Set(clauses).size).toBe(clauses.length);
        const order = ['SET', 'REMOVE', 'ADD', 'DELETE'];
        expect(clauses).toEqual(order.filter((c) => clauses.includes(c)));
        const kinds = ['set', 'remove', 'add', 'delete'] as const;
        const expected = kinds.flatMap((k) =>
          actions
            .filter((a) => a.kind === k)
            .map((a): UpdateAction => {
              switch (a.kind) {
                case 'set':
                  return { kind: 'set', path: a.path, value: normalizeSetValue(a.value) };
                case 'add':
                case 'delete':
                  return { ...a, value: toStoredValue(a.value) };
                default:
                  return a;
              }
            }),
        );
        expect(parsed).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it('conflicting paths are rejected exactly when two targets overlap', () => {
    const smallPath = fc
      .tuple(fc.constantFrom('a', 'b', 'a.b'), fc.array(fc.oneof(fc.constantFrom('a', 'c'), fc.nat({ max: 1 })), { maxLength: 2 }))
      .map(([h, r]): PathSegment[] => [h, ...r]);
    fc.assert(
      fc.property(fc.array(smallPath, { minLength: 1, maxLength: 4 }), fc.array(fc.nat({ max: 3 }), { minLength: 4, maxLength: 4 }), (paths, kinds) => {
        const actions = paths.map((path, i): UpdateAction => {
          switch (kinds[i]) {
            case 0:
              return { kind: 'set', path, value: { kind: 'value', value: 1 } };
            case 1:
              return { kind: 'remove', path };
            case 2:
              return { kind: 'add', path, value: 1 };
            default:
              return { kind: 'delete', path, value: new Set(['x']) };
          }
        });
        const conflicting = paths.some((p, i) => paths.some((q, j) => i < j && overlap(p, q)));
        const x = ctx();
        if (conflicting) {
          expect(() => compileUpdate(actions, x)).toThrow(ExpressionError);
        } else {
          const expr = compileUpdate(actions, x);
          checkHygiene([expr], x.ph.names, x.ph.values);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

/** A value with the number somewhere inside it: alone, in a list, a map, a number set, or deep down. */
const placed = (n: number | bigint): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constant(n),
    fc.tuple(fc.array(scalarArb, { maxLength: 3 }), fc.nat({ max: 3 })).map(([l, i]) => [...l.slice(0, i), n, ...l.slice(i)]),
    fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), scalarArb, { maxKeys: 3 }).map((m) => ({ ...m, 'the n': n })),
    fc.uniqueArray(fc.integer(), { maxLength: 3 }).map((a) => new Set<unknown>([...a, n])),
    fc.constant({ deep: [{ deeper: [n] }] }),
  );

/** Checks that `n`, wherever it sits in `value`, makes a condition, a SET and an arithmetic operand fail to compile. */
function refusedEverywhere(n: number | bigint, value: unknown, path: PathSegment[]): void {
  expect(() => compileCondition(attr(path).eq(value).node, ctx())).toThrow(StorageRuleViolation);
  expect(() => compileUpdate([{ kind: 'set', path, value: { kind: 'value', value } }], ctx())).toThrow(StorageRuleViolation);
  expect(() => compileUpdate([{ kind: 'set', path, value: { kind: 'arith', op: '+', left: { kind: 'path', path }, right: { kind: 'value', value: n } } }], ctx())).toThrow(
    StorageRuleViolation,
  );
  expect(() => compileUpdate([{ kind: 'add', path, value: n }], ctx())).toThrow(StorageRuleViolation);
}

const signed = <T extends number | bigint>(arb: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.tuple(arb, fc.boolean()).map(([v, neg]) => (neg ? (-v as T) : v));

/** An independent statement of DynamoDB's rule for integers: below 10^126, at most 38 digits once trailing zeros go. */
function dynamoHoldsInteger(n: bigint): boolean {
  const digits = (n < 0n ? -n : n).toString();
  return digits.length <= 126 && digits.replace(/0+$/, '').length <= 38;
}

describe('property: integers beyond Number.MAX_SAFE_INTEGER', () => {
  // Every double with |d| >= 2^53 is an integer that is not safe (its digits are already rounded).
  const unsafeArb = signed(fc.double({ min: 2 ** 53, max: Number.MAX_VALUE, noNaN: true }));

  it('are refused wherever they appear in a condition or update value', () => {
    fc.assert(
      fc.property(
        unsafeArb.chain((n) => fc.tuple(fc.constant(n), placed(n))),
        pathArb,
        ([n, value], path) => {
          expect(Number.isSafeInteger(n)).toBe(false);
          refusedEverywhere(n, value, path);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('the same integer as a bigint compiles, sent as that bigint, exactly when DynamoDB holds it', () => {
    // Below 10^38 every integer has at most 38 digits: the bigint of such a double always compiles.
    const heldArb = signed(fc.double({ min: 2 ** 53, max: 1e38, maxExcluded: true, noNaN: true }));
    fc.assert(
      fc.property(fc.oneof(heldArb, unsafeArb), pathArb, (n, path) => {
        const exact = BigInt(n);
        const x = ctx();
        if (dynamoHoldsInteger(exact)) {
          compileCondition(attr(path).eq(exact).node, x);
          expect(x.ph.values).toEqual({ ':v0': exact });
        } else {
          expect(() => compileCondition(attr(path).eq(exact).node, x)).toThrow(StorageRuleViolation);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("property: numbers outside DynamoDB's number type (magnitude 1E-130 to below 1E+126, or 0; 38 significant digits)", () => {
  /** Non-zero doubles closer to zero than 1E-130, subnormals included. */
  const tinyArb = signed(fc.double({ min: Number.MIN_VALUE, max: MIN_MAGNITUDE, maxExcluded: true, noNaN: true }));
  /** Bigints of 10^126 and up, or of more than 38 significant digits (trailing zeros do not count). */
  const badBigintArb = signed(
    fc.oneof(
      fc.bigInt({ min: 10n ** 126n, max: 10n ** 200n }),
      fc
        .tuple(fc.bigInt({ min: 10n ** 38n, max: 10n ** 60n }).filter((m) => m % 10n !== 0n), fc.nat({ max: 70 }))
        .map(([m, zeros]) => m * 10n ** BigInt(zeros)),
    ),
  );

  it('are refused wherever they appear in a condition or update value', () => {
    fc.assert(
      fc.property(
        fc.oneof<fc.Arbitrary<number | bigint>[]>(tinyArb, badBigintArb).chain((n) => fc.tuple(fc.constant(n), placed(n))),
        pathArb,
        ([n, value], path) => {
          if (typeof n === 'bigint') expect(dynamoHoldsInteger(n)).toBe(false);
          else expect(n !== 0 && Math.abs(n) < MIN_MAGNITUDE).toBe(true);
          refusedEverywhere(n, value, path);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('up to 38 significant digits followed by zeros, below 10^126, compile and are sent as given', () => {
    const heldArb = signed(fc.tuple(fc.bigInt({ min: 1n, max: D38 }), fc.nat({ max: 88 })).map(([m, zeros]) => m * 10n ** BigInt(zeros)));
    fc.assert(
      fc.property(heldArb, pathArb, (n, path) => {
        expect(dynamoHoldsInteger(n)).toBe(true);
        const x = ctx();
        compileUpdate([{ kind: 'set', path, value: { kind: 'value', value: new Set([n]) } }], x);
        expect(x.ph.values).toEqual({ ':v0': new Set([n]) });
      }),
      { numRuns: 200 },
    );
  });
});

describe('the checker itself', () => {
  it('rejects spliced names, undefined or unused placeholders and malformed keys', () => {
    expect(() => tokenize('status = :v0')).toThrow(/spliced/);
    expect(() => tokenize('#n0 = 5')).toThrow(/unexpected text/);
    expect(() => tokenize('#n0 = "x"')).toThrow(/unexpected text/);
    expect(() => tokenize('#n0[x] = :v0')).toThrow(/unexpected text/);
    expect(() => checkHygiene(['#n0 = :v0'], { '#n0': 'a' }, {})).toThrow();
    expect(() => checkHygiene(['#n0 = :v0'], { '#n0': 'a', '#n1': 'b' }, { ':v0': 1 })).toThrow();
    expect(() => checkHygiene(['#n0 = #n1'], { '#n0': 'a', '#n1': 'a' }, {})).toThrow();
    expect(() => checkHygiene(['(#n0 = :v0'], { '#n0': 'a' }, { ':v0': 1 })).toThrow();
    expect(() => checkHygiene(['#a-b = :v0'], { '#a-b': 'a' }, { ':v0': 1 })).toThrow();
    const [p] = checkHygiene(['#n0 = :v0 OR #n1 = :v1 AND NOT #n0 = :v1'], { '#n0': 'a', '#n1': 'b' }, { ':v0': 1, ':v1': 2 });
    // AND binds tighter than OR, NOT tighter than AND
    expect(p!.condition()).toEqual({
      kind: 'or',
      children: [
        { kind: 'compare', op: '=', left: { kind: 'path', path: ['a'] }, right: { kind: 'value', value: 1 } },
        {
          kind: 'and',
          children: [
            { kind: 'compare', op: '=', left: { kind: 'path', path: ['b'] }, right: { kind: 'value', value: 2 } },
            { kind: 'not', child: { kind: 'compare', op: '=', left: { kind: 'path', path: ['a'] }, right: { kind: 'value', value: 2 } } },
          ],
        },
      ],
    });
  });
});
