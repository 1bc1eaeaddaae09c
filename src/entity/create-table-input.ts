import type { AttributeDefinition, CreateTableCommandInput, GlobalSecondaryIndex, KeySchemaElement, LocalSecondaryIndex, Projection } from '@aws-sdk/client-dynamodb';
import type { IndexConfig, IndexProjection, KeyAttribute, TableConfig } from './table-types.js';
import { keyParts } from './table-definition.js';

function projectionInput(p: IndexProjection | undefined): Projection {
  if (p === undefined || p === 'ALL') return { ProjectionType: 'ALL' };
  if (p === 'KEYS_ONLY') return { ProjectionType: 'KEYS_ONLY' };
  return { ProjectionType: 'INCLUDE', NonKeyAttributes: [...p.include] };
}

/**
 * The `CreateTableCommandInput` of a table definition (checked by `checkTableDefinition`): keys,
 * global and local indexes with their projections, billing and stream.
 *
 * @example createTableInput({ name: 'App', client, partitionKey: { name: 'pk', type: 'S' } }).KeySchema // [{ AttributeName: 'pk', KeyType: 'HASH' }]
 */
export function createTableInput(c: TableConfig): CreateTableCommandInput {
  const defs = new Map<string, AttributeDefinition>();
  // checkTableDefinition made sure an attribute has one type wherever it is a key.
  const define = (k: KeyAttribute): void => void defs.set(k.name, { AttributeName: k.name, AttributeType: k.type });
  // A multi-attribute key lists its attributes in key order, HASH ones first.
  const schema = (pk: readonly KeyAttribute[], sk: readonly KeyAttribute[]): KeySchemaElement[] => {
    const out: KeySchemaElement[] = [];
    for (const k of pk) {
      define(k);
      out.push({ AttributeName: k.name, KeyType: 'HASH' });
    }
    for (const k of sk) {
      define(k);
      out.push({ AttributeName: k.name, KeyType: 'RANGE' });
    }
    return out;
  };
  const provisioned = c.billing !== undefined && c.billing !== 'PAY_PER_REQUEST' ? c.billing : undefined;
  const throughput = provisioned && { ReadCapacityUnits: provisioned.read, WriteCapacityUnits: provisioned.write };
  const input: CreateTableCommandInput = {
    TableName: c.name,
    KeySchema: schema([c.partitionKey], keyParts(c.sortKey)),
    AttributeDefinitions: [],
    BillingMode: provisioned ? 'PROVISIONED' : 'PAY_PER_REQUEST',
    ...(throughput ? { ProvisionedThroughput: throughput } : {}),
  };
  const gsis: GlobalSecondaryIndex[] = [];
  const lsis: LocalSecondaryIndex[] = [];
  for (const [name, ix] of Object.entries(c.indexes ?? {}) as [string, IndexConfig][]) {
    if (ix.type === 'global') {
      gsis.push({
        IndexName: name,
        KeySchema: schema(keyParts(ix.partitionKey), keyParts(ix.sortKey)),
        Projection: projectionInput(ix.projection),
        ...(throughput ? { ProvisionedThroughput: throughput } : {}),
      });
    } else {
      lsis.push({ IndexName: name, KeySchema: schema([c.partitionKey], [ix.sortKey]), Projection: projectionInput(ix.projection) });
    }
  }
  input.AttributeDefinitions = [...defs.values()];
  if (c.stream !== undefined) input.StreamSpecification = { StreamEnabled: true, StreamViewType: c.stream };
  if (gsis.length > 0) input.GlobalSecondaryIndexes = gsis;
  if (lsis.length > 0) input.LocalSecondaryIndexes = lsis;
  return input;
}
