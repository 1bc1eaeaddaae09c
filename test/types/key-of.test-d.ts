/** `Entity.keyOf(report)` is typed as the entity's key, what get/update/delete take, or undefined. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expectTypeOf, test } from 'vitest';
import type { CancellationReason, EntityKey, UnknownOutcomeAction } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';

const { User, Order } = appModel(new DynamoDBClient({}));

test('keyOf gives the entity key of a cancellation reason or an unknown-outcome action', () => {
  const reason = {} as CancellationReason;
  const action = {} as UnknownOutcomeAction;
  expectTypeOf(User.keyOf(reason)).toEqualTypeOf<EntityKey<typeof User> | undefined>();
  expectTypeOf(Order.keyOf(action)).toEqualTypeOf<EntityKey<typeof Order> | undefined>();
  const k = Order.keyOf(reason);
  if (k !== undefined) expectTypeOf(Order.get(k)).not.toBeNever();
  // @ts-expect-error a report needs the entity's name and the stored key
  User.keyOf({ key: {} });
});
