/**
 * hydrate() against DynamoDB Local: an entity query (or scan) of a KEYS_ONLY or INCLUDE global
 * index reads the index's keys, then the items by BatchGetItem. Task and Note entries interleave
 * in one index partition (even seq: Task, odd: Note), so every index page holds entries that are
 * not the queried entity's. Faults come from a middleware on the real client: a delete between
 * the two reads, UnprocessedKeys (test/support/faults.ts), an abort after the index read.
 */
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { CreateTableCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { BatchGetError, ExpressionError, ItemParseError, type EntityItem } from '../../src/index.js';
import { hydrateHarness } from '../fixtures/hydrate-harness.js';
import { failure } from '../support/failure.js';
import { injectFaults } from '../support/faults.js';

const { Table, Task, Note, client, counter, cleanClient, clean, tableName, commands, hooks } = hydrateHarness('query-hydrate');
type Task = EntityItem<typeof Task>;

const N = 30;
const seq = (i: number) => `s${String(i).padStart(2, '0')}`;
const task = (i: number) => ({ taskId: `t${i}`, team: 'a', seq: seq(i), title: `Task ${i}`, status: i % 4 === 0 ? ('open' as const) : ('done' as const), notes: `n${i}` });
const taskIds = Array.from({ length: N }, (_, i) => i).filter((i) => i % 2 === 0);

beforeAll(async () => {
  // Not Table.create(): it turns TTL on, and DynamoDB Local would delete the expired item at a time of its choosing.
  await cleanClient.send(new CreateTableCommand(Table.createTableInput()));
  for (let i = 0; i < N; i++) {
    if (i % 2 === 0) await Task.put(task(i));
    else await Note.put({ noteId: `n${i}`, team: 'a', seq: seq(i), text: `Note ${i}`, status: 'open' });
  }
});

describe('hydrate(): index keys, then items', () => {
  it("returns only the queried entity's items, whole and parsed, in the index's order (and reversed)", async () => {
    const tasks = await Task.query('byTeam', Task.Key('team').eq('a')).hydrate().all();
    expectTypeOf(tasks).toEqualTypeOf<Task[]>();
    expect(tasks.map((t) => t.taskId)).toEqual(taskIds.map((i) => `t${i}`));
    expect(tasks[1]).toEqual(task(2));
    expect(commands()).toEqual(['Query', 'BatchGetItem']);
    const query = counter.calls[0]!.body as { ProjectionExpression: string; ExpressionAttributeNames: Record<string, string> };
    expect(query.ProjectionExpression.split(', ').map((p) => query.ExpressionAttributeNames[p]).sort()).toEqual(['pk', 'sk', 'tpk', 'tsk']);
    const reversed = await Task.query('byTeam', Task.Key('team').eq('a')).hydrate().reverse().all();
    expect(reversed.map((t) => t.taskId)).toEqual(taskIds.map((i) => `t${i}`).reverse());
    const notes = await Note.query('byTeamIncl', Note.Key('team').eq('a').and(Note.Key('seq').beginsWith('s1'))).hydrate().all();
    expect(notes.map((n) => n.noteId)).toEqual(['n11', 'n13', 'n15', 'n17', 'n19']);
  });

  it('limit(n) counts returned items and reads on past other entities; cursors resume as on any query', async () => {
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await Task.query('byTeam', Task.Key('team').eq('a')).hydrate().limit(4).startAfter(cursor);
      pages.push(page.items.map((t) => t.taskId));
      cursor = page.cursor;
    } while (cursor !== undefined && pages.length < 10);
    expect(pages.slice(0, 3).map((p) => p.length)).toEqual([4, 4, 4]);
    expect(pages.flat()).toEqual(taskIds.map((i) => `t${i}`));
    // limit(4) asks the index for 5 entries (the 5th tells whether more follow), 3 of them Tasks:
    // a second index read is needed.
    counter.reset();
    const first = await Task.query('byTeam', Task.Key('team').eq('a')).hydrate().limit(4);
    expect(first.items.map((t) => t.taskId)).toEqual(['t0', 't2', 't4', 't6']);
    expect(commands().filter((c) => c === 'Query').length).toBeGreaterThan(1);
    // Items are fetched only for as many entries as are still owed: 4 (2 Tasks), then 1 (t4); the
    // second index read asks for 4 entries (2 owed, scaled by 5 entries read for 3 Tasks), of which
    // 1 (n5, a Note) and 1 (t6) are fetched; then the entries after the page until one is a Task,
    // to know a cursor leads somewhere: n7 (which the cursor then skips), then t8.
    const indexReads = counter.calls.filter((c) => c.command === 'QueryCommand');
    expect(indexReads.map((c) => (c.body as { Limit?: number }).Limit)).toEqual([5, 4]);
    const keysRead = counter.calls.filter((c) => c.command === 'BatchGetItemCommand').reduce((n, c) => n + c.entries, 0);
    expect(keysRead).toBe(9);
  });

  it('pages() and pageSize: every page is one index page, hydrated', async () => {
    const sizes: number[] = [];
    const ids: string[] = [];
    for await (const page of Task.query('byTeam', Task.Key('team').eq('a')).hydrate().pageSize(6).pages()) {
      sizes.push(page.items.length);
      ids.push(...page.items.map((t) => t.taskId));
    }
    expect(ids).toEqual(taskIds.map((i) => `t${i}`));
    expect(sizes.slice(0, 5)).toEqual([3, 3, 3, 3, 3]);
  });

  it('an item deleted between the index read and the item read is dropped, and limit still fills', async () => {
    await Task.put(task(40)); // seq s40: after every other entry
    let deleted = false;
    hooks.after = async (operation) => {
      if (operation !== 'Query' || deleted) return;
      deleted = true;
      await clean.send(new DeleteCommand({ TableName: tableName, Key: { pk: 'TASK#t2', sk: 'TASK' } }));
    };
    try {
      const page = await Task.query('byTeam', Task.Key('team').eq('a')).hydrate().limit(3);
      expect(deleted).toBe(true);
      expect(page.items.map((t) => t.taskId)).toEqual(['t0', 't4', 't6']);
      expect(page.cursor).toBeDefined();
      const rest = await Task.query('byTeam', Task.Key('team').eq('a')).hydrate().startAfter(page.cursor).all();
      expect(rest[0]!.taskId).toBe('t8');
    } finally {
      hooks.after = undefined;
      await Task.put(task(2));
      await Task.delete({ taskId: 't40' });
    }
  });

  it('UnprocessedKeys of the item reads are resent with backoff', async () => {
    const faults = injectFaults(client, { seed: 7, script: ['partial', 'partial', 'partial'] });
    try {
      const tasks = await Task.query('byTeam', Task.Key('team').eq('a')).hydrate().all();
      expect(tasks.map((t) => t.taskId)).toEqual(taskIds.map((i) => `t${i}`));
      expect(faults.counters.heldBack).toBeGreaterThan(0);
      expect(faults.calls.filter((c) => c.command === 'BatchGetItemCommand').length).toBeGreaterThan(1);
    } finally {
      faults.remove();
    }
  });

  it("keys still unprocessed after batchGet's retry settings fail the read with a BatchGetError", async () => {
    const faults = injectFaults(client, { stuck: (x) => x.item['pk']?.['S'] === 'TASK#t4' });
    try {
      const read = Task.query('byTeam', Task.Key('team').eq('a')).hydrate({ maxAttempts: 2, baseDelayMs: 1 }).limit(5);
      const e = (await read.send().catch((x: unknown) => x)) as BatchGetError;
      expect(e).toBeInstanceOf(BatchGetError);
      expect(e.unprocessedKeys).toEqual([{ table: tableName, key: { pk: 'TASK#t4', sk: 'TASK' } }]);
    } finally {
      faults.remove();
    }
  });

  it('a filter on attributes the index holds runs on the index; on others it fails before sending', async () => {
    const open = await Task.query('byTeamIncl', Task.Key('team').eq('a')).hydrate().filter(Task.Attr('status').eq('open')).all();
    expect(open.map((t) => t.taskId)).toEqual(taskIds.filter((i) => i % 4 === 0).map((i) => `t${i}`));
    // Notes are all 'open': the index returns them, and the item reads drop them.
    const gets = counter.calls.filter((c) => c.command === 'BatchGetItemCommand').reduce((n, c) => n + c.entries, 0);
    expect(gets).toBe(open.length + 15);
    counter.reset();
    const refused = Task.query('byTeamIncl', Task.Key('team').eq('a')).hydrate().filter(Task.Attr('title').eq('Task 2'));
    await expect(refused.all()).rejects.toThrow(ExpressionError);
    await expect(refused.all()).rejects.toThrow(/byTeamIncl holds only .* filters on "title"/);
    expect(counter.calls).toHaveLength(0);
  });

  it('project() applies to the item reads (with the discriminator, TTL and keys), typed as project() is', async () => {
    const tasks = await Task.query('byTeam', Task.Key('team').eq('a')).hydrate().project('title', 'status').limit(3).all();
    expectTypeOf(tasks).toEqualTypeOf<Pick<Task, 'title' | 'status'>[]>();
    expect(tasks).toEqual([
      { title: 'Task 0', status: 'open' },
      { title: 'Task 2', status: 'done' },
      { title: 'Task 4', status: 'open' },
    ]);
    const get = counter.calls.find((c) => c.command === 'BatchGetItemCommand')!.body as {
      RequestItems: Record<string, { ProjectionExpression: string; ExpressionAttributeNames: Record<string, string>; ConsistentRead?: boolean }>;
    };
    const entry = get.RequestItems[tableName]!;
    expect(entry.ProjectionExpression.split(', ').map((p) => entry.ExpressionAttributeNames[p]).sort()).toEqual(['_et', 'expiresAt', 'pk', 'sk', 'status', 'title']);
    expect(entry.ConsistentRead).toBeUndefined();
  });

  it('hydrate({ consistent: true }) makes the item reads strongly consistent', async () => {
    await Task.query('byTeam', Task.Key('team').eq('a')).hydrate({ consistent: true }).limit(1);
    const get = counter.calls.find((c) => c.command === 'BatchGetItemCommand')!.body as { RequestItems: Record<string, { ConsistentRead?: boolean }> };
    expect(get.RequestItems[tableName]!.ConsistentRead).toBe(true);
  });

  it('expired items are dropped after the item read (includeExpired() keeps them); count() counts the items returned', async () => {
    await Task.put({ ...task(50), expiresAt: new Date(Date.now() - 3_600_000) });
    try {
      const q = Task.query('byTeam', Task.Key('team').eq('a')).hydrate();
      expect((await q.all()).map((t) => t.taskId)).not.toContain('t50');
      expect((await q.includeExpired().all()).map((t) => t.taskId)).toContain('t50');
      expect(await q.count()).toBe(taskIds.length);
      expect(await q.includeExpired().count()).toBe(taskIds.length + 1);
      expect(await Note.query('byTeam', Note.Key('team').eq('a')).hydrate().count()).toBe(N - taskIds.length);
    } finally {
      await Task.delete({ taskId: 't50' });
    }
  });

  it('a KEYS_ONLY local index hydrates too; consistent() makes both reads strongly consistent', async () => {
    await Task.put({ ...task(60), taskId: 'x', title: 'b' });
    await Task.put({ ...task(61), taskId: 'x', seq: 's61', title: 'a' }); // replaces: one item, titled 'a'
    await Task.put({ ...task(62), taskId: 'x2', title: 'c' }); // another partition
    try {
      counter.reset();
      const [only] = await Task.query('byTitle', Task.Key('taskId').eq('x')).hydrate().consistent().all();
      expect(only).toMatchObject({ taskId: 'x', title: 'a', seq: 's61' });
      const [query, get] = counter.calls.map((c) => c.body as { ConsistentRead?: boolean; RequestItems?: Record<string, { ConsistentRead?: boolean }> });
      expect(query!.ConsistentRead).toBe(true);
      expect(get!.RequestItems![tableName]!.ConsistentRead).toBe(true);
    } finally {
      await Task.delete({ taskId: 'x' });
      await Task.delete({ taskId: 'x2' });
    }
  });

  it('scans of the index hydrate too, also in segments', async () => {
    const scanned = await Task.scan('byTeam').hydrate().all();
    expect(scanned.map((t) => t.taskId).sort()).toEqual(taskIds.map((i) => `t${i}`).sort());
    const segmented: string[] = [];
    for await (const t of Task.scan('byTeamIncl').hydrate().segments(2)) segmented.push(t.taskId);
    expect(segmented.sort()).toEqual(taskIds.map((i) => `t${i}`).sort());
  });

  it('abortSignal: an abort after the index read stops the item reads', async () => {
    const controller = new AbortController();
    const reason = new Error('stop: the caller gave up');
    hooks.after = (operation) => {
      if (operation === 'Query') controller.abort(reason);
    };
    await expect(Task.query('byTeam', Task.Key('team').eq('a')).hydrate().all({ abortSignal: controller.signal })).rejects.toBe(reason);
    expect(commands()).toEqual(['Query']);
    counter.reset();
    hooks.after = undefined;
    await expect(Task.query('byTeam', Task.Key('team').eq('a')).hydrate().send({ abortSignal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(counter.calls).toHaveLength(0);
  });
});

describe('a stored number JavaScript cannot read back (a decimal beyond 2^53)', () => {
  const TOO_PRECISE = '9007199254740991.5';
  /** Gives the stored item an attribute util-dynamodb cannot read (no schema has it: reading fails before parsing). */
  const spoil = (pk: string, sk: string) =>
    cleanClient.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { pk: { S: pk }, sk: { S: sk } },
        UpdateExpression: 'SET #e = :e',
        ExpressionAttributeNames: { '#e': 'estimate' },
        ExpressionAttributeValues: { ':e': { N: TOO_PRECISE } },
      }),
    );

  const precise = { taskId: 'tp', team: 'precise', seq: 's00', title: 'P', status: 'open' } as const;
  const preciseNote = { noteId: 'np', team: 'precise', seq: 's01', text: 'N', status: 'open' } as const;

  it('the item reads of a hydrated query fail with ItemParseError naming the entity and the attribute', async () => {
    await Task.put(precise);
    await Note.put(preciseNote);
    await spoil('TASK#tp', 'TASK');
    try {
      const e = await failure(Task.query('byTeam', Task.Key('team').eq('precise')).hydrate().all(), ItemParseError);
      expect(e.entity).toBe('Task');
      expect(e.issues.map((i) => i.path)).toEqual(['estimate']);
      expect(e.message).toContain(TOO_PRECISE);
      expect(e.raw['estimate']).toEqual({ N: TOO_PRECISE });
    } finally {
      await Task.delete({ taskId: 'tp' });
      await Note.delete({ noteId: 'np' });
    }
  });

  it('a table-level hydrated query fails the same way, naming the entity the item carries', async () => {
    await Task.put(precise);
    await Note.put(preciseNote);
    await spoil('TASK#tp', 'TASK');
    try {
      const e = await failure(Table.query('byTeam', Table.Key('tpk').eq('TEAM#precise')).hydrate().all(), ItemParseError);
      expect(e.entity).toBe('Task');
      expect(e.issues.map((i) => i.path)).toEqual(['estimate']);
      expect(e.message).toContain(TOO_PRECISE);
    } finally {
      await Task.delete({ taskId: 'tp' });
      await Note.delete({ noteId: 'np' });
    }
  });

  it("an unreadable item of another entity, which a KEYS_ONLY index cannot tell from the query's, is named as that entity's", async () => {
    await Task.put(precise);
    await Note.put(preciseNote);
    await spoil('NOTE#np', 'NOTE');
    try {
      const e = await failure(Task.query('byTeam', Task.Key('team').eq('precise')).hydrate().all(), ItemParseError);
      expect(e.entity).toBe('Note');
      expect(e.issues.map((i) => i.path)).toEqual(['estimate']);
    } finally {
      await Task.delete({ taskId: 'tp' });
      await Note.delete({ noteId: 'np' });
    }
  });
});
