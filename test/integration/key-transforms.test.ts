/**
 * Key composites whose schema transforms the value, on a real DynamoDB Local. Keys are built from
 * the parsed (output) value, so the key's kind comes from the schema's output side: a string
 * parsed into a number makes a padded number key that sorts and queries as a number.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KeyError, defineEntity, defineTable } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const Table = defineTable({ name: uniqueTableName('key-transforms'), client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });

/** `code` arrives as text ("7") and is kept as a number: its key must be a number key. */
const Part = defineEntity({
  table: Table,
  name: 'Part',
  schema: z.object({
    shelf: z.string().transform((s) => s.trim().toLowerCase()),
    code: z.string().transform(Number).pipe(z.number().int()),
    label: z.string(),
  }),
  keys: { primary: { pk: 'SHELF#{shelf}', sk: 'CODE#{code}' } },
});

/** A transform that changes the type with no schema after it: dynakit cannot know the key's type. */
const Loose = defineEntity({
  table: Table,
  name: 'Loose',
  schema: z.object({ id: z.string().transform(Number), label: z.string() }),
  keys: { primary: { pk: 'LOOSE#{id}', sk: 'L' } },
});

/** Composites normalised by type-keeping transforms (`trim`, `toLowerCase`), on both keys. */
const Member = defineEntity({
  table: Table,
  name: 'Member',
  schema: z.object({ team: z.string().trim().toLowerCase(), email: z.string().trim().toLowerCase(), name: z.string() }),
  keys: { primary: { pk: 'TEAM#{team}', sk: 'MEMBER#{email}' } },
});

useTable(Table, { clients: [client] });

describe('key composites with transforms', () => {
  it('a transform piped into a number schema makes number keys that sort and query as numbers', async () => {
    for (const code of ['7', '10', '100', '-3']) await Part.put({ shelf: ' A1 ', code, label: `part ${code}` });
    expect(await Part.get({ shelf: 'a1', code: 10 })).toEqual({ shelf: 'a1', code: 10, label: 'part 10' });
    const between = await Part.query('primary', Part.Key('shelf').eq('a1').and(Part.Key('code').between(5, 50))).all();
    expect(between.map((p) => p.code)).toEqual([7, 10]);
    const all = await Part.query('primary', Part.Key('shelf').eq('a1')).all();
    expect(all.map((p) => p.code)).toEqual([-3, 7, 10, 100]);
    // Keys of updates and deletes take the model value too.
    expect(await Part.update({ shelf: 'a1', code: 100 }).set({ label: 'renamed' }).returning('ALL_NEW')).toMatchObject({ code: 100, label: 'renamed' });
    await Part.delete({ shelf: 'a1', code: -3 });
    expect(await Part.get({ shelf: 'a1', code: -3 })).toBeUndefined();
  });

  it('a bare transform that changes the type fails with a KeyError saying how to fix the schema', async () => {
    const e = await Loose.put({ id: '7', label: 'x' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(KeyError);
    expect((e as KeyError).message).toMatch(/id must be a string, got number.*\.pipe\(z\.number\(\)\)/);
  });

  it('a query eq() parses its value as get() parses a key: trim/toLowerCase apply, so it finds what was written', async () => {
    await Member.put({ team: ' Core ', email: 'Ada@Example.com', name: 'Ada' });
    expect(await Member.get({ team: 'CORE', email: ' ada@example.COM ' })).toMatchObject({ name: 'Ada' });
    const byEq = await Member.query('primary', Member.Key('team').eq(' CORE ').and(Member.Key('email').eq('ADA@example.com'))).all();
    expect(byEq.map((m) => m.name)).toEqual(['Ada']);
    // Range and prefix values are parts of a composite, taken as given (documented).
    const prefix = await Member.query('primary', Member.Key('team').eq('Core').and(Member.Key('email').beginsWith('ada'))).all();
    expect(prefix.map((m) => m.name)).toEqual(['Ada']);
    expect(await Member.query('primary', Member.Key('team').eq('core').and(Member.Key('email').beginsWith('ADA'))).all()).toEqual([]);
  });
});
