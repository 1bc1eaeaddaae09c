/**
 * What `transactWrite` resolves to: for a put or create the item as stored, parsed as reads return
 * it (what the put alone resolves to), for an update the stamps and version it is known to store,
 * for a delete or check nothing; and the same again for a replay under the same token.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidTransactionError, defineEntity, defineTable, transactWrite } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { failure } from '../support/failure.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const AppTable = defineTable({ name: uniqueTableName('tx-written'), client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });

/** Versioned and timestamped, with a transform and a default: the stored item is not the input. */
const Doc = defineEntity({
  table: AppTable,
  name: 'Doc',
  schema: z.object({ docId: z.string(), title: z.string().trim(), tags: z.set(z.string()).optional(), pages: z.number().int().default(1), due: z.date().optional() }),
  keys: { primary: { pk: 'DOC#{docId}', sk: 'DOC' } },
  version: 'version',
  timestamps: true,
});

/** Epoch-second timestamps, no version. */
const Note = defineEntity({
  table: AppTable,
  name: 'Note',
  schema: z.object({ noteId: z.string(), text: z.string() }),
  keys: { primary: { pk: 'NOTE#{noteId}', sk: 'NOTE' } },
  timestamps: { format: 'epochSeconds' },
});

/** Neither timestamps nor a version. */
const Tally = defineEntity({
  table: AppTable,
  name: 'Tally',
  schema: z.object({ tallyId: z.string(), count: z.number().int() }),
  keys: { primary: { pk: 'TALLY#{tallyId}', sk: 'TALLY' } },
});

useTable(AppTable, { clients: [client] });

// Tokens are remembered by the server for 10 minutes: keep ids unique per run.
const RUN = randomBytes(3).toString('hex');
let n = 0;
const id = (label: string): string => `${label}${RUN}-${++n}`;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('what a transaction wrote', () => {
  it('a create and a versioned put resolve to the items as stored, as a read returns them', async () => {
    const [a, b] = [id('d'), id('d')];
    const before = Date.now();
    const create = Doc.create({ docId: a, title: '  Spec  ', tags: new Set(['x']), due: new Date('2026-03-01T10:00:00Z') });
    const written = await transactWrite([create, Tally.put({ tallyId: a, count: 1 })]);
    const created = written.itemOf(create);
    expect(created).toEqual(await Doc.get({ docId: a }));
    expect(created.title).toBe('Spec'); // the transform's output, as stored
    expect(created.pages).toBe(1); // the default
    expect(created.version).toBe(1);
    expect(created.createdAt).toBe(created.updatedAt);
    expect(Date.parse(created.createdAt)).toBeGreaterThanOrEqual(before - 1);
    expect(written.items).toEqual([created, await Tally.get({ tallyId: a })]);

    // A replacement of the item read, at its version: the next version, its creation time kept.
    await pause(5);
    const replace = Doc.put({ ...created, title: 'Spec v2' });
    const again = await transactWrite([replace, Doc.create({ docId: b, title: 'Other' })]);
    const replaced = again.itemOf(replace);
    expect(replaced).toEqual(await Doc.get({ docId: a }));
    expect(replaced.version).toBe(2);
    expect(replaced.createdAt).toBe(created.createdAt);
    expect(replaced.updatedAt > created.updatedAt).toBe(true);
    expect(again.items[1]).toEqual(await Doc.get({ docId: b }));
  });

  it('an update resolves to the stamps it stored and the version it checked + 1; a delete or a check to undefined', async () => {
    const [d, t, x, c] = [id('d'), id('t'), id('x'), id('c')];
    const doc = await Doc.create({ docId: d, title: 'T' });
    await Doc.create({ docId: c, title: 'T' });
    await Tally.put({ tallyId: t, count: 1 });
    await Tally.put({ tallyId: x, count: 1 });
    await pause(5);
    const edit = Doc.update({ docId: d, version: doc.version }).set({ title: 'T2' });
    const count = Tally.update({ tallyId: t }).add({ count: 1 });
    const written = await transactWrite([edit, count, Tally.delete({ tallyId: x }), Doc.check({ docId: c }, Doc.Attr('title').eq('T'))]);
    const stored = await Doc.get({ docId: d });
    expect(written.itemOf(edit)).toEqual({ updatedAt: stored?.updatedAt, version: 2 });
    expect(stored?.version).toBe(2);
    expect(written.itemOf(count)).toEqual({}); // nothing stamped, nothing known
    expect(written.items.slice(2)).toEqual([undefined, undefined]);

    // Without a version to check, the version it stores is the stored one + 1: not known.
    const blind = Doc.update({ docId: d }).set({ title: 'T3' });
    expect((await transactWrite([blind])).itemOf(blind)).toEqual({ updatedAt: (await Doc.get({ docId: d }))?.updatedAt });
    expect((await Doc.get({ docId: d }))?.version).toBe(3);
  });

  it("an upsert's createdAt is the stored item's (not known); a createdAt given with withTimestamps is; epoch timestamps as stored", async () => {
    const [a, b] = [id('n'), id('n')];
    const at = new Date('2025-05-05T05:05:05Z');
    const upsert = Note.update({ noteId: a }).set({ text: 'new' }).upsert();
    const given = Note.update({ noteId: b }).set({ text: 'given' }).upsert().withTimestamps({ createdAt: at, updatedAt: at });
    const written = await transactWrite([upsert, given]);
    const [storedA, storedB] = [await Note.get({ noteId: a }), await Note.get({ noteId: b })];
    expect(written.itemOf(upsert)).toEqual({ updatedAt: storedA?.updatedAt });
    expect(typeof storedA?.updatedAt).toBe('number');
    expect(written.itemOf(given)).toEqual({ createdAt: at.getTime() / 1000, updatedAt: at.getTime() / 1000 });
    expect(storedB).toEqual(expect.objectContaining(written.itemOf(given)));
  });

  it('a replay with the same token resolves to the same items: the same builders, or new ones with the same now', async () => {
    const [d, t] = [id('d'), id('t')];
    await Tally.put({ tallyId: t, count: 1 });
    const create = Doc.create({ docId: d, title: 'Once', tags: new Set(['a']) });
    const bump = Tally.update({ tallyId: t }).add({ count: 1 });
    const edit = Note.update({ noteId: t }).set({ text: 'x' }).upsert();
    const token = id('tok');
    const first = await transactWrite([create, bump, edit], { idempotencyToken: token });
    (first.items[0] as { title: string }).title = 'changed by the caller'; // its own copy
    (first.items[0] as { tags: Set<string> }).tags.add('added by the caller'); // nested values too
    await pause(5);
    const replay = await transactWrite([create, bump, edit], { idempotencyToken: token });
    expect(replay.itemOf(create)).toEqual(await Doc.get({ docId: d }));
    expect(replay.itemOf(create).title).toBe('Once');
    expect(replay.itemOf(create).tags).toEqual(new Set(['a']));
    expect(replay.itemOf(edit)).toEqual(first.itemOf(edit));
    expect((await Tally.get({ tallyId: t }))?.count).toBe(2); // applied once

    // A redelivered message: new builders, the token and the time of the first attempt.
    const message = { token: id('tok'), at: new Date(Date.now() - 30_000) };
    const e = id('d');
    const handle = () => transactWrite([Doc.create({ docId: e, title: 'Queued' }), Note.update({ noteId: e }).set({ text: 'q' }).upsert()], { idempotencyToken: message.token, now: message.at });
    const once = await handle();
    await pause(5);
    const twice = await handle();
    expect(twice.items).toEqual(once.items);
    expect(twice.items[0]).toEqual(await Doc.get({ docId: e }));
    expect(twice.items[0]?.['createdAt']).toBe(message.at.toISOString());
  });

  it('itemOf refuses a builder that was not one of the actions, with the reason', async () => {
    const d = id('d');
    const create = Doc.create({ docId: d, title: 'T' });
    const written = await transactWrite([create]);
    expect(() => written.itemOf(Doc.create({ docId: d, title: 'T' }))).toThrow(InvalidTransactionError);
    const e = await failure(Promise.resolve().then(() => written.itemOf(create.returnItemOnConditionFailure())), InvalidTransactionError);
    expect(e.message).toMatch(/^itemOf: this builder is not one of the transaction's actions; pass the very builder given to transactWrite/);
  });
});
