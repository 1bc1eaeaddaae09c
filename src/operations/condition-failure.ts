import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshallItem } from '../client/attribute-value.js';
import { ConditionFailedError, VersionConflictError, sdkAttempts, type CancellationReason, type WriteOperation } from '../errors.js';
import type { EntityModel } from '../entity/model.js';
import { unseenStoredItem } from './check-guard.js';

/** What a write checked, to tell a lost version race from another failed condition. */
export interface VersionCheck {
  /** The version the write expected; `undefined` when it expected no item. */
  readonly expected: number | undefined;
}

/**
 * The stored item a failed condition carries (raw, as the DocumentClient leaves it), in model form
 * when it is this entity's and parses; another entity's item under the same key is reported as
 * stored, never parsed as this one.
 */
export function failedItem(model: EntityModel, raw: Record<string, AttributeValue>): { item: Record<string, unknown>; plain: Record<string, unknown>; owned: boolean } {
  const plain = unmarshallItem(raw);
  if (!model.owns(plain)) return { item: plain, plain, owned: false };
  try {
    const item = model.parse(plain);
    parsedBy.set(item, model);
    return { item, plain, owned: true };
  } catch {
    return { item: plain, plain, owned: true };
  }
}

/** The stored items of failed writes that parsed as their entity's, by the model that parsed them. */
const parsedBy = new WeakMap<object, EntityModel>();

/**
 * The `item` of a failed write (`ConditionFailedError`, `VersionConflictError`, a transaction's
 * `CancellationReason`) when `model` parsed it, else `undefined`: another entity's item, or one that
 * did not parse, is carried as stored and is no item of `model`'s type.
 */
export function storedItemOf(model: EntityModel, failure: unknown): Record<string, unknown> | undefined {
  const item = typeof failure === 'object' && failure !== null ? (failure as { item?: unknown }).item : undefined;
  return typeof item === 'object' && item !== null && parsedBy.get(item) === model ? (item as Record<string, unknown>) : undefined;
}

/**
 * Maps DynamoDB's `ConditionalCheckFailedException` to a `ConditionFailedError`, parsing the
 * stored item it may carry; a lost optimistic-locking race on this entity's item becomes a
 * `VersionConflictError`. Other errors pass through. The message says what the write `checked`,
 * and when the stored item came back (`returnItemOnConditionFailure`) and was another entity's or
 * expired, that too (`unseenStoredItem`).
 */
export function mapConditionFailure(error: unknown, model: EntityModel, operation: WriteOperation, version?: VersionCheck, checked?: string): unknown {
  if ((error as { name?: string } | null)?.name !== 'ConditionalCheckFailedException') return error;
  const raw = (error as { Item?: Record<string, AttributeValue> }).Item;
  const stored = raw === undefined ? undefined : failedItem(model, raw);
  const item = stored?.item;
  if (expiredAtVersion(model, version, stored)) {
    // A versioned write's condition requires an unexpired item, and reads show an expired one as
    // absent: to the version check, as to a read, the item it expected is gone (none is carried).
    const e = new VersionConflictError(model.name, operation, version?.expected, undefined, error);
    e.message = `${model.name}: ${operation} expected version ${String(version?.expected)} but the stored item has expired (its TTL has passed: reads show no item)${maybeAppliedNote(e)}`;
    return e;
  }
  const conflict = versionConflict(model, version, stored);
  if (conflict !== undefined) {
    const e = new VersionConflictError(model.name, operation, version?.expected, item, error);
    e.message = `${model.name}: ${operation} ${conflict}${maybeAppliedNote(e)}`;
    return e;
  }
  const found = stored === undefined ? undefined : unseenStoredItem(model, stored.plain, new Date(), operation);
  return conditionFailed(model.name, operation, item, error, found === undefined ? checked : `${checked ?? 'its condition must hold'}; ${found}`);
}

/**
 * `mapConditionFailure` for a write addressed by a table's physical key (`AppTable.delete(key)`):
 * the stored item it may carry is reported as stored, for no entity parses it.
 */
export function mapTableConditionFailure(error: unknown, owner: string, operation: WriteOperation, checked: string | undefined): unknown {
  if ((error as { name?: string } | null)?.name !== 'ConditionalCheckFailedException') return error;
  const raw = (error as { Item?: Record<string, AttributeValue> }).Item;
  return conditionFailed(owner, operation, raw === undefined ? undefined : unmarshallItem(raw), error, checked);
}

/** The `ConditionFailedError` of a write of `owner`, its message saying what the write `checked` and whether a retry may have applied it. */
export function conditionFailed(owner: string, operation: WriteOperation, item: Record<string, unknown> | undefined, error: unknown, checked: string | undefined): ConditionFailedError {
  const e = new ConditionFailedError(owner, operation, item, error);
  // "condition failed" alone leaves the reader guessing which of the implicit guards was false.
  if (checked !== undefined) e.message = `${owner}: ${operation} condition failed: ${checked}${item === undefined ? '' : ' (stored item attached)'}`;
  e.message += maybeAppliedNote(e);
  return e;
}

/**
 * The end of the message of a condition failure met by a retry of the SDK: the one it reports may
 * be the effect of the write itself, applied by an earlier attempt whose answer was lost.
 */
function maybeAppliedNote(e: ConditionFailedError): string {
  if (!e.maybeApplied) return '';
  return `; the SDK sent this request ${sdkAttempts(e.cause)} times (it retried after an error), so an earlier attempt may have applied this write and the condition failed on its result (maybeApplied): read the item to know`;
}

/**
 * How a failed write's expected version differs from the stored item's (`expected version 1 but the
 * stored item has version 2`), or `undefined` when the write checked no version or the versions
 * agree (another part of its condition was false). Another entity's item under the key failed the
 * ownership guard: its version, if any, is not this entity's.
 */
export function versionConflict(model: EntityModel, version: VersionCheck | undefined, stored: { plain: Record<string, unknown>; owned: boolean } | undefined): string | undefined {
  if (version === undefined || model.version === undefined || stored?.owned === false) return undefined;
  const storedVersion = stored?.plain[model.storedName(model.version)];
  // A write that expected no item (a put without a version) meets any stored item as a conflict,
  // one stored before the entity had `version` too: that item has no version, as the write expected.
  if (version.expected === undefined ? stored === undefined : storedVersion === version.expected) return undefined;
  const has = stored === undefined ? 'does not exist' : storedVersion === undefined ? 'has no version' : `has version ${String(storedVersion)}`;
  return `expected ${version.expected === undefined ? 'no stored item' : `version ${version.expected}`} but the stored item ${has}`;
}

/** Whether a write that expected a version met this entity's item at that version, with its TTL passed. */
function expiredAtVersion(model: EntityModel, version: VersionCheck | undefined, stored: { plain: Record<string, unknown>; owned: boolean } | undefined): boolean {
  if (version?.expected === undefined || model.version === undefined || stored?.owned !== true) return false;
  return stored.plain[model.storedName(model.version)] === version.expected && model.expired(stored.plain, new Date());
}

/**
 * What a write's condition required, for the message of its `ConditionFailedError` or of a
 * cancelled transaction: the operation's own guard (`guard`, or `undefined` for none), the version
 * it expects (optimistic locking), the bounds it keeps (an update's list, set and number bounds)
 * and the caller's `where()` (`true`, or what it requires in words: `seenByWriteText`).
 */
export function describeChecks(guard: string | undefined, where: boolean | string, bounds: readonly string[] = [], version?: VersionCheck): string | undefined {
  const expects = version === undefined ? undefined : version.expected === undefined ? 'no item may be stored under its key yet' : `the stored version must be ${version.expected}`;
  const said = typeof where === 'string' ? where : where ? 'its where() condition must hold' : undefined;
  const parts = [guard, expects, ...bounds, said].filter((p): p is string => p !== undefined);
  return parts.length === 0 ? undefined : parts.join(', and ');
}

interface RawReason {
  Code?: string;
  Message?: string;
  Item?: Record<string, AttributeValue>;
}

/**
 * Turns DynamoDB's cancellation reasons into typed ones, lined up with the actions; `conflicts[i]`
 * says how action `i`'s expected version (`version`, for a write that checks one) differs from the
 * stored item's, when that made its condition fail (see `versionConflict`); `found[i]`, what
 * action `i`'s `unseen` says of the stored item its failed condition returned (a check's: another
 * entity's item, or an expired one, which it sees as no item).
 */
export function cancellationReasons(
  error: unknown,
  prepared: readonly (({ model: EntityModel } | { model: undefined; owner: string }) & {
    key: Record<string, unknown>;
    version?: VersionCheck | undefined;
    unseen?: ((plain: Readonly<Record<string, unknown>>) => string | undefined) | undefined;
  })[],
): { reasons: CancellationReason[]; conflicts: (string | undefined)[]; found: (string | undefined)[] } {
  const raw = ((error as { CancellationReasons?: RawReason[] }).CancellationReasons ?? []) as RawReason[];
  const conflicts: (string | undefined)[] = [];
  const found: (string | undefined)[] = [];
  const reasons = prepared.map((p, index) => {
    const r = raw[index] ?? {};
    const code = r.Code ?? 'None';
    // An action addressed by physical key (no entity): its stored item is reported as stored.
    if (p.model === undefined) {
      conflicts.push(undefined);
      found.push(undefined);
      return { index, entity: p.owner, key: p.key, code, message: r.Message, item: r.Item === undefined ? undefined : unmarshallItem(r.Item) };
    }
    const stored = r.Item === undefined ? undefined : failedItem(p.model, r.Item);
    const failed = code === 'ConditionalCheckFailed';
    conflicts.push(failed ? versionConflict(p.model, p.version, stored) : undefined);
    found.push(failed && stored !== undefined ? p.unseen?.(stored.plain) : undefined);
    return { index, entity: p.model.name, key: p.key, code, message: r.Message, item: stored?.item };
  });
  return { reasons, conflicts, found };
}
