import { Condition } from '../expressions/condition.js';
import { requireCondition } from '../expressions/condition-input.js';
import type { OwnedPath } from '../expressions/condition-owner.js';
import type { EntityModel } from '../entity/model.js';
import type { Table } from '../entity/table.js';
import { checkOwners, scopeFor } from '../operations/expression-input.js';
import { ExpressionError } from '../errors.js';

/**
 * A table-level read's filter that applies to one entity's items only: `(#et <> :User OR <cond>)`,
 * with `condition` compiled as `model`'s (its stored names, encodings and checks). Items of other
 * entities, and items without a discriminator, pass it. `owner` names the read in errors.
 *
 * @example entityFilter(AppTable, 'table App', User, User.Attr('age').gt(18))
 */
export function entityFilter(table: Table, owner: string, entity: unknown, condition: unknown): Condition {
  // Untyped callers: a name or a condition in the entity's place is an ExpressionError, not a TypeError.
  const model = (entity as { model?: EntityModel } | null)?.model;
  if (model === undefined) throw new ExpressionError(owner, '', `filter(entity, condition) takes an entity (e.g. filter(User, User.Attr('age').gt(18))), got ${typeof entity === 'string' ? `"${entity}"` : String(entity)}`);
  // The discriminator value alone tells the items apart: another table's entity would filter this
  // table's entity of the same name by its own stored names and encodings.
  if (model.table !== table) throw new ExpressionError(owner, '', `filter(): ${model.name} is defined on table ${model.table.name}, not on this one`);
  const et = table.entityAttribute;
  // Table-level reads of a table without one are refused when built: kept here for the type.
  if (et === undefined) throw new ExpressionError(owner, '', `filter(${model.name}, ...) tells ${model.name}'s items apart by the discriminator, and this table has none (entityAttribute: false)`);
  const c = requireCondition(owner, condition, `filter(${model.name}, ...)`);
  checkOwners(model, c, `the filter of ${model.name}'s items`);
  const otherEntity = { kind: 'compare', op: '<>', left: { kind: 'path', path: [et] }, right: { kind: 'value', value: model.name } } as const;
  return new Condition({ kind: 'or', children: [otherEntity, { kind: 'scoped', scope: scopeFor(model), child: c.node }] });
}

/**
 * Refuses a condition built by a registered entity's `Attr` where a table-level read takes one on
 * stored names (`filter(condition)`), naming the call that takes it (`filter(User, ...)`): which
 * items it applies to is the caller's to say, as the others would fail it for lack of its
 * attributes. Other owners are left to `checkTableOwners`.
 *
 * @example refuseEntityCondition(AppTable, 'table App', User.Attr('age').gt(18), 'the filter') // throws
 */
export function refuseEntityCondition(table: Table, owner: string, condition: Condition, role: string): void {
  const entity = entityOwning(table, condition.owners);
  if (entity === undefined) return;
  throw new ExpressionError(
    owner,
    '',
    `${role} is built by ${entity.name}.Attr, and a table-level read reads items of every entity: pass it as filter(${entity.name}, condition) to filter ${entity.name}'s items by it (items of other entities pass), or build it with ${table.name}.Attr on stored names`,
  );
}

/** The registered entity that built part of a condition; `undefined` when no part is an entity's. */
function entityOwning(table: Table, owners: readonly OwnedPath[]): EntityModel | undefined {
  for (const { owner } of owners) {
    for (const model of table.entities.values()) if (model.conditionOwner === owner) return model;
  }
  return undefined;
}
