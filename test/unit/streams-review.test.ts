/**
 * Stream records found wrong by the thirteenth session's review, without a server: the `keys` of
 * an event (parsed back from the stored key), records matched to an entity by key alone
 * (KEYS_ONLY), and parsers given entities of another table. Each test failed before its fix.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, type StreamRecordInput } from '../../src/index.js';

const client = new DynamoDBClient({ region: 'us-east-1' });
const rec = (r: Record<string, unknown>): StreamRecordInput => r as StreamRecordInput;

describe('keys of a raw (single-placeholder) bigint key', () => {
  const Ledger = defineTable({ name: 'Ledger', client, partitionKey: { name: 'pk', type: 'N' }, sortKey: { name: 'sk', type: 'N' } });
  const Entry = defineEntity({
    table: Ledger,
    name: 'Entry',
    schema: z.object({ account: z.bigint(), seq: z.bigint(), memo: z.string() }),
    keys: { primary: { pk: '{account}', sk: '{seq}' } },
  });
  const keys = { pk: { N: '42' }, sk: { N: '123456789012345678901234567890' } };
  const image = { ...keys, _et: { S: 'Entry' }, account: { N: '42' }, seq: { N: '123456789012345678901234567890' }, memo: { S: 'm' } };

  it('are bigints, as the schema and the images say (a safe one came back as a number)', () => {
    const e = Ledger.streamParser(Entry).record(rec({ eventName: 'INSERT', dynamodb: { Keys: keys, NewImage: image } }));
    expect(e?.newItem).toEqual({ account: 42n, seq: 123456789012345678901234567890n, memo: 'm' });
    expect(e?.keys).toEqual({ account: 42n, seq: 123456789012345678901234567890n });
    expect(typeof e?.keys['account']).toBe('bigint');
  });
});

describe('records matched to an entity by key alone (KEYS_ONLY)', () => {
  const App = defineTable({ name: 'App', client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
  defineEntity({
    table: App,
    name: 'Order',
    schema: z.object({ userId: z.string(), seq: z.number().int(), orderId: z.string() }),
    keys: { primary: { pk: 'USER#{userId}', sk: 'ORDER#{seq}#{orderId}' } },
  });
  defineEntity({
    table: App,
    name: 'Reading',
    schema: z.object({ sensor: z.string(), at: z.date(), n: z.bigint(), ok: z.boolean() }),
    keys: { primary: { pk: 'SENSOR#{sensor}', sk: 'AT#{at}#{n}#{ok}' } },
  });
  const keysOnly = (pk: string, sk: string) => rec({ eventName: 'REMOVE', dynamodb: { Keys: { pk: { S: pk }, sk: { S: sk } }, StreamViewType: 'KEYS_ONLY' } });
  const at = '2026-01-01T00:00:00.000Z';

  it("a key whose number, date, bigint or boolean part is not one is no entity's (it was claimed, with NaN, an Invalid Date or false)", () => {
    // e.g. another service's notes under the user's partition: ORDER#<orderId>#NOTE.
    const foreign = [
      keysOnly('USER#ada', 'ORDER#o-17#NOTE'),
      keysOnly('USER#ada', 'ORDER#abcdefghijklmnop#x'),
      keysOnly('SENSOR#s1', 'AT#not-a-date-at-all-xxxxx#1#true'),
      keysOnly('SENSOR#s1', `AT#${at}#12#maybe`),
      keysOnly('SENSOR#s1', `AT#${at}#abc#true`),
    ];
    const { events, unknown, errors } = App.parseStreamEvent({ Records: foreign });
    expect(events.map((e) => e.keys)).toEqual([]);
    expect(errors.map((e) => e.message)).toEqual([]);
    expect(unknown).toEqual(foreign);
    // parseStreamRecord answered a bigint part that is not digits with a bare SyntaxError.
    expect(App.parseStreamRecord(foreign[4]!)).toBeUndefined();
  });

  it('keys written by dynakit still parse, negative and fixed-width values included', () => {
    const { events } = App.parseStreamEvent({
      Records: [keysOnly('USER#ada', 'ORDER#0000000000000017#o-17'), keysOnly('USER#ada', 'ORDER#-9007199254740990#o-2'), keysOnly('SENSOR#s1', `AT#${at}#-99999999999999999999999999999999999999#false`)],
    });
    expect(events.map((e) => [e.entity, e.keys])).toEqual([
      ['Order', { userId: 'ada', seq: 17, orderId: 'o-17' }],
      ['Order', { userId: 'ada', seq: -2, orderId: 'o-2' }],
      ['Reading', { sensor: 's1', at: new Date(at), n: -1n, ok: false }],
    ]);
  });
});

describe('streamParser() given an entity of another table', () => {
  const Shop = defineTable({ name: 'Shop', client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
  const Crm = defineTable({ name: 'Crm', client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
  const keys = { primary: { pk: 'USER#{userId}', sk: 'USER' } } as const;
  const ShopUser = defineEntity({ table: Shop, name: 'User', schema: z.object({ userId: z.string(), cart: z.array(z.string()).default([]) }), keys });
  const CrmUser = defineEntity({ table: Crm, name: 'User', schema: z.object({ userId: z.string(), score: z.number().default(0) }), keys });

  it("is refused: its records can never be on this table's stream, and a same-named entity's were parsed with its schema", () => {
    expect(() => Shop.streamParser(CrmUser)).toThrow(/streamParser\(\): User is defined on table Crm, not on this one/);
    expect(() => Shop.streamParser(ShopUser, CrmUser)).toThrow(/Crm/);
    const image = { pk: { S: 'USER#u1' }, sk: { S: 'USER' }, _et: { S: 'User' }, userId: { S: 'u1' }, cart: { L: [{ S: 'sku-1' }] } };
    expect(Shop.streamParser(ShopUser).record(rec({ eventName: 'INSERT', dynamodb: { NewImage: image } }))?.newItem).toEqual({ userId: 'u1', cart: ['sku-1'] });
  });
});
