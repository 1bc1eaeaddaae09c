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
const Table = defineTable({
  name: uniqueTableName('exactcur'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'n', type: 'N' },
  indexes: { byN: { type: 'global', partitionKey: { name: 'gpk', type: 'S' }, sortKey: { name: 'gn', type: 'N' } } },
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
});
