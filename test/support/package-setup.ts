/**
 * vitest globalSetup for the "package" project: builds and packs dynakit once per run, in a private
 * copy of what the build needs, for test/package/*. Each file used to build on its own (pack.test.ts
 * into the repository's dist/ in place): two builds side by side on a loaded machine ran into the
 * files' 120 s hook timeout, and a build into dist/ while another one (or `npm run build`) emptied
 * it failed with ENOTEMPTY. A global setup has no hook timeout.
 *
 * The build is started here but not awaited: vitest runs every project's global setup before the
 * first test file, so an awaited build (two tsc passes, 20-70 s) held back the whole suite, while
 * the package files run last. They wait for it with `packedPackage()` (test/support/packed-package.ts),
 * which reads the result this setup writes to `packedResultFile` (the tarball and its file list, or
 * the build's error).
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the build's outcome appears once it is known (see `PackedResult`). */
    packedResultFile: string;
  }
}

/** What `packedResultFile` holds: the packed tarball and the paths inside it (as `npm pack --json` lists them), or why there is none. */
export type PackedResult = { readonly ok: true; readonly tarball: string; readonly files: readonly string[] } | { readonly ok: false; readonly error: string };

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** What scripts/build.mjs reads, besides node_modules (linked). */
const BUILD_INPUTS = ['package.json', 'README.md', 'LICENSE', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.mjs', 'scripts/bundle-config.mjs', 'src'];

async function sh(cmd: string, args: string[], cwd: string): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', npm_config_update_notifier: 'false' };
  delete env['NODE_OPTIONS'];
  try {
    return (await run(cmd, args, { cwd, env, maxBuffer: 32 * 1024 * 1024 })).stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`\`${cmd} ${args.join(' ')}\` failed in ${cwd}:\n${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

async function buildAndPack(copy: string, work: string): Promise<PackedResult> {
  const t0 = performance.now();
  await sh(process.execPath, ['scripts/build.mjs'], copy);
  const info = JSON.parse(await sh('npm', ['pack', '--json', '--pack-destination', work], copy)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const first = info[0];
  if (first === undefined) throw new Error('npm pack listed no package');
  console.log(`[dynakit] built and packed ${first.filename} in ${Math.round(performance.now() - t0)} ms (beside the other projects' tests)`);
  return { ok: true, tarball: join(work, first.filename), files: first.files.map((f) => f.path) };
}

export default function setup(project: TestProject): () => Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'dynakit-package-'));
  const copy = join(work, 'repo');
  for (const f of BUILD_INPUTS) cpSync(join(root, f), join(copy, f), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  const resultFile = join(work, 'packed.json');
  const building = buildAndPack(copy, work)
    .catch((err: unknown): PackedResult => ({ ok: false, error: err instanceof Error ? err.message : String(err) }))
    .then((result) => {
      // Written whole, then renamed: a file that waits for it never reads half of it.
      writeFileSync(`${resultFile}.partial`, JSON.stringify(result));
      renameSync(`${resultFile}.partial`, resultFile);
    });
  project.provide('packedResultFile', resultFile);
  return async () => {
    // The build may still run (a run stopped early, or filtered to no package file): let it end before its folder goes.
    await building;
    rmSync(work, { recursive: true, force: true });
  };
}
