/**
 * The floor of the type-check table: the same 60 zod schemas and the same reads and writes as the
 * dynakit project, with no library at all. Each usage file checks the put's object literal against
 * `z.input` and reads the get, update and query results as `z.output`, which any typed API over
 * these schemas has to do; what a library costs above this floor is what its own types check
 * (paths, key templates, conditions, builders). ElectroDB and DynamoDB-Toolbox bring their own
 * schema languages, so the floor is dynakit's, not theirs.
 */
import { COLLECTION_SIZE } from './generate.js';
import { collectionUse, entity, keyObject, sampleValues, zodSchema } from './model.js';

export function zodFloorFiles(n: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let k = 0; k < n; k++) {
    const e = entity(k);
    files[`src/model/${e.file}.ts`] = `import { z } from 'zod';

export const ${e.cls}Schema = ${zodSchema(e)};
`;
    files[`src/usage/${e.file}.ts`] = `import type { z } from 'zod';
import type { ${e.cls}Schema } from '../model/${e.file}.js';

type In = z.input<typeof ${e.cls}Schema>;
type Out = z.output<typeof ${e.cls}Schema>;
declare function read(key: { ${e.keyAttrs.map((a) => `${a}: string`).join('; ')} }): Promise<Out | undefined>;
declare function write(item: In): Promise<Out>;
declare function update(key: { ${e.keyAttrs.map((a) => `${a}: string`).join('; ')} }): Promise<Out>;
declare function list(): Promise<{ items: Out[]; cursor?: string }>;

const LABELS = new Set(['a', 'b']);

export async function use${e.cls}(): Promise<number> {
  const got = await read(${keyObject(e)});
  const name: string | undefined = got?.name;
  const level: number | undefined = got?.meta.owner.level;

  const stored = await write(${sampleValues(e)});
  const storedStatus: 'draft' | 'open' | 'closed' = stored.status;

  const updated = await update(${keyObject(e)});
  const count: number = updated.count;

  const page = await list();
  const items: { name: string; count: number }[] = page.items;
  const cursor: string | undefined = page.cursor;

  return (name?.length ?? 0) + (level ?? 0) + storedStatus.length + count + items.length + (cursor?.length ?? 0);
}
`;
  }
  const members = Array.from({ length: Math.min(n, COLLECTION_SIZE) }, (_, k) => entity(k));
  files['src/collection.ts'] = `import type { z } from 'zod';
${members.map((e) => `import type { ${e.cls}Schema } from './model/${e.file}.js';`).join('\n')}

type Item = ${members.map((e) => `(z.output<typeof ${e.cls}Schema> & { _et: '${e.cls}' })`).join(' | ')};
declare function list(): Promise<{ items: Item[] }>;

${collectionUse('list()')}`;
  return files;
}
