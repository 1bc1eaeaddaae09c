/**
 * `deleteAll()` against DynamoDB Local: deleting 5,000 User items found by a GSI query, compared in
 * the same run with the hand-written loop a user would otherwise write (Query the index for the
 * primary keys, BatchWriteCommand 25 deletes per call, resend UnprocessedItems).
 *
 *   dynakit          User.query('gsi1', Key('orgId').eq(org)).deleteAll()   (concurrency 4, default)
 *   dynakit c1       the same with { concurrency: 1 }
 *   raw sequential   read a page, send its deletes one call at a time, read the next page
 *   raw parallel 4   read a page, send its deletes 4 calls in flight, read the next page
 *
 * dynakit does more per item than the raw loops: it reads the discriminator as well as the keys
 * (the query filters on it), checks each item is a User, and keeps one page of deletes in flight while
 * it reads the next page. Every run starts from a freshly seeded table (seeding not timed); rounds are
 * interleaved in rotating order after one untimed warm-up round; medians of 3 rounds. Each run is
 * checked: the table must be empty afterwards.
 *
 * Run: npx tsx bench/delete-all.ts   (starts its own DynamoDB Local; or set DYNAMODB_ENDPOINT)
 */
import { cpus, loadavg } from 'node:os';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { appModel } from '../test/fixtures/app-model.js';
import { localClientConfig, startDynamoDBLocal } from '../test/support/dynamodb-local.js';
import { chunks, countItems, inFlight, rawBatch } from './lib/raw-batch.js';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const ITEMS = 5_000;
const ROUNDS = 3;
const ORG = 'org-bench';

type Variant = { readonly name: string; readonly run: (table: string) => Promise<void> };
type Key = Record<string, unknown>;

const server = await startDynamoDBLocal();
const client = new DynamoDBClient(localClientConfig(server.endpoint));
const doc = DynamoDBDocumentClient.from(client);

function storedItems(table: string): Record<string, unknown>[] {
  const { User } = appModel(client, table);
  return Array.from({ length: ITEMS }, (_, i) =>
    User.put({ userId: `user-${String(i).padStart(6, '0')}`, orgId: ORG, email: `user${i}@example.com`, name: `User number ${i}`, age: 20 + (i % 60) }).build()
      .Item as Record<string, unknown>,
  );
}

/** The hand-written loop: query the GSI for primary keys only, delete each page in calls of 25. */
async function rawDeleteAll(table: string, width: number): Promise<void> {
  let start: Key | undefined;
  do {
    const page: QueryCommandOutput = await doc.send(
      new QueryCommand({
        TableName: table,
        IndexName: 'gsi1',
        KeyConditionExpression: '#p = :p',
        ProjectionExpression: '#pk, #sk',
        ExpressionAttributeNames: { '#p': 'gsi1pk', '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: { ':p': `ORG#${ORG}` },
        ExclusiveStartKey: start,
      }),
    );
    const deletes = (page.Items ?? []).map((Key) => ({ DeleteRequest: { Key } }));
    await inFlight(chunks(deletes, 25), width, (c) => rawBatch(doc, table, c));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
}

const variants: Variant[] = [
  {
    name: 'dynakit',
    run: async (table) => {
      const { User } = appModel(client, table);
      const { deleted } = await User.query('gsi1', User.Key('orgId').eq(ORG)).deleteAll();
      if (deleted !== ITEMS) throw new Error(`dynakit: deleteAll() says ${deleted} deleted, expected ${ITEMS}`);
    },
  },
  {
    name: 'dynakit c1',
    run: async (table) => {
      const { User } = appModel(client, table);
      const { deleted } = await User.query('gsi1', User.Key('orgId').eq(ORG)).deleteAll({ concurrency: 1 });
      if (deleted !== ITEMS) throw new Error(`dynakit c1: deleteAll() says ${deleted} deleted, expected ${ITEMS}`);
    },
  },
  { name: 'raw sequential', run: (table) => rawDeleteAll(table, 1) },
  { name: 'raw parallel 4', run: (table) => rawDeleteAll(table, 4) },
];

let tableCounter = 0;
const cpu = new Map<string, number[]>();

async function timed(v: Variant): Promise<number> {
  const table = `bench-delete-${process.pid}-${++tableCounter}`;
  const { AppTable } = appModel(client, table);
  await AppTable.create();
  try {
    await inFlight(chunks(storedItems(table).map((Item) => ({ PutRequest: { Item } })), 25), 8, (c) => rawBatch(doc, table, c));
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await v.run(table);
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    (cpu.get(v.name) ?? cpu.set(v.name, []).get(v.name)!).push((c.user + c.system) / 1000);
    const left = await countItems(doc, table);
    if (left !== 0) throw new Error(`${v.name}: ${left} items left in the table, expected none`);
    return ms;
  } finally {
    await AppTable.drop();
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  console.log(`DynamoDB Local at ${server.endpoint}; ${ITEMS} items deleted per run; ${ROUNDS} interleaved rounds (+1 untimed warm-up round)`);
  console.log(`${cpus().length} CPUs, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} (DynamoDB Local shares the machine: other load skews the numbers)`);
  for (const v of variants) await timed(v);
  cpu.clear();
  const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = variants.map((_, i) => variants[(i + round) % variants.length]!);
    const line: string[] = [];
    for (const v of order) {
      const ms = await timed(v);
      times.get(v.name)!.push(ms);
      line.push(`${v.name} ${Math.round(ms)} ms`);
    }
    console.log(`round ${round + 1}: ${line.join(', ')}`);
  }
  const rate = (name: string): number => ITEMS / (median(times.get(name)!) / 1000);
  console.log(`\nmedian of ${ROUNDS} rounds:`);
  for (const v of variants) {
    const wall = String(Math.round(median(times.get(v.name)!))).padStart(6);
    const node = String(Math.round(median(cpu.get(v.name)!))).padStart(6);
    console.log(`  ${v.name.padEnd(15)} ${wall} ms  ${String(Math.round(rate(v.name))).padStart(6)} items/s   (Node CPU ${node} ms)`);
  }
  console.log('\nratios (items/s):');
  console.log(`  dynakit / raw parallel 4      ${(rate('dynakit') / rate('raw parallel 4')).toFixed(2)}x`);
  console.log(`  dynakit c1 / raw sequential   ${(rate('dynakit c1') / rate('raw sequential')).toFixed(2)}x`);
  console.log(`load average at the end ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
} finally {
  client.destroy();
  await server.stop();
}
