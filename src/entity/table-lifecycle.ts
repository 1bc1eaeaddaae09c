import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type DescribeTableCommandOutput,
  type DescribeTimeToLiveCommandOutput,
  type KeySchemaElement,
  type Projection,
  type TableDescription,
  type TimeToLiveDescription,
} from '@aws-sdk/client-dynamodb';
import { sendCommand, type AnyDynamoClient } from '../client/send.js';
import { DynakitError } from '../errors.js';
import { sleep } from '../batch/backoff.js';

/** The table does not exist (DescribeTable answered ResourceNotFoundException). */
export class TableNotFoundError extends DynakitError {
  override name = 'TableNotFoundError';
  constructor(readonly table: string) {
    super(`table ${table} does not exist`);
  }
}

/**
 * `create()` or `drop()` waited `maxWaitSeconds` and the table is not there yet: not ACTIVE (its
 * last `status`, or `'gone'` for one that was being deleted when `create({ ifNotExists: true })`
 * met it and was gone only after the deadline, too late to create it again), or not deleted.
 *
 * @example
 * try { await AppTable.create({ ifNotExists: true, maxWaitSeconds: 30 }) } catch (e) { if (e instanceof TableTimeoutError) console.error(e.status) }
 */
export class TableTimeoutError extends DynakitError {
  override name = 'TableTimeoutError';
  constructor(
    readonly table: string,
    readonly maxWaitSeconds: number,
    /** The table's last status seen (`CREATING`, `UPDATING`, `DELETING`, ...), or `'gone'`. */
    readonly status: string,
    /** What was waited for: the table (and its indexes) ACTIVE, or the table deleted. */
    readonly waitingFor: 'active' | 'deleted',
  ) {
    const seen = status === 'gone' ? 'it was being deleted, and was gone too late to create it again' : `status ${status}`;
    super(`table ${table} is not ${waitingFor === 'active' ? 'ACTIVE' : 'deleted'} after ${maxWaitSeconds} s (${seen})`);
  }
}

/**
 * `create()` found the table's TTL being turned off (`DISABLING`): DynamoDB takes up to an hour
 * for that and does not turn TTL on again meanwhile, so `create()` stops before asking, rather than
 * wait that long or fail with DynamoDB's ValidationException. `attribute` is the definition's TTL
 * attribute, `liveAttribute` the one being turned off. Nothing was changed; run `create()` again
 * once the status is `DISABLED`.
 *
 * @example
 * try { await AppTable.create({ ifNotExists: true }) } catch (e) { if (e instanceof TimeToLiveBusyError) console.error(e.status) }
 */
export class TimeToLiveBusyError extends DynakitError {
  override name = 'TimeToLiveBusyError';
  constructor(
    readonly table: string,
    readonly attribute: string,
    readonly status: 'DISABLING',
    readonly liveAttribute: string | undefined,
  ) {
    super(
      `table ${table}: TTL is ${status}${liveAttribute === undefined ? '' : ` (on ${liveAttribute})`}, and DynamoDB does not turn it on for ${attribute} ` +
        'until that is done (it can take up to an hour): run create() again then',
    );
  }
}

/**
 * `create({ ifNotExists: true })` found a table of that name which differs from the definition
 * (other keys or key types, indexes, stream, billing mode, or TTL on another attribute).
 * `differences` lists them as `describe()` does; nothing was changed.
 *
 * @example
 * try { await AppTable.create({ ifNotExists: true }) } catch (e) { if (e instanceof TableMismatchError) console.error(e.differences) }
 */
export class TableMismatchError extends DynakitError {
  override name = 'TableMismatchError';
  constructor(
    readonly table: string,
    readonly differences: readonly TableDifference[],
  ) {
    super(
      `table ${table} exists but differs from its definition: ` +
        differences.map((d) => `${d.path}: expected ${d.expected}, found ${d.actual}`).join('; '),
    );
  }
}

/** One way the live table differs from its definition. */
export interface TableDifference {
  /** What differs: `keys`, `gsi1`, `gsi1.keys`, `stream`, `ttl`, ... */
  readonly path: string;
  readonly expected: string;
  readonly actual: string;
}

export interface TableDescriptionReport {
  readonly table: TableDescription;
  /** Empty when the live table matches the definition. */
  readonly differences: readonly TableDifference[];
}

/** The SDK error's name; `undefined` for anything else (an abort reason may be any value, null too). */
function errorName(e: unknown): string | undefined {
  return e instanceof Error ? e.name : undefined;
}

async function describeRaw(client: AnyDynamoClient, name: string, signal: AbortSignal | undefined): Promise<TableDescription> {
  try {
    const out = await sendCommand<DescribeTableCommandOutput>(client, new DescribeTableCommand({ TableName: name }), signal);
    if (out.Table === undefined) throw new TableNotFoundError(name);
    return out.Table;
  } catch (e) {
    if (signal?.aborted !== true && errorName(e) === 'ResourceNotFoundException') throw new TableNotFoundError(name);
    throw e;
  }
}

/**
 * Waits until the table and every index report ACTIVE, until `deadline` (epoch ms; the message
 * names the `maxWaitSeconds` it comes from); `signal` stops the polling (and its waits).
 */
async function waitUntilActive(client: AnyDynamoClient, name: string, deadline: number, maxWaitSeconds: number, signal: AbortSignal | undefined): Promise<TableDescription> {
  for (;;) {
    const t = await describeRaw(client, name, signal);
    const indexesActive = (t.GlobalSecondaryIndexes ?? []).every((g) => g.IndexStatus === 'ACTIVE');
    if (t.TableStatus === 'ACTIVE' && indexesActive) return t;
    if (Date.now() > deadline) throw new TableTimeoutError(name, maxWaitSeconds, t.TableStatus ?? 'UNKNOWN', 'active');
    await sleep(250, signal);
  }
}

/**
 * Deletes the table and waits until it is gone; a missing table is not an error. DeleteTable
 * answers ResourceInUseException while a table is being created, updated or deleted: a table
 * already being deleted is waited for, and the others are deleted once they settle.
 */
export async function dropTable(client: AnyDynamoClient, name: string, maxWaitSeconds: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + maxWaitSeconds * 1000;
  let deleting = false;
  for (;;) {
    if (!deleting) {
      try {
        await sendCommand(client, new DeleteTableCommand({ TableName: name }), signal);
        deleting = true;
      } catch (e) {
        if (signal?.aborted === true) throw e;
        const code = errorName(e);
        if (code === 'ResourceNotFoundException') return;
        if (code !== 'ResourceInUseException') throw e;
      }
    }
    const status = await statusOf(client, name, signal);
    if (status === undefined) return;
    if (status === 'DELETING') deleting = true;
    if (Date.now() > deadline) throw new TableTimeoutError(name, maxWaitSeconds, status, 'deleted');
    await sleep(250, signal);
  }
}

/** The table's status, or `undefined` when it does not exist. */
async function statusOf(client: AnyDynamoClient, name: string, signal: AbortSignal | undefined): Promise<string | undefined> {
  try {
    return (await describeRaw(client, name, signal)).TableStatus ?? 'UNKNOWN';
  } catch (e) {
    if (e instanceof TableNotFoundError) return undefined;
    throw e;
  }
}

/**
 * Sends CreateTable; with `ifNotExists`, a table of that name (`ResourceInUseException`) is taken
 * as created when it matches `input` (see `describeTable`), after waiting until it is ACTIVE: one
 * another process is creating is waited for, and one being deleted is created again once gone.
 * TTL that is off is no difference here (the caller turns it on, as after creating); TTL on
 * another attribute is. Throws `TableMismatchError` for a table that differs.
 */
export async function createTable(
  client: AnyDynamoClient,
  input: CreateTableCommandInput,
  ttlAttribute: string | undefined,
  options: { ifNotExists: boolean; maxWaitSeconds: number; signal: AbortSignal | undefined },
): Promise<void> {
  const name = input.TableName!;
  const { signal, maxWaitSeconds } = options;
  // One deadline for every wait: a table being deleted, then created again, gets no second maxWaitSeconds.
  const deadline = Date.now() + maxWaitSeconds * 1000;
  for (;;) {
    try {
      await sendCommand(client, new CreateTableCommand(input), signal);
      await waitUntilActive(client, name, deadline, maxWaitSeconds, signal);
      return;
    } catch (e) {
      if (!options.ifNotExists || signal?.aborted === true || errorName(e) !== 'ResourceInUseException') throw e;
    }
    try {
      await waitUntilActive(client, name, deadline, maxWaitSeconds, signal);
    } catch (e) {
      // DynamoDB answers ResourceInUseException for a table being deleted too: once gone, create it.
      // After a pause: while the deletion settles, CreateTable may still find it in use, and going
      // again at once would make a busy loop of control-plane calls until the deadline.
      if (!(e instanceof TableNotFoundError)) throw e;
      // Gone, but only once the time was up: that is the answer, not "does not exist" (it was there).
      if (Date.now() >= deadline) throw new TableTimeoutError(name, maxWaitSeconds, 'gone', 'active');
      await sleep(250, signal);
      continue;
    }
    const { differences } = await describeTable(client, input, ttlAttribute, signal);
    const mismatches = differences.filter((d) => !(d.path === 'ttl' && d.actual === 'off'));
    if (mismatches.length > 0) throw new TableMismatchError(name, mismatches);
    return;
  }
}

/**
 * Turns TTL on for `attribute` (idempotent: does nothing when it is already on, or being turned on).
 * TTL being turned off (`DISABLING`) is a `TimeToLiveBusyError`: DynamoDB refuses to turn it on
 * until that is done, which can take an hour.
 */
export async function enableTimeToLive(client: AnyDynamoClient, name: string, attribute: string, signal?: AbortSignal): Promise<void> {
  const d = await ttlState(client, name, signal);
  if (ttlIsOn(d, attribute)) return;
  if (d?.TimeToLiveStatus === 'DISABLING') throw new TimeToLiveBusyError(name, attribute, 'DISABLING', d.AttributeName);
  try {
    await sendCommand(client, new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: attribute, Enabled: true } }), signal);
  } catch (e) {
    // Another caller (a racing create({ ifNotExists: true })) may have turned it on since the check:
    // DynamoDB then refuses this one with a ValidationException ("TimeToLive is already enabled").
    if (signal?.aborted === true || errorName(e) !== 'ValidationException' || !ttlIsOn(await ttlState(client, name, signal), attribute)) throw e;
  }
}

async function ttlState(client: AnyDynamoClient, name: string, signal: AbortSignal | undefined): Promise<TimeToLiveDescription | undefined> {
  return (await sendCommand<DescribeTimeToLiveCommandOutput>(client, new DescribeTimeToLiveCommand({ TableName: name }), signal)).TimeToLiveDescription;
}

/** Whether TTL is on (or being turned on: DynamoDB finishes that by itself) for `attribute`. */
function ttlIsOn(d: TimeToLiveDescription | undefined, attribute: string): boolean {
  return (d?.TimeToLiveStatus === 'ENABLED' || d?.TimeToLiveStatus === 'ENABLING') && d.AttributeName === attribute;
}

function keyText(schema: readonly KeySchemaElement[] | undefined, types: ReadonlyMap<string, string>): string {
  return (schema ?? []).map((k) => `${k.KeyType === 'HASH' ? 'pk' : 'sk'} ${k.AttributeName}:${types.get(k.AttributeName ?? '') ?? '?'}`).join(', ');
}

/** A projection as text; included attributes sorted, since DynamoDB does not keep their order. */
function projectionText(p: Projection | undefined): string {
  const type = p?.ProjectionType ?? 'ALL';
  return type === 'INCLUDE' ? `INCLUDE ${[...(p?.NonKeyAttributes ?? [])].sort().join(', ')}` : type;
}

/**
 * Compares the live table with what `createTableInput()` would create (keys and their types,
 * every index with its keys and projection (included attributes too), the stream, the billing
 * mode) plus the TTL attribute.
 */
export async function describeTable(client: AnyDynamoClient, expected: CreateTableCommandInput, ttlAttribute: string | undefined, signal?: AbortSignal): Promise<TableDescriptionReport> {
  const name = expected.TableName!;
  const live = await describeRaw(client, name, signal);
  const differences: TableDifference[] = [];
  const wantTypes = new Map((expected.AttributeDefinitions ?? []).map((a) => [a.AttributeName ?? '', a.AttributeType ?? '']));
  const liveTypes = new Map((live.AttributeDefinitions ?? []).map((a) => [a.AttributeName ?? '', a.AttributeType ?? '']));
  const cmp = (path: string, want: string, got: string): void => {
    if (want !== got) differences.push({ path, expected: want, actual: got });
  };
  cmp('keys', keyText(expected.KeySchema, wantTypes), keyText(live.KeySchema, liveTypes));
  const liveIndexes = new Map(
    [...(live.GlobalSecondaryIndexes ?? []).map((g) => ['global', g] as const), ...(live.LocalSecondaryIndexes ?? []).map((l) => ['local', l] as const)].map(
      ([type, ix]) => [ix.IndexName ?? '', { type, ix }],
    ),
  );
  const wanted = [
    ...(expected.GlobalSecondaryIndexes ?? []).map((g) => ['global', g] as const),
    ...(expected.LocalSecondaryIndexes ?? []).map((l) => ['local', l] as const),
  ];
  for (const [type, ix] of wanted) {
    const n = ix.IndexName ?? '';
    const got = liveIndexes.get(n);
    liveIndexes.delete(n);
    if (got === undefined) {
      differences.push({ path: n, expected: `${type} index`, actual: 'missing' });
      continue;
    }
    cmp(`${n}.type`, type, got.type);
    cmp(`${n}.keys`, keyText(ix.KeySchema, wantTypes), keyText(got.ix.KeySchema, liveTypes));
    cmp(`${n}.projection`, projectionText(ix.Projection), projectionText(got.ix.Projection));
  }
  for (const [n, got] of liveIndexes) differences.push({ path: n, expected: 'not defined', actual: `${got.type} index` });
  const wantStream = expected.StreamSpecification?.StreamEnabled === true ? (expected.StreamSpecification.StreamViewType ?? 'NEW_AND_OLD_IMAGES') : 'off';
  const gotStream = live.StreamSpecification?.StreamEnabled === true ? (live.StreamSpecification.StreamViewType ?? '?') : 'off';
  cmp('stream', wantStream, gotStream);
  // Tables created before on-demand billing existed have no BillingModeSummary: they are provisioned.
  cmp('billing', expected.BillingMode ?? 'PROVISIONED', live.BillingModeSummary?.BillingMode ?? 'PROVISIONED');
  if (ttlAttribute !== undefined) {
    const d = await ttlState(client, name, signal);
    const on = d?.TimeToLiveStatus === 'ENABLED' || d?.TimeToLiveStatus === 'ENABLING';
    cmp('ttl', ttlAttribute, on ? (d?.AttributeName ?? '?') : 'off');
  }
  return { table: live, differences };
}
