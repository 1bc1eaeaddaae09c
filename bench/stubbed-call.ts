/**
 * (b) The whole call through the library and the AWS SDK, with the network replaced by a canned
 * HTTP response at the request handler: building, marshalling, signing, (de)serialisation,
 * unmarshalling and the library's result parsing all count. Ratio to a hand-written
 * DocumentClient call (same input as dynakit sends, result used as returned).
 *
 * Canned results: GetItem returns one stored item, Query one page of 10 items (each contender
 * gets items in its own storage format, so its parser accepts them), writes return `{}`.
 *
 * Each contender runs in a fresh process of its own (./stubbed-call-worker.ts), the contenders
 * taking turns in a rotating order, several repeats; ratios are taken between the processes of one
 * repeat. In one shared process the SDK's code is compiled for whichever library warmed it first
 * (different command classes and object shapes through the same middleware), and the per-process
 * difference in the SDK's own speed swung one-process ratios by ±10% between runs; an application
 * has one library's calls going through its SDK, as each process here does.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynakitModel, electroModel, toolboxModel } from './models.js';
import { dynakitCalls, electroCalls, electroInputs, OPERATIONS, rawCalls, rawInputs, toolboxCalls, toolboxInputs, type Inputs, type Operation } from './ops.js';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { calibrateAsync, consume, rotate, summarize, timeAsync, type Summary } from './lib/measure.js';
import { marshallItem, stubHandler, type CannedResponses } from './lib/stub-handler.js';
import { CONTENDERS, inputPool, type Contender, type OpRow } from './build-input.js';

const QUERY_PAGE = 10;

function canned(storedItem: (i: number) => Record<string, unknown>): CannedResponses {
  const items = Array.from({ length: QUERY_PAGE }, (_, i) => marshallItem(storedItem(i)));
  return {
    GetItem: { Item: items[0] },
    PutItem: {},
    UpdateItem: {},
    DeleteItem: {},
    Query: { Items: items, Count: items.length, ScannedCount: items.length },
  };
}

function clientWith(responses: CannedResponses): DynamoDBClient {
  return new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    requestHandler: stubHandler(responses),
  });
}

/** The stored form of a user as each library writes it (taken from its own put input). */
function storedBy(put: (x: Inputs) => object): (i: number) => Record<string, unknown> {
  return (i) => {
    const input = put(inputPool(i + 1)[i]!) as { Item: Record<string, unknown> };
    return input.Item;
  };
}

/** One contender's calls on its own stubbed client (call `loadDynakit` first for dynakit). */
export function contenderCalls(c: Contender, table: string): { calls: Record<Operation, (x: Inputs) => Promise<unknown>>; destroy(): void } {
  // Each library's own stored form; raw inputs are dynakit's. The anchors' inputs need a client
  // to build with, which never sends.
  const builderDoc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }));
  const stored =
    c === 'electrodb'
      ? storedBy(electroInputs(electroModel(builderDoc, table)).put)
      : c === 'toolbox'
        ? storedBy(toolboxInputs(toolboxModel(builderDoc, table)).put)
        : storedBy(rawInputs(table).put);
  builderDoc.destroy();
  const client = clientWith(canned(stored));
  const calls =
    c === 'raw'
      ? rawCalls(DynamoDBDocumentClient.from(client), table)
      : c === 'dynakit'
        ? dynakitCalls(dynakitModel(client, table))
        : c === 'electrodb'
          ? electroCalls(electroModel(DynamoDBDocumentClient.from(client), table))
          : toolboxCalls(toolboxModel(DynamoDBDocumentClient.from(client), table));
  return { calls, destroy: () => client.destroy() };
}

export interface WorkerOptions {
  readonly contender: Contender;
  /** the bundled dynakit entry the parent measures (undefined: src through tsx) */
  readonly dynakitEntry: string | undefined;
  readonly warmupMs: number;
  readonly sampleMs: number;
  /** samples per operation */
  readonly samples: number;
}

/** In the worker process: µs per call (CPU time), `samples` samples per operation. */
export async function measureContender(o: WorkerOptions): Promise<Record<Operation, number[]>> {
  const { calls, destroy } = contenderCalls(o.contender, 'App');
  // Sanity: the contender parses the canned results into items.
  const x = inputPool(2)[1]!;
  const got = await calls.get(x);
  const page = (await calls.query(x)) as unknown[] | undefined;
  if (got === undefined || page?.length !== QUERY_PAGE) {
    throw new Error(`stubbed ${o.contender}: get returned ${JSON.stringify(got)}, query returned ${page?.length} items`);
  }
  const pool = inputPool();
  const mask = pool.length - 1;
  const out = {} as Record<Operation, number[]>;
  for (const op of OPERATIONS) {
    const call = calls[op];
    const f = (i: number) => call(pool[i & mask]!);
    const until = performance.now() + o.warmupMs;
    let i = 0;
    while (performance.now() < until) for (let k = 0; k < 16; k++) consume(await f(i++));
    const n = await calibrateAsync(f, o.sampleMs);
    out[op] = [];
    for (let k = 0; k < o.samples; k++) out[op].push(await timeAsync(f, n));
  }
  destroy();
  return out;
}

const WORKER = fileURLToPath(new URL('./stubbed-call-worker.ts', import.meta.url));

function runWorker(o: WorkerOptions): Record<Operation, number> {
  // process.execArgv carries tsx's loader, so the worker runs the bench's TypeScript as this process does.
  const r = spawnSync(process.execPath, [...process.execArgv, WORKER, JSON.stringify(o)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = r.stdout?.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`stubbed-call worker for ${o.contender} failed (${r.status}):\n${r.stderr}`);
  const samples = JSON.parse(line) as Record<Operation, number[]>;
  return Object.fromEntries(OPERATIONS.map((op) => [op, summarize(samples[op]).median])) as Record<Operation, number>;
}

export function stubbedCallBench(options: {
  repeats: number;
  warmupMs: number;
  sampleMs: number;
  samples: number;
  dynakitEntry: string | undefined;
  log?: (s: string) => void;
}): OpRow[] {
  const repeats: Record<Contender, Record<Operation, number>>[] = [];
  for (let r = 0; r < options.repeats; r++) {
    const rep = {} as Record<Contender, Record<Operation, number>>;
    for (const c of rotate(CONTENDERS, r)) {
      rep[c] = runWorker({ contender: c, dynakitEntry: options.dynakitEntry, warmupMs: options.warmupMs, sampleMs: options.sampleMs, samples: options.samples });
    }
    repeats.push(rep);
    options.log?.(`  repeat ${r + 1}/${options.repeats}: dynakit/raw ${OPERATIONS.map((op) => `${op} ${(rep.dynakit[op] / rep.raw[op]).toFixed(3)}`).join(', ')}`);
  }
  const ratio = (a: Contender, op: Operation): Summary => summarize(repeats.map((p) => p[a][op] / p.raw[op]));
  return OPERATIONS.map((op) => ({
    op,
    values: Object.fromEntries(CONTENDERS.map((c) => [c, summarize(repeats.map((p) => p[c][op]))])) as Record<Contender, Summary>,
    ratios: { 'dynakit/raw': ratio('dynakit', op), 'electrodb/raw': ratio('electrodb', op), 'toolbox/raw': ratio('toolbox', op) },
  }));
}
