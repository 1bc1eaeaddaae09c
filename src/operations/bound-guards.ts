import { Condition } from '../expressions/condition.js';
import type { UpdateAction } from '../expressions/ast.js';
import type { EntityModel } from '../entity/model.js';
import { lengthBoundGuards } from './length-bounds.js';
import { numberBoundGuards } from './number-bounds.js';
import { unionGuardConditions, type UnionGuard } from './union-guards.js';

/**
 * The conditions that keep the schema's length and number bounds of results DynamoDB computes from
 * stored values, and the union tags nested changes inside union attributes need.
 */
export function boundGuards(m: EntityModel, plan: { actions: readonly UpdateAction[]; guards: readonly UnionGuard[] }): { condition: Condition | undefined; checks: string[] } {
  const lengths = lengthBoundGuards(m, plan.actions);
  const numbers = numberBoundGuards(m, plan.actions);
  const unions = unionGuardConditions(plan.guards);
  const nodes = [...unions.nodes, ...numbers.nodes];
  const checks = [...unions.checks, ...lengths.checks, ...numbers.checks];
  if (nodes.length === 0) return { condition: lengths.condition, checks };
  const n = new Condition(nodes.length === 1 ? nodes[0]! : { kind: 'and', children: nodes });
  return { condition: lengths.condition === undefined ? n : lengths.condition.and(n), checks };
}
