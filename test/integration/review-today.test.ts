/**
 * helper-55: adversarial review of the day's merged changes (AppTable.delete, DynamoDB limits,
 * cached guards and owner fast paths), against DynamoDB Local.
 */
import { describe, expect, it } from 'vitest';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { defineTable, ExpressionError, InvalidTransactionError, KeyError, TransactionCanceledError, transactWrite } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { countRequests, refusedBeforeSend } from '../support/requests.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);
const requests = countRequests(client);
const { AppTable, User } = appModel(client, uniqueTableName('review-today'));
const NumTable = defineTable({ name: uniqueTableName('review-today-n'), client, partitionKey: { name: 'id', type: 'N' } });

useTable(AppTable, { clients: [client] });
useTable(NumTable);

const getRaw = async (Key: Record<string, unknown>, TableName: string = AppTable.name) => (await doc.send(new GetCommand({ TableName, Key, ConsistentRead: true }))).Item;

describe('AppTable.delete keys', () => {
  it('a physical key with a lone UTF-16 surrogate is a KeyError: DynamoDB would delete the item keyed with "?" in its place', async () => {
    // The item of user 'a?' is a legitimate one; 'a\ud800' is a string cut inside a character.
    await User.put({ userId: 'a?', orgId: 'acme', email: 'q@example.com', name: 'Q' });
    const e = await refusedBeforeSend(requests, KeyError, () => AppTable.delete({ pk: 'USER#a\ud800', sk: 'PROFILE' }));
    expect(e.attribute).toBe('pk');
    expect(e.message).toMatch(/lone UTF-16 surrogate/);
    await expect(refusedBeforeSend(requests, KeyError, () => AppTable.delete({ pk: 'USER#a?', sk: 'PROF\udfffILE' }))).resolves.toBeInstanceOf(KeyError);
    expect((await User.get({ userId: 'a?' }))?.name).toBe('Q');
    // A well-formed pair is a character like any other.
    await doc.send(new PutCommand({ TableName: AppTable.name, Item: { pk: 'GHOST#😀', sk: 'A' } }));
    await AppTable.delete({ pk: 'GHOST#😀', sk: 'A' });
    expect(await getRaw({ pk: 'GHOST#😀', sk: 'A' })).toBeUndefined();
  });
});

describe('table-level key conditions', () => {
  it("a key condition value with a lone UTF-16 surrogate is an ExpressionError: DynamoDB would read the partition keyed with '?' instead", async () => {
    await User.put({ userId: 'b?', orgId: 'acme', email: 'b@example.com', name: 'B' });
    // What the request would have answered: user 'b?' for a partition that is not its own.
    const e = await refusedBeforeSend(requests, ExpressionError, () => AppTable.query(AppTable.Key('pk').eq('USER#b\ud800')).all());
    expect(e.message).toMatch(/pk.*lone UTF-16 surrogate/);
    await expect(refusedBeforeSend(requests, ExpressionError, () => AppTable.query(AppTable.Key('pk').eq('USER#b?').and(AppTable.Key('sk').beginsWith('PRO\udc00'))).all())).resolves.toBeInstanceOf(ExpressionError);
    const found = await AppTable.query(AppTable.Key('pk').eq('USER#b?')).all();
    expect(found.items.map((i) => i._et)).toEqual(['User']);
  });
});

describe('a table delete by a bigint number key in a transaction', () => {
  it('a cancellation is a TransactionCanceledError whose message shows the bigint key', async () => {
    await doc.send(new PutCommand({ TableName: NumTable.name, Item: { id: 9, v: 1 } }));
    const e = await transactWrite([NumTable.delete({ id: 9n }).where(NumTable.Attr('v').eq(2))]).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(TransactionCanceledError);
    expect((e as Error).message).toContain('#0 delete table ' + NumTable.name + ' {"id":9}: ConditionalCheckFailed');
    expect((e as TransactionCanceledError).reasons[0]!.key).toEqual({ id: 9n });
    expect(await getRaw({ id: 9 }, NumTable.name)).toEqual({ id: 9, v: 1 });
  });

  it('two actions on one item keyed by a bigint are an InvalidTransactionError naming the key', async () => {
    const e = await refusedBeforeSend(requests, InvalidTransactionError, () => transactWrite([NumTable.delete({ id: 10 }), NumTable.delete({ id: 10n })]));
    expect(e.message).toContain('touch the same item {"id":10}');
  });
});
