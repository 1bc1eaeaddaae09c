/**
 * Stream events typed by what a handler knows of its stream: `keys` as the entity's `get` takes
 * them, and images required where the view type the parser was told gives them (helper-79).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expectTypeOf, test } from 'vitest';
import {
  changedAttributes,
  type EntityItem,
  type EntityKey,
  type EntityStreamEvent,
  type ReplacedItem,
  type StreamEventOf,
  type StreamParser,
  type StreamRecordInput,
  type StreamViewType,
} from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';

const { AppTable, User, Order } = appModel(new DynamoDBClient({}));
type User = EntityItem<typeof User>;
type Order = EntityItem<typeof Order>;

declare const lambdaEvent: { Records: StreamRecordInput[] };
declare const record: StreamRecordInput;

test('keys are what get takes, per entity; the untyped parsers keep a record', () => {
  for (const e of AppTable.streamParser(User, Order).event(lambdaEvent).events) {
    if (e.entity === 'User') {
      expectTypeOf(e.keys).toEqualTypeOf<EntityKey<typeof User>>();
      User.get(e.keys);
    } else {
      expectTypeOf(e.keys).toEqualTypeOf<{ userId: string; seq: number; orderId: string }>();
      Order.delete(e.keys);
      // @ts-expect-error keys hold the key composites, not the item
      void e.keys.total;
    }
  }
  expectTypeOf(AppTable.parseStreamRecord(record)!.keys).toEqualTypeOf<Record<string, unknown>>();
});

test('no view type told: every image an event type can have is optional', () => {
  const parse = AppTable.streamParser(User);
  expectTypeOf(parse).toEqualTypeOf<StreamParser<typeof User>>();
  for (const e of parse.event(lambdaEvent).events) {
    if (e.type === 'INSERT') expectTypeOf(e.newItem).toEqualTypeOf<User | undefined>();
    if (e.type === 'MODIFY') expectTypeOf(e.oldItem).toEqualTypeOf<User | undefined>();
    if (e.type === 'REMOVE') expectTypeOf(e.oldItem).toEqualTypeOf<User | undefined>();
  }
});

test('NEW_AND_OLD_IMAGES: an INSERT has its new item, a REMOVE its old one, a MODIFY both unless it replaced another entity', () => {
  const parse = AppTable.streamParser(User, Order).viewType('NEW_AND_OLD_IMAGES');
  expectTypeOf(parse).toEqualTypeOf<StreamParser<typeof User | typeof Order, 'NEW_AND_OLD_IMAGES'>>();
  for (const e of parse.event(lambdaEvent).events) {
    if (e.entity !== 'User') continue;
    if (e.type === 'INSERT') {
      expectTypeOf(e.newItem).toEqualTypeOf<User>();
      expectTypeOf(e.newItem.email).toEqualTypeOf<string>();
      expectTypeOf(e.oldItem).toEqualTypeOf<undefined>();
    } else if (e.type === 'REMOVE') {
      expectTypeOf(e.oldItem).toEqualTypeOf<User>();
      expectTypeOf(e.newItem).toEqualTypeOf<undefined>();
    } else {
      expectTypeOf(e.newItem).toEqualTypeOf<User>();
      // The old image of another entity's item is not this entity's item: narrowed by `replaced`.
      expectTypeOf(e.oldItem).toEqualTypeOf<User | undefined>();
      if (e.replaced === undefined) expectTypeOf(e.oldItem).toEqualTypeOf<User>();
      else {
        expectTypeOf(e.replaced).toEqualTypeOf<ReplacedItem>();
        expectTypeOf(e.oldItem).toEqualTypeOf<undefined>();
      }
      expectTypeOf(changedAttributes(e)).toEqualTypeOf<(keyof User & string)[]>();
    }
  }
  expectTypeOf(parse.record(record)).toEqualTypeOf<StreamEventOf<typeof User | typeof Order, 'NEW_AND_OLD_IMAGES'> | undefined>();
});

test('NEW_IMAGE, OLD_IMAGE and KEYS_ONLY give the images they carry and no others', () => {
  for (const e of AppTable.streamParser(User).viewType('NEW_IMAGE').event(lambdaEvent).events) {
    if (e.type === 'REMOVE') expectTypeOf(e.oldItem).toEqualTypeOf<undefined>();
    else {
      expectTypeOf(e.newItem).toEqualTypeOf<User>();
      expectTypeOf(e.oldItem).toEqualTypeOf<undefined>();
      expectTypeOf(e.replaced).toEqualTypeOf<undefined>();
    }
  }
  for (const e of AppTable.streamParser(User).viewType('OLD_IMAGE').event(lambdaEvent).events) {
    if (e.type === 'INSERT') expectTypeOf(e.newItem).toEqualTypeOf<undefined>();
    else {
      expectTypeOf(e.oldItem).toEqualTypeOf<User>();
      expectTypeOf(e.newItem).toEqualTypeOf<undefined>();
    }
  }
  for (const e of AppTable.streamParser(User).viewType('KEYS_ONLY').event(lambdaEvent).events) {
    expectTypeOf(e.newItem).toEqualTypeOf<undefined>();
    expectTypeOf(e.oldItem).toEqualTypeOf<undefined>();
    expectTypeOf(e.keys).toEqualTypeOf<{ userId: string }>();
    expectTypeOf(changedAttributes(e)).toEqualTypeOf<never[]>();
  }
});

test('the view type is one of the four DynamoDB has', () => {
  expectTypeOf<StreamViewType>().toEqualTypeOf<'NEW_AND_OLD_IMAGES' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'KEYS_ONLY'>();
  // @ts-expect-error not a view type
  AppTable.streamParser(User).viewType('NEW_AND_OLD');
  expectTypeOf<EntityStreamEvent<'User', User, EntityKey<typeof User>, 'KEYS_ONLY'>['newItem']>().toEqualTypeOf<undefined>();
});

test('events name their record for a partial batch response, from either source', () => {
  // The shape of @types/aws-lambda's KinesisStreamEvent record, inlined (that package is not a dependency).
  interface KinesisStreamRecord {
    eventSource: string;
    eventSourceARN: string;
    kinesis: { data: string; sequenceNumber: string; partitionKey: string; kinesisSchemaVersion: string; approximateArrivalTimestamp: number };
  }
  const kinesisEvent = {} as { Records: KinesisStreamRecord[] };
  const parse = AppTable.streamParser(User).viewType('NEW_AND_OLD_IMAGES');
  for (const e of [...parse.event(kinesisEvent).events, ...parse.event(lambdaEvent).events]) {
    expectTypeOf(e.sequenceNumber).toEqualTypeOf<string | undefined>();
  }
});
