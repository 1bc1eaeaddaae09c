/**
 * An empty name in a path (a record entry keyed '' included) is refused as expression input
 * (ExpressionError) by every builder that takes a path; an empty key in a value is stored data,
 * refused as a ValidationError (docs/errors.md).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, ExpressionError, ValidationError } from '../../src/index.js';

const client = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const Things = defineTable({ name: 'Things', client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
const Thing = defineEntity({
  table: Things,
  name: 'Thing',
  schema: z.object({ id: z.string(), counts: z.record(z.string(), z.number()).optional(), n: z.number().optional() }),
  keys: { primary: { pk: 'T#{id}', sk: 'T' } },
});
const u = () => Thing.update({ id: 't1' });

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}

describe('an empty name in a path', () => {
  it.each([
    ['set', () => u().set({ 'counts.': 1 }).build()],
    ['set, inside the path', () => u().set({ 'counts..x': 1 } as never).build()],
    ['add', () => u().add({ 'counts.': 1 }).build()],
    ['setIfNotExists', () => u().setIfNotExists({ 'counts.': 1 }).build()],
    ['remove', () => u().remove('counts.').build()],
    ['ref', () => u().set({ n: Thing.ref('counts.') }).build()],
    ['Attr', () => u().set({ n: 1 }).where(Thing.Attr('counts.').exists()).build()],
  ] as const)('%s: ExpressionError naming the entity and the path', (_label, f) => {
    const e = thrown(f);
    expect(e).toBeInstanceOf(ExpressionError);
    expect((e as ExpressionError).entity).toBe('Thing');
    expect((e as ExpressionError).path).toMatch(/^counts\./);
    expect((e as Error).message).toContain('an empty attribute name or map key');
  });

  it('an empty key in a value is a ValidationError, in an update and in a put', () => {
    for (const f of [() => u().set({ counts: { '': 1 } }).build(), () => Thing.put({ id: 't1', counts: { '': 1 } }).build()]) {
      const e = thrown(f);
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues).toEqual([{ path: 'counts', message: expect.stringContaining('map keys cannot be empty') }]);
    }
  });
});
