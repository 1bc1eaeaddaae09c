// Publishing checks on the packed tarball: publint (package.json / exports / files), Are the Types
// Wrong? (attw: the types every module resolution finds match the JavaScript it loads), and the
// native TypeScript 7 compiler on ESM (node16, bundler) and CommonJS consumers.
//
// The library is built and packed once per run, in a private copy of the repository, by the
// package project's global setup (test/support/package-setup.ts), which pack.test.ts shares.
// TypeScript 7 is installed into a temp dir at test time (`npm install --prefer-offline`, about a
// second from npm's cache): it cannot be a devDependency under an alias, because its `tsc` bin
// would replace TypeScript 5's node_modules/.bin/tsc that the build and `npm test` use.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPILE_TIMEOUT } from '../support/compile-timeout.js';
import { packedPackage } from '../support/packed-package.js';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = (name: string): string => join(root, 'node_modules', '.bin', name);
// The consumers install dynakit's dependency and every peer dependency, as npm does (and as pack.test.ts does).
const LINKED_DEPS = ['zod', '@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@aws-sdk/util-dynamodb', '@types/node'];

const env: NodeJS.ProcessEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NO_COLOR: '1', npm_config_update_notifier: 'false' };
delete env['NODE_OPTIONS'];
delete env['FORCE_COLOR'];

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function exec(cmd: string, args: string[], cwd: string): Promise<RunResult> {
  try {
    const { stdout, stderr } = await run(cmd, args, { cwd, env, maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? e.message };
  }
}

async function sh(cmd: string, args: string[], cwd: string): Promise<string> {
  const r = await exec(cmd, args, cwd);
  if (r.code !== 0) throw new Error(`\`${cmd} ${args.join(' ')}\` failed (exit ${r.code}) in ${cwd}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function write(file: string, content: string | object): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2) + '\n');
}

let work: string;
let tarball: string;
let tsc7: string;
let tsc7Version: string;

/** TypeScript 7 (the native compiler) in its own folder; returns the path of its tsc. */
async function installTs7(dir: string): Promise<string> {
  write(join(dir, 'package.json'), { name: 'ts7-holder', private: true, version: '0.0.0' });
  await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', 'typescript@7'], dir);
  return join(dir, 'node_modules', 'typescript', 'bin', 'tsc');
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'dynakit-publish-'));
  // Built and packed once for the package project, outside the repository (test/support/package-setup.ts).
  // TypeScript 7 is installed while the build may still run.
  const [packed, installed] = await Promise.all([packedPackage(), installTs7(join(work, 'ts7'))]);
  tarball = packed.tarball;
  tsc7 = installed;
  tsc7Version = (await sh(tsc7, ['--version'], work)).trim();
}, COMPILE_TIMEOUT);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('publint', () => {
  it('finds no errors or warnings in the tarball (--strict)', async () => {
    const r = await exec(bin('publint'), ['run', tarball, '--strict'], work);
    expect(r.stdout + r.stderr, 'publint output').not.toMatch(/\b(Errors?|Warnings?):/);
    expect(r.code, `publint output:\n${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('All good!');
  });
});

describe('Are the Types Wrong?', () => {
  it('finds no problems for any module resolution (node10, node16 CJS and ESM, bundler)', async () => {
    const r = await exec(bin('attw'), [tarball, '--format', 'json'], work);
    const report = JSON.parse(r.stdout) as {
      analysis: {
        problems: unknown[];
        entrypoints: Record<string, { resolutions: Record<string, { resolution?: { fileName: string; isTypeScript: boolean } }> }>;
      };
    };
    expect(report.analysis.problems, JSON.stringify(report.analysis.problems, null, 2)).toEqual([]);
    expect(r.code).toBe(0);
    const resolutions = report.analysis.entrypoints['.']!.resolutions;
    // Every resolution mode finds declarations, and the right build's.
    expect(resolutions['node10']?.resolution?.fileName).toMatch(/dist\/cjs\/index\.d\.ts$/);
    expect(resolutions['node16-cjs']?.resolution?.fileName).toMatch(/dist\/cjs\/index\.d\.ts$/);
    expect(resolutions['node16-esm']?.resolution?.fileName).toMatch(/dist\/esm\/index\.d\.ts$/);
    expect(resolutions['bundler']?.resolution?.fileName).toMatch(/dist\/esm\/index\.d\.ts$/);
  });
});

/** A consumer that uses the newer parts of the API (streams, optimistic locking, TTL, lifecycle). */
const CONSUMER_TS = `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import {
  changedAttributes,
  defineEntity,
  defineTable,
  StreamRecordError,
  TableNotFoundError,
  VersionConflictError,
  type EntityItem,
  type StreamRecordInput,
} from 'dynakit';

const AppTable = defineTable({
  name: 'consumer-table',
  client: new DynamoDBClient({ region: 'us-east-1' }),
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  stream: 'NEW_AND_OLD_IMAGES',
});

const Doc = defineEntity({
  table: AppTable,
  name: 'Doc',
  schema: z.object({ docId: z.string(), title: z.string(), expiresAt: z.date().optional() }),
  keys: { primary: { pk: 'DOC#{docId}', sk: 'DOC' } },
  version: 'version',
  ttl: 'expiresAt',
});
type Doc = EntityItem<typeof Doc>;

export const ok: Doc = { docId: 'd1', title: 'Hello', version: 1 };
// @ts-expect-error the version is a number (the types must not collapse to any)
export const bad: Doc = { docId: 'd1', title: 'Hello', version: '1' };

export async function handler(event: { Records: StreamRecordInput[] }): Promise<string[]> {
  const { events, errors } = AppTable.streamParser(Doc).event(event);
  const titles: string[] = [];
  for (const e of events) {
    if (e.type === 'MODIFY' && changedAttributes(e).includes('title')) titles.push(e.newItem?.title ?? '');
  }
  for (const err of errors) if (err instanceof StreamRecordError) titles.push(err.reason);
  return titles;
}

export async function rename(docId: string, title: string): Promise<boolean> {
  const current = await Doc.get({ docId });
  if (current === undefined) return false;
  try {
    await Doc.update({ docId, version: current.version }).set({ title });
    return true;
  } catch (e) {
    if (e instanceof VersionConflictError) return false;
    throw e;
  }
}

export async function check(): Promise<number> {
  try {
    return (await AppTable.describe()).differences.length;
  } catch (e) {
    if (e instanceof TableNotFoundError) return -1;
    throw e;
  }
}
`;

async function makeConsumer(name: string, pkgType: 'module' | 'commonjs', compilerOptions: object, file: string): Promise<string> {
  const dir = join(work, name);
  write(join(dir, 'package.json'), { name: `consumer-${name}`, private: true, version: '0.0.0', type: pkgType });
  const target = join(dir, 'node_modules', 'dynakit');
  mkdirSync(target, { recursive: true });
  await sh('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'], dir);
  for (const dep of LINKED_DEPS) {
    const link = join(dir, 'node_modules', dep);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(root, 'node_modules', dep), link, 'dir');
  }
  write(join(dir, 'tsconfig.json'), {
    compilerOptions: { target: 'ES2022', lib: ['ES2022'], strict: true, noEmit: true, skipLibCheck: true, types: [], ...compilerOptions },
    files: [file],
  });
  write(join(dir, file), CONSUMER_TS);
  return dir;
}

describe('TypeScript 7 (native compiler) consumers', () => {
  it('is TypeScript 7', () => {
    expect(tsc7Version).toMatch(/^Version 7\./);
  });

  const consumers = [
    { name: 'ts7-node16-esm', pkgType: 'module', options: { module: 'node16', moduleResolution: 'node16' }, file: 'index.ts', dts: 'dist/esm/index.d.ts' },
    { name: 'ts7-bundler', pkgType: 'module', options: { module: 'esnext', moduleResolution: 'bundler' }, file: 'index.ts', dts: 'dist/esm/index.d.ts' },
    { name: 'ts7-node16-cjs', pkgType: 'commonjs', options: { module: 'node16', moduleResolution: 'node16' }, file: 'index.cts', dts: 'dist/cjs/index.d.ts' },
    { name: 'ts7-nodenext-cjs', pkgType: 'commonjs', options: { module: 'nodenext', moduleResolution: 'nodenext' }, file: 'index.ts', dts: 'dist/cjs/index.d.ts' },
  ] as const;

  it.each(consumers)('type-checks $name and picks $dts', async ({ name, pkgType, options, file, dts }) => {
    const dir = await makeConsumer(name, pkgType, options, file);
    const out = await sh(tsc7, ['-p', 'tsconfig.json', '--listFiles'], dir);
    expect(out).toContain(`node_modules/dynakit/${dts}`);
  });

  it('a consumer that fails to type-check fails (the check is real)', async () => {
    const dir = await makeConsumer('ts7-broken', 'module', { module: 'node16', moduleResolution: 'node16' }, 'index.ts');
    writeFileSync(join(dir, 'index.ts'), readFileSync(join(dir, 'index.ts'), 'utf8').replace("@ts-expect-error the version is a number", 'the version is a number'));
    const r = await exec(tsc7, ['-p', 'tsconfig.json'], dir);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/index\.ts\(\d+,\d+\): error TS2322/);
  });
});

describe('declarations without skipLibCheck', () => {
  // A Node project (with @types/node) that type-checks library declarations too. (TypeScript 5
  // takes ~15 s here for the AWS SDK's declarations; pack.test.ts covers TypeScript 5 consumers.)
  it('TypeScript 7', async () => {
    const dir = await makeConsumer('ts7-strict-libcheck', 'module', { module: 'node16', moduleResolution: 'node16', skipLibCheck: false, types: ['node'] }, 'index.ts');
    await sh(tsc7, ['-p', 'tsconfig.json'], dir);
  });
});
