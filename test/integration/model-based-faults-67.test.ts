/**
 * A model-based test of "batch and transaction code that never loses a write", under faults.
 *
 * fast-check generates sequences of commands over two tables of the app model (User and Order items
 * of a few users): `batchWrite([...])` and `batchWrite(async (batch) => ...)` (across both tables,
 * and across two clients of one table, with concurrency and attempts chosen; the callback sometimes
 * throws midway, and `onProgress` sometimes throws), the streaming `batchWriter()` (writes added over time,
 * flushed at random points, fed on after it gave up or not, ended by `close()` or `await using`),
 * `batchGet` across tables, `transactWrite` (puts, creates, updates with ADD, deletes, condition
 * checks; with or without a token of the caller's; through a client without SDK retries or with
 * them; with or without `retryConflicts`), and `deleteAll()` of an entity query or of a whole
 * partition. Each command gets a script of faults, one per call in the order the calls are made
 * (test/support/faults-scripted.ts): a chosen subset left unprocessed, or all of it (again and again
 * until the attempts run out), the three throttling errors, a 500 and a 503, an error not worth
 * retrying, a connection dropped before the server got the call or after it applied it, a
 * TransactionConflict, an abort before or after the server applied a call, a slow answer under
 * `AbortSignal.timeout`. The injector logs what the server applied and what the client was told.
 *
 * After each command the tables are scanned through a fault-free client and compared with the
 * model and with the log. What is checked (docs/batch.md, docs/transactions.md, docs/errors.md):
 *
 * - Batch writes: a callback that throws sends nothing (not even the writes it added) and
 *   `batchWrite` rejects with its error; an exception of `onProgress` stops nothing and reaches the
 *   caller once when the batch does not give up; `written` is the number of writes the server confirmed; a write is either
 *   confirmed or listed in `BatchWriteError.unprocessed`, never both, never neither, per key the
 *   listed ones after the confirmed ones; the table holds, per key, the last write the server applied
 *   (so a write the caller was told is done is stored, and a listed write was applied only if its
 *   call's answer was lost); the message names the entity and table of what was not written;
 *   `cause` is the abort's reason after an abort, the error not worth retrying after one; an
 *   `await using` block's disposal throws only an error that lists more writes than the caller had;
 *   `onProgress` never goes back and ends with nothing pending; `retried` counts every resend;
 *   resending `unprocessed` gives the model. Without an abort and with one call at a time: never more than
 *   `maxAttempts` calls in a row without progress, exactly that many before giving up on them, and
 *   no wait longer than the documented bound.
 * - batchGet: results in the order asked, each as the model says; `BatchGetError.unprocessedKeys` is
 *   exactly the keys the server never answered, named by table in the message; reading them again
 *   gives the model.
 * - transactWrite: applied once or not at all, as the model's conditions say (an ADD counts once,
 *   however many times the call was sent); every call of one `transactWrite` carries one
 *   ClientRequestToken (the caller's when given); a cancellation is a `TransactionCanceledError`
 *   whose reasons match the model (or the injected conflict) and whose message names each failed
 *   action's entity; a send whose outcome is unknown (a dropped connection, a 5xx, an abort in flight,
 *   a slow answer under a timeout) is a `TransactionOutcomeUnknownError` naming the token every call
 *   carried (the caller's or dynakit's) and the actions, and resending with its token (the same
 *   builders, or new ones with the same `now`) applies the transaction exactly once (an ADD counted
 *   once); a known failure (a ValidationException, throttling the SDK did not retry, an abort during
 *   a conflict retry's wait) passes through as it came and was not applied.
 * - deleteAll: `deleted` is the number of deletes confirmed; a `BatchWriteError` lists only items
 *   the read returned that were not confirmed; items never sent are untouched; running it again
 *   deletes the rest.
 *
 * Where the docs are silent the model follows DynamoDB Local: a transaction sent again with the same
 * token after it was applied succeeds without applying again even when its conditions no longer
 * hold; a transaction cancelled by a condition does not use up its token (sent again once the
 * condition holds, it is applied); six concurrent sends of one token are applied once, all succeed
 * (no TransactionInProgressException). An "everything unprocessed" answer comes as HTTP 200 with the
 * whole call in UnprocessedItems (the real service may throttle instead: both are covered). A call
 * cut short on its way (an abort, a timeout) may be applied by DynamoDB Local after the client had
 * its error (seen: the tables changed 300 ms later), so the checks wait that long after such a call,
 * and count its writes as maybe applied.
 *
 * Seed and size: FAULTS_SEED (default fixed, printed), FAULTS_RUNS (default 30 runs) and
 * FAULTS_COMMANDS (default up to 12 commands per run); FAULTS_NO_SHRINK=1 skips shrinking.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { BatchGetError, BatchWriteError, TransactionCanceledError, transactWrite } from '../../src/index.js';
import { command, Targets, type BatchCmd, type Target, type TxCmd } from '../support/faults-67-model.js';
import { FaultRun } from '../support/faults-67-run.js';
import { apps, client, cleanClient, count, emptyTables, faults, names, sdkClient, tally } from '../support/faults-67-world.js';
import { useTable } from '../support/tables.js';

const SEED = Number(process.env['FAULTS_SEED'] ?? 67_067);
const RUNS = Number(process.env['FAULTS_RUNS'] ?? 30);
const MAX_COMMANDS = Number(process.env['FAULTS_COMMANDS'] ?? 12);

useTable(apps.A.AppTable);
useTable(apps.B.AppTable, { clients: [client, sdkClient, cleanClient] });

afterAll(() => {
  console.log(`model-based-faults-67: seed ${SEED}, ${RUNS} runs of up to ${MAX_COMMANDS} commands (FAULTS_SEED / FAULTS_RUNS / FAULTS_COMMANDS)`);
  console.log([...tally].sort().map(([k, n]) => `  ${k}: ${n}`).join('\n'));
});

let runs = 0;

describe('model-based: batch writes, gets, transactions and deleteAll under scripted faults', () => {
  it('never loses a write: every write is stored or reported, none applied twice', { timeout: 900_000 }, async () => {
    let commands = 0;
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: MAX_COMMANDS }), async (cmds) => {
        await emptyTables();
        const run = new FaultRun(`r${++runs}`);
        for (const cmd of cmds) {
          await run.run(cmd);
          commands++;
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: process.env['FAULTS_NO_SHRINK'] !== undefined },
    );
    count('commands run', commands);
    count('seconds', Math.round((Date.now() - started) / 1000));
    expect(commands).toBeGreaterThan(0);
  });
});

/** Findings and the facts the model relies on, pinned so they hold if the generator changes. */
describe('model-based faults: pinned findings', () => {
  const target = (table: 'A' | 'B', ent: 'User' | 'Order', u: number, seq = 0): Target => ({ table, ent, u, seq });

  it('a BatchWriteError message counts the writes not done per entity and table (it gave only counts and the cause)', async () => {
    const t = new Targets('pin-w', apps);
    faults.load([{ kind: 'none' }]);
    const error = await apps.A.AppTable.batchWrite(
      [t.put(target('A', 'User', 1), 1), t.put(target('A', 'User', 2), 2), t.del(target('A', 'Order', 1, 1)), t.put(target('B', 'Order', 1, 2), 3), apps.B.AppTable.delete({ pk: 'NOTE#1', sk: 'x' })],
      { maxAttempts: 1 },
    ).catch((e: unknown) => e);
    faults.load([]);
    expect(error).toBeInstanceOf(BatchWriteError);
    expect((error as BatchWriteError).message).toBe(
      'batch write stopped with 5 write(s) not done (0 written): retries exhausted; ' +
        `not done: 2 puts of User in table ${names.A}, 1 delete of Order in table ${names.A}, 1 put of Order in table ${names.B}, 1 delete by physical key in table ${names.B}; ` +
        'the writes not done are listed in its unprocessed, to send again',
    );
  });

  it('a BatchGetError message counts the keys not read per table', async () => {
    const t = new Targets('pin-g', apps);
    faults.load([{ kind: 'none' }, { kind: 'none' }]);
    const error = await apps.A.AppTable.batchGet([t.get(target('A', 'User', 1)), t.get(target('B', 'User', 1)), t.get(target('A', 'Order', 1, 1))], { maxAttempts: 1, concurrency: 1 }).catch((e: unknown) => e);
    faults.load([]);
    expect(error).toBeInstanceOf(BatchGetError);
    expect((error as BatchGetError).message).toBe(`batch get stopped with 3 key(s) not read (2 in table ${names.A}, 1 in table ${names.B}): retries exhausted`);
  });

  it('DynamoDB Local: a cancelled transaction leaves its token free; an applied one replays as success without checking its conditions again', async () => {
    const t = new Targets(`pin-t-${Date.now()}`, apps);
    const userId = t.userId({ u: 1 });
    const create = apps.A.User.create({ userId, orgId: 'acme', email: `${userId}@example.com`, name: 'Pin', score: 1 });
    const add = [apps.A.User.update({ userId }).add({ score: 5 })];
    const token = `${t.prefix}-add`.slice(-36);
    // The update's "must exist" is false: cancelled, and the token is not used up.
    await expect(transactWrite(add, { idempotencyToken: token })).rejects.toBeInstanceOf(TransactionCanceledError);
    await transactWrite([create], { idempotencyToken: `${token}c`.slice(-36) });
    await transactWrite(add, { idempotencyToken: token });
    // Applied: sent again, it succeeds without applying again, and a create whose item exists succeeds too.
    await transactWrite(add, { idempotencyToken: token });
    await transactWrite([create], { idempotencyToken: `${token}c`.slice(-36) });
    expect((await apps.A.User.get({ userId }))?.score).toBe(6);
  });
});

describe('model-based faults: the checks catch a batch or transaction that loses or doubles a write', () => {
  const cmd = (over: Partial<BatchCmd>): BatchCmd => ({
    t: 'batch',
    form: 'array',
    throwAt: undefined,
    progressThrowsAt: undefined,
    writes: [1, 2, 3].map((u) => ({ put: true, target: { table: 'A', ent: 'User', u, seq: 0 }, sdk: false })),
    concurrency: 1,
    maxAttempts: undefined,
    flushEvery: 10,
    keepAdding: false,
    close: 'close',
    script: [{ kind: 'partial', mask: 1 }],
    signal: 'none',
    ...over,
  });

  it('an item deleted behind the writer\'s back is reported', async () => {
    await emptyTables();
    const run = new FaultRun('teeth-1');
    run.sabotage = () => apps.A.User.delete({ userId: run.targets.userId({ u: 2 }) }).send().then(() => undefined);
    await expect(run.run(cmd({}))).rejects.toThrow(/tables = the writes the server applied/);
  });

  it('an ADD applied twice is reported', async () => {
    await emptyTables();
    const run = new FaultRun('teeth-2');
    await run.run(cmd({ script: [] }));
    const userId = run.targets.userId({ u: 1 });
    run.sabotage = () => apps.A.User.update({ userId }).add({ score: 2 }).send().then(() => undefined);
    const tx: TxCmd = { t: 'tx', actions: [{ op: 'add', target: { table: 'A', ent: 'User', u: 1, seq: 0 }, n: 2 }], token: 'given', sdkRetries: false, retryConflicts: undefined, script: [{ kind: 'dropAfter' }], signal: 'none' };
    await expect(run.run(tx)).rejects.toThrow(/applied at most once/);
  });
});
