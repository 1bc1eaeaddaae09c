/**
 * (b) The whole call through the library and the AWS SDK, with the network replaced by a canned
 * HTTP response at the request handler: building, marshalling, signing, (de)serialisation,
 * unmarshalling and the library's result parsing all count. Ratio to a hand-written
 * DocumentClient call (same input as dynakit sends, result used as returned).
 *
 * Canned results: GetItem returns one stored item, Query one page of 10 items (each contender
 * gets items in its own storage format, so its parser accepts them), writes return `{}`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynakitModel, electroModel, toolboxModel } from './models.js';
import { dynakitCalls, electroCalls, electroInputs, OPERATIONS, rawCalls, rawInputs, toolboxCalls, toolboxInputs, type Inputs, type Operation } from './ops.js';
import { interleavedAsync, roundRatios, summarize, type Summary } from './lib/measure.js';
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

export async function stubbedCallBench(options: { rounds: number; warmupMs: number; sampleMs: number }): Promise<OpRow[]> {
  const table = 'App';
  const plain = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const plainDoc = DynamoDBDocumentClient.from(plain);
  const rawStored = storedBy(rawInputs(table).put);
  const electroStored = storedBy(electroInputs(electroModel(plainDoc, table)).put);
  const toolboxStored = storedBy(toolboxInputs(toolboxModel(plainDoc, table)).put);
  plain.destroy();

  const rawClient = clientWith(canned(rawStored));
  const dynakitClient = clientWith(canned(rawStored)); // raw inputs are dynakit's stored form
  const electroClient = clientWith(canned(electroStored));
  const toolboxClient = clientWith(canned(toolboxStored));

  const calls: Record<Contender, Record<Operation, (x: Inputs) => Promise<unknown>>> = {
    raw: rawCalls(DynamoDBDocumentClient.from(rawClient), table),
    dynakit: dynakitCalls(dynakitModel(dynakitClient, table)),
    electrodb: electroCalls(electroModel(DynamoDBDocumentClient.from(electroClient), table)),
    toolbox: toolboxCalls(toolboxModel(DynamoDBDocumentClient.from(toolboxClient), table)),
  };

  // Sanity: every contender parses the canned results into items.
  for (const c of CONTENDERS) {
    const x = inputPool(2)[1]!;
    const got = await calls[c].get(x);
    const page = (await calls[c].query(x)) as unknown[] | undefined;
    if (got === undefined || page?.length !== QUERY_PAGE) {
      throw new Error(`stubbed ${c}: get returned ${JSON.stringify(got)}, query returned ${page?.length} items`);
    }
  }

  const pool = inputPool();
  const mask = pool.length - 1;
  const rows: OpRow[] = [];
  for (const op of OPERATIONS) {
    const fns = Object.fromEntries(
      CONTENDERS.map((c) => {
        const f = calls[c][op];
        return [c, (i: number) => f(pool[i & mask]!)];
      }),
    ) as Record<Contender, (i: number) => Promise<unknown>>;
    const samples = await interleavedAsync(fns, options);
    const values = Object.fromEntries(CONTENDERS.map((c) => [c, summarize(samples[c])])) as Record<Contender, Summary>;
    rows.push({
      op,
      values,
      ratios: {
        'dynakit/raw': summarize(roundRatios(samples, 'dynakit', 'raw')),
        'electrodb/raw': summarize(roundRatios(samples, 'electrodb', 'raw')),
        'toolbox/raw': summarize(roundRatios(samples, 'toolbox', 'raw')),
      },
    });
  }
  for (const c of [rawClient, dynakitClient, electroClient, toolboxClient]) c.destroy();
  return rows;
}
