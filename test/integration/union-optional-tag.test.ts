/**
 * A union attribute whose tag is optional in one option (zod takes `{ x: 1 }` as that option):
 * the stored item may have no tag at all, so a nested update guarded by the tag must also accept
 * a missing tag for that option, against DynamoDB Local. Before, the guard required the tag to be
 * stored, and a valid update of such an item failed with ConditionFailedError.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConditionFailedError, defineEntity, defineTable } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const Things = defineTable({ name: uniqueTableName('optional-tag'), client, partitionKey: { name: 'pk', type: 'S' } });

const Thing = defineEntity({
  table: Things,
  name: 'Thing',
  schema: z.object({
    id: z.string(),
    body: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('plain').optional(), x: z.number() }),
      z.object({ kind: z.literal('rich'), y: z.number() }),
    ]),
    // A plain union whose tag field is optional in one option.
    note: z.union([z.object({ mode: z.literal('short').optional(), text: z.string() }), z.object({ mode: z.literal('long'), pages: z.number() })]).optional(),
  }),
  keys: { primary: { pk: 'T#{id}' } },
});

useTable(Things, { clients: [client] });

describe('union tags that may be absent', () => {
  it('updates a field of the option with the optional tag on an item stored without the tag', async () => {
    await Thing.put({ id: 'p1', body: { x: 1 }, note: { text: 'a' } });
    await Thing.update({ id: 'p1' }).set({ 'body.x': 2, 'note.text': 'b' });
    expect(await Thing.get({ id: 'p1' })).toMatchObject({ body: { x: 2 }, note: { text: 'b' } });
  });

  it('still guards the other option: no rich field is written into a plain item, tagged or not', async () => {
    await Thing.put({ id: 'p2', body: { x: 1 } });
    await Thing.put({ id: 'p3', body: { kind: 'plain', x: 1 } });
    for (const id of ['p2', 'p3']) {
      await expect(Thing.update({ id }).set({ 'body.y': 5 })).rejects.toBeInstanceOf(ConditionFailedError);
    }
    await Thing.put({ id: 'r1', body: { kind: 'rich', y: 1 } });
    await expect(Thing.update({ id: 'r1' }).set({ 'body.x': 5 })).rejects.toBeInstanceOf(ConditionFailedError);
    expect(await Thing.get({ id: 'r1' })).toMatchObject({ body: { kind: 'rich', y: 1 } });
  });

  it('the condition names the missing tag only for the option that allows it', () => {
    const input = Thing.update({ id: 'p1' }).set({ 'body.x': 2 }).build();
    expect(input.ConditionExpression).toMatch(/attribute_not_exists\(#n\d\.#n\d\)/);
    const rich = Thing.update({ id: 'p1' }).set({ 'body.y': 2 }).build();
    expect(rich.ConditionExpression).not.toMatch(/attribute_not_exists\(#n\d\.#n\d\)/);
  });

  it('the optional tag itself can be removed from an item of its option only', async () => {
    await Thing.put({ id: 'p4', body: { kind: 'plain', x: 1 } });
    await Thing.update({ id: 'p4' }).remove('body.kind');
    expect(await Thing.get({ id: 'p4' })).toMatchObject({ body: { x: 1 } });
    await Thing.put({ id: 'r2', body: { kind: 'rich', y: 1 } });
    const failure = await Thing.update({ id: 'r2' }).remove('body.kind').then(() => undefined, (e: unknown) => e);
    expect(failure).toBeInstanceOf(ConditionFailedError);
    expect((failure as Error).message).toContain('body.kind must be "plain" or absent for body.kind');
  });
});
