import type { DocPath, SetValue } from './ast.js';
import { mergeOwners, ownedValue, type ConditionOwner, type OwnedPath } from './condition-owner.js';

/**
 * A right-hand side that reads the stored item: another attribute, `if_not_exists`, or one
 * `+`/`-` (DynamoDB allows a single arithmetic operator per value).
 *
 * @example User.update(k).set({ stock: User.ref('stock').minus(1), price: User.ref('listPrice') })
 */
export class UpdateRef<V> {
  /** @internal phantom */
  declare readonly _value?: V;

  constructor(
    readonly value: SetValue,
    /** @internal the entity whose `ref` named the paths (see `Condition.owners`) */
    readonly owners: readonly OwnedPath[] = [],
  ) {}

  /**
   * `path + n` (numbers and bigints). DynamoDB allows one `+`/`-` per value, so chaining a second is an
   * `ExpressionError` when the update is built.
   *
   * @example await User.update({ userId: 'u1' }).set({ age: User.ref('age').plus(1) })
   */
  plus(this: UpdateRef<number>, n: number | UpdateRef<number>): UpdateRef<number>;
  /** `path + n` on a bigint attribute. @example User.ref('views').plus(1n) */
  plus(this: UpdateRef<bigint>, n: bigint | UpdateRef<bigint>): UpdateRef<bigint>;
  plus(n: number | bigint | UpdateRef<number> | UpdateRef<bigint>): UpdateRef<number | bigint> {
    return new UpdateRef({ kind: 'arith', op: '+', left: this.value, right: toSetValue(n) }, mergeOwners(this.owners, n instanceof UpdateRef ? n.owners : []));
  }

  /**
   * `path - n` (numbers and bigints); one `+`/`-` per value, as for `plus`.
   *
   * @example await User.update({ userId: 'u1' }).set({ age: User.ref('age').minus(1) })
   */
  minus(this: UpdateRef<number>, n: number | UpdateRef<number>): UpdateRef<number>;
  /** `path - n` on a bigint attribute. @example User.ref('views').minus(1n) */
  minus(this: UpdateRef<bigint>, n: bigint | UpdateRef<bigint>): UpdateRef<bigint>;
  minus(n: number | bigint | UpdateRef<number> | UpdateRef<bigint>): UpdateRef<number | bigint> {
    return new UpdateRef({ kind: 'arith', op: '-', left: this.value, right: toSetValue(n) }, mergeOwners(this.owners, n instanceof UpdateRef ? n.owners : []));
  }

  /**
   * `if_not_exists(path, fallback)`: the stored value, or `fallback` when absent. Only on a plain
   * attribute reference (a `TypeError` after `plus`/`minus`); the result can still take one `plus`/`minus`.
   *
   * @example await User.update({ userId: 'u1' }).set({ age: User.ref('age').ifNotExists(0).plus(1) })
   */
  ifNotExists(fallback: V): UpdateRef<V> {
    if (this.value.kind !== 'path') throw new TypeError('ifNotExists() applies to an attribute reference');
    const path = this.value.path;
    // A class instance where the referenced attribute's schema reads a map is taken as its fields, as a condition value is.
    const value = ownedValue(this.owners[0]?.owner, path, fallback);
    return new UpdateRef({ kind: 'ifNotExists', path, fallback: { kind: 'value', value } }, this.owners);
  }
}

export function refTo<V>(path: DocPath, owner?: ConditionOwner): UpdateRef<V> {
  return new UpdateRef<V>({ kind: 'path', path }, owner === undefined ? [] : [{ owner, path }]);
}

export function toSetValue(v: unknown): SetValue {
  return v instanceof UpdateRef ? v.value : { kind: 'value', value: v };
}
