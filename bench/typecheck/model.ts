/**
 * The entity model every generated project shares (see ./generate.ts for the layout): names, key
 * composites, a sample item and, for the projects built on zod, the schema.
 */
export interface Ent {
  readonly k: number;
  readonly cls: string; // E3
  readonly id: string; // e3Id
  readonly file: string; // e3
  /** primary key composites */
  readonly keyAttrs: readonly string[];
}

export function entity(k: number): Ent {
  const id = `e${k}Id`;
  return { k, cls: `E${k}`, id, file: `e${k}`, keyAttrs: k % 2 === 0 ? ['tenantId', id] : [id] };
}

export const sampleValues = (e: Ent): string => `{
    ${e.id}: 'x${e.k}',
    tenantId: 't',
    name: 'n',
    title: 'T',
    count: 1,
    score: 2.5,
    active: true,
    archived: false,
    status: 'open',
    labels: LABELS,
    lines: [{ sku: 's', qty: 1 }],
    meta: { region: 'eu', owner: { id: 'o', level: 1 } },
  }`;

export const keyObject = (e: Ent): string => `{ ${e.keyAttrs.map((a) => (a === 'tenantId' ? `tenantId: 't'` : `${a}: 'x${e.k}'`)).join(', ')} }`;

/** The zod schema of entity `e`, as source text (dynakit and the zod floor use the same one). */
export const zodSchema = (e: Ent): string => `z.object({
    ${e.id}: z.string(),
    tenantId: z.string(),
    name: z.string(),
    title: z.string(),
    count: z.number().int(),
    score: z.number().optional(),
    active: z.boolean(),
    archived: z.boolean().optional(),
    status: z.enum(['draft', 'open', 'closed']),
    labels: z.set(z.string()).optional(),
    lines: z.array(z.object({ sku: z.string(), qty: z.number() })),
    meta: z.object({ region: z.string().optional(), owner: z.object({ id: z.string(), level: z.number() }) }),
  })`;

/** The collection usage (a page of the tenant partition read as a union), around the read `page`. */
export const collectionUse = (page: string): string => `export async function tenantCollection(): Promise<number> {
  const page = await ${page};
  const names: string[] = page.items.map((item) => item.name);
  let ids = 0;
  for (const item of page.items) {
    if (item._et === 'E0') {
      const id: string = item.e0Id;
      ids += id.length;
    }
  }
  return names.length + ids;
}
`;
