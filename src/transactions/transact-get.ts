import { TransactGetItemsCommand, type TransactGetItemsCommandOutput } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { marshallSettings, unmarshallSettings } from '../client/marshal-settings.js';
import { readItem } from '../client/send-document-request.js';
import { sendCommand, type RequestOptions } from '../client/send.js';
import { InvalidTransactionError, TransactionCanceledError, keyText } from '../errors.js';
import type { GetBuilder } from '../operations/get.js';
import { itemId } from '../batch/write-request.js';
import { inAction, MAX_TRANSACTION_ACTIONS, onlyConflicts } from './transact-write.js';
import { backoffDelay, resolveBackoff, sleep, type BackoffOptions } from '../batch/backoff.js';
import { cancellationReasons } from '../operations/condition-failure.js';
import { checkOneDestination } from './one-destination.js';

/** Options of `transactGet`. */
export interface TransactGetOptions extends RequestOptions {
  /**
   * Retry a read cancelled only by `TransactionConflict` (another transaction on one of the items),
   * with backoff; off by default, as for `transactWrite`. Reads change nothing, so a retry is safe.
   */
  readonly retryConflicts?: boolean | BackoffOptions;
}

/** Result tuple of `transactGet`: each builder's result type, `undefined` for a missing item. */
export type TransactGetResults<B extends readonly GetBuilder<unknown>[]> = { -readonly [I in keyof B]: B[I] extends GetBuilder<infer R> ? R | undefined : never };

/**
 * Reads up to 100 items as one consistent snapshot; the result is a tuple typed after the
 * builders. Two gets of one item are refused (DynamoDB allows one action per item).
 *
 * @example const [user, order] = await transactGet([User.get(k1), Order.get(k2)])
 */
export async function transactGet<const B extends readonly GetBuilder<unknown>[]>(builders: B, options: TransactGetOptions = {}): Promise<TransactGetResults<B>> {
  if (builders.length === 0) throw new InvalidTransactionError('transactGet needs at least one get');
  if (builders.length > MAX_TRANSACTION_ACTIONS) {
    throw new InvalidTransactionError(`a transaction takes at most ${MAX_TRANSACTION_ACTIONS} actions, got ${builders.length}`);
  }
  const items = builders.map((b, i) => {
    try {
      return b.transactItem();
    } catch (e) {
      throw inAction(e, `get #${i}`);
    }
  });
  const seen = new Map<string, number>();
  items.forEach((it, i) => {
    const m = builders[i]!.model;
    const key = it.Get.Key as Record<string, unknown>;
    const id = itemId(m.table.name, key, m.primaryKeyNames);
    const prev = seen.get(id);
    if (prev !== undefined) {
      throw new InvalidTransactionError(`gets #${prev} (${builders[prev]!.model.name}) and #${i} (${m.name}) read the same item ${keyText(key)}; DynamoDB allows one action per item in a transaction`);
    }
    seen.set(id, i);
  });
  // Sent as the low-level command, marshalled here as lib-dynamodb's TransactGetCommand would (the
  // same bytes): its unmarshalling inside the SDK fails on an unreadable number with a plain Error
  // that names neither the entity nor the attribute.
  await checkOneDestination(builders.map((b) => b.model), 'gets');
  const client = builders[0]!.model.table.client;
  const settings = marshallSettings(client);
  const TransactItems = items.map(({ Get }) => ({ Get: { ...Get, Key: marshall(Get.Key as Record<string, unknown>, settings) } }));
  const retry = options.retryConflicts;
  const backoff = retry === undefined || retry === false ? undefined : resolveBackoff(retry === true ? {} : retry, (m) => new InvalidTransactionError(`retryConflicts: ${m}`));
  let out: TransactGetItemsCommandOutput;
  for (let attempt = 1; ; attempt++) {
    try {
      out = await sendCommand<TransactGetItemsCommandOutput>(client, new TransactGetItemsCommand({ TransactItems }), options.abortSignal);
      break;
    } catch (e) {
      // `e` can be any value: an abort rejects with the signal's reason, `null` included.
      if ((e as { name?: string } | null)?.name !== 'TransactionCanceledException') throw responseTooLarge(e, builders.length);
      const { reasons } = cancellationReasons(e, builders.map((b, i) => ({ model: b.model, key: items[i]!.Get.Key as Record<string, unknown> })));
      if (backoff === undefined || !onlyConflicts(reasons) || attempt >= backoff.maxAttempts) throw new TransactionCanceledError(reasons, e, builders.map(() => 'get'));
      await sleep(backoffDelay(attempt - 1, backoff), options.abortSignal);
    }
  }
  const back = unmarshallSettings(client);
  return builders.map((b, i) => {
    const raw = out.Responses?.[i]?.Item;
    return raw === undefined ? undefined : b.parseItem(readItem(b.model.name, raw, back));
  }) as TransactGetResults<B>;
}

/**
 * DynamoDB's answer when the items read add up to more than 4 MB (a limit no check before sending
 * can know of), restated to say which limit and what to do; any other error as it is.
 */
function responseTooLarge(e: unknown, gets: number): unknown {
  const message = (e as { message?: unknown } | null)?.message;
  if ((e as { name?: unknown } | null)?.name !== 'ValidationException' || typeof message !== 'string' || !/too large/i.test(message)) return e;
  const error = new InvalidTransactionError(
    `transactGet: the ${gets} items read add up to more than DynamoDB's 4 MB per transaction (DynamoDB: "${message}"); ` +
      'project fewer attributes, or read them in several calls (batchGet when they need not be one snapshot)',
  );
  error.cause = e;
  return error;
}
