import { TableDefinitionError } from '../errors.js';
import type { GlobalKey, IndexConfig, KeyAttribute, TableConfig } from './table-types.js';
import type { ResolvedIndex } from './table.js';

// DynamoDB's naming rule for tables and indexes; requests may also name a table by its ARN.
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const TABLE_ARN = /^arn:[\w-]+:dynamodb:[\w-]*:\d*:table\/[A-Za-z0-9_.-]{3,255}$/;

// DynamoDB's CreateTable limits (docs, and checked on DynamoDB Local). The GSI count (20) is not
// checked: it is a default quota that accounts can raise, so the service is the judge of it.
const MAX_LOCAL_INDEXES = 5;
const MAX_PROJECTED_ATTRIBUTES = 100;
const MAX_NAME_BYTES = 255;
/** Attributes of a multi-attribute partition or sort key of a global index. */
const MAX_KEY_PARTS = 4;

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/**
 * Refuses a table definition that CreateTable would reject, so the mistake shows where the table
 * is defined rather than at `create()` (or, for `createTableInput()`, in someone's deploy).
 */
export function checkTableDefinition(config: TableConfig): void {
  const fail = (path: string, message: string): never => {
    throw new TableDefinitionError(config.name, path, message);
  };
  const types = new Map<string, { type: string; where: string }>();
  const key = (k: KeyAttribute, where: string): void => {
    // Untyped input: a list (the multi-attribute form) where one attribute goes failed as a bare TypeError.
    if (Array.isArray(k)) fail(where, 'only the keys of a global index may be a list of attributes (a multi-attribute key); the table keys and a local index sort key are one attribute');
    if (k === null || typeof k !== 'object' || typeof k.name !== 'string') fail(where, 'a key attribute is { name, type }');
    if (k.type !== 'S' && k.type !== 'N' && k.type !== 'B') fail(where, `key attribute ${k.name} has type ${String(k.type)}; DynamoDB key types are S, N and B`);
    if (k.name === '' || bytes(k.name) > MAX_NAME_BYTES) fail(where, `key attribute name must be 1-${MAX_NAME_BYTES} bytes (got ${bytes(k.name)})`);
    const prev = types.get(k.name);
    // One AttributeDefinition per name: DynamoDB cannot hold one attribute as S in one index and N in another.
    if (prev !== undefined && prev.type !== k.type) fail(where, `key attribute ${k.name} is ${k.type} here but ${prev.type} in ${prev.where}`);
    types.set(k.name, { type: k.type, where });
  };
  // Written into every item and named in every entity read: a name DynamoDB refuses (empty) failed
  // every request, and a value that is no name (`true` from untyped code) became the attribute "true".
  const et: unknown = config.entityAttribute;
  if (et !== undefined && et !== false && (typeof et !== 'string' || et === '' || bytes(et) > MAX_NAME_BYTES)) {
    fail('entityAttribute', `must be an attribute name of 1-${MAX_NAME_BYTES} bytes, or false for a table of one entity without a discriminator (got ${JSON.stringify(et)})`);
  }
  const globalKey = (k: GlobalKey, where: string): void => {
    if (!Array.isArray(k)) return key(k as KeyAttribute, where);
    const parts = k as readonly KeyAttribute[];
    if (parts.length < 1 || parts.length > MAX_KEY_PARTS) fail(where, `a multi-attribute key has 1-${MAX_KEY_PARTS} attributes (got ${parts.length})`);
    const names = new Set<string>();
    parts.forEach((p, i) => {
      if (names.has(p.name)) fail(`${where}[${i}]`, `${p.name} appears twice in the key`);
      names.add(p.name);
      key(p, `${where}[${i}]`);
    });
  };
  key(config.partitionKey, 'partitionKey');
  if (config.sortKey !== undefined) key(config.sortKey, 'sortKey');
  let locals = 0;
  let projected = 0;
  for (const [name, ix] of Object.entries(config.indexes ?? {}) as [string, IndexConfig][]) {
    if (ix.type === 'global') {
      globalKey(ix.partitionKey, `${name}.partitionKey`);
      if (ix.sortKey !== undefined) globalKey(ix.sortKey, `${name}.sortKey`);
      const pk = keyParts(ix.partitionKey).map((k) => k.name);
      const both = keyParts(ix.sortKey).find((k) => pk.includes(k.name));
      if (both !== undefined) fail(`${name}.sortKey`, `${both.name} is in both the partition key and the sort key`);
    } else {
      locals += 1;
      key(ix.sortKey, `${name}.sortKey`);
    }
    const p: unknown = ix.projection;
    if (p === undefined || p === 'ALL' || p === 'KEYS_ONLY') continue;
    // From untyped code (a config read from JSON): a string include was taken letter by letter as
    // attribute names, and other shapes failed as TypeErrors.
    if (!isIncludeProjection(p)) return fail(`${name}.projection`, `must be 'ALL', 'KEYS_ONLY' or { include: [attribute names] } (got ${JSON.stringify(p)})`);
    if (p.include.length === 0) fail(`${name}.projection`, 'include needs at least one attribute (use KEYS_ONLY for none)');
    const seen = new Set<string>();
    for (const a of p.include) {
      if (a === '' || bytes(a) > MAX_NAME_BYTES) fail(`${name}.projection`, `projected attribute names must be 1-${MAX_NAME_BYTES} bytes (got ${bytes(a)})`);
      if (seen.has(a)) fail(`${name}.projection`, `${a} is included twice`);
      seen.add(a);
    }
    projected += p.include.length;
  }
  // Every entity write stores its name there: as the table's key, all items of an entity would land
  // on one key, each put replacing the last. (A global index keyed on it lists items by entity.)
  const discriminator = et === false ? undefined : ((et as string | undefined) ?? '_et');
  const ownKey = [config.partitionKey, config.sortKey].find((k) => k !== undefined && k.name === discriminator);
  if (ownKey !== undefined) {
    fail('entityAttribute', `the discriminator "${discriminator}" is the table's ${ownKey === config.partitionKey ? 'partition' : 'sort'} key: every write would store the entity's name there, so all items of an entity would share one key; name the discriminator another attribute (entityAttribute)`);
  }
  if (locals > MAX_LOCAL_INDEXES) fail('indexes', `${locals} local indexes, DynamoDB allows ${MAX_LOCAL_INDEXES} per table`);
  // The same attribute included in two indexes counts twice.
  if (projected > MAX_PROJECTED_ATTRIBUTES) fail('indexes', `${projected} included attributes across indexes, DynamoDB allows ${MAX_PROJECTED_ATTRIBUTES} per table`);
  const b = config.billing;
  if (b !== undefined && b !== 'PAY_PER_REQUEST') {
    for (const [k, v] of [['read', b.read], ['write', b.write]] as const) {
      if (!Number.isInteger(v) || v < 1) fail(`billing.${k}`, `capacity units must be a whole number of at least 1 (got ${v})`);
    }
  }
}

/** The attributes of a key: one, or those of a multi-attribute key in order. */
export function keyParts(k: GlobalKey | undefined): readonly KeyAttribute[] {
  return k === undefined ? [] : Array.isArray(k) ? (k as readonly KeyAttribute[]) : [k as KeyAttribute];
}

/**
 * The table's name and definition checked (`TableDefinitionError`), and its indexes resolved to
 * their physical key attributes: `primary` first, then each index of the config.
 *
 * @example resolveIndexes(config).get('gsi1')?.partitionKey.name // 'gsi1pk'
 */
export function resolveIndexes(config: TableConfig): Map<string, ResolvedIndex> {
  if (!TABLE_NAME.test(config.name) && !TABLE_ARN.test(config.name)) {
    throw new TableDefinitionError(config.name, 'name', `table name "${config.name}" is not valid: DynamoDB needs 3-255 characters of A-Z, a-z, 0-9, '_', '-' and '.' (or a table ARN)`);
  }
  const indexes = new Map<string, ResolvedIndex>();
  checkTableDefinition(config);
  indexes.set('primary', {
    name: 'primary',
    type: 'primary',
    partitionKey: config.partitionKey,
    sortKey: config.sortKey,
    partitionKeys: [config.partitionKey],
    sortKeys: keyParts(config.sortKey),
    projected: undefined,
  });
  for (const [name, ix] of Object.entries(config.indexes ?? {}) as [string, IndexConfig][]) {
    if (name === 'primary') throw new TableDefinitionError(config.name, name, `"primary" is reserved for the table's own key`);
    if (!TABLE_NAME.test(name)) {
      throw new TableDefinitionError(config.name, name, `index name "${name}" is not valid: DynamoDB needs 3-255 characters of A-Z, a-z, 0-9, '_', '-' and '.'`);
    }
    if (ix.type === 'local' && config.sortKey === undefined) {
      throw new TableDefinitionError(config.name, name, `local index ${name} needs a table with a sort key`);
    }
    const partitionKeys = ix.type === 'local' ? [config.partitionKey] : keyParts(ix.partitionKey);
    const sortKeys = keyParts(ix.sortKey);
    const p = ix.projection ?? 'ALL';
    const projected =
      p === 'ALL'
        ? undefined
        : new Set(
            [config.partitionKey.name, config.sortKey?.name, ...partitionKeys.map((k) => k.name), ...sortKeys.map((k) => k.name), ...(p === 'KEYS_ONLY' ? [] : p.include)].filter(
              (n): n is string => n !== undefined,
            ),
          );
    indexes.set(name, { name, type: ix.type, partitionKey: partitionKeys[0]!, sortKey: sortKeys[0], partitionKeys, sortKeys, projected });
  }
  return indexes;
}

/** `{ include: [names] }`, the one projection that is not a string. */
function isIncludeProjection(p: unknown): p is { readonly include: readonly string[] } {
  if (p === null || typeof p !== 'object') return false;
  const include: unknown = (p as { include?: unknown }).include;
  return Array.isArray(include) && include.every((a) => typeof a === 'string');
}
