/**
 * DynamoDB refuses a set holding one element twice ("Input collection ... contains duplicates"),
 * failing the whole request (in a BatchWriteItem, every write of the call). It compares set numbers
 * by value and binaries by bytes, while a JavaScript Set dedupes by identity: `new Set([1, 1n])` and
 * a Set of two Uint8Arrays with equal bytes are duplicates to DynamoDB. dynakit refuses them before
 * any request (a middleware counts every command), naming the entity, the path and the rule; sets
 * without duplicates round-trip.
 */
import { describe, expect, it } from 'vitest';
import { BatchWriteItemCommand, GetItemCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { BatchValidationError, ValidationError, defineEntity, defineTable, transactWrite } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { countRequests, refusedBeforeSend } from '../support/requests.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const requests = countRequests(client);
/** Uncounted, for DynamoDB's own answers to sets dynakit would not send. */
const rawClient = testClient();

const Bags = defineTable({ name: uniqueTableName('set-duplicates'), client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
const Bag = defineEntity({
  table: Bags,
  name: 'Bag',
  schema: z.object({
    id: z.string(),
    nums: z.set(z.union([z.number(), z.bigint()])).optional(),
    bins: z.set(z.instanceof(Uint8Array)).optional(),
    tags: z.set(z.string()).optional(),
    nested: z.object({ bins: z.set(z.instanceof(Uint8Array)) }).optional(),
  }),
  keys: { primary: { pk: 'B#{id}', sk: 'B' } },
});
const { Attr } = Bag;

useTable(Bags, { clients: [client, rawClient] });

type Bytes = Uint8Array<ArrayBuffer>;
const bytes = (...b: number[]): Bytes => new Uint8Array(b);

describe("DynamoDB Local's answers, with raw requests (what dynakit checks before sending)", () => {
  const put = (id: string, s: AttributeValue) => rawClient.send(new PutItemCommand({ TableName: Bags.name, Item: { pk: { S: `raw#${id}` }, sk: { S: 'B' }, s } }));

  it.each([
    ["NS ['1', '1']", { NS: ['1', '1'] }, 'Input collection contains duplicates'],
    ["NS ['1', '1.0']", { NS: ['1', '1.0'] }, 'Input collection contains duplicates'],
    ["NS ['100', '1E2']", { NS: ['100', '1E2'] }, 'Input collection contains duplicates'],
    ["NS ['0', '-0']", { NS: ['0', '-0'] }, 'Input collection contains duplicates'],
    ['BS with equal bytes', { BS: [bytes(1, 2), bytes(1, 2)] }, 'One or more parameter values were invalid: Input collection of type BS contains duplicates.'],
    ["SS ['a', 'a']", { SS: ['a', 'a'] }, 'One or more parameter values were invalid: Input collection [a, a] contains duplicates'],
    ['BS of two empty binaries', { BS: [bytes(), bytes()] }, 'One or more parameter values were invalid: Input collection of type BS contains duplicates.'],
  ] as const)('%s is refused', async (label, s, message) => {
    await expect(put(label, s as unknown as AttributeValue)).rejects.toMatchObject({ name: 'ValidationException', message });
  });

  it('numbers are compared by value: the stored set is normalised', async () => {
    await put('normalised', { NS: ['1.0', '1E2', '007'] });
    const { Item } = await rawClient.send(new GetItemCommand({ TableName: Bags.name, Key: { pk: { S: 'raw#normalised' }, sk: { S: 'B' } }, ConsistentRead: true }));
    expect(new Set(Item?.['s']?.NS)).toEqual(new Set(['1', '100', '7']));
  });

  it('strings are compared by their UTF-8 bytes, not by Unicode equivalence', async () => {
    await put('nfc-nfd', { SS: ['\u00e9', 'e\u0301'] });
  });

  it('one such set fails the whole BatchWriteItem: the other writes are not made', async () => {
    const item = (id: string, extra: Record<string, AttributeValue> = {}) => ({ PutRequest: { Item: { pk: { S: `raw#${id}` }, sk: { S: 'B' }, ...extra } } });
    const batch = new BatchWriteItemCommand({ RequestItems: { [Bags.name]: [item('b1'), item('b2', { s: { NS: ['1', '1.0'] } }), item('b3')] } });
    await expect(rawClient.send(batch)).rejects.toMatchObject({ name: 'ValidationException', message: 'Input collection contains duplicates' });
    const { Item } = await rawClient.send(new GetItemCommand({ TableName: Bags.name, Key: { pk: { S: 'raw#b1' }, sk: { S: 'B' } }, ConsistentRead: true }));
    expect(Item).toBeUndefined();
  });
});

/** Checks a `ValidationError` names the entity, the path and the rule. */
function namesRule(e: ValidationError, path: string, rule: RegExp): void {
  expect(e.entity).toBe('Bag');
  expect(e.issues.map((i) => i.path)).toEqual([path]);
  expect(e.message).toContain('Bag: ');
  expect(e.message).toContain(`${path}: `);
  expect(e.message).toMatch(rule);
}

const NUMBER_DUPLICATE = /the number (-?\d+) is in the set twice \(as \1 and \1n\); DynamoDB compares set numbers by value/;
const BYTES_DUPLICATE = /two elements hold the same \d+ bytes.*DynamoDB compares binary set elements by their bytes/;

/** Sets that are duplicates to DynamoDB, with the attribute they go into and the rule they break. */
const duplicateSets: readonly (readonly [string, 'nums' | 'bins', Set<number | bigint> | Set<Bytes>, RegExp])[] = [
  ['1 and 1n', 'nums', new Set([1, 2, 1n]), NUMBER_DUPLICATE],
  ['100n and 100', 'nums', new Set([100n, 7n, 100]), NUMBER_DUPLICATE],
  ['0 and 0n', 'nums', new Set([-0, 0n]), NUMBER_DUPLICATE],
  ['-(2^53 - 1) as number and bigint', 'nums', new Set([-Number.MAX_SAFE_INTEGER, -9007199254740991n]), NUMBER_DUPLICATE],
  ['two Uint8Arrays with equal bytes', 'bins', new Set([bytes(1, 2), bytes(3), bytes(1, 2)]), BYTES_DUPLICATE],
  ['a Buffer and a Uint8Array with equal bytes', 'bins', new Set([Buffer.from('abc'), new TextEncoder().encode('abc')]), BYTES_DUPLICATE],
  ['two empty binaries', 'bins', new Set([bytes(), bytes()]), BYTES_DUPLICATE],
  ['equal bytes among 20 elements', 'bins', new Set([...Array.from({ length: 19 }, (_, i) => bytes(i, i)), bytes(7, 7)]), BYTES_DUPLICATE],
];

describe('sets DynamoDB sees as holding duplicates fail with ValidationError before any request', () => {
  const k = { id: 'existing' };

  it.each(duplicateSets)('%s in put and create, also nested', async (_label, path, set, rule) => {
    namesRule(await refusedBeforeSend(requests, ValidationError, () => Bag.put({ id: 'p', [path]: set })), path, rule);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => Bag.create({ id: 'p', [path]: set })), path, rule);
    if (path === 'bins') namesRule(await refusedBeforeSend(requests, ValidationError, () => Bag.put({ id: 'p', nested: { bins: set as Set<Bytes> } })), 'nested.bins', rule);
  });

  it.each(duplicateSets)('%s in update values: set, setIfNotExists, add, delete', async (_label, path, set, rule) => {
    const u = () => Bag.update(k);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => u().set({ [path]: set })), path, rule);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => u().setIfNotExists({ [path]: set })), path, rule);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => u().add({ [path]: set })), path, rule);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => u().delete({ [path]: set })), path, rule);
    if (path === 'bins') namesRule(await refusedBeforeSend(requests, ValidationError, () => u().set({ 'nested.bins': set as Set<Bytes> })), 'nested.bins', rule);
  });

  it.each(duplicateSets)('%s as a condition value of put, update, delete, check and a table-level filter', async (_label, path, set, rule) => {
    const cond = path === 'nums' ? Attr('nums').eq(set as Set<number | bigint>) : Attr('bins').ne(set as Set<Bytes>);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => Bag.put({ id: 'c' }).where(cond)), path, rule);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => Bag.update(k).set({ tags: new Set(['x']) }).where(cond)), path, rule);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => Bag.delete(k).where(cond)), path, rule);
    namesRule(await refusedBeforeSend(requests, ValidationError, () => Bag.check(k, cond).build()), path, rule);
    const e = await refusedBeforeSend(requests, ValidationError, () => Bags.scan().filter(Bags.Attr(path).eq(set)).build());
    expect(e.entity).toBe(`table ${Bags.name}`);
    expect(e.message).toMatch(rule);
  });

  it.each(duplicateSets)('%s in a batch write: nothing is sent, the valid writes of the batch included', async (_label, path, set, rule) => {
    const bad = Bag.put({ id: 'b2', [path]: set });
    const e = await refusedBeforeSend(requests, BatchValidationError, () => Bags.batchWrite([Bag.put({ id: 'b1' }), bad, Bag.delete({ id: 'b3' })]));
    expect(e.failures.map((f) => f.index)).toEqual([1]);
    expect(e.failures[0]!.error).toBeInstanceOf(ValidationError);
    namesRule(e.failures[0]!.error as ValidationError, path, rule);
    // The batch writer refuses it when it is added, before anything is buffered or sent.
    const writer = Bags.batchWriter();
    namesRule(await refusedBeforeSend(requests, ValidationError, () => writer.put(bad)), path, rule);
    await writer.close();
    expect(await Bag.get({ id: 'b1' }).consistent()).toBeUndefined();
  });

  it.each(duplicateSets)('%s in a transaction', async (_label, path, set, rule) => {
    namesRule(await refusedBeforeSend(requests, ValidationError, () => transactWrite([Bag.put({ id: 't0' }), Bag.update({ id: 't1' }).add({ [path]: set })])), path, rule);
  });
});

describe('sets without duplicates go through and read back', () => {
  it('numbers and bigints of distinct values, binaries of distinct bytes (few and many), strings', async () => {
    const nums = new Set<number | bigint>([1, 2n, 1.5, -0, 3n, 2 ** 53 - 1, 1n - 2n ** 53n]);
    const bins = new Set([bytes(1, 2), bytes(2, 1), bytes(1), bytes()]);
    const many = new Set(Array.from({ length: 20 }, (_, i) => bytes(i, 255 - i)));
    const tags = new Set(['a', 'A', 'a ', 'é', 'e\u0301']);
    await Bag.put({ id: 'ok', nums, bins, tags, nested: { bins: many } });
    const back = await Bag.get({ id: 'ok' }).consistent();
    // DynamoDB hands safe integers back as numbers whatever was sent: 2n reads as 2.
    expect(back?.nums).toEqual(new Set([1, 2, 1.5, 0, 3, 2 ** 53 - 1, 1 - 2 ** 53]));
    expect(back?.bins).toEqual(bins);
    expect(back?.nested?.bins).toEqual(many);
    expect(back?.tags).toEqual(tags);
  });

  it('a set of numbers and bigints that starts with a number and holds a bigint beyond 2^53', async () => {
    const big = 2n ** 60n;
    await Bag.put({ id: 'mixed', nums: new Set([1, big]) });
    await Bag.update({ id: 'mixed' })
      .add({ nums: new Set([2, big + 1n]) })
      .where(Attr('nums').ne(new Set([3, big])));
    await Bags.batchWrite([Bag.put({ id: 'mixed-batch', nums: new Set([1.5, -big]) })]);
    expect((await Bag.get({ id: 'mixed' }).consistent())?.nums).toEqual(new Set([1, 2, big, big + 1n]));
    expect((await Bag.get({ id: 'mixed-batch' }).consistent())?.nums).toEqual(new Set([1.5, -big]));
  });

  it('update add/delete and conditions with such sets', async () => {
    await Bag.update({ id: 'ok' })
      .add({ nums: new Set([4n, 5]), bins: new Set([bytes(9)]) })
      .delete({ tags: new Set(['A']) })
      .where(Attr('nums').contains(1).and(Attr('bins').ne(new Set([bytes(1), bytes(2)]))));
    const back = await Bag.get({ id: 'ok' }).consistent();
    expect(back?.nums).toEqual(new Set([1, 2, 1.5, 0, 3, 2 ** 53 - 1, 1 - 2 ** 53, 4, 5]));
    expect(back?.bins?.size).toBe(5);
    expect(back?.tags?.has('A')).toBe(false);
    await Bags.batchWrite([Bag.put({ id: 'batched', nums: new Set([1, 2n]), bins: new Set([bytes(1), bytes(1, 1)]) })]);
    expect((await Bag.get({ id: 'batched' }).consistent())?.nums).toEqual(new Set([1, 2]));
  });
});
