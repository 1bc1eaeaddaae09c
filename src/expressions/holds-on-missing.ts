import type { ConditionNode, Operand } from './ast.js';
import { ExpressionError } from '../errors.js';

/**
 * Whether a condition holds on a missing item, as DynamoDB judges it: against an empty item, where
 * every attribute is absent, the key attributes too (checked against DynamoDB Local for every node
 * kind: test/integration/check-guards.test.ts). A check, and a conditional write's where(), use it
 * to judge an expired item (and a check another entity's item) as the missing item its entity's
 * reads show there, without sending anything.
 *
 * - `attribute_not_exists` holds, `attribute_exists` and `attribute_type` do not;
 * - a comparison with an absent attribute or its `size()` (on either side, both included) holds for `<>` only;
 * - `BETWEEN`, `IN`, `begins_with` and `contains` on an absent attribute do not hold;
 * - `AND`, `OR` and `NOT` are two-valued: `NOT (x = :v)` holds, as `x <> :v` does.
 *
 * A comparison, `BETWEEN` or `IN` whose first operand is a value reads the item only through its
 * other operands, if at all (DynamoDB judges `:a IN (#x, :a)` by its values); no builder makes one,
 * so a hand-built one is an `ExpressionError` naming `entity` rather than an answer guessed.
 *
 * @example holdsOnMissingItem(User.Attr('deletedAt').notExists().node, 'User') // true
 * @example holdsOnMissingItem(User.Attr('age').gte(18).node, 'User') // false
 */
export function holdsOnMissingItem(node: ConditionNode, entity: string): boolean {
  switch (node.kind) {
    case 'compare':
      readsItem(node.left, entity);
      return node.op === '<>';
    case 'between':
    case 'in':
      readsItem(node.operand, entity);
      return false;
    case 'beginsWith':
    case 'contains':
    case 'type':
      return false;
    case 'exists':
      return node.negate;
    case 'and':
      return node.children.every((c) => holdsOnMissingItem(c, entity));
    case 'or':
      return node.children.some((c) => holdsOnMissingItem(c, entity));
    case 'not':
      return !holdsOnMissingItem(node.child, entity);
    case 'scoped':
      return holdsOnMissingItem(node.child, entity);
  }
}

/** The first operand of a comparison, BETWEEN or IN is an attribute or its size(), as every builder makes it. */
function readsItem(subject: Operand, entity: string): void {
  if (subject.kind !== 'value') return;
  throw new ExpressionError(entity, '', 'a condition whose first operand is a value (not an attribute or its size()) cannot be judged on a missing item, as a check or a conditional write judges another entity\'s item or an expired one; build it with Attr(...), which puts the attribute first');
}
