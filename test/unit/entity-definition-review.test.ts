/**
 * Entity definitions whose managed attributes (timestamps) collide with schema fields: refused when
 * the entity is defined, since every write would overwrite the field with dynakit's own value.
 * Timestamps in key templates with a separator their ISO text contains (':' '-' '.'): the text has
 * a fixed width, so the key is unambiguous and must be written, queried and parsed back. An update
 * that must rebuild a key from createdAt (which it cannot know) says so instead of asking for it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, KeyError } from '../../src/index.js';

const client = new DynamoDBClient({ region: 'us-east-1' });
const T = defineTable({ name: 'App', client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });

describe('timestamps and schema fields of the same name', () => {
  it.each(['createdAt', 'updatedAt'])('a schema field %s with timestamps on is a KeyError naming it', (field) => {
    const define = () =>
      defineEntity({
        table: T,
        name: `Clash_${field}`,
        schema: z.object({ id: z.string(), [field]: z.string() }),
        keys: { primary: { pk: 'C#{id}', sk: 'C' } },
        timestamps: true,
      });
    expect(define).toThrow(KeyError);
    expect(define).toThrow(new RegExp(`${field}.*managed by dynakit`));
  });

  it('without timestamps the field is an ordinary attribute', () => {
    const E = defineEntity({ table: T, name: 'NoClash', schema: z.object({ id: z.string(), createdAt: z.string() }), keys: { primary: { pk: 'N#{id}', sk: 'N' } } });
    expect(E.put({ id: 'x', createdAt: 'mine' }).build().Item).toMatchObject({ createdAt: 'mine' });
  });
});

describe('a timestamp and an index key attribute of the same name', () => {
  const ByStatus = defineTable({
    name: 'ByStatus',
    client,
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    indexes: { byStatus: { type: 'global', partitionKey: { name: 'status', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' } } },
  });
  const define = (name: string, sk: string) => () =>
    defineEntity({ table: ByStatus, name, schema: z.object({ id: z.string(), status: z.string() }), keys: { primary: { pk: 'T#{id}', sk: 'T' }, byStatus: { pk: '{status}', sk } }, timestamps: true });

  it('a template for that key is a KeyError: every write stored the timestamp over the key it built', () => {
    expect(define('Templated', 'C#{id}')).toThrow(KeyError);
    expect(define('Templated2', 'C#{id}')).toThrow(/Templated2: key byStatus.sk: .*every write stores the createdAt timestamp: the template "C#\{id\}" would be overwritten/);
  });

  it('a timestamp stored under the name of the discriminator is a KeyError', () => {
    const Kinded = defineTable({ name: 'Kinded', client, partitionKey: { name: 'pk', type: 'S' }, entityAttribute: 'updatedAt' });
    const define = () => defineEntity({ table: Kinded, name: 'Stamped', schema: z.object({ id: z.string() }), keys: { primary: { pk: 'S#{id}' } }, timestamps: true });
    expect(define).toThrow(/Stamped: the updatedAt timestamp would be stored in "updatedAt", the table's discriminator/);
  });

  it('the timestamp itself as that key is the index on creation time', () => {
    const Ticket = define('Ticket', '{createdAt}')();
    expect(Ticket.put({ id: 't1', status: 'open' }).build().Item).toMatchObject({ status: 'open', createdAt: expect.stringMatching(/^\d{4}-/) });
  });
});

describe('the locking version option from untyped code', () => {
  it.each([true, '', 1])('version: %j is a KeyError, not an attribute named after it', (version) => {
    const define = () => defineEntity({ table: T, name: 'Locked', schema: z.object({ id: z.string() }), keys: { primary: { pk: 'L#{id}', sk: 'L' } }, version: version as never });
    expect(define).toThrow(KeyError);
    expect(define).toThrow(/Locked.*version must be the name of the attribute/);
  });

  it.each([
    ['_et', {}, /attribute dynakit writes itself/],
    ['pk', {}, /attribute dynakit writes itself/],
    ['createdAt', { timestamps: true }, /also a timestamp/],
  ])('version: %j, an attribute dynakit writes itself, is a KeyError (a put wrote the number over it)', (version, extra, message) => {
    const define = () => defineEntity({ table: T, name: `Locked_${version}`, schema: z.object({ id: z.string() }), keys: { primary: { pk: 'L#{id}', sk: 'L' } }, version, ...extra });
    expect(define).toThrow(KeyError);
    expect(define).toThrow(message);
  });
});

describe('timestamps in key templates with a separator found in ISO-8601 text', () => {
  const Colon = defineTable({
    name: 'Colon',
    client,
    keySeparator: ':',
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    indexes: { gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } } },
  });
  const Post = defineEntity({
    table: Colon,
    name: 'Post',
    schema: z.object({ postId: z.string(), blog: z.string() }),
    keys: { primary: { pk: 'POST:{postId}', sk: 'POST' }, gsi1: { pk: 'BLOG:{blog}', sk: 'C:{createdAt}:{postId}' } },
    timestamps: true,
  });
  const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

  it('put writes the index key (the ISO text is fixed-width, so it cannot be ambiguous)', () => {
    const item = Post.put({ postId: 'p1', blog: 'b' }).build().Item!;
    const sk = String(item['gsi1sk']);
    expect(sk.startsWith('C:')).toBe(true);
    expect(sk.slice(2, 26)).toMatch(ISO);
    expect(sk.slice(26)).toBe(':p1');
  });

  it('a query on the timestamp builds its prefix, and the separator rule still holds for other values', () => {
    const { Key } = Post;
    const input = Post.query('gsi1', Key('blog').eq('b').and(Key('createdAt').beginsWith('2026-01-02T10:'))).build();
    expect(Object.values(input.ExpressionAttributeValues ?? {})).toContain('C:2026-01-02T10:');
    expect(() => Post.put({ postId: 'p:1', blog: 'b' }).build()).toThrow(KeyError);
  });
});

describe('an update that would rebuild a key composed with createdAt', () => {
  const Gsi = defineTable({
    name: 'Gsi',
    client,
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    indexes: { gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } } },
  });
  const Staged = defineEntity({
    table: Gsi,
    name: 'Staged',
    schema: z.object({ entryId: z.string(), stage: z.string() }),
    keys: { primary: { pk: 'ENTRY#{entryId}', sk: 'ENTRY' }, gsi1: { pk: 'STAGED', sk: 'S#{stage}#C#{createdAt}' } },
    timestamps: true,
  });

  it('is a KeyError that names createdAt as kept by dynakit, not something to set()', () => {
    const build = () => Staged.update({ entryId: 'e' }).set({ stage: 'x' }).build();
    expect(build).toThrow(KeyError);
    expect(build).toThrow(/createdAt is kept by dynakit/);
    expect(build).not.toThrow(/include it in set\(\)/);
  });

  it('an upsert that may create the item writes a key made of createdAt with the createdAt it stamps', () => {
    const ByCreation = defineEntity({
      table: Gsi,
      name: 'ByCreation',
      schema: z.object({ entryId: z.string(), stage: z.string() }),
      keys: { primary: { pk: 'BC#{entryId}', sk: 'BC' }, gsi1: { pk: 'ALL', sk: 'C#{createdAt}' } },
      timestamps: true,
    });
    const input = ByCreation.update({ entryId: 'e' }).set({ stage: 'x' }).upsert().build();
    const names = Object.entries(input.ExpressionAttributeNames ?? {});
    const ph = (attr: string) => names.find(([, n]) => n === attr)![0];
    const values = input.ExpressionAttributeValues ?? {};
    const created = new RegExp(`${ph('createdAt')} = if_not_exists\\(${ph('createdAt')}, (:v\\d+)\\)`).exec(input.UpdateExpression!)![1]!;
    const key = new RegExp(`${ph('gsi1sk')} = if_not_exists\\(${ph('gsi1sk')}, (:v\\d+)\\)`).exec(input.UpdateExpression!)?.[1];
    expect(key).toBeDefined();
    expect(values[key!]).toBe(`C#${String(values[created])}`);
  });
});

describe('z.map() attributes', () => {
  it('are refused at defineEntity, at any depth, naming the attribute (a Map has no DynamoDB form: every write failed)', () => {
    let n = 0;
    const define = (schema: z.ZodObject) => () => defineEntity({ table: T, name: `WithMap${n++}`, schema, keys: { primary: { pk: 'M#{id}', sk: 'M' } } });
    expect(define(z.object({ id: z.string(), counts: z.map(z.string(), z.number()) }))).toThrow(KeyError);
    expect(define(z.object({ id: z.string(), meta: z.object({ inner: z.array(z.map(z.string(), z.string())).optional() }) }))).toThrow(/attribute "meta" holds a z\.map\(\).*z\.record/);
    // A map read from input and stored as something else is fine: only what is stored counts.
    expect(define(z.object({ id: z.string(), tags: z.map(z.string(), z.string()).transform((m) => Object.fromEntries(m)) }))).not.toThrow();
    expect(define(z.object({ id: z.string(), counts: z.record(z.string(), z.number()) }))).not.toThrow();
  });
});
