/**
 * A table named by its ARN (`defineTable({ name: 'arn:aws:dynamodb:...:table/App' })`, which
 * `defineTable` accepts, e.g. for a table of another account) on DynamoDB Local. Local answers a
 * BatchGetItem that names the table by ARN with `Responses` keyed by the table's *name*, so batch
 * gets and hydrated reads found nothing: `batchGet` resolved to `undefined` for every stored item.
 * Batch answers are now read under either form of the name, the leftovers of a batch write
 * (`UnprocessedItems`) and of a batch get (`UnprocessedKeys`) too, which a middleware here keys by
 * name the same way.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { defineEntity, defineTable } from '../../src/index.js';
import { localClientConfig } from '../support/dynamodb-local.js';
import { testClient, testEndpoint, uniqueTableName } from '../support/client.js';
import { injectFaults } from '../support/faults.js';
import { useTable } from '../support/tables.js';

const name = uniqueTableName('table-arn');
const arn = `arn:aws:dynamodb:us-east-1:000000000000:table/${name}`;
const indexes = { byTeam: { type: 'global', partitionKey: { name: 'tpk', type: 'S' }, sortKey: { name: 'tsk', type: 'S' }, projection: 'KEYS_ONLY' } } as const;
const key = { partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } } as const;

/** Creates and drops the table by its name; the entities below reach it by its ARN. */
const client = testClient();
useTable(defineTable({ name, client, ...key, indexes }), { clients: [client] });

/** Batch calls of `faulty` leave part of their first call unprocessed, under the table's name (as Local keys Responses). */
const faulty = new DynamoDBClient({ ...localClientConfig(testEndpoint()), maxAttempts: 1 });
const faults = injectFaults(faulty, { script: ['partial'] });
faulty.middlewareStack.add(
  (next) => async (args) => {
    const result = await next(args);
    const out = result.output as { UnprocessedItems?: Record<string, unknown>; UnprocessedKeys?: Record<string, unknown> };
    for (const leftovers of [out.UnprocessedItems, out.UnprocessedKeys]) {
      if (leftovers?.[arn] === undefined) continue;
      leftovers[name] = leftovers[arn];
      delete leftovers[arn];
    }
    return result;
  },
  { step: 'initialize', name: 'leftoversByTableName' },
);

function member(tableClient: DynamoDBClient) {
  const Team = defineTable({ name: arn, client: tableClient, ...key, indexes });
  const Member = defineEntity({
    table: Team,
    name: 'Member',
    schema: z.object({ teamId: z.string(), memberId: z.string(), role: z.string() }),
    keys: { primary: { pk: 'MEMBER#{memberId}', sk: 'MEMBER' }, byTeam: { pk: 'TEAM#{teamId}', sk: 'MEMBER#{memberId}' } },
  });
  return { Team, Member };
}

/** `n` members, in the order the index lists them (by memberId). */
const members = (teamId: string, n: number) => Array.from({ length: n }, (_, i) => ({ teamId, memberId: `${teamId}-m${String(i).padStart(2, '0')}`, role: `r${i}` }));

describe('a table named by its ARN', () => {
  const { Team, Member } = member(client);

  it('batchGet and hydrated reads find the stored items (Local answers under the table name)', async () => {
    const team = members('t1', 3);
    await Team.batchWrite(team.map((m) => Member.put(m)));
    const got = await Member.batchGet([...team.map((m) => ({ memberId: m.memberId })), { memberId: 'nobody' }]);
    expect(got).toEqual([...team, undefined]);
    const hydrated = await Member.query('byTeam', Member.Key('teamId').eq('t1')).hydrate().all();
    expect(hydrated).toEqual(team);
  });

  it('writes and reads left unprocessed under the table name are resent, not lost or misreported', async () => {
    const { Team: FaultyTeam, Member: FaultyMember } = member(faulty);
    const team = members('t2', 12);
    faults.reset();
    faults.set({ script: ['partial'] });
    const result = await FaultyTeam.batchWrite(team.map((m) => FaultyMember.put(m)), { baseDelayMs: 1 });
    expect(faults.counters.heldBack).toBeGreaterThan(0);
    expect(result).toMatchObject({ written: 12 });
    expect(result.retried).toBeGreaterThan(0);
    expect(await Member.query('byTeam', Member.Key('teamId').eq('t2')).hydrate().all()).toEqual(team);

    faults.reset();
    faults.set({ script: ['partial'] });
    const got = await FaultyMember.batchGet(team.map((m) => ({ memberId: m.memberId }))).with({ baseDelayMs: 1 });
    expect(faults.counters.heldBack).toBeGreaterThan(0);
    expect(got).toEqual(team);
  });
});
