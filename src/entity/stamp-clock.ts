import type { TimestampNames } from './timestamps.js';

/**
 * The `createdAt` / `updatedAt` values an entity's writes store, in its format (`TimestampNames`).
 * The ISO text is remembered for the last millisecond: a batch stamps thousands of items within a
 * few milliseconds, and formatting the date was a sixth of building each put.
 *
 * @example new StampClock({ createdAt: 'createdAt', updatedAt: 'updatedAt', format: 'iso' }).stamps(new Date(0)) // both '1970-01-01T00:00:00.000Z'
 */
export class StampClock {
  private lastMs = Number.NaN;
  private lastIso = '';

  constructor(private readonly timestamps: TimestampNames | undefined) {}

  /** Timestamps to write now, or `undefined` when the entity has none. */
  stamps(now: Date): Record<string, string | number> | undefined {
    const t = this.timestamps;
    if (t === undefined) return undefined;
    const time = t.format === 'iso' ? this.isoTime(now) : epochTime(now, t.format);
    return { [t.createdAt]: time, [t.updatedAt]: time };
  }

  /** `now` as the entity's timestamps store it (ISO-8601 text, or epoch milliseconds or seconds). */
  time(now: Date): string | number {
    const format = this.timestamps?.format ?? 'iso';
    return format === 'iso' ? this.isoTime(now) : epochTime(now, format);
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

/** Whole epoch milliseconds or seconds of `now`; a `RangeError` for an invalid Date, as `toISOString` throws. */
function epochTime(now: Date, format: 'epochMs' | 'epochSeconds'): number {
  const ms = now.getTime();
  if (Number.isNaN(ms)) throw new RangeError('Invalid time value');
  return format === 'epochMs' ? ms : Math.floor(ms / 1000);
}
