/** `givenInput`: the copy a builder takes of its input (see src/given-input.ts). */
import { describe, expect, it } from 'vitest';
import { givenInput, givenRecord } from '../../src/given-input.js';

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
