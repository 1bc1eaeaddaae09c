import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import {
  defineEntity,
  defineTable,
  type EntityInput,
  type EntityItem,
  type EntityKey,
  type TimestampFields,
} from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';

const { User, Order } = appModel(new DynamoDBClient({}));

/** The model shapes the SPEC promises, written out by hand (zod output of the fixture schemas). */
interface UserSchemaOutput {
  userId: string;
  orgId: string;
  email: string;
  name: string;
  age?: number | undefined;
  score?: number | undefined;
  tags?: Set<string> | undefined;
  address?: { city: string; zip?: string | undefined } | undefined;
  items?: { sku: string; qty: number }[] | undefined;
  history?: string[] | undefined;
  price?: number | undefined;
  listPrice?: number | undefined;
  birthday?: Date | undefined;
  status?: 'active' | 'disabled' | undefined;
}

interface OrderSchemaOutput {
  orderId: string;
  userId: string;
  seq: number;
  total: number;
  placedAt: Date;
  lines: { sku: string; qty: number }[];
  note?: string | undefined;
}

test('EntityItem is the schema output plus createdAt/updatedAt strings when timestamps are on', () => {
  type User = EntityItem<typeof User>;
  expectTypeOf<User>().branded.toEqualTypeOf<UserSchemaOutput & TimestampFields>();
  expectTypeOf<User['createdAt']>().toEqualTypeOf<string>();
  expectTypeOf<User['updatedAt']>().toEqualTypeOf<string>();
  expectTypeOf<User['age']>().toEqualTypeOf<number | undefined>();
  expectTypeOf<User['tags']>().toEqualTypeOf<Set<string> | undefined>();
  expectTypeOf<User['birthday']>().toEqualTypeOf<Date | undefined>();
  // Every schema attribute and both timestamps, nothing else.
  expectTypeOf<keyof User>().toEqualTypeOf<keyof UserSchemaOutput | 'createdAt' | 'updatedAt'>();
});

test('EntityItem has no timestamps when the entity does not keep them', () => {
  type Order = EntityItem<typeof Order>;
  expectTypeOf<Order>().branded.toEqualTypeOf<OrderSchemaOutput>();
  expectTypeOf<Order>().not.toHaveProperty('createdAt');
  expectTypeOf<Order>().not.toHaveProperty('updatedAt');
  expectTypeOf<Order['placedAt']>().toEqualTypeOf<Date>();
});

test('EntityKey is the primary-key composites with their model types', () => {
  expectTypeOf<EntityKey<typeof User>>().branded.toEqualTypeOf<{ userId: string }>();
  // Order's primary key takes composites from both templates: USER#{userId} and ORDER#{seq}#{orderId}.
  expectTypeOf<EntityKey<typeof Order>>().branded.toEqualTypeOf<{ userId: string; seq: number; orderId: string }>();
});

test('EntityInput is the schema input type (what put/create accept)', () => {
  expectTypeOf<EntityInput<typeof Order>>().branded.toEqualTypeOf<OrderSchemaOutput>();
  expectTypeOf<EntityInput<typeof User>>().not.toHaveProperty('createdAt');
});

test('EntityInput follows zod input types (defaults and transforms), EntityItem the output', () => {
  const T = defineTable({ name: 'T', client: new DynamoDBClient({}), partitionKey: { name: 'pk', type: 'S' } });
  const Counter = defineEntity({
    table: T,
    name: 'Counter',
    schema: z.object({ id: z.string(), count: z.number().default(0), label: z.string().transform((s) => s.length) }),
    keys: { primary: { pk: 'C#{id}' } },
  });
  expectTypeOf<EntityInput<typeof Counter>>().branded.toEqualTypeOf<{ id: string; count?: number | undefined; label: string }>();
  expectTypeOf<EntityItem<typeof Counter>>().branded.toEqualTypeOf<{ id: string; count: number; label: number }>();
  expectTypeOf<EntityKey<typeof Counter>>().branded.toEqualTypeOf<{ id: string }>();
  expectTypeOf(Counter.name).toEqualTypeOf<'Counter'>();
});

test('a key template made of one number placeholder keys the entity by that number', () => {
  const T = defineTable({
    name: 'T',
    client: new DynamoDBClient({}),
    partitionKey: { name: 'pk', type: 'N' },
    sortKey: { name: 'sk', type: 'S' },
  });
  const Reading = defineEntity({
    table: T,
    name: 'Reading',
    schema: z.object({ sensor: z.number(), at: z.date(), value: z.number() }),
    keys: { primary: { pk: '{sensor}', sk: 'AT#{at}' } },
    timestamps: false,
  });
  expectTypeOf<EntityKey<typeof Reading>>().branded.toEqualTypeOf<{ sensor: number; at: Date }>();
  expectTypeOf<EntityItem<typeof Reading>>().not.toHaveProperty('createdAt');
});
