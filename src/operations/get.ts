import type { GetCommandInput, GetCommandOutput } from '@aws-sdk/lib-dynamodb';
import { compileProjection } from '../expressions/compile.js';
import type { RequestOptions } from '../client/send.js';
import { sendDocumentRequest } from '../client/send-document-request.js';
import type { EntityModel } from '../entity/model.js';
import { Operation } from './operation.js';
import type { AttrPath } from '../entity/paths.js';
import type { Projected } from '../entity/projection-types.js';
import { contextFor, withPlaceholders } from './expression-input.js';

interface GetState {
  readonly key: Readonly<Record<string, unknown>>;
  readonly consistent: boolean;
  readonly projection: readonly string[] | undefined;
  readonly includeExpired?: boolean;
}

/**
 * `Entity.get(key)`: reads one item and parses it with the schema. Resolves to `undefined` when
 * there is no item, or when the stored item belongs to another entity.
 */
export class GetBuilder<Result> extends Operation<GetCommandInput, Result | undefined> {
  constructor(
    /** @internal */ readonly model: EntityModel,
    private readonly state: GetState,
  ) {
    super();
  }

  /**
   * Strongly consistent read (tables and local indexes only).
   *
   * @example const u = await User.get({ userId: 'u1' }).consistent()
   */
  consistent(on = true): GetBuilder<Result> {
    return new GetBuilder(this.model, { ...this.state, consistent: on });
  }

  /**
   * Also return an item whose TTL has passed but that DynamoDB has not deleted yet (by default such
   * an item reads as `undefined`).
   *
   * @example const session = await Session.get({ sessionId: 's1' }).includeExpired()
   */
  includeExpired(on = true): GetBuilder<Result> {
    return new GetBuilder(this.model, { ...this.state, includeExpired: on });
  }

  /**
   * Reads only these attributes, or document paths (`'address.city'`, `'lines[0].sku'`). Top-level
   * attributes make the result a `Pick`; paths make it the item cut down to them (`Projected`),
   * where a map is optional unless it is required and keeps a required field, and a list holds the
   * elements found, packed. Overlapping paths (`address` and `address.city`) are refused.
   *
   * @example const u = await User.get({ userId: 'u1' }).project('name', 'email') // Pick<User, 'name' | 'email'> | undefined
   * @example const u = await User.get({ userId: 'u1' }).project('name', 'address.city') // { name: string; address?: { city: string } } | undefined
   */
  project<const A extends keyof Result & string>(...attributes: [A, ...A[]]): GetBuilder<Pick<Result, A>>;
  project<const P extends AttrPath<Result>>(...paths: [P, ...P[]]): GetBuilder<Projected<Result, P>>;
  project(...paths: [string, ...string[]]): GetBuilder<unknown> {
    return this.projected(paths);
  }

  /** @internal `project()` without its types, for the builders that project many gets alike (batchGet). */
  projected<P>(paths: readonly string[]): GetBuilder<P> {
    return new GetBuilder<P>(this.model, { ...this.state, projection: this.model.projections.check(paths) });
  }

  /**
   * The `GetCommandInput` this builder sends, without sending it. A projection always also reads
   * the discriminator (and the TTL attribute unless `includeExpired()`), to drop other entities' and expired items.
   *
   * @example User.get({ userId: 'u1' }).build() // { TableName: 'App', Key: { pk: 'USER#u1', sk: 'PROFILE' } }
   */
  build(): GetCommandInput {
    return this.input([]);
  }

  /**
   * @internal the input of this read inside a BatchGetItem, whose results come back in any order:
   * a projection also reads the table's key attributes, to match items to keys.
   */
  batchInput(): GetCommandInput {
    return this.input(this.model.primaryKeyNames);
  }

  /** The input, with `extra` attributes read too when there is a projection (each attribute once). */
  private input(extra: readonly string[]): GetCommandInput {
    const m = this.model;
    const input: GetCommandInput = { TableName: m.table.name, Key: m.keys.primaryKey(this.state.key) };
    if (this.state.consistent) input.ConsistentRead = true;
    if (this.state.projection !== undefined && this.state.projection.length > 0) {
      const ctx = contextFor(m);
      // The discriminator is always read so items of another entity are never parsed as this one.
      // The schema version too (migrations): an item without it is one written before them; and
      // what the steps read, so an old item can be migrated.
      const owned = [...m.ownershipAttributes(this.state.includeExpired !== true), ...m.migrationAttributes(), ...(m.migrations?.readsFrom(undefined) ?? [])];
      // A key attribute may be a projected schema attribute itself (`pk: '{id}'`): DynamoDB
      // refuses a projection that names one path twice, and projectionPaths drops repeats.
      input.ProjectionExpression = compileProjection(m.projections.paths(this.state.projection, [...owned, ...extra]), ctx);
      withPlaceholders(input, ctx);
    }
    return input;
  }

  /**
   * @internal parses a raw item read for this builder (batch and transaction gets): `undefined`
   * for another entity's item or an expired one, as `get()` itself does.
   */
  parseItem(raw: Record<string, unknown>): Result | undefined {
    if (!this.model.owns(raw)) return undefined;
    if (this.state.includeExpired !== true && this.model.expired(raw, new Date())) return undefined;
    return this.model.parse(raw, this.state.projection) as Result;
  }

  /** @internal the action of a TransactGetItems call */
  transactItem(): { Get: GetCommandInput } {
    const { ConsistentRead: _c, ...input } = this.build();
    return { Get: input };
  }

  /**
   * Reads the item and parses it with the schema: `undefined` when there is none, or when the
   * stored item is another entity's or expired. A stored item the schema rejects throws `ItemParseError`.
   *
   * @example const u = await User.get({ userId: 'u1' }).send({ abortSignal: AbortSignal.timeout(1_000) })
   */
  async send(options?: RequestOptions): Promise<Result | undefined> {
    const out = await sendDocumentRequest<GetCommandOutput>(this.model.table.client, 'GetItem', this.model.name, this.build(), options?.abortSignal);
    return out.Item === undefined ? undefined : this.parseItem(out.Item);
  }
}
