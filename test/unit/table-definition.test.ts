// defineTable refuses table definitions DynamoDB would reject, before any request is sent.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, ExpressionError, TableDefinitionError } from '../../src/index.js';

const client = new DynamoDBClient({ region: 'us-east-1' });
const pk = { name: 'pk', type: 'S' } as const;
const sk = { name: 'sk', type: 'S' } as const;

describe('defineTable', () => {
  it.each(['ab', 'has space', 'x'.repeat(256), 'bad/name', ''])('refuses the table name %j', (name) => {
    expect(() => defineTable({ name, client, partitionKey: pk })).toThrow(/table name .* is not valid: DynamoDB needs 3-255 characters/);
  });

  it.each(['App', 'my-app.prod_v2', 'x'.repeat(255), 'arn:aws:dynamodb:eu-west-1:123456789012:table/App'])('accepts the table name %j', (name) => {
    expect(defineTable({ name, client, partitionKey: pk }).name).toBe(name);
  });

  it('refuses index names DynamoDB would reject, naming the table and the index', () => {
    const define = () => defineTable({ name: 'App', client, partitionKey: pk, sortKey: sk, indexes: { g1: { type: 'global', partitionKey: pk } } });
    expect(define).toThrow('table App: g1: index name "g1" is not valid');
  });

  it('refuses "primary" as an index name and local indexes on a table without a sort key', () => {
    expect(() => defineTable({ name: 'App', client, partitionKey: pk, sortKey: sk, indexes: { primary: { type: 'global', partitionKey: pk } } })).toThrow(
      '"primary" is reserved',
    );
    expect(() => defineTable({ name: 'App', client, partitionKey: pk, indexes: { lsi1: { type: 'local', sortKey: sk } } })).toThrow('needs a table with a sort key');
  });

  it('refuses an empty key separator', () => {
    expect(() => defineTable({ name: 'App', client, partitionKey: pk, keySeparator: '' })).toThrow(TableDefinitionError);
    expect(() => defineTable({ name: 'App', client, partitionKey: pk, keySeparator: '' })).toThrow('table App: keySeparator: cannot be empty');
  });

  it('refuses two entities of one name on a table, and unknown indexes or key attributes in table reads, with typed errors', () => {
    const t = defineTable({ name: 'Twice', client, partitionKey: pk });
    const define = () => defineEntity({ table: t, name: 'Item', schema: z.object({ id: z.string() }), keys: { primary: { pk: 'I#{id}' } } });
    define();
    expect(define).toThrow(TableDefinitionError);
    expect(define).toThrow('table Twice: Item: an entity named Item is already defined on the table');
    expect(() => t.scan('nope' as never)).toThrow(ExpressionError);
    expect(() => t.query(undefined as never)).toThrow(ExpressionError);
  });
});

describe('Table.Key', () => {
  it('accepts the key attributes of the table and every index, and refuses any other name', () => {
    const t = defineTable({
      name: 'Keys',
      client,
      partitionKey: pk,
      sortKey: sk,
      indexes: { gsi1: { type: 'global', partitionKey: { name: 'gpk', type: 'S' } }, lsi1: { type: 'local', sortKey: { name: 'lsk', type: 'S' } } },
    });
    expect([...t.keyAttributeNames].sort()).toEqual(['gpk', 'lsk', 'pk', 'sk']);
    for (const name of ['pk', 'sk', 'gpk', 'lsk'] as const) expect(t.Key(name).path).toEqual([name]);
    expect(() => t.Key('other' as never)).toThrow('table Keys: other is not a key attribute of the table or its indexes');
  });
});
