/**
 * A model-based test of the newest entity features together: an entity whose schema is a union of
 * variants (`Pay`: card, bank, wallet) with optimistic locking, timestamps, a derived GSI sort-key
 * composite and a schema version 2 whose version 1 items (another shape, no tag) are written by raw
 * DocumentClient puts between the commands; and an entity keyed by a derived sort-key composite
 * given by its source (`Badge`). fast-check generates sequences of puts of each variant (versioned,
 * conditional, replacing one variant by another), creates, updates of shared fields (the derived
 * attribute and the index key rewritten with them) and of one variant's fields (guarded by the tag),
 * updates that must be refused (the tag itself, fields of two variants, an upsert, a bad value),
 * deletes, `migrateStored` runs, batch writes and transactions of both entities, and reads (filters
 * on a variant's fields, gsi1 queries, batch and transaction gets). Each runs through dynakit against
 * DynamoDB Local; a plain in-memory model (test/support/variants-31-*.ts, written from the docs)
 * says what must be stored. After every command get() (also projected), the badges by their
 * sources, a gsi1 query per order and a table-level scan must return exactly the model's items,
 * each parsed as its variant (version 1 items migrated), with the timestamps the write set or kept;
 * a command the model refuses must throw the right typed error and change nothing.
 *
 * Where the docs are silent the model follows what DynamoDB Local does, and says so:
 * - a version 1 item has no `method`, so a tag guard (a condition, which sees the stored shape) fails
 *   on it: an update of a card field on such an item is a ConditionFailedError until the item is
 *   rewritten, though a read shows it as a card;
 * - `set({ note: undefined })` of a field that every variant lacks or holds as optional is not
 *   guarded, as `remove('note')` is not;
 * - `create()` of a versioned entity over a stored item may report a ConditionFailedError or a
 *   VersionConflictError (its condition is "the item does not exist", with no version expected);
 * - when a write's version and another of its conditions both fail, either error may be reported;
 * - an upsert of a variant entity is refused before sending: the model accepts any of the refusals
 *   that apply (the tag, the derived attribute's source, the required fields).
 *
 * Seed and size: VARIANTS_SEED (default fixed, printed), VARIANTS_RUNS (default 20 runs) and
 * VARIANTS_COMMANDS (up to 40 commands per run); VARIANTS_NO_SHRINK=1 skips shrinking.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { command, type Command } from '../support/variants-31-commands.js';
import { variantsWorld } from '../support/variants-31-entities.js';
import { VariantsRunner } from '../support/variants-31-runner.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);
const world = variantsWorld(client, uniqueTableName('model-variants-31'));
useTable(world.table, { clients: [client] });

const SEED = Number(process.env['VARIANTS_SEED'] ?? 31_031);
const RUNS = Number(process.env['VARIANTS_RUNS'] ?? 20);
const MAX_COMMANDS = Number(process.env['VARIANTS_COMMANDS'] ?? 40);

/**
 * Each sequence starts from these items, so that most updates and deletes find one: a card and a
 * bank payment of the current version, and a version 1 item (a card without its tag, holder as `who`).
 */
const PRELUDE: readonly Command[] = [
  { t: 'put', input: { payId: 'a', orderId: 'o1', method: 'card', amount: 10, holder: 'Ada', last4: '4242', expires: '2030-01-01T00:00:00.000Z', tags: ['vip'] }, version: 'none', returning: 'NONE' },
  { t: 'put', input: { payId: 'b', orderId: 'o1', method: 'bank', amount: 20, holder: 'Bob', iban: 'DE89370400440532013000' }, version: 'none', returning: 'NONE' },
  { t: 'raw', id: 'c', orderId: 'o2', who: 'old timer', amount: 5, last4: '1111', rev: 1 },
];

/** Runs the prelude and `commands` from an empty table; returns the number run. */
async function runSequence(commands: readonly Command[]): Promise<number> {
  // Every item of the table goes, whatever it holds (table-level deleteAll parses nothing).
  await world.table.scan().consistent().deleteAll();
  const runner = new VariantsRunner(world, doc);
  for (const cmd of [...PRELUDE, ...commands]) await runner.run(cmd);
  return runner.commands;
}

describe('model-based: variants, derived keys and schema versions against the reference model', () => {
  it('every command leaves the table as the model says', { timeout: 600_000 }, async () => {
    let commands = 0;
    const started = Date.now();
    console.log(`model-based-variants-31: seed ${SEED}, ${RUNS} runs of up to ${MAX_COMMANDS} commands (VARIANTS_SEED / VARIANTS_RUNS / VARIANTS_COMMANDS)`);
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: MAX_COMMANDS, size: 'max' }), async (cmds) => {
        commands += await runSequence(cmds);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: process.env['VARIANTS_NO_SHRINK'] !== undefined },
    );
    console.log(`model-based-variants-31: ${commands} commands in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log([...VariantsRunner.outcomes].sort().map(([k, n]) => `${k}: ${n}`).join('\n'));
    expect(commands).toBeGreaterThan(0);
  });
});
