/**
 * Errors a newcomer met while building a repository layer from the docs alone: each must say what
 * to do, and be the typed class the docs promise.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConditionFailedError, defineEntity, defineTable, ExpressionError, InvalidBatchError, TableDefinitionError } from '../../src/index.js';

const client = new DynamoDBClient({ region: 'us-east-1' });
const pk = { name: 'pk', type: 'S' } as const;
const sk = { name: 'sk', type: 'S' } as const;

describe('update of a managed attribute', () => {
  const T = defineTable({ name: 'App', client, partitionKey: pk, sortKey: sk });
  const Ticket = defineEntity({
    table: T,
    name: 'Ticket',
    schema: z.object({ ticketId: z.string(), title: z.string() }),
    keys: { primary: { pk: 'TICKET#{ticketId}', sk: 'TICKET' } },
    timestamps: true,
    version: 'version',
  });

  it('says that the version is managed and where to pass it', () => {
    const update = () => Ticket.update({ ticketId: 't1' }).set({ version: 3 } as never).build();
    expect(update).toThrow(ExpressionError);
    expect(update).toThrow('Ticket: version: is the optimistic-locking version, which dynakit increments on every write; to check it, pass it with the key: update({ ...key, version })');
  });

  it('a batched put of a versioned entity says what to use instead, bulk imports included', () => {
    // @ts-expect-error a versioned entity: the types refuse it; the run time too, for untyped callers
    const put = () => T.batchWriter().put(Ticket, { ticketId: 't1', title: 'x' });
    expect(put).toThrow(InvalidBatchError);
    expect(put).toThrow(/use put\(\) or create\(\) one by one, or transactWrite: to import many new items, create\(\) them in transactWrite calls of up to 100/);
  });

  it('says that the timestamps are managed', () => {
    const update = () => Ticket.update({ ticketId: 't1' }).set({ updatedAt: 'x' } as never).build();
    expect(update).toThrow(ExpressionError);
    expect(update).toThrow('Ticket: updatedAt: is a timestamp, which dynakit sets on every write');
  });
});

describe('defineTable names', () => {
  it.each([
    ['a table name DynamoDB would reject', () => defineTable({ name: 'ab', client, partitionKey: pk }), 'ab', 'name'],
    ['an index name DynamoDB would reject', () => defineTable({ name: 'App', client, partitionKey: pk, sortKey: sk, indexes: { g1: { type: 'global', partitionKey: pk } } }), 'App', 'g1'],
    ['"primary" as an index name', () => defineTable({ name: 'App', client, partitionKey: pk, sortKey: sk, indexes: { primary: { type: 'global', partitionKey: pk } } }), 'App', 'primary'],
    ['a local index without a table sort key', () => defineTable({ name: 'App', client, partitionKey: pk, indexes: { lsi1: { type: 'local', sortKey: sk } } }), 'App', 'lsi1'],
  ])('refuses %s with a TableDefinitionError naming the table and the path', (_, define, table, path) => {
    expect(define).toThrow(TableDefinitionError);
    try {
      define();
    } catch (e) {
      expect(e).toMatchObject({ table, path });
    }
  });
});

describe('a failed condition says what was checked', () => {
  // Every call fails as DynamoDB does when the condition is false; nothing is sent.
  const failing = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  failing.middlewareStack.add(
    () => async () => {
      throw Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
    },
    { step: 'initialize', name: 'alwaysConditionFailed' },
  );
  const T = defineTable({ name: 'App', client: failing, partitionKey: pk, sortKey: sk });
  const Tenant = defineEntity({
    table: T,
    name: 'Tenant',
    schema: z.object({ tenantId: z.string(), name: z.string(), plan: z.string().optional() }),
    keys: { primary: { pk: 'TENANT#{tenantId}', sk: 'TENANT' } },
  });
  const { Attr } = Tenant;

  it.each([
    ['create', () => Tenant.create({ tenantId: 'a', name: 'A' }), 'Tenant: create condition failed: the item must not exist yet'],
    ['put().where()', () => Tenant.put({ tenantId: 'a', name: 'A' }).where(Attr('plan').notExists()), 'Tenant: put condition failed: a stored item must belong to Tenant, and its where() condition must hold'],
    ['update', () => Tenant.update({ tenantId: 'a' }).set({ name: 'B' }), 'Tenant: update condition failed: the item must exist and belong to Tenant (update() does not create items; upsert() does)'],
    [
      'update().where()',
      () => Tenant.update({ tenantId: 'a' }).set({ name: 'B' }).where(Attr('plan').eq('pro')),
      'Tenant: update condition failed: the item must exist and belong to Tenant, and its where() condition must hold',
    ],
    ['upsert', () => Tenant.update({ tenantId: 'a' }).set({ name: 'B' }).upsert(), 'Tenant: update condition failed: a stored item must belong to Tenant'],
    ['delete', () => Tenant.delete({ tenantId: 'a' }), 'Tenant: delete condition failed: a stored item must belong to Tenant'],
  ])('%s', async (_, run, message) => {
    const e = await Promise.resolve(run()).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ConditionFailedError);
    expect((e as Error).message).toBe(message);
  });
});
