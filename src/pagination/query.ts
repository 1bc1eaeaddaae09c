import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { KeyCondition } from '../expressions/key-condition.js';
import { compileCondition, type CompileContext } from '../expressions/compile.js';
import { keyConditionRefinement, planKeyCondition } from '../entity/key-condition-plan.js';
import { Condition } from '../expressions/condition.js';
import { EntityReadBuilder, type ReadState } from './read-builder.js';
import type { AttrPath } from '../entity/paths.js';
import type { Projected } from '../entity/projection-types.js';
import type { CursorBounds } from './cursor-bounds.js';
import { conditionAttributes } from '../expressions/condition-attributes.js';
import { checkFilterOffKeys } from './index-projection.js';

interface QueryState extends ReadState {
  readonly key: KeyCondition;
  readonly reverse: boolean;
}

/**
 * `Entity.query(index, keyCondition)`: reads the entity's items from one index. Awaiting it
 * returns one page `{ items, cursor? }`; `for await` walks items across pages; `.pages()` walks
 * pages; `.all()` collects. Only items of this entity are returned.
 *
 * @example
 * const page = await User.query('gsi1', User.Key('orgId').eq('acme')).filter(User.Attr('age').gte(18)).limit(50)
 */
export class QueryBuilder<Result> extends EntityReadBuilder<Result, QueryState> {
  protected with(patch: Partial<QueryState>): this {
    return new QueryBuilder<Result>(this.model, { ...this.state, ...patch }) as this;
  }

  protected baseInput(ctx: CompileContext): Record<string, unknown> {
    this.checkFilterKeys();
    const input: Record<string, unknown> = {
      KeyConditionExpression: compileCondition(planKeyCondition(this.model, this.state.index, this.state.key, (a) => this.canFilterOn(a)), ctx),
    };
    if (this.state.reverse) input.ScanIndexForward = false;
    return input;
  }

  protected readonly kind = 'Query';

  /** A filter on the queried index's own key attributes (self keys, multi-attribute key parts): see `checkFilterOffKeys`. */
  private checkFilterKeys(): void {
    const filter = this.state.filter;
    if (filter === undefined) return;
    checkFilterOffKeys(this.model.name, this.index, conditionAttributes(filter.node), this.model.storedName);
  }

  protected override keyFilter(): Condition | undefined {
    const node = keyConditionRefinement(this.model, this.state.index, this.state.key, (a) => this.canFilterOn(a));
    return node === undefined ? undefined : new Condition(node);
  }

  protected override descending(): boolean {
    return this.state.reverse;
  }

  protected override cursorBounds(): CursorBounds {
    // The condition as sent (widened ranges included): DynamoDB checks the start key against it.
    const keyCondition = planKeyCondition(this.model, this.state.index, this.state.key, (a) => this.canFilterOn(a));
    return { keyCondition, partitionKey: this.index.partitionKey.name };
  }

  /**
   * Reads only these attributes, or document paths (`'address.city'`, `'lines[0].sku'`): a `Pick`
   * for top-level attributes, the item cut down to the paths (`Projected`) for paths, as `get().project()`.
   *
   * @example await User.query('gsi1', User.Key('orgId').eq('acme')).project('name', 'email') // Page<Pick<User, 'name' | 'email'>>
   */
  project<const A extends keyof Result & string>(...attributes: [A, ...A[]]): QueryBuilder<Pick<Result, A>>;
  project<const P extends AttrPath<Result>>(...paths: [P, ...P[]]): QueryBuilder<Projected<Result, P>>;
  project(...paths: [string, ...string[]]): QueryBuilder<unknown> {
    return new QueryBuilder<unknown>(this.model, { ...this.state, projection: this.model.projections.check(paths) });
  }

  /**
   * Descending sort-key order.
   *
   * @example await Order.query('primary', Order.Key('userId').eq('u1')).reverse().limit(10)
   */
  reverse(on = true): this {
    return this.with({ reverse: on });
  }

  /**
   * The `QueryCommandInput` of the first request. For a `hydrate()`d query that is the index read
   * (keys only); the item reads that follow depend on its results.
   *
   * @example const input = User.query('gsi1', User.Key('orgId').eq('acme')).limit(10).build()
   */
  build(): QueryCommandInput {
    return this.buildInput(true) as unknown as QueryCommandInput;
  }
}
