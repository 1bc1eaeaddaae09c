import type { z } from 'zod';
import { ExpressionError } from '../errors.js';
import type { DocPath } from '../expressions/ast.js';
import { formatDocPath } from '../expressions/document-path.js';
import { schemaAt } from './path-schemas.js';
import { coreType } from './schema-walk.js';
import type { TimestampFormat } from './timestamps.js';
import type { TimestampNames } from './timestamps.js';

const FORM_WORDS: Readonly<Record<TimestampFormat, string>> = { iso: 'ISO-8601 text', epochMs: 'epoch milliseconds', epochSeconds: 'epoch seconds' };

/**
 * How an entity stores times along its paths: the TTL attribute as epoch seconds, the timestamps in
 * their format, every other Date as ISO-8601 text. A copy (`ref()`) or comparison of two attributes
 * must not mix two forms (numbers with strings, or seconds with milliseconds).
 *
 * @example new TimeForms('Session', schema, 'expiresAt', undefined).storedAlike(['expiresAt'], ['startedAt']) // false
 */
export class TimeForms {
  constructor(
    private readonly entity: string,
    private readonly schema: z.ZodObject | z.ZodUnion,
    private readonly ttl: string | undefined,
    private readonly timestamps: TimestampNames | undefined,
  ) {}

  /** True for the TTL attribute itself, stored as epoch seconds (a number) though the schema says Date. */
  isTtlPath(path: DocPath): boolean {
    return this.ttl !== undefined && path.length === 1 && path[0] === this.ttl;
  }

  /** Whether the values at two paths are stored alike (either holds no time, or both the same form). */
  storedAlike(a: DocPath, b: DocPath): boolean {
    if (this.ttl === undefined && this.timestamps === undefined) return true;
    const aTime = this.timeForm(a);
    const bTime = this.timeForm(b);
    return aTime === undefined || bTime === undefined || aTime === bTime;
  }

  /** Throws the `ExpressionError` of a comparison of two paths not `storedAlike`, naming both forms. */
  assertComparable(a: DocPath, b: DocPath): void {
    if (!this.storedAlike(a, b)) {
      const form = (p: DocPath): string => FORM_WORDS[this.timeForm(p)!];
      throw new ExpressionError(this.entity, formatDocPath(a), `cannot be compared with ${formatDocPath(b)}: one stores its time as ${form(a)}, the other as ${form(b)}`);
    }
  }

  /** How the time at `path` is stored (`'epochSeconds'` for the TTL), `undefined` when it holds no time. */
  private timeForm(path: DocPath): TimestampFormat | undefined {
    const t = this.timestamps;
    if (path.length === 1 && path[0] === this.ttl) return 'epochSeconds';
    if (path.length === 1 && t !== undefined && (path[0] === t.createdAt || path[0] === t.updatedAt)) return t.format;
    const s = schemaAt(this.schema, path);
    return s !== undefined && coreType(s) === 'date' ? 'iso' : undefined;
  }
}
