/**
 * Table lifecycle cases found by review, against DynamoDB Local: describe() missed a changed
 * INCLUDE list and a different billing mode; create() sent CreateTable before finding that the
 * entities disagree on the TTL attribute, leaving a table without TTL behind.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { defineEntity, defineTable, type TableConfig, TableDefinitionError } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';

const client = testClient();
const toDrop: { drop(): Promise<void> }[] = [];

afterAll(async () => {
  await Promise.all(toDrop.map((t) => t.drop()));
  client.destroy();
});

function table(name: string, extra: Partial<TableConfig> = {}) {
  const t = defineTable({
    name,
    client,
    partitionKey: { name: 'pk', type: 'S' },
    indexes: { gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, projection: { include: ['email', 'name'] } } },
    ...extra,
  });
  toDrop.push(t);
  return t;
}

describe('describe()', () => {
  it('a table created as defined has no differences (included attributes in any order)', async () => {
    const t = table(uniqueTableName('lrev-same'));
    const input = t.createTableInput();
    input.GlobalSecondaryIndexes![0]!.Projection!.NonKeyAttributes = ['name', 'email'];
    await client.send(new CreateTableCommand(input));
    expect((await t.describe()).differences).toEqual([]);
  });

  it('reports an index that includes other attributes', async () => {
    const t = table(uniqueTableName('lrev-include'));
    const input = t.createTableInput();
    input.GlobalSecondaryIndexes![0]!.Projection!.NonKeyAttributes = ['email'];
    await client.send(new CreateTableCommand(input));
    expect((await t.describe()).differences).toEqual([{ path: 'gsi1.projection', expected: 'INCLUDE email, name', actual: 'INCLUDE email' }]);
  });

  it('reports a provisioned definition of an on-demand table', async () => {
    const onDemand = table(uniqueTableName('lrev-billing'));
    await onDemand.create();
    const provisioned = defineTable({ ...onDemand.config, billing: { read: 2, write: 3 } });
    expect((await provisioned.describe()).differences).toEqual([{ path: 'billing', expected: 'PROVISIONED', actual: 'PAY_PER_REQUEST' }]);
    expect((await onDemand.describe()).differences).toEqual([]);
  });
});

describe('create()', () => {
  it('entities that disagree on the TTL attribute are refused at defineEntity, so create() never makes a table without TTL', async () => {
    const t = table(uniqueTableName('lrev-ttl'));
    defineEntity({ table: t, name: 'A', schema: z.object({ id: z.string(), expiresAt: z.date() }), keys: { primary: { pk: 'A#{id}' } }, ttl: 'expiresAt' });
    expect(() =>
      defineEntity({ table: t, name: 'B', schema: z.object({ id: z.string(), goneAt: z.date() }), keys: { primary: { pk: 'B#{id}' } }, ttl: 'goneAt' }),
    ).toThrow(TableDefinitionError);
    await expect(client.send(new DescribeTableCommand({ TableName: t.name }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

/**
 * DeleteTable answers ResourceInUseException while a table is being created, updated or deleted;
 * DynamoDB Local deletes at once, so the answer is injected by middleware on the real client.
 */
function inUseOnce(c: ReturnType<typeof testClient>, deleteFirst: boolean): { calls: () => number } {
  let calls = 0;
  c.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'DeleteTableCommand') return next(args);
      calls += 1;
      if (calls > 1) return next(args);
      // deleteFirst: the table is gone by the time the answer comes, as when it was already DELETING.
      if (deleteFirst) await next(args);
      throw Object.assign(new Error('Attempt to change a resource which is still in use'), { name: 'ResourceInUseException', $fault: 'client' });
    },
    { step: 'initialize', name: 'inUseOnce' },
  );
  return { calls: () => calls };
}

describe('drop() of a table in use', () => {
  it.each([
    ['a table busy (CREATING/UPDATING) is deleted once it settles', false, 2],
    ['a table already being deleted is waited for, not an error', true, 1],
  ] as const)('%s', async (_name, deleteFirst, deleteCalls) => {
    const c = testClient();
    const faults = inUseOnce(c, deleteFirst);
    const t = defineTable({ name: uniqueTableName('lrev-inuse'), client: c, partitionKey: { name: 'pk', type: 'S' } });
    await t.create();
    await t.drop();
    expect(faults.calls()).toBe(deleteCalls);
    await expect(client.send(new DescribeTableCommand({ TableName: t.name }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    c.destroy();
  });
});
