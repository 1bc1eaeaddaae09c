/**
 * Entity definitions whose managed attributes (timestamps) collide with schema fields: refused when
 * the entity is defined, since every write would overwrite the field with dynakit's own value.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, KeyError } from '../../src/index.js';

const client = new DynamoDBClient({ region: 'us-east-1' });
const T = defineTable({ name: 'App', client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });

describe('timestamps and schema fields of the same name', () => {
  it.each(['createdAt', 'updatedAt'])('a schema field %s with timestamps on is a KeyError naming it', (field) => {
    const define = () =>
      defineEntity({
        table: T,
        name: `Clash_${field}`,
        schema: z.object({ id: z.string(), [field]: z.string() }),
        keys: { primary: { pk: 'C#{id}', sk: 'C' } },
        timestamps: true,
      });
    expect(define).toThrow(KeyError);
    expect(define).toThrow(new RegExp(`${field}.*managed by dynakit`));
  });

  it('without timestamps the field is an ordinary attribute', () => {
    const E = defineEntity({ table: T, name: 'NoClash', schema: z.object({ id: z.string(), createdAt: z.string() }), keys: { primary: { pk: 'N#{id}', sk: 'N' } } });
    expect(E.put({ id: 'x', createdAt: 'mine' }).build().Item).toMatchObject({ createdAt: 'mine' });
  });
});
