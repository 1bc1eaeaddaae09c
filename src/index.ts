export { defineTable, Table } from './entity/table.js';
export type { TableKeyName, ResolvedIndex, EntityAttributeOf, TableIndexName } from './entity/table.js';
export type {
  TableConfig,
  KeyAttribute,
  ScalarAttributeType,
  IndexConfig,
  GlobalIndexConfig,
  LocalIndexConfig,
  IndexProjection,
} from './entity/table-types.js';
export { defineEntity, Entity } from './entity/entity.js';
export type { AnyEntity, EntityItem, EntityInput, EntityKey, EntityConfig } from './entity/entity.js';
export type { TimestampFields, KeyInput, UpdateInputs, QueryIndexName, QueryKeyNames } from './entity/entity-types.js';
export type { AttrPath, PathValue } from './entity/paths.js';
export type { TemplateComposites } from './entity/template-types.js';
export { KeyTemplate, encodeKeyNumber, decodeKeyNumber } from './entity/key-template.js';
export { computeItemSize, MAX_ITEM_BYTES } from './entity/item-size.js';
export { Condition, AttributeOperand, and, or, not } from './expressions/condition.js';
export { KeyCondition, KeyOperand } from './expressions/key-condition.js';
export { UpdateRef } from './expressions/update-values.js';
export { PutBuilder } from './operations/put.js';
export { GetBuilder } from './operations/get.js';
export { UpdateBuilder } from './operations/update.js';
export type { UpdateReturnMode } from './operations/update.js';
export { DeleteBuilder } from './operations/delete.js';
export { CheckBuilder } from './operations/check.js';
export { QueryBuilder } from './pagination/query.js';
export { ScanBuilder } from './pagination/scan.js';
export type { Page } from './pagination/page-reader.js';
export { TableReadBuilder } from './pagination/table-read.js';
export type { TablePage, StoredItem, CollectionItem } from './pagination/table-read.js';
export {
  DynakitError,
  ValidationError,
  KeyError,
  ItemSizeError,
  ExpressionError,
  ItemParseError,
  ConditionFailedError,
  InvalidCursorError,
} from './errors.js';
export type { ValidationIssue } from './errors.js';
