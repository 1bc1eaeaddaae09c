import { eitherSignal, type AnyDynamoClient, type RequestOptions } from '../client/send.js';
import type { GetBuilder } from '../operations/get.js';
import type { AttrPath } from '../entity/paths.js';
import type { Projected } from '../entity/projection-types.js';
import { batchGetAll, type BatchGetOptions } from './batch-get.js';

/**
 * `Entity.batchGet(keys)`: reads many items of one entity, in the order of `keys` (`undefined`
 * for missing ones). Awaiting it sends; `.consistent()` and `.project(...)` apply to every key.
 *
 * @example const [a, b] = await User.batchGet([{ userId: 'u1' }, { userId: 'u2' }]).project('name')
 */
export class EntityBatchGet<Result> implements PromiseLike<(Result | undefined)[]> {
  constructor(
    private readonly client: AnyDynamoClient,
    private readonly builders: readonly GetBuilder<Result>[],
    private readonly options: BatchGetOptions = {},
  ) {}

  /**
   * Strongly consistent reads for every key.
   *
   * @example await User.batchGet(keys).consistent()
   */
  consistent(on = true): EntityBatchGet<Result> {
    return new EntityBatchGet(this.client, this.builders.map((b) => b.consistent(on)), this.options);
  }

  /**
   * Reads only these attributes, or document paths (`'address.city'`), of every item: a `Pick` for
   * top-level attributes, the item cut down to the paths (`Projected`) for paths, as `get().project()`.
   *
   * @example const users = await User.batchGet(keys).project('name', 'email') // (Pick<User, 'name' | 'email'> | undefined)[]
   */
  project<const A extends keyof Result & string>(...attributes: [A, ...A[]]): EntityBatchGet<Pick<Result, A>>;
  project<const P extends AttrPath<Result>>(...paths: [P, ...P[]]): EntityBatchGet<Projected<Result, P>>;
  project(...paths: [string, ...string[]]): EntityBatchGet<unknown> {
    return new EntityBatchGet<unknown>(this.client, this.builders.map((b) => b.projected<unknown>(paths)), this.options);
  }

  /**
   * Retry and concurrency settings and an `abortSignal`: `maxAttempts` (default 10, counted per
   * call of up to 100 keys and restarted when a retry makes progress), `baseDelayMs` (50),
   * `maxDelayMs` (5,000), `concurrency` (4 calls in flight). They replace an earlier `with()`'s,
   * and are checked when the batch is sent.
   *
   * @example await User.batchGet(keys).with({ concurrency: 2, maxAttempts: 5 })
   */
  with(options: BatchGetOptions): EntityBatchGet<Result> {
    return new EntityBatchGet(this.client, this.builders, options);
  }

  /**
   * Sends the reads; `options` (an `abortSignal`) add to those given by `with()`: either signal cancels.
   * Throws BatchGetError when keys are still unprocessed (or throttled) after the retries; other
   * errors pass through.
   *
   * @example await User.batchGet(keys).send({ abortSignal: AbortSignal.timeout(5_000) })
   */
  async send(options?: RequestOptions): Promise<(Result | undefined)[]> {
    // Spreading would let send()'s signal (even an `undefined` one) replace with()'s, silently.
    const abortSignal = eitherSignal(this.options.abortSignal, options?.abortSignal);
    const all = abortSignal === this.options.abortSignal ? this.options : { ...this.options, abortSignal };
    return (await batchGetAll(this.client, this.builders, all)) as (Result | undefined)[];
  }

  /**
   * Makes the batch get awaitable: `await` sends it, as `send()` without options.
   *
   * @example const [a, b] = await User.batchGet([{ userId: 'u1' }, { userId: 'u2' }])
   */
  then<A = (Result | undefined)[], B = never>(
    onfulfilled?: ((value: (Result | undefined)[]) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.send().then(onfulfilled, onrejected);
  }
}
