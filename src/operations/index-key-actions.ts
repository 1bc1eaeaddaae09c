import type { ConditionNode, UpdateAction } from '../expressions/ast.js';
import { Condition } from '../expressions/condition.js';
import { KeyError } from '../errors.js';
import type { EntityModel } from '../entity/model.js';
import { indexKeyParts, isSelfKey } from '../entity/index-keys.js';
import type { KeyTemplate } from '../entity/key-template.js';
import type { Planned } from './update-plan.js';

/**
 * Keeps secondary-index keys in step with their composites: when an update changes an
 * attribute that composes an index key, that key is rebuilt (every composite must then be
 * known from the update or the primary key) or removed (the item leaves a sparse index).
 * An upsert also writes, with if_not_exists, the keys it can build for a created item from the
 * key, the values set and the schema `defaults` it writes.
 */
export function indexKeyActions(
  model: EntityModel,
  plan: Planned,
  key: Readonly<Record<string, unknown>>,
  upsert = false,
  defaults: Readonly<Record<string, unknown>> = {},
): UpdateAction[] {
  const out: UpdateAction[] = [];
  let values: Record<string, unknown> | undefined;
  let created: Record<string, unknown> | undefined;
  for (const { name, field, t, attribute } of rebuiltKeys(model)) {
    if (!t.composites.some((c) => c in plan.known || plan.opaque.has(c) || plan.removed.has(c))) {
      if (!upsert) continue;
      // A created item gets every key attribute whose composites are known (e.g. only from the primary key):
      // the values below plus the schema defaults the upsert writes with if_not_exists.
      created ??= Object.assign({}, defaults, key, plan.known);
      if (t.missing(created).length === 0) {
        out.push({ kind: 'set', path: [attribute], value: { kind: 'ifNotExists', path: [attribute], fallback: { kind: 'value', value: t.build(created) } } });
      }
      continue;
    }
    // A composite set to null is absent too: the item leaves this sparse index.
    const removed = t.composites.find((c) => plan.removed.has(c) || plan.known[c] === null);
    if (removed !== undefined) {
      out.push({ kind: 'remove', path: [attribute] });
      continue;
    }
    const opaque = t.composites.find((c) => plan.opaque.has(c));
    if (opaque !== undefined) {
      throw new KeyError(model.name, `${name}.${field}`, opaque, `${opaque} composes ${name}.${field} ("${t.source}"); change it with set() of a plain value so the index key can be rebuilt`);
    }
    values ??= Object.assign({}, key, plan.known);
    const missing = t.missing(values);
    if (missing.length === 0) {
      out.push({ kind: 'set', path: [attribute], value: { kind: 'value', value: t.build(values) } });
      continue;
    }
    const touched = t.composites.filter((c) => c in plan.known || plan.opaque.has(c) || plan.removed.has(c));
    // updatedAt is set by every update, not by the caller: say so rather than "changing updatedAt".
    const cause =
      touched.length === 1 && touched[0] === model.timestamps?.updatedAt ? `every update sets ${touched[0]}, which` : `changing ${touched.join(', ')}`;
    // createdAt is stored but not known to an update unless given with withTimestamps(): the key cannot be rebuilt.
    const stamp = model.timestamps?.createdAt;
    if (stamp !== undefined && missing.includes(stamp)) {
      throw new KeyError(
        model.name,
        `${name}.${field}`,
        stamp,
        `${cause} rewrites ${attribute} ("${t.source}"), which also needs ${stamp}; ${stamp} is kept by dynakit and not known to an update, so it cannot be rebuilt here: give the ${stamp} read with .withTimestamps({ ${stamp} }) on this update, write the whole item with put() (which stamps a new createdAt, or keeps the one read with put(item).withTimestamps({ createdAt })), or keep createdAt out of keys with changing composites`,
      );
    }
    const toSet = settable(model, missing);
    throw new KeyError(
      model.name,
      `${name}.${field}`,
      missing[0]!,
      `${cause} rewrites ${attribute} ("${t.source}"), which also needs ${missing.map((m) => describeNeeded(model, m)).join(', ')}: include ${toSet.join(', ')} in set()${cause.startsWith('every') ? ` of every update of ${model.name}` : ''}`,
    );
  }
  return out;
}

/**
 * The index keys an upsert writes with `if_not_exists` for a created item, by key attribute, with
 * the composites among theirs that come from schema defaults (not from the key or the update).
 */
function defaultedKeys(model: EntityModel, plan: Planned, key: Readonly<Record<string, unknown>>, defaults: Readonly<Record<string, unknown>>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let created: Record<string, unknown> | undefined;
  for (const { t, attribute } of rebuiltKeys(model)) {
    if (t.composites.some((c) => c in plan.known || plan.opaque.has(c) || plan.removed.has(c))) continue;
    created ??= Object.assign({}, defaults, key, plan.known);
    if (t.missing(created).length > 0) continue;
    const fromDefaults = t.composites.filter((c) => !(c in key) && c in defaults);
    if (fromDefaults.length > 0) out.set(attribute, fromDefaults);
  }
  return out;
}

/**
 * What an upsert requires of a stored item so that an index key it writes for a created item from
 * schema defaults (`if_not_exists`) is never written into an item that holds other values: for each
 * such key attribute, that it is stored already (then kept), or that each defaulted composite is
 * absent (then the default is written too) or holds the default. An item stored with `null` there
 * (`z.string().nullable().default('inbox')`: if_not_exists keeps a NULL attribute), or with a value
 * but no key (written before the index had templates) would otherwise be indexed under the default.
 * Such an upsert over such an item fails (`ConditionFailedError`) and writes nothing. `undefined`
 * when the upsert writes no such key.
 *
 * @example createdKeyGuard(Task.model, plan, { id: 't1' }, { board: 'inbox' }) // attribute_exists(gsi1pk) OR attribute_not_exists(board) OR board = 'inbox'
 */
export function createdKeyGuard(model: EntityModel, plan: Planned, key: Readonly<Record<string, unknown>>, defaults: Readonly<Record<string, unknown>>): { condition: Condition; text: string } | undefined {
  const keys = defaultedKeys(model, plan, key, defaults);
  if (keys.size === 0) return undefined;
  const nodes: ConditionNode[] = [];
  const texts: string[] = [];
  for (const [attribute, composites] of keys) {
    const each: ConditionNode[] = composites.map((c) => ({
      kind: 'or',
      children: [
        { kind: 'exists', path: [c], negate: true },
        { kind: 'compare', op: '=', left: { kind: 'path', path: [c] }, right: { kind: 'value', value: defaults[c] } },
      ],
    }));
    // Every defaulted composite must fit (AND): one absent composite does not make another's value the default.
    nodes.push({ kind: 'or', children: [{ kind: 'exists', path: [attribute], negate: false }, each.length === 1 ? each[0]! : { kind: 'and', children: each }] });
    texts.push(`a stored item without ${attribute} must hold no ${composites.join(', ')} or the default`);
  }
  return {
    condition: new Condition(nodes.length === 1 ? nodes[0]! : { kind: 'and', children: nodes }),
    text: `${texts.join(', and ')} (an upsert builds the index keys a created item gets from the defaults, which would index another item under values it does not hold: set ${[...new Set([...keys.values()].flat())].join(', ')} in the upsert, or use update())`,
  };
}

/**
 * What an update must set to give the missing composites: a derived attribute cannot be set itself,
 * only its sources (which then set it; the key gives primary-key composites).
 */
function settable(model: EntityModel, missing: readonly string[]): string[] {
  const derived = model.derived?.byName;
  return [...new Set(missing.flatMap((m) => derived?.get(m)?.from.filter((f) => !model.keys.primaryComposites.has(f)) ?? [m]))];
}

function describeNeeded(model: EntityModel, composite: string): string {
  const d = model.derived?.byName.get(composite);
  return d === undefined ? composite : `${composite} (derived from ${d.from.join(', ')})`;
}

/** A secondary-index key attribute an update rebuilds from its composites. */
interface RebuiltKey {
  readonly name: string;
  readonly field: 'pk' | 'sk';
  readonly t: KeyTemplate;
  readonly attribute: string;
}

/**
 * The secondary-index key attributes updates keep, found once per entity (every update walks them).
 * Indexes may share key attributes, with one template (see compileIndexKeys): each attribute is
 * listed once. The table's own key attributes (an inverted index's keys) are the item's Key, which
 * an update cannot change (DynamoDB: "Cannot update attribute pk. This attribute is part of the
 * key"); a key that is the attribute itself changes with that attribute's own action.
 */
function rebuiltKeys(model: EntityModel): readonly RebuiltKey[] {
  const known = rebuilt.get(model);
  if (known !== undefined) return known;
  const list: RebuiltKey[] = [];
  const handled = new Set<string>(model.primaryKeyNames);
  for (const [name, ix] of model.indexes) {
    if (ix.index.type === 'primary') continue;
    for (const [field, t, attr] of indexKeyParts(ix)) {
      if (handled.has(attr.name)) continue;
      handled.add(attr.name);
      if (!isSelfKey(t, attr.name)) list.push({ name, field, t, attribute: attr.name });
    }
  }
  rebuilt.set(model, list);
  return list;
}
const rebuilt = new WeakMap<EntityModel, readonly RebuiltKey[]>();
