import { KeyError } from '../errors.js';
import { indexKeyParts, isSelfKey, type IndexKeys } from './index-keys.js';
import type { TimestampNames } from './timestamps.js';

/** What `checkManagedAttributes` needs of an entity being defined. */
export interface ManagedAttributeRules {
  readonly entity: string;
  readonly version: string | undefined;
  readonly timestamps: TimestampNames | undefined;
  /** Model name -> name in the table (`storedAs`). */
  readonly storedName: (attribute: string) => string;
  /** The discriminator and the key attributes the entity's templates build. */
  readonly reserved: ReadonlySet<string>;
  /** The key attributes of the table and of all its indexes. */
  readonly keyAttributes: ReadonlySet<string>;
  /** The table's discriminator (`undefined` without one). */
  readonly discriminator: string | undefined;
  readonly indexes: ReadonlyMap<string, IndexKeys>;
}

/**
 * Refuses (`KeyError`) a managed attribute (the locking version, a timestamp) stored under the
 * name of an attribute a write also builds: each write stores both, one over the other. The
 * version over the discriminator orphaned the item (reads took it for no entity's), over a key it
 * was refused by DynamoDB; a timestamp replaced the value a key template built for an index keyed
 * on that name. A timestamp that is the index key itself (`{ sk: '{createdAt}' }`) is fine.
 *
 * @example checkManagedAttributes({ entity: 'Doc', version: '_et', ... }) // throws: the discriminator
 */
export function checkManagedAttributes(r: ManagedAttributeRules): void {
  const version = r.version === undefined ? undefined : r.storedName(r.version);
  if (version !== undefined && (r.reserved.has(version) || r.keyAttributes.has(version))) {
    throw new KeyError(r.entity, '', r.version!, `version attribute "${version}" is an attribute dynakit writes itself (a key attribute or the discriminator); name the version another attribute`);
  }
  for (const stamp of r.timestamps === undefined ? [] : [r.timestamps.createdAt, r.timestamps.updatedAt]) {
    const stored = r.storedName(stamp);
    if (stored === r.discriminator) {
      throw new KeyError(r.entity, '', stamp, `the ${stamp} timestamp would be stored in "${stored}", the table's discriminator (entityAttribute): store the timestamp under another name (storedAs)`);
    }
    for (const [name, ix] of r.indexes) {
      for (const [field, t, attr] of indexKeyParts(ix)) {
        if (attr.name !== stored || isSelfKey(t, stamp)) continue;
        throw new KeyError(
          r.entity,
          `${name}.${field}`,
          stamp,
          `${name}.${field} is stored in "${stored}", where every write stores the ${stamp} timestamp: the template "${t.source}" would be overwritten; key the index on the timestamp itself ('{${stamp}}'), or store the timestamp under another name (storedAs)`,
        );
      }
    }
  }
}
