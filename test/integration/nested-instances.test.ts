/**
 * A class instance of the caller's inside an item or value map, where the schema expects a map
 * (`address: z.object({...})`), is taken when the builder is made, as its fields: a loop that
 * reuses one `Address` instance for every row writes each row's address. Before, instances were
 * kept as given (a schema may check one by its class, `z.instanceof`) and read when the request was
 * built: every write of a batch callback, of a transaction, of builders collected and sent
 * together, had the last address, silently.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteError, defineEntity, defineTable, transactWrite } from '../../src/index.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { testClient, testEndpoint, uniqueTableName } from '../support/client.js';
import { throttled } from '../support/faults.js';
import { useTable } from '../support/tables.js';
import { Address } from '../fixtures/address-class.js';

const client = testClient();
const Table = defineTable({ name: uniqueTableName('nested-instances'), client, partitionKey: { name: 'pk', type: 'S' } });
useTable(Table, { clients: [client] });

class Money {
  constructor(public cents: number) {}
}
const address = z.object({ city: z.string(), zip: z.number() });
const userSchema = z.object({ id: z.string(), address, previous: z.array(address).optional(), price: z.instanceof(Money).transform((m) => m.cents).optional() });
const User = defineEntity({
  table: Table,
  name: 'User',
  schema: userSchema,
  keys: { primary: { pk: 'U#{id}' } },
});
const users = async (prefix: string) =>
  (await User.scan().filter(User.Attr('id').beginsWith(prefix)).all())
    .map((u) => `${u.id}:${u.address.city}:${u.address.zip}${u.previous === undefined ? '' : `:${u.previous.map((a) => a.city).join('+')}`}`)
    .sort();

/** Sets the reused instance to row i's values. */
const moved = (addr: Address, i: number): Address => Object.assign(addr, { city: `c${i}`, zip: i });

describe('a class instance where the schema expects a map is taken when the builder is made', () => {
  it("batchWrite's callback with one Address instance reused for every put", async () => {
    const addr = new Address();
    const result = await Table.batchWrite((batch) => {
      for (let i = 0; i < 3; i++) batch.put(User, { id: `b${i}`, address: moved(addr, i) });
    });
    expect(result.written).toBe(3);
    expect(await users('b')).toEqual(['b0:c0:0', 'b1:c1:1', 'b2:c2:2']);
  });

  it('transactWrite of puts, and put builders collected and sent by batchWrite, with one instance reused (in a list too)', async () => {
    const addr = new Address();
    const puts = [];
    for (let i = 0; i < 3; i++) puts.push(User.put({ id: `t${i}`, address: moved(addr, i), previous: [addr] }));
    await transactWrite(puts);
    expect(await users('t')).toEqual(['t0:c0:0:c0', 't1:c1:1:c1', 't2:c2:2:c2']);

    const collected = [];
    for (let i = 0; i < 3; i++) collected.push(User.put({ id: `k${i}`, address: moved(addr, i) }));
    await Table.batchWrite(collected);
    expect(await users('k')).toEqual(['k0:c0:0', 'k1:c1:1', 'k2:c2:2']);
  });

  it('update values: set() of a reused instance, at a top-level and a list path; ref() of another map is still a reference', async () => {
    await Table.batchWrite(['u0', 'u1'].map((id) => User.put({ id, address: { city: 'old', zip: 9 }, previous: [{ city: 'p', zip: 0 }] })));
    const addr = new Address();
    const updates = ['u0', 'u1'].map((id, i) => User.update({ id }).set({ address: moved(addr, i), 'previous[0]': addr }));
    await transactWrite(updates);
    expect(await users('u')).toEqual(['u0:c0:0:c0', 'u1:c1:1:c1']);
    // A ref() where a map is expected is dynakit's own value: kept as it is, it copies the stored map.
    await User.update({ id: 'u1' }).set({ address: { city: 'new', zip: 2 } });
    await User.update({ id: 'u1' }).set({ 'previous[0]': User.ref('address') });
    expect(await users('u1')).toEqual(['u1:new:2:new']);
  });

  it('a field checked by its class (z.instanceof) still gets the instance itself', async () => {
    const price = new Money(150);
    const stored = await User.put({ id: 'm0', address: { city: 'x', zip: 1 }, price });
    expect(stored.price).toBe(150);
    const read = await User.get({ id: 'm0' });
    expect(read?.price).toBe(150);
  });

  it("BatchWriteError.unprocessed lists each put's address as given, and redoing the entries writes them", async () => {
    // Every BatchWriteItem call of this client is throttled: the batch gives up with every write unprocessed.
    const stuckClient = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 1 });
    stuckClient.middlewareStack.add((next, context) => async (args) => (context.commandName === 'BatchWriteItemCommand' ? Promise.reject(throttled()) : next(args)), { step: 'initialize', name: 'throttleAll' });
    const StuckTable = defineTable({ name: Table.name, client: stuckClient, partitionKey: { name: 'pk', type: 'S' } });
    const StuckUser = defineEntity({ table: StuckTable, name: 'User', schema: userSchema, keys: { primary: { pk: 'U#{id}' } } });
    const addr = new Address();
    const error = await StuckTable.batchWrite(
      (batch) => {
        for (let i = 0; i < 2; i++) batch.put(StuckUser, { id: `r${i}`, address: moved(addr, i) });
      },
      { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    ).catch((e: unknown) => e);
    stuckClient.destroy();
    expect(error).toBeInstanceOf(BatchWriteError);
    const unprocessed = (error as BatchWriteError).unprocessed;
    moved(addr, 9);
    expect(unprocessed.map((u) => (u.type === 'put' ? u.item['address'] : u.key))).toEqual([{ city: 'c0', zip: 0 }, { city: 'c1', zip: 1 }]);
    for (const u of unprocessed) await User.redo(u);
    expect(await users('r')).toEqual(['r0:c0:0', 'r1:c1:1']);
  });
});

describe('a DTO given as the whole item is read as zod reads it', () => {
  const Strict = defineEntity({ table: Table, name: 'Strict', schema: z.strictObject({ id: z.string(), first: z.string(), note: z.string().optional() }), keys: { primary: { pk: 'S#{id}' } }, version: 'rev' });

  it('a computed getter outside a strict schema is not a field of the item (zod accepts the DTO, so does the put)', async () => {
    class Row {
      id = 's0';
      first = 'Ann';
      get display(): string {
        return `${this.first}!`;
      }
    }
    await Strict.put(new Row());
    expect(await Strict.get({ id: 's0' })).toEqual({ id: 's0', first: 'Ann', rev: 1 });
    // The version read from a getter still guards the replacement.
    class Read extends Row {
      get rev(): number {
        return 1;
      }
    }
    await Strict.put(new Read());
    expect(await Strict.get({ id: 's0' })).toEqual({ id: 's0', first: 'Ann', rev: 2 });
  });

  it('an item made with Object.create(defaults) keeps its inherited fields (an optional one was dropped, silently)', async () => {
    const defaults = { first: 'Bo', note: 'from defaults' };
    const row = Object.assign(Object.create(defaults) as { id: string; first: string; note?: string }, { id: 's1' });
    await Strict.put(row);
    expect(await Strict.get({ id: 's1' })).toEqual({ id: 's1', first: 'Bo', note: 'from defaults', rev: 1 });
  });
});

describe('withTimestamps takes its times when it is called', () => {
  const Stamped = defineEntity({ table: Table, name: 'Stamped', schema: z.object({ id: z.string() }), keys: { primary: { pk: 'T#{id}' } }, timestamps: true });
  const day = (d: number) => new Date(Date.UTC(2020, 0, d));

  it('one times object (and its Date) reused for several puts and updates: each write stores the times of its call', async () => {
    const times = { createdAt: day(1), updatedAt: day(1) };
    const puts = [];
    for (let d = 1; d <= 3; d++) {
      times.createdAt = day(d);
      times.updatedAt.setTime(day(d + 10).getTime());
      puts.push(Stamped.put({ id: `w${d}` }).withTimestamps(times));
    }
    await transactWrite(puts);
    const updated = { updatedAt: day(20) };
    const update = Stamped.update({ id: 'w1' }).set({}).withTimestamps(updated);
    updated.updatedAt.setTime(day(25).getTime());
    await update;
    const read = await Promise.all(['w1', 'w2', 'w3'].map((id) => Stamped.get({ id })));
    expect(read.map((r) => `${r?.id}:${r?.createdAt}:${r?.updatedAt}`)).toEqual([
      `w1:${day(1).toISOString()}:${day(20).toISOString()}`,
      `w2:${day(2).toISOString()}:${day(12).toISOString()}`,
      `w3:${day(3).toISOString()}:${day(13).toISOString()}`,
    ]);
  });
});

describe('a class instance given as a condition value where the schema reads a map', () => {
  it('is taken as its fields when the condition is built: eq, in and contains hold on the stored map (the encoder refused it before)', async () => {
    await User.put({ id: 'w0', address: { city: 'c0', zip: 0 }, previous: [{ city: 'p', zip: 9 }] });
    const addr = moved(new Address(), 0);
    const eq = User.Attr('address').eq(addr);
    const within = User.Attr('address').in([moved(new Address(), 5), addr]);
    const old = Object.assign(new Address(), { city: 'p', zip: 9 });
    const had = User.Attr('previous').contains(old);
    // The reused instance changes before the writes are sent: each condition keeps what it was given.
    moved(addr, 1);
    moved(old, 2);
    await transactWrite([User.update({ id: 'w0' }).set({ address: { city: 'c7', zip: 7 } }).where(eq.and(within).and(had))]);
    expect(await users('w')).toEqual(['w0:c7:7:p']);
    // Another address (a frozen instance): the condition fails, and nothing is written.
    const frozen = Object.freeze(moved(new Address(), 6));
    await expect(User.update({ id: 'w0' }).set({ address: { city: 'c8', zip: 8 } }).where(User.Attr('address').eq(frozen))).rejects.toThrow(/condition failed/);
    expect(await users('w')).toEqual(['w0:c7:7:p']);
  });

  it('as the fallback of ref().ifNotExists(): an upsert creating the item stores the address it was given', async () => {
    const addr = moved(new Address(), 3);
    const upsert = User.update({ id: 'w1' }).set({ address: User.ref('address').ifNotExists(addr) }).upsert();
    moved(addr, 4);
    await upsert;
    expect(await users('w1')).toEqual(['w1:c3:3']);
  });
});
