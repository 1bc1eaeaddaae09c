/**
 * A DynamoDBClient `requestHandler` that never touches the network: it answers every request with
 * a canned HTTP response chosen by the operation (`X-Amz-Target`). Everything else in the SDK runs
 * as usual: middleware, endpoint resolution, signing, JSON (de)serialisation, and the
 * lib-dynamodb marshalling of inputs and unmarshalling of results.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

type RequestHandler = NonNullable<ConstructorParameters<typeof DynamoDBClient>[0]>['requestHandler'];

export type CannedResponses = Partial<Record<'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query' | 'BatchWriteItem' | 'TransactWriteItems', unknown>>;

interface HttpRequestLike {
  headers: Record<string, string>;
}

export function stubHandler(responses: CannedResponses): RequestHandler {
  const encoder = new TextEncoder();
  const bodies = new Map<string, Uint8Array>();
  for (const [op, body] of Object.entries(responses)) bodies.set(`DynamoDB_20120810.${op}`, encoder.encode(JSON.stringify(body)));
  const handler = {
    metadata: { handlerProtocol: 'http/1.1' },
    handle(request: HttpRequestLike) {
      const target = request.headers['x-amz-target'] ?? request.headers['X-Amz-Target'] ?? '';
      const body = bodies.get(target);
      if (body === undefined) throw new Error(`stub handler: no canned response for ${target}`);
      return Promise.resolve({
        response: {
          statusCode: 200,
          reason: 'OK',
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'stub', 'content-length': String(body.length) },
          // A fresh buffer per response, as a socket would give.
          body: body.slice(),
        },
      });
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs() {
      return {};
    },
    destroy() {},
  };
  return handler as unknown as RequestHandler;
}

/** DynamoDB JSON for a plain item (strings, numbers, booleans, string/number sets, lists, maps). */
export function toAttributeValue(v: unknown): unknown {
  if (typeof v === 'string') return { S: v };
  if (typeof v === 'number') return { N: String(v) };
  if (typeof v === 'boolean') return { BOOL: v };
  if (v === null) return { NULL: true };
  if (v instanceof Set) {
    const xs = [...v];
    return xs.every((x) => typeof x === 'number') ? { NS: xs.map(String) } : { SS: xs.map(String) };
  }
  if (Array.isArray(v)) return { L: v.map(toAttributeValue) };
  if (typeof v === 'object') return { M: marshallItem(v as Record<string, unknown>) };
  throw new TypeError(`cannot marshall ${typeof v}`);
}

export function marshallItem(item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (v !== undefined) out[k] = toAttributeValue(v);
  return out;
}
