import type { z } from 'zod';
import { KeyError } from '../errors.js';
import { MAX_PARTITION_KEY_BYTES, MAX_SORT_KEY_BYTES } from './key-encoding.js';
import { KeyTemplate } from './key-template.js';
import type { CompositeKind, KeyValue } from './key-encoding.js';
import { attributeValueSize } from './item-size.js';
import { coreType, defOf, readCore } from './schema-walk.js';
import type { ResolvedIndex, Table } from './table.js';
import type { KeyAttribute, ScalarAttributeType } from './table-types.js';
import type { TimestampNames } from './timestamps.js';
import { checkFixedValues, compositeKind } from './composite-kinds.js';

/** One index's compiled templates, mapped onto its physical key attributes. */
export interface IndexKeys {
  readonly index: ResolvedIndex;
  /** The partition key's template (the first attribute's, for a multi-attribute key). */
  readonly pk: KeyTemplate | undefined;
  /** The sort key's template (the first attribute's, for a multi-attribute key). */
  readonly sk: KeyTemplate | undefined;
  /** One template per partition key attribute (`index.partitionKeys`), none on a local index. */
  readonly pks: readonly KeyTemplate[];
  /** One template per sort key attribute (`index.sortKeys`). */
  readonly sks: readonly KeyTemplate[];
}

/**
 * What checks a key value given by a caller (`get`, `update`, `delete` keys). Keys take model
 * values (the schema's output type), which the schema itself parses too when a transform keeps
 * the type (`trim`, `toLowerCase`: applied, so the key matches the stored one). Where a pipe
 * changes the type (`z.string().transform(Number).pipe(z.number())`), only its output side can
 * check a model value.
 */
export function keyValueSchema(schema: z.ZodType): z.ZodType {
  const output = readCore(schema);
  const outType = defOf(output).type;
  return outType !== 'transform' && outType !== coreType(schema) ? output : schema;
}

/** Kinds whose raw key value is stored exactly as the attribute itself is (a string, a number, bytes). */
const SELF_KEY_KINDS: ReadonlySet<CompositeKind | undefined> = new Set(['string', 'number', 'bigint', 'binary', 'epoch']);

/**
 * Whether key attribute `attribute` is a schema attribute of the same name, stored as itself
 * (`{ pk: '{id}' }` on a table whose partition key is `id`, as tables not designed for dynakit have
 * them): the attribute's own write writes the key, so nothing else may write it.
 */
export function isSelfKey(t: KeyTemplate, attribute: string): boolean {
  return t.raw && t.composites[0] === attribute;
}

/**
 * Every key attribute of an index with the template that builds it and the key it belongs to: one
 * of each for a plain index, one per attribute of a multi-attribute key.
 */
export function indexKeyParts(ix: IndexKeys): (readonly ['pk' | 'sk', KeyTemplate, KeyAttribute])[] {
  return [...ix.pks.map((t, i) => ['pk', t, ix.index.partitionKeys[i]!] as const), ...ix.sks.map((t, i) => ['sk', t, ix.index.sortKeys[i]!] as const)];
}

/** A secondary-index key attribute that is the schema attribute of the same name (see `isSelfKey`). */
export interface SelfKey {
  readonly index: string;
  readonly field: 'pk' | 'sk';
  readonly template: KeyTemplate;
}

/**
 * The secondary-index self keys by attribute name (one attribute may key a global and a local
 * index). Their values are written by the attribute's own writes, never built as keys, so those
 * writes check them with `checkSelfKeyValue`.
 */
export function secondarySelfKeys(indexes: ReadonlyMap<string, IndexKeys>): ReadonlyMap<string, readonly SelfKey[]> {
  const out = new Map<string, SelfKey[]>();
  for (const [name, ix] of indexes) {
    if (ix.index.type === 'primary') continue;
    for (const [field, t, attr] of indexKeyParts(ix)) {
      if (!isSelfKey(t, attr.name)) continue;
      out.set(attr.name, [...(out.get(attr.name) ?? []), { index: name, field, template: t }]);
    }
  }
  return out;
}

/**
 * Checks a value a write stores in a self-key attribute as a key built for it is checked (no empty
 * string, DynamoDB's key size limits) and refuses `null`: DynamoDB rejects all of these in a key
 * attribute, failing the whole request (a batch or transaction with it). `undefined` (absent) is
 * fine: the item is then not in the index.
 */
export function checkSelfKeyValue(entity: string, keys: readonly SelfKey[], attribute: string, value: unknown): void {
  if (value === undefined) return;
  for (const k of keys) {
    if (value === null) {
      throw new KeyError(
        entity,
        `${k.index}.${k.field}`,
        attribute,
        `${attribute} is the key of index ${k.index}, and DynamoDB stores no null in a key attribute: leave it out (or remove it) to take the item out of the index`,
      );
    }
    k.template.build({ [attribute]: value });
  }
}

/** Schema types whose values are never a string, number or binary, so never a key. */
const NEVER_SCALAR: ReadonlySet<string> = new Set(['boolean', 'object', 'array', 'set', 'record', 'map', 'tuple', 'null']);

const STORED_TYPE: Readonly<Partial<Record<CompositeKind, ScalarAttributeType>>> = { string: 'S', date: 'S', epoch: 'N', number: 'N', bigint: 'N', binary: 'B' };

/**
 * The schema fields stored under their own names that are key attributes of indexes the entity has
 * no keys on: their values land in that index's key, so a write of one DynamoDB refuses there
 * (another type, '', null, over the key size limit) fails the whole request. A field whose kind
 * cannot have the key's type (a number named like a string key, a boolean, a map) is refused here;
 * the others are returned as self keys, so writes check their values before sending. Multi-attribute
 * keys index plain attributes (`status`, `region`), which another entity of the table is likely to
 * have; renaming the field (`storedAs`) keeps it out.
 */
export function foreignKeyFields(
  entity: string,
  table: Table,
  shape: Readonly<Record<string, z.ZodType>>,
  keyed: ReadonlyMap<string, IndexKeys>,
  storedName: (field: string) => string,
  ttl?: string,
): ReadonlyMap<string, readonly SelfKey[]> {
  const out = new Map<string, SelfKey[]>();
  for (const [name, index] of table.indexes) {
    if (keyed.has(name)) continue;
    for (const [field, attr] of [...index.partitionKeys.map((a) => ['pk', a] as const), ...index.sortKeys.map((a) => ['sk', a] as const)]) {
      const schema = shape[attr.name];
      if (schema === undefined || storedName(attr.name) !== attr.name) continue;
      // The TTL attribute is a Date stored as epoch seconds: an N key.
      const kind = attr.name === ttl ? 'epoch' : compositeKind(schema);
      const type = kind === undefined ? undefined : STORED_TYPE[kind];
      // A kind this cannot tell (a union, a template literal) may well be stored as the key's type:
      // left to DynamoDB. Known kinds of another type, and values that are no scalar, are refused.
      if (kind === undefined && !NEVER_SCALAR.has(defOf(readCore(schema)).type)) continue;
      if (type !== attr.type) {
        throw new KeyError(
          entity,
          name,
          attr.name,
          `field ${attr.name} is stored in attribute ${attr.name}, a key of index ${name} (${attr.type}), and its values are ${type ?? 'not a key type'}: DynamoDB would refuse every write ("Type mismatch for Index Key"); store it under another name (storedAs: { ${attr.name}: '...' })`,
        );
      }
      // A raw template builds the value as stored, checking what a key may hold (no '', the size limits).
      if (/[{}]/.test(attr.name)) continue;
      const template = new KeyTemplate(`{${attr.name}}`, { [attr.name]: kind }, table.keySeparator, { entity, index: `${name}.${field}` });
      out.set(attr.name, [...(out.get(attr.name) ?? []), { index: name, field, template }]);
    }
  }
  return out;
}

/** An entity's key templates per index, and the physical attributes they write. */
export interface CompiledKeys {
  readonly indexes: ReadonlyMap<string, IndexKeys>;
  readonly primary: IndexKeys;
  /** The discriminator and every key attribute the entity writes: never schema fields. */
  readonly reserved: Set<string>;
}

/**
 * Compiles the `keys` of an entity definition against its table and schema: each template's
 * composites must be schema attributes (or timestamps) of a kind a key can hold, and each key must
 * produce the type its attribute is declared with.
 */
export function compileIndexKeys(
  entity: string,
  table: Table,
  shape: Readonly<Record<string, z.ZodType>>,
  keys: Readonly<Record<string, { readonly pk?: string | readonly string[]; readonly sk?: string | readonly string[] }>>,
  timestamps: TimestampNames | undefined,
  ttl?: string,
): CompiledKeys {
  const kinds: Record<string, CompositeKind | undefined> = {};
  for (const [k, s] of Object.entries(shape)) kinds[k] = compositeKind(s);
  if (ttl !== undefined && kinds[ttl] === 'date') kinds[ttl] = 'ttl';
  if (timestamps) {
    // Epoch timestamps are integers: in a template they are written and ordered as numbers are.
    const kind = timestamps.format === 'iso' ? 'timestamp' : 'number';
    kinds[timestamps.createdAt] = kind;
    kinds[timestamps.updatedAt] = kind;
  }

  const indexes = new Map<string, IndexKeys>();
  const reserved = new Set<string>(table.entityAttribute === undefined ? [] : [table.entityAttribute]);
  // Indexes may share key attributes (an inverted index on the table's own sk and pk): an item has
  // one value per attribute, so every template that builds it must be the same one. Otherwise the
  // last would silently win and `get(key)` would look for a key the item was never written under.
  const builtBy = new Map<string, { readonly source: string; readonly where: string }>();
  for (const [indexName, templates] of Object.entries(keys)) {
    const index = table.indexes.get(indexName);
    if (index === undefined) {
      throw new KeyError(entity, indexName, '', `table ${table.name} has no index "${indexName}"`);
    }
    const compile = (field: 'pk' | 'sk', source: string | undefined, attr: { name: string; type: ScalarAttributeType } | undefined) => {
      if (index.type === 'local' && field === 'pk') {
        if (source !== undefined) throw new KeyError(entity, indexName, '', 'a local index shares the table partition key; give only sk');
        return undefined;
      }
      if (attr === undefined) {
        if (source !== undefined) throw new KeyError(entity, `${indexName}.${field}`, '', `index ${indexName} has no ${field === 'pk' ? 'partition' : 'sort'} key`);
        return undefined;
      }
      if (source === undefined) throw new KeyError(entity, `${indexName}.${field}`, '', `missing template for ${attr.name}`);
      // The discriminator write would replace the built key (an index keyed on it lists items by entity without keys).
      if (attr.name === table.entityAttribute) {
        throw new KeyError(entity, `${indexName}.${field}`, '', `${attr.name} is the table's discriminator, which every write sets to the entity's name: no template can build it; leave ${indexName} out of keys (its items are listed by entity name)`);
      }
      // Untyped input (a list of templates holding a number or null) failed in the parser as a bare TypeError.
      if (typeof source !== 'string') throw new KeyError(entity, `${indexName}.${field}`, '', `the template for ${attr.name} must be a string like '{attribute}' or 'TEXT#{attribute}', got ${JSON.stringify(source)}`);
      // The TTL alone on an N key is its epoch seconds, the number the attribute holds (elsewhere, ISO text).
      const own = ttl !== undefined && attr.type === 'N' && source === `{${ttl}}` ? { ...kinds, [ttl]: 'epoch' as const } : kinds;
      const t = new KeyTemplate(source, own, table.keySeparator, { entity, index: `${indexName}.${field}` });
      const kind = own[t.composites[0] ?? ''];
      const produces = t.raw ? (kind === 'number' || kind === 'bigint' || kind === 'epoch' ? 'N' : kind === 'binary' ? 'B' : 'S') : 'S';
      if (produces !== attr.type) {
        throw new KeyError(entity, `${indexName}.${field}`, t.composites[0] ?? '', `template "${source}" produces ${produces} values but ${attr.name} is declared ${attr.type}`);
      }
      if (timestamps && t.composites.some((c) => c === timestamps.createdAt || c === timestamps.updatedAt) && indexName === 'primary') {
        throw new KeyError(entity, indexName, '', 'timestamps cannot compose the primary key');
      }
      // A key that is the attribute itself is a schema field; one of another kind (a date, a
      // boolean: stored otherwise than their key) stays reserved, and the schema may not use its name.
      if (!(isSelfKey(t, attr.name) && SELF_KEY_KINDS.has(own[attr.name]))) reserved.add(attr.name);
      const where = `${indexName}.${field}`;
      for (const c of t.composites) checkFixedValues(entity, where, t, c, shape[c]);
      const earlier = builtBy.get(attr.name);
      if (earlier === undefined) builtBy.set(attr.name, { source, where });
      else if (earlier.source !== source) {
        throw new KeyError(
          entity,
          where,
          '',
          `key attribute ${attr.name} is built by "${earlier.source}" (${earlier.where}) and by "${source}" (${where}); ` +
            'an item holds one value per attribute, so the indexes that share it need the same template',
        );
      }
      return t;
    };
    // A multi-attribute key takes one template per attribute, in key order.
    const compileAll = (field: 'pk' | 'sk', source: string | readonly string[] | undefined, attrs: readonly { name: string; type: ScalarAttributeType }[]): KeyTemplate[] => {
      if (attrs.length <= 1) {
        // A key declared as a list of one attribute (`sortKey: [{ name, type }]`) is typed to take a
        // list of one template; it is the same key as a plain one, so both spellings are read alike.
        const one: unknown = Array.isArray(source) && source.length === 1 ? source[0] : source;
        if (Array.isArray(one)) throw new KeyError(entity, `${indexName}.${field}`, '', `index ${indexName} has a single-attribute ${field === 'pk' ? 'partition' : 'sort'} key; give one template, not a list`);
        const t = compile(field, one as string | undefined, attrs[0]);
        return t === undefined ? [] : [t];
      }
      if (!Array.isArray(source) || source.length !== attrs.length) {
        throw new KeyError(
          entity,
          `${indexName}.${field}`,
          '',
          `index ${indexName}'s ${field === 'pk' ? 'partition' : 'sort'} key has ${attrs.length} attributes (${attrs.map((a) => a.name).join(', ')}); give a list of ${attrs.length} templates, one per attribute`,
        );
      }
      return attrs.map((a, i) => compile(field, (source as readonly string[])[i], a)!);
    };
    const pks = index.type === 'local' ? (compile('pk', templates.pk as string | undefined, undefined), []) : compileAll('pk', templates.pk, index.partitionKeys);
    const sks = compileAll('sk', templates.sk, index.sortKeys);
    indexes.set(indexName, { index, pk: pks[0], sk: sks[0], pks, sks });
  }
  const primary = indexes.get('primary');
  if (primary === undefined) throw new KeyError(entity, 'primary', '', 'keys.primary is required');
  return { indexes, primary, reserved };
}

/**
 * A multi-attribute key's limits hold for its attributes together: DynamoDB refuses an item whose
 * partition key attributes hold over 2,048 bytes in all, or sort key attributes over 1,024
 * ("Aggregate size for HASH key attributes ... exceeded", DynamoDB Local 3.3.1), though each part
 * is within its own limit. Checked before sending: in a batch, one such item fails every write.
 */
export function checkKeyPartsSize(entity: string, index: ResolvedIndex, key: Readonly<Record<string, KeyValue>>): void {
  for (const [attrs, limit, which] of [
    [index.partitionKeys, MAX_PARTITION_KEY_BYTES, 'partition'],
    [index.sortKeys, MAX_SORT_KEY_BYTES, 'sort'],
  ] as const) {
    if (attrs.length < 2) continue;
    const bytes = attrs.reduce((sum, a) => sum + attributeValueSize(key[a.name]), 0);
    if (bytes > limit) {
      const names = attrs.map((a) => a.name).join(', ');
      throw new KeyError(entity, index.name, names, `the ${which} key attributes ${names} hold ${bytes} bytes together, over DynamoDB's limit of ${limit} bytes for a multi-attribute key`);
    }
  }
}
