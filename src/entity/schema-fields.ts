import type { z } from 'zod';
import { KeyError } from '../errors.js';
import { coreType, reaches } from './schema-walk.js';

/**
 * Checks at `defineEntity` the schema fields that dynakit keeps itself or cannot store: the version
 * and the timestamps are written by every write (a schema field of that name would be silently
 * overwritten), the TTL must be a Date, and a JavaScript Map has no DynamoDB form (every write of
 * one would fail).
 *
 * @example checkSchemaFields('User', shape, { version: 'version', timestamps: undefined, ttl: undefined })
 */
export function checkSchemaFields(
  entity: string,
  shape: Readonly<Record<string, z.ZodType>>,
  o: { readonly version: string | undefined; readonly timestamps: { readonly createdAt: string; readonly updatedAt: string } | undefined; readonly ttl: string | undefined },
): void {
  // From untyped code `version: true` would otherwise name a stored attribute "true" (and fail an update's path check later).
  if (o.version !== undefined && (typeof o.version !== 'string' || o.version.length === 0)) {
    throw new KeyError(entity, '', String(o.version), `version must be the name of the attribute holding the locking version (e.g. version: 'version'), got ${typeof o.version === 'string' ? 'an empty name' : String(o.version)}`);
  }
  if (o.version !== undefined && (o.version === o.timestamps?.createdAt || o.version === o.timestamps?.updatedAt)) {
    throw new KeyError(entity, '', o.version, `version attribute "${o.version}" is also a timestamp dynakit keeps (timestamps: true); name the version another attribute`);
  }
  if (o.version !== undefined && o.version in shape) {
    throw new KeyError(entity, '', o.version, `version attribute "${o.version}" is managed by dynakit; remove it from the schema`);
  }
  for (const stamp of o.timestamps === undefined ? [] : [o.timestamps.createdAt, o.timestamps.updatedAt]) {
    if (stamp in shape) {
      throw new KeyError(entity, '', stamp, `timestamp attribute "${stamp}" is managed by dynakit (timestamps: true); remove it from the schema or turn timestamps off`);
    }
  }
  if (o.ttl !== undefined && (shape[o.ttl] === undefined || coreType(shape[o.ttl]!) !== 'date')) {
    const found = shape[o.ttl] === undefined ? 'the schema has no such attribute' : `the schema has it as a z.${coreType(shape[o.ttl]!)}()`;
    throw new KeyError(entity, '', o.ttl, `ttl attribute "${o.ttl}" must be a z.date() attribute of the schema (${found})`);
  }
  for (const [name, field] of Object.entries(shape)) {
    if (reaches(field, (d) => d.type === 'map')) {
      throw new KeyError(entity, '', name, `attribute "${name}" holds a z.map(), which dynakit cannot store (a Map has no DynamoDB form); use z.record(z.string(), ...) for a map with string keys`);
    }
  }
}

/**
 * The attributes of an entity's schema. The types take only a `z.ZodObject` (or a union of them,
 * variant-schema.ts); a JavaScript caller (or a cast) can pass a pipe or a plain object, whose missing shape would otherwise surface as
 * a TypeError from deep inside defineEntity.
 *
 * @example objectShape('User', z.object({ userId: z.string() })) // { userId: ZodString }
 */
export function objectShape(entity: string, schema: unknown): Record<string, z.ZodType> {
  const zod = (schema as { _zod?: { def?: { type?: unknown } } } | null | undefined)?._zod;
  const shape = (schema as { shape?: unknown } | null | undefined)?.shape;
  if (zod?.def?.type === 'object' && typeof shape === 'object' && shape !== null) return shape as Record<string, z.ZodType>;
  const got = typeof zod?.def?.type === 'string' ? `a zod ${zod.def.type}` : 'a value that is not a zod schema';
  throw new KeyError(entity, '', '', `schema must be a z.object({...}) of the item's attributes, or a union of them (got ${got}); pipes and transforms go on its attributes`);
}
