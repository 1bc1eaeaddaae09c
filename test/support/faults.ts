/**
 * Fault injection for a real DynamoDBClient talking to a real DynamoDB Local.
 *
 * DynamoDB Local never throttles, never returns `UnprocessedItems` and never drops a connection,
 * so the retry loops of batch writes/gets cannot be exercised against it as it is. `injectFaults`
 * adds two AWS SDK v3 middlewares to the client that make it misbehave like the real service,
 * at random (seeded) or on purpose:
 *
 * - partial batch: a random subset of a `BatchWriteItem`'s requests (or a `BatchGetItem`'s keys)
 *   is taken out of the HTTP request before it is sent, and added to the `UnprocessedItems`
 *   (`UnprocessedKeys`) of the server's answer, so the server never saw them. If every request
 *   would be held back, the call is throttled instead (as DynamoDB does when it can process nothing).
 * - throttling: a `ProvisionedThroughputExceededException` (the SDK's own class: HTTP 400,
 *   `$fault: 'client'`) without calling the server.
 * - dropped connection before the server applied the request: an error shaped like the one the
 *   SDK's node HTTP handler raises for a reset socket (`code: 'ECONNRESET'`, `name: 'TimeoutError'`),
 *   without calling the server.
 * - dropped connection after the server applied it: the request goes through, then the same error
 *   is thrown, so the write happened but the client does not know.
 * - transaction conflicts: the first N `TransactWriteItems` / `TransactGetItems` calls fail with a
 *   `TransactionCanceledException` whose `CancellationReasons` say `TransactionConflict`.
 *
 * Where the middlewares sit (see `client.middlewareStack.identify()`):
 *
 *   ... serializerMiddleware (serialize)  -> the body is the wire JSON (raw AttributeValues)
 *   retryMiddleware (finalizeRequest)     -> the SDK's own retries (maxAttempts)
 *   dynakitFaultsRequest                  -> here: decide the faults of this attempt, trim the body
 *   httpSigningMiddleware                 -> signs what is really sent
 *   DocumentUnmarshall, deserializerMiddleware (deserialize)
 *   dynakitFaultsResponse                 -> here: add held-back requests to the raw JSON answer,
 *                                            or drop the connection after the server answered
 *   HTTP handler
 *
 * Both sit inside the SDK's retry middleware, so each SDK attempt gets its own faults (create the
 * client with `maxAttempts: 1` to see every fault in dynakit's own loops). They work on the wire
 * JSON, below lib-dynamodb's marshalling, so they apply to `BatchWriteCommand` of lib-dynamodb and
 * `BatchWriteItemCommand` of client-dynamodb alike (`context.commandName` is the latter for both).
 * The body is changed before signing, so this also works against the real service.
 *
 * Decisions come from one seeded PRNG consumed call by call: the same seed and the same order of
 * calls give the same faults (with several calls in flight, the order depends on timing).
 */
import {
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
  type DynamoDBClient,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-dynamodb';
import type { FinalizeRequestMiddleware } from '@smithy/types';

/** An AttributeValue in DynamoDB's JSON wire format (`{ S: 'x' }`, `{ N: '1' }`, `{ B: '<base64>' }`...). */
export type WireValue = Record<string, unknown>;
/** An item or key in wire format. */
export type WireItem = Record<string, WireValue>;
/** One entry of `BatchWriteItem`'s `RequestItems[table]`. */
export interface WireWriteRequest {
  PutRequest?: { Item: WireItem };
  DeleteRequest?: { Key: WireItem };
}
/** `BatchGetItem`'s `RequestItems[table]`. */
interface WireKeysAndAttributes {
  Keys: WireItem[];
  [option: string]: unknown;
}

export interface FaultRates {
  /** Probability that a batch call processes only part of its requests/keys (each is held back with probability 1/2). */
  readonly partial?: number;
  /** Probability that a call is throttled (ProvisionedThroughputExceededException) without reaching the server. */
  readonly throttle?: number;
  /** Probability that the connection drops before the server gets the call. */
  readonly dropBefore?: number;
  /** Probability that the connection drops after the server applied the call. */
  readonly dropAfter?: number;
}

/** What a batch entry looks like to the `stuck` predicate. */
export interface StuckCandidate {
  readonly command: 'BatchWriteItemCommand' | 'BatchGetItemCommand';
  readonly table: string;
  /** The put's item, the delete's key, or the get's key (wire format). */
  readonly item: WireItem;
  /** Position of the entry in the call (0-based, across tables). */
  readonly index: number;
}

export interface FaultOptions extends FaultRates {
  /** Seed of the fault decisions (same seed and same sequence of calls -> same faults). Default 1. */
  readonly seed?: number;
  /**
   * Commands (`context.commandName`) that get partial/throttle/drop faults.
   * Default: `BatchWriteItemCommand` and `BatchGetItemCommand`.
   */
  readonly commands?: readonly string[];
  /** Batch entries that are never processed: always held back (or the call throttled if nothing else is left). */
  readonly stuck?: (entry: StuckCandidate) => boolean;
  /** The first N `TransactWriteItems` calls fail with a `TransactionConflict` cancellation (before reaching the server). */
  readonly transactionConflicts?: number;
  /** Index of the action the injected `TransactionConflict` names (others say `None`). Default 0. */
  readonly conflictIndex?: number;
  /**
   * Faults for the first calls of the faulty commands, in order, before the random rates apply:
   * e.g. `['dropAfter', 'ok']` applies the first call and loses its answer, and lets the second through.
   */
  readonly script?: readonly ('ok' | 'partial' | 'throttle' | 'dropBefore' | 'dropAfter')[];
  /** Codes of the injected cancellation, one per action (overrides `conflictIndex`). */
  readonly conflictCodes?: readonly string[];
  /** Keep a log of every `BatchWriteItem` request that reached the server (`writeLog`). Default false. */
  readonly logWrites?: boolean;
}

export interface FaultCounters {
  /** Calls (SDK attempts) of any command seen by the injector. */
  calls: number;
  /** Calls that reached the server. */
  serverCalls: number;
  /** Batch calls answered with only part of their requests processed (random partial faults). */
  partial: number;
  /** Batch requests/keys held back into UnprocessedItems/UnprocessedKeys (random and stuck). */
  heldBack: number;
  /** Batch requests/keys held back because `stuck` matched them. */
  stuck: number;
  /** Calls throttled without reaching the server. */
  throttled: number;
  /** Connections dropped before the server got the call. */
  droppedBefore: number;
  /** Connections dropped after the server applied the call. */
  droppedAfter: number;
  /** TransactWriteItems calls cancelled with an injected TransactionConflict. */
  conflicts: number;
  /** Most calls in flight at the server at once. */
  maxInFlight: number;
}

/** One `BatchWriteItem` request that reached the server (in the order the answers came back). */
export interface DeliveredWrite {
  readonly table: string;
  readonly request: WireWriteRequest;
  /** The client was told it was written (false: the connection dropped after the server applied it). */
  readonly confirmed: boolean;
}

/** One call as the injector saw it (every SDK attempt of every command). */
export interface CallRecord {
  readonly command: string;
  /** Requests (batch writes) or keys (batch gets) in the call as the client sent it; 0 for other commands. */
  readonly entries: number;
  /** Of those, how many the server got (after holding some back). */
  readonly delivered: number;
  readonly outcome: 'answered' | 'throttled' | 'droppedBefore' | 'droppedAfter' | 'conflict';
  /** The call's input as the client sent it (wire JSON). */
  readonly body: Record<string, unknown>;
}

export interface FaultInjector {
  readonly counters: Readonly<FaultCounters>;
  /** Every call, in order. */
  readonly calls: readonly CallRecord[];
  /** With `logWrites`: every BatchWriteItem request that reached the server. */
  readonly writeLog: readonly DeliveredWrite[];
  /** Total injected faults (partial + stuck-only holds + throttles + drops + conflicts). */
  readonly faults: number;
  /** Changes the rates from now on (e.g. `set({ partial: 0 })`). */
  set(options: Partial<Omit<FaultOptions, 'seed' | 'logWrites'>>): void;
  /** Zeroes the counters and clears the logs. */
  reset(): void;
  /** Removes the middlewares from the client. */
  remove(): void;
}

const DEFAULT_COMMANDS = ['BatchWriteItemCommand', 'BatchGetItemCommand'];

/** mulberry32: a small, fast, seedable PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The error the SDK's node HTTP handler raises when the socket is reset. */
export function connectionReset(when: 'before' | 'after'): Error {
  return Object.assign(new Error(`read ECONNRESET (injected, ${when} the server applied the request)`), {
    name: 'TimeoutError',
    code: 'ECONNRESET',
    errno: -104,
    syscall: 'read',
  });
}

export function throttled(): ProvisionedThroughputExceededException {
  return new ProvisionedThroughputExceededException({
    message: 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API. (injected)',
    $metadata: { httpStatusCode: 400, attempts: 1, totalRetryDelay: 0 },
  });
}

export function transactionConflict(actions: number, index: number, codes?: readonly string[]): TransactionCanceledException {
  const reasonMessage = (code: string): string | undefined =>
    code === 'TransactionConflict' ? 'Transaction is ongoing for the item' : code === 'ConditionalCheckFailed' ? 'The conditional request failed' : undefined;
  const CancellationReasons = Array.from({ length: actions }, (_, i) => {
    const Code = codes?.[i] ?? (i === index ? 'TransactionConflict' : 'None');
    const Message = reasonMessage(Code);
    return Message === undefined ? { Code } : { Code, Message };
  });
  const list = CancellationReasons.map((r) => r.Code).join(', ');
  const message = `Transaction cancelled, please refer cancellation reasons for specific reasons [${list}] (injected)`;
  return new TransactionCanceledException({ message, Message: message, CancellationReasons, $metadata: { httpStatusCode: 400 } });
}

interface HttpRequestLike {
  body?: unknown;
  headers: Record<string, string>;
}
interface HttpResponseLike {
  statusCode: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** What the request side decided for the response side of one attempt. */
interface Plan {
  readonly command: string;
  readonly body: Record<string, unknown>;
  readonly entries: number;
  readonly delivered: number;
  /** BatchWriteItem: held-back requests per table. */
  readonly heldWrites?: Record<string, WireWriteRequest[]>;
  /** BatchGetItem: held-back keys per table, with the table entry's options. */
  readonly heldKeys?: Record<string, WireKeysAndAttributes>;
  /** BatchWriteItem: what reaches the server. */
  readonly sentWrites?: Record<string, WireWriteRequest[]>;
  readonly dropAfter: boolean;
}

/** The request body as text: the JSON protocol serializes to a string or to bytes of one. */
export function bodyText(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return undefined;
}

export async function readBody(body: unknown): Promise<string> {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

export function withBody<T extends object>(original: T, changes: Partial<T>): T {
  return Object.assign(Object.create(Object.getPrototypeOf(original) as object) as T, original, changes);
}

export function setHeader(headers: Record<string, string>, name: string, value: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() !== name) out[k] = v;
  if (value !== undefined) out[name] = value;
  return out;
}

/**
 * Adds fault injection to `client` (a real DynamoDBClient). Returns counters, logs and a way to
 * change rates or remove the middlewares.
 *
 * @example
 * const client = new DynamoDBClient({ ...localClientConfig(endpoint), maxAttempts: 1 });
 * const faults = injectFaults(client, { seed: 42, partial: 0.3, throttle: 0.1, dropBefore: 0.05, dropAfter: 0.05 });
 * await AppTable.batchWrite(writes, { baseDelayMs: 1, maxDelayMs: 20 });
 * console.log(faults.counters);
 */
export function injectFaults(client: DynamoDBClient, options: FaultOptions = {}): FaultInjector {
  const random = seededRandom(options.seed ?? 1);
  let config: Omit<FaultOptions, 'seed' | 'logWrites'> = { ...options };
  const logWrites = options.logWrites ?? false;
  const zero = (): FaultCounters => ({ calls: 0, serverCalls: 0, partial: 0, heldBack: 0, stuck: 0, throttled: 0, droppedBefore: 0, droppedAfter: 0, conflicts: 0, maxInFlight: 0 });
  let counters = zero();
  let calls: CallRecord[] = [];
  let writeLog: DeliveredWrite[] = [];
  let conflictsLeft = config.transactionConflicts ?? 0;
  let script = [...(config.script ?? [])];
  let stuckOnlyHolds = 0;
  let inFlight = 0;
  const plans = new WeakMap<object, Plan>();
  const requestName = `dynakitFaultsRequest${Math.floor(Math.random() * 1e9)}`;
  const responseName = `dynakitFaultsResponse${Math.floor(Math.random() * 1e9)}`;

  const chance = (p: number | undefined): boolean => p !== undefined && p > 0 && random() < p;

  const record = (plan: Plan, outcome: CallRecord['outcome']): void => {
    calls.push({ command: plan.command, entries: plan.entries, delivered: outcome === 'answered' || outcome === 'droppedAfter' ? plan.delivered : 0, outcome, body: plan.body });
  };

  const requestSide: FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next, context) => async (args) => {
    const request = (args as { request?: HttpRequestLike }).request;
    const command = context.commandName ?? '';
    const raw = request === undefined ? undefined : bodyText(request.body);
    if (request === undefined || raw === undefined) return next(args);
    counters.calls++;
    const body = JSON.parse(raw) as Record<string, unknown>;
    let plan: Plan = { command, body, entries: 0, delivered: 0, dropAfter: false };

    if ((command === 'TransactWriteItemsCommand' || command === 'TransactGetItemsCommand') && conflictsLeft > 0) {
      conflictsLeft--;
      counters.conflicts++;
      const actions = (body['TransactItems'] as unknown[] | undefined)?.length ?? 1;
      record(plan, 'conflict');
      throw transactionConflict(actions, config.conflictIndex ?? 0, config.conflictCodes);
    }

    const faulty = (config.commands ?? DEFAULT_COMMANDS).includes(command);
    const scripted = faulty && script.length > 0 ? script.shift() : undefined;
    const roll = (kind: 'partial' | 'throttle' | 'dropBefore' | 'dropAfter'): boolean =>
      faulty && (scripted === undefined ? chance(config[kind]) : scripted === kind);
    let sendBody = body;
    let held: { heldCount: number; stuckCount: number; partial: boolean } | undefined;
    if (command === 'BatchWriteItemCommand' || command === 'BatchGetItemCommand') {
      const partial = roll('partial');
      const split = { ...(command === 'BatchWriteItemCommand' ? splitWrites(body, partial) : splitGets(body, partial)), partial };
      plan = { ...plan, ...split.plan };
      if (split.sentCount === 0) {
        // DynamoDB answers a batch it can do nothing of with a throttling error.
        counters.throttled++;
        record(plan, 'throttled');
        throw throttled();
      }
      sendBody = split.sendBody;
      held = split;
    }

    if (roll('throttle')) {
      counters.throttled++;
      record(plan, 'throttled');
      throw throttled();
    }
    if (roll('dropBefore')) {
      counters.droppedBefore++;
      record(plan, 'droppedBefore');
      throw connectionReset('before');
    }
    if (held !== undefined && held.heldCount > 0) {
      counters.heldBack += held.heldCount;
      counters.stuck += held.stuckCount;
      if (held.partial) counters.partial++;
      else stuckOnlyHolds++;
    }
    plan = { ...plan, dropAfter: roll('dropAfter') };
    plans.set(context, plan);
    let nextArgs = args;
    if (sendBody !== body) {
      const text = JSON.stringify(sendBody);
      const headers = setHeader(request.headers, 'content-length', String(Buffer.byteLength(text)));
      nextArgs = { ...args, request: withBody(request, { body: text, headers }) };
    }
    counters.serverCalls++;
    inFlight++;
    counters.maxInFlight = Math.max(counters.maxInFlight, inFlight);
    try {
      return await next(nextArgs);
    } finally {
      inFlight--;
    }
  };
  client.middlewareStack.addRelativeTo(requestSide, { relation: 'before', toMiddleware: 'httpSigningMiddleware', name: requestName, override: true });

  client.middlewareStack.add(
    (next, context) => async (args) => {
      const plan = plans.get(context);
      if (plan === undefined) return next(args);
      plans.delete(context);
      const result = await next(args);
      const response = (result as { response?: HttpResponseLike }).response;
      if (plan.dropAfter) {
        if (response !== undefined) await readBody(response.body);
        counters.droppedAfter++;
        record(plan, 'droppedAfter');
        if (logWrites && response?.statusCode === 200) {
          for (const [table, reqs] of Object.entries(plan.sentWrites ?? {})) for (const r of reqs) writeLog.push({ table, request: r, confirmed: false });
        }
        throw connectionReset('after');
      }
      record(plan, 'answered');
      if (response === undefined || response.statusCode !== 200) return result;
      const needsRewrite = plan.heldWrites !== undefined || plan.heldKeys !== undefined;
      if (!needsRewrite && !logWrites) return result;
      const text = await readBody(response.body);
      const out = (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
      if (logWrites && plan.sentWrites !== undefined) {
        const serverLeft = new Set<string>();
        for (const [table, reqs] of Object.entries((out['UnprocessedItems'] ?? {}) as Record<string, WireWriteRequest[]>)) {
          for (const r of reqs) serverLeft.add(`${table}\u0000${JSON.stringify(r)}`);
        }
        for (const [table, reqs] of Object.entries(plan.sentWrites)) {
          for (const r of reqs) if (!serverLeft.has(`${table}\u0000${JSON.stringify(r)}`)) writeLog.push({ table, request: r, confirmed: true });
        }
      }
      if (plan.heldWrites !== undefined) {
        const un = { ...((out['UnprocessedItems'] ?? {}) as Record<string, WireWriteRequest[]>) };
        for (const [table, reqs] of Object.entries(plan.heldWrites)) un[table] = [...(un[table] ?? []), ...reqs];
        out['UnprocessedItems'] = un;
      }
      if (plan.heldKeys !== undefined) {
        const un = { ...((out['UnprocessedKeys'] ?? {}) as Record<string, WireKeysAndAttributes>) };
        for (const [table, entry] of Object.entries(plan.heldKeys)) {
          const prev = un[table];
          un[table] = prev === undefined ? entry : { ...prev, Keys: [...prev.Keys, ...entry.Keys] };
        }
        out['UnprocessedKeys'] = un;
      }
      const rewritten = Buffer.from(JSON.stringify(out), 'utf8');
      let headers = setHeader(response.headers, 'content-length', String(rewritten.byteLength));
      headers = setHeader(headers, 'x-amz-crc32', undefined);
      const newResponse = withBody(response, { body: new Uint8Array(rewritten), headers });
      return { ...result, response: newResponse };
    },
    { step: 'deserialize', priority: 'low', name: responseName, override: true },
  );

  interface Split {
    plan: Partial<Plan>;
    sendBody: Record<string, unknown>;
    heldCount: number;
    stuckCount: number;
    sentCount: number;
  }

  function isStuck(command: StuckCandidate['command'], table: string, item: WireItem, index: number): boolean {
    return config.stuck !== undefined && config.stuck({ command, table, item, index });
  }

  function splitWrites(body: Record<string, unknown>, partial: boolean): Split {
    const items = (body['RequestItems'] ?? {}) as Record<string, WireWriteRequest[]>;
    const sent: Record<string, WireWriteRequest[]> = {};
    const held: Record<string, WireWriteRequest[]> = {};
    let entries = 0;
    let heldCount = 0;
    let stuckCount = 0;
    let sentCount = 0;
    for (const [table, reqs] of Object.entries(items)) {
      for (const r of reqs) {
        const item = r.PutRequest?.Item ?? r.DeleteRequest?.Key ?? {};
        const stuck = isStuck('BatchWriteItemCommand', table, item, entries++);
        if (stuck || (partial && random() < 0.5)) {
          (held[table] ??= []).push(r);
          heldCount++;
          if (stuck) stuckCount++;
        } else {
          (sent[table] ??= []).push(r);
          sentCount++;
        }
      }
    }
    return {
      plan: { entries, delivered: sentCount, sentWrites: sent, ...(heldCount > 0 ? { heldWrites: held } : {}) },
      sendBody: heldCount > 0 ? { ...body, RequestItems: sent } : body,
      heldCount,
      stuckCount,
      sentCount,
    };
  }

  function splitGets(body: Record<string, unknown>, partial: boolean): Split {
    const items = (body['RequestItems'] ?? {}) as Record<string, WireKeysAndAttributes>;
    const sent: Record<string, WireKeysAndAttributes> = {};
    const held: Record<string, WireKeysAndAttributes> = {};
    let entries = 0;
    let heldCount = 0;
    let stuckCount = 0;
    let sentCount = 0;
    for (const [table, entry] of Object.entries(items)) {
      const { Keys, ...rest } = entry;
      for (const key of Keys) {
        const stuck = isStuck('BatchGetItemCommand', table, key, entries++);
        if (stuck || (partial && random() < 0.5)) {
          (held[table] ??= { ...rest, Keys: [] }).Keys.push(key);
          heldCount++;
          if (stuck) stuckCount++;
        } else {
          (sent[table] ??= { ...rest, Keys: [] }).Keys.push(key);
          sentCount++;
        }
      }
    }
    return {
      plan: { entries, delivered: sentCount, ...(heldCount > 0 ? { heldKeys: held } : {}) },
      sendBody: heldCount > 0 ? { ...body, RequestItems: sent } : body,
      heldCount,
      stuckCount,
      sentCount,
    };
  }

  return {
    get counters() {
      return counters;
    },
    get calls() {
      return calls;
    },
    get writeLog() {
      return writeLog;
    },
    get faults() {
      return counters.partial + stuckOnlyHolds + counters.throttled + counters.droppedBefore + counters.droppedAfter + counters.conflicts;
    },
    set(changes) {
      config = { ...config, ...changes };
      if (changes.transactionConflicts !== undefined) conflictsLeft = changes.transactionConflicts;
      if (changes.script !== undefined) script = [...changes.script];
    },
    reset() {
      counters = zero();
      calls = [];
      writeLog = [];
      stuckOnlyHolds = 0;
    },
    remove() {
      client.middlewareStack.remove(requestName);
      client.middlewareStack.remove(responseName);
    },
  };
}
