/** The part of an SDK command's middleware stack used here. */
interface Stacked {
  readonly middlewareStack: { add(middleware: unknown, options: object): void };
}

interface LogFilters {
  inputFilterSensitiveLog?: (value: unknown) => unknown;
  outputFilterSensitiveLog?: (value: unknown) => unknown;
}

const asIs = (value: unknown): unknown => value;

/**
 * Makes the SDK hand the request and response to its logger as they are, without redacting them.
 *
 * Why: the SDK's logger middleware computes the redacted input and output on every call, also
 * when no logger is configured (its default logger ignores them). In SDK versions that serialize
 * through schemas (the installed 3.11xx; not 3.600), that redaction walks the whole request and
 * response against the operation's schema, building a copy: 8-10% of a stubbed 10-item query,
 * twice that for the raw AttributeValues of a low-level command (bench/analysis.md). No DynamoDB
 * shape is marked sensitive, so the copy always equals the original (test/unit/log-redaction.test.ts
 * walks every DynamoDB operation's schema to hold this); before schemas, the SDK's filters for
 * DynamoDB were the identity. A logger the application configured still receives every call.
 */
const unredactedLogs = (next: (args: unknown) => Promise<unknown>, context: LogFilters) => (args: unknown) => {
  context.inputFilterSensitiveLog = asIs;
  context.outputFilterSensitiveLog = asIs;
  return next(args);
};
const UNREDACTED_LOGS = { step: 'initialize', priority: 'high', name: 'dynakitUnredactedLogs', override: true } as const;

/** Adds the middleware to one command of dynakit's (never to the application's client). */
export function withUnredactedLogs(command: unknown): void {
  (command as Stacked).middlewareStack.add(unredactedLogs, UNREDACTED_LOGS);
}
