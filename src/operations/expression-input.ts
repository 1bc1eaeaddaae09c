import type { CompileContext } from '../expressions/compile.js';
import { Placeholders } from '../expressions/placeholders.js';
import type { EntityModel } from '../entity/model.js';
import type { Table } from '../entity/table.js';
import { encodeStored } from '../entity/value-encoding.js';
import { assertOwnedBy, conditionOwners } from '../expressions/condition-owner.js';

/** A fresh compile context for one command of an entity (only the placeholders are per command). */
export function contextFor(model: EntityModel): CompileContext {
  return { ph: new Placeholders(), entity: model.name, encode: model.encodeValue, comparePaths: model.assertComparable, storedName: model.names.renamed.size === 0 ? undefined : model.storedName };
}

/**
 * A fresh compile context for one table-level command: physical attribute names, values encoded as
 * stored (a Date on the TTL attribute as epoch seconds), errors naming the table.
 */
export function tableContextFor(table: Table): CompileContext {
  const owner = `table ${table.name}`;
  const ttl = table.ttlAttribute();
  return { ph: new Placeholders(), entity: owner, encode: (v, path, level) => encodeStored(owner, ttl, v, path, level) };
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
 * Refuses a condition (or with `key`, a query's key condition) that is not one (untyped code) or
 * has a part another entity or table built: an entity's operations take its own `Attr`/`Key` and
 * its table's physical `Attr`/`Key`.
 *
 * @example checkOwners(User.model, Order.Attr('total').gt(1), 'the condition') // ExpressionError naming User, Order and total
 */
export function checkOwners(model: EntityModel, condition: unknown, what: string, key = false): void {
  const owners = conditionOwners(model.name, condition, what, key);
  if (owners.length > 0) assertOwnedBy(owners, [model.conditionOwner, model.table.conditionOwner], model.name, what);
}
