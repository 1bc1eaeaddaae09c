/**
 * An entity whose schema is a union of variants, with the entity features that the variant tests
 * leave out: optimistic locking, a derived attribute (a GSI key composite) and schema versions, on
 * a real DynamoDB Local. Each must behave as on a `z.object` entity, whatever the item's variant.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConditionFailedError, VersionConflictError, defineEntity, defineTable, migrateStored } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const docClient = testDocClient(client);
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
