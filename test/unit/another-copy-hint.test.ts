/**
 * A process that imports dynakit in one module and requires it in another loads two copies (the ES
 * module and CommonJS builds); each refuses the other's builders and conditions. The error must say
 * so instead of "not a condition" about what is plainly a condition. The other copy's classes are
 * stood in for here by classes of the same names and methods (test/package checks the real builds).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AttributeOperand,
  buildTransactWrite,
  Condition,
  defineEntity,
  defineTable,
  Entity,
  ExpressionError,
  InvalidBatchError,
  InvalidTransactionError,
  KeyCondition,
  PutBuilder,
  TableKeyCondition,
  TableKeyOperand,
} from '../../src/index.js';

const T = defineTable({ name: 'App', client: new DynamoDBClient({ region: 'us-east-1' }), partitionKey: { name: 'pk', type: 'S' } });
const Item = defineEntity({ table: T, name: 'Item', schema: z.object({ id: z.string(), n: z.number() }), keys: { primary: { pk: 'ITEM#{id}' } } });

/**
 * A class named `name` with the methods of `real`: what the other build's class looks like from
 * here; with `base`, a subclass of that stand-in (as the other build's subclasses are).
 */
function otherCopyOf(real: abstract new (...args: never[]) => unknown, name: string, base?: new () => object): new () => object {
  const Copy = base === undefined ? { [name]: class {} }[name]! : { [name]: class extends base {} }[name]!;
  for (const method of Object.getOwnPropertyNames(real.prototype)) {
    if (method !== 'constructor') Object.defineProperty(Copy.prototype, method, { value: () => undefined });
  }
  return Copy;
}

// esbuild's bundles may name a class _PutBuilder (as the real CommonJS build does) or KeyCondition2.
const other = {
  PutBuilder: otherCopyOf(PutBuilder, '_PutBuilder'),
  Condition: otherCopyOf(Condition, 'Condition'),
  KeyCondition: otherCopyOf(KeyCondition, 'KeyCondition2'),
  Entity: otherCopyOf(Entity, 'Entity'),
};
const otherTableKeyCondition = otherCopyOf(TableKeyCondition, 'TableKeyCondition', other.Condition);
const otherTableKeyOperand = otherCopyOf(TableKeyOperand, 'TableKeyOperand', otherCopyOf(AttributeOperand, 'AttributeOperand'));
const hint = /made by another copy of dynakit \(its ES module and CommonJS builds are both loaded/;

describe('objects of another copy of dynakit', () => {
  it('transactWrite says the builder comes from another copy', () => {
    const build = () => buildTransactWrite([new other.PutBuilder() as never]);
    expect(build).toThrow(InvalidTransactionError);
    expect(build).toThrow(/; got a PutBuilder made by another copy of dynakit \(its ES module and CommonJS builds are both loaded/);
  });

  it('a batch write says so for a builder or an entity', async () => {
    await expect(T.batchWrite([new other.PutBuilder() as never])).rejects.toThrow(hint);
    expect(() => T.batchWriter().put(new other.Entity() as never, { id: 'a', n: 1 } as never)).toThrow(InvalidBatchError);
    expect(() => T.batchWriter().put(new other.Entity() as never, {} as never)).toThrow(/; got an Entity made by another copy/);
  });

  it('filters and key conditions say what they got', () => {
    expect(() => Item.scan().filter(new other.Condition() as never).build()).toThrow(ExpressionError);
    expect(() => Item.scan().filter(new other.Condition() as never).build()).toThrow(/got a Condition made by another copy/);
    expect(() => Item.query('primary', new other.KeyCondition() as never).build()).toThrow(/got a KeyCondition made by another copy/);
  });

  it("a table's key condition or operand of another copy is named by its base class", () => {
    expect(() => T.query(new otherTableKeyCondition() as never).build()).toThrow(/got a Condition made by another copy/);
    expect(() => Item.scan().filter(new otherTableKeyOperand() as never).build()).toThrow(/got an AttributeOperand made by another copy/);
  });

  it("this copy's table key condition given to an entity query is named as one", () => {
    expect(() => Item.query('primary', T.Key('pk').eq('ITEM#a') as never).build()).toThrow(/got a table's Key\(\.\.\.\) key condition$/);
  });

  it('a plain object, or another library class of the same name, gets no such hint', () => {
    expect(() => Item.scan().filter({} as never).build()).toThrow(/got an object that is not a condition$/);
    expect(() => buildTransactWrite([{} as never])).toThrow(/check\(\) builders \(action #0 of the transaction\)$/);
    class Entity {
      build(): void {}
    }
    expect(() => T.batchWriter().put(new Entity() as never, {} as never)).toThrow(/put\(\) and delete\(\) builders$/);
  });
});
