/**
 * `onInvalidItem(handler)` against DynamoDB Local: items the entity's schema rejects (written raw,
 * as an older version of a service or another tool would) are left out and reported, and the read
 * goes on. One partition holds 20 Items (`n` a number) of which 4 are stored with `n` a string
 * (ids 03, 04, 09 and 19: two in a row, one alone, the last), a Tag after every even Item, and an
 * item of no registered entity. Every way of reading must return each valid Item once and report
 * each bad one once, across pages, cursors and segments.
 */
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { defineEntity, defineTable, ItemParseError } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);
const Table = defineTable({
  name: uniqueTableName('invalid-items'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: { byGroup: { type: 'global', partitionKey: { name: 'gpk', type: 'S' }, sortKey: { name: 'gsk', type: 'S' }, projection: 'KEYS_ONLY' } },
});
const Item = defineEntity({
  table: Table,
  name: 'Item',
  schema: z.object({ group: z.string(), id: z.string(), n: z.number() }),
  keys: { primary: { pk: 'G#{group}', sk: 'ITEM#{id}' }, byGroup: { pk: 'GK#{group}', sk: '{id}' } },
});
const Tag = defineEntity({
  table: Table,
  name: 'Tag',
  schema: z.object({ group: z.string(), id: z.string(), label: z.string() }),
  keys: { primary: { pk: 'G#{group}', sk: 'ITEM#{id}#TAG' } },
});

useTable(Table, { clients: [client] });

const ids = Array.from({ length: 20 }, (_, i) => String(i).padStart(2, '0'));
const badIds = ['03', '04', '09', '19'];
const validIds = ids.filter((id) => !badIds.includes(id));

beforeAll(async () => {
  for (const id of ids) {
    if (badIds.includes(id)) {
      // As stored by an older version: `n` was a string then.
      await doc.send(new PutCommand({ TableName: Table.name, Item: { pk: 'G#g', sk: `ITEM#${id}`, gpk: 'GK#g', gsk: id, _et: 'Item', group: 'g', id, n: `old-${id}` } }));
    } else {
      await Item.put({ group: 'g', id, n: Number(id) });
    }
    if (Number(id) % 2 === 0) await Tag.put({ group: 'g', id, label: `tag ${id}` });
  }
  await doc.send(new PutCommand({ TableName: Table.name, Item: { pk: 'G#g', sk: 'ZZZ', _et: 'Ghost' } }));
});

/** A handler that records the ids of the items it is given, and the errors. */
function reports() {
  const errors: ItemParseError[] = [];
  return {
    errors,
    handler: (e: ItemParseError) => void errors.push(e),
    ids: () => errors.map((e) => String(e.raw['id'])),
  };
}

const query = () => Item.query('primary', Item.Key('group').eq('g'));

describe('onInvalidItem(): entity queries and scans', () => {
  it('without it, the first bad item rejects the read, as before', async () => {
    await expect(query().all()).rejects.toBeInstanceOf(ItemParseError);
    await expect(query().limit(3)).resolves.toMatchObject({ items: [{ id: '00' }, { id: '01' }, { id: '02' }] });
  });

  it('all() returns every valid item once and reports each bad one once, with its raw item and issues', async () => {
    const r = reports();
    const items = await query().onInvalidItem(r.handler).all();
    expect(items.map((i) => i.id)).toEqual(validIds);
    expect(r.ids()).toEqual(badIds);
    const first = r.errors[0]!;
    expect(first).toBeInstanceOf(ItemParseError);
    expect(first.entity).toBe('Item');
    expect(first.issues.map((i) => i.path)).toEqual(['n']);
    expect(first.raw).toMatchObject({ pk: 'G#g', sk: 'ITEM#03', n: 'old-03' });
  });

  it('limit(n) returns up to n valid items; cursors across calls never repeat or skip an item', async () => {
    for (const [limit, pageSize] of [[3, undefined], [1, undefined], [2, 2], [5, 3], [4, 1]] as const) {
      const r = reports();
      const got: string[] = [];
      const sizes: number[] = [];
      let cursor: string | undefined;
      let calls = 0;
      do {
        let read = query().onInvalidItem(r.handler).limit(limit).startAfter(cursor);
        if (pageSize !== undefined) read = read.pageSize(pageSize);
        const page = await read;
        got.push(...page.items.map((i) => i.id));
        sizes.push(page.items.length);
        cursor = page.cursor;
      } while (cursor !== undefined && ++calls < 40);
      expect(got, `limit ${limit}, pageSize ${pageSize}`).toEqual(validIds);
      expect(r.ids(), `limit ${limit}, pageSize ${pageSize}`).toEqual(badIds);
      // Every page but the last is full: skipped items do not count against the limit.
      expect(sizes.slice(0, -1).every((s) => s === limit)).toBe(true);
    }
  });

  it('reverse queries, for await, pages() with a small pageSize', async () => {
    const r = reports();
    const reversed = await query().onInvalidItem(r.handler).reverse().limit(6).all();
    expect(reversed.map((i) => i.id)).toEqual([...validIds].reverse().slice(0, 6));
    expect(r.ids()).toEqual(['19']);

    const iterated = reports();
    const seen: string[] = [];
    for await (const item of query().onInvalidItem(iterated.handler).pageSize(3)) seen.push(item.id);
    expect(seen).toEqual(validIds);
    expect(iterated.ids()).toEqual(badIds);

    const paged = reports();
    const pages: string[][] = [];
    for await (const page of query().onInvalidItem(paged.handler).pageSize(2).pages()) pages.push(page.items.map((i) => i.id));
    expect(pages.flat()).toEqual(validIds);
    expect(paged.ids()).toEqual(badIds);
    // A page whose rows were a bad Item and a Tag holds nothing, as a page a filter emptied would.
    expect(pages.some((p) => p.length === 0)).toBe(true);
  });

  it('a scan, and a parallel scan over segments', async () => {
    const r = reports();
    expect((await Item.scan().onInvalidItem(r.handler).all()).map((i) => i.id).sort()).toEqual(validIds);
    expect(r.ids().sort()).toEqual(badIds);

    const s = reports();
    const items = await Item.scan().onInvalidItem(s.handler).pageSize(2).segments(3, { concurrency: 2 }).all();
    expect(items.map((i) => i.id).sort()).toEqual(validIds);
    expect(s.ids().sort()).toEqual(badIds);
  });

  it('a hydrated query of a KEYS_ONLY index, across cursors', async () => {
    const r = reports();
    const got: string[] = [];
    let cursor: string | undefined;
    let calls = 0;
    do {
      const page = await Item.query('byGroup', Item.Key('group').eq('g')).hydrate().onInvalidItem(r.handler).limit(3).startAfter(cursor);
      got.push(...page.items.map((i) => i.id));
      cursor = page.cursor;
    } while (cursor !== undefined && ++calls < 40);
    expect(got).toEqual(validIds);
    expect(r.ids()).toEqual(badIds);
    await expect(Item.query('byGroup', Item.Key('group').eq('g')).hydrate().all()).rejects.toBeInstanceOf(ItemParseError);
  });

  it('a handler that throws rejects the read with its exception', async () => {
    const stop = new Error('stop at the first bad item');
    const thrower = () => {
      throw stop;
    };
    await expect(query().onInvalidItem(thrower).all()).rejects.toBe(stop);
    await expect(query().onInvalidItem(thrower).limit(3)).resolves.toMatchObject({ items: [{ id: '00' }, { id: '01' }, { id: '02' }] });
    await expect(Item.scan().onInvalidItem(thrower).segments(2).all()).rejects.toBe(stop);
    await expect(Item.query('byGroup', Item.Key('group').eq('g')).hydrate().onInvalidItem(thrower).all()).rejects.toBe(stop);
  });

  it('count() counts stored items and parses none; the builder type is unchanged', async () => {
    const r = reports();
    const read = query().onInvalidItem(r.handler);
    expectTypeOf(read).toEqualTypeOf(query());
    expect(await read.count()).toBe(20);
    expect(await Item.query('byGroup', Item.Key('group').eq('g')).hydrate().onInvalidItem(r.handler).count()).toBe(20);
    expect(r.errors).toEqual([]);
  });

  it('refuses a handler that is not a function before any request', () => {
    expect(() => query().onInvalidItem('log' as never)).toThrow(/onInvalidItem\(\) takes a function/);
  });
});

describe('onInvalidItem(): table-level reads', () => {
  const collection = () => Table.query(Table.Key('pk').eq('G#g'));

  it("skips a registered entity's item that does not parse; other entities and unknown items are kept", async () => {
    await expect(collection().all()).rejects.toBeInstanceOf(ItemParseError);
    const r = reports();
    const { items, unknown } = await collection().onInvalidItem(r.handler).all();
    expect(items.filter((i) => i._et === 'Item').map((i) => i['id'])).toEqual(validIds);
    expect(items.filter((i) => i._et === 'Tag')).toHaveLength(10);
    expect(unknown).toEqual([{ pk: 'G#g', sk: 'ZZZ', _et: 'Ghost' }]);
    expect(r.ids()).toEqual(badIds);
    expect(r.errors.every((e) => e.entity === 'Item')).toBe(true);
  });

  it('limit and cursors across calls, entities(), a hydrated index read and segments', async () => {
    const r = reports();
    const got: string[] = [];
    let cursor: string | undefined;
    let calls = 0;
    do {
      const page = await collection().entities(Item).onInvalidItem(r.handler).limit(4).startAfter(cursor);
      got.push(...page.items.map((i) => i.id));
      cursor = page.cursor;
    } while (cursor !== undefined && ++calls < 40);
    expect(got).toEqual(validIds);
    expect(r.ids()).toEqual(badIds);

    const h = reports();
    const hydrated = await Table.query('byGroup', Table.Key('gpk').eq('GK#g')).hydrate().onInvalidItem(h.handler).all();
    expect(hydrated.items.map((i) => i['id'])).toEqual(validIds);
    expect(h.ids()).toEqual(badIds);

    const s = reports();
    const scanned = await Table.scan().onInvalidItem(s.handler).segments(3).all();
    expect(scanned.items.filter((i) => i['group'] === 'g')).toHaveLength(validIds.length + 10);
    expect(s.ids().filter((id) => badIds.includes(id)).sort()).toEqual(badIds);

    await expect(collection().onInvalidItem(() => { throw new RangeError('no') }).all()).rejects.toBeInstanceOf(RangeError);
    expect(await collection().onInvalidItem(() => { throw new RangeError('no') }).count()).toBe(31);
  });
});

describe('onInvalidItem(): a stored number JavaScript cannot read', () => {
  // Partition G#u: Items a and c, and b whose `n` is a decimal beyond 2^53 (written by another tool).
  beforeAll(async () => {
    await Item.put({ group: 'u', id: 'a', n: 1 });
    await client.send(new PutItemCommand({ TableName: Table.name, Item: { pk: { S: 'G#u' }, sk: { S: 'ITEM#b' }, _et: { S: 'Item' }, group: { S: 'u' }, id: { S: 'b' }, n: { N: '9007199254740993.5' } } }));
    await Item.put({ group: 'u', id: 'c', n: 3 });
  });
  const unreadable = () => Item.query('primary', Item.Key('group').eq('u'));

  it('is skipped and reported like an item the schema rejects, in entity and table-level reads', async () => {
    await expect(unreadable().all()).rejects.toBeInstanceOf(ItemParseError);
    const errors: ItemParseError[] = [];
    expect((await unreadable().onInvalidItem((e) => errors.push(e)).all()).map((i) => i.id)).toEqual(['a', 'c']);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.entity).toBe('Item');
    expect(errors[0]!.issues.map((i) => i.path)).toEqual(['n']);
    // As DynamoDB sent it: the number could not be read into a plain item.
    expect(errors[0]!.raw).toMatchObject({ sk: { S: 'ITEM#b' }, n: { N: '9007199254740993.5' } });

    const walked: string[] = [];
    let reported = 0;
    let cursor: string | undefined;
    do {
      const page = await unreadable().onInvalidItem(() => reported++).limit(1).startAfter(cursor);
      walked.push(...page.items.map((i) => i.id));
      cursor = page.cursor;
    } while (cursor !== undefined);
    expect([walked, reported]).toEqual([['a', 'c'], 1]);

    const table = await Table.query(Table.Key('pk').eq('G#u')).onInvalidItem(() => reported++).all();
    expect(table.items.map((i) => i['id'])).toEqual(['a', 'c']);
    expect(reported).toBe(2);
    expect(await unreadable().onInvalidItem(() => reported++).count()).toBe(3);
    expect(reported).toBe(2);
  });

  it('in hydrated reads, entity and table-level, it is skipped and reported too; batchGet and deleteAll() are unchanged', async () => {
    // Partition G#d, all in the KEYS_ONLY index: Items a, x (unreadable n), y (n a string) and z, and a Tag w with an
    // unreadable number. In index order a w x y z: a page of one item (a) looks past w to x, and must not skip it.
    await Item.put({ group: 'd', id: 'a', n: 1 });
    await client.send(new PutItemCommand({ TableName: Table.name, Item: { pk: { S: 'G#d' }, sk: { S: 'ITEM#x' }, gpk: { S: 'GK#d' }, gsk: { S: 'x' }, _et: { S: 'Item' }, group: { S: 'd' }, id: { S: 'x' }, n: { N: '9007199254740993.5' } } }));
    await doc.send(new PutCommand({ TableName: Table.name, Item: { pk: 'G#d', sk: 'ITEM#y', gpk: 'GK#d', gsk: 'y', _et: 'Item', group: 'd', id: 'y', n: 'old' } }));
    await Item.put({ group: 'd', id: 'z', n: 26 });
    await client.send(new PutItemCommand({ TableName: Table.name, Item: { pk: { S: 'G#d' }, sk: { S: 'ITEM#w#TAG' }, gpk: { S: 'GK#d' }, gsk: { S: 'w' }, _et: { S: 'Tag' }, group: { S: 'd' }, id: { S: 'w' }, label: { N: '9007199254740993.5' } } }));
    const hydrated = () => Item.query('byGroup', Item.Key('group').eq('d')).hydrate();
    const table = () => Table.query('byGroup', Table.Key('gpk').eq('GK#d')).hydrate();
    /** Each report as `entity id path`, `id` read from `raw` in either form (attribute values for an unreadable item). */
    const seen: string[] = [];
    const record = (e: ItemParseError) => {
      const id = e.raw['id'];
      seen.push(`${e.entity} ${typeof id === 'string' ? id : (id as { S: string }).S} ${e.issues.map((i) => i.path).join(',')}`);
    };

    // Without a handler, as before: the read rejects.
    await expect(hydrated().all()).rejects.toBeInstanceOf(ItemParseError);
    await expect(table().all()).rejects.toBeInstanceOf(ItemParseError);

    // Entity read: its own bad items are reported; the Tag is not Item's and is dropped unreported, as a readable Tag would be.
    const errors: ItemParseError[] = [];
    expect((await hydrated().onInvalidItem((e) => { errors.push(e); record(e); }).all()).map((i) => i.id)).toEqual(['a', 'z']);
    expect(seen).toEqual(['Item x n', 'Item y n']);
    // The same error as a non-hydrated read's: the item as DynamoDB sent it.
    expect(errors[0]).toBeInstanceOf(ItemParseError);
    expect(errors[0]!.raw).toMatchObject({ pk: { S: 'G#d' }, sk: { S: 'ITEM#x' }, n: { N: '9007199254740993.5' } });
    expect(errors[0]!.issues[0]!.message).toMatch(/9007199254740993\.5 cannot be read/);

    // Walking it by cursors, one item a page: z once, each bad item reported once.
    seen.length = 0;
    const walked: string[] = [];
    let cursor: string | undefined;
    let calls = 0;
    do {
      const page = await hydrated().onInvalidItem(record).limit(1).startAfter(cursor);
      walked.push(...page.items.map((i) => i.id));
      cursor = page.cursor;
    } while (cursor !== undefined && ++calls < 10);
    expect([walked, seen]).toEqual([['a', 'z'], ['Item x n', 'Item y n']]);

    // Table-level: every registered entity's bad item is reported, the Tag under its own name.
    seen.length = 0;
    expect((await table().onInvalidItem(record).all()).items.map((i) => i['id'])).toEqual(['a', 'z']);
    expect(seen).toEqual(['Tag w label', 'Item x n', 'Item y n']);
    seen.length = 0;
    const tableWalked: unknown[] = [];
    cursor = undefined;
    calls = 0;
    do {
      const page = await table().onInvalidItem(record).limit(1).startAfter(cursor);
      tableWalked.push(...page.items.map((i) => i['id']));
      cursor = page.cursor;
    } while (cursor !== undefined && ++calls < 10);
    expect([tableWalked, seen]).toEqual([['a', 'z'], ['Tag w label', 'Item x n', 'Item y n']]);

    // batchGet answers by position: it still throws, with or without a handler on any read.
    await expect(Item.batchGet([{ group: 'd', id: 'z' }, { group: 'd', id: 'x' }]).send()).rejects.toBeInstanceOf(ItemParseError);

    const group = () => Item.query('primary', Item.Key('group').eq('d'));
    expect(await group().deleteAll()).toMatchObject({ deleted: 4 });
    expect(await group().count()).toBe(0);
    await Table.delete({ pk: 'G#d', sk: 'ITEM#w#TAG' });
  });
});
