/**
 * KeyErrors that defineEntity throws about the schema as a whole (a managed attribute in the
 * schema, a bad storedAs) belong to no index: their message must not carry an empty "key :" part.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, KeyError } from '../../src/index.js';

const T = defineTable({
  name: 'App',
  client: new DynamoDBClient({ region: 'us-east-1' }),
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
});
const keys = { primary: { pk: 'E#{id}', sk: 'E' } } as const;

function thrown(define: () => unknown): KeyError {
  try {
    define();
  } catch (e) {
    if (e instanceof KeyError) return e;
    throw e;
  }
  throw new Error('expected a KeyError');
}

describe('KeyError of a whole-schema rule', () => {
  it('a timestamp in the schema: entity, then the rule', () => {
    const e = thrown(() => defineEntity({ table: T, name: 'Stamped', schema: z.object({ id: z.string(), createdAt: z.date() }), keys, timestamps: true }));
    expect(e.index).toBe('');
    expect(e.message).toBe('Stamped: timestamp attribute "createdAt" is managed by dynakit (timestamps: true); remove it from the schema or turn timestamps off');
  });

  it('a ttl that is not a z.date() of the schema says what the schema has there', () => {
    const schema = z.object({ id: z.string(), note: z.string().optional(), until: z.number() });
    // Typed code does not compile these (ttl takes the fields that hold a Date); plain JavaScript gets the KeyError.
    const note = thrown(() => defineEntity({ table: T, name: 'Noted', schema, keys, ttl: 'note' as never }));
    expect(note.message).toBe('Noted: ttl attribute "note" must be a z.date() attribute of the schema (the schema has it as a z.string())');
    expect(note.attribute).toBe('note');
    const until = thrown(() => defineEntity({ table: T, name: 'Until', schema, keys, ttl: 'until' as never }));
    expect(until.message).toBe('Until: ttl attribute "until" must be a z.date() attribute of the schema (the schema has it as a z.number())');
    const missing = thrown(() => defineEntity({ table: T, name: 'Missing', schema, keys, ttl: 'expiresAt' as never }));
    expect(missing.message).toBe('Missing: ttl attribute "expiresAt" must be a z.date() attribute of the schema (the schema has no such attribute)');
  });

  it('the discriminator in the schema', () => {
    const e = thrown(() => defineEntity({ table: T, name: 'Clash', schema: z.object({ id: z.string(), _et: z.string() }), keys }));
    expect(e.message).toBe('Clash: schema attribute "_et" collides with a key or discriminator attribute of table App');
  });

  it('a schema that is not a z.object (reachable through a cast or from JavaScript)', () => {
    const asObject = (schema: unknown) => schema as z.ZodObject<{ id: z.ZodString }>;
    const e = thrown(() => defineEntity({ table: T, name: 'Task', schema: asObject(z.record(z.string(), z.string())), keys }));
    expect(e.index).toBe('');
    expect(e.message).toBe("Task: schema must be a z.object({...}) of the item's attributes, or a union of them (got a zod record); pipes and transforms go on its attributes");
    expect(thrown(() => defineEntity({ table: T, name: 'Piped', schema: asObject(z.object({ id: z.string() }).transform((o) => o)), keys })).message).toContain('(got a zod pipe)');
    expect(thrown(() => defineEntity({ table: T, name: 'Plain', schema: asObject({ id: z.string() }), keys })).message).toContain('(got a value that is not a zod schema)');
  });

  it('a key error of an index keeps naming the index', () => {
    const E = defineEntity({ table: T, name: 'Keyed', schema: z.object({ id: z.string() }), keys });
    const e = thrown(() => E.get({ id: 'a#b' }).build());
    expect(e.index).toBe('primary.pk');
    expect(e.message).toMatch(/^Keyed: key primary\.pk: /);
  });
});

describe('two paths written the same way are refused at definition', () => {
  const define = (name: string, schema: z.ZodObject) => () => defineEntity({ table: T, name, schema: schema.extend({ id: z.string() }), keys });

  it('a top-level field "a.b" beside a field a holding b: names the entity and both paths', () => {
    const e = thrown(define('Doc', z.object({ 'a.b': z.string(), a: z.object({ b: z.number() }).optional() })));
    expect(e.attribute).toBe('a.b');
    expect(e.message).toBe('Doc: the paths ["a.b"] and ["a", "b"] are both written a.b, and no path text (Attr, set, project) can tell them apart: rename one of the fields');
  });

  it('one level down, with a record whose entries could be named b, and where the dot falls inside a nested key', () => {
    expect(thrown(define('Nested', z.object({ meta: z.object({ 'x.y': z.string(), x: z.object({ y: z.string() }) }) }))).message).toContain('the paths ["meta", "x.y"] and ["meta", "x", "y"] are both written meta.x.y');
    expect(thrown(define('Rec', z.object({ 'tags.a': z.string(), tags: z.record(z.string(), z.string()) }))).message).toContain('["tags.a"] and ["tags", "a"]');
    expect(thrown(define('Inside', z.object({ 'a.b': z.object({ c: z.string() }), a: z.object({ 'b.c': z.string() }) }))).message).toContain('the paths ["a.b", "c"] and ["a", "b.c"] are both written a.b.c');
    expect(thrown(define('Deep', z.object({ list: z.array(z.object({ 'p.q': z.string(), p: z.object({ q: z.string() }) })) }))).message).toContain('both written list.p.q');
  });

  it('dotted names that no other path shares are kept', () => {
    const E = defineEntity({ table: T, name: 'Fine', schema: z.object({ id: z.string(), 'a.b': z.string(), a: z.object({ c: z.string() }), meta: z.object({ 'x.y': z.string() }) }), keys });
    expect(E.update({ id: 'i' }).set({ 'a.b': 'v', 'a.c': 'w', 'meta.x.y': 'z' }).build().UpdateExpression).toBe('SET #n0 = :v0, #n1.#n2 = :v1, #n3.#n4 = :v2');
  });
});

describe('ValidationError says whether an item or a single value failed', () => {
  const Member = defineEntity({
    table: T,
    name: 'Member',
    schema: z.object({ memberId: z.string(), email: z.string().trim().toLowerCase().pipe(z.email()), age: z.number().int().min(0).optional() }),
    keys: { primary: { pk: 'MEMBER#{memberId}', sk: 'MEMBER' } },
  });

  it('a put names the item', () => {
    expect(() => Member.put({ memberId: 'm1', email: 'nope' }).build()).toThrow('Member: invalid item: email: Invalid email address');
  });

  it('a key value of a query names a value, not an item', () => {
    expect(() => Member.query('primary', Member.Key('memberId').eq('m1')).filter(Member.Attr('email').eq('x')).build()).not.toThrow();
    const Indexed = defineEntity({
      table: T,
      name: 'Indexed',
      schema: z.object({ email: z.string().trim().toLowerCase().pipe(z.email()) }),
      keys: { primary: { pk: 'EMAIL#{email}', sk: 'E' } },
    });
    expect(() => Indexed.query('primary', Indexed.Key('email').eq('nope')).build()).toThrow('Indexed: invalid value: email: Invalid email address');
    expect(() => Indexed.get({ email: 'nope' }).build()).toThrow('Indexed: invalid value: email: Invalid email address');
  });

  it('an update value names a value', () => {
    expect(() => Member.update({ memberId: 'm1' }).set({ age: -1 }).build()).toThrow(/^Member: invalid value: age: Too small/);
  });

  it('an action the schema does not allow names the update', () => {
    expect(() => Member.update({ memberId: 'm1' }).remove('email' as never).build()).toThrow('Member: invalid update: email: is required by the schema and cannot be removed');
  });

  it('a value DynamoDB would refuse names a value too, in an update or a condition; in an item, the item', () => {
    const Tagged = defineEntity({
      table: T,
      name: 'Tagged',
      schema: z.object({ id: z.string(), n: z.number().optional(), tags: z.set(z.string()).optional() }),
      keys: { primary: { pk: 'TAGGED#{id}', sk: 'T' } },
    });
    expect(() => Tagged.update({ id: 'a' }).set({ tags: new Set() }).build()).toThrow(/^Tagged: invalid value: tags: empty sets cannot be stored/);
    expect(() => Tagged.scan().filter(Tagged.Attr('n').eq(NaN)).build()).toThrow(/^Tagged: invalid value: n: NaN cannot be stored/);
    expect(() => Tagged.put({ id: 'a', tags: new Set() }).build()).toThrow(/^Tagged: invalid item: tags: empty sets cannot be stored/);
  });
});
