import type { DeleteCommandInput, DeleteCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { Condition } from '../expressions/condition.js';
import { compileCondition } from '../expressions/compile.js';
import { requireCondition } from '../expressions/condition-input.js';
import type { RequestOptions } from '../client/send.js';
import { ownerByDiscriminator, sendDocumentRequest } from '../client/send-document-request.js';
import type { Table } from '../entity/table.js';
import { physicalKey } from '../entity/physical-key.js';
import { InvalidBatchError } from '../batch/batch-errors.js';
import { tableDeleteRequest, type WriteRequest } from '../batch/write-request.js';
import { Operation } from './operation.js';
import { checkTableOwners, tableContextFor, withPlaceholders } from './expression-input.js';
import { describeChecks, mapTableConditionFailure } from './condition-failure.js';
import { afterWrite } from './returned-item.js';

interface TableDeleteState {
  /**
   * The physical primary key as given (a copy of it), checked where the request is built (see
   * `physicalKey`), as an entity's key is: a bad one then rejects the awaited delete, and is one of
   * a batch's invalid writes (`BatchValidationError`, `bestEffort`) rather than a throw while the
   * list of writes is being made.
   */
  readonly key: unknown;
  readonly condition: Condition | undefined;
  readonly returnOld: boolean;
  readonly returnItemOnFailure: boolean;
}

/**
 * `AppTable.delete(key)`: deletes the item stored under a physical primary key, whoever wrote it
 * (an entity's item, or one no entity owns: written by an older version, another program, a removed
 * entity). No ownership guard is added, unlike `Entity.delete`; `where()` takes the table's own
 * `Attr`/`Key`, on physical names.
 */
export class TableDeleteBuilder<Result = void, Guard extends string = never> extends Operation<DeleteCommandInput, Result> {
  /** Type carrier, never set at run time: `'where'` after `where()`, else `never`; batch writes take only `never` (BatchWriteItem has no conditions). */
  declare readonly '~guard': Guard;

  constructor(
    /** @internal */ readonly table: Table,
    private readonly state: TableDeleteState,
  ) {
    super();
  }

  /** How errors name the delete's owner: `table App`. */
  private get owner(): string {
    return `table ${this.table.name}`;
  }

  /**
   * Adds a condition on physical attributes (`AppTable.Attr`); several `where` calls are ANDed. A
   * false one throws `ConditionFailedError`. A delete with a condition cannot go into a batch write
   * (`InvalidBatchError`): use `transactWrite`.
   *
   * @example await AppTable.delete({ pk: 'USER#u1', sk: 'NOTE#1' }).where(AppTable.Attr('_et').eq('Note'))
   */
  where(condition: Condition): TableDeleteBuilder<Result, 'where'> {
    requireCondition(this.owner, condition, 'where()');
    checkTableOwners(this.table, condition, 'the condition');
    const c = this.state.condition === undefined ? condition : this.state.condition.and(condition);
    return new TableDeleteBuilder<Result, 'where'>(this.table, { ...this.state, condition: c });
  }

  /**
   * `'ALL_OLD'` resolves to the deleted item as stored (physical attribute names, unparsed, as the
   * `unknown` items of table-level reads), or `undefined` when nothing was stored under the key.
   *
   * @example const old = await AppTable.delete({ pk: 'USER#u1', sk: 'NOTE#1' }).returning('ALL_OLD') // Record<string, unknown> | undefined
   */
  returning(mode: 'ALL_OLD'): TableDeleteBuilder<Record<string, unknown> | undefined, Guard>;
  returning(mode: 'NONE'): TableDeleteBuilder<void, Guard>;
  returning(mode: 'ALL_OLD' | 'NONE'): TableDeleteBuilder<unknown, Guard> {
    return new TableDeleteBuilder<unknown, Guard>(this.table, { ...this.state, returnOld: mode === 'ALL_OLD' });
  }

  /**
   * On a failed condition, attach the stored item, as stored, to the `ConditionFailedError` (its `item`).
   *
   * @example await AppTable.delete(key).where(AppTable.Attr('_et').eq('Note')).returnItemOnConditionFailure()
   */
  returnItemOnConditionFailure(): TableDeleteBuilder<Result, Guard> {
    return new TableDeleteBuilder<Result, Guard>(this.table, { ...this.state, returnItemOnFailure: true });
  }

  /**
   * The `DeleteCommandInput`, without sending: the key as given, the `where()` conditions, and
   * nothing else (deleting a missing item is a no-op).
   *
   * @example AppTable.delete({ pk: 'USER#u1', sk: 'NOTE#1' }).build().Key // { pk: 'USER#u1', sk: 'NOTE#1' }
   */
  build(): DeleteCommandInput {
    const input: DeleteCommandInput = { TableName: this.table.name, Key: physicalKey(this.table, this.state.key) };
    if (this.state.condition !== undefined) {
      const ctx = tableContextFor(this.table);
      input.ConditionExpression = compileCondition(this.state.condition.node, ctx);
      withPlaceholders(input, ctx);
    }
    if (this.state.returnOld) input.ReturnValues = 'ALL_OLD';
    if (this.state.returnItemOnFailure) input.ReturnValuesOnConditionCheckFailure = 'ALL_OLD';
    return input;
  }

  /** @internal the request of a batch write (which has no conditions) */
  writeRequest(): WriteRequest {
    if (this.state.condition !== undefined) {
      throw new InvalidBatchError(`${this.owner}: BatchWriteItem has no conditions, so delete().where() cannot be batched; use transactWrite`);
    }
    return tableDeleteRequest(this.table, physicalKey(this.table, this.state.key));
  }

  /** @internal the action of a transaction (ReturnValues does not apply there) */
  transactItem(): { Delete: DeleteCommandInput } {
    const { ReturnValues: _r, ...input } = this.build();
    return { Delete: input };
  }

  /** @internal what the delete's condition requires, in words (messages of failed conditions) */
  checks(): string | undefined {
    return describeChecks(undefined, this.state.condition !== undefined);
  }

  /**
   * Deletes the item; resolves to nothing, or with `returning('ALL_OLD')` to the deleted item as
   * stored (`undefined` when none was). A false `where()` condition throws `ConditionFailedError`.
   *
   * @example await AppTable.delete({ pk: 'USER#u1', sk: 'NOTE#1' }).send({ abortSignal: AbortSignal.timeout(2_000) })
   */
  async send(options?: RequestOptions): Promise<Result> {
    const et = this.table.entityAttribute;
    let out: DeleteCommandOutput;
    try {
      out = await sendDocumentRequest<DeleteCommandOutput>(
        this.table.client,
        'DeleteItem',
        et === undefined ? this.owner : ownerByDiscriminator(et, this.owner),
        this.build(),
        options?.abortSignal,
      );
    } catch (e) {
      throw mapTableConditionFailure(afterWrite(e, 'delete'), this.owner, 'delete', this.checks());
    }
    return (this.state.returnOld ? out.Attributes : undefined) as Result;
  }
}
