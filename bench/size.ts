/**
 * Size and start-up.
 *
 * Bundle: esbuild (minified, ESM, platform node) of a small program that defines a table and one
 * entity and runs put + get + query, with the AWS SDK and zod external; raw and gzip sizes. The
 * same program is written for ElectroDB and DynamoDB-Toolbox.
 *
 * Cold import: fresh `node` processes; each loads the AWS SDK (client-dynamodb + lib-dynamodb)
 * first, then the library, and reports the milliseconds the library added (in-process, so node's
 * own start-up does not blur it). `require` uses the CommonJS build, `import` the ESM build.
 * dynakit is bundled from src into a private folder with scripts/build.mjs's esbuild options
 * (dist/ is not touched). Runs are interleaved; medians are reported.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { REPO_ROOT } from './typecheck/generate.js';
import { rotate, summarize, type Summary } from './lib/measure.js';
import { bundleOptions } from '../scripts/bundle-config.mjs';

const WORK = join(REPO_ROOT, '.tmp', 'bench-size');

/**
 * Builds the package's runtime files into <WORK>/pkg/{esm,cjs}/index.js with the same esbuild
 * options as scripts/build.mjs (scripts/bundle-config.mjs), so what is measured is what ships
 * (dist/ is not touched).
 */
export async function buildPackageCopy(): Promise<{ esm: string; cjs: string }> {
  const out = join(WORK, 'pkg');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'cjs'), { recursive: true });
  mkdirSync(join(out, 'esm'), { recursive: true });
  writeFileSync(join(out, 'cjs', 'package.json'), '{ "type": "commonjs", "sideEffects": false }\n');
  writeFileSync(join(out, 'esm', 'package.json'), '{ "type": "module", "sideEffects": false }\n');
  const entries = { esm: join(out, 'esm', 'index.js'), cjs: join(out, 'cjs', 'index.js') };
  await Promise.all([build(bundleOptions('esm', entries.esm)), build(bundleOptions('cjs', entries.cjs))]);
  for (const e of Object.values(entries)) {
    if (!existsSync(e)) throw new Error(`bundling dynakit failed: ${e} missing`);
  }
  return entries;
}

const PROGRAMS = {
  dynakit: `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { defineEntity, defineTable } from 'dynakit';

const AppTable = defineTable({
  name: 'App', client: new DynamoDBClient({}),
  partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' },
  indexes: { gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } } },
});
const User = defineEntity({
  table: AppTable, name: 'User',
  schema: z.object({ userId: z.string(), orgId: z.string(), email: z.string(), name: z.string(), age: z.number().optional() }),
  keys: { primary: { pk: 'USER#{userId}', sk: 'PROFILE' }, gsi1: { pk: 'ORG#{orgId}', sk: 'USER#{name}#{userId}' } },
});
await User.put({ userId: 'u1', orgId: 'acme', email: 'a@b.co', name: 'Ada' });
console.log(await User.get({ userId: 'u1' }));
console.log(await User.query('gsi1', User.Key('orgId').eq('acme').and(User.Key('name').beginsWith('A'))));
`,
  electrodb: `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Entity } from 'electrodb';

const User = new Entity({
  model: { entity: 'User', version: '1', service: 'app' },
  attributes: { userId: { type: 'string', required: true }, orgId: { type: 'string', required: true }, email: { type: 'string', required: true }, name: { type: 'string', required: true }, age: { type: 'number' } },
  indexes: {
    primary: { pk: { field: 'pk', composite: ['userId'] }, sk: { field: 'sk', composite: [] } },
    byOrg: { index: 'gsi1', pk: { field: 'gsi1pk', composite: ['orgId'] }, sk: { field: 'gsi1sk', composite: ['name', 'userId'] } },
  },
}, { table: 'App', client: DynamoDBDocumentClient.from(new DynamoDBClient({})) });
await User.put({ userId: 'u1', orgId: 'acme', email: 'a@b.co', name: 'Ada' }).go();
console.log(await User.get({ userId: 'u1' }).go());
console.log(await User.query.byOrg({ orgId: 'acme' }).begins({ name: 'A' }).go());
`,
  toolbox: `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Entity, GetItemCommand, PutItemCommand, QueryCommand, Table, item, number, string } from 'dynamodb-toolbox';

const AppTable = new Table({
  name: 'App', documentClient: DynamoDBDocumentClient.from(new DynamoDBClient({})),
  partitionKey: { name: 'pk', type: 'string' }, sortKey: { name: 'sk', type: 'string' },
  indexes: { gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'string' }, sortKey: { name: 'gsi1sk', type: 'string' } } },
});
const schema = item({ userId: string().key(), orgId: string(), email: string(), name: string(), age: number().optional() });
const User = new Entity({
  name: 'User', table: AppTable,
  schema: schema.and((s) => ({
    pk: string().key().link(({ userId }) => 'USER#' + userId),
    sk: string().key().const('PROFILE'),
    gsi1pk: string().link(({ orgId }) => 'ORG#' + orgId),
    gsi1sk: string().link(({ name, userId }) => 'USER#' + name + '#' + userId),
  })),
});
await User.build(PutItemCommand).item({ userId: 'u1', orgId: 'acme', email: 'a@b.co', name: 'Ada' }).send();
console.log(await User.build(GetItemCommand).key({ userId: 'u1' }).send());
console.log(await AppTable.build(QueryCommand).entities(User).query({ index: 'gsi1', partition: 'ORG#acme', range: { beginsWith: 'USER#A' } }).send());
`,
};

export type SizeLib = keyof typeof PROGRAMS;

export interface BundleSize {
  readonly lib: SizeLib;
  readonly minified: number;
  readonly gzip: number;
  /** minified bytes per input module of the library, largest first (dynakit only) */
  readonly modules?: { path: string; bytes: number }[];
}

export async function bundleSizes(dynakitEsmEntry: string): Promise<BundleSize[]> {
  const bundleProgram = (lib: SizeLib, dynakit: string) =>
    build({
      stdin: { contents: PROGRAMS[lib], loader: 'ts', resolveDir: REPO_ROOT, sourcefile: `${lib}-program.ts` },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      write: false,
      external: ['@aws-sdk/*', '@smithy/*', 'zod'],
      alias: { dynakit },
      logLevel: 'silent',
      metafile: true,
    });
  const out: BundleSize[] = [];
  for (const lib of Object.keys(PROGRAMS) as SizeLib[]) {
    const r = await bundleProgram(lib, dynakitEsmEntry);
    const code = r.outputFiles[0]!.contents;
    const size = { lib, minified: code.length, gzip: gzipSync(code, { level: 9 }).length };
    if (lib !== 'dynakit') {
      out.push(size);
      continue;
    }
    // The shipped file is one module; bundling the same program from src attributes the bytes
    // to source modules (same code, same tree-shaking).
    const fromSrc = await bundleProgram(lib, join(REPO_ROOT, 'src', 'index.ts'));
    const inputs = Object.values(fromSrc.metafile.outputs)[0]?.inputs ?? {};
    const modules = Object.entries(inputs)
      .filter(([path]) => path.startsWith('src/'))
      .map(([path, v]) => ({ path: path.replace(/^src\//, '').replace(/\.ts$/, '.js'), bytes: v.bytesInOutput }))
      .sort((a, b) => b.bytes - a.bytes);
    out.push({ ...size, modules });
  }
  return out;
}

export interface ColdImportRow {
  readonly name: string;
  readonly mode: 'require' | 'import';
  /** ms the library added after the SDK was loaded */
  readonly added: Summary;
  /** ms to load the SDK alone in the same processes */
  readonly sdk: Summary;
}

function childScript(mode: 'require' | 'import', targets: readonly string[]): string {
  const sdk = ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'];
  if (mode === 'require') {
    return `const { performance } = require('node:perf_hooks');
const t0 = performance.now();
${sdk.map((s) => `require(${JSON.stringify(s)});`).join('\n')}
const t1 = performance.now();
${targets.map((s) => `require(${JSON.stringify(s)});`).join('\n')}
const t2 = performance.now();
process.stdout.write(JSON.stringify({ sdk: t1 - t0, added: t2 - t1 }));`;
  }
  return `const { performance } = await import('node:perf_hooks');
const t0 = performance.now();
${sdk.map((s) => `await import(${JSON.stringify(s)});`).join('\n')}
const t1 = performance.now();
${targets.map((s) => `await import(${JSON.stringify(s)});`).join('\n')}
const t2 = performance.now();
process.stdout.write(JSON.stringify({ sdk: t1 - t0, added: t2 - t1 }));`;
}

function runChild(mode: 'require' | 'import', targets: readonly string[]): { sdk: number; added: number } {
  const script = childScript(mode, targets);
  const args = mode === 'require' ? ['-e', script] : ['--input-type=module', '-e', script];
  const r = spawnSync(process.execPath, args, {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NODE_OPTIONS: '' },
  });
  if (r.status !== 0) throw new Error(`cold import child failed (${targets.join(', ')}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as { sdk: number; added: number };
}

/** Name of the cold-import row that loads an empty module: the loader's fixed cost per file. */
export const EMPTY_MODULE = 'an empty module (loader floor)';

export function coldImport(entries: { esm: string; cjs: string }, runs: number): ColdImportRow[] {
  // Loading any file at all costs the loader a fixed few ms (resolve, read, compile, link, and the
  // event-loop turns of `import()`); an empty module next to the package measures that floor.
  const empty = { esm: join(dirname(entries.esm), 'empty-floor.js'), cjs: join(dirname(entries.cjs), 'empty-floor.js') };
  writeFileSync(empty.esm, 'export {};\n');
  writeFileSync(empty.cjs, 'module.exports = {};\n');
  const contenders: { name: string; require: string[]; import: string[] }[] = [
    { name: 'nothing (noise floor)', require: [], import: [] },
    { name: EMPTY_MODULE, require: [empty.cjs], import: [pathToFileURL(empty.esm).href] },
    { name: 'dynakit', require: [entries.cjs], import: [pathToFileURL(entries.esm).href] },
    { name: 'dynakit + zod', require: ['zod', entries.cjs], import: ['zod', pathToFileURL(entries.esm).href] },
    { name: 'electrodb', require: ['electrodb'], import: ['electrodb'] },
    { name: 'dynamodb-toolbox', require: ['dynamodb-toolbox'], import: ['dynamodb-toolbox'] },
  ];
  const rows: ColdImportRow[] = [];
  for (const mode of ['require', 'import'] as const) {
    const added: Record<string, number[]> = {};
    const sdk: Record<string, number[]> = {};
    // one unrecorded run each (disk cache)
    for (const c of contenders) runChild(mode, c[mode]);
    for (let r = 0; r < runs; r++) {
      for (const c of rotate(contenders, r)) {
        const x = runChild(mode, c[mode]);
        (added[c.name] ??= []).push(x.added);
        (sdk[c.name] ??= []).push(x.sdk);
      }
    }
    for (const c of contenders) rows.push({ name: c.name, mode, added: summarize(added[c.name]!), sdk: summarize(sdk[c.name]!) });
  }
  return rows;
}
