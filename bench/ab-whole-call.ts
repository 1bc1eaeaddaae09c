/**
 * Paired A/B of two dynakit builds on measurement (b), the whole call with the network stubbed
 * (./stubbed-call.ts):
 *
 *   npx tsx bench/ab-whole-call.ts <git-ref-a> [<git-ref-b>=HEAD] [--processes N] [--no-control]
 *                                  [--ops update,...] [--vs-raw | --only-vs-raw]
 *
 * Prints, per operation, the ratio B/A of CPU time per call: the median over every round of every
 * process, and the min-max of the processes' own medians; then the same for an A/A control.
 *
 * Why: comparing two `npm run bench` reports means comparing ratios measured in different
 * processes, and those move by ±10% from process to process (JIT, heap layout), more than the
 * regressions worth finding. Here both builds run in one fresh process, on the worker's method
 * (alternating short slices, young generation of 64 MB, a minor GC before each slice), so a
 * round's ratio compares two slices run moments apart under the same SDK and heap.
 *
 * Each ref's src/ is exported with `git archive` and bundled (bench/lib/ref-bundle.ts) with the
 * package build's esbuild options (scripts/bundle-config.mjs, what `npm run bench` measures), so
 * a ref is measured as it would ship, not as tsx transpiles it. The bench model (./models.ts,
 * ./ops.ts) and this checkout's SDK and zod are used for both builds: only the library differs.
 *
 * The A/A control pairs build A with a second copy of itself under another file name (a separate
 * module instance with its own JIT state, as build B has): its spread is what the method resolves.
 *
 * --ops: the operations run in a process shape each other's JIT state (they share the SDK), and a
 * difference can show with one operation alone and shrink with all five (150f0ad..78c930d: update
 * B/A 1.11 alone, 1.03 after get and put). --vs-raw adds each build paired with the hand-written
 * call, as `npm run bench` measures it: ratios from separate processes, so noisier, but no sharing
 * between the two builds.
 */
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inputPool } from './build-input.js';
import { loadDynakit } from './lib/dynakit.js';
import { currentMetric, rotate, summarize, type Summary } from './lib/measure.js';
import { dynakitModel } from './models.js';
import { dynakitInputs, OPERATIONS, type Operation } from './ops.js';
import { runWorker } from './stubbed-call.js';
import { REPO_ROOT } from './typecheck/generate.js';
import { bundleRef } from './lib/ref-bundle.js';

const log = (s: string) => process.stderr.write(s + '\n');

interface Args {
  refA: string;
  refB: string;
  processes: number;
  control: boolean;
  vsRaw: boolean;
  ab: boolean;
  ops: Operation[];
}

const USAGE = 'usage: tsx bench/ab-whole-call.ts <git-ref-a> [<git-ref-b>=HEAD] [--processes N] [--no-control] [--vs-raw] [--only-vs-raw] [--ops get,put,...]';

function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  const args = { processes: 6, control: true, vsRaw: false, ab: true, ops: [...OPERATIONS] as Operation[] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--processes') args.processes = Number(argv[++i]);
    else if (a === '--no-control') args.control = false;
    else if (a === '--vs-raw') args.vsRaw = true;
    else if (a === '--only-vs-raw') Object.assign(args, { vsRaw: true, ab: false, control: false });
    else if (a === '--ops') {
      const want = (argv[++i] ?? '').split(',');
      args.ops = OPERATIONS.filter((op) => want.includes(op));
    } else positional.push(a);
  }
  if (positional.length < 1 || !(args.processes >= 1) || args.ops.length === 0) throw new Error(USAGE);
  return { refA: positional[0]!, refB: positional[1] ?? 'HEAD', ...args };
}

const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });

/** A second file of the same build: another URL, so another module instance for the A/A control. */
function copyOf(entry: string): string {
  const dir = join(entry, '..', '..', 'esm-copy');
  mkdirSync(dir, { recursive: true });
  cpSync(join(entry, '..'), dir, { recursive: true });
  return join(dir, 'index.js');
}

/**
 * The requests both builds send for the bench model. If they differ, B/A also counts the SDK's
 * cost of the different request, which the reader should know about.
 */
async function requestDiffs(entryA: string, entryB: string): Promise<string[]> {
  const client = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const x = inputPool(2)[1]!;
  // Timestamps differ between any two calls; everything else should not.
  const norm = (v: object) => JSON.stringify(v, (_, s: unknown) => (s instanceof Set ? [...s] : s)).replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<now>');
  const inputs = async (entry: string) => {
    await loadDynakit(entry);
    const b = dynakitInputs(dynakitModel(client, 'App'));
    return Object.fromEntries(OPERATIONS.map((op) => [op, norm(b[op](x))])) as Record<Operation, string>;
  };
  const a = await inputs(entryA);
  const b = await inputs(entryB);
  client.destroy();
  return OPERATIONS.filter((op) => a[op] !== b[op]).map((op) => `${op}:\n    A ${a[op]}\n    B ${b[op]}`);
}

/** Median over every round; min-max of the per-process medians (as stubbed-call.ts reports). */
function pooled(perProcess: number[][]): Summary {
  const medians = summarize(perProcess.map((rs) => summarize(rs).median));
  return { median: summarize(perProcess.flat()).median, min: medians.min, max: medians.max, n: perProcess.length };
}

const f3 = (n: number) => n.toFixed(3);

async function main(): Promise<void> {
  const { refA, refB, processes, control, vsRaw, ab, ops } = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  const a = await bundleRef(refA);
  const b = await bundleRef(refB);
  log(`A = ${refA} (${a.hash}) ${git('log', '-1', '--format=%s', a.hash).trim().slice(0, 80)}`);
  log(`B = ${refB} (${b.hash}) ${git('log', '-1', '--format=%s', b.hash).trim().slice(0, 80)}`);
  const diffs = await requestDiffs(a.esm, b.esm);
  log(diffs.length === 0 ? 'requests: A and B send identical inputs for every operation' : `requests differ:\n  ${diffs.join('\n  ')}`);

  // The settings of `npm run bench`'s full run (bench/run.ts).
  const settings = { warmupMs: 1_000, sampleMs: 20, rounds: 60, metric: currentMetric(), operations: ops };
  // A worker without a baseline pairs the build with the hand-written call, as `npm run bench` does.
  // That is the cross-check for the in-process A/B: both builds share zod and the SDK there, so a
  // cost that one build causes in shared code (type feedback, megamorphic sites) can land on both.
  const pairs: { name: string; baselineEntry?: string; dynakitEntry: string }[] = [
    ...(ab ? [{ name: 'B/A', baselineEntry: a.esm, dynakitEntry: b.esm }] : []),
    ...(control ? [{ name: 'A/A', baselineEntry: a.esm, dynakitEntry: copyOf(a.esm) }] : []),
    ...(vsRaw ? [{ name: 'A/raw', dynakitEntry: a.esm }, { name: 'B/raw', dynakitEntry: b.esm }] : []),
  ];
  const ratios = new Map(pairs.map((p) => [p.name, Object.fromEntries(ops.map((op) => [op, [] as number[][]])) as Record<Operation, number[][]>]));
  for (let p = 0; p < processes; p++) {
    for (const pair of rotate(pairs, p)) {
      const s = runWorker({ contender: 'dynakit', ...settings, ...pair, baselineFirst: p % 2 === 0 });
      const r = ratios.get(pair.name)!;
      for (const op of ops) r[op].push(s[op].other.map((v, i) => v / s[op].raw[i]!));
      log(`  process ${p + 1}/${processes} ${pair.name}: ${ops.map((op) => `${op} ${f3(summarize(r[op].at(-1)!).median)}`).join(', ')}`);
    }
  }

  const columns = pairs.map((p) => p.name);
  const cell = (s: Summary) => `${f3(s.median)} (${f3(s.min)}–${f3(s.max)})`.padEnd(21);
  const lines = [
    '',
    `Whole call, network stubbed: B = ${refB} (${b.hash}), A = ${refA} (${a.hash}); CPU time per call`,
    `${processes} processes per pair x ${settings.rounds} rounds per operation; ratio: median of all rounds (min-max of per-process medians)`,
    '',
    `| op     | ${columns.map((c) => c.padEnd(21)).join(' | ')} |${vsRaw ? ' (B/raw)/(A/raw) |' : ''}`,
    `|--------|${columns.map(() => '-'.repeat(23)).join('|')}|${vsRaw ? '-----------------|' : ''}`,
  ];
  for (const op of ops) {
    const got = Object.fromEntries(columns.map((c) => [c, pooled(ratios.get(c)![op])]));
    const derived = vsRaw ? ` ${f3(got['B/raw']!.median / got['A/raw']!.median).padEnd(15)} |` : '';
    lines.push(`| ${op.padEnd(6)} | ${columns.map((c) => cell(got[c]!)).join(' | ')} |${derived}`);
  }
  lines.push('', `load average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${Math.round((Date.now() - t0) / 1000)} s`);
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
