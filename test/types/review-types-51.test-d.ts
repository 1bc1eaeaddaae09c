/**
 * helper-51's review of the public types against what the run time accepts: each compiling call
 * is one the run time takes, each `@ts-expect-error` one it refuses before sending.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, VersionConflictError, type AttributeOperand, type EntityItem } from '../../src/index.js';

const Table = defineTable({
  name: 'ReviewTypes51',
  client: new DynamoDBClient({}),
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
});

const Doc = defineEntity({
  table: Table,
  name: 'Doc',
  schema: z.object({
    id: z.string(),
    name: z.string(),
    nick: z.string().optional(),
    address: z.object({ city: z.string(), zip: z.string().optional() }).optional(),
    lines: z.array(z.object({ sku: z.string(), note: z.string().optional() })),
    counts: z.record(z.string(), z.number()),
    pair: z.tuple([z.string(), z.number()]),
    maybe: z.tuple([z.string(), z.number().optional()]),
    legs: z.tuple([z.object({ from: z.string() }), z.object({ km: z.number() })]),
    meta: z.object({ 'a.b': z.object({ c: z.string(), 'd.e': z.object({ f: z.number() }) }), plain: z.string() }),
    moves: z.array(z.tuple([z.string(), z.boolean()])),
    'top.level': z.object({ n: z.number() }),
  }),
  keys: { primary: { pk: 'DOC#{id}', sk: 'DOC' } },
  timestamps: true,
});
const key = { id: 'd1' };

test('append() and prepend() refuse a tuple, as the run time does ("append() works on lists")', () => {
  Doc.update(key).append({ lines: [{ sku: 'A' }] });
  // @ts-expect-error a tuple keeps its length
  Doc.update(key).append({ pair: ['a'] });
  // @ts-expect-error nor at its start
  Doc.update(key).prepend({ legs: [{ from: 'x' }] });
});

test('a map key with a dot types the paths below it', () => {
  expectTypeOf(Doc.Attr('meta.a.b.c')).toEqualTypeOf<AttributeOperand<string>>();
  expectTypeOf(Doc.Attr('meta.plain')).toEqualTypeOf<AttributeOperand<string>>();
  expectTypeOf(Doc.Attr('meta.a.b.d.e.f')).toEqualTypeOf<AttributeOperand<number>>();
  expectTypeOf(Doc.Attr('top.level.n')).toEqualTypeOf<AttributeOperand<number>>();
  Doc.update(key).set({ 'meta.a.b.c': 'x', 'meta.a.b': { c: 'y', 'd.e': { f: 1 } }, 'top.level.n': 2 });
  Doc.Attr('meta.a.b.d.e.f').gt(1);
  // @ts-expect-error c is a string
  Doc.update(key).set({ 'meta.a.b.c': 1 });
  // @ts-expect-error n is a number
  Doc.Attr('top.level.n').eq('x');
});

const Counter = defineEntity({
  table: Table,
  name: 'Counter',
  schema: z.object({ id: z.string(), n: z.number() }),
  keys: { primary: { pk: 'C#{id}', sk: 'COUNTER' } },
  version: 'version',
});

test('the stored item of a failed write is typed through its entity', () => {
  const handle = (e: unknown): number => {
    // VersionConflictError.item is untyped (the item may not have parsed, or be another entity's).
    if (e instanceof VersionConflictError) expectTypeOf(e.item).toEqualTypeOf<Record<string, unknown> | undefined>();
    const stored = Counter.storedItem(e);
    expectTypeOf(stored).toEqualTypeOf<EntityItem<typeof Counter> | undefined>();
    return (stored?.n ?? 0) + (stored?.version ?? 0);
  };
  expectTypeOf(handle).returns.toEqualTypeOf<number>();
});

