/**
 * DynamoDB's limits at their exact boundaries, as dynakit counts them against what DynamoDB Local
 * accepts: each case sends the boundary request raw (bypassing dynakit) to show where the server
 * draws the line, then checks that dynakit refuses exactly what the server refuses, before sending.
 */
import { describe, expect, it } from 'vitest';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { BatchValidationError, defineEntity, defineTable, ValidationError } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);

const LimitsTable = defineTable({
  name: uniqueTableName('review-limits'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
});

useTable(LimitsTable, { clients: [client] });

/** What the server says to a raw request: 'ok' or the error's name and message. */
async function server(send: () => Promise<unknown>): Promise<string> {
  try {
    await send();
    return 'ok';
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

describe('nesting depth: DynamoDB stores at most 32 levels (a top-level attribute and 31 nested maps or lists)', () => {
  interface Node {
    v?: number;
    kids?: Node[];
  }
  const NodeSchema: z.ZodType<Node> = z.object({ v: z.number().optional(), kids: z.array(z.lazy(() => NodeSchema)).optional() });
  const Tree = defineEntity({
    table: LimitsTable,
    name: 'Tree',
    schema: z.object({ id: z.string(), root: NodeSchema.optional(), list: z.array(z.unknown()).optional() }),
    keys: { primary: { pk: 'TREE#{id}', sk: 'TREE' } },
  });

  /** A chain of nodes holding `containers` nested maps and lists in all: map, list, map, list, ... */
  const chain = (containers: number): Node => {
    // Each node is a map (1) and its kids a list (1): a node with kids adds 2 levels.
    let node: Node = containers % 2 === 1 ? { v: 1 } : { kids: [] };
    for (let n = containers % 2 === 1 ? 1 : 2; n < containers; n += 2) node = { kids: [node] };
    return node;
  };
  /** Nested M/L levels of a value (a scalar or set is 0, an empty map or list 1). */
  const depth = (v: unknown): number => (Array.isArray(v) ? 1 + Math.max(0, ...v.map(depth)) : v !== null && typeof v === 'object' && !(v instanceof Set) ? 1 + Math.max(0, ...Object.values(v).map(depth)) : 0);

  it('the server takes 31 nested maps and lists under a top-level attribute and refuses 32 (an empty innermost one counts)', async () => {
    expect(depth(chain(31))).toBe(31);
    expect(depth(chain(32))).toBe(32);
    const put = (root: Node) => server(() => doc.send(new PutCommand({ TableName: LimitsTable.name, Item: { pk: 'raw', sk: 'raw', root } })));
    expect(await put(chain(31))).toBe('ok');
    expect(await put(chain(32))).toMatch(/^ValidationException: Nesting Levels have exceeded supported limits/);
  });

  it('a put of 31 levels is stored; 32 is a ValidationError naming the entity and the path, before sending', async () => {
    await Tree.put({ id: 'ok', root: chain(31) });
    expect(depth((await Tree.get({ id: 'ok' }))?.root)).toBe(31);
    const e = (() => {
      try {
        Tree.put({ id: 'deep', root: chain(32) }).build();
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).entity).toBe('Tree');
    expect((e as ValidationError).issues[0]!.path).toMatch(/^root(\.kids\[0\]\.kids\[0\])+/);
    expect((e as Error).message).toMatch(/32 levels/);
  });

  it('a batch with one item too deep writes nothing and sends nothing (the server would refuse the whole call)', async () => {
    const error = await LimitsTable.batchWrite([Tree.put({ id: 'b1', root: chain(1) }), Tree.put({ id: 'b2', root: chain(32) })]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BatchValidationError);
    expect((error as BatchValidationError).failures.map((f) => f.index)).toEqual([1]);
    expect((error as BatchValidationError).failures[0]!.error).toBeInstanceOf(ValidationError);
    expect(await Tree.get({ id: 'b1' })).toBeUndefined();
  });

  it('an update counts the levels of the path it sets: the server refuses a value of 30 levels set under root.kids[0]', async () => {
    await Tree.put({ id: 'u', root: { kids: [{ v: 1 }] } });
    const raw = (kids: Node) =>
      server(() =>
        doc.send(
          new UpdateCommand({ TableName: LimitsTable.name, Key: { pk: 'TREE#u', sk: 'TREE' }, UpdateExpression: 'SET #r.#k[0] = :v', ExpressionAttributeNames: { '#r': 'root', '#k': 'kids' }, ExpressionAttributeValues: { ':v': kids } }),
        ),
      );
    // root (1) and kids (2) hold the value: 29 more levels are 31 in all, 30 more are 32.
    expect(await raw(chain(29))).toBe('ok');
    expect(await raw(chain(30))).toMatch(/^ValidationException: Nesting Levels/);
    await Tree.update({ id: 'u' }).set({ 'root.kids[0]': chain(29) } as never);
    expect(depth((await Tree.get({ id: 'u' }))?.root)).toBe(31);
    expect(() => Tree.update({ id: 'u' }).set({ 'root.kids[0]': chain(30) } as never).build()).toThrow(ValidationError);
    expect(() => Tree.update({ id: 'u' }).set({ root: chain(32) }).build()).toThrow(/32 levels/);
    expect(() => Tree.update({ id: 'u' }).set({ root: chain(31) }).build()).not.toThrow();
  });

  it('list_append counts the levels the appended elements land at', async () => {
    await Tree.put({ id: 'l', list: [] });
    const raw = (el: unknown) =>
      server(() =>
        doc.send(
          new UpdateCommand({ TableName: LimitsTable.name, Key: { pk: 'TREE#l', sk: 'TREE' }, UpdateExpression: 'SET #l = list_append(#l, :v)', ExpressionAttributeNames: { '#l': 'list' }, ExpressionAttributeValues: { ':v': [el] } }),
        ),
      );
    expect(await raw(chain(30))).toBe('ok');
    expect(await raw(chain(31))).toMatch(/^ValidationException: Nesting Levels/);
    await Tree.update({ id: 'l' }).append({ list: [chain(30)] });
    expect(() => Tree.update({ id: 'l' }).append({ list: [chain(31)] }).build()).toThrow(/32 levels/);
  });

  it('a condition value is not stored: the server takes one of any depth, and so does dynakit', async () => {
    await Tree.put({ id: 'c', root: chain(1) });
    await Tree.update({ id: 'c' }).set({ list: [] }).where(Tree.Attr('root').ne(chain(32) as never));
  });
});
