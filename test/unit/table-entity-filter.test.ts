/**
 * `AppTable.query(...).filter(Entity, condition)`: an entity's condition on a table-level read
 * applies to that entity's items only, compiled on its stored names with its value encoding.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, ExpressionError } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';

const client = new DynamoDBClient({ region: 'us-east-1' });
const { AppTable, User, Order } = appModel(client, 'App');
const Other = appModel(client, 'Other');

/** An entity that stores a field under another name. */
const Device = defineEntity({
  table: AppTable,
  name: 'Device',
  schema: z.object({ deviceId: z.string(), lastSeenAt: z.date() }),
  keys: { primary: { pk: 'DEVICE#{deviceId}', sk: 'DEVICE' } },
  storedAs: { lastSeenAt: 'ls' },
});

const collection = () => AppTable.query(AppTable.Key('pk').eq('USER#u1'));

describe('filter(Entity, condition) on a table-level read', () => {
  it("compiles as (#_et <> :Entity OR <the entity's condition>), with the entity's value encoding", () => {
    const input = collection().filter(Order, Order.Attr('placedAt').gte(new Date(Date.UTC(2026, 0, 2)))).build();
    expect(input.FilterExpression).toBe('#n1 <> :v1 OR #n2 >= :v2');
    expect(input.ExpressionAttributeNames).toEqual({ '#n0': 'pk', '#n1': '_et', '#n2': 'placedAt' });
    expect(input.ExpressionAttributeValues).toEqual({ ':v0': 'USER#u1', ':v1': 'Order', ':v2': '2026-01-02T00:00:00.000Z' });
  });

  it("parenthesises an AND or OR of the entity's, and ANDs several calls and a table filter", () => {
    const input = collection()
      .filter(User, User.Attr('age').gt(18).and(User.Attr('status').eq('active')))
      .filter(Order, Order.Attr('total').lt(100).or(Order.Attr('note').exists()))
      .filter(AppTable.Attr('archived').exists().not())
      .build();
    expect(input.FilterExpression).toBe('(#n1 <> :v1 OR (#n2 > :v2 AND #n3 = :v3)) AND (#n1 <> :v4 OR (#n4 < :v5 OR attribute_exists(#n5))) AND NOT attribute_exists(#n6)');
    expect(input.ExpressionAttributeValues).toMatchObject({ ':v1': 'User', ':v4': 'Order' });
  });

  it('uses the stored names of storedAs fields', () => {
    const input = AppTable.scan().filter(Device, Device.Attr('lastSeenAt').lt(new Date(0)).not()).build();
    expect(input.FilterExpression).toBe('#n0 <> :v0 OR NOT (#n1 < :v1)');
    expect(input.ExpressionAttributeNames).toEqual({ '#n0': '_et', '#n1': 'ls' });
  });

  it('refuses a condition of another entity, an entity of another table, and names filter(Entity, ...) for a bare entity condition', () => {
    expect(() => collection().filter(User, Order.Attr('total').gt(1))).toThrow(/built by entity Order cannot be used on User/);
    expect(() => collection().filter(Other.User, Other.User.Attr('age').gt(1))).toThrow(/User is defined on table Other, not on this one/);
    expect(() => collection().filter(User.Attr('age').gt(18))).toThrow(/filter\(User, condition\)/);
    expect(() => collection().filter(User, 'age > 18' as never)).toThrow(ExpressionError);
    expect(() => collection().filter('User' as never, User.Attr('age').gt(18))).toThrow(/takes an entity.*got "User"/);
  });

  it("checks the entity's stored names against what a narrow index holds", () => {
    const Narrow = defineTable({
      name: 'Narrow',
      client,
      partitionKey: { name: 'pk', type: 'S' },
      indexes: { byKind: { type: 'global', partitionKey: { name: 'kpk', type: 'S' }, projection: { include: ['_et', 'ls'] } } },
    });
    const Probe = defineEntity({
      table: Narrow,
      name: 'Probe',
      schema: z.object({ id: z.string(), lastSeenAt: z.date(), label: z.string() }),
      keys: { primary: { pk: 'P#{id}' }, byKind: { pk: 'PROBE' } },
      storedAs: { lastSeenAt: 'ls' },
    });
    const read = () => Narrow.query('byKind', Narrow.Key('kpk').eq('PROBE')).project('ls');
    expect(read().filter(Probe, Probe.Attr('lastSeenAt').gt(new Date(0))).build().FilterExpression).toBe('#n1 <> :v1 OR #n2 > :v2');
    expect(() => read().filter(Probe, Probe.Attr('label').eq('x')).build()).toThrow(/label/);
  });
});
