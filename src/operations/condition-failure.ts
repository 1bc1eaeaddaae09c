import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshallItem } from '../client/attribute-value.js';
import { ConditionFailedError, VersionConflictError } from '../errors.js';
import type { EntityModel } from '../entity/model.js';

/** What a write checked, to tell a lost version race from another failed condition. */
export interface VersionCheck {
  /** The version the write expected; `undefined` when it expected no item. */
  readonly expected: number | undefined;
}

/**
 * Maps DynamoDB's `ConditionalCheckFailedException` to a `ConditionFailedError`, parsing the
 * stored item it may carry (the DocumentClient leaves it raw); a lost optimistic-locking race
 * becomes a `VersionConflictError`. Other errors pass through.
 */
export function mapConditionFailure(error: unknown, model: EntityModel, operation: string, version?: VersionCheck): unknown {
  if ((error as { name?: string } | null)?.name !== 'ConditionalCheckFailedException') return error;
  const raw = (error as { Item?: Record<string, AttributeValue> }).Item;
  let item: Record<string, unknown> | undefined;
  let storedVersion: unknown;
  if (raw !== undefined) {
    const plain = unmarshallItem(raw);
    if (model.version !== undefined) storedVersion = plain[model.version];
    // Another entity's item under the same key is reported as stored, never parsed as this one.
    if (!model.owns(plain)) item = plain;
    else {
      try {
        item = model.parse(plain);
      } catch {
        item = plain;
      }
    }
  }
  if (version !== undefined && model.version !== undefined && storedVersion !== version.expected) {
    const e = new VersionConflictError(model.name, operation, version.expected, item, error);
    e.message = `${model.name}: ${operation} expected ${version.expected === undefined ? 'no stored item' : `version ${version.expected}`} but the stored item ${item === undefined ? 'does not exist' : `has version ${String(storedVersion)}`}`;
    return e;
  }
  return new ConditionFailedError(model.name, operation, item, error);
}
