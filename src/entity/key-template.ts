import { KeyError } from '../errors.js';
import {
  BIGINT_WIDTH,
  decodeComposite,
  encodeKeyBigint,
  encodeKeyNumber,
  fitsKeyBigint,
  fixedWidth,
  HIGHEST_CODE_POINT,
  isIsoText,
  keyValueBytes,
  MAX_KEY_YEAR,
  MAX_PARTITION_KEY_BYTES,
  MAX_SORT_KEY_BYTES,
  MIN_KEY_YEAR,
  NOT_THIS_KIND,
  type CompositeKind,
  type KeyValue,
} from './key-encoding.js';
import { storableNumberProblem } from './storable-number.js';
import { hasLoneSurrogate, LONE_SURROGATE } from './text-rules.js';
import { epochSeconds } from './value-encoding.js';

/** Absent for a key: a null composite (a nullable attribute set to null) builds no key, like a missing one. */
const absent = (v: unknown): boolean => v === undefined || v === null;

/** Where a template came from, for error messages. */
export interface TemplateOrigin {
  readonly entity: string;
  /** e.g. `primary.pk`, `gsi1.sk` */
  readonly index: string;
}

interface Part {
  readonly name: string;
  readonly kind: CompositeKind;
  /** Literal text right after this placeholder ('' when it ends the template). */
  readonly after: string;
}

const PLACEHOLDER = /\{([^{}]+)\}/g;

/** The attribute names a template's placeholders name, before any check (`'USER#{name}#{id}'`: `['name', 'id']`). */
export function placeholderNames(source: string): string[] {
  return Array.from(source.matchAll(PLACEHOLDER), (m) => m[1]!);
}

/**
 * A key template such as `USER#{name}#{userId}`, compiled once at definition time.
 * Builds keys from items, prefixes from leading composites, and parses stored keys back.
 */
export class KeyTemplate {
  readonly composites: readonly string[];
  /** The template is exactly one placeholder: the key is the raw value (so N and B keys work). */
  readonly raw: boolean;
  private readonly head: string;
  private readonly parts: readonly Part[];
  /** DynamoDB's byte limit for this key: a sort key's or a partition key's. */
  private readonly maxBytes: number;

  constructor(
    readonly source: string,
    kinds: Readonly<Record<string, CompositeKind | undefined>>,
    readonly separator: string,
    readonly origin: TemplateOrigin,
  ) {
    const parts: Part[] = [];
    let head = '';
    let last = 0;
    for (const m of source.matchAll(PLACEHOLDER)) {
      const literal = source.slice(last, m.index);
      if (parts.length === 0) head = literal;
      else if (literal === '') {
        throw new KeyError(origin.entity, origin.index, m[1]!, `template "${source}": placeholders must be separated by text`);
      } else parts[parts.length - 1] = { ...parts[parts.length - 1]!, after: literal };
      const name = m[1]!;
      const kind = kinds[name];
      if (kind === undefined) {
        throw new KeyError(origin.entity, origin.index, name, `template "${source}": "${name}" is not an attribute of the schema, or its type cannot be part of a key`);
      }
      parts.push({ name, kind, after: '' });
      last = m.index + m[0].length;
    }
    if (parts.length > 0) parts[parts.length - 1] = { ...parts[parts.length - 1]!, after: source.slice(last) };
    else head = source;
    if (/[{}]/.test(parts.length === 0 ? source : '')) {
      throw new KeyError(origin.entity, origin.index, '', `template "${source}" has an unbalanced brace`);
    }
    this.head = head;
    this.parts = parts;
    this.composites = parts.map((p) => p.name);
    this.raw = parts.length === 1 && head === '' && parts[0]!.after === '';
    this.maxBytes = origin.index.endsWith('.sk') ? MAX_SORT_KEY_BYTES : MAX_PARTITION_KEY_BYTES;
    if (!this.raw && parts.some((p) => p.kind === 'binary')) {
      throw new KeyError(origin.entity, origin.index, '', `template "${source}": binary attributes can only be a key on their own ("{name}")`);
    }
  }

  private fail(attribute: string, message: string): never {
    throw new KeyError(this.origin.entity, this.origin.index, attribute, message);
  }

  /** A composite of another type than its schema declares: most likely a transform that changes it. */
  private wrongType(attribute: string, expected: string, value: unknown): never {
    this.fail(
      attribute,
      `${attribute} must be a ${expected}, got ${typeof value}; keys are built from parsed values, so a schema transform that changes the type must end in a schema of its result (e.g. .pipe(z.number()))`,
    );
  }

  private format(part: Part, value: unknown, partial = false): string {
    let text: string;
    switch (part.kind) {
      case 'timestamp':
        if (typeof value !== 'string') this.fail(part.name, `${part.name} must be an ISO-8601 string, got ${typeof value}`);
        // dynakit's own stamps (and prefixes of them in key conditions); other text is checked below.
        if (isIsoText(value, partial)) return value;
        text = value;
        break;
      case 'number':
        if (typeof value !== 'number') this.wrongType(part.name, 'number', value);
        try {
          text = encodeKeyNumber(value);
        } catch (e) {
          this.fail(part.name, `${part.name}: ${(e as Error).message}`);
        }
        return text;
      case 'date':
      case 'ttl': {
        if (!(value instanceof Date) || Number.isNaN(value.getTime())) this.fail(part.name, `${part.name} must be a valid Date`);
        // The TTL is stored in whole seconds (and read back so): its key must be built from the same
        // second, or the item read back, or the Date it was written with, would not find its key.
        const d = part.kind === 'ttl' ? new Date(epochSeconds(value) * 1000) : value;
        if (d.getUTCFullYear() < MIN_KEY_YEAR || d.getUTCFullYear() > MAX_KEY_YEAR) {
          this.fail(part.name, `${part.name}: a Date in a key template must fall in the years ${MIN_KEY_YEAR}-${MAX_KEY_YEAR} (UTC), whose ISO-8601 text sorts by time; got ${d.toISOString()}`);
        }
        return d.toISOString();
      }
      case 'boolean':
        if (typeof value !== 'boolean') this.fail(part.name, `${part.name} must be a boolean`);
        return String(value);
      case 'bigint':
        if (typeof value !== 'bigint') this.fail(part.name, `${part.name} must be a bigint`);
        if (!fitsKeyBigint(value)) {
          this.fail(part.name, `${part.name}: ${value} has more than ${BIGINT_WIDTH} digits; only bigints with |n| < 10^${BIGINT_WIDTH} (DynamoDB's number precision) can go into a key template`);
        }
        return encodeKeyBigint(value);
      default:
        if (typeof value !== 'string') this.wrongType(part.name, 'string', value);
        text = value;
    }
    // DynamoDB keys a string by its UTF-8 form, where a lone surrogate has none: DynamoDB Local
    // keys 'a\ud800', 'a\udfff' and 'a?' as one item, so a write under one replaces the others.
    if (hasLoneSurrogate(text)) {
      this.fail(part.name, `value of ${part.name} ${LONE_SURROGATE}`);
    }
    // A raw key is the whole value, so it cannot be ambiguous whatever it contains.
    if (!this.raw && text.includes(this.separator)) {
      this.fail(part.name, `value of ${part.name} ("${text}") contains the key separator "${this.separator}", which would make the key "${this.source}" ambiguous`);
    }
    // A range condition bounds "every key that starts with this text" by the text then U+10FFFF,
    // the highest code point (key-condition-plan.ts): a key holding it after that text sorts past
    // the bound, so gt/gte/lt/lte/between would silently miss the item.
    if (!this.raw && text.includes(HIGHEST_CODE_POINT)) {
      this.fail(part.name, `value of ${part.name} contains U+10FFFF, the highest code point (a Unicode noncharacter), which range conditions on keys use as their upper bound: a key holding it would be missed by them`);
    }
    // The first occurrence of the following text must be the one right after the value.
    if (part.after !== '' && (text + part.after).indexOf(part.after) !== text.length) {
      this.fail(part.name, `value of ${part.name} ("${text}") contains "${part.after}", which follows it in "${this.source}" and would make the key ambiguous`);
    }
    return text;
  }

  /**
   * Throws the `KeyError` a key built with `value` for composite `name` would throw (a separator
   * in the text, a number no key can order, ...): for the values a schema fixes (literals, enums),
   * which `defineEntity` checks so that a value the schema takes is not refused by every write. A
   * raw key (`'{kind}'`) is the value itself, built whole: `z.literal('')` there is an empty key.
   *
   * @example new KeyTemplate('A#{kind}#{id}', kinds, '#', o).checkValue('kind', 'a#b') // KeyError: contains the key separator
   */
  checkValue(name: string, value: unknown): void {
    const part = this.parts.find((p) => p.name === name);
    if (part === undefined) return;
    if (this.raw) this.buildValue({ [name]: value });
    else this.format(part, value);
  }

  /**
   * True when every composite is present (not `undefined` or `null`) in `values`.
   *
   * @example new KeyTemplate('USER#{name}#{userId}', kinds, '#', o).canBuild({ name: 'Bo' }) // false
   */
  canBuild(values: Readonly<Record<string, unknown>>): boolean {
    for (const p of this.parts) if (absent(values[p.name])) return false;
    return true;
  }

  /**
   * True when `name` is the last composite and no text follows it.
   *
   * @example new KeyTemplate('USER#{name}#{userId}', kinds, '#', o).isTerminal('userId') // true
   */
  isTerminal(name: string): boolean {
    const last = this.parts[this.parts.length - 1];
    return last !== undefined && last.name === name && last.after === '';
  }

  /**
   * True when the built keys order like the values of composite `name` for range conditions with
   * these bounds: it ends the template, or its text has a fixed width (numbers, dates, booleans). A
   * string followed by more text is not: `'Bo Jo'` > `'Bo'` but `'Bo Jo#'` < `'Bo#'`. Nor is a
   * managed timestamp given a bound that is not a whole stamp (`'2024-06-01'`): the stamps after it
   * go on with `T`, which sorts below a separator such as `'|'`.
   *
   * @example new KeyTemplate('USER#{name}#{userId}', kinds, '#', o).ordersLikeValues('name') // false
   */
  ordersLikeValues(name: string, bounds: readonly unknown[] = []): boolean {
    const part = this.parts.find((p) => p.name === name);
    if (part === undefined || part.after === '') return true;
    if (part.kind === 'timestamp') return bounds.every((b) => typeof b === 'string' && isIsoText(b, false));
    return part.kind !== 'string';
  }

  /**
   * The literal text right after composite `name` ('' at the end of the template).
   *
   * @example new KeyTemplate('USER#{name}#{userId}', kinds, '#', o).textAfter('name') // '#'
   */
  textAfter(name: string): string {
    return this.parts.find((p) => p.name === name)?.after ?? '';
  }

  /**
   * Composites missing (`undefined` or `null`) from `values`, in template order.
   *
   * @example new KeyTemplate('USER#{name}#{userId}', kinds, '#', o).missing({ name: 'Bo' }) // ['userId']
   */
  missing(values: Readonly<Record<string, unknown>>): string[] {
    const out: string[] = [];
    for (const p of this.parts) if (absent(values[p.name])) out.push(p.name);
    return out;
  }

  /**
   * Builds the stored key value from an item (model values: numbers, Dates, ...).
   *
   * @example new KeyTemplate('USER#{id}', { id: 'string' }, '#', o).build({ id: 'u1' }) // 'USER#u1'
   */
  build(values: Readonly<Record<string, unknown>>): KeyValue {
    return this.checkSize(this.buildValue(values));
  }

  /**
   * DynamoDB rejects partition key values over 2,048 bytes and sort key values over 1,024 (table
   * and index keys alike). Checked here so the write fails before any request: in a batch, one
   * such item would make DynamoDB reject the whole call, valid writes included.
   */
  private checkSize(value: KeyValue): KeyValue {
    // Every key build passes here: a string of at most limit/3 UTF-16 units cannot exceed the limit.
    if (typeof value === 'string' && value.length * 3 <= MAX_SORT_KEY_BYTES) return value;
    const bytes = keyValueBytes(value);
    if (bytes > this.maxBytes) {
      const which = this.maxBytes === MAX_SORT_KEY_BYTES ? 'sort' : 'partition';
      this.fail(this.composites.join(', '), `the ${which} key value is ${bytes} bytes, over DynamoDB's limit of ${this.maxBytes} bytes (template "${this.source}")`);
    }
    return value;
  }

  private buildValue(values: Readonly<Record<string, unknown>>): KeyValue {
    if (this.raw) {
      const p = this.parts[0]!;
      const v = values[p.name];
      if (absent(v)) this.fail(p.name, `missing key composite ${p.name}`);
      if (p.kind === 'binary') {
        if (!(v instanceof Uint8Array) || v.byteLength === 0) this.fail(p.name, `${p.name} must be a non-empty Uint8Array`);
        return v;
      }
      if (p.kind === 'epoch') {
        if (!(v instanceof Date) || Number.isNaN(v.getTime())) this.fail(p.name, `${p.name} must be a valid Date`);
        return epochSeconds(v);
      }
      if (p.kind === 'number' || p.kind === 'bigint') {
        // A number given for a bigint composite is an N value all the same (it was always sent as it is).
        if (typeof v !== p.kind && !(p.kind === 'bigint' && typeof v === 'number')) this.wrongType(p.name, p.kind, v);
        // An N key goes to DynamoDB as it is: a value it cannot store would fail the request (a whole batch).
        const problem = storableNumberProblem(v as number | bigint);
        if (problem !== undefined) this.fail(p.name, `${p.name}: ${problem}`);
        return v as number | bigint;
      }
      const s = this.format(p, v);
      if (s === '') this.fail(p.name, `${p.name} cannot be empty: DynamoDB rejects empty key values`);
      return s;
    }
    let out = this.head;
    for (const p of this.parts) {
      const v = values[p.name];
      if (absent(v)) this.fail(p.name, `missing key composite ${p.name} (template "${this.source}")`);
      out += this.format(p, v) + p.after;
    }
    return out;
  }

  /**
   * Builds the prefix made of the leading composites present in `values`, stopping at the first
   * missing one. A complete composite is followed by its separator text, so `name = 'Bo'` does not
   * match `Bob`; with `partial` the last given composite is left open for `begins_with`. Values
   * are checked as in `build` (a `KeyError` for one containing the separator).
   *
   * @example new KeyTemplate('USER#{name}#{userId}', kinds, '#', o).prefix({ name: 'Bo' }) // 'USER#Bo#'
   */
  prefix(values: Readonly<Record<string, unknown>>, options: { partial?: string; anyKind?: boolean } = {}): string {
    let out = this.head;
    for (const p of this.parts) {
      const v = values[p.name];
      if (v === undefined) break;
      if (options.partial === p.name) {
        if (options.anyKind !== true && typeof v !== 'string') this.fail(p.name, `beginsWith on ${p.name} needs a string`);
        return out + this.format(p, v, true);
      }
      out += this.format(p, v) + p.after;
    }
    return out;
  }

  /**
   * Parses a stored key back into its composites (numbers, Dates, ... revived); returns
   * `undefined` when it does not fit the template, including a number, bigint, date or boolean
   * composite whose text is not one.
   *
   * @example new KeyTemplate('USER#{name}#{userId}', kinds, '#', o).parse('USER#Bo#u1') // { name: 'Bo', userId: 'u1' }
   */
  parse(stored: KeyValue): Record<string, unknown> | undefined {
    if (this.raw) {
      const value = decodeComposite(this.parts[0]!.kind, stored);
      return value === NOT_THIS_KIND ? undefined : { [this.parts[0]!.name]: value };
    }
    if (typeof stored !== 'string' || !stored.startsWith(this.head)) return undefined;
    const out: Record<string, unknown> = {};
    let pos = this.head.length;
    for (const p of this.parts) {
      let end: number;
      const width = fixedWidth(p.kind, stored, pos);
      // Fixed-width text may hold the delimiter that follows it ('-' of a negative number, ':' of a
      // date), so it is measured first; a key not written at that width is searched as before.
      const measured = width === undefined ? -1 : pos + width;
      if (measured >= 0 && (p.after === '' ? measured === stored.length : stored.startsWith(p.after, measured))) end = measured;
      else if (p.after === '') end = stored.length;
      else {
        end = stored.indexOf(p.after, pos);
        if (end < 0) return undefined;
      }
      const value = decodeComposite(p.kind, stored.slice(pos, end));
      if (value === NOT_THIS_KIND) return undefined;
      out[p.name] = value;
      pos = end + p.after.length;
    }
    return pos === stored.length ? out : undefined;
  }
}
