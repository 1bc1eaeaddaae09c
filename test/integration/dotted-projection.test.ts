/**
 * `project()` of a nested path through a name that holds dots, on DynamoDB Local: inside a
 * top-level attribute named `'m.n'` (`'m.n.z'`) and to a map key named `'r.s'` (`'q.r.s'`). The
 * types take these paths, as `Attr()` and `set()` do; the run time read them as plain dotted paths
 * (`m` then `n`) and refused them with "is not an attribute of the schema".
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const Table = defineTable({ name: uniqueTableName('dotted-projection'), client, partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
useTable(Table, { clients: [client] });

const Reading = defineEntity({
  table: Table,
  name: 'Reading',
  schema: z.object({
    id: z.string(),
    'm.n': z.object({ 'x.y': z.number(), z: z.number().optional() }),
    q: z.object({ 'r.s': z.number(), t: z.number() }),
  }),
  keys: { primary: { pk: 'READING#{id}', sk: 'READING' } },
});

describe('project() of a path through a name with dots', () => {
  it('reads the nested field of a dotted top-level attribute, and a dotted map key', async () => {
    await Reading.put({ id: 'r1', 'm.n': { 'x.y': 1, z: 2 }, q: { 'r.s': 3, t: 4 } });
    expect(await Reading.get({ id: 'r1' }).project('m.n.z')).toEqual({ 'm.n': { z: 2 } });
    expect(await Reading.get({ id: 'r1' }).project('m.n.x.y', 'q.r.s')).toEqual({ 'm.n': { 'x.y': 1 }, q: { 'r.s': 3 } });
    expect(await Reading.scan().project('q.r.s').all()).toEqual([{ q: { 'r.s': 3 } }]);
  });

  it('sends each name with dots as one name', () => {
    const input = Reading.get({ id: 'r1' }).project('q.r.s', 'm.n.z').build();
    expect(input.ProjectionExpression).toBe('#n0.#n1, #n2.#n3, #n4');
    expect(input.ExpressionAttributeNames).toEqual({ '#n0': 'q', '#n1': 'r.s', '#n2': 'm.n', '#n3': 'z', '#n4': '_et' });
  });

  it('still refuses a path the schema does not have', () => {
    expect(() => Reading.get({ id: 'r1' }).project('m.n.w' as never).build()).toThrow(/m\.n\.w/);
  });
});
