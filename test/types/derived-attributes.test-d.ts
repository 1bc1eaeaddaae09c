/**
 * Types of derived attributes (`defineEntity`'s `derive`): `from` names other schema fields (not a
 * derived one), `compute` takes exactly their output values and returns the field's input, the put
 * input leaves the derived fields out, and an update cannot name them; reads, `Attr` and `Key` see
 * them as the schema fields they are.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, type BatchCollector, type BatchWriter, type EntityInput, type EntityItem } from '../../src/index.js';
import { ada, derivedModel } from '../fixtures/derived-model.js';

const { Person, Badge, Legacy } = derivedModel(new DynamoDBClient({}));
const T = defineTable({ name: 't', client: new DynamoDBClient({}), partitionKey: { name: 'pk', type: 'S' } });
const schema = z.object({ id: z.string(), at: z.string().transform((s) => new Date(s)), day: z.string(), n: z.number().optional() });
const keys = { primary: { pk: 'T#{id}' } } as const;

test('compute takes exactly the from values, as the schema outputs them, and returns the field input', () => {
  defineEntity({
    table: T,
    name: 'Typed',
    schema,
    keys,
    derive: {
      day: {
        from: ['at', 'n'],
        compute: (values) => {
          expectTypeOf(values).toEqualTypeOf<{ readonly at: Date; readonly n: number | undefined }>();
          return values.at.toISOString().slice(0, 10);
        },
      },
    },
  });
  defineEntity({
    table: T,
    name: 'WrongReturn',
    schema,
    keys,
    // @ts-expect-error day's input is a string
    derive: { day: { from: ['at'], compute: ({ at }) => at } },
  });
  defineEntity({
    table: T,
    name: 'NotFrom',
    schema,
    keys,
    // @ts-expect-error n is not among the from values
    derive: { day: { from: ['at'], compute: ({ n }) => String(n) } },
  });
});

test('from names schema fields other than derived ones; a derived attribute is a schema field', () => {
  // @ts-expect-error 'nope' is not a field of the schema
  defineEntity({ table: T, name: 'Unknown', schema, keys, derive: { day: { from: ['nope'], compute: () => 'x' } } });
  // @ts-expect-error day is computed from itself
  defineEntity({ table: T, name: 'Self', schema, keys, derive: { day: { from: ['day'], compute: () => 'x' } } });
  defineEntity({
    table: T,
    name: 'Cycle',
    schema,
    keys,
    // @ts-expect-error a derived attribute (id) in another's from
    derive: { day: { from: ['id'], compute: ({ id }) => id }, id: { from: ['n'], compute: () => 'x' } },
  });
  // @ts-expect-error 'extra' is not a field of the schema
  defineEntity({ table: T, name: 'NotField', schema, keys, derive: { extra: { from: ['id'], compute: ({ id }) => id } } });
});

test('the put input leaves derived fields out, required or not; reads, Attr and Key see them', () => {
  type Input = EntityInput<typeof Person>;
  expectTypeOf<keyof Input>().toEqualTypeOf<'personId' | 'orgId' | 'name' | 'status' | 'date' | 'nickname' | 'score'>();
  Person.put(ada);
  // @ts-expect-error a literal naming a derived attribute
  Person.put({ ...ada, nameLower: 'ada' });
  expectTypeOf<EntityItem<typeof Person>['nameLower']>().toEqualTypeOf<string>();
  expectTypeOf<EntityItem<typeof Person>['label']>().toEqualTypeOf<string | undefined>();
  Person.Attr('statusDate').beginsWith('active#');
  Person.Key('nameLower').beginsWith('a');
  Person.get({ personId: 'p1' }).project('nameLower');
});

test('an update cannot name a derived attribute', () => {
  Person.update({ personId: 'p1' }).set({ name: 'Bo', status: 'away', date: 'd' });
  // @ts-expect-error derived: set its sources
  Person.update({ personId: 'p1' }).set({ nameLower: 'bo' });
  // @ts-expect-error derived: set its sources
  Person.update({ personId: 'p1' }).remove('label');
  // @ts-expect-error derived: set its sources
  Person.update({ personId: 'p1' }).setIfNotExists({ tier: 'gold' });
  // a derived attribute can still be read by ref() and compared in conditions
  Person.update({ personId: 'p1' }).set({ orgId: Person.ref('nameLower') }).where(Person.Attr('tier').eq('gold'));
});

test('a key composite that is derived is given by itself or by its sources', () => {
  Badge.get({ orgId: 'acme', nameLower: 'bob' });
  Badge.get({ orgId: 'acme', name: 'Bob' });
  // both: the run time checks that they agree
  Badge.get({ orgId: 'acme', name: 'Bob', nameLower: 'bob' });
  // @ts-expect-error neither nameLower nor its source
  Badge.get({ orgId: 'acme' });
  // @ts-expect-error the source's type
  Badge.get({ orgId: 'acme', name: 1 });
  Legacy.get({ region: 'eu', code: 35 });
  // @ts-expect-error legacyKey is computed from region and code: one alone is not a key
  Legacy.get({ region: 'eu' });
  Badge.update({ orgId: 'acme', name: 'Bob' }).set({ color: 'red' });
  Badge.delete({ orgId: 'acme', name: 'Bob' });
  Badge.batchGet([{ orgId: 'acme', name: 'Bob' }, { orgId: 'acme', nameLower: 'al' }]);
  Badge.check({ orgId: 'acme', name: 'Bob' }, Badge.Attr('color').exists());
  Badge.partition('primary', { orgId: 'acme' });
  // a batch delete takes the key as the entity's delete does (it needed a cast before)
  const batchDelete = (batch: BatchCollector, writer: BatchWriter) => {
    batch.delete(Badge, { orgId: 'acme', name: 'Bob' });
    batch.delete(Badge, { orgId: 'acme', nameLower: 'bob' });
    writer.delete(Badge, { orgId: 'acme', name: 'Bob' });
    // @ts-expect-error neither nameLower nor its source
    batch.delete(Badge, { orgId: 'acme' });
    // @ts-expect-error the source's type
    writer.delete(Badge, { orgId: 'acme', name: 1 });
    // an entity whose derived attributes compose no key: the composites, as before
    batch.delete(Person, { personId: 'p1' });
    // @ts-expect-error name is no key composite of Person
    batch.delete(Person, { personId: 'p1', name: 'x' });
  };
  void batchDelete;
  expectTypeOf(Badge.get({ orgId: 'acme', name: 'Bob' }).project('color').send()).resolves.toEqualTypeOf<{ color?: string | undefined } | undefined>();
  // an entity whose derived attributes compose no primary key takes its key as before
  // @ts-expect-error name is no key composite of Person
  Person.get({ personId: 'p1', name: 'x' });
});
