/**
 * Stream record parsing without a server: hand-written Lambda records (AttributeValue JSON) of
 * every shape, good and bad. A bad record lands in `errors` (with a reason) or `unknown`, and never
 * stops the rest of the batch.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  DynakitError,
  ItemParseError,
  StreamRecordError,
  changedAttributes,
  defineEntity,
  defineTable,
  type StreamRecordInput,
} from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';

const client = new DynamoDBClient({ region: 'us-east-1' });
const { AppTable, User, Order } = appModel(client, 'App');

/** A versioned entity with a TTL on the same table. */
const Session = defineEntity({
  table: AppTable,
  name: 'Session',
  schema: z.object({ sessionId: z.string(), userId: z.string(), expiresAt: z.date() }),
  keys: { primary: { pk: 'SESSION#{sessionId}', sk: 'SESSION' } },
  version: 'version',
  ttl: 'expiresAt',
});

const userImage = {
  pk: { S: 'USER#u1' },
  sk: { S: 'PROFILE' },
  gsi1pk: { S: 'ORG#acme' },
  gsi1sk: { S: 'USER#Ada#u1' },
  _et: { S: 'User' },
  userId: { S: 'u1' },
  orgId: { S: 'acme' },
  email: { S: 'ada@example.com' },
  name: { S: 'Ada' },
  tags: { SS: ['a', 'b'] },
  birthday: { S: '1990-05-17T00:00:00.000Z' },
  address: { M: { city: { S: 'Paris' } } },
  createdAt: { S: '2025-01-01T00:00:00.000Z' },
  updatedAt: { S: '2025-01-01T00:00:00.000Z' },
};
const userKeys = { pk: { S: 'USER#u1' }, sk: { S: 'PROFILE' } };

function rec(eventName: string, dynamodb: Record<string, unknown>, extra: Record<string, unknown> = {}): StreamRecordInput {
  return { eventID: `id-${Math.random()}`, eventName, eventSource: 'aws:dynamodb', dynamodb: { Keys: userKeys, ...dynamodb }, ...extra } as StreamRecordInput;
}

function without<T extends object>(o: T, key: keyof T): Partial<T> {
  const { [key]: _dropped, ...rest } = o;
  return rest as Partial<T>;
}

const good = rec('INSERT', { NewImage: userImage, StreamViewType: 'NEW_AND_OLD_IMAGES' });

describe('parseStreamRecord', () => {
  it('parses an INSERT into a User event with Dates, Sets and nested maps', () => {
    const e = AppTable.parseStreamRecord(good)!;
    expect(e.type).toBe('INSERT');
    expect(e.entity).toBe('User');
    expect(e.keys).toEqual({ userId: 'u1' });
    expect(e.newItem).toEqual({
      userId: 'u1',
      orgId: 'acme',
      email: 'ada@example.com',
      name: 'Ada',
      tags: new Set(['a', 'b']),
      birthday: new Date('1990-05-17T00:00:00.000Z'),
      address: { city: 'Paris' },
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:00.000Z',
    });
    expect(e.oldItem).toBeUndefined();
    expect(e.record).toBe(good);
  });

  it('parses an Order: padded numbers in keys decode back to numbers, lists of maps, dates', () => {
    const r = rec('REMOVE', {
      Keys: { pk: { S: 'USER#u1' }, sk: { S: 'ORDER#0000000000000042#o-9' } },
      OldImage: {
        pk: { S: 'USER#u1' },
        sk: { S: 'ORDER#0000000000000042#o-9' },
        lsi1sk: { S: 'PLACED#2025-02-03T04:05:06.007Z' },
        _et: { S: 'Order' },
        orderId: { S: 'o-9' },
        userId: { S: 'u1' },
        seq: { N: '42' },
        total: { N: '19.99' },
        placedAt: { S: '2025-02-03T04:05:06.007Z' },
        lines: { L: [{ M: { sku: { S: 'X' }, qty: { N: '3' } } }] },
      },
    });
    const e = AppTable.streamParser(User, Order).record(r)!;
    expect(e.entity).toBe('Order');
    expect(e.keys).toEqual({ userId: 'u1', seq: 42, orderId: 'o-9' });
    expect(e.oldItem).toEqual({
      orderId: 'o-9',
      userId: 'u1',
      seq: 42,
      total: 19.99,
      placedAt: new Date('2025-02-03T04:05:06.007Z'),
      lines: [{ sku: 'X', qty: 3 }],
    });
  });

  it('keeps the version of a versioned entity and turns TTL epoch seconds into a Date', () => {
    const r = rec('MODIFY', {
      Keys: { pk: { S: 'SESSION#s1' }, sk: { S: 'SESSION' } },
      NewImage: {
        pk: { S: 'SESSION#s1' }, sk: { S: 'SESSION' }, _et: { S: 'Session' },
        sessionId: { S: 's1' }, userId: { S: 'u1' }, expiresAt: { N: '1900000000' }, version: { N: '3' },
      },
      OldImage: {
        pk: { S: 'SESSION#s1' }, sk: { S: 'SESSION' }, _et: { S: 'Session' },
        sessionId: { S: 's1' }, userId: { S: 'u1' }, expiresAt: { N: '1800000000' }, version: { N: '2' },
      },
    });
    const e = AppTable.streamParser(Session).record(r)!;
    expect(e.newItem).toEqual({ sessionId: 's1', userId: 'u1', expiresAt: new Date(1_900_000_000_000), version: 3 });
    expect(e.oldItem).toEqual({ sessionId: 's1', userId: 'u1', expiresAt: new Date(1_800_000_000_000), version: 2 });
    expect(changedAttributes(e).sort()).toEqual(['expiresAt', 'version']);
  });

  it('reads epoch seconds at a top-level Date attribute (left by an entity that dropped ttl) as that Date', () => {
    const r = rec('MODIFY', { NewImage: { ...userImage, birthday: { N: '1800000000' } }, OldImage: { ...userImage, birthday: { N: '1700000000' } } });
    const e = AppTable.streamParser(User).record(r)!;
    expect(e.newItem?.birthday).toEqual(new Date(1_800_000_000_000));
    expect(e.oldItem?.birthday).toEqual(new Date(1_700_000_000_000));
    expect(changedAttributes(e)).toEqual(['birthday']);
  });

  it('returns undefined for a record of an unregistered entity', () => {
    expect(AppTable.parseStreamRecord(rec('INSERT', { NewImage: { ...userImage, _et: { S: 'Ghost' } } }))).toBeUndefined();
    // A registered entity the typed parser was not given is unknown to that parser.
    expect(AppTable.streamParser(Order).record(good)).toBeUndefined();
  });

  it('throws StreamRecordError (a DynakitError) for a bad record', () => {
    const bad = rec('INSERT', { NewImage: { ...userImage, email: { S: 'nope' } } });
    expect(() => AppTable.parseStreamRecord(bad)).toThrow(StreamRecordError);
    try {
      AppTable.parseStreamRecord(bad);
    } catch (e) {
      expect(e).toBeInstanceOf(DynakitError);
      expect((e as StreamRecordError).reason).toBe('schema-mismatch');
      expect((e as StreamRecordError).record).toBe(bad);
      expect((e as StreamRecordError).cause).toBeInstanceOf(ItemParseError);
    }
  });
});

describe('parseStreamEvent: bad records never fail the batch', () => {
  const cases: Array<[string, 'malformed' | 'schema-mismatch', StreamRecordInput]> = [
    ['no eventName', 'malformed', { dynamodb: { NewImage: userImage } } as StreamRecordInput],
    ['an unknown eventName', 'malformed', rec('UPSERT', { NewImage: userImage })],
    ['no dynamodb section', 'malformed', { eventName: 'INSERT' }],
    ['a dynamodb section that is not an object', 'malformed', { eventName: 'INSERT', dynamodb: 'x' } as unknown as StreamRecordInput],
    ['a NewImage that is a string', 'malformed', rec('INSERT', { NewImage: 'garbage' })],
    ['a NewImage with a null attribute value', 'malformed', rec('INSERT', { NewImage: { ...userImage, name: null } })],
    ['a list value that is not a list', 'malformed', rec('INSERT', { NewImage: { ...userImage, history: { L: 'x' } } })],
    ['an OldImage that is a number', 'malformed', rec('MODIFY', { NewImage: userImage, OldImage: 5 })],
    ['a required attribute missing', 'schema-mismatch', rec('INSERT', { NewImage: without(userImage, 'email') })],
    ['an attribute of the wrong type', 'schema-mismatch', rec('INSERT', { NewImage: { ...userImage, name: { N: '5' } } })],
    ['a number that is not a number', 'schema-mismatch', rec('INSERT', { NewImage: { ...userImage, age: { N: 'abc' } } })],
    ['a date that is not a date', 'schema-mismatch', rec('INSERT', { NewImage: { ...userImage, birthday: { S: 'yesterday' } } })],
    ['a good NewImage but a bad OldImage', 'schema-mismatch', rec('MODIFY', { NewImage: userImage, OldImage: { ...userImage, email: { S: 'x' } } })],
  ];

  it.each(cases)('%s -> errors (%s)', (_label, reason, bad) => {
    const { events, unknown, errors } = AppTable.parseStreamEvent({ Records: [good, bad, good] });
    expect(events.map((e) => e.entity)).toEqual(['User', 'User']);
    expect(unknown).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(StreamRecordError);
    expect(errors[0]!.reason).toBe(reason);
    expect(errors[0]!.record).toBe(bad);
    expect(errors[0]!.message.length).toBeGreaterThan(0);
  });

  it('names the image and the attribute in a schema mismatch', () => {
    const bad = rec('MODIFY', { NewImage: userImage, OldImage: { ...userImage, email: { S: 'x' } } });
    const [err] = AppTable.parseStreamEvent({ Records: [bad] }).errors;
    expect(err!.message).toMatch(/^User: OldImage does not match the schema: .*email/);
  });

  it('a null record and an empty or missing Records list do not throw', () => {
    const { events, errors } = AppTable.parseStreamEvent({ Records: [null as unknown as StreamRecordInput, good] });
    expect(events).toHaveLength(1);
    expect(errors.map((e) => e.reason)).toEqual(['malformed']);
    expect(AppTable.parseStreamEvent({ Records: [] })).toEqual({ events: [], unknown: [], errors: [] });
    expect(AppTable.parseStreamEvent({})).toEqual({ events: [], unknown: [], errors: [] });
  });

  it('records of unregistered entities, and records with no discriminator, come back raw in unknown', () => {
    const ghost = rec('INSERT', { NewImage: { pk: { S: 'GHOST#1' }, sk: { S: 'X' }, _et: { S: 'Ghost' }, boo: { BOOL: true } } });
    const untyped = rec('INSERT', { NewImage: { pk: { S: 'LEGACY#1' }, sk: { S: 'X' }, data: { S: 'old' } } });
    const { events, unknown, errors } = AppTable.parseStreamEvent({ Records: [ghost, good, untyped] });
    expect(events).toHaveLength(1);
    expect(errors).toEqual([]);
    expect(unknown).toEqual([ghost, untyped]);
    expect(unknown[0]).toBe(ghost);
  });

  // BUG (reported): an image whose values are not AttributeValues (plain JSON, e.g. from a
  // hand-rolled test event) unmarshalls to all-undefined values, so the User record is silently
  // dropped into `unknown` instead of being reported as malformed.
  it('an image of plain JSON values (not AttributeValues) is reported as malformed', () => {
    const plain = rec('INSERT', { NewImage: { pk: 'USER#u1', sk: 'PROFILE', _et: 'User', userId: 'u1' } });
    const { unknown, errors } = AppTable.parseStreamEvent({ Records: [plain] });
    expect(unknown).toEqual([]);
    expect(errors.map((e) => e.reason)).toEqual(['malformed']);
  });

  it('a stored key that does not fit the templates: keys are the composites of the image (the stored key stays in the record)', () => {
    const r = rec('INSERT', { Keys: { pk: { S: 'LEGACY-USER-u1' }, sk: { S: 'PROFILE' } }, NewImage: { ...userImage, pk: { S: 'LEGACY-USER-u1' } } });
    const e = AppTable.parseStreamRecord(r)!;
    expect(e.entity).toBe('User');
    expect(e.keys).toEqual({ userId: 'u1' });
    expect(e.record.dynamodb?.Keys?.['pk']).toEqual({ S: 'LEGACY-USER-u1' });
  });
});

describe('a MODIFY whose old image is of another entity (a put replaced it on the same key)', () => {
  const T = defineTable({ name: 'Replaced', client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
  /** Two entities on one key template; each schema would accept the other's image (extra fields stripped). */
  const Draft = defineEntity({ table: T, name: 'Draft', schema: z.object({ docId: z.string(), notes: z.string().optional() }), keys: { primary: { pk: 'DOC#{docId}', sk: 'DOC' } } });
  const Post = defineEntity({ table: T, name: 'Post', schema: z.object({ docId: z.string(), title: z.string().optional(), at: z.date().optional() }), keys: { primary: { pk: 'DOC#{docId}', sk: 'DOC' } } });
  const keys = { pk: { S: 'DOC#d1' }, sk: { S: 'DOC' } };
  const draft = { ...keys, _et: { S: 'Draft' }, docId: { S: 'd1' }, notes: { S: 'todo' } };
  const post = { ...keys, _et: { S: 'Post' }, docId: { S: 'd1' }, title: { S: 'Hello' } };
  const replacing = (OldImage: Record<string, unknown>, NewImage: Record<string, unknown>) => rec('MODIFY', { Keys: keys, OldImage, NewImage, StreamViewType: 'NEW_AND_OLD_IMAGES' });

  it("is the new entity's event, replaced names the old one, and the old image is not parsed with the new schema", () => {
    const e = T.parseStreamRecord(replacing(draft, post))!;
    expect(e).toMatchObject({ type: 'MODIFY', entity: 'Post', keys: { docId: 'd1' }, newItem: { docId: 'd1', title: 'Hello' }, replaced: { entity: 'Draft' } });
    // Post's schema would have read the Draft image as { docId: 'd1' }: an old Post that never was.
    expect(e.oldItem).toBeUndefined();
    expect(changedAttributes(e)).toEqual([]);
    expect(e.record.dynamodb?.OldImage).toBe(draft);
  });

  it('an old image its new schema refuses is no schema mismatch: it is not an item of that entity', () => {
    const oddDraft = { ...draft, at: { S: 'not a date' } };
    const { events, errors } = T.parseStreamEvent({ Records: [replacing(oddDraft, post)] });
    expect(errors).toEqual([]);
    expect(events.map((e) => [e.entity, e.replaced])).toEqual([['Post', { entity: 'Draft' }]]);
  });

  it('an old image without a discriminator (an item dynakit did not write) is replaced too, of no entity', () => {
    const foreign = { ...keys, docId: { S: 'd1' }, title: { S: 'legacy' } };
    const e = T.parseStreamRecord(replacing(foreign, post))!;
    expect(e.replaced).toEqual({ entity: undefined });
    expect(e.oldItem).toBeUndefined();
  });

  it('the typed parser: known by the new entity alone; unknown to a parser of the old entity alone', () => {
    const e = T.streamParser(Post).record(replacing(draft, post))!;
    expect(e.type === 'MODIFY' && e.replaced?.entity).toBe('Draft');
    expect(T.streamParser(Draft).record(replacing(draft, post))).toBeUndefined();
  });

  it('same entity on both sides: oldItem as before, no replaced; INSERT and REMOVE never have replaced', () => {
    const e = T.parseStreamRecord(replacing({ ...post, title: { S: 'Hi' } }, post))!;
    expect(e.oldItem).toEqual({ docId: 'd1', title: 'Hi' });
    expect(e).not.toHaveProperty('replaced');
    expect(changedAttributes(e)).toEqual(['title']);
    // An INSERT's or REMOVE's other image is ignored whatever it holds.
    expect(T.parseStreamRecord(rec('INSERT', { Keys: keys, NewImage: post, OldImage: draft }))).not.toHaveProperty('replaced');
    expect(T.parseStreamRecord(rec('REMOVE', { Keys: keys, NewImage: post, OldImage: draft }))).toMatchObject({ entity: 'Draft', oldItem: { docId: 'd1', notes: 'todo' } });
  });
});

describe('KEYS_ONLY records (no images)', () => {
  it('finds the entity by its key templates', () => {
    const { events, unknown } = AppTable.parseStreamEvent({
      Records: [
        rec('REMOVE', { StreamViewType: 'KEYS_ONLY' }),
        rec('INSERT', { Keys: { pk: { S: 'USER#u1' }, sk: { S: 'ORDER#0000000000000001#o1' } } }),
        rec('MODIFY', { Keys: { pk: { S: 'SESSION#s1' }, sk: { S: 'SESSION' } } }),
        rec('INSERT', { Keys: { pk: { S: 'USER#u1' }, sk: { S: 'SOMETHING' } } }),
      ],
    });
    expect(events.map((e) => [e.type, e.entity, e.keys, e.newItem, e.oldItem])).toEqual([
      ['REMOVE', 'User', { userId: 'u1' }, undefined, undefined],
      ['INSERT', 'Order', { userId: 'u1', seq: 1, orderId: 'o1' }, undefined, undefined],
      ['MODIFY', 'Session', { sessionId: 's1' }, undefined, undefined],
    ]);
    expect(unknown.map((r) => r.dynamodb?.Keys?.['sk'])).toEqual([{ S: 'SOMETHING' }]);
  });

  it('a key that two entities could own is unknown (never guessed)', () => {
    const T = defineTable({ name: 'Ambiguous', client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
    const A = defineEntity({ table: T, name: 'A', schema: z.object({ id: z.string() }), keys: { primary: { pk: 'ITEM#{id}', sk: 'ITEM' } } });
    const B = defineEntity({ table: T, name: 'B', schema: z.object({ code: z.string() }), keys: { primary: { pk: 'ITEM#{code}', sk: 'ITEM' } } });
    const keysOnly = rec('INSERT', { Keys: { pk: { S: 'ITEM#x' }, sk: { S: 'ITEM' } } });
    expect(T.parseStreamRecord(keysOnly)).toBeUndefined();
    // Given one of them, the typed parser is not ambiguous any more.
    expect(T.streamParser(A).record(keysOnly)).toMatchObject({ entity: 'A', keys: { id: 'x' } });
    expect(T.streamParser(B).record(keysOnly)).toMatchObject({ entity: 'B', keys: { code: 'x' } });
    // With an image, the discriminator decides.
    const withImage = rec('INSERT', { Keys: { pk: { S: 'ITEM#x' }, sk: { S: 'ITEM' } }, NewImage: { pk: { S: 'ITEM#x' }, sk: { S: 'ITEM' }, _et: { S: 'B' }, code: { S: 'x' } } });
    expect(T.parseStreamRecord(withImage)).toMatchObject({ entity: 'B', newItem: { code: 'x' } });
  });

  it('an entity whose partition key is a bare placeholder (matches any value) is never picked by key alone', () => {
    const T = defineTable({ name: 'Raw', client, partitionKey: { name: 'PK', type: 'N' } });
    const Counter = defineEntity({ table: T, name: 'Counter', schema: z.object({ id: z.number(), n: z.number() }), keys: { primary: { pk: '{id}' } } });
    expect(T.streamParser(Counter).record(rec('REMOVE', { Keys: { PK: { N: '7' } } }))).toBeUndefined();
    const withImage = rec('REMOVE', { Keys: { PK: { N: '7' } }, OldImage: { PK: { N: '7' }, _et: { S: 'Counter' }, id: { N: '7' }, n: { N: '1' } } });
    expect(T.streamParser(Counter).record(withImage)).toMatchObject({ entity: 'Counter', keys: { id: 7 }, oldItem: { id: 7, n: 1 } });
  });
});

describe('a custom discriminator attribute', () => {
  const T = defineTable({ name: 'Custom', client, partitionKey: { name: 'PK', type: 'S' }, entityAttribute: 'kind' });
  const Doc = defineEntity({ table: T, name: 'Doc', schema: z.object({ docId: z.string(), title: z.string() }), keys: { primary: { pk: 'DOC#{docId}' } } });

  it('reads the entity from that attribute', () => {
    const r = rec('INSERT', { Keys: { PK: { S: 'DOC#d1' } }, NewImage: { PK: { S: 'DOC#d1' }, kind: { S: 'Doc' }, docId: { S: 'd1' }, title: { S: 'Hi' } } });
    const e = T.streamParser(Doc).record(r)!;
    expect(e).toMatchObject({ entity: 'Doc', keys: { docId: 'd1' }, newItem: { docId: 'd1', title: 'Hi' } });
    expect(e.newItem).not.toHaveProperty('kind');
    // `_et` means nothing on this table.
    const other = rec('INSERT', { Keys: { PK: { S: 'DOC#d2' } }, NewImage: { PK: { S: 'DOC#d2' }, _et: { S: 'Doc' }, docId: { S: 'd2' }, title: { S: 'x' } } });
    expect(T.parseStreamRecord(other)).toBeUndefined();
  });
});

describe('changedAttributes', () => {
  it('compares values, not references: Dates by time, Sets by members, maps and lists deeply, bytes by content', () => {
    const base = {
      when: new Date(1000),
      tags: new Set(['a', 'b']),
      nested: { a: [1, { b: 2 }] },
      bytes: new Uint8Array([1, 2]),
      n: 1,
    };
    const same = {
      when: new Date(1000),
      tags: new Set(['b', 'a']),
      nested: { a: [1, { b: 2 }] },
      bytes: new Uint8Array([1, 2]),
      n: 1,
    };
    expect(changedAttributes({ oldItem: base, newItem: same })).toEqual([]);
    const changed = {
      when: new Date(2000),
      tags: new Set(['a', 'c']),
      nested: { a: [1, { b: 3 }] },
      bytes: new Uint8Array([1, 3]),
      n: 1,
    };
    expect(changedAttributes({ oldItem: base, newItem: changed }).sort()).toEqual(['bytes', 'nested', 'tags', 'when']);
  });

  it('lists attributes that were added or removed', () => {
    const oldItem: { a?: number; b?: number; c: number } = { a: 1, c: 3 };
    const newItem: { a?: number; b?: number; c: number } = { b: 2, c: 3 };
    expect(changedAttributes({ oldItem, newItem }).sort()).toEqual(['a', 'b']);
  });

  it('is empty when an image is missing (INSERT, REMOVE, NEW_IMAGE and KEYS_ONLY streams)', () => {
    expect(changedAttributes({ newItem: { a: 1 } })).toEqual([]);
    expect(changedAttributes({ oldItem: { a: 1 } })).toEqual([]);
    expect(changedAttributes({})).toEqual([]);
  });

  it('works on a parsed MODIFY event', () => {
    const r = rec('MODIFY', {
      NewImage: { ...userImage, name: { S: 'Ada L.' }, tags: { SS: ['b', 'a'] }, updatedAt: { S: '2025-01-02T00:00:00.000Z' } },
      OldImage: userImage,
    });
    const e = AppTable.streamParser(User).record(r)!;
    expect(changedAttributes(e).sort()).toEqual(['name', 'updatedAt']);
  });
});
