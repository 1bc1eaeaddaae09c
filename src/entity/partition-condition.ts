import { AttributeOperand, and } from '../expressions/condition.js';
import { TableKeyCondition } from '../expressions/table-key-condition.js';
import { KeyError } from '../errors.js';
import type { EntityModel } from './model.js';

/**
 * The physical condition `pk = <built value>` on the partition that `index` gives an entity's items
 * (one term per attribute of a multi-attribute key), for a table-level query of that item
 * collection: the other entities there are read too, which an entity query's `_et` filter hides.
 * The value is built by the entity's template, so the separator and size rules hold, and each
 * composite is parsed by its schema as `get` parses a key (`trim`, `toLowerCase`). A local index
 * shares the table's partition key.
 *
 * @example partitionCondition(Order.model, 'gsi1', { orderId: 'o1' }) // gsi1pk = 'ORDER#o1'
 */
export function partitionCondition(model: EntityModel, indexName: string, composites: Readonly<Record<string, unknown>>): TableKeyCondition<never, string> {
  const ix = model.keysOf(indexName);
  const local = ix.index.type === 'local';
  const templates = local ? model.primary.pks : ix.pks;
  const attributes = local ? model.primary.index.partitionKeys : ix.index.partitionKeys;
  if (composites === null || typeof composites !== 'object') {
    throw new KeyError(model.name, indexName, '', 'the partition must be an object of key composites');
  }
  const names = templates.flatMap((t) => t.composites);
  // A derived composite may be given by its sources, as in a key object (see `DerivedKeyComposites`).
  const given = model.keys.derived === undefined ? composites : model.keys.derived.resolve(composites, names, indexName);
  const values: Record<string, unknown> = {};
  for (const c of names) {
    const v = given[c];
    if (v === undefined || v === null) throw new KeyError(model.name, indexName, c, `missing key composite ${c} (partition key of ${indexName})`);
    values[c] = model.keys.value(c, v);
  }
  const terms = templates.map((t, i) => new AttributeOperand<unknown>([attributes[i]!.name]).eq(t.build(values)));
  const condition = terms.length === 1 ? terms[0]! : and(...terms);
  return new TableKeyCondition(condition.node, condition.owners);
}
