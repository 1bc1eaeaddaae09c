/**
 * The benchmark's floor (bench/ops.ts `rawInputs`) is "the same request dynakit sends, written by
 * hand": when dynakit's requests change (a guard added to a condition), a stale floor would charge
 * dynakit for bytes the floor does not send, or credit it for ones it stopped sending. This keeps
 * the two equal, up to placeholder numbering and the time of the call.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadDynakit } from '../../bench/lib/dynakit.js';
import { dynakitModel } from '../../bench/models.js';
import { dynakitInputs, OPERATIONS, rawInputs } from '../../bench/ops.js';
import { inputPool } from '../../bench/build-input.js';

const EXPRESSIONS = ['KeyConditionExpression', 'ConditionExpression', 'FilterExpression', 'UpdateExpression', 'ProjectionExpression'] as const;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The input with every placeholder replaced by what it stands for, and times by a marker. */
function resolved(input: object): Record<string, unknown> {
  const { ExpressionAttributeNames: names = {}, ExpressionAttributeValues: values = {}, ...rest } = input as Record<string, unknown> & {
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  };
  const shown = (v: unknown): string => (typeof v === 'string' && ISO_TIME.test(v) ? '<time>' : JSON.stringify(v));
  const out: Record<string, unknown> = { ...rest };
  for (const field of EXPRESSIONS) {
    const text = out[field];
    if (typeof text !== 'string') continue;
    out[field] = text.replace(/#n\d+/g, (p) => `#${names[p]}`).replace(/:v\d+/g, (p) => shown(values[p]));
  }
  if (out['Item'] !== undefined) out['Item'] = Object.fromEntries(Object.entries(out['Item'] as object).map(([k, v]) => [k, ISO_TIME.test(String(v)) ? '<time>' : v]));
  return out;
}

describe('the benchmark floor sends what dynakit sends', () => {
  let dynakit: ReturnType<typeof dynakitInputs>;
  beforeAll(async () => {
    await loadDynakit();
    dynakit = dynakitInputs(dynakitModel(new DynamoDBClient({ region: 'us-east-1' }), 'App'));
  });
  const raw = rawInputs('App');
  const [x] = inputPool(1);

  it.each(OPERATIONS)('%s', (op) => {
    const ours = resolved(dynakit[op](x!));
    const floor = resolved(raw[op](x!));
    // SET clauses may list their actions in another order: compared as sets.
    const clauses = (u: unknown) => (typeof u === 'string' ? u.split(/ (?=SET|ADD|REMOVE|DELETE)/).map((c) => c.split(', ').sort().join(', ')) : u);
    expect({ ...floor, UpdateExpression: clauses(floor['UpdateExpression']) }).toEqual({ ...ours, UpdateExpression: clauses(ours['UpdateExpression']) });
    expect(Object.keys(ours).length).toBeGreaterThan(1);
  });
});
