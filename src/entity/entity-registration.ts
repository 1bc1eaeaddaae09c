import { TableDefinitionError } from '../errors.js';
import type { EntityModel } from './model.js';
import { storedKinds } from './stored-kinds.js';

/** What registering an entity reads of its table. */
interface RegisteringTable {
  readonly name: string;
  readonly entityAttribute: string | undefined;
  readonly entities: ReadonlyMap<string, EntityModel>;
  ttlAttribute(): string | undefined;
}

/**
 * Refuses an entity its table cannot hold next to the ones defined on it, before any item is
 * written (`TableDefinitionError`): a second entity of the same name, a second entity on a table
 * without a discriminator, a second TTL attribute, or an epoch-seconds timestamp, a locking or
 * schema version, or a number field of an entity without `ttl`, stored under the table's TTL attribute.
 */
export function checkRegistration(table: RegisteringTable, model: EntityModel): void {
  if (table.entities.has(model.name)) throw new TableDefinitionError(table.name, model.name, `an entity named ${model.name} is already defined on the table`);
  // Without a discriminator nothing tells two entities' items apart: every item is the one entity's.
  if (table.entityAttribute === undefined && table.entities.size > 0) {
    const [other] = table.entities.keys();
    throw new TableDefinitionError(table.name, model.name, `the table has no discriminator (entityAttribute: false), so it holds one entity, and ${other} is defined on it; give the table an entityAttribute to hold several`);
  }
  // DynamoDB has one TTL attribute per table: an entity naming another one would never expire.
  const ttl = table.ttlAttribute();
  const own = model.ttl === undefined ? undefined : model.storedName(model.ttl);
  if (own !== undefined && ttl !== undefined && own !== ttl) {
    const other = [...table.entities.values()].find((m) => m.ttl !== undefined && m.storedName(m.ttl) === ttl)!;
    throw new TableDefinitionError(table.name, `${model.name}.ttl`, `"${own}" differs from ${other.name}'s TTL attribute "${ttl}"; DynamoDB allows one TTL attribute per table`);
  }
  // DynamoDB deletes an item once the epoch seconds in the table's TTL attribute have passed: a
  // timestamp in epoch seconds stored there would have every item it is written on deleted at once.
  const expiresBy = ttl ?? own;
  if (expiresBy === undefined) return;
  for (const m of [...table.entities.values(), model]) {
    const t = m.timestamps;
    const stamp = t?.format !== 'epochSeconds' ? undefined : [t.createdAt, t.updatedAt].find((a) => m.storedName(a) === expiresBy);
    if (stamp !== undefined) {
      throw new TableDefinitionError(table.name, `${m.name}.${stamp}`, `is stored as "${expiresBy}", the table's TTL attribute, in epoch seconds: DynamoDB would delete every item as soon as it is written; store the timestamp under another name (storedAs)`);
    }
    // The locking version and the schema version are small whole numbers (1, 2, ...): as epoch
    // seconds, long past, so DynamoDB would delete every item soon after it is written.
    const counter = managedCounterStoredAs(m, expiresBy);
    if (counter !== undefined) {
      throw new TableDefinitionError(
        table.name,
        `${m.name}.${counter}`,
        `is stored as "${expiresBy}", the table's TTL attribute, and holds a count (1, 2, ...): DynamoDB would take it as epoch seconds long past and delete every item of ${m.name} soon after it is written; store it under another name`,
      );
    }
    const field = m.ttl === undefined ? numberFieldStoredAs(m, expiresBy) : undefined;
    if (field !== undefined) {
      throw new TableDefinitionError(
        table.name,
        `${m.name}.${field}`,
        `is stored as "${expiresBy}", the table's TTL attribute, and may hold a number: DynamoDB deletes an item once that many epoch seconds have passed, which ${m.name}, declaring no ttl, would still show until then; declare ttl: '${field}' (a z.date()) or store the field under another name (storedAs)`,
      );
    }
  }
}

/**
 * Which of `m`'s managed counters is stored under `attribute`: its locking `version`, or the schema
 * version of `migrations` (named as stored); `undefined` for neither.
 */
function managedCounterStoredAs(m: EntityModel, attribute: string): string | undefined {
  if (m.version !== undefined && m.storedName(m.version) === attribute) return m.version;
  if (m.migrations !== undefined && m.migrations.attribute === attribute) return 'migrations.attribute';
  return undefined;
}

/**
 * The top-level field of `m` stored under `attribute` whose schema may store a number there (or
 * anything: a schema whose stored kinds are unknown); `undefined` when there is none. A `z.date()`
 * is stored as ISO text, which DynamoDB's TTL ignores.
 */
function numberFieldStoredAs(m: EntityModel, attribute: string): string | undefined {
  for (const [field, schema] of Object.entries(m.shape)) {
    if (m.storedName(field) !== attribute) continue;
    const kinds = storedKinds(schema);
    if (kinds === null || kinds.has('N')) return field;
  }
  return undefined;
}
