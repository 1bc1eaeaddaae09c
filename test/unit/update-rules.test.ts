/**
 * What an update checks before it is sent, and what it writes, in the cases a review found wrong:
 * changes (add/delete/append/prepend/arithmetic) are checked by type, not against the attribute's bounds; literals
 * inside ref() values are validated; index keys rebuilt by an update use the composites as the
 * schema parses them; an upsert does not count delete() as providing an attribute; a nullable
 * composite set to null takes the item out of a sparse index; record entries can be removed.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, ValidationError } from '../../src/index.js';

const client = new DynamoDBClient({ region: 'us-east-1' });
const T = defineTable({
  name: 'App',
  client,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: { gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } } },
});

const Stock = defineEntity({
  table: T,
  name: 'Stock',
  schema: z.object({
    sku: z.string(),
    stock: z.number().int().nonnegative(),
    price: z.number().min(1).optional(),
    tags: z.set(z.string().min(2)).min(2).optional(),
    flags: z.record(z.string(), z.boolean()).optional(),
    owner: z.string().nullable().optional(),
    steps: z.array(z.string().min(2)).min(2).optional(),
  }),
  keys: { primary: { pk: 'SKU#{sku}', sk: 'SKU' }, gsi1: { pk: 'OWNER#{owner}', sk: 'SKU#{sku}' } },
});

const Acct = defineEntity({
  table: T,
  name: 'Acct',
  schema: z.object({ email: z.string().trim().toLowerCase(), orgId: z.string(), name: z.string() }),
  keys: { primary: { pk: 'ACCT#{email}', sk: 'ACCT' }, gsi1: { pk: 'ORG#{orgId}', sk: 'NAME#{name}#{email}' } },
});

/** The value an update sets (or adds) at a top-level attribute, read back through the placeholders. */
function valueAt(input: UpdateCommandInput, attribute: string): unknown {
  const names = input.ExpressionAttributeNames ?? {};
  const placeholder = Object.entries(names).find(([, n]) => n === attribute)?.[0];
  if (placeholder === undefined) return undefined;
  const m = new RegExp(`${placeholder} = (:v\\d+)|ADD ${placeholder} (:v\\d+)|, ${placeholder} (:v\\d+)`).exec(input.UpdateExpression ?? '');
  const v = m?.[1] ?? m?.[2] ?? m?.[3];
  return v === undefined ? undefined : input.ExpressionAttributeValues?.[v];
}

function issues(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected a ValidationError');
}

describe('changes are checked by type, not by the bounds of the result', () => {
  it('add({ stock: -1 }) decrements a non-negative counter; a fractional change to an int is refused', () => {
    const input = Stock.update({ sku: 'a' }).add({ stock: -1 }).build();
    expect(input.UpdateExpression).toMatch(/^ADD #n\d+ :v\d+/);
    expect(valueAt(input, 'stock')).toBe(-1);
    expect(issues(() => Stock.update({ sku: 'a' }).add({ stock: 0.5 }).build())).toEqual(['stock: add() takes a whole number, got 0.5']);
    expect(issues(() => Stock.update({ sku: 'a' }).add({ price: Number.NaN }).build())).toEqual(['price: add() takes a finite number, got NaN']);
  });

  it('adding or deleting one element checks the element, not the set size', () => {
    expect(valueAt(Stock.update({ sku: 'a' }).add({ tags: new Set(['vip']) }).build(), 'tags')).toEqual(new Set(['vip']));
    expect(Stock.update({ sku: 'a' }).delete({ tags: new Set(['vip']) }).build().UpdateExpression).toMatch(/^DELETE /);
    expect(issues(() => Stock.update({ sku: 'a' }).add({ tags: new Set(['x']) }).build())[0]).toMatch(/^tags: Too small/);
  });

  it('appending or prepending one element checks the element, not the list length', () => {
    const appended = Stock.update({ sku: 'a' }).append({ steps: ['packed'] }).build();
    expect(Object.values(appended.ExpressionAttributeValues ?? {})).toContainEqual(['packed']);
    expect(Stock.update({ sku: 'a' }).prepend({ steps: ['picked'] }).build().UpdateExpression).toMatch(/list_append/);
    expect(issues(() => Stock.update({ sku: 'a' }).append({ steps: ['x'] }).build())[0]).toMatch(/^steps\[0\]: Too small/);
  });
});

describe('literals inside ref() values', () => {
  it('an ifNotExists fallback that can become the stored value is parsed by the schema', () => {
    expect(issues(() => Stock.update({ sku: 'a' }).set({ stock: Stock.ref('stock').ifNotExists(-5) }).build())[0]).toMatch(/^stock: Too small/);
    const ok = Stock.update({ sku: 'a' }).set({ stock: Stock.ref('stock').ifNotExists(0) }).build();
    expect(Object.values(ok.ExpressionAttributeValues ?? {})).toContain(0);
  });

  it('an operand of + / - is checked as a change: whole for an int attribute', () => {
    expect(issues(() => Stock.update({ sku: 'a' }).set({ stock: Stock.ref('stock').plus(0.5) }).build())).toEqual(['stock: arithmetic takes a whole number, got 0.5']);
    expect(() => Stock.update({ sku: 'a' }).set({ stock: Stock.ref('stock').ifNotExists(0).minus(1) }).build()).not.toThrow();
  });
});

describe('index keys rebuilt by an update', () => {
  it('use the key composites as the schema parses them, exactly as a put writes them', () => {
    const put = Acct.put({ email: ' Ada@Example.com ', orgId: 'o', name: 'Bo' }).build().Item!;
    const upd = Acct.update({ email: 'Ada@Example.com' }).set({ name: 'Bo' }).build();
    expect(upd.Key).toEqual({ pk: put['pk'], sk: 'ACCT' });
    expect(put['gsi1sk']).toBe('NAME#Bo#ada@example.com');
    expect(valueAt(upd, 'gsi1sk')).toBe(put['gsi1sk']);
  });

  it('an upsert writes the parsed composites as attributes too', () => {
    const upd = Acct.update({ email: 'Ada@Example.com' }).set({ name: 'Bo', orgId: 'o' }).upsert().build();
    expect(valueAt(upd, 'email')).toBe('ada@example.com');
  });

  it('a nullable composite set to null removes the index key (the item leaves the sparse index)', () => {
    const upd = Stock.update({ sku: 'a' }).set({ owner: null }).build();
    expect(upd.UpdateExpression).toMatch(/REMOVE #n\d+/);
    const removed = /REMOVE (#n\d+)/.exec(upd.UpdateExpression!)![1]!;
    expect(upd.ExpressionAttributeNames![removed]).toBe('gsi1pk');
    expect(valueAt(upd, 'owner')).toBeNull();
  });
});

describe('upsert and required attributes', () => {
  it('delete() of set elements does not provide an attribute an upsert must create', () => {
    expect(issues(() => Stock.update({ sku: 'a' }).delete({ tags: new Set(['vip']) }).upsert().build())).toEqual([
      'stock: is required: an upsert may create the item, so set it (setIfNotExists for create-only values)',
    ]);
    expect(() => Stock.update({ sku: 'a' }).add({ stock: 1 }).upsert().build()).not.toThrow();
  });
});

describe('record entries', () => {
  it('can be removed (records have no required keys); required attributes still cannot', () => {
    expect(Stock.update({ sku: 'a' }).remove('flags.beta').build().UpdateExpression).toMatch(/^REMOVE #n\d+\.#n\d+/);
    expect(Stock.update({ sku: 'a' }).set({ 'flags.beta': undefined }).build().UpdateExpression).toMatch(/^REMOVE /);
    expect(issues(() => Stock.update({ sku: 'a' }).remove('stock' as never).build())).toEqual(['stock: is required by the schema and cannot be removed']);
  });
});

describe('attributes with schema defaults', () => {
  const Prefs = defineEntity({
    table: T,
    name: 'Prefs',
    schema: z.object({ id: z.string(), theme: z.string().default('light'), tags: z.set(z.string()).default(new Set()) }),
    keys: { primary: { pk: 'PREFS#{id}', sk: 'PREFS' } },
  });

  it('set({ x: undefined }) stores the default; an empty-set default is stored as its absence (DynamoDB has no empty set)', () => {
    const input = Prefs.update({ id: 'a' }).set({ theme: undefined, tags: undefined }).build();
    expect(valueAt(input, 'theme')).toBe('light');
    expect(input.UpdateExpression).toMatch(/REMOVE #n\d+$/);
  });

  it('an upsert writes the defaults it can store with if_not_exists', () => {
    const input = Prefs.update({ id: 'a' }).upsert().build();
    expect(input.UpdateExpression).toMatch(/if_not_exists/);
    expect(Object.values(input.ExpressionAttributeValues ?? {})).toContain('light');
  });
});
