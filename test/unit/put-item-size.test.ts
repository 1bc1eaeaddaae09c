/**
 * A put sizes its item while encoding it (one walk, `storeItem`), then adjusts the count for what
 * changes the item afterwards: renamed fields, a TTL Date stored as seconds, attributes a loose
 * schema let through that the table owns, fields stored in key attributes, timestamps, the version
 * and the schema version. The count must be the item's size as a separate walk measures it
 * (`computeItemSize` of the item sent), for the 400 KB check and the 4 MB transaction count alike.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ItemSizeError, computeItemSize, defineEntity, defineTable } from '../../src/index.js';
import { hasLoneSurrogate } from '../../src/entity/text-rules.js';

const Table = defineTable({
  name: 'PutSizeTable',
  client: new DynamoDBClient({ region: 'us-east-1' }),
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: { byStatus: { type: 'global', partitionKey: { name: 'status', type: 'S' } } },
});

const value = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const Doc = defineEntity({
  table: Table,
  name: 'Doc',
  schema: z.object({
    id: z.string(),
    // Stored in the index's key attribute of the same name: the stored field replaces the built key.
    status: z.string().optional(),
    title: z.string(),
    count: z.number().optional(),
    big: z.bigint().optional(),
    flag: z.boolean().optional(),
    tags: z.set(z.string()).optional(),
    scores: z.set(z.number()).optional(),
    meta: z.record(z.string(), z.union([value, z.array(value), z.record(z.string(), value)])).optional(),
    list: z.array(z.union([value, z.record(z.string(), value)])).optional(),
    at: z.date().optional(),
    expiresAt: z.date().optional(),
  }),
  keys: { primary: { pk: 'DOC#{id}', sk: 'DOC' }, byStatus: { pk: '{status}' } },
  timestamps: true,
  version: 'v',
  ttl: 'expiresAt',
  storedAs: { title: 'ttl_title_longer_name', count: 'c', createdAt: 'cr' },
  migrations: { steps: [(item) => item] },
});

/** A loose schema brings along attributes of its input, the table's keys among them (never stored). */
const Loose = defineEntity({
  table: Table,
  name: 'Loose',
  schema: z.looseObject({ id: z.string(), note: z.string() }),
  keys: { primary: { pk: 'LOOSE#{id}', sk: 'L' } },
});

const text = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 }), fc.constantFrom('', 'é', '日本', '😀x'));
const name = fc.string({ minLength: 1, maxLength: 8, unit: 'grapheme-ascii' });
const number = fc.oneof(fc.integer(), fc.constantFrom(0, -0, 100, 10_000, -12_300, 0.5, 1e-7, 123.456, 2 ** 52, -(2 ** 53 - 1)), fc.integer().map((n) => n / 1_000));
const scalar = fc.oneof(text, number, fc.boolean(), fc.constant(null));
const doc = fc.record(
  {
    id: text.filter((s) => s !== '' && !s.includes('#') && !hasLoneSurrogate(s)),
    status: text.filter((s) => s !== '' && !hasLoneSurrogate(s)),
    title: text,
    count: number,
    big: fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
    flag: fc.boolean(),
    tags: fc.uniqueArray(text, { minLength: 1, maxLength: 4 }).map((xs) => new Set(xs)),
    scores: fc.uniqueArray(fc.integer({ min: -1_000_000, max: 1_000_000 }), { minLength: 1, maxLength: 4 }).map((xs) => new Set(xs)),
    meta: fc.dictionary(name, fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(name, scalar, { maxKeys: 3 })), { maxKeys: 4 }),
    list: fc.array(fc.oneof(scalar, fc.dictionary(name, scalar, { maxKeys: 3 })), { maxLength: 4 }),
    at: fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }),
    expiresAt: fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }),
  },
  { requiredKeys: ['id', 'title'] },
);

/** The size a put counted (what its transaction action carries) and the item it sends. */
function counted(builder: { transactAction(): { item: { Put: { Item?: Record<string, unknown> } }; size: number } }): { size: number; item: Record<string, unknown> } {
  const { item, size } = builder.transactAction();
  return { size, item: item.Put.Item! };
}

describe('a put counts its item size in the walk that encodes it', () => {
  it('equals computeItemSize of the item sent, for items of every kind of value (renamed fields, TTL, self keys, version, schema version)', () => {
    fc.assert(
      fc.property(doc, fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }), (d, v) => {
        const { size, item } = counted(Doc.put(v === undefined ? d : { ...d, v }));
        expect(size).toBe(computeItemSize(item));
      }),
      { numRuns: 1_000 },
    );
  });

  it('leaves out the table-owned attributes a loose schema let through, and counts the extra ones it keeps', () => {
    const { size, item } = counted(Loose.put({ id: 'a', note: 'n', pk: 'stale-pk-value', sk: 'stale', status: 'stale status', _et: 'Other', extra: { deep: ['x', 1] }, é: 'ü' }));
    expect(item).toMatchObject({ pk: 'LOOSE#a', sk: 'L', _et: 'Loose', extra: { deep: ['x', 1] }, é: 'ü' });
    expect(item).not.toHaveProperty('status');
    expect(size).toBe(computeItemSize(item));
  });

  it('counts a stored field where it replaces the key built for its index (one attribute, not two)', () => {
    const { size, item } = counted(Doc.put({ id: 'a', title: 't', status: 'open' }));
    expect(item['status']).toBe('open');
    expect(size).toBe(computeItemSize(item));
  });

  it('refuses an item over 400 KB by that size, naming the entity, before anything is sent; one byte under passes', () => {
    const base = counted(Doc.put({ id: 'a', title: '' })).size;
    const fits = Doc.put({ id: 'a', title: 'x'.repeat(409_600 - base) });
    expect(counted(fits).size).toBe(409_600);
    const over = Doc.put({ id: 'a', title: 'é'.repeat(Math.ceil((409_601 - base) / 2)) });
    expect(() => over.build()).toThrow(ItemSizeError);
    expect(() => over.build()).toThrow(`Doc: item is ${base + 2 * Math.ceil((409_601 - base) / 2)} bytes, over DynamoDB's limit of 409600 bytes (400 KB)`);
  });
});
