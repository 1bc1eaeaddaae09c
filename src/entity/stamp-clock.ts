import type { TimestampNames } from './model.js';

/**
 * The `createdAt` / `updatedAt` values an entity's writes store. The ISO text is remembered for the
 * last millisecond: a batch stamps thousands of items within a few milliseconds, and formatting the
 * date was a sixth of building each put.
 *
 * @example new StampClock({ createdAt: 'createdAt', updatedAt: 'updatedAt' }).stamps(new Date(0)) // both '1970-01-01T00:00:00.000Z'
 */
export class StampClock {
  private lastMs = Number.NaN;
  private lastIso = '';

  constructor(private readonly timestamps: TimestampNames | undefined) {}

  /** Timestamps to write now, or `undefined` when the entity has none. */
  stamps(now: Date): Record<string, string> | undefined {
    const t = this.timestamps;
    if (t === undefined) return undefined;
    const iso = this.isoTime(now);
    return { [t.createdAt]: iso, [t.updatedAt]: iso };
  }

  /** `now.toISOString()`, remembered for the last millisecond. */
  isoTime(now: Date): string {
    const ms = now.getTime();
    if (ms !== this.lastMs) {
      this.lastIso = now.toISOString(); // throws RangeError on an invalid Date, as before
      this.lastMs = ms;
    }
    return this.lastIso;
  }
}
