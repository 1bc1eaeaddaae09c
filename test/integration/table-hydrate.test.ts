/**
 * Table-level hydrate() against DynamoDB Local: a table-level query (or scan) of a KEYS_ONLY or
 * INCLUDE index reads the index's keys, then each row's item by BatchGetItem, parsed by the entity
 * its discriminator names. Task and Note entries interleave in one index partition (a collection:
 * even seq a Task, odd a Note), plus an item of no registered entity ("Ghost"). The table-level
 * read of the ALL index `byTeamAll` (Tasks only) and of the table are the reference for what
 * whole items look like. Faults come from a middleware on the real client (test/support/faults.ts).
 */
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { BatchGetError, ExpressionError, InvalidBatchError, type EntityItem, type StoredItem } from '../../src/index.js';
import { hydrateHarness } from '../fixtures/hydrate-harness.js';
import { injectFaults } from '../support/faults.js';

const { Table, Task, Note, client, counter, cleanClient, clean, tableName, commands, hooks } = hydrateHarness('table-hydrate');
type Task = EntityItem<typeof Task>;
type Note = EntityItem<typeof Note>;

const N = 12;
const seq = (i: number) => `s${String(i).padStart(2, '0')}`;
const task = (i: number): Task => ({ taskId: `t${i}`, team: 'a', seq: seq(i), title: `Task ${i}`, status: i % 4 === 0 ? 'open' : 'done' });
const note = (i: number): Note => ({ noteId: `n${i}`, team: 'a', seq: seq(i), text: `Note ${i}`, status: 'open' });
/** The collection's ids in index order: t0 n1 t2 n3 ... */
const ids = Array.from({ length: N }, (_, i) => (i % 2 === 0 ? `t${i}` : `n${i}`));
const idOf = (item: StoredItem) => String(item['taskId'] ?? item['noteId']);
const keysRead = () => counter.calls.filter((c) => c.command === 'BatchGetItemCommand').reduce((n, c) => n + c.entries, 0);
const teamA = () => Table.query('byTeam', Table.Key('tpk').eq('TEAM#a'));

/** Deletes these items (once) as soon as the first index Query of the test has been answered: their entries were read, their items are gone. */
function deleteAfterIndexRead(...keys: { pk: string; sk: string }[]): { readonly deleted: boolean } {
  const state = { deleted: false };
  hooks.after = async (operation) => {
    if (operation !== 'Query' || state.deleted) return;
    state.deleted = true;
    for (const Key of keys) await clean.send(new DeleteCommand({ TableName: tableName, Key }));
  };
  return state;
}

beforeAll(async () => {
  // Not Table.create(): it turns TTL on, and DynamoDB Local would delete the expired item at a time of its choosing.
  await cleanClient.send(new CreateTableCommand(Table.createTableInput()));
  for (let i = 0; i < N; i++) await (i % 2 === 0 ? Task.put(task(i)) : Note.put(note(i)));
});

describe('table-level hydrate(): index keys, then whole items of every entity', () => {
  it("parses each item by its discriminator's entity, whole, in the index's order (and reversed)", async () => {
    const { items, unknown } = await teamA().hydrate().all();
    expect(items.map(idOf)).toEqual(ids);
    expect(unknown).toEqual([]);
    expect(commands()).toEqual(['Query', 'BatchGetItem']);
    const query = counter.calls[0]!.body as { ProjectionExpression: string; ExpressionAttributeNames: Record<string, string> };
    expect(query.ProjectionExpression.split(', ').map((p) => query.ExpressionAttributeNames[p]).sort()).toEqual(['pk', 'sk', 'tpk', 'tsk']);
    // The same items as a table-level read of whole items gives (the ALL index holds Tasks only).
    const whole = await Table.query('byTeamAll', Table.Key('apk').eq('TEAM#a')).all();
    expect(items.filter((i) => i._et === 'Task')).toEqual(whole.items);
    expect(items[1]).toEqual({ ...note(1), _et: 'Note' });
    const reversed = await teamA().hydrate().reverse().all();
    expect(reversed.items.map(idOf)).toEqual([...ids].reverse());
  });

  it('without hydrate(), the same read returns only the index keys, as unknown items', async () => {
    const keysOnly = await teamA().all();
    expect(keysOnly.items).toEqual([]);
    expect(keysOnly.unknown.length).toBe(N);
    expect(Object.keys(keysOnly.unknown[0]!).sort()).toEqual(['pk', 'sk', 'tpk', 'tsk']);
  });

  it('entities(Task): the union narrows, Notes come back whole in unknown; limit counts both', async () => {
    const page = await teamA().entities(Task).hydrate().limit(4);
    expectTypeOf(page.items).toEqualTypeOf<(Task & { readonly _et: 'Task' })[]>();
    expect(page.items.map((t) => t.taskId)).toEqual(['t0', 't2']);
    expect(page.unknown).toEqual([
      { ...note(1), _et: 'Note', pk: 'NOTE#n1', sk: 'NOTE', tpk: 'TEAM#a', tsk: 's01', ipk: 'TEAM#a', isk: 's01' },
      { ...note(3), _et: 'Note', pk: 'NOTE#n3', sk: 'NOTE', tpk: 'TEAM#a', tsk: 's03', ipk: 'TEAM#a', isk: 's03' },
    ]);
    expect(page.cursor).toBeDefined();
  });

  it('an item of no registered entity comes back whole, in unknown', async () => {
    const ghost = { pk: 'GHOST#g', sk: 'GHOST', _et: 'Ghost', tpk: 'TEAM#g', tsk: 's00', boo: true };
    await clean.send(new PutCommand({ TableName: tableName, Item: ghost }));
    try {
      const { items, unknown } = await Table.query('byTeam', Table.Key('tpk').eq('TEAM#g')).hydrate().all();
      expect(items).toEqual([]);
      expect(unknown).toEqual([ghost]);
    } finally {
      await clean.send(new DeleteCommand({ TableName: tableName, Key: { pk: 'GHOST#g', sk: 'GHOST' } }));
    }
  });

  it('limit(n) and cursors: pages of n items that resume where the last ended, and no cursor after the last item', async () => {
    for (const limit of [1, 3, 5]) {
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await teamA().hydrate().limit(limit).startAfter(cursor);
        pages.push(page.items.map(idOf));
        cursor = page.cursor;
      } while (cursor !== undefined && pages.length < 20);
      expect(pages.flat()).toEqual(ids);
      expect(pages.map((p) => p.length)).toEqual(Array.from({ length: Math.ceil(N / limit) }, (_, i) => Math.min(limit, N - i * limit)));
    }
    // limit(3) asks the index for 4 rows and fetches 3 items, then 1 more to learn that a cursor leads somewhere.
    counter.reset();
    await teamA().hydrate().limit(3);
    expect(keysRead()).toBe(4);
  });

  it('pages(), pageSize and for await: every page is one index page, hydrated', async () => {
    const sizes: number[] = [];
    const seen: string[] = [];
    for await (const page of teamA().hydrate().pageSize(5).pages()) {
      sizes.push(page.items.length);
      seen.push(...page.items.map(idOf));
    }
    expect(seen).toEqual(ids);
    expect(sizes.slice(0, 2)).toEqual([5, 5]);
    const iterated: string[] = [];
    for await (const item of teamA().hydrate().pageSize(4)) iterated.push(idOf(item));
    expect(iterated).toEqual(ids);
  });

  it('an item deleted between the index read and the item read is dropped, and limit still fills; trailing gone items end the read', async () => {
    const gone = deleteAfterIndexRead({ pk: 'NOTE#n1', sk: 'NOTE' });
    try {
      const page = await teamA().hydrate().limit(3);
      expect(gone.deleted).toBe(true);
      expect(page.items.map(idOf)).toEqual(['t0', 't2', 'n3']);
      const rest = await teamA().hydrate().startAfter(page.cursor).all();
      expect(rest.items[0]!._et === 'Task' && rest.items[0]!.taskId).toBe('t4');
    } finally {
      hooks.after = undefined;
      await Note.put(note(1));
    }
    // The last two rows' items deleted after the index read: the page that takes t9's predecessor ends the read.
    deleteAfterIndexRead({ pk: 'TASK#t10', sk: 'TASK' }, { pk: 'NOTE#n11', sk: 'NOTE' });
    try {
      const page = await Table.query('byTeam', Table.Key('tpk').eq('TEAM#a').and(Table.Key('tsk').gte('s08'))).hydrate().limit(2);
      expect(page.items.map(idOf)).toEqual(['t8', 'n9']);
      expect(page.cursor).toBeUndefined();
    } finally {
      hooks.after = undefined;
      await Task.put(task(10));
      await Note.put(note(11));
    }
  });

  it('count() and countPage() count the items found: an index entry whose item is gone is not counted, as it is not returned', async () => {
    // n1 is deleted once the index has been read: its entry was in the index when it was read.
    // Select COUNT of the index (the read without hydrate(), and what a hydrated count used to send) counts it.
    deleteAfterIndexRead({ pk: 'NOTE#n1', sk: 'NOTE' });
    try {
      expect(await teamA().count()).toBe(N);
    } finally {
      hooks.after = undefined;
      await Note.put(note(1));
    }
    const gone = deleteAfterIndexRead({ pk: 'NOTE#n1', sk: 'NOTE' });
    try {
      counter.reset();
      expect(await teamA().hydrate().count()).toBe(N - 1);
      expect(gone.deleted).toBe(true);
      expect((await teamA().hydrate().all()).items).toHaveLength(N - 1);
      // The item reads fetch only what tells an item is there: its keys and discriminator.
      const get = counter.calls.find((c) => c.command === 'BatchGetItemCommand')!.body as {
        RequestItems: Record<string, { ProjectionExpression: string; ExpressionAttributeNames: Record<string, string> }>;
      };
      const entry = get.RequestItems[tableName]!;
      expect(entry.ProjectionExpression.split(', ').map((p) => entry.ExpressionAttributeNames[p]).sort()).toEqual(['_et', 'pk', 'sk']);
    } finally {
      hooks.after = undefined;
      await Note.put(note(1));
    }
    // countPage() with a limit counts as all() pages: t0, t2, n3 (n1 gone), then the rest from its cursor.
    deleteAfterIndexRead({ pk: 'NOTE#n1', sk: 'NOTE' });
    try {
      const first = await teamA().hydrate().limit(3).countPage();
      expect(first).toEqual({ count: 3, cursor: expect.any(String) });
      expect(await teamA().hydrate().startAfter(first.cursor).countPage()).toEqual({ count: N - 4 });
      expect((await teamA().hydrate().startAfter(first.cursor).all()).items.map(idOf)).toEqual(ids.slice(4));
    } finally {
      hooks.after = undefined;
      await Note.put(note(1));
    }
  });

  it('a filter on attributes the index holds runs on the index; on others it fails before sending, naming index and attribute', async () => {
    const open = await Table.query('byTeamIncl', Table.Key('ipk').eq('TEAM#a')).hydrate().filter(Table.Attr('status').eq('open')).all();
    expect(open.items.map(idOf)).toEqual(ids.filter((id) => id.startsWith('n') || Number(id.slice(1)) % 4 === 0));
    counter.reset();
    const refused = Table.query('byTeamIncl', Table.Key('ipk').eq('TEAM#a')).hydrate().filter(Table.Attr('title').eq('Task 2'));
    expect(() => refused.build()).toThrow(ExpressionError);
    await expect(refused.all()).rejects.toThrow(/^table table-hydrate-[^:]+: title: global index byTeamIncl holds only .* this hydrated read filters on "title"/);
    await expect(teamA().hydrate().filter(Table.Attr('status').eq('open')).send()).rejects.toThrow(/global index byTeam holds only .* filters on "status"/);
    expect(counter.calls).toHaveLength(0);
  });

  it('project() applies to the item reads (with the discriminator and the table keys)', async () => {
    const { items } = await teamA().entities(Task, Note).hydrate().project('title', 'text').limit(2).all();
    expect(items).toEqual([
      { _et: 'Task', title: 'Task 0' },
      { _et: 'Note', text: 'Note 1' },
    ]);
    const get = counter.calls.find((c) => c.command === 'BatchGetItemCommand')!.body as {
      RequestItems: Record<string, { ProjectionExpression: string; ExpressionAttributeNames: Record<string, string>; ConsistentRead?: boolean }>;
    };
    const entry = get.RequestItems[tableName]!;
    expect(entry.ProjectionExpression.split(', ').map((p) => entry.ExpressionAttributeNames[p]).sort()).toEqual(['_et', 'pk', 'sk', 'text', 'title']);
    expect(entry.ConsistentRead).toBeUndefined();
  });

  it('hydrate({ consistent: true }) makes the item reads consistent; on a local index, consistent() makes both reads so', async () => {
    await teamA().hydrate({ consistent: true }).limit(1);
    const get = counter.calls.find((c) => c.command === 'BatchGetItemCommand')!.body as { RequestItems: Record<string, { ConsistentRead?: boolean }> };
    expect(get.RequestItems[tableName]!.ConsistentRead).toBe(true);
    counter.reset();
    const { items } = await Table.query('byTitle', Table.Key('pk').eq('TASK#t2')).hydrate().consistent().all();
    expect(items).toEqual([{ ...task(2), _et: 'Task' }]);
    const [query, batch] = counter.calls.map((c) => c.body as { ConsistentRead?: boolean; RequestItems?: Record<string, { ConsistentRead?: boolean }> });
    expect(query!.ConsistentRead).toBe(true);
    expect(batch!.RequestItems![tableName]!.ConsistentRead).toBe(true);
  });

  it('expired items are returned, as by any table-level read', async () => {
    await Task.put({ ...task(50), expiresAt: new Date(Date.now() - 3_600_000) });
    try {
      const { items } = await Table.query('byTeam', Table.Key('tpk').eq('TEAM#a').and(Table.Key('tsk').eq('s50'))).hydrate().all();
      expect(items.map(idOf)).toEqual(['t50']);
      expect((await Table.query('byTeamAll', Table.Key('apk').eq('TEAM#a').and(Table.Key('ask').eq('s50'))).all()).items.map(idOf)).toEqual(['t50']);
    } finally {
      await Task.delete({ taskId: 't50' });
    }
  });

  it('scans of the index hydrate too', async () => {
    const { items } = await Table.scan('byTeamIncl').hydrate().all();
    expect(items.map(idOf).sort()).toEqual([...ids].sort());
    const limited = await Table.scan('byTeam').hydrate().limit(5);
    expect(limited.items.length).toBe(5);
    const rest = await Table.scan('byTeam').hydrate().startAfter(limited.cursor).all();
    expect([...limited.items, ...rest.items].map(idOf).sort()).toEqual([...ids].sort());
  });

  it('UnprocessedKeys are resent with backoff; keys still unprocessed after the retry settings fail with a BatchGetError', async () => {
    const partial = injectFaults(client, { seed: 3, script: ['partial', 'partial', 'partial'] });
    try {
      const { items } = await teamA().hydrate().all();
      expect(items.map(idOf)).toEqual(ids);
      expect(partial.counters.heldBack).toBeGreaterThan(0);
    } finally {
      partial.remove();
    }
    const stuck = injectFaults(client, { stuck: (x) => x.item['pk']?.['S'] === 'NOTE#n3' });
    try {
      const e = (await teamA().hydrate({ maxAttempts: 2, baseDelayMs: 1 }).all().catch((x: unknown) => x)) as BatchGetError;
      expect(e).toBeInstanceOf(BatchGetError);
      expect(e.unprocessedKeys).toEqual([{ table: tableName, key: { pk: 'NOTE#n3', sk: 'NOTE' } }]);
    } finally {
      stuck.remove();
    }
  });

  it('abortSignal: an abort after the index read stops the item reads', async () => {
    const controller = new AbortController();
    const reason = new Error('stop: the caller gave up');
    hooks.after = (operation) => {
      if (operation === 'Query') controller.abort(reason);
    };
    await expect(teamA().hydrate().all({ abortSignal: controller.signal })).rejects.toBe(reason);
    expect(commands()).toEqual(['Query']);
  });

  it('hydrate() on the table or an ALL index, and bad options, are ExpressionErrors before sending', () => {
    expect(() => Table.query(Table.Key('pk').eq('TASK#t0')).hydrate()).toThrow(/^table table-hydrate-[^:]+: hydrate\(\) .* the table holds whole items/);
    expect(() => Table.scan().hydrate()).toThrow(ExpressionError);
    expect(() => Table.query('byTeamAll', Table.Key('apk').eq('TEAM#a')).hydrate()).toThrow(/global index byTeamAll already holds whole items/);
    expect(() => teamA().hydrate({ concurrency: 0 })).toThrow(InvalidBatchError);
    expect(counter.calls).toHaveLength(0);
  });
});
