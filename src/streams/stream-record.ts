import { unmarshallItem } from '../client/attribute-value.js';
import type { EntityModel } from '../entity/model.js';
import { tableNameOf } from '../entity/table-name.js';
import type { AnyEntity, EntityItem, EntityKey } from '../entity/entity.js';
import { DynakitError } from '../errors.js';
import { viewTypeMismatch, type ImagesByView, type StreamViewType } from './view-type.js';
import { normalizeMap } from './stream-image.js';

/**
 * An attribute value of a stream image: Lambda's JSON (binary values as base64 strings) or the
 * SDK's (binary values as `Uint8Array`).
 */
export interface StreamAttributeValue {
  readonly S?: string | undefined;
  readonly N?: string | undefined;
  readonly B?: string | Uint8Array | undefined;
  readonly SS?: readonly string[] | undefined;
  readonly NS?: readonly string[] | undefined;
  readonly BS?: readonly (string | Uint8Array)[] | undefined;
  readonly M?: { readonly [name: string]: StreamAttributeValue } | undefined;
  readonly L?: readonly StreamAttributeValue[] | undefined;
  readonly NULL?: boolean | undefined;
  readonly BOOL?: boolean | undefined;
}

/** An image or key of a stream record. */
export type StreamImage = { readonly [name: string]: StreamAttributeValue };

/**
 * A DynamoDB Streams record as a Lambda handler receives it (`DynamoDBRecord` of @types/aws-lambda)
 * or as `@aws-sdk/client-dynamodb-streams` returns it; or a change record of Kinesis Data Streams for
 * DynamoDB, decoded (it names its table in `tableName`) or as Lambda delivers it (`KinesisStreamRecord`,
 * the change record being `kinesis.data`, base64 JSON).
 */
export interface StreamRecordInput {
  readonly eventID?: string | undefined;
  /** `INSERT`, `MODIFY` or `REMOVE`. */
  readonly eventName?: string | undefined;
  readonly eventSource?: string | undefined;
  readonly eventSourceARN?: string | undefined;
  /** The table of a Kinesis Data Streams change record (which has no stream ARN of the table). */
  readonly tableName?: string | undefined;
  /** A Lambda record of a Kinesis data stream (`eventSource: 'aws:kinesis'`): `data` is the change record, base64 JSON. */
  readonly kinesis?: { readonly data?: string | undefined; readonly sequenceNumber?: string | undefined } | undefined;
  readonly eventVersion?: string | undefined;
  readonly awsRegion?: string | undefined;
  /** `{ type: 'Service', principalId: 'dynamodb.amazonaws.com' }` on deletions by TTL. */
  readonly userIdentity?: unknown;
  readonly dynamodb?:
    | {
        readonly Keys?: StreamImage | undefined;
        readonly NewImage?: StreamImage | undefined;
        readonly OldImage?: StreamImage | undefined;
        readonly StreamViewType?: string | undefined;
        readonly SequenceNumber?: string | undefined;
        readonly SizeBytes?: number | undefined;
        readonly ApproximateCreationDateTime?: unknown;
      }
    | undefined;
}

interface StreamEventBase<Name extends string, Key> {
  readonly entity: Name;
  /**
   * The item's primary-key composites, what `get`, `update` and `delete` take: parsed from the
   * stored key (numbers as numbers, dates as `Date`s). An item stored under a key its templates do
   * not produce (written by another program, or under templates since changed) has them read from
   * its image instead, where `get` would not find it: its stored key is in `record.dynamodb.Keys`.
   */
  readonly keys: Key;
  /**
   * True for a `REMOVE` made by DynamoDB's TTL job rather than by a request (read from
   * `userIdentity`, in Lambda's and in the streams SDK's spelling).
   */
  readonly removedByTtl: boolean;
  /**
   * The record's sequence number, which a Lambda partial batch response names a failed record by
   * (`{ batchItemFailures: [{ itemIdentifier }] }`): a DynamoDB stream record's
   * `dynamodb.SequenceNumber`, a Kinesis record's `kinesis.sequenceNumber` (its change record, in
   * `record`, has none). `undefined` only for a record that has none (one made by hand).
   */
  readonly sequenceNumber: string | undefined;
  readonly record: StreamRecordInput;
}

/**
 * What a MODIFY replaced when the item before it was not of the event's entity: a put of this
 * entity's item on a key that held another entity's item (or an item without a discriminator).
 */
export interface ReplacedItem {
  /** The old image's discriminator value; `undefined` when it has none. */
  readonly entity: string | undefined;
}

/**
 * A parsed change of one entity's item, discriminated by `type`: an INSERT has no old image and a
 * REMOVE no new one. Which images are there is the stream's view type's to say: unless a parser is
 * told it (`streamParser(...).viewType('NEW_AND_OLD_IMAGES')`, `View`), they stay optional; told,
 * the images that view type gives are required (a record without them is refused as malformed).
 *
 * A record's entity is that of the image its event reports: an INSERT's new image, a REMOVE's old
 * one, a MODIFY's new one (its old one on an OLD_IMAGE stream). A MODIFY whose
 * old image belongs to another entity (its discriminator differs) is an event of the new image's
 * entity with `replaced` set and no `oldItem`: the old image is not an item of this entity, so it
 * is never parsed with this entity's schema, just as records of other entities are not. For this
 * entity the item was created, as by an INSERT; the old image stays in `record.dynamodb.OldImage`.
 *
 * @example if (e.type === 'MODIFY' && e.oldItem && e.newItem) console.log(changedAttributes(e))
 */
export type EntityStreamEvent<Name extends string, Item, Key = Record<string, unknown>, View extends StreamViewType | undefined = undefined> = StreamEventBase<Name, Key> &
  ImagesByView<Item>[View extends StreamViewType ? View : 'unstated'];

/**
 * The events a parser yields for entities `E` (of a stream of view type `View`, if told),
 * discriminated by `entity`; `keys` are what the entity's `get` takes.
 */
export type StreamEventOf<E extends AnyEntity, View extends StreamViewType | undefined = undefined> = E extends AnyEntity
  ? EntityStreamEvent<E['name'], EntityItem<E>, EntityKey<E>, View>
  : never;

/**
 * A record that could not be turned into an entity event, with why: `malformed` (not a change
 * record dynakit can read) or `schema-mismatch` (an image its entity's schema rejects). A record
 * of no registered entity is no error: it is reported as `unknown` (or `undefined`).
 *
 * `record` and `sequenceNumber` are an event's: the change record (inside a Kinesis record; the
 * Kinesis record itself when its data is not one), and the identifier a partial batch response
 * names the record by.
 */
export class StreamRecordError extends DynakitError {
  override name = 'StreamRecordError';
  constructor(
    readonly record: StreamRecordInput,
    readonly reason: 'malformed' | 'schema-mismatch',
    message: string,
    override readonly cause?: unknown,
    /** As an event's `sequenceNumber`: `undefined` only for a record that has none. */
    readonly sequenceNumber?: string,
  ) {
    super(message);
  }
}

/** The result of parsing a batch of records: one bad record never fails the others. */
export interface ParsedStream<Ev> {
  readonly events: Ev[];
  /**
   * Records of no registered entity (or of another table), as received: a Kinesis record stays
   * whole, so passing these to another table's parser keeps its sequence number.
   */
  readonly unknown: StreamRecordInput[];
  /** Records that are malformed or whose images do not match their entity's schema. */
  readonly errors: StreamRecordError[];
}

/** The `StreamRecordError` of the record being parsed. */
type Failure = (reason: StreamRecordError['reason'], message: string, cause?: unknown) => StreamRecordError;

function imageOf(raw: StreamImage | undefined, fail: Failure, which: string): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  if (raw === null || typeof raw !== 'object') throw fail('malformed', `${which} is not an attribute map`);
  try {
    return unmarshallItem(normalizeMap(raw, ''));
  } catch (e) {
    throw fail('malformed', `${which} is not valid AttributeValue JSON: ${(e as Error).message}`, e);
  }
}

function entityFromKeys(models: Iterable<EntityModel>, keys: Record<string, unknown>): [EntityModel, Record<string, unknown>] | undefined {
  const matches: [EntityModel, Record<string, unknown>][] = [];
  for (const m of models) {
    const pkName = m.primary.index.partitionKey.name;
    const skName = m.primary.index.sortKey?.name;
    const pk = m.primary.pk?.parse(keys[pkName] as string);
    const sk = skName === undefined ? {} : m.primary.sk?.parse(keys[skName] as string);
    if (pk !== undefined && sk !== undefined && !(m.primary.pk?.raw ?? false)) matches.push([m, { ...pk, ...sk }]);
  }
  return matches.length === 1 ? matches[0] : undefined;
}

/**
 * The table a record names, if any: a DynamoDB stream's in its `eventSourceARN`
 * (`arn:...:table/<name>/stream/<label>`), a Kinesis change record's in `tableName`.
 */
function sourceTable(record: StreamRecordInput): string | undefined {
  const arn = record.eventSourceARN;
  const fromArn = typeof arn === 'string' ? /:table\/([^/]+)\/stream\//.exec(arn)?.[1] : undefined;
  return fromArn ?? (typeof record.tableName === 'string' ? record.tableName : undefined);
}

/**
 * The change record a Lambda record of a Kinesis data stream carries (base64 JSON in `kinesis.data`);
 * any other record as it is.
 */
function unwrapKinesis(record: StreamRecordInput, fail: Failure): StreamRecordInput {
  if (!isKinesis(record)) return record;
  const data = record.kinesis?.data;
  if (typeof data !== 'string') throw fail('malformed', 'a Kinesis record without kinesis.data');
  let inner: unknown;
  try {
    inner = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  } catch (e) {
    throw fail('malformed', `kinesis.data is not base64 JSON: ${(e as Error).message}`, e);
  }
  if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) throw fail('malformed', 'kinesis.data is not a change record');
  return inner as StreamRecordInput;
}

/** Whether a record is a Lambda record of a Kinesis data stream (its change record in `kinesis.data`). */
function isKinesis(record: StreamRecordInput): boolean {
  return record?.eventSource === 'aws:kinesis';
}

const TTL_PRINCIPAL = 'dynamodb.amazonaws.com';

/**
 * The `eventName` DynamoDB Local (3.3) gives the records of its TTL deletions, which carry no
 * `userIdentity` either: its Java SDK's name for an event type it cannot spell. Such a record
 * (without a new image: the item is gone) is read as the `REMOVE` by TTL the service sends, so a
 * handler tested against Local sees its TTL deletions as it will in production.
 */
const LOCAL_TTL_EVENT_NAME = 'UNKNOWN_TO_SDK_VERSION';

function isLocalTtlDeletion(record: StreamRecordInput): boolean {
  return record?.eventName === LOCAL_TTL_EVENT_NAME && record.dynamodb?.NewImage === undefined;
}

/** Lambda spells the identity `{ type, principalId }`, the streams SDK `{ Type, PrincipalId }`. */
function isTtlDeletion(record: StreamRecordInput): boolean {
  if (isLocalTtlDeletion(record)) return true;
  const id = record.userIdentity;
  if (record.eventName !== 'REMOVE' || id === null || typeof id !== 'object') return false;
  const i = id as { principalId?: unknown; PrincipalId?: unknown };
  return (i.principalId ?? i.PrincipalId) === TTL_PRINCIPAL;
}

/** Lambda's identifier of a record as received: a Kinesis record's sequence number, or a stream record's. */
function sequenceNumberOf(received: StreamRecordInput): string | undefined {
  const n = isKinesis(received) ? received.kinesis?.sequenceNumber : received?.dynamodb?.SequenceNumber;
  return typeof n === 'string' ? n : undefined;
}

/**
 * What a parser parses records against: its table, the entities it knows (by name), the table's
 * discriminator attribute (`undefined`: the table has none, and every record is its one entity's)
 * and the view type it was told, if any.
 */
export interface StreamParsing {
  readonly table: string;
  readonly models: ReadonlyMap<string, EntityModel>;
  readonly entityAttribute: string | undefined;
  readonly viewType: StreamViewType | undefined;
}

/**
 * The primary-key composites of an item stored under a key its templates do not produce, read from
 * its parsed image; `undefined` when the image lacks one (a composite optional in the schema).
 */
function keysFromItem(model: EntityModel, item: Record<string, unknown>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const c of model.keys.primaryComposites) {
    if (item[c] === undefined || item[c] === null) return undefined;
    out[c] = item[c];
  }
  return out;
}

/**
 * Parses one stream record against a parser's entities (by discriminator, or by key templates for
 * records without an image). Returns an event, `'unknown'` for records of other entities, or
 * throws `StreamRecordError`. An old image of another entity is reported, not parsed (see
 * `EntityStreamEvent`).
 */
export function parseRecordWith(parsing: StreamParsing, received: StreamRecordInput): EntityStreamEvent<string, Record<string, unknown>> | 'unknown' {
  const sequenceNumber = sequenceNumberOf(received);
  const record = unwrapKinesis(received, (reason, message, cause) => new StreamRecordError(received, reason, message, cause, sequenceNumber));
  const fail: Failure = (reason, message, cause) => new StreamRecordError(record, reason, message, cause, sequenceNumber);
  try {
    return parseChange(parsing, record, sequenceNumber, fail);
  } catch (e) {
    // Anything else a record makes fail is that record's error too, never the batch's.
    throw e instanceof StreamRecordError ? e : fail('malformed', String(e), e);
  }
}

/** `parseRecordWith` of a change record (a Kinesis record's unwrapped); `fail` makes its errors. */
function parseChange(parsing: StreamParsing, record: StreamRecordInput, sequenceNumber: string | undefined, fail: Failure): EntityStreamEvent<string, Record<string, unknown>> | 'unknown' {
  const { models, entityAttribute, viewType } = parsing;
  const type = isLocalTtlDeletion(record) ? 'REMOVE' : record?.eventName;
  if (type !== 'INSERT' && type !== 'MODIFY' && type !== 'REMOVE') {
    throw fail('malformed', `eventName must be INSERT, MODIFY or REMOVE, got ${String(type)}`);
  }
  // A function can be subscribed to several tables' streams; another table's items are not ours
  // even when they carry a discriminator value we know.
  const source = sourceTable(record);
  if (source !== undefined && source !== tableNameOf(parsing.table)) return 'unknown';
  const d = record.dynamodb;
  if (d === undefined || d === null || typeof d !== 'object') throw fail('malformed', 'record has no dynamodb section');
  // Told the view type, the events' types promise its images: a record without them is refused
  // rather than passed on with an image typed as present and missing.
  const mismatch = viewType === undefined ? undefined : viewTypeMismatch(record, type, viewType);
  if (mismatch !== undefined) throw fail('malformed', mismatch);
  const newImage = imageOf(d.NewImage, fail, 'NewImage');
  const oldImage = imageOf(d.OldImage, fail, 'OldImage');
  const storedKey = imageOf(d.Keys, fail, 'Keys') ?? {};
  // The image an event reports names its entity: a REMOVE's old one, an INSERT's new one.
  const main = type === 'REMOVE' ? oldImage : type === 'INSERT' ? newImage : (newImage ?? oldImage);
  const et = entityAttribute === undefined ? undefined : main?.[entityAttribute];
  // A put of another entity's item on the same key: the old image is that entity's, not this one's.
  const oldEt = entityAttribute === undefined ? undefined : oldImage?.[entityAttribute];
  const replaced = type === 'MODIFY' && newImage !== undefined && oldImage !== undefined && oldEt !== et;
  let model: EntityModel | undefined;
  let keys: Record<string, unknown> | undefined;
  if (entityAttribute === undefined) model = models.values().next().value;
  else if (typeof et === 'string') model = models.get(et);
  else if (main === undefined) {
    const hit = entityFromKeys(models.values(), storedKey);
    if (hit !== undefined) [model, keys] = hit;
  }
  if (model === undefined) return 'unknown';
  const parse = (image: Record<string, unknown> | undefined, which: string): Record<string, unknown> | undefined => {
    if (image === undefined) return undefined;
    try {
      return model.parse(image);
    } catch (e) {
      throw fail('schema-mismatch', `${model.name}: ${which} does not match the schema: ${(e as Error).message}`, e);
    }
  };
  // An INSERT has no item before it and a REMOVE none after it, whatever a record carries.
  const n = type === 'REMOVE' ? undefined : parse(newImage, 'NewImage');
  const o = type === 'INSERT' || replaced ? undefined : parse(oldImage, 'OldImage');
  keys ??= model.keys.parseStored(storedKey);
  const item = n ?? o;
  if (keys === undefined) {
    // Without an image, only the key could make the record this entity's (a table without a
    // discriminator), and it does not fit: the record is no item of it, as with key templates.
    if (item === undefined) return 'unknown';
    keys = keysFromItem(model, item);
    if (keys === undefined) {
      const stored = Object.entries(storedKey).map(([name, v]) => `${name} ${String(v)}`).join(', ');
      const templates = [model.primary.pk?.source, model.primary.sk?.source].filter((t) => t !== undefined).join(' / ');
      throw fail('schema-mismatch', `${model.name}: the stored key (${stored}) does not fit the key templates ${templates}, and the image lacks a key composite (${[...model.keys.primaryComposites].join(', ')})`);
    }
  }
  const base = { entity: model.name, keys, removedByTtl: isTtlDeletion(record), sequenceNumber, record };
  const images = { ...(n === undefined ? {} : { newItem: n }), ...(o === undefined ? {} : { oldItem: o }) };
  const other = replaced ? { replaced: { entity: typeof oldEt === 'string' ? oldEt : undefined } } : {};
  return { type, ...base, ...images, ...other } as EntityStreamEvent<string, Record<string, unknown>>;
}

/** Parses every record of a batch; a bad record lands in `errors`, never failing the rest. */
export function parseRecordsWith(parsing: StreamParsing, records: readonly StreamRecordInput[]): ParsedStream<EntityStreamEvent<string, Record<string, unknown>>> {
  const out: ParsedStream<EntityStreamEvent<string, Record<string, unknown>>> = { events: [], unknown: [], errors: [] };
  for (const r of records) {
    try {
      const e = parseRecordWith(parsing, r);
      if (e === 'unknown') out.unknown.push(r);
      else out.events.push(e);
    } catch (err) {
      out.errors.push(err instanceof StreamRecordError ? err : new StreamRecordError(r, 'malformed', String(err), err, sequenceNumberOf(r)));
    }
  }
  return out;
}
