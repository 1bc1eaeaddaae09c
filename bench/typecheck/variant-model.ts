/**
 * Type-check cost of entities with variants, which the generated bench model (./generate.ts) has
 * none of: N entities, each a `z.discriminatedUnion` of three variants (one with a nested object
 * and a list of objects) or, every fourth, a `z.union` told apart by a literal field, with the
 * calls a variant entity's user writes (`Attr` on shared and variant fields, an update of one
 * variant's fields, `remove()`, `ref()`, a projection). Prints instantiations per N, as
 * ./measure.ts does for the plain model.
 *
 * Usage: npx tsx bench/typecheck/variant-model.ts [--ts7] [--attribute] [--derive] N [N ...]
 *   --derive     a `z.object` entity with a derived attribute and the same fields instead
 *   --attribute  also split the count by package and declaration, and by line of src/usage/v0.ts
 * Example: npx tsx bench/typecheck/variant-model.ts 5 20
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { prepareDynakitPackage, REPO_ROOT, TSCONFIG } from './generate.js';
import { nativeCompiler, repoCompiler, runTsc, type Compiler } from './run.js';
import { attributeInstantiations } from './attribute.js';

/** `--derive`: the same fields and calls on a `z.object` entity with a derived attribute instead (a derive entity's paths). */
const derive = process.argv.includes('--derive');

function entityFile(i: number): string {
  if (derive) {
    return `import { z } from 'zod';
import { defineEntity } from 'dynakit';
import { AppTable } from '../table.js';

export const V${i} = defineEntity({
  table: AppTable,
  name: 'V${i}',
  schema: z.object({ v${i}Id: z.string(), ownerId: z.string(), kind: z.enum(['card', 'bank', 'wallet']), amount: z.number(), last4: z.string(), expires: z.date(), tags: z.set(z.string()).optional(), iban: z.string(), note: z.string().optional(), address: z.object({ city: z.string(), zip: z.string() }), provider: z.enum(['apple', 'google']), lines: z.array(z.object({ sku: z.string(), qty: z.number() })), name: z.string(), nameLower: z.string() }),
  keys: { primary: { pk: 'V${i}#{v${i}Id}', sk: 'V${i}' }, gsi1: { pk: 'OWNER#{ownerId}', sk: 'V${i}#{v${i}Id}' } },
  derive: { nameLower: { from: ['name'], compute: ({ name }) => name.toLowerCase() } },
  timestamps: true,
});
`;
  }
  const union = i % 4 === 3;
  const options = [
    `z.object({ v${i}Id: z.string(), ownerId: z.string(), kind: z.literal('card'), amount: z.number(), last4: z.string(), expires: z.date(), tags: z.set(z.string()).optional() })`,
    `z.object({ v${i}Id: z.string(), ownerId: z.string(), kind: z.literal('bank'), amount: z.number(), iban: z.string(), note: z.string().optional(), address: z.object({ city: z.string(), zip: z.string() }) })`,
    `z.object({ v${i}Id: z.string(), ownerId: z.string(), kind: z.literal('wallet'), amount: z.number(), provider: z.enum(['apple', 'google']), note: z.string().optional(), lines: z.array(z.object({ sku: z.string(), qty: z.number() })) })`,
  ];
  const schema = union ? `z.union([\n    ${options.join(',\n    ')},\n  ])` : `z.discriminatedUnion('kind', [\n    ${options.join(',\n    ')},\n  ])`;
  return `import { z } from 'zod';
import { defineEntity } from 'dynakit';
import { AppTable } from '../table.js';

export const V${i} = defineEntity({
  table: AppTable,
  name: 'V${i}',
  schema: ${schema},
  keys: { primary: { pk: 'V${i}#{v${i}Id}', sk: 'V${i}' }, gsi1: { pk: 'OWNER#{ownerId}', sk: 'V${i}#{v${i}Id}' } },
  timestamps: true,
});
`;
}

function usageFile(i: number): string {
  return `import { V${i} } from '../model/v${i}.js';

export async function useV${i}(): Promise<number> {
  const { Attr, Key } = V${i};
  const k = { v${i}Id: 'x' };
  const got = await V${i}.get(k);
  await V${i}.update(k).set({ last4: '4242' }).where(Attr('amount').gt(1));
  await V${i}.update(k).set({ note: 'n', 'address.city': 'Paris' }).add({ amount: 1 });
  await V${i}.update(k).set({ amount: V${i}.ref('amount') }).remove('note');
  const page = await V${i}.query('gsi1', Key('ownerId').eq('o')).filter(Attr('iban').beginsWith('DE').or(Attr('lines[0].qty').gt(2))).limit(5);
  const p = await V${i}.get(k).project('kind', 'last4');
  return (got?.amount ?? 0) + page.items.length + (p?.last4?.length ?? 0);
}
`;
}

const TABLE = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { defineTable } from 'dynakit';

export const AppTable = defineTable({
  name: 'App',
  client: new DynamoDBClient({}),
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: { gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } } },
});
`;

function generate(dir: string, n: number): void {
  rmSync(dir, { recursive: true, force: true });
  const files: Record<string, string> = { 'src/table.ts': TABLE, 'package.json': JSON.stringify({ name: `typecheck-variants-${n}`, private: true, type: 'module' }) + '\n' };
  files['tsconfig.json'] = JSON.stringify(TSCONFIG, null, 2) + '\n';
  for (let i = 0; i < n; i++) {
    files[`src/model/v${i}.ts`] = entityFile(i);
    files[`src/usage/v${i}.ts`] = usageFile(i);
  }
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
}

const args = process.argv.slice(2);
const ns = args.filter((a) => /^\d+$/.test(a)).map(Number);
if (ns.length === 0) {
  console.error('usage: npx tsx bench/typecheck/variant-model.ts [--ts7] N [N ...]');
  process.exit(2);
}
const compilers: Compiler[] = [repoCompiler()];
if (args.includes('--ts7')) {
  const native = nativeCompiler();
  if ('unavailable' in native) console.log(`TypeScript 7: ${native.unavailable}`);
  else compilers.push(native);
}
const root = join(REPO_ROOT, '.tmp', 'variant-model');
mkdirSync(root, { recursive: true });
prepareDynakitPackage(root);
try {
  for (const n of ns) {
    const dir = join(root, `variants-${n}`);
    generate(dir, n);
    for (const c of compilers) {
      const d = await runTsc(c, dir);
      console.log(`${c.name} ${derive ? 'derive' : 'variants'} N=${n}: ${d.instantiations.toLocaleString('en')} instantiations, check ${d.checkTime.toFixed(2)} s, ${d.errors} errors${d.firstError ? `\n  first: ${d.firstError}` : ''}`);
    }
    if (args.includes('--attribute')) {
      const a = attributeInstantiations(dir, 'src/usage/v0.ts');
      console.log(a.byOrigin);
      for (const [k, v] of Object.entries(a.byDecl).slice(0, 25)) console.log(`  ${String(v).padStart(7)}  ${k}`);
      for (const [k, v] of Object.entries(a.bySiteLine)) console.log(`  line ${k}: ${v}`);
    }
  }
} finally {
  if (!args.includes('--keep')) rmSync(root, { recursive: true, force: true });
}
