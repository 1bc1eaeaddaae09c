/**
 * (a) Building the command input only, µs per op: dynakit `.build()`, ElectroDB `.params()`,
 * DynamoDB-Toolbox `.params()`, and the hand-written input object (the floor). No client is
 * called. Every op builds everything from scratch (builder, key, item, conditions).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynakitModel, electroModel, electroUser, sampleUser, toolboxModel } from './models.js';
import { dynakitInputs, electroInputs, OPERATIONS, rawInputs, toolboxInputs, type Inputs, type Operation } from './ops.js';
import { interleavedSync, roundRatios, summarize, type Summary } from './lib/measure.js';

export const CONTENDERS = ['raw', 'dynakit', 'electrodb', 'toolbox'] as const;
export type Contender = (typeof CONTENDERS)[number];

export interface OpRow {
  readonly op: Operation;
  /** µs (or ratio) per contender */
  readonly values: Record<Contender, Summary>;
  /** per-round ratios */
  readonly ratios: Record<string, Summary>;
}

export function inputPool(n = 256): Inputs[] {
  return Array.from({ length: n }, (_, i) => {
    const user = sampleUser(i);
    return { user, electroUser: electroUser(user), userId: `u${i}` };
  });
}

export function buildInputBench(options: { rounds: number; warmupMs: number; sampleMs: number }): OpRow[] {
  const client = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const doc = DynamoDBDocumentClient.from(client);
  const table = 'App';
  const makers: Record<Contender, Record<Operation, (x: Inputs) => object>> = {
    raw: rawInputs(table),
    dynakit: dynakitInputs(dynakitModel(client, table)),
    electrodb: electroInputs(electroModel(doc, table)),
    toolbox: toolboxInputs(toolboxModel(doc, table)),
  };
  const pool = inputPool();
  const mask = pool.length - 1;
  const rows: OpRow[] = [];
  for (const op of OPERATIONS) {
    const fns = Object.fromEntries(
      CONTENDERS.map((c) => {
        const f = makers[c][op];
        return [c, (i: number) => f(pool[i & mask]!)];
      }),
    ) as Record<Contender, (i: number) => object>;
    const samples = interleavedSync(fns, options);
    const values = Object.fromEntries(CONTENDERS.map((c) => [c, summarize(samples[c])])) as Record<Contender, Summary>;
    const fasterAnchor = samples.electrodb.map((e, i) => Math.min(e, samples.toolbox[i]!));
    rows.push({
      op,
      values,
      ratios: {
        'dynakit/raw': summarize(roundRatios(samples, 'dynakit', 'raw')),
        'faster anchor/dynakit': summarize(fasterAnchor.map((a, i) => a / samples.dynakit[i]!)),
        'electrodb/dynakit': summarize(roundRatios(samples, 'electrodb', 'dynakit')),
        'toolbox/dynakit': summarize(roundRatios(samples, 'toolbox', 'dynakit')),
      },
    });
  }
  client.destroy();
  return rows;
}
