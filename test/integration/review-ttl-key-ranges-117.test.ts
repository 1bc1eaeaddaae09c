/**
 * helper-117: key conditions on the TTL attribute, stored in whole seconds, with a bound between two
 * seconds: as a text composite ('EXP#{expiresAt}') and as a raw N key ('{expiresAt}').
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConditionFailedError, defineEntity, defineTable } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const T = defineTable({
  name: uniqueTableName('probe117t'), client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' },
  indexes: {
    byText: { type: 'global', partitionKey: { name: 'g1pk', type: 'S' }, sortKey: { name: 'g1sk', type: 'S' } },
    byNum: { type: 'global', partitionKey: { name: 'g2pk', type: 'S' }, sortKey: { name: 'g2sk', type: 'N' } },
  },
});
const S = defineEntity({
  table: T, name: 'Sess', ttl: 'expiresAt',
  schema: z.object({ id: z.string(), expiresAt: z.date() }),
  keys: { primary: { pk: 'S#{id}', sk: 'S' }, byText: { pk: 'ALL', sk: 'EXP#{expiresAt}' }, byNum: { pk: 'ALL', sk: '{expiresAt}' } },
});
useTable(T, { clients: [client] });

describe('ttl key ranges with a fractional bound', () => {
  // Before the fix lt and gte were built from the bound's second rounded down: lt missed the item, gte and between returned it.
  it('lt / lte / gt / gte / between select by the value the item reads back (whole seconds)', async () => {
    await S.put({ id: 'a', expiresAt: new Date('2030-01-01T00:00:00.000Z') });
    const half = new Date('2030-01-01T00:00:00.500Z');
    const out: Record<string, number> = {};
    for (const ix of ['byText', 'byNum'] as const) {
      for (const op of ['lt', 'lte', 'gt', 'gte'] as const) {
        const items = await S.query(ix, S.Key('expiresAt')[op](half)).all();
        out[`${ix} ${op}`] = items.length;
      }
      out[`${ix} between`] = (await S.query(ix, S.Key('expiresAt').between(half, new Date('2031-01-01'))).all()).length;
    }
    // A whole-second bound is used as it is; one at the item's own second finds it with gte.
    expect(await S.query('byNum', S.Key('expiresAt').gte(new Date('2030-01-01T00:00:00.000Z'))).all()).toHaveLength(1);
    expect(await S.query('byText', S.Key('expiresAt').lt(new Date('2030-01-01T00:00:00.000Z'))).all()).toHaveLength(0);
    expect(out).toEqual({ 'byText lt': 1, 'byText lte': 1, 'byText gt': 0, 'byText gte': 0, 'byText between': 0, 'byNum lt': 1, 'byNum lte': 1, 'byNum gt': 0, 'byNum gte': 0, 'byNum between': 0 });
  });
});

describe('conditions on the TTL attribute with a bound between two seconds', () => {
  // Before the fix the bound was rounded down for every operator: lt missed the item, gte took it.
  it('filters and where() select by the value the item reads back', async () => {
    await S.put({ id: 'c', expiresAt: new Date('2032-01-01T00:00:00.000Z') });
    const half = new Date('2032-01-01T00:00:00.500Z');
    const count = async (c: Parameters<ReturnType<typeof S.scan>['filter']>[0]) => (await S.scan().filter(c).all()).filter((i) => i.id === 'c').length;
    const A = S.Attr('expiresAt');
    expect([await count(A.lt(half)), await count(A.lte(half)), await count(A.gt(half)), await count(A.gte(half)), await count(A.between(half, new Date('2033-01-01')))]).toEqual([1, 1, 0, 0, 0]);
    await expect(S.update({ id: 'c' }).set({ expiresAt: new Date('2032-06-01') }).where(A.gte(half))).rejects.toThrow(ConditionFailedError);
    await S.update({ id: 'c' }).set({ expiresAt: new Date('2032-06-01') }).where(A.lt(half));
    expect((await S.get({ id: 'c' }))?.expiresAt).toEqual(new Date('2032-06-01'));
  });
});
