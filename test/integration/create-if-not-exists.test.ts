/**
 * `AppTable.create({ ifNotExists: true })` against DynamoDB Local: an existing table that matches
 * the definition is kept (its items too) and TTL is turned on as after a create; one that differs
 * fails with a `TableMismatchError` listing the differences, and is left as it was.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { DynakitError, TableMismatchError, TableNotFoundError, TableTimeoutError, TimeToLiveBusyError, defineEntity, defineTable } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { failure } from '../support/failure.js';

const client = testClient();
const toDrop: { drop(): Promise<void> }[] = [];
const otherClients: DynamoDBClient[] = [];

afterAll(async () => {
  await Promise.all(toDrop.map((t) => t.drop()));
  for (const c of [client, ...otherClients]) c.destroy();
});

/** A table with a GSI, an LSI and a TTL entity, as a service would define it. */
function appTable(c: DynamoDBClient, name: string) {
  const AppTable = defineTable({
    name,
    client: c,
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    indexes: {
      gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } },
      lsi1: { type: 'local', sortKey: { name: 'lsi1sk', type: 'S' } },
    },
  });
  const Session = defineEntity({
    table: AppTable,
    name: 'Session',
    schema: z.object({ sessionId: z.string(), userId: z.string(), expiresAt: z.date().optional() }),
    keys: { primary: { pk: 'SESSION#{sessionId}', sk: 'SESSION' }, gsi1: { pk: 'USER#{userId}', sk: 'SESSION#{sessionId}' } },
    ttl: 'expiresAt',
  });
  toDrop.push(AppTable);
  return { AppTable, Session };
}

async function ttlOf(name: string): Promise<string> {
  const { TimeToLiveDescription: d } = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
  return d?.TimeToLiveStatus === 'ENABLED' || d?.TimeToLiveStatus === 'ENABLING' ? (d.AttributeName ?? '?') : 'off';
}

describe('create({ ifNotExists: true })', () => {
  it('creates a missing table; on the second call keeps the table and its items', async () => {
    const { AppTable, Session } = appTable(client, uniqueTableName('ine-twice'));
    await AppTable.create({ ifNotExists: true });
    await Session.put({ sessionId: 's1', userId: 'u1' });
    await AppTable.create({ ifNotExists: true });
    // Another process with its own definition of the same table.
    await appTable(client, AppTable.name).AppTable.create({ ifNotExists: true });
    expect(await Session.get({ sessionId: 's1' })).toEqual({ sessionId: 's1', userId: 'u1' });
    expect((await AppTable.describe()).differences).toEqual([]);
    // Without the option, an existing table is still the SDK's error.
    await expect(AppTable.create()).rejects.toBeInstanceOf(ResourceInUseException);
  });

  it('calls racing to create one table all succeed', async () => {
    const name = uniqueTableName('ine-race');
    const tables = [appTable(client, name), appTable(client, name), appTable(client, name)].map((t) => t.AppTable);
    await Promise.all(tables.map((t) => t.create({ ifNotExists: true })));
    expect((await tables[0]!.describe()).differences).toEqual([]);
  });

  it('turns TTL on for a matching table created without it, as create() does', async () => {
    const { AppTable } = appTable(client, uniqueTableName('ine-ttl'));
    await client.send(new CreateTableCommand(AppTable.createTableInput()));
    expect(await ttlOf(AppTable.name)).toBe('off');
    await AppTable.create({ ifNotExists: true });
    expect(await ttlOf(AppTable.name)).toBe('expiresAt');
  });

  it('a table of that name with another key schema: TableMismatchError naming the differences, the table left as it was', async () => {
    const { AppTable } = appTable(client, uniqueTableName('ine-keys'));
    await client.send(
      new CreateTableCommand({
        TableName: AppTable.name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'id', AttributeType: 'S' },
          { AttributeName: 'n', AttributeType: 'N' },
        ],
        KeySchema: [
          { AttributeName: 'id', KeyType: 'HASH' },
          { AttributeName: 'n', KeyType: 'RANGE' },
        ],
      }),
    );
    const mismatch = await failure(AppTable.create({ ifNotExists: true }), TableMismatchError);
    expect(mismatch).toBeInstanceOf(DynakitError);
    expect(mismatch.table).toBe(AppTable.name);
    expect(mismatch.differences).toEqual([
      { path: 'keys', expected: 'pk pk:S, sk sk:S', actual: 'pk id:S, sk n:N' },
      { path: 'gsi1', expected: 'global index', actual: 'missing' },
      { path: 'lsi1', expected: 'local index', actual: 'missing' },
    ]);
    expect(mismatch.message).toBe(
      `table ${AppTable.name} exists but differs from its definition: keys: expected pk pk:S, sk sk:S, found pk id:S, sk n:N; ` +
        'gsi1: expected global index, found missing; lsi1: expected local index, found missing',
    );
    // Nothing was changed: the table keeps its keys, and TTL stays off.
    const { Table } = await client.send(new DescribeTableCommand({ TableName: AppTable.name }));
    expect(Table?.KeySchema?.map((k) => k.AttributeName)).toEqual(['id', 'n']);
    expect(await ttlOf(AppTable.name)).toBe('off');
  });

  it('TTL on another attribute is a difference', async () => {
    const { AppTable } = appTable(client, uniqueTableName('ine-ttl-other'));
    await client.send(new CreateTableCommand(AppTable.createTableInput()));
    await client.send(new UpdateTimeToLiveCommand({ TableName: AppTable.name, TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true } }));
    const e = await failure(AppTable.create({ ifNotExists: true }), TableMismatchError);
    expect(e.differences).toEqual([{ path: 'ttl', expected: 'expiresAt', actual: 'ttl' }]);
  });

  it('a table still being deleted when CreateTable is sent is created again once gone', async () => {
    // DynamoDB Local deletes tables at once; a middleware answers the first CreateTable as DynamoDB
    // does for a table whose deletion is under way (without sending it), and that table is gone by
    // the next DescribeTable.
    let creates = 0;
    const faulty = answeringClient('deletingTable', (command) => {
      if (command === 'CreateTableCommand' && ++creates === 1) throw tableBeingDeleted();
      return undefined;
    });
    const { AppTable, Session } = appTable(faulty, uniqueTableName('ine-deleting'));
    await AppTable.create({ ifNotExists: true });
    expect(creates).toBe(2);
    await Session.put({ sessionId: 's1', userId: 'u1' });
    expect((await AppTable.describe()).differences).toEqual([]);
  });

  it('maxWaitSeconds bounds the whole call, the wait for a table being deleted included', async () => {
    // The first CreateTable meets a table being deleted (DELETING for 1.5 s, then gone); the table
    // created next never becomes ACTIVE. Each wait given the full 2 s would take some 3.5 s.
    let creates = 0;
    let goneAt = 0;
    let stalled = true;
    const faulty = answeringClient('deletingThenStalled', (command) => {
      if (!stalled) return undefined;
      if (command === 'CreateTableCommand' && ++creates === 1) {
        goneAt = Date.now() + 1500;
        throw tableBeingDeleted();
      }
      if (command !== 'DescribeTableCommand') return undefined;
      if (creates === 1 && Date.now() >= goneAt) throw tableNotFound();
      return { Table: { TableName: 'stalled', TableStatus: creates === 1 ? 'DELETING' : 'CREATING' } };
    });
    const { AppTable } = appTable(faulty, uniqueTableName('ine-deadline'));
    const started = Date.now();
    const e = await failure(AppTable.create({ ifNotExists: true, maxWaitSeconds: 2 }), DynakitError);
    const elapsed = Date.now() - started;
    stalled = false;
    expect(creates).toBe(2);
    expect(e.message).toBe(`table ${AppTable.name} is not ACTIVE after 2 s (status CREATING)`);
    expect(elapsed).toBeGreaterThanOrEqual(2000);
    expect(elapsed).toBeLessThan(3000);
  });

  it('a table being deleted that is gone only once the deadline has passed: a timeout, not "does not exist"', async () => {
    // The first CreateTable meets a table being deleted; DescribeTable answers, after the 1 s
    // deadline, that it is gone. The call ran out of time before it could create it again.
    let creates = 0;
    const faulty = answeringClient('goneAtTheDeadline', async (command) => {
      if (command === 'CreateTableCommand' && ++creates === 1) throw tableBeingDeleted();
      if (command !== 'DescribeTableCommand' || creates !== 1) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 1100));
      throw tableNotFound();
    });
    const { AppTable } = appTable(faulty, uniqueTableName('ine-gone-late'));
    toDrop.pop();
    const e = await failure(AppTable.create({ ifNotExists: true, maxWaitSeconds: 1 }), TableTimeoutError);
    expect(creates).toBe(1);
    expect(e).not.toBeInstanceOf(TableNotFoundError);
    expect(e).toMatchObject({ table: AppTable.name, maxWaitSeconds: 1, status: 'gone' });
    expect((e as Error).message).toBe(`table ${AppTable.name} is not ACTIVE after 1 s (it was being deleted, and was gone too late to create it again)`);
  });

  it("TTL being turned on for the definition's attribute (ENABLING) is TTL on: kept, no UpdateTimeToLive", async () => {
    const { AppTable } = appTable(client, uniqueTableName('ine-ttl-enabling'));
    await client.send(new CreateTableCommand(AppTable.createTableInput()));
    const { ttlClient, updates } = ttlAnswered({ TimeToLiveStatus: 'ENABLING', AttributeName: 'expiresAt' });
    await appTable(ttlClient, AppTable.name).AppTable.create({ ifNotExists: true });
    expect(updates()).toBe(0);
    expect(await ttlOf(AppTable.name)).toBe('off');
  });

  it('TTL being turned on for another attribute (ENABLING) is a difference', async () => {
    const { AppTable } = appTable(client, uniqueTableName('ine-ttl-enabling-other'));
    await client.send(new CreateTableCommand(AppTable.createTableInput()));
    const { ttlClient, updates } = ttlAnswered({ TimeToLiveStatus: 'ENABLING', AttributeName: 'ttl' });
    const e = await failure(appTable(ttlClient, AppTable.name).AppTable.create({ ifNotExists: true }), TableMismatchError);
    expect(e.differences).toEqual([{ path: 'ttl', expected: 'expiresAt', actual: 'ttl' }]);
    expect(updates()).toBe(0);
  });

  it('TTL being turned off (DISABLING): a TimeToLiveBusyError saying why, before any UpdateTimeToLive', async () => {
    // DynamoDB takes up to an hour to turn TTL off and refuses to turn it on meanwhile; waiting for that is no use.
    const { AppTable } = appTable(client, uniqueTableName('ine-ttl-disabling'));
    await client.send(new CreateTableCommand(AppTable.createTableInput()));
    for (const attribute of ['expiresAt', 'ttl']) {
      const { ttlClient, updates } = ttlAnswered({ TimeToLiveStatus: 'DISABLING', AttributeName: attribute });
      const e = await failure(appTable(ttlClient, AppTable.name).AppTable.create({ ifNotExists: true }), TimeToLiveBusyError);
      expect(e).toBeInstanceOf(DynakitError);
      expect(e).toMatchObject({ table: AppTable.name, attribute: 'expiresAt', status: 'DISABLING', liveAttribute: attribute });
      expect((e as Error).message).toBe(
        `table ${AppTable.name}: TTL is DISABLING (on ${attribute}), and DynamoDB does not turn it on for expiresAt until that is done (it can take up to an hour): run create() again then`,
      );
      expect(updates()).toBe(0);
    }
    expect(await ttlOf(AppTable.name)).toBe('off');
  });

  it('a table that stays "in use" for CreateTable but not found by DescribeTable is retried at a pace, not in a busy loop', async () => {
    // The two answers disagree for a moment while a deletion settles; here they disagree for good.
    const calls = { CreateTableCommand: 0, DescribeTableCommand: 0 };
    const faulty = answeringClient('inUseButNotFound', (command) => {
      if (command === 'CreateTableCommand') {
        calls.CreateTableCommand++;
        throw tableBeingDeleted();
      }
      calls.DescribeTableCommand++;
      throw tableNotFound();
    });
    const { AppTable } = appTable(faulty, uniqueTableName('ine-flapping'));
    toDrop.pop();
    const e = await failure(AppTable.create({ ifNotExists: true, maxWaitSeconds: 1 }), DynakitError);
    // One CreateTable per 250 ms pause at most (and the one at the start).
    expect(calls.CreateTableCommand).toBeGreaterThanOrEqual(2);
    expect(calls.CreateTableCommand).toBeLessThanOrEqual(6);
  });

  it('TTL turned on by a racing call between its check and its UpdateTimeToLive is no error', async () => {
    // What two racing create({ ifNotExists: true }) calls do: both read TTL off, both turn it on,
    // and DynamoDB refuses the second ("TimeToLive is already enabled"). Here the other call is
    // stood in for by a DescribeTimeToLive answered as before it turned TTL on.
    const { AppTable } = appTable(client, uniqueTableName('ine-ttl-race'));
    await AppTable.create();
    expect(await ttlOf(AppTable.name)).toBe('expiresAt');
    let updates = 0;
    const racing = answeringClient('ttlTurnedOnMeanwhile', (command) => {
      if (command === 'UpdateTimeToLiveCommand') updates++;
      return command === 'DescribeTimeToLiveCommand' && updates === 0 ? { TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' } } : undefined;
    });
    await appTable(racing, AppTable.name).AppTable.create({ ifNotExists: true });
    expect(updates).toBe(1);
    expect(await ttlOf(AppTable.name)).toBe('expiresAt');
  });

  it('an abort while waiting for a table another process is creating rejects with its reason at once', async () => {
    // The table exists and stays CREATING (as another process's would for a while); nothing is changed.
    const { AppTable } = appTable(client, uniqueTableName('ine-abort'));
    await client.send(new CreateTableCommand(AppTable.createTableInput()));
    let describes = 0;
    const creating = answeringClient('stillCreating', (command) => {
      if (command !== 'DescribeTableCommand') return undefined;
      describes++;
      return { Table: { TableName: AppTable.name, TableStatus: 'CREATING' } };
    });
    const reason = new Error('deploy cancelled');
    const started = Date.now();
    const e = await failure(appTable(creating, AppTable.name).AppTable.create({ ifNotExists: true, abortSignal: abortAfter(400, reason) }), Error);
    creating.middlewareStack.remove('stillCreating');
    expect(e).toBe(reason);
    expect(describes).toBeGreaterThanOrEqual(1);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(await ttlOf(AppTable.name)).toBe('off');
  });
});

/** A client whose DescribeTimeToLive answers `description` (a state Local never reports), counting the UpdateTimeToLive calls it sends. */
function ttlAnswered(description: { TimeToLiveStatus: string; AttributeName: string }) {
  let updates = 0;
  const ttlClient = answeringClient('ttlState', (command) => {
    if (command === 'UpdateTimeToLiveCommand') updates++;
    return command === 'DescribeTimeToLiveCommand' ? { TimeToLiveDescription: description } : undefined;
  });
  return { ttlClient, updates: () => updates };
}

/**
 * A client (destroyed after the file) on which `answer` sees each command first, by name: it may
 * throw an error in DynamoDB's place, or return the output DynamoDB would (a state Local never
 * reports); `undefined` sends the command on.
 */
function answeringClient(name: string, answer: (command: string | undefined) => object | undefined | Promise<object | undefined>): DynamoDBClient {
  const c = testClient();
  otherClients.push(c);
  c.middlewareStack.add(
    (next, context) => async (args) => {
      const output = await answer(context.commandName);
      return output === undefined ? next(args) : ({ output: { ...output, $metadata: {} }, response: {} } as never);
    },
    { step: 'initialize', name },
  );
  return c;
}

/** DynamoDB's answer to a CreateTable of a table whose deletion is under way. */
function tableBeingDeleted(): ResourceInUseException {
  return new ResourceInUseException({ message: 'Attempt to change a resource which is still in use: Table is being deleted', $metadata: { httpStatusCode: 400 } });
}

/** DynamoDB's answer to a DescribeTable of a table that is gone. */
function tableNotFound(): ResourceNotFoundException {
  return new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: { httpStatusCode: 400 } });
}

/** A signal aborted with `reason` after `ms`. */
function abortAfter(ms: number, reason: unknown): AbortSignal {
  const c = new AbortController();
  setTimeout(() => c.abort(reason), ms);
  return c.signal;
}
