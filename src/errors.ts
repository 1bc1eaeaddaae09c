import type { z } from 'zod';

/**
 * Every error dynakit throws extends `DynakitError`, so callers can tell library errors apart
 * from SDK errors with one `instanceof` check. Messages name the entity, the attribute path and
 * the rule that was broken.
 */
export class DynakitError extends Error {
  override name = 'DynakitError';
}

/** One failed rule at one attribute path. */
export interface ValidationIssue {
  /** Dotted path of the attribute, `''` for the item itself. */
  path: string;
  message: string;
}

/**
 * An item or value failed its zod schema (or a DynamoDB storage rule such as "no empty sets")
 * before any request was sent.
 *
 * @example
 * try { await User.put({ userId: 'u1' } as User) } catch (e) { if (e instanceof ValidationError) console.log(e.issues) }
 */
export class ValidationError extends DynakitError {
  override name = 'ValidationError';
  /** `subject`: what failed, for the message: a whole item, one value (a key, an update or condition value), or an update's actions. */
  constructor(
    readonly entity: string,
    readonly issues: ValidationIssue[],
    subject: 'item' | 'value' | 'update' = 'item',
  ) {
    super(
      `${entity}: invalid ${subject}: ` +
        issues.map((i) => `${i.path === '' ? '(item)' : i.path}: ${i.message}`).join('; '),
    );
  }
}

/** A key could not be built: a composite is missing, or a value would make the key ambiguous. */
export class KeyError extends DynakitError {
  override name = 'KeyError';
  constructor(
    readonly entity: string,
    readonly index: string,
    readonly attribute: string,
    message: string,
  ) {
    // Rules about the schema as a whole (a managed attribute in it, storedAs) concern no index.
    super(index === '' ? `${entity}: ${message}` : `${entity}: key ${index}: ${message}`);
  }
}

/** An item is larger than DynamoDB's 400 KB item limit (computed as DynamoDB computes it). */
export class ItemSizeError extends DynakitError {
  override name = 'ItemSizeError';
  constructor(
    readonly entity: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(`${entity}: item is ${size} bytes, over DynamoDB's limit of ${limit} bytes (400 KB)`);
  }
}

/** An expression (condition, update, projection) breaks a rule DynamoDB would reject it for. */
export class ExpressionError extends DynakitError {
  override name = 'ExpressionError';
  constructor(
    readonly entity: string,
    readonly path: string,
    message: string,
  ) {
    super(`${entity}: ${path === '' ? '' : `${path}: `}${message}`);
  }
}

/**
 * A stored item does not match the entity's schema when read back. `written` names the write
 * (`put`, `update`, `delete`) when the item is the one a write returned (`returning(...)`): that
 * write is done, and retrying it would apply it twice.
 */
export class ItemParseError extends DynakitError {
  override name = 'ItemParseError';
  constructor(
    readonly entity: string,
    readonly issues: ValidationIssue[],
    readonly raw: Record<string, unknown>,
    readonly written?: 'put' | 'update' | 'delete',
  ) {
    super(
      `${entity}: ${written === undefined ? 'stored item' : `the ${written} was done, but the item it returned`} does not match the schema: ` +
        issues.map((i) => `${i.path === '' ? '(item)' : i.path}: ${i.message}`).join('; '),
    );
  }
}

/**
 * The operation an error names: the single-item writes, and `check` (`Entity.check()`, on its own
 * or as a `transactWrite` action). Every action of a `transactWrite` is one of them.
 *
 * @example
 * if (e instanceof ConditionFailedError && e.operation === 'create') console.log('already exists');
 */
export type WriteOperation = 'put' | 'create' | 'update' | 'delete' | 'check';

/**
 * A write's condition was false (DynamoDB's `ConditionalCheckFailedException`). `item` holds
 * the stored item, when there is one and the write asked for it: with
 * `.returnItemOnConditionFailure()`, or whenever the write checks a version (optimistic locking:
 * any put or create of a versioned entity, an update or delete given a version). Those always ask,
 * to tell a lost race (`VersionConflictError`) from another failed condition.
 */
export class ConditionFailedError extends DynakitError {
  override name = 'ConditionFailedError';
  constructor(
    readonly entity: string,
    readonly operation: WriteOperation,
    readonly item: Record<string, unknown> | undefined,
    override readonly cause: unknown,
  ) {
    super(`${entity}: ${operation} condition failed${item === undefined ? '' : ' (stored item attached)'}`);
    // A check writes nothing: a retry of it that fails is no ambiguous write.
    this.maybeApplied = operation !== 'check' && sdkAttempts(cause) > 1;
  }

  /**
   * The SDK sent the request more than once (its own retries, after a dropped connection, a
   * timeout or throttling): an earlier attempt whose answer was lost may have applied this very
   * write, and the condition then failed on its result (a `create` meeting the item it created, a
   * versioned write meeting the version it wrote). Read the item to know; the message says so too.
   */
  readonly maybeApplied: boolean;
}

/** How many times the SDK sent the request that failed with `error` (1 when it does not say). */
export function sdkAttempts(error: unknown): number {
  const attempts = (error as { $metadata?: { attempts?: unknown } } | null)?.$metadata?.attempts;
  return typeof attempts === 'number' ? attempts : 1;
}

/** A pagination cursor is malformed, truncated, or belongs to another table or index. */
export class InvalidCursorError extends DynakitError {
  override name = 'InvalidCursorError';
  constructor(
    readonly target: string,
    reason: string,
  ) {
    super(`invalid cursor for ${target}: ${reason}`);
  }
}

const counted = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

/**
 * Operations counted per entity and table, each in the order first met, for an error message:
 * `2 puts and 1 delete of User in table App, 1 delete by physical key in table Audit`. A table's
 * delete by physical key is listed with `entity: 'table <name>'`.
 */
export function operationsSummary(items: readonly { readonly operation: string; readonly entity: string; readonly table: string }[]): string {
  const groups = new Map<string, { owner: string; table: string; counts: Map<string, number> }>();
  for (const { operation, entity, table } of items) {
    const owner = entity === `table ${table}` ? 'by physical key' : `of ${entity}`;
    const id = `${table}\u0000${owner}`;
    const g = groups.get(id) ?? groups.set(id, { owner, table, counts: new Map() }).get(id)!;
    g.counts.set(operation, (g.counts.get(operation) ?? 0) + 1);
  }
  return [...groups.values()].map((g) => `${[...g.counts].map(([op, n]) => counted(n, op)).join(' and ')} ${g.owner} in table ${g.table}`).join(', ');
}

/**
 * The client's DocumentClient settings would change what dynakit stores or reads (e.g.
 * `convertEmptyValues` stores `''` as NULL, `wrapNumbers` reads numbers as `NumberValue`). Thrown
 * before anything is sent.
 */
export class UnsupportedClientError extends DynakitError {
  override name = 'UnsupportedClientError';
}

/**
 * A table definition breaks a rule DynamoDB would refuse it for at CreateTable (a key attribute
 * with two types, too many local indexes or projected attributes, a name over 255 bytes). Thrown
 * by `defineTable`, before anything is sent; `path` names the index or attribute.
 */
export class TableDefinitionError extends DynakitError {
  override name = 'TableDefinitionError';
  constructor(
    readonly table: string,
    readonly path: string,
    message: string,
  ) {
    super(`table ${table}: ${path === '' ? '' : `${path}: `}${message}`);
  }
}

/** A transaction request breaks a DynamoDB rule (too many actions, two actions on one item, over 4 MB). */
export class InvalidTransactionError extends DynakitError {
  override name = 'InvalidTransactionError';
}

/**
 * DynamoDB's code for one action of a cancelled transaction: `None` when that action was fine. The
 * list is the one DynamoDB documents; `string & {}` lets a code it adds later through (typed as a
 * string) while editors still offer these.
 *
 * @example
 * switch (reason.code) { case 'ConditionalCheckFailed': ...; case 'TransactionConflict': ...; }
 */
export type CancellationCode =
  | 'None'
  | 'ConditionalCheckFailed'
  | 'ItemCollectionSizeLimitExceeded'
  | 'TransactionConflict'
  | 'ProvisionedThroughputExceeded'
  | 'ThrottlingError'
  | 'ValidationError'
  | (string & {});

/** Why one action of a cancelled transaction failed (`code` is DynamoDB's, e.g. `ConditionalCheckFailed`). */
export interface CancellationReason {
  /** The action's position in the list given to `transactWrite` / `transactGet`: map it back to your own input. */
  readonly index: number;
  readonly entity: string;
  /**
   * The item's primary key as stored (`{ pk: 'PRODUCT#mug', sk: 'PRODUCT' }`), not the entity's
   * composites (no `sku` in it): to know which of your inputs failed, use `index`.
   */
  readonly key: Record<string, unknown>;
  readonly code: CancellationCode;
  readonly message: string | undefined;
  /**
   * The stored item, when the action asked for it with `returnItemOnConditionFailure()` (a write with
   * an expected version always does): in model form, or as stored when it is another entity's or
   * does not parse.
   */
  readonly item: Record<string, unknown> | undefined;
}

/**
 * A physical key for a message: `{"pk":"USER#u1","sk":"PROFILE"}`, binary values by their length,
 * a bigint number key by its digits (JSON.stringify throws on a bigint, which would replace the
 * error being reported with a TypeError).
 */
export function keyText(key: Readonly<Record<string, unknown>>): string {
  return `{${Object.entries(key)
    .map(([name, v]) => `${JSON.stringify(name)}:${keyValueText(v)}`)
    .join(',')}}`;
}

const keyValueText = (v: unknown): string =>
  typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? JSON.stringify(`<${v.byteLength} bytes>`) : (JSON.stringify(v) ?? String(v));

/**
 * DynamoDB cancelled a transaction; `reasons[i]` lines up with action `i`. The message names each
 * failing action: its index, operation (`operations[i]`: `put`, `create`, `update`, `delete`,
 * `check`, `get`, when known), entity and key, with DynamoDB's reason: for a failed condition,
 * what the action required, or how its expected version differs from the stored item's.
 */
export class TransactionCanceledError extends DynakitError {
  override name = 'TransactionCanceledError';
  constructor(
    readonly reasons: readonly CancellationReason[],
    override readonly cause: unknown,
    operations: readonly (WriteOperation | 'get' | undefined)[] = [],
    checks: readonly (string | undefined)[] = [],
    versionConflicts: readonly (string | undefined)[] = [],
  ) {
    const failed = reasons
      .filter((r) => r.code !== 'None')
      .map((r) => {
        const op = operations[r.index];
        const checked = checks[r.index];
        const conflict = versionConflicts[r.index];
        // "The conditional request failed" adds nothing to its code; what the action required
        // (its guards, bounds, version and where()) tells which of them may have been false, and
        // a stored version other than the expected one tells that one was.
        const why =
          r.code === 'ConditionalCheckFailed'
            ? `${r.code}${conflict !== undefined ? ` (version conflict: ${conflict})` : checked === undefined ? '' : ` (required: ${checked})`}`
            : r.message === undefined
              ? r.code
              : `${r.code} (${r.message})`;
        return `#${r.index} ${op === undefined ? '' : `${op} `}${r.entity} ${keyText(r.key)}: ${why}`;
      });
    super(`transaction cancelled: ${failed.join('; ') || 'no reason given'}`);
  }
}

/**
 * Optimistic locking lost a race: the stored item's version is not the one the write expected.
 * `item` is the current stored item (when there is one).
 */
export class VersionConflictError extends ConditionFailedError {
  override name = 'VersionConflictError';
  constructor(
    entity: string,
    operation: WriteOperation,
    readonly expectedVersion: number | undefined,
    item: Record<string, unknown> | undefined,
    cause: unknown,
  ) {
    super(entity, operation, item, cause);
  }
}

/**
 * A derived attribute (`defineEntity`'s `derive`) was defined or written against its rule: its
 * value is computed by dynakit from its source attributes on every put, and on every update that
 * sets all of them, so a write that gives it directly, or changes only some of its sources, is
 * refused before anything is sent. `attribute` is the derived attribute, `sources` what it is
 * computed from.
 *
 * @example
 * catch (e) { if (e instanceof DerivedAttributeError) console.log(e.attribute, e.sources) }
 */
export class DerivedAttributeError extends DynakitError {
  override name = 'DerivedAttributeError';
  constructor(
    readonly entity: string,
    readonly attribute: string,
    readonly sources: readonly string[],
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(`${entity}: derived attribute ${attribute}: ${message}`, options);
  }
}

/**
 * An entity whose schema is a union of variants names, as one of its attributes (a key composite,
 * the TTL, a renamed or derived field), a field that not every variant holds alike; or the union
 * cannot be an entity's variants (no tag, an option that is no object). Thrown by `defineEntity`.
 *
 * @example
 * catch (e) { if (e instanceof VariantFieldError) console.log(e.field, e.missingIn) }
 */
export class VariantFieldError extends DynakitError {
  override name = 'VariantFieldError';
  /** `missingIn`: the variants (their tag values) that lack the field. */
  constructor(
    readonly entity: string,
    readonly field: string,
    readonly missingIn: readonly string[],
    message: string,
  ) {
    super(`${entity}: ${message}`);
  }
}

/** zod issues as dynakit's `{ path, message }`, paths written as document paths (`a.b[0]`). */
export function zodIssues(error: z.ZodError, prefix = ''): ValidationIssue[] {
  return error.issues.map((i) => {
    let path = prefix;
    for (const seg of i.path) {
      path += typeof seg === 'number' ? `[${seg}]` : path === '' ? String(seg) : `.${String(seg)}`;
    }
    return { path, message: i.message };
  });
}
