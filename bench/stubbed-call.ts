/**
 * (b) The whole call through the library and the AWS SDK, with the network replaced by a canned
 * HTTP response at the request handler: building, marshalling, signing, (de)serialisation,
 * unmarshalling and the library's result parsing all count. Ratio to a hand-written
 * DocumentClient call (same input as dynakit sends, result used as returned).
 *
 * Canned results: GetItem returns one stored item, Query one page of 10 items (each contender
 * gets items in its own storage format, so its parser accepts them), writes return `{}`.
 *
 * Method: each contender is paired with the hand-written call in a fresh process
 * (./stubbed-call-worker.ts); the two take turns in short slices, so a round's ratio compares two
 * slices run moments apart in the same process. Two things made this precise enough on this
 * machine to tell a few per cent apart:
 * - Pairs, not one process per contender. The SDK's speed differs from process to process (JIT
 *   and heap layout) by more than a library's overhead, so ratios between processes swung ±20%.
 * - A young generation of 64 MB (`--max-semi-space-size`). With the default, slices carried
 *   garbage collections caused by the other call's allocations and per-round ratios ranged 0.2-5x.
 *   A minor collection before every slice keeps each call's garbage in its own slices.
 * A second hand-written client paired with the first (the A/A control) measures what the method
 * can resolve: it should come out at 1.00x.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynakitModel, electroModel, toolboxModel } from './models.js';
import { dynakitCalls, electroCalls, electroInputs, OPERATIONS, rawCalls, rawInputs, toolboxCalls, toolboxInputs, type Inputs, type Operation } from './ops.js';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { calibrateAsync, consume, currentMetric, rotate, summarize, timeAsync, type Metric, type Summary } from './lib/measure.js';
import { marshallItem, stubHandler, type CannedResponses } from './lib/stub-handler.js';
import { CONTENDERS, inputPool, type Contender, type OpRow } from './build-input.js';
import { loadDynakit } from './lib/dynakit.js';

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
  /** measured against a hand-written call in the same process; `raw` is the A/A control (two hand-written clients) */
  readonly contender: Contender;
  /** the bundled dynakit entry the parent measures (undefined: src through tsx) */
  readonly dynakitEntry: string | undefined;
  /** warm-up per operation, both calls of the pair taking turns */
  readonly warmupMs: number;
  readonly sampleMs: number;
  /** interleaved rounds per operation; each round times one slice of each call of the pair */
  readonly rounds: number;
  readonly metric: Metric;
  /**
   * A/B of two dynakit builds (bench/ab-whole-call.ts): dynakit loaded from this entry takes the
   * hand-written call's place in the pair, and `dynakitEntry` is the other side.
   */
  readonly baselineEntry?: string;
  /** with `baselineEntry`: build the baseline's model first (alternated across processes, in case load order matters to the JIT) */
  readonly baselineFirst?: boolean;
  /** a subset of the operations, in their usual order (default: all) */
  readonly operations?: readonly Operation[];
}

/** Per operation, per round: µs per call (CPU time) of the hand-written call and of the contender. */
export type PairSamples = Record<Operation, { raw: number[]; other: number[] }>;

async function checkParses(name: string, calls: Record<Operation, (x: Inputs) => Promise<unknown>>): Promise<void> {
  const x = inputPool(2)[1]!;
  const got = await calls.get(x);
  const page = (await calls.query(x)) as unknown[] | undefined;
  if (got === undefined || page?.length !== QUERY_PAGE) {
    throw new Error(`stubbed ${name}: get returned ${JSON.stringify(got)}, query returned ${page?.length} items`);
  }
}

/**
 * In the worker process: the hand-written call and the contender's, each on a client of its own,
 * taking turns in short slices (rotating which goes first), so whatever this process's SDK and
 * heap happen to cost hits both calls of a round alike.
 */
export async function measurePair(o: WorkerOptions): Promise<PairSamples> {
  const [raw, other] = await pairCalls(o);
  await checkParses('raw', raw.calls);
  await checkParses(o.contender, other.calls);
  const pool = inputPool();
  const mask = pool.length - 1;
  const out = {} as PairSamples;
  for (const op of o.operations ?? OPERATIONS) {
    const pair = [raw.calls[op], other.calls[op]].map((call) => (i: number) => call(pool[i & mask]!));
    const until = performance.now() + o.warmupMs;
    let i = 0;
    while (performance.now() < until) for (const f of pair) for (let k = 0; k < 16; k++) consume(await f(i++));
    const n: number[] = [];
    for (const f of pair) n.push(await calibrateAsync(f, o.sampleMs));
    const samples: [number[], number[]] = [[], []];
    for (let r = 0; r < o.rounds; r++) {
      for (const k of rotate([0, 1], r)) {
        // Each slice starts with an empty young generation, so neither call pays for the other's garbage.
        collectGarbage();
        samples[k]!.push(await timeAsync(pair[k]!, n[k]!));
      }
    }
    out[op] = { raw: samples[0], other: samples[1] };
  }
  raw.destroy();
  other.destroy();
  return out;
}

type Calls = ReturnType<typeof contenderCalls>;

async function pairCalls(o: WorkerOptions): Promise<[Calls, Calls]> {
  if (o.baselineEntry === undefined) return [contenderCalls('raw', 'App'), contenderCalls(o.contender, 'App')];
  // A model binds the dynakit module loaded when it is made, so two builds can live side by side.
  const make = async (entry: string | undefined) => (await loadDynakit(entry), contenderCalls('dynakit', 'App'));
  if (o.baselineFirst === true) {
    const a = await make(o.baselineEntry);
    return [a, await make(o.dynakitEntry)];
  }
  const b = await make(o.dynakitEntry);
  return [await make(o.baselineEntry), b];
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: (o: { type: 'minor' }) => void }).gc;
  if (gc === undefined) throw new Error('stubbed-call worker: run with --expose-gc');
  gc({ type: 'minor' });
}

const WORKER = fileURLToPath(new URL('./stubbed-call-worker.ts', import.meta.url));
const WORKER_FLAGS = ['--expose-gc', '--max-semi-space-size=64'];

export function runWorker(o: WorkerOptions): PairSamples {
  // process.execArgv carries tsx's loader, so the worker runs the bench's TypeScript as this process does.
  const r = spawnSync(process.execPath, [...WORKER_FLAGS, ...process.execArgv, WORKER, JSON.stringify(o)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = r.stdout?.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`stubbed-call worker for ${o.contender} failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(line) as PairSamples;
}

export interface StubbedCallResult {
  /**
   * `values`: µs per call, over all rounds; `ratios[c/raw]`: median of all rounds' ratios, with
   * min-max of the per-process medians
   */
  readonly rows: OpRow[];
  /** the A/A control (a second hand-written client against the first), per operation, summarised the same way */
  readonly control: Record<Operation, Summary>;
  /** pair processes per contender */
  readonly processes: number;
  /** rounds per operation in each process */
  readonly rounds: number;
  readonly warmupMs: number;
  readonly sampleMs: number;
}

/** The median over every round, and the range of the processes' own medians. */
function pooled(perProcess: number[][]): Summary {
  const all = summarize(perProcess.flat());
  const medians = summarize(perProcess.map((rs) => summarize(rs).median));
  return { median: all.median, min: medians.min, max: medians.max, n: perProcess.length };
}

/**
 * Each contender (and a second hand-written client, the control) is paired with the hand-written
 * call in `processes` fresh processes, the pairs taking turns.
 */
export function stubbedCallBench(options: {
  processes: number;
  rounds: number;
  warmupMs: number;
  sampleMs: number;
  dynakitEntry: string | undefined;
  log?: (s: string) => void;
}): StubbedCallResult {
  const contenders = CONTENDERS.filter((c) => c !== 'raw');
  const pairs = ['raw', ...contenders] as Contender[];
  const perOp = <T>(make: () => T) => Object.fromEntries(OPERATIONS.map((op) => [op, make()])) as Record<Operation, T>;
  const ratios = Object.fromEntries(pairs.map((c) => [c, perOp<number[][]>(() => [])])) as Record<Contender, Record<Operation, number[][]>>;
  const micros = Object.fromEntries(CONTENDERS.map((c) => [c, perOp<number[]>(() => [])])) as Record<Contender, Record<Operation, number[]>>;
  const { processes, rounds, warmupMs, sampleMs } = options;
  for (let p = 0; p < processes; p++) {
    for (const c of rotate(pairs, p)) {
      const s = runWorker({ contender: c, dynakitEntry: options.dynakitEntry, warmupMs, sampleMs, rounds, metric: currentMetric() });
      for (const op of OPERATIONS) {
        const { raw, other } = s[op];
        ratios[c][op].push(other.map((v, i) => v / raw[i]!));
        micros.raw[op].push(...raw);
        if (c !== 'raw') micros[c][op].push(...other);
      }
      const label = c === 'raw' ? 'raw/raw (control)' : `${c}/raw`;
      options.log?.(`  process ${p + 1}/${processes}, ${label}: ${OPERATIONS.map((op) => `${op} ${summarize(ratios[c][op].at(-1)!).median.toFixed(3)}`).join(', ')}`);
    }
  }
  const rows = OPERATIONS.map((op) => ({
    op,
    values: Object.fromEntries(CONTENDERS.map((c) => [c, summarize(micros[c][op])])) as Record<Contender, Summary>,
    ratios: Object.fromEntries(contenders.map((c) => [`${c}/raw`, pooled(ratios[c][op])])),
  }));
  const control = perOp(() => undefined as unknown as Summary);
  for (const op of OPERATIONS) control[op] = pooled(ratios.raw[op]);
  return { rows, control, processes, rounds, warmupMs, sampleMs };
}
