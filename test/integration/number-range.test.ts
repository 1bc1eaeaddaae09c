/**
 * DynamoDB's number type holds at most 38 significant digits, with a magnitude from 1E-130 up to
 * (not including) 1E+126, or zero; DynamoDB Local refuses anything else with a bare
 * ValidationException ("Number underflow", "Number overflow", "precision up to 38 digits"), which
 * in a BatchWriteItem fails every write of the call. dynakit refuses such values BEFORE any request
 * (a middleware counts every command), naming the entity, the path and the limit; the boundary
 * values DynamoDB accepts go through and read back exactly.
 */
import { describe, expect, it } from 'vitest';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { NumberValueImpl } from '@aws-sdk/util-dynamodb';
import {
  BatchValidationError,
  ConditionFailedError,
  ExpressionError,
  ItemParseError,
  TransactionCanceledError,
  KeyError,
  ValidationError,
  defineEntity,
  defineTable,
  transactGet,
  transactWrite,
} from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { failure } from '../support/failure.js';
import { countRequests, refusedBeforeSend } from '../support/requests.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const requests = countRequests(client);
/** Uncounted, for writing stored values dynakit would not write. */
const rawClient = testClient();

const Measures = defineTable({ name: uniqueTableName('number-range'), client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
const Measure = defineEntity({
  table: Measures,
  name: 'Measure',
  schema: z.object({
    id: z.string(),
    x: z.number().optional(),
    big: z.bigint().optional(),
    xs: z.set(z.number()).optional(),
    bigs: z.set(z.bigint()).optional(),
    nested: z.object({ l: z.array(z.number()), b: z.bigint().optional() }).optional(),
  }),
  keys: { primary: { pk: 'M#{id}', sk: 'M' } },
});
const { Attr } = Measure;
/** A second entity of the same table: a batch get of both sends their keys in one request. */
const Gauge = defineEntity({ table: Measures, name: 'Gauge', schema: z.object({ id: z.string(), x: z.number().optional() }), keys: { primary: { pk: 'G#{id}', sk: 'G' } } });

/** Number (`N`) partition keys, one entity holding them as numbers, one as bigints. */
const Readings = defineTable({ name: uniqueTableName('number-range-keys'), client, partitionKey: { name: 'pk', type: 'N' } });
const ByNumber = defineEntity({ table: Readings, name: 'ByNumber', schema: z.object({ id: z.number(), v: z.number().optional() }), keys: { primary: { pk: '{id}' } } });
const ByBigint = defineEntity({ table: Readings, name: 'ByBigint', schema: z.object({ id: z.bigint(), v: z.number().optional() }), keys: { primary: { pk: '{id}' } } });

// After-hooks run last-registered first: Readings is dropped, then Measures, then the clients are destroyed.
useTable(Measures, { clients: [client, rawClient] });
useTable(Readings);


/** Checks a `ValidationError` names the entity, the path and DynamoDB's limit. */
function namesRule(e: ValidationError, entity: string, path: string, limit: RegExp): void {
  expect(e.entity).toBe(entity);
  expect(e.issues.map((i) => i.path)).toEqual([path]);
  expect(e.message).toContain(`${entity}: `);
  expect(e.message).toContain(`${path}: `);
  expect(e.message).toMatch(limit);
}

const UNDER = /1E-130/;
const OVER = /1E\+126/;
const DIGITS = /38 significant digits/;

/** JS numbers DynamoDB refuses, with the limit each breaks (doubles >= 2^53 were refused before, as imprecise). */
const badNumbers: readonly (readonly [string, number, RegExp])[] = [
  ['1e-131', 1e-131, UNDER],
  ['-1e-131', -1e-131, UNDER],
  ['9.99e-131', 9.99e-131, UNDER],
  ['Number.MIN_VALUE', Number.MIN_VALUE, UNDER],
  ['1e126', 1e126, OVER],
  ['-1e126', -1e126, OVER],
];

const D38 = 12345678901234567890123456789012345678n;
const D38_TEXT = D38.toString();
/** Bigints DynamoDB refuses: over 38 significant digits (trailing zeros of an integer do not count), or 1E+126 and up. */
const badBigints: readonly (readonly [string, bigint, RegExp])[] = [
  ['39 significant digits', D38 * 10n + 9n, DIGITS],
  ['-39 significant digits', -(D38 * 10n + 9n), DIGITS],
  ['39 significant digits and 20 zeros', (D38 * 10n + 9n) * 10n ** 20n, DIGITS],
  ['10^126', 10n ** 126n, OVER],
  ['-(10^126)', -(10n ** 126n), OVER],
  ['10^126 - 1 (126 significant digits)', 10n ** 126n - 1n, DIGITS],
];

describe("DynamoDB Local's rule, with raw requests (what dynakit checks before sending)", () => {
  const put = (n: string) => rawClient.send(new PutItemCommand({ TableName: Measures.name, Item: { pk: { S: `raw#${n}` }, sk: { S: 'M' }, n: { N: n } } }));
  it.each([
    ['1E-130', true],
    ['-1E-130', true],
    ['9.99E-131', false],
    ['9.9999999999999999999999999999999999999E+125', true],
    ['1E+126', false],
    ['-1E+126', false],
    [D38_TEXT, true],
    [`${D38_TEXT}9`, false],
    [`${D38_TEXT}0000000000`, true],
    [`1.${D38_TEXT}`, false],
    [`0.000${D38_TEXT}`, true],
  ] as const)('%s: stored %s', async (n, ok) => {
    if (ok) await put(n);
    else await expect(put(n)).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/Number (overflow|underflow)|precision up to 38 digits/) });
  });
});

describe('numbers DynamoDB refuses fail with ValidationError before any request', () => {
  const k = { id: 'existing' };

  it.each(badNumbers)('%s in put: top level, nested map and list, number set', async (_label, n, limit) => {
    namesRule(await refusedBeforeSend(requests, ValidationError, () => Measure.put({ id: 'p', x: n })), 'Measure', 'x', limit);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => Measure.create({ id: 'p', nested: { l: [1, n] } })), 'Measure', 'nested.l[1]', limit);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => Measure.put({ id: 'p', xs: new Set([1, n]) })), 'Measure', 'xs', limit);
  });

  it.each(badBigints)('%s in put: top level, nested map, bigint set', async (_label, n, limit) => {
    namesRule(await refusedBeforeSend(requests, ValidationError, () => Measure.put({ id: 'p', big: n })), 'Measure', 'big', limit);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => Measure.put({ id: 'p', nested: { l: [], b: n } })), 'Measure', 'nested.b', limit);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => Measure.create({ id: 'p', bigs: new Set([1n, n]) })), 'Measure', 'bigs', limit);
  });

  it.each(badNumbers)('%s in update values: set, setIfNotExists, add, append, ref arithmetic, set elements', async (_label, n, limit) => {
    const u = () => Measure.update(k);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => u().set({ x: n })), 'Measure', 'x', limit);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => u().set({ 'nested.l[0]': n })), 'Measure', 'nested.l[0]', limit);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => u().setIfNotExists({ x: n })), 'Measure', 'x', limit);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => u().add({ x: n })), 'Measure', 'x', limit);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => u().append({ 'nested.l': [n] })), 'Measure', 'nested.l[0]', limit);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => u().set({ x: Measure.ref('x').plus(n) })), 'Measure', 'x', limit);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => u().add({ xs: new Set([n]) })), 'Measure', 'xs', limit);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => u().delete({ xs: new Set([2, n]) })), 'Measure', 'xs', limit);
  });

  it.each(badBigints)('%s in update values: set, setIfNotExists, set elements', async (_label, n, limit) => {
    const u = () => Measure.update(k);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => u().set({ big: n })), 'Measure', 'big', limit);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => u().setIfNotExists({ big: n })), 'Measure', 'big', limit);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => u().set({ 'nested.b': n })), 'Measure', 'nested.b', limit);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => u().add({ bigs: new Set([n]) })), 'Measure', 'bigs', limit);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => u().delete({ bigs: new Set([n]) })), 'Measure', 'bigs', limit);
  });

  it.each([...badNumbers, ...badBigints])('%s in conditions: compare, between, in, of put, update, delete and check', async (_label, n, limit) => {
    const path = typeof n === 'bigint' ? 'big' : 'x';
    const cmp = typeof n === 'bigint' ? Attr('big').gte(n) : Attr('x').gte(n);
    const between = typeof n === 'bigint' ? Attr('big').between(0n, n) : Attr('x').between(0, n);
    const inList = typeof n === 'bigint' ? Attr('big').in([1n, n]) : Attr('x').in([1, n]);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => Measure.put({ id: 'c' }).where(cmp)), 'Measure', path, limit);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => Measure.update(k).set({ x: 1 }).where(inList)), 'Measure', path, limit);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => Measure.delete(k).where(between)), 'Measure', path, limit);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => Measure.check(k, cmp).build()), 'Measure', path, limit);
    // A table-level condition names the table.
    const tableCmp = Measures.Attr('x').eq(n);
    const e = await refusedBeforeSend(requests, ValidationError, () => Measures.scan().filter(tableCmp).build());
    expect(e.entity).toBe(`table ${Measures.name}`);
    expect(e.message).toMatch(limit);
  });

  it.each([...badNumbers, ...badBigints])('%s in a batch write: nothing is sent, the valid writes of the batch included', async (_label, n, limit) => {
    const bad = typeof n === 'bigint' ? Measure.put({ id: 'b2', bigs: new Set([n]) }) : Measure.put({ id: 'b2', xs: new Set([n]) });
    const e = await refusedBeforeSend(requests, BatchValidationError, () => Measures.batchWrite([Measure.put({ id: 'b1', x: 1 }), bad, Measure.delete({ id: 'b3' })]));
    expect(e.failures.map((f) => f.index)).toEqual([1]);
    const cause = e.failures[0]!.error;
    expect(cause).toBeInstanceOf(ValidationError);
    namesRule(cause as ValidationError, 'Measure', typeof n === 'bigint' ? 'bigs' : 'xs', limit);
    // The batch writer refuses it when it is added, before anything is buffered or sent.
    const writer = Measures.batchWriter();
    namesRule(await refusedBeforeSend(requests, ValidationError, () => writer.put(bad)), 'Measure', typeof n === 'bigint' ? 'bigs' : 'xs', limit);
    await writer.close();
  });

  it.each([...badNumbers, ...badBigints])('%s in a transaction: put, update, condition check', async (_label, n, limit) => {
    const path = typeof n === 'bigint' ? 'big' : 'x';
    const put = typeof n === 'bigint' ? Measure.put({ id: 't1', big: n }) : Measure.put({ id: 't1', x: n });
    const update = typeof n === 'bigint' ? Measure.update({ id: 't2' }).set({ big: n }) : Measure.update({ id: 't2' }).add({ x: n });
    const check = Measure.check({ id: 't3' }, typeof n === 'bigint' ? Attr('big').lt(n) : Attr('x').lt(n));
    const ok = Measure.put({ id: 't0', x: 1 });
    namesRule(await refusedBeforeSend(requests, ValidationError, () => transactWrite([ok, put])), 'Measure', path, limit);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => transactWrite([ok, update])), 'Measure', path, limit);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => transactWrite([ok, check])), 'Measure', path, limit);
  });
});

describe('number keys DynamoDB refuses: KeyError (a key that cannot be built) before any request', () => {
  it.each(badNumbers)('%s as an N key held as a number', async (_label, n, limit) => {
    // put validates the item's attributes first: the composite is an attribute of the item.
    namesRule(await refusedBeforeSend(requests, ValidationError, () => ByNumber.put({ id: n })), 'ByNumber', 'id', limit);
    for (const attempt of [() => ByNumber.get({ id: n }), () => ByNumber.delete({ id: n }), () => ByNumber.update({ id: n }).set({ v: 1 }), () => ByNumber.query('primary', ByNumber.Key('id').eq(n))]) {
      const e = await refusedBeforeSend(requests, KeyError, attempt);
      expect(e.entity).toBe('ByNumber');
      expect(e.attribute).toBe('id');
      expect(e.message).toMatch(limit);
    }
    const b = await refusedBeforeSend(requests, BatchValidationError, () => Readings.batchWrite([ByNumber.put({ id: 1 }), ByNumber.delete({ id: n })]));
    expect(b.failures[0]!.error).toBeInstanceOf(KeyError);
  });

  it.each(badBigints)('%s as an N key held as a bigint', async (_label, n, limit) => {
    namesRule(await refusedBeforeSend(requests, ValidationError, () => ByBigint.put({ id: n })), 'ByBigint', 'id', limit);
    for (const attempt of [() => ByBigint.get({ id: n }), () => ByBigint.delete({ id: n }), () => transactWrite([ByBigint.update({ id: n }).set({ v: 1 })])]) {
      const e = await refusedBeforeSend(requests, KeyError, attempt);
      expect(e.entity).toBe('ByBigint');
      expect(e.attribute).toBe('id');
      expect(e.message).toMatch(limit);
    }
  });
});

describe('the boundary values DynamoDB accepts go through and read back exactly', () => {
  const MAX_BIGINT = (10n ** 38n - 1n) * 10n ** 88n; // 9.9999999999999999999999999999999999999E+125
  it('numbers: ±1E-130, tiny decimals above it, MAX_SAFE_INTEGER; in items, nested lists and sets', async () => {
    const x = 1e-130;
    await Measure.put({ id: 'edge', x, xs: new Set([x, -x, 1.5e-130, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]), nested: { l: [-x, 0, -0] } });
    expect(await Measure.get({ id: 'edge' }).consistent()).toEqual({
      id: 'edge',
      x,
      xs: new Set([x, -x, 1.5e-130, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]),
      nested: { l: [-x, 0, 0] },
    });
    await Measure.update({ id: 'edge' }).set({ x: -x }).add({ xs: new Set([2e-130]) }).where(Attr('x').eq(x));
    const back = await Measure.get({ id: 'edge' }).consistent();
    expect(back?.x).toBe(-x);
    expect(back?.xs?.has(2e-130)).toBe(true);
  });

  it('-0 (which DynamoDB stores as 0): a put resolves to the item reads return, with 0 at the top level, nested, in a list and in an N key', async () => {
    const put = await Measure.put({ id: 'minus-zero', x: -0, nested: { l: [-0, 1] } });
    const read = await Measure.get({ id: 'minus-zero' }).consistent();
    expect(put).toEqual(read);
    expect([put.x, put.nested?.l[0], read?.x, read?.nested?.l[0]].map((n) => Object.is(n, 0))).toEqual([true, true, true, true]);
    const keyed = await ByNumber.put({ id: -0, v: -0 });
    expect(Object.is(keyed.id, 0) && Object.is(keyed.v, 0)).toBe(true);
    expect(await ByNumber.get({ id: 0 }).consistent()).toEqual(keyed);
    // 0 stays 0.
    const plain = await Measure.put({ id: 'plus-zero', x: 0 });
    expect(Object.is(plain.x, 0)).toBe(true);
  });

  it('bigints: 38 significant digits, the largest value (38 nines then 88 zeros), 10^125, 10^50; in items, sets, updates and conditions', async () => {
    const values = [D38, -D38, 10n ** 38n - 1n, MAX_BIGINT, -MAX_BIGINT, 10n ** 125n, 10n ** 50n, D38 * 10n ** 88n];
    await Measure.put({ id: 'bigs', big: MAX_BIGINT, bigs: new Set(values), nested: { l: [], b: -MAX_BIGINT } });
    expect(await Measure.get({ id: 'bigs' }).consistent()).toEqual({ id: 'bigs', big: MAX_BIGINT, bigs: new Set(values), nested: { l: [], b: -MAX_BIGINT } });
    await Measure.update({ id: 'bigs' })
      .set({ big: 10n ** 125n })
      .delete({ bigs: new Set([MAX_BIGINT]) })
      .where(Attr('big').between(MAX_BIGINT, MAX_BIGINT).and(Attr('nested.b').eq(-MAX_BIGINT)));
    const back = await Measure.get({ id: 'bigs' }).consistent();
    expect(back?.big).toBe(10n ** 125n);
    expect(back?.bigs).toEqual(new Set(values.filter((v) => v !== MAX_BIGINT)));
  });

  it('N keys: 1E-130 as a number, the largest bigint; batch and transaction writes too', async () => {
    await ByNumber.put({ id: 1e-130, v: 1 });
    expect(await ByNumber.get({ id: 1e-130 }).consistent()).toEqual({ id: 1e-130, v: 1 });
    await Readings.batchWrite([ByBigint.put({ id: MAX_BIGINT, v: 2 }), ByNumber.put({ id: -1e-130, v: 3 })]);
    await transactWrite([ByBigint.update({ id: MAX_BIGINT }).add({ v: 1 }), ByNumber.check({ id: -1e-130 }, ByNumber.Attr('v').eq(3))]);
    expect(await ByBigint.get({ id: MAX_BIGINT }).consistent()).toEqual({ id: MAX_BIGINT, v: 3 });
    expect((await ByNumber.query('primary', ByNumber.Key('id').eq(-1e-130))).items).toEqual([{ id: -1e-130, v: 3 }]);
  });
});

describe('a sum DynamoDB cannot store (valid operands, a result beyond its digits or range)', () => {
  it('add() and ref() arithmetic: an ExpressionError naming the entity and the path, alone and in a transaction; nothing written', async () => {
    // Only the stored number makes the result: 38 nines + 2 needs 39 digits, 1 + 1E-130 131, 9E+125 + 9E+125 overflows.
    await Measure.put({ id: 'sum', x: 1, big: 10n ** 38n - 1n, nested: { l: [], b: 9n * 10n ** 125n } });
    const cases: [string, () => PromiseLike<unknown>][] = [
      ['big', () => Measure.update({ id: 'sum' }).add({ big: 2n })],
      ['x', () => Measure.update({ id: 'sum' }).add({ x: 1e-130 })],
      ['nested.b', () => Measure.update({ id: 'sum' }).set({ 'nested.b': Measure.ref('nested.b').plus(9n * 10n ** 125n) })],
      ['big', () => transactWrite([Measure.update({ id: 'sum' }).add({ big: 2n }).set({ x: 5 }), Gauge.put({ id: 'sum' })])],
    ];
    for (const [path, send] of cases) {
      const e = await failure(send(), ExpressionError);
      expect(e.entity).toBe('Measure');
      expect(e.path).toBe(path);
      expect(e.message).toMatch(/DynamoDB cannot store/);
      expect((e.cause as Error).name).toBe('ValidationException');
    }
    expect(await Measure.get({ id: 'sum' }).consistent()).toEqual({ id: 'sum', x: 1, big: 10n ** 38n - 1n, nested: { l: [], b: 9n * 10n ** 125n } });
    expect(await Gauge.get({ id: 'sum' })).toBeUndefined();
  });
});

describe('a stored number JavaScript cannot read back (a decimal beyond 2^53)', () => {
  const TOO_PRECISE = '9007199254740991.5';

  it('get, update(returning) and delete(returning) fail with ItemParseError naming the entity and the attribute', async () => {
    // add() of a decimal to an integer near 2^53 stores such a number; DynamoDB computes it exactly.
    await Measure.put({ id: 'precise', x: Number.MAX_SAFE_INTEGER });
    await Measure.update({ id: 'precise' }).add({ x: 0.5 });
    const g = await failure(Measure.get({ id: 'precise' }), ItemParseError);
    expect(g.entity).toBe('Measure');
    expect(g.issues.map((i) => i.path)).toEqual(['x']);
    expect(g.message).toContain(TOO_PRECISE);
    const u = await failure(Measure.update({ id: 'precise' }).set({ big: 1n }).returning('ALL_NEW'), ItemParseError);
    expect(u.issues.map((i) => i.path)).toEqual(['x']);
    // The writes were done: the errors say so, lest a caller retry them.
    expect([g.written, u.written]).toEqual([undefined, 'update']);
    expect(u.message).toMatch(/^Measure: the update was done, but the item it returned does not match the schema: x: stored number/);
    const d = await failure(Measure.delete({ id: 'precise' }).returning('ALL_OLD'), ItemParseError);
    expect(d.issues.map((i) => i.path)).toEqual(['x']);
    expect(d.written).toBe('delete');
    expect(await Measure.get({ id: 'precise' })).toBeUndefined();
  });

  it('query, scan and a table-level scan fail the same way, naming the entity and the attribute', async () => {
    await Measure.put({ id: 'read-precise', x: Number.MAX_SAFE_INTEGER });
    await Measure.update({ id: 'read-precise' }).add({ x: 0.5 });
    const q = await failure(Measure.query('primary', Measure.Key('id').eq('read-precise')), ItemParseError);
    expect(q.entity).toBe('Measure');
    expect(q.issues.map((i) => i.path)).toEqual(['x']);
    expect(q.message).toContain(TOO_PRECISE);
    expect(q.raw['x']).toEqual({ N: TOO_PRECISE });
    const s = await failure(Measure.scan().all(), ItemParseError);
    expect(s.issues.map((i) => i.path)).toEqual(['x']);
    // a table-level read names the entity the item carries
    const t = await failure(Measures.scan().all(), ItemParseError);
    expect(t.entity).toBe('Measure');
    expect(t.issues.map((i) => i.path)).toEqual(['x']);
    await Measure.delete({ id: 'read-precise' });
  });

  /** Stores `x` = MAX_SAFE_INTEGER + 0.5 in the item of `entity` with `id` (add() of a decimal: DynamoDB computes it exactly). */
  async function storeUnreadable(entity: typeof Measure | typeof Gauge, id: string): Promise<void> {
    await entity.put({ id, x: Number.MAX_SAFE_INTEGER });
    await entity.update({ id }).add({ x: 0.5 });
  }

  it('a table-level batchGet fails with ItemParseError naming the entity the unreadable item was asked for', async () => {
    await storeUnreadable(Measure, 'batch-precise');
    await Gauge.put({ id: 'batch-precise', x: 1 });
    await ByNumber.put({ id: 7, v: 1 });
    try {
      // One request carries the keys of both entities of the table (and one of another table).
      const e = await failure(Measures.batchGet([Gauge.get({ id: 'batch-precise' }), ByNumber.get({ id: 7 }), Measure.get({ id: 'batch-precise' })]), ItemParseError);
      expect(e.entity).toBe('Measure');
      expect(e.issues.map((i) => i.path)).toEqual(['x']);
      expect(e.message).toContain(TOO_PRECISE);
      expect(e.raw['x']).toEqual({ N: TOO_PRECISE });
      // Now the other entity's item is the unreadable one.
      await Measure.put({ id: 'batch-precise', x: 1 });
      await storeUnreadable(Gauge, 'batch-precise');
      const g = await failure(Measures.batchGet([Measure.get({ id: 'batch-precise' }), Gauge.get({ id: 'batch-precise' })]), ItemParseError);
      expect(g.entity).toBe('Gauge');
      expect(g.issues.map((i) => i.path)).toEqual(['x']);
      expect(g.message).toContain(TOO_PRECISE);
      expect(await Measures.batchGet([Measure.get({ id: 'batch-precise' }), ByNumber.get({ id: 7 })])).toEqual([{ id: 'batch-precise', x: 1 }, { id: 7, v: 1 }]);
    } finally {
      await Measures.batchWrite([Measure.delete({ id: 'batch-precise' }), Gauge.delete({ id: 'batch-precise' })]);
    }
  });

  it('an entity-level batchGet fails the same way', async () => {
    await storeUnreadable(Measure, 'entity-batch-precise');
    try {
      const e = await failure(Measure.batchGet([{ id: 'missing' }, { id: 'entity-batch-precise' }]), ItemParseError);
      expect(e.entity).toBe('Measure');
      expect(e.issues.map((i) => i.path)).toEqual(['x']);
      expect(e.message).toContain(TOO_PRECISE);
      expect(e.raw['x']).toEqual({ N: TOO_PRECISE });
      const p = await failure(Measure.batchGet([{ id: 'entity-batch-precise' }]).project('x'), ItemParseError);
      expect(p.issues.map((i) => i.path)).toEqual(['x']);
    } finally {
      await Measure.delete({ id: 'entity-batch-precise' });
    }
  });

  it('transactGet fails the same way, naming the entity of the get that read the item', async () => {
    await storeUnreadable(Gauge, 'tx-precise');
    await Measure.put({ id: 'tx-precise', x: 1 });
    try {
      const e = await failure(transactGet([Measure.get({ id: 'tx-precise' }), Gauge.get({ id: 'tx-precise' })]), ItemParseError);
      expect(e.entity).toBe('Gauge');
      expect(e.issues.map((i) => i.path)).toEqual(['x']);
      expect(e.message).toContain(TOO_PRECISE);
      expect(e.raw['x']).toEqual({ N: TOO_PRECISE });
    } finally {
      await transactWrite([Measure.delete({ id: 'tx-precise' }), Gauge.delete({ id: 'tx-precise' })]);
    }
  });

  it('a failed condition and a cancelled transaction carry the stored item with its digits kept (NumberValue), never rounded', async () => {
    await storeUnreadable(Measure, 'failed-precise');
    const e = await failure(Measure.create({ id: 'failed-precise', x: 1 }).returnItemOnConditionFailure(), ConditionFailedError);
    // Not parsed (no schema takes a NumberValue), so the stored attributes come as they are.
    expect(e.item?.['x']).toEqual(new NumberValueImpl(TOO_PRECISE));
    expect(String(e.item?.['x'])).toBe(TOO_PRECISE);
    const t = await failure(transactWrite([Measure.create({ id: 'failed-precise', x: 1 }).returnItemOnConditionFailure()]), TransactionCanceledError);
    expect(t.reasons[0]?.code).toBe('ConditionalCheckFailed');
    expect(String(t.reasons[0]?.item?.['x'])).toBe(TOO_PRECISE);
    await Measure.delete({ id: 'failed-precise' });
  });

  it('names a nested path and a number set', async () => {
    const pk = { S: 'M#nested-precise' };
    await rawClient.send(
      new PutItemCommand({
        TableName: Measures.name,
        Item: { pk, sk: { S: 'M' }, _et: { S: 'Measure' }, id: { S: 'nested-precise' }, nested: { M: { l: { L: [{ N: '1' }, { N: TOO_PRECISE }] } } } },
      }),
    );
    const e = await failure(Measure.get({ id: 'nested-precise' }), ItemParseError);
    expect(e.issues.map((i) => i.path)).toEqual(['nested.l[1]']);
    await rawClient.send(new PutItemCommand({ TableName: Measures.name, Item: { pk, sk: { S: 'M' }, _et: { S: 'Measure' }, id: { S: 'nested-precise' }, xs: { NS: ['1', `-${TOO_PRECISE}`] } } }));
    const s = await failure(Measure.get({ id: 'nested-precise' }), ItemParseError);
    expect(s.issues.map((i) => i.path)).toEqual(['xs']);
    expect(s.message).toContain(`-${TOO_PRECISE}`);
  });
});
