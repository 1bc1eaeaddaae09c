/**
 * What the compiler says when a write with a condition is put in a batch: BatchWriteItem has no
 * conditions, so a versioned entity, `create()` and `where()` are refused in the types. The error
 * must name that reason, not only `Type '"version"' is not assignable to type 'never'`.
 */
import { describe, expect, it } from 'vitest';
import { COMPILE_TIMEOUT } from '../support/compile-timeout.js';
import { compileErrors } from '../support/compile-errors.js';

const model = `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { defineEntity, defineTable } from '../../src/index.js';
const AppTable = defineTable({ name: 'App', client: new DynamoDBClient({}), partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
const Doc = defineEntity({
  table: AppTable, name: 'Doc', schema: z.object({ docId: z.string(), title: z.string() }),
  keys: { primary: { pk: 'DOC#{docId}', sk: 'DOC' } }, version: 'rev',
});
const Note = defineEntity({
  table: AppTable, name: 'Note', schema: z.object({ noteId: z.string() }), keys: { primary: { pk: 'NOTE#{noteId}', sk: 'NOTE' } },
});
const doc = { docId: 'd', title: 't' };
const note = { noteId: 'n' };
`;

/** The last line of each error's message chain: the one that says why. */
const reasons = (source: string): string[] => compileErrors(model + source).map((m) => m.split('\n').at(-1)!.trim());

const NO_CONDITION = `is not assignable to type '"a batch write takes no condition (create(), where(), a version): use transactWrite"'.`;
const NO_VERSIONED = `is not assignable to type '"a batch write takes no versioned entity (its writes check the version): use transactWrite"'.`;

describe('compile errors of a conditional write in a batch', () => {
  it('name the reason for a versioned entity, create() and where(); writes without a condition compile', () => {
    expect(
      reasons(`
AppTable.batchWrite([Note.put(note), Note.delete(note)]);
AppTable.batchWriter().put(Note, note);
AppTable.batchWrite([Doc.put(doc)]);
AppTable.batchWriter().put(Doc, doc);
AppTable.batchWrite(async (b) => { b.put(Doc, doc); });
AppTable.batchWrite([Note.create(note)]);
AppTable.batchWriter().put(Note.put(note).where(Note.Attr('noteId').exists()));
AppTable.batchWriter().delete(Doc.delete({ docId: 'd', rev: 1 }));
`),
    ).toEqual([
      `Type '"rev"' ${NO_CONDITION}`,
      `Type '"rev"' ${NO_VERSIONED}`,
      `Type '"rev"' ${NO_VERSIONED}`,
      `Type '"create"' ${NO_CONDITION}`,
      `Type '"where"' ${NO_CONDITION}`,
      // A delete that checks a version carries the guard 'version', whatever the attribute's name.
      `Type '"version"' ${NO_CONDITION}`,
    ]);
  }, COMPILE_TIMEOUT);
});
