/**
 * Pagination against DynamoDB Local with real 1 MB pages: posts of 100-200 KB (30 of them, ~4.5 MB,
 * interleaved with 60 KB notes of another entity) make a partition span several DynamoDB pages.
 *
 * Checked: pages() follows DynamoDB's pages; resuming from the cursor of every page boundary (also
 * in reverse) gives exactly the remaining items; `limit` counts items after the filter and across
 * pages, and when it stops inside a DynamoDB page the cursor points at the last item returned;
 * `pageSize` is DynamoDB's Limit; `count()`; cursors that are truncated, tampered with or from
 * another index/table throw InvalidCursorError before any request; a 3,000-item partition is read
 * one bounded page (and one request) at a time.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { defineEntity, defineTable, InvalidCursorError, type Page } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);

/** Every request the client sends: command name and input. */
function recordRequests(c: DynamoDBClient): { command: string; input: Record<string, unknown> }[] {
  const log: { command: string; input: Record<string, unknown> }[] = [];
  c.middlewareStack.add(
    (next, context) => async (args) => {
      log.push({ command: String(context.commandName), input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: 'initialize', name: 'recordRequests' },
  );
  return log;
}
const requests = recordRequests(client);

const Forum = defineTable({
  name: uniqueTableName('qpage'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: {
    gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } },
  },
});

const Post = defineEntity({
  table: Forum,
  name: 'Post',
  schema: z.object({ threadId: z.string(), seq: z.number().int(), kind: z.enum(['a', 'b', 'c']), body: z.string() }),
  keys: {
    primary: { pk: 'THREAD#{threadId}', sk: 'POST#{seq}' },
    gsi1: { pk: 'KIND#{kind}', sk: 'POST#{threadId}#{seq}' },
  },
});

/** Another entity in the same partition whose keys sort between the posts (POST#<seq>#NOTE). */
const Note = defineEntity({
  table: Forum,
  name: 'Note',
  schema: z.object({ threadId: z.string(), seq: z.number().int(), text: z.string() }),
  keys: { primary: { pk: 'THREAD#{threadId}', sk: 'POST#{seq}#NOTE' } },
});

const { Key, Attr } = Post;
const POSTS = 30;
const kindOf = (seq: number) => (['a', 'b', 'c'] as const)[((seq % 3) + 3) % 3]!;
const sizeOf = (seq: number) => 100_000 + ((seq * 37_813) % 100_000);
const SEQS = Array.from({ length: POSTS }, (_, i) => i - 5); // -5 .. 24: negatives sort first too
const NOTE_SEQS = SEQS.filter((s) => kindOf(s) === 'b');
const thread = () => Post.query('primary', Key('threadId').eq('big'));
const seqs = (items: readonly { seq: number }[]) => items.map((i) => i.seq);

/** Walks pages() and returns them; checks that every page but the last carries a cursor. */
async function walk<T>(pages: AsyncIterable<Page<T>>): Promise<Page<T>[]> {
  const out: Page<T>[] = [];
  for await (const p of pages) out.push(p);
  out.slice(0, -1).forEach((p, i) => expect(p.cursor, `page ${i} cursor`).toBeTypeOf('string'));
  expect(out.at(-1)?.cursor).toBeUndefined();
  return out;
}

const MANY = 3000;

useTable(Forum, { clients: [client] });

beforeAll(async () => {
  await Promise.all(SEQS.map((seq) => Post.put({ threadId: 'big', seq, kind: kindOf(seq), body: 'x'.repeat(sizeOf(seq)) })));
  await Promise.all(NOTE_SEQS.map((seq) => Note.put({ threadId: 'big', seq, text: 'n'.repeat(60_000) })));
  // 3,000 small posts, written with the plain SDK in parallel BatchWrites (stored form from the model).
  const rows = Array.from({ length: MANY }, (_, seq) =>
    Post.model.storedItem(Post.model.validate({ threadId: 'many', seq, kind: kindOf(seq), body: `post ${seq}` }), undefined).item,
  );
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < rows.length; i += 25) batches.push(rows.slice(i, i + 25));
  for (let i = 0; i < batches.length; i += 8) {
    await Promise.all(
      batches.slice(i, i + 8).map((b) => doc.send(new BatchWriteCommand({ RequestItems: { [Forum.name]: b.map((Item) => ({ PutRequest: { Item } })) } }))),
    );
  }
}, 60_000);

describe('pages of 1 MB', () => {
  it('pages() follows DynamoDB pages: several pages, in key order, each post once', async () => {
    const before = requests.length;
    const pages = await walk(thread().pages());
    expect(pages.length).toBeGreaterThanOrEqual(4);
    expect(requests.length - before).toBe(pages.length);
    for (const p of pages) {
      // a 1 MB page holds at most ~10 items of >= 100 KB
      expect(p.items.length).toBeLessThanOrEqual(11);
      expect(p.items.reduce((n, i) => n + i.body.length, 0)).toBeLessThan(1_048_576 + 200_000);
    }
    expect(pages.flatMap((p) => seqs(p.items))).toEqual(SEQS);
    // Awaiting the query returns the first of those pages.
    const first = await thread();
    expect(seqs(first.items)).toEqual(seqs(pages[0]!.items));
    expect(first.cursor).toBe(pages[0]!.cursor);
  });

  it('resuming from the cursor of every page boundary gives exactly the remaining items', async () => {
    const pages = await walk(thread().pages());
    let seen = 0;
    for (const p of pages.slice(0, -1)) {
      seen += p.items.length;
      const rest = await thread().startAfter(p.cursor).all();
      expect(seqs(rest)).toEqual(SEQS.slice(seen));
    }
    // the union of the pages, each read from the previous cursor, is every item exactly once
    const chained: number[] = [];
    let cursor: string | undefined;
    do {
      const page: Page<{ seq: number }> = await thread().startAfter(cursor);
      chained.push(...seqs(page.items));
      cursor = page.cursor;
    } while (cursor !== undefined);
    expect(chained).toEqual(SEQS);
  });

  it('reverse(): descending order, and cursors resume in reverse', async () => {
    const pages = await walk(thread().reverse().pages());
    const desc = [...SEQS].reverse();
    expect(pages.flatMap((p) => seqs(p.items))).toEqual(desc);
    let seen = 0;
    for (const p of pages.slice(0, -1)) {
      seen += p.items.length;
      expect(seqs(await thread().reverse().startAfter(p.cursor).all())).toEqual(desc.slice(seen));
    }
    expect(requests.at(-1)?.input['ScanIndexForward']).toBe(false);
  });

  it('for await, .all() and the GSI agree', async () => {
    const viaIterator: number[] = [];
    for await (const post of thread()) viaIterator.push(post.seq);
    expect(viaIterator).toEqual(SEQS);
    const kindA = await Post.query('gsi1', Key('kind').eq('a').and(Key('threadId').eq('big'))).all();
    expect(seqs(kindA)).toEqual(SEQS.filter((s) => kindOf(s) === 'a'));
  });
});

describe('limit, filter and pageSize', () => {
  it('limit(k) chunks: k items per call, resumed by cursor, union = every post exactly once', async () => {
    for (const k of [1, 4, 7, 13]) {
      const got: number[] = [];
      let cursor: string | undefined;
      let calls = 0;
      do {
        const page: Page<{ seq: number }> = await thread().limit(k).startAfter(cursor);
        expect(page.items.length).toBeLessThanOrEqual(k);
        if (page.cursor !== undefined) expect(page.items.length).toBe(k);
        got.push(...seqs(page.items));
        cursor = page.cursor;
        calls++;
      } while (cursor !== undefined && calls < 100);
      expect(got, `limit ${k}`).toEqual(SEQS);
    }
  });

  it('limit stopping inside a DynamoDB page: the cursor points at the last item returned', async () => {
    // pageSize(10) asks DynamoDB for 10 items; limit(4) returns the first 4 of them.
    const before = requests.length;
    const first = await thread().pageSize(10).limit(4);
    expect(requests.length - before).toBe(1);
    expect(requests.at(-1)?.input['Limit']).toBe(10);
    expect(seqs(first.items)).toEqual(SEQS.slice(0, 4));
    const rest = await thread().pageSize(10).startAfter(first.cursor).all();
    expect(seqs(rest)).toEqual(SEQS.slice(4));
    // limit 7 over pages of 3: 3 + 3 + 1 of the third page, every chunk boundary inside a page
    const got: number[] = [];
    let cursor: string | undefined;
    do {
      const page: Page<{ seq: number }> = await thread().pageSize(3).limit(7).startAfter(cursor);
      got.push(...seqs(page.items));
      cursor = page.cursor;
    } while (cursor !== undefined);
    expect(got).toEqual(SEQS);
  });

  it('limit counts items after the filter, across pages; resuming gives the remaining matches', async () => {
    const kindA = SEQS.filter((s) => kindOf(s) === 'a');
    const q = () => thread().filter(Attr('kind').eq('a'));
    const before = requests.length;
    const first = await q().limit(4);
    expect(seqs(first.items)).toEqual(kindA.slice(0, 4));
    // DynamoDB's Limit is applied before the filter, so 4 matches need more than one request
    expect(requests.length - before).toBeGreaterThan(1);
    expect(first.cursor).toBeTypeOf('string');
    const rest = await q().startAfter(first.cursor).all();
    expect(seqs(rest)).toEqual(kindA.slice(4));
    expect(seqs(await q().limit(100).all())).toEqual(kindA);
    // a filter that matches nothing: no items, no cursor, the whole partition was read
    expect(await thread().filter(Attr('kind').eq('c').and(Attr('seq').lt(-100))).limit(3)).toEqual({ items: [] });
  });

  it('pageSize is DynamoDB Limit (evaluated before the filter); limit is what the caller gets', async () => {
    const before = requests.length;
    const pages = await walk(thread().filter(Attr('kind').eq('b')).pageSize(5).pages());
    const sent = requests.slice(before);
    expect(sent.every((r) => r.input['Limit'] === 5)).toBe(true);
    // notes of the same partition take part in the 5 evaluated items, so pages hold 0-5 posts
    for (const p of pages) expect(p.items.length).toBeLessThanOrEqual(5);
    expect(pages.some((p) => p.items.length < 5)).toBe(true);
    expect(pages.flatMap((p) => seqs(p.items))).toEqual(SEQS.filter((s) => kindOf(s) === 'b'));

    const b2 = requests.length;
    const limited = await thread().limit(12);
    expect(seqs(limited.items)).toEqual(SEQS.slice(0, 12));
    // without pageSize, each request asks for what is still missing, plus one to learn whether more follows
    const limits = requests.slice(b2).map((r) => r.input['Limit']);
    expect(limits[0]).toBe(13);
    expect(limits.length).toBeGreaterThan(1); // 12 posts of 100-200 KB do not fit in 1 MB
  });

  it('an entity query never returns the other entity of the partition', async () => {
    const notes = await Note.query('primary', Note.Key('threadId').eq('big')).all();
    expect(notes.map((n) => n.seq)).toEqual(NOTE_SEQS);
    const posts = await thread().all();
    expect(posts.every((p) => 'body' in p && !('text' in p))).toBe(true);
  });

  it('count() counts across pages with Select COUNT; limit does not apply, the filter does', async () => {
    const before = requests.length;
    expect(await thread().count()).toBe(POSTS);
    const sent = requests.slice(before);
    expect(sent.length).toBeGreaterThan(1); // 1 MB pages apply to counting too
    expect(sent.every((r) => r.input['Select'] === 'COUNT')).toBe(true);
    expect(await thread().limit(3).count()).toBe(POSTS);
    expect(await thread().filter(Attr('kind').eq('a')).count()).toBe(SEQS.filter((s) => kindOf(s) === 'a').length);
    expect(await Post.query('primary', Key('threadId').eq('many')).count()).toBe(MANY);
  });
});

describe('cursors that do not belong', () => {
  let cursor: string;
  let gsiCursor: string;

  beforeAll(async () => {
    cursor = (await thread().limit(2)).cursor!;
    gsiCursor = (await Post.query('gsi1', Key('kind').eq('a')).limit(2)).cursor!;
    expect(cursor).toBeTypeOf('string');
    expect(gsiCursor).toBeTypeOf('string');
  });

  const body = (c: string) => JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as { t: string; i: string; k: Record<string, unknown> };
  const encode = (b: unknown) => Buffer.from(JSON.stringify(b)).toString('base64url');

  /** Expects InvalidCursorError from startAfter(), with no request sent. */
  function rejects(bad: string, build = thread): void {
    const before = requests.length;
    expect(() => build().startAfter(bad), bad).toThrow(InvalidCursorError);
    expect(requests.length).toBe(before);
  }

  it('a cursor is an opaque base64url string bound to table and index', () => {
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(body(cursor)).toMatchObject({ t: Forum.name, i: 'primary' });
    expect(body(gsiCursor)).toMatchObject({ t: Forum.name, i: 'gsi1' });
  });

  it('truncated at every length', () => {
    for (let n = 0; n < cursor.length; n++) rejects(cursor.slice(0, n));
  });

  it('tampered: characters outside base64url, bytes that are not JSON, JSON of another shape', () => {
    for (const bad of [`${cursor}=`, `${cursor.slice(0, 5)}+${cursor.slice(6)}`, `${cursor.slice(0, 5)}/${cursor.slice(6)}`, ` ${cursor}`, `${cursor}.`]) rejects(bad);
    rejects(Buffer.from('not json at all').toString('base64url'));
    rejects(encode(null));
    rejects(encode([1, 2]));
    rejects(encode({ t: Forum.name, i: 'primary' }));
    const b = body(cursor);
    rejects(encode({ ...b, k: { pk: b.k['pk'] } })); // a key attribute missing
    rejects(encode({ ...b, k: { ...b.k, extra: 'x' } })); // one too many
    rejects(encode({ ...b, k: { ...b.k, sk: 42 } })); // wrong type
    rejects(encode({ ...b, k: { ...b.k, sk: '' } })); // empty key value
    rejects(encode({ ...b, t: 7 }));
  });

  it('from another index of the same table, or from another table', () => {
    rejects(gsiCursor);
    rejects(cursor, () => Post.query('gsi1', Key('kind').eq('a')));
    rejects(encode({ ...body(cursor), t: 'some-other-table' }));
    rejects(encode({ ...body(gsiCursor), i: 'primary' })); // relabelled: the key shape does not fit
    // the table-level query checks cursors the same way
    expect(() => Forum.query(Forum.Key('pk').eq('THREAD#big')).startAfter(gsiCursor)).toThrow(InvalidCursorError);
  });

  it('a cursor fits every query of the same table and index (entity or table level)', async () => {
    const viaTable = await Forum.query(Forum.Key('pk').eq('THREAD#big')).entities(Post).startAfter(cursor).limit(3);
    // a table-level limit counts every item returned: here posts -3 and -2, then the note of -2
    expect(viaTable.items.map((i) => i.seq)).toEqual(SEQS.slice(2, 4));
    expect(viaTable.unknown.map((r) => [r['_et'], r['sk']])).toEqual([['Note', 'POST#-9007199254740990#NOTE']]);
    const viaEntity = await Note.query('primary', Note.Key('threadId').eq('big')).startAfter(cursor).limit(1);
    expect(viaEntity.items.map((n) => n.seq)).toEqual([-2]);
  });

  it('an error names the target and the reason', () => {
    expect(() => thread().startAfter(gsiCursor)).toThrow(`invalid cursor for table ${Forum.name}, index primary: it was issued for table ${Forum.name}, index gsi1`);
    expect(() => thread().startAfter('%%%')).toThrow(/not a cursor string/);
  });
});

describe('one page in memory at a time (3,000 items)', () => {
  const many = () => Post.query('primary', Key('threadId').eq('many'));

  it('pages() yields bounded pages, one request per page, lazily', async () => {
    const before = requests.length;
    let pages = 0;
    let total = 0;
    let last = -1;
    for await (const page of many().pageSize(250).pages()) {
      pages++;
      // the iterator has sent exactly one request per page so far: nothing is read ahead
      expect(requests.length - before).toBe(pages);
      expect(page.items.length).toBeLessThanOrEqual(250);
      for (const p of page.items) {
        expect(p.seq).toBe(last + 1);
        last = p.seq;
      }
      total += page.items.length;
    }
    expect(total).toBe(MANY);
    expect(pages).toBeGreaterThanOrEqual(MANY / 250);
  });

  it('breaking out of for await stops reading', async () => {
    const before = requests.length;
    let n = 0;
    for await (const post of many().pageSize(100)) {
      expect(post.seq).toBe(n);
      if (++n === 150) break;
    }
    expect(requests.length - before).toBe(2);
  });

  it('a raw item of the entity written by another tool reads back like the others', async () => {
    await doc.send(
      new PutCommand({ TableName: Forum.name, Item: { pk: 'THREAD#raw', sk: 'POST#0000000000000001', _et: 'Post', threadId: 'raw', seq: 1, kind: 'a', body: 'hand-written' } }),
    );
    expect(await Post.query('primary', Key('threadId').eq('raw')).all()).toEqual([{ threadId: 'raw', seq: 1, kind: 'a', body: 'hand-written' }]);
  });
});
