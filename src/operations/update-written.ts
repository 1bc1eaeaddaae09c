import type { EntityModel } from '../entity/model.js';
import { stampActions } from './update-stamps.js';
import { expectedVersion } from './write-guards.js';
import type { UpdateState } from './update.js';

/**
 * What an update is known to store without reading the item back (a transaction returns no item):
 * its `updatedAt` (and `createdAt` when given with `withTimestamps`), as `stampActions` writes them,
 * and the version it stores when it checks one (the expected version + 1). An upsert's `createdAt`
 * and the version of an update that checks none depend on the stored item, so they are left out.
 *
 * @example updateWritten(User.model, state, new Date('2026-01-01')) // { updatedAt: '2026-01-01T00:00:00.000Z' }
 */
export function updateWritten(m: EntityModel, s: UpdateState, now: Date): Record<string, unknown> {
  const known: Record<string, unknown> = {};
  stampActions(m, now, s.upsert, s.timestamps, known, {});
  const expected = expectedVersion(m, s.key);
  if (m.version !== undefined && expected !== undefined) known[m.version] = expected + 1;
  return known;
}
