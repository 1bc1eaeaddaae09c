/**
 * A class instance given as an entity's condition value, where the schema at the path reads a map,
 * is taken as its fields when the condition is built (as an item's or an update value's is): the
 * encoder refused it before ("cannot store an instance of Address"), and a reused instance changed
 * before the send could not change the condition. Where the schema may take the instance as it is,
 * or on a table's physical path (no schema), it is kept, as before.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, type Condition } from '../../src/index.js';
import { Address } from '../fixtures/address-class.js';

class Stamp {
  constructor(
    public at: Date,
    public tags: Set<string>,
    public raw: Uint8Array<ArrayBuffer>,
  ) {}
}
class Money {
  constructor(public cents: number) {}
}
const address = z.object({ city: z.string(), zip: z.number() });
const Table = defineTable({ name: 'condition-instances', client: new DynamoDBClient({ region: 'us-east-1' }), partitionKey: { name: 'pk', type: 'S' } });
const Place = defineEntity({
  table: Table,
  name: 'Place',
  schema: z.object({
    id: z.string(),
    address,
    previous: z.array(address).optional(),
    byName: z.record(z.string(), address).optional(),
    stamp: z.object({ at: z.date(), tags: z.set(z.string()), raw: z.instanceof(Uint8Array) }).optional(),
    price: z.instanceof(Money).optional(),
  }),
  keys: { primary: { pk: 'P#{id}' } },
});
/** The value a condition holds (its first value operand). */
const valueOf = (c: Condition): unknown => {
  const node = c.node as { right?: { value: unknown }; values?: { value: unknown }[]; operand?: { value: unknown } };
  return node.right?.value ?? node.values?.[0]?.value ?? node.operand?.value;
};
const at = (city: string, zip: number) => Object.assign(new Address(), { city, zip });

describe('a class instance as a condition value', () => {
  it('is taken as the plain map of its fields (getters and #private behind them read now), in eq, in and contains', () => {
    const addr = at('Paris', 75);
    const eq = Place.Attr('address').eq(addr);
    const within = Place.Attr('address').in([addr]);
    const had = Place.Attr('previous').contains(addr);
    addr.city = 'Lyon';
    addr.zip = 69;
    for (const c of [eq, within, had]) {
      expect(valueOf(c)).toEqual({ city: 'Paris', zip: 75 });
      expect(Object.getPrototypeOf(valueOf(c))).toBe(Object.prototype);
    }
  });

  it('inside lists and record values, frozen, or behind a Proxy; its Dates, Sets and bytes copied', () => {
    const a = at('A', 1);
    const list = Place.Attr('previous').eq([a, Object.freeze(at('B', 2))]);
    // A Proxy of an instance whose fields are its own (a getter reaching #private through a Proxy throws in JS itself).
    const loc = Object.assign(new (class Loc {})(), { city: 'L', zip: 3 });
    const record = Place.Attr('byName').eq({ home: new Proxy(loc, {}) });
    const bytes = new Uint8Array([1, 2]);
    const stamp = new Stamp(new Date(0), new Set(['x']), bytes);
    const stamped = Place.Attr('stamp').eq(stamp);
    a.city = 'changed';
    loc.city = 'changed';
    stamp.at.setTime(5);
    stamp.tags.add('y');
    bytes[0] = 9;
    expect(valueOf(list)).toEqual([
      { city: 'A', zip: 1 },
      { city: 'B', zip: 2 },
    ]);
    expect(valueOf(record)).toEqual({ home: { city: 'L', zip: 3 } });
    expect(valueOf(stamped)).toEqual({ at: new Date(0), tags: new Set(['x']), raw: new Uint8Array([1, 2]) });
  });

  it("as ref(...).ifNotExists(fallback): taken as its fields by the referenced attribute's schema", () => {
    const addr = at('Paris', 75);
    const ref = Place.ref('address').ifNotExists(addr);
    addr.city = 'Lyon';
    const fallback = (ref.value as { fallback: { value: unknown } }).fallback.value;
    expect(fallback).toEqual({ city: 'Paris', zip: 75 });
    expect(Object.getPrototypeOf(fallback)).toBe(Object.prototype);
  });

  it('is kept as given where the schema may take it as it is (z.instanceof), and on a table path (no schema)', () => {
    const price = new Money(5);
    expect(valueOf(Place.Attr('price').eq(price))).toBe(price);
    const addr = at('A', 1);
    expect(valueOf(Table.Attr('address').eq(addr))).toBe(addr);
  });
});
