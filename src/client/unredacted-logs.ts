/** The SDK's `Command` method that builds the handler context, with the log filters in its last argument. */
type ResolveWithContext = (this: unknown, stack: unknown, configuration: unknown, options: unknown, handler: object) => unknown;

const asIs = (value: unknown): unknown => value;

/**
 * Makes the SDK hand this command's request and response to the client's logger as they are,
 * without its redaction copy. Applied to dynakit's own commands only, never to the application's
 * client.
 *
 * Why: the SDK's logger middleware computes the redacted input and output on every call, also
 * when no logger is configured (its default logger ignores them). In SDK versions that serialize
 * through schemas (the installed 3.11xx; not 3.600), that redaction walks the whole request and
 * response against the operation's schema, building a copy: 8-10% of a stubbed 10-item query,
 * twice that for the raw AttributeValues of a low-level command (bench/analysis.md). No DynamoDB
 * shape is marked sensitive, so the copy always equals the original (test/unit/log-redaction.test.ts
 * walks every DynamoDB operation's schema to hold this); before schemas, the SDK's filters for
 * DynamoDB were the identity. A logger the application configured still receives every call.
 *
 * How: the filters are arguments of the command's `resolveMiddlewareWithContext` (in the SDK since
 * before 3.600); this command's own copy of that method passes the identity instead. A middleware
 * that swaps them in the handler context does the same through public API, but measured 3-6%
 * slower on a stubbed put (one more stack entry to copy and sort per call). Should a future SDK
 * drop the method, the command is sent as it is: redacted, and slower, but unchanged in effect.
 */
export function withUnredactedLogs(command: unknown): void {
  const c = command as { resolveMiddlewareWithContext?: ResolveWithContext };
  const resolve = c.resolveMiddlewareWithContext;
  if (typeof resolve !== 'function') return;
  c.resolveMiddlewareWithContext = function (stack, configuration, options, handler) {
    return resolve.call(this, stack, configuration, options, { ...handler, inputFilterSensitiveLog: asIs, outputFilterSensitiveLog: asIs });
  };
}
