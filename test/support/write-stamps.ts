import { expect } from 'vitest';

/** An item's `createdAt` / `updatedAt` as ISO text. */
export type Stamps = { createdAt: string; updatedAt: string };

/**
 * Checks the timestamps a model-based test reads back for item `key` against what its last command
 * did to it (`kind`: `created` sets both to the write's time in [t0, t1], any other write kind sets
 * `updatedAt` and keeps `createdAt`, `undefined` (not written) keeps both), then records them in
 * `stamps` for the next command.
 *
 * @example checkStamps(runner.stamps, 'P:a', item, writes.get('P:a'), t0, t1)
 */
export function checkStamps(stamps: Map<string, Stamps>, key: string, item: Stamps, kind: string | undefined, t0: number, t1: number): void {
  const before = stamps.get(key);
  const within = (iso: string): boolean => Date.parse(iso) >= t0 - 2 && Date.parse(iso) <= t1 + 2;
  if (kind === undefined) {
    expect(item, `${key} was not written: its timestamps stay`).toEqual(expect.objectContaining(before ?? {}));
  } else {
    expect(within(item.updatedAt), `${key} updatedAt ${item.updatedAt} in [${t0}, ${t1}]`).toBe(true);
    if (kind === 'created') expect(within(item.createdAt), `${key} createdAt ${item.createdAt} is new`).toBe(true);
    else expect(item.createdAt, `${key} keeps its createdAt`).toBe(before?.createdAt);
  }
  stamps.set(key, { createdAt: item.createdAt, updatedAt: item.updatedAt });
}
