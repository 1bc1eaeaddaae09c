/**
 * A builder takes the item, key or value map it is given when it is made: a caller that reuses one
 * object for several writes (a loop that sets `row.id` and puts `row`) gets one write per call, each
 * with the values of its call. Before, builders kept the caller's object and read it when the
 * request was built: the callback form of `batchWrite` (which builds its requests after the callback
 * returns) wrote the last row once and dropped the others as writes of the same key, silently.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, transactGet, transactWrite } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const Table = defineTable({ name: uniqueTableName('reused-inputs'), client, partitionKey: { name: 'pk', type: 'S' } });
useTable(Table, { clients: [client] });
const Row = defineEntity({ table: Table, name: 'Row', schema: z.object({ id: z.string(), n: z.number(), note: z.string().optional() }), keys: { primary: { pk: 'ROW#{id}' } } });

/** An entity with nested attributes of every kind a loop may change in place. */
const Doc = defineEntity({
  table: Table,
  name: 'Doc',
  schema: z.object({ id: z.string(), info: z.object({ n: z.number(), at: z.date() }), list: z.array(z.string()), tags: z.set(z.string()), byName: z.record(z.string(), z.array(z.number())).optional() }),
  keys: { primary: { pk: 'DOC#{id}' } },
});
const docs = async (prefix: string) =>
  (await Doc.scan().filter(Doc.Attr('id').beginsWith(prefix)).all())
    .map((d) => `${d.id}:${d.info.n}:${d.info.at.getUTCFullYear()}:${d.list.join('+')}:${[...d.tags].sort().join('+')}:${JSON.stringify(d.byName ?? {})}`)
    .sort();

const ids = async (prefix: string) => (await Row.scan().filter(Row.Attr('id').beginsWith(prefix)).all()).map((r) => `${r.id}:${r.n}`).sort();

describe('a builder takes its input when it is made', () => {
  it("batchWrite's callback with one row object reused for every put writes every row", async () => {
    const row = { id: '', n: 0 };
    const result = await Table.batchWrite((batch) => {
      for (let i = 0; i < 5; i++) {
        row.id = `cb${i}`;
        row.n = i;
        batch.put(Row, row);
      }
    });
    expect(result.written).toBe(5);
    expect(await ids('cb')).toEqual(['cb0:0', 'cb1:1', 'cb2:2', 'cb3:3', 'cb4:4']);
  });

  it('delete builders collected with one key object reused delete every key', async () => {
    await Table.batchWrite(['d0', 'd1', 'd2'].map((id) => Row.put({ id, n: 1 })));
    const key = { id: '' };
    const deletes = [];
    for (const id of ['d0', 'd1']) {
      key.id = id;
      deletes.push(Row.delete(key));
    }
    await Table.batchWrite(deletes);
    expect(await ids('d')).toEqual(['d2:1']);
  });

  it('transactWrite: puts of one reused item, updates of one reused value map and key, checks and gets of one reused key', async () => {
    const item = { id: 't0', n: 0 };
    const puts = [];
    for (const [id, n] of [['t0', 0], ['t1', 1]] as const) {
      Object.assign(item, { id, n });
      puts.push(Row.put(item));
    }
    await transactWrite(puts);
    expect(await ids('t')).toEqual(['t0:0', 't1:1']);

    const key = { id: 't0' };
    const values = { note: 'first' };
    const first = Row.update(key).set(values);
    const check = Row.check(key, Row.Attr('n').eq(0));
    const get = Row.get(key);
    key.id = 't1';
    values.note = 'second';
    await transactWrite([first, Row.update(key).set(values)]);
    // The check judges t0 (its n is 0), the key it was given, not t1.
    await transactWrite([check, Row.update({ id: 't1' }).set({ n: 5 })]);
    const [t0, t1] = await transactGet([get, Row.get(key)]);
    expect([t0, t1]).toEqual([{ id: 't0', n: 0, note: 'first' }, { id: 't1', n: 5, note: 'second' }]);
  });

  it('nested maps, lists, Sets and Dates changed in place between two writes: each write keeps the values of its call', async () => {
    const row = { id: '', info: { n: 0, at: new Date(Date.UTC(2020, 0, 1)) }, list: [] as string[], tags: new Set<string>(), byName: { a: [0] } };
    await Table.batchWrite((batch) => {
      for (let i = 0; i < 3; i++) {
        row.id = `n${i}`;
        row.info.n = i;
        row.info.at.setUTCFullYear(2020 + i);
        row.list.push(`l${i}`);
        row.tags.add(`t${i}`);
        row.byName.a.push(i + 1);
        batch.put(Doc, row);
      }
    });
    expect(await docs('n')).toEqual([
      'n0:0:2020:l0:t0:{"a":[0,1]}',
      'n1:1:2021:l0+l1:t0+t1:{"a":[0,1,2]}',
      'n2:2:2022:l0+l1+l2:t0+t1+t2:{"a":[0,1,2,3]}',
    ]);

    // transactWrite's builders, and an update's value map whose nested values change after it is made.
    const puts = [];
    for (const id of ['m0', 'm1']) {
      row.id = id;
      row.info.n += 10;
      row.list.push(id);
      puts.push(Doc.put(row));
    }
    const info = { n: 100, at: new Date(Date.UTC(2030, 0, 1)) };
    const tags = new Set(['u1']);
    const update = Doc.update({ id: 'n0' }).set({ info }).add({ tags });
    info.n = 200;
    info.at.setUTCFullYear(2040);
    tags.add('u2');
    await transactWrite([...puts, update]);
    expect(await docs('m')).toEqual(['m0:12:2022:l0+l1+l2+m0:t0+t1+t2:{"a":[0,1,2,3]}', 'm1:22:2022:l0+l1+l2+m0+m1:t0+t1+t2:{"a":[0,1,2,3]}']);
    expect(await docs('n0')).toEqual(['n0:100:2030:l0:t0+u1:{"a":[0,1]}']);
  });

  it('a condition value changed after the condition is built: the write checks the value it was given', async () => {
    const at = new Date(Date.UTC(2020, 0, 1));
    await Doc.put({ id: 'w0', info: { n: 1, at }, list: ['a'], tags: new Set(['a']) });
    const info = { n: 1, at: new Date(at) };
    const list = ['a'];
    const put = Doc.put({ id: 'w0', info: { n: 2, at }, list: ['b'], tags: new Set(['b']) }).where(Doc.Attr('info').eq(info).and(Doc.Attr('list').in([list])));
    info.n = 99;
    info.at.setUTCFullYear(2099);
    list.push('x');
    // Sent with the values changed, both conditions were false and the put failed.
    await put;
    const stored = ['b'];
    const update = Doc.update({ id: 'w0' }).set({ list: ['c'] }).where(Doc.Attr('list').eq(stored));
    stored.push('z');
    await update;
    expect(await docs('w')).toEqual(['w0:2:2020:c:b:{}']);
  });

  it("a DTO class instance reused for every put of batchWrite's callback writes every row (its fields and getters read at the call)", async () => {
    class RowDto {
      id = '';
      private count = 0;
      set n(v: number) {
        this.count = v;
      }
      get n(): number {
        return this.count;
      }
    }
    const row = new RowDto();
    const result = await Table.batchWrite((batch) => {
      for (let i = 0; i < 3; i++) {
        row.id = `dto${i}`;
        row.n = i;
        batch.put(Row, row);
      }
    });
    expect(result.written).toBe(3);
    expect(await ids('dto')).toEqual(['dto0:0', 'dto1:1', 'dto2:2']);
    // A key and a value map may be instances too.
    const key = new (class {
      id = 'dto1';
    })();
    const update = Row.update(key).set(new (class {
      n = 10;
    })());
    key.id = 'dto2';
    await update;
    expect(await ids('dto')).toEqual(['dto0:0', 'dto1:10', 'dto2:2']);
  });

  it('a class instance is kept as given: its getters are read when the request is built', async () => {
    const shared = ['s'];
    class Info {
      constructor(private readonly value: number) {}
      get n() {
        return this.value;
      }
      readonly at = new Date(Date.UTC(2025, 0, 1));
    }
    // A class instance's getter is read when the request is built (a copy would lose it): zod reads `n` through it.
    await Doc.put({ id: 'c0', info: new Info(7) as unknown as { n: number; at: Date }, list: shared, tags: new Set(shared) });
    expect(await docs('c')).toEqual(['c0:7:2025:s:s:{}']);
  });
});
