import { InvalidBatchError, InvalidResendError, type ResendRefusal, type UnprocessedWrite } from './batch-errors.js';
import type { Table } from '../entity/table.js';
import { newDelete } from '../operations/delete.js';
import { newPut } from '../operations/put.js';
import { requestOf, type WriteRequest } from './write-request.js';

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The request that sends an entry of `BatchWriteError.unprocessed` again, through `table` (the table
 * whose `batchWrite` or `batchWriter` it was given to).
 *
 * An entry dynakit listed resends the request it was made from: the same stored item, times and
 * keys, whichever table it is on. Any other object of that shape (an entry read back from JSON, a
 * queue, a dead-letter table) is a new write of `table`'s entity it names, validated as
 * `Entity.put(item)` (with `.withTimestamps(timestamps)` when it lists times) or
 * `Entity.delete(key)` are; `entity: 'table <name>'` is `table.delete(key)`. A bad item or key
 * throws what those throw (`ValidationError`, `KeyError`, ...); an entry that is refused (naming
 * another table, an entity `table` does not define, ...) throws `InvalidResendError` with the
 * entity, the table and the reason (its caller adds the entry's position).
 */
export function resendRequest(table: Table | undefined, entry: UnprocessedWrite): WriteRequest {
  const sent = requestOf(entry);
  if (sent !== undefined) return sent;
  const w: unknown = entry;
  if (!isRecord(w) || (w['type'] !== 'put' && w['type'] !== 'delete') || typeof w['entity'] !== 'string' || typeof w['table'] !== 'string') {
    const named = (k: string) => (isRecord(w) && typeof w[k] === 'string' ? (w[k] as string) : undefined);
    throw new InvalidResendError('not-a-write', named('entity'), named('table'), `a write to resend is { type: 'put' | 'delete', entity, table, item | key }, as BatchWriteError.unprocessed lists it; got ${shapeOf(w)}`);
  }
  const { type, entity, table: tableName } = w;
  const refuse = (reason: ResendRefusal, why: string) => new InvalidResendError(reason, entity, tableName, `${entity} in table ${tableName}: ${why}`);
  // A writer made with `new BatchWriter(client)` knows no table to find the entity on.
  if (table === undefined) throw refuse('no-table', `a ${type} read back from JSON is rebuilt through its table's entities; resend it with that table's batchWrite or batchWriter()`);
  if (tableName !== table.name) {
    throw refuse('other-table', `a ${type} listed for table ${tableName} cannot be resent through table ${table.name}; resend it with that table's batchWrite`);
  }
  const given = type === 'put' ? w['item'] : w['key'];
  if (!isRecord(given)) throw refuse('no-item', `the ${type} has no ${type === 'put' ? 'item' : 'key'} object to resend`);
  if (entity === `table ${table.name}`) {
    if (type === 'delete') return table.delete(given as never).writeRequest();
    throw refuse('table-put', 'a table writes no items of its own; a put names the entity that writes it');
  }
  const model = table.entities.get(entity);
  if (model === undefined) {
    throw refuse('unknown-entity', `table ${table.name} defines no entity ${entity} (it defines ${[...table.entities.keys()].join(', ') || 'none'})`);
  }
  try {
    if (type === 'delete') return newDelete(model, given).writeRequest();
    const put = newPut<unknown, never>(model, given, false);
    const times = w['timestamps'];
    return (times === undefined ? put : put.withTimestamps(times as never)).writeRequest();
  } catch (e) {
    // The builders refuse a versioned entity's writes (no condition in a batch), in their own words.
    if (e instanceof InvalidBatchError) throw new InvalidResendError('needs-condition', entity, tableName, e.message);
    throw e;
  }
}

/** A short description of a value that is not a write, for messages. */
function shapeOf(v: unknown): string {
  if (!isRecord(v)) return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
  return `an object with ${Object.keys(v).slice(0, 5).join(', ') || 'no keys'}`;
}

/**
 * Whether a value given to a batch, once it is known to be no builder (`toRequest` tests those
 * first), is meant as a listed write to resend (an object with `type` and `entity`);
 * `resendRequest` checks the rest of its shape.
 */
export const isUnprocessedWrite = (v: unknown): v is UnprocessedWrite => isRecord(v) && 'type' in v && 'entity' in v;
