import type { CompileContext } from '../expressions/compile.js';
import { Placeholders } from '../expressions/placeholders.js';
import type { EntityModel } from '../entity/model.js';

/** A fresh compile context for one command of an entity (only the placeholders are per command). */
export function contextFor(model: EntityModel): CompileContext {
  return { ph: new Placeholders(), entity: model.name, encode: model.encodeValue, comparePaths: model.assertComparable };
}

/** Adds the placeholder maps a compiled command used, and only those (DynamoDB rejects extras). */
export function withPlaceholders<T extends object>(
  input: T,
  ctx: CompileContext,
): T & { ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> } {
  const out: T & { ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> } = input;
  if (ctx.ph.hasNames) out.ExpressionAttributeNames = ctx.ph.names;
  if (ctx.ph.hasValues) out.ExpressionAttributeValues = ctx.ph.values;
  return out;
}
