/**
 * Merges async iterables into one, running at most `concurrency` of them at a time and
 * yielding values in arrival order. Stopping early (break/return, or a source that failed) stops
 * every source: `stop` is called first, while sources are still running, and must make their
 * pending steps settle soon (abort their requests); without it, the merge would wait for them.
 */
export async function* mergeAsync<T>(sources: readonly (() => AsyncIterator<T>)[], concurrency: number, stop?: () => void): AsyncGenerator<T> {
  const pending = [...sources];
  const running = new Map<AsyncIterator<T>, Promise<{ it: AsyncIterator<T>; r: IteratorResult<T> }>>();
  // A source's next step runs while we are suspended at `yield` (the consumer busy with a value),
  // and nothing awaits it until the next race: if it fails then (an abort does), the rejection is
  // unhandled, which crashes Node. Marking it handled here keeps it for the race to report.
  const step = (it: AsyncIterator<T>): void => {
    const p = it.next().then((r) => ({ it, r }));
    p.catch(() => undefined);
    running.set(it, p);
  };
  const start = (): void => {
    while (running.size < concurrency && pending.length > 0) step(pending.shift()!());
  };
  try {
    start();
    while (running.size > 0) {
      const { it, r } = await Promise.race(running.values());
      if (r.done === true) {
        running.delete(it);
        start();
        continue;
      }
      step(it);
      yield r.value;
    }
  } finally {
    // A running generator's return() is queued behind its pending next(): it resolves only once
    // that step settles, so the steps in flight are cut short first.
    if (running.size > 0) stop?.();
    await Promise.allSettled([...running.keys()].map((it) => it.return?.()));
  }
}
