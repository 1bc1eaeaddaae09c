/**
 * ref() values from untyped code (plain JavaScript, `as never`): the types refuse a copy between
 * attributes of different types, but DynamoDB does not, and an item holding a string in a number
 * field fails its schema on every read. The update is refused before sending instead; copies the
 * types accept still build.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, ExpressionError } from '../../src/index.js';
import { storedKinds } from '../../src/entity/stored-kinds.js';

const T = defineTable({ name: 'App', client: new DynamoDBClient({ region: 'us-east-1' }), partitionKey: { name: 'pk', type: 'S' } });

const circle = z.object({ kind: z.literal('circle'), r: z.number() });
const square = z.object({ kind: z.literal('square'), side: z.number(), label: z.string() });

const Doc = defineEntity({
  table: T,
  name: 'Doc',
  schema: z.object({
    id: z.string(),
    title: z.string(),
    subtitle: z.string().nullable().optional(),
    status: z.enum(['draft', 'live']),
    views: z.number().int(),
    likes: z.bigint().optional(),
    flag: z.boolean().optional(),
    tags: z.set(z.string()).optional(),
    scores: z.set(z.number()).optional(),
    lines: z.array(z.string()).optional(),
    meta: z.object({ a: z.string() }).optional(),
    seen: z.date().optional(),
    expiresAt: z.date().optional(),
    shape: z.discriminatedUnion('kind', [circle, square]).optional(),
    anything: z.unknown().optional(),
  }),
  keys: { primary: { pk: 'DOC#{id}' } },
  ttl: 'expiresAt',
});

const key = { id: 'd1' };
// What untyped code can pass: any path, any target.
const untyped = (values: Record<string, unknown>) => Doc.update(key).set(values as never).build();
const ref = (path: string) => Doc.ref(path as never);

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionError);
    return (e as Error).message;
  }
  throw new Error('expected an ExpressionError');
}

describe('a copy between attributes stored as different types is refused before sending', () => {
  it.each([
    ['views', 'title'],
    ['title', 'views'],
    ['lines', 'tags'],
    ['tags', 'scores'],
    ['meta', 'lines'],
    ['flag', 'title'],
    ['title', 'subtitle'],
    ['shape.r', 'shape.label'],
    ['seen', 'views'],
  ])('%s <- ref(%s)', (target, source) => {
    const message = refusal(() => untyped({ [target]: ref(source) }));
    expect(message).toContain(`Doc: ${source}`);
    expect(message).toContain(`copied into ${target}`);
  });

  it('names the types on both sides', () => {
    expect(refusal(() => untyped({ views: ref('title') }))).toMatch(/title.*stored as S and cannot be copied into views \(N at views\)/);
  });

  it('checks the attribute read by ifNotExists, and the operands and result of arithmetic', () => {
    refusal(() => untyped({ views: ref('title').ifNotExists('x' as never) }));
    expect(refusal(() => untyped({ views: (ref('title') as never as ReturnType<typeof Doc.ref<'views'>>).plus(1) }))).toContain('added or subtracted');
    expect(refusal(() => untyped({ title: Doc.ref('views').plus(1) }))).toContain('cannot take the result of arithmetic');
  });
});

describe('copies the types accept still build', () => {
  it.each([
    ['title', 'status'],
    ['subtitle', 'title'],
    ['views', 'likes'],
    ['likes', 'views'],
    ['shape.r', 'shape.side'],
    ['anything', 'meta'],
    ['title', 'anything'],
    ['expiresAt', 'expiresAt'],
  ])('%s <- ref(%s)', (target, source) => {
    expect(untyped({ [target]: ref(source) }).UpdateExpression).toContain('SET');
  });

  it('arithmetic on numbers, with a fallback', () => {
    expect(Doc.update(key).set({ views: Doc.ref('views').ifNotExists(0).plus(1) }).build().UpdateExpression).toContain('+');
  });
});

describe('storedKinds', () => {
  it('maps zod schemas to the DynamoDB types they store', () => {
    const kinds = (s: z.ZodType) => {
      const k = storedKinds(s);
      return k === null ? null : [...k].sort();
    };
    expect(kinds(z.string().nullable().optional())).toEqual(['NULL', 'S']);
    expect(kinds(z.enum(['a', 'b']))).toEqual(['S']);
    expect(kinds(z.literal([1, 'a']))).toEqual(['N', 'S']);
    expect(kinds(z.date())).toEqual(['S']);
    expect(kinds(z.set(z.bigint()))).toEqual(['NS']);
    expect(kinds(z.set(z.instanceof(Uint8Array)))).toEqual(['BS']);
    expect(kinds(z.tuple([z.string()]))).toEqual(['L']);
    expect(kinds(z.record(z.string(), z.number()))).toEqual(['M']);
    expect(kinds(z.string().transform((s) => s.length))).toBeNull();
    expect(kinds(z.string().pipe(z.enum(['a'])))).toEqual(['S']);
    expect(kinds(z.union([z.string(), z.number()]))).toEqual(['N', 'S']);
    expect(kinds(z.unknown())).toBeNull();
    const Tree: z.ZodType = z.lazy(() => z.object({ children: z.array(Tree) }));
    expect(kinds(Tree)).toEqual(['M']);
  });
});
