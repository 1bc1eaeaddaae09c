/**
 * An entity's `partition()` of one index read through another index keyed on the same partition
 * key attribute: the run time takes it (the condition is `attribute = value`, one partition on
 * both), the types refuse it (the condition's type names the index it was built for; accepting it
 * through extra overloads of `Table.query` doubled the error of every failing table-level query).
 * Against DynamoDB Local: the query is valid there and reads that index's view of the partition;
 * an index with another partition key refuses it before sending.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ExpressionError } from '../../src/index.js';
import { sharedPartitionModel } from '../fixtures/shared-partition-model.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const { Shared, Member } = sharedPartitionModel(client, uniqueTableName('shared-partition'));

useTable(Shared, { clients: [client] });

beforeAll(async () => {
  await Member.put({ id: 'm1', org: 'acme', name: 'Bo', day: '2026-12-02' });
  await Member.put({ id: 'm2', org: 'acme', name: 'Ada', day: '2026-12-01' });
  await Member.put({ id: 'm3', org: 'other', name: 'Cy', day: '2026-12-03' });
});

describe("a partition read through another index on the same partition key attribute", () => {
  it("byName's partition on byDate: the org's members in byDate's order", async () => {
    // @ts-expect-error refused by the types (see the file's comment), taken by the run time
    const page = await Shared.query('byDate', Member.partition('byName', { org: 'acme' })).entities(Member).all();
    expect(page.items.map((m) => m.id)).toEqual(['m2', 'm1']);
    const byName = await Shared.query('byName', Member.partition('byName', { org: 'acme' })).entities(Member).all();
    expect(byName.items.map((m) => m.name)).toEqual(['Ada', 'Bo']);
    // @ts-expect-error refused by the types, taken by the run time
    const later = await Shared.query('byDate', Member.partition('byName', { org: 'acme' }).and(Shared.Key('dateSk').gt('D#2026-12-01'))).entities(Member).all();
    expect(later.items.map((m) => m.id)).toEqual(['m1']);
  });

  it('the table and a global index on its partition key take each other\'s partitions', async () => {
    // @ts-expect-error refused by the types, taken by the run time
    const onTable = await Shared.query('onTable', Member.partition('primary', { id: 'm1' })).entities(Member).all();
    expect(onTable.items.map((m) => m.id)).toEqual(['m1']);
    // @ts-expect-error refused by the types, taken by the run time
    const table = await Shared.query(Member.partition('onTable', { id: 'm3' })).entities(Member).all();
    expect(table.items.map((m) => m.id)).toEqual(['m3']);
  });

  it('an index on another partition key attribute refuses it before sending', () => {
    // @ts-expect-error byName's partition key is gpk, not ownPk
    expect(() => Shared.query('own', Member.partition('byName', { org: 'acme' })).build()).toThrow(ExpressionError);
  });
});
