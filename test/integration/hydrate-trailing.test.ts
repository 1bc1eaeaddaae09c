/**
 * Hydrated reads whose index pages end in entries that return no item (another entity's, gone, or
 * expired), against DynamoDB Local. The index cannot tell these apart from the entity's entries, so
 * a page that fills its `limit` may be followed by nothing the caller gets: such a page must carry
 * no cursor, and a page must still fill its `limit` when more of the entity's items follow.
 *
 * Partitions of the KEYS_ONLY index `byTeam` (T: a Task, N: a Note, sorted by seq):
 *   a: T T N N N N N N N N N N      Tasks first, then a run of Notes longer than any index page here
 *   b: T T N N N N N N N N N N T    the same, then one more Task
 *   c: N N T T                      Notes first (the end, in reverse order)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { hydrateHarness } from '../fixtures/hydrate-harness.js';

const { Table, Task, Note, counter, cleanClient, clean, tableName, hooks } = hydrateHarness('hydrate-trailing');

const seq = (i: number) => `s${String(i).padStart(2, '0')}`;
const putTask = (team: string, i: number, extra: { expiresAt?: Date } = {}) =>
  Task.put({ taskId: `${team}t${i}`, team, seq: seq(i), title: `Task ${i}`, status: 'open', ...extra });
const putNote = (team: string, i: number) => Note.put({ noteId: `${team}n${i}`, team, seq: seq(i), text: `Note ${i}`, status: 'open' });

/** Every page of a read resumed by cursor until none is given (at most 10): each page's task ids. */
async function pagesOf(read: (cursor: string | undefined) => PromiseLike<{ items: { taskId: string }[]; cursor?: string }>): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    pages.push(page.items.map((t) => t.taskId));
    cursor = page.cursor;
  } while (cursor !== undefined && pages.length < 10);
  return pages;
}

beforeAll(async () => {
  await cleanClient.send(new CreateTableCommand(Table.createTableInput()));
  for (const team of ['a', 'b']) {
    await putTask(team, 0);
    await putTask(team, 1);
    for (let i = 2; i < 12; i++) await putNote(team, i);
  }
  await putTask('b', 12);
  await putNote('c', 0);
  await putNote('c', 1);
  await putTask('c', 2);
  await putTask('c', 3);
});

describe('hydrate(): index pages that end in entries returning no item', () => {
  it('a page that takes the last item of the entity has no cursor, however many other entries follow', async () => {
    const page = await Task.query('byTeam', Task.Key('team').eq('a')).hydrate().limit(2);
    expect(page.items.map((t) => t.taskId)).toEqual(['at0', 'at1']);
    expect(page.cursor).toBeUndefined();
    // Also when the index is read in pages smaller than the run of Notes.
    const small = await Task.query('byTeam', Task.Key('team').eq('a')).hydrate().pageSize(3).limit(2);
    expect(small.items.map((t) => t.taskId)).toEqual(['at0', 'at1']);
    expect(small.cursor).toBeUndefined();
    // In reverse, the Notes come last.
    const reversed = await Task.query('byTeam', Task.Key('team').eq('c')).hydrate().reverse().limit(2);
    expect(reversed.items.map((t) => t.taskId)).toEqual(['ct3', 'ct2']);
    expect(reversed.cursor).toBeUndefined();
  });

  it('cursor round trips end on the page with the last item, never on an empty one', async () => {
    for (const limit of [1, 2, 3]) {
      const pages = await pagesOf((cursor) => Task.query('byTeam', Task.Key('team').eq('a')).hydrate().limit(limit).startAfter(cursor));
      expect(pages.flat()).toEqual(['at0', 'at1']);
      expect(pages.every((p) => p.length > 0)).toBe(true);
      expect(pages.length).toBe(Math.ceil(2 / limit));
    }
  });

  it('a limit still fills when more of the entity follow past a run of other entries', async () => {
    const first = await Task.query('byTeam', Task.Key('team').eq('b')).hydrate().limit(2);
    expect(first.items.map((t) => t.taskId)).toEqual(['bt0', 'bt1']);
    expect(first.cursor).toBeDefined();
    const rest = await Task.query('byTeam', Task.Key('team').eq('b')).hydrate().limit(2).startAfter(first.cursor);
    expect(rest.items.map((t) => t.taskId)).toEqual(['bt12']);
    expect(rest.cursor).toBeUndefined();
    const three = await Task.query('byTeam', Task.Key('team').eq('b')).hydrate().pageSize(4).limit(3);
    expect(three.items.map((t) => t.taskId)).toEqual(['bt0', 'bt1', 'bt12']);
    expect(three.cursor).toBeUndefined();
  });

  it("the cursor resumes after the other entries it looked past: the next read does not fetch them again", async () => {
    const first = await Task.query('byTeam', Task.Key('team').eq('b')).hydrate().limit(2);
    counter.reset();
    const rest = await Task.query('byTeam', Task.Key('team').eq('b')).hydrate().startAfter(first.cursor).all();
    expect(rest.map((t) => t.taskId)).toEqual(['bt12']);
    const keysRead = counter.calls.filter((c) => c.command === 'BatchGetItemCommand').reduce((n, c) => n + c.entries, 0);
    expect(keysRead).toBe(1);
  });

  it('trailing items deleted between the index read and the item read, or expired, end the read too', async () => {
    await putTask('d', 0);
    await putTask('d', 1);
    await putTask('d', 2);
    await putTask('d', 3, { expiresAt: new Date(Date.now() - 3_600_000) });
    let deleted = false;
    hooks.after = async (operation) => {
      if (operation !== 'Query' || deleted) return;
      deleted = true;
      await clean.send(new DeleteCommand({ TableName: tableName, Key: { pk: 'TASK#dt2', sk: 'TASK' } }));
    };
    try {
      const page = await Task.query('byTeam', Task.Key('team').eq('d')).hydrate().limit(2);
      expect(deleted).toBe(true);
      expect(page.items.map((t) => t.taskId)).toEqual(['dt0', 'dt1']);
      expect(page.cursor).toBeUndefined();
      const withExpired = await Task.query('byTeam', Task.Key('team').eq('d')).hydrate().includeExpired().limit(2);
      expect(withExpired.items.map((t) => t.taskId)).toEqual(['dt0', 'dt1']);
      expect(withExpired.cursor).toBeDefined();
      const rest = await Task.query('byTeam', Task.Key('team').eq('d')).hydrate().includeExpired().startAfter(withExpired.cursor);
      expect(rest.items.map((t) => t.taskId)).toEqual(['dt3']);
      expect(rest.cursor).toBeUndefined();
    } finally {
      for (const i of [0, 1, 2, 3]) await Task.delete({ taskId: `dt${i}` });
    }
  });

  it('an abort while looking past a full page stops the read', async () => {
    const controller = new AbortController();
    const reason = new Error('stop: the caller gave up');
    hooks.after = (operation) => {
      if (operation === 'BatchGetItem') controller.abort(reason);
    };
    await expect(Task.query('byTeam', Task.Key('team').eq('a')).hydrate().limit(2).send({ abortSignal: controller.signal })).rejects.toBe(reason);
    expect(counter.calls.map((c) => c.command)).toEqual(['QueryCommand', 'BatchGetItemCommand']);
  });

  it('pages() and all() return every item once; a read without limit keeps the index pages', async () => {
    expect((await Task.query('byTeam', Task.Key('team').eq('b')).hydrate().all()).map((t) => t.taskId)).toEqual(['bt0', 'bt1', 'bt12']);
    const limited: string[][] = [];
    for await (const page of Task.query('byTeam', Task.Key('team').eq('b')).hydrate().pageSize(5).limit(3).pages()) limited.push(page.items.map((t) => t.taskId));
    expect(limited.flat()).toEqual(['bt0', 'bt1', 'bt12']);
    const notes = await Note.query('byTeam', Note.Key('team').eq('c')).hydrate().limit(2);
    expect(notes.items.map((n) => n.noteId)).toEqual(['cn0', 'cn1']);
    expect(notes.cursor).toBeUndefined();
  });
});
