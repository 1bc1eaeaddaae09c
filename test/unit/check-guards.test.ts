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
