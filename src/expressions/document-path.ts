import type { DocPath, PathSegment } from './ast.js';
import { ExpressionError } from '../errors.js';

const cache = new Map<string, DocPath>();

/** The largest list index DynamoDB addresses (2^31 - 1); above it: "List index is not within the allowable range". */
export const MAX_LIST_INDEX = 2_147_483_647;
/**
 * The most levels DynamoDB reads in a document path of any expression, a name or a list index each
 * (`a.b[0]` is 3): "The document path has too many nesting levels; nesting levels: 33".
 */
export const MAX_DOCUMENT_PATH_LEVELS = 32;
const INDEX_RANGE = `a list index is at most ${MAX_LIST_INDEX} (DynamoDB's range)`;
/**
 * A path is expression input, so an empty name in it (`counts.` for the record entry keyed `''`)
 * is an ExpressionError; an empty key in a value is stored data, refused by the storage rules
 * (codec.ts) as a ValidationError. DynamoDB has no empty names either way.
 */
const EMPTY_NAME = 'an empty attribute name or map key (DynamoDB refuses empty names)';

/**
 * Parses a dotted document path (`address.city`, `items[0].sku`, `matrix[1][2]`) into segments.
 * Results are cached: the same strings come back on every call of a hot code path.
 *
 * @example parseDocPath('items[0].sku') // ['items', 0, 'sku']
 */
export function parseDocPath(path: string): DocPath {
  const hit = cache.get(path);
  if (hit !== undefined) return hit;
  const segments: PathSegment[] = [];
  let i = 0;
  let name = '';
  const flushName = (): void => {
    if (name === '') throw new SyntaxError(`invalid document path "${path}": ${EMPTY_NAME}`);
    segments.push(name);
    name = '';
  };
  while (i < path.length) {
    const ch = path[i]!;
    if (ch === '.') {
      if (name === '' && path[i - 1] === ']') {
        const nextCh = path[i + 1];
        if (nextCh === undefined || nextCh === '.' || nextCh === '[') {
          throw new SyntaxError(`invalid document path "${path}": expected a name after "."`);
        }
        i++;
        continue;
      }
      flushName();
      i++;
    } else if (ch === '[') {
      if (name !== '') flushName();
      else if (segments.length === 0) throw new SyntaxError(`invalid document path "${path}": index without a name`);
      const close = path.indexOf(']', i);
      const digits = close < 0 ? '' : path.slice(i + 1, close);
      if (!/^\d+$/.test(digits)) throw new SyntaxError(`invalid document path "${path}": bad list index`);
      const index = Number(digits);
      if (index > MAX_LIST_INDEX) throw new SyntaxError(`invalid document path "${path}": ${INDEX_RANGE}`);
      segments.push(index);
      i = close + 1;
      if (i < path.length && path[i] !== '.' && path[i] !== '[') {
        throw new SyntaxError(`invalid document path "${path}": expected "." or "[" after "]"`);
      }
    } else {
      name += ch;
      i++;
    }
  }
  if (name !== '' || segments.length === 0 || path.endsWith('.')) flushName();
  if (cache.size < 10_000) cache.set(path, segments);
  return segments;
}

/**
 * Checks path segments given as an array (names that contain dots): a non-empty name first, then
 * non-empty names and list indexes (non-negative integers), as `parseDocPath` produces them.
 */
export function checkDocPath(segments: readonly PathSegment[]): DocPath {
  const invalid = (why: string): never => {
    throw new SyntaxError(`invalid document path "${formatDocPath(segments)}": ${why}`);
  };
  if (segments.length === 0 || typeof segments[0] !== 'string') invalid('it must start with an attribute name');
  for (const s of segments) {
    if (typeof s === 'string' ? s === '' : !Number.isSafeInteger(s) || s < 0) invalid(typeof s === 'string' ? EMPTY_NAME : 'a list index is a non-negative integer');
    if (typeof s === 'number' && s > MAX_LIST_INDEX) invalid(INDEX_RANGE);
  }
  return segments;
}

/** Runs a path parser, turning its SyntaxError into an ExpressionError that names the entity (or table) and the path. */
export function typedPath(owner: string, text: string, parse: () => DocPath): DocPath {
  try {
    return parse();
  } catch (e) {
    if (e instanceof SyntaxError) throw new ExpressionError(owner, text, e.message);
    throw e;
  }
}

/** Formats segments back to the dotted form used in error messages. */
export function formatDocPath(path: DocPath): string {
  let out = '';
  for (const s of path) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}

/** The paths without repeats, in their first order (a projection names each path once). */
export function uniquePaths(paths: readonly DocPath[]): DocPath[] {
  const seen = new Set<string>();
  return paths.filter((p) => {
    const key = JSON.stringify(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** True when `a` equals `b` or one is a prefix of the other (DynamoDB calls these overlapping). */
export function pathsOverlap(a: DocPath, b: DocPath): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}
