/**
 * The commands of the model-based test of variants, derived keys and schema versions
 * (test/integration/model-based-variants-31.test.ts) as plain data, so fast-check prints and shrinks
 * them, and their generators: mostly valid values, with a few that break one rule.
 */
import fc from 'fast-check';
import type { VersionChoice } from './profile-commands.js';

export type Method = 'card' | 'bank' | 'wallet';

/** A Pay as given to put/create (`expires` as ISO text and `tags` as an array, turned into a Date and a Set when sent). */
export interface PayInput {
  payId: string;
  orderId: string;
  method: Method;
  amount: number;
  holder: string;
  last4?: string;
  expires?: string;
  tags?: string[];
  iban?: string;
  provider?: string;
  note?: string;
}

export type Cond =
  | { op: 'last4Eq'; v: string }
  | { op: 'noteExists' }
  | { op: 'amountGt'; n: number }
  | { op: 'methodEq'; m: Method }
  | { op: 'holderEq'; v: string }
  | { op: 'tagsContain'; v: string }
  | { op: 'revGte'; n: number };

/** One update action on a Pay; `value` undefined in a set removes the attribute. */
export type PayAction =
  | { k: 'set'; path: 'amount' | 'holder' | 'orderId' | 'last4' | 'expires' | 'iban' | 'provider' | 'method'; value: string | number }
  | { k: 'set'; path: 'note'; value: string | undefined }
  | { k: 'add'; path: 'amount'; value: number }
  | { k: 'add' | 'delete'; path: 'tags'; value: string[] }
  | { k: 'remove'; path: 'note' | 'tags' };

export interface PayUpdate { t: 'update'; id: string; actions: PayAction[]; version: VersionChoice; where?: Cond; upsert: boolean; returning: 'NONE' | 'ALL_NEW' | 'ALL_OLD' }

/** A Badge key as a command gives it: by its source (`name`), with the derived value too, or with a value that disagrees. */
export type KeyForm = 'sources' | 'both' | 'mismatch';
export interface BadgeRef { org: string; name: string; form: KeyForm }

/** A Legacy key: by the fields its key is computed from, by the key's value, or by both disagreeing. */
export interface LegacyRef { region: string; code: number; form: 'sources' | 'key' | 'mismatch' }

/** An item as version 1 of Pay stored it (a card, the holder as `who`, no `method`, no `_sv`), written past dynakit. */
export interface RawV1 { t: 'raw'; id: string; orderId: string; who: string; amount: number; last4: string; rev: number | undefined }

export type TxnAction =
  | { a: 'put'; input: PayInput; version: VersionChoice }
  | { a: 'update'; cmd: PayUpdate }
  | { a: 'delete'; id: string; version: VersionChoice }
  | { a: 'check'; id: string; cond: Cond }
  | { a: 'badgePut'; org: string; name: string; color?: string }
  | { a: 'badgeDelete'; ref: BadgeRef };

export type BatchWrite = { w: 'badgePut'; org: string; name: string; color?: string } | { w: 'badgeDelete'; ref: BadgeRef } | { w: 'payDelete'; id: string } | { w: 'payPut'; input: PayInput };

export type Command =
  | { t: 'put'; input: PayInput; version: VersionChoice; where?: Cond; returning: 'NONE' | 'ALL_OLD' }
  | { t: 'create'; input: PayInput }
  | PayUpdate
  | { t: 'delete'; id: string; version: VersionChoice; where?: Cond }
  | RawV1
  | { t: 'migrate'; segments: number | undefined }
  | { t: 'batch'; writes: BatchWrite[] }
  | { t: 'txn'; actions: TxnAction[] }
  | { t: 'badgePut'; org: string; name: string; color?: string; create: boolean }
  | { t: 'badgeUpdate'; ref: BadgeRef; color: string | undefined; rename?: string }
  | { t: 'badgeDelete'; ref: BadgeRef }
  | { t: 'legacyPut'; region: string; code: number; note?: string }
  | { t: 'legacyUpdate'; ref: LegacyRef; note: string | undefined; move: boolean }
  | { t: 'legacyDelete'; ref: LegacyRef }
  | { t: 'scan'; cond: Cond }
  | { t: 'query'; order: string; begins: string | undefined; reverse: boolean; project: boolean }
  | { t: 'read'; ids: string[]; project: boolean };

export const IDS = ['a', 'b', 'c'] as const;
export const ORDERS = ['o1', 'o2'] as const;
export const ORGS = ['acme', 'init'] as const;
/** The badge names a read looks for: each stands for every name with the same trimmed lowercase form. */
export const BADGE_NAMES = ['Ada', 'Bob'] as const;
/** The Legacy keys a read looks for, by their sources (`fr` and `FR` name one key). */
export const LEGACY_KEYS = [
  { region: 'FR', code: 1 },
  { region: 'de', code: 1 },
  { region: 'fr', code: 36 },
] as const;

const id = fc.constantFrom(...IDS);
const rare = <T>(common: fc.Arbitrary<T>, odd: fc.Arbitrary<T>): fc.Arbitrary<T> => fc.oneof({ weight: 25, arbitrary: common }, { weight: 1, arbitrary: odd });
const order = rare(fc.constantFrom(...ORDERS), fc.constant('o#3'));
const holder = rare(fc.constantFrom('Ada', ' ada ', 'Bob', 'bob ray', 'ZED'), fc.constant('a#b'));
const amount = rare(fc.integer({ min: 1, max: 50 }), fc.constantFrom(0, -3));
const last4 = rare(fc.constantFrom('4242', '1111'), fc.constant('123'));
const expires = fc.constantFrom('2030-01-01T00:00:00.000Z', '2031-06-15T12:30:00.000Z');
const tag = fc.constantFrom('vip', 'new', 'gift');
const tags = fc.uniqueArray(tag, { minLength: 1, maxLength: 2 });
/** Up to 5 characters fit both bank and wallet payments, up to 20 a bank payment only, longer none. */
const note = fc.constantFrom('rent', '', 'gift', 'monthly rent', 'a note much too long to keep');
const iban = fc.constantFrom('DE89370400440532013000', 'FR7630006000011234567890189');
const provider = fc.constantFrom('apple', 'google');
const version = fc.constantFrom<VersionChoice>('current', 'current', 'current', 'stale', 'none');
/** `undefined` one time in `every` (fast-check's `freq` is how rarely the value is nil). */
export const maybe = <T>(a: fc.Arbitrary<T>, every = 3): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined, freq: every });
/** A value one time in `every`, else `undefined`. */
const seldom = <T>(a: fc.Arbitrary<T>, every: number): fc.Arbitrary<T | undefined> => fc.oneof({ weight: every - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: a });

const dropUndefined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export const payInput = (forId: fc.Arbitrary<string> = id): fc.Arbitrary<PayInput> =>
  fc
    .record({ payId: forId, orderId: order, amount, holder, method: fc.constantFrom<Method>('card', 'bank', 'wallet'), last4, expires, tags: maybe(tags), iban, provider, note: maybe(note) })
    .map(({ method, last4, expires, tags, iban, provider, note, ...common }) =>
      dropUndefined(method === 'card' ? { ...common, method, last4, expires, tags } : method === 'bank' ? { ...common, method, iban, note } : { ...common, method, provider, note }),
    );

export const cond: fc.Arbitrary<Cond> = fc.oneof(
  fc.record({ op: fc.constant('last4Eq' as const), v: fc.constantFrom('4242', '1111') }),
  fc.constant({ op: 'noteExists' as const }),
  fc.record({ op: fc.constant('amountGt' as const), n: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ op: fc.constant('methodEq' as const), m: fc.constantFrom<Method>('card', 'bank', 'wallet') }),
  fc.record({ op: fc.constant('holderEq' as const), v: fc.constantFrom('Ada', 'Bob', 'ZED') }),
  fc.record({ op: fc.constant('tagsContain' as const), v: tag }),
  fc.record({ op: fc.constant('revGte' as const), n: fc.integer({ min: 1, max: 4 }) }),
);
const maybeWhere = seldom(cond, 4);

export const payAction: fc.Arbitrary<PayAction> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ k: fc.constant('set' as const), path: fc.constant('amount' as const), value: amount }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('add' as const), path: fc.constant('amount' as const), value: fc.integer({ min: -30, max: 10 }) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('set' as const), path: fc.constant('holder' as const), value: holder }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('set' as const), path: fc.constant('orderId' as const), value: order }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('set' as const), path: fc.constant('last4' as const), value: last4 }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('set' as const), path: fc.constant('expires' as const), value: expires }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('set' as const), path: fc.constant('iban' as const), value: iban }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('set' as const), path: fc.constant('provider' as const), value: provider }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('set' as const), path: fc.constant('note' as const), value: maybe(note) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('remove' as const), path: fc.constantFrom('note' as const, 'tags' as const) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constantFrom('add' as const, 'delete' as const), path: fc.constant('tags' as const), value: tags }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('set' as const), path: fc.constant('method' as const), value: fc.constantFrom<Method>('card', 'bank', 'wallet') }) },
);

export const payUpdate: fc.Arbitrary<PayUpdate> = fc
  .record({
    t: fc.constant('update' as const),
    id,
    actions: fc.uniqueArray(payAction, { minLength: 1, maxLength: 2, selector: (a) => a.path }),
    version,
    where: maybeWhere,
    upsert: fc.oneof({ weight: 12, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    returning: fc.constantFrom('NONE' as const, 'ALL_NEW' as const, 'ALL_OLD' as const),
  })
  .map(dropUndefined);

const org = rare(fc.constantFrom(...ORGS), fc.constant('x#y'));
const badgeName = rare(fc.constantFrom('Ada', ' ada ', 'ADA', 'Bob', 'bob'), fc.constant('b#c'));
const color = fc.constantFrom('red', 'blue');
const badgeRef: fc.Arbitrary<BadgeRef> = fc.record({ org: fc.constantFrom(...ORGS), name: fc.constantFrom('Ada', ' ada ', 'BOB'), form: fc.constantFrom<KeyForm>('sources', 'sources', 'both', 'mismatch') });
const badgePut = fc.record({ org, name: badgeName, color: maybe(color) }).map(dropUndefined);

const txnAction: fc.Arbitrary<TxnAction> = fc.oneof(
  fc.record({ a: fc.constant('put' as const), input: payInput(), version }),
  { weight: 2, arbitrary: fc.record({ a: fc.constant('update' as const), cmd: payUpdate.map((c) => ({ ...c, returning: 'NONE' as const })) }) },
  fc.record({ a: fc.constant('delete' as const), id, version }),
  fc.record({ a: fc.constant('check' as const), id, cond }),
  badgePut.map((b) => ({ a: 'badgePut' as const, ...b })),
  fc.record({ a: fc.constant('badgeDelete' as const), ref: badgeRef }),
);

const batchWrite: fc.Arbitrary<BatchWrite> = fc.oneof(
  { weight: 3, arbitrary: badgePut.map((b) => ({ w: 'badgePut' as const, ...b })) },
  { weight: 2, arbitrary: fc.record({ w: fc.constant('badgeDelete' as const), ref: badgeRef.map((r) => ({ ...r, form: r.form === 'mismatch' ? ('sources' as const) : r.form })) }) },
  { weight: 2, arbitrary: fc.record({ w: fc.constant('payDelete' as const), id }) },
  { weight: 1, arbitrary: fc.record({ w: fc.constant('payPut' as const), input: payInput() }) },
);

const legacyRef: fc.Arbitrary<LegacyRef> = fc.record({ region: fc.constantFrom('fr', 'FR', 'de'), code: fc.constantFrom(1, 36), form: fc.constantFrom('sources' as const, 'sources' as const, 'key' as const, 'mismatch' as const) });

export const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ t: fc.constant('put' as const), input: payInput(), version, where: maybeWhere, returning: fc.constantFrom('NONE' as const, 'ALL_OLD' as const) }).map(dropUndefined) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('create' as const), input: payInput() }) },
  { weight: 10, arbitrary: payUpdate },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('delete' as const), id, version, where: maybeWhere }).map(dropUndefined) },
  {
    weight: 3,
    arbitrary: fc.record({ t: fc.constant('raw' as const), id, orderId: fc.constantFrom(...ORDERS), who: fc.constantFrom('Ada', 'Bob', 'old timer'), amount: fc.integer({ min: 1, max: 50 }), last4: fc.constantFrom('4242', '1111'), rev: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }) }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('migrate' as const), segments: fc.constantFrom(undefined, 2) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('batch' as const), writes: fc.array(batchWrite, { minLength: 1, maxLength: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('txn' as const), actions: fc.array(txnAction, { minLength: 2, maxLength: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('badgePut' as const), org, name: badgeName, color: maybe(color), create: fc.boolean() }).map(dropUndefined) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('badgeUpdate' as const), ref: badgeRef, color: maybe(color), rename: seldom(fc.constant('Eve'), 6) }).map((c) => (c.rename === undefined ? { t: c.t, ref: c.ref, color: c.color } : c)) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('badgeDelete' as const), ref: badgeRef }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('legacyPut' as const), region: fc.constantFrom('fr', 'FR', 'de'), code: fc.constantFrom(1, 36), note: maybe(fc.constantFrom('old', 'new')) }).map(dropUndefined) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('legacyUpdate' as const), ref: legacyRef, note: maybe(fc.constantFrom('old', 'new')), move: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('legacyDelete' as const), ref: legacyRef }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('scan' as const), cond }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('query' as const), order: fc.constantFrom(...ORDERS), begins: fc.constantFrom(undefined, 'a', 'bob', 'z'), reverse: fc.boolean(), project: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('read' as const), ids: fc.array(id, { minLength: 1, maxLength: 4 }), project: fc.boolean() }) },
);
