/**
 * The sizes dynakit counts before sending: the integer fast path of `numberSize` agrees with the
 * decimal-string path it short-cuts, batch puts count the bytes they add to the request body,
 * transaction puts count the size of the item they send (taken from the 400 KB check, not
 * recomputed), and a transaction over 4 MB is refused.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidTransactionError, buildTransactWrite, computeItemSize, defineEntity, defineTable } from '../../src/index.js';
import { numberSize } from '../../src/entity/item-size.js';

/** `{ S: 'x' }` form of a flat item of strings and numbers (what the SDK sends as JSON). */
const marshall = (item: Record<string, unknown>) => Object.fromEntries(Object.entries(item).map(([k, v]) => [k, typeof v === 'number' ? { N: String(v) } : { S: v }]));
import { MAX_TRANSACTION_BYTES } from '../../src/transactions/transact-write.js';

const Table = defineTable({ name: 'SizeTable', client: new DynamoDBClient({ region: 'us-east-1' }), partitionKey: { name: 'pk', type: 'S' } });
const Blob = defineEntity({
  table: Table,
  name: 'Blob',
  schema: z.object({ id: z.string(), body: z.string(), n: z.number().optional() }),
  keys: { primary: { pk: 'BLOB#{id}' } },
});
const Loose = defineEntity({
  table: Table,
  name: 'Loose',
  schema: z.looseObject({ id: z.string(), expiresAt: z.date().optional() }),
  keys: { primary: { pk: 'LOOSE#{id}' } },
  ttl: 'expiresAt',
});

describe('numberSize', () => {
  it('sizes safe integers from their digits exactly as from their decimal string', () => {
    const integers = fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.integer({ min: -1000, max: 1000 }).map((k) => k * 10 ** (Math.abs(k) % 14)));
    fc.assert(
      fc.property(integers, (n) => {
        fc.pre(Number.isSafeInteger(n));
        expect(numberSize(n)).toBe(numberSize(String(n)));
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('size accounting reuses the 400 KB check', () => {
  it('a batch put counts the bytes it adds to the request body (its item as JSON), at least its DynamoDB size', () => {
    const builder = Blob.put({ id: 'a', body: 'x'.repeat(1_000), n: 123_456 });
    const request = builder.writeRequest();
    const item = (request.request as { PutRequest: { Item: Record<string, unknown> } }).PutRequest.Item;
    const json = Buffer.byteLength(JSON.stringify({ PutRequest: { Item: marshall(item) } })) + 1; // and a comma
    expect(request.size).toBeGreaterThanOrEqual(json);
    expect(request.size).toBeLessThan(json + 10);
    expect(request.size).toBeGreaterThan(computeItemSize(item));
  });

  it('transaction puts count their items toward 4 MB: ten ~390 KB puts pass, eleven fail', () => {
    const big = (i: number) => Blob.put({ id: `b${i}`, body: 'x'.repeat(390_000) });
    const ten = Array.from({ length: 10 }, (_, i) => big(i));
    expect(() => buildTransactWrite(ten)).not.toThrow();
    const eleven = [...ten, big(10)];
    expect(11 * 390_000).toBeGreaterThan(MAX_TRANSACTION_BYTES);
    expect(() => buildTransactWrite(eleven)).toThrow(InvalidTransactionError);
    expect(() => buildTransactWrite(eleven)).toThrow(/4 MB/);
  });

  it('updates count their key and values toward 4 MB', () => {
    const puts = Array.from({ length: 10 }, (_, i) => Blob.put({ id: `c${i}`, body: 'x'.repeat(400_000 - 40) }));
    expect(() => buildTransactWrite(puts)).not.toThrow();
    const withUpdate = [...puts, Blob.update({ id: 'u' }).set({ body: 'y'.repeat(200_000) })];
    expect(() => buildTransactWrite(withUpdate)).toThrow(/4 MB/);
  });
});

describe('partial reads of a schema that keeps unknown keys', () => {
  it('revive the TTL attribute from epoch seconds, and leave an absent one absent', () => {
    const at = new Date(1_800_000_000_000);
    expect(Loose.model.parsePartial({ expiresAt: 1_800_000_000 })).toEqual({ expiresAt: at });
    expect(Loose.model.parsePartial({ extra: 'kept' })).toStrictEqual({ extra: 'kept' });
  });
});
