/**
 * The world of the model-based fault test (test/integration/model-based-faults-67.test.ts): two
 * tables of the app model written through one faulty client (and the same tables through a client
 * with the SDK's own retries), the commands fast-check generates, and the in-memory model of what
 * the tables hold (per physical key: the entity and its number, `score` for a User, `total` for an
 * Order; every put writes a number no other write used, so the table says which write it holds).
 */
import fc from 'fast-check';
import type { UnprocessedWrite } from '../../src/index.js';
import type { appModel } from '../fixtures/app-model.js';
import type { Fault, InjectedError } from './faults-scripted.js';

export type App = ReturnType<typeof appModel>;
export type TableName = 'A' | 'B';

/** An item of the key space: a user's profile, or one of its orders. */
export interface Target {
  readonly table: TableName;
  readonly ent: 'User' | 'Order';
  readonly u: number;
  readonly seq: number;
}

export interface BatchCmd {
  readonly t: 'batch';
  /** `batchWrite([...])`, `batchWrite(async (batch) => ...)` or the streaming writer. */
  readonly form: 'array' | 'callback' | 'writer';
  /** Callback form: the callback throws before adding write #throwAt (an `undefined` or a later one: it does not). */
  readonly throwAt: number | undefined;
  /** `onProgress` throws at its report #progressThrowsAt (1-based; never when undefined). */
  readonly progressThrowsAt: number | undefined;
  /** `sdk`: through the same table defined on the client with SDK retries (a batch across two clients). */
  readonly writes: readonly { readonly put: boolean; readonly target: Target; readonly sdk: boolean }[];
  readonly concurrency: number;
  readonly maxAttempts: number | undefined;
  readonly flushEvery: number;
  /** Streaming writer: go on adding writes (and flushing) after it threw, as docs/batch.md allows. */
  readonly keepAdding: boolean;
  /** Streaming writer: ended by `close()` or by the end of an `await using` block. */
  readonly close: 'close' | 'using';
  readonly script: readonly Fault[];
  readonly signal: SignalKind;
}

export type TxOp = 'put' | 'create' | 'add' | 'del' | 'check';
export interface TxCmd {
  readonly t: 'tx';
  readonly actions: readonly { readonly op: TxOp; readonly target: Target; readonly n: number }[];
  /** A token of the caller's; with `now`, a retry is made of new builders stamped with the same time. */
  readonly token: 'none' | 'given' | 'givenWithNow';
  /** Through the client without SDK retries (dynakit sees every fault) or with them. */
  readonly sdkRetries: boolean;
  readonly retryConflicts: number | undefined;
  readonly script: readonly Fault[];
  readonly signal: SignalKind;
}

export interface GetCmd {
  readonly t: 'get';
  readonly targets: readonly Target[];
  readonly concurrency: number;
  readonly maxAttempts: number | undefined;
  readonly script: readonly Fault[];
  readonly signal: SignalKind;
}

export interface DeleteAllCmd {
  readonly t: 'deleteAll';
  readonly table: TableName;
  /** An entity query (the user's orders) or a table-level one (the whole partition). */
  readonly scope: 'orders' | 'partition';
  readonly u: number;
  readonly pageSize: number;
  readonly concurrency: number;
  readonly maxAttempts: number | undefined;
  readonly script: readonly Fault[];
  readonly signal: SignalKind;
}

/** Many orders of one user written without faults, so a `deleteAll()` of the partition spans calls and pages. */
export interface BulkCmd {
  readonly t: 'bulk';
  readonly table: TableName;
  readonly u: number;
  readonly n: number;
}

export type Cmd = BatchCmd | TxCmd | GetCmd | DeleteAllCmd | BulkCmd;
export type SignalKind = 'none' | 'abort' | 'timeout';

export const USERS = 5;
export const SEQS = 4;

const target: fc.Arbitrary<Target> = fc.record({
  table: fc.constantFrom<TableName>('A', 'A', 'B'),
  ent: fc.constantFrom<'User' | 'Order'>('User', 'Order'),
  u: fc.integer({ min: 0, max: USERS - 1 }),
  seq: fc.integer({ min: 0, max: SEQS - 1 }),
}).map((t) => (t.ent === 'User' ? { ...t, seq: 0 } : t));

const THROTTLES: readonly InjectedError[] = ['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'InternalServerError', 'ServiceUnavailable'];

export const fault: fc.Arbitrary<Fault> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'ok' as const }) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 2 ** 30 - 1 }).map((mask) => ({ kind: 'partial' as const, mask })) },
  { weight: 3, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 3, arbitrary: fc.constantFrom(...THROTTLES).map((error) => ({ kind: 'error' as const, error })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'error' as const, error: 'ValidationException' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'dropBefore' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'dropAfter' as const }) },
  { weight: 2, arbitrary: fc.nat(99).map((index) => ({ kind: 'conflict' as const, index })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'abortBefore' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'abortAfter' as const }) },
  { weight: 1, arbitrary: fc.integer({ min: 5, max: 80 }).map((ms) => ({ kind: 'slow' as const, ms })) },
);

/** A script of faults: random ones, or a run of "nothing processed" long enough to exhaust the attempts. */
const script: fc.Arbitrary<Fault[]> = fc.oneof(
  { weight: 4, arbitrary: fc.array(fault, { maxLength: 8 }) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.array(fault, { maxLength: 3 }), fc.integer({ min: 1, max: 11 })).map(([head, n]) => [...head, ...Array.from({ length: n }, () => ({ kind: 'none' as const }))]),
  },
);

/** `undefined` three times in four. */
const sometimes = (value: fc.Arbitrary<number>): fc.Arbitrary<number | undefined> =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: value });
const attempts = fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined, freq: 2 });
const signalKind = fc.constantFrom<SignalKind>('none', 'none', 'none', 'abort', 'timeout');

const batchCmd: fc.Arbitrary<BatchCmd> = fc.record({
  t: fc.constant('batch' as const),
  form: fc.constantFrom<BatchCmd['form']>('array', 'callback', 'writer'),
  throwAt: sometimes(fc.nat(60)),
  progressThrowsAt: sometimes(fc.integer({ min: 1, max: 6 })),
  writes: fc
    .tuple(fc.boolean(), fc.array(fc.record({ put: fc.boolean(), target, sdk: fc.constantFrom(false, false, false, true) }), { minLength: 1, maxLength: 110, size: 'max' }))
    .map(([twoClients, writes]) => (twoClients ? writes : writes.map((w) => ({ ...w, sdk: false })))),
  concurrency: fc.integer({ min: 1, max: 5 }),
  maxAttempts: attempts,
  flushEvery: fc.integer({ min: 1, max: 120 }),
  keepAdding: fc.boolean(),
  close: fc.constantFrom<'close' | 'using'>('close', 'using'),
  script,
  signal: signalKind,
});

const txAction = fc.record({ op: fc.constantFrom<TxOp>('put', 'put', 'put', 'create', 'add', 'add', 'del', 'del', 'check'), target, n: fc.integer({ min: 1, max: 4 }) });
const sameItem = (a: { target: Target }, b: { target: Target }): boolean => JSON.stringify(a.target) === JSON.stringify(b.target);

const txCmd: fc.Arbitrary<TxCmd> = fc.record({
  t: fc.constant('tx' as const),
  // Mostly one action per item; sometimes two on one item, which is refused before sending.
  actions: fc.oneof(
    { weight: 9, arbitrary: fc.uniqueArray(txAction, { minLength: 1, maxLength: 4, comparator: sameItem }) },
    { weight: 1, arbitrary: fc.array(txAction, { minLength: 2, maxLength: 4 }) },
  ),
  token: fc.constantFrom<TxCmd['token']>('none', 'given', 'givenWithNow'),
  sdkRetries: fc.boolean(),
  retryConflicts: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  // The client with SDK retries waits 1 s and more before resending a throttled call: no throttling there.
  script: fc.array(fault, { maxLength: 4 }),
  signal: signalKind,
});

const getCmd: fc.Arbitrary<GetCmd> = fc.record({
  t: fc.constant('get' as const),
  targets: fc.array(target, { minLength: 1, maxLength: 60, size: 'max' }),
  concurrency: fc.integer({ min: 1, max: 4 }),
  maxAttempts: attempts,
  script,
  signal: signalKind,
});

const deleteAllCmd: fc.Arbitrary<DeleteAllCmd> = fc.record({
  t: fc.constant('deleteAll' as const),
  table: fc.constantFrom<TableName>('A', 'B'),
  scope: fc.constantFrom<'orders' | 'partition'>('orders', 'partition'),
  u: fc.integer({ min: 0, max: USERS - 1 }),
  pageSize: fc.constantFrom(1, 2, 3, 30, 100),
  concurrency: fc.integer({ min: 1, max: 3 }),
  maxAttempts: attempts,
  script,
  signal: signalKind,
});

const bulkCmd: fc.Arbitrary<BulkCmd> = fc.record({
  t: fc.constant('bulk' as const),
  table: fc.constantFrom<TableName>('A', 'B'),
  u: fc.integer({ min: 0, max: USERS - 1 }),
  n: fc.integer({ min: 20, max: 80 }),
});

export const command: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 5, arbitrary: batchCmd },
  { weight: 5, arbitrary: txCmd },
  { weight: 2, arbitrary: getCmd },
  { weight: 1, arbitrary: deleteAllCmd },
  { weight: 1, arbitrary: bulkCmd },
);

/** What a key holds in the model. */
export interface Stored {
  readonly ent: 'User' | 'Order';
  readonly value: number;
}
export type Model = Map<string, Stored>;

/** Builders and ids of the targets of one run (its key prefix keeps runs apart). */
export class Targets {
  constructor(
    readonly prefix: string,
    private readonly apps: Readonly<Record<TableName, App>>,
  ) {}

  userId(t: Pick<Target, 'u'>): string {
    return `${this.prefix}-u${t.u}`;
  }

  app(t: Pick<Target, 'table'>): App {
    return this.apps[t.table];
  }

  put(t: Target, value: number, app = this.app(t)) {
    const userId = this.userId(t);
    return t.ent === 'User'
      ? app.User.put({ userId, orgId: 'acme', email: `${userId}@example.com`, name: `User ${t.u}`, score: value })
      : app.Order.put({ userId, seq: t.seq, orderId: 'x', total: value, placedAt: new Date('2024-05-06T07:08:09.000Z'), lines: [] });
  }

  del(t: Target, app = this.app(t)) {
    const userId = this.userId(t);
    return t.ent === 'User' ? app.User.delete({ userId }) : app.Order.delete({ userId, seq: t.seq, orderId: 'x' });
  }

  get(t: Target, app = this.app(t)) {
    const userId = this.userId(t);
    return t.ent === 'User' ? app.User.get({ userId }) : app.Order.get({ userId, seq: t.seq, orderId: 'x' });
  }

  /** `table|pk|sk` of the target's item. */
  id(t: Target): string {
    const key = this.del(t).build().Key as { pk: string; sk: string };
    return `${this.app(t).AppTable.name}|${key.pk}|${key.sk}`;
  }

  /** `table|pk|sk` of an unprocessed write, and its number for a put. */
  unprocessedId(w: UnprocessedWrite): { id: string; kind: 'put' | 'delete'; value: number | undefined } {
    const app = Object.values(this.apps).find((a) => a.AppTable.name === w.table)!;
    if (w.type === 'put') {
      const built = (w.entity === 'User' ? app.User.put(w.item as never) : app.Order.put(w.item as never)).build().Item as { pk: string; sk: string };
      return { id: `${w.table}|${built.pk}|${built.sk}`, kind: 'put', value: Number(w.entity === 'User' ? w.item['score'] : w.item['total']) };
    }
    const key = (w.entity === 'User' ? app.User.delete(w.key as never) : app.Order.delete(w.key as never)).build().Key as { pk: string; sk: string };
    return { id: `${w.table}|${key.pk}|${key.sk}`, kind: 'delete', value: undefined };
  }
}
