/**
 * The tag of a variant entity stored under another name (`storedAs: { method: 'type' }`), on
 * DynamoDB Local: a table whose items already say `type` takes a schema that calls it `method`.
 * Every path that reads or writes the tag (keys composed of it, the tag guards of updates, filters,
 * projections, checks, transactions, migrations, streams) must use the stored name, and every read
 * must give the item back as its variant.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConditionFailedError, TransactionCanceledError, defineEntity, defineTable, migrateStored, transactWrite } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const docClient = testDocClient(client);
const Table = defineTable({
  name: uniqueTableName('variant-tag-stored-as'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: { gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } } },
});
useTable(Table, { clients: [docClient] });

const Payment = defineEntity({
  table: Table,
  name: 'Payment',
  schema: z.discriminatedUnion('method', [
    z.object({ id: z.string(), method: z.literal('card'), last4: z.string(), amount: z.number() }),
    z.object({ id: z.string(), method: z.literal('bank'), iban: z.string(), amount: z.number() }),
  ]),
  keys: { primary: { pk: 'PAY#{id}', sk: 'PAY' }, gsi1: { pk: 'METHOD#{method}', sk: 'PAY#{id}' } },
  storedAs: { method: 'type' },
  // Version 1 stored cards only, without a tag.
  migrations: { steps: [(item) => ({ ...item, method: item['method'] ?? 'card' })] },
});

/** A tagged `z.union` (not discriminated): the variant is found by the stored tag too. */
const Shape = defineEntity({
  table: Table,
  name: 'Shape',
  schema: z.union([z.object({ id: z.string(), kind: z.literal('circle'), r: z.number() }), z.object({ id: z.string(), kind: z.literal('square'), side: z.number() })]),
  keys: { primary: { pk: 'SHAPE#{id}', sk: 'SHAPE' } },
  storedAs: { kind: 'k' },
});

const stored = async (pk: string, sk: string) => (await docClient.send(new GetCommand({ TableName: Table.name, Key: { pk, sk } }))).Item;
const failure = (p: PromiseLike<unknown>) => Promise.resolve(p).then(() => undefined, (e: unknown) => e);

describe('a variant tag stored under another name', () => {
  it('writes the stored name, composes keys of the value, and reads each item back as its variant', async () => {
    await Payment.put({ id: 'p1', method: 'card', last4: '1234', amount: 5 });
    await Payment.create({ id: 'p2', method: 'bank', iban: 'DE1', amount: 7 });
    const raw = await stored('PAY#p1', 'PAY');
    expect(raw).toMatchObject({ type: 'card', gsi1pk: 'METHOD#card', last4: '1234' });
    expect(raw).not.toHaveProperty('method');
    expect(await Payment.get({ id: 'p1' })).toEqual({ id: 'p1', method: 'card', last4: '1234', amount: 5 });
    expect(await Payment.batchGet([{ id: 'p2' }, { id: 'p1' }])).toEqual([
      { id: 'p2', method: 'bank', iban: 'DE1', amount: 7 },
      { id: 'p1', method: 'card', last4: '1234', amount: 5 },
    ]);
    expect(await Payment.query('gsi1', Payment.Key('method').eq('bank')).all()).toEqual([{ id: 'p2', method: 'bank', iban: 'DE1', amount: 7 }]);
    expect((await Payment.scan().filter(Payment.Attr('method').eq('card')).all()).map((p) => p.id)).toEqual(['p1']);
    expect(await Payment.get({ id: 'p1' }).project('method', 'last4')).toEqual({ method: 'card', last4: '1234' });
    expect(await Payment.get({ id: 'p2' }).project('last4', 'iban')).toEqual({ iban: 'DE1' });
  });

  it("guards an update of one variant's field by the stored tag, alone and in a transaction", async () => {
    await Payment.update({ id: 'p1' }).set({ last4: '9999' });
    expect(await stored('PAY#p1', 'PAY')).toMatchObject({ type: 'card', last4: '9999' });
    const alone = await failure(Payment.update({ id: 'p2' }).set({ last4: '0000' }));
    expect(alone).toBeInstanceOf(ConditionFailedError);
    expect((alone as Error).message).toContain('method must be "card" for last4');
    const inTx = await failure(transactWrite([Payment.update({ id: 'p1' }).set({ iban: 'DE2' })]));
    expect(inTx).toBeInstanceOf(TransactionCanceledError);
    expect((inTx as Error).message).toContain('method must be "bank" for iban');
    await transactWrite([Payment.update({ id: 'p2' }).set({ iban: 'DE2' }), Payment.check({ id: 'p1' }, Payment.Attr('method').eq('card'))]);
    expect(await stored('PAY#p2', 'PAY')).toMatchObject({ type: 'bank', iban: 'DE2' });
    expect(await failure(Payment.check({ id: 'p1' }, Payment.Attr('method').eq('bank')))).toBeInstanceOf(ConditionFailedError);
    await Payment.update({ id: 'p1' }).add({ amount: 2 }).where(Payment.Attr('method').eq('card'));
    expect(await Payment.get({ id: 'p1' })).toMatchObject({ method: 'card', amount: 7 });
  });

  it('migrates an item stored before the tag and parses stream records by it', async () => {
    await docClient.send(new PutCommand({ TableName: Table.name, Item: { pk: 'PAY#old', sk: 'PAY', _et: 'Payment', id: 'old', last4: '0000', amount: 1 } }));
    expect(await Payment.get({ id: 'old' })).toEqual({ id: 'old', method: 'card', last4: '0000', amount: 1 });
    expect(await migrateStored(Payment)).toMatchObject({ migrated: 1, unreadable: [] });
    const raw = await stored('PAY#old', 'PAY');
    expect(raw).toMatchObject({ type: 'card', gsi1pk: 'METHOD#card', _sv: 2 });
    expect(raw).not.toHaveProperty('method');
    const image = marshall(raw!);
    const event = Table.parseStreamRecord({ eventName: 'INSERT', dynamodb: { Keys: { pk: image['pk']!, sk: image['sk']! }, NewImage: image, StreamViewType: 'NEW_IMAGE' } });
    expect(event).toMatchObject({ entity: 'Payment', newItem: { id: 'old', method: 'card', last4: '0000', amount: 1 } });
  });

  it('finds the variant of a tagged z.union by its stored tag', async () => {
    await Shape.put({ id: 's1', kind: 'square', side: 2 });
    expect(await stored('SHAPE#s1', 'SHAPE')).toMatchObject({ k: 'square', side: 2 });
    expect(await Shape.get({ id: 's1' })).toEqual({ id: 's1', kind: 'square', side: 2 });
    expect(await failure(Shape.update({ id: 's1' }).set({ r: 3 }))).toBeInstanceOf(ConditionFailedError);
    await Shape.update({ id: 's1' }).set({ side: 5 });
    expect(await Shape.get({ id: 's1' })).toEqual({ id: 's1', kind: 'square', side: 5 });
  });
});
