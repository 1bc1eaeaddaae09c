/**
 * Every update action against the real server, read back with get() and with a raw GetCommand
 * (to see the physical item: index keys, discriminator, timestamps).
 */
import { describe, expect, it } from 'vitest';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ConditionFailedError, defineEntity, ExpressionError, KeyError, ValidationError, type EntityInput, type EntityItem } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);
const { AppTable, User } = appModel(client, uniqueTableName('upd'));
const { Attr } = User;

/** An extra entity with optional index composites, to see sparse index keys come and go. */
const Ticket = defineEntity({
  table: AppTable,
  name: 'Ticket',
  schema: z.object({
    ticketId: z.string(),
    title: z.string(),
    assignee: z.string().optional(),
    dueAt: z.date().optional(),
  }),
  keys: {
    primary: { pk: 'TICKET#{ticketId}', sk: 'TICKET' },
    gsi1: { pk: 'ASSIGNEE#{assignee}', sk: 'TICKET#{ticketId}' },
    lsi1: { sk: 'DUE#{dueAt}' },
  },
});

type User = EntityItem<typeof User>;

let seq = 0;
/** A fresh user id per test, so tests never share an item. */
const freshId = (label: string) => `${label}-${++seq}`;

function userInput(userId: string): EntityInput<typeof User> {
  return {
    userId,
    orgId: 'acme',
    email: `${userId}@example.com`,
    name: 'Ada Lovelace',
    age: 36,
    tags: new Set(['vip', 'math']),
    address: { city: 'London', zip: 'N1' },
    items: [
      { sku: 'A-1', qty: 2 },
      { sku: 'B-2', qty: 1 },
    ],
    history: ['signup', 'login'],
    price: 10,
    listPrice: 12,
    birthday: new Date('1815-12-10T00:00:00.000Z'),
    status: 'active',
  };
}

async function seedUser(label: string, patch: Partial<EntityInput<typeof User>> = {}): Promise<{ id: string; stored: User }> {
  const id = freshId(label);
  const stored = await User.put({ ...userInput(id), ...patch });
  return { id, stored };
}

async function rawGet(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
  return (await doc.send(new GetCommand({ TableName: AppTable.name, Key: { pk, sk }, ConsistentRead: true }))).Item;
}
const rawUser = (id: string) => rawGet(`USER#${id}`, 'PROFILE');
const rawTicket = (id: string) => rawGet(`TICKET#${id}`, 'TICKET');

async function getUser(id: string): Promise<User> {
  const u = await User.get({ userId: id }).consistent();
  if (u === undefined) throw new Error(`user ${id} not found`);
  return u;
}

async function gsi1Keys(gsi1pk: string): Promise<unknown[]> {
  const out = await doc.send(
    new QueryCommand({
      TableName: AppTable.name,
      IndexName: 'gsi1',
      KeyConditionExpression: '#p = :p',
      ExpressionAttributeNames: { '#p': 'gsi1pk' },
      ExpressionAttributeValues: { ':p': gsi1pk },
    }),
  );
  return (out.Items ?? []).map((i) => i['pk']);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

useTable(AppTable, { clients: [client] });

describe('set', () => {
  it('sets top-level attributes', async () => {
    const { id } = await seedUser('set-top');
    await User.update({ userId: id }).set({ age: 40, status: 'disabled', score: 1.5 });
    const u = await getUser(id);
    expect(u.age).toBe(40);
    expect(u.status).toBe('disabled');
    expect(u.score).toBe(1.5);
    expect(u.address).toEqual({ city: 'London', zip: 'N1' });
  });

  it('sets a nested map attribute, keeping its siblings', async () => {
    const { id } = await seedUser('set-nested');
    await User.update({ userId: id }).set({ 'address.city': 'Paris' });
    expect((await getUser(id)).address).toEqual({ city: 'Paris', zip: 'N1' });
  });

  it('a nested path whose parent map or list is missing fails with an ExpressionError naming the paths', async () => {
    const { id } = await seedUser('set-no-parent', { address: undefined, history: undefined });
    const e = await User.update({ userId: id }).set({ 'address.city': 'Paris', age: 2 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ExpressionError);
    expect((e as ExpressionError).path).toBe('address.city');
    expect((e as ExpressionError).message).toMatch(/^User: address\.city: update: the stored item has no map or list to hold this path \(DynamoDB: ".*invalid for update"\)/);
    expect(((e as ExpressionError).cause as Error).name).toBe('ValidationException');
    const r = await User.update({ userId: id }).remove('history[0]').catch((x: unknown) => x);
    expect((r as ExpressionError).path).toBe('history[0]');
    expect((await getUser(id)).age).not.toBe(2);
    expect(r).not.toBeInstanceOf(ConditionFailedError);
  });

  it('sets a field of a list element and a whole list element', async () => {
    const { id } = await seedUser('set-list');
    await User.update({ userId: id }).set({ 'items[0].qty': 9, 'items[1]': { sku: 'Z-9', qty: 7 } });
    expect((await getUser(id)).items).toEqual([
      { sku: 'A-1', qty: 9 },
      { sku: 'Z-9', qty: 7 },
    ]);
  });

  it('sets a list index past the end, which appends', async () => {
    const { id } = await seedUser('set-past-end');
    await User.update({ userId: id }).set({ 'history[10]': 'logout' });
    expect((await getUser(id)).history).toEqual(['signup', 'login', 'logout']);
  });

  it('stores Dates as ISO strings and Sets as string sets', async () => {
    const { id } = await seedUser('set-date');
    const at = new Date('2001-02-03T04:05:06.789Z');
    await User.update({ userId: id }).set({ birthday: at, tags: new Set(['x', 'y']) });
    const raw = await rawUser(id);
    expect(raw?.['birthday']).toBe('2001-02-03T04:05:06.789Z');
    expect(raw?.['tags']).toEqual(new Set(['x', 'y']));
    const u = await getUser(id);
    expect(u.birthday).toEqual(at);
    expect(u.tags).toEqual(new Set(['x', 'y']));
  });

  it('set({ x: undefined }) removes optional attributes, top-level and nested', async () => {
    const { id } = await seedUser('set-undef');
    await User.update({ userId: id }).set({ age: undefined, 'address.zip': undefined });
    const raw = await rawUser(id);
    expect(raw).not.toHaveProperty('age');
    expect(raw?.['address']).toEqual({ city: 'London' });
    const u = await getUser(id);
    expect(u.age).toBeUndefined();
    expect(u.address).toEqual({ city: 'London' });
  });
});

describe('setIfNotExists', () => {
  it('keeps a present value and writes an absent one', async () => {
    const { id } = await seedUser('sine', { score: undefined });
    await User.update({ userId: id }).setIfNotExists({ age: 99, score: 7 });
    const u = await getUser(id);
    expect(u.age).toBe(36);
    expect(u.score).toBe(7);
  });

  it('works on nested paths', async () => {
    const { id } = await seedUser('sine-nested', { address: { city: 'London' } });
    await User.update({ userId: id }).setIfNotExists({ 'address.zip': 'E1', 'address.city': 'Paris' });
    expect((await getUser(id)).address).toEqual({ city: 'London', zip: 'E1' });
  });
});

describe('add', () => {
  it('adds to a number, and a missing number starts at 0', async () => {
    const { id } = await seedUser('add-num', { score: undefined });
    await User.update({ userId: id }).add({ age: 1, score: 2.5 });
    const u = await getUser(id);
    expect(u.age).toBe(37);
    expect(u.score).toBe(2.5);
    await User.update({ userId: id }).add({ age: -10 });
    expect((await getUser(id)).age).toBe(27);
  });

  it('adds elements to a set, and creates a missing set', async () => {
    const { id } = await seedUser('add-set');
    await User.update({ userId: id }).add({ tags: new Set(['new', 'vip']) });
    expect((await getUser(id)).tags).toEqual(new Set(['vip', 'math', 'new']));

    const { id: id2 } = await seedUser('add-set-missing', { tags: undefined });
    await User.update({ userId: id2 }).add({ tags: new Set(['first']) });
    expect((await getUser(id2)).tags).toEqual(new Set(['first']));
    expect(await rawUser(id2)).toMatchObject({ tags: new Set(['first']) });
  });
});

describe('delete (set elements)', () => {
  it('removes elements; removing the last one removes the attribute', async () => {
    const { id } = await seedUser('del-set');
    await User.update({ userId: id }).delete({ tags: new Set(['vip', 'not-there']) });
    expect((await getUser(id)).tags).toEqual(new Set(['math']));
    await User.update({ userId: id }).delete({ tags: new Set(['math']) });
    expect(await rawUser(id)).not.toHaveProperty('tags');
    expect((await getUser(id)).tags).toBeUndefined();
  });
});

describe('append / prepend', () => {
  it('appends and prepends to a list', async () => {
    const { id } = await seedUser('append');
    await User.update({ userId: id }).append({ history: ['a', 'b'] });
    expect((await getUser(id)).history).toEqual(['signup', 'login', 'a', 'b']);
    await User.update({ userId: id }).prepend({ history: ['first'] });
    expect((await getUser(id)).history).toEqual(['first', 'signup', 'login', 'a', 'b']);
    await User.update({ userId: id }).append({ items: [{ sku: 'C-3', qty: 3 }] });
    expect((await getUser(id)).items).toEqual([
      { sku: 'A-1', qty: 2 },
      { sku: 'B-2', qty: 1 },
      { sku: 'C-3', qty: 3 },
    ]);
  });

  it('creates a missing list (append and prepend)', async () => {
    const { id } = await seedUser('append-missing', { history: undefined, items: undefined });
    await User.update({ userId: id })
      .append({ history: ['x'] })
      .prepend({ items: [{ sku: 'P', qty: 1 }] });
    const u = await getUser(id);
    expect(u.history).toEqual(['x']);
    expect(u.items).toEqual([{ sku: 'P', qty: 1 }]);
  });
});

describe('remove', () => {
  it('removes top-level and nested attributes and list elements', async () => {
    const { id } = await seedUser('remove');
    await User.update({ userId: id }).remove('age', 'address.zip', 'items[0]');
    const raw = await rawUser(id);
    expect(raw).not.toHaveProperty('age');
    expect(raw?.['address']).toEqual({ city: 'London' });
    expect(raw?.['items']).toEqual([{ sku: 'B-2', qty: 1 }]);
    const u = await getUser(id);
    expect(u.age).toBeUndefined();
    expect(u.address).toEqual({ city: 'London' });
  });

  it('removing a missing attribute is a no-op', async () => {
    const { id } = await seedUser('remove-missing', { score: undefined });
    await User.update({ userId: id }).remove('score');
    expect((await getUser(id)).score).toBeUndefined();
  });
});

describe('references: copy and arithmetic', () => {
  it('copies another attribute (price = listPrice)', async () => {
    const { id } = await seedUser('ref-copy');
    await User.update({ userId: id }).set({ price: User.ref('listPrice') });
    const u = await getUser(id);
    expect(u.price).toBe(12);
    expect(u.listPrice).toBe(12);
  });

  it('copies a nested attribute', async () => {
    const { id } = await seedUser('ref-nested');
    await User.update({ userId: id }).set({ 'address.zip': User.ref('address.city') });
    expect((await getUser(id)).address).toEqual({ city: 'London', zip: 'London' });
  });

  it('right-hand sides read the old item (swap)', async () => {
    const { id } = await seedUser('ref-swap');
    await User.update({ userId: id }).set({ price: User.ref('listPrice'), listPrice: User.ref('price') });
    const u = await getUser(id);
    expect([u.price, u.listPrice]).toEqual([12, 10]);
  });

  it('plus / minus a number, and attribute minus attribute', async () => {
    const { id } = await seedUser('ref-arith');
    await User.update({ userId: id }).set({ price: User.ref('price').plus(5), age: User.ref('age').minus(6) });
    let u = await getUser(id);
    expect(u.price).toBe(15);
    expect(u.age).toBe(30);
    await User.update({ userId: id }).set({ price: User.ref('listPrice').minus(User.ref('price')) });
    u = await getUser(id);
    expect(u.price).toBe(-3);
    await User.update({ userId: id }).set({ score: User.ref('price').plus(User.ref('listPrice')) });
    expect((await getUser(id)).score).toBe(9);
  });

  it('a copy or sum from a missing attribute fails with an ExpressionError naming the paths it reads', async () => {
    const { id } = await seedUser('ref-missing', { score: undefined });
    const e = await User.update({ userId: id }).set({ price: User.ref('score') }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ExpressionError);
    expect((e as ExpressionError).path).toBe('score');
    expect((e as ExpressionError).message).toMatch(/^User: score: update: the stored item has no score to read \(DynamoDB: ".*"\); give the copy a fallback with ifNotExists\(\.\.\.\) when it may be missing/);
    expect(((e as ExpressionError).cause as Error).name).toBe('ValidationException');
    const sum = await User.update({ userId: id }).set({ price: User.ref('listPrice').plus(User.ref('score')) }).catch((x: unknown) => x);
    expect((sum as ExpressionError).path).toBe('listPrice, score');
    expect((await getUser(id)).price).toBe(10);
  });

  it('ifNotExists(0).plus(1) counts from a missing attribute', async () => {
    const { id } = await seedUser('ref-counter', { score: undefined });
    const bump = () => User.update({ userId: id }).set({ score: User.ref('score').ifNotExists(0).plus(1) });
    await bump();
    expect((await getUser(id)).score).toBe(1);
    await bump();
    await bump();
    expect((await getUser(id)).score).toBe(3);
  });
});

describe('returning', () => {
  it('ALL_NEW resolves to the whole new item in model form', async () => {
    const { id, stored } = await seedUser('ret-all-new');
    const u = await User.update({ userId: id }).set({ age: 37 }).add({ tags: new Set(['new']) }).returning('ALL_NEW');
    expect(u).toEqual({
      ...stored,
      age: 37,
      tags: new Set(['vip', 'math', 'new']),
      updatedAt: expect.any(String),
    });
    expect(u.birthday).toBeInstanceOf(Date);
    expect(u).toEqual(await getUser(id));
  });

  it('ALL_OLD resolves to the whole old item', async () => {
    const { id, stored } = await seedUser('ret-all-old');
    const old = await User.update({ userId: id }).set({ age: 37 }).returning('ALL_OLD');
    expect(old).toEqual(stored);
    expect((await getUser(id)).age).toBe(37);
  });

  // A nested change returns its whole top-level attribute (DynamoDB Local returns `address` with its zip).
  it('UPDATED_NEW resolves to the changed top-level attributes only (revived, no key attributes)', async () => {
    const { id } = await seedUser('ret-upd-new');
    const at = new Date('2002-02-02T00:00:00.000Z');
    const part = await User.update({ userId: id })
      .set({ age: 37, 'address.city': 'Rome', birthday: at, name: 'Ada King' })
      .add({ tags: new Set(['new']) })
      .returning('UPDATED_NEW');
    expect(part).toEqual({
      age: 37,
      address: { city: 'Rome', zip: 'N1' },
      birthday: at,
      name: 'Ada King',
      tags: new Set(['vip', 'math', 'new']),
      updatedAt: expect.any(String),
    });
  });

  it('UPDATED_OLD resolves to the old values of changed attributes (absent ones omitted)', async () => {
    const { id, stored } = await seedUser('ret-upd-old', { score: undefined });
    const part = await User.update({ userId: id }).set({ age: 37, 'address.city': 'Rome', score: 1 }).returning('UPDATED_OLD');
    expect(part).toEqual({ age: 36, address: { city: 'London', zip: 'N1' }, updatedAt: stored.updatedAt });
  });

  it('NONE (and the default) resolve to undefined', async () => {
    const { id } = await seedUser('ret-none');
    expect(await User.update({ userId: id }).set({ age: 1 }).returning('NONE')).toBeUndefined();
    expect(await User.update({ userId: id }).set({ age: 2 })).toBeUndefined();
    expect((await getUser(id)).age).toBe(2);
  });
});

describe('timestamps', () => {
  it('updatedAt changes on every update; createdAt is kept', async () => {
    const { id, stored } = await seedUser('stamps');
    expect(stored.createdAt).toBe(stored.updatedAt);
    await sleep(5);
    await User.update({ userId: id }).set({ age: 1 });
    const raw = await rawUser(id);
    expect(raw?.['createdAt']).toBe(stored.createdAt);
    expect(typeof raw?.['updatedAt']).toBe('string');
    expect(Date.parse(raw?.['updatedAt'] as string)).toBeGreaterThan(Date.parse(stored.updatedAt));
    const u = await getUser(id);
    expect(u.createdAt).toBe(stored.createdAt);
    expect(u.updatedAt).toBe(raw?.['updatedAt']);
  });
});

describe('index keys follow their composites', () => {
  it("set({ name }) rewrites gsi1sk to 'USER#<new name>#<userId>' and the GSI finds it there", async () => {
    const { id } = await seedUser('gsi-name');
    expect((await rawUser(id))?.['gsi1sk']).toBe(`USER#Ada Lovelace#${id}`);
    await User.update({ userId: id }).set({ name: 'Zed Q' });
    const raw = await rawUser(id);
    expect(raw?.['gsi1sk']).toBe(`USER#Zed Q#${id}`);
    expect(raw?.['gsi1pk']).toBe('ORG#acme');
    expect((await getUser(id)).name).toBe('Zed Q');
  });

  it('set({ orgId }) rewrites gsi1pk; the item moves to the new partition of the GSI', async () => {
    const { id } = await seedUser('gsi-org');
    await User.update({ userId: id }).set({ orgId: `org-${id}` });
    const raw = await rawUser(id);
    expect(raw?.['gsi1pk']).toBe(`ORG#org-${id}`);
    expect(raw?.['gsi1sk']).toBe(`USER#Ada Lovelace#${id}`);
    expect(await gsi1Keys(`ORG#org-${id}`)).toEqual([`USER#${id}`]);
  });

  it('a GSI composite changed through a reference cannot be rebuilt: KeyError before sending', async () => {
    const { id } = await seedUser('gsi-ref');
    await expect(User.update({ userId: id }).set({ name: User.ref('email') })).rejects.toBeInstanceOf(KeyError);
    expect((await getUser(id)).name).toBe('Ada Lovelace');
  });

  it('removing an optional GSI composite removes the GSI key attribute; the item leaves the index', async () => {
    const t = freshId('t-rm');
    await Ticket.put({ ticketId: t, title: 'x', assignee: `bob-${t}`, dueAt: new Date('2030-01-01T00:00:00.000Z') });
    let raw = await rawTicket(t);
    expect(raw).toMatchObject({ gsi1pk: `ASSIGNEE#bob-${t}`, gsi1sk: `TICKET#${t}`, lsi1sk: 'DUE#2030-01-01T00:00:00.000Z' });
    expect(await gsi1Keys(`ASSIGNEE#bob-${t}`)).toEqual([`TICKET#${t}`]);

    await Ticket.update({ ticketId: t }).remove('assignee', 'dueAt');
    raw = await rawTicket(t);
    expect(raw).not.toHaveProperty('assignee');
    expect(raw).not.toHaveProperty('gsi1pk');
    expect(raw).not.toHaveProperty('lsi1sk');
    expect(await gsi1Keys(`ASSIGNEE#bob-${t}`)).toEqual([]);
  });

  it('set({ x: undefined }) of a GSI composite removes the GSI key attribute too', async () => {
    const t = freshId('t-undef');
    await Ticket.put({ ticketId: t, title: 'x', assignee: `amy-${t}` });
    await Ticket.update({ ticketId: t }).set({ assignee: undefined });
    const raw = await rawTicket(t);
    expect(raw).not.toHaveProperty('gsi1pk');
    expect(await gsi1Keys(`ASSIGNEE#amy-${t}`)).toEqual([]);
  });

  it('setting a GSI composite on an item outside the sparse index puts it into the index', async () => {
    const t = freshId('t-add');
    await Ticket.put({ ticketId: t, title: 'x' });
    expect(await rawTicket(t)).not.toHaveProperty('gsi1pk');
    await Ticket.update({ ticketId: t }).set({ assignee: `cy-${t}`, dueAt: new Date('2031-01-01T00:00:00.000Z') });
    const raw = await rawTicket(t);
    expect(raw).toMatchObject({ gsi1pk: `ASSIGNEE#cy-${t}`, lsi1sk: 'DUE#2031-01-01T00:00:00.000Z' });
    // The GSI needs both of its key attributes; gsi1sk ('TICKET#{ticketId}') is built from the primary key.
    expect(raw?.['gsi1sk']).toBe(`TICKET#${t}`);
    expect(await gsi1Keys(`ASSIGNEE#cy-${t}`)).toEqual([`TICKET#${t}`]);
  });

  it('an upsert that creates an item writes every index key it can build (here gsi1sk from the primary key)', async () => {
    const t = freshId('t-upsert');
    await Ticket.update({ ticketId: t }).set({ title: 'new', assignee: `dee-${t}` }).upsert();
    const raw = await rawTicket(t);
    expect(raw).toMatchObject({ _et: 'Ticket', ticketId: t, title: 'new', gsi1pk: `ASSIGNEE#dee-${t}` });
    // gsi1sk = 'TICKET#{ticketId}' needs only the key; without it the new item is missing from gsi1.
    expect(raw?.['gsi1sk']).toBe(`TICKET#${t}`);
    expect(await gsi1Keys(`ASSIGNEE#dee-${t}`)).toEqual([`TICKET#${t}`]);
  });
});

describe('existence, upsert and condition failures', () => {
  it('update of a missing item fails with ConditionFailedError and creates nothing', async () => {
    const id = freshId('missing');
    const err = await User.update({ userId: id })
      .set({ age: 1 })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(ConditionFailedError);
    expect((err as ConditionFailedError).operation).toBe('update');
    expect((err as ConditionFailedError).entity).toBe('User');
    expect((err as ConditionFailedError).item).toBeUndefined();
    expect(await rawUser(id)).toBeUndefined();
  });

  it('update of an item of another entity under the same key fails and leaves it alone', async () => {
    const id = freshId('other');
    const other = { pk: `USER#${id}`, sk: 'PROFILE', _et: 'Other', age: 5 };
    await doc.send(new PutCommand({ TableName: AppTable.name, Item: other }));
    await expect(User.update({ userId: id }).set({ age: 6 })).rejects.toBeInstanceOf(ConditionFailedError);
    expect(await rawUser(id)).toEqual(other);
  });

  it('upsert() creates a missing item with _et, key composites, index keys and timestamps', async () => {
    const id = freshId('upsert');
    const created = await User.update({ userId: id })
      .set({ orgId: 'acme', email: `${id}@example.com`, name: 'New One' })
      .add({ age: 1 })
      .upsert()
      .returning('ALL_NEW');
    const raw = await rawUser(id);
    expect(raw).toEqual({
      pk: `USER#${id}`,
      sk: 'PROFILE',
      _et: 'User',
      userId: id,
      orgId: 'acme',
      email: `${id}@example.com`,
      name: 'New One',
      age: 1,
      gsi1pk: 'ORG#acme',
      gsi1sk: `USER#New One#${id}`,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(raw?.['createdAt']).toBe(raw?.['updatedAt']);
    expect(created).toEqual(await getUser(id));

    // A second upsert (which must carry the required attributes again) updates and keeps createdAt.
    await sleep(5);
    await User.update({ userId: id })
      .set({ orgId: 'acme', name: 'New One' })
      .setIfNotExists({ email: 'ignored@example.com' })
      .add({ age: 1 })
      .upsert();
    const again = await rawUser(id);
    expect(again?.['age']).toBe(2);
    expect(again?.['email']).toBe(`${id}@example.com`);
    expect(again?.['createdAt']).toBe(raw?.['createdAt']);
    expect(again?.['updatedAt']).not.toBe(raw?.['updatedAt']);
    expect(Object.keys(again ?? {}).sort()).toEqual(Object.keys(raw ?? {}).sort());
  });

  it('upsert() without every required attribute is refused before sending (ValidationError), so it never creates a partial item', async () => {
    const id = freshId('upsert-partial');
    const err = await User.update({ userId: id })
      .add({ age: 1 })
      .upsert()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues.map((i) => i.path).sort()).toEqual(['email', 'name', 'orgId']);
    expect(await rawUser(id)).toBeUndefined();
  });

  it('upsert() does not take over an item of another entity under the same key', async () => {
    const id = freshId('upsert-other');
    const other = { pk: `USER#${id}`, sk: 'PROFILE', _et: 'Other', secret: 1 };
    await doc.send(new PutCommand({ TableName: AppTable.name, Item: other }));
    // Creating when missing is fine; rewriting another entity's item into a (partial) User is not.
    const err = await User.update({ userId: id })
      .set({ orgId: 'acme', email: `${id}@example.com`, name: 'Hijack' })
      .upsert()
      .returnItemOnConditionFailure()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(ConditionFailedError);
    expect((err as ConditionFailedError).operation).toBe('update');
    // The foreign item does not parse as a User: it is attached as stored.
    expect((err as ConditionFailedError).item).toEqual(other);
    expect(await rawUser(id)).toEqual(other);
    // Its own item under that key is updated by the same upsert once the foreign item is gone.
    await doc.send(new DeleteCommand({ TableName: AppTable.name, Key: { pk: `USER#${id}`, sk: 'PROFILE' } }));
    await User.update({ userId: id }).set({ orgId: 'acme', email: `${id}@example.com`, name: 'Mine' }).upsert();
    await User.update({ userId: id }).set({ orgId: 'acme', email: `${id}@example.com`, name: 'Mine again' }).upsert();
    expect((await getUser(id)).name).toBe('Mine again');
  });

  it('upsert() sends the guard attribute_not_exists(pk) OR _et = <entity> and ANDs where() after it', async () => {
    const id = freshId('upsert-where');
    const upsert = User.update({ userId: id }).set({ orgId: 'acme', email: `${id}@example.com`, name: 'W' }).add({ age: 1 }).upsert();
    const input = upsert.where(Attr('age').lt(2)).build();
    const names = input.ExpressionAttributeNames ?? {};
    const guard = /^\((attribute_not_exists\((#n\d+)\) OR (#n\d+) = (:v\d+))\) AND (#n\d+) < (:v\d+)$/.exec(input.ConditionExpression ?? '');
    expect(guard).not.toBeNull();
    expect([names[guard![2]!], names[guard![3]!], input.ExpressionAttributeValues?.[guard![4]!]]).toEqual(['pk', '_et', 'User']);
    // Missing item: the where() on age (absent) is false, so nothing is created.
    await expect(upsert.where(Attr('age').lt(2))).rejects.toBeInstanceOf(ConditionFailedError);
    expect(await rawUser(id)).toBeUndefined();
    await upsert.where(Attr('age').notExists());
    await upsert.where(Attr('age').lt(2));
    expect((await getUser(id)).age).toBe(2);
    await expect(upsert.where(Attr('age').lt(2))).rejects.toBeInstanceOf(ConditionFailedError);
  });

  it('a failed where() throws ConditionFailedError with .item only after returnItemOnConditionFailure()', async () => {
    const { id, stored } = await seedUser('cond-item');
    const failing = User.update({ userId: id }).set({ age: 99 }).where(Attr('age').gt(100));

    const withItem = await failing.returnItemOnConditionFailure().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(withItem).toBeInstanceOf(ConditionFailedError);
    const item = (withItem as ConditionFailedError).item;
    expect(item).toEqual(stored);
    expect(item?.['birthday']).toBeInstanceOf(Date);
    expect(item?.['tags']).toBeInstanceOf(Set);

    const without = await failing.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(without).toBeInstanceOf(ConditionFailedError);
    expect((without as ConditionFailedError).item).toBeUndefined();

    expect(await getUser(id)).toEqual(stored);
  });

  it('several where() calls are ANDed', async () => {
    const { id } = await seedUser('where-and');
    const upd = User.update({ userId: id }).set({ score: 1 }).where(Attr('age').eq(36));
    await expect(upd.where(Attr('status').eq('disabled'))).rejects.toBeInstanceOf(ConditionFailedError);
    expect((await getUser(id)).score).toBeUndefined();
    await upd.where(Attr('status').eq('active'));
    expect((await getUser(id)).score).toBe(1);
  });
});
