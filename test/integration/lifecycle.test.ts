/**
 * Table lifecycle against DynamoDB Local: create() (waits until the table and its GSIs are ACTIVE,
 * turns on streams and TTL), describe() (compares the live table with the definition and lists the
 * differences), drop(), and the error for a table that does not exist.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTableCommand,
  type CreateTableCommandInput,
  type DescribeTableCommandOutput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { DynakitError, TableNotFoundError, defineEntity, defineTable, type TableConfig } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';

const client = testClient();
const toDrop: { drop(): Promise<void> }[] = [];

afterAll(async () => {
  await Promise.all(toDrop.map((t) => t.drop()));
  client.destroy();
});

/** The definition every test compares against: keys, a GSI, an LSI, a stream, and a TTL entity. */
function appTable(c: DynamoDBClient, name: string, stream: TableConfig['stream'] | 'off' = 'NEW_AND_OLD_IMAGES') {
  const AppTable = defineTable({
    name,
    client: c,
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    indexes: {
      gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } },
      gsi2: { type: 'global', partitionKey: { name: 'gsi2pk', type: 'S' }, projection: 'KEYS_ONLY' },
      lsi1: { type: 'local', sortKey: { name: 'lsi1sk', type: 'S' } },
    },
    ...(stream === 'off' ? {} : { stream }),
  });
  const Session = defineEntity({
    table: AppTable,
    name: 'Session',
    schema: z.object({ sessionId: z.string(), userId: z.string(), expiresAt: z.date() }),
    keys: { primary: { pk: 'SESSION#{sessionId}', sk: 'SESSION' }, gsi1: { pk: 'USER#{userId}', sk: 'SESSION#{sessionId}' } },
    ttl: 'expiresAt',
  });
  return { AppTable, Session };
}

/** Creates a table with the raw SDK from the definition's input, changed by `edit`. */
async function rawCreate(input: CreateTableCommandInput, edit: (i: CreateTableCommandInput) => CreateTableCommandInput): Promise<void> {
  const edited = edit(structuredClone(input));
  // DynamoDB rejects attribute definitions that no key schema uses.
  const used = new Set(
    [edited.KeySchema, ...(edited.GlobalSecondaryIndexes ?? []).map((g) => g.KeySchema), ...(edited.LocalSecondaryIndexes ?? []).map((l) => l.KeySchema)]
      .flatMap((k) => k ?? [])
      .map((k) => k.AttributeName),
  );
  edited.AttributeDefinitions = edited.AttributeDefinitions?.filter((a) => used.has(a.AttributeName));
  await client.send(new CreateTableCommand(edited));
}

describe('create()', () => {
  it('creates the table as defined, with streams and TTL on, and describe() finds no differences', async () => {
    const { AppTable, Session } = appTable(client, uniqueTableName('life-create'));
    toDrop.push(AppTable);
    await AppTable.create();
    const { Table } = await client.send(new DescribeTableCommand({ TableName: AppTable.name }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.GlobalSecondaryIndexes?.map((g) => [g.IndexName, g.IndexStatus]).sort()).toEqual([
      ['gsi1', 'ACTIVE'],
      ['gsi2', 'ACTIVE'],
    ]);
    expect(Table?.LocalSecondaryIndexes?.map((l) => l.IndexName)).toEqual(['lsi1']);
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    const report = await AppTable.describe();
    expect(report.differences).toEqual([]);
    expect(report.table.TableName).toBe(AppTable.name);
    // Usable right away.
    await Session.put({ sessionId: 's1', userId: 'u1', expiresAt: new Date(Date.now() + 3_600_000) });
    expect((await Session.query('gsi1', Session.Key('userId').eq('u1')).all()).map((s) => s.sessionId)).toEqual(['s1']);
  });

  it('waits while DescribeTable reports the table or a GSI as CREATING', async () => {
    // DynamoDB Local makes tables ACTIVE at once; a middleware makes the first answers say CREATING,
    // as the real service does for a few seconds.
    const slow = testClient();
    let describes = 0;
    slow.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (context.commandName === 'DescribeTableCommand') {
          describes += 1;
          const t = (out.output as DescribeTableCommandOutput).Table;
          if (t !== undefined && describes === 1) t.TableStatus = 'CREATING';
          if (t !== undefined && describes <= 2) for (const g of t.GlobalSecondaryIndexes ?? []) g.IndexStatus = 'CREATING';
        }
        return out;
      },
      { step: 'initialize', name: 'pretendCreating' },
    );
    const { AppTable } = appTable(slow, uniqueTableName('life-wait'), 'off');
    toDrop.push(appTable(client, AppTable.name).AppTable);
    const t0 = Date.now();
    await AppTable.create();
    expect(describes).toBe(3);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400); // two polls at 250 ms
    slow.destroy();
  });

  it('fails with the SDK error when the table already exists', async () => {
    const { AppTable } = appTable(client, uniqueTableName('life-twice'));
    toDrop.push(AppTable);
    await AppTable.create();
    await expect(AppTable.create()).rejects.toBeInstanceOf(ResourceInUseException);
  });
});

describe('describe() on a table created differently', () => {
  it('a missing GSI', async () => {
    const { AppTable } = appTable(client, uniqueTableName('life-nogsi'), 'off');
    toDrop.push(AppTable);
    await rawCreate(AppTable.createTableInput(), (i) => ({ ...i, GlobalSecondaryIndexes: i.GlobalSecondaryIndexes!.filter((g) => g.IndexName !== 'gsi2') }));
    const { differences } = await AppTable.describe();
    expect(differences).toEqual([
      { path: 'gsi2', expected: 'global index', actual: 'missing' },
      { path: 'ttl', expected: 'expiresAt', actual: 'off' },
    ]);
  });

  it('a wrong key type on the table and on a GSI', async () => {
    const { AppTable } = appTable(client, uniqueTableName('life-keytype'), 'off');
    toDrop.push(AppTable);
    await rawCreate(AppTable.createTableInput(), (i) => ({
      ...i,
      AttributeDefinitions: i.AttributeDefinitions!.map((a) => (a.AttributeName === 'sk' || a.AttributeName === 'gsi2pk' ? { ...a, AttributeType: 'N' } : a)),
    }));
    const { differences } = await AppTable.describe();
    expect(differences).toEqual([
      { path: 'keys', expected: 'pk pk:S, sk sk:S', actual: 'pk pk:S, sk sk:N' },
      { path: 'gsi2.keys', expected: 'pk gsi2pk:S', actual: 'pk gsi2pk:N' },
      { path: 'ttl', expected: 'expiresAt', actual: 'off' },
    ]);
  });

  it('different key attributes, an extra index, another projection, no stream', async () => {
    const { AppTable } = appTable(client, uniqueTableName('life-other'));
    toDrop.push(AppTable);
    await rawCreate(AppTable.createTableInput(), (i) => {
      const { StreamSpecification: _s, LocalSecondaryIndexes: _l, ...rest } = i;
      return {
        ...rest,
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [...i.AttributeDefinitions!, { AttributeName: 'PK', AttributeType: 'S' }, { AttributeName: 'extra', AttributeType: 'S' }],
        GlobalSecondaryIndexes: [
          ...i.GlobalSecondaryIndexes!.map((g) => (g.IndexName === 'gsi2' ? { ...g, Projection: { ProjectionType: 'ALL' as const } } : g)),
          { IndexName: 'gsi9', KeySchema: [{ AttributeName: 'extra', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } },
        ],
      };
    });
    const { differences } = await AppTable.describe();
    expect(differences).toEqual([
      { path: 'keys', expected: 'pk pk:S, sk sk:S', actual: 'pk PK:S, sk sk:S' },
      { path: 'gsi2.projection', expected: 'KEYS_ONLY', actual: 'ALL' },
      { path: 'lsi1', expected: 'local index', actual: 'missing' },
      { path: 'gsi9', expected: 'not defined', actual: 'global index' },
      { path: 'stream', expected: 'NEW_AND_OLD_IMAGES', actual: 'off' },
      { path: 'ttl', expected: 'expiresAt', actual: 'off' },
    ]);
  });

  it('a stream of another view type, and a stream that is not in the definition', async () => {
    const { AppTable } = appTable(client, uniqueTableName('life-stream'), 'NEW_IMAGE');
    toDrop.push(AppTable);
    await rawCreate(AppTable.createTableInput(), (i) => ({ ...i, StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } }));
    const { differences } = await AppTable.describe();
    expect(differences).toContainEqual({ path: 'stream', expected: 'NEW_IMAGE', actual: 'KEYS_ONLY' });
    const { AppTable: NoStream } = appTable(client, AppTable.name, 'off');
    expect((await NoStream.describe()).differences).toContainEqual({ path: 'stream', expected: 'off', actual: 'KEYS_ONLY' });
  });

  it('a GSI added later shows as missing until it exists', async () => {
    const { AppTable } = appTable(client, uniqueTableName('life-addgsi'), 'off');
    toDrop.push(AppTable);
    const input = AppTable.createTableInput();
    await rawCreate(input, (i) => ({ ...i, GlobalSecondaryIndexes: i.GlobalSecondaryIndexes!.filter((g) => g.IndexName === 'gsi1') }));
    expect((await AppTable.describe()).differences.map((d) => d.path)).toEqual(['gsi2', 'ttl']);
    const gsi2 = input.GlobalSecondaryIndexes!.find((g) => g.IndexName === 'gsi2')!;
    await client.send(
      new UpdateTableCommand({
        TableName: AppTable.name,
        AttributeDefinitions: [{ AttributeName: 'gsi2pk', AttributeType: 'S' }],
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: gsi2.IndexName!, KeySchema: gsi2.KeySchema!, Projection: gsi2.Projection! } }],
      }),
    );
    expect((await AppTable.describe()).differences.map((d) => d.path)).toEqual(['ttl']);
  });
});

describe('missing tables and drop()', () => {
  it('describe() on a table that does not exist throws TableNotFoundError naming it', async () => {
    const { AppTable } = appTable(client, uniqueTableName('life-missing'));
    const e = await AppTable.describe().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(TableNotFoundError);
    expect(e).toBeInstanceOf(DynakitError);
    expect((e as TableNotFoundError).table).toBe(AppTable.name);
    expect((e as Error).message).toBe(`table ${AppTable.name} does not exist`);
  });

  it('drop() deletes the table and waits until it is gone; dropping again is not an error', async () => {
    const { AppTable } = appTable(client, uniqueTableName('life-drop'));
    await AppTable.create();
    await AppTable.drop();
    await expect(AppTable.describe()).rejects.toBeInstanceOf(TableNotFoundError);
    await expect(AppTable.drop()).resolves.toBeUndefined();
  });
});
