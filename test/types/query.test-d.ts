import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { QueryCommandInput, ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { defineEntity } from '../../src/index.js';
import type { CountPage, EntityItem, KeyCondition, Page, QueryBuilder, ScanBuilder, StoredItem, TablePage } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';

const { AppTable, User, Order } = appModel(new DynamoDBClient({}));
type User = EntityItem<typeof User>;
type Order = EntityItem<typeof Order>;
const { Key } = User;

test('index names are checked', () => {
  User.query('primary', Key('userId').eq('u1'));
  User.query('gsi1', Key('orgId').eq('acme'));
  Order.query('lsi1', Order.Key('userId').eq('u1'));
  // @ts-expect-error not an index of the table
  User.query('gsi9', Key('orgId').eq('acme'));
  // @ts-expect-error lsi1 is an index of the table, but User gives no keys for it
  User.query('lsi1', Key('userId').eq('u1'));
  // @ts-expect-error Order has no gsi1 keys
  Order.query('gsi1', Order.Key('userId').eq('u1'));
  User.scan();
  User.scan('gsi1');
  // @ts-expect-error not an index of User
  User.scan('lsi1');
});

test('Key attributes allowed per index', () => {
  // gsi1: ORG#{orgId} / USER#{name}#{userId}
  User.query('gsi1', Key('orgId').eq('acme').and(Key('name').beginsWith('A')).and(Key('userId').eq('u1')));
  // @ts-expect-error email composes no key of User
  User.query('gsi1', Key('email').eq('a@b.co'));
  // @ts-expect-error primary (USER#{userId} / PROFILE) only allows userId
  User.query('primary', Key('orgId').eq('acme'));
  // @ts-expect-error ... also inside an and()
  User.query('primary', Key('userId').eq('u1').and(Key('name').eq('Ada')));
  // lsi1 of Order: the table partition key composites (userId) plus PLACED#{placedAt}
  Order.query('lsi1', Order.Key('userId').eq('u1').and(Order.Key('placedAt').gt(new Date())));
  // @ts-expect-error seq composes the table sort key, not lsi1
  Order.query('lsi1', Order.Key('userId').eq('u1').and(Order.Key('seq').gt(1)));
  // @ts-expect-error a key condition of another entity
  User.query('primary', Order.Key('seq').eq(1));
  // the second parameter records the attributes compared with eq (what a partition key needs)
  expectTypeOf(Key('orgId').eq('acme').and(Key('name').gt('A'))).toEqualTypeOf<KeyCondition<'orgId' | 'name', 'orgId'>>();
});

test('a query needs every partition-key composite, with eq', () => {
  // @ts-expect-error gsi1's partition key is ORG#{orgId}: a sort-key composite alone is not a query
  User.query('gsi1', Key('name').beginsWith('A'));
  // @ts-expect-error ... nor are all sort-key composites without the partition key
  User.query('gsi1', Key('name').eq('Ada').and(Key('userId').eq('u1')));
  // @ts-expect-error the partition key takes only eq
  User.query('gsi1', Key('orgId').beginsWith('ac'));
  // @ts-expect-error ... whichever side of and() the range is on
  User.query('gsi1', Key('name').eq('Ada').and(Key('orgId').gt('a')));
  User.query('gsi1', Key('name').gte('A').and(Key('orgId').eq('acme')));
  // Order's primary and lsi1 share the table partition key USER#{userId}
  // @ts-expect-error seq alone is a sort-key condition
  Order.query('primary', Order.Key('seq').gt(1));
  // @ts-expect-error lsi1 needs userId too (a local index shares the table partition key)
  Order.query('lsi1', Order.Key('placedAt').gt(new Date()));
  Order.query('lsi1', Order.Key('placedAt').gt(new Date()).and(Order.Key('userId').eq('u1')));
});

test('Key values follow the schema; beginsWith only on strings', () => {
  Order.Key('seq').between(-5, 5);
  Order.Key('placedAt').lte(new Date());
  // @ts-expect-error seq is a number
  Order.Key('seq').eq('1');
  // @ts-expect-error beginsWith is for strings
  Order.Key('seq').beginsWith('1');
  // @ts-expect-error placedAt is a Date
  Order.Key('placedAt').gt('2024-01-01');
  // @ts-expect-error between needs both bounds
  Key('name').between('A');
});

test('an optional composite (sparse index) is queried by its present type', () => {
  const Ticket = defineEntity({
    table: AppTable,
    name: 'Ticket',
    schema: z.object({ ticketId: z.string(), assignee: z.string().optional(), rank: z.number().optional() }),
    keys: { primary: { pk: 'TICKET#{ticketId}', sk: 'TICKET' }, gsi1: { pk: 'ASSIGNEE#{assignee}', sk: 'RANK#{rank}' } },
  });
  expectTypeOf(Ticket.Key('assignee').eq).parameter(0).toEqualTypeOf<string>();
  Ticket.query('gsi1', Ticket.Key('assignee').eq('ada').and(Ticket.Key('rank').gt(3)));
  // @ts-expect-error undefined builds no key (KeyError at run time)
  Ticket.Key('assignee').eq(undefined);
  // @ts-expect-error ... nor a sort-key bound
  Ticket.Key('rank').gt(undefined);
});

test('results: one page, items, pages, all, count', async () => {
  const q = User.query('gsi1', Key('orgId').eq('acme'));
  expectTypeOf(q).toEqualTypeOf<QueryBuilder<User>>();
  expectTypeOf(q).resolves.toEqualTypeOf<Page<User>>();
  const page = await q;
  expectTypeOf(page.items).toEqualTypeOf<User[]>();
  expectTypeOf(page.cursor).toEqualTypeOf<string | undefined>();
  for await (const u of q) expectTypeOf(u).toEqualTypeOf<User>();
  for await (const p of q.pages()) expectTypeOf(p).toEqualTypeOf<Page<User>>();
  expectTypeOf(q.all()).resolves.toEqualTypeOf<User[]>();
  expectTypeOf(q.count()).resolves.toEqualTypeOf<number>();
  expectTypeOf(q.limit(5).maxPages(2).countPage()).resolves.toEqualTypeOf<CountPage>();
  expectTypeOf(AppTable.scan().maxPages(2).countPage()).resolves.toEqualTypeOf<{ readonly count: number; readonly cursor?: string }>();
  expectTypeOf(q.build()).toEqualTypeOf<QueryCommandInput>();
  // chaining keeps the type
  expectTypeOf(q.filter(User.Attr('age').gt(1)).limit(5).pageSize(10).reverse().startAfter(page.cursor)).toEqualTypeOf<QueryBuilder<User>>();
  expectTypeOf(Order.query('primary', Order.Key('userId').eq('u1')).consistent()).resolves.toEqualTypeOf<Page<Order>>();
  expectTypeOf(User.scan()).toEqualTypeOf<ScanBuilder<User>>();
  expectTypeOf(User.scan().segments(4, { concurrency: 2 })).resolves.toEqualTypeOf<Page<User>>();
  expectTypeOf(User.scan().build()).toEqualTypeOf<ScanCommandInput>();
  // @ts-expect-error scans have no order
  User.scan().reverse();
  // @ts-expect-error a cursor is a string
  q.startAfter({ pk: 'x' });
});

test('project() narrows to a Pick', async () => {
  const q = User.query('gsi1', Key('orgId').eq('acme')).project('name', 'email');
  expectTypeOf(q).resolves.toEqualTypeOf<Page<Pick<User, 'name' | 'email'>>>();
  for await (const u of q) {
    expectTypeOf(u).toEqualTypeOf<Pick<User, 'name' | 'email'>>();
    // @ts-expect-error not projected
    void u.age;
  }
  expectTypeOf(User.scan().project('age').all()).resolves.toEqualTypeOf<Pick<User, 'age'>[]>();
  expectTypeOf(User.scan().project('createdAt').all()).resolves.toEqualTypeOf<Pick<User, 'createdAt'>[]>();
  // @ts-expect-error not an attribute
  User.query('gsi1', Key('orgId').eq('acme')).project('nope');
  // @ts-expect-error physical key attributes are not model attributes
  User.scan().project('gsi1pk');
});

test('hydrate() keeps the builder type: whole items, or the Pick of project(), in either order', () => {
  // Types only: gsi1 holds whole items, so these builders would throw at runtime.
  const types = () => {
    const q = User.query('gsi1', Key('orgId').eq('acme')).hydrate();
    expectTypeOf(q).toEqualTypeOf<QueryBuilder<User>>();
    expectTypeOf(q).resolves.toEqualTypeOf<Page<User>>();
    expectTypeOf(q.project('name').all()).resolves.toEqualTypeOf<Pick<User, 'name'>[]>();
    expectTypeOf(User.query('gsi1', Key('orgId').eq('acme')).project('name').hydrate({ consistent: true })).toEqualTypeOf<QueryBuilder<Pick<User, 'name'>>>();
    expectTypeOf(User.scan('gsi1').hydrate()).toEqualTypeOf<ScanBuilder<User>>();
    // @ts-expect-error not an option
    User.scan('gsi1').hydrate({ consistant: true });
  };
  void types;
});

test('table-level reads: stored items until narrowed with entities()', async () => {
  const q = AppTable.query(AppTable.Key('pk').eq('USER#u1'));
  expectTypeOf(q).resolves.toEqualTypeOf<TablePage<StoredItem<'_et'>>>();
  const { items, unknown } = await q.all();
  expectTypeOf(items).toEqualTypeOf<StoredItem<'_et'>[]>();
  expectTypeOf(items[0]!._et).toEqualTypeOf<string>();
  expectTypeOf(unknown).toEqualTypeOf<Record<string, unknown>[]>();
  AppTable.query('gsi1', AppTable.Key('gsi1pk').eq('ORG#acme'));
  AppTable.scan('lsi1');
  // @ts-expect-error not an index of the table
  AppTable.query('gsi9', AppTable.Key('pk').eq('x'));
  // @ts-expect-error not a key attribute of the table or its indexes
  AppTable.Key('email');
});

test("filter(Entity, condition): an entity's condition on its items in a table-level read", () => {
  const q = AppTable.query(AppTable.Key('pk').eq('USER#u1'));
  expectTypeOf(q.filter(User, User.Attr('age').gt(18))).toEqualTypeOf<typeof q>();
  const narrowed = q.entities(User, Order);
  expectTypeOf(narrowed.filter(Order, Order.Attr('total').gte(10))).toEqualTypeOf<typeof narrowed>();
  // @ts-expect-error the first argument is an entity, not its name
  q.filter('User', User.Attr('age').gt(18));
  // @ts-expect-error an entity alone is no filter
  q.filter(User);
  // @ts-expect-error the condition is built by Attr, not an entity's Key
  q.filter(User, User.Key('userId').eq('u1'));
});

test('entities(User, Order): a discriminated union that narrows on _et', async () => {
  const q = AppTable.query(AppTable.Key('pk').eq('USER#u1')).entities(User, Order);
  const page = await q;
  expectTypeOf(page.unknown).toEqualTypeOf<Record<string, unknown>[]>();
  for (const item of page.items) {
    expectTypeOf(item._et).toEqualTypeOf<'User' | 'Order'>();
    if (item._et === 'User') {
      expectTypeOf(item.email).toEqualTypeOf<string>();
      expectTypeOf(item).toMatchTypeOf<User>();
      // @ts-expect-error a User has no total
      void item.total;
    } else {
      expectTypeOf(item._et).toEqualTypeOf<'Order'>();
      expectTypeOf(item.total).toEqualTypeOf<number>();
      expectTypeOf(item.placedAt).toEqualTypeOf<Date>();
    }
  }
  for await (const item of AppTable.scan().entities(Order)) {
    expectTypeOf(item).toEqualTypeOf<Order & { readonly _et: 'Order' }>();
  }
  const all = await AppTable.scan().entities(User).filter(AppTable.Attr('age').gt(1)).limit(3).all();
  expectTypeOf(all.items).toEqualTypeOf<(User & { readonly _et: 'User' })[]>();
});

test('table-level project(): each item keeps the projected attributes of its entity and the discriminator', async () => {
  const q = AppTable.query(AppTable.Key('pk').eq('USER#u1')).entities(User, Order).project('email', 'total', 'pk');
  for (const item of (await q).items) {
    if (item._et === 'User') {
      expectTypeOf(item).toEqualTypeOf<Pick<User & { readonly _et: 'User' }, 'email' | '_et'>>();
      // @ts-expect-error not projected
      void item.name;
    } else {
      expectTypeOf(item.total).toEqualTypeOf<number>();
      // @ts-expect-error not projected
      void item.placedAt;
    }
  }
  // the order of entities() and project() does not matter
  const swapped = await AppTable.scan().project('email').entities(User).all();
  expectTypeOf(swapped.items).toEqualTypeOf<Pick<User & { readonly _et: 'User' }, 'email' | '_et'>[]>();
  // before entities(): the named attributes, as unknown, and the discriminator
  const raw = await AppTable.scan().project('email').all();
  expectTypeOf(raw.items[0]!._et).toEqualTypeOf<string>();
  expectTypeOf(raw.items[0]!.email).toEqualTypeOf<unknown>();
  // @ts-expect-error not projected
  void raw.items[0]!.name;
});

test('table-level hydrate(): the same builder and item types as the read without it', async () => {
  const q = AppTable.query('gsi1', AppTable.Key('gsi1pk').eq('ORG#acme'));
  expectTypeOf(q.hydrate()).toEqualTypeOf(q);
  expectTypeOf(q.hydrate({ consistent: true, concurrency: 2, maxAttempts: 3 })).resolves.toEqualTypeOf<TablePage<StoredItem<'_et'>>>();
  const { items, unknown } = await q.entities(User, Order).hydrate().all();
  expectTypeOf(unknown).toEqualTypeOf<Record<string, unknown>[]>();
  for (const item of items) {
    if (item._et === 'User') expectTypeOf(item).toEqualTypeOf<User & { readonly _et: 'User' }>();
    else expectTypeOf(item.total).toEqualTypeOf<number>();
  }
  // hydrate() and project() in either order: the projection applies to the item reads
  const projected = await q.hydrate().entities(User).project('email').all();
  expectTypeOf(projected.items).toEqualTypeOf<Pick<User & { readonly _et: 'User' }, 'email' | '_et'>[]>();
  expectTypeOf(await AppTable.scan('gsi1').entities(Order).project('total').hydrate().all()).toEqualTypeOf<{
    items: Pick<Order & { readonly _et: 'Order' }, 'total' | '_et'>[];
    unknown: Record<string, unknown>[];
  }>();
  for await (const item of AppTable.scan('gsi1').entities(Order).hydrate()) expectTypeOf(item).toEqualTypeOf<Order & { readonly _et: 'Order' }>();
  // @ts-expect-error not an option
  q.hydrate({ consistant: true });
  // @ts-expect-error hydrate() takes options, not a projection
  q.hydrate('email');
});
