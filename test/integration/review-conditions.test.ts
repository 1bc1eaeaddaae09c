/**
 * Condition/expression pipeline review, decided by DynamoDB Local: a condition belongs to the
 * entity (or table) whose builder made it, and odd paths, limits and values are either refused
 * before sending or sent in a form DynamoDB accepts and evaluates as documented.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { and, defineEntity, defineTable, ExpressionError, not, or, transactWrite, ValidationError, type AttributeOperand, type Condition, type KeyCondition } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { countRequests, refusedBeforeSend } from '../support/requests.js';
import { holds } from '../support/failure.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const sent = countRequests(client);
const { AppTable, User, Order } = appModel(client, uniqueTableName('review-cond'));
const OtherTable = defineTable({ name: uniqueTableName('review-cond-other'), client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
/** An entity of another table with the same attribute names as User. */
const Member = defineEntity({
  table: OtherTable,
  name: 'Member',
  schema: z.object({ userId: z.string(), age: z.number().optional() }),
  keys: { primary: { pk: 'USER#{userId}', sk: 'PROFILE' } },
});

/** Binary attributes, for begins_with on binary. */
const Blob = defineEntity({
  table: AppTable,
  name: 'Blob',
  schema: z.object({ id: z.string(), bin: z.instanceof(Uint8Array), maybe: z.union([z.string(), z.instanceof(Uint8Array)]).optional() }),
  keys: { primary: { pk: 'BLOB#{id}', sk: 'BLOB' } },
});

/** Renames that swap two names and chain a third (a -> b, b -> a, c -> d... as `storedAs` allows). */
const Swapped = defineEntity({
  table: AppTable,
  name: 'Swapped',
  schema: z.object({ id: z.string(), a: z.string(), b: z.string(), c: z.string(), d: z.string().optional() }),
  keys: { primary: { pk: 'SWAP#{id}', sk: 'SWAP' } },
  storedAs: { a: 'b', b: 'a', c: 'd', d: 'e' },
});

/** Lists of lists. */
const Grid = defineEntity({
  table: AppTable,
  name: 'Grid',
  schema: z.object({ id: z.string(), matrix: z.array(z.array(z.number())) }),
  keys: { primary: { pk: 'GRID#{id}', sk: 'GRID' } },
});

/** A TTL attribute stored under another name. */
const Lease = defineEntity({
  table: AppTable,
  name: 'Lease',
  schema: z.object({ id: z.string(), expiresAt: z.date() }),
  keys: { primary: { pk: 'LEASE#{id}', sk: 'LEASE' } },
  ttl: 'expiresAt',
  storedAs: { expiresAt: 'exp' },
});

/** Nested map keys that contain dots (a top-level one is handled by `'p99.ms' in shape`). */
const Dotted = defineEntity({
  table: AppTable,
  name: 'Dotted',
  schema: z.object({
    id: z.string(),
    meta: z.object({ 'a.b': z.string(), c: z.object({ 'x.y': z.number() }), 'p.q': z.object({ r: z.string() }).optional() }),
    rows: z.array(z.object({ 'k.v': z.string() })),
  }),
  keys: { primary: { pk: 'DOT#{id}', sk: 'DOT' } },
});

useTable(AppTable, { clients: [client] });

const u1 = { userId: 'u1', orgId: 'acme', email: 'u1@example.com', name: 'Ada', age: 30, price: 5, listPrice: 8 };

beforeAll(async () => {
  await User.put(u1);
  await Order.put({ userId: 'u1', orderId: 'o1', seq: 1, total: 10, placedAt: new Date('2024-01-01T00:00:00Z'), lines: [] });
  await Blob.put({ id: 'b1', bin: new Uint8Array([1, 2, 3]), maybe: new Uint8Array([9, 8]) });
});

/** A condition another entity built, passed where the type would refuse it (as untyped code can). */
const foreign = (c: Condition): never => c as never;


describe('a condition is tied to the entity (or table) that built it', () => {
  it('check with another entity\'s Attr is an ExpressionError naming both entities and the path, nothing sent', async () => {
    const e = await refusedBeforeSend(sent, ExpressionError, () => User.check({ userId: 'u1' }, foreign(Order.Attr('total').gt(1))));
    expect(e.message).toMatch(/User/);
    expect(e.message).toMatch(/Order/);
    expect(e.message).toMatch(/total/);
  });

  it('an attribute both entities have is refused too (stored names, parsing and keys may differ)', async () => {
    await refusedBeforeSend(sent, ExpressionError, () => User.check({ userId: 'u1' }, foreign(Order.Attr('userId').eq('u1'))));
    await refusedBeforeSend(sent, ExpressionError, () => User.check({ userId: 'u1' }, foreign(Member.Attr('age').gt(1))));
  });

  it('put, create, update and delete conditions, filters and transactions refuse it', async () => {
    const c = foreign(Order.Attr('total').gt(1));
    await refusedBeforeSend(sent, ExpressionError, () => User.put(u1).where(c));
    await refusedBeforeSend(sent, ExpressionError, () => User.create({ ...u1, userId: 'u9' }).where(c));
    await refusedBeforeSend(sent, ExpressionError, () => User.update({ userId: 'u1' }).set({ name: 'Bo' }).where(c));
    await refusedBeforeSend(sent, ExpressionError, () => User.delete({ userId: 'u1' }).where(c));
    await refusedBeforeSend(sent, ExpressionError, () => User.query('primary', User.Key('userId').eq('u1')).filter(c));
    await refusedBeforeSend(sent, ExpressionError, () => User.scan().filter(c));
    await refusedBeforeSend(sent, ExpressionError, () => transactWrite([User.check({ userId: 'u1' }, c), Order.check({ userId: 'u1', seq: 1, orderId: 'o1' }, Order.Attr('total').gt(1))]));
    expect((await User.get({ userId: 'u1' }))?.name).toBe('Ada');
  });

  it('a foreign part inside and/or/not, or as the other side of a comparison, is refused', async () => {
    const mine = User.Attr('age').gt(1);
    await refusedBeforeSend(sent, ExpressionError, () => User.check({ userId: 'u1' }, mine.and(foreign(Order.Attr('total').gt(1)))));
    await refusedBeforeSend(sent, ExpressionError, () => User.check({ userId: 'u1' }, or(mine, foreign(Order.Attr('note').exists()))));
    await refusedBeforeSend(sent, ExpressionError, () => User.check({ userId: 'u1' }, not(and(mine, not(foreign(Order.Attr('total').gt(1)))))));
    const e = await refusedBeforeSend(sent, ExpressionError, () => User.check({ userId: 'u1' }, User.Attr("price").lt(Order.Attr("total") as never)));
    expect(e.message).toMatch(/Order.*total|total.*Order/);
  });

  it('a key condition built by another entity is refused by query', async () => {
    const k = Order.Key('userId').eq('u1') as unknown as KeyCondition<'userId', 'userId'>;
    const e = await refusedBeforeSend(sent, ExpressionError, () => User.query('primary', k));
    expect(e.message).toMatch(/Order/);
  });

  it('a table-level condition of another table is refused; entity conditions are refused on table-level reads', async () => {
    await refusedBeforeSend(sent, ExpressionError, () => User.check({ userId: 'u1' }, OtherTable.Attr('age').gt(1)));
    await refusedBeforeSend(sent, ExpressionError, () => AppTable.query(OtherTable.Key('pk').eq('USER#u1')));
    await refusedBeforeSend(sent, ExpressionError, () => AppTable.scan().filter(User.Attr('age').gt(1)));
    await refusedBeforeSend(sent, ExpressionError, () => AppTable.query(AppTable.Key('pk').eq('USER#u1')).filter(User.Attr('age').gt(1)));
  });

  it('own conditions, the own table\'s conditions and the combinators keep working', async () => {
    const { Attr } = User;
    expect(await holds(User.check({ userId: 'u1' }, Attr('age').gt(1).and(AppTable.Attr('_et').eq('User'))))).toBe(true);
    expect(await holds(User.check({ userId: 'u1' }, or(Attr('age').lt(1), not(Attr('name').eq('Bo')))))).toBe(true);
    expect(await holds(User.check({ userId: 'u1' }, Attr('price').lt(Attr('listPrice'))))).toBe(true);
    expect(await holds(User.check({ userId: 'u1' }, AppTable.Key('gsi1pk').eq('ORG#acme')))).toBe(true);
    expect(await holds(User.update({ userId: 'u1' }).set({ age: 31 }).where(Attr('age').eq(30)))).toBe(true);
    const found = await User.query('primary', User.Key('userId').eq('u1')).filter(Attr('age').gte(31)).all();
    expect(found.map((u) => u.userId)).toEqual(['u1']);
    const table = await AppTable.query(AppTable.Key('pk').eq('USER#u1')).filter(AppTable.Attr('total').gt(1)).all();
    expect(table.items.map((i) => i._et)).toEqual(['Order']);
  });
});

describe('an update value read from another attribute belongs to the updated entity', () => {
  it('ref() of another entity is refused, alone, in arithmetic and with ifNotExists', async () => {
    const e = await refusedBeforeSend(sent, ExpressionError, () => User.update({ userId: 'u1' }).set({ price: Order.ref('total') as never }));
    expect(e.message).toMatch(/User.*price|price.*User/);
    expect(e.message).toMatch(/entity Order/);
    // Member (another table) has an `age` too: the types and the schema both accept it.
    await refusedBeforeSend(sent, ExpressionError, () => User.update({ userId: 'u1' }).set({ age: Member.ref('age') }));
    await refusedBeforeSend(sent, ExpressionError, () => User.update({ userId: 'u1' }).set({ age: User.ref('age').plus(Member.ref('age')) }));
    await refusedBeforeSend(sent, ExpressionError, () => User.update({ userId: 'u1' }).set({ age: Member.ref('age').ifNotExists(0) }));
    const done = await User.update({ userId: 'u1' }).set({ price: User.ref('listPrice') }).returning('ALL_NEW');
    expect(done.price).toBe(8);
  });
});

describe('list indexes DynamoDB cannot address', () => {
  // DynamoDB Local: `l[2147483648]` -> "List index is not within the allowable range"; past 2^53 JS
  // writes the index as `1e+22`, a syntax error. 2147483647 (2^31 - 1) is accepted.
  it('an index above 2^31 - 1 is an ExpressionError naming the path, in conditions, table paths and updates, nothing sent', async () => {
    for (const path of ['history[2147483648]', 'history[99999999999999999999999]', 'items[4294967296].sku']) {
      const e = await refusedBeforeSend(sent, ExpressionError, () => User.check({ userId: 'u1' }, User.Attr(path as 'history[0]').exists()));
      expect(e.message).toMatch(/2147483647/);
    }
    await refusedBeforeSend(sent, ExpressionError, () => User.check({ userId: 'u1' }, AppTable.Attr(['history', 2147483648]).exists()));
    await refusedBeforeSend(sent, ExpressionError, () => User.check({ userId: 'u1' }, AppTable.Attr('history[2147483648]').exists()));
    await refusedBeforeSend(sent, ExpressionError, () => User.update({ userId: 'u1' }).remove('history[2147483648]'));
    await refusedBeforeSend(sent, ExpressionError, () => User.update({ userId: 'u1' }).set({ 'history[2147483648]': 'x' }));
  });

  it('the largest index DynamoDB takes is sent and evaluated', async () => {
    expect(await holds(User.check({ userId: 'u1' }, User.Attr('history[2147483647]').notExists()))).toBe(true);
    expect(await holds(User.check({ userId: 'u1' }, AppTable.Attr(['history', 2147483647]).exists()))).toBe(false);
  });
});

describe('names of Object.prototype are not schema attributes', () => {
  // `'toString' in shape` is true for any object: untyped code reached attributes the schema lacks.
  it('Attr, ref and update paths refuse them before sending', async () => {
    const untypedAttr = User.Attr as unknown as (p: string) => AttributeOperand<unknown>;
    for (const name of ['toString', 'constructor', 'hasOwnProperty', '__proto__', 'address.toString', 'address.constructor']) {
      await refusedBeforeSend(sent, ExpressionError, () => User.check({ userId: 'u1' }, untypedAttr(name).exists()));
    }
    await refusedBeforeSend(sent, ExpressionError, () => User.update({ userId: 'u1' }).set({ constructor: 'x' } as never));
    await refusedBeforeSend(sent, ExpressionError, () => User.update({ userId: 'u1' }).remove('toString' as never));
    await refusedBeforeSend(sent, ExpressionError, () => User.update({ userId: 'u1' }).set({ age: (User.ref as unknown as (p: string) => never)('valueOf') }));
  });
});

describe('begins_with on binary attributes', () => {
  // DynamoDB Local: begins_with(B, :binaryPrefix) is evaluated byte-wise.
  it('a binary attribute takes a binary prefix (typed), and DynamoDB evaluates it', async () => {
    const { Attr } = Blob;
    expect(await holds(Blob.check({ id: 'b1' }, Attr('bin').beginsWith(new Uint8Array([1, 2]))))).toBe(true);
    expect(await holds(Blob.check({ id: 'b1' }, Attr('bin').beginsWith(new Uint8Array([2]))))).toBe(false);
    expect(await holds(Blob.check({ id: 'b1' }, Attr('maybe').beginsWith(new Uint8Array([9]))))).toBe(true);
    expect(await holds(Blob.check({ id: 'b1' }, Attr('maybe').beginsWith('a')))).toBe(false);
    expect(await holds(Blob.check({ id: 'b1' }, AppTable.Attr('bin').beginsWith(new Uint8Array([1]))))).toBe(true);
  });
});

describe('nested map keys that contain dots', () => {
  // The path types accept 'meta.a.b' for the key 'a.b' under meta; the run time split it into a, b.
  it('Attr, ref and update paths address the dotted key, as the types say', async () => {
    await Dotted.put({ id: 'd1', meta: { 'a.b': 'v', c: { 'x.y': 2 }, 'p.q': { r: 'deep' } }, rows: [{ 'k.v': 'row' }] });
    const { Attr } = Dotted;
    const built = Dotted.check({ id: 'd1' }, Attr('meta.a.b').eq('v')).build();
    expect(built.ExpressionAttributeNames).toEqual({ '#n0': '_et', '#n1': 'meta', '#n2': 'a.b' });
    expect(await holds(Dotted.check({ id: 'd1' }, Attr('meta.a.b').eq('v')))).toBe(true);
    expect(await holds(Dotted.check({ id: 'd1' }, Attr('meta.c.x.y').gt(1)))).toBe(true);
    // A dotted key in the middle of a path: AttrPath lists it, but PathValue types it never (not fixed).
    expect(await holds(Dotted.check({ id: 'd1' }, (Attr as unknown as (p: string) => AttributeOperand<unknown>)('meta.p.q.r').eq('deep')))).toBe(true);
    expect(await holds(Dotted.check({ id: 'd1' }, Attr('rows[0].k.v').eq('row')))).toBe(true);
    const updated = await Dotted.update({ id: 'd1' }).set({ 'meta.a.b': 'w', 'meta.c.x.y': Dotted.ref('meta.c.x.y').plus(1) }).returning('ALL_NEW');
    expect(updated.meta['a.b']).toBe('w');
    expect(updated.meta.c['x.y']).toBe(3);
    expect((await Dotted.get({ id: 'd1' }))?.meta).toEqual({ 'a.b': 'w', c: { 'x.y': 3 }, 'p.q': { r: 'deep' } });
    await refusedBeforeSend(sent, ExpressionError, () => Dotted.check({ id: 'd1' }, (Dotted.Attr as unknown as (p: string) => AttributeOperand<unknown>)('meta.a.x').exists()));
  });
});

describe('a key condition and a condition swapped by untyped code', () => {
  it('is an ExpressionError saying which one was expected, not a TypeError from the compiler', async () => {
    const e1 = await refusedBeforeSend(sent, ExpressionError, () => User.query('primary', AppTable.Key('pk').eq('USER#u1') as never));
    expect(e1.message).toMatch(/query of primary needs a key condition built with Key\(/);
    const e2 = await refusedBeforeSend(sent, ExpressionError, () => User.scan().filter(User.Key('userId').eq('u1') as never));
    expect(e2.message).toMatch(/filter\(\) takes a condition built with Attr\(.*got a Key\(\.\.\.\) key condition/);
    await refusedBeforeSend(sent, ExpressionError, () => User.check({ userId: 'u1' }, User.Key('userId').eq('u1') as never));
    await refusedBeforeSend(sent, ExpressionError, () => User.put(u1).where(undefined as never));
    await refusedBeforeSend(sent, ExpressionError, () => AppTable.query(User.Key('userId').eq('u1') as never));
    await refusedBeforeSend(sent, ExpressionError, () => AppTable.scan().filter({} as never));
  });
});

describe('storedAs renames that swap or chain names', () => {
  // renameInPlace moved one attribute at a time: a -> b overwrote b before b -> a read it.
  it('every field is written under its stored name, none is lost', async () => {
    const written = await Swapped.put({ id: 's1', a: 'A', b: 'B', c: 'C', d: 'D' });
    expect(written).toMatchObject({ a: 'A', b: 'B', c: 'C', d: 'D' });
    const raw = await testDocClient(client).send(new GetCommand({ TableName: AppTable.name, Key: { pk: 'SWAP#s1', sk: 'SWAP' } }));
    expect(raw.Item).toMatchObject({ b: 'A', a: 'B', d: 'C', e: 'D' });
    expect(await Swapped.get({ id: 's1' })).toMatchObject({ a: 'A', b: 'B', c: 'C', d: 'D' });
  });
});

describe("table-level paths on an entity that renames fields (storedAs)", () => {
  // The compiler writes every path's first name through storedAs: AppTable.Attr('a') (physical a,
  // which holds field b) was sent as `b`, and AppTable.Attr('c') as `d`.
  it('a physical name that is a renamed field is refused with both meanings spelled out; other physical names still work', async () => {
    const e = await refusedBeforeSend(sent, ExpressionError, () => Swapped.check({ id: 's1' }, AppTable.Attr('a').eq('B')));
    expect(e.message).toMatch(/Swapped\.Attr\('a'\).*Swapped\.Attr\('b'\)/);
    await refusedBeforeSend(sent, ExpressionError, () => Swapped.check({ id: 's1' }, Swapped.Attr('d').exists().and(AppTable.Attr('c').exists())));
    await refusedBeforeSend(sent, ExpressionError, () => Swapped.scan().filter(AppTable.Attr('b').eq('A')));
    // Physical names that are no renamed field: e (field d) and the discriminator.
    expect(await holds(Swapped.check({ id: 's1' }, AppTable.Attr('e').eq('D').and(AppTable.Attr('_et').eq('Swapped'))))).toBe(true);
    expect(await holds(Swapped.check({ id: 's1' }, Swapped.Attr('b').eq('B').and(Swapped.Attr('a').eq('A'))))).toBe(true);
  });
});

describe('an expression with its names and values substituted', () => {
  // DynamoDB Local (UpdateItem and TransactWriteItems alike): the expression's length plus the
  // bytes of the names and of the values it uses (strings, binaries, maps and lists alike) must be at
  // most 1 MiB ("Expression size has exceeded the maximum allowed size"); a value used twice counts twice.
  // A check sends `#n0 = :v0 AND #n1 = :v1` (its own `_et = 'User'` first), 23 characters, with
  // `_et` and `name` 7 bytes and 'User' 4: 1,048,542 bytes of value is the most.
  it('is refused before sending over 1 MiB, and sent (and evaluated) at 1 MiB', async () => {
    const { Attr } = User;
    expect(await holds(User.check({ userId: 'u1' }, Attr('name').eq('y'.repeat(1_048_576 - 34))))).toBe(false);
    const e = await refusedBeforeSend(sent, ExpressionError, () => User.check({ userId: 'u1' }, Attr('name').eq('y'.repeat(1_048_576 - 33))));
    expect(e.message).toMatch(/is 1,048,577 bytes with its attribute names and values in place; DynamoDB allows 1,048,576 bytes/);
    // Multi-byte text counts its UTF-8 bytes; values of an IN list add up.
    await refusedBeforeSend(sent, ExpressionError, () => User.check({ userId: 'u1' }, Attr('name').eq('é'.repeat(524_288))));
    const ids = Array.from({ length: 18 }, (_, i) => `${i}`.padEnd(60_000, 'x'));
    await refusedBeforeSend(sent, ExpressionError, () => User.scan().filter(Attr('name').in(ids)));
    expect((await User.scan().filter(Attr('name').in(ids.slice(0, 17))).all()).length).toBe(0);
  });
});

describe('a Date compared with a renamed TTL attribute through its physical name', () => {
  // The TTL attribute holds epoch seconds; on an entity operation a table-level path named it by
  // its stored name, which the entity's value encoding did not know: the Date went as ISO text,
  // and a number never equals or orders with text, so the condition was silently false.
  it('is sent as epoch seconds on entity operations, as on table-level reads', async () => {
    await Lease.put({ id: 'l1', expiresAt: new Date(Date.now() + 3_600_000) });
    const built = Lease.check({ id: 'l1' }, AppTable.Attr('exp').gt(new Date(0))).build();
    // :v0 and :v1 are the check's own guard (the item is a Lease and has not expired).
    expect(typeof built.ExpressionAttributeValues?.[':v2']).toBe('number');
    expect(await holds(Lease.check({ id: 'l1' }, AppTable.Attr('exp').gt(new Date(0))))).toBe(true);
    expect(await holds(Lease.check({ id: 'l1' }, Lease.Attr('expiresAt').gt(new Date(0))))).toBe(true);
    const found = await AppTable.scan().filter(AppTable.Attr('exp').gt(new Date(0)).and(AppTable.Attr('_et').eq('Lease'))).all();
    expect(found.items.length).toBe(1);
  });
});

describe('a Date outside the years 0000-9999 in an order comparison', () => {
  // A Date is sent as ISO-8601 text; outside four-digit years that is '+275760-09-13T...' or
  // '-000001-...', which DynamoDB orders before every stored date: `lt(new Date(8.64e15))`, a
  // "forever" sentinel, held for no stored birthday, and BETWEEN a date and year 10000 was refused
  // as having its low bound above its high one.
  const forever = new Date(8.64e15);
  it('is an ExpressionError before sending, in filters, checks and table-level reads', async () => {
    const e = await refusedBeforeSend(sent, ExpressionError, () => User.scan().filter(User.Attr('birthday').lt(forever)).all());
    expect(e.message).toBe(
      'User: birthday: < compares a Date outside the years 0000-9999 (+275760-09-13T00:00:00.000Z): a Date is sent as ISO-8601 text, which orders by time only with four-digit years (DynamoDB would put this one before every stored date); use a Date within them',
    );
    await refusedBeforeSend(sent, ExpressionError, () => User.check({ userId: 'u1' }, User.Attr('birthday').gte(new Date('-000001-01-01T00:00:00.000Z'))));
    await refusedBeforeSend(sent, ExpressionError, () => User.scan().filter(User.Attr('birthday').between(new Date(0), new Date('+010000-01-01T00:00:00.000Z'))).all());
    await refusedBeforeSend(sent, ExpressionError, () => AppTable.scan().filter(AppTable.Attr('birthday').gt(new Date(-8.64e15))).all());
  });

  it('equality with such a Date, a Date of year 9999, and the TTL attribute (epoch seconds) still compare', async () => {
    await User.update({ userId: 'u1' }).set({ birthday: new Date('1815-12-10T00:00:00.000Z') });
    expect(await holds(User.check({ userId: 'u1' }, User.Attr('birthday').lt(new Date('9999-12-31T23:59:59.999Z'))))).toBe(true);
    expect(await holds(User.check({ userId: 'u1' }, User.Attr('birthday').ne(forever)))).toBe(true);
    await Lease.put({ id: 'l2', expiresAt: new Date(Date.now() + 3_600_000) });
    expect(await holds(Lease.check({ id: 'l2' }, Lease.Attr('expiresAt').lt(forever)))).toBe(true);
  });
});

describe('lists of lists', () => {
  // The path types listed `matrix[0].length` (array methods) and not `matrix[0][1]`, which the
  // parser and DynamoDB address.
  it('take nested indexes in conditions, refs and updates', async () => {
    await Grid.put({ id: 'g1', matrix: [[1, 2], [3, 4]] });
    const { Attr } = Grid;
    expect(await holds(Grid.check({ id: 'g1' }, Attr('matrix[1][0]').eq(3)))).toBe(true);
    expect(await holds(Grid.check({ id: 'g1' }, Attr('matrix[0][1]').gt(2)))).toBe(false);
    const done = await Grid.update({ id: 'g1' }).set({ 'matrix[0][1]': Grid.ref('matrix[1][1]').plus(10) }).returning('ALL_NEW');
    expect(done.matrix).toEqual([[1, 14], [3, 4]]);
  });
});
