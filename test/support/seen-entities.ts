/**
 * Entities for tests of what an entity's operations see under a key (check-guards.test.ts,
 * write-guards.test.ts): another entity's item, an expired one, an item of no entity. Defined per
 * test file (each gets its own tables): call it once, and `useTable` each table.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { defineEntity, defineTable } from '../../src/index.js';
import { uniqueTableName } from './client.js';

/**
 * One table with a discriminator, where a Profile (no TTL), a Session (TTL) and an Order share a key
 * template (`K#{id}`), so an Order is "another entity's item" for both; a table without one with a
 * Lease (a TTL only, `L#{id}`); and one with neither, with a Probe (`P#{id}`). The TTL attribute is
 * `expiresAt`; `age` and `user` are optional everywhere but on the Order, which needs an `age`.
 */
export function seenEntities(client: DynamoDBClient) {
  const Shared = defineTable({ name: uniqueTableName('seen-shared'), client, partitionKey: { name: 'pk', type: 'S' } });
  const keys = { primary: { pk: 'K#{id}' } } as const;
  const Profile = defineEntity({ table: Shared, name: 'Profile', schema: z.object({ id: z.string(), age: z.number().optional(), user: z.string().optional() }), keys });
  const Session = defineEntity({
    table: Shared,
    name: 'Session',
    schema: z.object({ id: z.string(), age: z.number().optional(), user: z.string().optional(), expiresAt: z.date().optional() }),
    keys,
    ttl: 'expiresAt',
  });
  const Order = defineEntity({ table: Shared, name: 'Order', schema: z.object({ id: z.string(), age: z.number(), user: z.string().optional() }), keys });
  const Leases = defineTable({ name: uniqueTableName('seen-ttl'), client, partitionKey: { name: 'pk', type: 'S' }, entityAttribute: false });
  const Lease = defineEntity({
    table: Leases,
    name: 'Lease',
    schema: z.object({ id: z.string(), age: z.number().optional(), user: z.string().optional(), expiresAt: z.date().optional() }),
    keys: { primary: { pk: 'L#{id}' } },
    ttl: 'expiresAt',
  });
  const Probes = defineTable({ name: uniqueTableName('seen-probe'), client, partitionKey: { name: 'pk', type: 'S' }, entityAttribute: false });
  const Probe = defineEntity({ table: Probes, name: 'Probe', schema: z.object({ id: z.string(), age: z.number().optional(), user: z.string().optional() }), keys: { primary: { pk: 'P#{id}' } } });
  return { Shared, Profile, Session, Order, Leases, Lease, Probes, Probe };
}
