/**
 * What the compiler says when a query's key condition lacks `eq` on a partition-key composite.
 * docs/querying.md ("Rules, and what breaks them") quotes the message and explains how to read it;
 * this keeps the quote true.
 */
import { describe, expect, it } from 'vitest';
import { COMPILE_TIMEOUT } from '../support/compile-timeout.js';
import { compileErrors } from '../support/compile-errors.js';

const model = `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { defineEntity, defineTable } from '../../src/index.js';
const AppTable = defineTable({
  name: 'App', client: new DynamoDBClient({}), partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' },
  indexes: { gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } } },
});
const User = defineEntity({
  table: AppTable, name: 'User', schema: z.object({ userId: z.string(), orgId: z.string(), name: z.string() }),
  keys: { primary: { pk: 'USER#{userId}', sk: 'PROFILE' }, gsi1: { pk: 'ORG#{orgId}', sk: 'USER#{name}#{userId}' } },
});
const { Key } = User;
`;

describe('compile errors of a key condition without eq on the partition key', () => {
  it('name the missing partition-key composite and the rule (PartitionKeyNeedsEq) against the attributes compared with eq', () => {
    const errors = compileErrors(
      model +
        `
User.query('gsi1', Key('orgId').eq('acme').and(Key('name').beginsWith('A')));
User.query('gsi1', Key('name').eq('Ada'));
User.query('gsi1', Key('orgId').beginsWith('a'));
`,
    );
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^Argument of type 'KeyCondition<"name", "name">' is not assignable to parameter of type 'KeyCondition<"[a-zA-Z"| ]+", "orgId" & PartitionKeyNeedsEq>'\.\n {2}Type '"orgId" & PartitionKeyNeedsEq' is not assignable to type '"name"'\.$/);
    expect(errors[1]).toMatch(/^Argument of type 'KeyCondition<"orgId", never>' is not assignable .*\n {2}Type '"orgId" & PartitionKeyNeedsEq' is not assignable to type 'never'\.$/);
  }, COMPILE_TIMEOUT);
});
