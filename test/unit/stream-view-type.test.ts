/**
 * A parser told its stream's view type (`streamParser(...).viewType(...)`): records that do not
 * carry what that view type gives are malformed, never events with an image typed as present and
 * missing; and `keys` of records whose stored key does not fit the templates (helper-79).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DynakitError, ExpressionError, StreamRecordError, defineEntity, defineTable, type StreamRecordInput, type StreamViewType } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';

const client = new DynamoDBClient({ region: 'us-east-1' });
const { AppTable, User } = appModel(client, 'App');

const keys = { pk: { S: 'USER#u1' }, sk: { S: 'PROFILE' } };
const image = (name: string) => ({ ...keys, _et: { S: 'User' }, userId: { S: 'u1' }, orgId: { S: 'acme' }, email: { S: 'u1@example.com' }, name: { S: name } });
const rec = (eventName: string, images: { NewImage?: object; OldImage?: object }, StreamViewType?: StreamViewType): StreamRecordInput =>
  ({ eventName, eventSource: 'aws:dynamodb', dynamodb: { Keys: keys, ...images, ...(StreamViewType === undefined ? {} : { StreamViewType }) } }) as StreamRecordInput;

/** An INSERT, a MODIFY and a REMOVE as a stream of this view type carries them. */
function changes(view: StreamViewType, stated = true): StreamRecordInput[] {
  const withNew = view === 'NEW_AND_OLD_IMAGES' || view === 'NEW_IMAGE';
  const withOld = view === 'NEW_AND_OLD_IMAGES' || view === 'OLD_IMAGE';
  const v = stated ? view : undefined;
  return [
    rec('INSERT', withNew ? { NewImage: image('Ada') } : {}, v),
    rec('MODIFY', { ...(withNew ? { NewImage: image('Ada L.') } : {}), ...(withOld ? { OldImage: image('Ada') } : {}) }, v),
    rec('REMOVE', withOld ? { OldImage: image('Ada L.') } : {}, v),
  ];
}

const VIEWS: StreamViewType[] = ['NEW_AND_OLD_IMAGES', 'NEW_IMAGE', 'OLD_IMAGE', 'KEYS_ONLY'];

describe('a parser told the view type', () => {
  it.each(VIEWS)('%s: records of that view type parse, with or without their own StreamViewType', (view) => {
    for (const stated of [true, false]) {
      const { events, errors } = AppTable.streamParser(User).viewType(view).event({ Records: changes(view, stated) });
      expect(errors).toEqual([]);
      expect(events).toEqual(AppTable.streamParser(User).event({ Records: changes(view, stated) }).events);
    }
  });

  it('NEW_AND_OLD_IMAGES: the images are there, as the types say', () => {
    const [insert, modify, remove] = AppTable.streamParser(User).viewType('NEW_AND_OLD_IMAGES').event({ Records: changes('NEW_AND_OLD_IMAGES') }).events;
    expect(insert?.type === 'INSERT' && insert.newItem.name).toBe('Ada');
    expect(modify?.type === 'MODIFY' && modify.replaced === undefined && [modify.oldItem.name, modify.newItem.name]).toEqual(['Ada', 'Ada L.']);
    expect(remove?.type === 'REMOVE' && remove.oldItem.name).toBe('Ada L.');
  });

  it("a record whose own StreamViewType is another is malformed, naming both (the batch's other records still parse)", () => {
    const parse = AppTable.streamParser(User).viewType('NEW_AND_OLD_IMAGES');
    const newOnly = changes('NEW_IMAGE')[0]!;
    const { events, errors } = parse.event({ Records: [newOnly, ...changes('NEW_AND_OLD_IMAGES')] });
    expect(events.map((e) => e.type)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    expect(errors.map((e) => [e.reason, e.record, e.message])).toEqual([
      ['malformed', newOnly, "the record's StreamViewType is NEW_IMAGE, but the parser was told NEW_AND_OLD_IMAGES"],
    ]);
    expect(() => parse.record(newOnly)).toThrow(StreamRecordError);
  });

  it('without a StreamViewType (Kinesis, hand-made records), a missing image is malformed, never an event without it', () => {
    const parse = AppTable.streamParser(User).viewType('NEW_AND_OLD_IMAGES');
    const [, modifyNewOnly, removeWithout] = changes('NEW_IMAGE', false);
    const { events, errors } = parse.event({ Records: [modifyNewOnly!, removeWithout!] });
    expect(events).toEqual([]);
    expect(errors.map((e) => [e.reason, e.message])).toEqual([
      ['malformed', 'MODIFY records of NEW_AND_OLD_IMAGES streams carry OldImage; this one has none'],
      ['malformed', 'REMOVE records of NEW_AND_OLD_IMAGES streams carry OldImage; this one has none'],
    ]);
  });

  it('an image the view type does not give is malformed too (the stream is not what the parser was told)', () => {
    const { errors } = AppTable.streamParser(User).viewType('KEYS_ONLY').event({ Records: changes('NEW_IMAGE', false) });
    expect(errors.map((e) => e.message)).toEqual([
      'INSERT records of KEYS_ONLY streams carry no NewImage; this one has one',
      'MODIFY records of KEYS_ONLY streams carry no NewImage; this one has one',
    ]);
  });

  it("an INSERT's old image and a REMOVE's new one are no view type's: ignored, as without a view type", () => {
    const odd = [rec('INSERT', { NewImage: image('Ada'), OldImage: image('x') }), rec('REMOVE', { NewImage: image('x'), OldImage: image('Ada') })];
    const { events, errors } = AppTable.streamParser(User).viewType('NEW_AND_OLD_IMAGES').event({ Records: odd });
    expect(errors).toEqual([]);
    expect(events.map((e) => [e.type, e.newItem?.name, e.oldItem?.name])).toEqual([['INSERT', 'Ada', undefined], ['REMOVE', undefined, 'Ada']]);
  });

  it('a MODIFY that replaced another entity keeps its replaced shape: newItem, no oldItem', () => {
    const T = defineTable({ name: 'Replaced', client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
    const Post = defineEntity({ table: T, name: 'Post', schema: z.object({ docId: z.string() }), keys: { primary: { pk: 'DOC#{docId}', sk: 'DOC' } } });
    const doc = { pk: { S: 'DOC#d1' }, sk: { S: 'DOC' }, docId: { S: 'd1' } };
    const record = { eventName: 'MODIFY', dynamodb: { Keys: doc, OldImage: { ...doc, _et: { S: 'Draft' } }, NewImage: { ...doc, _et: { S: 'Post' } } } };
    const e = T.streamParser(Post).viewType('NEW_AND_OLD_IMAGES').record(record);
    expect(e).toMatchObject({ type: 'MODIFY', replaced: { entity: 'Draft' }, newItem: { docId: 'd1' } });
    expect(e).not.toHaveProperty('oldItem');
  });

  it('a view type that is not one of the four is refused before any record (plain JavaScript, configuration): an ExpressionError naming the table, the value and the four', () => {
    const parse = AppTable.streamParser(User);
    for (const [bad, shown] of [['NEW_AND_OLD', '"NEW_AND_OLD"'], ['', '""'], [undefined, 'undefined'], [3, '3']] as const) {
      let e: unknown;
      try {
        parse.viewType(bad as StreamViewType);
      } catch (thrown) {
        e = thrown;
      }
      expect(e).toBeInstanceOf(ExpressionError);
      expect(e).toBeInstanceOf(DynakitError);
      expect(e).toMatchObject({ entity: 'table App', path: '' });
      expect((e as Error).message).toBe(`table App: viewType() takes one of NEW_AND_OLD_IMAGES, NEW_IMAGE, OLD_IMAGE, KEYS_ONLY, got ${shown}`);
    }
  });
});

describe('keys of a stored key that does not fit the templates', () => {
  it('with an image: the composites of the item; without one, in a table without a discriminator: unknown', () => {
    const T = defineTable({ name: 'Single', client, partitionKey: { name: 'pk', type: 'S' }, entityAttribute: false });
    const Note = defineEntity({ table: T, name: 'Note', schema: z.object({ id: z.string(), text: z.string() }), keys: { primary: { pk: 'NOTE#{id}' } } });
    const legacy = { pk: { S: 'legacy-7' } };
    const withImage = { eventName: 'INSERT', dynamodb: { Keys: legacy, NewImage: { ...legacy, id: { S: '7' }, text: { S: 'hi' } } } };
    expect(T.streamParser(Note).record(withImage)?.keys).toEqual({ id: '7' });
    const keysOnly = { eventName: 'REMOVE', dynamodb: { Keys: legacy } };
    expect(T.streamParser(Note).record(keysOnly)).toBeUndefined();
    expect(T.parseStreamEvent({ Records: [keysOnly] }).unknown).toEqual([keysOnly]);
    // A key that fits is parsed, image or not.
    expect(T.streamParser(Note).record({ eventName: 'REMOVE', dynamodb: { Keys: { pk: { S: 'NOTE#8' } } } })?.keys).toEqual({ id: '8' });
  });

  it('an image without a composite (optional in the schema) has no keys to give: schema-mismatch naming key and templates', () => {
    const T = defineTable({ name: 'Loose', client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
    defineEntity({ table: T, name: 'Tag', schema: z.object({ tagId: z.string().optional(), label: z.string() }), keys: { primary: { pk: 'TAG#{tagId}', sk: 'TAG' } } });
    const stored = { pk: { S: 'tag-1' }, sk: { S: 'TAG' } };
    const { events, errors } = T.parseStreamEvent({ Records: [{ eventName: 'INSERT', dynamodb: { Keys: stored, NewImage: { ...stored, _et: { S: 'Tag' }, label: { S: 'x' } } } }] });
    expect(events).toEqual([]);
    expect(errors.map((e) => [e.reason, e.message])).toEqual([
      ['schema-mismatch', 'Tag: the stored key (pk tag-1, sk TAG) does not fit the key templates TAG#{tagId} / TAG, and the image lacks a key composite (tagId)'],
    ]);
  });
});
