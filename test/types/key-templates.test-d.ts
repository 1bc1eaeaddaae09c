import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, type EntityKey, type TemplateComposites } from '../../src/index.js';
import type { CheckedKeys, KeyTemplateError } from '../../src/entity/template-types.js';
import { appModel } from '../fixtures/app-model.js';

const client = new DynamoDBClient({});
const { AppTable } = appModel(client);

/** A table with only a partition key (no sort key, no indexes). */
const PkOnly = defineTable({ name: 'PkOnly', client, partitionKey: { name: 'id', type: 'S' } });

const schema = z.object({ id: z.string(), org: z.string(), n: z.number(), at: z.date() });

test('TemplateComposites extracts every placeholder', () => {
  expectTypeOf<TemplateComposites<'USER#{name}#{userId}'>>().toEqualTypeOf<'name' | 'userId'>();
  expectTypeOf<TemplateComposites<'{userId}'>>().toEqualTypeOf<'userId'>();
  expectTypeOf<TemplateComposites<'PROFILE'>>().toEqualTypeOf<never>();
});

test('valid templates on the primary key and on global/local indexes compile', () => {
  const E = defineEntity({
    table: AppTable,
    name: 'E',
    schema,
    keys: {
      primary: { pk: 'E#{id}', sk: 'N#{n}' },
      gsi1: { pk: 'ORG#{org}', sk: 'E#{at}#{id}' },
      lsi1: { sk: 'AT#{at}' },
    },
  });
  expectTypeOf<EntityKey<typeof E>>().branded.toEqualTypeOf<{ id: string; n: number }>();

  // A constant sort key and a single-placeholder partition key are both templates.
  const F = defineEntity({ table: AppTable, name: 'F', schema, keys: { primary: { pk: '{id}', sk: 'F' } } });
  expectTypeOf<EntityKey<typeof F>>().branded.toEqualTypeOf<{ id: string }>();

  // Indexes are optional: only `primary` is required.
  const G = defineEntity({ table: PkOnly, name: 'G', schema, keys: { primary: { pk: 'G#{id}#{org}' } } });
  expectTypeOf<EntityKey<typeof G>>().branded.toEqualTypeOf<{ id: string; org: string }>();
});

test('a placeholder that is not an attribute of the schema is a type error', () => {
  defineEntity({
    table: AppTable,
    name: 'E',
    schema,
    // @ts-expect-error (reported on `keys`) usrId is not in the schema
    keys: {
      primary: { pk: 'USER#{usrId}', sk: 'PROFILE' },
    },
  });
  defineEntity({
    table: AppTable,
    name: 'E',
    schema,
    // @ts-expect-error (reported on `keys`) nme is not in the schema (checked on index templates too)
    keys: {
      primary: { pk: 'E#{id}', sk: 'E' },
      gsi1: { pk: 'ORG#{org}', sk: 'E#{nme}' },
    },
  });
  defineEntity({
    table: PkOnly,
    name: 'E',
    schema,
    // @ts-expect-error (reported on `keys`) a typo in the second placeholder of a template
    keys: {
      primary: { pk: 'E#{id}#{orgg}' },
    },
  });
});

test('timestamps may compose keys only when the entity keeps them', () => {
  defineEntity({
    table: AppTable,
    name: 'E',
    schema,
    keys: { primary: { pk: 'E#{id}', sk: 'E' }, gsi1: { pk: 'ORG#{org}', sk: 'C#{createdAt}' } },
    timestamps: true,
  });
  defineEntity({
    table: AppTable,
    name: 'E',
    schema,
    // @ts-expect-error (reported on `keys`) createdAt does not exist without timestamps
    keys: {
      primary: { pk: 'E#{id}', sk: 'E' },
      gsi1: { pk: 'ORG#{org}', sk: 'C#{createdAt}' },
    },
  });
});

test('the sort-key template is required exactly when the table (or index) has a sort key', () => {
  defineEntity({
    table: AppTable,
    name: 'E',
    schema,
    // @ts-expect-error AppTable has a sort key, so primary needs `sk`
    keys: { primary: { pk: 'E#{id}' } },
  });
  defineEntity({
    table: AppTable,
    name: 'E',
    schema,
    keys: {
      primary: { pk: 'E#{id}', sk: 'E' },
      // @ts-expect-error gsi1 has a sort key too
      gsi1: { pk: 'ORG#{org}' },
    },
  });
  defineEntity({
    table: AppTable,
    name: 'E',
    schema,
    keys: {
      primary: { pk: 'E#{id}', sk: 'E' },
      // @ts-expect-error a local index needs its sort-key template
      lsi1: {},
    },
  });
});

// The EntityKeysShape constraint lets extra properties through; the key check (CheckedKeys) rejects
// them. Its errors are reported on `keys`; the test at the end pins the reason for each case.
test('an index name the table does not define is a type error', () => {
  defineEntity({
    table: AppTable,
    name: 'E',
    schema,
    // @ts-expect-error (reported on `keys`) AppTable has no index gsi9
    keys: {
      primary: { pk: 'E#{id}', sk: 'E' },
      gsi9: { pk: 'X#{org}', sk: 'Y' },
    },
  });
  defineEntity({
    table: PkOnly,
    name: 'E',
    schema,
    // @ts-expect-error (reported on `keys`) PkOnly has no indexes at all
    keys: {
      primary: { pk: 'E#{id}' },
      gsi1: { pk: 'X#{org}' },
    },
  });
});

test('a key field the index does not have is a type error', () => {
  defineEntity({
    table: AppTable,
    name: 'E',
    schema,
    // @ts-expect-error (reported on `keys`) a local index shares the table's partition key: no `pk` template
    keys: {
      primary: { pk: 'E#{id}', sk: 'E' },
      lsi1: { pk: 'E#{id}', sk: 'AT#{at}' },
    },
  });
  defineEntity({
    table: PkOnly,
    name: 'E',
    schema,
    // @ts-expect-error (reported on `keys`) PkOnly has no sort key: no `sk` template
    keys: {
      primary: { pk: 'E#{id}', sk: 'E' },
    },
  });
});

test('the table must be a defined table and primary is required', () => {
  defineEntity({
    table: AppTable,
    name: 'E',
    schema,
    // @ts-expect-error keys without `primary`
    keys: { gsi1: { pk: 'ORG#{org}', sk: 'E' } },
  });
});

test('key check errors name the reason (the error on `keys` is this type)', () => {
  type Names = 'id' | 'org' | 'n' | 'at';
  type Shape = { readonly primary: { readonly pk: string; readonly sk: string } } & {
    readonly gsi1?: { readonly pk: string; readonly sk: string };
    readonly lsi1?: { readonly sk: string };
  };
  type Check<K> = CheckedKeys<K, Names, Shape>;
  expectTypeOf<Check<{ primary: { pk: 'E#{id}'; sk: 'N#{n}' }; gsi1: { pk: 'O#{org}'; sk: '{at}' }; lsi1: { sk: 'AT#{at}' } }>>().toBeUnknown();
  expectTypeOf<Check<{ primary: { pk: 'USER#{usrId}'; sk: 'PROFILE' } }>>().toEqualTypeOf<KeyTemplateError<'unknown attribute in key template: usrId'>>();
  expectTypeOf<Check<{ primary: { pk: 'E#{id}#{orgg}'; sk: 'E' } }>>().toEqualTypeOf<KeyTemplateError<'unknown attribute in key template: orgg'>>();
  expectTypeOf<Check<{ primary: { pk: 'E#{id}'; sk: 'E' }; gsi1: { pk: 'O#{org}'; sk: 'E#{nme}' } }>>().toEqualTypeOf<
    KeyTemplateError<'unknown attribute in key template: nme'>
  >();
  expectTypeOf<Check<{ primary: { pk: 'E#{id}'; sk: 'E' }; gsi9: { pk: 'X#{org}'; sk: 'Y' } }>>().toEqualTypeOf<KeyTemplateError<'the table has no index named gsi9'>>();
  expectTypeOf<Check<{ primary: { pk: 'E#{id}'; sk: 'E' }; lsi1: { pk: 'E#{id}'; sk: 'AT#{at}' } }>>().toEqualTypeOf<KeyTemplateError<'index lsi1 has no pk key'>>();
  expectTypeOf<Check<{ primary: { pk: 'E#{id}'; sk: 'E'; xk: 'X' } }>>().toEqualTypeOf<KeyTemplateError<'index primary has no xk key'>>();
});

test('key field errors on tables whose indexes all have the same fields (the check tests that case first)', () => {
  type Names = 'id' | 'org';
  type PkSk = { readonly primary: { readonly pk: string; readonly sk: string } } & { readonly gsi1?: { readonly pk: string; readonly sk: string } };
  type PkOnlyShape = { readonly primary: { readonly pk: string } };
  expectTypeOf<CheckedKeys<{ primary: { pk: 'E#{id}'; sk: 'E' }; gsi1: { pk: 'O#{org}'; sk: 'E' } }, Names, PkSk>>().toBeUnknown();
  expectTypeOf<CheckedKeys<{ primary: { pk: 'E#{id}'; sk: 'E' }; gsi1: { pk: 'O#{org}'; sk: 'E'; xk: 'X' } }, Names, PkSk>>().toEqualTypeOf<
    KeyTemplateError<'index gsi1 has no xk key'>
  >();
  expectTypeOf<CheckedKeys<{ primary: { pk: 'E#{id}' } }, Names, PkOnlyShape>>().toBeUnknown();
  expectTypeOf<CheckedKeys<{ primary: { pk: 'E#{id}'; sk: 'E' } }, Names, PkOnlyShape>>().toEqualTypeOf<KeyTemplateError<'index primary has no sk key'>>();
  // Every index of the table but one has a sort key: `sk` on the one without is still found.
  type MixedShape = PkSk & { readonly gsi2?: { readonly pk: string } };
  expectTypeOf<CheckedKeys<{ primary: { pk: 'E#{id}'; sk: 'E' }; gsi1: { pk: 'O#{org}'; sk: 'E' } }, Names, MixedShape>>().toBeUnknown();
  expectTypeOf<CheckedKeys<{ primary: { pk: 'E#{id}'; sk: 'E' }; gsi2: { pk: 'O#{org}'; sk: 'E' } }, Names, MixedShape>>().toEqualTypeOf<
    KeyTemplateError<'index gsi2 has no sk key'>
  >();
});
