/**
 * A managed timestamp (`createdAt`) composing a sort key with more key text after it, queried with
 * a range whose bound is not a whole ISO-8601 timestamp (`gt('2024-06-01')`). Such a bound is text
 * of another width than the stored stamps, so the keys order like the values only when every
 * character a stamp can hold sorts above the key text that follows the composite: true for '#',
 * false for separators such as '|' or '~'. Each answer is checked against DynamoDB's own reading
 * of the same range: a filter on the stored attribute (ISO text, compared as a string).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, type Condition, type KeyCondition } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();

function feedModel(keySeparator: string) {
  const s = keySeparator;
  const table = defineTable({
    name: uniqueTableName('ts-ranges'),
    client,
    keySeparator,
    partitionKey: { name: 'pk', type: 'S' },
    indexes: { byFeed: { type: 'global', partitionKey: { name: 'fpk', type: 'S' }, sortKey: { name: 'fsk', type: 'S' } } },
  });
  const Event = defineEntity({
    table,
    name: 'Event',
    timestamps: true,
    schema: z.object({ id: z.string(), feed: z.string() }),
    keys: { primary: { pk: `EV${s}{id}` }, byFeed: { pk: `FEED${s}{feed}`, sk: `AT${s}{createdAt}${s}{id}` } },
  });
  return { table, Event };
}

for (const separator of ['|', '#']) {
  describe(`keySeparator '${separator}'`, () => {
    const { table, Event } = feedModel(separator);
    useTable(table);
    const { Key, Attr } = Event;
    const feed = Key('feed').eq('f');
    let stamps: string[] = [];

    beforeAll(async () => {
      for (const id of ['a', 'b', 'c']) {
        await Event.put({ id, feed: 'f' });
        await new Promise((r) => setTimeout(r, 5));
      }
      stamps = (await Event.query('byFeed', feed).all()).map((e) => e.createdAt);
    });

    /** The ids a key range returns, and those the same range on the attribute returns. */
    async function both(key: KeyCondition<'createdAt'>, attr: Condition) {
      const byKey = (await Event.query('byFeed', feed.and(key)).all()).map((e) => e.id);
      const byValue = (await Event.query('byFeed', feed).filter(attr).all()).map((e) => e.id);
      return { byKey, byValue };
    }

    it('ranges with a bound shorter than a stamp select what the same range on the attribute selects', async () => {
      const day = stamps[0]!.slice(0, 10);
      const minute = stamps[1]!.slice(0, 16);
      for (const bound of [day, minute, '2000', stamps[1]!]) {
        const cases = [
          [Key('createdAt').gt(bound), Attr('createdAt').gt(bound)],
          [Key('createdAt').gte(bound), Attr('createdAt').gte(bound)],
          [Key('createdAt').lt(bound), Attr('createdAt').lt(bound)],
          [Key('createdAt').lte(bound), Attr('createdAt').lte(bound)],
          [Key('createdAt').between('1999', bound), Attr('createdAt').between('1999', bound)],
          [Key('createdAt').between(bound, '9999'), Attr('createdAt').between(bound, '9999')],
        ] as const;
        for (const [key, attr] of cases) {
          const { byKey, byValue } = await both(key, attr);
          expect(byKey, `${bound}: ${JSON.stringify(attr.node)}`).toEqual(byValue);
        }
      }
      // the day of the stamps: every one is after it, and none at or before it
      expect((await both(Key('createdAt').gt(day), Attr('createdAt').gt(day))).byKey).toEqual(['a', 'b', 'c']);
      expect((await both(Key('createdAt').lte(day), Attr('createdAt').lte(day))).byKey).toEqual([]);
    });

    it('a whole stamp as the bound stays a key range alone, without a filter', () => {
      const input = Event.query('byFeed', feed.and(Key('createdAt').gt('2024-06-01T00:00:00.000Z'))).build();
      expect(Object.values(input.ExpressionAttributeNames ?? {})).not.toContain('createdAt');
    });
  });
}
