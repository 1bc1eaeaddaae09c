/**
 * Generates a type-check workload: N entities on one table and, per entity, a usage file with
 * typical calls; plus one table-level collection query. Written for dynakit, ElectroDB (without
 * and with its Service, which collection queries need) and DynamoDB-Toolbox, with the same model
 * and the same calls, and as the floor of the table: the same zod schemas and results with no
 * library (./zod-floor.ts).
 *
 * Each entity (k = 0..N-1) has 12 attributes: `e{k}Id`, tenantId, name, title (strings), count,
 * score? (numbers), active, archived? (booleans), status (enum), labels? (string set), lines (list
 * of maps), meta (2-level map). Keys:
 *   primary  even k: pk TENANT#{tenantId}, sk E{k}#{e{k}Id}      odd k: pk E{k}#{e{k}Id}, sk E{k}
 *   gsi1     pk TENANT#{tenantId}, sk E{k}#{status}#{name}       (the "tenant" collection)
 *   gsi2     pk E{k}#{title},      sk COUNT#{count}#{e{k}Id}
 * Usage per entity: get; put with a condition; update with set (one nested path) / add / remove
 * and a nested condition, returning the new item; a gsi1 query with a sort-key range and a
 * 3-operator filter; results read into annotated variables. The collection query reads the
 * tenant partition of gsi1 across the first min(N, 8) entities.
 *
 * Usage: tsx bench/typecheck/generate.ts <dynakit|electrodb|electrodb-service|toolbox|zod-floor> <N> <outDir>
 * (for dynakit, `prepareDynakitPackage` must have put the package's .d.ts under a node_modules
 * above outDir; the bench and the budget test do that.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectionUse, entity, keyObject, sampleValues, zodSchema, type Ent } from './model.js';
import { zodFloorFiles } from './zod-floor.js';

export const LIBS = ['dynakit', 'electrodb', 'electrodb-service', 'toolbox', 'zod-floor'] as const;
export type Lib = (typeof LIBS)[number];

export const COLLECTION_SIZE = 8;

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

// ------------------------------------------------------------------------------------------------
// dynakit

function dynakitFiles(n: number): Record<string, string> {
  const files: Record<string, string> = {};
  files['src/model/table.ts'] = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { defineTable } from 'dynakit';

export const AppTable = defineTable({
  name: 'App',
  client: new DynamoDBClient({}),
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: {
    gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } },
    gsi2: { type: 'global', partitionKey: { name: 'gsi2pk', type: 'S' }, sortKey: { name: 'gsi2sk', type: 'S' } },
  },
});
`;
  for (let k = 0; k < n; k++) {
    const e = entity(k);
    const primary = k % 2 === 0 ? `{ pk: 'TENANT#{tenantId}', sk: 'E${k}#{${e.id}}' }` : `{ pk: 'E${k}#{${e.id}}', sk: 'E${k}' }`;
    files[`src/model/${e.file}.ts`] = `import { z } from 'zod';
import { defineEntity } from 'dynakit';
import { AppTable } from './table.js';

export const ${e.cls} = defineEntity({
  table: AppTable,
  name: '${e.cls}',
  schema: ${zodSchema(e)},
  keys: {
    primary: ${primary},
    gsi1: { pk: 'TENANT#{tenantId}', sk: 'E${k}#{status}#{name}' },
    gsi2: { pk: 'E${k}#{title}', sk: 'COUNT#{count}#{${e.id}}' },
  },
});
`;
    files[`src/usage/${e.file}.ts`] = `import { ${e.cls} } from '../model/${e.file}.js';

const LABELS = new Set(['a', 'b']);
const { Attr, Key } = ${e.cls};

export async function use${e.cls}(): Promise<number> {
  const got = await ${e.cls}.get(${keyObject(e)});
  const name: string | undefined = got?.name;
  const level: number | undefined = got?.meta.owner.level;

  const stored = await ${e.cls}.put(${sampleValues(e)}).where(Attr('count').lt(10).or(Attr('count').notExists()));
  const storedStatus: 'draft' | 'open' | 'closed' = stored.status;

  const updated = await ${e.cls}.update(${keyObject(e)})
    .set({ title: 'T2', 'meta.owner.level': 2 })
    .add({ count: 1, labels: new Set(['c']) })
    .remove('score')
    .where(Attr('meta.owner.level').gte(1).and(Attr('active').eq(true).or(Attr('archived').eq(false))))
    .returning('ALL_NEW');
  const count: number = updated.count;

  const page = await ${e.cls}.query('gsi1', Key('tenantId').eq('t').and(Key('status').eq('open')).and(Key('name').between('a', 'm')))
    .filter(Attr('count').gt(1).and(Attr('labels').contains('x')).and(Attr('name').beginsWith('a')));
  const items: { name: string; count: number }[] = page.items;
  const cursor: string | undefined = page.cursor;

  return (name?.length ?? 0) + (level ?? 0) + storedStatus.length + count + items.length + (cursor?.length ?? 0);
}
`;
  }
  const members = Array.from({ length: Math.min(n, COLLECTION_SIZE) }, (_, k) => entity(k));
  files['src/collection.ts'] = `import { AppTable } from './model/table.js';
${members.map((e) => `import { ${e.cls} } from './model/${e.file}.js';`).join('\n')}

${collectionUse(`AppTable.query('gsi1', AppTable.Key('gsi1pk').eq('TENANT#t')).entities(${members.map((e) => e.cls).join(', ')})`)}`;
  return files;
}

// ------------------------------------------------------------------------------------------------
// ElectroDB

function electroFiles(n: number, withService: boolean): Record<string, string> {
  const files: Record<string, string> = {};
  files['src/model/table.ts'] = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const table = 'App';
export const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
`;
  for (let k = 0; k < n; k++) {
    const e = entity(k);
    const primary =
      k % 2 === 0
        ? `{ pk: { field: 'pk', composite: ['tenantId'] }, sk: { field: 'sk', composite: ['${e.id}'] } }`
        : `{ pk: { field: 'pk', composite: ['${e.id}'] }, sk: { field: 'sk', composite: [] } }`;
    const collection = k < COLLECTION_SIZE ? `\n      collection: 'tenant',` : '';
    files[`src/model/${e.file}.ts`] = `import { Entity } from 'electrodb';
import { client, table } from './table.js';

export const ${e.cls} = new Entity(
  {
    model: { entity: '${e.cls}', version: '1', service: 'bench' },
    attributes: {
      ${e.id}: { type: 'string', required: true },
      tenantId: { type: 'string', required: true },
      name: { type: 'string', required: true },
      title: { type: 'string', required: true },
      count: { type: 'number', required: true },
      score: { type: 'number' },
      active: { type: 'boolean', required: true },
      archived: { type: 'boolean' },
      status: { type: ['draft', 'open', 'closed'] as const, required: true },
      labels: { type: 'set', items: 'string' },
      lines: { type: 'list', required: true, items: { type: 'map', properties: { sku: { type: 'string', required: true }, qty: { type: 'number', required: true } } } },
      meta: {
        type: 'map',
        required: true,
        properties: {
          region: { type: 'string' },
          owner: { type: 'map', required: true, properties: { id: { type: 'string', required: true }, level: { type: 'number', required: true } } },
        },
      },
    },
    indexes: {
      primary: ${primary},
      byTenant: {
        index: 'gsi1',${collection}
        pk: { field: 'gsi1pk', composite: ['tenantId'] },
        sk: { field: 'gsi1sk', composite: ['status', 'name'] },
      },
      byTitle: {
        index: 'gsi2',
        pk: { field: 'gsi2pk', composite: ['title'] },
        sk: { field: 'gsi2sk', composite: ['count', '${e.id}'] },
      },
    },
  },
  { table, client },
);
`;
    files[`src/usage/${e.file}.ts`] = `import { ${e.cls} } from '../model/${e.file}.js';

const LABELS = ['a', 'b'];

export async function use${e.cls}(): Promise<number> {
  const got = await ${e.cls}.get(${keyObject(e)}).go();
  const name: string | undefined = got.data?.name;
  const level: number | undefined = got.data?.meta.owner.level;

  const stored = await ${e.cls}.put(${sampleValues(e)})
    .where((a, op) => \`\${op.lt(a.count, 10)} OR \${op.notExists(a.count)}\`)
    .go();
  const storedStatus: 'draft' | 'open' | 'closed' = stored.data.status;

  const updated = await ${e.cls}.patch(${keyObject(e)})
    .set({ title: 'T2' })
    .data((a, op) => {
      op.set(a.meta.owner.level, 2);
    })
    .add({ count: 1, labels: ['c'] })
    .remove(['score'])
    .where((a, op) => \`\${op.gte(a.meta.owner.level, 1)} AND (\${op.eq(a.active, true)} OR \${op.eq(a.archived, false)})\`)
    .go({ response: 'all_new' });
  const count: number = updated.data.count;

  const page = await ${e.cls}.query
    .byTenant({ tenantId: 't', status: 'open' })
    .between({ name: 'a' }, { name: 'm' })
    .where((a, op) => \`\${op.gt(a.count, 1)} AND \${op.contains(a.labels, 'x')} AND \${op.begins(a.name, 'a')}\`)
    .go();
  const items: { name: string; count: number }[] = page.data;
  const cursor: string | null = page.cursor;

  return (name?.length ?? 0) + (level ?? 0) + storedStatus.length + count + items.length + (cursor?.length ?? 0);
}
`;
  }
  if (withService) {
    const all = Array.from({ length: n }, (_, k) => entity(k));
    files['src/service.ts'] = `import { Service } from 'electrodb';
import { client, table } from './model/table.js';
${all.map((e) => `import { ${e.cls} } from './model/${e.file}.js';`).join('\n')}

export const service = new Service({ ${all.map((e) => `${e.file}: ${e.cls}`).join(', ')} }, { table, client });
`;
    const members = Array.from({ length: Math.min(n, COLLECTION_SIZE) }, (_, k) => entity(k));
    files['src/collection.ts'] = `import { service } from './service.js';

export async function tenantCollection(): Promise<number> {
  const res = await service.collections.tenant({ tenantId: 't' }).go();
  const names: string[] = [${members.map((e) => `...res.data.${e.file}.map((item) => item.name)`).join(', ')}];
  let ids = 0;
  for (const item of res.data.e0) {
    const id: string = item.e0Id;
    ids += id.length;
  }
  return names.length + ids;
}
`;
  }
  return files;
}

// ------------------------------------------------------------------------------------------------
// DynamoDB-Toolbox

function toolboxFiles(n: number): Record<string, string> {
  const files: Record<string, string> = {};
  files['src/model/table.ts'] = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Table } from 'dynamodb-toolbox';

export const AppTable = new Table({
  name: 'App',
  documentClient: DynamoDBDocumentClient.from(new DynamoDBClient({})),
  partitionKey: { name: 'pk', type: 'string' },
  sortKey: { name: 'sk', type: 'string' },
  indexes: {
    gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'string' }, sortKey: { name: 'gsi1sk', type: 'string' } },
    gsi2: { type: 'global', partitionKey: { name: 'gsi2pk', type: 'string' }, sortKey: { name: 'gsi2sk', type: 'string' } },
  },
  entityAttributeSavedAs: '_et',
});
`;
  for (let k = 0; k < n; k++) {
    const e = entity(k);
    const even = k % 2 === 0;
    const keys = even
      ? `pk: string().key().hidden().link<typeof s>(({ tenantId }) => \`TENANT#\${tenantId}\`),
      sk: string().key().hidden().link<typeof s>(({ ${e.id} }) => \`E${k}#\${${e.id}}\`),`
      : `pk: string().key().hidden().link<typeof s>(({ ${e.id} }) => \`E${k}#\${${e.id}}\`),
      sk: string().key().hidden().const('E${k}'),`;
    files[`src/model/${e.file}.ts`] = `import { Entity, boolean, item, list, map, number, set, string } from 'dynamodb-toolbox';
import { AppTable } from './table.js';

const schema = item({
  ${e.id}: string().key(),
  tenantId: string()${even ? '.key()' : ''},
  name: string(),
  title: string(),
  count: number(),
  score: number().optional(),
  active: boolean(),
  archived: boolean().optional(),
  status: string().enum('draft', 'open', 'closed'),
  labels: set(string()).optional(),
  lines: list(map({ sku: string(), qty: number() })),
  meta: map({ region: string().optional(), owner: map({ id: string(), level: number() }) }),
});

export const ${e.cls} = new Entity({
  name: '${e.cls}',
  table: AppTable,
  timestamps: false,
  schema: schema.and((s) => ({
      ${keys}
      gsi1pk: string().hidden().link<typeof s>(({ tenantId }) => \`TENANT#\${tenantId}\`),
      gsi1sk: string().hidden().link<typeof s>(({ status, name }) => \`E${k}#\${status}#\${name}\`),
      gsi2pk: string().hidden().link<typeof s>(({ title }) => \`E${k}#\${title}\`),
      gsi2sk: string().hidden().link<typeof s>(({ count, ${e.id} }) => \`COUNT#\${count}#\${${e.id}}\`),
  })),
});
`;
    files[`src/usage/${e.file}.ts`] = `import { $add, $remove, GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand } from 'dynamodb-toolbox';
import { AppTable } from '../model/table.js';
import { ${e.cls} } from '../model/${e.file}.js';

const LABELS = new Set(['a', 'b']);

export async function use${e.cls}(): Promise<number> {
  const got = await ${e.cls}.build(GetItemCommand).key(${keyObject(e)}).send();
  const name: string | undefined = got.Item?.name;
  const level: number | undefined = got.Item?.meta.owner.level;

  const stored = await ${e.cls}.build(PutItemCommand)
    .item(${sampleValues(e)})
    .options({ condition: { or: [{ attr: 'count', lt: 10 }, { attr: 'count', exists: false }] } })
    .send();
  const storedStatus: 'draft' | 'open' | 'closed' = stored.ToolboxItem.status;

  const updated = await ${e.cls}.build(UpdateItemCommand)
    .item({ ...${keyObject(e)}, title: 'T2', meta: { owner: { level: 2 } }, count: $add(1), labels: $add(new Set(['c'])), score: $remove() })
    .options({
      condition: { and: [{ attr: 'meta.owner.level', gte: 1 }, { or: [{ attr: 'active', eq: true }, { attr: 'archived', eq: false }] }] },
      returnValues: 'ALL_NEW',
    })
    .send();
  const count: number | undefined = updated.Attributes?.count;

  const page = await AppTable.build(QueryCommand)
    .entities(${e.cls})
    .query({ index: 'gsi1', partition: 'TENANT#t', range: { between: ['E${k}#open#a', 'E${k}#open#m'] } })
    .options({ filters: { ${e.cls}: { and: [{ attr: 'count', gt: 1 }, { attr: 'labels', contains: 'x' }, { attr: 'name', beginsWith: 'a' }] } } })
    .send();
  const items: { name: string; count: number }[] = page.Items ?? [];
  const cursor: Record<string, unknown> | undefined = page.LastEvaluatedKey;

  return (name?.length ?? 0) + (level ?? 0) + storedStatus.length + (count ?? 0) + items.length + (cursor === undefined ? 0 : 1);
}
`;
  }
  const members = Array.from({ length: Math.min(n, COLLECTION_SIZE) }, (_, k) => entity(k));
  files['src/collection.ts'] = `import { QueryCommand } from 'dynamodb-toolbox';
import { AppTable } from './model/table.js';
${members.map((e) => `import { ${e.cls} } from './model/${e.file}.js';`).join('\n')}

export async function tenantCollection(): Promise<number> {
  const page = await AppTable.build(QueryCommand)
    .entities(${members.map((e) => e.cls).join(', ')})
    .query({ index: 'gsi1', partition: 'TENANT#t' })
    .options({ showEntityAttr: true })
    .send();
  const items = page.Items ?? [];
  const names: string[] = items.map((item) => item.name);
  let ids = 0;
  for (const item of items) {
    if (item.entity === 'E0') {
      const id: string = item.e0Id;
      ids += id.length;
    }
  }
  return names.length + ids;
}
`;
  return files;
}

// ------------------------------------------------------------------------------------------------

export const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2022', 'ESNext.Disposable'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  },
  include: ['src/**/*.ts'],
};

/** Writes the project for `lib` with `n` entities into `dir` (replacing it). Returns the file count. */
export function generateProject(dir: string, lib: Lib, n: number): number {
  rmSync(dir, { recursive: true, force: true });
  const files =
    lib === 'dynakit' ? dynakitFiles(n) : lib === 'toolbox' ? toolboxFiles(n) : lib === 'zod-floor' ? zodFloorFiles(n) : electroFiles(n, lib === 'electrodb-service');
  files['package.json'] = JSON.stringify({ name: `typecheck-${lib}-${n}`, private: true, type: 'module' }, null, 2) + '\n';
  files['tsconfig.json'] = JSON.stringify(TSCONFIG, null, 2) + '\n';
  for (const [rel, text] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return Object.keys(files).length;
}

/**
 * Emits dynakit's declarations (what a consumer type-checks against) into
 * `<root>/node_modules/dynakit`, so projects generated under `root` import 'dynakit' as a package.
 * `root` must be inside the repo, so that zod and the SDK resolve from the repo's node_modules.
 */
export function prepareDynakitPackage(root: string): void {
  const pkg = join(root, 'node_modules', 'dynakit');
  rmSync(pkg, { recursive: true, force: true });
  mkdirSync(pkg, { recursive: true });
  const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(
    process.execPath,
    [tsc, '-p', join(REPO, 'tsconfig.build.json'), '--emitDeclarationOnly', '--declaration', '--outDir', pkg, '--types', 'node'],
    { cwd: REPO, encoding: 'utf8' },
  );
  // Type errors elsewhere do not stop the declarations from being written; a missing index.d.ts does.
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({ name: 'dynakit', type: 'module', types: './index.d.ts', exports: { '.': { types: './index.d.ts' } } }, null, 2) + '\n',
  );
  if (!existsSync(join(pkg, 'index.d.ts'))) throw new Error(`could not emit dynakit declarations:\n${r.stdout}\n${r.stderr}`);
}

export const REPO_ROOT = REPO;

// CLI
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [lib, nText, out] = process.argv.slice(2);
  if (!LIBS.includes(lib as Lib) || nText === undefined || out === undefined || !(Number(nText) > 0)) {
    console.error(`usage: tsx bench/typecheck/generate.ts <${LIBS.join('|')}> <N> <outDir>`);
    process.exit(2);
  }
  const dir = resolve(out);
  if (lib === 'dynakit') prepareDynakitPackage(dirname(dir));
  const count = generateProject(dir, lib as Lib, Number(nText));
  console.log(`wrote ${count} files to ${dir}`);
}
