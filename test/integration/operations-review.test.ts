/**
 * Single-item operations and the per-entity options (version, ttl, timestamps) against DynamoDB
 * Local, found by review: each case failed before its fix.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ConditionFailedError, TransactionCanceledError, VersionConflictError, defineEntity, defineTable, transactWrite } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { failure } from '../support/failure.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);
const AppTable = defineTable({
  name: uniqueTableName('ops-review'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
});

const Session = defineEntity({
  table: AppTable,
  name: 'Session',
  schema: z.object({ sessionId: z.string(), userId: z.string(), expiresAt: z.date().optional() }),
  keys: { primary: { pk: 'SESSION#{sessionId}', sk: 'SESSION' } },
  ttl: 'expiresAt',
  version: 'version',
  timestamps: true,
});

/** Stores items under Session's keys: another entity's item there must never be parsed as a Session. */
const Legacy = defineEntity({
  table: AppTable,
  name: 'LegacySession',
  schema: z.object({ sessionId: z.string(), userId: z.string() }),
  keys: { primary: { pk: 'SESSION#{sessionId}', sk: 'SESSION' } },
});

useTable(AppTable, { clients: [client] });

describe('put resolves to the item as stored', () => {
  it('with the TTL in whole seconds, as get reads it back (also before 1970)', async () => {
    for (const [sessionId, ms] of [
      ['t1', Date.UTC(2030, 0, 1, 0, 0, 0, 789)],
      ['t2', -1500],
    ] as const) {
      const put = await Session.put({ sessionId, userId: 'u', expiresAt: new Date(ms) });
      const read = await Session.get({ sessionId }).consistent().includeExpired();
      expect(put.expiresAt).toEqual(read?.expiresAt);
      expect(put).toEqual(read);
    }
  });
});

describe("another entity's item under the key", () => {
  beforeAll(async () => {
    await Legacy.put({ sessionId: 'legacy', userId: 'old' });
  });

  it('a cancelled transaction reports it as stored, never parsed as the action’s entity (as ConditionFailedError does)', async () => {
    const single = await failure(Session.update({ sessionId: 'legacy' }).set({ userId: 'x' }).returnItemOnConditionFailure(), ConditionFailedError);
    expect(single.item?.['_et']).toBe('LegacySession');
    const e = await failure(
      transactWrite([Session.check({ sessionId: 'legacy' }, Session.Attr('userId').eq('x')).returnItemOnConditionFailure()]),
      TransactionCanceledError,
    );
    expect(e.reasons[0]).toMatchObject({ entity: 'Session', code: 'ConditionalCheckFailed' });
    expect(e.reasons[0]!.item).toEqual(single.item);
  });

  it('a versioned write finding it is a failed condition, not a version conflict with "version undefined"', async () => {
    for (const write of [Session.delete({ sessionId: 'legacy', version: 1 }), Session.update({ sessionId: 'legacy', version: 1 }).set({ userId: 'x' })]) {
      const e = await failure(write, ConditionFailedError);
      expect(e).not.toBeInstanceOf(VersionConflictError);
      expect(e.item?.['_et']).toBe('LegacySession');
    }
    expect(await Legacy.get({ sessionId: 'legacy' })).toEqual({ sessionId: 'legacy', userId: 'old' });
  });
});

describe('schemas beyond z.object()', () => {
  const Booking = defineEntity({
    table: AppTable,
    name: 'Booking',
    schema: z.strictObject({ bookingId: z.string(), from: z.number(), to: z.number(), note: z.string() }).refine((b) => b.from <= b.to, 'from must not be after to'),
    keys: { primary: { pk: 'BOOKING#{bookingId}', sk: 'BOOKING' } },
    version: 'version',
    timestamps: true,
  });

  it('a strict, refined, versioned entity: read, change, put back with the version; project one field', async () => {
    await Booking.create({ bookingId: 'b1', from: 1, to: 2, note: 'first' });
    const read = (await Booking.get({ bookingId: 'b1' }).consistent())!;
    const put = await Booking.put({ ...read, note: 'second' });
    expect(put).toMatchObject({ note: 'second', version: 2 });
    await failure(Booking.put({ ...read, note: 'stale' }), VersionConflictError);
    expect(await Booking.get({ bookingId: 'b1' }).consistent().project('note', 'version')).toEqual({ note: 'second', version: 2 });
  });
});
