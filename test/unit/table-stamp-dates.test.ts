/**
 * A `Date` in a table-level condition on a timestamp attribute (`AppTable.Attr('createdAt')`) is
 * sent as the table's entities store that attribute. It was always sent as ISO text: on a table
 * whose entities store epoch milliseconds or seconds, DynamoDB compared text with numbers, and a
 * filter such as "created in the last hour" silently matched nothing.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, ExpressionError } from '../../src/index.js';

const client = new DynamoDBClient({ region: 'us-east-1' });
const at = new Date('2026-01-02T03:04:05.678Z');

function table(name: string, ...formats: ('iso' | 'epochMs' | 'epochSeconds')[]) {
  const Feed = defineTable({ name, client, partitionKey: { name: 'pk', type: 'S' } });
  formats.forEach((format, i) => {
    defineEntity({ table: Feed, name: `E${i}`, schema: z.object({ id: z.string() }), keys: { primary: { pk: `E${i}#{id}` } }, timestamps: { format } });
  });
  return Feed;
}

const sent = (Feed: ReturnType<typeof table>, attribute: string) => Feed.scan().filter(Feed.Attr(attribute).gt(at)).build().ExpressionAttributeValues?.[':v0'];

describe('a Date on a timestamp attribute in a table-level condition', () => {
  it("is sent in the entities' epoch unit", () => {
    expect(sent(table('Millis', 'epochMs', 'epochMs'), 'createdAt')).toBe(at.getTime());
    expect(sent(table('Secs', 'epochSeconds'), 'updatedAt')).toBe(Math.floor(at.getTime() / 1000));
  });

  it('stays ISO text where the entities store ISO text, and on other attributes', () => {
    expect(sent(table('Iso', 'iso'), 'createdAt')).toBe(at.toISOString());
    expect(sent(table('Other', 'epochMs'), 'seenAt')).toBe(at.toISOString());
  });

  it('is refused where entities store the attribute in different formats, naming them', () => {
    expect(() => sent(table('Mixed', 'iso', 'epochMs'), 'createdAt')).toThrow(ExpressionError);
    expect(() => sent(table('Mixed2', 'epochSeconds', 'epochMs'), 'createdAt')).toThrow(/E0 as epochSeconds; E1 as epochMs/);
  });
});
