import type { ConditionNode, Operand } from './ast.js';

/**
 * Whether a condition holds on a missing item, as DynamoDB judges it: against an empty item, where
 * every attribute is absent, the key attributes too (checked against DynamoDB Local for every node
 * kind: test/integration/check-guards.test.ts). A check uses it to judge another entity's item, or
 * an expired one, as the missing item its entity's reads show there, without sending anything.
 *
 * - `attribute_not_exists` holds, `attribute_exists` and `attribute_type` do not;
 * - a comparison with an absent attribute or its `size()` on either side holds for `<>` only;
 * - `BETWEEN`, `IN`, `begins_with` and `contains` on an absent attribute do not hold;
 * - `AND`, `OR` and `NOT` are two-valued: `NOT (x = :v)` holds, as `x <> :v` does.
 *
 * @example holdsOnMissingItem(User.Attr('deletedAt').notExists().node) // true
 * @example holdsOnMissingItem(User.Attr('age').gte(18).node) // false
 */
export function holdsOnMissingItem(node: ConditionNode): boolean {
  switch (node.kind) {
    case 'compare':
      return compareHolds(node.op, node.left, node.right);
    case 'between':
    case 'in':
    case 'beginsWith':
    case 'contains':
    case 'type':
      return false;
    case 'exists':
      return node.negate;
    case 'and':
      return node.children.every(holdsOnMissingItem);
    case 'or':
      return node.children.some(holdsOnMissingItem);
    case 'not':
      return !holdsOnMissingItem(node.child);
    case 'scoped':
      return holdsOnMissingItem(node.child);
  }
}

/**
 * A comparison that reads the item (a path or `size()` on one side) meets an absent attribute:
 * DynamoDB takes it for unequal to anything and in no order with anything. The builders always
 * put the attribute on the left; one between two values reads no item, which nothing builds.
 */
function compareHolds(op: string, left: Operand, right: Operand): boolean {
  if (left.kind === 'value' && right.kind === 'value') {
    throw new TypeError('holdsOnMissingItem: a comparison of two values reads no attribute; the builders never make one');
  }
  return op === '<>';
}
