import { keyText, operationsSummary, type WriteOperation } from '../errors.js';

/**
 * One action of a transaction as a transaction's error names it (`TransactionOutcomeUnknownError`,
 * `IdempotencyTokenMismatchError`): where it was in the list, what it did, and to which item.
 * `Entity.keyOf(action)` reads the entity's key composites back from `key`.
 */
export interface SentAction {
  /** Its position in the actions given to `transactWrite`. */
  readonly index: number;
  /** `put`, `create`, `update`, `delete` or `check`. */
  readonly operation: WriteOperation;
  /** The entity's name, or `table <name>` for a table's delete or check by physical key. */
  readonly entity: string;
  readonly table: string;
  /** The item's primary key as stored (`{ pk, sk }`). */
  readonly key: Record<string, unknown>;
}

/**
 * The actions for an error message: a single one named with its key, several counted per entity
 * and table (`2 puts and 1 delete of User in table App`); the error's `actions` lists every key.
 */
export function sentActionsText(actions: readonly SentAction[]): string {
  if (actions.length !== 1) return operationsSummary(actions);
  const a = actions[0]!;
  return `${a.operation} ${a.entity} ${keyText(a.key)} in table ${a.table}`;
}
