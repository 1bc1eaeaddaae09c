import type { z } from 'zod';
import { KeyError } from '../errors.js';
import type { DocPath } from '../expressions/ast.js';
import { childSchemas, defOf, unwrapSchema } from './schema-walk.js';
import { pathSchemas } from './path-schemas.js';
import { parseDocPath, typedPath } from '../expressions/document-path.js';

/**
 * Refuses, at `defineEntity`, a schema in which two different paths have the same text: a field
 * named `'a.b'` beside a field `a` holding `b` (or a record, whose entry `b` would do), at the top
 * level or inside any object. `Attr('a.b')`, `set({ 'a.b': ... })` and `project('a.b')` take path
 * text, and no text could tell the two apart: each call would pick one silently.
 *
 * Checked for every object schema reachable from the root (each once): a dotted key against the
 * keys it starts with, following its value up to `DEPTH` levels down for the case where the other
 * side's dot falls inside a nested key (`'a.b': { c }` against `a: { 'b.c' }`).
 *
 * @example checkDottedNames('Doc', z.object({ 'a.b': z.string(), a: z.object({ b: z.string() }) }))
 * // KeyError: Doc: ... the paths ["a.b"] and ["a", "b"] are both written a.b ...
 */
export function checkDottedNames(entity: string, root: z.ZodType): void {
  const seen = new Set<z.ZodType>();
  const walk = (schema: z.ZodType, at: DocPath): void => {
    if (seen.has(schema)) return;
    seen.add(schema);
    const shape = defOf(schema).shape;
    if (shape !== undefined) checkObject(entity, schema, shape, at);
    for (const child of childSchemas(schema)) {
      const key = shape === undefined ? undefined : Object.keys(shape).find((k) => shape[k] === child);
      walk(child, key === undefined ? at : [...at, key]);
    }
  };
  walk(root, []);
}

/** How far below a dotted key's value a conflict is looked for. */
const DEPTH = 3;

function checkObject(entity: string, object: z.ZodType, shape: Readonly<Record<string, z.ZodType>>, at: DocPath): void {
  const keys = Object.keys(shape);
  for (const dotted of keys) {
    if (!dotted.includes('.')) continue;
    for (const prefix of keys) {
      if (prefix === dotted || !dotted.startsWith(`${prefix}.`)) continue;
      const rest = dotted.slice(prefix.length + 1).split('.');
      const found = sharedText(object, [prefix], rest, shape[dotted]!, [dotted], DEPTH);
      if (found !== undefined) {
        const text = [...at, ...found[0]].join('.');
        throw new KeyError(
          entity,
          '',
          text,
          `the paths ${show([...at, ...found[0]])} and ${show([...at, ...found[1]])} are both written ${text}, and no path text (Attr, set, project) can tell them apart: rename one of the fields`,
        );
      }
    }
  }
}

/**
 * A path of `object` that starts with `start`, other than `own`, whose text equals the text of
 * `own` (a path under the dotted key, whose value is `under`); `pending` is the text still to
 * match below `start`. Returns both paths.
 */
function sharedText(object: z.ZodType, start: DocPath, pending: readonly string[], under: z.ZodType, own: DocPath, depth: number): [DocPath, DocPath] | undefined {
  for (const groups of groupings(pending)) {
    const other = [...start, ...groups];
    if (pathSchemas(object, other) !== undefined) return [own, other];
  }
  if (depth === 0) return undefined;
  const shape = defOf(unwrapSchema(under)).shape;
  for (const [key, value] of Object.entries(shape ?? {})) {
    const found = sharedText(object, start, [...pending, ...key.split('.')], value, [...own, key], depth - 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Every way to join consecutive names back into keys: `a.b.c` as `[a, b, c]`, `[a.b, c]`, `[a, b.c]`, `[a.b.c]`. */
function groupings(names: readonly string[]): string[][] {
  if (names.length <= 1) return [[...names]];
  const out: string[][] = [];
  for (const tail of groupings(names.slice(1))) {
    out.push([names[0]!, ...tail]);
    out.push([`${names[0]!}.${tail[0]!}`, ...tail.slice(1)]);
  }
  return out;
}

const show = (path: DocPath): string => JSON.stringify(path).replace(/,/g, ', ');

/**
 * The path `segments` (as the parser split them at every dot) names in `schema` when some of its
 * map keys contain dots: `meta.a.b` with a key `a.b` under `meta` is `['meta', 'a.b']`, as the path
 * types read it. Runs of names are joined back left to right, keeping each prefix the schema has;
 * `undefined` when no joining gives a path of the schema.
 *
 * @example joinDottedKeys(z.object({ meta: z.object({ 'a.b': z.string() }) }), ['meta', 'a', 'b']) // ['meta', 'a.b']
 */
export function joinDottedKeys(schema: z.ZodType, segments: DocPath, from = 0, done: DocPath = []): DocPath | undefined {
  if (from === segments.length) return done;
  const seg = segments[from]!;
  if (typeof seg === 'number') {
    const next = [...done, seg];
    return pathSchemas(schema, next) === undefined ? undefined : joinDottedKeys(schema, segments, from + 1, next);
  }
  let name = seg;
  for (let end = from + 1; ; end++) {
    const next = [...done, name];
    if (pathSchemas(schema, next) !== undefined) {
      const found = joinDottedKeys(schema, segments, end, next);
      if (found !== undefined) return found;
    }
    const more = segments[end];
    if (typeof more !== 'string') return undefined;
    name = `${name}.${more}`;
  }
}

/**
 * The document path a caller's path text names in an entity's schema: a top-level attribute whose
 * name holds dots (`topLevel`) is one segment, and so is a nested map key with dots (`meta.a.b`
 * for the key `a.b` of `meta`, `'m.n'.z` for `z` in the attribute `m.n`), as the path types read it.
 *
 * @example resolveDocPath('E', z.object({ 'm.n': z.object({ z: z.number() }) }), (n) => n === 'm.n', 'm.n.z') // ['m.n', 'z']
 */
export function resolveDocPath(owner: string, schema: z.ZodType, topLevel: (name: string) => boolean, text: string): DocPath {
  if (topLevel(text)) return [text];
  const parsed = typedPath(owner, text, () => parseDocPath(text));
  if (parsed.length < 3 || pathSchemas(schema, parsed) !== undefined) return parsed;
  return joinDottedKeys(schema, parsed) ?? parsed;
}
