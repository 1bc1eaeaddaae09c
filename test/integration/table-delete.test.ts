/**
 * `AppTable.delete(physicalKey)` against DynamoDB Local: the delete of items no entity owns (what a
 * table-level read returns in `unknown`), by the table's physical key, alone, in batches and in
 * transactions. Bad keys are `KeyError`s before any request; conditions are the table's own.
 */
import { describe, expect, it } from 'vitest';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  BatchValidationError,
  BatchWriteError,
  ConditionFailedError,
  defineTable,
  ExpressionError,
  InvalidBatchError,
  InvalidTransactionError,
  ItemParseError,
  KeyError,
  TransactionCanceledError,
  transactWrite,
  type EntityInput,
} from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { testClient, testDocClient, testEndpoint, uniqueTableName } from '../support/client.js';
import { injectFaults } from '../support/faults.js';
import { countRequests, refusedBeforeSend } from '../support/requests.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);
const requests = countRequests(client);
const { AppTable, User, Order } = appModel(client, uniqueTableName('table-delete'));
const T = `table ${AppTable.name}`;

/** A table keyed by a number (no sort key), and one with a binary sort key. */
const NumTable = defineTable({ name: uniqueTableName('table-delete-n'), client, partitionKey: { name: 'id', type: 'N' } });
const BinTable = defineTable({ name: uniqueTableName('table-delete-b'), client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'bin', type: 'B' } });
/** A table without a discriminator: table-level reads are refused there, its deletes by key are not. */
const PlainTable = defineTable({ name: uniqueTableName('table-delete-p'), client, partitionKey: { name: 'pk', type: 'S' }, entityAttribute: false });

// After hooks run last-registered first: the client is destroyed after the last table is dropped.
useTable(AppTable, { clients: [client] });
useTable(NumTable);
useTable(BinTable);
useTable(PlainTable);

const putRaw = (Item: Record<string, unknown>, TableName: string = AppTable.name) => doc.send(new PutCommand({ TableName, Item }));
const getRaw = async (Key: Record<string, unknown>, TableName: string = AppTable.name) => (await doc.send(new GetCommand({ TableName, Key, ConsistentRead: true }))).Item;

const ada: EntityInput<typeof User> = { userId: 'u1', orgId: 'acme', email: 'ada@example.com', name: 'Ada' };

describe('deleting what a table-level read returns', () => {
  it('an unknown item found by a table-level query is deleted by its physical key; the entities stay', async () => {
    await User.put(ada);
    await putRaw({ pk: 'USER#u1', sk: 'NOTE#1', _et: 'Note', text: 'written by an older version' });
    await putRaw({ pk: 'USER#u1', sk: 'ZZZ', note: 'no discriminator at all' });
    const before = await AppTable.query(AppTable.Key('pk').eq('USER#u1')).all();
    expect(before.unknown).toHaveLength(2);

    for (const raw of before.unknown) await AppTable.delete({ pk: raw['pk'] as string, sk: raw['sk'] as string });

    const after = await AppTable.query(AppTable.Key('pk').eq('USER#u1')).all();
    expect(after.unknown).toEqual([]);
    expect(after.items.map((i) => i._et)).toEqual(['User']);
  });

  it("deletes an entity's item too (no ownership guard), and a missing item is a no-op", async () => {
    await User.put({ ...ada, userId: 'u2' });
    const input = AppTable.delete({ pk: 'USER#u2', sk: 'PROFILE' }).build();
    expect(input).toEqual({ TableName: AppTable.name, Key: { pk: 'USER#u2', sk: 'PROFILE' } });
    await AppTable.delete({ pk: 'USER#u2', sk: 'PROFILE' });
    expect(await User.get({ userId: 'u2' })).toBeUndefined();
    await expect(AppTable.delete({ pk: 'USER#u2', sk: 'PROFILE' }).send()).resolves.toBeUndefined();
  });

  it("returning('ALL_OLD') resolves to the item as stored, or undefined when none was", async () => {
    await putRaw({ pk: 'GHOST#1', sk: 'A', _et: 'Ghost', tags: new Set(['a', 'b']), n: 5 });
    const old = await AppTable.delete({ pk: 'GHOST#1', sk: 'A' }).returning('ALL_OLD');
    expect(old).toEqual({ pk: 'GHOST#1', sk: 'A', _et: 'Ghost', tags: new Set(['a', 'b']), n: 5 });
    expect(await AppTable.delete({ pk: 'GHOST#1', sk: 'A' }).returning('ALL_OLD')).toBeUndefined();
    expect(AppTable.delete({ pk: 'GHOST#1', sk: 'A' }).returning('ALL_OLD').returning('NONE').build().ReturnValues).toBeUndefined();
  });

  it('a returned item JavaScript cannot read is an ItemParseError that says the delete happened', async () => {
    await client.send(new PutItemCommand({ TableName: AppTable.name, Item: { pk: { S: 'GHOST#2' }, sk: { S: 'A' }, _et: { S: 'Ghost' }, big: { N: '12345678901234567890.5' } } }));
    const e = await AppTable.delete({ pk: 'GHOST#2', sk: 'A' }).returning('ALL_OLD').then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ItemParseError);
    expect((e as ItemParseError).written).toBe('delete');
    expect((e as ItemParseError).entity).toBe('Ghost');
    expect(await getRaw({ pk: 'GHOST#2', sk: 'A' })).toBeUndefined();
  });

  it('a table without a discriminator deletes by key too, with conditions', async () => {
    await putRaw({ pk: 'a', n: 1 }, PlainTable.name);
    await expect(PlainTable.delete({ pk: 'a' }).where(PlainTable.Attr('n').eq(2)).send()).rejects.toBeInstanceOf(ConditionFailedError);
    expect(await PlainTable.delete({ pk: 'a' }).where(PlainTable.Attr('n').eq(1)).returning('ALL_OLD')).toEqual({ pk: 'a', n: 1 });
    expect(await getRaw({ pk: 'a' }, PlainTable.name)).toBeUndefined();
  });

  it('the key given is copied: changing it afterwards changes nothing', async () => {
    const key = { pk: 'USER#u9', sk: 'PROFILE' };
    const del = AppTable.delete(key);
    key.pk = 'USER#other';
    expect(del.build().Key).toEqual({ pk: 'USER#u9', sk: 'PROFILE' });
  });
});

describe('conditions', () => {
  it('where() takes the table Attr; a false one is a ConditionFailedError naming the table, and the item stays', async () => {
    await putRaw({ pk: 'GHOST#3', sk: 'A', _et: 'Ghost', v: 1 });
    const key = { pk: 'GHOST#3', sk: 'A' };
    const e = await AppTable.delete(key).where(AppTable.Attr('_et').eq('Note')).where(AppTable.Attr('v').eq(1)).returnItemOnConditionFailure().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ConditionFailedError);
    const failed = e as ConditionFailedError;
    expect(failed.entity).toBe(T);
    expect(failed.message).toContain(`${T}: delete condition failed: its where() condition must hold`);
    expect(failed.item).toEqual({ pk: 'GHOST#3', sk: 'A', _et: 'Ghost', v: 1 });
    expect(await getRaw(key)).toBeDefined();

    const input = AppTable.delete(key).where(AppTable.Attr('_et').eq('Ghost')).build();
    expect(input.ConditionExpression).toBeDefined();
    await AppTable.delete(key).where(AppTable.Attr('_et').eq('Ghost')).where(AppTable.Attr('v').lt(2));
    expect(await getRaw(key)).toBeUndefined();
  });

  it("an entity's Attr, or something that is no condition, is an ExpressionError before sending", async () => {
    const key = { pk: 'GHOST#3', sk: 'A' };
    const e = await refusedBeforeSend(requests, ExpressionError, () => AppTable.delete(key).where(User.Attr('age').gt(1)));
    expect(e.message).toContain('User');
    await refusedBeforeSend(requests, ExpressionError, () => AppTable.delete(key).where('x = 1' as never));
  });
});

describe('bad keys are KeyErrors naming the table and the attribute, before sending', () => {
  const refused = async (attribute: string, message: RegExp, attempt: () => unknown): Promise<void> => {
    const e = await refusedBeforeSend(requests, KeyError, attempt);
    expect(e.entity).toMatch(/^table table-delete/);
    expect(e.message.startsWith(`${e.entity}: key primary: `)).toBe(true);
    expect(e.attribute).toBe(attribute);
    expect(e.message).toMatch(message);
  };

  it('missing, extra, wrong type, empty', async () => {
    await refused('sk', /missing key attribute sk/, () => AppTable.delete({ pk: 'USER#u1' } as never));
    await refused('gsi1pk', /gsi1pk is not a key attribute of the table; the key takes exactly pk, sk/, () => AppTable.delete({ pk: 'USER#u1', sk: 'A', gsi1pk: 'x' } as never));
    await refused('sk', /type S: it takes a non-empty string, got number/, () => AppTable.delete({ pk: 'USER#u1', sk: 1 } as never));
    await refused('pk', /pk cannot be empty/, () => AppTable.delete({ pk: '', sk: 'A' }));
    await refused('', /must be an object/, () => AppTable.delete(null as never));
    const e = await refusedBeforeSend(requests, KeyError, () => AppTable.delete({ pk: 'USER#u1' } as never));
    expect(e.entity).toBe(T);
  });

  it("over DynamoDB's key size limits (UTF-8 bytes), right at them is sent and accepted", async () => {
    await refused('pk', /2049 bytes, over DynamoDB's limit of 2048/, () => AppTable.delete({ pk: 'é'.repeat(1024) + 'x', sk: 'A' }));
    await refused('sk', /1025 bytes, over DynamoDB's limit of 1024/, () => AppTable.delete({ pk: 'A', sk: 'é'.repeat(512) + 'x' }));
    await putRaw({ pk: 'é'.repeat(1024), sk: 'é'.repeat(512), _et: 'Ghost' });
    await AppTable.delete({ pk: 'é'.repeat(1024), sk: 'é'.repeat(512) });
    expect(await getRaw({ pk: 'é'.repeat(1024), sk: 'é'.repeat(512) })).toBeUndefined();
  });

  it('number and binary keys: types, numbers DynamoDB cannot store, empty binary', async () => {
    await refused('id', /type N: it takes a number or bigint, got the string "1"/, () => NumTable.delete({ id: '1' } as never));
    await refused('id', /finite/, () => NumTable.delete({ id: Number.NaN }));
    await refused('id', /38|1E\+126/, () => NumTable.delete({ id: 10n ** 130n }));
    await refused('bin', /cannot be empty/, () => BinTable.delete({ pk: 'a', bin: new Uint8Array() }));
    await refused('bin', /takes a non-empty Uint8Array, got the string/, () => BinTable.delete({ pk: 'a', bin: 'AQI=' } as never));
    await refused('bin', /1025 bytes/, () => BinTable.delete({ pk: 'a', bin: new Uint8Array(1025) }));

    await putRaw({ id: 7, what: 'number key' }, NumTable.name);
    expect(await NumTable.delete({ id: 7n }).returning('ALL_OLD')).toEqual({ id: 7, what: 'number key' });
    await putRaw({ pk: 'a', bin: new Uint8Array([1, 2]) }, BinTable.name);
    await BinTable.delete({ pk: 'a', bin: new Uint8Array([1, 2]) });
    expect(await getRaw({ pk: 'a', bin: new Uint8Array([1, 2]) }, BinTable.name)).toBeUndefined();
  });
});

describe('in batches', () => {
  it('batchWrite takes table deletes next to entity writes; a key written twice keeps its last write', async () => {
    await putRaw({ pk: 'GHOST#b1', sk: 'A', _et: 'Ghost' });
    await putRaw({ pk: 'GHOST#b2', sk: 'A', _et: 'Ghost' });
    const result = await AppTable.batchWrite([
      AppTable.delete({ pk: 'GHOST#b1', sk: 'A' }),
      AppTable.delete({ pk: 'GHOST#b2', sk: 'A' }),
      // the same item as an entity put, then a table delete: deleted, and written once
      User.put({ ...ada, userId: 'b3' }),
      AppTable.delete({ pk: 'USER#b3', sk: 'PROFILE' }),
      // a table delete, then the entity put of that item: it is there
      AppTable.delete({ pk: 'USER#b4', sk: 'PROFILE' }),
      User.put({ ...ada, userId: 'b4' }),
    ]);
    expect(result.written).toBe(4);
    expect(await getRaw({ pk: 'GHOST#b1', sk: 'A' })).toBeUndefined();
    expect(await getRaw({ pk: 'GHOST#b2', sk: 'A' })).toBeUndefined();
    expect(await User.get({ userId: 'b3' })).toBeUndefined();
    expect((await User.get({ userId: 'b4' }))?.userId).toBe('b4');
  });

  it('a bad key is one of the invalid writes of the batch, as an entity key is: listed by BatchValidationError, skipped with bestEffort', async () => {
    await putRaw({ pk: 'GHOST#v1', sk: 'A' });
    const writes = () => [AppTable.delete({ pk: 'GHOST#v1', sk: 'A' }), AppTable.delete({ pk: '', sk: 'A' }), User.delete({} as never)];
    const e = await refusedBeforeSend(requests, BatchValidationError, () => AppTable.batchWrite(writes()));
    expect(e.failures.map((f) => f.index)).toEqual([1, 2]);
    expect(e.failures[0]!.error).toBeInstanceOf(KeyError);
    expect((e.failures[0]!.error as KeyError).attribute).toBe('pk');

    const result = await AppTable.batchWrite(writes(), { bestEffort: true });
    expect(result.written).toBe(1);
    expect(result.skipped.map((s) => s.index)).toEqual([1, 2]);
    expect(await getRaw({ pk: 'GHOST#v1', sk: 'A' })).toBeUndefined();
  });

  it('a number key given as a bigint and as a number is one item', async () => {
    await putRaw({ id: 8 }, NumTable.name);
    const result = await NumTable.batchWrite([NumTable.delete({ id: 8 }), NumTable.delete({ id: 8n })]);
    expect(result.written).toBe(1);
    expect(await getRaw({ id: 8 }, NumTable.name)).toBeUndefined();
  });

  it('the callback form and the streaming writer take them; a conditioned one is an InvalidBatchError', async () => {
    await putRaw({ pk: 'GHOST#c1', sk: 'A' });
    await putRaw({ pk: 'GHOST#c2', sk: 'A' });
    await AppTable.batchWrite((batch) => batch.delete(AppTable.delete({ pk: 'GHOST#c1', sk: 'A' })));
    {
      await using writer = AppTable.batchWriter();
      writer.delete(AppTable.delete({ pk: 'GHOST#c2', sk: 'A' }));
    }
    expect(await getRaw({ pk: 'GHOST#c1', sk: 'A' })).toBeUndefined();
    expect(await getRaw({ pk: 'GHOST#c2', sk: 'A' })).toBeUndefined();

    const conditioned = AppTable.delete({ pk: 'GHOST#c3', sk: 'A' }).where(AppTable.Attr('_et').eq('Ghost'));
    // @ts-expect-error a conditioned delete: the types refuse it; the run time too, for untyped callers
    const e = await refusedBeforeSend(requests, InvalidBatchError, () => AppTable.batchWrite([User.put(ada), conditioned]));
    expect(e.message).toMatch(new RegExp(`write #1: ${T}: BatchWriteItem has no conditions`));
    // @ts-expect-error as above
    expect(() => AppTable.batchWriter().delete(conditioned)).toThrow(InvalidBatchError);
  });

  it('a table delete never done is listed in BatchWriteError.unprocessed with the table and its physical key', async () => {
    const faulty = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 1 });
    const { AppTable: Faulty } = appModel(faulty, AppTable.name);
    injectFaults(faulty, { stuck: (entry) => entry.item['pk']?.['S'] === 'GHOST#stuck' });
    try {
      await putRaw({ pk: 'GHOST#stuck', sk: 'A' });
      await putRaw({ pk: 'GHOST#ok', sk: 'A' });
      const e = await Faulty.batchWrite([Faulty.delete({ pk: 'GHOST#stuck', sk: 'A' }), Faulty.delete({ pk: 'GHOST#ok', sk: 'A' })], { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(BatchWriteError);
      expect((e as BatchWriteError).unprocessed).toEqual([{ type: 'delete', entity: T, table: AppTable.name, key: { pk: 'GHOST#stuck', sk: 'A' } }]);
      expect(await getRaw({ pk: 'GHOST#stuck', sk: 'A' })).toBeDefined();
      expect(await getRaw({ pk: 'GHOST#ok', sk: 'A' })).toBeUndefined();
    } finally {
      faulty.destroy();
    }
  });
});

describe('in transactions', () => {
  it('a table delete with its condition goes with entity writes, all or nothing', async () => {
    await putRaw({ pk: 'GHOST#t1', sk: 'A', _et: 'Ghost' });
    await transactWrite([User.put({ ...ada, userId: 't1' }), AppTable.delete({ pk: 'GHOST#t1', sk: 'A' }).where(AppTable.Attr('_et').eq('Ghost'))]);
    expect(await getRaw({ pk: 'GHOST#t1', sk: 'A' })).toBeUndefined();
    expect((await User.get({ userId: 't1' }))?.userId).toBe('t1');

    await putRaw({ pk: 'GHOST#t2', sk: 'A', _et: 'Ghost' });
    const e = await transactWrite([
      User.put({ ...ada, userId: 't2' }),
      AppTable.delete({ pk: 'GHOST#t2', sk: 'A' }).where(AppTable.Attr('_et').eq('Note')).returnItemOnConditionFailure().returning('ALL_OLD'),
    ]).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(TransactionCanceledError);
    const reason = (e as TransactionCanceledError).reasons[1]!;
    expect(reason).toMatchObject({ index: 1, entity: T, code: 'ConditionalCheckFailed', key: { pk: 'GHOST#t2', sk: 'A' }, item: { pk: 'GHOST#t2', sk: 'A', _et: 'Ghost' } });
    expect((e as Error).message).toContain(`#1 delete ${T} {"pk":"GHOST#t2","sk":"A"}: ConditionalCheckFailed (required: its where() condition must hold)`);
    expect(await User.get({ userId: 't2' })).toBeUndefined();
    expect(await getRaw({ pk: 'GHOST#t2', sk: 'A' })).toBeDefined();
  });

  it("a bad key is a KeyError that names the action's position", async () => {
    const e = await refusedBeforeSend(requests, KeyError, () => transactWrite([User.delete({ userId: 'u1' }), AppTable.delete({ pk: 'GHOST#x' } as never)]));
    expect(e.message).toContain('missing key attribute sk');
    expect(e.message).toContain('(action #1 of the transaction)');
  });

  it('a table delete on a table whose client sends elsewhere is refused, naming the table', async () => {
    const elsewhere = new DynamoDBClient({ ...localClientConfig(testEndpoint()), region: 'eu-west-3' });
    try {
      const Far = defineTable({ name: uniqueTableName('table-delete-far'), client: elsewhere, partitionKey: { name: 'pk', type: 'S' } });
      const e = await refusedBeforeSend(requests, InvalidTransactionError, () => transactWrite([User.delete({ userId: 'u1' }), Far.delete({ pk: 'a' })]));
      expect(e.message).toContain(`actions #0 (User, table ${AppTable.name}) and #1 (table ${Far.name}) are on tables whose clients send to different places`);
    } finally {
      elsewhere.destroy();
    }
  });

  it('an entity action and a table delete of the same item are refused before sending', async () => {
    const e = await refusedBeforeSend(requests, InvalidTransactionError, () => transactWrite([User.delete({ userId: 'u1' }), AppTable.delete({ pk: 'USER#u1', sk: 'PROFILE' })]));
    expect(e.message).toContain(`actions #0 (delete User) and #1 (delete ${T}) touch the same item`);
    const order = { userId: 'u1', orderId: 'o1', seq: 1, total: 1, placedAt: new Date(), lines: [] };
    await refusedBeforeSend(requests, InvalidTransactionError, () => transactWrite([AppTable.delete({ pk: 'USER#u1', sk: 'ORDER#0000000000000001#o1' }), Order.put(order)]));
  });
});
