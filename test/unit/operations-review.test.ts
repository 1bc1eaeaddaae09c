/**
 * Single-item operations and the per-entity options (version, ttl, timestamps), found by review:
 * each case failed before its fix.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, ValidationError } from '../../src/index.js';

const client = new DynamoDBClient({ region: 'us-east-1' });
const AppTable = defineTable({ name: 'App', client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });

describe('projections of a schema with refinements', () => {
  const Range = defineEntity({
    table: AppTable,
    name: 'Range',
    schema: z.object({ rangeId: z.string(), lo: z.number(), hi: z.number(), label: z.string() }).refine((r) => r.lo <= r.hi, 'lo must not exceed hi'),
    keys: { primary: { pk: 'RANGE#{rangeId}', sk: 'RANGE' } },
  });
  const stored = { pk: 'RANGE#r1', sk: 'RANGE', _et: 'Range', rangeId: 'r1', lo: 1, hi: 2, label: 'one to two' };

  it('parse a projected item (the object refinement is not applied to a part of the item)', () => {
    expect(Range.model.parse(stored, ['label'])).toEqual({ label: 'one to two' });
    expect(Range.model.parse(stored, ['lo', 'hi'])).toEqual({ lo: 1, hi: 2 });
  });

  it('still apply the refinement to full reads', () => {
    expect(() => Range.model.parse({ ...stored, lo: 3 })).toThrow(/lo must not exceed hi/);
  });
});
