import { expectTypeOf, test } from 'vitest';
import {
  ConditionFailedError,
  DynakitError,
  ExpressionError,
  ItemParseError,
  ItemSizeError,
  KeyError,
  TransactionOutcomeUnknownError,
  ValidationError,
  VersionConflictError,
  TransactionCanceledError,
  type CancellationCode,
  type CancellationReason,
  type UnknownOutcomeAction,
  type ValidationIssue,
  type WriteOperation,
} from '../../src/index.js';

test('errors are classes that extend DynakitError and Error', () => {
  expectTypeOf(ConditionFailedError).toBeConstructibleWith('User', 'put', undefined, new Error('x'));
  expectTypeOf(ValidationError).toBeConstructibleWith('User', [{ path: 'age', message: 'Expected number' }]);
  expectTypeOf(KeyError).toBeConstructibleWith('User', 'gsi1', 'orgId', 'missing');
  expectTypeOf<ConditionFailedError>().toExtend<DynakitError>();
  expectTypeOf<ValidationError>().toExtend<DynakitError>();
  expectTypeOf<KeyError>().toExtend<DynakitError>();
  expectTypeOf<ItemSizeError>().toExtend<DynakitError>();
  expectTypeOf<ExpressionError>().toExtend<DynakitError>();
  expectTypeOf<ItemParseError>().toExtend<DynakitError>();
  expectTypeOf<DynakitError>().toExtend<Error>();
});

test('ConditionFailedError carries the stored item (when asked for) and the cause', () => {
  expectTypeOf<ConditionFailedError['item']>().toEqualTypeOf<Record<string, unknown> | undefined>();
  expectTypeOf<ConditionFailedError['entity']>().toEqualTypeOf<string>();
  expectTypeOf<ConditionFailedError['operation']>().toEqualTypeOf<WriteOperation>();
  expectTypeOf<ConditionFailedError['cause']>().toEqualTypeOf<unknown>();
});

test('ValidationError carries the issues with their paths', () => {
  expectTypeOf<ValidationError['issues']>().toEqualTypeOf<ValidationIssue[]>();
  expectTypeOf<ValidationIssue>().toEqualTypeOf<{ path: string; message: string }>();
  expectTypeOf<ValidationError['entity']>().toEqualTypeOf<string>();
  expectTypeOf<KeyError['attribute']>().toEqualTypeOf<string>();
  expectTypeOf<ItemSizeError['size']>().toEqualTypeOf<number>();
});

test('instanceof narrows a caught error', () => {
  const handle = (e: unknown): void => {
    if (e instanceof ConditionFailedError) {
      // `instanceof` must not leak `any`: the item may be a raw item that failed to parse.
      expectTypeOf(e.item).not.toBeAny();
      expectTypeOf(e.item).toEqualTypeOf<Record<string, unknown> | undefined>();
    } else if (e instanceof ValidationError) {
      expectTypeOf(e.issues).toEqualTypeOf<ValidationIssue[]>();
      expectTypeOf(e.issues[0]).toEqualTypeOf<ValidationIssue | undefined>();
    } else if (e instanceof DynakitError) {
      expectTypeOf(e.message).toEqualTypeOf<string>();
    }
  };
  expectTypeOf(handle).parameter(0).toEqualTypeOf<unknown>();
  // @ts-expect-error ValidationError has no item
  void ((e: ValidationError) => e.item);
});

test('TransactionOutcomeUnknownError carries the token, the actions and the cause', () => {
  expectTypeOf<TransactionOutcomeUnknownError>().toExtend<DynakitError>();
  expectTypeOf<TransactionOutcomeUnknownError['idempotencyToken']>().toEqualTypeOf<string>();
  expectTypeOf<TransactionOutcomeUnknownError['actions']>().toEqualTypeOf<readonly UnknownOutcomeAction[]>();
  expectTypeOf<TransactionOutcomeUnknownError['cause']>().toEqualTypeOf<unknown>();
  expectTypeOf<UnknownOutcomeAction>().toEqualTypeOf<{
    readonly index: number;
    readonly operation: WriteOperation;
    readonly entity: string;
    readonly table: string;
    readonly key: Record<string, unknown>;
  }>();
  const e = new TransactionOutcomeUnknownError('t', [], new Error('x'));
  // @ts-expect-error the token is read-only
  e.idempotencyToken = 'other';
  // @ts-expect-error the list of actions is read-only
  e.actions.push({ index: 0, operation: 'put', entity: 'User', table: 'App', key: {} });
});

test('the operation an error names is one of the operations dynakit has', () => {
  expectTypeOf<WriteOperation>().toEqualTypeOf<'put' | 'create' | 'update' | 'delete' | 'check'>();
  expectTypeOf<VersionConflictError['operation']>().toEqualTypeOf<WriteOperation>();
  expectTypeOf<UnknownOutcomeAction['operation']>().toEqualTypeOf<WriteOperation>();
  const onFailure = (e: ConditionFailedError): string => {
    switch (e.operation) {
      case 'create':
        return 'exists';
      case 'put':
      case 'update':
      case 'delete':
      case 'check':
        return 'condition';
      default: {
        // Every operation is handled above: nothing is left.
        expectTypeOf(e.operation).toBeNever();
        return e.operation;
      }
    }
  };
  void onFailure;
  // @ts-expect-error a get has no condition to fail
  void ((e: ConditionFailedError) => e.operation === 'get');
  // @ts-expect-error dynakit names its operations in lower case
  expectTypeOf(ConditionFailedError).toBeConstructibleWith('User', 'Put', undefined, new Error('x'));
});

test("a cancellation reason's code offers DynamoDB's codes and lets a new one through", () => {
  expectTypeOf<CancellationReason['code']>().toEqualTypeOf<CancellationCode>();
  // The documented codes are members: each compares without an error, and narrows.
  const retryable = (r: CancellationReason): boolean => {
    switch (r.code) {
      case 'None':
      case 'ConditionalCheckFailed':
      case 'ItemCollectionSizeLimitExceeded':
      case 'ValidationError':
        return false;
      case 'TransactionConflict':
      case 'ProvisionedThroughputExceeded':
      case 'ThrottlingError':
        // `string & {}` stays in a narrowed case: a new code could equal no listed one, so TypeScript
        // keeps the open member (the price of letting new codes through).
        expectTypeOf(r.code).toEqualTypeOf<'TransactionConflict' | 'ProvisionedThroughputExceeded' | 'ThrottlingError' | (string & {})>();
        return true;
      default:
        // A code DynamoDB adds later is still a string.
        expectTypeOf(r.code).toExtend<string>();
        return false;
    }
  };
  void retryable;
  expectTypeOf<'ConditionalCheckFailed'>().toExtend<CancellationCode>();
  expectTypeOf<'SomeFutureCode'>().toExtend<CancellationCode>();
  expectTypeOf<CancellationCode>().toExtend<string>();
  const e = new TransactionCanceledError([], undefined);
  expectTypeOf(e.reasons[0]!.code).toEqualTypeOf<CancellationCode>();
});
