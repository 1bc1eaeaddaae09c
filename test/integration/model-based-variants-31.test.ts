/**
 * A model-based test of the newest entity features together: an entity whose schema is a union of
 * variants (`Pay`: card, bank, wallet) with optimistic locking, timestamps, a derived GSI sort-key
 * composite and a schema version 2 whose version 1 items (another shape, no tag) are written by raw
 * DocumentClient puts between the commands; and an entity keyed by a derived sort-key composite
 * given by its source (`Badge`) and one keyed by a function of two fields (`Legacy`). fast-check generates sequences of puts of each variant (versioned,
 * conditional, replacing one variant by another), creates, updates of shared fields (the derived
 * attribute and the index key rewritten with them) and of one variant's fields (guarded by the tag),
 * updates that must be refused (the tag itself, fields of two variants, an upsert, a bad value),
 * deletes, `migrateStored` runs, batch writes and transactions of both entities, and reads (filters
 * on a variant's fields, gsi1 queries, batch and transaction gets), from a prelude of three items. Each runs through dynakit against
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
 * - `create()` of a versioned entity over a stored item may report a ConditionFailedError or a
 *   VersionConflictError (docs/locking-and-ttl.md gives its check, "the item does not exist", not
 *   the class; dynakit reports a VersionConflictError);
 * - when a write's version and another of its conditions both fail, either error may be reported;
 * - an upsert of a variant entity is refused before sending: the model accepts any of the refusals
 *   that apply (the tag, the derived attribute's source, the required fields).
 *
 * Found by it (pinned below): a put without a version over an item stored without one was a
 * plain ConditionFailedError instead of a VersionConflictError (fixed with it); `set({ note:
 * undefined })` on a card payment failed the tag guard that `remove('note')` does not have (fixed
 * the same day by helper-93, who found it too).
 *
 * Seed and size: VARIANTS_SEED (default fixed, printed), VARIANTS_RUNS (default 20 runs) and
 * VARIANTS_COMMANDS (up to 40 commands per run); VARIANTS_NO_SHRINK=1 skips shrinking.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { command, type Command } from '../support/variants-31-commands.js';
import { variantsWorld } from '../support/variants-31-entities.js';
import { VariantsRunner, rawV1Item } from '../support/variants-31-runner.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';
import { failure } from '../support/failure.js';
import { TransactionCanceledError, VersionConflictError, transactWrite } from '../../src/index.js';

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

/** What the model found, shrunk and kept as examples, so they stay pinned if the generator changes. */
describe('model-based variants: pinned findings', () => {
  const { Pay } = world;
  /** A version 1 item stored before Pay had `version`: no `rev`. */
  const putRaw = (id: string) => doc.send(new PutCommand({ TableName: world.table.name, Item: rawV1Item({ t: 'raw', id, orderId: 'o1', who: 'Ada', amount: 1, last4: '4242', rev: undefined }) }));

  it('a put without a version over an item stored before the entity had `version` is a VersionConflictError, as over any stored item', async () => {
    await putRaw('pin-1');
    const put = () => Pay.put({ payId: 'pin-1', orderId: 'o1', amount: 2, holder: 'Ada', method: 'card', last4: '1111', expires: new Date('2031-01-01T00:00:00.000Z') });
    const e = await failure(put(), VersionConflictError);
    expect(e.expectedVersion).toBeUndefined();
    expect(e.message).toMatch(/expected no stored item but the stored item has no version/);
    // The stored item, as a read migrates it: version 1's `who` is the holder, a card.
    expect(e.item).toMatchObject({ payId: 'pin-1', holder: 'Ada', method: 'card', last4: '4242' });
    const cancelled = await failure(transactWrite([put()]), TransactionCanceledError);
    expect(cancelled.message).toMatch(/version conflict: expected no stored item but the stored item has no version/);
    expect((await Pay.get({ payId: 'pin-1' }))?.['last4']).toBe('4242');
  });

  it('set({ note: undefined }) on a card payment removes nothing and succeeds, as remove("note") does (it failed the tag guard)', async () => {
    await putRaw('pin-2');
    await Pay.update({ payId: 'pin-2' }).set({ note: undefined });
    await Pay.update({ payId: 'pin-2' }).remove('note');
    expect(await Pay.get({ payId: 'pin-2' })).toMatchObject({ method: 'card', rev: 2 });
  });
});
