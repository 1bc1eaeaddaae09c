import type { z } from 'zod';
import type { ConditionNode } from '../expressions/ast.js';
import { formatDocPath } from '../expressions/document-path.js';
import { leafSchemas, type PathSchemas } from '../entity/path-schemas.js';
import { unionGuardConditions } from './union-guards.js';

/**
 * Bounds (number ranges, list lengths) of a changed path, for the options of the tagged union it
 * passes through that share them. An item holds one option, which its tag names, and the result
 * must fit that option's bounds only: a letter weighs at most 500 g, a box any weight, and adding
 * 100 g to a 2 kg box is fine.
 */
export interface OptionBounds<B> {
  /** `undefined`: these options do not bound the path. */
  readonly bounds: B | undefined;
  /** The condition that the stored item is one of these options; `undefined` for every item. */
  readonly when?: ConditionNode;
  /** For a failed condition's message: the items the bounds apply to (`on items whose size is "letter"`). */
  readonly on?: string;
}

/**
 * The bounds `of` reads from the schemas at a path, grouped by option of the first tagged union it
 * passes through (a second union's options share the tightest bounds of theirs): one group for
 * every item when the path passes through no tagged union, or when its options are bounded alike;
 * else one group per bounds, with the tag condition of its options.
 *
 * @example boundsPerOption(pathSchemas(Parcel.model.schema, ['grams']), numberBounds, same)
 * // [{ bounds: { hi: 500 }, when: size = "letter", on: 'on items whose size is "letter"' }, { bounds: undefined, ... }]
 */
export function boundsPerOption<B>(ps: PathSchemas | undefined, of: (schemas: readonly z.ZodType[]) => B | undefined, same: (a: B, b: B) => boolean): OptionBounds<B>[] {
  if (ps === undefined) return [];
  const union = ps.union;
  // Through several unions, leaves keep the first union's option: its items get the tightest bounds of its inner options.
  if (union?.tag === undefined || ps.leaves.some((l) => l.option === undefined)) return [{ bounds: of(leafSchemas(ps)) }];
  const byOption = new Map<number, { schemas: z.ZodType[]; tagValues: readonly unknown[] }>();
  for (const leaf of ps.leaves) {
    const o = byOption.get(leaf.option!.index) ?? { schemas: [], tagValues: leaf.option!.tagValues };
    o.schemas.push(leaf.schema, ...(leaf.also ?? []));
    byOption.set(leaf.option!.index, o);
  }
  const groups: { bounds: B | undefined; values: unknown[] }[] = [];
  for (const o of byOption.values()) {
    const b = of(o.schemas);
    const g = groups.find((x) => (x.bounds === undefined || b === undefined ? x.bounds === b : same(x.bounds, b)));
    if (g === undefined) groups.push({ bounds: b, values: [...o.tagValues] });
    else g.values.push(...o.tagValues);
  }
  if (groups.length === 1) return [{ bounds: groups[0]!.bounds }];
  const tagPath = [...union.at, union.tag];
  return groups.map((g) => {
    const guard = unionGuardConditions([{ tagPath, values: g.values, target: '' }]);
    const named = g.values.map((v) => (v === undefined ? 'absent' : JSON.stringify(v))).join(' or ');
    return { bounds: g.bounds, when: guard.nodes[0]!, on: `on items whose ${formatDocPath(tagPath)} is ${named}` };
  });
}

/**
 * `nodes` as one condition that holds for the items of the options `when` names: `NOT when OR
 * (nodes)`, so items of other options pass; `nodes` as they are without `when`.
 */
export function onOptions(nodes: readonly ConditionNode[], when: ConditionNode | undefined): ConditionNode[] {
  if (when === undefined || nodes.length === 0) return [...nodes];
  const all: ConditionNode = nodes.length === 1 ? nodes[0]! : { kind: 'and', children: nodes };
  return [{ kind: 'or', children: [{ kind: 'not', child: when }, all] }];
}
