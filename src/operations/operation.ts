import type { RequestOptions } from '../client/send.js';

/**
 * Base of every operation builder: immutable configuration, `.build()` for the exact SDK
 * command input, and awaiting sends the request (the builder is a thenable).
 */
export abstract class Operation<Input, Result> implements PromiseLike<Result> {
  /** The exact SDK command input this builder sends, without sending it. */
  abstract build(): Input;

  /**
   * Sends the request and parses the response; awaiting the builder does the same. Per-call
   * options (an `abortSignal`) go here, not on the builder, so no later builder step can drop them.
   *
   * @example await User.put(item).send({ abortSignal: AbortSignal.timeout(2_000) })
   */
  abstract send(options?: RequestOptions): Promise<Result>;

  /**
   * Makes the builder awaitable: `await builder` sends it (as `send()` without options), so each
   * `await` sends another request.
   *
   * @example const u = await User.get({ userId: 'u1' })
   */
  then<A = Result, B = never>(
    onfulfilled?: ((value: Result) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.send().then(onfulfilled, onrejected);
  }

  /**
   * Sends the request (as `send()`) and handles its rejection, like `Promise.catch`.
   *
   * @example await User.create(user).catch((e) => { if (!(e instanceof ConditionFailedError)) throw e })
   */
  catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<Result | B> {
    return this.send().catch(onrejected);
  }
}
