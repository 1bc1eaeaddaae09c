import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { ExpressionError, ItemParseError, defineEntity } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';

const client = new DynamoDBClient({ region: 'us-east-1' });
const { AppTable, User, Order } = appModel(client, 'App');

/** Dates and sets inside maps, a nullable map, a renamed map, and parts that cannot be cut. */
const Doc = defineEntity({
  table: AppTable,
  name: 'Doc',
  schema: z.object({
    docId: z.string(),
    title: z.string(),
    meta: z.object({ created: z.date(), labels: z.set(z.string()), note: z.string().optional() }).refine((m) => m.labels.size > 0),
    draft: z.object({ body: z.string() }).nullable(),
    info: z.object({ kind: z.string() }),
    counts: z.record(z.string(), z.number()).optional(),
    shape: z.union([z.object({ r: z.number() }), z.object({ w: z.number() })]).optional(),
    lines: z.array(z.object({ sku: z.string(), qty: z.number() })).min(3).optional(),
    flags: z.object({ on: z.boolean().default(false), extra: z.unknown() }),
  }),
  keys: { primary: { pk: 'DOC#{docId}', sk: 'DOC' } },
  storedAs: { info: 'i' },
});

const u1 = { userId: 'u1' };
const KEY = { pk: 'USER#u1', sk: 'PROFILE' };
const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
};

describe('project() with document paths: the request', () => {
  it('get names every segment through a placeholder, next to top-level attributes and the discriminator', () => {
    expect(User.get(u1).project('name', 'address.city').build()).toEqual({
      TableName: 'App',
      Key: KEY,
      ProjectionExpression: '#n0, #n1.#n2, #n3',
      ExpressionAttributeNames: { '#n0': 'name', '#n1': 'address', '#n2': 'city', '#n3': '_et' },
    });
  });

  it('list elements by index; a renamed attribute by its stored name', () => {
    expect(Order.get({ userId: 'u1', seq: 1, orderId: 'o1' }).project('lines[1].sku', 'lines[0].sku').build()).toMatchObject({
      ProjectionExpression: '#n0[1].#n1, #n0[0].#n1, #n2',
      ExpressionAttributeNames: { '#n0': 'lines', '#n1': 'sku', '#n2': '_et' },
    });
    expect(Doc.get({ docId: 'd' }).project('info.kind').build()).toMatchObject({
      ProjectionExpression: '#n0.#n1, #n2',
      ExpressionAttributeNames: { '#n0': 'i', '#n1': 'kind', '#n2': '_et' },
    });
  });

  it('queries also read the key attributes (cursors), batchGet the table keys (matching)', () => {
    expect(User.query('gsi1', User.Key('orgId').eq('acme')).project('address.zip').build()).toMatchObject({
      KeyConditionExpression: '#n0 = :v0 AND begins_with(#n1, :v1)',
      ProjectionExpression: '#n3.#n4, #n2, #n5, #n6, #n0, #n1',
      ExpressionAttributeNames: { '#n0': 'gsi1pk', '#n1': 'gsi1sk', '#n2': '_et', '#n3': 'address', '#n4': 'zip', '#n5': 'pk', '#n6': 'sk' },
    });
    expect(User.get(u1).project('address.city').batchInput()).toMatchObject({
      ProjectionExpression: '#n0.#n1, #n2, #n3, #n4',
      ExpressionAttributeNames: { '#n0': 'address', '#n1': 'city', '#n2': '_et', '#n3': 'pk', '#n4': 'sk' },
    });
  });

  it('a path given twice is read once', () => {
    expect(User.get(u1).project('address.city', 'address.city').build().ProjectionExpression).toBe('#n0.#n1, #n2');
  });
});

describe('project() with document paths: refused before sending', () => {
  it('overlapping paths, in either order', () => {
    for (const paths of [['address', 'address.city'], ['address.city', 'address']] as const) {
      const e = thrown(() => User.get(u1).project(...(paths as unknown as ['address'])));
      expect(e).toBeInstanceOf(ExpressionError);
      expect((e as Error).message).toMatch(/overlap: address is projected whole and a path inside it too/);
    }
    expect(thrown(() => Order.get({ userId: 'u1', seq: 1, orderId: 'o1' }).project('lines[0]', 'lines[0].sku'))).toBeInstanceOf(ExpressionError);
  });

  it('elements of one list projected differently (they come back packed)', () => {
    const e = thrown(() => Order.get({ userId: 'u1', seq: 1, orderId: 'o1' }).project('lines[0].sku', 'lines[1].qty'));
    expect(e).toBeInstanceOf(ExpressionError);
    expect((e as Error).message).toMatch(/every element of one list must be projected alike; lines\[0\] and lines\[1\] differ/);
  });

  it('paths the schema does not have, and paths through parts that cannot be cut', () => {
    expect(thrown(() => User.get(u1).project('address.town' as never))).toMatchObject({ entity: 'User', path: 'address.town' });
    expect(thrown(() => User.get(u1).project('createdAt.x' as never))).toMatchObject({ path: 'createdAt.x' });
    expect(thrown(() => User.get(u1).project('tags[0]' as never))).toMatchObject({ message: expect.stringMatching(/here the schema is a set: project tags whole/) });
    expect(thrown(() => Doc.get({ docId: 'd' }).project('counts.a'))).toMatchObject({ message: expect.stringMatching(/a record: project counts whole/) });
    expect(thrown(() => User.scan().project('address.' as never))).toBeInstanceOf(ExpressionError);
  });
});

describe('project() with document paths: the parse', () => {
  const doc = Doc.get({ docId: 'd' });

  it('parses the projected parts with their own schemas; unprojected required siblings are not missed', () => {
    const read = doc.project('meta.created', 'meta.labels');
    expect(read.parseItem({ _et: 'Doc', meta: { created: '2026-01-02T00:00:00.000Z', labels: ['a'] } })).toEqual({
      meta: { created: new Date('2026-01-02T00:00:00.000Z'), labels: new Set(['a']) },
    });
    // the whole meta's refinement judges a whole map, not a cut one
    expect(read.parseItem({ _et: 'Doc', meta: { created: '2026-01-02T00:00:00.000Z', labels: [] } })).toMatchObject({ meta: { labels: new Set() } });
    expect(() => read.parseItem({ _et: 'Doc', meta: { created: 12, labels: ['a'] } })).toThrow(ItemParseError);
    // a required map that must hold a required field
    expect(() => read.parseItem({ _et: 'Doc' })).toThrow(ItemParseError);
  });

  it('a parent that may be missing or NULL is optional; a list is optional and packed, without its length checks', () => {
    expect(doc.project('meta.note').parseItem({ _et: 'Doc' })).toEqual({});
    expect(doc.project('draft.body').parseItem({ _et: 'Doc' })).toEqual({});
    expect(doc.project('lines[4].sku').parseItem({ _et: 'Doc', lines: [{ sku: 's4' }] })).toEqual({ lines: [{ sku: 's4' }] });
    expect(doc.project('title', 'lines[4].sku').parseItem({ _et: 'Doc', title: 't' })).toEqual({ title: 't' });
    expect(doc.project('info.kind').parseItem({ _et: 'Doc', i: { kind: 'k' } })).toEqual({ info: { kind: 'k' } });
  });

  it('a union of maps is cut option by option: each holds the projected fields it has', () => {
    // The types take 'shape.r'; it was refused as "a union: project shape whole".
    expect(doc.project('shape.r').build().ProjectionExpression).toBe('#n0.#n1, #n2');
    expect(doc.project('shape.r').parseItem({ _et: 'Doc', shape: { r: 2 } })).toEqual({ shape: { r: 2 } });
    expect(doc.project('shape.r').parseItem({ _et: 'Doc' })).toEqual({});
    expect(() => doc.project('shape.r').parseItem({ _et: 'Doc', shape: { r: 'x' } })).toThrow(ItemParseError);
    expect(thrown(() => doc.project('shape.q' as never))).toMatchObject({ path: 'shape.q' });
  });

  it('a required map is required as its type says: kept by a defaulted field, not by one that takes undefined', () => {
    expect(() => doc.project('flags.on').parseItem({ _et: 'Doc' })).toThrow(ItemParseError);
    expect(doc.project('flags.on').parseItem({ _et: 'Doc', flags: { on: true } })).toEqual({ flags: { on: true } });
    expect(doc.project('flags.extra').parseItem({ _et: 'Doc' })).toEqual({});
    expectTypeOf(doc.project('flags.on')).resolves.toEqualTypeOf<{ flags: { on: boolean } } | undefined>();
    expectTypeOf(doc.project('flags.extra')).resolves.toEqualTypeOf<{ flags?: { extra?: unknown } } | undefined>();
  });
});
