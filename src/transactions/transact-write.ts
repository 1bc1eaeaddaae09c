import { TransactWriteItemsCommand, type TransactWriteItemsCommandInput } from '@aws-sdk/client-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { marshallSettings } from '../client/marshal-settings.js';
import { marshallTransactAction } from '../client/send-document-request.js';
import { sendCommand, type RequestOptions } from '../client/send.js';
import type { EntityModel } from '../entity/model.js';
import { DynakitError, ExpressionError, InvalidTransactionError, TransactionCanceledError, keyText, type WriteOperation } from '../errors.js';
import { anotherCopyHint } from '../another-copy.js';
import { PutBuilder } from '../operations/put.js';
import { UpdateBuilder, type AnyUpdateBuilder } from '../operations/update.js';
import { DeleteBuilder } from '../operations/delete.js';
import { CheckBuilder } from '../operations/check.js';
import { TableDeleteBuilder } from '../operations/table-delete.js';
import { TableCheckBuilder } from '../operations/table-check.js';
import type { Table } from '../entity/table.js';
import { cancellationReasons, type VersionCheck } from '../operations/condition-failure.js';
import { backoffDelay, resolveBackoff, sleep, type BackoffOptions } from '../batch/backoff.js';
import { itemId } from '../batch/write-request.js';
import { tableNameOf } from '../entity/table-name.js';
import { MAX_REQUEST_BODY_BYTES, wireItemSize } from '../batch/wire-size.js';
import { expressionBytes, keyedActionBytes, type SizedAction } from './action-size.js';
import { checkOneDestination } from './one-destination.js';
import { leavesOutcomeUnknown, TransactionOutcomeUnknownError } from './outcome-unknown.js';
import { unseenStoredItem } from '../operations/check-guard.js';
import { IdempotencyTokenMismatchError, isTokenMismatch } from './token-mismatch.js';
import { transactWriteResult, type TransactWriteResult } from './written-items.js';
import type { SentAction } from './sent-actions.js';

/** DynamoDB's cap on actions per transaction. */
export const MAX_TRANSACTION_ACTIONS = 100;
/** DynamoDB's cap on a transaction's aggregate size. */
export const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;

/** An action of `transactWrite`: a put, update, delete or check builder, or a table's delete or check by physical key. */
export type TransactWriteAction =
  | PutBuilder<unknown, unknown, string>
  | AnyUpdateBuilder
  | DeleteBuilder<unknown, unknown, string>
  | CheckBuilder
  | TableDeleteBuilder<unknown, string>
  | TableCheckBuilder;

export interface TransactWriteOptions extends RequestOptions {
  /** `ClientRequestToken` (1-36 characters): retries with the same token apply once, for 10 minutes. */
  readonly idempotencyToken?: string;
  /**
   * Retry a transaction cancelled only because of `TransactionConflict` (another transaction or
   * write touched one of its items). Off by default; the same idempotency token is reused.
   */
  readonly retryConflicts?: boolean | BackoffOptions;
  /**
   * The time the actions are stamped with (`createdAt` / `updatedAt`) and checked against (expired
   * items): by default the time of the call. Pass the time of the first attempt, saved with the
   * work (a queue message, a request), when a retry is built from new builders (another process, a
   * redelivered message) with the same `idempotencyToken`: the payload is then the same, and
   * DynamoDB replays it instead of answering `IdempotentParameterMismatchException`.
   */
  readonly now?: Date;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

interface PreparedAction {
  readonly item: TransactItem;
  /** The entity the action writes for; `undefined` for a table's delete by physical key. */
  readonly model: EntityModel | undefined;
  /** How messages name the action's owner: the entity's name, or `table App`. */
  readonly owner: string;
  readonly table: Table;
  readonly key: Record<string, unknown>;
  /** `put`, `create`, `update`, `delete` or `check`, for the message of a cancellation */
  readonly operation: WriteOperation;
  /** what the action's condition requires, in words, for the message of a cancellation */
  readonly checks: string | undefined;
  /** the version the action checks (optimistic locking), to tell a lost race in the message */
  readonly version: VersionCheck | undefined;
  /** what the action counts toward DynamoDB's 4 MB per transaction */
  readonly bytes: number;
  /** what `transactWrite` resolves to for the action (`TransactWriteResult.items`) */
  readonly written?: Readonly<Record<string, unknown>>;
  /**
   * an entity's action: why it saw the stored item its failed condition returned as no item (another
   * entity's, or expired), for the message of a cancellation
   */
  readonly unseen?: (plain: Readonly<Record<string, unknown>>) => string | undefined;
}

/** JSON bytes an action adds to the request body (values as AttributeValues), for the 16 MB cap. */
function wireBytes(action: Readonly<Record<string, unknown>>): number {
  let total = 32; // {"Put":{...}}, and a comma
  for (const [k, v] of Object.entries(action)) {
    if (v === undefined) continue;
    const value = k === 'Item' || k === 'Key' || k === 'ExpressionAttributeValues' ? wireItemSize(v as Record<string, unknown>) : Buffer.byteLength(JSON.stringify(v));
    total += k.length + 4 + value;
  }
  return total;
}

/** The action's input: the one member of `{ Put }`, `{ Update }`, `{ Delete }` or `{ ConditionCheck }`. */
const actionInput = (item: TransactItem): Record<string, unknown> => Object.values(item).find((v) => v !== undefined) as Record<string, unknown>;

/** Actions without an item count their key and their expressions (with the names and values they use). */
function keyed(item: TransactItem, model: EntityModel, operation: WriteOperation, action: SizedAction, checks: string | undefined, now: Date | undefined, version?: VersionCheck): PreparedAction {
  return { item, model, owner: model.name, table: model.table, key: action.Key ?? {}, operation, checks, version, bytes: keyedActionBytes(action), unseen: unseenBy(model, operation, now) };
}

/** What an entity's action says of a stored item it saw as no item (`unseenStoredItem`), judged at the transaction's `now`. */
const unseenBy =
  (model: EntityModel, operation: WriteOperation, now: Date | undefined) =>
  (plain: Readonly<Record<string, unknown>>): string | undefined =>
    unseenStoredItem(model, plain, now ?? new Date(), operation);

/**
 * `e` (an invalid item or key of one action) with the action's position added to its message: it
 * names the entity and the path, but among many actions of one entity not which one. Its class is
 * kept (`ValidationError`, `KeyError`, `ItemSizeError`...).
 */
export function inAction(e: unknown, action: string): unknown {
  if (e instanceof DynakitError) e.message = `${e.message} (${action} of the transaction)`;
  return e;
}

/**
 * `token`: the idempotency token, under which a put or update sends the same payload again
 * (timestamps included); `now`: the time given by the caller, which makes the payload the same by itself.
 */
function prepare(action: TransactWriteAction, token: string | undefined, now: Date | undefined): PreparedAction {
  if (action instanceof PutBuilder) {
    // The item's size comes from the put's 400 KB check: the item is not walked a second time. Its
    // condition counts too.
    const { item, size, result } = action.transactAction(token, now);
    const model = action.model;
    const key: Record<string, unknown> = {};
    for (const n of model.primaryKeyNames) key[n] = (item.Put.Item as Record<string, unknown>)[n];
    const operation = action.operation;
    return { item: item as TransactItem, model, owner: model.name, table: model.table, key, operation, checks: action.checks(), version: action.versionCheck(), bytes: size + expressionBytes(item.Put), unseen: unseenBy(model, operation, now), written: result };
  }
  if (action instanceof UpdateBuilder) {
    const { item, written } = action.transactAction(token, now);
    return { ...keyed(item as TransactItem, action.model, 'update', item.Update, action.checks(), now, action.versionCheck()), written };
  }
  if (action instanceof DeleteBuilder) {
    const item = action.transactItem(token, now);
    return keyed(item as TransactItem, action.model, 'delete', item.Delete, action.checks(), now, action.versionCheck());
  }
  if (action instanceof CheckBuilder) {
    const item = action.transactItem(token, now);
    return keyed(item as TransactItem, action.model, 'check', item.ConditionCheck, action.checks(), now);
  }
  if (action instanceof TableDeleteBuilder) {
    const item = action.transactItem();
    const table = action.table;
    return { item: item as TransactItem, model: undefined, owner: `table ${table.name}`, table, key: item.Delete.Key!, operation: 'delete', checks: action.checks(), version: undefined, bytes: keyedActionBytes(item.Delete) };
  }
  if (action instanceof TableCheckBuilder) {
    const item = action.transactItem();
    const table = action.table;
    return { item: item as TransactItem, model: undefined, owner: `table ${table.name}`, table, key: item.ConditionCheck.Key!, operation: 'check', checks: action.checks(), version: undefined, bytes: keyedActionBytes(item.ConditionCheck) };
  }
  throw new InvalidTransactionError(`transactWrite takes put(), update(), delete() and check() builders${anotherCopyHint(action, [PutBuilder, UpdateBuilder, DeleteBuilder, CheckBuilder, TableDeleteBuilder, TableCheckBuilder])}`);
}

/**
 * Builds the `TransactWriteCommandInput` for a list of actions, checking DynamoDB's rules first:
 * `InvalidTransactionError` for no actions or more than 100, two actions on one item, actions over
 * 4 MB in total as DynamoDB counts them (expressions included), a request over 16 MB, or an
 * `idempotencyToken` outside 1 to 36 characters.
 *
 * @example const { input } = buildTransactWrite([User.put(u), Order.delete(k)], { idempotencyToken: requestId })
 */
export function buildTransactWrite(actions: readonly TransactWriteAction[], options: TransactWriteOptions = {}): { input: TransactWriteCommandInput } {
  return { input: prepareTransactWrite(actions, options, checkedToken(options)).input };
}

/** The caller's `idempotencyToken`, checked: DynamoDB takes 1 to 36 characters. */
function checkedToken(options: TransactWriteOptions): string | undefined {
  const token = options.idempotencyToken;
  if (token !== undefined && (token.length < 1 || token.length > 36)) {
    throw new InvalidTransactionError(`idempotencyToken must be 1 to 36 characters, got ${token.length}`);
  }
  return token;
}

/**
 * `buildTransactWrite` with what `transactWrite` keeps of each action (entity, key, checks) for its
 * errors. `token` is the request's `ClientRequestToken`: puts and updates keep the action they build
 * for it, so a resend with the same token sends the same payload (timestamps included).
 */
function prepareTransactWrite(
  actions: readonly TransactWriteAction[],
  options: TransactWriteOptions,
  token: string | undefined,
): { input: TransactWriteCommandInput; prepared: PreparedAction[] } {
  if (actions.length === 0) throw new InvalidTransactionError('a transaction needs at least one action');
  if (actions.length > MAX_TRANSACTION_ACTIONS) {
    throw new InvalidTransactionError(`a transaction takes at most ${MAX_TRANSACTION_ACTIONS} actions, got ${actions.length}`);
  }
  const now = options.now;
  if (now !== undefined && !(now instanceof Date && Number.isFinite(now.getTime()))) {
    throw new InvalidTransactionError(`now must be a valid Date, got ${now instanceof Date ? 'an invalid Date' : typeof now}`);
  }
  const prepared = actions.map((action, i) => {
    try {
      return prepare(action, token, now);
    } catch (e) {
      throw inAction(e, `action #${i}`);
    }
  });
  const seen = new Map<string, number>();
  let bytes = 0;
  let wire = 0;
  prepared.forEach((p, i) => {
    wire += wireBytes(actionInput(p.item));
    // By table name: a table named once by its name and once by its ARN is one table (one account and region per transaction).
    const id = itemId(tableNameOf(p.table.name), p.key, p.table.primaryKeyNames);
    const prev = seen.get(id);
    if (prev !== undefined) {
      throw new InvalidTransactionError(
        `actions #${prev} (${prepared[prev]!.operation} ${prepared[prev]!.owner}) and #${i} (${p.operation} ${p.owner}) touch the same item ${keyText(p.key)}; ` +
          `DynamoDB allows one action per item in a transaction (${sameItemHint(prepared[prev]!.operation, p.operation)})`,
      );
    }
    seen.set(id, i);
    bytes += p.bytes;
  });
  if (bytes > MAX_TRANSACTION_BYTES) {
    throw new InvalidTransactionError(
      `the transaction's actions add up to ${bytes} bytes as DynamoDB counts them (items, keys, expressions and the names and values they use), over DynamoDB's 4 MB limit`,
    );
  }
  if (wire > MAX_REQUEST_BODY_BYTES) {
    throw new InvalidTransactionError(
      `the transaction's request would be ${wire} bytes as sent, over DynamoDB's 16 MB request limit (values go as JSON: type wrappers and escaped characters count)`,
    );
  }
  const input: TransactWriteCommandInput = { TransactItems: prepared.map((p) => p.item) };
  if (token !== undefined) input.ClientRequestToken = token;
  return { input, prepared };
}

/**
 * Runs put, update, delete and check builders as one all-or-nothing transaction (up to 100
 * actions, across entities and tables), and resolves to what they wrote (`TransactWriteResult`:
 * the stored item of each put, the stamps of each update). A cancelled transaction throws a
 * `TransactionCanceledError` whose `reasons[i]` belongs to action `i`. A send whose outcome is
 * unknown (a dropped connection, a timeout, a 5xx) throws a `TransactionOutcomeUnknownError`
 * carrying the request's idempotency token (the caller's, or one dynakit made): sending the same
 * actions again with it applies them at most once. A token another payload used within 10 minutes
 * throws an `IdempotencyTokenMismatchError` (nothing applied).
 *
 * @example
 * const put = User.put(u).where(User.Attr('userId').notExists());
 * const written = await transactWrite([
 *   put,
 *   Order.update(k).add({ total: 5 }),
 *   User.check({ userId: 'u2' }, User.Attr('age').gte(18)),
 * ], { idempotencyToken: requestId });
 * written.itemOf(put).createdAt; // as stored
 */
export async function transactWrite<const A extends readonly TransactWriteAction[]>(actions: A, options?: TransactWriteOptions): Promise<TransactWriteResult<A>>;
export async function transactWrite(actions: readonly TransactWriteAction[], options: TransactWriteOptions = {}): Promise<TransactWriteResult> {
  // A token dynakit knows, so that an unknown outcome can name it; the SDK's retries reuse it.
  const token = checkedToken(options) ?? randomToken();
  const { input, prepared } = prepareTransactWrite(actions, options, token);
  await checkOneDestination(prepared.map((p) => ({ name: p.model?.name, table: p.table })), 'actions');
  const client = prepared[0]!.table.client;
  const retry = options.retryConflicts;
  const backoff = retry === undefined || retry === false ? undefined : resolveBackoff(retry === true ? {} : retry, (m) => new InvalidTransactionError(`retryConflicts: ${m}`));
  // Sent as the low-level command, marshalled as lib-dynamodb's TransactWriteCommand would (the same bytes).
  const settings = marshallSettings(client);
  const raw = { ...input, TransactItems: input.TransactItems!.map((action) => marshallTransactAction(action, settings)) } as TransactWriteItemsCommandInput;
  const signal = options.abortSignal;
  for (let attempt = 1; ; attempt++) {
    // An abort before the send is a known outcome (nothing sent): sendCommand rejects with its reason.
    const abortedBefore = signal?.aborted === true;
    try {
      await sendCommand(client, new TransactWriteItemsCommand(raw), signal);
      return transactWriteResult(actions, prepared.map((p) => p.written));
    } catch (e) {
      // `e` can be any value: an abort rejects with the signal's reason, `null` included.
      if (signal?.aborted === true ? !abortedBefore && e === signal.reason : leavesOutcomeUnknown(e)) {
        throw new TransactionOutcomeUnknownError(token, sentActions(prepared), e);
      }
      // Only a caller's token can meet another payload: dynakit's are new UUIDs. On a conflict retry
      // too (another call took the token meanwhile), this payload was not applied.
      if (isTokenMismatch(e)) throw new IdempotencyTokenMismatchError(token, sentActions(prepared), e);
      if ((e as { name?: string } | null)?.name !== 'TransactionCanceledException') throw explainValidation(actions, e);
      const { reasons, conflicts, found } = cancellationReasons(e, prepared);
      if (backoff === undefined || !onlyConflicts(reasons) || attempt >= backoff.maxAttempts) {
        const checks = prepared.map((p, i) => (found[i] === undefined ? p.checks : `${p.checks ?? 'its condition must hold'}; ${found[i]}`));
        throw new TransactionCanceledError(reasons, e, prepared.map((p) => p.operation), checks, conflicts);
      }
      await sleep(backoffDelay(attempt - 1, backoff), signal);
    }
  }
}

/** The actions as `TransactionOutcomeUnknownError` and `IdempotencyTokenMismatchError` list them. */
const sentActions = (prepared: readonly PreparedAction[]): SentAction[] =>
  prepared.map((p, index) => ({ index, operation: p.operation, entity: p.owner, table: p.table.name, key: { ...p.key } }));

/**
 * A `ValidationException` for the whole transaction (DynamoDB Local's answer to an update of a
 * nested path without its parent, or copying a missing attribute) names no action: restated as the
 * `ExpressionError` a single update gives, with the action's position, when exactly one update of
 * the transaction can be the cause; when several can, as one `ExpressionError` naming each of them
 * (DynamoDB does not say which), rather than the bare SDK error. Otherwise `e` as it is.
 */
function explainValidation(actions: readonly TransactWriteAction[], e: unknown): unknown {
  const explained: [number, ExpressionError][] = [];
  actions.forEach((a, i) => {
    if (!(a instanceof UpdateBuilder)) return;
    const restated = a.explainFailure(e);
    if (restated instanceof ExpressionError) explained.push([i, restated]);
  });
  if (explained.length === 0) return e;
  if (explained.length === 1) {
    const [index, error] = explained[0]!;
    return inAction(error, `action #${index}`);
  }
  const entities = [...new Set(explained.map(([, error]) => error.entity))].join(', ');
  const paths = explained.map(([, error]) => error.path).join(', ');
  const each = explained.map(([index, error]) => `action #${index}: ${error.message}`).join('; ');
  const error = new ExpressionError(entities, paths, `DynamoDB refused one of ${explained.length} updates of the transaction without saying which: ${each}`);
  error.cause = e;
  return error;
}

/** A cancellation worth retrying: some action met a conflicting one, and none failed for another reason. */
export function onlyConflicts(reasons: readonly { readonly code: string }[]): boolean {
  return reasons.every((r) => r.code === 'None' || r.code === 'TransactionConflict') && reasons.some((r) => r.code === 'TransactionConflict');
}

function randomToken(): string {
  return globalThis.crypto.randomUUID();
}

/** How to make two actions on one item one action: the advice depends on whether either only checks. */
function sameItemHint(first: WriteOperation, second: WriteOperation): string {
  if (first === 'check' && second === 'check') return 'merge the conditions into one check';
  if (first === 'check' || second === 'check') return 'merge the condition into the write';
  return 'make them one write: one update can set, add and remove together, and a put writes the whole item';
}
