/**
 * Two actions of one transaction on one item are refused before sending (DynamoDB allows one per
 * item); the message says how to make them one, which depends on whether either only checks: two
 * stock updates of one product (a cart with the same sku on two lines) need one update, not a
 * condition merged into a write.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildTransactWrite, defineEntity, defineTable, InvalidTransactionError } from '../../src/index.js';

const Table = defineTable({ name: 'Shop', client: new DynamoDBClient({ region: 'eu-west-1' }), partitionKey: { name: 'pk', type: 'S' }, sortKey: { name: 'sk', type: 'S' } });
const Product = defineEntity({
  table: Table,
  name: 'Product',
  schema: z.object({ sku: z.string(), stock: z.number().int().nonnegative() }),
  keys: { primary: { pk: 'PRODUCT#{sku}', sk: 'PRODUCT' } },
});
const key = { sku: 'mug' };

function refusal(build: () => unknown): string {
  try {
    build();
  } catch (e) {
    if (e instanceof InvalidTransactionError) return e.message;
    throw e;
  }
  throw new Error('expected an InvalidTransactionError');
}

describe('two actions on one item', () => {
  it('two writes: make them one write', () => {
    const message = refusal(() => buildTransactWrite([Product.update(key).add({ stock: -1 }), Product.update(key).add({ stock: -2 })]));
    expect(message).toBe(
      'actions #0 (update Product) and #1 (update Product) touch the same item {"pk":"PRODUCT#mug","sk":"PRODUCT"}; DynamoDB allows one action per item in a transaction ' +
        '(make them one write: one update can set, add and remove together, and a put writes the whole item)',
    );
    expect(refusal(() => buildTransactWrite([Product.put({ sku: 'mug', stock: 1 }), Product.delete(key)]))).toMatch(/\(make them one write: /);
  });

  it('a check and a write: merge the condition into the write', () => {
    const message = refusal(() => buildTransactWrite([Product.check(key, Product.Attr('stock').gte(1)), Product.update(key).add({ stock: -1 })]));
    expect(message).toMatch(/^actions #0 \(check Product\) and #1 \(update Product\) touch the same item .*\(merge the condition into the write\)$/);
  });

  it('two checks: merge the conditions into one check', () => {
    const message = refusal(() => buildTransactWrite([Product.check(key, Product.Attr('stock').gte(1)), Product.check(key, Product.Attr('stock').lte(9))]));
    expect(message).toMatch(/\(merge the conditions into one check\)$/);
  });
});
