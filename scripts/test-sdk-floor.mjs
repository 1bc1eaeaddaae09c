// Runs the unit and integration tests against the oldest AWS SDK the package accepts (the lower
// bound of its peerDependencies), so the published range is tested, not assumed: users pin old
// SDK versions for years. The SDK packages are installed into .tmp/sdk-floor-<version> (once)
// and swapped in through vitest's resolver (DYNAKIT_SDK_ROOT, see vitest.config.ts); everything
// else, DynamoDB Local included, is this repository's.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installIntoTmp } from './tmp-install.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const SDK = ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@aws-sdk/util-dynamodb'];
const floors = SDK.map((name) => {
  const range = pkg.peerDependencies?.[name];
  const m = /^\^(\d+\.\d+\.\d+)$/.exec(range ?? '');
  if (m === null) throw new Error(`test-sdk-floor: expected a caret range for ${name} in peerDependencies, got ${range}`);
  return `${name}@${m[1]}`;
});
const dir = join(root, '.tmp', `sdk-floor-${floors.map((f) => f.split('@').pop()).join('-')}`);
if (!SDK.every((name) => existsSync(join(dir, 'node_modules', ...name.split('/'), 'package.json')))) {
  installIntoTmp(dir, floors);
}
for (const name of SDK) {
  const v = JSON.parse(readFileSync(join(dir, 'node_modules', ...name.split('/'), 'package.json'), 'utf8')).version;
  console.log(`[dynakit] testing against ${name} ${v}`);
}
execSync('npx vitest run --project unit --project integration', {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, DYNAKIT_SDK_ROOT: join(dir, 'node_modules') },
});
