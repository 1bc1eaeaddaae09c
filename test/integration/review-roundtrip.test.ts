/**
 * Values written and read through every path agree (review 48). One schema covering strings,
 * numbers, bigints, booleans, null, Dates, binary, sets, lists of maps, nested maps, optional /
 * default / transform fields, enums, a `storedAs` rename and the TTL is written through every write
 * path (put, create, upsert, update set / setIfNotExists / add / append, batch writer, transactWrite
 * put and update) and read through every read path (get, query, scan, table query, batchGet,
 * transactGet, `returning` of put / update / delete, `ConditionFailedError.item`, stream images as
 * the streams SDK and as Lambda deliver them), against DynamoDB Local.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { z } from 'zod';
import { BatchValidationError, ConditionFailedError, TransactionCanceledError, ValidationError, defineEntity, defineTable, transactGet, transactWrite } from '../../src/index.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { asLambdaEvent, readStream } from '../support/stream-records.js';
import { testClient, testEndpoint, uniqueTableName } from '../support/client.js';

const client = testClient();
let streams: DynamoDBStreamsClient;

const AppTable = defineTable({
  name: uniqueTableName('review-roundtrip'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  stream: 'NEW_AND_OLD_IMAGES',
});

const bytes = (...b: number[]) => new Uint8Array(b);

const sampleSchema = z.object({
    id: z.string(),
    empty: z.string(),
    unicode: z.string(),
    long: z.string(),
    int: z.number().int(),
    dec: z.number(),
    negZero: z.number(),
    tiny: z.number(),
    big: z.bigint(),
    bigRound: z.bigint(),
    bigSmall: z.bigint(),
    flag: z.boolean(),
    nothing: z.null(),
    maybe: z.string().nullable(),
    at: z.date(),
    far: z.date(),
    bin: z.instanceof(Uint8Array),
    emptyBin: z.instanceof(Uint8Array),
    ss: z.set(z.string()),
    ns: z.set(z.number()),
    bs: z.set(z.instanceof(Uint8Array)),
    bigs: z.set(z.bigint()),
    one: z.set(z.string()),
    lines: z.array(z.object({ sku: z.string(), at: z.date(), qty: z.number().int(), note: z.string().optional() })),
    nested: z.object({ inner: z.object({ d: z.date(), n: z.number(), tags: z.set(z.string()), deep: z.object({ x: z.string() }) }) }),
    byDay: z.record(z.string(), z.date()),
  emptyMap: z.record(z.string(), z.string()),
  emptyList: z.array(z.string()),
  holes: z.array(z.string().optional()),
    opt: z.string().optional(),
    def: z.number().default(7),
    shout: z.string().transform((s) => s.toUpperCase()),
    kind: z.enum(['a', 'b']),
    renamed: z.string(),
    expires: z.date().optional(),
  });

const Sample = defineEntity({
  table: AppTable,
  name: 'Sample',
  schema: sampleSchema,
  keys: { primary: { pk: 'S#{id}', sk: 'S' } },
  storedAs: { renamed: 'rn' },
  ttl: 'expires',
  timestamps: true,
});

type SampleInput = Parameters<typeof Sample.put>[0];

const at = new Date('2024-02-29T23:59:59.123+02:00');
const far = new Date('+010000-01-01T00:00:00.000Z');
const expires = new Date('2099-01-01T00:00:00.789Z');

function input(id: string): SampleInput {
  return {
    id,
    empty: '',
    unicode: 'héllo 𝄞 日本 \u0000 e\u0301',
    long: 'x'.repeat(50_000),
    int: -9007199254740991,
    dec: 0.1 + 0.2,
    negZero: 0,
    tiny: 1.5e-120,
    big: 12345678901234567890123456789012345678n,
    bigRound: 10n ** 40n,
    bigSmall: 42n,
    flag: false,
    nothing: null,
    maybe: null,
    at,
    far,
    bin: bytes(0, 1, 255),
    emptyBin: bytes(),
    ss: new Set(['a', '']),
    ns: new Set([1, 2.5, -3e-7]),
    bs: new Set([bytes(1), bytes()]),
    bigs: new Set([2n ** 64n, 5n]),
    one: new Set(['only']),
    lines: [
      { sku: 'A', at, qty: 1 },
      { sku: 'B', at: far, qty: 2, note: '' },
    ],
    nested: { inner: { d: at, n: 1e15 / 3, tags: new Set(['t']), deep: { x: 'y' } } },
    byDay: { mon: at, tue: far },
    emptyMap: {},
    emptyList: [],
    holes: ['a', undefined, ''],
    shout: 'quiet',
    kind: 'b',
    renamed: 'r',
    expires,
  };
}

/** What a reader of the item expects: the schema's output, the TTL in whole seconds. */
function expected(id: string): Record<string, unknown> {
  return { ...sampleSchema.parse(input(id)), expires: new Date(Math.floor(expires.getTime() / 1000) * 1000) };
}

/** The model fields of a read item (the timestamps vary per write). */
function fields(item: unknown): Record<string, unknown> {
  const { createdAt: _c, updatedAt: _u, ...rest } = item as Record<string, unknown>;
  return rest;
}

/** Every field of `input(id)` as one update's `set`. */
function setAll(id: string) {
  const { id: _id, ...rest } = input(id);
  return rest;
}

const ids = ['put', 'create', 'upsert', 'update', 'batch', 'txput', 'txupdate'] as const;

beforeAll(async () => {
  streams = new DynamoDBStreamsClient(localClientConfig(testEndpoint()));
  await AppTable.create();
  await Sample.put(input('put'));
  await Sample.create(input('create'));
  await Sample.update({ id: 'upsert' }).set(setAll('upsert')).upsert();
  // update of an existing item: first a minimal item, then every field by set
  await Sample.put({ ...input('update'), ss: new Set(['z']), lines: [], nested: { inner: { d: far, n: 0, tags: new Set(['q']), deep: { x: '' } } } });
  await Sample.update({ id: 'update' }).set(setAll('update'));
  const writer = AppTable.batchWriter();
  writer.put(Sample, input('batch'));
  await writer.close();
  await transactWrite([Sample.put(input('txput')), Sample.update({ id: 'txupdate' }).set(setAll('txupdate')).upsert()]);
});

afterAll(async () => {
  await AppTable.drop();
  client.destroy();
  streams?.destroy();
});

describe('every write path stores what a put stores', () => {
  it('the stored attributes are the same for every write path (names, types and values)', async () => {
    const raw = async (id: string) => {
      const out = await client.send(new GetItemCommand({ TableName: AppTable.name, Key: { pk: { S: `S#${id}` }, sk: { S: 'S' } } }));
      // Numbers as values: DynamoDB Local keeps an UpdateItem's number text as sent (1.5e-120), a PutItem's normalised.
      const { createdAt: _c, updatedAt: _u, ...rest } = unmarshall(out.Item ?? {});
      return rest;
    };
    const reference = await raw('put');
    expect(Object.keys(reference).sort()).toContain('rn');
    expect(reference['at']).toBe(at.toISOString());
    expect(reference['expires']).toBe(Math.floor(expires.getTime() / 1000));
    expect(reference['big']).toBe(12345678901234567890123456789012345678n);
    expect(reference['def']).toBe(7);
    expect(reference['shout']).toBe('QUIET');
    for (const id of ids.slice(1)) {
      const stored = await raw(id);
      const { pk: _p, id: _i, ...others } = stored;
      const { pk: _rp, id: _ri, ...refOthers } = reference;
      // Sets come back in DynamoDB's order, which is the same for equal sets.
      expect(others, id).toEqual(refOthers);
    }
  });
});

describe('every read path returns the schema output', () => {
  it('get, query, scan, table query, batchGet, transactGet', async () => {
    for (const id of ids) {
      const want = expected(id);
      expect(fields(await Sample.get({ id })), `get ${id}`).toEqual(want);
      expect(fields(await Sample.get({ id }).consistent()), `consistent get ${id}`).toEqual(want);
      expect(fields((await Sample.query('primary', Sample.Key('id').eq(id)).all())[0]), `query ${id}`).toEqual(want);
      const [viaBatch] = await Sample.batchGet([{ id }]);
      expect(fields(viaBatch), `batchGet ${id}`).toEqual(want);
      const [viaTable] = await AppTable.batchGet([Sample.get({ id })]);
      expect(fields(viaTable), `table batchGet ${id}`).toEqual(want);
      const [viaTx] = await transactGet([Sample.get({ id })]);
      expect(fields(viaTx), `transactGet ${id}`).toEqual(want);
      const table = await AppTable.query(AppTable.Key('pk').eq(`S#${id}`)).entities(Sample).all();
      const { _et, ...tableItem } = table.items[0] as unknown as Record<string, unknown>;
      expect(_et).toBe('Sample');
      expect(fields(tableItem), `table query ${id}`).toEqual(want);
    }
    const scanned = await Sample.scan().all();
    for (const id of ids) expect(fields(scanned.find((s) => s.id === id)), `scan ${id}`).toEqual(expected(id));
  });

  it('what a put resolves to is what a get returns', async () => {
    const written = await Sample.put(input('put-returned'));
    expect(fields(written)).toEqual(expected('put-returned'));
    expect(fields(await Sample.get({ id: 'put-returned' }))).toEqual(fields(written));
  });

  it('returning of update (ALL_NEW, ALL_OLD), put and delete (ALL_OLD)', async () => {
    await Sample.put(input('ret'));
    const allNew = await Sample.update({ id: 'ret' }).set({ opt: 'o' }).returning('ALL_NEW');
    expect(fields(allNew)).toEqual({ ...expected('ret'), opt: 'o' });
    const allOld = await Sample.update({ id: 'ret' }).set({ opt: 'p' }).returning('ALL_OLD');
    expect(fields(allOld)).toEqual({ ...expected('ret'), opt: 'o' });
    const replaced = await Sample.put(input('ret')).returning('ALL_OLD');
    expect(fields(replaced)).toEqual({ ...expected('ret'), opt: 'p' });
    const deleted = await Sample.delete({ id: 'ret' }).returning('ALL_OLD');
    expect(fields(deleted)).toEqual(expected('ret'));
  });

  it('UPDATED_NEW and UPDATED_OLD revive the changed values as the full read does', async () => {
    await Sample.put(input('partial'));
    const next = { ...input('partial'), at: new Date('2001-01-01T00:00:00.001Z'), big: 99999999999999999999n, ss: new Set(['n']), expires: new Date('2098-01-01T00:00:00Z') };
    const before = await Sample.update({ id: 'partial' }).set({ at: next.at, big: next.big, ss: next.ss, expires: next.expires, renamed: 'R2' }).returning('UPDATED_OLD');
    expect(fields(before)).toEqual({ at, big: input('partial').big, ss: new Set(['a', '']), expires: expected('partial')['expires'], renamed: 'r' });
    const after = await Sample.update({ id: 'partial' }).set({ at: at, big: 1n, ss: new Set(['m']), renamed: 'R3' }).returning('UPDATED_NEW');
    expect(fields(after)).toEqual({ at, big: 1n, ss: new Set(['m']), renamed: 'R3' });
  });

  it('ConditionFailedError.item is the stored item in model form', async () => {
    await Sample.put(input('cond'));
    const e = await Sample.update({ id: 'cond' })
      .set({ opt: 'x' })
      .where(Sample.Attr('kind').eq('a'))
      .returnItemOnConditionFailure()
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConditionFailedError);
    expect(fields((e as ConditionFailedError).item)).toEqual(expected('cond'));
    const d = await Sample.delete({ id: 'cond' })
      .where(Sample.Attr('kind').eq('a'))
      .returnItemOnConditionFailure()
      .catch((x: unknown) => x);
    expect(fields((d as ConditionFailedError).item)).toEqual(expected('cond'));
    const t = await transactWrite([
      Sample.update({ id: 'cond' }).set({ opt: 'x' }).where(Sample.Attr('kind').eq('a')).returnItemOnConditionFailure(),
      Sample.check({ id: 'put' }, Sample.Attr('kind').eq('a')).returnItemOnConditionFailure(),
    ]).catch((x: unknown) => x);
    expect(t).toBeInstanceOf(TransactionCanceledError);
    const [first, second] = (t as TransactionCanceledError).reasons;
    expect(fields(first?.item)).toEqual(expected('cond'));
    expect(fields(second?.item)).toEqual(expected('put'));
  });

  it('stream images, as the streams SDK and as Lambda deliver them, parse to the schema output', async () => {
    const records = await readStream(client, streams, AppTable.name, ids.length);
    const inserts = records.filter((r) => r.eventName === 'INSERT');
    // Kinesis Data Streams for DynamoDB: the change record names its table, and Lambda hands it over as base64 JSON.
    const kinesis = {
      Records: asLambdaEvent(records).Records.map((r) => ({
        eventSource: 'aws:kinesis',
        kinesis: { data: Buffer.from(JSON.stringify({ ...r, eventSourceARN: undefined, tableName: AppTable.name, eventSource: 'aws:dynamodb' })).toString('base64') },
      })),
    };
    for (const form of [{ Records: records }, asLambdaEvent(records), kinesis]) {
      const { events, errors } = AppTable.parseStreamEvent(form as never);
      expect(errors.map((e) => e.message)).toEqual([]);
      for (const id of ids) {
        const last = events.filter((e) => e.entity === 'Sample' && e.keys['id'] === id && e.newItem !== undefined).at(-1);
        expect(fields(last?.newItem), `stream ${id}`).toEqual(expected(id));
      }
    }
    expect(inserts.length).toBeGreaterThanOrEqual(ids.length);
  });
});

/** The item as stored, unmarshalled (numbers as values), without the timestamps. */
async function stored(id: string): Promise<Record<string, unknown>> {
  const out = await client.send(new GetItemCommand({ TableName: AppTable.name, Key: { pk: { S: `S#${id}` }, sk: { S: 'S' } } }));
  const { createdAt: _c, updatedAt: _u, ...rest } = unmarshall(out.Item ?? {});
  return rest;
}

describe('update actions store a value as a put stores it', () => {
  it('nested set, record entry, list element and append store Dates as ISO text', async () => {
    const { expires: _e, ...base } = input('nested');
    await Sample.put(base);
    const d = new Date('1999-12-31T23:59:59.999Z');
    await Sample.update({ id: 'nested' })
      .set({ 'nested.inner.d': d, 'byDay.wed': d, 'lines[0].at': d, 'nested.inner.deep': { x: 'z' } })
      .setIfNotExists({ expires: new Date('2100-01-01T00:00:00.500Z'), opt: 'first' });
    await Sample.update({ id: 'nested' }).append({ lines: [{ sku: 'C', at: d, qty: 3 }] });
    const raw = await stored('nested');
    expect((raw['nested'] as { inner: { d: unknown } }).inner.d).toBe(d.toISOString());
    expect((raw['byDay'] as Record<string, unknown>)['wed']).toBe(d.toISOString());
    expect((raw['lines'] as { at: unknown }[]).map((l) => l.at)).toEqual([d.toISOString(), far.toISOString(), d.toISOString()]);
    expect(raw['expires']).toBe(Math.floor(Date.parse('2100-01-01T00:00:00Z') / 1000));
    const got = await Sample.get({ id: 'nested' });
    expect(got?.nested.inner.d).toEqual(d);
    expect(got?.byDay['wed']).toEqual(d);
    expect(got?.lines.map((l) => l.at)).toEqual([d, far, d]);
    expect(got?.expires).toEqual(new Date('2100-01-01T00:00:00Z'));
    expect(got?.opt).toBe('first');
  });

  it('add to number, bigint and binary sets, and set of transformed, defaulted and binary fields', async () => {
    await Sample.put(input('adds'));
    await Sample.update({ id: 'adds' })
      .add({ ns: new Set([7, 0.125]), bigs: new Set([2n ** 70n, 9n]), bs: new Set([bytes(9, 9)]), int: 5, ss: new Set(['new']) })
      .set({ shout: 'again', def: undefined, emptyBin: bytes(), bin: Buffer.from([4, 5]) });
    const got = await Sample.get({ id: 'adds' });
    expect(got?.ns).toEqual(new Set([1, 2.5, -3e-7, 7, 0.125]));
    expect(got?.bigs).toEqual(new Set([2n ** 64n, 5n, 2n ** 70n, 9n]));
    expect([...(got?.bs ?? [])].map((b) => [...b]).sort()).toEqual([[], [1], [9, 9]]);
    expect(got?.int).toBe(-9007199254740986);
    expect(got?.shout).toBe('AGAIN');
    expect(got?.def).toBe(7);
    expect([...(got?.bin ?? [])]).toEqual([4, 5]);
    expect(got?.emptyBin).toEqual(bytes());
    const raw = await stored('adds');
    expect(raw['shout']).toBe('AGAIN');
    expect(raw['def']).toBe(7);
  });

  it('an upsert that leaves a defaulted field alone stores its default, as a put does', async () => {
    const { def: _d, id: _i, ...rest } = input('updef');
    await Sample.update({ id: 'updef' }).set(rest).upsert();
    expect((await stored('updef'))['def']).toBe(7);
    expect((await Sample.get({ id: 'updef' }))?.def).toBe(7);
  });

  it('projections read renamed, TTL, nested and set fields as the full read does', async () => {
    await Sample.put(input('proj'));
    const want = expected('proj');
    const attrs = ['renamed', 'expires', 'nested', 'bigs', 'lines', 'byDay'] as const;
    const pick = Object.fromEntries(attrs.map((a) => [a, want[a]]));
    expect(await Sample.get({ id: 'proj' }).project(...attrs)).toEqual(pick);
    expect((await Sample.query('primary', Sample.Key('id').eq('proj')).project(...attrs).all())[0]).toEqual(pick);
    const [viaBatch] = await AppTable.batchGet([Sample.get({ id: 'proj' }).project(...attrs)]);
    expect(viaBatch).toEqual(pick);
    const [viaTx] = await transactGet([Sample.get({ id: 'proj' }).project(...attrs)]);
    expect(viaTx).toEqual(pick);
  });
});

describe('sets of Dates (z.set(z.date()))', () => {
  const Calendar = defineEntity({
    table: AppTable,
    name: 'Calendar',
    schema: z.object({ calId: z.string(), days: z.set(z.date()), extra: z.set(z.date()).optional() }),
    keys: { primary: { pk: 'CAL#{calId}', sk: 'CAL' } },
  });
  const d1 = new Date('2024-01-01T00:00:00.000Z');
  const d2 = new Date('2024-06-30T12:34:56.789Z');
  const d3 = new Date('2025-12-31T23:59:59.999Z');

  it('are stored as string sets of ISO text, as a Date is stored everywhere else, and read back as Sets of Dates', async () => {
    const written = await Calendar.put({ calId: 'c1', days: new Set([d1, d2]) });
    expect(written.days).toEqual(new Set([d1, d2]));
    const raw = await client.send(new GetItemCommand({ TableName: AppTable.name, Key: { pk: { S: 'CAL#c1' }, sk: { S: 'CAL' } } }));
    expect(new Set(raw.Item?.['days']?.SS)).toEqual(new Set([d1.toISOString(), d2.toISOString()]));
    expect((await Calendar.get({ calId: 'c1' }))?.days).toEqual(new Set([d1, d2]));
    const records = await readStream(client, streams, AppTable.name, 1);
    const insert = records.filter((r) => r.eventName === 'INSERT' && r.dynamodb?.Keys?.['pk']?.S === 'CAL#c1');
    for (const form of [{ Records: insert }, asLambdaEvent(insert)]) {
      const { events } = AppTable.parseStreamEvent(form as never);
      expect(events[0]?.newItem).toEqual({ calId: 'c1', days: new Set([d1, d2]) });
    }
  });

  it('update add, delete and set, and conditions, take Dates as the put does', async () => {
    await Calendar.put({ calId: 'c2', days: new Set([d1]) });
    await Calendar.update({ calId: 'c2' }).add({ days: new Set([d2, d3]) }).set({ extra: new Set([d3]) });
    await Calendar.update({ calId: 'c2' }).delete({ days: new Set([d1]) }).where(Calendar.Attr('days').contains(d2));
    const got = await Calendar.get({ calId: 'c2' });
    expect(got).toEqual({ calId: 'c2', days: new Set([d2, d3]), extra: new Set([d3]) });
  });

  it('two Date objects of one instant are one element for DynamoDB: refused before sending', async () => {
    const e = await Calendar.put({ calId: 'c3', days: new Set([d1, new Date(d1.getTime())]) }).catch((x: unknown) => x);
    expect((e as Error).name).toBe('ValidationError');
    expect((e as Error).message).toMatch(/days: 2024-01-01T00:00:00.000Z is in the set twice/);
    expect(await Calendar.get({ calId: 'c3' })).toBeUndefined();
  });
});

describe('empty map keys and attribute names', () => {
  const Doc = defineEntity({
    table: AppTable,
    name: 'Doc',
    schema: z.object({ docId: z.string(), labels: z.record(z.string(), z.string()).optional(), deep: z.array(z.record(z.string(), z.number())).optional() }).catchall(z.string()),
    keys: { primary: { pk: 'DOC#{docId}', sk: 'DOC' } },
  });

  it('are refused before sending, naming the map (DynamoDB refuses the whole request: "Empty attribute name")', async () => {
    const calls: string[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push(context.commandName ?? '');
        return next(args);
      },
      { step: 'initialize', name: 'review-roundtrip-calls' },
    );
    try {
      const attempts: [string, () => PromiseLike<unknown>][] = [
        ['labels', () => Doc.put({ docId: 'd1', labels: { '': 'x', ok: 'y' } })],
        ['deep[1]', () => Doc.put({ docId: 'd1', deep: [{ a: 1 }, { '': 2 }] })],
        ['', () => Doc.put({ docId: 'd1', '': 'top' })],
        ['labels', () => Doc.update({ docId: 'd1' }).set({ labels: { '': 'x' } }).upsert()],
      ];
      for (const [path, write] of attempts) {
        const e = await Promise.resolve(write()).catch((x: unknown) => x);
        expect((e as Error).name, path).toBe('ValidationError');
        expect((e as ValidationError).issues.map((i) => i.path), path).toEqual([path]);
        expect((e as Error).message).toMatch(/empty/);
      }
      const batch = await AppTable.batchWrite([Doc.put({ docId: 'd2' }), Doc.put({ docId: 'd3', labels: { '': 'x' } })]).catch((x: unknown) => x);
      expect(batch).toBeInstanceOf(BatchValidationError);
      const [failure] = (batch as BatchValidationError).failures;
      expect(failure?.index).toBe(1);
      expect((failure?.error as ValidationError).issues.map((i) => i.path)).toEqual(['labels']);
      expect(calls).toEqual([]);
    } finally {
      client.middlewareStack.remove('review-roundtrip-calls');
    }
    expect(await Doc.get({ docId: 'd2' })).toBeUndefined();
  });
});

describe('undefined list and tuple elements', () => {
  const Row = defineEntity({
    table: AppTable,
    name: 'Row',
    schema: z.object({
      rowId: z.string(),
      cells: z.array(z.string().optional()),
      triple: z.tuple([z.string(), z.string().optional(), z.string()]),
    }),
    keys: { primary: { pk: 'ROW#{rowId}', sk: 'ROW' } },
  });

  it('set of an element to undefined keeps the positions, as a put of the same list does', async () => {
    const viaPut = await Row.put({ rowId: 'p', cells: ['a', undefined, 'c'], triple: ['x', undefined, 'z'] });
    await Row.put({ rowId: 'u', cells: ['a', 'b', 'c'], triple: ['x', 'y', 'z'] });
    await Row.update({ rowId: 'u' }).set({ 'cells[1]': undefined, 'triple[1]': undefined });
    const { rowId: _p, ...put } = viaPut;
    const { rowId: _u, ...updated } = (await Row.get({ rowId: 'u' }))!;
    expect(updated).toEqual(put);
    expect(updated).toEqual({ cells: ['a', undefined, 'c'], triple: ['x', undefined, 'z'] });
  });

  it('remove() of a fixed tuple position keeps the later positions (it shifted them, and no read parsed the item); of a list element, removes it', async () => {
    await Row.put({ rowId: 'r', cells: ['a', 'b', 'c'], triple: ['x', 'y', 'z'] });
    await Row.update({ rowId: 'r' }).remove('triple[1]', 'cells[1]');
    expect(await Row.get({ rowId: 'r' })).toEqual({ rowId: 'r', cells: ['a', 'c'], triple: ['x', undefined, 'z'] });
  });
});

describe('schemas that keep unknown attributes', () => {
  const Loose = defineEntity({
    table: AppTable,
    name: 'Loose',
    schema: z.looseObject({ looseId: z.string(), at: z.date().optional() }),
    keys: { primary: { pk: 'LOOSE#{looseId}', sk: 'LOOSE' } },
  });

  it('what a put resolves to is what a get returns, when the item brings key attributes or the discriminator along', async () => {
    const copied = { looseId: 'l1', pk: 'STALE', sk: 'STALE', _et: 'Other', note: 'kept', at: new Date('2024-01-01T00:00:00Z') };
    const written = await Loose.put(copied);
    const read = await Loose.get({ looseId: 'l1' });
    expect(read).toEqual({ looseId: 'l1', note: 'kept', at: new Date('2024-01-01T00:00:00Z') });
    expect(written).toEqual(read);
  });
});

describe('empty sets of attributes that default to the empty set', () => {
  const Tagged = defineEntity({
    table: AppTable,
    name: 'Tagged',
    schema: z.object({ tagId: z.string(), tags: z.set(z.string()).default(new Set()) }),
    keys: { primary: { pk: 'TAG#{tagId}', sk: 'TAG' } },
    timestamps: true,
  });

  it('setIfNotExists takes the empty set as put and set do (stored as no attribute), and keeps a stored set', async () => {
    await Tagged.put({ tagId: 't1', tags: new Set() });
    await Tagged.update({ tagId: 't1' }).set({ tags: new Set() });
    await Tagged.update({ tagId: 't1' }).setIfNotExists({ tags: new Set() });
    expect(fields(await Tagged.get({ tagId: 't1' }))).toEqual({ tagId: 't1', tags: new Set() });
    await Tagged.put({ tagId: 't2', tags: new Set(['kept']) });
    await Tagged.update({ tagId: 't2' }).setIfNotExists({ tags: new Set() });
    await Tagged.update({ tagId: 't3' }).setIfNotExists({ tags: new Set() }).upsert();
    expect(fields(await Tagged.get({ tagId: 't2' }))).toEqual({ tagId: 't2', tags: new Set(['kept']) });
    expect(fields(await Tagged.get({ tagId: 't3' }))).toEqual({ tagId: 't3', tags: new Set() });
  });
});

describe('nested sets that default to the empty set', () => {
  const Prefs = defineEntity({
    table: AppTable,
    name: 'Prefs',
    schema: z.object({
      prefId: z.string(),
      prefs: z.object({ muted: z.set(z.string()).default(new Set()), theme: z.string().default('light') }),
      rules: z.array(z.object({ name: z.string(), except: z.set(z.number()).default(new Set()) })).default([]),
    }),
    keys: { primary: { pk: 'PREF#{prefId}', sk: 'PREF' } },
  });

  it('a put whose nested default is the empty set stores no attribute there, as at the top level, and reads it back', async () => {
    const written = await Prefs.put({ prefId: 'p1', prefs: {}, rules: [{ name: 'r' }] });
    expect(written).toEqual({ prefId: 'p1', prefs: { muted: new Set(), theme: 'light' }, rules: [{ name: 'r', except: new Set() }] });
    expect(await Prefs.get({ prefId: 'p1' })).toEqual(written);
    await Prefs.update({ prefId: 'p1' }).set({ prefs: { muted: new Set() }, rules: [{ name: 's', except: new Set() }] });
    expect(await Prefs.get({ prefId: 'p1' })).toEqual({ prefId: 'p1', prefs: { muted: new Set(), theme: 'light' }, rules: [{ name: 's', except: new Set() }] });
    await Prefs.update({ prefId: 'p1' }).append({ rules: [{ name: 't' }] }).setIfNotExists({ 'prefs.theme': 'dark' });
    await Prefs.update({ prefId: 'p2' }).set({ prefs: { muted: new Set(['x']) } }).upsert();
    expect((await Prefs.get({ prefId: 'p1' }))?.rules).toEqual([{ name: 's', except: new Set() }, { name: 't', except: new Set() }]);
    expect(await Prefs.get({ prefId: 'p2' })).toEqual({ prefId: 'p2', prefs: { muted: new Set(['x']), theme: 'light' }, rules: [] });
    await Prefs.update({ prefId: 'p3' })
      .set({ prefs: Prefs.ref('prefs').ifNotExists({ muted: new Set(), theme: 'dark' }) })
      .upsert();
    expect(await Prefs.get({ prefId: 'p3' })).toEqual({ prefId: 'p3', prefs: { muted: new Set(), theme: 'dark' }, rules: [] });
  });
});

describe('a DocumentClient with its own marshalling options as the table client', () => {
  const low = testClient();
  const doc = DynamoDBDocumentClient.from(low, { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true, allowImpreciseNumbers: true } });
  const DocTable = defineTable({ name: uniqueTableName('review-roundtrip-doc'), client: doc, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
  const DocSample = defineEntity({ table: DocTable, name: 'Sample', schema: sampleSchema, keys: { primary: { pk: 'S#{id}', sk: 'S' } }, storedAs: { renamed: 'rn' }, ttl: 'expires', timestamps: true });

  beforeAll(async () => {
    await DocTable.create();
  });
  afterAll(async () => {
    await DocTable.drop();
    low.destroy();
  });

  it('stores and reads what the plain client stores and reads', async () => {
    const written = await DocSample.put(input('doc'));
    await DocSample.update({ id: 'doc2' }).set(setAll('doc2')).upsert();
    expect(fields(written)).toEqual(expected('doc'));
    for (const id of ['doc', 'doc2']) {
      expect(fields(await DocSample.get({ id })), id).toEqual(expected(id));
      expect(fields((await DocSample.query('primary', DocSample.Key('id').eq(id)).all())[0]), id).toEqual(expected(id));
      const [viaTx] = await transactGet([DocSample.get({ id })]);
      expect(fields(viaTx), id).toEqual(expected(id));
    }
    const raw = async (t: string, id: string) => {
      const out = await client.send(new GetItemCommand({ TableName: t, Key: { pk: { S: `S#${id}` }, sk: { S: 'S' } } }));
      const { createdAt: _c, updatedAt: _u, ...rest } = unmarshall(out.Item ?? {});
      return rest;
    };
    expect(await raw(DocTable.name, 'doc')).toEqual({ ...(await raw(AppTable.name, 'put')), pk: 'S#doc', id: 'doc' });
  });
});

describe('writing back an item read at table level', () => {
  const Strict = defineEntity({
    table: AppTable,
    name: 'Strict',
    schema: z.strictObject({ strictId: z.string(), n: z.number() }),
    keys: { primary: { pk: 'STRICT#{strictId}', sk: 'STRICT' } },
    timestamps: true,
  });

  it('a strict schema takes back the item a table query returned (tagged with the discriminator), as it takes its timestamps', async () => {
    await Strict.put({ strictId: 's1', n: 1 });
    const { items } = await AppTable.query(AppTable.Key('pk').eq('STRICT#s1')).entities(Strict).all();
    const read = items[0]!;
    expect(read._et).toBe('Strict');
    const written = await Strict.put({ ...read, n: 2 });
    expect(fields(written)).toEqual({ strictId: 's1', n: 2 });
    expect(fields(await Strict.get({ strictId: 's1' }))).toEqual({ strictId: 's1', n: 2 });
  });
});

describe('renamed TTL, timestamps and version', () => {
  const Session = defineEntity({
    table: AppTable,
    name: 'Session',
    schema: z.object({ sessionId: z.string(), expires: z.date(), seen: z.set(z.date()).optional() }),
    keys: { primary: { pk: 'SESSION#{sessionId}', sk: 'SESSION' } },
    ttl: 'expires',
    version: 'version',
    timestamps: true,
    storedAs: { createdAt: 'c', updatedAt: 'u', version: 'v', seen: 's' },
  });
  const exp = new Date('2099-06-01T12:00:00.250Z');
  const whole = new Date('2099-06-01T12:00:00.000Z');

  it('read back alike by get, update returning, version conflicts and the stream', async () => {
    const written = await Session.create({ sessionId: 's1', expires: exp, seen: new Set([exp]) });
    expect(written).toMatchObject({ sessionId: 's1', expires: whole, seen: new Set([exp]), version: 1 });
    const raw = await client.send(new GetItemCommand({ TableName: AppTable.name, Key: { pk: { S: 'SESSION#s1' }, sk: { S: 'SESSION' } } }));
    expect(raw.Item?.['expires']).toEqual({ N: String(Math.floor(exp.getTime() / 1000)) });
    expect(raw.Item?.['v']).toEqual({ N: '1' });
    expect(raw.Item?.['s']).toEqual({ SS: [exp.toISOString()] });
    const got = await Session.get({ sessionId: 's1' });
    expect(got).toEqual(written);
    const next = await Session.update({ sessionId: 's1', version: 1 }).set({ expires: exp }).returning('ALL_NEW');
    expect(next).toMatchObject({ expires: whole, seen: new Set([exp]), version: 2, createdAt: written.createdAt });
    const partial = await Session.update({ sessionId: 's1', version: 2 }).add({ seen: new Set([whole]) }).returning('UPDATED_NEW');
    expect(partial).toMatchObject({ seen: new Set([exp, whole]), version: 3 });
    const conflict = await Session.update({ sessionId: 's1', version: 1 })
      .set({ expires: exp })
      .catch((x: unknown) => x);
    expect(conflict).toBeInstanceOf(ConditionFailedError);
    expect(fields((conflict as ConditionFailedError).item)).toEqual({ sessionId: 's1', expires: whole, seen: new Set([exp, whole]), version: 3 });
    const records = (await readStream(client, streams, AppTable.name, 1)).filter((r) => r.dynamodb?.Keys?.['pk']?.S === 'SESSION#s1');
    for (const form of [{ Records: records }, asLambdaEvent(records)]) {
      const { events, errors } = AppTable.parseStreamEvent(form as never);
      expect(errors).toEqual([]);
      expect(fields(events.at(-1)?.newItem)).toEqual({ sessionId: 's1', expires: whole, seen: new Set([exp, whole]), version: 3 });
    }
  });
});

describe('sparse arrays in untyped attributes', () => {
  const Blob = defineEntity({
    table: AppTable,
    name: 'Json',
    schema: z.object({ jsonId: z.string(), meta: z.record(z.string(), z.unknown()) }),
    keys: { primary: { pk: 'JSON#{jsonId}', sk: 'JSON' } },
  });

  it('keep their positions, as a list with undefined elements does (a hole was dropped, shifting the elements after it)', async () => {
    const slots: unknown[] = new Array(3);
    slots[1] = 'busy';
    await Blob.put({ jsonId: 'j1', meta: { slots, dense: [undefined, 'busy', undefined] } });
    const got = await Blob.get({ jsonId: 'j1' });
    expect(got?.meta).toEqual({ slots: [null, 'busy', null], dense: [null, 'busy', null] });
  });
});
