/**
 * `update(key).withTimestamps({ updatedAt, createdAt })` on DynamoDB Local: a replication, a replay
 * or a correction stores the times it gives instead of the write's, on updates, upserts and in
 * transactions; index keys composed of a timestamp follow the given time; bad values are refused
 * before anything is sent, as `put(...).withTimestamps()` refuses them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ConditionFailedError, KeyError, ValidationError, defineEntity, defineTable, transactWrite } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);

const AppTable = defineTable({
  name: uniqueTableName('upd-stamps'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: {
    byTime: { type: 'global', partitionKey: { name: 'tpk', type: 'S' }, sortKey: { name: 'tsk', type: 'N' } },
    byText: { type: 'global', partitionKey: { name: 'xpk', type: 'S' }, sortKey: { name: 'xsk', type: 'S' } },
  },
});

/** ISO text, the default format. */
const Note = defineEntity({
  table: AppTable,
  name: 'Note',
  schema: z.object({ id: z.string(), text: z.string() }),
  keys: { primary: { pk: 'NOTE#{id}', sk: 'NOTE' } },
  timestamps: true,
});

/** Epoch milliseconds, with one index key of createdAt and one of updatedAt. */
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

/** A text index key holding createdAt next to a composite that changes. */
const Feedy = defineEntity({
  table: AppTable,
  name: 'Feedy',
  schema: z.object({ id: z.string(), feed: z.string() }),
  keys: { primary: { pk: 'FEEDY#{id}', sk: 'F' }, byText: { pk: 'FEEDY', sk: '{createdAt}#{feed}' } },
  timestamps: { format: 'epochMs' },
});

/** Epoch seconds under other stored names. */
const Sec = defineEntity({
  table: AppTable,
  name: 'Sec',
  schema: z.object({ id: z.string(), n: z.number() }),
  keys: { primary: { pk: 'SEC#{id}', sk: 'SEC' } },
  timestamps: { format: 'epochSeconds' },
  storedAs: { createdAt: 'created_at', updatedAt: 'updated_at' },
});

const Plain = defineEntity({
  table: AppTable,
  name: 'Plain',
  schema: z.object({ id: z.string(), text: z.string() }),
  keys: { primary: { pk: 'PLAIN#{id}', sk: 'PLAIN' } },
});

useTable(AppTable);
afterAll(() => client.destroy());

async function stored(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
  return (await doc.send(new GetCommand({ TableName: AppTable.name, Key: { pk, sk } }))).Item;
}

describe('update(key).withTimestamps()', () => {
  it('stores the given updatedAt and leaves createdAt as it was', async () => {
    const first = await Note.put({ id: 'n1', text: 'a' });
    const at = new Date('2030-01-02T03:04:05.678Z');
    const after = await Note.update({ id: 'n1' }).set({ text: 'b' }).withTimestamps({ updatedAt: at }).returning('ALL_NEW');
    expect(after).toEqual({ id: 'n1', text: 'b', createdAt: first.createdAt, updatedAt: '2030-01-02T03:04:05.678Z' });
    expect(await stored('NOTE#n1', 'NOTE')).toMatchObject({ text: 'b', createdAt: first.createdAt, updatedAt: '2030-01-02T03:04:05.678Z' });
    // ISO text as toISOString() writes it is taken as it is.
    await Note.update({ id: 'n1' }).set({ text: 'c' }).withTimestamps({ updatedAt: '2031-01-01T00:00:00.000Z' });
    expect((await Note.get({ id: 'n1' }))?.updatedAt).toBe('2031-01-01T00:00:00.000Z');
  });

  it('an update without it still stamps its own time', async () => {
    await Note.put({ id: 'n2', text: 'a' });
    await Note.update({ id: 'n2' }).set({ text: 'b' }).withTimestamps({ updatedAt: '2000-01-01T00:00:00.000Z' });
    const before = Date.now();
    await Note.update({ id: 'n2' }).set({ text: 'c' });
    expect(Date.parse((await Note.get({ id: 'n2' }))!.updatedAt)).toBeGreaterThanOrEqual(before - 1);
  });

  it('rebuilds the index keys composed of the given times (epoch milliseconds)', async () => {
    await Event.put({ id: 'e1', feed: 'f' });
    const item = await Event.update({ id: 'e1' }).set({ note: 'n' }).withTimestamps({ updatedAt: 1_800_000_000_000 }).returning('ALL_NEW');
    expect(item.updatedAt).toBe(1_800_000_000_000);
    expect((await stored('EV#e1', 'EV'))?.['xsk']).toBe(`AT#${String(1_800_000_000_000).padStart(16, '0')}#e1`);
    expect((await Event.query('byText', Event.Key('feed').eq('f')).all()).map((e) => e.id)).toContain('e1');
  });

  it('a key holding createdAt can be rebuilt when the update gives the createdAt it read', async () => {
    const first = await Feedy.put({ id: 'y1', feed: 'a' });
    // Changing feed rewrites byText's sort key, which needs createdAt: refused without it.
    expect(() => Feedy.update({ id: 'y1' }).set({ feed: 'b' }).build()).toThrow(KeyError);
    expect(() => Feedy.update({ id: 'y1' }).set({ feed: 'b' }).build()).toThrow(/withTimestamps\(\{ createdAt \}\) on this update/);
    await Feedy.update({ id: 'y1' }).set({ feed: 'b' }).withTimestamps({ createdAt: first.createdAt });
    const key = `${String(first.createdAt).padStart(16, '0')}#b`;
    expect(await stored('FEEDY#y1', 'F')).toMatchObject({ feed: 'b', xsk: key, createdAt: first.createdAt });
    const found = await Feedy.query('byText', Feedy.Key('createdAt').eq(first.createdAt).and(Feedy.Key('feed').eq('b'))).all();
    expect(found.map((e) => e.id)).toEqual(['y1']);
  });

  it('an upsert that creates the item stores both given times; on a stored item it keeps createdAt unless given', async () => {
    const created = await Sec.update({ id: 's1' })
      .set({ n: 1 })
      .upsert()
      .withTimestamps({ createdAt: 1_600_000_000, updatedAt: new Date(1_650_000_000_000) })
      .returning('ALL_NEW');
    expect(created).toEqual({ id: 's1', n: 1, createdAt: 1_600_000_000, updatedAt: 1_650_000_000 });
    expect(await stored('SEC#s1', 'SEC')).toMatchObject({ created_at: 1_600_000_000, updated_at: 1_650_000_000 });
    const again = await Sec.update({ id: 's1' }).set({ n: 2 }).upsert().withTimestamps({ updatedAt: 1_700_000_000 }).returning('ALL_NEW');
    expect(again).toEqual({ id: 's1', n: 2, createdAt: 1_600_000_000, updatedAt: 1_700_000_000 });
    // A given createdAt is stored on a stored item too (a correction says what to store).
    const fixed = await Sec.update({ id: 's1' }).set({ n: 3 }).upsert().withTimestamps({ createdAt: 1_500_000_000 }).returning('ALL_NEW');
    expect(fixed.createdAt).toBe(1_500_000_000);
    expect(fixed.updatedAt).toBeGreaterThan(1_700_000_000);
  });

  it('an upsert that creates the item with only updatedAt given was created at that time', async () => {
    // Replaying a change: the given updatedAt is the time of the write, so of the creation too.
    const item = await Note.update({ id: 'r1' }).set({ text: 'a' }).upsert().withTimestamps({ updatedAt: '2015-05-05T05:05:05.005Z' }).returning('ALL_NEW');
    expect(item).toEqual({ id: 'r1', text: 'a', createdAt: '2015-05-05T05:05:05.005Z', updatedAt: '2015-05-05T05:05:05.005Z' });
    const next = await Note.update({ id: 'r1' }).set({ text: 'b' }).upsert().withTimestamps({ updatedAt: '2016-06-06T06:06:06.006Z' }).returning('ALL_NEW');
    expect(next).toEqual({ id: 'r1', text: 'b', createdAt: '2015-05-05T05:05:05.005Z', updatedAt: '2016-06-06T06:06:06.006Z' });
  });

  it('works in a transaction, with the rest of the transaction', async () => {
    await Note.put({ id: 'n3', text: 'a' });
    await transactWrite([
      Note.update({ id: 'n3' }).set({ text: 'tx' }).withTimestamps({ updatedAt: '2029-05-06T07:08:09.010Z' }),
      Note.put({ id: 'n4', text: 'new' }).withTimestamps({ createdAt: '2029-01-01T00:00:00.000Z', updatedAt: '2029-05-06T07:08:09.010Z' }),
    ]);
    expect((await Note.get({ id: 'n3' }))).toMatchObject({ text: 'tx', updatedAt: '2029-05-06T07:08:09.010Z' });
    expect((await Note.get({ id: 'n4' }))).toMatchObject({ createdAt: '2029-01-01T00:00:00.000Z', updatedAt: '2029-05-06T07:08:09.010Z' });
  });

  it('the update keeps its guards: a missing item is still a ConditionFailedError', async () => {
    await expect(Note.update({ id: 'missing' }).set({ text: 'x' }).withTimestamps({ updatedAt: new Date() }).send()).rejects.toThrow(ConditionFailedError);
    expect(await stored('NOTE#missing', 'NOTE')).toBeUndefined();
  });

  it('refuses bad times before sending, and changes nothing', async () => {
    const first = await Note.put({ id: 'n5', text: 'a' });
    const bad: [string, () => unknown][] = [
      ['a date without its time', () => Note.update({ id: 'n5' }).set({ text: 'x' }).withTimestamps({ updatedAt: '2030-01-01' }).build()],
      ['an undefined value', () => Note.update({ id: 'n5' }).set({ text: 'x' }).withTimestamps({ updatedAt: undefined as unknown as string }).build()],
      ['a name that is no timestamp', () => Note.update({ id: 'n5' }).set({ text: 'x' }).withTimestamps({ updatedAtt: new Date() } as never).build()],
      ['epoch seconds for milliseconds', () => Event.update({ id: 'e1' }).set({ note: 'x' }).withTimestamps({ updatedAt: 1_800_000_000 }).build()],
      ['an invalid Date', () => Note.update({ id: 'n5' }).set({ text: 'x' }).withTimestamps({ updatedAt: new Date(Number.NaN) }).build()],
      [
        'updatedAt before the createdAt written with it',
        () => Note.update({ id: 'n5' }).set({ text: 'x' }).withTimestamps({ createdAt: '2030-01-01T00:00:00.000Z', updatedAt: '2020-01-01T00:00:00.000Z' }).build(),
      ],
      ['an entity without timestamps', () => Plain.update({ id: 'p1' }).set({ text: 'x' }).withTimestamps({ updatedAt: new Date() } as never).build()],
    ];
    for (const [why, build] of bad) expect(build, why).toThrow(ValidationError);
    const e = (() => {
      try {
        Note.update({ id: 'n5' }).set({ text: 'x' }).withTimestamps({ updatedAt: '2030-01-01' }).build();
      } catch (err) {
        return err as ValidationError;
      }
      return undefined;
    })();
    expect(e?.message).toMatch(/Note/);
    expect(e?.issues[0]?.path).toBe('updatedAt');
    await expect(Note.update({ id: 'n5' }).set({ text: 'x' }).withTimestamps({ updatedAt: '2030-01-01' }).send()).rejects.toThrow(ValidationError);
    expect(await Note.get({ id: 'n5' })).toEqual(first);
  });

  it('a plain update giving only updatedAt does not compare it with the stored createdAt', async () => {
    // The stored createdAt is not known to the update; the caller's time is stored as given.
    const first = await Note.put({ id: 'n6', text: 'a' });
    await Note.update({ id: 'n6' }).set({ text: 'b' }).withTimestamps({ updatedAt: '2001-01-01T00:00:00.000Z' });
    expect(await Note.get({ id: 'n6' })).toEqual({ id: 'n6', text: 'b', createdAt: first.createdAt, updatedAt: '2001-01-01T00:00:00.000Z' });
  });
});
