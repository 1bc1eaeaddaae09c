/**
 * The stored form of the read test's items, written from docs/modeling.md rather than from src/:
 * key templates filled with composites written as text (strings as they are, integers in 16 digits
 * with negatives as `-` and 2^53 + n, Dates as ISO-8601, booleans as `true`/`false`), an index key only when all of its
 * composites are present, the discriminator `_et`, Dates as ISO strings and Sets as sets.
 */
import type { EntityName } from './reads-entities.js';

export type Kind = 'str' | 'num' | 'date' | 'bool';

/** The kind of every attribute that composes a key, by entity. */
export const COMPOSITE_KINDS: Record<EntityName, Record<string, Kind>> = {
  Task: { tenant: 'str', taskId: 'str', project: 'str', seq: 'num', due: 'date', status: 'str', points: 'num', owner: 'str', flag: 'bool' },
  Note: { tenant: 'str', noteId: 'str', project: 'str', at: 'date', author: 'str', pinned: 'bool' },
  Member: { tenant: 'str', name: 'str', level: 'num' },
};

export interface IndexTemplates {
  /** Key attribute names of the index (a local index shares the table's partition key). */
  readonly pkAttr: string;
  readonly skAttr: string;
  readonly pk: string;
  readonly sk: string;
}

/** The templates of docs' reading: the same strings as reads-entities.ts gives defineEntity. */
export const TEMPLATES: Record<EntityName, Record<string, IndexTemplates>> = {
  Task: {
    primary: { pkAttr: 'pk', skAttr: 'sk', pk: 'T#{tenant}', sk: 'TASK#{project}#{seq}#{taskId}' },
    lsi1: { pkAttr: 'pk', skAttr: 'lsi1sk', pk: 'T#{tenant}', sk: 'D#{due}#{taskId}' },
    gsi1: { pkAttr: 'gsi1pk', skAttr: 'gsi1sk', pk: 'G#{project}', sk: 'TASK#{status}#{due}#{seq}#{taskId}' },
    gsi2: { pkAttr: 'gsi2pk', skAttr: 'gsi2sk', pk: 'O#{owner}', sk: 'P#{points}#{taskId}' },
    gsi3: { pkAttr: 'gsi3pk', skAttr: 'gsi3sk', pk: 'W#{tenant}', sk: 'F#{flag}#{seq}#{taskId}' },
  },
  Note: {
    primary: { pkAttr: 'pk', skAttr: 'sk', pk: 'T#{tenant}', sk: 'NOTE#{at}#{noteId}' },
    lsi1: { pkAttr: 'pk', skAttr: 'lsi1sk', pk: 'T#{tenant}', sk: 'D#{at}#{noteId}' },
    gsi1: { pkAttr: 'gsi1pk', skAttr: 'gsi1sk', pk: 'G#{project}', sk: 'NOTE#{author}#{at}#{noteId}' },
    gsi3: { pkAttr: 'gsi3pk', skAttr: 'gsi3sk', pk: 'W#{tenant}', sk: 'F#{pinned}#{at}#{noteId}' },
  },
  Member: {
    primary: { pkAttr: 'pk', skAttr: 'sk', pk: 'T#{tenant}', sk: 'MEMBER#{name}' },
    gsi2: { pkAttr: 'gsi2pk', skAttr: 'gsi2sk', pk: 'O#{name}', sk: 'P#{level}#{tenant}' },
  },
};

export const composites = (template: string): string[] => [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

/** A number composite as docs/modeling.md "Numbers sort as numbers" writes it. */
export function keyNumber(n: number): string {
  return n < 0 ? `-${String(2 ** 53 + n).padStart(16, '0')}` : String(n).padStart(16, '0');
}

export function keyText(v: unknown): string {
  if (typeof v === 'number') return keyNumber(v);
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/** The template filled from `item`, or undefined when a composite is missing. */
export function fill(template: string, item: Record<string, unknown>): string | undefined {
  let missing = false;
  const out = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = item[name];
    if (v === undefined || v === null) missing = true;
    return keyText(v);
  });
  return missing ? undefined : out;
}

/** An attribute value as stored: Dates as ISO text, the rest as it is. */
export const storedValue = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : v);

/** The item as DynamoDB holds it (what a raw read, or a table-level read's `unknown`, returns). */
export function storedItem(entity: EntityName, item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const t of Object.values(TEMPLATES[entity])) {
    const pk = fill(t.pk, item);
    const sk = fill(t.sk, item);
    if (pk !== undefined) out[t.pkAttr] = pk;
    if (sk !== undefined) out[t.skAttr] = sk;
  }
  out['_et'] = entity;
  for (const [k, v] of Object.entries(item)) if (v !== undefined) out[k] = storedValue(v);
  return out;
}

/** DynamoDB's order of strings: UTF-8 bytes. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Order of two stored scalars of one type (numbers by value, strings by bytes); undefined across types. */
export function compareScalars(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return compareBytes(a, b);
  return undefined;
}

/** Physical index keys and what they hold, for index membership. */
export const INDEX_ATTRS: Record<string, { pk: string; sk: string }> = {
  primary: { pk: 'pk', sk: 'sk' },
  lsi1: { pk: 'pk', sk: 'lsi1sk' },
  gsi1: { pk: 'gsi1pk', sk: 'gsi1sk' },
  gsi2: { pk: 'gsi2pk', sk: 'gsi2sk' },
  gsi3: { pk: 'gsi3pk', sk: 'gsi3sk' },
};
