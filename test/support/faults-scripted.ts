/**
 * Scripted fault injection for the model-based fault test (test/integration/model-based-faults-67.test.ts):
 * the test's generator decides the fault of every call, in the order the calls are made, and the
 * injector logs what the server really applied and what the client was told, so the test can say
 * exactly which writes happened.
 *
 * It works like test/support/faults.ts (middlewares on a real DynamoDBClient talking to a real
 * DynamoDB Local, on the wire JSON, inside the SDK's retry loop and before signing), with the fault
 * kinds the random injector lacks: every answer a batch call can get (a chosen subset left
 * unprocessed, or all of it), the three throttling errors, a 500 and a 503, an error not worth
 * retrying, a dropped connection before or after the server applied the call, a transaction
 * conflict, an abort before or after the server applied the call, and a slow call (for timeouts).
 *
 * Calls of other commands (Scan, GetItem...) are neither faulted nor logged.
 */
import {
  InternalServerError,
  ProvisionedThroughputExceededException,
  DynamoDBServiceException,
  type DynamoDBClient,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-dynamodb';
import type { FinalizeRequestMiddleware } from '@smithy/types';
import { bodyText, connectionReset, readBody, setHeader, throttled, transactionConflict, withBody, type WireItem, type WireWriteRequest } from './faults.js';

/** What one call meets. Kinds that do not apply to a command (`partial` on a transaction) act as `ok`. */
export type Fault =
  | { readonly kind: 'ok' }
  /** Batch calls: the entries whose bit (position mod 30) is set in `mask` are left unprocessed (never sent). */
  | { readonly kind: 'partial'; readonly mask: number }
  /** Batch calls: nothing processed, everything handed back as unprocessed (an HTTP 200). */
  | { readonly kind: 'none' }
  | { readonly kind: 'error'; readonly error: InjectedError }
  | { readonly kind: 'dropBefore' }
  | { readonly kind: 'dropAfter' }
  /** Transactions: cancelled with TransactionConflict on action `index` (mod the number of actions). */
  | { readonly kind: 'conflict'; readonly index: number }
  /** The caller's signal is aborted as the call starts (the SDK then does not send it). */
  | { readonly kind: 'abortBefore' }
  /** The server applies the call, then the caller's signal is aborted before the answer arrives. */
  | { readonly kind: 'abortAfter' }
  /** The answer comes `ms` late (the server has applied the call): a timeout may run out meanwhile. */
  | { readonly kind: 'slow'; readonly ms: number };

export type InjectedError = 'ProvisionedThroughputExceededException' | 'ThrottlingException' | 'RequestLimitExceeded' | 'InternalServerError' | 'ServiceUnavailable' | 'ValidationException';

/** A batch write request, a batch get key, by table and physical key (`table|pk|sk`). */
export interface LoggedEntry {
  readonly id: string;
  /** `put`, `delete` (batch writes) or `get`. */
  readonly kind: 'put' | 'delete' | 'get';
  /** A put's item (wire format). */
  readonly item?: WireItem;
}

/** One call of a faulty command, as the injector saw it. */
export interface LoggedCall {
  readonly command: string;
  /** ms since `load()` when the call started. */
  readonly at: number;
  readonly fault: Fault['kind'];
  /** Entries as the client sent them (batch calls). */
  readonly entries: readonly LoggedEntry[];
  /** Entries the server got and applied (or read): the ones sent, once the server answered 200. */
  applied: readonly LoggedEntry[];
  /** Entries the client was told were done (applied and answered, not handed back). */
  confirmed: readonly LoggedEntry[];
  /** A transaction's ClientRequestToken as sent. */
  readonly token: string | undefined;
  /**
   * What the server answered: 'ok' (200), the name of its error, 'not sent', or 'unknown' (the
   * call was handed to the HTTP handler and failed there, e.g. aborted on its way: the server may
   * have applied it).
   */
  server: string;
  /** What the client got: 'ok' or the name of the error it saw. */
  client: string;
  /** ms since `load()` when the client had its answer (or error). */
  ended: number;
}

export interface ScriptedInjector {
  /**
   * Faults for the next calls, in order (later calls are `ok`); `abort` is what `abortBefore` /
   * `abortAfter` abort, `signal` what a `slow` answer waits on (the command's signal: a timeout's).
   */
  load(script: readonly Fault[], signals?: { readonly abort?: AbortController; readonly signal?: AbortSignal }): void;
  readonly calls: readonly LoggedCall[];
  remove(): void;
}

/** Query: the read of `deleteAll` (its faults are errors and dropped connections; partial answers act as ok). */
const FAULTY = new Set(['BatchWriteItemCommand', 'BatchGetItemCommand', 'TransactWriteItemsCommand', 'QueryCommand']);

function injectedError(name: InjectedError): Error {
  const $metadata = { httpStatusCode: 400, attempts: 1, totalRetryDelay: 0 };
  const message = `${name} (injected)`;
  switch (name) {
    case 'ProvisionedThroughputExceededException':
      return throttled();
    case 'ThrottlingException':
      // Built by name: the SDK's ThrottlingException class is newer than the oldest SDK the package
      // accepts (3.600.0 has none), and dynakit and the SDK's retry tell throttling apart by name.
      return new DynamoDBServiceException({ name, message, $fault: 'client', $metadata });
    case 'InternalServerError':
      return new InternalServerError({ message, $metadata: { ...$metadata, httpStatusCode: 500 } });
    case 'ServiceUnavailable':
      return new DynamoDBServiceException({ name, message, $fault: 'server', $metadata: { ...$metadata, httpStatusCode: 503 } });
    case 'RequestLimitExceeded':
    case 'ValidationException':
      return new DynamoDBServiceException({ name, message, $fault: 'client', $metadata });
  }
}

function abortError(): Error {
  return Object.assign(new Error('Request aborted (injected)'), { name: 'AbortError' });
}

const idOf = (table: string, key: WireItem): string => `${table}|${String(key['pk']?.['S'])}|${String(key['sk']?.['S'])}`;

/** The entries of a batch call's body, in order. */
function entriesOf(command: string, body: Record<string, unknown>): LoggedEntry[] {
  const out: LoggedEntry[] = [];
  if (command === 'BatchWriteItemCommand') {
    for (const [table, reqs] of Object.entries((body['RequestItems'] ?? {}) as Record<string, WireWriteRequest[]>)) {
      for (const r of reqs) {
        if (r.PutRequest !== undefined) out.push({ id: idOf(table, r.PutRequest.Item), kind: 'put', item: r.PutRequest.Item });
        else out.push({ id: idOf(table, r.DeleteRequest!.Key), kind: 'delete' });
      }
    }
  } else if (command === 'BatchGetItemCommand') {
    for (const [table, entry] of Object.entries((body['RequestItems'] ?? {}) as Record<string, { Keys: WireItem[] }>)) {
      for (const k of entry.Keys) out.push({ id: idOf(table, k), kind: 'get' });
    }
  }
  return out;
}

/** `body` with only the entries whose position is in `keep`; the others as its "unprocessed" part. */
function split(command: string, body: Record<string, unknown>, held: (i: number) => boolean): { send: Record<string, unknown>; back: Record<string, unknown> } {
  const send: Record<string, unknown> = {};
  const back: Record<string, unknown> = {};
  let i = 0;
  for (const [table, value] of Object.entries((body['RequestItems'] ?? {}) as Record<string, unknown>)) {
    if (command === 'BatchWriteItemCommand') {
      for (const r of value as WireWriteRequest[]) {
        const to = held(i++) ? back : send;
        ((to[table] ??= []) as WireWriteRequest[]).push(r);
      }
    } else {
      const { Keys, ...rest } = value as { Keys: WireItem[] };
      for (const k of Keys) {
        const to = held(i++) ? back : send;
        ((to[table] ??= { ...rest, Keys: [] }) as { Keys: WireItem[] }).Keys.push(k);
      }
    }
  }
  return { send, back };
}

interface HttpMessageLike {
  statusCode?: number;
  body?: unknown;
  headers: Record<string, string>;
}

/**
 * Adds the scripted injector to `client` (a real DynamoDBClient; create it with `maxAttempts: 1`
 * to see every fault in dynakit's own loops).
 *
 * @example
 * const faults = injectScriptedFaults(client);
 * faults.load([{ kind: 'partial', mask: 5 }, { kind: 'dropAfter' }]);
 * await AppTable.batchWrite(writes);
 * faults.calls; // what was applied and confirmed, call by call
 */
export function injectScriptedFaults(client: DynamoDBClient): ScriptedInjector {
  let script: Fault[] = [];
  let abort: AbortController | undefined;
  let signal: AbortSignal | undefined;
  let calls: LoggedCall[] = [];
  let started = Date.now();
  const plans = new WeakMap<object, { call: LoggedCall; fault: Fault; back: Record<string, unknown> | undefined; sent: LoggedEntry[] }>();
  const tag = Math.floor(Math.random() * 1e9);

  const requestSide: FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next, context) => async (args) => {
    const command = context.commandName ?? '';
    const request = (args as { request?: HttpMessageLike }).request;
    const raw = request === undefined ? undefined : bodyText(request.body);
    if (!FAULTY.has(command) || request === undefined || raw === undefined) return next(args);
    const body = JSON.parse(raw) as Record<string, unknown>;
    const fault = script.shift() ?? { kind: 'ok' };
    const entries = entriesOf(command, body);
    const token = typeof body['ClientRequestToken'] === 'string' ? body['ClientRequestToken'] : undefined;
    const call: LoggedCall = { command, at: Date.now() - started, fault: fault.kind, entries, applied: [], confirmed: [], token, server: 'not sent', client: 'ok', ended: -1 };
    calls.push(call);
    const fail = (e: Error): never => {
      call.client = e.name;
      call.ended = Date.now() - started;
      throw e;
    };
    const batch = command === 'BatchWriteItemCommand' || command === 'BatchGetItemCommand';
    switch (fault.kind) {
      case 'error':
        return fail(injectedError(fault.error));
      case 'dropBefore':
        return fail(connectionReset('before'));
      case 'conflict':
        if (command === 'TransactWriteItemsCommand') return fail(transactionConflict((body['TransactItems'] as unknown[]).length, fault.index % (body['TransactItems'] as unknown[]).length));
        break;
      case 'abortBefore':
        abort?.abort(new Error('aborted by the test before the call was sent'));
        if (signal?.aborted === true) return fail(abortError());
        break;
    }
    let sendBody = body;
    let back: Record<string, unknown> | undefined;
    let sent = entries;
    if (batch && (fault.kind === 'partial' || fault.kind === 'none')) {
      const held = (i: number): boolean => fault.kind === 'none' || ((fault.mask >>> (i % 30)) & 1) === 1;
      const parts = split(command, body, held);
      sent = entries.filter((_, i) => !held(i));
      if (sent.length < entries.length) {
        back = parts.back;
        sendBody = { ...body, RequestItems: parts.send };
      }
    }
    plans.set(context, { call, fault, back, sent });
    let nextArgs = args;
    if (sendBody !== body) {
      const text = JSON.stringify(sendBody);
      nextArgs = { ...args, request: withBody(request, { body: text, headers: setHeader(request.headers, 'content-length', String(Buffer.byteLength(text))) }) };
    }
    try {
      return await next(nextArgs);
    } catch (e) {
      call.client = (e as Error).name;
      throw e;
    } finally {
      call.ended = Date.now() - started;
    }
  };

  client.middlewareStack.addRelativeTo(requestSide, { relation: 'before', toMiddleware: 'httpSigningMiddleware', name: `scriptedFaultsRequest${tag}`, override: true });

  client.middlewareStack.add(
    (next, context) => async (args) => {
      const plan = plans.get(context);
      if (plan === undefined) return next(args);
      plans.delete(context);
      const { call, fault, back, sent } = plan;
      if (back !== undefined && sent.length === 0) {
        // Nothing is left to send: the answer says every entry is unprocessed, without calling the server.
        const answer = JSON.stringify(call.command === 'BatchWriteItemCommand' ? { UnprocessedItems: back } : { Responses: {}, UnprocessedKeys: back });
        const bytes = new Uint8Array(Buffer.from(answer, 'utf8'));
        const headers = { 'content-type': 'application/x-amz-json-1.0', 'content-length': String(bytes.byteLength) };
        return { response: { statusCode: 200, reason: 'OK', headers, body: bytes }, output: undefined } as unknown as Awaited<ReturnType<typeof next>>;
      }
      // Until the server answers: a failure in the HTTP handler (an abort on the way) leaves it unknown.
      call.server = 'unknown';
      const result = await next(args);
      const response = (result as { response?: HttpMessageLike }).response;
      if (response === undefined) return result;
      let text: string | undefined;
      const body = async (): Promise<string> => (text ??= await readBody(response.body));
      if (response.statusCode !== 200) {
        // The server refused the call (a cancelled transaction...): nothing applied.
        const type = (JSON.parse((await body()) || '{}') as { __type?: string }).__type ?? `HTTP ${response.statusCode}`;
        call.server = type.slice(type.lastIndexOf('#') + 1);
        return { ...result, response: withBody(response, { body: new Uint8Array(Buffer.from(await body(), 'utf8')) }) };
      }
      call.server = 'ok';
      call.applied = sent;
      if (fault.kind === 'dropAfter') {
        await body();
        call.client = 'TimeoutError';
        throw connectionReset('after');
      }
      if (fault.kind === 'abortAfter' || fault.kind === 'slow') {
        await body();
        if (fault.kind === 'abortAfter') abort?.abort(new Error('aborted by the test after the server applied the call'));
        else await lateAnswer(fault.ms, signal);
        if (signal?.aborted === true) {
          call.client = 'AbortError';
          throw abortError();
        }
      }
      call.confirmed = sent;
      if (back === undefined && text === undefined) return result;
      const out = JSON.parse((await body()) || '{}') as Record<string, unknown>;
      if (back !== undefined) out[call.command === 'BatchWriteItemCommand' ? 'UnprocessedItems' : 'UnprocessedKeys'] = back;
      const bytes = Buffer.from(JSON.stringify(out), 'utf8');
      let headers = setHeader(response.headers, 'content-length', String(bytes.byteLength));
      headers = setHeader(headers, 'x-amz-crc32', undefined);
      return { ...result, response: withBody(response, { body: new Uint8Array(bytes), headers }) };
    },
    { step: 'deserialize', priority: 'low', name: `scriptedFaultsResponse${tag}`, override: true },
  );

  return {
    load(next, signals = {}) {
      script = [...next];
      abort = signals.abort;
      signal = signals.signal ?? signals.abort?.signal;
      calls = [];
      started = Date.now();
    },
    get calls() {
      return calls;
    },
    remove() {
      client.middlewareStack.remove(`scriptedFaultsRequest${tag}`);
      client.middlewareStack.remove(`scriptedFaultsResponse${tag}`);
    },
  };
}

/** Waits `ms`, or until `signal` aborts. */
function lateAnswer(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
