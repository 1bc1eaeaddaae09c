import type { z } from 'zod';
import type { DocPath, PathSegment } from '../expressions/ast.js';
import { formatDocPath } from '../expressions/document-path.js';
import { ExpressionError } from '../errors.js';
import { defOf, lazyInner } from './schema-walk.js';
import { withDef, withoutRefinements } from './read-schema.js';

/** A projected path's segment: the whole value (`below` undefined) or the projected paths below it. */
interface PathNode {
  readonly at: DocPath;
  below: Map<PathSegment, PathNode> | undefined;
}

/**
 * The paths of a projection as a tree, first segments at the root. Paths that overlap (`address`
 * and `address.city`) are refused, as DynamoDB refuses them ("Two document paths overlap"); a path
 * given twice is read once.
 */
export function projectionTree(entity: string, paths: readonly DocPath[]): Map<PathSegment, PathNode> {
  const root = new Map<PathSegment, PathNode>();
  for (const path of paths) {
    let level = root;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      const last = i === path.length - 1;
      let node = level.get(seg);
      if (node === undefined) {
        node = { at: path.slice(0, i + 1), below: last ? undefined : new Map() };
        level.set(seg, node);
      } else if (node.below === undefined || last) {
        if (node.below === undefined && last) break; // the same path again
        throw new ExpressionError(
          entity,
          formatDocPath(path),
          `project() paths overlap: ${formatDocPath(node.at)} is projected whole and a path inside it too (DynamoDB refuses overlapping paths); project one of them`,
        );
      }
      level = node.below!;
    }
  }
  return root;
}

/**
 * The schema a projected item is parsed with: the read schema cut to the projected paths. A value
 * at the end of a path keeps its own schema (dates, sets, transforms, optionality); a map on the
 * way keeps only its projected fields and is optional unless it is required and keeps a required
 * field (DynamoDB returns a map only when the item holds a projected path in it); a list on the
 * way is always optional, holds the elements found, packed, without its length checks. Object-level
 * refinements are dropped: they judge a whole value. A union of maps is cut option by option
 * (`cutObjects`). A path through anything else (a record, a tuple, a set, a transform, a union
 * with an option that is not a map) is refused: its parts cannot be cut.
 *
 * Top-level attributes outside the schema (timestamps, version) are read by the item reader itself.
 */
export function projectionSchema(entity: string, schema: z.ZodObject, paths: readonly DocPath[]): z.ZodObject {
  const root = projectionTree(entity, paths);
  const shape = schema.shape as Record<string, z.ZodType>;
  const fields = new Map([...root].filter(([seg]) => typeof seg === 'string' && Object.hasOwn(shape, seg)));
  return cutObject(entity, schema, fields).schema as z.ZodObject;
}

interface Cut {
  readonly schema: z.ZodType;
  /** Whether the cut value is present whenever its parent is. */
  readonly required: boolean;
}

function cutObject(entity: string, object: z.ZodType, fields: ReadonlyMap<PathSegment, PathNode>): Cut {
  const shape = (defOf(object).shape ?? {}) as Record<string, z.ZodType>;
  const mask: Record<string, true> = {};
  const cuts: Record<string, z.ZodType> = {};
  let required = false;
  for (const [seg, node] of fields) {
    const field = typeof seg === 'string' && Object.hasOwn(shape, seg) ? shape[seg] : undefined;
    if (field === undefined) throw new ExpressionError(entity, formatDocPath(node.at), 'is not a path of the schema and cannot be projected');
    mask[seg as string] = true;
    if (node.below === undefined) {
      if (alwaysHeld(field)) required = true;
      continue;
    }
    const cut = cutValue(entity, field, node);
    required ||= cut.required;
    cuts[seg as string] = cut.required ? cut.schema : cut.schema.optional();
  }
  const picked = (withoutRefinements(object as z.ZodObject) as z.ZodObject).pick(mask);
  return { schema: Object.keys(cuts).length === 0 ? picked : picked.extend(cuts), required };
}

/** The cut of the value of `field` to the paths below `node`. */
function cutValue(entity: string, field: z.ZodType, node: PathNode): Cut {
  const [core, mayLack] = coreOf(field);
  const below = node.below!;
  const def = defOf(core);
  if (def.type === 'object' && [...below.keys()].every((s) => typeof s === 'string')) {
    const cut = cutObject(entity, core, below);
    return { schema: cut.schema, required: cut.required && !mayLack };
  }
  if (def.type === 'union' && [...below.keys()].every((s) => typeof s === 'string')) {
    const cut = cutObjects(entity, def.options ?? [], below);
    if (cut !== undefined) return { schema: cut.schema, required: cut.required && !mayLack };
  }
  if (def.type === 'array' && def.element !== undefined && [...below.keys()].every((s) => typeof s === 'number')) {
    const elements = [...below.values()];
    const shapeOf = (n: PathNode): string => (n.below === undefined ? '' : JSON.stringify(subPaths(n)));
    const first = elements[0]!;
    const differing = elements.find((n) => shapeOf(n) !== shapeOf(first));
    if (differing !== undefined) {
      throw new ExpressionError(
        entity,
        formatDocPath(differing.at),
        `project() reads list elements packed, so every element of one list must be projected alike; ${formatDocPath(first.at)} and ${formatDocPath(differing.at)} differ`,
      );
    }
    const element = first.below === undefined ? def.element : elementCut(entity, def.element, first);
    return { schema: withDef(core, { element, checks: [] }), required: false };
  }
  throw new ExpressionError(
    entity,
    formatDocPath(node.at),
    `project() reaches into maps (z.object) by name and lists (z.array) by index; here the schema is ${describe(def.type)}: project ${formatDocPath(node.at)} whole`,
  );
}

/**
 * A union of objects cut to the fields below it: each option cut to the fields it has (a field the
 * variants of an entity hold as differing maps, `addr` with a `zip` in some), merged into one map
 * whose fields take what any option's do (a union of parsers would strip the fields of the options
 * after the first that takes a value). An option with none of them reads as an absent value
 * (DynamoDB returns no map for it). `undefined` when an option is not an object: such a union
 * cannot be cut.
 */
function cutObjects(entity: string, options: readonly z.ZodType[], below: ReadonlyMap<PathSegment, PathNode>): Cut | undefined {
  const objects = options.map((o) => coreOf(o)[0]);
  if (objects.length === 0 || objects.some((o) => defOf(o).type !== 'object')) return undefined;
  const holds = (o: z.ZodType, seg: PathSegment): boolean => Object.hasOwn(defOf(o).shape ?? {}, seg as string);
  const cuts = objects.flatMap((o) => {
    const fields = new Map([...below].filter(([seg]) => holds(o, seg)));
    return fields.size === 0 ? [] : [cutObject(entity, o, fields)];
  });
  const merged: Record<string, z.ZodType> = {};
  for (const [seg, node] of below) {
    const name = seg as string;
    const schemas = cuts.flatMap((c) => {
      const shape = (c.schema as z.ZodObject).shape as Record<string, z.ZodType>;
      return Object.hasOwn(shape, name) ? [shape[name]!] : [];
    });
    if (schemas.length === 0) throw new ExpressionError(entity, formatDocPath(node.at), 'is not a path of the schema and cannot be projected');
    // `.or()` and `.optional()` build on the application's own zod (dynakit does not load zod).
    const field = schemas.reduce((u, f) => u.or(f));
    merged[name] = schemas.length === objects.length ? field : field.optional();
  }
  return { schema: (cuts[0]!.schema as z.ZodObject).extend(merged), required: cuts.length === objects.length && cuts.every((c) => c.required) };
}

/** A list element cut to the paths below it; an optional element stays optional. */
function elementCut(entity: string, element: z.ZodType, node: PathNode): z.ZodType {
  const cut = cutValue(entity, element, node);
  return cut.required ? cut.schema : cut.schema.optional();
}

/** The paths below a node, relative to it, sorted: what two list elements must agree on. */
function subPaths(node: PathNode): string[] {
  const out: string[] = [];
  const walk = (n: PathNode, prefix: readonly PathSegment[]): void => {
    if (n.below === undefined) out.push(formatDocPath(prefix));
    else for (const [seg, child] of n.below) walk(child, [...prefix, seg]);
  };
  for (const [seg, child] of node.below!) walk(child, [seg]);
  return out.sort();
}

/**
 * The schema under its wrappers (lazy schemas resolved), and whether the value may be absent or
 * null: an `optional` or `nullable` met before a `default` (which supplies a value) says so.
 */
function coreOf(schema: z.ZodType): [core: z.ZodType, mayLack: boolean] {
  let s = schema;
  let mayLack: boolean | undefined;
  for (;;) {
    const def = defOf(s);
    if (def.type === 'optional' || def.type === 'nullable') mayLack ??= true;
    else if (def.type === 'default' || def.type === 'prefault' || def.type === 'catch' || def.type === 'nonoptional') mayLack ??= false;
    else if (def.type === 'lazy') {
      s = lazyInner(s);
      continue;
    } else if (def.type !== 'readonly') return [s, mayLack === true];
    s = def.innerType!;
  }
}

/**
 * Whether a value projected whole is there whenever its map is, as the item type says: not when the
 * schema takes `undefined` (optional, `z.unknown()`), unless a `default` supplies a value.
 */
function alwaysHeld(schema: z.ZodType): boolean {
  for (let s = schema; ; ) {
    const def = defOf(s);
    if (def.type === 'default' || def.type === 'prefault' || def.type === 'catch') return true;
    if (def.type !== 'nullable' && def.type !== 'readonly') break;
    s = def.innerType!;
  }
  return !schema.safeParse(undefined).success;
}

function describe(type: string): string {
  return type === 'transform' || type === 'pipe' ? 'a transform' : `a ${type}`;
}
