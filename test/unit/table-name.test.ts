/**
 * Matching a batch answer's table keys to the tables a request named (src/entity/table-name.ts):
 * DynamoDB Local answers a table named by ARN under its name, and a key that could stand for two
 * of the request's tables (two accounts' tables of one name) must match neither, so that the
 * batch writer reports that call's writes as not done rather than guess.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { buildTransactWrite, defineTable, InvalidTransactionError } from '../../src/index.js';
import { answeredTable, tableEntry, tableNameOf } from '../../src/entity/table-name.js';

const arn = (account: string, name: string) => `arn:aws:dynamodb:eu-west-1:${account}:table/${name}`;

describe('table names in batch answers', () => {
  it('reads the name out of an ARN, and leaves a name as it is', () => {
    expect(tableNameOf(arn('111111111111', 'App'))).toBe('App');
    expect(tableNameOf('App')).toBe('App');
    expect(tableNameOf('my-app.prod_v2')).toBe('my-app.prod_v2');
  });

  it('matches an answer key to the table the request named, in either form', () => {
    expect(answeredTable('App', [arn('111111111111', 'App'), 'Other'])).toBe(arn('111111111111', 'App'));
    expect(answeredTable(arn('111111111111', 'App'), ['App'])).toBe('App');
    expect(answeredTable('App', ['App', arn('111111111111', 'App')])).toBe('App');
    expect(answeredTable('Missing', ['App'])).toBeUndefined();
  });

  it('matches no table when the name stands for two of them', () => {
    expect(answeredTable('App', [arn('111111111111', 'App'), arn('222222222222', 'App')])).toBeUndefined();
  });

  it("finds the request's one table in a map keyed either way", () => {
    const byName = { App: [1, 2] };
    expect(tableEntry(byName, arn('111111111111', 'App'))).toEqual([1, 2]);
    expect(tableEntry(byName, 'App')).toEqual([1, 2]);
    expect(tableEntry({ [arn('111111111111', 'App')]: [3] }, 'App')).toEqual([3]);
    expect(tableEntry(byName, 'Other')).toBeUndefined();
    expect(tableEntry(undefined, 'App')).toBeUndefined();
  });
});

describe('a transaction names one table in either form', () => {
  const client = new DynamoDBClient({ region: 'eu-west-1' });
  const keys = { partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } } as const;
  const ByName = defineTable({ name: 'App', client, ...keys });
  const ByArn = defineTable({ name: arn('111111111111', 'App'), client, ...keys });

  it('refuses two actions on one item when one names the table by ARN, before sending', () => {
    const build = () => buildTransactWrite([ByName.delete({ pk: 'a', sk: 'b' }), ByArn.delete({ pk: 'a', sk: 'b' })]);
    expect(build).toThrow(InvalidTransactionError);
    expect(build).toThrow(/actions #0 .* and #1 .* touch the same item/);
  });

  it('still takes actions on different items of the table in both forms', () => {
    const { input } = buildTransactWrite([ByName.delete({ pk: 'a', sk: 'b' }), ByArn.delete({ pk: 'a', sk: 'c' })]);
    expect(input.TransactItems?.map((t) => t.Delete?.TableName)).toEqual(['App', arn('111111111111', 'App')]);
  });
});
