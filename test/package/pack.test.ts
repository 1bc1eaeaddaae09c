// Installs the packed library (built once per run by test/support/package-setup.ts) into throwaway ESM and CommonJS projects (offline),
// and checks that Node and TypeScript consumers can use it the way a user installing from npm would.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPILE_TIMEOUT } from '../support/compile-timeout.js';
import { packedPackage } from '../support/packed-package.js';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const tscBin = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const EXPECTED_FUNCTIONS = ['defineTable', 'defineEntity', 'ConditionFailedError', 'ValidationError'];
// Runtime/peer dependencies a user would install next to dynakit; linked from this repo's node_modules.
const LINKED_DEPS = ['zod', '@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@aws-sdk/util-dynamodb'];

const env: NodeJS.ProcessEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
delete env['NODE_OPTIONS'];

async function sh(cmd: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run(cmd, args, { cwd, env, maxBuffer: 32 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`\`${cmd} ${args.join(' ')}\` failed in ${cwd}:\n${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

function write(file: string, content: string | object): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2) + '\n');
}

let work: string;
let tarball: string;
let tarballFiles: readonly string[];

/** Creates <work>/<name> with package.json, dynakit extracted from the tarball, and linked dependencies. */
async function makeProject(name: string, pkg: object): Promise<string> {
  const dir = join(work, name);
  write(join(dir, 'package.json'), { name: `consumer-${name}`, private: true, version: '0.0.0', ...pkg });
  const target = join(dir, 'node_modules', 'dynakit');
  mkdirSync(target, { recursive: true });
  await sh('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'], dir);
  for (const dep of LINKED_DEPS) {
    const link = join(dir, 'node_modules', dep);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(root, 'node_modules', dep), link, 'dir');
  }
  return dir;
}

const CONSUMER_TS = `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { defineEntity, defineTable, ConditionFailedError, ValidationError, type EntityItem } from 'dynakit';

const table = defineTable({
  name: 'consumer-table',
  client: new DynamoDBClient({ region: 'us-east-1' }),
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
});

const User = defineEntity({
  table,
  name: 'User',
  schema: z.object({ userId: z.string(), name: z.string(), age: z.number().optional() }),
  keys: { primary: { pk: 'USER#{userId}', sk: 'PROFILE' } },
});

type User = EntityItem<typeof User>;
export const ok: User = { userId: 'u1', name: 'Ada' };
// @ts-expect-error - wrong property type must be rejected (the types must not collapse to any)
export const bad: User = { userId: 'u1', name: 42 };

export const errors: Array<new (...args: never[]) => Error> = [ConditionFailedError, ValidationError];
`;

beforeAll(async () => {
  // Built and packed once for the package project, outside the repository (test/support/package-setup.ts).
  ({ tarball, files: tarballFiles } = await packedPackage());
  work = mkdtempSync(join(tmpdir(), 'dynakit-pack-'));
}, COMPILE_TIMEOUT);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm package', () => {
  it('contains both builds and no sources or tests', () => {
    expect(tarballFiles).toEqual(
      expect.arrayContaining([
        'package.json',
        'dist/esm/index.js',
        'dist/esm/index.d.ts',
        'dist/cjs/index.js',
        'dist/cjs/index.d.ts',
        'dist/cjs/package.json',
      ]),
    );
    expect(tarballFiles.filter((f) => /^(src|test|scripts|examples)\//.test(f))).toEqual([]);
  });

  it('works from an ESM project (import)', async () => {
    const dir = await makeProject('esm', { type: 'module' });
    write(
      join(dir, 'check.mjs'),
      `import * as dk from 'dynakit';
const missing = ${JSON.stringify(EXPECTED_FUNCTIONS)}.filter((n) => typeof dk[n] !== 'function');
if (missing.length > 0) { console.error('missing exports: ' + missing.join(', ')); process.exit(1); }
console.log(import.meta.resolve('dynakit'));
`,
    );
    const out = await sh(process.execPath, ['check.mjs'], dir);
    expect(out.trim()).toMatch(/node_modules\/dynakit\/dist\/esm\/index\.js$/);
  });

  it('works from a CommonJS project (require)', async () => {
    const dir = await makeProject('cjs', { type: 'commonjs' });
    write(
      join(dir, 'check.js'),
      `const dk = require('dynakit');
const missing = ${JSON.stringify(EXPECTED_FUNCTIONS)}.filter((n) => typeof dk[n] !== 'function');
if (missing.length > 0) { console.error('missing exports: ' + missing.join(', ')); process.exit(1); }
console.log(require.resolve('dynakit'));
`,
    );
    const out = await sh(process.execPath, ['check.js'], dir);
    expect(out.trim()).toMatch(/node_modules\/dynakit\/dist\/cjs\/index\.js$/);
  });

  it('says so when objects of the CommonJS build reach the ES module build (both loaded in one process)', async () => {
    const dir = await makeProject('dual', { type: 'module' });
    write(
      join(dir, 'dual.mjs'),
      `import { createRequire } from 'node:module';
import * as esm from 'dynakit';
import { z } from 'zod';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
const cjs = createRequire(import.meta.url)('dynakit');
const table = cjs.defineTable({ name: 'Dual', client: new DynamoDBClient({ region: 'us-east-1' }), partitionKey: { name: 'pk', type: 'S' } });
const Item = cjs.defineEntity({ table, name: 'Item', schema: z.object({ id: z.string() }), keys: { primary: { pk: 'ITEM#{id}' } } });
const messages = [];
for (const f of [() => esm.buildTransactWrite([Item.put({ id: 'a' })]), () => Item.scan().filter(esm.not(Item.Attr('id').eq('a'))).build()]) {
  try { f(); messages.push('no error'); } catch (e) { messages.push(e.message); }
}
console.log(JSON.stringify(messages));
`,
    );
    const messages = JSON.parse(await sh(process.execPath, ['dual.mjs'], dir)) as string[];
    expect(messages[0]).toMatch(/^transactWrite takes .* builders; got a PutBuilder made by another copy of dynakit \(its ES module and CommonJS builds are both loaded/);
    expect(messages[1]).toMatch(/filter\(\) takes a condition built with Attr\(\.\.\.\) .*got a Condition made by another copy of dynakit/);
  });

  it('gives the CommonJS file the names of the ES module build, to require and to import', async () => {
    // The CJS build's exports are rewritten as a plain object (scripts/bundle-config.mjs); Node's
    // ESM loader finds a CJS file's names with cjs-module-lexer, so `import { x }` of it must still work.
    const dir = await makeProject('cjs-names', { type: 'commonjs' });
    write(
      join(dir, 'names.mjs'),
      `import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
const require = createRequire(import.meta.url);
const file = require.resolve('dynakit');
const fromRequire = Object.keys(require('dynakit')).sort();
const fromImport = Object.keys(await import(pathToFileURL(file).href)).filter((n) => n !== 'default').sort();
const fromEsm = Object.keys(await import(pathToFileURL(file.replace('/dist/cjs/', '/dist/esm/')).href)).sort();
console.log(JSON.stringify({ fromRequire, fromImport, fromEsm }));
`,
    );
    const { fromRequire, fromImport, fromEsm } = JSON.parse(await sh(process.execPath, ['names.mjs'], dir)) as Record<string, string[]>;
    expect(fromEsm).toEqual(expect.arrayContaining(EXPECTED_FUNCTIONS));
    expect(fromRequire).toEqual(fromEsm);
    expect(fromImport).toEqual(fromEsm);
  });

  const tsConsumers: Array<{ name: string; pkgType: 'module' | 'commonjs'; compilerOptions: object; file: string }> = [
    { name: 'ts-node16', pkgType: 'module', compilerOptions: { module: 'node16', moduleResolution: 'node16' }, file: 'index.ts' },
    { name: 'ts-bundler', pkgType: 'module', compilerOptions: { module: 'esnext', moduleResolution: 'bundler' }, file: 'index.ts' },
    { name: 'ts-node16-cjs', pkgType: 'commonjs', compilerOptions: { module: 'node16', moduleResolution: 'node16' }, file: 'index.cts' },
  ];

  it.concurrent.each(tsConsumers)('type-checks for a TypeScript consumer ($name)', async ({ name, pkgType, compilerOptions, file }) => {
    const dir = await makeProject(name, { type: pkgType });
    write(join(dir, 'tsconfig.json'), {
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2022'],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: [],
        ...compilerOptions,
      },
      files: [file],
    });
    write(join(dir, file), CONSUMER_TS);
    const traced = await sh(process.execPath, [tscBin, '-p', 'tsconfig.json', '--listFiles'], dir);
    // The compiler must have picked the declarations of the matching build.
    const expected = pkgType === 'commonjs' ? 'dist/cjs/index.d.ts' : 'dist/esm/index.d.ts';
    expect(traced).toContain(`node_modules/dynakit/${expected}`);
  });
});
