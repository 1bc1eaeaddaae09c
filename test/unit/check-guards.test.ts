/**
 * `Entity.check` sees only its own entity's live item: the evaluator that judges a condition on a
 * missing item (holds-on-missing.ts), and the ConditionExpression a check sends with an ownership
 * guard, a TTL guard, both or neither (check-guard.ts). Cross-checked against DynamoDB Local in
 * test/integration/check-guards.test.ts.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { Condition, ExpressionError, buildTransactWrite, defineEntity, defineTable, not } from '../../src/index.js';
import { holdsOnMissingItem } from '../../src/expressions/holds-on-missing.js';
import { scopeFor } from '../../src/operations/expression-input.js';
import { missingItemCases } from '../support/missing-item-cases.js';

const client = new DynamoDBClient({ region: 'us-east-1' });
const T = defineTable({ name: 'Guards', client, partitionKey: { name: 'pk', type: 'S' } });
describe('holdsOnMissingItem: a condition judged on a missing item', () => {
  it.each(missingItemCases(T.Attr))('%s', (_name, condition, expected) => {
    expect(holdsOnMissingItem(condition.node, 'T')).toBe(expected);
  });

  it("an entity's part of a table-level condition (scoped) is judged as its child", () => {
    const Thing = defineEntity({ table: T, name: 'Thing', schema: z.object({ id: z.string(), x: z.string().optional() }), keys: { primary: { pk: 'T#{id}' } } });
    const scoped = (c: Condition) => new Condition({ kind: 'scoped', scope: scopeFor(Thing.model), child: c.node });
    expect(holdsOnMissingItem(scoped(Thing.Attr('x').notExists()).node, 'T')).toBe(true);
    expect(holdsOnMissingItem(scoped(Thing.Attr('x').eq('a')).node, 'T')).toBe(false);
  });

  it('a comparison, BETWEEN or IN whose first operand is a value, which no builder makes, is an ExpressionError rather than a guess', () => {
    const one = { kind: 'value', value: 1 } as const;
    const x = { kind: 'path', path: ['x'] } as const;
    for (const node of [
      { kind: 'compare', op: '=', left: one, right: one },
      { kind: 'compare', op: '<', left: one, right: x },
      { kind: 'between', operand: one, low: x, high: one },
      { kind: 'in', operand: one, values: [x, one] },
    ] as const) {
      expect(() => holdsOnMissingItem(node, 'T')).toThrow(ExpressionError);
      expect(() => holdsOnMissingItem({ kind: 'not', child: node }, 'T')).toThrow(/T: .*first operand is a value/);
    }
  });
});

// The four kinds of entity: guarded by its owner, by its TTL, by both, or by neither.
const Owned = defineTable({ name: 'Owned', client, partitionKey: { name: 'pk', type: 'S' } });
const Plain = defineTable({ name: 'Plain', client, partitionKey: { name: 'pk', type: 'S' }, entityAttribute: false });
const schema = z.object({ id: z.string(), age: z.number().optional(), expiresAt: z.date().optional() });
const keys = { primary: { pk: 'E#{id}' } } as const;
const ByOwner = defineEntity({ table: Owned, name: 'ByOwner', schema, keys });
const ByBoth = defineEntity({ table: Owned, name: 'ByBoth', schema, keys, ttl: 'expiresAt' });
const ByTtl = defineEntity({ table: Plain, name: 'ByTtl', schema, keys, ttl: 'expiresAt' });
const PlainTtlFree = defineTable({ name: 'PlainTtlFree', client, partitionKey: { name: 'pk', type: 'S' }, entityAttribute: false });
const Unguarded = defineEntity({ table: PlainTtlFree, name: 'Unguarded', schema, keys });

const now = new Date('2026-12-07T08:00:00.000Z');
const seconds = Math.floor(now.getTime() / 1000);

/** The ConditionCheck a transaction at `now` sends for `check`. */
function sent(check: Parameters<typeof buildTransactWrite>[0][number], token?: string) {
  const c = buildTransactWrite([check], token === undefined ? { now } : { idempotencyToken: token }).input.TransactItems![0]!.ConditionCheck!;
  return { expression: c.ConditionExpression, names: c.ExpressionAttributeNames, values: c.ExpressionAttributeValues };
}

describe('the ConditionExpression a check sends', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('owner only: ANDs `_et = :name`, or ORs `_et <> :name` to a condition that holds on a missing item', () => {
    expect(sent(ByOwner.check({ id: 'a' }, ByOwner.Attr('age').gte(18)))).toEqual({
      expression: '#n0 = :v0 AND #n1 >= :v1',
      names: { '#n0': '_et', '#n1': 'age' },
      values: { ':v0': 'ByOwner', ':v1': 18 },
    });
    expect(sent(ByOwner.check({ id: 'a' }, ByOwner.Attr('age').notExists()))).toEqual({
      expression: '#n0 <> :v0 OR attribute_not_exists(#n1)',
      names: { '#n0': '_et', '#n1': 'age' },
      values: { ':v0': 'ByOwner' },
    });
  });

  it('TTL only (no discriminator): ANDs `NOT (ttl <= :now)`, or ORs `ttl <= :now`', () => {
    expect(sent(ByTtl.check({ id: 'a' }, ByTtl.Attr('age').gte(18)))).toEqual({
      expression: 'NOT (#n0 <= :v0) AND #n1 >= :v1',
      names: { '#n0': 'expiresAt', '#n1': 'age' },
      values: { ':v0': seconds, ':v1': 18 },
    });
    expect(sent(ByTtl.check({ id: 'a' }, ByTtl.Attr('age').ne(3)))).toEqual({
      expression: '#n0 <= :v0 OR #n1 <> :v1',
      names: { '#n0': 'expiresAt', '#n1': 'age' },
      values: { ':v0': seconds, ':v1': 3 },
    });
  });

  it('both: owned AND live AND the condition, or not owned OR expired OR the condition', () => {
    expect(sent(ByBoth.check({ id: 'a' }, ByBoth.Attr('age').gte(18).or(ByBoth.Attr('age').lt(3))))).toEqual({
      expression: '#n0 = :v0 AND NOT (#n1 <= :v1) AND (#n2 >= :v2 OR #n2 < :v3)',
      names: { '#n0': '_et', '#n1': 'expiresAt', '#n2': 'age' },
      values: { ':v0': 'ByBoth', ':v1': seconds, ':v2': 18, ':v3': 3 },
    });
    expect(sent(ByBoth.check({ id: 'a' }, not(ByBoth.Attr('age').eq(1).and(ByBoth.Attr('age').gt(0)))))).toEqual({
      expression: '#n0 <> :v0 OR #n1 <= :v1 OR NOT (#n2 = :v2 AND #n2 > :v3)',
      names: { '#n0': '_et', '#n1': 'expiresAt', '#n2': 'age' },
      values: { ':v0': 'ByBoth', ':v1': seconds, ':v2': 1, ':v3': 0 },
    });
  });

  it('neither: the condition as it is', () => {
    expect(sent(Unguarded.check({ id: 'a' }, Unguarded.Attr('age').gte(18)))).toEqual({ expression: '#n0 >= :v0', names: { '#n0': 'age' }, values: { ':v0': 18 } });
    expect(sent(Unguarded.check({ id: 'a' }, Unguarded.Attr('age').notExists()))).toEqual({ expression: 'attribute_not_exists(#n0)', names: { '#n0': 'age' }, values: undefined });
  });

  it('build() compares the TTL with the time of the call', () => {
    vi.useFakeTimers({ now });
    expect(ByTtl.check({ id: 'a' }, ByTtl.Attr('age').gte(18)).build().ExpressionAttributeValues).toEqual({ ':v0': seconds, ':v1': 18 });
  });

  it('a retry under the same idempotency token sends the same time; another token, the time of its call', () => {
    vi.useFakeTimers({ now });
    const check = ByBoth.check({ id: 'a' }, ByBoth.Attr('age').gte(18));
    const first = sent(check, 'token-1');
    vi.setSystemTime(now.getTime() + 5_000);
    expect(sent(check, 'token-1')).toEqual(first);
    expect(sent(check, 'token-2').values?.[':v1']).toBe(seconds + 5);
  });
});

// Conditional writes judge their where() as a check does, except that another entity's item is
// refused, never taken for none (check-guard.ts seenByWrite); cross-checked on DynamoDB Local in
// test/integration/write-guards.test.ts.
const Versioned = defineEntity({ table: Owned, name: 'Versioned', schema, keys, ttl: 'expiresAt', version: 'v' });

/** The condition of the first action of a transaction at `now` (or under `token`, at the time of the call). */
function sentWrite(write: Parameters<typeof buildTransactWrite>[0][number], token?: string) {
  const action = buildTransactWrite([write], token === undefined ? { now } : { idempotencyToken: token }).input.TransactItems![0]!;
  const c = (action.Put ?? action.Delete ?? action.Update)!;
  return { expression: c.ConditionExpression, names: c.ExpressionAttributeNames, values: c.ExpressionAttributeValues };
}

describe('the ConditionExpression a conditional put sends', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('both: owned AND live AND a condition that fails on no item; missing-or-owned AND (expired OR a condition that holds there)', () => {
    expect(sentWrite(ByBoth.put({ id: 'a', age: 20 }).where(ByBoth.Attr('age').gte(18)))).toEqual({
      expression: '#n0 = :v0 AND NOT (#n1 <= :v1) AND #n2 >= :v2',
      names: { '#n0': '_et', '#n1': 'expiresAt', '#n2': 'age' },
      values: { ':v0': 'ByBoth', ':v1': seconds, ':v2': 18 },
    });
    expect(sentWrite(ByBoth.put({ id: 'a' }).where(ByBoth.Attr('age').notExists()))).toEqual({
      expression: '(attribute_not_exists(#n0) OR #n1 = :v0) AND (#n2 <= :v1 OR attribute_not_exists(#n3))',
      names: { '#n0': 'pk', '#n1': '_et', '#n2': 'expiresAt', '#n3': 'age' },
      values: { ':v0': 'ByBoth', ':v1': seconds },
    });
  });

  it('owner only: the owner part alone', () => {
    expect(ByOwner.put({ id: 'a' }).where(ByOwner.Attr('age').gte(18)).build().ConditionExpression).toBe('#n0 = :v0 AND #n1 >= :v1');
    expect(ByOwner.put({ id: 'a' }).where(ByOwner.Attr('age').ne(3)).build().ConditionExpression).toBe('(attribute_not_exists(#n0) OR #n1 = :v0) AND #n2 <> :v1');
  });

  it('TTL only (no discriminator): the expiry part alone', () => {
    expect(sentWrite(ByTtl.put({ id: 'a' }).where(ByTtl.Attr('age').gte(18))).expression).toBe('NOT (#n0 <= :v0) AND #n1 >= :v1');
    expect(sentWrite(ByTtl.put({ id: 'a' }).where(ByTtl.Attr('age').notExists())).expression).toBe('#n0 <= :v0 OR attribute_not_exists(#n1)');
  });

  it('neither: the input is byte for byte what it was before, the condition as it is (a value-first one too: it is judged nowhere)', () => {
    expect(JSON.stringify(Unguarded.put({ id: 'a', age: 20 }).where(Unguarded.Attr('age').gte(18)).build())).toBe(
      '{"TableName":"PlainTtlFree","Item":{"pk":"E#a","id":"a","age":20},"ConditionExpression":"#n0 >= :v0","ExpressionAttributeNames":{"#n0":"age"},"ExpressionAttributeValues":{":v0":18}}',
    );
    expect(JSON.stringify(Unguarded.delete({ id: 'a' }).where(Unguarded.Attr('age').notExists()).build())).toBe(
      '{"TableName":"PlainTtlFree","Key":{"pk":"E#a"},"ConditionExpression":"attribute_not_exists(#n0)","ExpressionAttributeNames":{"#n0":"age"}}',
    );
    const valueFirst = new Condition({ kind: 'compare', op: '<', left: { kind: 'value', value: 1 }, right: { kind: 'path', path: ['age'] } });
    expect(Unguarded.put({ id: 'a' }).where(valueFirst).build().ConditionExpression).toBe(':v0 < #n0');
    // Where a part must be judged on no item, one no builder makes is refused before sending.
    expect(() => ByOwner.put({ id: 'a' }).where(valueFirst).build()).toThrow(/ByOwner: .*first operand is a value/);
  });

  it("create(): its guard with the condition inside, judged on no item (an expired item of its entity counts as none, another entity's never), nothing sent twice", () => {
    expect(sentWrite(ByBoth.create({ id: 'a' }).where(ByBoth.Attr('age').notExists()))).toEqual({
      expression: '(attribute_not_exists(#n0) AND attribute_not_exists(#n1)) OR (#n2 = :v0 AND #n3 <= :v1)',
      names: { '#n0': 'pk', '#n1': 'age', '#n2': '_et', '#n3': 'expiresAt' },
      values: { ':v0': 'ByBoth', ':v1': seconds },
    });
    // A condition that fails on no item: an expired item does not let the create through either.
    expect(sentWrite(ByBoth.create({ id: 'a' }).where(ByBoth.Attr('age').gte(18))).expression).toBe('attribute_not_exists(#n0) AND #n1 >= :v0');
    expect(ByOwner.create({ id: 'a' }).where(ByOwner.Attr('age').notExists()).build().ConditionExpression).toBe('attribute_not_exists(#n0) AND attribute_not_exists(#n1)');
    expect(sentWrite(ByBoth.create({ id: 'a' })).expression).toBe('attribute_not_exists(#n0) OR (#n1 = :v0 AND #n2 <= :v1)');
    // Without a discriminator, no owner to test: any expired item is this entity's.
    expect(sentWrite(ByTtl.create({ id: 'a' })).expression).toBe('attribute_not_exists(#n0) OR #n1 <= :v0');
  });

  it("a versioned put: the version guard requires its entity's live item, on which where() is judged; without a version, as create()", () => {
    expect(sentWrite(Versioned.put({ id: 'a', v: 2 }).where(Versioned.Attr('age').gte(18)))).toEqual({
      expression: '#n0 = :v0 AND #n1 = :v1 AND NOT (#n2 <= :v2) AND #n3 >= :v3',
      names: { '#n0': '_et', '#n1': 'v', '#n2': 'expiresAt', '#n3': 'age' },
      values: { ':v0': 'Versioned', ':v1': 2, ':v2': seconds, ':v3': 18 },
    });
    // An expired item no longer holds the version the caller read (reads show none): not taken for none here.
    expect(sentWrite(Versioned.put({ id: 'a', v: 2 }).where(Versioned.Attr('age').notExists())).expression).toBe('#n0 = :v0 AND #n1 = :v1 AND NOT (#n2 <= :v2) AND attribute_not_exists(#n3)');
    expect(sentWrite(Versioned.put({ id: 'a' }).where(Versioned.Attr('age').notExists())).expression).toBe('(attribute_not_exists(#n0) AND attribute_not_exists(#n1)) OR (#n2 = :v0 AND #n3 <= :v1)');
  });
});

describe('the ConditionExpression a conditional delete sends', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('missing-or-owned as always, then live AND a condition that fails on no item, or expired OR one that holds there', () => {
    expect(sentWrite(ByBoth.delete({ id: 'a' }).where(ByBoth.Attr('age').gte(18)))).toEqual({
      expression: '(attribute_not_exists(#n0) OR #n1 = :v0) AND NOT (#n2 <= :v1) AND #n3 >= :v2',
      names: { '#n0': 'pk', '#n1': '_et', '#n2': 'expiresAt', '#n3': 'age' },
      values: { ':v0': 'ByBoth', ':v1': seconds, ':v2': 18 },
    });
    expect(sentWrite(ByBoth.delete({ id: 'a' }).where(ByBoth.Attr('age').notExists())).expression).toBe('(attribute_not_exists(#n0) OR #n1 = :v0) AND (#n2 <= :v1 OR attribute_not_exists(#n3))');
    expect(sentWrite(ByTtl.delete({ id: 'a' }).where(ByTtl.Attr('age').gte(18))).expression).toBe('NOT (#n0 <= :v0) AND #n1 >= :v1');
    expect(ByOwner.delete({ id: 'a' }).where(ByOwner.Attr('age').gte(18)).build().ConditionExpression).toBe('(attribute_not_exists(#n0) OR #n1 = :v0) AND #n2 >= :v1');
    // A versioned delete requires the entity's live item at that version, then where() on it.
    expect(sentWrite(Versioned.delete({ id: 'a', v: 3 }).where(Versioned.Attr('age').gte(18))).expression).toBe('#n0 = :v0 AND #n1 = :v1 AND NOT (#n2 <= :v2) AND #n3 >= :v3');
    expect(sentWrite(Versioned.delete({ id: 'a', v: 3 })).expression).toBe('#n0 = :v0 AND #n1 = :v1 AND NOT (#n2 <= :v2)');
  });

  it('build() compares the TTL with the time of the call; a retry under the same idempotency token sends the same time', () => {
    vi.useFakeTimers({ now });
    const del = ByBoth.delete({ id: 'a' }).where(ByBoth.Attr('age').gte(18));
    expect(del.build().ExpressionAttributeValues).toEqual({ ':v0': 'ByBoth', ':v1': seconds, ':v2': 18 });
    const first = sentWrite(del, 'token-1');
    vi.setSystemTime(now.getTime() + 5_000);
    expect(sentWrite(del, 'token-1')).toEqual(first);
    expect(sentWrite(del, 'token-2').values?.[':v1']).toBe(seconds + 5);
  });
});

/** A sent condition with its placeholders replaced by what they stand for, to read it (an update's share them with its UpdateExpression). */
function spelled({ expression, names, values }: ReturnType<typeof sentWrite>): string {
  return expression!.replace(/#n\d+/g, (p) => names![p]!).replace(/:v\d+/g, (p) => JSON.stringify(values![p]));
}

describe("the ConditionExpression of an upsert's guard and where()", () => {
  it('requires a live item or none, alone and in a transaction, whether or not it sets the TTL: its where() is sent as it is (alone, an expired item is cleared and the upsert sent again; a transaction is refused there)', () => {
    const upsert = () => ByBoth.update({ id: 'a' }).set({ age: 20, expiresAt: new Date(now.getTime() + 3_600_000) }).upsert();
    expect(spelled(sentWrite(upsert().where(ByBoth.Attr('age').gte(18))))).toBe(`(attribute_not_exists(pk) OR _et = "ByBoth") AND NOT (expiresAt <= ${seconds}) AND age >= 18`);
    expect(spelled(sentWrite(upsert().where(ByBoth.Attr('age').notExists())))).toBe(`(attribute_not_exists(pk) OR _et = "ByBoth") AND NOT (expiresAt <= ${seconds}) AND attribute_not_exists(age)`);
    const keepsTtl = ByBoth.update({ id: 'a' }).set({ age: 20 }).upsert();
    expect(spelled(sentWrite(keepsTtl.where(ByBoth.Attr('age').notExists())))).toBe(`(attribute_not_exists(pk) OR _et = "ByBoth") AND NOT (expiresAt <= ${seconds}) AND attribute_not_exists(age)`);
    expect(spelled(sentWrite(keepsTtl.setIfNotExists({ expiresAt: now })))).toBe(`(attribute_not_exists(pk) OR _et = "ByBoth") AND NOT (expiresAt <= ${seconds})`);
    expect(spelled(sentWrite(ByBoth.update({ id: 'a' }).set({ age: 20 }).remove('expiresAt').upsert()))).toBe(`(attribute_not_exists(pk) OR _et = "ByBoth") AND NOT (expiresAt <= ${seconds})`);
    vi.useFakeTimers({ now });
    try {
      const alone = upsert().where(ByBoth.Attr('age').notExists()).build();
      expect(spelled({ expression: alone.ConditionExpression, names: alone.ExpressionAttributeNames, values: alone.ExpressionAttributeValues })).toBe(
        `(attribute_not_exists(pk) OR _et = "ByBoth") AND NOT (expiresAt <= ${seconds}) AND attribute_not_exists(age)`,
      );
    } finally {
      vi.useRealTimers();
    }
    // update() needs a live item of its own already: its where() is sent as it is.
    expect(spelled(sentWrite(ByBoth.update({ id: 'a' }).set({ age: 20 }).where(ByBoth.Attr('age').notExists())))).toBe(
      `_et = "ByBoth" AND NOT (expiresAt <= ${seconds}) AND attribute_not_exists(age)`,
    );
  });
});
