/**
 * The transaction action of a builder whose payload depends on the time (timestamps, an expiry
 * test): built at the caller's `now` when one is given, else at the time of the call, except that a
 * retry under the idempotency token of an earlier call gets the action built then: DynamoDB replays
 * a token only with the same payload.
 *
 * @example private readonly replay = new ReplayedAction((now) => ({ Delete: this.prepare(now) }));
 */
export class ReplayedAction<Action> {
  /**
   * The actions built for the latest idempotency tokens, oldest first. More than the last one: a
   * builder shared by several transactions (a check every request adds) is sent under another
   * token in between, and the retry of an earlier request must still send what that request sent.
   * Made at the first token: every builder (each step of a chain too) has a `ReplayedAction`, and
   * most are never sent in a transaction.
   */
  private byToken: Map<string, Action> | undefined;

  constructor(private readonly build: (now: Date) => Action) {}

  /** The action for a transaction sent with `token` (if any), at `now` (if given). */
  action(token: string | undefined, now: Date | undefined): Action {
    if (now !== undefined) return this.build(now);
    const known = token === undefined ? undefined : this.byToken?.get(token);
    if (known !== undefined) return known;
    const action = this.build(new Date());
    if (token !== undefined) {
      const byToken = (this.byToken ??= new Map<string, Action>());
      // Bounded: a builder reused for every request keeps the tokens of those a retry may follow.
      if (byToken.size >= REMEMBERED_TOKENS) byToken.delete(byToken.keys().next().value!);
      byToken.set(token, action);
    }
    return action;
  }
}

/** How many tokens a builder remembers its action for (DynamoDB remembers a token for 10 minutes). */
const REMEMBERED_TOKENS = 32;
