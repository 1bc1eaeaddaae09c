/**
 * Schema versions against DynamoDB Local: Person items written as versions 1 and 2 with the plain
 * SDK (and one a newer deployment wrote) are read back through every read path, each migrated to
 * version 3 before the schema parses it: get, query, scan, batch get, transaction get, hydrated
 * reads, table-level reads, the items writes return (and a failed condition carries), and stream
 * images. Full-item writes store `_sv: 3`; updates leave it, so an updated old item still migrates.
 * Last, `migrateStored` rewrites the old items, skipping one that an update (injected with SDK
 * middleware between its read and its put) changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ConditionFailedError, defineEntity, ItemMigrationError, ItemParseError, migrateStored, transactGet, transactWrite } from '../../src/index.js';
import { migratedModel, personStepReads, personV1 } from '../fixtures/migrated-model.js';
import { testClient, testDocClient, testEndpoint, uniqueTableName } from '../support/client.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { asLambdaEvent, readStream } from '../support/stream-records.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);
const { Table, Person } = migratedModel(client, uniqueTableName('schema-migrations'));
useTable(Table, { clients: [client] });

const ada = { personId: 'p1', org: 'acme', fullName: 'Ada Lovelace', nick: 'Ada' };
const grace = { personId: 'p2', org: 'acme', fullName: 'Grace Hopper', nick: 'Grace' };
const alan = { personId: 'p3', org: 'acme', fullName: 'Alan Turing', nick: 'Al' };
/** The model fields of a read item (timestamps and the locking version left out). */
const fields = (read: object | undefined) => {
  const item = read as Record<string, unknown> | undefined;
  return item && { personId: item['personId'], org: item['org'], fullName: item['fullName'], nick: item['nick'] };
};
/** The item stored under a key, as stored. */
const storedAt = async (pk: string, sk: string) => (await doc.send(new GetCommand({ TableName: Table.name, Key: { pk, sk }, ConsistentRead: true }))).Item;
const raw = (personId: string) => storedAt(`P#${personId}`, 'P');
const putRaw = (Item: Record<string, unknown>) => doc.send(new PutCommand({ TableName: Table.name, Item }));

beforeAll(async () => {
  await putRaw(personV1('p1', 'Ada Lovelace'));
  const { name: _name, ...v2 } = personV1('p2', 'unused');
  await putRaw({ ...v2, full_name: 'Grace Hopper', _sv: 2 });
  await Person.put(alan);
});

describe('reads migrate stored items to the current version', () => {
  it('get: a version 1 item (no _sv), a version 2 item, and a current one', async () => {
    expect(await Person.get({ personId: 'p1' })).toEqual({ ...ada, rev: 1, createdAt: '2020-01-01T00:00:00.000Z', updatedAt: '2020-01-01T00:00:00.000Z' });
    expect(fields(await Person.get({ personId: 'p2' }))).toEqual(grace);
    expect(fields(await Person.get({ personId: 'p3' }))).toEqual(alan);
    // Reads write nothing back.
    expect(await raw('p1')).not.toHaveProperty('_sv');
  });

  it('query, scan, and a hydrated query of a KEYS_ONLY index', async () => {
    const sorted = (items: object[]) => items.map(fields).sort((a, b) => String(a!.personId).localeCompare(String(b!.personId)));
    expect(sorted(await Person.query('byOrg', Person.Key('org').eq('acme')).all())).toEqual([ada, grace, alan]);
    expect(sorted(await Person.scan().all())).toEqual([ada, grace, alan]);
    expect(sorted(await Person.query('byOrgKeys', Person.Key('org').eq('acme')).hydrate().all())).toEqual([ada, grace, alan]);
  });

  it('batch get and transaction get', async () => {
    expect((await Person.batchGet([{ personId: 'p2' }, { personId: 'p1' }])).map(fields)).toEqual([grace, ada]);
    const [first, second] = await transactGet([Person.get({ personId: 'p1' }), Person.get({ personId: 'p2' })]);
    expect([fields(first), fields(second)]).toEqual([ada, grace]);
  });

  it('table-level query and scan parse each entity item migrated', async () => {
    const { items } = await Table.query('byOrg', Table.Key('opk').eq('ORG#acme')).all();
    expect(items.map((i) => (i._et === 'Person' ? i['nick'] : undefined)).sort()).toEqual(['Ada', 'Al', 'Grace']);
    const scanned = await Table.scan().all();
    expect(scanned.items.flatMap((i) => (i._et === 'Person' ? [i['fullName']] : [])).sort()).toEqual(['Ada Lovelace', 'Alan Turing', 'Grace Hopper']);
  });

  it('projected reads: current items read as usual; an old item whose steps read more than the projection fails loudly', async () => {
    expect(await Person.get({ personId: 'p3' }).project('nick')).toEqual({ nick: 'Al' });
    await expect(Person.get({ personId: 'p1' }).project('nick')).rejects.toThrow(/reads "name", which this read did not fetch/);
    // A query reports the item through onInvalidItem and keeps the others.
    const failed: ItemParseError[] = [];
    const nicks = await Person.query('byOrg', Person.Key('org').eq('acme')).project('nick').onInvalidItem((e) => failed.push(e)).all();
    expect(nicks).toEqual([{ nick: 'Al' }]);
    expect(failed.map((e) => [e instanceof ItemMigrationError, e.raw['pk']])).toEqual([
      [true, 'P#p1'],
      [true, 'P#p2'],
    ]);
  });

  it('projected reads of an entity whose migrations declare what the steps read: old items migrate, the result holds the projection', async () => {
    // The same table and items, read by a definition with `migrations.reads`.
    const reading = migratedModel(client, Table.name, personStepReads);
    const R = reading.Person;
    expect(await R.get({ personId: 'p1' }).project('nick')).toEqual({ nick: 'Ada' });
    expect(await R.batchGet([{ personId: 'p2' }, { personId: 'p1' }]).project('personId', 'nick')).toEqual([
      { personId: 'p2', nick: 'Grace' },
      { personId: 'p1', nick: 'Ada' },
    ]);
    const [tx] = await transactGet([R.get({ personId: 'p1' }).project('nick')]);
    expect(tx).toEqual({ nick: 'Ada' });
    const byNick = (items: readonly { nick?: unknown }[]) => items.map((i) => i.nick).sort();
    expect(byNick(await R.query('byOrg', R.Key('org').eq('acme')).project('nick').all())).toEqual(['Ada', 'Al', 'Grace']);
    expect(byNick(await R.scan().project('nick').all())).toEqual(['Ada', 'Al', 'Grace']);
    expect(byNick(await R.query('byOrgKeys', R.Key('org').eq('acme')).hydrate().project('nick').all())).toEqual(['Ada', 'Al', 'Grace']);
    const { items } = await reading.Table.query('byOrg', reading.Table.Key('opk').eq('ORG#acme')).project('nick').all();
    expect(items.map((i) => [i._et, i['nick']]).sort()).toEqual([
      ['Person', 'Ada'],
      ['Person', 'Al'],
      ['Person', 'Grace'],
    ]);
    expect(Object.keys(items[0]!).sort()).toEqual(['_et', 'nick']);
    // An index that does not hold version 1's name cannot give it to the step.
    const failed: ItemParseError[] = [];
    const wide = await R.query('byOrgWide', R.Key('org').eq('acme')).project('nick').onInvalidItem((e) => failed.push(e)).all();
    expect([byNick(wide), failed.map((e) => e.raw['pk'])]).toEqual([['Al', 'Grace'], ['P#p1']]);
  });

  it('a global index that holds part of an item: steps see only what it holds', async () => {
    const failed: ItemParseError[] = [];
    const read = await Person.query('byOrgWide', Person.Key('org').eq('acme')).onInvalidItem((e) => failed.push(e)).all();
    expect(read.map(fields)).toEqual([grace, alan]);
    expect(failed.map((e) => [e instanceof ItemMigrationError && e.step, e.raw['personId']])).toEqual([[1, 'p1']]);
    const table = await Table.query('byOrgWide', Table.Key('wpk').eq('ORG#acme')).onInvalidItem((e) => failed.push(e)).all();
    expect(table.items.map((i) => i['nick'])).toEqual(['Grace', 'Al']);
    expect(failed.map((e) => e.message.includes('reads "name", which this read did not fetch'))).toEqual([true, true]);
  });
});

describe('versions the entity cannot read', () => {
  beforeAll(async () => {
    await putRaw({ ...personV1('p9', 'From the future'), full_name: 'From the future', nick: 'F', _sv: 4 });
  });
  afterAll(async () => {
    await Person.delete({ personId: 'p9' });
  });

  it('get rejects with ItemMigrationError naming the versions; a query with onInvalidItem skips and reports it', async () => {
    await expect(Person.get({ personId: 'p9' })).rejects.toMatchObject({ name: 'ItemMigrationError', entity: 'Person', attribute: '_sv', storedVersion: 4, currentVersion: 3 });
    const skipped: unknown[] = [];
    const read = await Person.query('byOrg', Person.Key('org').eq('acme')).onInvalidItem((e) => skipped.push((e as ItemMigrationError).storedVersion)).all();
    expect(read.map((p) => p.personId).sort()).toEqual(['p1', 'p2', 'p3']);
    expect(skipped).toEqual([4]);
  });
});

describe('writes', () => {
  it('put, batch and transaction puts store the current version; the item type has no _sv', async () => {
    const written = await Person.put({ personId: 'w1', org: 'writes', fullName: 'Put One', nick: 'P' });
    expect(written).not.toHaveProperty('_sv');
    await transactWrite([Person.create({ personId: 'w3', org: 'writes', fullName: 'Tx Three', nick: 'T' })]);
    for (const id of ['w1', 'w3']) expect((await raw(id))?.['_sv']).toBe(3);
    // A batch write takes no versioned entity: an unversioned one with two versions.
    const Note = defineEntity({ table: Table, name: 'Note', schema: z.object({ noteId: z.string() }), keys: { primary: { pk: 'N#{noteId}', sk: 'N' } }, migrations: { steps: [(v) => v] } });
    await Table.batchWrite((batch) => batch.put(Note, { noteId: 'n1' }));
    expect((await doc.send(new GetCommand({ TableName: Table.name, Key: { pk: 'N#n1', sk: 'N' } }))).Item).toEqual({ pk: 'N#n1', sk: 'N', _et: 'Note', _sv: 2, noteId: 'n1' });
  });

  it('an update of an old item leaves it at its version: the next read migrates it, keeping what the update wrote', async () => {
    await putRaw(personV1('u1', 'Mary Somerville'));
    const updated = await Person.update({ personId: 'u1' }).set({ fullName: 'Mary Fairfax Somerville' }).returning('ALL_NEW');
    expect(fields(updated)).toEqual({ personId: 'u1', org: 'acme', fullName: 'Mary Fairfax Somerville', nick: 'Mary' });
    expect(await raw('u1')).toMatchObject({ name: 'Mary Somerville', full_name: 'Mary Fairfax Somerville' });
    expect(await raw('u1')).not.toHaveProperty('_sv');
  });

  it('an upsert that creates the item stores no version: its steps run over a current shape, which they keep', async () => {
    await Person.update({ personId: 'u2' }).set({ org: 'acme', fullName: 'Emmy Noether', nick: 'Emmy' }).upsert();
    expect(await raw('u2')).not.toHaveProperty('_sv');
    expect(fields(await Person.get({ personId: 'u2' }))).toEqual({ personId: 'u2', org: 'acme', fullName: 'Emmy Noether', nick: 'Emmy' });
  });

  it('the item a put replaced, and the item a failed condition carries, come back migrated', async () => {
    await putRaw(personV1('r1', 'Sophie Germain'));
    const replaced = await Person.put({ personId: 'r1', org: 'acme', fullName: 'Sophie Germain', nick: 'Sophie', rev: 1 }).returning('ALL_OLD');
    expect(fields(replaced)).toEqual({ personId: 'r1', org: 'acme', fullName: 'Sophie Germain', nick: 'Sophie' });
    await putRaw(personV1('r2', 'Hedy Lamarr'));
    const failure = await Person.create({ personId: 'r2', org: 'acme', fullName: 'x', nick: 'x' })
      .returnItemOnConditionFailure()
      .then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(ConditionFailedError);
    expect(fields((failure as ConditionFailedError).item)).toEqual({ personId: 'r2', org: 'acme', fullName: 'Hedy Lamarr', nick: 'Hedy' });
  });
});

describe('stream images', () => {
  it('old and new images of an old item are parsed migrated', async () => {
    const streams = new DynamoDBStreamsClient(localClientConfig(testEndpoint()));
    try {
      await putRaw(personV1('s1', 'Katherine Johnson'));
      await Person.update({ personId: 's1' }).set({ nick: 'Kat' });
      const records = await readStream(client, streams, Table.name, 1);
      const { events } = Table.parseStreamEvent(asLambdaEvent(records));
      const modify = events.find((e) => e.type === 'MODIFY' && e.keys['personId'] === 's1');
      expect(modify?.type === 'MODIFY' ? [fields(modify.oldItem), fields(modify.newItem)] : modify).toEqual([
        { personId: 's1', org: 'acme', fullName: 'Katherine Johnson', nick: 'Katherine' },
        { personId: 's1', org: 'acme', fullName: 'Katherine Johnson', nick: 'Kat' },
      ]);
    } finally {
      streams.destroy();
    }
  });
});

describe('migrateStored: rewriting old items', () => {
  /** Every Person item as stored. */
  const storedPeople = async () => ((await doc.send(new ScanCommand({ TableName: Table.name, ConsistentRead: true }))).Items ?? []).filter((i) => i['_et'] === 'Person');

  it('puts back each old item migrated, keeping its times; an item updated since its read is skipped, and rewritten by the next run', async () => {
    const stale = (await storedPeople()).filter((i) => i['_sv'] !== 3);
    expect(stale.length).toBeGreaterThan(2);
    // Between migrateStored's read of the first item it puts and that put, an update changes the item.
    let updated: string | undefined;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutItemCommand' && updated === undefined) {
          const pk = (args.input as { Item: Record<string, { S?: string } | string> }).Item['pk'];
          updated = (typeof pk === 'string' ? pk : pk!.S!).slice('P#'.length);
          await Person.update({ personId: updated }).set({ nick: 'Changed' });
        }
        return next(args);
      },
      { step: 'build', name: 'concurrentUpdate' },
    );
    let first;
    try {
      first = await migrateStored(Person, { concurrency: 1 });
    } finally {
      client.middlewareStack.remove('concurrentUpdate');
    }
    expect(first).toEqual({ migrated: stale.length - 1, skipped: 1, unreadable: [] });
    expect((await raw(updated!))?.['_sv']).toBeUndefined();
    expect((await Person.get({ personId: updated! }))?.nick).toBe('Changed');

    expect(await migrateStored(Person)).toEqual({ migrated: 1, skipped: 0, unreadable: [] });
    expect((await storedPeople()).map((i) => i['_sv'])).toEqual((await storedPeople()).map(() => 3));
    expect((await Person.get({ personId: updated! }))?.nick).toBe('Changed');
    // Rewritten in the current shape, with their times kept and their locking versions counted up.
    for (const old of stale.filter((i) => i['personId'] !== updated)) {
      const now = await raw(String(old['personId']));
      expect(now).toMatchObject({ _sv: 3, createdAt: old['createdAt'], updatedAt: old['updatedAt'], rev: Number(old['rev']) + 1 });
      expect(now).not.toHaveProperty('name');
    }
    expect(await raw('p1')).toMatchObject({ full_name: 'Ada Lovelace', nick: 'Ada' });
    expect(await migrateStored(Person)).toEqual({ migrated: 0, skipped: 0, unreadable: [] });
  });

  it('a version attribute and a stored updatedAt whose names hold dots are single attributes: current items are not read, old ones are rewritten', async () => {
    const Memo = defineEntity({
      table: Table,
      name: 'Memo',
      schema: z.object({ noteId: z.string(), text: z.string() }),
      keys: { primary: { pk: 'MEMO#{noteId}', sk: 'MEMO' } },
      timestamps: true,
      storedAs: { updatedAt: 'meta.updated' },
      migrations: { attribute: 'schema.v', steps: [(v) => ({ ...v, text: v['text'] ?? v['body'] })] },
    });
    const at = '2020-01-01T00:00:00.000Z';
    await putRaw({ pk: 'MEMO#n1', sk: 'MEMO', _et: 'Memo', noteId: 'n1', body: 'old', createdAt: at, 'meta.updated': at });
    await Memo.put({ noteId: 'n2', text: 'current' });
    expect(await migrateStored(Memo)).toEqual({ migrated: 1, skipped: 0, unreadable: [] });
    expect(await migrateStored(Memo)).toEqual({ migrated: 0, skipped: 0, unreadable: [] });
    expect(await storedAt('MEMO#n1', 'MEMO')).toMatchObject({ 'schema.v': 2, text: 'old', 'meta.updated': at });
  });

  it('keeps the times of items stamped in another form (the other format, a fraction of a millisecond), checking updatedAt as stored', async () => {
    const Event = defineEntity({
      table: Table,
      name: 'Event',
      schema: z.object({ eventId: z.string(), kind: z.string() }),
      keys: { primary: { pk: 'EVENT#{eventId}', sk: 'EVENT' } },
      timestamps: { format: 'epochMs' },
      migrations: { steps: [(v) => ({ ...v, kind: v['kind'] ?? v['type'] })] },
    });
    const stored = (eventId: string) => storedAt(`EVENT#${eventId}`, 'EVENT');
    // Stamped as ISO text before the entity stored epoch milliseconds (reads convert it), and by another tool with a fraction.
    await putRaw({ pk: 'EVENT#e1', sk: 'EVENT', _et: 'Event', eventId: 'e1', type: 'a', createdAt: '2020-01-01T00:00:00.000Z', updatedAt: '2020-01-02T00:00:00.000Z' });
    await putRaw({ pk: 'EVENT#e2', sk: 'EVENT', _et: 'Event', eventId: 'e2', type: 'b', createdAt: 1577836800000, updatedAt: 1577923200000.5 });
    expect(await migrateStored(Event)).toEqual({ migrated: 2, skipped: 0, unreadable: [] });
    expect(await stored('e1')).toMatchObject({ _sv: 2, kind: 'a', createdAt: 1577836800000, updatedAt: 1577923200000 });
    expect(await stored('e2')).toMatchObject({ _sv: 2, kind: 'b', createdAt: 1577836800000, updatedAt: 1577923200000 });
  });

  it('an item deleted between its read and its rewrite stays deleted (an entity without version or timestamps)', async () => {
    const Pin = defineEntity({
      table: Table,
      name: 'Pin',
      schema: z.object({ pinId: z.string(), label: z.string() }),
      keys: { primary: { pk: 'PIN#{pinId}', sk: 'PIN' } },
      migrations: { steps: [(v) => ({ ...v, label: v['label'] ?? v['text'] })] },
    });
    await putRaw({ pk: 'PIN#p1', sk: 'PIN', _et: 'Pin', pinId: 'p1', text: 'old' });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutItemCommand') await Pin.delete({ pinId: 'p1' });
        return next(args);
      },
      { step: 'build', name: 'concurrentDelete' },
    );
    try {
      expect(await migrateStored(Pin)).toEqual({ migrated: 0, skipped: 1, unreadable: [] });
    } finally {
      client.middlewareStack.remove('concurrentDelete');
    }
    expect(await storedAt('PIN#p1', 'PIN')).toBeUndefined();
  });

  it('an item whose version is not a number is reported in unreadable, not passed over', async () => {
    const Badge = defineEntity({
      table: Table,
      name: 'Badge',
      schema: z.object({ badgeId: z.string(), title: z.string() }),
      keys: { primary: { pk: 'BADGE#{badgeId}', sk: 'BADGE' } },
      migrations: { steps: [(v) => v] },
    });
    await putRaw({ pk: 'BADGE#b1', sk: 'BADGE', _et: 'Badge', _sv: '2', badgeId: 'b1', title: 'text version' });
    await putRaw({ pk: 'BADGE#b2', sk: 'BADGE', _et: 'Badge', badgeId: 'b2', title: 'version 1' });
    const { migrated, skipped, unreadable } = await migrateStored(Badge);
    expect([migrated, skipped]).toEqual([1, 0]);
    expect(unreadable.map((e) => [e instanceof ItemMigrationError, (e as ItemMigrationError).storedVersion])).toEqual([[true, '2']]);
  });

  it("stores items as read: a schema's transforms are not run a second time over stored values", async () => {
    const Price = defineEntity({
      table: Table,
      name: 'Price',
      schema: z.object({
        priceId: z.string(),
        cents: z.number().transform((n) => Math.round(n * 100)),
        tags: z.string().transform((s) => s.split(',')).pipe(z.array(z.string())),
        label: z.string(),
      }),
      keys: { primary: { pk: 'PRICE#{priceId}', sk: 'PRICE' } },
      migrations: { steps: [(v) => ({ ...v, label: v['label'] ?? v['title'] })] },
    });
    // Stored by an earlier version: cents and tags as the transforms output them.
    await putRaw({ pk: 'PRICE#p1', sk: 'PRICE', _et: 'Price', priceId: 'p1', cents: 150, tags: ['a', 'b'], title: 'Tea' });
    expect(await migrateStored(Price)).toEqual({ migrated: 1, skipped: 0, unreadable: [] });
    expect(await Price.get({ priceId: 'p1' })).toEqual({ priceId: 'p1', cents: 150, tags: ['a', 'b'], label: 'Tea' });
  });

  it('recomputes derived attributes: an old item holding a value an older compute function gave is rewritten, not a DerivedAttributeError that stops the run', async () => {
    const Tag = defineEntity({
      table: Table,
      name: 'Tag',
      schema: z.object({ tagId: z.string(), label: z.string(), slug: z.string() }),
      keys: { primary: { pk: 'TAG#{tagId}', sk: 'TAG' } },
      derive: { slug: { from: ['label'], compute: ({ label }) => label.toLowerCase().replaceAll(' ', '-') } },
      migrations: { steps: [(v) => ({ ...v, label: v['label'] ?? v['title'] })] },
    });
    // Version 1: `title`, and a slug an older function computed (spaces kept).
    await putRaw({ pk: 'TAG#t1', sk: 'TAG', _et: 'Tag', tagId: 't1', title: 'Road Bikes', slug: 'road bikes' });
    await putRaw({ pk: 'TAG#t2', sk: 'TAG', _et: 'Tag', tagId: 't2', title: 'Tyres', slug: 'tyres' });
    expect(await migrateStored(Tag)).toEqual({ migrated: 2, skipped: 0, unreadable: [] });
    expect(await Tag.get({ tagId: 't1' })).toEqual({ tagId: 't1', label: 'Road Bikes', slug: 'road-bikes' });
    expect(await storedAt('TAG#t2', 'TAG')).toMatchObject({ _sv: 2, slug: 'tyres' });
  });

  it('with parallel segments and a concurrent writer: every old item is rewritten once, and no update is lost', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `seg${i}`);
    for (const id of ids) await putRaw(personV1(id, `Segment ${id}`, 'seg'));
    // The writer's own client: what `client` sends below is migrateStored's alone.
    const writer = migratedModel(testClient(), Table.name).Person;
    const puts = new Map<string, number>();
    const segments = new Set<number>();
    let first: string | undefined;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { Item?: Record<string, { S?: string }>; Segment?: number; TotalSegments?: number };
        if (context.commandName === 'ScanCommand') segments.add(input.TotalSegments === 4 ? input.Segment! : -1);
        if (context.commandName === 'PutItemCommand') {
          const id = input.Item!['personId']!.S!;
          puts.set(id, (puts.get(id) ?? 0) + 1);
          // One update that surely lands between an item's read and its rewrite (one the writer below leaves alone).
          if (first === undefined && ids.indexOf(id) >= 20) await writer.update({ personId: (first = id) }).set({ nick: 'Between' });
        }
        return next(args);
      },
      { step: 'build', name: 'segmentedWatch' },
    );
    let run;
    try {
      // And a writer updating half of the items while the segments read and rewrite them.
      const writes = (async () => {
        for (const id of ids.slice(0, 20)) await writer.update({ personId: id }).set({ nick: 'Writer' });
      })();
      [run] = await Promise.all([migrateStored(Person, { segments: 4, concurrency: 2 }), writes]);
    } finally {
      client.middlewareStack.remove('segmentedWatch');
    }
    expect([...segments].sort()).toEqual([0, 1, 2, 3]);
    expect(run.unreadable).toEqual([]);
    expect(run.migrated + run.skipped).toBe(ids.length);
    expect(run.skipped).toBeGreaterThanOrEqual(1);
    // Each item was read by one segment and put back at most once.
    expect([...puts.keys()].sort()).toEqual([...ids].sort());
    expect([...puts.values()].every((n) => n === 1)).toBe(true);
    // The skipped ones are left for the next run; the updates are all kept.
    expect(await migrateStored(Person, { segments: 3 })).toEqual({ migrated: run.skipped, skipped: 0, unreadable: [] });
    const after = await Promise.all(ids.map(async (id) => [id, await raw(id)] as const));
    expect(after.filter(([, item]) => item?.['_sv'] !== 3 || item['name'] !== undefined)).toEqual([]);
    const nicks = Object.fromEntries(after.map(([id, item]) => [id, item?.['nick']]));
    expect(nicks[first!]).toBe('Between');
    for (const id of ids.slice(0, 20)) expect(nicks[id]).toBe('Writer');
    for (const id of ids.slice(20)) if (id !== first) expect(nicks[id]).toBe('Segment');
  });

  it('refuses a segment count DynamoDB would refuse, before reading; an aborted signal stops the segments', async () => {
    await expect(migrateStored(Person, { segments: 0 })).rejects.toThrow(/segments must be an integer from 1 to 1000000, got 0/);
    await putRaw(personV1('abort', 'Not Rewritten'));
    const reason = new Error('stop');
    await expect(migrateStored(Person, { segments: 4, abortSignal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(await raw('abort')).not.toHaveProperty('_sv');
  });
});
