import { KeyError } from '../errors.js';

/** What an entity's attribute names in the table must stay clear of. */
export interface StoredNameRules {
  readonly entity: string;
  /** What may be renamed: the schema's top-level fields, the timestamps and the version. */
  readonly fields: readonly string[];
  /** Attributes dynakit writes itself that keep their names: key attributes and the discriminator. */
  readonly taken: ReadonlySet<string>;
  /** The key attributes of the table and its indexes: no field may be stored under one. */
  readonly keyAttributes: ReadonlySet<string>;
  /**
   * The key attributes of the indexes the entity has keys for: a field named like one is that key
   * itself (or collides with it). A field named like the key of an index the entity has no keys on
   * is an ordinary field, and renaming it is what keeps it out of that index.
   */
  readonly ownKeyAttributes: ReadonlySet<string>;
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
  const { entity, fields, taken, keyAttributes, ownKeyAttributes } = rules;
  if (storedAs === null || typeof storedAs !== 'object') throw new KeyError(entity, '', '', 'storedAs must be an object of schema field -> attribute name');
  for (const [field, stored] of Object.entries(storedAs)) {
    if (!fields.includes(field)) throw new KeyError(entity, '', field, `storedAs names "${field}", which is not a top-level attribute of the schema, a timestamp or the version`);
    if (typeof stored !== 'string' || stored.length === 0) throw new KeyError(entity, '', field, `storedAs.${field} must be a non-empty attribute name`);
    if (stored === field) continue;
    if (ownKeyAttributes.has(field)) throw new KeyError(entity, '', field, `"${field}" is a key attribute of the table, written as itself; it cannot be stored under another name`);
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

/**
 * An entity's top-level attribute names in the table: `storedAs` checked once at `defineEntity`,
 * with the lookups the writer, the reader, the compiler and table-level reads make.
 */
export class StoredNames {
  /** The renames that change a name (model name -> stored name). */
  readonly renamed: ReadonlyMap<string, string>;
  /** Stored name -> model name, for the renamed attributes. */
  private readonly fieldOf: ReadonlyMap<string, string>;

  constructor(rules: StoredNameRules, storedAs: Readonly<Record<string, string>> | undefined) {
    this.renamed = compileStoredNames(rules, storedAs);
    this.fieldOf = new Map([...this.renamed].map(([field, stored]) => [stored, field]));
  }

  /**
   * The name in the table of a top-level model attribute: its `storedAs` name, else its own. The
   * compiler writes every path's first segment through it, so conditions, updates and projections
   * stay in model names up to the expression text.
   */
  readonly storedName = (attribute: string): string => this.renamed.get(attribute) ?? attribute;

  /**
   * The model attribute stored as table attribute `name` (table-level reads name attributes as
   * stored): `undefined` for the model name of an attribute stored under another name.
   */
  attributeStoredAs(name: string): string | undefined {
    return this.fieldOf.get(name) ?? (this.renamed.has(name) ? undefined : name);
  }

  /**
   * Moves the renamed attributes of a stored-form item to their stored names. All are taken out
   * before any is put back: a stored name may be another field's model name (`{ a: 'b', b: 'a' }`,
   * `{ a: 'b', b: 'c' }`), which moving one at a time overwrote.
   */
  renameInPlace(item: Record<string, unknown>): void {
    const moved: [string, unknown][] = [];
    for (const [field, name] of this.renamed) {
      if (!(field in item)) continue;
      moved.push([name, item[field]]);
      delete item[field];
    }
    for (const [name, value] of moved) item[name] = value;
  }

  /** `values` (model names) under their stored names; `values` itself when nothing is renamed. */
  toStored(values: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
    if (this.renamed.size === 0) return values;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(values)) out[this.storedName(k)] = values[k];
    return out;
  }
}
