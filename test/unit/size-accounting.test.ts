/**
 * The sizes dynakit counts before sending: the integer fast path of `numberSize` agrees with the
 * decimal-string path it short-cuts, batch puts count the bytes they add to the request body,
 * transaction puts count the size of the item they send (taken from the 400 KB check, not
 * recomputed), a transaction over 4 MB is refused, and actions count their expressions as DynamoDB
 * Local does.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidTransactionError, ItemSizeError, buildTransactWrite, computeItemSize, defineEntity, defineTable } from '../../src/index.js';
import { numberSize } from '../../src/entity/item-size.js';

/** `{ S: 'x' }` form of a flat item of strings and numbers (what the SDK sends as JSON). */
const marshall = (item: Record<string, unknown>) => Object.fromEntries(Object.entries(item).map(([k, v]) => [k, typeof v === 'number' ? { N: String(v) } : { S: v }]));
import { MAX_TRANSACTION_BYTES } from '../../src/transactions/transact-write.js';
import { expressionBytes, keyedActionBytes } from '../../src/transactions/action-size.js';

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

// Each expected number is DynamoDB Local 3.3's own count ("Payload Size: N" in its refusal of an
// oversized transaction, less the rest of that transaction), for the key { pk: 'k1', sk: 's' } (7 bytes).
describe('transaction actions count their key and expressions as DynamoDB Local does', () => {
  const Key = { pk: 'k1', sk: 's' };
  it('an update: its expression, and the name or value at each use of a placeholder', () => {
    expect(keyedActionBytes({ Key })).toBe(7);
    expect(keyedActionBytes({ Key, UpdateExpression: 'SET a = :v', ExpressionAttributeValues: { ':v': 'x' } })).toBe(18);
    expect(keyedActionBytes({ Key, UpdateExpression: 'SET a = :vv', ExpressionAttributeValues: { ':vv': 'x'.repeat(10) } })).toBe(28);
    expect(keyedActionBytes({ Key, UpdateExpression: 'SET #abc = :v', ExpressionAttributeNames: { '#abc': 'a' }, ExpressionAttributeValues: { ':v': 'x'.repeat(10) } })).toBe(31);
    expect(keyedActionBytes({ Key, UpdateExpression: 'SET #b = :v', ExpressionAttributeNames: { '#b': 'é' }, ExpressionAttributeValues: { ':v': 'x' } })).toBe(21);
    expect(keyedActionBytes({ Key, UpdateExpression: 'REMOVE abcd' })).toBe(18);
    expect(keyedActionBytes({ Key, UpdateExpression: 'SET n = if_not_exists(n, :z) + :d', ExpressionAttributeValues: { ':z': 0, ':d': 5 } })).toBe(43);
  });

  it('a value or name used twice counts twice, in the update and in the condition', () => {
    const values = { ':v': 'xxxxx' };
    expect(keyedActionBytes({ Key, UpdateExpression: 'SET a = :v, b = :v', ConditionExpression: 'c <> :v', ExpressionAttributeValues: values })).toBe(47);
    expect(keyedActionBytes({ Key, UpdateExpression: 'SET #a = :v, #c = #a', ExpressionAttributeNames: { '#a': 'aaaa', '#c': 'c' }, ExpressionAttributeValues: { ':v': 'x' } })).toBe(37);
    expect(keyedActionBytes({ Key, UpdateExpression: 'SET a = :a', ConditionExpression: 'a IN (:b, :c, :b)', ExpressionAttributeValues: { ':a': 'x', ':b': 'yy', ':c': 'zzz' } })).toBe(42);
  });

  it('values of every type are sized as in an item', () => {
    const nested = { a: { b: ['xx', { c: 12 }] }, d: new Set(['q', 'r']) };
    expect(keyedActionBytes({ Key, UpdateExpression: 'SET a = :v', ExpressionAttributeValues: { ':v': nested } })).toBe(17 + 28);
    expect(keyedActionBytes({ Key, UpdateExpression: 'SET a = :v', ExpressionAttributeValues: { ':v': new Set([1, 22, 333]) } })).toBe(17 + 7);
    expect(keyedActionBytes({ Key, UpdateExpression: 'SET a = :v', ExpressionAttributeValues: { ':v': new Uint8Array(10) } })).toBe(17 + 10);
  });

  it('deletes and checks count their condition; a put its condition on top of its item', () => {
    const condition = { ConditionExpression: '#p = :v', ExpressionAttributeNames: { '#p': 'abc' }, ExpressionAttributeValues: { ':v': 'x'.repeat(50) } };
    expect(keyedActionBytes({ Key, ConditionExpression: 'attribute_exists(pk)' })).toBe(27);
    expect(keyedActionBytes({ Key, ...condition })).toBe(67);
    expect(computeItemSize(Key) + expressionBytes(condition)).toBe(67); // a put of the item { pk: 'k1', sk: 's' }
  });
});

describe('partial reads of a schema that keeps unknown keys', () => {
  it('revive the TTL attribute from epoch seconds, and leave an absent one absent', () => {
    const at = new Date(1_800_000_000_000);
    expect(Loose.model.parsePartial({ expiresAt: 1_800_000_000 })).toEqual({ expiresAt: at });
    expect(Loose.model.parsePartial({ extra: 'kept' })).toStrictEqual({ extra: 'kept' });
  });
});

describe('the update-size check counts map and list values at the size the compiler took for them', () => {
  const Doc = defineEntity({
    table: Table,
    name: 'SizedDoc',
    schema: z.object({ id: z.string(), meta: z.record(z.string(), z.string()).optional(), tags: z.array(z.string()).optional() }),
    keys: { primary: { pk: 'DOC#{id}' } },
  });
  // Each value stays under the 400 KB cap of one expression value; together they pass the item limit.
  const meta = (bytes: number) => ({ k: 'm'.repeat(bytes) }); // stored: 3 + 1 + 1 + bytes
  const tags = ['t'.repeat(200_000)]; // stored: 3 + 1 + 200,000
  const keyBytes = 'pk'.length + 'DOC#d'.length;
  const stored = (metaBytes: number) => keyBytes + 'meta'.length + 5 + metaBytes + 'tags'.length + 200_004;
  const update = (metaBytes: number) => () => Doc.update({ id: 'd' }).set({ meta: meta(metaBytes), tags }).build();

  it('exactly 400 KB passes; one byte more is an ItemSizeError of that size', () => {
    const fits = 409_600 - stored(0);
    expect(update(fits)).not.toThrow();
    let error: unknown;
    try {
      update(fits + 1)();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ItemSizeError);
    expect((error as ItemSizeError).size).toBe(409_601);
  });
});
