/**
 * Runs the examples in README.md and docs/*.md against DynamoDB Local, so the docs cannot drift
 * from the library.
 *
 * Every fenced block tagged ```ts run becomes a module under .tmp/docs-examples/run-<pid>/ (gitignored):
 *
 *   <the block's own import lines, hoisted; 'dynakit' points at src/index.ts>
 *   import assert from 'node:assert/strict'; import { z } from 'zod';     // unless the block imports them
 *   export default async function (ctx) {
 *     const { defineTable, ConditionFailedError, ... } = dynakit;            // every runtime export
 *     const { AppTable, User, Order, Ticket, client, tableName, holds, rawItem, putRaw, console } = docsScope(ctx);
 *     { <the block> }
 *   }
 *
 * (see test/fixtures/docs-prelude.ts). Blocks of one doc file run in order against one fresh
 * table, so a block may use what an earlier block of the same file wrote. Blocks check their
 * claims with `assert`; what they print with `console.log` is collected (printed when
 * DOCS_EXAMPLES_VERBOSE=1). A block tagged ```ts run known-bug documents intended behaviour that
 * the library does not have yet: it runs as `it.fails`, so fixing the bug turns it red as a reminder
 * to drop the tag (use it only with a bug report). Other fenced blocks are illustrative, not run.
 *
 * The generated modules are also type-checked (`tsc` does not see .tmp/), so the docs cannot drift in
 * types either; it adds 6-13 s to this file (measured on 2 busy cores). DOCS_TYPECHECK=0 skips it while iterating on a doc.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPILE_TIMEOUT } from '../support/compile-timeout.js';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as dynakit from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { docsModel, docsScope, type DocsContext } from '../fixtures/docs-prelude.js';
import { runDemo } from '../../examples/demo.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// One directory per process: other test runs on the same checkout may be generating theirs.
const examplesRoot = join(root, '.tmp', 'docs-examples');
const outDir = join(examplesRoot, `run-${process.pid}`);
const verbose = process.env['DOCS_EXAMPLES_VERBOSE'] === '1';

interface Block {
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly tags: readonly string[];
  readonly code: string;
}

/** Fenced blocks whose info string starts with `lang` (e.g. "ts"), with the words that follow it. */
function fencedBlocks(markdown: string, lang: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})\s*(\S+)(.*)$/.exec(lines[i]!);
    if (open === null) continue;
    const fence = open[1]!;
    const end = lines.findIndex((l, j) => j > i && l.trimEnd() === fence);
    if (end < 0) throw new Error(`unclosed code fence at line ${i + 1}`);
    if (open[2] === lang) blocks.push({ line: i + 1, tags: open[3]!.trim().split(/\s+/).filter(Boolean), code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return blocks;
}

/** Splits leading/top-level `import ... from '...'` statements off a block; rewrites 'dynakit'. */
function hoistImports(code: string, srcSpecifier: string): { imports: string[]; body: string } {
  const imports: string[] = [];
  const body: string[] = [];
  const lines = code.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^import\s/.test(lines[i]!)) {
      body.push(lines[i]!);
      continue;
    }
    let statement = lines[i]!;
    while (!/(from\s+)?['"][^'"]+['"];?\s*$/.test(statement) && i + 1 < lines.length) statement += `\n${lines[++i]!}`;
    imports.push(statement.replace(/(['"])dynakit\1/, `'${srcSpecifier}'`));
    body.push(''); // keep line numbers of the body stable
  }
  return { imports, body: body.join('\n') };
}

const docFiles = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    // performance.md is written by `npm run bench` (measurements, not examples).
    .filter((f) => f.endsWith('.md') && f !== 'performance.md')
    .sort()
    .map((f) => `docs/${f}`),
];

const scopeNames = Object.keys(docsScope({ client: {} as DynamoDBClient, tableName: 'scope-probe', log: () => {} }));
const libraryNames = Object.keys(dynakit).filter((n) => !scopeNames.includes(n));

/** Adds the doc file and line of the failing statement to an error thrown by an example. */
function pointAtDoc(error: unknown, ex: Example): unknown {
  if (!(error instanceof Error)) return error;
  const at = new RegExp(`${ex.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+)`).exec(error.stack ?? '');
  const line = at === null ? undefined : ex.block.line + 1 + (Number(at[1]) - ex.bodyStart);
  error.message = `${ex.doc}:${line ?? ex.block.line}: ${error.message}`;
  return error;
}

interface Example {
  readonly doc: string;
  readonly index: number;
  readonly block: Block;
  readonly file: string;
  /** Line of the generated file that holds the block's first line. */
  readonly bodyStart: number;
}

function generate(doc: string, index: number, block: Block): Example {
  const file = join(outDir, `${doc.replace(/[/.]/g, '_')}-${String(index).padStart(2, '0')}.ts`);
  const rel = (p: string): string => relative(dirname(file), join(root, p)).replace(/\\/g, '/');
  const src = rel('src/index.js');
  const { imports, body } = hoistImports(block.code, src);
  // assert and z are module imports (TypeScript only narrows through assertion functions that are
  // declared with a type, which a destructured binding is not), unless the block imports them itself.
  const binds = (name: string): boolean => imports.some((i) => new RegExp(`\\b${name}\\b`).test(i.replace(/from\s+['"].*$/, '')));
  const module = [
    `// Generated by test/integration/docs.test.ts from ${doc}:${block.line} (block ${index}). Do not edit.`,
    ...imports,
    ...(binds('assert') ? [] : [`import assert from 'node:assert/strict';`]),
    ...(binds('z') ? [] : [`import { z } from 'zod';`]),
    `import * as __dynakit from '${src}';`,
    `import { docsScope, type DocsContext } from '${rel('test/fixtures/docs-prelude.js')}';`,
    '',
    'export default async function run(__ctx: DocsContext): Promise<void> {',
    `  const { ${libraryNames.join(', ')} } = __dynakit;`,
    `  const { ${scopeNames.join(', ')} } = docsScope(__ctx);`,
    '  {',
    body,
    '  }',
    '}',
    '',
  ].join('\n');
  writeFileSync(file, module);
  const bodyStart = module.split('\n').indexOf('  {') + 2;
  return { doc, index, block, file, bodyStart };
}

// Keep the latest files for debugging; drop those of runs that ended more than an hour ago.
mkdirSync(examplesRoot, { recursive: true });
for (const dir of readdirSync(examplesRoot)) {
  const path = join(examplesRoot, dir);
  if (path !== outDir && Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path, { recursive: true, force: true });
}
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const examples = new Map<string, Example[]>();
for (const doc of docFiles) {
  const blocks = fencedBlocks(readFileSync(join(root, doc), 'utf8'), 'ts').filter((b) => b.tags[0] === 'run');
  examples.set(doc, blocks.map((b, i) => generate(doc, i + 1, b)));
}

describe.each(docFiles)('%s', (doc) => {
  let client: DynamoDBClient;
  let tableName: string;

  beforeAll(async () => {
    client = testClient();
    tableName = uniqueTableName(`docs-${doc}`);
    await docsModel(client, tableName).AppTable.create();
  });

  afterAll(async () => {
    await docsModel(client, tableName).AppTable.drop();
    client.destroy();
  });

  for (const ex of examples.get(doc) ?? []) {
    const knownBug = ex.block.tags.includes('known-bug');
    const test = knownBug ? it.fails : it;
    test(`${doc} #${ex.index} (line ${ex.block.line})${knownBug ? ' [known bug]' : ''}`, async () => {
      const mod = (await import(ex.file)) as { default: (ctx: DocsContext) => Promise<void> };
      const printed: string[] = [];
      try {
        await mod.default({ client, tableName, log: (line) => printed.push(line) });
      } catch (e) {
        throw pointAtDoc(e, ex);
      } finally {
        if (verbose && printed.length > 0) process.stdout.write(`--- ${doc}:${ex.block.line}\n${printed.join('\n')}\n`);
      }
    });
  }
});

describe('docs', () => {
  it('every doc file has runnable examples', () => {
    for (const doc of docFiles) expect(examples.get(doc)?.length ?? 0, doc).toBeGreaterThan(0);
  });

  it('docs/modeling.md prints the model the examples run against', () => {
    const prelude = readFileSync(join(root, 'test/fixtures/docs-prelude.ts'), 'utf8');
    const region = /\/\/ #region model\n([\s\S]*?)\n\s*\/\/ #endregion model/.exec(prelude)?.[1];
    const shown = fencedBlocks(readFileSync(join(root, 'docs/modeling.md'), 'utf8'), 'ts').find((b) => b.tags[0] === 'model');
    expect(region, 'model region in docs-prelude.ts').toBeDefined();
    expect(shown, '```ts model block in docs/modeling.md').toBeDefined();
    const normalize = (s: string): string =>
      s
        .split('\n')
        .map((l) => l.replace(/\s+\/\/ .*$/, '').trim())
        .filter((l) => l !== '' && !l.startsWith('//') && !l.startsWith('import '))
        .join('\n')
        .replace(/name: tableName,/, "name: 'App',");
    expect(normalize(shown!.code)).toBe(normalize(region!));
  });
});

describe('examples/demo.ts', () => {
  it('runs the whole story', async () => {
    const client = testClient();
    const lines: string[] = [];
    try {
      await runDemo({ client, tableName: uniqueTableName('demo'), log: (l) => lines.push(l) });
    } finally {
      client.destroy();
    }
    const text = lines.join('\n');
    expect(text).toContain('create grace again -> ConditionFailedError');
    expect(text).toContain("after:  gsi1sk = 'EMP#Grace Hopper#grace'");
    expect(text).toContain("apollo's team (gsi1):           ada (lead, 30h), grace (developer, 40h)");
    expect(text).toContain("name begins with 'Grace H':     grace");
    expect(text).toContain('partition EMP#ada (table):      Employee Ada Lovelace, Assignment apollo, Assignment enigma');
    expect(text).toContain('alan/enigma still there: true');
    expect(lines.length).toBeLessThanOrEqual(60);
  }, 30_000);
});

describe.skipIf(process.env['DOCS_TYPECHECK'] === '0')('docs examples type-check', () => {
  it('compiles every generated module', async () => {
    const ts = (await import('typescript')).default;
    const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    });
    const files = [...examples.values()].flat().map((e) => e.file);
    const program = ts.createProgram(files, { ...config!.options, noEmit: true });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file !== undefined && files.includes(d.file.fileName))
      .map((d) => {
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        return `${relative(root, d.file!.fileName)}:${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
    expect(diagnostics).toEqual([]);
  }, COMPILE_TIMEOUT);
});
