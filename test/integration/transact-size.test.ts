/**
 * The 4 MB transaction limit, counted as DynamoDB Local counts it, pinned at the exact boundary.
 *
 * Local refuses an oversized transaction with "Transaction payload size cannot exceed 4MB. Payload
 * Size: N". Each test first sends a slightly oversized probe straight to Local (bypassing dynakit's
 * check) to read N, then pads the last action so that Local's count is exactly 4 MB: that
 * transaction must go through, and one byte more must be refused by dynakit before sending, with
 * the same number in the message. Updates, deletes and checks (and puts with a condition) count
 * their expressions too, not only their keys and values.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { InvalidTransactionError, transactWrite, type TransactWriteAction } from '../../src/index.js';
import { MAX_TRANSACTION_BYTES } from '../../src/transactions/transact-write.js';
import { appModel } from '../fixtures/app-model.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { testClient, testDocClient, testEndpoint, uniqueTableName } from '../support/client.js';
import { injectFaults } from '../support/faults.js';
import { useTable } from '../support/tables.js';

const client = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 1 });
const counter = injectFaults(client);
const rawClient = testClient();
const raw = testDocClient(rawClient);
const { AppTable, User, Order } = appModel(client, uniqueTableName('tx-size'));

const RUN = randomBytes(3).toString('hex');
let n = 0;
const id = (label: string): string => `${label}${RUN}-${++n}`;
const user = (userId: string, history?: string[]) => ({ userId, orgId: 'acme', email: `${userId}@example.com`, name: `Name ${userId}`, age: 30, ...(history ? { history } : {}) });

/** Local's count for the actions, read from its refusal (the actions must be over 4 MB by some margin). */
async function localCount(actions: readonly TransactWriteAction[]): Promise<number> {
  // The actions as dynakit sends them (an update's UpdateExpression is optional in its own input type).
  const TransactItems = actions.map((a) => a.transactItem()) as TransactWriteCommandInput['TransactItems'];
  const e = await raw.send(new TransactWriteCommand({ TransactItems })).catch((x: unknown) => x);
  const found = /Payload Size: (\d+)/.exec(e instanceof Error ? e.message : '');
  if (found === null) throw new Error(`expected Local to refuse the probe as over 4 MB, got ${String(e)}`);
  return Number(found[1]);
}

/**
 * `build(pad)` with `pad` bytes in its last action is exactly at 4 MB by Local's count: `probe` is
 * an oversized pad (Local stops counting at the action that crosses 4 MB, which must be the last).
 */
async function exactPad(build: (pad: number) => TransactWriteAction[], probe: number): Promise<number> {
  const over = (await localCount(build(probe))) - MAX_TRANSACTION_BYTES;
  expect(over).toBeGreaterThan(0);
  const pad = probe - over;
  expect(await localCount(build(pad + 1))).toBe(MAX_TRANSACTION_BYTES + 1); // a byte of pad is a byte of count
  return pad;
}

async function expectRefusedBeforeSending(actions: readonly TransactWriteAction[]): Promise<void> {
  counter.reset();
  const e = await transactWrite(actions).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(InvalidTransactionError);
  expect((e as Error).message).toContain(`${MAX_TRANSACTION_BYTES + 1} bytes`);
  expect((e as Error).message).toMatch(/over DynamoDB's 4 MB limit/);
  expect(counter.calls).toHaveLength(0);
}

useTable(AppTable, { clients: [client, rawClient] });

describe("the 4 MB limit, as DynamoDB Local counts it", () => {
  it('updates only: exactly 4 MB goes through, one byte more is refused before sending', async () => {
    const ids = Array.from({ length: 11 }, () => id('u'));
    await Promise.all(ids.map((u) => User.put(user(u))));
    const build = (pad: number) =>
      ids.map((u, i) => User.update({ userId: u }).set({ history: ['y'.repeat(i === 10 ? pad : 380_000)] }));
    const pad = await exactPad(build, 395_000);
    await expectRefusedBeforeSending(build(pad + 1));
    await transactWrite(build(pad));
    expect((await User.get({ userId: ids[10]! }))?.history?.[0]).toHaveLength(pad);
  });

  it('puts with conditions, updates, deletes and checks together: exactly 4 MB goes through, one byte more is refused', async () => {
    const [kept, gone, checked, updated] = [id('u'), id('u'), id('u'), id('u')];
    await Promise.all([User.put(user(kept)), User.put(user(gone)), User.put(user(checked)), User.put(user(updated)), Order.put({ userId: kept, orderId: 'o1', seq: 1, total: 1, placedAt: new Date(0), lines: [] })]);
    const created = Array.from({ length: 10 }, () => id('c'));
    const build = (pad: number): TransactWriteAction[] => [
      ...created.map((c) => User.create(user(c, ['x'.repeat(380_000)]))),
      User.put(user(kept)).where(User.Attr('age').between(18, 99).and(User.Attr('name').beginsWith('Name'))),
      Order.update({ userId: kept, seq: 1, orderId: 'o1' }).set({ note: 'é😀 and a note' }).add({ total: 2 }).where(Order.Attr('total').lt(100)),
      User.delete({ userId: gone }).where(User.Attr('email').eq(`${gone}@example.com`)),
      User.check({ userId: checked }, User.Attr('age').gte(18).and(User.Attr('orgId').in(['acme', 'other']))),
      User.update({ userId: updated }).set({ history: ['y'.repeat(pad)] }).remove('age'),
    ];
    const pad = await exactPad(build, 395_000);
    await expectRefusedBeforeSending(build(pad + 1));
    await transactWrite(build(pad));
    expect(await User.get({ userId: gone })).toBeUndefined();
    expect((await User.get({ userId: updated }))?.history?.[0]).toHaveLength(pad);
    expect((await Order.get({ userId: kept, seq: 1, orderId: 'o1' }))?.total).toBe(3);
  });
});
