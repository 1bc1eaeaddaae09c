/** `givenInput`: the copy a builder takes of its input (see src/given-input.ts). */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { givenInput, givenRecord } from '../../src/given-input.js';
import { Address } from '../fixtures/address-class.js';

describe('givenInput', () => {
  it('copies plain objects, arrays, Sets, Maps and Dates at every depth', () => {
    const input = { a: { b: [1, { c: 2 }] }, s: new Set([{ d: 3 }]), m: new Map([['k', [4]]]), at: new Date(0) };
    const copy = givenInput(input);
    expect(copy).toEqual(input);
    expect(copy.a).not.toBe(input.a);
    expect(copy.a.b[1]).not.toBe(input.a.b[1]);
    expect([...copy.s][0]).not.toBe([...input.s][0]);
    expect(copy.m.get('k')).not.toBe(input.m.get('k'));
    input.at.setTime(5);
    expect(copy.at.getTime()).toBe(0);
  });

  it('copies binary values, a Buffer as a Buffer', () => {
    const input = { raw: new Uint8Array([1, 2]), buf: Buffer.from([3, 4]) };
    const copy = givenInput(input);
    input.raw[0] = 9;
    input.buf[0] = 9;
    expect([...copy.raw]).toEqual([1, 2]);
    expect(Buffer.isBuffer(copy.buf) && [...copy.buf]).toEqual([3, 4]);
  });

  it('keeps class instances (and subclasses of Date, Array, Set, Map) as they are', () => {
    class Money {
      constructor(readonly cents: number) {}
    }
    class Tags extends Set<string> {}
    const money = new Money(5);
    const tags = new Tags(['a']);
    const copy = givenInput({ money, tags, nested: { money } });
    expect(copy.money).toBe(money);
    expect(copy.tags).toBe(tags);
    expect(copy.nested.money).toBe(money);
    expect(givenInput(money)).toBe(money);
  });

  it('copies an object met twice once, and a cyclic input stays cyclic', () => {
    const shared = { n: 1 };
    const cyclic: { self?: unknown; pair: unknown[] } = { pair: [shared, shared] };
    cyclic.self = cyclic;
    const copy = givenInput(cyclic);
    expect(copy).not.toBe(cyclic);
    expect(copy.self).toBe(copy);
    expect(copy.pair[0]).toBe(copy.pair[1]);
    expect(copy.pair[0]).not.toBe(shared);
  });

  it('keeps sharing past the small table (more than 16 objects) and forgets the last call', () => {
    const shared = { n: 1 };
    const rows = Array.from({ length: 40 }, (_, i) => ({ i, shared }));
    const copy = givenInput({ rows, again: rows });
    expect(copy.again).toBe(copy.rows);
    expect(new Set(copy.rows.map((r) => r.shared)).size).toBe(1);
    expect(copy.rows[39]!.shared).not.toBe(shared);
    // A later call copies afresh: nothing of the first call is taken for an object met again.
    expect(givenInput({ shared }).shared).not.toBe(copy.rows[0]!.shared);
  });

  it('a getter that copies another input while being copied gets its own copy table', () => {
    const inner = { a: [1] };
    let innerCopy: typeof inner | undefined;
    const nested = {
      list: [inner],
      get later() {
        innerCopy = givenInput(inner);
        return inner;
      },
    };
    const outer: Record<string, unknown> = { nested };
    outer['self'] = outer;
    const copy = givenInput(outer) as { nested: typeof nested; self: unknown };
    expect(innerCopy).toEqual(inner);
    expect(innerCopy).not.toBe(inner);
    // The outer copy's table was not emptied by the inner call: the cycle and the sharing hold.
    expect(copy.self).toBe(copy);
    expect(copy.nested.later).toBe(copy.nested.list[0]);
  });

  it('an own __proto__ key stays a plain property of the copy', () => {
    const input = JSON.parse('{"__proto__": {"x": 1}, "y": 2}') as Record<string, unknown>;
    const copy = givenInput(input);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'y']);
    expect(copy['__proto__']).toEqual({ x: 1 });
    expect(copy['__proto__']).not.toBe(input['__proto__']);
  });

  it('copies the 32 levels DynamoDB stores (and a margin) and keeps what lies below as given, without recursing into it', () => {
    let deep: { d?: unknown } = {};
    const bottom = deep;
    for (let i = 0; i < 50_000; i++) deep = { d: deep };
    const copy = givenInput({ top: deep });
    let at: { d?: unknown } = copy.top;
    let original: { d?: unknown } = deep;
    for (let level = 1; level <= 33; level++) {
      expect(at).not.toBe(original);
      at = at.d as { d?: unknown };
      original = original.d as { d?: unknown };
    }
    let kept = copy.top;
    for (let i = 0; i < 50_000; i++) kept = kept.d as { d?: unknown };
    expect(kept).toBe(bottom);
  });

  it('givenRecord takes a class instance given as the whole record as a plain object of its fields and getters, read now', () => {
    class Base {
      get kind(): string {
        return 'base';
      }
    }
    class Row extends Base {
      tags = new Set(['a']);
      constructor(public id: string, private readonly secret: number) {
        super();
      }
      get n(): number {
        return this.secret * 2;
      }
      describe(): string {
        return this.id;
      }
    }
    const row = new Row('r1', 3);
    const copy = givenRecord(row) as unknown as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(copy).toEqual({ tags: new Set(['a']), id: 'r1', secret: 3, n: 6, kind: 'base' });
    expect(copy['tags']).not.toBe(row.tags);
    row.id = 'r2';
    expect(copy['id']).toBe('r1');
    // Built-in kinds and plain objects are copied as givenInput copies them.
    const date = new Date(0);
    expect(givenRecord(date)).not.toBe(date);
    expect(givenRecord(date)).toEqual(date);
    expect(givenRecord({ a: [1] })).toEqual({ a: [1] });
    // Below the record, a class instance is kept (a schema may check it by its class).
    const nested = { row };
    expect(givenRecord(nested).row).toBe(row);
  });

  it('returns primitives and null as they are', () => {
    expect([givenInput(1), givenInput('a'), givenInput(null), givenInput(undefined)]).toEqual([1, 'a', null, undefined]);
  });
});

describe('givenInput with a schema: class instances where zod reads a map', () => {
  const address = z.object({ city: z.string(), zip: z.number() });

  it('copies an instance under an object schema as the fields zod reads (getters of its class too), read at the call', () => {
    const schema = z.object({ id: z.string(), address, list: z.array(address), byName: z.record(z.string(), address.optional()), maybe: z.union([z.string(), address]).optional() });
    const addr = Object.assign(new Address(), { city: 'Oslo' });
    addr.zip = 1;
    const copy = givenInput({ id: 'a', address: addr, list: [addr], byName: { home: addr }, maybe: addr }, schema);
    addr.city = 'Rome';
    addr.zip = 2;
    expect(copy).toEqual({ id: 'a', address: { city: 'Oslo', zip: 1 }, list: [{ city: 'Oslo', zip: 1 }], byName: { home: { city: 'Oslo', zip: 1 } }, maybe: { city: 'Oslo', zip: 1 } });
    expect(Object.getPrototypeOf(copy.address)).toBe(Object.prototype);
    // Met several times, the instance is copied once.
    expect(copy.list[0]).toBe(copy.address);
    expect(schema.parse(copy).address).toEqual({ city: 'Oslo', zip: 1 });
  });

  it('keeps an instance a schema may take as it is: z.instanceof, z.custom, z.unknown, a union with one of them, a record', () => {
    class Money {
      constructor(public cents: number) {}
    }
    const money = new Money(5);
    const schema = z.object({
      a: z.instanceof(Money),
      b: z.custom<Money>((v) => v instanceof Money),
      c: z.unknown(),
      d: z.union([z.object({ cents: z.number() }), z.instanceof(Money)]),
      e: z.record(z.string(), z.number()).or(z.object({ cents: z.number() })),
      f: z.instanceof(Money).transform((m) => m.cents),
    });
    const copy = givenInput({ a: money, b: money, c: money, d: money, e: money, f: money }, schema);
    for (const k of ['a', 'b', 'c', 'd', 'e', 'f'] as const) expect(copy[k]).toBe(money);
  });

  it('follows lazy, optional, nullable, piped, tuple and intersection schemas, and Maps; leaves fields outside the schema', () => {
    type Node = { name: string; kids: Node[] };
    const node: z.ZodType<Node> = z.lazy(() => z.object({ name: z.string(), kids: z.array(node) }));
    class N {
      constructor(public name: string, public kids: N[] = []) {}
    }
    const schema = z.object({
      tree: node,
      pair: z.tuple([z.string(), address.nullable()]),
      both: z.intersection(z.object({ city: z.string() }), z.object({ zip: z.number() })),
      piped: address.transform((a) => a.city),
      byKey: z.map(z.string(), address),
    });
    const leaf = new N('leaf');
    const addr = Object.assign(new Address(), { city: 'Oslo' });
    const other = new N('x');
    const copy = givenInput({ tree: new N('root', [leaf]), pair: ['p', addr] as [string, Address], both: addr, piped: addr, byKey: new Map([['k', addr]]), extra: other }, schema);
    leaf.name = 'changed';
    addr.city = 'Rome';
    expect(copy.tree).toEqual({ name: 'root', kids: [{ name: 'leaf', kids: [] }] });
    expect(copy.pair[1]).toEqual({ city: 'Oslo', zip: 0 });
    expect(copy.both).toEqual({ city: 'Oslo', zip: 0 });
    expect(copy.piped).toEqual({ city: 'Oslo', zip: 0 });
    expect(copy.byKey.get('k')).toEqual({ city: 'Oslo', zip: 0 });
    expect(copy.extra).toBe(other);
  });

  it('copies a subclass of Array where a list is expected; a cyclic instance stays cyclic; the caller\'s objects are not changed', () => {
    class Lines extends Array<{ qty: number }> {}
    const lines = new Lines();
    lines.push({ qty: 1 });
    class Loop {
      name = 'l';
      self: Loop | undefined = undefined;
    }
    const loop = new Loop();
    loop.self = loop;
    const loopSchema: z.ZodType<{ name: string; self?: unknown }> = z.lazy(() => z.object({ name: z.string(), self: loopSchema.optional() }));
    const input = { lines, loop, nested: { loop } };
    const copy = givenInput(input, z.object({ lines: z.array(z.object({ qty: z.number() })), loop: loopSchema, nested: z.object({ loop: loopSchema }) }));
    lines[0]!.qty = 2;
    lines.push({ qty: 3 });
    expect(Array.isArray(copy.lines) && Object.getPrototypeOf(copy.lines)).toBe(Array.prototype);
    expect(copy.lines).toEqual([{ qty: 1 }]);
    expect(copy.loop).not.toBe(loop);
    expect((copy.loop as unknown as Loop).self).toBe(copy.loop);
    expect(copy.nested.loop).toBe(copy.loop);
    expect(input.nested.loop).toBe(loop);
  });

  it("an entity of variants: an instance under a variant's field is copied by that variant's schema", () => {
    const schema = z.discriminatedUnion('kind', [z.object({ kind: z.literal('home'), address }), z.object({ kind: z.literal('shop'), address: address.extend({ floor: z.number() }) })]);
    class Shop extends Address {
      floor = 2;
    }
    const shop = Object.assign(new Shop(), { city: 'Oslo' });
    const copy = givenRecord({ kind: 'shop', address: shop }, schema);
    shop.floor = 3;
    expect(copy.address).toEqual({ city: 'Oslo', floor: 2, zip: 0 });
    expect(schema.parse(copy)).toEqual({ kind: 'shop', address: { city: 'Oslo', zip: 0, floor: 2 } });
  });

  it('givenRecord with the schemas of each key (an update value map), and of a whole DTO', () => {
    const addr = Object.assign(new Address(), { city: 'Oslo' });
    const values = givenRecord({ address: addr, 'nested.address': addr, skipped: addr }, (key) => (key === 'skipped' ? [] : [address]));
    addr.city = 'Rome';
    expect(values.address).toEqual({ city: 'Oslo', zip: 0 });
    expect(values['nested.address']).toEqual({ city: 'Oslo', zip: 0 });
    expect(values.skipped).toBe(addr);
    class Row {
      id = 'r';
      address = addr;
    }
    const row = givenRecord(new Row(), z.object({ id: z.string(), address }));
    addr.city = 'Paris';
    expect(row.address).toEqual({ city: 'Rome', zip: 0 });
  });
});

describe('givenRecord of a DTO with the names the write reads', () => {
  it('reads the fields zod sees: for...in (inherited enumerable ones too) and the named ones it has, not other getters', () => {
    class Row {
      id = 'r';
      first = 'Ann';
      get display(): string {
        return `${this.first}!`;
      }
      get version(): number {
        return 3;
      }
    }
    expect(givenRecord(new Row(), undefined, ['id', 'first', 'version', 'missing'])).toEqual({ id: 'r', first: 'Ann', version: 3 });
    // Without names, every getter of its classes is read (a key or value map).
    expect(givenRecord(new Row())).toEqual({ id: 'r', first: 'Ann', display: 'Ann!', version: 3 });
    const defaults = { tenant: 't1', note: 'hi' };
    const made = Object.assign(Object.create(defaults) as Record<string, unknown>, { id: 'x' });
    expect(givenRecord(made, undefined, ['id', 'tenant', 'note'])).toEqual({ id: 'x', tenant: 't1', note: 'hi' });
    expect(givenRecord(made)).toEqual({ id: 'x', tenant: 't1', note: 'hi' });
  });
});
