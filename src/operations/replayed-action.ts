/**
 * The transaction action of a builder whose payload depends on the time (timestamps, an expiry
 * test): built at the caller's `now` when one is given, else at the time of the call, except that a
 * retry under the idempotency token of an earlier call gets the action built then: DynamoDB replays
 * a token only with the same payload.
 *
 * @example private readonly replay = new ReplayedAction((now) => ({ Delete: this.prepare(now) }));
 */
export class ReplayedAction<Action> {
  /** The action last built for an idempotency token, and that token. */
  private last: { readonly token: string; readonly action: Action } | undefined;

  constructor(private readonly build: (now: Date) => Action) {}

  /** The action for a transaction sent with `token` (if any), at `now` (if given). */
  action(token: string | undefined, now: Date | undefined): Action {
    if (now !== undefined) return this.build(now);
    if (token !== undefined && this.last?.token === token) return this.last.action;
    const action = this.build(new Date());
    if (token !== undefined) this.last = { token, action };
    return action;
  }
}
