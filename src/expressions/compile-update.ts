import type { SetValue, UpdateAction } from './ast.js';
import { formatDocPath, pathsOverlap } from './document-path.js';
import { ExpressionError } from '../errors.js';
import { checkExpressionLimits, updateOperators } from './expression-limits.js';
import { compileOperand, compilePath, placeValue, type CompileContext, type SetAttributeValue } from './compile.js';

/** A SET's value; `level` is the nesting level of its target path, where a literal (or a list appended) is stored. */
function compileSetValue(v: SetValue, ctx: CompileContext, at: string, level: number): string {
  switch (v.kind) {
    case 'path':
    case 'size':
      if (v.kind === 'size') throw new ExpressionError(ctx.entity, at, 'size() is not allowed in an update');
      return compileOperand(v, ctx, at);
    case 'value':
      return placeValue(v.value, ctx, at, level);
    case 'ifNotExists':
      return `if_not_exists(${compilePath(v.path, ctx)}, ${compileSetValue(v.fallback, ctx, at, level)})`;
    case 'listAppend':
      return `list_append(${compileSetValue(v.left, ctx, at, level)}, ${compileSetValue(v.right, ctx, at, level)})`;
    case 'arith': {
      if (v.left.kind === 'arith' || v.right.kind === 'arith') {
        throw new ExpressionError(ctx.entity, at, 'DynamoDB allows one + or - per value');
      }
      return `${compileSetValue(v.left, ctx, at, level)} ${v.op} ${compileSetValue(v.right, ctx, at, level)}`;
    }
  }
}

/**
 * Checks that no two actions touch the same path or a path and its parent, which DynamoDB
 * rejects ("Two document paths overlap"). Throws before anything is sent.
 */
export function assertNoPathConflicts(actions: readonly UpdateAction[], entity: string): void {
  for (let i = 0; i < actions.length; i++) {
    for (let j = i + 1; j < actions.length; j++) {
      const a = actions[i]!.path;
      const b = actions[j]!.path;
      if (pathsOverlap(a, b)) {
        const pa = formatDocPath(a);
        const pb = formatDocPath(b);
        throw new ExpressionError(
          entity,
          pa,
          pa === pb
            ? `updated twice in one update (${actions[i]!.kind} and ${actions[j]!.kind}); one action per path`
            : `overlaps with ${pb} in one update (a path and its parent cannot both change)`,
        );
      }
    }
  }
}

/** Two clauses of an update expression, either of which may be empty. */
const spaced = (a: string, b: string): string => (b === '' ? a : a === '' ? b : `${a} ${b}`);

/**
 * Compiles update actions into one `UpdateExpression` (`SET ... REMOVE ... ADD ... DELETE ...`,
 * each clause once, as DynamoDB requires).
 */
export function compileUpdate(actions: readonly UpdateAction[], ctx: CompileContext, sets?: SetAttributeValue[]): string {
  assertNoPathConflicts(actions, ctx.entity);
  // Each clause's text built as its actions are met (in order, as their placeholders are numbered):
  // an array per clause and join() cost more than the strings on every update.
  let set = '';
  let remove = '';
  let add = '';
  let del = '';
  for (const a of actions) {
    const at = formatDocPath(a.path);
    const target = compilePath(a.path, ctx);
    switch (a.kind) {
      case 'set': {
        const top = sets !== undefined && a.path.length === 1 && a.value.kind === 'value';
        set += `${set === '' ? 'SET ' : ', '}${target} = ${top ? placeValue(a.value.value, ctx, at, 1, { name: String(a.path[0]), into: sets }) : compileSetValue(a.value, ctx, at, a.path.length)}`;
        break;
      }
      case 'remove':
        remove += `${remove === '' ? 'REMOVE ' : ', '}${target}`;
        break;
      case 'add':
        add += `${add === '' ? 'ADD ' : ', '}${target} ${placeValue(a.value, ctx, at)}`;
        break;
      case 'delete':
        del += `${del === '' ? 'DELETE ' : ', '}${target} ${placeValue(a.value, ctx, at)}`;
        break;
    }
  }
  const expression = spaced(spaced(spaced(set, remove), add), del);
  if (expression === '') throw new ExpressionError(ctx.entity, '', 'update has no actions');
  checkExpressionLimits(ctx.entity, 'update', expression, updateOperators(actions), ctx.ph);
  return expression;
}

