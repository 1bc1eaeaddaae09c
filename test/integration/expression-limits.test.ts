/**
 * DynamoDB's per-expression limits (300 operators and functions, 4096 bytes), checked before
 * sending. For several shapes of condition and update, the test finds the largest one dynakit
 * accepts and sends it: DynamoDB Local must accept it too (so the count is never stricter than
 * DynamoDB's), and one step more fails before any request with an ExpressionError naming the limit.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConditionFailedError, ExpressionError, defineEntity, defineTable, or, type Condition } from '../../src/index.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const AppTable = defineTable({ name: uniqueTableName('expr-limits'), client, partitionKey: { name: 'pk', type: 'S' } });
const Row = defineEntity({
  table: AppTable,
  name: 'Row',
  schema: z.object({ id: z.string(), n: z.number().optional(), s: z.string().optional(), tags: z.array(z.string()).optional(), m: z.record(z.string(), z.number()).optional() }),
  keys: { primary: { pk: '{id}' } },
});
const { Attr } = Row;

useTable(AppTable, { clients: [client] });

beforeAll(async () => {
  await Row.put({ id: 'r', n: 1, s: 'x', tags: [], m: {} });
});

/** The largest `k` (from 1) for which `make(k)` builds, and the error of `make(k + 1)`. */
function boundary(make: (k: number) => { build(): unknown }): { k: number; error: unknown } {
  let k = 1;
  for (;;) {
    try {
      make(k + 1).build();
    } catch (error) {
      return { k, error };
    }
    k += 1;
  }
}

const shapes: [string, (i: number) => Condition][] = [
  ['comparisons', (i) => Attr('n').eq(i)],
  ['between', (i) => Attr('n').between(i, i + 1)],
  ['not + size()', (i) => Attr('s').size().gt(i).not()],
  ['in()', (i) => Attr('n').in([i, i + 1])],
  ['functions', () => Attr('s').exists()],
  ['long in() lists (bytes)', (i) => Attr('n').in(Array.from({ length: 100 }, (_, j) => i * 100 + j))],
];

describe('conditions at the limit', () => {
  it.each(shapes)('%s: the largest accepted condition is accepted by DynamoDB, one more is refused before sending', async (_name, term) => {
    const make = (k: number) => Row.update({ id: 'r' }).set({ s: 'y' }).where(or(...Array.from({ length: k }, (_, i) => term(i))));
    const { k, error } = boundary(make);
    expect(error).toBeInstanceOf(ExpressionError);
    expect(String(error)).toMatch(/DynamoDB allows (300 per expression|4096 bytes per expression)/);
    // DynamoDB may find the condition false; it must not find it malformed.
    await make(k).then(
      () => undefined,
      (e: unknown) => expect(e).toBeInstanceOf(ConditionFailedError),
    );
  });
});

describe('updates at the limit', () => {
  it('a long update: the largest accepted is accepted by DynamoDB, one action more is refused before sending', async () => {
    const make = (k: number) => {
      const changes: Record<string, number> = {};
      for (let i = 0; i < k; i++) changes[`m.k${i}`] = i;
      return Row.update({ id: 'r' }).set(changes as { n: number });
    };
    const { k, error } = boundary(make);
    expect(String(error)).toMatch(/the update is 4\d{3} bytes long; DynamoDB allows 4096/);
    await make(k);
    expect(Object.keys((await Row.get({ id: 'r' }))?.m ?? {})).toHaveLength(k);
  });
});
