/**
 * Cursors over number keys another program stored with more significant digits than a JS number
 * holds (Python's Decimal, Java's BigDecimal: DynamoDB keeps 38). The rows' keys read as rounded
 * numbers; a cursor made of them would resume before or after the real key, returning an item
 * again or skipping items between the two.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { defineTable } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
/** Makes the next `unprocessed.n` BatchGetItem answers leave all but their first key unprocessed. */
const unprocessed = { n: 0 };
client.middlewareStack.add(
  (next, context) => async (args) => {
    if (context.commandName !== 'BatchGetItemCommand' || unprocessed.n <= 0) return next(args);
    unprocessed.n--;
    const input = (args as { input: { RequestItems: Record<string, { Keys: unknown[] }> } }).input;
    const [table, entry] = Object.entries(input.RequestItems)[0]!;
    const left = entry.Keys.slice(1);
    input.RequestItems = { [table]: { ...entry, Keys: entry.Keys.slice(0, 1) } };
    const out = await next(args);
    if (left.length > 0) (out.output as { UnprocessedKeys?: Record<string, unknown> }).UnprocessedKeys = { [table]: { ...entry, Keys: left } };
    return out;
  },
  { step: 'initialize', name: 'injectUnprocessed' },
);
const Table = defineTable({
  name: uniqueTableName('exactcur'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'n', type: 'N' },
  indexes: {
    byN: { type: 'global', partitionKey: { name: 'gpk', type: 'S' }, sortKey: { name: 'gn', type: 'N' } },
    keysOnly: { type: 'global', partitionKey: { name: 'gpk', type: 'S' }, sortKey: { name: 'gn', type: 'N' }, projection: 'KEYS_ONLY' },
  },
});
useTable(Table, { clients: [client] });

/**
 * In key order. The first two both read as 0.1, whose double (0.1000000000000000055...) lies after
 * both. Then a key a double holds exactly, and two epoch seconds with nanoseconds that both read as
 * 1733616000.1234567.
 */
const KEYS = ['0.10000000000000000001', '0.100000000000000001', '7', '1733616000.123456789', '1733616000.1234567891'];

beforeAll(async () => {
  for (const [i, n] of KEYS.entries()) {
    await client.send(new PutItemCommand({ TableName: Table.name, Item: { pk: { S: 'p' }, n: { N: n }, gpk: { S: 'g' }, gn: { N: n }, i: { N: String(i) } } }));
  }
});

/** The `i` of every item of every page, through the cursors (items of no entity come in `unknown`). */
async function walk(read: (cursor?: string) => PromiseLike<{ unknown: Record<string, unknown>[]; cursor?: string }>): Promise<unknown[]> {
  const seen: unknown[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 20; guard++) {
    const page = await read(cursor);
    seen.push(...page.unknown.map((x) => x.i));
    if (page.cursor === undefined) return seen;
    cursor = page.cursor;
  }
  throw new Error(`no end after 20 pages: ${JSON.stringify(seen)}`);
}

const all = KEYS.map((_, i) => i);

describe('cursors keep number keys exactly', () => {
  it.each([1, 2])('a table query limited to %i walks every item once', async (limit) => {
    const q = () => Table.query(Table.Key('pk').eq('p')).limit(limit);
    expect(await walk((c) => (c === undefined ? q() : q().startAfter(c)))).toEqual(all);
  });
  it('a query cut by pageSize (DynamoDB\'s LastEvaluatedKey) walks every item once', async () => {
    const q = () => Table.query(Table.Key('pk').eq('p')).pageSize(1);
    expect(await walk((c) => (c === undefined ? q() : q().startAfter(c)))).toEqual(all);
  });
  it('a reversed index query limited to 1 walks every item once', async () => {
    const q = () => Table.query('byN', Table.Key('gpk').eq('g')).reverse().limit(1);
    expect(await walk((c) => (c === undefined ? q() : q().startAfter(c)))).toEqual([...all].reverse());
  });
  it.each([1, 2, undefined])('a hydrated KEYS_ONLY index query (limit %s) fetches every item by its exact key', async (limit) => {
    const q = () => {
      const read = Table.query('keysOnly', Table.Key('gpk').eq('g')).hydrate();
      return limit === undefined ? read : read.limit(limit);
    };
    expect(await walk((c) => (c === undefined ? q() : q().startAfter(c)))).toEqual(all);
  });
  it('a hydrated read under UnprocessedKeys still matches items to exact keys', async () => {
    unprocessed.n = 2;
    const { unknown } = await Table.query('keysOnly', Table.Key('gpk').eq('g')).hydrate().all();
    expect(unknown.map((x) => x.i)).toEqual(all);
    expect(unprocessed.n).toBe(0);
  });
  it('a scan cut by pageSize walks every item once', async () => {
    const q = () => Table.scan().pageSize(1);
    expect(((await walk((c) => (c === undefined ? q() : q().startAfter(c)))) as number[]).sort()).toEqual(all);
  });
  it('countPage() with maxPages resumes at the exact key', async () => {
    let count = 0;
    let cursor: string | undefined;
    for (let guard = 0; guard < 20; guard++) {
      const q = Table.query(Table.Key('pk').eq('p')).pageSize(1).maxPages(1);
      const page = await (cursor === undefined ? q : q.startAfter(cursor)).countPage();
      count += page.count;
      cursor = page.cursor;
      if (cursor === undefined) break;
    }
    expect(count).toBe(KEYS.length);
  });
  it('deleteAll() deletes items by their exact keys', async () => {
    for (const [i, n] of ['0.30000000000000000001', '0.3000000000000000001'].entries()) {
      await client.send(new PutItemCommand({ TableName: Table.name, Item: { pk: { S: 'del' }, n: { N: n }, i: { N: String(i) } } }));
    }
    const { deleted } = await Table.query(Table.Key('pk').eq('del')).deleteAll();
    expect(deleted).toBe(2);
    expect(await Table.query(Table.Key('pk').eq('del')).count()).toBe(0);
  });
  it('a hydrated deleteAll() deletes items by their exact keys', async () => {
    for (const [i, n] of ['0.70000000000000000001', '0.7000000000000000001'].entries()) {
      await client.send(new PutItemCommand({ TableName: Table.name, Item: { pk: { S: 'hdel' }, n: { N: n }, gpk: { S: 'hdel' }, gn: { N: n }, i: { N: String(i) } } }));
    }
    const { deleted } = await Table.query('keysOnly', Table.Key('gpk').eq('hdel')).hydrate().deleteAll();
    expect(deleted).toBe(2);
    expect(await Table.query(Table.Key('pk').eq('hdel')).count()).toBe(0);
  });
});
