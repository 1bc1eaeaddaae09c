/**
 * Limits DynamoDB Local enforces on expressions that dynakit did not check before sending, each
 * shown first on a raw request (where the server draws the line), then refused by dynakit at
 * exactly that line, before any request, with an error naming the entity, the path and the limit.
 */
import { describe, expect, it } from 'vitest';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ConditionFailedError, defineEntity, defineTable, ExpressionError, ItemSizeError, KeyError, or, transactWrite, ValidationError } from '../../src/index.js';
import { failure } from '../support/failure.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { countRequests, refusedBeforeSend } from '../support/requests.js';
import { expiredLongAgo } from '../support/ttl.js';
import { useTable } from '../support/tables.js';
import { MAX_EXPIRED_CLEARS } from '../../src/operations/write-guards.js';

const client = testClient();
const doc = testDocClient(client);
const sent = countRequests(client);

const Limits = defineTable({ name: uniqueTableName('review-limits-52'), client, partitionKey: { name: 'pk', type: 'S' } });
useTable(Limits, { clients: [client] });

/** A map of maps, as deep as one likes: its paths have no depth the schema could bound. */
interface Deep {
  [key: string]: Deep;
}
const DeepSchema: z.ZodType<Deep> = z.record(z.string(), z.lazy(() => DeepSchema));

const Row = defineEntity({
  table: Limits,
  name: 'Row',
  schema: z.object({
    id: z.string(),
    s: z.string().optional(),
    m: z.record(z.string(), z.string()).optional(),
    tags: z.array(z.string()).optional(),
    doc: DeepSchema.optional(),
  }),
  keys: { primary: { pk: 'ROW#{id}' } },
});
const { Attr } = Row;

/** What the server says to a raw request: 'ok' (a false condition included) or the error's name and message. */
async function server(send: () => PromiseLike<unknown>): Promise<string> {
  try {
    await send();
    return 'ok';
  } catch (e) {
    if ((e as Error).name === 'ConditionalCheckFailedException') return 'ok';
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

/** Awaits a dynakit write whose condition is false on the stored item: the server took the request. */
async function accepted(write: PromiseLike<unknown>): Promise<void> {
  await write.then(
    () => undefined,
    (e: unknown) => expect(e).toBeInstanceOf(ConditionFailedError),
  );
}

/** A one-entry map of `bytes` bytes as DynamoDB sizes a map value of an expression (as an item: key + value). */
const mapOf = (bytes: number): Record<string, string> => ({ a: 'x'.repeat(bytes - 1) });
/** A one-element list of `bytes` bytes as DynamoDB sizes a list value of an expression (its elements, no overhead). */
const listOf = (bytes: number): string[] => ['x'.repeat(bytes)];

/** A raw UpdateItem of the stored row whose condition compares `m` with `value`. */
const rawCondition = (value: unknown) => () =>
  doc.send(
    new UpdateCommand({
      TableName: Limits.name,
      Key: { pk: 'ROW#r' },
      UpdateExpression: 'SET #s = :s',
      ConditionExpression: '#m = :v0',
      ExpressionAttributeNames: { '#s': 's', '#m': 'm' },
      ExpressionAttributeValues: { ':s': 'y', ':v0': value },
    }),
  );

describe('a map or list value of an expression is capped at 400 KB (a map sized as an item, a list as the sum of its elements)', () => {
  it('the server takes a 409,600-byte map or list value and refuses one byte more; a longer string is no such value', async () => {
    await Row.put({ id: 'r', s: 'x', m: {}, tags: [] });
    expect(await server(rawCondition(mapOf(409_600)))).toBe('ok');
    expect(await server(rawCondition(mapOf(409_601)))).toMatch(/Item size has exceeded the maximum allowed size for key :v0/);
    expect(await server(rawCondition({ a: 'x'.repeat(409_594), bb: 'yy' }))).toBe('ok'); // 1 + 409,594 + 2 + 2 + ... = 409,599
    expect(await server(rawCondition({ a: { b: 'x'.repeat(409_595) } }))).toMatch(/for key :v0/); // 1 + (3 + 1 + 1 + 409,595)
    expect(await server(rawCondition(listOf(409_600)))).toBe('ok');
    expect(await server(rawCondition(listOf(409_601)))).toMatch(/for key :v0/);
    expect(await server(rawCondition(Array.from({ length: 409_601 }, () => 'a')))).toMatch(/for key :v0/);
    expect(await server(rawCondition('x'.repeat(500_000)))).toBe('ok');
  });

  it('a map in a condition: the largest the server takes is sent, one byte more is refused before sending', async () => {
    await Row.put({ id: 'r', s: 'x', m: {}, tags: [] });
    await accepted(Row.update({ id: 'r' }).set({ s: 'y' }).where(Attr('m').eq(mapOf(409_600))));
    const e = await refusedBeforeSend(sent, ExpressionError, () => Row.update({ id: 'r' }).set({ s: 'y' }).where(Attr('m').eq(mapOf(409_601))));
    expect(e.message).toMatch(/^Row: m: .*409,601 bytes.*409,600/);
  });

  it('nested maps and lists count as in an item', async () => {
    await Row.put({ id: 'r', s: 'x', tags: [] });
    const nested = (n: number) => ({ a: { b: 'x'.repeat(n) } }) as unknown as Record<string, string>;
    await accepted(Row.update({ id: 'r' }).set({ s: 'y' }).where(Limits.Attr('m').eq(nested(409_594))));
    await refusedBeforeSend(sent, ExpressionError, () => Row.update({ id: 'r' }).set({ s: 'y' }).where(Limits.Attr('m').eq(nested(409_595))));
  });

  it('a list in a condition or filter, and a list appended by an update', async () => {
    await Row.put({ id: 'r', s: 'x', m: {}, tags: [] });
    await accepted(Row.update({ id: 'r' }).set({ s: 'y' }).where(Attr('tags').eq(listOf(409_600))));
    const e = await refusedBeforeSend(sent, ExpressionError, () => Row.update({ id: 'r' }).set({ s: 'y' }).where(Attr('tags').eq(listOf(409_601))));
    expect(e.message).toMatch(/^Row: tags: .*409,601 bytes.*409,600/);
    // Many small elements: no per-element overhead at the top of the list.
    await refusedBeforeSend(sent, ExpressionError, () => Row.update({ id: 'r' }).set({ s: 'y' }).where(Attr('tags').eq(Array.from({ length: 409_601 }, () => 'a'))));
    expect((await Row.query('primary', Row.Key('id').eq('r')).filter(Attr('tags').eq(listOf(409_600)))).items).toEqual([]);
    await refusedBeforeSend(sent, ExpressionError, () => Row.query('primary', Row.Key('id').eq('r')).filter(Attr('tags').eq(listOf(409_601))));
    // Appended: the server refuses the value itself (before the item's own 400 KB).
    const raw = await server(() =>
      doc.send(new UpdateCommand({ TableName: Limits.name, Key: { pk: 'ROW#r' }, UpdateExpression: 'SET #t = list_append(#t, :v0)', ExpressionAttributeNames: { '#t': 'tags' }, ExpressionAttributeValues: { ':v0': listOf(409_601) } })),
    );
    expect(raw).toMatch(/for key :v0/);
    const a = await refusedBeforeSend(sent, ExpressionError, () => Row.update({ id: 'r' }).append({ tags: listOf(409_601) }));
    expect(a.message).toMatch(/^Row: tags: /);
    await refusedBeforeSend(sent, ExpressionError, () => Row.update({ id: 'r' }).set({ m: mapOf(409_601) }));
  });

  it('maps and lists also count toward the 1 MiB of an expression with its values substituted, byte for byte', async () => {
    await Row.put({ id: 'r', s: 'x', m: {}, tags: [] });
    const make = (n: number) => Row.update({ id: 'r' }).set({ s: 'y' }).where(or(Attr('s').eq('x'.repeat(700_000)), Attr('m').eq(mapOf(n)), Attr('tags').eq(['a', 'b'])));
    let lo = 300_000;
    let hi = 400_000;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      try {
        make(mid).build();
        lo = mid;
      } catch {
        hi = mid - 1;
      }
    }
    await accepted(make(lo));
    const e = await refusedBeforeSend(sent, ExpressionError, () => make(lo + 1));
    expect(e.message).toMatch(/1,048,577 bytes with its attribute names and values in place; DynamoDB allows 1,048,576/);
    // Each map under its own 400 KB, three of them over 1 MiB together.
    await refusedBeforeSend(sent, ExpressionError, () => Row.update({ id: 'r' }).set({ s: 'y' }).where(or(...[1, 2, 3].map((i) => Attr('m').eq({ [`k${i}`]: 'x'.repeat(400_000) })))));
  });

  it('strings are not capped that way: a 500,000-byte string value is sent', async () => {
    await Row.put({ id: 'r', s: 'x', m: {}, tags: [] });
    await accepted(Row.update({ id: 'r' }).set({ s: 'y' }).where(Attr('s').eq('x'.repeat(500_000))));
  });
});

describe('a document path has at most 32 levels (names and list indexes)', () => {
  const deep = (n: number) => Array.from({ length: n }, () => 'a').join('.');

  it('the server takes 32 levels and refuses 33 in every kind of expression', async () => {
    const filter = (path: string) => () =>
      doc.send(new QueryCommand({ TableName: Limits.name, KeyConditionExpression: 'pk = :p', FilterExpression: `attribute_exists(${path})`, ExpressionAttributeNames: { '#a': 'a' }, ExpressionAttributeValues: { ':p': 'ROW#r' } }));
    const names = (n: number) => Array.from({ length: n }, () => '#a').join('.');
    expect(await server(filter(names(32)))).toBe('ok');
    expect(await server(filter(names(33)))).toMatch(/The document path has too many nesting levels; nesting levels: 33/);
    expect(await server(filter(`#a${'[0]'.repeat(32)}`))).toMatch(/nesting levels: 33/);
  });

  it('a table-level Attr path of 33 levels is refused before sending; 32 are sent', async () => {
    await Row.put({ id: 'r', s: 'x' });
    const q = (path: string) => Limits.query(Limits.Key('pk').eq('ROW#r')).filter(Limits.Attr(path).exists());
    expect((await q(deep(32))).items).toEqual([]);
    const e = await refusedBeforeSend(sent, ExpressionError, () => q(deep(33)));
    expect(e.message).toMatch(/^table review-limits-52[^:]*: a\.a\.a.*: .*33 levels.*32/);
    await refusedBeforeSend(sent, ExpressionError, () => q(`a${'[0]'.repeat(32)}`));
  });

  it("an entity's recursive field: conditions, updates and ref() paths past 32 levels are refused before sending", async () => {
    await Row.put({ id: 'r', s: 'x' });
    await accepted(Row.update({ id: 'r' }).set({ s: 'y' }).where(Attr(`doc.${deep(31)}` as never).exists()));
    const e = await refusedBeforeSend(sent, ExpressionError, () => Row.update({ id: 'r' }).set({ s: 'y' }).where(Attr(`doc.${deep(32)}` as never).exists()));
    expect(e.message).toMatch(/^Row: doc\.a\..*: .*33 levels/);
    await refusedBeforeSend(sent, ExpressionError, () => Row.update({ id: 'r' }).remove(`doc.${deep(32)}` as never));
    await refusedBeforeSend(sent, ExpressionError, () => Row.update({ id: 'r' }).set({ s: Row.ref(`doc.${deep(32)}` as never) }));
  });
});

describe('a map or list value of an expression nests at most 32 maps and lists, itself included (as in an item)', () => {
  /** `n` maps, one inside the other, the innermost empty. */
  const maps = (n: number): Deep => {
    let v: Deep = {};
    for (let i = 1; i < n; i++) v = { a: v };
    return v;
  };
  /** `n` lists, one inside the other, the innermost empty. */
  const lists = (n: number): unknown[] => {
    let v: unknown[] = [];
    for (let i = 1; i < n; i++) v = [v];
    return v;
  };

  it('the server takes 32 in a condition and refuses 33; dynakit sends 32 and refuses 33 before sending', async () => {
    await Row.put({ id: 'r', s: 'x' });
    expect(await server(rawCondition(maps(32)))).toBe('ok');
    expect(await server(rawCondition(maps(33)))).toMatch(/ExpressionAttributeValues contains invalid value: Nesting Levels have exceeded supported limits/);
    expect(await server(rawCondition(lists(32)))).toBe('ok');
    expect(await server(rawCondition(lists(33)))).toMatch(/Nesting Levels have exceeded supported limits/);
    await accepted(Row.update({ id: 'r' }).set({ s: 'y' }).where(Attr('doc').eq(maps(32))));
    const e = await refusedBeforeSend(sent, ValidationError, () => Row.update({ id: 'r' }).set({ s: 'y' }).where(Attr('doc').eq(maps(33))));
    expect(e.message).toMatch(/^Row: invalid value: doc(\.a)*: .*32/);
    await accepted(Row.update({ id: 'r' }).set({ s: 'y' }).where(Limits.Attr('tags').eq(lists(32))));
    await refusedBeforeSend(sent, ValidationError, () => Row.update({ id: 'r' }).set({ s: 'y' }).where(Limits.Attr('tags').eq(lists(33))));
    await refusedBeforeSend(sent, ValidationError, () => Limits.query(Limits.Key('pk').eq('ROW#r')).filter(Limits.Attr('tags').in([lists(33)])));
  });
});

describe('an attribute name in an expression is at most 65,535 bytes', () => {
  it('the server refuses a name of 65,536 bytes in ExpressionAttributeNames, and so does dynakit, before sending', async () => {
    await Row.put({ id: 'r', s: 'x' });
    const q = (name: string) => Limits.query(Limits.Key('pk').eq('ROW#r')).filter(Limits.Attr([name]).exists());
    expect((await q('a'.repeat(65_535))).items).toEqual([]);
    const raw = await server(() =>
      doc.send(new QueryCommand({ TableName: Limits.name, KeyConditionExpression: 'pk = :p', FilterExpression: 'attribute_exists(#a)', ExpressionAttributeNames: { '#a': 'a'.repeat(65_536) }, ExpressionAttributeValues: { ':p': 'ROW#r' } })),
    );
    expect(raw).toMatch(/Attribute name is too large, must be less than 65536 bytes for key #a/);
    const e = await refusedBeforeSend(sent, ExpressionError, () => q('a'.repeat(65_536)));
    expect(e.message).toMatch(/65,536 bytes.*65,535/);
    // UTF-8 bytes, not characters; in an entity's map keys too.
    await refusedBeforeSend(sent, ExpressionError, () => q('é'.repeat(32_768)));
    await refusedBeforeSend(sent, ExpressionError, () => Row.update({ id: 'r' }).set({ s: 'y' }).where(Attr(`m.${'k'.repeat(65_536)}` as 'm').exists()));
  });

  it('a map key of 65,536 bytes in an item or a value fails on the server (Local: a 500 the SDK retries) and is refused before sending', async () => {
    const key = 'k'.repeat(65_536);
    const raw = await server(() => doc.send(new PutCommand({ TableName: Limits.name, Item: { pk: 'ROW#long', m: { [key]: 'v' } } })));
    expect(raw).toMatch(/^InternalFailure/);
    const e = await refusedBeforeSend(sent, ValidationError, () => Row.put({ id: 'long', m: { [key]: 'v' } }));
    expect(e.message).toMatch(/^Row: invalid item: m: .*65,536 bytes.*65,535/);
    await refusedBeforeSend(sent, ValidationError, () => Row.update({ id: 'r' }).set({ m: { [key]: 'v' } }));
    await refusedBeforeSend(sent, ValidationError, () => Row.update({ id: 'r' }).set({ s: 'y' }).where(Attr('m').eq({ [key]: 'v' })));
    await Row.put({ id: 'long', m: { ['k'.repeat(40_000)]: 'v' } }); // long, but well inside the limit
  });
});

describe('an update whose own values make the item pass 400 KB', () => {
  const Doc = defineEntity({
    table: Limits,
    name: 'Doc',
    schema: z.object({ id: z.string(), title: z.string().optional(), body: z.string().optional(), at: z.date().optional() }),
    keys: { primary: { pk: 'DOC#{id}' } },
    timestamps: true,
  });
  // What an upsert of a new item stores besides body: pk, _et, id, title, updatedAt and createdAt
  // (an if_not_exists: the stored one is kept, of a size the update cannot know).
  const createdAt = 'createdAt'.length + 24;
  const known = (id: string) => 'pk'.length + `DOC#${id}`.length + '_et'.length + 'Doc'.length + 'id'.length + id.length + 'updatedAt'.length + 24 + 'title'.length + 't'.length + 'body'.length;
  const upsert = (id: string, bodyBytes: number) => Doc.update({ id }).set({ title: 't', body: 'x'.repeat(bodyBytes) }).upsert();

  it('the server refuses it when applying; dynakit refuses it before sending when the key and the values it sets alone pass the limit', async () => {
    const n = 409_600 - known('a') - createdAt;
    await upsert('a', n); // exactly 409,600 bytes: stored
    expect((await Doc.get({ id: 'a' }))?.body).toHaveLength(n);
    // DynamoDB refuses it when applying (a ValidationException that names no entity): an ItemSizeError, as a put that big gets.
    expect(await server(() => upsert('b', n + 1))).toBe(
      'ItemSizeError: Doc: update: the updated item would be over DynamoDB\'s limit of 409,600 bytes (400 KB) with what the stored item keeps (DynamoDB: "Item size to update has exceeded the maximum allowed size"); nothing was written',
    );
    // What dynakit knows passes the limit by one byte: refused before sending.
    const e = await refusedBeforeSend(sent, ItemSizeError, () => upsert('b', 409_601 - known('b')));
    expect(e.message).toBe("Doc: the updated item is at least 409,601 bytes (its key and the attributes the update sets), over DynamoDB's limit of 409,600 bytes (400 KB)");
    expect(e.size).toBe(409_601);
    await refusedBeforeSend(sent, ItemSizeError, () => Doc.update({ id: 'a' }).set({ body: 'é'.repeat(204_800) }));
    // A date counts as stored (an ISO string): 2 + 24 bytes more than the same update without it.
    const withDate = (bytes: number) => Doc.update({ id: 'b' }).set({ title: 't', body: 'x'.repeat(bytes), at: new Date(0) }).upsert();
    expect(await server(() => withDate(409_600 - known('b') - 26))).toMatch(/Item size to update has exceeded/); // sent: createdAt is unknown
    await refusedBeforeSend(sent, ItemSizeError, () => withDate(409_601 - known('b') - 26));
    // Positions count from 0: the update is action #1.
    const t = await refusedBeforeSend(sent, ItemSizeError, () => transactWrite([Doc.check({ id: 'a' }, Doc.Attr('title').exists()), Doc.update({ id: 'c' }).set({ body: 'x'.repeat(409_600) })]));
    expect(t.message).toMatch(/^Doc: the updated item is at least .* \(action #1 of the transaction\)$/);
    // What the stored item already holds is unknown: a smaller update is sent, and DynamoDB decides.
    const grown = await Promise.resolve(Doc.update({ id: 'a' }).set({ title: 'x'.repeat(10) })).then(() => undefined, (err: unknown) => err);
    expect(grown).toBeInstanceOf(ItemSizeError);
    expect(grown).toMatchObject({ entity: 'Doc', size: 409_601, limit: 409_600, cause: { name: 'ValidationException' } });
    expect((await Doc.get({ id: 'a' }))?.title).toBe('t');
  });
});

describe('a key value with a lone UTF-16 surrogate', () => {
  const Acct = defineEntity({
    table: Limits,
    name: 'Acct',
    schema: z.object({ id: z.string(), owner: z.string() }),
    keys: { primary: { pk: 'ACCT#{id}' } },
  });

  it('addresses the same item as other strings on the server (Local keys it as "?"), so it is refused before sending', async () => {
    const raw = testDocClient(client);
    await raw.send(new PutCommand({ TableName: Limits.name, Item: { pk: 'ACCT#a\ud800', owner: 'alice' } }));
    await raw.send(new PutCommand({ TableName: Limits.name, Item: { pk: 'ACCT#a\udfff', owner: 'mallory' } }));
    // Two different key strings, one item: the second put replaced alice's.
    expect((await raw.send(new GetCommand({ TableName: Limits.name, Key: { pk: 'ACCT#a\ud800' } }))).Item?.['owner']).toBe('mallory');
    expect((await raw.send(new GetCommand({ TableName: Limits.name, Key: { pk: 'ACCT#a?' } }))).Item?.['owner']).toBe('mallory');
    const e = await refusedBeforeSend(sent, KeyError, () => Acct.put({ id: 'b\ud800', owner: 'bob' }));
    expect(e.message).toMatch(/^Acct: key primary\.pk: .*id.*lone UTF-16 surrogate/);
    await refusedBeforeSend(sent, KeyError, () => Acct.get({ id: 'x\udc00y' }));
    await refusedBeforeSend(sent, KeyError, () => Acct.query('primary', Acct.Key('id').eq('\ud83d')));
    // A well-formed pair (an emoji) is a character like any other.
    await Acct.put({ id: 'c\ud83d\ude00', owner: 'carol' });
    expect(await Acct.get({ id: 'c\ud83d\ude00' })).toMatchObject({ owner: 'carol' });
  });
});

describe('an upsert over an expired item that meets another expired item when sent again', () => {
  const HOUR = 3_600_000;
  const writer = testClient(); // the client whose DeleteItem lets another writer in
  const otherDoc = testDocClient(testClient());
  const Sessions = defineTable({ name: uniqueTableName('review-52-expired'), client: writer, partitionKey: { name: 'pk', type: 'S' } });
  const Session = defineEntity({
    table: Sessions,
    name: 'Session',
    schema: z.object({ sid: z.string(), user: z.string(), cart: z.array(z.string()).optional(), expiresAt: z.date() }),
    keys: { primary: { pk: 'S#{sid}' } },
    ttl: 'expiresAt',
  });
  useTable(Sessions, { clients: [writer, otherDoc] });
  const stored = async () => (await otherDoc.send(new GetCommand({ TableName: Sessions.name, Key: { pk: 'S#s1' }, ConsistentRead: true }))).Item;
  // Expired long ago: Local's TTL job (on: create() turned TTL on) would delete an item expired in the last five years, at any moment.
  const epoch = (hoursMore: number) => Math.floor(expiredLongAgo(hoursMore).getTime() / 1000);

  it('clears each one (every read sees no item there), and after MAX_EXPIRED_CLEARS fails saying the item met had expired, leaving the last one as it was', async () => {
    await Session.put({ sid: 's1', user: 'mallory', cart: ['old'], expiresAt: expiredLongAgo() });
    const base = await stored();
    let deletes = 0;
    let last: Record<string, unknown> | undefined;
    // Another writer stores a new expired item of Session right after each delete of dynakit's.
    writer.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (context.commandName === 'DeleteItemCommand') {
          deletes++;
          last = { ...base, user: `trudy${deletes}`, cart: [`again${deletes}`], expiresAt: epoch(2 + deletes) };
          await otherDoc.send(new PutCommand({ TableName: Sessions.name, Item: last }));
        }
        return out;
      },
      { step: 'initialize', name: 'anotherExpiredItem' },
    );
    const e = await failure(Session.update({ sid: 's1' }).set({ user: 'alice', expiresAt: new Date(Date.now() + HOUR) }).upsert(), ConditionFailedError);
    expect(deletes).toBe(MAX_EXPIRED_CLEARS); // bounded: a writer that keeps storing expired items does not hold the upsert forever
    expect(e.item).toMatchObject({ user: `trudy${MAX_EXPIRED_CLEARS}` });
    expect(e.message).toMatch(/^Session: update condition failed: .*not have expired .*one stored again after 3 such deletes fails it/);
    expect(await stored()).toEqual(last);
  });
});
