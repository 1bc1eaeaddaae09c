import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { _Record as SdkStreamRecord } from '@aws-sdk/client-dynamodb-streams';
import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import {
  ConditionFailedError,
  DynakitError,
  TableMismatchError,
  VersionConflictError,
  changedAttributes,
  defineEntity,
  defineTable,
  type EntityInput,
  type EntityItem,
  type EntityKey,
  type EntityStreamEvent,
  type ParsedStream,
  type ReplacedItem,
  type StreamEventOf,
  type StreamRecordError,
  type StreamRecordInput,
  type TableDescriptionReport,
  type TableDifference,
} from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';

const client = new DynamoDBClient({});
const { AppTable, User, Order } = appModel(client);
type User = EntityItem<typeof User>;
type Order = EntityItem<typeof Order>;
type UserEvent = EntityStreamEvent<'User', User, EntityKey<typeof User>>;
type OrderEvent = EntityStreamEvent<'Order', Order, EntityKey<typeof Order>>;

const Doc = defineEntity({
  table: AppTable,
  name: 'Doc',
  schema: z.object({ docId: z.string(), title: z.string(), expiresAt: z.date().optional() }),
  keys: { primary: { pk: 'DOC#{docId}', sk: 'DOC' } },
  version: 'version',
  ttl: 'expiresAt',
});
type Doc = EntityItem<typeof Doc>;

declare const lambdaEvent: { Records: StreamRecordInput[] };
declare const record: StreamRecordInput;

test('streamParser(...entities) yields events discriminated by entity', () => {
  const parse = AppTable.streamParser(User, Order);
  const parsed = parse.event(lambdaEvent);
  expectTypeOf(parsed).toEqualTypeOf<ParsedStream<UserEvent | OrderEvent>>();
  expectTypeOf(parsed.unknown).toEqualTypeOf<StreamRecordInput[]>();
  expectTypeOf(parsed.errors).toEqualTypeOf<StreamRecordError[]>();
  for (const e of parsed.events) {
    expectTypeOf(e.type).toEqualTypeOf<'INSERT' | 'MODIFY' | 'REMOVE'>();
    if (e.entity === 'User') {
      expectTypeOf(e.keys).toEqualTypeOf<{ userId: string }>();
      expectTypeOf(e.newItem).toEqualTypeOf<User | undefined>();
      expectTypeOf(e.oldItem).toEqualTypeOf<User | undefined>();
      // @ts-expect-error total is an Order attribute
      void e.newItem?.total;
    } else {
      expectTypeOf(e.entity).toEqualTypeOf<'Order'>();
      expectTypeOf(e.keys).toEqualTypeOf<{ userId: string; seq: number; orderId: string }>();
      expectTypeOf(e.newItem).toEqualTypeOf<Order | undefined>();
    }
  }
  expectTypeOf(parse.record(record)).toEqualTypeOf<UserEvent | OrderEvent | undefined>();
  expectTypeOf<StreamEventOf<typeof User | typeof Order>>().toEqualTypeOf<UserEvent | OrderEvent>();
});

test('events narrow by type: an INSERT has no old image, a REMOVE no new one', () => {
  for (const e of AppTable.streamParser(User).event(lambdaEvent).events) {
    if (e.type === 'INSERT') {
      expectTypeOf(e.newItem).toEqualTypeOf<User | undefined>();
      expectTypeOf(e.oldItem).toEqualTypeOf<undefined>();
      expectTypeOf(e.replaced).toEqualTypeOf<undefined>();
    } else if (e.type === 'REMOVE') {
      expectTypeOf(e.newItem).toEqualTypeOf<undefined>();
      expectTypeOf(e.oldItem).toEqualTypeOf<User | undefined>();
      expectTypeOf(e.removedByTtl).toEqualTypeOf<boolean>();
      expectTypeOf(e.replaced).toEqualTypeOf<undefined>();
    } else {
      expectTypeOf(e.type).toEqualTypeOf<'MODIFY'>();
      expectTypeOf(e.oldItem).toEqualTypeOf<User | undefined>();
      expectTypeOf(changedAttributes(e)).toEqualTypeOf<(keyof User & string)[]>();
      // Set when the item before was another entity's: its discriminator value, if it had one.
      expectTypeOf(e.replaced).toEqualTypeOf<ReplacedItem | undefined>();
      expectTypeOf<ReplacedItem['entity']>().toEqualTypeOf<string | undefined>();
    }
  }
});

test('the untyped parsers return records of unknown shape', () => {
  expectTypeOf(AppTable.parseStreamRecord(record)).toEqualTypeOf<EntityStreamEvent<string, Record<string, unknown>> | undefined>();
  expectTypeOf(AppTable.parseStreamEvent(lambdaEvent).events).toEqualTypeOf<EntityStreamEvent<string, Record<string, unknown>>[]>();
  expectTypeOf(AppTable.parseStreamEvent({})).toEqualTypeOf<ParsedStream<EntityStreamEvent<string, Record<string, unknown>>>>();
});

test('changedAttributes returns attribute names of the item', () => {
  const [e] = AppTable.streamParser(User).event(lambdaEvent).events;
  expectTypeOf(changedAttributes(e!)).toEqualTypeOf<(keyof User & string)[]>();
  expectTypeOf(changedAttributes({ oldItem: { a: 1, b: 'x' }, newItem: { a: 2, b: 'y' } })).toEqualTypeOf<('a' | 'b')[]>();
  // BUG (reported): an event of the typed parser's union, not yet narrowed by entity, is refused
  // (the item type cannot be inferred from a union); narrowing first works.
  const [any] = AppTable.streamParser(User, Order).event(lambdaEvent).events;
  changedAttributes(any!);
  if (any?.entity === 'Order') expectTypeOf(changedAttributes(any)).toEqualTypeOf<(keyof Order & string)[]>();
});

test('StreamRecordError carries the record and a reason', () => {
  expectTypeOf<StreamRecordError['reason']>().toEqualTypeOf<'malformed' | 'schema-mismatch'>();
  expectTypeOf<StreamRecordError['record']>().toEqualTypeOf<StreamRecordInput>();
  // A record of no registered entity is reported in `unknown`, never as an error.
  // @ts-expect-error no error has the reason 'unknown-entity'
  void ((e: StreamRecordError) => e.reason === 'unknown-entity');
  const skipped = (e: StreamRecordError): string => {
    switch (e.reason) {
      case 'malformed':
        return 'drop';
      case 'schema-mismatch':
        return 'fix the schema';
      default:
        expectTypeOf(e.reason).toBeNever();
        return e.reason;
    }
  };
  void skipped;
});

// BUG (reported): the two tests below show input types that should be accepted and are not; the
// expect-error lines below turn into errors once StreamRecordInput is fixed: then drop them.
test('records read with @aws-sdk/client-dynamodb-streams are accepted as they are', () => {
  // The Streams client's _Record is an interface without an index signature, and
  // StreamRecordInput declares `[extra: string]: unknown`.
  const sdkRecords: SdkStreamRecord[] = [];
  AppTable.parseStreamEvent({ Records: sdkRecords });
  AppTable.streamParser(User).record(sdkRecords[0]!);
  // What users have to write today:
  AppTable.parseStreamEvent({ Records: sdkRecords as unknown as StreamRecordInput[] });
});

test('a Lambda event typed like @types/aws-lambda (B as base64 string) is accepted', () => {
  // The shapes of @types/aws-lambda's DynamoDBStreamEvent, inlined (that package is not a dependency).
  interface LambdaAttributeValue {
    B?: string | undefined;
    BS?: string[] | undefined;
    BOOL?: boolean | undefined;
    L?: LambdaAttributeValue[] | undefined;
    M?: { [id: string]: LambdaAttributeValue } | undefined;
    N?: string | undefined;
    NS?: string[] | undefined;
    NULL?: boolean | undefined;
    S?: string | undefined;
    SS?: string[] | undefined;
  }
  interface LambdaStreamRecord {
    ApproximateCreationDateTime?: number | undefined;
    Keys?: { [key: string]: LambdaAttributeValue } | undefined;
    NewImage?: { [key: string]: LambdaAttributeValue } | undefined;
    OldImage?: { [key: string]: LambdaAttributeValue } | undefined;
    SequenceNumber?: string | undefined;
    SizeBytes?: number | undefined;
    StreamViewType?: 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | undefined;
  }
  interface DynamoDBRecord {
    awsRegion?: string | undefined;
    dynamodb?: LambdaStreamRecord | undefined;
    eventID?: string | undefined;
    eventName?: 'INSERT' | 'MODIFY' | 'REMOVE' | undefined;
    eventSource?: string | undefined;
    eventSourceARN?: string | undefined;
    eventVersion?: string | undefined;
  }
  interface DynamoDBStreamEvent {
    Records: DynamoDBRecord[];
  }
  const event = {} as DynamoDBStreamEvent;
  AppTable.parseStreamEvent(event);
  AppTable.streamParser(User, Order).event(event);
});

test('a Lambda Kinesis event typed like @types/aws-lambda (change records in kinesis.data) is accepted', () => {
  // The shapes of @types/aws-lambda's KinesisStreamEvent, inlined.
  interface KinesisStreamRecordPayload {
    approximateArrivalTimestamp: number;
    data: string;
    kinesisSchemaVersion: string;
    partitionKey: string;
    sequenceNumber: string;
  }
  interface KinesisStreamRecord {
    awsRegion: string;
    eventID: string;
    eventName: string;
    eventSource: string;
    eventSourceARN: string;
    eventVersion: string;
    invokeIdentityArn: string;
    kinesis: KinesisStreamRecordPayload;
  }
  const event = {} as { Records: KinesisStreamRecord[] };
  AppTable.parseStreamEvent(event);
  AppTable.streamParser(User, Order).event(event);
});

test('a versioned entity: the version is a number on items, optional on put input and on update/delete keys', () => {
  expectTypeOf<Doc['version']>().toEqualTypeOf<number>();
  expectTypeOf<Doc['expiresAt']>().toEqualTypeOf<Date | undefined>();
  expectTypeOf<EntityInput<typeof Doc>>().toHaveProperty('version');
  Doc.put({ docId: 'd', title: 't' });
  Doc.put({ docId: 'd', title: 't', version: 3 });
  Doc.update({ docId: 'd', version: 3 }).set({ title: 'x' });
  Doc.update({ docId: 'd' }).set({ title: 'x' });
  Doc.delete({ docId: 'd', version: 3 });
  // @ts-expect-error the version is a number
  Doc.update({ docId: 'd', version: '3' });
  // @ts-expect-error dynakit manages the version: it cannot be set
  Doc.update({ docId: 'd' }).set({ version: 4 });
  // get takes the key only
  // @ts-expect-error version is not part of the key
  Doc.get({ docId: 'd', version: 1 });
  expectTypeOf(Doc.Attr('version').gt).parameter(0).toEqualTypeOf<number | ReturnType<typeof Doc.Attr<'version'>>>();
});

test('entities without version have no version field anywhere', () => {
  expectTypeOf<User>().not.toHaveProperty('version');
  // @ts-expect-error User is not versioned
  User.update({ userId: 'u1', version: 1 });
  // @ts-expect-error User is not versioned
  User.delete({ userId: 'u1', version: 1 });
});

test('VersionConflictError is a ConditionFailedError with the expected version', () => {
  expectTypeOf<VersionConflictError>().toExtend<ConditionFailedError>();
  expectTypeOf<VersionConflictError['expectedVersion']>().toEqualTypeOf<number | undefined>();
  expectTypeOf<VersionConflictError['item']>().toEqualTypeOf<Record<string, unknown> | undefined>();
});

test('ttl and version options', () => {
  const T = defineTable({ name: 'T', client, partitionKey: { name: 'pk', type: 'S' } });
  defineEntity({
    table: T,
    name: 'A',
    schema: z.object({ id: z.string(), at: z.date() }),
    keys: { primary: { pk: 'A#{id}' } },
    // @ts-expect-error the ttl attribute must be an attribute of the schema
    ttl: 'nope',
  });
  // A field that holds no Date (the run time refuses it with a KeyError when the entity is defined).
  defineEntity({
    table: T,
    name: 'B',
    schema: z.object({ id: z.string(), at: z.date().optional(), note: z.string().optional(), until: z.number() }),
    keys: { primary: { pk: 'B#{id}' } },
    // @ts-expect-error the ttl attribute must hold a Date: `note` is a string
    ttl: 'note',
  });
  // An optional or nullable Date field compiles.
  defineEntity({ table: T, name: 'C', schema: z.object({ id: z.string(), at: z.date().nullable().optional() }), keys: { primary: { pk: 'C#{id}' } }, ttl: 'at' });
  expectTypeOf(Doc.get({ docId: 'd' }).includeExpired()).toEqualTypeOf(Doc.get({ docId: 'd' }));
  expectTypeOf(Doc.scan().includeExpired()).toEqualTypeOf(Doc.scan());
  expectTypeOf(Doc.query('primary', Doc.Key('docId').eq('d')).includeExpired()).toEqualTypeOf(Doc.query('primary', Doc.Key('docId').eq('d')));
});

test('table lifecycle types', () => {
  expectTypeOf(AppTable.describe()).resolves.toEqualTypeOf<TableDescriptionReport>();
  expectTypeOf<TableDescriptionReport['differences']>().toEqualTypeOf<readonly TableDifference[]>();
  expectTypeOf<TableDifference>().toEqualTypeOf<{ readonly path: string; readonly expected: string; readonly actual: string }>();
  expectTypeOf(AppTable.create()).resolves.toBeVoid();
  expectTypeOf(AppTable.create({ ifNotExists: true, maxWaitSeconds: 30 })).resolves.toBeVoid();
  // @ts-expect-error ifNotExists is a boolean
  void AppTable.create({ ifNotExists: 'yes' });
  expectTypeOf<TableMismatchError>().toExtend<DynakitError>();
  expectTypeOf<TableMismatchError['table']>().toEqualTypeOf<string>();
  expectTypeOf<TableMismatchError['differences']>().toEqualTypeOf<readonly TableDifference[]>();
  expectTypeOf(AppTable.drop()).resolves.toBeVoid();
  expectTypeOf(AppTable.ttlAttribute()).toEqualTypeOf<string | undefined>();
  defineTable({ name: 'S', client, partitionKey: { name: 'pk', type: 'S' }, stream: 'NEW_AND_OLD_IMAGES' });
  // @ts-expect-error not a stream view type
  defineTable({ name: 'S', client, partitionKey: { name: 'pk', type: 'S' }, stream: 'ALL' });
});

test('events say whether a REMOVE came from the TTL job', () => {
  for (const e of AppTable.streamParser(User).event(lambdaEvent).events) expectTypeOf(e.removedByTtl).toEqualTypeOf<boolean>();
  expectTypeOf(AppTable.parseStreamRecord(record)!.removedByTtl).toEqualTypeOf<boolean>();
});
