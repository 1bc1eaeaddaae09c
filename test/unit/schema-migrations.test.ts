/**
 * Schema versions (`migrations`) without a server: the definition checks, the version every
 * full-item write stores, and migrate-on-read through `model.parse` (what every read path calls):
 * which attributes a step sees, which it cannot touch, and the `ItemMigrationError`s.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, ExpressionError, ItemMigrationError, ItemParseError, KeyError, migrateStored, type MigrationStep } from '../../src/index.js';
import { afterWrite } from '../../src/operations/returned-item.js';
import { migratedModel, personStepReads, personV1 } from '../fixtures/migrated-model.js';

const client = new DynamoDBClient({ region: 'us-east-1' });
const { Table, Person } = migratedModel(client, 'Migrated');

/** The error `run` throws, checked to be an ItemMigrationError. */
function migrationError(run: () => unknown): ItemMigrationError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ItemMigrationError);
    return e as ItemMigrationError;
  }
  throw new Error('expected an ItemMigrationError');
}

describe('defining migrations', () => {
  const T = defineTable({
    name: 'Defs',
    client,
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    indexes: { gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } } },
  });
  let n = 0;
  const define = (migrations: unknown, extra: Record<string, unknown> = {}) => () =>
    defineEntity({
      table: T,
      name: `Def${n++}`,
      schema: z.object({ id: z.string(), title: z.string() }),
      keys: { primary: { pk: 'D#{id}', sk: 'D' } },
      timestamps: true,
      version: 'rev',
      storedAs: { title: 'ttl_text' },
      migrations: migrations as { steps: MigrationStep[] },
      ...extra,
    });

  it('stores the version in _sv unless told otherwise; the current version is steps + 1', () => {
    expect(define({ steps: [(v: Record<string, unknown>) => v] })().model.migrations).toMatchObject({ attribute: '_sv', current: 2 });
    expect(define({ attribute: 'schemaV', steps: [] })().model.migrations).toMatchObject({ attribute: 'schemaV', current: 1 });
  });

  it.each([
    ['_et', 'the discriminator'],
    ['pk', 'a table key'],
    ['gsi1sk', 'an index key'],
    ['rev', 'the locking version'],
    ['createdAt', 'a timestamp'],
    ['id', 'a schema field'],
    ['ttl_text', "a field's stored name"],
    ['title', "a renamed field's model name"],
  ])('refuses attribute %s (%s) when the entity is defined', (attribute) => {
    expect(define({ attribute, steps: [] })).toThrow(KeyError);
    expect(define({ attribute, steps: [] })).toThrow(new RegExp(`migrations.attribute "${attribute}" is already an attribute of the entity`));
  });

  it('refuses steps that are not an array of functions, and an empty attribute name', () => {
    expect(define({ steps: 'x' })).toThrow(/migrations.steps must be an array of functions/);
    expect(define({ steps: [(v: unknown) => v, 3] })).toThrow(/migrations.steps\[1\] must be a function \(version 2 -> 3\)/);
    expect(define({ attribute: '', steps: [] })).toThrow(/migrations.attribute must be a non-empty attribute name/);
    expect(define(null)).toThrow(/migrations must be an object/);
  });

  it('types a step as a stored item in, the next version out', () => {
    expectTypeOf<MigrationStep>().parameters.toEqualTypeOf<[Record<string, unknown>]>();
    // @ts-expect-error a step returns the next version's item, not a value
    const bad: MigrationStep = () => 'v2';
    expect(typeof bad).toBe('function');
  });

  it('takes a step whose parameter says what the version held (the caller vouches for it)', () => {
    type V1 = { readonly name: string; readonly fullName?: string };
    const T = defineTable({ name: 'Typed', client, partitionKey: { name: 'pk', type: 'S' } });
    const E = defineEntity({
      table: T,
      name: 'TypedSteps',
      schema: z.object({ id: z.string(), fullName: z.string(), initial: z.string() }),
      keys: { primary: { pk: 'T#{id}' } },
      migrations: {
        steps: [
          ({ name, ...rest }: V1) => ({ ...rest, fullName: rest.fullName ?? name }),
          (v: { readonly fullName: string }) => ({ ...v, initial: v.fullName.charAt(0) }),
          // Unannotated steps still see a stored item.
          (v) => {
            expectTypeOf(v).toEqualTypeOf<Record<string, unknown>>();
            return v;
          },
        ],
      },
    });
    expect(E.model.parse({ pk: 'T#a', _et: 'TypedSteps', id: 'a', name: 'Ada' })).toEqual({ id: 'a', fullName: 'Ada', initial: 'A' });
    // @ts-expect-error a parameter that is no object of attributes
    const notAnItem: MigrationStep = (v: string) => ({ v });
    expect(typeof notAnItem).toBe('function');
  });
});

describe('writes store the current version', () => {
  const item = { personId: 'p1', org: 'acme', fullName: 'Ada Lovelace', nick: 'Ada' };

  it('put and create stamp _sv: 3; the model item leaves it out', () => {
    expect(Person.put(item).build().Item).toMatchObject({ _sv: 3, full_name: 'Ada Lovelace' });
    expect(Person.create(item).build().Item).toMatchObject({ _sv: 3 });
  });

  it('updates (upserts too) leave the attribute as it is', () => {
    const { UpdateExpression, ExpressionAttributeNames } = Person.update({ personId: 'p1' }).set({ nick: 'A' }).build();
    expect(Object.values(ExpressionAttributeNames ?? {})).not.toContain('_sv');
    expect(UpdateExpression).not.toMatch(/_sv/);
    const upsert = Person.update({ personId: 'p1' }).set({ org: 'acme', fullName: 'Ada', nick: 'A' }).upsert().build();
    expect(Object.values(upsert.ExpressionAttributeNames ?? {})).not.toContain('_sv');
  });

  it('an entity without migrations stores no version', () => {
    const Plain = defineEntity({ table: Table, name: 'Plain', schema: z.object({ id: z.string() }), keys: { primary: { pk: 'X#{id}', sk: 'X' } } });
    expect(Plain.put({ id: 'x' }).build().Item).not.toHaveProperty('_sv');
  });

  it('a loose schema never stores a caller-given _sv, nor reads it back', () => {
    const Loose = defineEntity({ table: Table, name: 'Loose', schema: z.looseObject({ id: z.string() }), keys: { primary: { pk: 'L#{id}', sk: 'L' } }, migrations: { steps: [(v) => v] } });
    expect(Loose.put({ id: 'x', _sv: 9, other: 1 }).build().Item).toMatchObject({ _sv: 2, other: 1 });
    expect(Loose.model.parse({ pk: 'L#x', sk: 'L', _et: 'Loose', id: 'x', _sv: 2, other: 1 })).toEqual({ id: 'x', other: 1 });
  });
});

describe('reads migrate stored items', () => {
  it('runs every step from version 1 (no attribute) and keeps the managed attributes', () => {
    expect(Person.model.parse({ ...personV1('p1', 'Ada Lovelace'), since: '2020-02-03T00:00:00.000Z' })).toEqual({
      personId: 'p1',
      org: 'acme',
      fullName: 'Ada Lovelace',
      nick: 'Ada',
      since: new Date('2020-02-03T00:00:00.000Z'),
      rev: 1,
      createdAt: '2020-01-01T00:00:00.000Z',
      updatedAt: '2020-01-01T00:00:00.000Z',
    });
  });

  it('starts at the stored version, and a step sees model names in stored form, without keys and managed attributes', () => {
    const seen: Record<string, unknown>[] = [];
    const T = defineTable({ name: 'Seen', client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
    const E = defineEntity({
      table: T,
      name: 'Seen',
      schema: z.object({ id: z.string(), at: z.date(), tags: z.set(z.string()), label: z.string() }),
      keys: { primary: { pk: 'S#{id}', sk: 'S' } },
      storedAs: { label: 'lbl' },
      timestamps: true,
      version: 'rev',
      migrations: {
        steps: [
          () => {
            throw new Error('version 1 is not stored');
          },
          (v) => (seen.push(v), { ...v, label: String(v['label']).toUpperCase() }),
        ],
      },
    });
    const raw = { pk: 'S#a', sk: 'S', _et: 'Seen', _sv: 2, id: 'a', at: '2021-01-01T00:00:00.000Z', tags: new Set(['x']), lbl: 'low', rev: 4, createdAt: 'c', updatedAt: 'u' };
    expect(E.model.parse(raw)).toEqual({ id: 'a', at: new Date('2021-01-01T00:00:00.000Z'), tags: new Set(['x']), label: 'LOW', rev: 4, createdAt: 'c', updatedAt: 'u' });
    expect(seen).toEqual([{ id: 'a', at: '2021-01-01T00:00:00.000Z', tags: new Set(['x']), label: 'low' }]);
  });

  it('a step cannot change keys, the discriminator or managed attributes', () => {
    const T = defineTable({ name: 'Keep', client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
    const E = defineEntity({
      table: T,
      name: 'Keep',
      schema: z.looseObject({ id: z.string() }),
      keys: { primary: { pk: 'K#{id}', sk: 'K' } },
      version: 'rev',
      migrations: { steps: [(v) => ({ ...v, rev: 99, pk: 'other', _et: 'Other' })] },
    });
    expect(E.model.parse({ pk: 'K#a', sk: 'K', _et: 'Keep', id: 'a', rev: 2 })).toEqual({ id: 'a', rev: 2 });
  });

  it('an item at the current version is parsed without running a step', () => {
    let calls = 0;
    const T = defineTable({ name: 'Cur', client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
    const E = defineEntity({ table: T, name: 'Cur', schema: z.object({ id: z.string() }), keys: { primary: { pk: 'C#{id}', sk: 'C' } }, migrations: { steps: [(v) => (calls++, v)] } });
    expect(E.model.parse({ pk: 'C#a', sk: 'C', _et: 'Cur', id: 'a', _sv: 2 })).toEqual({ id: 'a' });
    expect(calls).toBe(0);
  });

  it('a version newer than the current one is an ItemMigrationError (an ItemParseError) naming entity, attribute and both versions', () => {
    const e = migrationError(() => Person.model.parse({ ...personV1('p1', 'Ada'), _sv: 4 }));
    expect(e).toBeInstanceOf(ItemParseError);
    expect(e).toMatchObject({ entity: 'Person', attribute: '_sv', storedVersion: 4, currentVersion: 3, step: undefined });
    expect(e.message).toBe('Person: stored item could not be brought to schema version 3: _sv: schema version 4 is newer than the current version 3 (a newer deployment wrote the item)');
  });

  it.each([['2'], [0], [1.5], [null], [-1]])('a stored version %j is refused as not a positive whole number', (stored) => {
    const e = migrationError(() => Person.model.parse({ ...personV1('p1', 'Ada'), _sv: stored }));
    expect(e.storedVersion).toBe(stored);
    expect(e.message).toMatch(/is not a positive whole number/);
  });

  it('a step that throws, returns no object, or returns a promise is an ItemMigrationError naming the step (with the cause)', () => {
    const T = defineTable({ name: 'Bad', client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
    const cause = new Error('boom');
    const entity = (name: string, step: MigrationStep) =>
      defineEntity({ table: T, name, schema: z.object({ id: z.string() }), keys: { primary: { pk: `${name}#{id}`, sk: 'B' } }, migrations: { steps: [(v) => v, step] } });
    const raw = (name: string) => ({ pk: `${name}#a`, sk: 'B', _et: name, id: 'a' });
    const Throws = entity('Throws', () => {
      throw cause;
    });
    const thrown = migrationError(() => Throws.model.parse(raw('Throws')));
    expect(thrown).toMatchObject({ step: 2, storedVersion: undefined, currentVersion: 3, cause });
    expect(thrown.message).toMatch(/the step from version 2 to 3 threw: boom/);
    const Nothing = entity('Nothing', (() => undefined) as unknown as MigrationStep);
    expect(migrationError(() => Nothing.model.parse(raw('Nothing'))).message).toMatch(/returned undefined, not an item object/);
    const Later = entity('Later', (async (v: Record<string, unknown>) => v) as unknown as MigrationStep);
    expect(migrationError(() => Later.model.parse(raw('Later'))).message).toMatch(/returned a promise: steps must be synchronous/);
  });

  it('an update returning a stored item it cannot migrate says the update was done', () => {
    const e = migrationError(() => Person.model.parse({ ...personV1('p1', 'Ada'), _sv: 9 }));
    const after = afterWrite(e, 'update') as ItemMigrationError;
    expect(after).toBeInstanceOf(ItemMigrationError);
    expect(after).toMatchObject({ written: 'update', storedVersion: 9, currentVersion: 3 });
    expect(after.message).toMatch(/^Person: the update was done, but the item it returned could not be brought to schema version 3/);
  });
});

describe('projected reads', () => {
  it('fetch the version attribute along with the projection', () => {
    const names = (input: { ExpressionAttributeNames?: Record<string, string> }) => Object.values(input.ExpressionAttributeNames ?? {});
    expect(names(Person.get({ personId: 'p1' }).project('nick').build())).toContain('_sv');
    expect(names(Person.query('byOrg', Person.Key('org').eq('acme')).project('nick').build())).toContain('_sv');
    expect(names(Person.scan().project('fullName').build())).toEqual(expect.arrayContaining(['full_name', '_sv']));
    expect(names(Table.query('byOrg', Table.Key('opk').eq('ORG#acme')).project('nick').build())).toContain('_sv');
  });

  it('refuse a global index that does not hold the version attribute', () => {
    expect(() => Person.query('byOrgNarrow', Person.Key('org').eq('acme')).project('nick').build()).toThrow(ExpressionError);
    expect(() => Person.query('byOrgNarrow', Person.Key('org').eq('acme')).project('nick').build()).toThrow(/"_sv" \(the schema version reads migrate items from\)/);
    expect(() => Table.query('byOrgNarrow', Table.Key('npk').eq('ORG#acme')).project('nick').build()).toThrow(/does not hold "_sv", the schema version Person migrates its items from/);
  });

  it('a step reading an attribute the projection did not fetch fails rather than computing from a missing value', () => {
    const v1 = personV1('p1', 'Ada Lovelace');
    const e = migrationError(() => Person.model.parse({ _et: 'Person', pk: v1['pk'], sk: 'P', personId: 'p1' }, ['personId']));
    expect(e.step).toBe(1);
    expect(e.message).toMatch(/the step from version 1 to 2 reads "name", which this read did not fetch \(it reads a projection, or an index that holds part of the item\)/);
  });

  it('steps that read only fetched attributes migrate a projected item', () => {
    const T = defineTable({ name: 'Proj', client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
    const E = defineEntity({
      table: T,
      name: 'Proj',
      schema: z.object({ id: z.string(), nick: z.string(), title: z.string() }),
      keys: { primary: { pk: 'J#{id}', sk: 'J' } },
      migrations: { steps: [(v) => ({ ...v, nick: v['nick'] ?? 'none' })] },
    });
    expect(E.model.parse({ pk: 'J#a', sk: 'J', _et: 'Proj' }, ['nick'])).toEqual({ nick: 'none' });
    expect(E.model.parse({ pk: 'J#a', sk: 'J', _et: 'Proj', nick: 'Bo' }, ['nick'])).toEqual({ nick: 'Bo' });
  });
});

describe('projected reads of entities whose migrations declare what the steps read', () => {
  const reading = migratedModel(client, 'MigratedReads', personStepReads);
  const R = reading.Person;
  const names = (input: { ExpressionAttributeNames?: Record<string, string> }) => Object.values(input.ExpressionAttributeNames ?? {});

  it('fetch those attributes too (as stored), where the index read holds them', () => {
    expect(names(R.get({ personId: 'p1' }).project('nick').build())).toEqual(expect.arrayContaining(['nick', '_sv', 'name', 'full_name']));
    expect(names(R.query('byOrg', R.Key('org').eq('acme')).project('nick').build())).toEqual(expect.arrayContaining(['name', 'full_name']));
    expect(names(reading.Table.scan().project('nick').build())).toEqual(expect.arrayContaining(['name', 'full_name', '_sv']));
    // byOrgWide holds full_name and nick, not version 1's name: asking for it would return nothing more.
    const wide = names(R.query('byOrgWide', R.Key('org').eq('acme')).project('nick').build());
    expect(wide).toEqual(expect.arrayContaining(['full_name', 'nick', '_sv']));
    expect(wide).not.toContain('name');
    expect(names(reading.Table.query('byOrgWide', reading.Table.Key('wpk').eq('ORG#acme')).project('nick').build())).not.toContain('name');
  });

  it('migrate an old item read with a projection, and leave what only the steps read out of the result', () => {
    const v1 = personV1('p1', 'Ada Lovelace');
    expect(R.model.parse(v1, ['nick'])).toEqual({ nick: 'Ada' });
    expect(R.model.reader(['personId', 'rev'])(v1)).toEqual({ personId: 'p1', rev: 1 });
    // A global index that does not hold name: the step that reads it still fails.
    const { name: _name, ...held } = v1;
    expect(migrationError(() => R.model.reader(['nick'], new Set(['_et', 'nick', 'full_name', 'personId']))(held)).step).toBe(1);
  });

  it('a read inside a projected map: the whole attribute is fetched (DynamoDB refuses overlapping paths), the result keeps the projected path', () => {
    const T = defineTable({ name: 'Maps', client, partitionKey: { name: 'pk', type: 'S' } });
    const E = defineEntity({
      table: T,
      name: 'Place',
      schema: z.object({ id: z.string(), address: z.object({ city: z.string(), zip: z.string() }), region: z.string() }),
      keys: { primary: { pk: 'PL#{id}' } },
      migrations: { steps: [(v) => ({ ...v, region: v['region'] ?? (v['address'] as { zip: string }).zip.slice(0, 2) })], reads: ['address', 'region'] },
    });
    const input = E.get({ id: 'a' }).project('address.city', 'region').build();
    expect(input.ProjectionExpression?.split(', ').map((p) => input.ExpressionAttributeNames![p] ?? p)).toEqual(['region', '_et', '_sv', 'address']);
    expect(E.model.parse({ pk: 'PL#a', _et: 'Place', id: 'a', address: { city: 'Lyon', zip: '69001' } }, ['address.city', 'region'])).toEqual({ address: { city: 'Lyon' }, region: '69' });
  });

  it('refuse reads that are not attribute names, or name what steps never see', () => {
    const T = defineTable({ name: 'Defs2', client, partitionKey: { name: 'pk', type: 'S' } });
    const define = (reads: unknown) => () =>
      defineEntity({ table: T, name: 'R', schema: z.object({ id: z.string() }), keys: { primary: { pk: 'R#{id}' } }, version: 'rev', migrations: { steps: [], reads: reads as string[] } });
    expect(define('name')).toThrow(/migrations.reads must be a list of the attribute names the steps read/);
    expect(define([''])).toThrow(KeyError);
    expect(define(['rev'])).toThrow(/R: migrations.reads names "rev", which steps never see/);
    expect(define(['pk'])).toThrow(KeyError);
    expect(define(['_sv'])).toThrow(KeyError);
  });
});

describe('migrateStored refuses before reading', () => {
  it('an entity without migrations, and a concurrency that is not a positive whole number', async () => {
    const Plain = defineEntity({ table: Table, name: 'Unversioned', schema: z.object({ id: z.string() }), keys: { primary: { pk: 'U#{id}', sk: 'U' } } });
    await expect(migrateStored(Plain)).rejects.toThrow(/Unversioned: migrateStored\(\) rewrites items to the current schema version: the entity has no migrations/);
    await expect(migrateStored(Person, { concurrency: 0 })).rejects.toThrow(ExpressionError);
    await expect(migrateStored(Person, { concurrency: 1.5 })).rejects.toThrow(/concurrency must be a positive whole number \(got 1.5\)/);
  });
});
