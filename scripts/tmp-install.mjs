// Installs npm packages into a folder of their own under .tmp/ (for the suites that run against
// another SDK or another Node), apart from the repository's node_modules and lockfile.
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** `npm install <specs>` into `dir`, made a private package first; scripts are not run. */
export function installIntoTmp(dir, specs) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: basename(dir), private: true }) + '\n');
  console.log(`[dynakit] installing ${specs.join(' ')} into ${dir}`);
  execSync(`npm install --no-audit --no-fund --ignore-scripts --no-package-lock ${specs.join(' ')}`, { cwd: dir, stdio: 'inherit' });
}
