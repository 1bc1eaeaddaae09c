import type { AttributeTypeName, ConditionNode, DocPath, Operand } from './ast.js';
import { mergeOwners, ownedValue, type ConditionOwner, type OwnedPath } from './condition-owner.js';
import { ExpressionError } from '../errors.js';
import { KeyCondition, KeyOperand } from './key-condition.js';
import { anotherCopy } from '../another-copy.js';
import { givenInput } from '../given-input.js';

/**
 * An immutable condition: a node of the expression AST plus `and`/`or`/`not` to combine it.
 * Built by `Attr(...)`/`Key(...)` operators; compiled only when a command is built.
 *
 * @example Attr('age').gt(18).and(Attr('tags').contains('vip'))
 */
export class Condition {
  constructor(
    readonly node: ConditionNode,
    /** @internal the entities or tables whose builders made its paths (none for dynakit's own conditions) */
    readonly owners: readonly OwnedPath[] = [],
  ) {}

  /**
   * This condition and every one of `others` hold.
   *
   * @example User.Attr('age').gte(18).and(User.Attr('tags').contains('vip'))
   */
  and(...others: Condition[]): Condition {
    return and(this, ...others);
  }

  /**
   * This condition or at least one of `others` holds.
   *
   * @example User.Attr('age').lt(18).or(User.Attr('age').notExists())
   */
  or(...others: Condition[]): Condition {
    return or(this, ...others);
  }

  /**
   * The negation of this condition (`NOT (...)`).
   *
   * @example User.Attr('address.city').eq('Paris').not()
   */
  not(): Condition {
    return not(this);
  }
}

function combine(kind: 'and' | 'or', conditions: readonly Condition[]): Condition {
  for (const c of conditions) if (!(c instanceof Condition)) throw notACondition(kind, c);
  if (conditions.length === 1) return conditions[0]!;
  const children: ConditionNode[] = [];
  for (const c of conditions) {
    // Flatten so `a.and(b).and(c)` stays one AND of three, not nested parentheses.
    if (c.node.kind === kind) children.push(...c.node.children);
    else children.push(c.node);
  }
  let owners: readonly OwnedPath[] = [];
  for (const c of conditions) if (c.owners.length > 0) owners = owners.length === 0 ? c.owners : mergeOwners(owners, c.owners);
  return new Condition({ kind, children }, owners);
}

/**
 * `and()` or `or()` of no conditions: DynamoDB has no "true" or "false" to send for them, and
 * dropping the condition would be right for an empty AND only (an empty OR holds for no item). A
 * typed error like any other bad input, saying what to do with a list that may be empty.
 */
function noConditions(kind: 'and' | 'or'): ExpressionError {
  return new ExpressionError(
    `${kind}()`,
    '',
    `needs at least one condition (got none): DynamoDB has no condition that always ${kind === 'and' ? 'holds' : 'fails'}; for a list that may be empty, call where() or filter() once per condition (several calls are ANDed)${kind === 'or' ? ', and decide what an empty OR means before sending' : ''}`,
  );
}

/**
 * What untyped code joined with a condition that is none (an entity's `Key(...)` condition, a
 * plain value): a typed error when joined, not a TypeError from the compiler when the command is built.
 */
function notACondition(kind: 'and' | 'or', value: unknown): ExpressionError {
  const got = value instanceof KeyCondition ? "an entity's Key(...) key condition, which joins only with the Key(...) conditions of its own query" : nonConditionText(value);
  return new ExpressionError(`${kind}()`, '', `takes conditions built with Attr(...) or a table's Key(...), got ${got}`);
}

/**
 * In words, for an error message, a value untyped code passed where a condition belongs that is no
 * condition of any kind: an operand without its comparison, a condition or operand of another copy
 * of dynakit, or the value's kind. (The kinds of condition are named by their users.)
 *
 * @example nonConditionText(Attr('age')) // 'an operand without its comparison (add .eq(...), .gt(...), ...)'
 */
export function nonConditionText(value: unknown): string {
  if (value instanceof KeyOperand || value instanceof AttributeOperand) return 'an operand without its comparison (add .eq(...), .gt(...), ...)';
  if (value === null) return 'null';
  if (typeof value === 'object') return anotherCopy(value, [Condition, KeyCondition, AttributeOperand, KeyOperand]) ?? 'an object that is not a condition';
  return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
}

/** All conditions hold; at least one is needed. @example and(Attr('a').eq(1), Attr('b').exists()) */
export function and(...conditions: Condition[]): Condition {
  if (conditions.length === 0) throw noConditions('and');
  return combine('and', conditions);
}

/** At least one condition holds; at least one is needed. @example or(Attr('a').eq(1), Attr('a').eq(2)) */
export function or(...conditions: Condition[]): Condition {
  if (conditions.length === 0) throw noConditions('or');
  return combine('or', conditions);
}

/** The condition does not hold. @example not(Attr('deleted').exists()) */
export function not(condition: Condition): Condition {
  return new Condition({ kind: 'not', child: condition.node }, condition.owners);
}

/** Element type accepted by `contains`: set/list elements, or a substring for strings. */
export type ContainsValue<V> = unknown extends V
  ? unknown
  : V extends ReadonlySet<infer E>
    ? E
    : V extends readonly (infer E)[]
      ? E
      : V extends string
        ? string
        : never;

/**
 * `beginsWith` takes a string prefix where the attribute can hold a string and a binary one where
 * it can hold binary (DynamoDB compares bytes); untyped table-level paths take either.
 */
export type PrefixValue<V> = unknown extends V
  ? ValueOrAttr<string> | ValueOrAttr<Uint8Array>
  : [Extract<V, Uint8Array>] extends [never]
    ? [Extract<V, string>] extends [never]
      ? never
      : ValueOrAttr<string>
    : [Extract<V, string>] extends [never]
      ? ValueOrAttr<Uint8Array>
      : ValueOrAttr<string> | ValueOrAttr<Uint8Array>;

/**
 * `size()`'s parameters: none where the attribute can hold a string, binary, set, list or map
 * (a `Date` is stored as a string); one that cannot be given where it holds only numbers or
 * booleans, on which DynamoDB's `size()` is silently false rather than an error.
 */
export type SizeArgs<V> = [Exclude<V, number | bigint | boolean | null>] extends [never] ? [size_needs_a_string_binary_set_list_or_map: never] : [];

/**
 * What the order comparisons (`lt lte gt gte between`) take: a value or attribute of the
 * attribute's type where it can hold a number, string, binary or Date (stored as a string, or as
 * epoch seconds for the TTL attribute); elsewhere `NotOrdered`, which no value satisfies: DynamoDB
 * orders only those types, so `<` on a boolean, set, list or map could never hold.
 */
export type OrderedValue<V> = unknown extends V ? ValueOrAttr<V> : [Extract<V, Ordered>] extends [never] ? NotOrdered : ValueOrAttr<V>;
type Ordered = string | number | bigint | Date | Uint8Array;

/** The parameter of an order comparison on an attribute DynamoDB cannot order; its key says why. */
export interface NotOrdered {
  readonly '~lt, lte, gt, gte and between need a number, string, binary or Date attribute': never;
}

/** A value, or another attribute of the same type (`Attr('price').lt(Attr('listPrice'))`). */
export type ValueOrAttr<V> = V | AttributeOperand<V>;

/**
 * A value is taken as it is when the condition is built (`givenInput`): a map, list, set, Date or
 * binary the caller changes before the command is sent does not change the condition. A class
 * instance where the schema at `at` (an entity's path; for `contains`, its list's elements) reads
 * a map is taken as its fields, as an item's is: kept as given, the encoder refused it.
 */
function operand<V>(v: ValueOrAttr<V>, at?: AttributeOperand<unknown>, element = false): Operand {
  if (v instanceof AttributeOperand) return v.operand;
  return { kind: 'value', value: at === undefined ? givenInput(v) : ownedValue(at.owner, at.path, v, element) };
}

/**
 * One side of a comparison: an attribute path (or `size(path)`), typed by the value stored there.
 * Every method returns a new `Condition`; the operand itself never changes.
 */
export class AttributeOperand<V> {
  /** @internal phantom, keeps V in the type */
  declare readonly _value?: V;

  /** @internal the entity or table whose builder made this path, with the path */
  readonly owners: readonly OwnedPath[];

  constructor(
    readonly path: DocPath,
    readonly isSize = false,
    /** @internal */ readonly owner?: ConditionOwner,
  ) {
    this.owners = owner === undefined ? [] : [{ owner, path }];
  }

  /** @internal */
  get operand(): Operand {
    return this.isSize ? { kind: 'size', path: this.path } : { kind: 'path', path: this.path };
  }

  /** A condition on this path whose other operands are `others` (attributes bring their owners). */
  private condition(node: ConditionNode, ...others: readonly unknown[]): Condition {
    let owners = this.owners;
    for (const o of others) if (o instanceof AttributeOperand) owners = mergeOwners(owners, o.owners);
    return new Condition(node, owners);
  }

  private cmp(op: '=' | '<>' | '<' | '<=' | '>' | '>=', v: ValueOrAttr<V>): Condition {
    return this.condition({ kind: 'compare', op, left: this.operand, right: operand(v, this) }, v);
  }

  /**
   * `=`: equal to a value of the attribute's type, or to another attribute. `undefined` is not a value (an `ExpressionError` when the command is built): test a missing attribute with `notExists()`.
   *
   * @example User.Attr('address.city').eq('Paris')
   */
  eq(value: ValueOrAttr<V>): Condition {
    return this.cmp('=', value);
  }
  /**
   * `<>`: not equal to a value of the attribute's type, or to another attribute.
   *
   * @example User.Attr('name').ne('Ada')
   */
  ne(value: ValueOrAttr<V>): Condition {
    return this.cmp('<>', value);
  }
  /**
   * `<`: DynamoDB orders numbers, strings (by UTF-8 bytes) and binary only; another value type is an `ExpressionError` when the command is built.
   *
   * @example User.Attr('age').lt(18)
   */
  lt(value: OrderedValue<V>): Condition {
    return this.cmp('<', value as ValueOrAttr<V>);
  }
  /**
   * `<=`: for numbers, strings and binary, as `lt`.
   *
   * @example User.Attr('age').lte(65)
   */
  lte(value: OrderedValue<V>): Condition {
    return this.cmp('<=', value as ValueOrAttr<V>);
  }
  /**
   * `>`: for numbers, strings and binary, as `lt`.
   *
   * @example User.Attr('age').gt(18)
   */
  gt(value: OrderedValue<V>): Condition {
    return this.cmp('>', value as ValueOrAttr<V>);
  }
  /**
   * `>=`: for numbers, strings and binary, as `lt`.
   *
   * @example User.Attr('age').gte(18)
   */
  gte(value: OrderedValue<V>): Condition {
    return this.cmp('>=', value as ValueOrAttr<V>);
  }
  /**
   * Inclusive at both ends; DynamoDB rejects `low > high`, so two literal bounds in that order are
   * an `ExpressionError` when the command is built.
   *
   * @example User.Attr('age').between(18, 65)
   */
  between(low: OrderedValue<V>, high: OrderedValue<V>): Condition {
    return this.condition({ kind: 'between', operand: this.operand, low: operand(low as ValueOrAttr<V>, this), high: operand(high as ValueOrAttr<V>, this) }, low, high);
  }
  /**
   * Equal to one of 1 to 100 values (DynamoDB's limit); another count is an `ExpressionError` when
   * the command is built.
   *
   * @example User.Attr('name').in(['Ada', 'Bo'])
   */
  in(values: readonly ValueOrAttr<V>[]): Condition {
    return this.condition({ kind: 'in', operand: this.operand, values: values.map((v) => operand(v, this)) }, ...values);
  }
  /**
   * `begins_with`: the string (or binary) attribute starts with `prefix`, a string for a string
   * attribute, a `Uint8Array` for a binary one; throws a `TypeError` on `size()`.
   *
   * @example User.Attr('email').beginsWith('admin@')
   */
  beginsWith(prefix: PrefixValue<V>): Condition {
    this.assertPath('beginsWith');
    return this.condition({ kind: 'beginsWith', path: this.path, prefix: operand(prefix as ValueOrAttr<unknown>) }, prefix);
  }
  /**
   * Substring of a string, or element of a set or list; the argument's type follows the attribute
   * (a set's element type, a string for a string).
   *
   * @example User.Attr('tags').contains('vip')
   */
  contains(element: ContainsValue<V>): Condition {
    this.assertPath('contains');
    return this.condition({ kind: 'contains', path: this.path, operand: operand(element, this, true) }, element);
  }
  /**
   * `attribute_exists`: the stored item has the attribute, whatever its value.
   *
   * @example User.Attr('address').exists()
   */
  exists(): Condition {
    this.assertPath('exists');
    return this.condition({ kind: 'exists', path: this.path, negate: false });
  }
  /**
   * `attribute_not_exists`: the stored item lacks the attribute, or no item is stored under the
   * key; on a write, a false condition throws `ConditionFailedError`.
   *
   * @example await User.put(user).where(User.Attr('userId').notExists())
   */
  notExists(): Condition {
    this.assertPath('notExists');
    return this.condition({ kind: 'exists', path: this.path, negate: true });
  }
  /**
   * DynamoDB's `attribute_type`: the stored value has this type (`'S'`, `'N'`, `'SS'`, `'L'`,
   * `'M'`, `'NULL'`, ...), whatever the schema says.
   *
   * @example User.Attr('age').type('N')
   */
  type(type: AttributeTypeName): Condition {
    this.assertPath('type');
    return this.condition({ kind: 'type', path: this.path, type });
  }
  /**
   * Length of a string, binary, set, list or map, as a number operand to compare. It does not
   * compile on an attribute that holds only numbers or booleans, where DynamoDB's `size()` is
   * always false; the operand takes comparisons only (`exists()` and the like throw a `TypeError`).
   *
   * @example User.Attr('tags').size().gt(3)
   */
  size(..._: SizeArgs<V>): AttributeOperand<number> {
    this.assertPath('size');
    return new AttributeOperand<number>(this.path, true, this.owner);
  }

  private assertPath(op: string): void {
    if (this.isSize) throw new TypeError(`${op}() cannot be applied to size()`);
  }
}
