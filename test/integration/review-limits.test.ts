/**
 * DynamoDB's limits at their exact boundaries, as dynakit counts them against what DynamoDB Local
 * accepts: each case sends the boundary request raw (bypassing dynakit) to show where the server
 * draws the line, then checks that dynakit refuses exactly what the server refuses, before sending.
 */
import { describe, expect, it } from 'vitest';
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { BatchValidationError, defineEntity, defineTable, ExpressionError, ValidationError } from '../../src/index.js';
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

  it('an input thousands of levels deep (a JSON body) is the same ValidationError, not a stack overflow of the copy a builder takes', async () => {
    // JSON.parse takes 10,000 nested arrays; the builders' copy of their input recursed once per level
    // and threw a RangeError ("Maximum call stack size exceeded") from put() and set() themselves.
    const list = JSON.parse(`${'['.repeat(10_000)}${']'.repeat(10_000)}`) as unknown[];
    const refused = (build: () => unknown) => {
      try {
        build();
      } catch (e) {
        return e;
      }
      return undefined;
    };
    for (const e of [refused(() => Tree.put({ id: 'json', list }).build()), refused(() => Tree.update({ id: 'json' }).set({ list }).build())]) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues[0]!.path).toMatch(/^list(\[0\])+$/);
      expect((e as Error).message).toMatch(/32 levels/);
    }
    await expect(Tree.put({ id: 'json', list })).rejects.toThrow(ValidationError);
    expect(await Tree.get({ id: 'json' })).toBeUndefined();
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

describe('an expression after substituting its names and values: at most 1 MiB (1,048,576 bytes)', () => {
  const Note = defineEntity({
    table: LimitsTable,
    name: 'Note',
    schema: z.object({ id: z.string(), body: z.string().optional(), n: z.number().optional() }),
    keys: { primary: { pk: 'NOTE#{id}', sk: 'NOTE' } },
  });
  const MIB = 1_048_576;

  /** Bytes of a plain-ASCII expression once each placeholder is replaced by its name, or its value (strings here). */
  const substituted = (expression: string, names: Record<string, string>, values: Record<string, unknown>): number =>
    expression.length + [...expression.matchAll(/[#:][A-Za-z0-9_]+/g)].reduce((n, [t]) => n + (t.startsWith('#') ? names[t]!.length : String(values[t]).length), 0);

  /** An update of n whose condition compares body with a string of `length` characters. */
  const guarded = (length: number) => Note.update({ id: 'g' }).set({ n: 1 }).where(Note.Attr('body').ne('b'.repeat(length)));

  it('the server takes a condition of exactly 1 MiB and refuses one byte more; dynakit refuses that byte before sending', async () => {
    await Note.put({ id: 'g' });
    const probe = guarded(0).build();
    const fixed = substituted(probe.ConditionExpression!, probe.ExpressionAttributeNames!, probe.ExpressionAttributeValues!);
    const raw = (length: number) => {
      const input = guarded(0).build();
      const ph = Object.keys(input.ExpressionAttributeValues!).find((k) => input.ExpressionAttributeValues![k] === '')!;
      return server(() => doc.send(new UpdateCommand({ ...input, ExpressionAttributeValues: { ...input.ExpressionAttributeValues, [ph]: 'b'.repeat(length) } })));
    };
    expect(await raw(MIB - fixed)).toBe('ok');
    expect(await raw(MIB - fixed + 1)).toMatch(/^ValidationException: Invalid ConditionExpression: Expression size has exceeded the maximum allowed size/);
    await guarded(MIB - fixed);
    expect(() => guarded(MIB - fixed + 1).build()).toThrow(ExpressionError);
    expect(() => guarded(MIB - fixed + 1).build()).toThrow(/Note: .*condition.*1,048,577 bytes.*1,048,576/);
  });

  it('a query filter with two values of half a MiB is refused before sending, as the server refuses it', async () => {
    const big = 'b'.repeat(MIB / 2);
    const query = () => Note.query('primary', Note.Key('id').eq('g')).filter(Note.Attr('body').ne(big).and(Note.Attr('body').lt(big)));
    expect(() => query().build()).toThrow(ExpressionError);
    const input = Note.query('primary', Note.Key('id').eq('g')).filter(Note.Attr('body').ne(big)).build();
    expect(await server(() => doc.send(new QueryCommand(input)))).toBe('ok');
    expect(await server(() => doc.send(new QueryCommand({ ...input, FilterExpression: `${input.FilterExpression} AND ${input.FilterExpression}` })))).toMatch(/Expression size has exceeded/);
  });
});
