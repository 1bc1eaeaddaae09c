import type { z } from 'zod';
import type { DocPath } from '../expressions/ast.js';

/** Minimal view of zod v4's internal definition; only the fields we walk. */
interface ZodDefView {
  type: string;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: readonly z.ZodType[];
  /** tuple schemas: the positional items, and the schema of any further elements */
  items?: readonly z.ZodType[];
  rest?: z.ZodType | null;
  /** object schemas: set by looseObject/strictObject/catchall, absent when unknown keys are stripped */
  catchall?: z.ZodType;
}

export function defOf(schema: z.ZodType): ZodDefView {
  return (schema as unknown as { def: ZodDefView }).def;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

/** Strips optional/nullable/default wrappers (and the input side of pipes) to the core schema. */
export function unwrapSchema(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    const def = defOf(s);
    if (WRAPPERS.has(def.type) && def.innerType !== undefined) s = def.innerType;
    else if (def.type === 'pipe' && def.in !== undefined) s = def.in;
    else return s;
  }
}

/** The core zod type name at a schema position (`string`, `number`, `date`, `set`, ...). */
export function coreType(schema: z.ZodType): string {
  return defOf(unwrapSchema(schema)).type;
}

/** True when `undefined` is an accepted value (the attribute may be absent). */
export function isOptionalSchema(schema: z.ZodType): boolean {
  return schema.safeParse(undefined).success;
}

function shapeOf(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const s = unwrapSchema(schema) as unknown as { shape?: Record<string, z.ZodType> };
  return defOf(unwrapSchema(schema)).type === 'object' ? s.shape : undefined;
}

/**
 * The sub-schema at a document path, or `undefined` when the path does not exist in the schema.
 * Used to validate update values and condition paths coming from untyped JavaScript.
 */
export function schemaAt(root: z.ZodType, path: DocPath): z.ZodType | undefined {
  let current: z.ZodType | undefined = root;
  for (const seg of path) {
    if (current === undefined) return undefined;
    const core = unwrapSchema(current);
    const def = defOf(core);
    if (typeof seg === 'number') {
      current = def.type === 'array' ? def.element : def.type === 'tuple' ? undefined : undefined;
    } else if (def.type === 'object') {
      current = shapeOf(core)?.[seg];
    } else if (def.type === 'record') {
      current = def.valueType;
    } else {
      return undefined;
    }
  }
  return current;
}
