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
});
