import { expect } from 'vitest';

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
