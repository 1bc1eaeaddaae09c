import { KeyError, ValidationError, type ValidationIssue } from '../errors.js';
import { isIsoText } from './key-encoding.js';
import type { StampClock } from './stamp-clock.js';

/** An entity's timestamp attributes and how they are stored. */
export interface TimestampNames {
  readonly createdAt: string;
  readonly updatedAt: string;
  /** How both are stored (`timestamps: { format }`; `true` is `'iso'`). */
  readonly format: TimestampFormat;
}

/** How an entity's `createdAt` / `updatedAt` are stored: ISO-8601 text, or whole epoch milliseconds or seconds. */
export type TimestampFormat = 'iso' | 'epochMs' | 'epochSeconds';

const FORMATS: readonly TimestampFormat[] = ['iso', 'epochMs', 'epochSeconds'];

/**
 * Epoch seconds stay below 1e11 until the year 5138, and epoch milliseconds are above it since
 * March 1973: a given time on the wrong side was written in the other unit (`Date.now()` for an
 * entity in seconds), which would store a time 1000 times too far or too near.
 */
const SECONDS_LIMIT = 1e11;
/** The largest time a `Date` holds, in milliseconds. */
const MAX_DATE_MS = 8.64e15;

/**
 * The entity's timestamps from `defineEntity`'s `timestamps` (`true` or `{ format }`), `undefined`
 * without. An unknown format is a `KeyError`: stamping in a guessed unit would store wrong times.
 *
 * @example timestampNames('User', { format: 'epochMs' }) // { createdAt: 'createdAt', updatedAt: 'updatedAt', format: 'epochMs' }
 */
export function timestampNames(entity: string, option: unknown): TimestampNames | undefined {
  if (option === undefined || option === false) return undefined;
  const format = option === true ? 'iso' : option !== null && typeof option === 'object' ? ((option as { format?: unknown }).format ?? 'iso') : undefined;
  if (!FORMATS.includes(format as TimestampFormat)) {
    throw new KeyError(entity, '', 'timestamps', `timestamps must be true or { format: 'iso' | 'epochMs' | 'epochSeconds' }, got ${JSON.stringify(option)}`);
  }
  return { createdAt: 'createdAt', updatedAt: 'updatedAt', format: format as TimestampFormat };
}

/** Why `value` is not a time the format stores, `undefined` when it is one. */
function stampProblem(format: TimestampFormat, value: unknown): string | undefined {
  if (format === 'iso') {
    if (typeof value !== 'string' || !isIsoText(value, false) || new Date(value).toISOString() !== value) {
      return `must be an ISO-8601 time as Date.prototype.toISOString() writes it ('2024-06-01T12:00:00.000Z') or a Date, got ${JSON.stringify(value)}`;
    }
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) return `must be whole epoch ${format === 'epochMs' ? 'milliseconds' : 'seconds'} (an integer) or a Date, got ${String(value)}`;
  if (value < 0) return `must be a time after 1970 as epoch ${format === 'epochMs' ? 'milliseconds' : 'seconds'} (or a Date), got ${value}`;
  if (format === 'epochSeconds' && value >= SECONDS_LIMIT) {
    return `must be epoch seconds (below 1e11, the year 5138): ${value} looks like milliseconds; the entity stores seconds (Math.floor(ms / 1000))`;
  }
  if (format === 'epochMs' && value < SECONDS_LIMIT) {
    return `must be epoch milliseconds (from 1e11, March 1973; give an earlier time as a Date): ${value} looks like seconds; the entity stores milliseconds`;
  }
  if (value > MAX_DATE_MS) return `is beyond the last time a Date holds (8.64e15 ms), got ${value}`;
  return undefined;
}

/**
 * A stored stamp of the other type than the entity's format takes (ISO text where it stores
 * numbers, or the reverse), in the entity's format, as an entity that changed its format reads the
 * items stamped before. Epoch numbers are told apart by size (`SECONDS_LIMIT`). `undefined` for a
 * value that is no time. (A number read by an entity in epoch numbers is taken as it is: whether it
 * was seconds or milliseconds before 1973 is not known.)
 *
 * @example stampIn('epochMs', '2024-06-01T00:00:00.000Z') // 1717200000000
 */
export function stampIn(format: TimestampFormat, stored: unknown): string | number | undefined {
  const ms =
    typeof stored === 'string' && isIsoText(stored, false) ? Date.parse(stored) : typeof stored === 'number' && Number.isSafeInteger(stored) ? (Math.abs(stored) < SECONDS_LIMIT ? stored * 1000 : stored) : Number.NaN;
  if (Number.isNaN(ms) || Math.abs(ms) > MAX_DATE_MS) return undefined;
  return format === 'iso' ? new Date(ms).toISOString() : format === 'epochMs' ? ms : Math.floor(ms / 1000);
}

/** True for a value the format stores (a versioned put keeps such a `createdAt` it read). */
export function isStamp(format: TimestampFormat, value: unknown): boolean {
  return stampProblem(format, value) === undefined;
}

/** A stored time in milliseconds, to order two of them. */
function stampMs(format: TimestampFormat, value: string | number): number {
  return format === 'iso' ? Date.parse(value as string) : format === 'epochMs' ? (value as number) : (value as number) * 1000;
}

/**
 * `stamps` (the times a write would store) with the times a caller gave on purpose
 * (`put(...).withTimestamps({ createdAt, updatedAt })`: an import or migration keeping its history).
 * Each given time must be a `Date` or a value in the entity's stored format; a name other than the
 * two, an `undefined` value, or an `updatedAt` before the `createdAt`, is a `ValidationError`: a
 * typo must not store a wrong time (or the write's) unnoticed.
 */
export function withGivenStamps(
  entity: string,
  names: TimestampNames | undefined,
  clock: StampClock,
  stamps: Readonly<Record<string, unknown>> | undefined,
  given: unknown,
): Record<string, unknown> {
  if (names === undefined || stamps === undefined) {
    throw new ValidationError(entity, [{ path: 'createdAt', message: `withTimestamps() needs an entity with timestamps; ${entity} has none (timestamps: true in defineEntity)` }]);
  }
  if (given === null || typeof given !== 'object') {
    throw new ValidationError(entity, [{ path: '', message: `withTimestamps() takes { createdAt?, updatedAt? }, got ${given === null ? 'null' : typeof given}` }]);
  }
  const issues: ValidationIssue[] = [];
  const out: Record<string, unknown> = { ...stamps };
  for (const [name, value] of Object.entries(given)) {
    if (name !== names.createdAt && name !== names.updatedAt) {
      issues.push({ path: name, message: `is not a timestamp: withTimestamps() takes ${names.createdAt} and ${names.updatedAt}` });
      continue;
    }
    // Most likely read from a field that is not there (`row.created_at` for `row.createdAt`).
    if (value === undefined) {
      issues.push({ path: name, message: "is undefined: leave it out for the write's own time" });
      continue;
    }
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) issues.push({ path: name, message: 'is an invalid Date' });
      else out[name] = clock.time(value);
      continue;
    }
    const problem = stampProblem(names.format, value);
    if (problem !== undefined) issues.push({ path: name, message: problem });
    else out[name] = value;
  }
  const created = out[names.createdAt] as string | number;
  const updated = out[names.updatedAt] as string | number;
  if (issues.length === 0 && stampMs(names.format, updated) < stampMs(names.format, created)) {
    issues.push({ path: names.updatedAt, message: `(${String(updated)}) is before ${names.createdAt} (${String(created)})` });
  }
  if (issues.length > 0) throw new ValidationError(entity, issues);
  return out;
}
