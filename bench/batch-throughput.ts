/**
 * Batch write throughput against DynamoDB Local: 10,000 User items (~200 bytes stored) through
 * dynakit's batch writer, compared in the same run with hand-written loops of the SDK's
 * BatchWriteCommand (25 items per call, resending UnprocessedItems).
 *
 *   dynakit c4      AppTable.batchWrite([...User.put(u)]) with the default concurrency (4)
 *   dynakit c8      the same with { concurrency: 8 }
 *   raw sequential  one BatchWriteCommand at a time
 *   raw parallel 8  8 BatchWriteCommands in flight
 *
 * dynakit's time includes validating each item with zod and building its keys; the raw loops get
 * the same stored items prebuilt (outside the timing). Every variant writes into a fresh table,
 * rounds are interleaved (each round runs every variant, in rotating order) after one untimed
 * warm-up round, and the medians of 3 rounds are reported. Each run's item count is
 * checked with a Scan. "Node CPU" is the CPU time of this process during the run: on a small
 * machine DynamoDB Local (a JVM) and the client share the cores, so client CPU costs throughput.
 *
 * Run: npx tsx bench/batch-throughput.ts   (starts its own DynamoDB Local; or set DYNAMODB_ENDPOINT)
 */
import { cpus, loadavg } from 'node:os';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { computeItemSize, type EntityInput } from '../src/index.js';
import { appModel } from '../test/fixtures/app-model.js';
import { localClientConfig, startDynamoDBLocal } from '../test/support/dynamodb-local.js';
import { chunks, countItems, inFlight, rawBatch } from './lib/raw-batch.js';

process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const ITEMS = 10_000;
const ROUNDS = 3;

type Variant = { readonly name: string; readonly run: (table: string, n: number) => Promise<void> };

const server = await startDynamoDBLocal();
const client = new DynamoDBClient(localClientConfig(server.endpoint));
const doc = DynamoDBDocumentClient.from(client);

function users(n: number): EntityInput<ReturnType<typeof appModel>['User']>[] {
  return Array.from({ length: n }, (_, i) => ({
    userId: `user-${String(i).padStart(6, '0')}`,
    orgId: `org-${i % 50}`,
    email: `user${i}@example.com`,
    name: `User number ${i}`,
    age: 20 + (i % 60),
  }));
}

/** The stored items dynakit writes for these users, for the raw loops. */
function storedItems(table: string, n: number): Record<string, unknown>[] {
  const { User } = appModel(client, table);
  return users(n).map((u) => User.put(u).build().Item as Record<string, unknown>);
}

async function rawPuts(table: string, items: Record<string, unknown>[]): Promise<void> {
  await rawBatch(doc, table, items.map((Item) => ({ PutRequest: { Item } })));
}

const prebuilt = new Map<string, Record<string, unknown>[]>();

const variants: Variant[] = [
  {
    name: 'dynakit c4',
    run: async (table, n) => {
      const { AppTable, User } = appModel(client, table);
      await AppTable.batchWrite(users(n).map((u) => User.put(u)));
    },
  },
  {
    name: 'dynakit c8',
    run: async (table, n) => {
      const { AppTable, User } = appModel(client, table);
      await AppTable.batchWrite(users(n).map((u) => User.put(u)), { concurrency: 8 });
    },
  },
  {
    name: 'raw sequential',
    run: async (table) => {
      for (const c of chunks(prebuilt.get(table)!, 25)) await rawPuts(table, c);
    },
  },
  {
    name: 'raw parallel 8',
    run: (table) => inFlight(chunks(prebuilt.get(table)!, 25), 8, (c) => rawPuts(table, c)),
  },
];

let tableCounter = 0;

/** CPU time (user + system) this process spent in each timed run, per variant. */
const cpu = new Map<string, number[]>();

async function timed(v: Variant, n: number): Promise<number> {
  const table = `bench-batch-${process.pid}-${++tableCounter}`;
  const { AppTable } = appModel(client, table);
  await AppTable.create();
  try {
    if (v.name.startsWith('raw')) prebuilt.set(table, storedItems(table, n));
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await v.run(table, n);
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (n === ITEMS) (cpu.get(v.name) ?? cpu.set(v.name, []).get(v.name)!).push((c.user + c.system) / 1000);
    const count = await countItems(doc, table);
    if (count !== n) throw new Error(`${v.name}: ${count} items in the table, expected ${n}`);
    return ms;
  } finally {
    prebuilt.delete(table);
    await AppTable.drop();
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  const sample = storedItems('bench', 1)[0]!;
  console.log(`DynamoDB Local at ${server.endpoint}; ${ITEMS} items of ${computeItemSize(sample)} bytes stored; ${ROUNDS} interleaved rounds (+1 untimed warm-up round)`);
  console.log(`${cpus().length} CPUs, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} (DynamoDB Local shares the machine: other load skews the numbers)`);
  // Warm-up round at full size, untimed: the first 10,000-item run is slow whatever it is (JIT of
  // both processes, DynamoDB Local growing its heap), which would penalise whichever variant goes first.
  for (const v of variants) await timed(v, ITEMS);
  cpu.clear();
  const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = variants.map((_, i) => variants[(i + round) % variants.length]!);
    const line: string[] = [];
    for (const v of order) {
      const ms = await timed(v, ITEMS);
      times.get(v.name)!.push(ms);
      line.push(`${v.name} ${Math.round(ms)} ms`);
    }
    console.log(`round ${round + 1}: ${line.join(', ')}`);
  }
  const rate = (name: string): number => ITEMS / (median(times.get(name)!) / 1000);
  console.log('\nmedian of 3 rounds:');
  for (const v of variants) {
    const wall = String(Math.round(median(times.get(v.name)!))).padStart(6);
    const client = String(Math.round(median(cpu.get(v.name)!))).padStart(6);
    console.log(`  ${v.name.padEnd(15)} ${wall} ms  ${String(Math.round(rate(v.name))).padStart(6)} items/s   (Node CPU ${client} ms)`);
  }
  console.log('\nratios (items/s):');
  console.log(`  dynakit c4 / raw sequential   ${(rate('dynakit c4') / rate('raw sequential')).toFixed(2)}x`);
  console.log(`  dynakit c8 / raw parallel 8   ${(rate('dynakit c8') / rate('raw parallel 8')).toFixed(2)}x`);
  console.log(`  dynakit c4 / raw parallel 8   ${(rate('dynakit c4') / rate('raw parallel 8')).toFixed(2)}x`);
  console.log(`load average at the end ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
} finally {
  client.destroy();
  await server.stop();
}
