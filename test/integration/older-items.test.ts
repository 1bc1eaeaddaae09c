/**
 * Reads of items written by an older definition of the entity, which still carry the key
 * attributes of a table index the entity no longer uses: those are the table's, never model fields.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { defineEntity, defineTable } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);
const Table = defineTable({
  name: uniqueTableName('older-items'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: { gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } } },
});
const fields = { docId: z.string(), title: z.string() };
/** Today's definitions: no gsi1 keys any more (an older one wrote gsi1pk/gsi1sk). */
const Strict = defineEntity({ table: Table, name: 'StrictDoc', schema: z.strictObject(fields), keys: { primary: { pk: 'S#{docId}', sk: 'S' } } });
const Loose = defineEntity({ table: Table, name: 'LooseDoc', schema: z.looseObject(fields), keys: { primary: { pk: 'L#{docId}', sk: 'L' } } });

useTable(Table, { clients: [client] });

beforeAll(async () => {
  for (const [entity, prefix] of [['StrictDoc', 'S'], ['LooseDoc', 'L']] as const) {
    await doc.send(
      new PutCommand({
        TableName: Table.name,
        Item: { pk: `${prefix}#d1`, sk: prefix, _et: entity, docId: 'd1', title: 'T', gsi1pk: 'OLD#x', gsi1sk: 'OLD#d1' },
      }),
    );
  }
});

describe("an item carrying another index's key attributes from an older definition", () => {
  it('reads with a strict schema (the index keys are not unknown fields)', async () => {
    expect(await Strict.get({ docId: 'd1' })).toEqual({ docId: 'd1', title: 'T' });
  });

  it('reads with a loose schema without the index keys in the model item', async () => {
    expect(await Loose.get({ docId: 'd1' })).toEqual({ docId: 'd1', title: 'T' });
  });
});
