/**
 * Timestamps users ask for, on DynamoDB Local:
 * - `put(...).withTimestamps({ createdAt, updatedAt })`: imports, migrations and restores that keep
 *   each item's times (alone, in a batch, in a transaction), with every given value checked;
 * - `update(key).withTimestamps(...)`: replications and replays that store the times they give, on
 *   updates, upserts and in transactions, with index keys of the stamps rebuilt;
 * - `timestamps: { format: 'epochMs' | 'epochSeconds' }`: whole epoch numbers, kept by every write,
 *   read back, compared in conditions, used as `N` and text keys, parsed from stream records, and
 *   kept apart from the TTL attribute (epoch seconds too).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteError,
  ConditionFailedError,
  ExpressionError,
  KeyError,
  TableDefinitionError,
  ValidationError,
  defineEntity,
  defineTable,
  transactWrite,
} from '../../src/index.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { injectFaults } from '../support/faults.js';
import { asLambdaEvent, readStream } from '../support/stream-records.js';
import { testClient, testDocClient, testEndpoint, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

const AppTable = defineTable({
  name: uniqueTableName('ts60'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: {
    byTime: { type: 'global', partitionKey: { name: 'tpk', type: 'S' }, sortKey: { name: 'tsk', type: 'N' } },
    byText: { type: 'global', partitionKey: { name: 'xpk', type: 'S' }, sortKey: { name: 'xsk', type: 'S' } },
  },
  stream: 'NEW_AND_OLD_IMAGES',
});

/** Epoch milliseconds: an `N` sort key of the raw stamp, and a text key with the stamp inside. */
const Event = defineEntity({
  table: AppTable,
  name: 'Event',
  schema: z.object({ id: z.string(), feed: z.string(), note: z.string().optional() }),
  keys: {
    primary: { pk: 'EV#{id}', sk: 'EV' },
    byTime: { pk: 'FEED#{feed}', sk: '{createdAt}' },
    byText: { pk: 'FEED#{feed}', sk: 'AT#{updatedAt}#{id}' },
  },
  timestamps: { format: 'epochMs' },
});

/** Epoch seconds next to the TTL attribute, which holds epoch seconds too. */
const Session = defineEntity({
  table: AppTable,
  name: 'Session',
  schema: z.object({ id: z.string(), expiresAt: z.date() }),
  keys: { primary: { pk: 'SES#{id}', sk: 'SES' } },
  timestamps: { format: 'epochSeconds' },
  ttl: 'expiresAt',
});

/** ISO timestamps (`true`): imports keep their times. */
const Note = defineEntity({
  table: AppTable,
  name: 'Note',
  schema: z.object({ id: z.string(), text: z.string() }),
  keys: { primary: { pk: 'NOTE#{id}', sk: 'NOTE' } },
  timestamps: true,
});

/** Optimistic locking with epoch timestamps: a put of the item read keeps its createdAt. */
const Doc = defineEntity({
  table: AppTable,
  name: 'Doc',
  schema: z.object({ id: z.string(), body: z.string() }),
  keys: { primary: { pk: 'DOC#{id}', sk: 'DOC' } },
  timestamps: { format: 'epochMs' },
  version: 'v',
});

const Plain = defineEntity({
  table: AppTable,
  name: 'Plain',
  schema: z.object({ id: z.string() }),
  keys: { primary: { pk: 'PLAIN#{id}', sk: 'PLAIN' } },
});

useTable(AppTable);
afterAll(() => client.destroy());

/** The item as stored (DocumentClient form: numbers as numbers). */
async function stored(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
  return (await doc.send(new GetCommand({ TableName: AppTable.name, Key: { pk, sk } }))).Item;
}

describe("timestamps: { format: 'epochMs' }", () => {
  it('put stores whole epoch milliseconds as N, returns and reads them back as numbers', async () => {
    const before = Date.now();
    const put = await Event.put({ id: 'e1', feed: 'f' });
    const after = Date.now();
    expect(typeof put.createdAt).toBe('number');
    expect(put.createdAt).toBe(put.updatedAt);
    expect(put.createdAt).toBeGreaterThanOrEqual(before);
    expect(put.createdAt).toBeLessThanOrEqual(after);
    const raw = await stored('EV#e1', 'EV');
    expect(raw).toMatchObject({ createdAt: put.createdAt, updatedAt: put.updatedAt, tsk: put.createdAt });
    expect(raw?.['xsk']).toBe(`AT#${String(put.updatedAt).padStart(16, '0')}#e1`);
    expect(await Event.get({ id: 'e1' })).toEqual({ id: 'e1', feed: 'f', createdAt: put.createdAt, updatedAt: put.updatedAt });
    expect(await Event.get({ id: 'e1' }).project('createdAt')).toEqual({ createdAt: put.createdAt });
  });

  it('update keeps createdAt and sets a later updatedAt (and the index key built from it)', async () => {
    const first = await Event.put({ id: 'e2', feed: 'f' });
    await pause(5);
    const later = await Event.update({ id: 'e2' }).set({ note: 'n' }).returning('ALL_NEW');
    expect(later.createdAt).toBe(first.createdAt);
    expect(later.updatedAt).toBeGreaterThan(first.updatedAt);
    expect((await stored('EV#e2', 'EV'))?.['xsk']).toBe(`AT#${String(later.updatedAt).padStart(16, '0')}#e2`);
  });

  it('upsert sets createdAt when it creates the item and keeps it afterwards', async () => {
    const created = await Event.update({ id: 'e3' }).set({ feed: 'g' }).upsert().returning('ALL_NEW');
    expect(typeof created.createdAt).toBe('number');
    expect(created.createdAt).toBe(created.updatedAt);
    // the N index key of a created item is built from the createdAt it gets
    expect((await stored('EV#e3', 'EV'))?.['tsk']).toBe(created.createdAt);
    await pause(5);
    const again = await Event.update({ id: 'e3' }).set({ feed: 'g', note: 'x' }).upsert().returning('ALL_NEW');
    expect(again.createdAt).toBe(created.createdAt);
    expect(again.updatedAt).toBeGreaterThan(created.updatedAt);
  });

  it('conditions compare the stored numbers', async () => {
    const e = await Event.put({ id: 'e4', feed: 'f' });
    await Event.update({ id: 'e4' }).set({ note: 'ok' }).where(Event.Attr('createdAt').eq(e.createdAt));
    await expect(Event.update({ id: 'e4' }).set({ note: 'no' }).where(Event.Attr('createdAt').gt(e.createdAt))).rejects.toBeInstanceOf(ConditionFailedError);
    const n = await Event.scan().filter(Event.Attr('createdAt').between(e.createdAt, e.createdAt + 1000)).all();
    expect(n.map((x) => x.id)).toContain('e4');
  });

  it('a Date from untyped code is compared as the stored epoch number (milliseconds or seconds), as at table level', async () => {
    const asDate = (ms: number) => new Date(ms) as never;
    const e = await Event.put({ id: 'e5', feed: 'dates' });
    const events = (after: number) => Event.scan().filter(Event.Attr('feed').eq('dates').and(Event.Attr('createdAt').gt(asDate(after)))).all();
    // It was sent as ISO text, which DynamoDB compares with a stored number as false: no item, silently.
    expect((await events(e.createdAt - 1)).map((x) => x.id)).toEqual(['e5']);
    expect(await events(e.createdAt)).toEqual([]);
    const built = Event.scan().filter(Event.Attr('updatedAt').lte(asDate(1_700_000_000_123))).build();
    expect(Object.values(built.ExpressionAttributeValues ?? {})).toContain(1_700_000_000_123);
    const s = await Session.put({ id: 's5', expiresAt: new Date(Date.now() + 3_600_000) });
    await Session.update({ id: 's5' }).set({ expiresAt: new Date(Date.now() + 7_200_000) }).where(Session.Attr('createdAt').eq(asDate(s.createdAt * 1000 + 999)));
    const secondsBuilt = Session.update({ id: 's5' }).set({ expiresAt: new Date() }).where(Session.Attr('createdAt').lt(asDate(1_600_000_000_999))).build();
    // Epoch seconds: `<` a Date inside a second takes the next whole second (an item stored at
    // 1,600,000,000 reads back as that second's start, before ...000.999).
    expect(Object.values(secondsBuilt.ExpressionAttributeValues ?? {})).toContain(1_600_000_001);
  });

  it('queries ranges of the N key and of the text key holding the stamp', async () => {
    const times = [1_700_000_000_000, 1_700_000_001_000, 1_700_000_002_000];
    for (const [i, t] of times.entries()) await Event.put({ id: `r${i}`, feed: 'range' }).withTimestamps({ createdAt: t, updatedAt: t });
    const feed = Event.Key('feed').eq('range');
    const byN = await Event.query('byTime', feed.and(Event.Key('createdAt').between(times[0]! + 1, times[2]!))).all();
    expect(byN.map((e) => e.id)).toEqual(['r1', 'r2']);
    const byText = await Event.query('byText', feed.and(Event.Key('updatedAt').gt(times[0]!))).all();
    expect(byText.map((e) => e.id)).toEqual(['r1', 'r2']);
    const byTextBuilt = Event.query('byText', feed.and(Event.Key('updatedAt').gt(times[0]!))).build();
    // Fixed-width numbers order like the values: the range is on the key alone, no filter on updatedAt.
    expect(Object.values(byTextBuilt.ExpressionAttributeNames ?? {})).not.toContain('updatedAt');
  });

  it('an update moving the item to another feed keeps its N sort key (createdAt); a put can keep it too', async () => {
    const e = await Event.put({ id: 'e5', feed: 'f' });
    await Event.update({ id: 'e5' }).set({ feed: 'g' });
    const inG = await Event.query('byTime', Event.Key('feed').eq('g').and(Event.Key('createdAt').eq(e.createdAt))).all();
    expect(inG.map((x) => x.id)).toEqual(['e5']);
    const back = await Event.put({ id: 'e5', feed: 'f' }).withTimestamps({ createdAt: e.createdAt });
    expect(back.createdAt).toBe(e.createdAt);
    const inF = await Event.query('byTime', Event.Key('feed').eq('f').and(Event.Key('createdAt').eq(e.createdAt))).all();
    expect(inF.map((x) => x.id)).toEqual(['e5']);
  });

  it('an update that would rebuild a key holding createdAt says how a put keeps it', async () => {
    const Feedy = defineEntity({
      table: AppTable,
      name: 'Feedy',
      schema: z.object({ id: z.string(), feed: z.string() }),
      keys: { primary: { pk: 'FEEDY#{id}', sk: 'F' }, byText: { pk: 'FEEDY', sk: '{createdAt}#{feed}' } },
      timestamps: { format: 'epochMs' },
    });
    const f = await Feedy.put({ id: 'y1', feed: 'a' });
    expect(() => Feedy.update({ id: 'y1' }).set({ feed: 'b' }).build()).toThrow(/put\(item\)\.withTimestamps\(\{ createdAt \}\)/);
    await Feedy.put({ id: 'y1', feed: 'b' }).withTimestamps({ createdAt: f.createdAt });
    expect((await stored('FEEDY#y1', 'F'))?.['xsk']).toBe(`${String(f.createdAt).padStart(16, '0')}#b`);
  });

  it('a versioned put of the item read keeps its epoch createdAt', async () => {
    const first = await Doc.create({ id: 'd1', body: 'a' });
    await pause(5);
    const read = (await Doc.get({ id: 'd1' }))!;
    const second = await Doc.put({ ...read, body: 'b' });
    expect(second.createdAt).toBe(first.createdAt);
    expect(second.updatedAt).toBeGreaterThan(first.updatedAt);
    expect(second.v).toBe(2);
  });
});

describe("timestamps: { format: 'epochSeconds' } next to the TTL attribute", () => {
  it('stores whole seconds; the TTL keeps its own epoch seconds and the item is live', async () => {
    const expiresAt = new Date(Date.now() + 3_600_000);
    const before = Math.floor(Date.now() / 1000);
    const s = await Session.put({ id: 's1', expiresAt });
    expect(Number.isInteger(s.createdAt)).toBe(true);
    expect(s.createdAt).toBeGreaterThanOrEqual(before);
    expect(s.createdAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    const raw = await stored('SES#s1', 'SES');
    expect(raw).toMatchObject({ createdAt: s.createdAt, updatedAt: s.updatedAt, expiresAt: Math.floor(expiresAt.getTime() / 1000) });
    const read = await Session.get({ id: 's1' });
    expect(read?.createdAt).toBe(s.createdAt);
    expect(read?.expiresAt).toEqual(new Date(Math.floor(expiresAt.getTime() / 1000) * 1000));
  });

  it('renamed epoch-seconds timestamps (storedAs) are written, given and read under their stored names', async () => {
    const Renamed = defineEntity({
      table: AppTable,
      name: 'Renamed',
      schema: z.object({ id: z.string() }),
      keys: { primary: { pk: 'REN#{id}', sk: 'R' } },
      timestamps: { format: 'epochSeconds' },
      storedAs: { createdAt: 'created_at', updatedAt: 'updated_at' },
    });
    await Renamed.put({ id: 'r1' }).withTimestamps({ createdAt: 1_600_000_000, updatedAt: new Date(1_600_000_100_999) });
    expect(await stored('REN#r1', 'R')).toMatchObject({ created_at: 1_600_000_000, updated_at: 1_600_000_100 });
    expect(await Renamed.get({ id: 'r1' })).toEqual({ id: 'r1', createdAt: 1_600_000_000, updatedAt: 1_600_000_100 });
    const found = await Renamed.scan().filter(Renamed.Attr('createdAt').eq(1_600_000_000)).all();
    expect(found.map((r) => r.id)).toEqual(['r1']);
  });

  it('the TTL attribute and epoch-seconds timestamps compare (both seconds); epoch milliseconds do not', () => {
    // Typed code cannot compare a Date with a number; untyped code gets the run-time check.
    const untyped = (a: unknown) => a as never;
    const input = Session.update({ id: 's1' }).set({ expiresAt: new Date() }).where(Session.Attr('expiresAt').gt(untyped(Session.Attr('createdAt')))).build();
    expect(input.ConditionExpression).toContain('>');
    const Timed = defineEntity({
      table: AppTable,
      name: 'Timed',
      schema: z.object({ id: z.string(), expiresAt: z.date() }),
      keys: { primary: { pk: 'TIMED#{id}', sk: 'T' } },
      timestamps: { format: 'epochMs' },
      ttl: 'expiresAt',
    });
    expect(() => Timed.update({ id: 't' }).set({ expiresAt: new Date() }).where(Timed.Attr('expiresAt').gt(untyped(Timed.Attr('createdAt')))).build()).toThrow(
      /expiresAt: cannot be compared with createdAt: one stores its time as epoch seconds, the other as epoch milliseconds/,
    );
  });

  it('the TTL attribute (a number) and ISO timestamps (text) do not compare: DynamoDB would find every such condition false', async () => {
    const Lease = defineEntity({
      table: AppTable,
      name: 'Lease',
      schema: z.object({ id: z.string(), expiresAt: z.date() }),
      keys: { primary: { pk: 'LEASE#{id}', sk: 'L' } },
      timestamps: true,
      ttl: 'expiresAt',
    });
    await Lease.put({ id: 'l1', expiresAt: new Date(Date.now() + 3_600_000) });
    const untyped = (a: unknown) => a as never;
    const filter = () => Lease.scan().filter(Lease.Attr('expiresAt').gt(untyped(Lease.Attr('createdAt')))).build();
    expect(filter).toThrow(ExpressionError);
    expect(filter).toThrow(/expiresAt: cannot be compared with createdAt: one stores its time as epoch seconds, the other as ISO-8601 text/);
  });

  it('an unknown format is refused at definition', () => {
    const table = defineTable({ name: uniqueTableName('ts60-format'), client, partitionKey: { name: 'pk', type: 'S' } });
    const define = (timestamps: unknown) => defineEntity({ table, name: 'Odd', schema: z.object({ id: z.string() }), keys: { primary: { pk: 'O#{id}' } }, timestamps: timestamps as never });
    expect(() => define({ format: 'unix' })).toThrow(/timestamps must be true or \{ format: 'iso' \| 'epochMs' \| 'epochSeconds' \}, got \{"format":"unix"\}/);
    expect(() => define('yes')).toThrow(/timestamps must be true/);
  });

  it('an epoch-seconds timestamp stored under the table TTL attribute is refused at definition (DynamoDB would delete every item at once)', () => {
    const table = defineTable({ name: uniqueTableName('ts60-ttl'), client, partitionKey: { name: 'pk', type: 'S' } });
    defineEntity({ table, name: 'Lease', schema: z.object({ id: z.string(), until: z.date() }), keys: { primary: { pk: 'L#{id}' } }, ttl: 'until' });
    const define = (format: 'epochSeconds' | 'epochMs') =>
      defineEntity({ table, name: `Audit${format}`, schema: z.object({ id: z.string() }), keys: { primary: { pk: 'A#{id}' } }, timestamps: { format }, storedAs: { updatedAt: 'until' } });
    expect(() => define('epochSeconds')).toThrow(TableDefinitionError);
    expect(() => define('epochSeconds')).toThrow(/AuditepochSeconds\.updatedAt: is stored as "until", the table's TTL attribute, in epoch seconds/);
    expect(() => define('epochMs')).not.toThrow();
  });
});

describe('withTimestamps(): writes that keep their times', () => {
  const created = '2019-03-04T05:06:07.089Z';
  const updated = '2021-10-11T12:13:14.156Z';

  it('put and create store the given ISO times; the result and a read show them', async () => {
    const put = await Note.put({ id: 'n1', text: 'a' }).withTimestamps({ createdAt: created, updatedAt: updated });
    expect(put).toMatchObject({ createdAt: created, updatedAt: updated });
    expect(await Note.get({ id: 'n1' })).toEqual({ id: 'n1', text: 'a', createdAt: created, updatedAt: updated });
    await Note.create({ id: 'n2', text: 'b' }).withTimestamps({ createdAt: new Date(created) });
    const n2 = await Note.get({ id: 'n2' });
    expect(n2?.createdAt).toBe(created);
    // the one left out is the write's time
    expect(Date.parse(n2!.updatedAt)).toBeGreaterThan(Date.now() - 60_000);
    // a condition and returning() after withTimestamps keep the times
    const guarded = await Note.put({ id: 'n4', text: 'd' }).withTimestamps({ createdAt: created, updatedAt: updated }).where(Note.Attr('id').notExists()).returning('NONE');
    expect(guarded).toMatchObject({ createdAt: created, updatedAt: updated });
    expect((await Note.get({ id: 'n4' }))?.updatedAt).toBe(updated);
    // a later update keeps the imported createdAt
    const later = await Note.update({ id: 'n1' }).set({ text: 'c' }).returning('ALL_NEW');
    expect(later.createdAt).toBe(created);
    expect(later.updatedAt > updated).toBe(true);
  });

  it('a batch import keeps every item its own times (array form and the streaming writer)', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ id: `imp${i}`, text: `t${i}`, createdAt: new Date(Date.UTC(2020, 0, 1 + i)).toISOString(), updatedAt: new Date(Date.UTC(2022, 0, 1 + i)).toISOString() }));
    await AppTable.batchWrite(rows.slice(0, 20).map((r) => Note.put(r).withTimestamps({ createdAt: r.createdAt, updatedAt: r.updatedAt })));
    const writer = AppTable.batchWriter();
    for (const r of rows.slice(20)) writer.put(Note.put(r).withTimestamps({ createdAt: r.createdAt, updatedAt: r.updatedAt }));
    await writer.close();
    const back = await Note.batchGet(rows.map((r) => ({ id: r.id })));
    expect(back).toEqual(rows);
    // Epoch milliseconds too
    await AppTable.batchWrite([Event.put({ id: 'bm', feed: 'f' }).withTimestamps({ createdAt: 1_600_000_000_000, updatedAt: 1_600_000_000_500 })]);
    expect(await Event.get({ id: 'bm' })).toMatchObject({ createdAt: 1_600_000_000_000, updatedAt: 1_600_000_000_500 });
  });

  it('a batch that gives up lists the times a lost write was to keep, so redoing it keeps them', async () => {
    // Same table through a client whose BatchWriteItem never processes the item NOTE#lost.
    const faulty = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 1 });
    injectFaults(faulty, { stuck: (e) => (e.item['pk'] as { S?: string }).S === 'NOTE#lost' });
    const table = defineTable({ name: AppTable.name, client: faulty, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
    const Imported = defineEntity({ table, name: 'Note', schema: z.object({ id: z.string(), text: z.string() }), keys: { primary: { pk: 'NOTE#{id}', sk: 'NOTE' } }, timestamps: true });
    try {
      const error = await table
        .batchWrite([Imported.put({ id: 'kept', text: 'k' }).withTimestamps({ createdAt: created, updatedAt: updated }), Imported.put({ id: 'lost', text: 'l' }).withTimestamps({ createdAt: created })], {
          maxAttempts: 2,
          baseDelayMs: 1,
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BatchWriteError);
      const [lost] = (error as BatchWriteError).unprocessed;
      expect(lost).toMatchObject({ type: 'put', entity: 'Note', item: { id: 'lost', text: 'l' } });
      expect(lost?.type === 'put' ? lost.timestamps?.createdAt : undefined).toBe(created);
      if (lost?.type !== 'put' || lost.timestamps === undefined) throw new Error('no timestamps listed');
      // the redo, through a working client
      await Note.put(lost.item as { id: string; text: string }).withTimestamps(lost.timestamps as { createdAt: string; updatedAt: string });
      expect((await Note.get({ id: 'lost' }))?.createdAt).toBe(created);
      expect((await Note.get({ id: 'kept' }))?.createdAt).toBe(created);
    } finally {
      faulty.destroy();
    }
  });

  it('a transaction stamps its actions with its time (each in its format) and keeps the given times', async () => {
    const now = new Date('2024-06-01T10:20:30.456Z');
    await Session.put({ id: 'tx', expiresAt: new Date(Date.now() + 3_600_000) });
    await transactWrite(
      [
        Event.put({ id: 'tx', feed: 'f' }),
        Session.update({ id: 'tx' }).set({ expiresAt: new Date(Date.now() + 7_200_000) }),
        Note.put({ id: 'tx', text: 't' }).withTimestamps({ createdAt: created }),
        Event.put({ id: 'tx2', feed: 'f' }).withTimestamps({ createdAt: new Date(created), updatedAt: 1_600_000_000_000 }),
      ],
      { now },
    );
    expect(await Event.get({ id: 'tx' })).toMatchObject({ createdAt: now.getTime(), updatedAt: now.getTime() });
    expect((await Session.get({ id: 'tx' }))?.updatedAt).toBe(Math.floor(now.getTime() / 1000));
    expect(await Note.get({ id: 'tx' })).toMatchObject({ createdAt: created, updatedAt: now.toISOString() });
    expect(await Event.get({ id: 'tx2' })).toMatchObject({ createdAt: Date.parse(created), updatedAt: 1_600_000_000_000 });
  });

  it('refuses times that are not the entity\'s format, unknown names, and updatedAt before createdAt; nothing is sent', async () => {
    const untyped = (v: unknown) => v as never;
    const cases: [string, () => { build(): unknown }, RegExp][] = [
      ['seconds for milliseconds', () => Event.put({ id: 'bad', feed: 'f' }).withTimestamps({ createdAt: 1_700_000_000 }), /createdAt: must be epoch milliseconds .* looks like seconds/],
      ['milliseconds for seconds', () => Session.put({ id: 'bad', expiresAt: new Date() }).withTimestamps({ updatedAt: Date.now() }), /updatedAt: must be epoch seconds .* looks like milliseconds/],
      ['a time before 1970', () => Session.put({ id: 'bad', expiresAt: new Date() }).withTimestamps({ createdAt: -5 }), /createdAt: must be a time after 1970 as epoch seconds/],
      ['beyond any Date', () => Event.put({ id: 'bad', feed: 'f' }).withTimestamps({ createdAt: 9e15 }), /createdAt: is beyond the last time a Date holds/],
      ['a fraction', () => Event.put({ id: 'bad', feed: 'f' }).withTimestamps({ createdAt: 1_700_000_000_000.5 }), /must be whole epoch milliseconds/],
      ['a number for ISO', () => Note.put({ id: 'bad', text: 'x' }).withTimestamps({ createdAt: untyped(1_700_000_000_000) }), /must be an ISO-8601 time/],
      ['a date without its time', () => Note.put({ id: 'bad', text: 'x' }).withTimestamps({ createdAt: '2024-06-01' }), /createdAt: must be an ISO-8601 time/],
      ['a day that does not exist', () => Note.put({ id: 'bad', text: 'x' }).withTimestamps({ createdAt: '2023-02-29T00:00:00.000Z' }), /must be an ISO-8601 time/],
      ['another time zone', () => Note.put({ id: 'bad', text: 'x' }).withTimestamps({ createdAt: '2024-06-01T12:00:00.000+02:00' }), /must be an ISO-8601 time/],
      ['an invalid Date', () => Note.put({ id: 'bad', text: 'x' }).withTimestamps({ updatedAt: new Date('nope') }), /updatedAt: is an invalid Date/],
      ['a misspelt name', () => Note.put({ id: 'bad', text: 'x' }).withTimestamps(untyped({ createAt: created })), /createAt: is not a timestamp/],
      ['updatedAt before createdAt', () => Note.put({ id: 'bad', text: 'x' }).withTimestamps({ createdAt: updated, updatedAt: created }), /updatedAt: \(2019-03-04T05:06:07.089Z\) is before createdAt/],
      ['an undefined value (a field read under a wrong name)', () => Note.put({ id: 'bad', text: 'x' }).withTimestamps({ createdAt: untyped(({ created_at: created } as Record<string, unknown>)['createdAt']) }), /createdAt: is undefined: leave it out/],
      ['no object at all', () => Note.put({ id: 'bad', text: 'x' }).withTimestamps(untyped(undefined)), /withTimestamps\(\) takes \{ createdAt\?, updatedAt\? \}, got undefined/],
      ['an entity without timestamps', () => Plain.put({ id: 'bad' }).withTimestamps(untyped({ createdAt: created })), /withTimestamps\(\) needs an entity with timestamps; Plain has none/],
    ];
    for (const [what, make, message] of cases) {
      expect(() => make().build(), what).toThrow(ValidationError);
      expect(() => make().build(), what).toThrow(message);
    }
    await expect(Note.put({ id: 'bad', text: 'x' }).withTimestamps({ createdAt: '2024-06-01' })).rejects.toBeInstanceOf(ValidationError);
    await expect(AppTable.batchWrite([Note.put({ id: 'bad', text: 'x' }).withTimestamps({ createdAt: '2024-06-01' })])).rejects.toThrow(/createdAt: must be an ISO-8601 time/);
    await pause(50);
    expect(await Note.get({ id: 'bad' })).toBeUndefined();
  });

  it('without withTimestamps, times an item carries are still replaced by the write\'s (the normal path is unchanged)', async () => {
    const old = { id: 'n3', text: 'x', createdAt: created, updatedAt: updated };
    const put = await Note.put(old);
    expect(put.createdAt).not.toBe(created);
    expect(put.createdAt).toBe(put.updatedAt);
    expect((await Note.get({ id: 'n3' }))?.createdAt).toBe(put.createdAt);
  });
});

describe('changing the format of an entity that has items', () => {
  /** The same physical table and entity, defined again with another timestamp format. */
  function redefine<F extends 'iso' | 'epochMs' | 'epochSeconds'>(name: 'Note' | 'Event', format: F) {
    const table = defineTable({ name: AppTable.name, client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
    const prefix = name === 'Note' ? 'NOTE' : 'EV';
    const sk = name === 'Note' ? 'NOTE' : 'EV';
    return defineEntity({ table, name, schema: z.object({ id: z.string() }).loose(), keys: { primary: { pk: `${prefix}#{id}`, sk } }, timestamps: { format } });
  }

  it('reads items stamped as ISO text in an epoch format and the reverse (the item type holds); epoch numbers are read as they are', async () => {
    const iso = (await Note.get({ id: 'n1' }))!;
    const ms = await redefine('Note', 'epochMs').get({ id: 'n1' });
    expect(ms).toMatchObject({ createdAt: Date.parse(iso.createdAt), updatedAt: Date.parse(iso.updatedAt) });
    const seconds = await redefine('Note', 'epochSeconds').get({ id: 'n1' });
    expect(seconds).toMatchObject({ createdAt: Math.floor(Date.parse(iso.createdAt) / 1000) });
    const event = (await Event.get({ id: 'e1' }))!;
    const asIso = await redefine('Event', 'iso').get({ id: 'e1' });
    expect(asIso).toMatchObject({ createdAt: new Date(event.createdAt).toISOString(), updatedAt: new Date(event.updatedAt).toISOString() });
    // Between the two epoch units a number is read as it is: a stored number's unit is not known.
    const asSeconds = await redefine('Event', 'epochSeconds').get({ id: 'e1' });
    expect(asSeconds).toMatchObject({ createdAt: event.createdAt });
  });
});

describe('update(key).withTimestamps(): updates and upserts that store the times they are given', () => {
  /** A text index key holding createdAt next to a composite that changes. */
  const Moved = defineEntity({
    table: AppTable,
    name: 'Moved',
    schema: z.object({ id: z.string(), feed: z.string() }),
    keys: { primary: { pk: 'MOVED#{id}', sk: 'M' }, byText: { pk: 'MOVED', sk: '{createdAt}#{feed}' } },
    timestamps: { format: 'epochMs' },
  });
  /** Epoch seconds under other stored names. */
  const Replayed = defineEntity({
    table: AppTable,
    name: 'Replayed',
    schema: z.object({ id: z.string(), n: z.number() }),
    keys: { primary: { pk: 'REP#{id}', sk: 'R' } },
    timestamps: { format: 'epochSeconds' },
    storedAs: { createdAt: 'created_at', updatedAt: 'updated_at' },
  });

  it('stores the given updatedAt and leaves createdAt as it was', async () => {
    const first = await Note.put({ id: 'wn1', text: 'a' });
    const at = new Date('2030-01-02T03:04:05.678Z');
    const after = await Note.update({ id: 'wn1' }).set({ text: 'b' }).withTimestamps({ updatedAt: at }).returning('ALL_NEW');
    expect(after).toEqual({ id: 'wn1', text: 'b', createdAt: first.createdAt, updatedAt: '2030-01-02T03:04:05.678Z' });
    expect(await stored('NOTE#wn1', 'NOTE')).toMatchObject({ text: 'b', createdAt: first.createdAt, updatedAt: '2030-01-02T03:04:05.678Z' });
    // ISO text as toISOString() writes it is taken as it is.
    await Note.update({ id: 'wn1' }).set({ text: 'c' }).withTimestamps({ updatedAt: '2031-01-01T00:00:00.000Z' });
    expect((await Note.get({ id: 'wn1' }))?.updatedAt).toBe('2031-01-01T00:00:00.000Z');
  });

  it('an update without it still stamps its own time', async () => {
    await Note.put({ id: 'wn2', text: 'a' });
    await Note.update({ id: 'wn2' }).set({ text: 'b' }).withTimestamps({ updatedAt: '2000-01-01T00:00:00.000Z' });
    const before = Date.now();
    await Note.update({ id: 'wn2' }).set({ text: 'c' });
    expect(Date.parse((await Note.get({ id: 'wn2' }))!.updatedAt)).toBeGreaterThanOrEqual(before - 1);
  });

  it('rebuilds the index keys composed of the given times (epoch milliseconds)', async () => {
    await Event.put({ id: 'we1', feed: 'wf' });
    const item = await Event.update({ id: 'we1' }).set({ note: 'n' }).withTimestamps({ updatedAt: 1_800_000_000_000 }).returning('ALL_NEW');
    expect(item.updatedAt).toBe(1_800_000_000_000);
    expect((await stored('EV#we1', 'EV'))?.['xsk']).toBe(`AT#${String(1_800_000_000_000).padStart(16, '0')}#we1`);
    expect((await Event.query('byText', Event.Key('feed').eq('wf')).all()).map((e) => e.id)).toContain('we1');
  });

  it('a key holding createdAt can be rebuilt when the update gives the createdAt it read', async () => {
    const first = await Moved.put({ id: 'wy1', feed: 'a' });
    // Changing feed rewrites byText's sort key, which needs createdAt: refused without it.
    expect(() => Moved.update({ id: 'wy1' }).set({ feed: 'b' }).build()).toThrow(KeyError);
    expect(() => Moved.update({ id: 'wy1' }).set({ feed: 'b' }).build()).toThrow(/withTimestamps\(\{ createdAt \}\) on this update/);
    await Moved.update({ id: 'wy1' }).set({ feed: 'b' }).withTimestamps({ createdAt: first.createdAt });
    const key = `${String(first.createdAt).padStart(16, '0')}#b`;
    expect(await stored('MOVED#wy1', 'M')).toMatchObject({ feed: 'b', xsk: key, createdAt: first.createdAt });
    const found = await Moved.query('byText', Moved.Key('createdAt').eq(first.createdAt).and(Moved.Key('feed').eq('b'))).all();
    expect(found.map((e) => e.id)).toEqual(['wy1']);
  });

  it('an upsert that creates the item stores both given times; on a stored item it keeps createdAt unless given', async () => {
    const created = await Replayed.update({ id: 'ws1' })
      .set({ n: 1 })
      .upsert()
      .withTimestamps({ createdAt: 1_600_000_000, updatedAt: new Date(1_650_000_000_000) })
      .returning('ALL_NEW');
    expect(created).toEqual({ id: 'ws1', n: 1, createdAt: 1_600_000_000, updatedAt: 1_650_000_000 });
    expect(await stored('REP#ws1', 'R')).toMatchObject({ created_at: 1_600_000_000, updated_at: 1_650_000_000 });
    const again = await Replayed.update({ id: 'ws1' }).set({ n: 2 }).upsert().withTimestamps({ updatedAt: 1_700_000_000 }).returning('ALL_NEW');
    expect(again).toEqual({ id: 'ws1', n: 2, createdAt: 1_600_000_000, updatedAt: 1_700_000_000 });
    // A given createdAt is stored on a stored item too (a correction says what to store).
    const fixed = await Replayed.update({ id: 'ws1' }).set({ n: 3 }).upsert().withTimestamps({ createdAt: 1_500_000_000 }).returning('ALL_NEW');
    expect(fixed.createdAt).toBe(1_500_000_000);
    expect(fixed.updatedAt).toBeGreaterThan(1_700_000_000);
  });

  it('an upsert that creates the item with only updatedAt given was created at that time', async () => {
    // Replaying a change: the given updatedAt is the time of the write, so of the creation too.
    const item = await Note.update({ id: 'wr1' }).set({ text: 'a' }).upsert().withTimestamps({ updatedAt: '2015-05-05T05:05:05.005Z' }).returning('ALL_NEW');
    expect(item).toEqual({ id: 'wr1', text: 'a', createdAt: '2015-05-05T05:05:05.005Z', updatedAt: '2015-05-05T05:05:05.005Z' });
    const next = await Note.update({ id: 'wr1' }).set({ text: 'b' }).upsert().withTimestamps({ updatedAt: '2016-06-06T06:06:06.006Z' }).returning('ALL_NEW');
    expect(next).toEqual({ id: 'wr1', text: 'b', createdAt: '2015-05-05T05:05:05.005Z', updatedAt: '2016-06-06T06:06:06.006Z' });
  });

  it('works in a transaction, with the rest of the transaction', async () => {
    await Note.put({ id: 'wn3', text: 'a' });
    await transactWrite([
      Note.update({ id: 'wn3' }).set({ text: 'tx' }).withTimestamps({ updatedAt: '2029-05-06T07:08:09.010Z' }),
      Note.put({ id: 'wn4', text: 'new' }).withTimestamps({ createdAt: '2029-01-01T00:00:00.000Z', updatedAt: '2029-05-06T07:08:09.010Z' }),
    ]);
    expect((await Note.get({ id: 'wn3' }))).toMatchObject({ text: 'tx', updatedAt: '2029-05-06T07:08:09.010Z' });
    expect((await Note.get({ id: 'wn4' }))).toMatchObject({ createdAt: '2029-01-01T00:00:00.000Z', updatedAt: '2029-05-06T07:08:09.010Z' });
  });

  it('the update keeps its guards: a missing item is still a ConditionFailedError', async () => {
    await expect(Note.update({ id: 'wmissing' }).set({ text: 'x' }).withTimestamps({ updatedAt: new Date() }).send()).rejects.toThrow(ConditionFailedError);
    expect(await stored('NOTE#wmissing', 'NOTE')).toBeUndefined();
  });

  it('refuses bad times before sending, and changes nothing', async () => {
    const first = await Note.put({ id: 'wn5', text: 'a' });
    const bad: [string, () => unknown][] = [
      ['a date without its time', () => Note.update({ id: 'wn5' }).set({ text: 'x' }).withTimestamps({ updatedAt: '2030-01-01' }).build()],
      ['an undefined value', () => Note.update({ id: 'wn5' }).set({ text: 'x' }).withTimestamps({ updatedAt: undefined as unknown as string }).build()],
      ['a name that is no timestamp', () => Note.update({ id: 'wn5' }).set({ text: 'x' }).withTimestamps({ updatedAtt: new Date() } as never).build()],
      ['epoch seconds for milliseconds', () => Event.update({ id: 'we1' }).set({ note: 'x' }).withTimestamps({ updatedAt: 1_800_000_000 }).build()],
      ['an invalid Date', () => Note.update({ id: 'wn5' }).set({ text: 'x' }).withTimestamps({ updatedAt: new Date(Number.NaN) }).build()],
      [
        'updatedAt before the createdAt written with it',
        () => Note.update({ id: 'wn5' }).set({ text: 'x' }).withTimestamps({ createdAt: '2030-01-01T00:00:00.000Z', updatedAt: '2020-01-01T00:00:00.000Z' }).build(),
      ],
      ['an entity without timestamps', () => Plain.update({ id: 'wp1' }).withTimestamps({ updatedAt: new Date() } as never).build()],
    ];
    for (const [why, build] of bad) expect(build, why).toThrow(ValidationError);
    const e = (() => {
      try {
        Note.update({ id: 'wn5' }).set({ text: 'x' }).withTimestamps({ updatedAt: '2030-01-01' }).build();
      } catch (err) {
        return err as ValidationError;
      }
      return undefined;
    })();
    expect(e?.message).toMatch(/Note/);
    expect(e?.issues[0]?.path).toBe('updatedAt');
    await expect(Note.update({ id: 'wn5' }).set({ text: 'x' }).withTimestamps({ updatedAt: '2030-01-01' }).send()).rejects.toThrow(ValidationError);
    expect(await Note.get({ id: 'wn5' })).toEqual(first);
  });

  it('a plain update giving only updatedAt does not compare it with the stored createdAt', async () => {
    // The stored createdAt is not known to the update; the caller's time is stored as given.
    const first = await Note.put({ id: 'wn6', text: 'a' });
    await Note.update({ id: 'wn6' }).set({ text: 'b' }).withTimestamps({ updatedAt: '2001-01-01T00:00:00.000Z' });
    expect(await Note.get({ id: 'wn6' })).toEqual({ id: 'wn6', text: 'b', createdAt: first.createdAt, updatedAt: '2001-01-01T00:00:00.000Z' });
  });
});

describe('stream records of epoch timestamps', () => {
  let streams: DynamoDBStreamsClient;
  beforeAll(() => {
    streams = new DynamoDBStreamsClient({ ...localClientConfig(testEndpoint()), maxAttempts: 2 });
  });
  afterAll(() => streams.destroy());

  it('parse to the numbers the writes stored', async () => {
    const records = await readStream(client, streams, AppTable.name, 3);
    const { events, errors } = AppTable.parseStreamEvent(asLambdaEvent(records));
    expect(errors).toEqual([]);
    const insert = events.find((e) => e.entity === 'Event' && e.type === 'INSERT' && e.keys['id'] === 'e1');
    const e1 = await Event.get({ id: 'e1' });
    expect(insert?.newItem).toEqual(e1);
    expect(typeof insert?.newItem?.['createdAt']).toBe('number');
    const session = events.find((e) => e.entity === 'Session' && e.keys['id'] === 's1');
    expect(session?.newItem).toEqual(await Session.get({ id: 's1' }));
  }, 30_000);
});
