/**
 * Derived attributes (`defineEntity`'s `derive`) without a server: the definition checks, the item a
 * put builds, and how an update is planned (the derived value set with its sources, or refused).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, DerivedAttributeError, KeyError, ValidationError } from '../../src/index.js';
import { ada, derivedModel, legacyKeyOf } from '../fixtures/derived-model.js';

const client = new DynamoDBClient({ region: 'us-east-1' });
const { Person, Legacy, Badge } = derivedModel(client);
const key = { personId: 'p1' };

function thrown<E extends Error>(type: abstract new (...args: never[]) => E, attempt: () => unknown): E {
  try {
    attempt();
  } catch (e) {
    if (e instanceof type) return e;
    throw e;
  }
  throw new Error(`expected a ${type.name}`);
}

/** The SET / REMOVE clauses of an update as `{ attribute: value or 'REMOVE' }`, by the names and values the input holds. */
function changes(input: { UpdateExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const names = input.ExpressionAttributeNames ?? {};
  const values = input.ExpressionAttributeValues ?? {};
  for (const m of input.UpdateExpression!.matchAll(/(#n\d+) = (:v\d+)/g)) out[names[m[1]!]!] = values[m[2]!];
  const removed = /REMOVE (.*?)(?: SET| ADD| DELETE|$)/.exec(input.UpdateExpression!)?.[1];
  for (const n of removed?.split(', ') ?? []) out[names[n]!] = 'REMOVE';
  return out;
}

describe('defining derived attributes', () => {
  const T = defineTable({ name: 'Defs', client, partitionKey: { name: 'pk', type: 'S' } });
  const schema = z.object({ id: z.string(), a: z.string(), b: z.string(), c: z.string() });
  const define = (derive: unknown) => () => defineEntity({ table: T, name: 'Thing', schema, keys: { primary: { pk: 'T#{id}' } }, derive: derive as never });

  it('refuses a cycle, naming the entity and both attributes', () => {
    const e = thrown(DerivedAttributeError, define({ b: { from: ['a', 'c'], compute: () => 'x' }, c: { from: ['b'], compute: () => 'y' } }));
    expect(e.message).toBe(
      'Thing: derived attribute b: is computed from c, which is derived too: derived attributes are computed from stored fields only (no chains or cycles); compute b from the fields c is computed from',
    );
    expect([e.entity, e.attribute, e.sources]).toEqual(['Thing', 'b', ['a', 'c']]);
  });

  it('refuses an attribute computed from itself', () => {
    expect(thrown(DerivedAttributeError, define({ b: { from: ['b'], compute: () => 'x' } })).message).toBe('Thing: derived attribute b: is computed from itself');
  });

  it('refuses names that are not schema fields, on either side', () => {
    expect(thrown(DerivedAttributeError, define({ z: { from: ['a'], compute: () => 'x' } })).message).toContain('Thing: derived attribute z: is not a field of the schema');
    expect(thrown(DerivedAttributeError, define({ b: { from: ['a', 'nope'], compute: () => 'x' } })).message).toBe('Thing: derived attribute b: from names nope, which is not a field of the schema');
  });

  it('a compute function that throws fails the write before sending, naming the entity and attribute, with the cause', () => {
    const boom = new TypeError('no name');
    const Thing = defineEntity({
      table: T,
      name: 'Thrower',
      schema,
      keys: { primary: { pk: 'T#{id}' } },
      derive: {
        c: {
          from: ['a', 'b'],
          compute: ({ a }) => {
            if (a === 'bad') throw boom;
            return a;
          },
        },
      },
    });
    expect(Thing.put({ id: '1', a: 'ok', b: 'x' }).build().Item).toMatchObject({ c: 'ok' });
    const onPut = thrown(DerivedAttributeError, () => Thing.put({ id: '1', a: 'bad', b: 'x' }).build());
    expect(onPut.message).toBe('Thrower: derived attribute c: compute threw: no name');
    expect(onPut.cause).toBe(boom);
    const onUpdate = thrown(DerivedAttributeError, () => Thing.update({ id: '1' }).set({ a: 'bad', b: 'x' }).build());
    expect([onUpdate.attribute, onUpdate.sources, onUpdate.cause]).toEqual(['c', ['a', 'b'], boom]);
  });

  it('refuses a malformed entry', () => {
    expect(thrown(DerivedAttributeError, define({ b: { from: [], compute: () => 'x' } })).message).toContain('from must be a non-empty list');
    expect(thrown(DerivedAttributeError, define({ b: { from: ['a'] } })).message).toContain('compute must be a function');
    expect(thrown(DerivedAttributeError, define(['b'])).message).toContain('derive must be an object');
  });
});

describe('a put computes derived attributes', () => {
  it('from the parsed sources, and stores the index key built from them', () => {
    const { Item } = Person.put(ada).build();
    expect(Item).toMatchObject({ name: 'Ada', nameLower: 'ada', statusDate: 'active#2026-12-07', tier: 'gold', handle: '@p1', gsi1sk: 'NAME#ada#p1' });
    expect(Item).not.toHaveProperty('label');
    expect(Person.put({ ...ada, nickname: 'ace', score: 3 }).build().Item).toMatchObject({ label: 'ACE', tier: 'basic' });
  });

  it('keeps a given derived value equal to the computed one (an item read back), refuses another', () => {
    const read = { ...ada, name: 'Ada', nameLower: 'ada', statusDate: 'active#2026-12-07', tier: 'gold', handle: '@p1' };
    expect(Person.put(read).build().Item).toMatchObject({ nameLower: 'ada' });
    const e = thrown(DerivedAttributeError, () => Person.put({ ...read, name: 'Bo' }).build());
    expect(e.message).toBe('Person: derived attribute nameLower: the item gives a value that differs from the one computed from name: leave nameLower out of the item (dynakit computes it on every put)');
  });

  it('keeps a derived value read back whose field has a transform (the output, not parsed again)', () => {
    const T = defineTable({ name: 'Slugs', client, partitionKey: { name: 'pk', type: 'S' } });
    const Tag = defineEntity({
      table: T,
      name: 'Tag',
      schema: z.object({ id: z.string(), name: z.string(), slug: z.string().transform((s) => `#${s}`) }),
      keys: { primary: { pk: 'T#{id}' } },
      derive: { slug: { from: ['name'], compute: ({ name }) => name.toLowerCase() } },
    });
    const read = { id: 't1', name: 'Ada', slug: '#ada' }; // as a get returns it
    expect(Tag.put(read).build().Item).toMatchObject({ slug: '#ada' });
    const other = { ...read, name: 'Bob' };
    expect(thrown(DerivedAttributeError, () => Tag.put(other).build()).attribute).toBe('slug');
  });

  it('reports a source that fails its schema, not the derived attribute it leaves uncomputed', () => {
    const e = thrown(ValidationError, () => Person.put({ ...ada, status: 'gone' as 'away' }).build());
    expect(e.issues.map((i) => i.path)).toEqual(['status']);
  });

  it('builds a raw key from a derived attribute (a key computed by a function)', () => {
    const { Item } = Legacy.put({ region: 'eu', code: 35 }).build();
    expect(Item).toMatchObject({ pk: 'z.EU', sk: 'LEGACY', legacyKey: 'z.EU' });
    expect(Legacy.get({ legacyKey: legacyKeyOf({ region: 'eu', code: 35 }) }).build().Key).toEqual({ pk: 'z.EU', sk: 'LEGACY' });
  });
});

describe('an update sets derived attributes with their sources', () => {
  it('sets the derived value and rebuilds the index key composed of it', () => {
    expect(changes(Person.update(key).set({ name: ' Bo ' }).build())).toMatchObject({ name: 'Bo', nameLower: 'bo', gsi1sk: 'NAME#bo#p1' });
    expect(changes(Person.update(key).set({ name: 'Bo', orgId: 'acme' }).build())).toMatchObject({ nameLower: 'bo', gsi1sk: 'NAME#bo#p1', gsi1pk: 'ORG#acme' });
    expect(changes(Person.update(key).set({ status: 'away', date: '2027-01-01' }).build())).toMatchObject({ statusDate: 'away#2027-01-01' });
  });

  it('removes an optional derived value with its source (remove(), or set() of undefined)', () => {
    expect(changes(Person.update(key).remove('nickname').build())).toMatchObject({ nickname: 'REMOVE', label: 'REMOVE' });
    expect(changes(Person.update(key).set({ nickname: undefined }).build())).toMatchObject({ label: 'REMOVE' });
  });

  it('refuses a change of some sources, naming the derived attribute, what is missing and the way out', () => {
    const e = thrown(DerivedAttributeError, () => Person.update(key).set({ status: 'away' }).build());
    expect(e.message).toBe(
      'Person: derived attribute statusDate: the update changes status but does not set date, so statusDate cannot be computed (the stored values are not known before the write): set every one of status, date with plain values in this update, or put() the whole item',
    );
    expect(e.sources).toEqual(['status', 'date']);
  });

  it('refuses a source changed other than with a plain value', () => {
    expect(thrown(DerivedAttributeError, () => Person.update(key).add({ score: 1 }).build()).message).toContain('the update changes score (by add()), so tier cannot be computed');
    expect(thrown(DerivedAttributeError, () => Person.update(key).set({ date: Person.ref('orgId') }).build()).message).toContain(
      'the update changes date (by set() of ref()) but does not set status, so statusDate',
    );
    expect(thrown(DerivedAttributeError, () => Person.update(key).set({ name: Person.ref('orgId') }).build()).message).toContain('changes name (by set() of ref())');
    expect(thrown(DerivedAttributeError, () => Person.update(key).setIfNotExists({ nickname: 'x' }).build()).message).toContain('changes nickname (by setIfNotExists())');
  });

  it('an index key that needs a derived composite the update does not change asks for its sources, not for the derived attribute', () => {
    const T = defineTable({
      name: 'Mixed',
      client,
      partitionKey: { name: 'pk', type: 'S' },
      indexes: { gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } } },
    });
    const Member = defineEntity({
      table: T,
      name: 'Member',
      schema: z.object({ id: z.string(), org: z.string(), name: z.string(), nameLower: z.string() }),
      keys: { primary: { pk: 'M#{id}' }, gsi1: { pk: 'MEMBERS', sk: '{nameLower}#{org}' } },
      derive: { nameLower: { from: ['name'], compute: ({ name }) => name.toLowerCase() } },
    });
    const e = thrown(KeyError, () => Member.update({ id: 'm1' }).set({ org: 'o2' }).build());
    expect(e.message).toBe('Member: key gsi1.sk: changing org rewrites gsi1sk ("{nameLower}#{org}"), which also needs nameLower (derived from name): include name in set()');
    expect(changes(Member.update({ id: 'm1' }).set({ org: 'o2', name: 'Ada' }).build())).toMatchObject({ nameLower: 'ada', gsi1sk: 'ada#o2' });
  });

  it('refuses a derived attribute changed directly (untyped code: the types refuse it)', () => {
    const set = { nameLower: 'x' } as never;
    const e = thrown(DerivedAttributeError, () => Person.update(key).set(set).build());
    expect(e.message).toBe('Person: derived attribute nameLower: is computed by dynakit and cannot be changed by set(): set name (with plain values) in the update, which then sets nameLower');
    expect(thrown(DerivedAttributeError, () => Person.update(key).remove('label' as never).build()).message).toContain('cannot be changed by remove()');
  });

  it('refuses a change of a source of a derived primary-key composite', () => {
    const e = thrown(DerivedAttributeError, () => Legacy.update({ legacyKey: 'z.EU' }).set({ region: 'us' }).build());
    expect(e.message).toContain('legacyKey: composes the primary key, so region cannot be changed by an update');
    // An upsert cannot create such an item: the way out is a put, not "set region, code" (refused above).
    expect(thrown(DerivedAttributeError, () => Legacy.update({ legacyKey: 'z.EU' }).set({ note: 'n' }).upsert().build()).message).toBe(
      'Legacy: derived attribute legacyKey: composes the primary key, and an upsert may create the item, which then needs region, code; an update cannot set them (that would move the item): create the item with put() or create()',
    );
  });

  it('an upsert writes what a created item needs, and refuses what it cannot compute', () => {
    const upsert = Person.update(key).set({ orgId: 'acme', name: 'Ada', status: 'active', date: 'd', score: 1 }).upsert();
    // handle: from the key alone; label: its source left out, so absent as in a put.
    expect(changes(upsert.build())).toMatchObject({ handle: '@p1', nameLower: 'ada', tier: 'basic' });
    expect(changes(upsert.build())).not.toHaveProperty('label');
    const e = thrown(DerivedAttributeError, () => Person.update(key).set({ orgId: 'acme', name: 'Ada', status: 'active', date: 'd' }).upsert().build());
    expect(e.message).toBe('Person: derived attribute tier: an upsert may create the item, which then needs tier: set score in it (undefined for none) so tier can be computed');
  });
});

describe('a derived key composite given by its sources', () => {
  const bob = { pk: 'ORG#acme', sk: 'BADGE#bob' };

  it('is computed from them (parsed as a put parses them) in every key a builder takes', () => {
    expect(Badge.get({ orgId: 'acme', name: ' Bob ' }).build().Key).toEqual(bob);
    expect(Badge.get({ orgId: 'acme', nameLower: 'bob' }).build().Key).toEqual(bob);
    expect(Badge.update({ orgId: 'acme', name: 'Bob' }).set({ color: 'red' }).build().Key).toEqual(bob);
    expect(Badge.delete({ orgId: 'acme', name: 'Bob' }).build().Key).toEqual(bob);
    expect(Badge.check({ orgId: 'acme', name: 'Bob' }, Badge.Attr('color').exists()).build().Key).toEqual(bob);
    expect(Legacy.get({ region: 'eu', code: 35 }).build().Key).toEqual({ pk: legacyKeyOf({ region: 'eu', code: 35 }), sk: 'LEGACY' });
  });

  it('may come with the composite itself when both agree; values that disagree are a DerivedAttributeError', () => {
    expect(Badge.get({ orgId: 'acme', name: 'BOB', nameLower: 'bob' }).build().Key).toEqual(bob);
    const e = thrown(DerivedAttributeError, () => Badge.get({ orgId: 'acme', name: 'Bob', nameLower: 'bobby' }).build());
    expect(e.message).toBe('Badge: derived attribute nameLower: the key gives nameLower "bobby", but computed from the name it also gives, nameLower is "bob": give nameLower or its sources, not values that disagree');
    expect([e.attribute, e.sources]).toEqual(['nameLower', ['name']]);
  });

  it('an item read back, passed as its key: a source its schema cannot check as a model value is taken as one', () => {
    const T = defineTable({ name: 'Days', client, partitionKey: { name: 'pk', type: 'S' } });
    const Event = defineEntity({
      table: T,
      name: 'Event',
      schema: z.object({ at: z.date(), day: z.string(), tags: z.string().transform((s) => s.split(',')), first: z.string() }),
      keys: { primary: { pk: 'DAY#{day}#{first}' } },
      derive: {
        day: { from: ['at'], compute: ({ at }) => at.toISOString().slice(0, 10) },
        first: { from: ['tags'], compute: ({ tags }) => tags[0]! },
      },
    });
    const read = { at: new Date('2026-12-07T10:00:00Z'), day: '2026-12-07', tags: ['a', 'b'], first: 'a' };
    expect(Event.delete(read).build().Key).toEqual({ pk: 'DAY#2026-12-07#a' });
    expect(() => Event.delete({ ...read, day: '2026-12-08' }).build()).toThrow(DerivedAttributeError);
    expect(Event.get({ at: new Date('2026-12-07T10:00:00Z'), tags: ['a'] }).build().Key).toEqual({ pk: 'DAY#2026-12-07#a' });
    // The input form is parsed as a put parses it.
    expect(Event.get({ at: new Date('2026-12-07T10:00:00Z'), tags: 'a,b' as never }).build().Key).toEqual({ pk: 'DAY#2026-12-07#a' });
  });

  it('a key without the composite or every required source is a KeyError naming them; a bad source a ValidationError', () => {
    expect(thrown(KeyError, () => Badge.get({ orgId: 'acme' } as never).build()).message).toBe('Badge: key primary: missing key composite nameLower, or the fields it is computed from (name)');
    expect(thrown(KeyError, () => Legacy.get({ region: 'eu' } as never).build()).message).toBe(
      'Legacy: key primary: missing code, which key composite legacyKey is computed from (give legacyKey, or every one of region, code)',
    );
    expect(thrown(ValidationError, () => Legacy.get({ region: 'eu', code: 1.5 }).build()).issues.map((i) => i.path)).toEqual(['code']);
    // With the composite itself, some of its sources are not checked: the composite stands.
    expect(Legacy.get({ legacyKey: 'z.EU', region: 'us' } as never).build().Key).toEqual({ pk: 'z.EU', sk: 'LEGACY' });
  });

  it('of a partition key: partition() takes the sources too', () => {
    const T = defineTable({ name: 'Parts', client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
    const Tag = defineEntity({
      table: T,
      name: 'Tag',
      schema: z.object({ org: z.string(), orgLower: z.string(), tag: z.string() }),
      keys: { primary: { pk: 'ORG#{orgLower}', sk: 'TAG#{tag}' } },
      derive: { orgLower: { from: ['org'], compute: ({ org }) => org.toLowerCase() } },
    });
    expect(Tag.partition('primary', { org: 'ACME' })).toEqual(Tag.partition('primary', { orgLower: 'acme' }));
    expect(Tag.get({ org: 'Acme', tag: 't' }).build().Key).toEqual({ pk: 'ORG#acme', sk: 'TAG#t' });
  });
});
