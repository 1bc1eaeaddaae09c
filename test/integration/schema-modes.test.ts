/**
 * How reads treat attributes outside the schema, for each zod object mode. Reads of stripping
 * schemas (zod's default) copy only the schema's fields; loose and strict schemas take the path
 * that keeps every attribute except dynakit's own (keys, discriminator, timestamps, version).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { defineEntity, defineTable, ItemParseError } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = DynamoDBDocumentClient.from(client);
const AppTable = defineTable({
  name: uniqueTableName('schema-modes'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
});
const fields = { noteId: z.string(), seenAt: z.date(), tags: z.set(z.string()).optional(), expiresAt: z.date().optional() };
const common = { table: AppTable, keys: { primary: { pk: 'NOTE#{noteId}', sk: 'NOTE' } }, timestamps: true, version: 'version', ttl: 'expiresAt' } as const;
const Stripped = defineEntity({ ...common, name: 'Stripped', schema: z.object(fields) });
const Loose = defineEntity({ ...common, name: 'Loose', schema: z.looseObject(fields) });
const Strict = defineEntity({ ...common, name: 'Strict', schema: z.strictObject(fields) });

const seenAt = new Date('2026-01-02T03:04:05.000Z');
const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 3_600_000);

/** A stored item as written by dynakit, plus one attribute written by another tool. */
async function seed(entity: string, noteId: string): Promise<void> {
  await doc.send(
    new PutCommand({
      TableName: AppTable.name,
      Item: {
        pk: `NOTE#${noteId}`,
        sk: 'NOTE',
        _et: entity,
        noteId,
        seenAt: seenAt.toISOString(),
        tags: new Set(['a', 'b']),
        expiresAt: expiresAt.getTime() / 1000,
        version: 3,
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
        legacyFlag: true,
      },
    }),
  );
}

useTable(AppTable, { clients: [client] });

beforeAll(async () => {
  await Promise.all([seed('Stripped', 's1'), seed('Loose', 'l1'), seed('Strict', 't1'), Strict.put({ noteId: 't2', seenAt })]);
});

const managed = { version: 3, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };

describe('reading attributes outside the schema', () => {
  it('a stripping schema drops them and revives its own fields (Date, Set, TTL)', async () => {
    const item = await Stripped.get({ noteId: 's1' });
    expect(item).toEqual({ noteId: 's1', seenAt, tags: new Set(['a', 'b']), expiresAt, ...managed });
  });

  it('a loose schema keeps them, but never dynakit’s keys or discriminator', async () => {
    const item = await Loose.get({ noteId: 'l1' });
    expect(item).toEqual({ noteId: 'l1', seenAt, tags: new Set(['a', 'b']), expiresAt, legacyFlag: true, ...managed });
  });

  it('a strict schema reports them as a parse error naming the attribute', async () => {
    const err = await Strict.get({ noteId: 't1' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ItemParseError);
    expect(String((err as Error).message)).toMatch(/legacyFlag/);
  });

  it('a strict schema reads items that hold only its fields and dynakit’s managed attributes', async () => {
    const item = await Strict.get({ noteId: 't2' });
    expect(item).toMatchObject({ noteId: 't2', seenAt, version: 1 });
    expect(typeof item?.createdAt).toBe('string');
  });

  it('the same holds for query results', async () => {
    const [s] = (await Stripped.query('primary', Stripped.Key('noteId').eq('s1'))).items;
    const [l] = (await Loose.query('primary', Loose.Key('noteId').eq('l1'))).items;
    expect(s).toEqual({ noteId: 's1', seenAt, tags: new Set(['a', 'b']), expiresAt, ...managed });
    expect(l).toMatchObject({ legacyFlag: true, seenAt, expiresAt });
    expect(l).not.toHaveProperty('pk');
    expect(l).not.toHaveProperty('_et');
  });

  it('a projection keeps only what it names, also for loose and strict schemas (not the TTL a get reads for itself)', async () => {
    for (const [entity, noteId] of [[Stripped, 's1'], [Loose, 'l1']] as const) {
      expect(await entity.get({ noteId }).project('seenAt')).toEqual({ seenAt });
      expect(await entity.get({ noteId }).project('tags', 'version')).toEqual({ tags: new Set(['a', 'b']), version: 3 });
      expect((await entity.query('primary', entity.Key('noteId').eq(noteId)).project('seenAt').all())).toEqual([{ seenAt }]);
    }
    expect(await Strict.get({ noteId: 't2' }).project('seenAt')).toEqual({ seenAt });
  });
});

