/** Counting what a client sends, for tests that check bad input fails before any request. */
import { expect } from 'vitest';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynakitError } from '../../src/index.js';

/** Counts every request `client` starts (at the first middleware step, so refused ones count too). */
export function countRequests(client: DynamoDBClient): { readonly sent: number } {
  const counter = { sent: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      counter.sent++;
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  return counter;
}

/**
 * Awaits `attempt` (which may also throw while building) and checks it failed with `type`, a
 * DynakitError, without sending anything.
 */
export async function refusedBeforeSend<E extends Error>(
  requests: { readonly sent: number },
  type: abstract new (...args: never[]) => E,
  attempt: () => unknown,
): Promise<E> {
  const before = requests.sent;
  let error: unknown;
  try {
    await attempt();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(type);
  expect(error).toBeInstanceOf(DynakitError);
  expect(requests.sent).toBe(before);
  return error as E;
}
