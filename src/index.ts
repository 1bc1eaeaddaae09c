export { defineTable, Table } from './entity/table.js';
export type { TableKeyName, ResolvedIndex, EntityAttributeOf, TableIndexName } from './entity/table.js';
export type { IndexKeyCondition } from './entity/table-key-types.js';
export type {
  TableConfig,
  KeyAttribute,
  GlobalKey,
  ScalarAttributeType,
  IndexConfig,
  GlobalIndexConfig,
  LocalIndexConfig,
  IndexProjection,
} from './entity/table-types.js';
export { Entity } from './entity/entity.js';
export { defineEntity } from './entity/define-entity.js';
export { TableNotFoundError, TableMismatchError, TableTimeoutError, TimeToLiveBusyError } from './entity/table-lifecycle.js';
export { StreamRecordError } from './streams/stream-record.js';
export { changedAttributes } from './streams/changed-attributes.js';
export type { StreamRecordInput, StreamAttributeValue, StreamImage, EntityStreamEvent, StreamEventOf, ParsedStream, ReplacedItem } from './streams/stream-record.js';
export type { StreamViewType } from './streams/view-type.js';
export { StreamParser } from './streams/stream-parser.js';
export type { TableDifference, TableDescriptionReport } from './entity/table-lifecycle.js';
export type { AnyEntity, EntityItem, EntityInput, EntityKey, VersionedKey } from './entity/entity.js';
export type { EntityConfig, VariantSchema } from './entity/define-entity.js';
export { ItemMigrationError } from './entity/schema-migrations.js';
export type { MigrationStep, MigrationsOption } from './entity/schema-migrations.js';
export { migrateStored } from './operations/migrate-stored.js';
export type { MigrateStoredOptions, MigrateStoredResult } from './operations/migrate-stored.js';
export type { TimestampFields, EpochTimestampFields, TimestampOptions, KeyInput, UpdateInputs, QueryIndexName, QueryKeyNames } from './entity/entity-types.js';
export type { AttrPath, PathValue } from './entity/paths.js';
export type { Projected } from './entity/projection-types.js';
export type { TemplateComposites } from './entity/template-types.js';
export { KeyTemplate } from './entity/key-template.js';
export { encodeKeyNumber, decodeKeyNumber } from './entity/key-encoding.js';
export { computeItemSize, MAX_ITEM_BYTES } from './entity/item-size.js';
export { Condition, AttributeOperand, and, or, not } from './expressions/condition.js';
export { KeyCondition, KeyOperand } from './expressions/key-condition.js';
export type { PartitionKeyNeedsEq } from './expressions/key-condition.js';
export { TableKeyCondition, TableKeyOperand } from './expressions/table-key-condition.js';
export { UpdateRef } from './expressions/update-values.js';
export { PutBuilder } from './operations/put.js';
export type { GivenTimestamps } from './operations/put.js';
export { GetBuilder } from './operations/get.js';
export { UpdateBuilder } from './operations/update.js';
export type { UpdateReturnMode, UpdatedAttributes } from './operations/update.js';
export { DeleteBuilder } from './operations/delete.js';
export { CheckBuilder } from './operations/check.js';
export { TableDeleteBuilder } from './operations/table-delete.js';
export { TableCheckBuilder } from './operations/table-check.js';
export type { TablePrimaryKey } from './entity/physical-key.js';
export { QueryBuilder } from './pagination/query.js';
export { ScanBuilder } from './pagination/scan.js';
export type { Page } from './pagination/page-reader.js';
export type { CountPage } from './pagination/count-reads.js';
export type { HydrateOptions } from './pagination/hydrate.js';
export type { InvalidItemHandler } from './pagination/read-options.js';
export { TableReadBuilder } from './pagination/table-read.js';
export { BatchWriter } from './batch/batch-write.js';
export type { BatchWriteBuilder, BatchWriteInput, BatchWriteResult, BatchCollector, BatchWriteAllOptions } from './batch/batch-write.js';
export type { BatchWriteOptions, BatchProgress } from './batch/batch-writer.js';
export type { DeleteAllResult } from './batch/delete-pages.js';
export type { BatchGetOptions, BatchGetResults } from './batch/batch-get.js';
export { EntityBatchGet } from './batch/entity-batch-get.js';
export type { BackoffOptions } from './batch/backoff.js';
export type { RequestOptions } from './client/send.js';
export { transactWrite, buildTransactWrite } from './transactions/transact-write.js';
export type { TransactWriteAction, TransactWriteOptions } from './transactions/transact-write.js';
export { transactGet } from './transactions/transact-get.js';
export type { TransactGetOptions, TransactGetResults } from './transactions/transact-get.js';
export type { TransactWriteResult, WrittenItems } from './transactions/written-items.js';
export { TransactionOutcomeUnknownError } from './transactions/outcome-unknown.js';
export type { UnknownOutcomeAction } from './transactions/outcome-unknown.js';
export { IdempotencyTokenMismatchError } from './transactions/token-mismatch.js';
export type { SentAction } from './transactions/sent-actions.js';
export type { TablePage, StoredItem, CollectionItem, TableReadItem } from './pagination/table-read-types.js';
export {
  DynakitError,
  ValidationError,
  KeyError,
  ItemSizeError,
  ExpressionError,
  ItemParseError,
  ConditionFailedError,
  InvalidCursorError,
  InvalidTransactionError,
  TransactionCanceledError,
  VersionConflictError,
  UnsupportedClientError,
  TableDefinitionError,
  DerivedAttributeError,
  VariantFieldError,
} from './errors.js';
export type { ValidationIssue, CancellationReason, CancellationCode, WriteOperation } from './errors.js';
export { BatchWriteError, BatchGetError, BatchValidationError, InvalidBatchError, InvalidResendError } from './batch/batch-errors.js';
export type { ResendRefusal, UnprocessedWrite } from './batch/batch-errors.js';
