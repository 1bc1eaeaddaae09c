import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshallItem } from '../client/attribute-value.js';
import { ConditionFailedError } from '../errors.js';
import type { EntityModel } from '../entity/model.js';

/**
 * Maps DynamoDB's `ConditionalCheckFailedException` to a `ConditionFailedError`, parsing the
 * stored item it may carry (the DocumentClient leaves it raw). Other errors pass through.
 */
export function mapConditionFailure(error: unknown, model: EntityModel, operation: string): unknown {
  if ((error as { name?: string } | null)?.name !== 'ConditionalCheckFailedException') return error;
  const raw = (error as { Item?: Record<string, AttributeValue> }).Item;
  let item: Record<string, unknown> | undefined;
  if (raw !== undefined) {
    const plain = unmarshallItem(raw);
    try {
      item = model.parse(plain);
    } catch {
      item = plain;
    }
  }
  return new ConditionFailedError(model.name, operation, item, error);
}
