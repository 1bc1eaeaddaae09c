/**
 * Expression-layer review: inputs DynamoDB rejects are refused before sending, with typed errors
 * naming the entity (or table), the path and the rule; table-level values are encoded as stored.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AttributeOperand, ExpressionError, KeyError, ValidationError, defineEntity, type KeyCondition } from '../../src/index.js';
import { compileCondition, type CompileContext } from '../../src/expressions/compile.js';
import { Placeholders } from '../../src/expressions/placeholders.js';
import { toStoredValue } from '../../src/entity/codec.js';
import { appModel } from '../fixtures/app-model.js';

const ctx = (): CompileContext => ({ ph: new Placeholders(), entity: 'T', encode: (v, path) => toStoredValue(v, path) });
const A = <V>(name: string) => new AttributeOperand<V>([name]);
const client = new DynamoDBClient({ region: 'us-east-1' });
const { AppTable, User, Order } = appModel(client, 'ExprReview');
const Session = defineEntity({
  table: AppTable,
  name: 'Session',
  schema: z.object({ id: z.string(), expiresAt: z.date() }),
  keys: { primary: { pk: 'SESSION#{id}', sk: 'S' } },
  ttl: 'expiresAt',
});

describe('between with its low bound above its high bound (DynamoDB rejects it)', () => {
  it.each([
    ['numbers', 50, 1],
    ['a bigint and a number', 5n, 1],
    ['strings', 'b', 'a'],
    ['strings by UTF-8 bytes', '😀', '\uff61'],
    ['dates (ISO text)', new Date(2000, 1), new Date(1999, 1)],
    ['binary', new Uint8Array([2]), new Uint8Array([1, 9])],
  ])('%s: an ExpressionError naming the path, before sending', (_what, low, high) => {
    expect(() => compileCondition(A('n').between(low, high).node, ctx())).toThrow(ExpressionError);
    expect(() => compileCondition(A('n').between(low, high).node, ctx())).toThrow(/T: n: .*low bound .* above .*high bound/);
  });

  it.each([
    ['equal bounds', 1, 1],
    ['a number below a bigint', 1, 2n],
    // JavaScript's < says U+FF61 > U+1F600 (UTF-16 code units); DynamoDB compares UTF-8 bytes.
    ['strings ordered by UTF-8 bytes, not UTF-16', '\uff61', '😀'],
    ['values of different types (DynamoDB decides)', 'a', 1],
  ])('%s: compiled as usual', (_what, low, high) => {
    expect(compileCondition(A('n').between(low, high).node, ctx())).toBe('#n0 BETWEEN :v0 AND :v1');
  });

  it('an entity filter and condition', () => {
    expect(() => User.scan().filter(User.Attr('age').between(50, 1)).build()).toThrow(/User: age: .*low bound/);
    expect(() => User.delete({ userId: 'u1' }).where(User.Attr('name').between('b', 'a')).build()).toThrow(ExpressionError);
  });

  it('a key condition: a KeyError on the logical values', () => {
    const acme = User.Key('orgId').eq('acme');
    expect(() => User.query('gsi1', acme.and(User.Key('name').between('B', 'A'))).build()).toThrow(KeyError);
    expect(() => User.query('gsi1', acme.and(User.Key('name').between('B', 'A'))).build()).toThrow(/User: key gsi1: between\("B", "A"\): the low bound is above the high bound/);
    const u1 = Order.Key('userId').eq('u1');
    expect(() => Order.query('primary', u1.and(Order.Key('seq').between(5, 1))).build()).toThrow(KeyError);
    expect(() => Order.query('primary', u1.and(Order.Key('seq').between(-1, -5))).build()).toThrow(KeyError);
    expect(() => Order.query('lsi1', u1.and(Order.Key('placedAt').between(new Date(2001, 0), new Date(2000, 0)))).build()).toThrow(KeyError);
    expect(() => Order.query('primary', u1.and(Order.Key('seq').between(-5, -1))).build()).not.toThrow();
    expect(() => User.query('gsi1', acme.and(User.Key('name').between('A', 'A'))).build()).not.toThrow();
  });
});

describe('attribute_type', () => {
  it('a type name DynamoDB does not know is an ExpressionError naming the path', () => {
    expect(() => compileCondition(A('n').type('X' as 'N').node, ctx())).toThrow(ExpressionError);
    expect(() => compileCondition(A('n').type('s' as 'S').node, ctx())).toThrow(/T: n: attribute_type needs one of S, SS, N, NS, B, BS, BOOL, NULL, L, M; got "s"/);
    expect(compileCondition(A('n').type('NULL').node, ctx())).toBe('attribute_type(#n0, :v0)');
  });
});

describe('between on a bigint key composite', () => {
  it('reversed bigint bounds are a KeyError that shows them', () => {
    const Big = defineEntity({
      table: AppTable,
      name: 'Big',
      schema: z.object({ id: z.string(), n: z.bigint() }),
      keys: { primary: { pk: 'BIG#{id}', sk: 'N#{n}' } },
    });
    expect(() => Big.query('primary', Big.Key('id').eq('a').and(Big.Key('n').between(5n, 1n))).build()).toThrow(/between\(5, 1\): the low bound is above the high bound/);
  });
});

describe('table-level values (AppTable.Attr / AppTable.Key)', () => {
  it('a Date at the TTL attribute is compared as the epoch seconds it is stored as', () => {
    const at = new Date('2030-01-01T00:00:01.900Z');
    const input = AppTable.scan().filter(AppTable.Attr('expiresAt').gt(at)).build();
    expect(Object.values(input.ExpressionAttributeValues!)).toEqual([Math.floor(at.getTime() / 1000)]);
    const between = AppTable.scan().filter(AppTable.Attr('expiresAt').between(at, at)).build();
    expect(Object.values(between.ExpressionAttributeValues!)).toEqual([1893456001, 1893456001]);
    // elsewhere a Date is ISO text, as items store it
    const other = AppTable.scan().filter(AppTable.Attr('birthday').eq(at)).build();
    expect(Object.values(other.ExpressionAttributeValues!)).toEqual([at.toISOString()]);
  });

  it('a value DynamoDB cannot store is a ValidationError naming the table and the path', () => {
    expect(() => AppTable.scan().filter(AppTable.Attr('n').eq(NaN)).build()).toThrow(ValidationError);
    expect(() => AppTable.scan().filter(AppTable.Attr('n').eq(NaN)).build()).toThrow('table ExprReview: invalid value: n: NaN cannot be stored');
    expect(() => AppTable.scan().filter(AppTable.Attr('tags').eq(new Set())).build()).toThrow(/table ExprReview: .*tags: empty sets cannot be stored/);
  });

  it('an invalid Date at the entity TTL attribute is a ValidationError, not NaN sent to DynamoDB', () => {
    expect(() => Session.scan().filter(Session.Attr('expiresAt').gt(new Date('nope'))).build()).toThrow(ValidationError);
  });
});

describe('table-level queries: what DynamoDB rejects fails before sending', () => {
  const K = AppTable.Key;
  const A = AppTable.Attr;
  it('a key condition value of another type than the key attribute', () => {
    // @ts-expect-error -- pk is an S key (refused at compile time; the run-time check stays for JavaScript callers)
    expect(() => AppTable.query(K('pk').eq(5))).toThrow(ExpressionError);
    // @ts-expect-error -- pk is an S key (refused at compile time; the run-time check stays for JavaScript callers)
    expect(() => AppTable.query(K('pk').eq(5))).toThrow('table ExprReview: pk: pk is a S key; number 5 cannot be compared with it');
    // @ts-expect-error -- sk is an S key (refused at compile time; the run-time check stays for JavaScript callers)
    expect(() => AppTable.query(K('pk').eq('a').and(K('sk').gt(new Uint8Array([1]))))).toThrow(/sk is a S key; a binary value/);
    expect(() => AppTable.query(K('pk').eq('a').and(K('sk').between('a', 1 as never)))).toThrow(/sk is a S key/);
    expect(() => AppTable.query(K('pk').eq('a').and(K('sk').gte(new Date(0) as never)))).not.toThrow();
  });

  it('an empty string in a key condition (DynamoDB rejects it even in begins_with)', () => {
    expect(() => AppTable.query(K('pk').eq(''))).toThrow(/pk: a key condition value cannot be empty/);
    expect(() => AppTable.query(K('pk').eq('a').and(K('sk').beginsWith('')))).toThrow(/sk: a key condition value cannot be empty/);
    expect(() => AppTable.query('gsi1', K('gsi1pk').eq('a').and(K('gsi1sk').between('', 'b')))).toThrow(ExpressionError);
  });

  it("a filter on the queried index's key attributes; other indexes' keys are fine", () => {
    expect(() => AppTable.query(K('pk').eq('a')).filter(A('sk').eq('x')).build()).toThrow(/table ExprReview: sk: a query filter cannot use the key attributes of the index it queries \(primary\)/);
    expect(() => AppTable.query('gsi1', K('gsi1pk').eq('a')).filter(A('gsi1sk').beginsWith('U').or(A('age').gt(1))).build()).toThrow(ExpressionError);
    expect(() => AppTable.query('lsi1', K('pk').eq('a')).filter(A('pk').eq('x')).build()).toThrow(/\(lsi1\)/);
    expect(() => AppTable.query('gsi1', K('gsi1pk').eq('a')).filter(A('pk').eq('x').and(A('sk').eq('y'))).build()).not.toThrow();
    expect(() => AppTable.query('lsi1', K('pk').eq('a')).filter(A('sk').eq('x')).build()).not.toThrow();
    // scans may filter on any attribute
    expect(() => AppTable.scan().filter(A('pk').eq('x')).build()).not.toThrow();
  });
});

describe('a numeric sort key at table level', () => {
  it('beginsWith is refused (DynamoDB: begins_with takes no N key)', async () => {
    const { defineTable } = await import('../../src/index.js');
    const T = defineTable({ name: 'NumSk', client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'n', type: 'N' } });
    // @ts-expect-error -- n is an N key: no beginsWith (refused at compile time; the run-time check stays for JavaScript callers)
    expect(() => T.query(T.Key('pk').eq('a').and(T.Key('n').beginsWith('1')))).toThrow(/n: beginsWith needs a string or binary sort key; n is N/);
    // @ts-expect-error -- n is an N key (refused at compile time; the run-time check stays for JavaScript callers)
    expect(() => T.query(T.Key('pk').eq('a').and(T.Key('n').gt('1')))).toThrow(/n is a N key; the string "1"/);
    expect(() => T.query(T.Key('pk').eq('a').and(T.Key('n').between(1, 2n as never)))).not.toThrow();
  });
});

describe("key conditions with '' on a template that starts with the composite", () => {
  const Lead = defineEntity({
    table: AppTable,
    name: 'Lead',
    schema: z.object({ g: z.string(), name: z.string(), id: z.string() }),
    keys: { primary: { pk: 'LEAD#{g}', sk: '{name}#{id}' } },
  });
  const Bare = defineEntity({
    table: AppTable,
    name: 'Bare',
    schema: z.object({ g: z.string(), name: z.string() }),
    keys: { primary: { pk: 'BARE#{g}', sk: '{name}' } },
  });
  const keyValues = (q: { build(): { ExpressionAttributeValues?: Record<string, unknown>; KeyConditionExpression?: string } }) => {
    const input = q.build();
    const used = input.KeyConditionExpression!.match(/:v\d+/g)!;
    return used.map((v) => input.ExpressionAttributeValues![v]);
  };
  const lead = (c: KeyCondition<'name'>) => Lead.query('primary', Lead.Key('g').eq('x').and(c));

  it('never sends an empty string in the key condition (DynamoDB rejects it)', () => {
    for (const c of [Lead.Key('name').beginsWith(''), Lead.Key('name').gte(''), Lead.Key('name').lt(''), Lead.Key('name').between('', 'a')]) {
      expect(keyValues(lead(c))).not.toContain('');
    }
    expect(keyValues(Bare.query('primary', Bare.Key('g').eq('x').and(Bare.Key('name').beginsWith(''))))).not.toContain('');
  });

  it("beginsWith('') and gte('') need no sort-key condition; between('', b) keeps its upper bound; lt('') matches no key", () => {
    expect(lead(Lead.Key('name').beginsWith('')).build().KeyConditionExpression).toBe('#n0 = :v0');
    expect(lead(Lead.Key('name').gte('')).build().KeyConditionExpression).toBe('#n0 = :v0');
    expect(keyValues(lead(Lead.Key('name').between('', 'a')))).toEqual(['LEAD#x', 'a#\u{10FFFF}']);
    expect(lead(Lead.Key('name').lt('')).build().KeyConditionExpression).toBe('#n0 = :v0 AND begins_with(#n1, :v1)');
    expect(Bare.query('primary', Bare.Key('g').eq('x').and(Bare.Key('name').beginsWith(''))).build().KeyConditionExpression).toBe('#n0 = :v0');
  });
});

describe('operands DynamoDB rejects', () => {
  const c = (cond: { node: Parameters<typeof compileCondition>[0] }) => compileCondition(cond.node, ctx());
  it('the same attribute on both sides of an operator (DynamoDB: "The first operand must be distinct")', () => {
    expect(() => c(A('age').lt(A('age')))).toThrow(ExpressionError);
    expect(() => c(A('age').eq(A('age')))).toThrow(/T: age: = compares age with itself/);
    expect(() => c(new AttributeOperand(['items', 0, 'qty']).ne(new AttributeOperand(['items', 0, 'qty'])))).toThrow(/items\[0\]\.qty with itself/);
    expect(() => c(A('age').in([1, A('age')]))).toThrow(/IN compares age with itself/);
    expect(() => c(A('age').between(1, A('age')))).toThrow(/BETWEEN compares age with itself/);
    expect(() => c(A<string[]>('h').contains(A('h') as never))).toThrow(/contains compares h with itself/);
    expect(() => c(A<string>('s').beginsWith(A('s')))).toThrow(/begins_with compares s with itself/);
    // accepted by DynamoDB: another path, size() of the same path, or the repeat among the other operands
    expect(() => c(A('age').eq(A('price')))).not.toThrow();
    expect(() => c(A('age').size().eq(A('age')))).not.toThrow();
    expect(() => c(A('age').size().eq(A('age').size()))).not.toThrow();
    expect(() => c(A('age').between(A('p'), A('p')))).not.toThrow();
    expect(() => c(new AttributeOperand(['a.b']).eq(new AttributeOperand(['a', 'b'])))).not.toThrow();
  });

  it('an order comparison (< <= > >= BETWEEN) with a value that has no order', () => {
    for (const v of [true, null, new Set(['a']), [1], { a: 1 }]) {
      expect(() => c(A('v').gt(v))).toThrow(ExpressionError);
      expect(() => c(A('v').between(v, v))).toThrow(ExpressionError);
    }
    expect(() => c(A('v').lte(true))).toThrow(/T: v: <= needs a number, string or binary value; got a boolean/);
    expect(() => c(A('v').size().gte(null as never))).toThrow(/got null/);
    // Typed attributes refuse these at compile time too (NotOrdered); untyped callers get the error.
    expect(() => User.scan().filter(User.Attr('address').gt({ city: 'a', zip: 'b' } as never)).build()).toThrow(/User: address: > needs a number, string or binary value; got a map/);
    expect(() => User.scan().filter(User.Attr('tags').lt(new Set(['a']) as never)).build()).toThrow(/got a set/);
    for (const v of [1, 'a', 2n, new Uint8Array([1]), new Date(0)]) expect(() => c(A('v').gt(v))).not.toThrow();
    // = and <> take any value
    expect(() => c(A('v').eq(true).or(A('v').ne(null)).or(A('v').eq({ a: [1] })))).not.toThrow();
  });

  it('begins_with with a prefix that is not a string or binary', () => {
    expect(() => c(A('s').beginsWith(1 as never))).toThrow(/T: s: begins_with needs a string or binary prefix; got a number/);
    expect(() => c(A('s').beginsWith(true as never))).toThrow(ExpressionError);
    expect(() => c(A('s').beginsWith(A('t').size() as never))).toThrow(/begins_with needs a string or binary prefix; got size\(t\)/);
    expect(() => c(A('s').beginsWith(new Uint8Array([1]) as never))).not.toThrow();
  });
});

describe('document paths that DynamoDB cannot address', () => {
  it('a malformed path is an ExpressionError naming the entity (or table) and the path', () => {
    expect(() => User.Attr('address..city' as 'address.city')).toThrow(ExpressionError);
    expect(() => User.Attr('items[x]' as 'items')).toThrow(/User: items\[x\]: invalid document path "items\[x\]": bad list index/);
    expect(() => User.ref('items[' as 'items')).toThrow(ExpressionError);
    expect(() => AppTable.Attr('a..b')).toThrow(/table ExprReview: a\.\.b: invalid document path/);
  });

  it('segments given as an array are checked like parsed ones', () => {
    for (const bad of [[''], ['a', ''], [0], ['a', -1], ['a', 1.5], ['a', Number.NaN]]) {
      expect(() => AppTable.Attr(bad)).toThrow(ExpressionError);
    }
    expect(() => AppTable.Attr(['items', -1])).toThrow(/table ExprReview: items\[-1\]: .*list index/);
    expect(AppTable.Attr(['a.b', 0, 'c']).path).toEqual(['a.b', 0, 'c']);
  });
});
