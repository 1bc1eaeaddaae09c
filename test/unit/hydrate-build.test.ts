/**
 * hydrate() without a server: what a hydrated read sends to the index (build() is the index read),
 * and what it refuses before sending.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { ExpressionError, InvalidBatchError, defineEntity, defineTable, type EntityItem } from '../../src/index.js';
import { hydrateModel } from '../fixtures/hydrate-model.js';

const client = new DynamoDBClient({ region: 'us-east-1' });
const { Table, Task } = hydrateModel(client, 'Hydrate');
type Task = EntityItem<typeof Task>;

const names = (input: { ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> }) =>
  (input.ProjectionExpression ?? '').split(', ').map((p) => input.ExpressionAttributeNames?.[p]).sort();

describe('hydrate(): the index read', () => {
  it('build() returns the index Query: the table and index keys only, no discriminator filter on a KEYS_ONLY index', () => {
    const input = Task.query('byTeam', Task.Key('team').eq('t')).hydrate().reverse().limit(5).build();
    expect(input.IndexName).toBe('byTeam');
    expect(input.ScanIndexForward).toBe(false);
    expect(input.Limit).toBe(6);
    expect(names(input)).toEqual(['pk', 'sk', 'tpk', 'tsk']);
    expect(input.FilterExpression).toBeUndefined();
    expect(input.Select).toBeUndefined();
  });

  it('a filter on attributes the index holds runs on the index', () => {
    const input = Task.query('byTeamIncl', Task.Key('team').eq('t')).hydrate().filter(Task.Attr('status').eq('open')).build();
    const [name, value] = (input.FilterExpression ?? '').split(' = ');
    expect(input.ExpressionAttributeNames?.[name!]).toBe('status');
    expect(input.ExpressionAttributeValues?.[value!]).toBe('open');
    expect(names(input)).toEqual(['ipk', 'isk', 'pk', 'sk']);
  });

  it('a filter on attributes the index lacks: ExpressionError naming entity, index and attributes', () => {
    const q = Task.query('byTeamIncl', Task.Key('team').eq('t')).hydrate().filter(Task.Attr('title').eq('x').and(Task.Attr('notes').exists()));
    expect(() => q.build()).toThrow(ExpressionError);
    expect(() => q.build()).toThrow(/^Task: title: global index byTeamIncl holds only .*"status".* this hydrated read filters on "title" \(in the filter\), "notes" \(in the filter\)/);
    expect(() => Task.scan('byTeam').hydrate().filter(Task.Attr('status').eq('open')).build()).toThrow(/global index byTeam holds only .* filters on "status"/);
  });

  it('an index that holds whole items, or the table: ExpressionError', () => {
    expect(() => Task.query('byTeamAll', Task.Key('team').eq('t')).hydrate()).toThrow(ExpressionError);
    expect(() => Task.query('byTeamAll', Task.Key('team').eq('t')).hydrate()).toThrow(/^Task: hydrate\(\) .* global index byTeamAll already holds whole items/);
    expect(() => Task.scan().hydrate()).toThrow(/the table holds whole items/);
  });

  it('project() and hydrate() keep the index read to keys; the types are those of project()', () => {
    const q = Task.query('byTeam', Task.Key('team').eq('t')).hydrate().project('title');
    expectTypeOf(q.all).returns.resolves.toEqualTypeOf<Pick<Task, 'title'>[]>();
    expectTypeOf(Task.query('byTeam', Task.Key('team').eq('t')).hydrate().all).returns.resolves.toEqualTypeOf<Task[]>();
    expect(names(q.build())).toEqual(['pk', 'sk', 'tpk', 'tsk']);
    expect(names(Task.query('byTeam', Task.Key('team').eq('t')).project('title').hydrate().build())).toEqual(['pk', 'sk', 'tpk', 'tsk']);
  });

  it('retry settings are checked when hydrate() is called', () => {
    const q = Task.query('byTeam', Task.Key('team').eq('t'));
    expect(() => q.hydrate({ maxAttempts: 0 })).toThrow(/maxAttempts must be a positive integer/);
    expect(() => q.hydrate({ concurrency: 1.5 })).toThrow(InvalidBatchError);
    expect(() => q.hydrate({ maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100, concurrency: 2 })).not.toThrow();
  });

  it('consistent() stays refused on a global index (hydrate({ consistent: true }) is for the item reads)', () => {
    expect(() => Task.query('byTeam', Task.Key('team').eq('t')).hydrate().consistent()).toThrow(/consistent reads are not supported on global secondary index byTeam/);
    expect(() => Task.query('byTeam', Task.Key('team').eq('t')).hydrate({ consistent: true }).build()).not.toThrow();
  });

  it('an index that holds the discriminator and TTL filters on them, sparing the item reads of other entities', () => {
    const T = defineTable({
      name: 'HydrateEt',
      client,
      partitionKey: { name: 'pk', type: 'S' },
      indexes: { byGroup: { type: 'global', partitionKey: { name: 'gpk', type: 'S' }, projection: { include: ['_et', 'exp'] } } },
    });
    const E = defineEntity({ table: T, name: 'E', schema: z.object({ id: z.string(), grp: z.string(), body: z.string(), exp: z.date().optional() }), keys: { primary: { pk: '{id}' }, byGroup: { pk: '{grp}' } }, ttl: 'exp' });
    const input = E.query('byGroup', E.Key('grp').eq('x')).hydrate().build();
    const filtered = Object.entries(input.ExpressionAttributeNames ?? {}).flatMap(([ph, n]) => ((input.FilterExpression ?? '').split(/[ ()]/).includes(ph) ? [n] : []));
    expect(filtered.sort()).toEqual(['_et', 'exp']);
    expect(names(input)).toEqual(['gpk', 'pk']);
    // includeExpired(): no TTL filter, on the index or after the item read.
    expect(E.query('byGroup', E.Key('grp').eq('x')).hydrate().includeExpired().build().FilterExpression).toMatch(/^#n\d+ = :v\d+$/);
  });
});

describe('table-level hydrate(): the index read', () => {
  it('build() returns the index Query: the table and index keys only, even with project(); no Select on a local index', () => {
    const input = Table.query('byTeam', Table.Key('tpk').eq('TEAM#t')).hydrate().reverse().limit(5).build();
    expect(input).toMatchObject({ IndexName: 'byTeam', ScanIndexForward: false, Limit: 6 });
    expect(names(input)).toEqual(['pk', 'sk', 'tpk', 'tsk']);
    expect(names(Table.query('byTeam', Table.Key('tpk').eq('TEAM#t')).project('title').hydrate().build())).toEqual(['pk', 'sk', 'tpk', 'tsk']);
    const local = Table.query('byTitle', Table.Key('pk').eq('TASK#x')).hydrate().consistent().build();
    expect(local.Select).toBeUndefined();
    expect(local.ConsistentRead).toBe(true);
    expect(names(local)).toEqual(['lsk', 'pk', 'sk']);
  });

  it('a filter on attributes the index lacks: ExpressionError naming the table, index and attributes', () => {
    const q = Table.scan('byTeamIncl').hydrate().filter(Table.Attr('title').eq('x'));
    expect(() => q.build()).toThrow(ExpressionError);
    expect(() => q.build()).toThrow(/^table Hydrate: title: global index byTeamIncl holds only .*"status".* this hydrated read filters on "title" \(in the filter\)/);
    expect(Table.scan('byTeamIncl').hydrate().filter(Table.Attr('status').eq('open')).build().FilterExpression).toMatch(/^#n\d+ = :v\d+$/);
  });

  it('the table, an ALL index, and bad retry settings: refused when hydrate() is called', () => {
    expect(() => Table.query(Table.Key('pk').eq('TASK#x')).hydrate()).toThrow(/^table Hydrate: hydrate\(\) .* the table holds whole items/);
    expect(() => Table.scan('byTeamAll').hydrate()).toThrow(/global index byTeamAll already holds whole items \(projection ALL\)/);
    expect(() => Table.scan('byTeam').hydrate({ maxAttempts: 0 })).toThrow(/maxAttempts must be a positive integer/);
  });

  it('a global index that holds the discriminator but not whole items: refused without project(), hydrated with it', () => {
    const T = defineTable({
      name: 'HydrateEtTable',
      client,
      partitionKey: { name: 'pk', type: 'S' },
      indexes: { byGroup: { type: 'global', partitionKey: { name: 'gpk', type: 'S' }, projection: { include: ['_et'] } } },
    });
    defineEntity({ table: T, name: 'E', schema: z.object({ id: z.string(), grp: z.string(), body: z.string() }), keys: { primary: { pk: '{id}' }, byGroup: { pk: '{grp}' } } });
    expect(() => T.query('byGroup', T.Key('gpk').eq('x')).build()).toThrow(/without project\(\) the items of E need "id", "grp", "body"/);
    const input = T.query('byGroup', T.Key('gpk').eq('x')).hydrate().build();
    expect(names(input)).toEqual(['gpk', 'pk']);
    expect(input.FilterExpression).toBeUndefined();
  });
});
