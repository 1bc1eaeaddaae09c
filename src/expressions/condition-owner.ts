import type { z } from 'zod';
import type { DocPath } from './ast.js';
import { formatDocPath } from './document-path.js';
import { ExpressionError } from '../errors.js';
import { givenInput } from '../given-input.js';

/**
 * The builder a condition's paths belong to: an entity (`User.Attr`, `User.Key`: model paths,
 * resolved with that entity's stored names, value encoding and key templates) or a table
 * (`AppTable.Attr`, `AppTable.Key`: physical names). One object per entity or table, compared by
 * identity; `label` is how errors name it.
 */
export interface ConditionOwner {
  readonly label: string;
  /**
   * The schemas of the value at a path of an entity, or of its list's elements with `element` (none
   * for a table's physical paths): a class instance given as a condition value where they read a
   * map is taken as its fields (`givenInput`).
   */
  readonly valueSchemas?: (path: DocPath, element?: boolean) => readonly z.ZodType[];
}

/** An owner of a condition and a path it named there (the path an error points at). */
export interface OwnedPath {
  readonly owner: ConditionOwner;
  readonly path: DocPath;
}

const sameTop = (a: OwnedPath, b: OwnedPath): boolean => a.owner === b.owner && a.path[0] === b.path[0];

/**
 * The owners of several parts with the top-level attributes each named, each pair once (the first
 * path seen for it is kept): an entity checks both who built a part and, for its table's physical
 * paths, which attributes they name.
 */
export function mergeOwners(...parts: readonly (readonly OwnedPath[])[]): readonly OwnedPath[] {
  // Every condition is built through here: the usual cases (no owners, or one part with owners) allocate nothing.
  let first: readonly OwnedPath[] | undefined;
  let out: OwnedPath[] | undefined;
  for (const part of parts) {
    if (part.length === 0 || part === first) continue;
    if (first === undefined) {
      first = part;
      continue;
    }
    // Each part is deduplicated already: only the others are compared (a chain of and() adds one at a time).
    out ??= [...first];
    for (const o of part) if (!out.some((x) => x === o || sameTop(x, o))) out.push(o);
  }
  return out ?? first ?? NO_OWNERS;
}

const NO_OWNERS: readonly OwnedPath[] = [];

/**
 * Checks that an untyped caller's `value` is what an operation takes (a condition built by
 * `Attr`, or for a query a key condition built by `Key`; the two are easily swapped without types)
 * and returns its owners; anything else is an `ExpressionError` instead of a crash in the compiler.
 *
 * @example conditionOwners('User', User.Key('userId').eq('u1'), 'the filter', false) // throws: a key condition is not a filter
 */
export function conditionOwners(target: string, value: unknown, what: string, key: boolean): readonly OwnedPath[] {
  const v = value as { readonly node?: unknown; readonly terms?: unknown; readonly owners?: readonly OwnedPath[] } | null | undefined;
  const fits = typeof v === 'object' && v !== null && (key ? Array.isArray(v.terms) : typeof v.node === 'object' && v.node !== null);
  if (!fits) {
    const got = typeof v !== 'object' || v === null ? String(v) : Array.isArray(v.terms) ? 'a key condition' : typeof v.node === 'object' ? 'a condition' : 'another object';
    throw new ExpressionError(
      target,
      '',
      key
        ? `${what} must be a key condition built by the entity's Key(...) (Attr(...) builds conditions and filters); got ${got}`
        : `${what} must be a condition built by Attr(...) or a table's Key(...) (an entity's Key(...) builds only a query's key condition); got ${got}`,
    );
  }
  return v.owners ?? [];
}

/**
 * Refuses a condition with a part built for another entity or table than `accepted`: a path of
 * another entity is resolved there with names, encodings and keys that need not be this one's (an
 * attribute of the same name too), so the request would test something else than it says.
 * Conditions dynakit builds itself have no owner and pass.
 *
 * @example assertOwnedBy(Order.Attr('total').gt(1).owners, [userOwner, tableOwner], 'User', 'a condition') // throws
 */
export function assertOwnedBy(owners: readonly OwnedPath[], accepted: readonly ConditionOwner[], target: string, what: string): void {
  for (const { owner, path } of owners) {
    if (accepted.includes(owner)) continue;
    const own = accepted.map((a) => a.label).join(' or ');
    throw new ExpressionError(
      target,
      formatDocPath(path),
      `${what} built by ${owner.label} cannot be used on ${target}: it only takes paths built by ${own} (stored names, value encoding and key templates differ between entities, even for attributes of the same name)`,
    );
  }
}

/**
 * A value given for `path` of `owner` (a condition value, an `ifNotExists` fallback), copied when
 * given (`givenInput`): a class instance where the path's schemas (of its list's elements with
 * `element`) read a map is taken as its fields. The schemas are looked up only for an object.
 *
 * @example ownedValue(User.model.conditionOwner, ['address'], new Address('Paris')) // { city: 'Paris' }
 */
export function ownedValue<T>(owner: ConditionOwner | undefined, path: DocPath, value: T, element = false): T {
  const of = owner?.valueSchemas;
  if (of === undefined || typeof value !== 'object' || value === null) return givenInput(value);
  return givenInput(value, { valueSchemas: () => of(path, element) });
}
