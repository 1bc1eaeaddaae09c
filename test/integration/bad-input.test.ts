/**
 * Bad input fails with a typed error BEFORE any request: a middleware on the model's client counts
 * every command, and a second client (not counted) shows the table unchanged. The 400 KB limit is
 * also checked against the server itself.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PutCommand, ScanCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  computeItemSize,
  ExpressionError,
  ItemSizeError,
  KeyError,
  MAX_ITEM_BYTES,
  ValidationError,
  type EntityInput,
} from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { countRequests, refusedBeforeSend } from '../support/requests.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const requests = countRequests(client);

const { AppTable, User, Order } = appModel(client, uniqueTableName('bad'));
const { Attr } = User;

/** An uncounted client for fixtures and for looking at the table. */
const verifyClient = testClient();
const verify = testDocClient(verifyClient);

type UserInput = EntityInput<typeof User>;

const valid = (userId: string): UserInput => ({
  userId,
  orgId: 'acme',
  email: `${userId}@example.com`,
  name: 'Ada Lovelace',
  age: 36,
  tags: new Set(['vip']),
  address: { city: 'London', zip: 'N1' },
  items: [{ sku: 'A-1', qty: 2 }],
  history: ['signup'],
});

/** Untyped JavaScript: what a caller without TypeScript could pass. */
const untyped = <T>(v: unknown): T => v as T;

async function snapshot(): Promise<string> {
  const out = await verify.send(new ScanCommand({ TableName: AppTable.name, ConsistentRead: true }));
  const items = (out.Items ?? []).map((i) =>
    JSON.stringify(i, (_k, v: unknown) => (v instanceof Set ? { set: [...(v as Set<unknown>)].sort() } : v)),
  );
  return items.sort().join('\n');
}

/**
 * Runs `attempt` (which may throw synchronously while building, or reject when awaited) and checks
 * that it failed with `type`, that no command reached the client, and that the table is unchanged.
 */
async function rejectsBeforeSend<E extends Error>(
  type: abstract new (...args: never[]) => E,
  attempt: () => unknown,
): Promise<E> {
  const table = await snapshot();
  const error = await refusedBeforeSend(requests, type, attempt);
  expect(await snapshot()).toBe(table);
  return error;
}

const paths = (e: ValidationError) => e.issues.map((i) => i.path).sort();

useTable(AppTable, { clients: [client, verifyClient] });

beforeAll(async () => {
  // A few items so "unchanged" means something.
  await User.put(valid('existing'));
  await Order.put({ orderId: 'o1', userId: 'existing', seq: 1, total: 1, placedAt: new Date(0), lines: [] });
});

describe('the counter sees requests', () => {
  it('counts a real request (sanity check of the harness)', async () => {
    const before = requests.sent;
    await User.get({ userId: 'existing' });
    expect(requests.sent).toBe(before + 1);
  });
});

describe('schema violations: ValidationError with issue paths', () => {
  it('top-level fields', async () => {
    const e = await rejectsBeforeSend(ValidationError, () => User.put({ ...valid('v1'), email: 'not-an-email', age: 1.5 }));
    expect(paths(e)).toEqual(['age', 'email']);
    expect(e.entity).toBe('User');
    expect(e.message).toMatch(/email/);
  });

  it('nested map fields and list elements', async () => {
    const e = await rejectsBeforeSend(ValidationError, () =>
      User.put({
        ...valid('v2'),
        address: untyped({ city: 5 }),
        items: untyped([
          { sku: 'a', qty: 1 },
          { sku: 'b', qty: 'x' },
        ]),
      }),
    );
    expect(paths(e)).toEqual(['address.city', 'items[1].qty']);
  });

  it('a missing required field and a wrong enum value', async () => {
    const { name: _omit, ...noName } = valid('v3');
    const e = await rejectsBeforeSend(ValidationError, () => User.put(untyped({ ...noName, status: 'gone' })));
    expect(paths(e)).toEqual(['name', 'status']);
  });

  it('create() validates too', async () => {
    const e = await rejectsBeforeSend(ValidationError, () => User.create({ ...valid('v4'), orgId: untyped(7) }));
    expect(paths(e)).toEqual(['orgId']);
  });

  it('update values are validated against the schema at their path', async () => {
    const k = { userId: 'existing' };
    expect(paths(await rejectsBeforeSend(ValidationError, () => User.update(k).set({ age: untyped('x') })))).toEqual(['age']);
    expect(paths(await rejectsBeforeSend(ValidationError, () => User.update(k).set({ 'address.city': untyped(5) })))).toEqual([
      'address.city',
    ]);
    expect(paths(await rejectsBeforeSend(ValidationError, () => User.update(k).set({ 'items[0].qty': untyped('x') })))).toEqual([
      'items[0].qty',
    ]);
    expect(paths(await rejectsBeforeSend(ValidationError, () => User.update(k).set({ status: untyped('gone') })))).toEqual([
      'status',
    ]);
    expect(paths(await rejectsBeforeSend(ValidationError, () => User.update(k).setIfNotExists({ age: untyped(1.5) })))).toEqual([
      'age',
    ]);
  });

  it('required attributes cannot be removed', async () => {
    const k = { userId: 'existing' };
    await rejectsBeforeSend(ValidationError, () => User.update(k).set({ email: undefined }));
    // @ts-expect-error a required attribute does not compile; untyped code is refused at run time
    await rejectsBeforeSend(ValidationError, () => User.update(k).remove('email'));
    // @ts-expect-error nor a field required inside an optional object
    await rejectsBeforeSend(ValidationError, () => User.update(k).remove('address.city'));
  });

  it('add / delete / append on the wrong kind of attribute', async () => {
    const k = { userId: 'existing' };
    await rejectsBeforeSend(ValidationError, () => User.update(k).add(untyped({ name: 'x' })));
    await rejectsBeforeSend(ValidationError, () => User.update(k).delete(untyped({ age: 1 })));
    await rejectsBeforeSend(ValidationError, () => User.update(k).append(untyped({ name: ['x'] })));
    await rejectsBeforeSend(ValidationError, () => User.update(k).add({ tags: untyped(new Set([1])) }));
  });

  it('a key composite of the wrong type', async () => {
    await rejectsBeforeSend(ValidationError, () => User.get({ userId: untyped(5) }));
    await rejectsBeforeSend(ValidationError, () => Order.get({ userId: 'existing', orderId: 'o1', seq: untyped('1') }));
    await rejectsBeforeSend(ValidationError, () => User.delete({ userId: untyped(null) }));
  });
});

describe('upsert() must carry every required attribute: ValidationError before sending', () => {
  it('lists the required attributes an upsert neither sets nor has in its key', async () => {
    const fresh = { userId: 'upsert-missing' };
    const e = await rejectsBeforeSend(ValidationError, () => User.update(fresh).set({ age: 1 }).upsert());
    expect(paths(e)).toEqual(['email', 'name', 'orgId']);
    expect(e.issues.every((i) => /required.*upsert/.test(i.message))).toBe(true);
    // Also when the item exists: the check cannot know that before sending.
    expect(paths(await rejectsBeforeSend(ValidationError, () => User.update({ userId: 'existing' }).add({ age: 1 }).upsert()))).toEqual([
      'email',
      'name',
      'orgId',
    ]);
    expect(paths(await rejectsBeforeSend(ValidationError, () => User.update(fresh).set({ orgId: 'acme', name: 'N' }).upsert()))).toEqual(['email']);
    const orderKey = { userId: 'existing', seq: 77, orderId: 'upsert-missing' };
    expect(paths(await rejectsBeforeSend(ValidationError, () => Order.update(orderKey).set({ note: 'x' }).upsert()))).toEqual([
      'lines',
      'placedAt',
      'total',
    ]);
    // The same upserts carrying them are sent and create complete, readable items.
    await User.update(fresh).set({ age: 1, orgId: 'acme', name: 'N' }).setIfNotExists({ email: 'n@example.com' }).upsert();
    expect(await User.get(fresh).consistent()).toMatchObject({ userId: 'upsert-missing', age: 1, orgId: 'acme', name: 'N', email: 'n@example.com' });
    await Order.update(orderKey).set({ note: 'x', placedAt: new Date(0) }).add({ total: 2 }).append({ lines: [{ sku: 's', qty: 1 }] }).upsert();
    expect(await Order.get(orderKey).consistent()).toEqual({ ...orderKey, note: 'x', placedAt: new Date(0), total: 2, lines: [{ sku: 's', qty: 1 }] });
    await User.delete(fresh);
    await Order.delete(orderKey);
  });
});

describe('unknown paths from untyped JavaScript: ExpressionError', () => {
  it('in conditions', async () => {
    await rejectsBeforeSend(ExpressionError, () => User.check({ userId: 'existing' }, Attr(untyped<never>('nope')).exists()));
    await rejectsBeforeSend(ExpressionError, () => Attr(untyped<never>('address.country')));
    await rejectsBeforeSend(ExpressionError, () => Attr(untyped<never>('items[0].nope')));
    await rejectsBeforeSend(ExpressionError, () => Attr(untyped<never>('age.years')));
  });

  it('in updates, references and projections', async () => {
    const k = { userId: 'existing' };
    await rejectsBeforeSend(ExpressionError, () => User.update(k).set(untyped({ nope: 1 })));
    await rejectsBeforeSend(ExpressionError, () => User.update(k).set(untyped({ 'address.country': 'x' })));
    await rejectsBeforeSend(ExpressionError, () => User.update(k).remove(untyped<never>('nope')));
    await rejectsBeforeSend(ExpressionError, () => User.update(k).add(untyped({ nope: 1 })));
    await rejectsBeforeSend(ExpressionError, () => User.ref(untyped<never>('nope')));
    await rejectsBeforeSend(ExpressionError, () => User.get(k).project(untyped<never>('nope')));
    await rejectsBeforeSend(ExpressionError, () => User.update(k).set(untyped({ createdAt: 'x' })));
  });

  it('unknown attributes in put() are dropped by the schema, not stored', async () => {
    await User.put(untyped({ ...valid('extra'), nope: 1, pk: 'HIJACK' }));
    const raw = (await verify.send(new GetCommand({ TableName: AppTable.name, Key: { pk: 'USER#extra', sk: 'PROFILE' } }))).Item;
    expect(raw).toBeDefined();
    expect(raw).not.toHaveProperty('nope');
    expect(raw?.['pk']).toBe('USER#extra');
  });
});

describe('values DynamoDB cannot store', () => {
  it('empty sets, in put, update and conditions', async () => {
    const k = { userId: 'existing' };
    expect(paths(await rejectsBeforeSend(ValidationError, () => User.put({ ...valid('es'), tags: new Set() })))).toEqual(['tags']);
    expect(paths(await rejectsBeforeSend(ValidationError, () => User.update(k).set({ tags: new Set() })))).toEqual(['tags']);
    await rejectsBeforeSend(ValidationError, () => User.update(k).add({ tags: new Set() }));
    await rejectsBeforeSend(ValidationError, () => User.update(k).delete({ tags: new Set() }));
    await rejectsBeforeSend(ValidationError, () => User.check(k, Attr('tags').eq(new Set())));
  });

  it('NaN and Infinity, in put, update, references and conditions', async () => {
    const k = { userId: 'existing' };
    expect(paths(await rejectsBeforeSend(ValidationError, () => User.put({ ...valid('nan'), age: Number.NaN })))).toEqual(['age']);
    expect(paths(await rejectsBeforeSend(ValidationError, () => User.put({ ...valid('inf'), score: Number.POSITIVE_INFINITY })))).toEqual([
      'score',
    ]);
    await rejectsBeforeSend(ValidationError, () => User.update(k).set({ score: Number.NaN }));
    await rejectsBeforeSend(ValidationError, () => User.update(k).add({ score: Number.NaN }));
    await rejectsBeforeSend(ValidationError, () => User.update(k).set({ score: User.ref('score').plus(Number.NaN) }));
    await rejectsBeforeSend(ValidationError, () => User.check(k, Attr('age').eq(Number.NaN)));
    await rejectsBeforeSend(ValidationError, () => User.check(k, Attr('score').between(0, Number.POSITIVE_INFINITY)));
  });

  it('an invalid Date', async () => {
    await rejectsBeforeSend(ValidationError, () => User.put({ ...valid('bad-date'), birthday: new Date('nope') }));
    await rejectsBeforeSend(ValidationError, () => User.check({ userId: 'existing' }, Attr('birthday').lt(new Date(Number.NaN))));
  });

  it('an integer beyond Number.MAX_SAFE_INTEGER fails as a ValidationError naming the path', async () => {
    // The SDK's marshaller refuses such numbers (precision loss) with a plain Error; dynakit should
    // report it like every other storage rule, before any request.
    const e = await rejectsBeforeSend(ValidationError, () => User.put({ ...valid('unsafe'), score: 1e20 }));
    expect(paths(e)).toEqual(['score']);
    const k = { userId: 'existing' };
    const unsafe = Number.MAX_SAFE_INTEGER + 1;
    expect(paths(await rejectsBeforeSend(ValidationError, () => User.update(k).set({ price: unsafe })))).toEqual(['price']);
    expect(paths(await rejectsBeforeSend(ValidationError, () => User.update(k).add({ score: -unsafe })))).toEqual(['score']);
    expect(paths(await rejectsBeforeSend(ValidationError, () => User.update(k).set({ 'items[0].qty': unsafe })))).toEqual(['items[0].qty']);
    expect(paths(await rejectsBeforeSend(ValidationError, () => User.check(k, Attr('score').lt(unsafe))))).toEqual(['score']);
    expect(paths(await rejectsBeforeSend(ValidationError, () => User.delete(k).where(Attr('age').in([1, unsafe]))))).toEqual(['age']);
    // The largest safe integer is stored exactly.
    await User.put({ ...valid('safe'), score: Number.MAX_SAFE_INTEGER });
    expect((await User.get({ userId: 'safe' }).consistent())?.score).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('keys', () => {
  it('a query given its key condition without the index name: a KeyError that says the name comes first', async () => {
    const e = await rejectsBeforeSend(KeyError, () => untyped<(c: unknown) => unknown>(User.query.bind(User))(User.Key('userId').eq('u1')));
    expect(e.message).toBe("User: the index name comes first (query('primary', condition); known: primary, gsi1), got object");
    const unknownIndex = await rejectsBeforeSend(KeyError, () => User.query(untyped<'gsi1'>('gsi9'), User.Key('orgId').eq('acme')));
    expect(unknownIndex.message).toMatch(/the entity has no keys for index "gsi9" \(known: primary, gsi1\)/);
  });

  it('a separator in a key value: KeyError', async () => {
    const e = await rejectsBeforeSend(KeyError, () => User.put({ ...valid('sep'), userId: 'a#b' }));
    expect(e.attribute).toBe('userId');
    const g = await rejectsBeforeSend(KeyError, () => User.put({ ...valid('sep-name'), name: 'A#B' }));
    expect(g.attribute).toBe('name');
    expect(g.index).toBe('gsi1.sk');
    await rejectsBeforeSend(KeyError, () => User.get({ userId: 'a#b' }));
    await rejectsBeforeSend(KeyError, () => User.delete({ userId: 'a#b' }));
    await rejectsBeforeSend(KeyError, () => User.update({ userId: 'existing' }).set({ name: 'x#y' }));
    await rejectsBeforeSend(KeyError, () => User.update({ userId: 'existing' }).set({ orgId: 'a#b' }));
    await rejectsBeforeSend(KeyError, () =>
      Order.put({ orderId: 'o#2', userId: 'existing', seq: 2, total: 1, placedAt: new Date(0), lines: [] }),
    );
  });

  it('a missing key composite: KeyError naming it', async () => {
    expect((await rejectsBeforeSend(KeyError, () => User.get(untyped({})))).attribute).toBe('userId');
    expect((await rejectsBeforeSend(KeyError, () => Order.get(untyped({ userId: 'existing', orderId: 'o1' })))).attribute).toBe('seq');
    await rejectsBeforeSend(KeyError, () => User.delete(untyped({ id: 'existing' })));
    await rejectsBeforeSend(KeyError, () => User.update(untyped({})).set({ age: 1 }));
    await rejectsBeforeSend(KeyError, () => User.check(untyped({}), Attr('age').exists()));
  });

  it('a non-integer number in a padded key template', async () => {
    await rejectsBeforeSend(ValidationError, () => Order.get({ userId: 'existing', orderId: 'o1', seq: 1.5 }));
  });

  it('updating a primary-key composite (a type error too): KeyError', async () => {
    const e = await rejectsBeforeSend(KeyError, () => User.update({ userId: 'existing' }).set(untyped({ userId: 'other' })));
    expect(e.attribute).toBe('userId');
    const k = { userId: 'existing', seq: 1, orderId: 'o1' };
    await rejectsBeforeSend(KeyError, () => Order.update(k).set(untyped({ seq: 2 })));
    await rejectsBeforeSend(KeyError, () => Order.update(k).add(untyped({ seq: 1 })));
    await rejectsBeforeSend(KeyError, () => Order.update(k).set(untyped({ orderId: User.ref('name') })));
  });

  it('a GSI composite changed by a value the client cannot know: KeyError', async () => {
    await rejectsBeforeSend(KeyError, () => User.update({ userId: 'existing' }).setIfNotExists({ name: 'x' }));
    await rejectsBeforeSend(KeyError, () => User.update({ userId: 'existing' }).set({ orgId: User.ref('email') }));
  });
});

describe('update expressions DynamoDB would reject: ExpressionError', () => {
  const k = { userId: 'existing' };
  it.each([
    ['parent set + child remove', () => User.update(k).set({ address: { city: 'x' } }).remove('address.zip')],
    ['parent remove + child set', () => User.update(k).remove('address').set({ 'address.city': 'x' })],
    ['set + add of one path', () => User.update(k).set({ age: 1 }).add({ age: 1 })],
    ['set + setIfNotExists of one path', () => User.update(k).set({ age: 1 }).setIfNotExists({ age: 2 })],
    ['parent and child in one set()', () => User.update(k).set({ 'address.city': 'x', address: { city: 'y' } })],
    ['append + remove of an element', () => User.update(k).append({ history: ['a'] }).remove('history[0]')],
    ['add + delete of one set', () => User.update(k).add({ tags: new Set(['a']) }).delete({ tags: new Set(['b']) })],
  ])('%s', async (_label, attempt) => {
    await rejectsBeforeSend(ExpressionError, attempt);
  });

  it('IN with no values or more than 100', async () => {
    await rejectsBeforeSend(ExpressionError, () => User.check(k, Attr('age').in([])));
    const many = Array.from({ length: 101 }, (_, i) => i);
    await rejectsBeforeSend(ExpressionError, () => User.check(k, Attr('age').in(many)));
  });
});

describe('the 400 KB item limit', () => {
  /** A User whose stored size is adjusted by the length of one history entry. */
  const sized = (id: string, filler: number): UserInput => ({ ...valid(id), history: ['x'.repeat(filler)] });
  const storedSize = (input: UserInput) => computeItemSize(User.put(input).build().Item ?? {});

  it('an item over the limit: ItemSizeError with its size, nothing sent', async () => {
    const e = await rejectsBeforeSend(ItemSizeError, () => User.put(sized('big', 410_000)));
    expect(e.limit).toBe(MAX_ITEM_BYTES);
    expect(e.size).toBeGreaterThan(410_000);
  });

  it('an item of exactly 409,600 bytes (by computeItemSize) is accepted by the server; one byte more is refused before sending', async () => {
    const id = 'at-limit';
    const base = storedSize(sized(id, 1000));
    const filler = 1000 + (MAX_ITEM_BYTES - base);
    expect(storedSize(sized(id, filler))).toBe(MAX_ITEM_BYTES);

    const e = await rejectsBeforeSend(ItemSizeError, () => User.put(sized(id, filler + 1)));
    expect(e.size).toBe(MAX_ITEM_BYTES + 1);

    await User.put(sized(id, filler));
    const back = await User.get({ userId: id }).consistent();
    expect(back?.history?.[0]?.length).toBe(filler);
  });

  /** Puts a raw item (uncounted client); resolves to the error name, or 'ok'. */
  const rawPut = async (item: Record<string, unknown>): Promise<string> => {
    try {
      await verify.send(new PutCommand({ TableName: AppTable.name, Item: item }));
      return 'ok';
    } catch (e) {
      return `${(e as Error).name}: ${(e as Error).message}`;
    }
  };

  /** Pads `d` so that computeItemSize(item) === target. */
  const padTo = (item: Record<string, unknown>, target: number): Record<string, unknown> => {
    const without = computeItemSize({ ...item, d: '' });
    const out = { ...item, d: 'x'.repeat(target - without) };
    expect(computeItemSize(out)).toBe(target);
    return out;
  };

  it('our computation matches the server for a plain item: 409,600 accepted, 409,601 rejected', async () => {
    const item = { pk: 'LIMIT#plain', sk: 'X' };
    expect(await rawPut(padTo(item, MAX_ITEM_BYTES))).toBe('ok');
    expect(await rawPut(padTo(item, MAX_ITEM_BYTES + 1))).toMatch(/^ValidationException: .*size/i);
  });

  it('an item that also lands in an LSI (projection ALL) counts twice on the server: 204,800 accepted, 204,801 rejected', async () => {
    // DynamoDB's limit covers the item plus its entry in every local secondary index.
    const item = { pk: 'LIMIT#lsi', sk: 'X', lsi1sk: 'L' };
    expect(await rawPut(padTo(item, MAX_ITEM_BYTES / 2))).toBe('ok');
    expect(await rawPut(padTo(item, MAX_ITEM_BYTES / 2 + 1))).toMatch(/^ValidationException: .*size/i);
    // The same sizes without the LSI key are far from the limit.
    expect(await rawPut(padTo({ pk: 'LIMIT#nolsi', sk: 'X' }, MAX_ITEM_BYTES / 2 + 1))).toBe('ok');
  });

  it('an Order (which writes lsi1sk, projection ALL) is checked with its LSI entry: 204,800 bytes reach the server and are stored, one more fails before sending', async () => {
    const order = (orderId: string, note: number) => ({
      orderId,
      userId: 'existing',
      seq: 9,
      total: 1,
      placedAt: new Date(0),
      lines: [],
      note: 'n'.repeat(note),
    });
    // The item alone is under 400 KB, but DynamoDB counts it twice (table + lsi1), as dynakit does.
    const base = computeItemSize(Order.put(order('big', 0)).build().Item ?? {});
    const big = order('big', 250_000);
    const e = await rejectsBeforeSend(ItemSizeError, () => Order.put(big));
    expect(e.size).toBe(2 * (base + 250_000));
    expect(base + 250_000).toBeLessThan(MAX_ITEM_BYTES);
    // The server agrees: the same item, sent raw, is refused.
    const raw = { ...(Order.put(order('big', 0)).build().Item ?? {}), note: 'n'.repeat(250_000) };
    expect(computeItemSize(raw)).toBe(base + 250_000);
    expect(await rawPut(raw)).toMatch(/^ValidationException: .*size/i);

    // Exact boundary: item 204,800 bytes (+ its LSI entry = 409,600) is accepted by the server.
    const fill = MAX_ITEM_BYTES / 2 - base;
    const fits = Order.put(order('big', fill)).build().Item ?? {};
    expect(fits['lsi1sk']).toBe('PLACED#1970-01-01T00:00:00.000Z');
    expect(computeItemSize(fits)).toBe(MAX_ITEM_BYTES / 2);
    await Order.put(order('big', fill));
    expect((await Order.get({ userId: 'existing', seq: 9, orderId: 'big' }).consistent())?.note?.length).toBe(fill);
    // One byte more: 2 x 204,801, refused by dynakit before sending.
    const over = await rejectsBeforeSend(ItemSizeError, () => Order.put(order('big', fill + 1)));
    expect(over.size).toBe(MAX_ITEM_BYTES + 2);
    await Order.delete({ userId: 'existing', seq: 9, orderId: 'big' });
  });

  it('our computation matches the server for an item with every kind of value', async () => {
    const item = {
      pk: 'LIMIT#mixed',
      sk: 'Ü',
      n: 123.45,
      neg: -1,
      big: 12345678901234,
      tiny: 0.000001,
      zero: 0,
      m: { a: 'é', l: [1, 'x', true, null, { z: 'y' }], empty: {} },
      ss: new Set(['a', 'bc', '😀']),
      ns: new Set([1, 22, 333, -4.5]),
      b: new Uint8Array(10),
      bs: new Set([new Uint8Array([1]), new Uint8Array([2, 3])]),
      flag: false,
      nul: null,
      'é名': 'ü',
      list: [],
    };
    expect(await rawPut(padTo(item, MAX_ITEM_BYTES))).toBe('ok');
    expect(await rawPut(padTo(item, MAX_ITEM_BYTES + 1))).toMatch(/^ValidationException: .*size/i);
  });
});
