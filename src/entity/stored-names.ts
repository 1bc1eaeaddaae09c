import { KeyError } from '../errors.js';

/** What an entity's attribute names in the table must stay clear of. */
export interface StoredNameRules {
  readonly entity: string;
  /** What may be renamed: the schema's top-level fields, the timestamps and the version. */
  readonly fields: readonly string[];
  /** Attributes dynakit writes itself that keep their names: key attributes and the discriminator. */
  readonly taken: ReadonlySet<string>;
  /** The key attributes of the table and its indexes (a field named like one is the key itself). */
  readonly keyAttributes: ReadonlySet<string>;
  /** Whether the schema keeps attributes it does not name (a catchall). */
  readonly keepsUnknown: boolean;
}

/**
 * Checks an entity's `storedAs` (schema field, timestamp or version -> attribute name in the
 * table) and returns the renames that change a name. Refused, at `defineEntity`: a name that is
 * none of those, an empty name, two attributes stored under one name (also a renamed one and one
 * stored under its own name), a key attribute's or the discriminator's name, renaming a field that is a key attribute itself, and renames on a schema that keeps
 * unknown attributes (a stored attribute could then be read both as a field and as itself).
 *
 * @example compileStoredNames({ ...rules, fields: ['userId', 'name'] }, { userId: 'user_id' }) // Map { 'userId' => 'user_id' }
 */
export function compileStoredNames(rules: StoredNameRules, storedAs: Readonly<Record<string, string>> | undefined): ReadonlyMap<string, string> {
  const renamed = new Map<string, string>();
  if (storedAs === undefined) return renamed;
  const { entity, fields, taken, keyAttributes } = rules;
  if (storedAs === null || typeof storedAs !== 'object') throw new KeyError(entity, '', '', 'storedAs must be an object of schema field -> attribute name');
  for (const [field, stored] of Object.entries(storedAs)) {
    if (!fields.includes(field)) throw new KeyError(entity, '', field, `storedAs names "${field}", which is not a top-level attribute of the schema, a timestamp or the version`);
    if (typeof stored !== 'string' || stored.length === 0) throw new KeyError(entity, '', field, `storedAs.${field} must be a non-empty attribute name`);
    if (stored === field) continue;
    if (keyAttributes.has(field)) throw new KeyError(entity, '', field, `"${field}" is a key attribute of the table, written as itself; it cannot be stored under another name`);
    if (taken.has(stored) || keyAttributes.has(stored)) throw new KeyError(entity, '', field, `storedAs.${field} is "${stored}", an attribute dynakit writes itself (a key attribute or the discriminator)`);
    renamed.set(field, stored);
  }
  if (renamed.size > 0 && rules.keepsUnknown) {
    throw new KeyError(entity, '', renamed.keys().next().value!, 'storedAs cannot be used with a schema that keeps unknown attributes (catchall, looseObject): a stored attribute could be read both as a field and as itself');
  }
  const owner = new Map<string, string>();
  for (const field of fields) {
    const stored = renamed.get(field) ?? field;
    const other = owner.get(stored);
    if (other !== undefined) throw new KeyError(entity, '', field, `"${field}" and "${other}" would both be stored as "${stored}"`);
    owner.set(stored, field);
  }
  return renamed;
}
