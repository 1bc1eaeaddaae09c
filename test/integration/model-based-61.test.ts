/**
 * A model-based test of writes: fast-check generates sequences of commands (put, create, update with
 * every action kind, upsert, conditional writes, delete returning the old item, batch writes,
 * transactions, versioned writes of a second entity), each runs through dynakit against DynamoDB
 * Local, and a plain in-memory model (test/support/profile-*.ts, written from docs/ and the schema)
 * says what must be stored; after each command get(), a GSI query per org and a table-level query per
 * partition must return exactly the model's items, and a command the model refuses must throw the
 * right typed error and change nothing.
 *
 * Where the docs are silent the model follows what DynamoDB Local does, and says so: a nested
 * REMOVE/DELETE/ADD whose parent map or list is missing is refused like a nested SET
 * (ExpressionError); an upsert that changes one gsi1sk composite without the other is refused like an
 * update (KeyError); an empty record key in a dotted path is an ExpressionError (docs/errors.md says so since helper-64);
 * a condition that fails on an update that would also be refused when applied may report either.
 *
 * Seed and size: MODEL_SEED (default fixed, printed) and MODEL_RUNS (default 25 runs of up to 40
 * commands) override them for longer local runs; a failure is shrunk (MODEL_NO_SHRINK=1 skips that).
 */
import { ScanCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConditionFailedError, ExpressionError, defineEntity, transactWrite } from '../../src/index.js';
import { command, type Command } from '../support/profile-commands.js';
import { defineModelTable } from '../support/profile-entities.js';
import { ModelRunner } from '../support/profile-runner.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);
const model = defineModelTable(client, uniqueTableName('model-61'));
useTable(model.table, { clients: [client] });

const SEED = Number(process.env['MODEL_SEED'] ?? 61_061);
const RUNS = Number(process.env['MODEL_RUNS'] ?? 25);
const MAX_COMMANDS = Number(process.env['MODEL_COMMANDS'] ?? 40);

async function emptyTable(): Promise<void> {
  const { Items = [] } = await doc.send(new ScanCommand({ TableName: model.table.name, ConsistentRead: true }));
  for (let i = 0; i < Items.length; i += 25) {
    const chunk = Items.slice(i, i + 25).map((it) => ({ DeleteRequest: { Key: { pk: it['pk'], sk: it['sk'] } } }));
    await doc.send(new BatchWriteCommand({ RequestItems: { [model.table.name]: chunk } }));
  }
}

/** Runs `commands` from an empty table; returns the number run. */
async function runSequence(commands: readonly Command[]): Promise<number> {
  await emptyTable();
  const runner = new ModelRunner(model);
  for (const cmd of commands) await runner.run(cmd);
  return runner.commands;
}

describe('model-based: random write sequences against the reference model', () => {
  it('every command leaves the table as the model says', { timeout: 600_000 }, async () => {
    let commands = 0;
    const started = Date.now();
    console.log(`model-based-61: seed ${SEED}, ${RUNS} runs of up to ${MAX_COMMANDS} commands (MODEL_SEED / MODEL_RUNS / MODEL_COMMANDS)`);
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: MAX_COMMANDS, size: 'max' }), async (cmds) => {
        commands += await runSequence(cmds);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: process.env['MODEL_NO_SHRINK'] !== undefined },
    );
    console.log(`model-based-61: ${commands} commands in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log([...ModelRunner.outcomes].sort().map(([k, n]) => `${k}: ${n}`).join('\n'));
    expect(commands).toBeGreaterThan(0);
  });
});

/** Sequences the model found, shrunk, kept as examples so they stay pinned if the generator changes. */
describe('model-based: pinned findings', () => {
  const { Profile, Badge } = model;

  it('an upsert that adds 0 to a required number with .min(1) does not create the item with 0 (every read of it would fail)', async () => {
    const upsert = Badge.update({ ownerId: 'pin-3', badgeId: 'b1' }).set({ label: 'helper' }).add({ level: 0 }).upsert();
    const failure = await upsert.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ConditionFailedError);
    expect((failure as Error).message).toMatch(/level must exist for level to stay within its schema min 1/);
    expect(await Badge.get({ ownerId: 'pin-3', badgeId: 'b1' })).toBeUndefined();
    // The same upsert in a transaction: cancelled, nothing written.
    await expect(transactWrite([upsert, Profile.put({ id: 'pin-3', org: 'o1' })])).rejects.toThrow(/ConditionalCheckFailed/);
    expect(await Profile.get({ id: 'pin-3' })).toBeUndefined();
    // Once the badge exists (within its bounds), adding 0 keeps it there.
    await Badge.create({ ownerId: 'pin-3', badgeId: 'b1', label: 'helper', level: 2 });
    await upsert;
    expect(await Badge.get({ ownerId: 'pin-3', badgeId: 'b1' })).toMatchObject({ level: 2, version: 2 });
  });

  it('adding a positive amount to an absent optional number whose .min() is above it is refused, not stored below the min', async () => {
    const Quota = defineEntity({
      table: model.table,
      name: 'Quota',
      schema: z.object({ quotaId: z.string(), limit: z.number().int().min(5).optional() }),
      keys: { primary: { pk: 'Q#{quotaId}', sk: 'QUOTA' } },
    });
    await Quota.put({ quotaId: 'q1' });
    await expect(Quota.update({ quotaId: 'q1' }).add({ limit: 1 })).rejects.toBeInstanceOf(ConditionFailedError);
    expect(await Quota.get({ quotaId: 'q1' })).toEqual({ quotaId: 'q1' });
    await Quota.update({ quotaId: 'q1' }).add({ limit: 5 }); // 0 + 5: within the min
    await Quota.update({ quotaId: 'q1' }).add({ limit: 1 }); // 5 + 1: away from the min
    expect(await Quota.get({ quotaId: 'q1' })).toEqual({ quotaId: 'q1', limit: 6 });
  });

  it('a transaction in which two updates may write below a missing map throws an ExpressionError naming both, not a bare ValidationException', async () => {
    await Profile.put({ id: 'pin-1', org: 'o1' });
    await Profile.put({ id: 'pin-2', org: 'o1' });
    const failure = await transactWrite([
      Profile.update({ id: 'pin-1' }).set({ 'prefs.theme': 'dark' }),
      Profile.update({ id: 'pin-2' }).add({ 'counts.k1': 1 }),
    ]).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ExpressionError);
    expect((failure as ExpressionError).path).toBe('prefs.theme, counts.k1');
    expect((failure as Error).message).toMatch(/action #0.*prefs\.theme.*action #1.*counts\.k1/s);
    expect(((failure as Error).cause as Error).name).toBe('ValidationException');
    expect(await Profile.get({ id: 'pin-1' })).not.toHaveProperty('prefs');
    expect(await Profile.get({ id: 'pin-2' })).not.toHaveProperty('counts');
  });
});
