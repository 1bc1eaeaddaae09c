/**
 * A git ref's src/ (or this checkout's working tree, `.`) bundled as the package build bundles it
 * (scripts/bundle-config.mjs), ESM and CJS, for the paired A/B benchmarks (ab-whole-call.ts,
 * cold-start-profile.ts): a ref is measured as it would ship, not as tsx transpiles it.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { bundleOptions } from '../../scripts/bundle-config.mjs';
import { REPO_ROOT } from '../typecheck/generate.js';

export interface RefBundle {
  /** `ref (short hash)`, or `working tree` */
  readonly label: string;
  /** the commit's short hash; `worktree` for `.` */
  readonly hash: string;
  readonly esm: string;
  readonly cjs: string;
}

const git = (...args: string[]): string => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();

/**
 * Bundles `ref` into .tmp/ref-<hash>-<options>/{esm,cjs}/index.js. A commit's bundle is reused
 * until the build options change (their hash is in the folder name); the working tree is rebuilt
 * every time. Externals (SDK, zod) resolve from this checkout's node_modules, as .tmp/ is inside it.
 *
 * @example const { esm } = await bundleRef('HEAD~1'); await import(pathToFileURL(esm).href)
 */
export async function bundleRef(ref: string): Promise<RefBundle> {
  const hash = ref === '.' ? 'worktree' : git('rev-parse', '--short=9', `${ref}^{commit}`);
  const options = createHash('sha1').update(readFileSync(join(REPO_ROOT, 'scripts', 'bundle-config.mjs'))).digest('hex').slice(0, 8);
  const dir = join(REPO_ROOT, '.tmp', `ref-${hash}-${options}`);
  const esm = join(dir, 'esm', 'index.js');
  const cjs = join(dir, 'cjs', 'index.js');
  if (ref === '.' || !existsSync(cjs)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'esm'), { recursive: true });
    mkdirSync(join(dir, 'cjs'), { recursive: true });
    let entry = join(REPO_ROOT, 'src', 'index.ts');
    if (ref !== '.') {
      execFileSync('sh', ['-c', `git archive --format=tar ${hash} src | tar -x -C "${dir}"`], { cwd: REPO_ROOT });
      entry = join(dir, 'src', 'index.ts');
    }
    writeFileSync(join(dir, 'esm', 'package.json'), '{ "type": "module", "sideEffects": false }\n');
    writeFileSync(join(dir, 'cjs', 'package.json'), '{ "type": "commonjs", "sideEffects": false }\n');
    await Promise.all([build({ ...bundleOptions('esm', esm), entryPoints: [entry] }), build({ ...bundleOptions('cjs', cjs), entryPoints: [entry] })]);
  }
  return { label: ref === '.' ? 'working tree' : `${ref} (${hash})`, hash, esm, cjs };
}
