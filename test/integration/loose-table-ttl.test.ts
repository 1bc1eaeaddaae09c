/**
 * An entity whose schema keeps unknown attributes (`z.looseObject`, `.catchall()`) and declares no
 * `ttl` may not store a number under the table's TTL attribute: DynamoDB would delete the item once
 * that many epoch seconds had passed, while the entity showed it as live until then. Its schema
 * fields are refused when it is defined; the attributes a loose item brings along, when it is written.
 */
import { describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { BatchValidationError, ValidationError, defineEntity, defineTable } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const raw = testDocClient(client);
const Table = defineTable({ name: uniqueTableName('loose-table-ttl'), client, partitionKey: { name: 'pk', type: 'S' } });
useTable(Table);
// Defined before the entity that gives the table its TTL attribute: the check is made on each write.
const Loose = defineEntity({ table: Table, name: 'Loose', schema: z.looseObject({ id: z.string() }), keys: { primary: { pk: 'L#{id}' } } });
defineEntity({ table: Table, name: 'Session', schema: z.object({ id: z.string(), expiresAt: z.date() }), keys: { primary: { pk: 'S#{id}' } }, ttl: 'expiresAt' });
const stored = async (pk: string) => (await raw.send(new GetCommand({ TableName: Table.name, Key: { pk }, ConsistentRead: true }))).Item;

describe("a loose entity's attribute under the table's TTL attribute", () => {
  it('holding a number is refused before anything is sent, alone and in a batch', async () => {
    const soon = Math.floor(Date.now() / 1000) + 60;
    const put = Loose.put({ id: 'a', expiresAt: soon } as never);
    await expect(put).rejects.toThrow(ValidationError);
    await expect(put).rejects.toThrow(/expiresAt: is the TTL attribute of table .* and holds a number/);
    await expect(Table.batchWrite([Loose.put({ id: 'b', expiresAt: soon } as never)])).rejects.toThrow(BatchValidationError);
    expect(await stored('L#a')).toBeUndefined();
    expect(await stored('L#b')).toBeUndefined();
  });

  it('holding text (which DynamoDB TTL ignores), or under another name, is stored', async () => {
    await Loose.put({ id: 'c', expiresAt: 'tomorrow', other: 5 } as never);
    expect(await stored('L#c')).toMatchObject({ expiresAt: 'tomorrow', other: 5 });
  });
});
