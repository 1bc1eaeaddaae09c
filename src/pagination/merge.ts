/**
 * Merges async iterables into one, running at most `concurrency` of them at a time and
 * yielding values in arrival order. Stopping early (break/return) stops every source.
 */
export async function* mergeAsync<T>(sources: readonly (() => AsyncIterator<T>)[], concurrency: number): AsyncGenerator<T> {
  const pending = [...sources];
  const running = new Map<AsyncIterator<T>, Promise<{ it: AsyncIterator<T>; r: IteratorResult<T> }>>();
  const start = (): void => {
    while (running.size < concurrency && pending.length > 0) {
      const it = pending.shift()!();
      running.set(it, it.next().then((r) => ({ it, r })));
    }
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
      running.set(it, it.next().then((x) => ({ it, r: x })));
      yield r.value;
    }
  } finally {
    // Requests still in flight after an early stop must not surface as unhandled rejections.
    for (const p of running.values()) p.catch(() => undefined);
    await Promise.allSettled([...running.keys()].map((it) => it.return?.()));
  }
}
