/**
 * Quick type-check measurement of dynakit alone, for working on its types: emits the package's
 * .d.ts once (as a consumer sees it), generates the bench workload (./generate.ts) for each N
 * given and prints instantiations / check time / memory / errors with TypeScript 5.9 from the
 * repo (and the native TypeScript 7 with `--ts7`, see `nativeCompiler` in ./run.ts).
 *
 * Usage: npx tsx bench/typecheck/measure.ts [--ts7] [--runs=R] [--keep] N [N ...]
 *   --runs=R  check R times per N and report the median check time (instantiations do not vary)
 *   --keep    leave the generated projects in .tmp/measure/dynakit-<N> (for --generateTrace etc.)
 * Example: npx tsx bench/typecheck/measure.ts 10 60 120
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateProject, prepareDynakitPackage, REPO_ROOT } from './generate.js';
import { nativeCompiler, repoCompiler, runTsc, type Compiler, type Diagnostics } from './run.js';

const args = process.argv.slice(2);
const ns = args.filter((a) => /^\d+$/.test(a)).map(Number);
const runs = Number(args.find((a) => a.startsWith('--runs='))?.slice('--runs='.length) ?? 1);
const keep = args.includes('--keep');
if (ns.length === 0) {
  console.error('usage: npx tsx bench/typecheck/measure.ts [--ts7] [--runs=R] [--keep] N [N ...]');
  process.exit(2);
}

const compilers: Compiler[] = [repoCompiler()];
if (args.includes('--ts7')) {
  const native = nativeCompiler((s) => console.log(s));
  if ('unavailable' in native) console.log(`TypeScript 7: ${native.unavailable}`);
  else compilers.push(native);
}

const root = join(REPO_ROOT, '.tmp', 'measure');
mkdirSync(root, { recursive: true });
prepareDynakitPackage(root);
try {
  for (const n of ns) {
    const dir = join(root, `dynakit-${n}`);
    generateProject(dir, 'dynakit', n);
    for (const compiler of compilers) {
      const results: Diagnostics[] = [];
      for (let r = 0; r < runs; r++) results.push(await runTsc(compiler, dir));
      const d = [...results].sort((a, b) => a.checkTime - b.checkTime)[results.length >> 1]!;
      const times = results.length > 1 ? ` (${results.map((x) => x.checkTime).join(', ')})` : '';
      console.log(
        `${compiler.name} N=${n}: ${d.instantiations.toLocaleString('en')} instantiations, check ${d.checkTime.toFixed(2)} s${times}, ` +
          `${d.memoryMiB.toFixed(0)} MiB, ${d.errors} errors (${d.deepErrors} excessively deep)${d.firstError ? `\n  first: ${d.firstError}` : ''}`,
      );
    }
  }
} finally {
  if (!keep) rmSync(root, { recursive: true, force: true });
}
