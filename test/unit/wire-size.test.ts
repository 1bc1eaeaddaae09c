/**
 * The batch writer sizes its calls by the JSON body the SDK sends, so the estimate must never be
 * below the real body: compared here with the SDK's own marshalling, byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NumberValue, PutCommand } from '@aws-sdk/lib-dynamodb';
import { wireItemSize } from '../../src/batch/wire-size.js';
import { computeItemSize } from '../../src/entity/item-size.js';

/** Catches the serialized request instead of sending it. */
let captured: unknown;
const stop = new Error('not sent');
const client = new DynamoDBClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'unit', secretAccessKey: 'unit' },
  maxAttempts: 1,
  requestHandler: {
    handle: async (request: { body?: unknown }) => {
      captured = request.body;
      throw stop;
    },
  },
});

/** The body bytes of an item as the SDK writes it: a PutItem body less its `{"TableName":"t","Item":}`. */
async function sdkBytes(item: Record<string, unknown>): Promise<number> {
  await expect(client.send(new PutCommand({ TableName: 't', Item: item }))).rejects.toBe(stop);
  const body = typeof captured === 'string' ? Buffer.byteLength(captured) : (captured as Uint8Array).byteLength;
  return body - '{"TableName":"t","Item":}'.length;
}

describe('wireItemSize', () => {
  it.each([
    ['scalars', { s: 'x', n: 1, neg: -1.5e-7, big: 123456789012345678901234567890n, t: true, f: false, z: null, e: '' }],
    ['escapes and non-ASCII', { q: 'a"b\\c', ctl: '\n\t\r\b\f\u0001\u001f', u: 'é€😀', lone: '\ud800x\udc00', 'ké"y': 'v' }],
    ['binary, sets, lists, maps', { b: new Uint8Array([1, 2, 3, 4, 5]), ss: new Set(['a', 'b"']), ns: new Set([1, 22]), bs: new Set([new Uint8Array(7)]), l: [1, 'a', [], {}, { m: [null] }], m: { a: { b: 'c' } } }],
    ['NumberValue and undefined attributes', { nv: NumberValue.from('12.5000'), gone: undefined, m: { kept: 1 } }],
  ])('is the exact body size: %s', async (_label, item) => {
    expect(wireItemSize(item)).toBe(await sdkBytes(item));
  });

  it('can be several times the DynamoDB size (why the 16 MB cap is checked on it)', async () => {
    const list = { history: Array.from({ length: 1000 }, () => 'ab') };
    expect(wireItemSize(list)).toBe(await sdkBytes(list));
    expect(wireItemSize(list)).toBeGreaterThan(3.5 * computeItemSize(list));
  });
});
