import type { z } from 'zod';
import type { ConditionNode, DocPath } from '../expressions/ast.js';
import { formatDocPath } from '../expressions/document-path.js';
import { ExpressionError } from '../errors.js';
import { pathSchemas, type PathLeaf, type PathSchemas } from '../entity/path-schemas.js';

/**
 * A nested change inside a union attribute holds only for some of its options (`shape.r` exists
 * on circles, not squares): the update must then only apply to an item whose stored tag names one
 * of them, or it would write a circle's field into a square and store an item its schema refuses.
 */
export interface UnionGuard {
  /** The tag attribute of the union (`shape.kind`). */
  readonly tagPath: DocPath;
  readonly values: readonly unknown[];
  /** The changed path, for the message of a failed condition. */
  readonly target: string;
}

/**
 * The schema a change at a path is checked with, and the guard it needs when the path passes
 * through a union: the options whose schema takes the change (`attempt` throws for the others)
 * are kept; when they are not all of the union's options, the stored tag must name one of them.
 * A path through several unions is judged option by option of the first (`throughFirstUnion`):
 * its tag names the options that take the change, and theirs the options of the next. A union
 * without a tag, or one whose options do not stand alone (a side of an intersection), cannot be
 * guarded that way: the change is refused before sending, naming the union to set as a whole.
 * `variants` are the options of an entity's schema (its variants); `base` is the path of the
 * document `path` and `ps` start from (their union's options are judged alone). With `absentOk`
 * (remove), an option without the path takes the change (removing a missing nested attribute does nothing).
 *
 * @example unionTarget(model, ['shape', 'r'], ps, (s) => model.validateAt(s, 3, 'shape.r'), false)
 * // { schema: circle's r, leaf: circle's leaf, guards: [{ tagPath: ['shape', 'kind'], values: ['c'], target: 'shape.r' }] }
 */
export function unionTarget(
  owner: string,
  path: DocPath,
  ps: PathSchemas,
  attempt: (s: z.ZodType, leaf: PathLeaf) => void,
  absentOk: boolean,
  variants?: readonly z.ZodType[],
  base: DocPath = [],
): { schema: z.ZodType; leaf: PathLeaf; guards: readonly UnionGuard[] } {
  const union = ps.union;
  // The other sides of an intersection check the value too; the leaf's own schema shapes it.
  const check = (leaf: PathLeaf): void => {
    attempt(leaf.schema, leaf);
    for (const side of leaf.also ?? []) attempt(side, leaf);
  };
  if (union === undefined) {
    const leaf = ps.leaves[0]!;
    if (leaf.also !== undefined) check(leaf);
    return { schema: leaf.schema, leaf, guards: [] };
  }
  const options = union.optionSchemas ?? (union.at.length === 0 ? variants : undefined);
  if (ps.unions > 1 && union.tag !== undefined && options !== undefined) return throughFirstUnion(owner, path, ps, attempt, absentOk, options, base);
  let firstError: unknown;
  const accepted = ps.leaves.filter((leaf) => {
    try {
      check(leaf);
      return true;
    } catch (e) {
      firstError ??= e;
      return false;
    }
  });
  if (accepted.length === 0) throw firstError;
  const covered = new Set(accepted.map((l) => l.option?.index));
  const withPath = new Set(ps.leaves.map((l) => l.option?.index));
  const every = ps.unions === 1 ? covered.size + (absentOk ? union.options - withPath.size : 0) === union.options : accepted.length === ps.leaves.length && ps.complete;
  if (every) return { schema: accepted[0]!.schema, leaf: accepted[0]!, guards: [] };
  const at = formatDocPath([...base, ...path]);
  const unionAt = formatDocPath([...base, ...union.at]);
  if (union.tag === undefined || ps.unions > 1) {
    const why = ps.unions > 1 ? 'it passes through more than one union' : `the union at ${unionAt} has no tag attribute (a discriminator, or a literal field that tells its options apart)`;
    throw new ExpressionError(owner, at, `applies to only some options of ${unionAt}, and ${why} to check before writing; set ${unionAt} as a whole`);
  }
  const values = [...new Set(accepted.flatMap((l) => l.option?.tagValues ?? []))];
  return { schema: accepted[0]!.schema, leaf: accepted[0]!, guards: [{ tagPath: [...base, ...union.at, union.tag], values, target: at }] };
}

/**
 * A path through two unions (`shape.r` with `shape` a union in some of an entity's variants, or
 * `payment.billing.street` with `billing` a union inside the options of `payment`): each option of
 * the first union that has the path judges the change on its own, as if its schema stood there,
 * its inner union's guard included. The options that take it must need the same inner guards
 * (their unions alike); the first union's tag must name one of them unless every option takes it.
 */
function throughFirstUnion(
  owner: string,
  path: DocPath,
  ps: PathSchemas,
  attempt: (s: z.ZodType, leaf: PathLeaf) => void,
  absentOk: boolean,
  options: readonly z.ZodType[],
  base: DocPath,
): { schema: z.ZodType; leaf: PathLeaf; guards: readonly UnionGuard[] } {
  const union = ps.union!;
  const unionAt = [...base, ...union.at];
  const at = formatDocPath([...base, ...path]);
  const tagValues = new Map(ps.leaves.map((l) => [l.option!.index, l.option!.tagValues] as const));
  let firstError: unknown;
  const taken: { values: readonly unknown[]; target: ReturnType<typeof unionTarget> }[] = [];
  for (const [index, values] of tagValues) {
    try {
      const below = path.slice(union.at.length);
      taken.push({ values, target: unionTarget(owner, below, pathSchemas(options[index]!, below)!, attempt, absentOk, undefined, unionAt) });
    } catch (e) {
      firstError ??= e;
    }
  }
  if (taken.length === 0) throw firstError;
  const described = (gs: readonly UnionGuard[]): string => gs.map((g) => `${formatDocPath(g.tagPath)}:${g.values.map(String).join('|')}`).join(',');
  const first = taken[0]!.target;
  if (taken.some((t) => described(t.target.guards) !== described(first.guards))) {
    const whole = unionAt.length === 0 ? formatDocPath(path.slice(0, 1)) : formatDocPath(unionAt);
    const of = unionAt.length === 0 ? `the variants of ${owner}` : `the options of ${formatDocPath(unionAt)}`;
    throw new ExpressionError(owner, at, `is held in unions that differ between ${of}, which one condition on their tags cannot check before writing; set ${whole} as a whole`);
  }
  const covered = taken.length + (absentOk ? union.options - tagValues.size : 0);
  if (covered === union.options) return first;
  const values = [...new Set(taken.flatMap((t) => t.values))];
  return { ...first, guards: [{ tagPath: [...unionAt, union.tag!], values, target: at }, ...first.guards] };
}

/** The condition that every union guard holds, and one line per guard for a failed condition's message. */
export function unionGuardConditions(guards: readonly UnionGuard[]): { nodes: ConditionNode[]; checks: string[] } {
  const nodes: ConditionNode[] = [];
  const checks: string[] = [];
  for (const g of guards) {
    const tag = { kind: 'path', path: g.tagPath } as const;
    const values = g.values.filter((v) => v !== undefined).map((value) => ({ kind: 'value', value }) as const);
    const named: ConditionNode | undefined =
      values.length === 0 ? undefined : values.length === 1 ? { kind: 'compare', op: '=', left: tag, right: values[0]! } : { kind: 'in', operand: tag, values };
    // An option whose tag is optional is also the one an item without a tag holds.
    const absent: ConditionNode | undefined = g.values.includes(undefined) ? { kind: 'exists', path: g.tagPath, negate: true } : undefined;
    nodes.push(named !== undefined && absent !== undefined ? { kind: 'or', children: [named, absent] } : (named ?? absent)!);
    const described = g.values.map((v) => (v === undefined ? 'absent' : JSON.stringify(v))).join(' or ');
    checks.push(`${formatDocPath(g.tagPath)} must be ${described} for ${g.target} (a field of only those options)`);
  }
  return { nodes, checks };
}

/**
 * Refuses before sending an update whose union guards no stored item can meet: changes to fields
 * of different options of one union (`shape.r` of circles and `shape.side` of squares) need the
 * tag to name two options at once, so the update could only fail its condition.
 */
export function assertGuardsAgree(owner: string, guards: readonly UnionGuard[]): void {
  const byTag = new Map<string, UnionGuard[]>();
  for (const g of guards) {
    const k = formatDocPath(g.tagPath);
    byTag.set(k, [...(byTag.get(k) ?? []), g]);
  }
  for (const [tag, gs] of byTag) {
    const common = gs.slice(1).reduce((vs, g) => vs.filter((v) => g.values.includes(v)), gs[0]!.values);
    if (common.length > 0) continue;
    const targets = gs.map((g) => g.target).join(', ');
    throw new ExpressionError(owner, targets, `change fields of different options of the union tagged by ${tag}, which no stored item holds at once; set the union as a whole to change its option`);
  }
}

/**
 * Refuses before sending an update whose key names a variant that its tag guard leaves out. Where
 * the entity's tag composes its primary key (`sk: 'PAYMENT#{method}#{paymentId}'`), the key fixes
 * the variant of the item it addresses: a change to a field of other variants (`set({ iban })` on
 * a card's key) could only fail its condition, and in a transaction cancel every action with it.
 * `keyTag` is the tag's value in the key, `undefined` when the tag composes no primary key.
 *
 * @example assertKeyVariant('Payment', 'method', 'card', [{ tagPath: ['method'], values: ['bank'], target: 'iban' }]) // throws ExpressionError
 */
export function assertKeyVariant(owner: string, tag: string, keyTag: unknown, guards: readonly UnionGuard[]): void {
  if (keyTag === undefined) return;
  for (const g of guards) {
    if (g.tagPath.length !== 1 || g.tagPath[0] !== tag || g.values.includes(keyTag)) continue;
    const named = g.values.map((v) => (v === undefined ? 'absent' : JSON.stringify(v))).join(' or ');
    throw new ExpressionError(
      owner,
      g.target,
      `needs an item whose ${tag} is ${named}, but the key names a ${tag} of ${JSON.stringify(keyTag)} (${tag} composes the primary key, so that item's ${tag} is ${JSON.stringify(keyTag)}); put the whole item to change its variant`,
    );
  }
}
