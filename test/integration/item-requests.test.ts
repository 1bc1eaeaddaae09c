/**
 * Every request dynakit sends goes out as a low-level command (get, put, update, delete, query,
 * scan, batch gets and writes, transaction gets and writes, checks), marshalled by dynakit
 * (src/client/send-document-request.ts, src/client/marshal-settings.ts). These tests pin that the
 * bytes on the wire are the ones lib-dynamodb's command would send for the same `build()` input (so
 * what is stored cannot differ), with a plain DynamoDBClient and with a DocumentClient whose own
 * translate settings apply, and that what comes back is read as before.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { buildTransactWrite, transactGet, transactWrite } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

interface Wire {
  readonly target: string;
  readonly body: string;
}

/** Records the target and body of every request the client sends, after serialization. */
function recordWire(client: DynamoDBClient): Wire[] {
  const sent: Wire[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers: Record<string, string>; body: unknown };
      const body = request.body;
      sent.push({ target: request.headers['x-amz-target'] ?? '', body: typeof body === 'string' ? body : Buffer.from(body as Uint8Array).toString('utf8') });
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordWire' },
  );
  return sent;
}

const clients: { name: string; make: () => { base: DynamoDBClient; given: DynamoDBClient | DynamoDBDocumentClient } }[] = [
  { name: 'a DynamoDBClient', make: () => { const base = testClient(); return { base, given: base }; } },
  {
    name: 'a DocumentClient with removeUndefinedValues and convertClassInstanceToMap',
    make: () => {
      const base = testClient();
      return { base, given: testDocClient(base, { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true } }) };
    },
  },
];

describe.each(clients)('single-item requests through $name', ({ make }) => {
  const { base, given } = make();
  const wire = recordWire(base);
  const { AppTable, User } = appModel(given as DynamoDBClient, uniqueTableName('item-requests'));
  const key = { userId: 'u1' };
  const ada = {
    userId: 'u1', orgId: 'acme', email: 'ada@example.com', name: 'Ada', age: 36, score: 1.5,
    tags: new Set(['b', 'a']), address: { city: 'Paris', zip: '75001' }, items: [{ sku: 's1', qty: 2 }],
    history: ['x'], birthday: new Date('1990-01-02T03:04:05.000Z'), status: 'active' as const,
  };

  useTable(AppTable, { clients: [base] });
  beforeEach(() => {
    // Timestamps must be the same in both sends of a pair.
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-12-04T12:00:00.000Z') });
    wire.length = 0;
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Sends `input` as lib-dynamodb would, then runs dynakit's call; returns the two requests. */
  async function pair(libCommand: object, dynakitCall: () => PromiseLike<unknown>): Promise<[Wire, Wire, unknown]> {
    await (given as DynamoDBDocumentClient).send(libCommand as PutCommand);
    const result = await dynakitCall();
    expect(wire).toHaveLength(2);
    return [wire[0]!, wire[1]!, result];
  }

  it('put: the same PutItem request as PutCommand; resolves to the stored item', async () => {
    const put = User.put(ada).where(User.Attr('age').lt(200).or(User.Attr('age').notExists()));
    const [lib, ours, stored] = await pair(new PutCommand(put.build()), () => put);
    expect(ours).toEqual(lib);
    expect(ours.target).toBe('DynamoDB_20120810.PutItem');
    expect(stored).toMatchObject({ ...ada, createdAt: '2026-12-04T12:00:00.000Z' });
  });

  it('get: the same GetItem request as GetCommand; reads sets, dates, maps and lists back', async () => {
    const get = User.get(key).consistent();
    const [lib, ours, item] = await pair(new GetCommand(get.build()), () => get);
    expect(ours).toEqual(lib);
    expect(ours.target).toBe('DynamoDB_20120810.GetItem');
    expect(item).toEqual({ ...ada, createdAt: '2026-12-04T12:00:00.000Z', updatedAt: '2026-12-04T12:00:00.000Z' });
  });

  it('query and scan: the same Query / Scan requests as QueryCommand / ScanCommand, from a cursor too', async () => {
    await User.put({ ...ada, userId: 'u0', name: 'Al' });
    wire.length = 0;
    const query = User.query('gsi1', User.Key('orgId').eq('acme').and(User.Key('name').beginsWith('A'))).filter(User.Attr('tags').contains('a')).limit(1);
    const [lib, ours, page] = await pair(new QueryCommand(query.build()), () => query);
    expect(ours).toEqual(lib);
    expect(ours.target).toBe('DynamoDB_20120810.Query');
    const first = page as { items: unknown[]; cursor?: string };
    // gsi1's sort key is USER#{name}#{userId}: Ada before Al
    expect(first.items).toEqual([{ ...ada, createdAt: '2026-12-04T12:00:00.000Z', updatedAt: '2026-12-04T12:00:00.000Z' }]);
    expect(first.cursor).toBeDefined();
    // from the cursor: the ExclusiveStartKey is marshalled as lib-dynamodb would
    wire.length = 0;
    const rest = query.startAfter(first.cursor);
    const [libRest, oursRest, second] = await pair(new QueryCommand(rest.build()), () => rest);
    expect(oursRest).toEqual(libRest);
    expect(oursRest.body).toContain('ExclusiveStartKey');
    expect((second as { items: { userId: string }[] }).items.map((u) => u.userId)).toEqual(['u0']);
    wire.length = 0;
    const scan = User.scan().filter(User.Attr('address.city').eq('Paris')).pageSize(5);
    const [libScan, oursScan, scanned] = await pair(new ScanCommand(scan.build()), () => scan);
    expect(oursScan).toEqual(libScan);
    expect(oursScan.target).toBe('DynamoDB_20120810.Scan');
    expect((scanned as { items: { userId: string }[] }).items.map((u) => u.userId).sort()).toEqual(['u0', 'u1']);
    await User.delete({ userId: 'u0' });
  });

  it('get of a missing item: the same request, undefined', async () => {
    const get = User.get({ userId: 'nobody' });
    const [lib, ours, item] = await pair(new GetCommand(get.build()), () => get);
    expect(ours).toEqual(lib);
    expect(item).toBeUndefined();
  });

  it('batchGet: the same BatchGetItem request as BatchGetCommand; items read back in the order asked', async () => {
    const gets = [User.get({ userId: 'nobody' }).consistent(), User.get(key).consistent()] as const;
    const libInput = { RequestItems: { [AppTable.name]: { ConsistentRead: true, Keys: gets.map((g) => g.build().Key!) } } };
    const [lib, ours, items] = await pair(new BatchGetCommand(libInput), () => AppTable.batchGet(gets));
    expect(ours).toEqual(lib);
    expect(ours.target).toBe('DynamoDB_20120810.BatchGetItem');
    expect(items).toEqual([undefined, { ...ada, createdAt: '2026-12-04T12:00:00.000Z', updatedAt: '2026-12-04T12:00:00.000Z' }]);
    wire.length = 0;
    // the entity-level form sends the same
    const [lib2, ours2] = await pair(new BatchGetCommand(libInput), () => User.batchGet([{ userId: 'nobody' }, key]).consistent());
    expect(ours2).toEqual(lib2);
  });

  it('transactGet: the same TransactGetItems request as TransactGetCommand, with a projection; items read back', async () => {
    const gets = [User.get(key).project('name', 'tags', 'birthday'), User.get({ userId: 'nobody' })] as const;
    const [lib, ours, items] = await pair(new TransactGetCommand({ TransactItems: gets.map((g) => ({ Get: g.build() })) }), () => transactGet(gets));
    expect(ours).toEqual(lib);
    expect(ours.target).toBe('DynamoDB_20120810.TransactGetItems');
    expect(items).toEqual([{ name: 'Ada', tags: new Set(['a', 'b']), birthday: ada.birthday }, undefined]);
  });

  it('transactWrite and check: the same TransactWriteItems requests as TransactWriteCommand', async () => {
    const actions = () => [
      User.put({ ...ada, userId: 'tx1' }).where(User.Attr('userId').notExists()),
      User.update({ userId: 'tx2' }).set({ name: 'Tx', 'address.city': 'Nice' }).add({ tags: new Set(['t']) }),
      User.delete({ userId: 'tx3' }).where(User.Attr('age').lt(200).or(User.Attr('age').notExists())),
      User.check(key, User.Attr('tags').contains('a')),
    ];
    await User.put({ ...ada, userId: 'tx2' });
    wire.length = 0;
    const idempotencyToken = randomUUID(); // tokens are account-wide: one per describe
    const { input } = buildTransactWrite(actions(), { idempotencyToken });
    await (given as DynamoDBDocumentClient).send(new TransactWriteCommand(input));
    // the same token and request: DynamoDB takes it as the transaction already done
    await transactWrite(actions(), { idempotencyToken });
    expect(wire).toHaveLength(2);
    expect(wire[1]).toEqual(wire[0]);
    expect(wire[1]!.target).toBe('DynamoDB_20120810.TransactWriteItems');
    expect(await User.get({ userId: 'tx2' })).toMatchObject({ name: 'Tx', address: { city: 'Nice' }, tags: new Set(['a', 'b', 't']) });
    wire.length = 0;
    const check = User.check(key, User.Attr('age').gte(18));
    const [lib, ours] = await pair(new TransactWriteCommand({ TransactItems: [{ ConditionCheck: check.build() }] }), () => check);
    // the SDK fills in a fresh ClientRequestToken for each
    const tokenless = (w: Wire) => ({ ...w, body: w.body.replace(/"ClientRequestToken":"[^"]*"/, '') });
    expect(tokenless(ours)).toEqual(tokenless(lib));
    await User.delete({ userId: 'tx1' });
    await User.delete({ userId: 'tx2' });
  });

  it('batch writes: the same BatchWriteItem request as BatchWriteCommand', async () => {
    const puts = [User.put({ ...ada, userId: 'bw1' }), User.put({ ...ada, userId: 'bw2', tags: new Set(['z']) })];
    const del = User.delete({ userId: 'bw3' });
    const RequestItems = { [AppTable.name]: [...puts.map((p) => ({ PutRequest: { Item: p.build().Item! } })), { DeleteRequest: { Key: del.build().Key! } }] };
    const [lib, ours] = await pair(new BatchWriteCommand({ RequestItems }), () => AppTable.batchWrite([...puts, del]));
    expect(ours).toEqual(lib);
    expect(ours.target).toBe('DynamoDB_20120810.BatchWriteItem');
    expect((await User.get({ userId: 'bw2' }))?.tags).toEqual(new Set(['z']));
    await AppTable.batchWrite([User.delete({ userId: 'bw1' }), User.delete({ userId: 'bw2' })]);
  });

  it('update: the same UpdateItem request as UpdateCommand; ALL_NEW is read back', async () => {
    const update = User.update(key)
      .set({ name: 'Bo', 'address.city': 'Lyon' })
      .add({ age: 1, tags: new Set(['c']) })
      .append({ history: ['y'] })
      .remove('score')
      .where(User.Attr('age').gte(18))
      .returning('ALL_NEW');
    const [lib, ours, updated] = await pair(new UpdateCommand(update.build()), () => update);
    expect(ours).toEqual(lib);
    expect(ours.target).toBe('DynamoDB_20120810.UpdateItem');
    // Both requests ran: ADD and append applied twice.
    expect(updated).toMatchObject({ name: 'Bo', age: 38, tags: new Set(['a', 'b', 'c']), address: { city: 'Lyon', zip: '75001' }, history: ['x', 'y', 'y'] });
    expect(updated).not.toHaveProperty('score');
  });

  it('delete: a false condition is a ConditionFailedError carrying the stored item', async () => {
    const failing = User.delete(key).where(User.Attr('age').lt(10)).returnItemOnConditionFailure();
    await expect(failing).rejects.toMatchObject({ name: 'ConditionFailedError', item: { userId: 'u1', age: 38, tags: new Set(['a', 'b', 'c']) } });
  });

  it('delete: the same DeleteItem request as DeleteCommand; ALL_OLD is read back', async () => {
    const del = User.delete(key).returning('ALL_OLD');
    const old = await del;
    expect(old).toMatchObject({ userId: 'u1', name: 'Bo', age: 38, birthday: ada.birthday });
    wire.length = 0;
    // The item is gone now, so both requests of the pair find nothing and change nothing.
    const [lib, ours, again] = await pair(new DeleteCommand(del.build()), () => del);
    expect(ours).toEqual(lib);
    expect(ours.target).toBe('DynamoDB_20120810.DeleteItem');
    expect(again).toBeUndefined();
  });
});
