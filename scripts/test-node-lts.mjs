// Runs the unit and integration tests again under the newest Node.js LTS (24 by default; another
// major with DYNAKIT_NODE_MAJORS=22,24). The repository develops on Node 20, but most services now
// run 22 or 24, whose module loader, fetch, timers and streams differ: this keeps "works on the
// Node users run" tested, not assumed. The Node binary comes from npm (the node-<platform>-<arch>
// packages that the `node` package installs from), into .tmp/node-<major> (once); DynamoDB Local
// and everything else is this repository's.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installIntoTmp } from './tmp-install.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const majors = (process.env.DYNAKIT_NODE_MAJORS ?? '24').split(',').map((m) => m.trim()).filter(Boolean);
const platform = process.platform === 'win32' ? 'win' : process.platform;
const pkgName = `node-${platform}-${process.arch}`;

for (const major of majors) {
  if (!/^\d+$/.test(major)) throw new Error(`test-node-lts: DYNAKIT_NODE_MAJORS must list major versions, got "${major}"`);
  const dir = join(root, '.tmp', `node-${major}`);
  const bin = join(dir, 'node_modules', pkgName, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (!existsSync(bin)) {
    try {
      installIntoTmp(dir, [`${pkgName}@${major}`]);
    } catch (e) {
      throw new Error(`test-node-lts: npm has no ${pkgName}@${major} (a Node binary for this platform); run the suites under Node ${major} with a version manager instead`, { cause: e });
    }
  }
  const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
  console.log(`[dynakit] testing under Node ${version} (${bin})`);
  // The binary's folder goes first on PATH, so every `node` the tests start is the same Node.
  const path = `${dirname(bin)}${process.platform === 'win32' ? ';' : ':'}${process.env.PATH ?? ''}`;
  execFileSync(bin, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--project', 'unit', '--project', 'integration'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PATH: path },
  });
  console.log(`[dynakit] Node ${version}: unit and integration tests passed`);
}
