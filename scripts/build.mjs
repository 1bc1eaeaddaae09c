// Builds dist/esm (ESM + .d.ts) and dist/cjs (CommonJS + .d.ts) with the local TypeScript compiler.
// dist/cjs/package.json marks that folder as CommonJS so Node and TypeScript read its .js/.d.ts as CJS.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const dist = join(root, 'dist');

if (!existsSync(tsc)) {
  console.error('[build] TypeScript not found; run `npm ci` first.');
  process.exit(1);
}
if (!existsSync(join(root, 'src', 'index.ts'))) {
  console.error('[build] src/index.ts not found.');
  process.exit(1);
}

// tsconfig.build.json sets "types": [] (the public .d.ts must not depend on @types/node), but src uses
// Node globals internally (Buffer, TextEncoder); compile with the node types and check the .d.ts below.
const common = ['--types', 'node'];

function runTsc(label, args) {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc, ...args, ...common], { cwd: root, stdio: 'inherit' });
    child.on('exit', (code, signal) => {
      if (code === 0) console.log(`[build] ${label} done in ${Date.now() - t0} ms`);
      else console.error(`[build] ${label} failed (tsc ${signal ?? `exit ${code}`}).`);
      resolve(code === 0);
    });
  });
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'cjs'), { recursive: true });
writeFileSync(join(dist, 'cjs', 'package.json'), JSON.stringify({ type: 'commonjs' }, null, 2) + '\n');

const results = await Promise.all([
  // ESM: tsconfig.build.json (NodeNext + package "type": "module" → ESM output, rootDir src, outDir dist/esm).
  runTsc('dist/esm', ['-p', 'tsconfig.build.json']),
  // CJS: same sources, CommonJS output. Source imports use `.js` extensions, which Node10 resolution maps
  // to the .ts files at compile time and which `require()` resolves as-is at runtime.
  // (verbatimModuleSyntax forbids ESM syntax in a CommonJS emit, so it is switched off for this pass.)
  runTsc('dist/cjs', [
    '-p',
    'tsconfig.build.json',
    '--outDir',
    'dist/cjs',
    '--module',
    'CommonJS',
    '--moduleResolution',
    'Node10',
    '--verbatimModuleSyntax',
    'false',
  ]),
]);
if (results.includes(false)) process.exit(1);

// The published declarations must not require @types/node from consumers.
const offenders = [];
for (const dir of ['esm', 'cjs']) {
  for (const file of readdirSync(join(dist, dir), { recursive: true })) {
    const name = String(file);
    if (!name.endsWith('.d.ts')) continue;
    if (/<reference types="node"/.test(readFileSync(join(dist, dir, name), 'utf8'))) offenders.push(`dist/${dir}/${name}`);
  }
}
if (offenders.length > 0) {
  console.error(`[build] these declaration files reference @types/node:\n  ${offenders.join('\n  ')}`);
  process.exit(1);
}
