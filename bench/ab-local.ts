/**
 * Paired A/B of two dynakit builds end to end against DynamoDB Local, on the (c) workloads of
 * `npm run bench` that the targets hold to raw (./local-e2e.ts): 200 ten-action transactions,
 * 2,000 gets (both held to 1.05x), and the batch writer at concurrency 1 (held to 1.00x), here
 * 4,000 users per round written in slices of 200.
 *
 *   npx tsx bench/ab-local.ts <git-ref-a> [<git-ref-b>=HEAD] [--rounds N] [--workloads tx,gets,batch]
 *
 * Prints per workload the ratios B/A, A/raw and B/raw: medians over rounds (min-max). Each round
 * runs raw, A and B in rotating order, in slices (10 transactions / 100 gets / 200 batch-written users), so drift in the
 * server's or the machine's speed hits all three alike; B/A is the figure that says whether a
 * change moved the end-to-end time, A/raw and B/raw are what `npm run bench` reports.
 *
 * Why: an `npm run bench` ratio of 1.09 against an earlier run's 1.03 may be the code or the day's
 * machine; the two runs cannot tell. Both builds here share one server, one client and one process.
 */
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadavg } from 'node:os';
import { startDynamoDBLocal, localClientConfig } from '../test/support/dynamodb-local.js';
import { bundleRef } from './lib/ref-bundle.js';
import { loadDynakit } from './lib/dynakit.js';
import { rotate, summarize, type Summary } from './lib/measure.js';
import { chunks, dynakitWorkloads, rawWorkloads, timed, type Workloads } from './local-e2e.js';
import { dynakitModel, sampleUser } from './models.js';

const USAGE = 'usage: tsx bench/ab-local.ts <git-ref-a> [<git-ref-b>=HEAD] [--rounds N] [--workloads tx,gets,batch]';
const WORKLOADS = ['tx', 'gets', 'batch'] as const;
type Workload = (typeof WORKLOADS)[number];
const log = (s: string) => process.stderr.write(s + '\n');

function parseArgs(argv: string[]) {
  const positional: string[] = [];
  let rounds = 9;
  let workloads: Workload[] = ['tx', 'gets'];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--rounds') rounds = Number(argv[++i]);
    else if (a === '--workloads') workloads = WORKLOADS.filter((w) => (argv[i + 1] ?? '').split(',').includes(w)), i++;
    else positional.push(a);
  }
  if (positional.length < 1 || !(rounds >= 1) || workloads.length === 0) throw new Error(USAGE);
  return { refA: positional[0]!, refB: positional[1] ?? 'HEAD', rounds, workloads };
}

type Side = 'raw' | 'A' | 'B';
const SIDES: readonly Side[] = ['raw', 'A', 'B'];

async function main(): Promise<void> {
  const { refA, refB, rounds, workloads } = parseArgs(process.argv.slice(2));
  const a = await bundleRef(refA);
  const b = await bundleRef(refB);
  log(`A = ${refA} (${a.hash}), B = ${refB} (${b.hash})`);
  const server = await startDynamoDBLocal();
  const client = new DynamoDBClient({ ...localClientConfig(server.endpoint), maxAttempts: 5 });
  const doc = DynamoDBDocumentClient.from(client);
  const suffix = `${process.pid}-${Date.now().toString(36)}`;
  const tables: Record<Side, string> = { raw: `ab-raw-${suffix}`, A: `ab-a-${suffix}`, B: `ab-b-${suffix}` };
  try {
    // Each build's workloads are made right after it is loaded: they keep that module's functions.
    await loadDynakit(a.esm);
    for (const name of Object.values(tables)) await dynakitModel(client, name).AppTable.create();
    const w: Partial<Record<Side, Workloads>> = { raw: rawWorkloads(doc, tables.raw), A: dynakitWorkloads(client, tables.A, 1) };
    await loadDynakit(b.esm);
    w.B = dynakitWorkloads(client, tables.B, 1);

    // As (c): 2,000 users of org-a read by the gets, 2,000 of org-b written by 200 transactions.
    const users = Array.from({ length: 4_000 }, (_, i) => sampleUser(i, i < 2_000 ? 'org-a' : 'org-b'));
    const ids = Array.from({ length: 2_000 }, (_, i) => `u${(i * 7919) % 2_000}`);
    const groups = chunks(users.slice(2_000), 10);
    log('warm-up: loading tables, a round of each workload');
    for (const s of SIDES) await w[s]!.batch(users);
    const run: Record<Workload, (s: Side, k: number) => Promise<number>> = {
      tx: (s, k) => timed(() => w[s]!.tx(groups.slice(k * 10, k * 10 + 10))),
      gets: (s, k) => timed(() => w[s]!.gets(ids.slice(k * 100, k * 100 + 100))),
      batch: (s, k) => timed(() => w[s]!.batch(users.slice(k * 200, k * 200 + 200))),
    };
    const slices = 20;
    const ms = Object.fromEntries(workloads.map((wl) => [wl, { raw: [] as number[], A: [] as number[], B: [] as number[] }])) as Record<Workload, Record<Side, number[]>>;
    for (let r = -1; r < rounds; r++) {
      for (const wl of workloads) {
        const total: Record<Side, number> = { raw: 0, A: 0, B: 0 };
        for (let k = 0; k < slices; k++) for (const s of rotate(SIDES, r + 1 + k)) total[s] += await run[wl](s, k);
        if (r >= 0) for (const s of SIDES) ms[wl][s].push(total[s]);
      }
      log(r < 0 ? '  warm-up round done' : `  round ${r + 1}/${rounds}`);
    }

    const f = (x: Summary) => `${x.median.toFixed(3)} (${x.min.toFixed(3)}–${x.max.toFixed(3)})`;
    const ratio = (wl: Workload, p: Side, q: Side) => summarize(ms[wl][p].map((v, i) => v / ms[wl][q][i]!));
    const lines = ['', `DynamoDB Local, ${rounds} rounds; B = ${refB} (${b.hash}), A = ${refA} (${a.hash}); ratios of wall time per round`, '', '| workload | raw ms | B/A | A/raw | B/raw |', '|---|---|---|---|---|'];
    for (const wl of workloads) {
      lines.push(`| ${wl} | ${summarize(ms[wl].raw).median.toFixed(0)} | ${f(ratio(wl, 'B', 'A'))} | ${f(ratio(wl, 'A', 'raw'))} | ${f(ratio(wl, 'B', 'raw'))} |`);
    }
    lines.push('', `load average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    client.destroy();
    await server.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
