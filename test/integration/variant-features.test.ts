/**
 * An entity whose schema is a union of variants, with the entity features that the variant tests
 * leave out: optimistic locking, a derived attribute (a GSI key composite) and schema versions, on
 * a real DynamoDB Local. Each must behave as on a `z.object` entity, whatever the item's variant.
 * And a variant entity whose tag composes its keys: each variant of one id under its own key.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConditionFailedError, ExpressionError, KeyError, VersionConflictError, defineEntity, defineTable, migrateStored, transactWrite } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { countRequests, refusedBeforeSend } from '../support/requests.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const docClient = testDocClient(client);
const requests = countRequests(client);
const Table = defineTable({
  name: uniqueTableName('variant-features'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: { gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } } },
});
useTable(Table, { clients: [docClient] });

const Account = defineEntity({
  table: Table,
  name: 'Account',
  schema: z.discriminatedUnion('kind', [
    z.object({ accountId: z.string(), kind: z.literal('person'), name: z.string(), nameLower: z.string(), birthYear: z.number().int() }),
    z.object({ accountId: z.string(), kind: z.literal('company'), name: z.string(), nameLower: z.string(), vatId: z.string() }),
  ]),
  keys: { primary: { pk: 'ACCOUNT#{accountId}', sk: 'ACCOUNT' }, gsi1: { pk: 'NAME#{nameLower}', sk: 'ACCOUNT#{accountId}' } },
  version: 'v',
  derive: { nameLower: { from: ['name'], compute: ({ name }) => name.toLowerCase() } },
  // Version 1 stored people without their tag (they were the only kind then).
  migrations: { steps: [(item) => ({ ...item, kind: item['kind'] ?? 'person' })] },
});

/** The item as stored, read past dynakit. */
const stored = async (accountId: string) => (await docClient.send(new GetCommand({ TableName: Table.name, Key: { pk: `ACCOUNT#${accountId}`, sk: 'ACCOUNT' } }))).Item;

describe('a variant entity with a version, a derived key composite and schema versions', () => {
  it('puts each variant with the derived value and the first version; the derived GSI key finds them', async () => {
    await Account.create({ accountId: 'a1', kind: 'person', name: 'Ada Lovelace', birthYear: 1815 });
    await Account.create({ accountId: 'a2', kind: 'company', name: 'ACME', vatId: 'DE123' });
    const ada = await Account.get({ accountId: 'a1' });
    expect(ada).toMatchObject({ kind: 'person', nameLower: 'ada lovelace', birthYear: 1815, v: 1 });
    expect(ada?.kind === 'person' ? ada.birthYear : undefined).toBe(1815);
    const found = await Account.query('gsi1', Account.Key('nameLower').eq('acme')).all();
    expect(found.map((a) => [a.accountId, a.kind, a.v])).toEqual([['a2', 'company', 1]]);
    expect(await stored('a2')).toMatchObject({ gsi1pk: 'NAME#acme', _sv: 2 });
  });

  it('a versioned update of a field every variant has recomputes the derived key and bumps the version; a stale one conflicts', async () => {
    await Account.update({ accountId: 'a2', v: 1 }).set({ name: 'Acme Corp' });
    expect(await Account.get({ accountId: 'a2' })).toMatchObject({ kind: 'company', name: 'Acme Corp', nameLower: 'acme corp', v: 2 });
    expect((await stored('a2'))?.['gsi1pk']).toBe('NAME#acme corp');
    const stale = await Account.update({ accountId: 'a2', v: 1 })
      .set({ name: 'Other' })
      .catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(VersionConflictError);
    expect(await Account.get({ accountId: 'a2' })).toMatchObject({ name: 'Acme Corp', v: 2 });
  });

  it("an update of one variant's field is guarded by the tag on an item of the other variant, version or not: nothing is written", async () => {
    const e = await Account.update({ accountId: 'a2', v: 2 })
      .set({ birthYear: 1900 })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConditionFailedError);
    expect((e as Error).message).toMatch(/kind must be "person"/);
    const after = await stored('a2');
    expect(after).toMatchObject({ v: 2, kind: 'company' });
    expect(after).not.toHaveProperty('birthYear');
    await Account.update({ accountId: 'a1', v: 1 }).set({ birthYear: 1816 });
    expect(await Account.get({ accountId: 'a1' })).toMatchObject({ birthYear: 1816, v: 2 });
  });

  it('reads an item of the first schema version as its variant, and migrateStored rewrites it, one locking version up', async () => {
    await docClient.send(
      new PutCommand({
        TableName: Table.name,
        Item: { pk: 'ACCOUNT#a3', sk: 'ACCOUNT', gsi1pk: 'NAME#grace', gsi1sk: 'ACCOUNT#a3', _et: 'Account', accountId: 'a3', name: 'Grace', nameLower: 'grace', birthYear: 1906, v: 4 },
      }),
    );
    const grace = await Account.get({ accountId: 'a3' });
    expect(grace).toMatchObject({ kind: 'person', name: 'Grace', v: 4 });
    expect(await migrateStored(Account)).toEqual({ migrated: 1, skipped: 0, unreadable: [] });
    expect(await stored('a3')).toMatchObject({ kind: 'person', _sv: 2, v: 5, birthYear: 1906 });
    expect(await migrateStored(Account)).toEqual({ migrated: 0, skipped: 0, unreadable: [] });
  });
});

// The tag in the sort key and in a GSI partition key: a card and a bank transfer of one payment id
// are two items, and the GSI lists payments by method.
const Payment = defineEntity({
  table: Table,
  name: 'Payment',
  schema: z.discriminatedUnion('method', [
    z.object({ orderId: z.string(), paymentId: z.string(), method: z.literal('card'), last4: z.string().length(4) }),
    z.object({ orderId: z.string(), paymentId: z.string(), method: z.literal('bank'), iban: z.string() }),
  ]),
  keys: { primary: { pk: 'ORDER#{orderId}', sk: 'PAYMENT#{method}#{paymentId}' }, gsi1: { pk: 'METHOD#{method}', sk: 'PAYMENT#{paymentId}' } },
});

describe('a variant entity whose tag composes its keys', () => {
  it('stores each variant under its own key; get, queries and the table read each back as its variant', async () => {
    await Payment.put({ orderId: 'o1', paymentId: 'p1', method: 'card', last4: '4242' });
    await Payment.put({ orderId: 'o1', paymentId: 'p1', method: 'bank', iban: 'DE89' });
    expect(await Payment.get({ orderId: 'o1', paymentId: 'p1', method: 'card' })).toEqual({ orderId: 'o1', paymentId: 'p1', method: 'card', last4: '4242' });
    expect(await Payment.get({ orderId: 'o1', paymentId: 'p1', method: 'bank' })).toEqual({ orderId: 'o1', paymentId: 'p1', method: 'bank', iban: 'DE89' });
    const banks = await Payment.query('gsi1', Payment.Key('method').eq('bank')).all();
    expect(banks.map((p) => [p.paymentId, p.method])).toEqual([['p1', 'bank']]);
    const both = await Payment.query('primary', Payment.Key('orderId').eq('o1').and(Payment.Key('method').eq('card'))).all();
    expect(both.map((p) => p.method)).toEqual(['card']);
    const { items } = await Table.query(Table.Key('pk').eq('ORDER#o1')).entities(Payment).all();
    expect(items.map((p) => p.method).sort()).toEqual(['bank', 'card']);
  });

  it("updates and deletes reach the variant the key names; another variant's field is refused before sending, as the key names the variant", async () => {
    await Payment.put({ orderId: 'o2', paymentId: 'p2', method: 'card', last4: '1111' });
    await Payment.put({ orderId: 'o2', paymentId: 'p2', method: 'bank', iban: 'DE00' });
    await Payment.update({ orderId: 'o2', paymentId: 'p2', method: 'card' }).set({ last4: '2222' });
    // The key's method is the stored item's: a card's field on a bank transfer's key could only fail
    // its tag guard (a ConditionFailedError after a round trip, or a cancelled transaction).
    const bankKey = { orderId: 'o2', paymentId: 'p2', method: 'bank' } as const;
    const alone = await refusedBeforeSend(requests, ExpressionError, () => Payment.update(bankKey).set({ last4: '3333' }));
    expect(alone.message).toBe('Payment: last4: needs an item whose method is "card", but the key names a method of "bank" (method composes the primary key, so that item\'s method is "bank"); put the whole item to change its variant');
    await refusedBeforeSend(requests, ExpressionError, () => transactWrite([Payment.update({ ...bankKey, method: 'card' }).set({ last4: '4444' }), Payment.update(bankKey).set({ last4: '3333' })]));
    expect(await Payment.get(bankKey)).toEqual({ orderId: 'o2', paymentId: 'p2', method: 'bank', iban: 'DE00' });
    expect((await Payment.get({ ...bankKey, method: 'card' }))?.method === 'card').toBe(true);
    await Payment.delete({ orderId: 'o2', paymentId: 'p2', method: 'bank' });
    const left = await Payment.query('primary', Payment.Key('orderId').eq('o2')).all();
    expect(left).toEqual([{ orderId: 'o2', paymentId: 'p2', method: 'card', last4: '2222' }]);
  });

  it('a key composite that is a union of values of two kinds is refused when the entity is defined', () => {
    const define = () =>
      defineEntity({
        table: Table,
        name: 'Mixed',
        schema: z.object({ id: z.string(), level: z.union([z.literal('low'), z.literal(2)]) }),
        keys: { primary: { pk: 'MIXED#{id}', sk: 'LEVEL#{level}' } },
      });
    expect(define).toThrow(KeyError);
    expect(define).toThrow(/"level" is not an attribute of the schema, or its type cannot be part of a key/);
  });
});
