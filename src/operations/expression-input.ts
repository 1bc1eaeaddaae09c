import type { CompileContext } from '../expressions/compile.js';
import type { ConditionScope } from '../expressions/ast.js';
import { Placeholders } from '../expressions/placeholders.js';
import type { EntityModel } from '../entity/model.js';
import type { Table } from '../entity/table.js';
import { encodeStored } from '../entity/value-encoding.js';
import { tableStampValue } from '../entity/table-stamps.js';
import { assertOwnedBy, conditionOwners, type OwnedPath } from '../expressions/condition-owner.js';
import { formatDocPath } from '../expressions/document-path.js';
import { ExpressionError } from '../errors.js';

/** How an entity's conditions are compiled: its stored names, value encoding and comparisons (`contextFor` without placeholders). */
export function scopeFor(model: EntityModel): ConditionScope {
  const { ph: _ph, ...scope } = contextFor(model);
  return scope;
}

/** A fresh compile context for one command of an entity (only the placeholders are per command). */
export function contextFor(model: EntityModel): CompileContext {
  // The scope's fields written here, once: one object per command on the hot path (a scope spread
  // into a second object cost a copy per command); `scopeFor`, off it, drops the placeholders.
  return { ph: new Placeholders(), entity: model.name, encode: model.encodeValue, comparePaths: model.assertComparable, storedName: model.names.renamed.size === 0 ? undefined : model.storedName };
}

/**
 * A fresh compile context for one table-level command: physical attribute names, values encoded as
 * stored (a Date on the TTL attribute as epoch seconds, on an epoch timestamp as its number),
 * errors naming the table.
 */
export function tableContextFor(table: Table): CompileContext {
  const owner = `table ${table.name}`;
  const ttl = table.ttlAttribute();
  return { ph: new Placeholders(), entity: owner, encode: (v, path, level) => encodeStored(owner, ttl, tableStampValue(table, owner, v, path), path, level) };
}

/** Adds the placeholder maps a compiled command used, and only those (DynamoDB rejects extras). */
export function withPlaceholders<T extends object>(
  input: T,
  ctx: CompileContext,
): T & { ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> } {
  const out: T & { ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> } = input;
  if (ctx.ph.hasNames) out.ExpressionAttributeNames = ctx.ph.names;
  if (ctx.ph.hasValues) out.ExpressionAttributeValues = ctx.ph.values;
  return out;
}

/**
 * Refuses a condition that has a part another entity or another table built: a table-level read
 * takes only its table's own `Attr`/`Key` (physical names).
 *
 * @example checkTableOwners(AppTable, User.Attr('age').gt(1), 'the filter') // ExpressionError naming User and the table
 */
export function checkTableOwners(table: Table, condition: unknown, what: string): void {
  const owner = `table ${table.name}`;
  assertOwnedBy(conditionOwners(owner, condition, what, false), [table.conditionOwner], owner, what);
}

/**
 * Refuses a condition (or with `key`, a query's key condition) that is not one (untyped code) or
 * has a part another entity or table built: an entity's operations take its own `Attr`/`Key` and
 * its table's physical `Attr`/`Key`.
 *
 * @example checkOwners(User.model, Order.Attr('total').gt(1), 'the condition') // ExpressionError naming User, Order and total
 */
export function checkOwners(model: EntityModel, condition: unknown, what: string, key = false): void {
  const owners = conditionOwners(model.name, condition, what, key);
  // The usual case: only the entity's own paths (table-level paths need the checks below).
  if (owners.every((o) => o.owner === model.conditionOwner)) return;
  assertOwnedBy(owners, [model.conditionOwner, model.table.conditionOwner], model.name, what);
  if (model.names.renamed.size > 0) checkPhysicalNames(model, owners);
}

/**
 * The compiler writes a path's first name through the entity's `storedAs`, so a table-level
 * (physical) path naming a field the entity stores under another name would be read at that other
 * name: refused, with the way to say either meaning.
 */
function checkPhysicalNames(model: EntityModel, owners: readonly OwnedPath[]): void {
  for (const { owner, path } of owners) {
    const top = path[0];
    const stored = owner === model.table.conditionOwner && typeof top === 'string' ? model.names.renamed.get(top) : undefined;
    if (stored === undefined) continue;
    const field = model.names.attributeStoredAs(top as string);
    throw new ExpressionError(
      model.name,
      formatDocPath(path),
      `${owner.label}'s Attr names the physical attribute ${String(top)}, but ${model.name} stores its field ${String(top)} as ${stored}; use ${model.name}.Attr('${String(top)}') for the field${field === undefined ? '' : `, or ${model.name}.Attr('${field}') for the attribute stored as ${String(top)}`}`,
    );
  }
}
