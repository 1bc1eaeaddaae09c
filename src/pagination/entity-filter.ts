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
 * @example entityFilter(AppTable, 'table App', User.model, User.Attr('age').gt(18))
 */
export function entityFilter(table: Table, owner: string, model: EntityModel, condition: unknown): Condition {
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
 * The registered entity that built part of a condition given to a table-level read's `filter()`,
 * to name the call that takes it (`filter(User, ...)`); `undefined` when no part is an entity's.
 */
export function entityOwning(table: Table, owners: readonly OwnedPath[]): EntityModel | undefined {
  for (const { owner } of owners) {
    for (const model of table.entities.values()) if (model.conditionOwner === owner) return model;
  }
  return undefined;
}
