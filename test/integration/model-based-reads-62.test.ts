/**
 * A model-based test of reads: fast-check generates a data set (Tasks, Notes and Members sharing
 * tenant partitions, with sort keys of strings, padded numbers and dates, a sparse INCLUDE index, a
 * local index on which two entities interleave, items of no entity written by another tool), writes
 * it with the batch writer (a sparse KEYS_ONLY index on an optional boolean too), then generates reads (test/support/reads-commands.ts): entity queries
 * with key conditions drawn from each index's templates, filters of several operators under
 * and/or/not, limit, pageSize, maxPages, reverse, project, consistent, hydrate(); entity scans
 * (segments too); table-level queries and scans with and without entities(); batchGet with missing
 * and repeated keys. Each read runs several ways (reads-runner.ts) and must match the reference
 * model (reads-model.ts, written from docs/querying.md and docs/modeling.md) exactly.
 *
 * Seed and size: READS_SEED (default fixed, printed) and READS_RUNS (default 6 runs of up to
 * READS_COMMANDS = 25 reads) override them for longer local runs; READS_NO_SHRINK=1 skips shrinking.
 */
import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatchValidationError, KeyError, type KeyCondition } from '../../src/index.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';
import { defineReadsTable } from '../support/reads-entities.js';
import { dataSet, type Row } from '../support/reads-data.js';
import { readCmd, seenValues, type ReadCmd } from '../support/reads-commands.js';
import { ReadsRunner, tally } from '../support/reads-runner.js';

const client = testClient();
const doc = testDocClient(client);
const m = defineReadsTable(client, uniqueTableName('reads-62'));
useTable(m.table, { clients: [client] });

const SEED = Number(process.env['READS_SEED'] ?? 62_062);
const RUNS = Number(process.env['READS_RUNS'] ?? 6);
const MAX_COMMANDS = Number(process.env['READS_COMMANDS'] ?? 25);
const SIZES = { tasks: 60, notes: 30, members: 14, ghosts: 6 };

async function emptyTable(): Promise<void> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: m.table.name, ConsistentRead: true, ProjectionExpression: 'pk, sk', ExclusiveStartKey: start }));
    const items = page.Items ?? [];
    for (let i = 0; i < items.length; i += 25) {
      const chunk = items.slice(i, i + 25).map((it) => ({ DeleteRequest: { Key: { pk: it['pk'], sk: it['sk'] } } }));
      await doc.send(new BatchWriteCommand({ RequestItems: { [m.table.name]: chunk } }));
    }
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
}

async function load(rows: readonly Row[]): Promise<void> {
  await emptyTable();
  await m.table.batchWrite(async (batch) => {
    for (const r of rows) {
      if (r.entity === 'Task') batch.put(m.Task, r.item as never);
      else if (r.entity === 'Note') batch.put(m.Note, r.item as never);
      else if (r.entity === 'Member') batch.put(m.Member, r.item as never);
    }
  });
  const ghosts = rows.filter((r) => r.entity === 'Ghost');
  for (let i = 0; i < ghosts.length; i += 25) {
    await doc.send(new BatchWriteCommand({ RequestItems: { [m.table.name]: ghosts.slice(i, i + 25).map((g) => ({ PutRequest: { Item: g.stored } })) } }));
  }
}

describe('model-based: random reads against the reference model', () => {
  it('every read returns exactly what the model says, however it is read', { timeout: 900_000 }, async () => {
    let commands = 0;
    let requests = 0;
    const started = Date.now();
    console.log(`model-based-reads-62: seed ${SEED}, ${RUNS} runs of up to ${MAX_COMMANDS} reads (READS_SEED / READS_RUNS / READS_COMMANDS)`);
    await fc.assert(
      fc.asyncProperty(
        dataSet(SIZES).chain((rows) => fc.tuple(fc.constant(rows), fc.array(readCmd(seenValues(rows)), { minLength: 1, maxLength: MAX_COMMANDS, size: 'max' }))),
        async ([rows, cmds]: [Row[], ReadCmd[]]) => {
        await load(rows);
        const runner = new ReadsRunner(m, rows);
        for (const cmd of cmds) {
          requests += await runner.run(cmd);
          commands++;
        }
      },
      ),
      { seed: SEED, numRuns: RUNS, endOnFailure: process.env['READS_NO_SHRINK'] !== undefined },
    );
    console.log(`model-based-reads-62: ${commands} reads (${requests} ways of reading them) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log([...tally].sort().map(([k, n]) => `${k}: ${n}`).join('\n'));
    expect(commands).toBeGreaterThan(0);
  });
});

/** What the model found, kept as focused tests. */
describe('model-based reads: pinned findings', () => {
  const base = { tenant: 'pin', seq: 1, due: new Date('2024-01-01T00:00:00.000Z'), title: 't', status: 'open' as const };

  it('a key composite holding U+10FFFF, the upper bound of key ranges, is refused: gt/gte/lt ranges would miss its item', async () => {
    // Before: stored, and Key('project').gt('a') (sk BETWEEN 'TASK#a' AND 'TASK#\u{10FFFF}') missed 'TASK#\u{10FFFF}x#...'.
    for (const bad of [{ project: '\u{10FFFF}x', taskId: 'p1' }, { project: 'b', taskId: 'k\u{10FFFF}' }, { project: 'a\u{10FFFF}', taskId: 'p3' }]) {
      const failure = await m.Task.put({ ...base, ...bad }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(KeyError);
      expect((failure as Error).message).toMatch(/contains U\+10FFFF/);
    }
    await expect(m.table.batchWrite([m.Task.put({ ...base, project: 'b', taskId: 'p4' }), m.Task.put({ ...base, project: '\u{10FFFF}', taskId: 'p5' })])).rejects.toBeInstanceOf(BatchValidationError);
    // A range bound holding it is a key value too.
    const pin = m.Task.Key('tenant').eq('pin');
    expect(() => m.Task.query('primary', pin.and(m.Task.Key('project').gt('a\u{10FFFF}'))).build()).toThrow(KeyError);
    // Nothing was written; what is written is found by every range.
    await m.Task.put({ ...base, project: '\u{FFFF}', taskId: 'p6' });
    const projects = async (c: KeyCondition<'project' | 'seq' | 'taskId', 'project' | 'seq'> | KeyCondition<'project'>) => (await m.Task.query('primary', pin.and(c)).all()).map((t) => t.project);
    expect(await projects(m.Task.Key('project').beginsWith(''))).toEqual(['\u{FFFF}']);
    expect(await projects(m.Task.Key('project').gt('a'))).toEqual(['\u{FFFF}']);
    expect(await projects(m.Task.Key('project').gte('\u{FFFF}'))).toEqual(['\u{FFFF}']);
    expect(await projects(m.Task.Key('project').eq('\u{FFFF}').and(m.Task.Key('seq').eq(1)).and(m.Task.Key('taskId').gt('p')))).toEqual(['\u{FFFF}']);
  });
});
