/**
 * Review of transactions (transactWrite / transactGet) against DynamoDB Local: builders reused in
 * later transactions (timestamps, idempotency tokens), which action an error is about (invalid
 * items and keys, Local's whole-transaction ValidationException, two actions on one item), the
 * 4 MB limit on what transactGet returns, and tables whose clients send to other places.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ExpressionError, InvalidTransactionError, ItemSizeError, KeyError, ValidationError, transactGet, transactWrite, type EntityInput } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { testClient, testDocClient, testEndpoint, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 1 });
const rawClient = testClient();
const raw = testDocClient(rawClient);
const A = appModel(client, uniqueTableName('review-tx'));
const { User, Order } = A;
useTable(A.AppTable, { clients: [client, rawClient] });

// Idempotency tokens are remembered by the server for 10 minutes: keep ids unique per run.
const RUN = randomBytes(3).toString('hex');
let n = 0;
const id = (label: string): string => `${label}${RUN}-${++n}`;
const user = (userId: string, extra: Partial<EntityInput<typeof User>> = {}): EntityInput<typeof User> => ({
  userId,
  orgId: 'acme',
  email: `${userId}@example.com`,
  name: `Name ${userId}`,
  age: 30,
  ...extra,
});
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function storedStamps(userId: string): Promise<{ createdAt: unknown; updatedAt: unknown; age: unknown }> {
  const item = (await raw.send(new GetCommand({ TableName: A.AppTable.name, Key: { pk: `USER#${userId}`, sk: 'PROFILE' }, ConsistentRead: true }))).Item ?? {};
  return { createdAt: item['createdAt'], updatedAt: item['updatedAt'], age: item['age'] };
}

describe('a builder reused in a later transaction', () => {
  it('an update stamps updatedAt with the time of each transaction, not of its first one', async () => {
    const u = id('u');
    await User.put(user(u, { age: 1 }));
    const bump = User.update({ userId: u }).add({ age: 1 });
    await transactWrite([bump]);
    const first = await storedStamps(u);
    await pause(15);
    await transactWrite([bump]);
    const second = await storedStamps(u);
    expect(second.age).toBe(3);
    expect(String(second.updatedAt) > String(first.updatedAt)).toBe(true);
    // With another idempotency token it is another transaction too.
    await pause(15);
    await transactWrite([bump], { idempotencyToken: id('tok') });
    const third = await storedStamps(u);
    expect(third.age).toBe(4);
    expect(String(third.updatedAt) > String(second.updatedAt)).toBe(true);
  });

  it('a put stamps createdAt and updatedAt with the time of each transaction', async () => {
    const u = id('u');
    const write = User.put(user(u));
    await transactWrite([write]);
    const first = await storedStamps(u);
    await pause(15);
    await transactWrite([write]);
    const second = await storedStamps(u);
    // A put replaces the item: both stamps are those of the second write, as for a single put.
    expect(String(second.createdAt) > String(first.createdAt)).toBe(true);
    expect(String(second.updatedAt) > String(first.updatedAt)).toBe(true);
  });

  it('a retry with the same idempotency token still sends the same payload: it succeeds and applies once', async () => {
    const u = id('u');
    await User.put(user(u, { age: 1 }));
    const token = id('tok');
    const actions = [User.update({ userId: u }).add({ age: 1 }), User.put(user(id('u')))];
    await transactWrite(actions, { idempotencyToken: token });
    const first = await storedStamps(u);
    await pause(15);
    await transactWrite(actions, { idempotencyToken: token });
    expect(await storedStamps(u)).toEqual(first);
    expect(first.age).toBe(2);
  });
});

describe('an invalid action among many', () => {
  it('its ValidationError, KeyError or ItemSizeError says which action of the transaction it is', async () => {
    const ok = Array.from({ length: 5 }, () => User.put(user(id('u'))));
    const invalid = await transactWrite([...ok, User.put(user(id('u'), { email: 'nope' })), ...ok.map(() => User.put(user(id('u'))))]).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ValidationError);
    expect((invalid as Error).message).toMatch(/^User: invalid item: email: .* \(action #5 of the transaction\)$/);

    const noKey = await transactWrite([User.put(user(id('u'))), Order.update({ userId: 'x', seq: 1 } as never).add({ total: 1 })]).catch((e: unknown) => e);
    expect(noKey).toBeInstanceOf(KeyError);
    expect((noKey as Error).message).toMatch(/orderId.*\(action #1 of the transaction\)$/);

    const tooBig = await transactWrite([User.delete({ userId: 'x' }), User.put(user(id('u'), { history: ['h'.repeat(410_000)] }))]).catch((e: unknown) => e);
    expect(tooBig).toBeInstanceOf(ItemSizeError);
    expect((tooBig as Error).message).toMatch(/\(action #1 of the transaction\)$/);

    const badGet = await transactGet([User.get({ userId: 'x' }), User.get({} as never)]).catch((e: unknown) => e);
    expect(badGet).toBeInstanceOf(KeyError);
    expect((badGet as Error).message).toMatch(/userId.*\(get #1 of the transaction\)$/);
  });
});

describe('a ValidationException DynamoDB Local answers for the whole transaction', () => {
  // Local refuses these with a plain ValidationException naming no action (the real service may
  // cancel with a ValidationError reason instead); a single update restates them as ExpressionError.
  it('an update of a nested path whose parent is missing: ExpressionError naming the action and its path', async () => {
    const [u, other] = [id('u'), id('u')];
    await User.put(user(u));
    const e = await transactWrite([User.put(user(other)), User.update({ userId: u }).set({ 'address.city': 'Paris' })]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ExpressionError);
    expect((e as ExpressionError).path).toBe('address.city');
    expect((e as Error).message).toMatch(/^User: address\.city: update: the stored item has no map or list to hold this path .*\(action #1 of the transaction\)$/);
    expect(((e as Error).cause as Error).name).toBe('ValidationException');
    expect(await User.get({ userId: other })).toBeUndefined();
  });

  it('an update copying an attribute the item lacks: ExpressionError naming the action and the attribute', async () => {
    const u = id('u');
    await User.put(user(u));
    const e = await transactWrite([User.update({ userId: id('u') }).set({ age: 1 }).upsert(false), User.update({ userId: u }).set({ price: User.ref('listPrice') })]).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(ExpressionError);
    expect((e as ExpressionError).path).toBe('listPrice');
    expect((e as Error).message).toMatch(/\(action #1 of the transaction\)$/);
  });
});

describe('transactGet over 4 MB of items', () => {
  it('DynamoDB refuses to return more than 4 MB: InvalidTransactionError saying so, with the SDK error as cause; projected, the same gets go through', async () => {
    const u = id('u');
    const big = 'x'.repeat(390_000);
    // 11 items of ~390 KB: about 4.3 MB in all.
    await Promise.all(Array.from({ length: 11 }, (_, i) => User.put(user(`${u}-${i}`, { history: [big] }))));
    const gets = () => Array.from({ length: 11 }, (_, i) => User.get({ userId: `${u}-${i}` }));
    const e = await transactGet(gets()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InvalidTransactionError);
    expect((e as Error).message).toMatch(/^transactGet: the 11 items read add up to more than DynamoDB's 4 MB per transaction/);
    expect(((e as Error).cause as Error).name).toBe('ValidationException');
    const names = await transactGet(gets().map((g) => g.project('name')));
    expect(names.map((x) => x?.name)).toEqual(Array.from({ length: 11 }, (_, i) => `Name ${u}-${i}`));
  });
});

describe('two actions on one item', () => {
  it('the refusal names both actions (operation and entity) and the key', async () => {
    const u = id('u');
    const e = await transactWrite([User.put(user(u)), Order.put({ userId: u, orderId: 'o1', seq: 1, total: 1, placedAt: new Date(), lines: [] }), User.check({ userId: u }, User.Attr('age').gt(1))]).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(InvalidTransactionError);
    expect((e as Error).message).toBe(
      `actions #0 (put User) and #2 (check User) touch the same item {"pk":"USER#${u}","sk":"PROFILE"}; DynamoDB allows one action per item in a transaction (merge the condition into the write)`,
    );
    const gets = await transactGet([Order.get({ userId: u, seq: 1, orderId: 'o1' }), User.get({ userId: u }), User.get({ userId: u }).project('name')]).catch((x: unknown) => x);
    expect(gets).toBeInstanceOf(InvalidTransactionError);
    expect((gets as Error).message).toBe(`gets #1 (User) and #2 (User) read the same item {"pk":"USER#${u}","sk":"PROFILE"}; DynamoDB allows one action per item in a transaction`);
  });
});

describe('tables on clients that send elsewhere', () => {
  // A transaction is one request, in one region; it goes through the client of the first action's
  // table. A table whose client sends to another region or endpoint must not be written through it.
  it('actions whose tables use clients of another endpoint or region are refused before sending', async () => {
    const elsewhere = new DynamoDBClient({ ...localClientConfig('http://127.0.0.1:9'), maxAttempts: 1 });
    const otherRegion = new DynamoDBClient({ ...localClientConfig(testEndpoint()), region: 'eu-west-1', maxAttempts: 1 });
    const sameRegion = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 1 });
    try {
      // Same table name, other clients (e.g. the same app's table in two places).
      const far = appModel(elsewhere, A.AppTable.name);
      const eu = appModel(otherRegion, A.AppTable.name);
      const near = appModel(sameRegion, A.AppTable.name);
      const [u, v] = [id('u'), id('u')];
      // On its own, a write through `far` never reaches this server.
      await expect(far.User.put(user(u))).rejects.toThrow();
      const e = await transactWrite([User.put(user(v)), far.User.put(user(u))]).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(InvalidTransactionError);
      expect((e as Error).message).toBe(
        `actions #0 (User, table ${A.AppTable.name}) and #1 (User, table ${A.AppTable.name}) are on tables whose clients send to different places ` +
          `(region us-east-1 at ${testEndpoint()}/; region us-east-1 at http://127.0.0.1:9/): a transaction is one request to one region, sent through the client of the first table`,
      );
      expect(await User.get({ userId: v })).toBeUndefined();
      expect(await User.get({ userId: u })).toBeUndefined();
      await expect(transactWrite([User.put(user(v)), eu.User.put(user(u))])).rejects.toBeInstanceOf(InvalidTransactionError);
      await expect(transactGet([User.get({ userId: v }), far.User.get({ userId: u })])).rejects.toBeInstanceOf(InvalidTransactionError);
      // Another client of the same region and endpoint is fine.
      await transactWrite([User.put(user(v)), near.User.put(user(u))]);
      expect((await transactGet([User.get({ userId: v }), near.User.get({ userId: u })])).map((x) => x?.userId)).toEqual([v, u]);
    } finally {
      elsewhere.destroy();
      otherRegion.destroy();
      sameRegion.destroy();
    }
  });
});
