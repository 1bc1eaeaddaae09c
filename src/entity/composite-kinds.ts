/**
 * What a key composite's schema says about the keys it makes: their kind (string, number, date...)
 * and the values or fixed text it admits, checked against the key template at definition time.
 */
import type { z } from 'zod';
import { KeyError } from '../errors.js';
import type { CompositeKind } from './key-encoding.js';
import type { KeyTemplate } from './key-template.js';
import { defOf, lazyInner, readCore, unwrapSchema } from './schema-walk.js';

// Enums and literals are not here: their kind follows their values (see `valuesKind`).
const KIND_OF: Readonly<Record<string, CompositeKind>> = {
  string: 'string',
  // `z.templateLiteral(['u-', z.number()])`: its values are strings.
  template_literal: 'string',
  number: 'number',
  int: 'number',
  boolean: 'boolean',
  date: 'date',
  bigint: 'bigint',
};

/**
 * The kind of key the values of literals and enums make when they all share a type: a union of
 * `true` and `false` (the tag of variants told apart by a boolean) keys as a boolean does, bigint
 * literals as bigints. Mixed values cannot be one key kind, nor can one boolean alone (a constant
 * the types refuse too: test/types/review-types-63.test-d.ts), for `true | false` is `boolean`.
 */
function valuesKind(values: readonly unknown[]): CompositeKind | undefined {
  const kind = LITERAL_KINDS.find((k) => values.every((v) => typeof v === k));
  return kind !== 'boolean' || (values.includes(true) && values.includes(false)) ? kind : undefined;
}
const LITERAL_KINDS = ['number', 'string', 'boolean', 'bigint'] as const satisfies readonly CompositeKind[];

/**
 * The kind of key a composite makes. Keys are built from parsed values, so it is the schema's
 * output side that counts (`z.string().pipe(z.coerce.number())` makes number keys). A bare
 * transform says nothing of its output type; it is taken to keep the input's (trim, lower-case),
 * and one that does not is told to end in a schema (see `KeyTemplate`'s type errors).
 */
export function compositeKind(schema: z.ZodType, lazies: ReadonlySet<z.ZodType> = new Set()): CompositeKind | undefined {
  const output = readCore(schema);
  const core = defOf(output).type === 'transform' ? unwrapSchema(schema) : output;
  const t = defOf(core).type;
  // A lazy schema keys as the schema it stands for (one that stands for itself makes no key).
  if (t === 'lazy') return lazies.has(core) ? undefined : compositeKind(lazyInner(core), new Set([...lazies, core]));
  if (t === 'custom' && core.safeParse(new Uint8Array([1])).success) return 'binary';
  if (t === 'literal' || t === 'enum') return valuesKind(fixedValues(core)!);
  // A union whose options are all one kind (literals, as the tag of an entity's variants merges
  // into) composes a key as that kind does.
  if (t === 'union') {
    // A union of literals keys as their values together do (`true | false` as a boolean).
    const fixed = fixedValues(core);
    if (fixed !== undefined) return valuesKind(fixed);
    const kinds = new Set((defOf(core).options ?? []).map((o) => compositeKind(o as z.ZodType, lazies)));
    return kinds.size === 1 ? [...kinds][0] : undefined;
  }
  return KIND_OF[t];
}

/**
 * The values a composite's schema fixes (a literal, an enum, a union of them), each of which must
 * make a key: a literal `'a#b'` holds the separator, and zod would take it while every write
 * refuses it. Other schemas fix no value (`undefined`).
 */
function fixedValues(schema: z.ZodType, lazies: ReadonlySet<z.ZodType> = new Set()): readonly unknown[] | undefined {
  const core = readCore(schema);
  const def = defOf(core);
  if (def.type === 'literal') return def.values ?? [];
  // A lazy schema fixes what the schema it stands for fixes (`z.lazy(() => z.literal('a#b'))`).
  if (def.type === 'lazy') return lazies.has(core) ? undefined : fixedValues(lazyInner(core), new Set([...lazies, core]));
  // `options` holds the enum's values without the reverse mappings of a numeric TypeScript enum,
  // so `z.enum(Prio)` with `Prio = { Low: 1, High: 2 }` is a number composite.
  if (def.type === 'enum') return (core as unknown as { options: unknown[] }).options;
  if (def.type !== 'union') return undefined;
  const each = (def.options ?? []).map((o) => fixedValues(o as z.ZodType, lazies));
  return each.every((v) => v !== undefined) ? each.flat() : undefined;
}

/**
 * The text every value of a `z.templateLiteral` holds (its fixed parts: `'a#'` of
 * `z.templateLiteral(['a#', z.string()])`), which a key template refuses in every value when it
 * holds the separator. Other schemas fix no text (`[]`).
 */
function fixedTexts(schema: z.ZodType): readonly string[] {
  const core = readCore(schema);
  const def = defOf(core) as { type: string; parts?: readonly unknown[] };
  if (def.type !== 'template_literal') return [];
  return (def.parts ?? []).flatMap((p) => {
    if (p !== null && typeof p === 'object') {
      const values = fixedValues(p as z.ZodType);
      return values?.length === 1 ? [String(values[0])] : [];
    }
    return p === undefined || p === null || p === '' ? [] : [String(p)];
  });
}

/**
 * Refuses, at definition, a composite whose schema admits only values (literals, enums) or fixed
 * text (`z.templateLiteral`) that key template `t` cannot hold: every write of the entity would fail.
 */
export function checkFixedValues(entity: string, where: string, t: KeyTemplate, composite: string, schema: z.ZodType | undefined): void {
  if (schema === undefined) return;
  const refuse = (e: unknown, what: string): never => {
    if (!(e instanceof KeyError)) throw e;
    const why = e.message.startsWith(`${entity}: key ${where}: `) ? e.message.slice(`${entity}: key ${where}: `.length) : e.message;
    throw new KeyError(entity, where, composite, `the schema of ${composite} ${what}, which no key can hold: ${why}`);
  };
  for (const v of fixedValues(schema) ?? []) {
    try {
      t.checkValue(composite, v);
    } catch (e) {
      refuse(e, `takes ${JSON.stringify(v)}`);
    }
  }
  // A raw key holds any text; in a template, fixed text with the separator is in every value.
  if (t.raw) return;
  for (const text of fixedTexts(schema)) {
    try {
      t.checkValue(composite, text);
    } catch (e) {
      refuse(e, `puts ${JSON.stringify(text)} in every value`);
    }
  }
}
