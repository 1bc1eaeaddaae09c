import type { z } from 'zod';
import type { EntityModel } from '../entity/model.js';
import { leafSchemas, pathSchemas } from '../entity/path-schemas.js';
import { UpdateRef } from '../expressions/update-values.js';
import { resolvePath } from './update-plan.js';

/**
 * The schemas an update's value map is copied by (`givenRecord`): each key is a document path, and
 * the schemas there say whether a class instance given for it stands for a map (copied as its
 * fields when the update is made). A `ref()` is dynakit's own value, kept as it is; a path the
 * schema does not have is left for the update's own checks to refuse.
 *
 * @example givenRecord({ address: addr }, valueSchemas(User.model)) // addr copied as { city, zip }
 */
export function valueSchemas(model: EntityModel): (key: string, value: unknown) => readonly z.ZodType[] {
  // One per entity, not a closure per update step (`set`, `add`, ... of every update); it is
  // called only for a value map that holds a class instance, which most updates never have.
  let of = byModel.get(model);
  if (of === undefined) byModel.set(model, (of = (key, value) => schemasAt(model, key, value)));
  return of;
}
const byModel = new WeakMap<EntityModel, (key: string, value: unknown) => readonly z.ZodType[]>();

function schemasAt(model: EntityModel, key: string, value: unknown): readonly z.ZodType[] {
  if (value instanceof UpdateRef) return [];
  try {
    return leafSchemas(pathSchemas(model.schema, resolvePath(model, key)));
  } catch {
    return [];
  }
}
