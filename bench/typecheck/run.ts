/**
 * Type-check cost: generates the workload of ./generate.ts for each library and N, runs
 * `tsc -p <dir> --extendedDiagnostics` (TypeScript 5.9 from the repo, and the native TypeScript 7
 * when available) and collects check time, memory and instantiations.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateProject, LIBS, prepareDynakitPackage, REPO_ROOT, type Lib } from './generate.js';
import { attributeInstantiations } from './attribute.js';

export interface Diagnostics {
  readonly instantiations: number;
  /** MiB */
  readonly memoryMiB: number;
  /** seconds */
  readonly checkTime: number;
  readonly totalTime: number;
  readonly errors: number;
  readonly firstError?: string;
  readonly deepErrors: number;
}

export interface Compiler {
  readonly name: string;
  readonly version: string;
  /** argv prefix: [executable, ...args] */
  readonly command: readonly string[];
}

export function repoCompiler(): Compiler {
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const version = spawnSync(process.execPath, [tsc, '-v'], { encoding: 'utf8' }).stdout.trim().replace(/^Version /, '');
  return { name: `TypeScript ${version}`, version, command: [process.execPath, tsc] };
}

/**
 * The native TypeScript 7 compiler: `TS7_TSC` if set, else `typescript@7` installed with npm into
 * a temp folder outside the repo (installed on first use). Returns a reason when unavailable.
 */
export function nativeCompiler(log: (s: string) => void = () => {}): Compiler | { unavailable: string } {
  if (process.env['BENCH_TS7'] === '0') return { unavailable: 'skipped (BENCH_TS7=0)' };
  const candidates = [process.env['TS7_TSC'], '/tmp/ts7/node_modules/.bin/tsc', join(tmpdir(), 'dynakit-bench-ts7', 'node_modules', '.bin', 'tsc')].filter(
    (p): p is string => p !== undefined && p !== '',
  );
  const probe = (bin: string): Compiler | undefined => {
    if (!existsSync(bin)) return undefined;
    const r = spawnSync(bin, ['-v'], { encoding: 'utf8' });
    const version = (r.stdout ?? '').trim().replace(/^Version /, '');
    return r.status === 0 && version.startsWith('7.') ? { name: `TypeScript ${version} (native)`, version, command: [bin] } : undefined;
  };
  for (const c of candidates) {
    const found = probe(c);
    if (found) return found;
  }
  const dir = join(tmpdir(), 'dynakit-bench-ts7');
  log(`  installing typescript@7 into ${dir} (npm)`);
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', dir, 'typescript@7'], { encoding: 'utf8', timeout: 180_000 });
  const found = probe(join(dir, 'node_modules', '.bin', 'tsc'));
  if (found) return found;
  return { unavailable: `npm install typescript@7 failed: ${(r.stderr ?? '').split('\n').slice(-3).join(' ').trim() || r.error?.message || 'no tsc 7 binary'}` };
}

function field(out: string, name: string): number | undefined {
  const m = new RegExp(`^${name}:\\s+([\\d.]+)`, 'm').exec(out);
  return m === null ? undefined : Number(m[1]);
}

/** Runs the compiler on a project directory with --extendedDiagnostics. */
export function runTsc(compiler: Compiler, dir: string, extra: readonly string[] = []): Promise<Diagnostics> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = compiler.command;
    const child = spawn(cmd!, [...args, '-p', dir, '--extendedDiagnostics', '--pretty', 'false', ...extra], { cwd: dir });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const instantiations = field(out, 'Instantiations');
      const memK = field(out, 'Memory used');
      const check = field(out, 'Check time');
      const total = field(out, 'Total time');
      if (instantiations === undefined || memK === undefined || check === undefined || total === undefined) {
        reject(new Error(`no diagnostics from ${compiler.name} in ${dir}:\n${out.slice(0, 2000)}`));
        return;
      }
      const errorLines = out.split('\n').filter((l) => /error TS\d+/.test(l));
      resolve({
        instantiations,
        memoryMiB: memK / 1024,
        checkTime: check,
        totalTime: total,
        errors: errorLines.length,
        ...(errorLines[0] === undefined ? {} : { firstError: errorLines[0].slice(0, 300) }),
        deepErrors: errorLines.filter((l) => /TS2589|TS2590|excessively deep/.test(l)).length,
      });
    });
  });
}

export interface TypecheckCell {
  readonly lib: Lib;
  readonly n: number;
  readonly compiler: string;
  /** median over runs for times; instantiations and memory from the median-time run */
  readonly result: Diagnostics;
  readonly runs: number;
  readonly checkTimes: readonly number[];
}

export interface TypecheckResult {
  readonly cells: TypecheckCell[];
  readonly compilers: string[];
  readonly unavailable: string[];
  /** dynakit at N=120 (TypeScript 5.9): errors, "excessively deep" errors */
  readonly deepCheck?: { n: number; errors: number; deepErrors: number; instantiations: number };
  /** dynakit at the largest N (TypeScript 5.9): instantiations by the package declaring the instantiated type */
  readonly attribution?: { n: number; total: number; byOrigin: Readonly<Record<string, number>> };
}

export async function typecheckBench(options: {
  ns: readonly number[];
  /** runs per cell at the largest N (1 elsewhere) */
  runsAtMax: number;
  workDir?: string;
  deepN?: number;
  log?: (s: string) => void;
}): Promise<TypecheckResult> {
  const log = options.log ?? (() => {});
  const root = options.workDir ?? join(REPO_ROOT, '.tmp', 'typecheck');
  mkdirSync(root, { recursive: true });
  log('  emitting dynakit declarations');
  prepareDynakitPackage(root);
  for (const lib of LIBS) for (const n of options.ns) generateProject(join(root, `${lib}-${n}`), lib, n);

  const compilers: Compiler[] = [repoCompiler()];
  const unavailable: string[] = [];
  const native = nativeCompiler(log);
  if ('unavailable' in native) unavailable.push(`TypeScript 7 (native): ${native.unavailable}`);
  else compilers.push(native);

  const cells: TypecheckCell[] = [];
  const maxN = Math.max(...options.ns);
  for (const compiler of compilers) {
    for (const n of options.ns) {
      const runs = n === maxN ? options.runsAtMax : 1;
      const per: Record<string, Diagnostics[]> = {};
      for (let r = 0; r < runs; r++) {
        // Interleave libraries within each repetition.
        const order = [...LIBS.slice(r % LIBS.length), ...LIBS.slice(0, r % LIBS.length)];
        for (const lib of order) {
          const d = await runTsc(compiler, join(root, `${lib}-${n}`));
          (per[lib] ??= []).push(d);
        }
      }
      for (const lib of LIBS) {
        const ds = [...per[lib]!].sort((a, b) => a.checkTime - b.checkTime);
        const mid = ds[ds.length >> 1]!;
        cells.push({ lib, n, compiler: compiler.name, result: mid, runs, checkTimes: per[lib]!.map((d) => d.checkTime) });
        log(`  ${compiler.name} ${lib} N=${n}: ${mid.instantiations} inst, ${mid.checkTime}s check, ${mid.memoryMiB.toFixed(0)} MiB, ${mid.errors} errors`);
      }
    }
  }

  let deepCheck: TypecheckResult['deepCheck'];
  if (options.deepN !== undefined) {
    const dir = join(root, `dynakit-${options.deepN}`);
    generateProject(dir, 'dynakit', options.deepN);
    const d = await runTsc(compilers[0]!, dir);
    deepCheck = { n: options.deepN, errors: d.errors, deepErrors: d.deepErrors, instantiations: d.instantiations };
    log(`  dynakit N=${options.deepN}: ${d.errors} errors (${d.deepErrors} "excessively deep"), ${d.instantiations} inst`);
  }
  let attribution: TypecheckResult['attribution'];
  try {
    const a = attributeInstantiations(join(root, `dynakit-${maxN}`));
    attribution = { n: maxN, total: a.total, byOrigin: a.byOrigin };
    log(`  dynakit N=${maxN} instantiations by origin: ${Object.entries(a.byOrigin).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  } catch (e) {
    // A diagnostic extra: a TypeScript release that moved the hooked code must not sink the run.
    log(`  instantiation attribution skipped: ${(e as Error).message}`);
  }
  return {
    cells,
    compilers: compilers.map((c) => c.name),
    unavailable,
    ...(deepCheck === undefined ? {} : { deepCheck }),
    ...(attribution === undefined ? {} : { attribution }),
  };
}
