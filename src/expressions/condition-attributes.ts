import type { ConditionNode, Operand } from './ast.js';

function addOperand(o: Operand, out: Set<string>): void {
  if (o.kind !== 'value') out.add(String(o.path[0]));
}

/**
 * The top-level attributes a condition reads (`address.city` reads `address`; an entity's part
 * inside a table-level condition, by their stored names), so a read can be
 * checked against what an index holds before it is sent.
 *
 * @example conditionAttributes(Attr('age').gt(1).and(Attr('a.b').exists()).node) // Set { 'age', 'a' }
 */
export function conditionAttributes(node: ConditionNode, out = new Set<string>()): Set<string> {
  switch (node.kind) {
    case 'compare':
      addOperand(node.left, out);
      addOperand(node.right, out);
      break;
    case 'between':
      addOperand(node.operand, out);
      addOperand(node.low, out);
      addOperand(node.high, out);
      break;
    case 'in':
      addOperand(node.operand, out);
      for (const v of node.values) addOperand(v, out);
      break;
    case 'beginsWith':
    case 'contains':
      out.add(String(node.path[0]));
      addOperand(node.kind === 'beginsWith' ? node.prefix : node.operand, out);
      break;
    case 'exists':
    case 'type':
      out.add(String(node.path[0]));
      break;
    case 'and':
    case 'or':
      for (const c of node.children) conditionAttributes(c, out);
      break;
    case 'not':
      conditionAttributes(node.child, out);
      break;
    case 'scoped': {
      // An entity's part names its fields: the attributes read are their stored names.
      const storedName = node.scope.storedName;
      for (const a of conditionAttributes(node.child)) out.add(storedName === undefined ? a : storedName(a));
      break;
    }
  }
  return out;
}
