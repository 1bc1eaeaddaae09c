/**
 * Single-item operations and the per-entity options (version, ttl, timestamps), found by review:
 * each case failed before its fix.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ExpressionError, KeyError, TransactionCanceledError, defineEntity, defineTable, ValidationError } from '../../src/index.js';

const client = new DynamoDBClient({ region: 'us-east-1' });
const AppTable = defineTable({ name: 'App', client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });

describe('projections of a schema with refinements', () => {
  const Range = defineEntity({
    table: AppTable,
    name: 'Range',
    schema: z.object({ rangeId: z.string(), lo: z.number(), hi: z.number(), label: z.string() }).refine((r) => r.lo <= r.hi, 'lo must not exceed hi'),
    keys: { primary: { pk: 'RANGE#{rangeId}', sk: 'RANGE' } },
  });
  const stored = { pk: 'RANGE#r1', sk: 'RANGE', _et: 'Range', rangeId: 'r1', lo: 1, hi: 2, label: 'one to two' };

  it('parse a projected item (the object refinement is not applied to a part of the item)', () => {
    expect(Range.model.parse(stored, ['label'])).toEqual({ label: 'one to two' });
    expect(Range.model.parse(stored, ['lo', 'hi'])).toEqual({ lo: 1, hi: 2 });
  });

  it('still apply the refinement to full reads', () => {
    expect(() => Range.model.parse({ ...stored, lo: 3 })).toThrow(/lo must not exceed hi/);
  });
});

describe('TTL values in expressions', () => {
  const Session = defineEntity({
    table: AppTable,
    name: 'Session',
    schema: z.object({ sessionId: z.string(), expiresAt: z.date(), seenAt: z.date().optional() }),
    keys: { primary: { pk: 'SESSION#{sessionId}', sk: 'SESSION' } },
    ttl: 'expiresAt',
  });

  it('an invalid Date in a condition on the TTL attribute fails before sending, like any other Date', () => {
    const invalid = new Date(Number.NaN);
    expect(() => Session.check({ sessionId: 's' }, Session.Attr('seenAt').lt(invalid)).build()).toThrow(ValidationError);
    let error: unknown;
    try {
      Session.check({ sessionId: 's' }, Session.Attr('expiresAt').lt(invalid)).build();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['expiresAt']);
  });

  it('a valid Date is epoch seconds, also before 1970', () => {
    // :v0 and :v1 are the check's own guard (`_et = 'Session' AND NOT (expiresAt <= :now)`).
    // Stored seconds round down (-1.5 s is -2); `<` takes the next whole second instead, so an item
    // stored at -2 (which reads back as -2.0 s, before -1.5 s) still matches.
    const lte = Session.check({ sessionId: 's' }, Session.Attr('expiresAt').lte(new Date(-1500))).build();
    expect(lte.ExpressionAttributeValues).toMatchObject({ ':v0': 'Session', ':v2': -2 });
    const lt = Session.check({ sessionId: 's' }, Session.Attr('expiresAt').lt(new Date(-1500))).build();
    expect(lt.ExpressionAttributeValues).toMatchObject({ ':v0': 'Session', ':v2': -1 });
  });
});

describe('put of a strict schema with managed attributes', () => {
  const Note = defineEntity({
    table: AppTable,
    name: 'Note',
    schema: z.strictObject({ noteId: z.string(), text: z.string() }),
    keys: { primary: { pk: 'NOTE#{noteId}', sk: 'NOTE' } },
    version: 'version',
    timestamps: true,
  });

  it('takes the version it read (the put input type allows it) and checks it', () => {
    const input = Note.put({ noteId: 'n1', text: 'x', version: 3 }).build();
    expect(input.Item).toMatchObject({ noteId: 'n1', text: 'x', version: 4 });
    // The version read was Note's: the stored item must be Note's too (another entity's could hold that number).
    expect(input.ConditionExpression).toBe('#n0 = :v0 AND #n1 = :v1');
    expect(input.ExpressionAttributeNames).toEqual({ '#n0': '_et', '#n1': 'version' });
    expect(input.ExpressionAttributeValues).toEqual({ ':v0': 'Note', ':v1': 3 });
    expect(Note.create({ noteId: 'n1', text: 'x', version: 3 }).build().Item).toMatchObject({ version: 1 });
  });

  it('takes an item as read back (with its timestamps), the read-change-put pattern', () => {
    const read = { noteId: 'n1', text: 'x', version: 3, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-02T00:00:00.000Z' };
    const input = Note.put({ ...read, text: 'y' }).build();
    expect(input.Item).toMatchObject({ noteId: 'n1', text: 'y', version: 4 });
    expect(input.Item!['updatedAt']).not.toBe(read.updatedAt);
  });

  it('still refuses other unknown keys', () => {
    expect(() => Note.put({ noteId: 'n1', text: 'x', other: 1 } as never).build()).toThrow(ValidationError);
  });
});

describe('the TTL attribute next to other Dates (epoch seconds vs ISO strings)', () => {
  const Visit = defineEntity({
    table: AppTable,
    name: 'Visit',
    schema: z.object({ sessionId: z.string(), expiresAt: z.date().optional(), seenAt: z.date().optional(), renewAt: z.date().optional() }),
    keys: { primary: { pk: 'SESSION#{sessionId}', sk: 'SESSION' } },
    ttl: 'expiresAt',
  });
  const key = { sessionId: 's' };

  it('an update copying a Date into the TTL attribute, or the TTL into a Date, is refused before sending', () => {
    for (const build of [
      () => Visit.update(key).set({ expiresAt: Visit.ref('seenAt') }).build(),
      () => Visit.update(key).set({ seenAt: Visit.ref('expiresAt') }).build(),
      () => Visit.update(key).set({ expiresAt: Visit.ref('seenAt').ifNotExists(new Date(0)) }).build(),
    ]) {
      expect(build).toThrow(ExpressionError);
    }
  });

  it('a condition comparing the TTL attribute with another Date attribute is refused (a number and a string are never ordered)', () => {
    for (const c of [
      Visit.Attr('seenAt').gt(Visit.Attr('expiresAt')),
      Visit.Attr('expiresAt').between(Visit.Attr('seenAt'), Visit.Attr('renewAt')),
      Visit.Attr('renewAt').in([Visit.Attr('expiresAt')]),
    ]) {
      expect(() => Visit.check(key, c).build()).toThrow(ExpressionError);
      expect(() => Visit.delete(key).where(c).build()).toThrow(ExpressionError);
    }
    expect(Visit.check(key, Visit.Attr('seenAt').lt(Visit.Attr('renewAt'))).build().ConditionExpression).toBe('#n0 = :v0 AND NOT (#n1 <= :v1) AND #n2 < #n3');
  });

  it('copies between two ISO Dates, or of the TTL onto itself, still work', () => {
    expect(Visit.update(key).set({ renewAt: Visit.ref('seenAt') }).build().UpdateExpression).toContain('#n0 = #n1');
    expect(Visit.update(key).set({ expiresAt: Visit.ref('expiresAt').ifNotExists(new Date(5000)) }).build().ExpressionAttributeValues).toMatchObject({ ':v0': 5 });
  });
});

describe('check() awaited on its own', () => {
  const Gate = defineEntity({
    table: AppTable,
    name: 'Gate',
    schema: z.object({ gateId: z.string(), open: z.boolean() }),
    keys: { primary: { pk: 'GATE#{gateId}', sk: 'GATE' } },
  });

  it('a cancellation for another reason than the condition is a TransactionCanceledError naming the entity', async () => {
    const cancelled = Object.assign(new Error('Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]'), {
      name: 'TransactionCanceledException',
      CancellationReasons: [{ Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }],
    });
    const send = vi.spyOn(client, 'send').mockImplementation(() => Promise.reject(cancelled));
    try {
      const error = await Gate.check({ gateId: 'g' }, Gate.Attr('open').eq(true)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TransactionCanceledError);
      expect((error as TransactionCanceledError).reasons).toEqual([
        { index: 0, entity: 'Gate', key: { pk: 'GATE#g', sk: 'GATE' }, code: 'TransactionConflict', message: 'Transaction is ongoing for the item', item: undefined },
      ]);
      expect((error as TransactionCanceledError).cause).toBe(cancelled);
    } finally {
      send.mockRestore();
    }
  });
});

describe('an index key composed of updatedAt', () => {
  const IndexedTable = defineTable({
    name: 'Indexed',
    client,
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    indexes: { gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } } },
  });
  const Post = defineEntity({
    table: IndexedTable,
    name: 'Post',
    schema: z.object({ postId: z.string(), author: z.string(), title: z.string(), likes: z.number().optional() }),
    keys: { primary: { pk: 'POST#{postId}', sk: 'POST' }, gsi1: { pk: 'AUTHOR#{author}', sk: '{updatedAt}#{title}' } },
    timestamps: true,
  });

  it('an update that does not touch the key says that every update rewrites it, not that the caller changed updatedAt', () => {
    let error: unknown;
    try {
      Post.update({ postId: 'p' }).add({ likes: 1 }).build();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KeyError);
    expect((error as KeyError).attribute).toBe('title');
    expect((error as Error).message).toContain('every update sets updatedAt');
    expect((error as Error).message).not.toContain('changing updatedAt');
    expect(Post.update({ postId: 'p' }).add({ likes: 1 }).set({ title: 'T' }).build().UpdateExpression).toContain('ADD');
  });
});
