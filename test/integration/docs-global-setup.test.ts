/**
 * docs/testing.md prints a vitest globalSetup that starts DynamoDB Local, for services to copy as it
 * is (the repository's own test/support/dynamodb-local.ts is not in the published package). The
 * block is not a ```ts run example (it is a module with a default export and a `declare module`),
 * so this file checks it: it type-checks, with `inject('dynamodbEndpoint')` typed `string` by its
 * declaration, starts a server that answers, and its teardown stops that server.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { COMPILE_TIMEOUT } from '../support/compile-timeout.js';
import { compileErrors } from '../support/compile-errors.js';
import { localClientConfig } from '../support/dynamodb-local.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The fenced ts block of docs/testing.md whose first line is `firstLine`. */
function docBlock(firstLine: string): string {
  const doc = readFileSync(join(root, 'docs', 'testing.md'), 'utf8');
  const start = doc.indexOf('```ts\n' + firstLine);
  if (start < 0) throw new Error(`docs/testing.md has no ts block starting with ${firstLine}`);
  const body = doc.slice(start + '```ts\n'.length);
  return body.slice(0, body.indexOf('\n```'));
}

const setupSource = docBlock('// test/global-setup.ts');

type Setup = (project: { provide(key: string, value: unknown): void }) => Promise<() => void>;

/** The block, as the module a service would save it as. */
async function loadSetup(): Promise<Setup> {
  const dir = join(root, '.tmp', 'docs-global-setup');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `global-setup-${process.pid}.ts`);
  writeFileSync(file, setupSource);
  const loaded = (await import(pathToFileURL(file).href).finally(() => rmSync(file, { force: true }))) as { default: Setup };
  return loaded.default;
}

describe('the globalSetup printed in docs/testing.md', () => {
  it('type-checks, and types inject("dynamodbEndpoint") as a string', () => {
    const use = `\nimport { inject } from 'vitest';\nexport const endpoint: string = inject('dynamodbEndpoint');\n`;
    expect(compileErrors(setupSource + use, 'docs-global-setup.fixture.ts')).toEqual([]);
  }, COMPILE_TIMEOUT);

  it('starts a DynamoDB Local that answers, provides its endpoint, and its teardown stops it', async () => {
    const setup = await loadSetup();
    const provided = new Map<string, unknown>();
    const teardown = await setup({ provide: (key, value) => provided.set(key, value) });
    const endpoint = provided.get('dynamodbEndpoint');
    expect(typeof endpoint).toBe('string');
    const client = new DynamoDBClient({ ...localClientConfig(endpoint as string), maxAttempts: 1 });
    try {
      expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual([]);
      teardown();
      // The server is gone once its process exits: the next request cannot connect.
      let stopped = false;
      for (let i = 0; i < 50 && !stopped; i++) {
        stopped = await client.send(new ListTablesCommand({})).then(
          () => false,
          (e: unknown) => (e as { code?: string }).code === 'ECONNREFUSED',
        );
        if (!stopped) await new Promise((r) => setTimeout(r, 100));
      }
      expect(stopped).toBe(true);
    } finally {
      client.destroy();
    }
  }, 60_000);

  it('without java on the PATH, rejects saying so instead of crashing on an unhandled spawn error', async () => {
    const setup = await loadSetup();
    const path = process.env['PATH'];
    process.env['PATH'] = join(root, '.tmp', 'no-such-dir');
    try {
      await expect(setup({ provide: () => {} })).rejects.toThrow(/^DynamoDB Local did not start \(spawn java ENOENT\)$/);
    } finally {
      process.env['PATH'] = path;
    }
  }, 60_000);
});
