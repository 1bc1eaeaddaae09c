// Builds the published package:
//   dist/esm/index.js   one ES module (esbuild bundle of src, dependencies external)
//   dist/cjs/index.js   the same code as one CommonJS file
//   dist/{esm,cjs}/**/*.d.ts   declarations from tsc, one file per source module
// One runtime file per format because Node pays resolve/read/compile/link per module: 44 small
// modules cost ~25 ms of cold `import`, one file ~5 ms (bench/size.ts). A single ES module stays
// tree-shakeable for application bundlers (esbuild and Rollup drop unused top-level statements).
// The declarations stay per file so editors and "go to definition" map to readable sources.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleOptions } from './bundle-config.mjs';

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
const common = ['--types', 'node', '--emitDeclarationOnly'];

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

async function bundle(label, format, outfile) {
  const t0 = Date.now();
  try {
    await build(bundleOptions(format, outfile));
    console.log(`[build] ${label} done in ${Date.now() - t0} ms`);
    return true;
  } catch (err) {
    console.error(`[build] ${label} failed: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'cjs'), { recursive: true });
writeFileSync(join(dist, 'cjs', 'package.json'), JSON.stringify({ type: 'commonjs' }, null, 2) + '\n');

const results = await Promise.all([
  // Declarations for ESM consumers: tsconfig.build.json (NodeNext, rootDir src, outDir dist/esm).
  runTsc('dist/esm declarations', ['-p', 'tsconfig.build.json']),
  // Declarations for CommonJS consumers, read as CJS because of dist/cjs/package.json.
  // (verbatimModuleSyntax forbids ESM syntax in a CommonJS emit, so it is switched off for this pass.)
  runTsc('dist/cjs declarations', [
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
  bundle('dist/esm/index.js', 'esm', join(dist, 'esm', 'index.js')),
  bundle('dist/cjs/index.js', 'cjs', join(dist, 'cjs', 'index.js')),
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
