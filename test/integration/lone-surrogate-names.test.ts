/**
 * Attribute names and map keys holding a lone UTF-16 surrogate (half of a character, e.g. an emoji
 * cut in two by `slice`) have no UTF-8 form. DynamoDB Local answers a write of such an item with a
 * 500 InternalFailure (which the SDK retries), and takes an UpdateItem that names one through
 * ExpressionAttributeNames, after which every read of the item fails with a 500: the item is lost to
 * reads. dynakit refuses such names before sending, in items and in expressions.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { defineEntity, defineTable, ExpressionError, ValidationError } from '../../src/index.js';
import { testClient, testDocClient, testEndpoint, uniqueTableName } from '../support/client.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { countRequests, refusedBeforeSend } from '../support/requests.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const sent = countRequests(client);
const Docs = defineTable({ name: uniqueTableName('lone-surrogate-names'), client, partitionKey: { name: 'pk', type: 'S' } });
useTable(Docs, { clients: [client] });

const Note = defineEntity({
  table: Docs,
  name: 'Note',
  schema: z.object({ id: z.string(), counts: z.record(z.string(), z.number()).optional(), meta: z.looseObject({ a: z.string().optional() }).optional() }),
  keys: { primary: { pk: 'NOTE#{id}' } },
});

const HALF = '\ud83d'; // the first half of 😀 (U+1F600)

describe('names with half a character', () => {
  it('DynamoDB Local: an update through such an expression name leaves an item no read can get (why they are refused)', async () => {
    const once = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 1 });
    const raw = testDocClient(once);
    try {
      await raw.send(new UpdateCommand({ TableName: Docs.name, Key: { pk: 'RAW#1' }, UpdateExpression: 'SET #n = :v', ExpressionAttributeNames: { '#n': `x${HALF}` }, ExpressionAttributeValues: { ':v': 1 } }));
      const read = await raw.send(new GetCommand({ TableName: Docs.name, Key: { pk: 'RAW#1' } })).catch((e: unknown) => e);
      expect((read as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(500);
    } finally {
      once.destroy();
    }
  });

  it('put: a map key or a loose object attribute with one is a ValidationError, nothing sent', async () => {
    const e = await refusedBeforeSend(sent, ValidationError, () => Note.put({ id: 'n1', counts: { [`a${HALF}`]: 1 } }));
    expect(e.message).toMatch(/counts.*lone UTF-16 surrogate/);
    await refusedBeforeSend(sent, ValidationError, () => Note.put({ id: 'n1', meta: { [`b${HALF}c`]: 'x' } }));
    // A whole character (a surrogate pair) is a name like any other.
    await Note.put({ id: 'n1', counts: { 'a😀': 1 } });
    expect((await Note.get({ id: 'n1' }))?.counts).toEqual({ 'a😀': 1 });
  });

  it('update: set/add of a record key, a map value holding one, and remove are ExpressionErrors or ValidationErrors, nothing sent; the item stays readable', async () => {
    const e = await refusedBeforeSend(sent, ExpressionError, () => Note.update({ id: 'n1' }).set({ [`counts.a${HALF}`]: 2 }));
    expect(e.message).toMatch(/lone UTF-16 surrogate/);
    await refusedBeforeSend(sent, ExpressionError, () => Note.update({ id: 'n1' }).add({ [`counts.${HALF}`]: 1 }));
    await refusedBeforeSend(sent, ExpressionError, () => Note.update({ id: 'n1' }).remove(`counts.${HALF}x`));
    await refusedBeforeSend(sent, ValidationError, () => Note.update({ id: 'n1' }).set({ counts: { [HALF]: 3 } }));
    expect((await Note.get({ id: 'n1' }))?.counts).toEqual({ 'a😀': 1 });
  });

  it('conditions, filters and projections naming one are ExpressionErrors, at entity and table level', async () => {
    await refusedBeforeSend(sent, ExpressionError, () => Note.delete({ id: 'n1' }).where(Note.Attr(`counts.a${HALF}`).exists()));
    await refusedBeforeSend(sent, ExpressionError, () => Note.scan().filter(Note.Attr(`counts.${HALF}`).gt(0)));
    await refusedBeforeSend(sent, ExpressionError, () => Docs.scan().filter(Docs.Attr(`x${HALF}`).exists()));
    expect(await Note.get({ id: 'n1' })).toBeDefined();
  });
});
