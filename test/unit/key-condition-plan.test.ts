/**
 * Logical key conditions -> physical key conditions (src/entity/key-condition-plan.ts), without a
 * server:
 * - every operator on composite string sort keys, padded numeric ones and a terminal date, as the
 *   key condition text of the built QueryCommandInput (placeholders substituted back);
 * - a property: for random items and random conditions, the physical condition (evaluated here
 *   as DynamoDB does: strings by UTF-8 bytes) selects exactly the items the logical condition
 *   selects, as long as values hold no character that sorts below the separator '#';
 * - the documented caveat (values with ' ', '!', '"') and every bad input, as typed errors.
 * The real server decides the same questions in test/integration/query-operators.test.ts.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, ExpressionError, KeyCondition, KeyError, type KeyCondition as KC } from '../../src/index.js';
import { keyConditionRefinement, planKeyCondition } from '../../src/entity/key-condition-plan.js';
import type { ConditionNode, Operand } from '../../src/expressions/ast.js';
import type { KeyOp, KeyTerm } from '../../src/expressions/key-condition.js';
import { appModel } from '../fixtures/app-model.js';

const client = new DynamoDBClient({ region: 'us-east-1' });
const { User, Order } = appModel(client, 'App');
const TOP = '\u{10FFFF}';
const MAX = Number.MAX_SAFE_INTEGER;

/** The key condition of a built input with names and values put back, e.g. `pk = "USER#u1" AND sk = "PROFILE"`. */
function keyText(input: { KeyConditionExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> }): string {
  return input.KeyConditionExpression!.replace(/#[A-Za-z0-9_]+|:[A-Za-z0-9_]+/g, (ph) =>
    ph.startsWith('#') ? input.ExpressionAttributeNames![ph]! : JSON.stringify(input.ExpressionAttributeValues![ph]).replaceAll(TOP, '<TOP>'),
  );
}

/** Independent of src: the documented number encoding (16 digits; negatives '-' + (2^53 + n)). */
const num = (n: number): string => (n >= 0 ? String(n).padStart(16, '0') : `-${String(2 ** 53 + n).padStart(16, '0')}`);

describe('composite string sort key USER#{name}#{userId} (User on gsi1)', () => {
  const { Key } = User;
  const q = (c: KC<'orgId' | 'name' | 'userId', 'orgId'>) => keyText(User.query('gsi1', c).build());
  const org = Key('orgId').eq('acme');

  it('partition key only: every User key of the partition (begins_with the template head)', () => {
    expect(q(org)).toBe('gsi1pk = "ORG#acme" AND begins_with(gsi1sk, "USER#")');
  });
  it('eq on the leading composite is begins_with on the closed prefix (Bo does not match Bob)', () => {
    expect(q(org.and(Key('name').eq('Bo')))).toBe('gsi1pk = "ORG#acme" AND begins_with(gsi1sk, "USER#Bo#")');
  });
  it('eq on every composite is an exact eq, in whatever order the terms were given', () => {
    expect(q(Key('userId').eq('u1').and(Key('name').eq('Bo')).and(org))).toBe('gsi1pk = "ORG#acme" AND gsi1sk = "USER#Bo#u1"');
  });
  it('beginsWith on a composite leaves the prefix open', () => {
    expect(q(org.and(Key('name').beginsWith('Bo')))).toBe('gsi1pk = "ORG#acme" AND begins_with(gsi1sk, "USER#Bo")');
  });
  it('between: from the open low prefix to everything under the closed high prefix', () => {
    expect(q(org.and(Key('name').between('Al', 'Bo')))).toBe('gsi1pk = "ORG#acme" AND gsi1sk BETWEEN "USER#Al" AND "USER#Bo#<TOP>"');
  });
  it('gt / gte / lt / lte stay inside the template head; on name (followed by key text) the key range is widened and the range is also filtered on the attribute', () => {
    expect(q(org.and(Key('name').gt('Bo')))).toBe('gsi1pk = "ORG#acme" AND gsi1sk BETWEEN "USER#Bo" AND "USER#<TOP>"');
    expect(q(org.and(Key('name').gte('Bo')))).toBe('gsi1pk = "ORG#acme" AND gsi1sk BETWEEN "USER#Bo" AND "USER#<TOP>"');
    expect(q(org.and(Key('name').lt('Bo')))).toBe('gsi1pk = "ORG#acme" AND gsi1sk BETWEEN "USER#" AND "USER#Bo#<TOP>"');
    expect(q(org.and(Key('name').lte('Bo')))).toBe('gsi1pk = "ORG#acme" AND gsi1sk BETWEEN "USER#" AND "USER#Bo#<TOP>"');
    // 'B' < 'B!' as names, but 'USER#B#' > 'USER#B!': the upper bound covers the shorter name's keys.
    expect(q(org.and(Key('name').lt('B!')))).toBe('gsi1pk = "ORG#acme" AND gsi1sk BETWEEN "USER#" AND "USER#B#<TOP>"');
    const input = User.query('gsi1', org.and(Key('name').gt('Bo'))).build();
    expect(input.FilterExpression).toMatch(/^#n\d+ = :v\d+ AND #n\d+ > :v\d+$/);
    expect(Object.values(input.ExpressionAttributeNames!)).toEqual(expect.arrayContaining(['_et', 'name']));
    // An equality prefix is exact on keys: no filter beyond the entity's.
    expect(Object.values(User.query('gsi1', org.and(Key('name').eq('Bo'))).build().ExpressionAttributeNames!)).not.toContain('name');
  });
  it('a range on the last composite after eq on the first', () => {
    expect(q(org.and(Key('name').eq('Bo')).and(Key('userId').beginsWith('u')))).toBe('gsi1pk = "ORG#acme" AND begins_with(gsi1sk, "USER#Bo#u")');
    expect(q(org.and(Key('name').eq('Bo')).and(Key('userId').between('u1', 'u3')))).toBe('gsi1pk = "ORG#acme" AND gsi1sk BETWEEN "USER#Bo#u1" AND "USER#Bo#u3"');
    expect(q(org.and(Key('name').eq('Bo')).and(Key('userId').gte('u1')))).toBe('gsi1pk = "ORG#acme" AND gsi1sk BETWEEN "USER#Bo#u1" AND "USER#Bo#<TOP>"');
    expect(q(org.and(Key('name').eq('Bo')).and(Key('userId').lte('u1')))).toBe('gsi1pk = "ORG#acme" AND gsi1sk BETWEEN "USER#Bo#" AND "USER#Bo#u1"');
  });
  // gt / lt on the last (terminal) composite after eq: see "bug: ..." below; checked by meaning, not by text.
  it('the primary key of User (sk PROFILE, no composites) is an exact eq', () => {
    expect(keyText(User.query('primary', Key('userId').eq('u1')).build())).toBe('pk = "USER#u1" AND sk = "PROFILE"');
  });
  it('the entity filter (_et) is always there, ANDed with the caller filter', () => {
    const input = User.query('gsi1', org).filter(User.Attr('age').gt(18)).build();
    expect(input.FilterExpression).toMatch(/^\(#n\d+ = :v\d+\) AND \(#n\d+ > :v\d+\)$|^#n\d+ = :v\d+ AND #n\d+ > :v\d+$/);
    expect(Object.values(input.ExpressionAttributeNames!)).toEqual(expect.arrayContaining(['_et', 'age']));
    expect(Object.values(input.ExpressionAttributeValues!)).toEqual(expect.arrayContaining(['User', 18]));
  });
});

describe('padded numeric sort key ORDER#{seq}#{orderId} (Order on the table)', () => {
  const { Key } = Order;
  const q = (c: KC<'userId' | 'seq' | 'orderId', 'userId'>) => keyText(Order.query('primary', c).build());
  const u1 = Key('userId').eq('u1');

  it('numbers are written as 16 digits, negatives as "-" + (2^53 + n)', () => {
    expect(q(u1.and(Key('seq').eq(42)))).toBe(`pk = "USER#u1" AND begins_with(sk, "ORDER#${num(42)}#")`);
    expect(q(u1.and(Key('seq').eq(-1)))).toBe(`pk = "USER#u1" AND begins_with(sk, "ORDER#${num(-1)}#")`);
    expect(num(-1)).toBe('-9007199254740991');
    expect(num(-MAX)).toBe('-0000000000000001');
    expect(num(MAX)).toBe('9007199254740991');
  });
  it('between / gt / gte / lt / lte on a number compare padded strings', () => {
    expect(q(u1.and(Key('seq').between(-5, 10)))).toBe(`pk = "USER#u1" AND sk BETWEEN "ORDER#${num(-5)}" AND "ORDER#${num(10)}#<TOP>"`);
    expect(q(u1.and(Key('seq').gt(10)))).toBe(`pk = "USER#u1" AND sk BETWEEN "ORDER#${num(10)}#<TOP>" AND "ORDER#<TOP>"`);
    expect(q(u1.and(Key('seq').gte(10)))).toBe(`pk = "USER#u1" AND sk BETWEEN "ORDER#${num(10)}" AND "ORDER#<TOP>"`);
    expect(q(u1.and(Key('seq').lt(-5)))).toBe(`pk = "USER#u1" AND sk BETWEEN "ORDER#" AND "ORDER#${num(-5)}"`);
    expect(q(u1.and(Key('seq').lte(0)))).toBe(`pk = "USER#u1" AND sk BETWEEN "ORDER#" AND "ORDER#${num(0)}#<TOP>"`);
  });
  it('eq on seq and orderId: the exact key', () => {
    expect(q(u1.and(Key('seq').eq(7)).and(Key('orderId').eq('o1')))).toBe(`pk = "USER#u1" AND sk = "ORDER#${num(7)}#o1"`);
  });
  it('a non-integer or unsafe seq is a KeyError (it could not be in a key)', () => {
    expect(() => Order.query('primary', u1.and(Key('seq').gt(1.5))).build()).toThrow(KeyError);
    expect(() => Order.query('primary', u1.and(Key('seq').gt(2 ** 60))).build()).toThrow(KeyError);
  });
});

describe('local index with a terminal date composite PLACED#{placedAt} (Order on lsi1)', () => {
  const { Key } = Order;
  const q = (c: KC<'userId' | 'placedAt', 'userId'>) => keyText(Order.query('lsi1', c).build());
  const d = new Date('2024-05-06T07:08:09.010Z');
  const iso = d.toISOString();
  const u1 = Key('userId').eq('u1');

  it('the partition key comes from the table (pk), the sort key from lsi1sk', () => {
    expect(q(u1)).toBe('pk = "USER#u1" AND begins_with(lsi1sk, "PLACED#")');
    expect(q(u1.and(Key('placedAt').eq(d)))).toBe(`pk = "USER#u1" AND lsi1sk = "PLACED#${iso}"`);
  });
  it('a terminal composite compares exactly: no sentinel needed', () => {
    expect(q(u1.and(Key('placedAt').gte(d)))).toBe(`pk = "USER#u1" AND lsi1sk BETWEEN "PLACED#${iso}" AND "PLACED#<TOP>"`);
    expect(q(u1.and(Key('placedAt').lte(d)))).toBe(`pk = "USER#u1" AND lsi1sk BETWEEN "PLACED#" AND "PLACED#${iso}"`);
    expect(q(u1.and(Key('placedAt').between(new Date(0), d)))).toBe(`pk = "USER#u1" AND lsi1sk BETWEEN "PLACED#1970-01-01T00:00:00.000Z" AND "PLACED#${iso}"`);
  });
});

// -------------------------------------------------------------------------------------------------
// Property: physical condition == logical condition

const P = defineTable({
  name: 'Plan',
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: {
    gsi1: { type: 'global', partitionKey: { name: 'g1pk', type: 'S' }, sortKey: { name: 'g1sk', type: 'S' } },
    gsi2: { type: 'global', partitionKey: { name: 'g2pk', type: 'S' }, sortKey: { name: 'g2sk', type: 'S' } },
    gsi3: { type: 'global', partitionKey: { name: 'g3pk', type: 'S' }, sortKey: { name: 'g3sk', type: 'S' } },
    gsi4: { type: 'global', partitionKey: { name: 'g4pk', type: 'S' }, sortKey: { name: 'g4sk', type: 'S' } },
    lsi1: { type: 'local', sortKey: { name: 'l1sk', type: 'S' } },
  },
});

const Thing = defineEntity({
  table: P,
  name: 'Thing',
  schema: z.object({ id: z.string(), name: z.string(), userId: z.string(), seq: z.number().int(), at: z.date(), a: z.string(), b: z.number().int(), c: z.string() }),
  keys: {
    primary: { pk: 'T#{id}', sk: 'USER#{name}#{userId}' },
    gsi1: { pk: 'T#{id}', sk: 'ORDER#{seq}#{userId}' },
    gsi2: { pk: 'T#{id}', sk: '{name}#{userId}' },
    gsi3: { pk: 'T#{id}', sk: 'P#{a}#{b}#{c}' },
    gsi4: { pk: 'T#{id}', sk: 'N#{seq}' },
    lsi1: { sk: 'AT#{at}' },
  },
});
type Thing = { id: string; name: string; userId: string; seq: number; at: Date; a: string; b: number; c: string };

/** Sort-key composites per index, and the attribute that holds the built sort key. */
const LAYOUT: Record<string, { composites: (keyof Thing)[]; sk: string }> = {
  primary: { composites: ['name', 'userId'], sk: 'sk' },
  gsi1: { composites: ['seq', 'userId'], sk: 'g1sk' },
  gsi2: { composites: ['name', 'userId'], sk: 'g2sk' },
  gsi3: { composites: ['a', 'b', 'c'], sk: 'g3sk' },
  gsi4: { composites: ['seq'], sk: 'g4sk' },
  lsi1: { composites: ['at'], sk: 'l1sk' },
};

const utf8 = (s: string) => Buffer.from(s, 'utf8');
/** DynamoDB's order: strings by UTF-8 bytes, numbers numerically (dates: by time). */
function cmp(x: unknown, y: unknown): number {
  if (typeof x === 'string' && typeof y === 'string') return Buffer.compare(utf8(x), utf8(y));
  if (x instanceof Date && y instanceof Date) return x.getTime() - y.getTime();
  return (x as number) - (y as number);
}

/** Evaluates a planned key condition on a stored item, as DynamoDB would. */
function evaluate(node: ConditionNode, item: Readonly<Record<string, unknown>>): boolean {
  const val = (o: Operand): unknown => (o.kind === 'value' ? o.value : o.kind === 'path' ? item[String(o.path[0])] : undefined);
  switch (node.kind) {
    case 'and':
      return node.children.every((c) => evaluate(c, item));
    case 'compare': {
      const r = cmp(val(node.left), val(node.right));
      return { '=': r === 0, '<>': r !== 0, '<': r < 0, '<=': r <= 0, '>': r > 0, '>=': r >= 0 }[node.op];
    }
    case 'between': {
      const lo = val(node.low);
      const hi = val(node.high);
      if (cmp(lo, hi) > 0) throw new Error(`BETWEEN with low > high: ${String(lo)} > ${String(hi)} (DynamoDB rejects it)`);
      const v = val(node.operand);
      return cmp(v, lo) >= 0 && cmp(v, hi) <= 0;
    }
    case 'beginsWith': {
      const v = item[String(node.path[0])];
      const p = val(node.prefix) as string;
      return typeof v === 'string' && utf8(v).subarray(0, utf8(p).length).equals(utf8(p));
    }
    default:
      throw new Error(`not a key condition node: ${node.kind}`);
  }
}

/** The logical meaning of a key condition on model items. */
function logical(terms: readonly KeyTerm[], item: Thing): boolean {
  return terms.every((t) => {
    const v = item[t.attribute as keyof Thing];
    const [a, b] = t.values;
    switch (t.op) {
      case '=':
        return cmp(v, a) === 0;
      case '<':
        return cmp(v, a) < 0;
      case '<=':
        return cmp(v, a) <= 0;
      case '>':
        return cmp(v, a) > 0;
      case '>=':
        return cmp(v, a) >= 0;
      case 'between':
        return cmp(v, a) >= 0 && cmp(v, b) <= 0;
      case 'beginsWith':
        return (v as string).startsWith(a as string);
    }
  });
}

/** The stored form of a Thing: the keys dynakit writes for it. */
const stored = (t: Thing): Record<string, unknown> => Thing.model.storedItem(Thing.model.validate(t), undefined).item;

// Characters that all sort above the separator '#' (0x23); the caveat below covers the others.
const text = fc.string({ unit: fc.constantFrom('$', '-', '.', '0', '9', 'A', 'B', 'Z', 'a', 'b', 'z', 'é', '😀'), maxLength: 4 });
const int = fc.oneof(fc.integer({ min: -30, max: 30 }), fc.constantFrom(MAX, -MAX, 2 ** 40, -(2 ** 40)));
const date = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true });
const valueOf: Record<keyof Thing, fc.Arbitrary<unknown>> = { id: fc.constant('x'), name: text, userId: text, seq: int, at: date, a: text, b: int, c: text };
const thing = fc.record({ id: fc.constant('x'), name: text, userId: text.map((s) => `u${s}`), seq: int, at: date, a: text, b: int, c: text }) as fc.Arbitrary<Thing>;

/** A random valid key condition on one index: eq on k leading composites, then maybe one range. */
const conditionWith = (valueOf: Record<keyof Thing, fc.Arbitrary<unknown>>) => fc.constantFrom(...Object.keys(LAYOUT)).chain((index) => {
  const { composites } = LAYOUT[index]!;
  return fc.integer({ min: 0, max: composites.length }).chain((eqs) => {
    const eqTerms = fc.tuple(...composites.slice(0, eqs).map((c) => valueOf[c].map((v): KeyTerm => ({ attribute: c, op: '=', values: [v] }))));
    const next = composites[eqs];
    const ops: KeyOp[] = next === 'name' || next === 'userId' || next === 'a' || next === 'c' ? ['<', '<=', '>', '>=', 'between', 'beginsWith'] : ['<', '<=', '>', '>=', 'between'];
    const range: fc.Arbitrary<KeyTerm | undefined> =
      next === undefined
        ? fc.constant(undefined)
        : fc.option(
            fc.tuple(fc.constantFrom(...ops), valueOf[next], valueOf[next]).map(([op, x, y]): KeyTerm => {
              const [lo, hi] = cmp(x, y) <= 0 ? [x, y] : [y, x];
              return { attribute: next, op, values: op === 'between' ? [lo, hi] : [x] };
            }),
            { nil: undefined },
          );
    return fc.tuple(fc.constant(index), eqTerms, range).map(([ix, eq, r]) => ({ index: ix, terms: [{ attribute: 'id', op: '=' as const, values: ['x'] }, ...eq, ...(r === undefined ? [] : [r])] }));
  });
});
const condition = conditionWith(valueOf);

describe('property: the physical condition selects exactly the logically matching items', () => {
  it('for every index layout and operator (values above the separator)', () => {
    fc.assert(
      fc.property(fc.array(thing, { minLength: 1, maxLength: 25 }), condition, (things, { index, terms }) => {
        // Make some items share leading composites with the condition, so eq prefixes match something.
        const eq = terms.filter((t) => t.op === '=' && t.attribute !== 'id');
        const items = things.map((t, i) => (i % 2 === 0 ? { ...t, ...Object.fromEntries(eq.map((e) => [e.attribute, e.values[0]])) } : t)) as Thing[];
        const node = planKeyCondition(Thing.model, index, new KeyCondition(terms));
        for (const item of items) {
          const row = stored(item);
          const physical = evaluate(node, row);
          if (physical !== logical(terms, item)) {
            throw new Error(`${index} ${JSON.stringify(terms)}: ${LAYOUT[index]!.sk}=${JSON.stringify(row[LAYOUT[index]!.sk])} physical=${physical}`);
          }
        }
      }),
      { numRuns: 600 },
    );
  });
});

describe('property: values that sort below the separator, with the refinement filter', () => {
  // ' ', '!' and '"' sort below '#': a range on a string composite followed by key text is then
  // not exact on keys alone. A query widens the key range and adds the same range on the attribute
  // (`keyConditionRefinement`); together they must select exactly the matching items.
  const low = fc.string({ unit: fc.constantFrom(' ', '!', '"', '$', 'A', 'B', 'a', 'é', '😀'), maxLength: 4 });
  const lowValueOf: Record<keyof Thing, fc.Arbitrary<unknown>> = { ...valueOf, name: low, userId: low.map((s) => `u${s}`), a: low, c: low };
  const lowThing = fc.record({ id: fc.constant('x'), name: low, userId: low.map((s) => `u${s}`), seq: int, at: date, a: low, b: int, c: low }) as fc.Arbitrary<Thing>;
  const always = () => true;

  it('for every index layout and operator', () => {
    fc.assert(
      fc.property(fc.array(lowThing, { minLength: 1, maxLength: 25 }), conditionWith(lowValueOf), (things, { index, terms }) => {
        const eq = terms.filter((t) => t.op === '=' && t.attribute !== 'id');
        const items = things.map((t, i) => (i % 2 === 0 ? { ...t, ...Object.fromEntries(eq.map((e) => [e.attribute, e.values[0]])) } : t)) as Thing[];
        const c = new KeyCondition(terms);
        const node = planKeyCondition(Thing.model, index, c, always);
        const refine = keyConditionRefinement(Thing.model, index, c, always);
        for (const item of items) {
          const row = stored(item);
          const selected = evaluate(node, row) && (refine === undefined || evaluate(refine, row));
          if (selected !== logical(terms, item)) {
            throw new Error(`${index} ${JSON.stringify(terms)}: ${LAYOUT[index]!.sk}=${JSON.stringify(row[LAYOUT[index]!.sk])} selected=${selected}`);
          }
        }
      }),
      { numRuns: 600 },
    );
  });
});

describe('bug: gt / lt on the last composite after eq on the leading ones', () => {
  // sk 'USER#{name}#{userId}', Key('name').eq('Bo') + Key('userId').gt('u1') was planned as
  // `sk > 'USER#Bo#u1'`: no upper bound, so every user named after 'Bo' matched too; lt had no
  // lower bound, so every user named before 'Bo' matched. (Proposed fix in the report.)
  const row = (name: string, userId: string) => stored({ id: 'x', name, userId, seq: 0, at: new Date(0), a: 'a', b: 0, c: 'c' });
  const plan = (c: KC) => planKeyCondition(Thing.model, 'primary', Thing.Key('id').eq('x').and(Thing.Key('name').eq('Bo')).and(c) as KC);

  it('gt on userId stays within name = Bo', () => {
    const node = plan(Thing.Key('userId').gt('u1'));
    expect([row('Bo', 'u2'), row('Bo', 'u1'), row('Bo', 'u0'), row('Bob', 'u0'), row('Zed', 'u9'), row('Bo', 'u1$')].map((r) => evaluate(node, r))).toEqual([
      true, false, false, false, false, true,
    ]);
  });
  it('lt on userId stays within name = Bo', () => {
    const node = plan(Thing.Key('userId').lt('u1'));
    expect([row('Bo', 'u0'), row('Bo', 'u'), row('Bo', 'u1'), row('Bo', 'u2'), row('Al', 'u9'), row('B', 'u0')].map((r) => evaluate(node, r))).toEqual([
      true, true, false, false, false, false,
    ]);
  });
  it('the same on a padded number: gsi1 ORDER#{seq}#{userId} with seq = 5', () => {
    const at = (seq: number, userId: string) => stored({ id: 'x', name: 'n', userId, seq, at: new Date(0), a: 'a', b: 0, c: 'c' });
    const gt = planKeyCondition(Thing.model, 'gsi1', Thing.Key('id').eq('x').and(Thing.Key('seq').eq(5)).and(Thing.Key('userId').gt('u1')) as KC);
    const lt = planKeyCondition(Thing.model, 'gsi1', Thing.Key('id').eq('x').and(Thing.Key('seq').eq(5)).and(Thing.Key('userId').lt('u1')) as KC);
    expect([at(5, 'u2'), at(6, 'u0'), at(-1, 'u9')].map((r) => evaluate(gt, r))).toEqual([true, false, false]);
    expect([at(5, 'u0'), at(4, 'u9'), at(-1, 'u0')].map((r) => evaluate(lt, r))).toEqual([true, false, false]);
  });
});

describe('caveat: values with characters below the separator', () => {
  // ' ' (0x20), '!' and '"' sort below '#', so 'Bo Jo' is logically after 'Bo' but its key
  // 'USER#Bo Jo#u' sorts before 'USER#Bo#u'. Range comparisons compare built keys: documented in docs/querying.md.
  const row = (name: string) => stored({ id: 'x', name, userId: 'u1', seq: 0, at: new Date(0), a: 'a', b: 0, c: 'c' });
  const plan = (c: KC) => planKeyCondition(Thing.model, 'primary', Thing.Key('id').eq('x').and(c) as KC);

  it('gt("Bo") misses "Bo Jo" and lte("Bo") takes it', () => {
    expect(evaluate(plan(Thing.Key('name').gt('Bo')), row('Bo Jo'))).toBe(false);
    expect(evaluate(plan(Thing.Key('name').lte('Bo')), row('Bo Jo'))).toBe(true);
    expect(evaluate(plan(Thing.Key('name').lte('Bo')), row('Bo!'))).toBe(true);
  });
  it('eq and beginsWith are exact whatever the characters', () => {
    expect(evaluate(plan(Thing.Key('name').eq('Bo')), row('Bo Jo'))).toBe(false);
    expect(evaluate(plan(Thing.Key('name').eq('Bo Jo')), row('Bo Jo'))).toBe(true);
    expect(evaluate(plan(Thing.Key('name').beginsWith('Bo ')), row('Bo Jo'))).toBe(true);
    expect(evaluate(plan(Thing.Key('name').beginsWith('Bo ')), row('Bo'))).toBe(false);
  });
  it('gte / lt / between low ends are exact (open prefixes)', () => {
    expect(evaluate(plan(Thing.Key('name').gte('Bo')), row('Bo Jo'))).toBe(true);
    expect(evaluate(plan(Thing.Key('name').lt('Bo')), row('Bo Jo'))).toBe(false);
    expect(evaluate(plan(Thing.Key('name').between('Bo', 'Bp')), row('Bo Jo'))).toBe(true);
  });
});

describe('bad key conditions are typed errors, thrown when the query is built', () => {
  const { Key } = User;
  it('unknown index', () => {
    expect(() => User.query('gsi9' as 'gsi1', Key('orgId').eq('acme'))).toThrow(KeyError);
    expect(() => User.query('gsi9' as 'gsi1', Key('orgId').eq('acme'))).toThrow(/no keys for index "gsi9" \(known: primary, gsi1\)/);
    // lsi1 exists on the table, but User gives no keys for it
    expect(() => User.query('lsi1' as 'gsi1', Key('orgId').eq('acme'))).toThrow(KeyError);
  });
  it('Key on an attribute that does not compose the index', () => {
    const e = (() => {
      try {
        User.query('primary', Key('orgId').eq('acme') as unknown as KC<'userId', 'userId'>).build();
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(KeyError);
    expect(e).toMatchObject({ entity: 'User', index: 'primary', attribute: 'orgId' });
    expect(() => User.Key('email' as 'name')).toThrow(ExpressionError);
  });
  it('a sort-key condition without the partition key', () => {
    // @ts-expect-error rejected by the types as well; this is the runtime guard for untyped callers
    expect(() => User.query('gsi1', Key('name').eq('Bo')).build()).toThrow(/needs orgId with eq\(\) \(partition key\)/);
  });
  it('a range on the partition key', () => {
    // @ts-expect-error rejected by the types as well (gt records no eq on orgId)
    expect(() => User.query('gsi1', Key('orgId').gt('a')).build()).toThrow(/only supports eq\(\)/);
  });
  it('composites out of order: a later composite without eq on the earlier one', () => {
    expect(() => User.query('gsi1', Key('orgId').eq('acme').and(Key('userId').eq('u1'))).build()).toThrow(/userId needs name first/);
    expect(() => Order.query('primary', Order.Key('userId').eq('u').and(Order.Key('orderId').gt('o'))).build()).toThrow(KeyError);
  });
  it('a composite after a range', () => {
    expect(() => User.query('gsi1', Key('orgId').eq('acme').and(Key('name').gt('A')).and(Key('userId').eq('u1'))).build()).toThrow(
      /userId comes after name, which has a range/,
    );
  });
  it('two conditions on one attribute', () => {
    expect(() => User.query('gsi1', Key('orgId').eq('acme').and(Key('name').gt('A')).and(Key('name').lt('C'))).build()).toThrow(/two key conditions/);
  });
  it('a value of the wrong type for the composite', () => {
    expect(() => Order.query('primary', Order.Key('userId').eq('u').and(Order.Key('seq').gt('1' as unknown as number))).build()).toThrow(KeyError);
  });
  it('beginsWith on a number, date or boolean composite (untyped callers): a KeyError, not the padded value as a prefix', () => {
    // A padded number as a prefix would select only that number ('1' would not match 10 or 11),
    // and a Date's whole ISO text only that instant: beginsWith is for text.
    const u = Order.Key('userId').eq('u');
    expect(() => Order.query('primary', u.and(Order.Key('seq').beginsWith(1 as never))).build()).toThrow(/beginsWith on seq needs a string/);
    expect(() => Order.query('lsi1', u.and(Order.Key('placedAt').beginsWith(new Date(0) as never))).build()).toThrow(/beginsWith on placedAt needs a string/);
    expect(() => Order.query('primary', u.and(Order.Key('seq').beginsWith('1' as never))).build()).toThrow(KeyError);
  });
  it('beginsWith on a raw date or boolean sort key (untyped callers): a KeyError too, not the whole ISO text as the prefix', () => {
    // sk '{at}' stores a Date's ISO text in an S key: a Date as the prefix selected that one instant
    // (begins_with(sk, '2024-01-12T00:00:00.000Z') misses 05:00 that day), a boolean went to DynamoDB.
    const Log = defineTable({ name: 'Log', client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
    const Entry = defineEntity({ table: Log, name: 'Entry', schema: z.object({ id: z.string(), at: z.date(), on: z.boolean() }), keys: { primary: { pk: '{id}', sk: '{at}' } } });
    const Flag = defineEntity({ table: Log, name: 'Flag', schema: z.object({ id: z.string(), on: z.boolean() }), keys: { primary: { pk: '{id}', sk: '{on}' } } });
    expect(() => Entry.query('primary', Entry.Key('id').eq('e').and(Entry.Key('at').beginsWith(new Date('2024-01-12') as never))).build()).toThrow(/beginsWith on at needs a string/);
    expect(() => Flag.query('primary', Flag.Key('id').eq('f').and(Flag.Key('on').beginsWith(true as never))).build()).toThrow(KeyError);
    // A text prefix of the stored ISO text selects what it says.
    expect(keyText(Entry.query('primary', Entry.Key('id').eq('e').and(Entry.Key('at').beginsWith('2024-01' as never))).build())).toBe('pk = "e" AND begins_with(sk, "2024-01")');
  });
});
