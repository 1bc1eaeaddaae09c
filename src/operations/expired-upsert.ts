import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DeleteCommandInput } from '@aws-sdk/lib-dynamodb';
import { Condition } from '../expressions/condition.js';
import { holdsOnMissingItem } from '../expressions/holds-on-missing.js';
import { ExpressionError } from '../errors.js';
import { compileCondition } from '../expressions/compile.js';
import { unmarshallItem } from '../client/attribute-value.js';
import { sendDocumentRequest } from '../client/send-document-request.js';
import type { EntityModel } from '../entity/model.js';
import { contextFor, withPlaceholders } from './expression-input.js';
import { allOf, MAX_EXPIRED_CLEARS, ownedItem } from './write-guards.js';

/**
 * An upsert is sent with "the stored item has not expired" in its condition: merged into an expired
 * item (TTL passed, not deleted by DynamoDB yet), it would bring back every attribute it does not
 * set, although every read treats that item as gone. When the condition failed on such an item of
 * this entity (the failure carries it: ReturnValuesOnConditionCheckFailure), this deletes exactly
 * that item (its TTL value still the one seen) and answers `true`: the caller sends the upsert
 * again, which then creates the item as it would have once DynamoDB's TTL had removed it.
 *
 * Only where the upsert's whole `condition` holds on no item, so that the second attempt can pass:
 * a `where()` that needs an item (or a version check) would fail there too, and deleting first
 * would only lose the expired item (still returned by raw reads) and add a REMOVE to the stream.
 * Such an upsert fails on the expired item, which is kept, as it would on the missing item reads show.
 * The delete is conditional on the item seen (owner and TTL value): what it removes is still expired,
 * which DynamoDB's TTL may remove at any time too, so no write a read could show is lost by it.
 *
 * @example if (await clearExpiredItem(User.model, input.Key, condition, e, signal)) await sendAgain()
 */
export async function clearExpiredItem(
  model: EntityModel,
  key: Record<string, unknown>,
  condition: Condition | undefined,
  error: unknown,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  const ttl = model.ttl;
  if (ttl === undefined || (error as { name?: string } | null)?.name !== 'ConditionalCheckFailedException') return false;
  if (condition !== undefined && !passesOnNoItem(model, condition)) return false;
  const raw = (error as { Item?: Record<string, AttributeValue> }).Item;
  if (raw === undefined) return false;
  const stored = unmarshallItem(raw);
  if (!model.owns(stored) || !model.expired(stored, new Date())) return false;
  // Only the item seen: if another writer replaced or extended it meanwhile, nothing is deleted and
  // the second attempt meets what that writer left.
  const sameItem = new Condition({ kind: 'compare', op: '=', left: { kind: 'path', path: [ttl] }, right: { kind: 'value', value: stored[model.storedName(ttl)] } });
  const onlyThat = allOf(ownedItem(model), sameItem)!;
  const ctx = contextFor(model);
  const input: DeleteCommandInput = { TableName: model.table.name, Key: key, ConditionExpression: compileCondition(onlyThat.node, ctx) };
  withPlaceholders(input, ctx);
  try {
    await sendDocumentRequest(model.table.client, 'DeleteItem', model.name, input, signal);
  } catch (e) {
    if ((e as { name?: string } | null)?.name !== 'ConditionalCheckFailedException') throw e;
  }
  return true;
}

/**
 * The rest of an upsert sent alone whose first attempt failed with `error`: while the failure is on
 * an expired item of its entity that `clearExpiredItem` clears, `resend()` sends the upsert again,
 * with the caller's whole condition (built anew, at a new `now`), up to `MAX_EXPIRED_CLEARS` times.
 * What another writer stores between the requests is met by that condition as by any write: a live
 * item of the entity is merged into, another entity's item fails it. Any other failure is thrown.
 *
 * @example out = await send(input).catch((e) => afterExpiredItem(User.model, input.Key, condition, e, signal, () => send(builder.build())))
 */
export async function afterExpiredItem<T>(
  model: EntityModel,
  key: Record<string, unknown>,
  condition: Condition | undefined,
  error: unknown,
  signal: AbortSignal | undefined,
  resend: () => Promise<T>,
): Promise<T> {
  let failure = error;
  for (let clears = 0; clears < MAX_EXPIRED_CLEARS; clears++) {
    if (!(await clearExpiredItem(model, key, condition, failure, signal))) break;
    try {
      return await resend();
    } catch (e) {
      failure = e;
    }
  }
  throw failure;
}

/**
 * Whether `condition` holds on no item (`holdsOnMissingItem`); a hand-built one that cannot be judged
 * there (a value first) counts as failing: nothing is deleted for a second attempt that may fail.
 */
function passesOnNoItem(model: EntityModel, condition: Condition): boolean {
  try {
    return holdsOnMissingItem(condition.node, model.name);
  } catch (e) {
    if (e instanceof ExpressionError) return false;
    throw e;
  }
}
