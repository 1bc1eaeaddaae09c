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
  type UnknownOutcomeAction,
  type ValidationIssue,
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
  expectTypeOf<ConditionFailedError['operation']>().toEqualTypeOf<string>();
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
    readonly operation: string;
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
