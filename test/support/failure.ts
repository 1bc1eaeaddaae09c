import { expect } from 'vitest';
import { ConditionFailedError } from '../../src/index.js';

/** Awaits `p`, expects it to reject with an instance of `type`, and returns that error. */
export async function failure<E extends Error>(p: PromiseLike<unknown>, type: abstract new (...args: never[]) => E): Promise<E> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(type);
    return e as E;
  }
  throw new Error(`expected ${type.name}, but the operation succeeded`);
}

/**
 * True when awaiting `operation` succeeds, false when its condition fails (`ConditionFailedError`);
 * any other error is thrown. With `Entity.check(key, condition)`, which writes nothing, it asks
 * DynamoDB whether a condition holds for what is stored under a key.
 */
export async function holds(operation: PromiseLike<unknown>): Promise<boolean> {
  try {
    await operation;
    return true;
  } catch (e) {
    if (e instanceof ConditionFailedError) return false;
    throw e;
  }
}
