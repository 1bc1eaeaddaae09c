/**
 * Round trips of the read codec found wrong by review (thirteenth session): values a
 * write stores that every read then failed to parse. Each is written through dynakit, then read
 * back by get, query and scan against DynamoDB Local.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';

const client = testClient();
const AppTable = defineTable({ name: uniqueTableName('read-codec-review'), client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });

beforeAll(async () => {
  await AppTable.create();
});

afterAll(async () => {
  await AppTable.drop();
  client.destroy();
});

describe('Buffer attributes (z.instanceof(Buffer))', () => {
  const Blob = defineEntity({
    table: AppTable,
    name: 'Blob',
    schema: z.object({ blobId: z.string(), body: z.instanceof(Buffer), parts: z.set(z.instanceof(Buffer)).optional(), nested: z.object({ sig: z.instanceof(Buffer) }).optional() }),
    keys: { primary: { pk: 'BLOB#{blobId}', sk: 'BLOB' } },
  });
  const item = { blobId: 'b1', body: Buffer.from('hello'), parts: new Set([Buffer.from([1, 2]), Buffer.from([3])]), nested: { sig: Buffer.from([0, 255]) } };

  it('read back as Buffers by get, query and scan (the DocumentClient hands out Uint8Arrays, which the schema refused)', async () => {
    await Blob.put(item);
    const got = await Blob.get({ blobId: 'b1' });
    const queried = (await Blob.query('primary', Blob.Key('blobId').eq('b1')).all())[0];
    const scanned = (await Blob.scan().all()).find((b) => b.blobId === 'b1');
    for (const read of [got, queried, scanned]) {
      expect(Buffer.isBuffer(read?.body)).toBe(true);
      expect(read?.body.toString()).toBe('hello');
      expect([...(read?.parts ?? [])].every((p) => Buffer.isBuffer(p))).toBe(true);
      expect([...(read?.parts ?? [])].map((p) => [...p]).sort()).toEqual([[1, 2], [3]]);
      expect(Buffer.isBuffer(read?.nested?.sig)).toBe(true);
      expect([...(read?.nested?.sig ?? [])]).toEqual([0, 255]);
    }
  });
});

describe('catchall values (z.object({...}).catchall(schema))', () => {
  const Metric = defineEntity({
    table: AppTable,
    name: 'Metric',
    // Top level: every attribute beyond the shape is a bigint counter; nested: extra keys are Dates.
    schema: z
      .object({ metricId: z.string(), seen: z.object({ first: z.date() }).catchall(z.date()).optional() })
      .catchall(z.bigint()),
    keys: { primary: { pk: 'METRIC#{metricId}', sk: 'METRIC' } },
  });
  const item = { metricId: 'm1', seen: { first: new Date('2026-01-01T00:00:00.000Z'), paris: new Date('2026-02-03T04:05:06.789Z') }, hits: 12n, huge: 123456789012345678901234567890n };

  it('are revived like the shape fields (Dates from ISO text, bigints from numbers), not refused', async () => {
    // zod types a top-level catchall as an index signature that the shape's own fields break: cast.
    await Metric.put(item as unknown as Parameters<typeof Metric.put>[0]);
    const got = await Metric.get({ metricId: 'm1' });
    const queried = (await Metric.query('primary', Metric.Key('metricId').eq('m1')).all())[0];
    for (const read of [got, queried]) {
      expect(read).toEqual(item);
      expect(read?.['hits']).toBe(12n);
      expect(read?.seen?.['paris']).toBeInstanceOf(Date);
    }
  });
});

describe('tuples with an undefined element', () => {
  const Span = defineEntity({
    table: AppTable,
    name: 'Span',
    schema: z.object({
      spanId: z.string(),
      range: z.tuple([z.date(), z.date().optional()]),
      pair: z.tuple([z.string(), z.number().optional()]).optional(),
      rest: z.tuple([z.string()], z.bigint().optional()).optional(),
    }),
    keys: { primary: { pk: 'SPAN#{spanId}', sk: 'SPAN' } },
  });
  const start = new Date('2026-05-01T00:00:00.000Z');

  it('read back with undefined there (stored as NULL to keep the positions, as lists are), not refused', async () => {
    const item = { spanId: 's1', range: [start, undefined] as [Date, Date | undefined], pair: ['a', undefined] as [string, number | undefined], rest: ['x', 1n, undefined, 3n] as [string, ...(bigint | undefined)[]] };
    await Span.put(item);
    const got = await Span.get({ spanId: 's1' });
    expect(got).toEqual(item);
    expect(got?.range).toHaveLength(2);
    expect(got?.range[1]).toBeUndefined();
    expect(got?.rest?.[1]).toBe(1n);
  });
});

describe('a TTL attribute written before the entity had `ttl`', () => {
  const fields = { sessionId: z.string(), expiresAt: z.date() };
  const keys = { primary: { pk: 'SESSION#{sessionId}', sk: 'SESSION' } } as const;
  /** The same entity as an older release defined it: a plain Date attribute, stored as ISO-8601 text. */
  const OldTable = defineTable({ name: AppTable.name, client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
  const OldSession = defineEntity({ table: OldTable, name: 'Session', schema: z.object(fields), keys });
  const Session = defineEntity({ table: AppTable, name: 'Session', schema: z.object(fields), keys, ttl: 'expiresAt' });
  const later = new Date(Date.now() + 86_400_000);
  const expiresAt = new Date(Math.floor(later.getTime() / 1000) * 1000);

  it('reads the stored ISO text as the Date it is (it was refused as a string); items written since hold epoch seconds', async () => {
    await OldSession.put({ sessionId: 'old', expiresAt });
    await Session.put({ sessionId: 'new', expiresAt });
    expect(await Session.get({ sessionId: 'old' })).toEqual({ sessionId: 'old', expiresAt });
    expect(await Session.get({ sessionId: 'new' })).toEqual({ sessionId: 'new', expiresAt });
    const queried = await Session.query('primary', Session.Key('sessionId').eq('old')).all();
    expect(queried).toEqual([{ sessionId: 'old', expiresAt }]);
  });
});
