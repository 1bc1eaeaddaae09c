import { describe, expect, it } from 'vitest';
import { ExpressionError, UpdateRef } from '../../src/index.js';
import type { CompileContext } from '../../src/expressions/compile.js';
import { assertNoPathConflicts, compileUpdate } from '../../src/expressions/compile-update.js';
import { Placeholders } from '../../src/expressions/placeholders.js';
import { refTo } from '../../src/expressions/update-values.js';
import { toStoredValue } from '../../src/entity/codec.js';
import type { DocPath, SetValue, UpdateAction } from '../../src/expressions/ast.js';

const ctx = (): CompileContext => ({ ph: new Placeholders(), entity: 'T', encode: (v, path) => toStoredValue(v, path) });

function compile(actions: UpdateAction[]): { expr: string; names: Record<string, string>; values: Record<string, unknown> } {
  const x = ctx();
  const expr = compileUpdate(actions, x);
  return { expr, names: x.ph.names, values: x.ph.values };
}

const val = (value: unknown): SetValue => ({ kind: 'value', value });
const set = (path: DocPath, value: SetValue): UpdateAction => ({ kind: 'set', path, value });
const remove = (path: DocPath): UpdateAction => ({ kind: 'remove', path });
const add = (path: DocPath, value: unknown): UpdateAction => ({ kind: 'add', path, value });
const del = (path: DocPath, value: unknown): UpdateAction => ({ kind: 'delete', path, value });

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('compileUpdate: clauses', () => {
  it('SET of a value', () => {
    expect(compile([set(['name'], val('Bo'))])).toEqual({ expr: 'SET #n0 = :v0', names: { '#n0': 'name' }, values: { ':v0': 'Bo' } });
  });

  it('each clause appears once, in SET REMOVE ADD DELETE order, actions joined by commas', () => {
    const r = compile([
      del(['tags'], new Set(['x'])),
      set(['a'], val(1)),
      remove(['old']),
      add(['n'], 1),
      set(['b'], val(2)),
      remove(['m', 'z']),
      add(['s'], new Set([1, 2])),
      del(['t'], new Set(['y'])),
    ]);
    expect(r.expr).toBe('SET #n1 = :v1, #n4 = :v3 REMOVE #n2, #n5.#n6 ADD #n3 :v2, #n7 :v4 DELETE #n0 :v0, #n8 :v5');
    for (const kw of ['SET', 'REMOVE', 'ADD', 'DELETE']) {
      expect(r.expr.split(' ').filter((t) => t === kw)).toHaveLength(1);
    }
    expect(r.names).toEqual({
      '#n0': 'tags',
      '#n1': 'a',
      '#n2': 'old',
      '#n3': 'n',
      '#n4': 'b',
      '#n5': 'm',
      '#n6': 'z',
      '#n7': 's',
      '#n8': 't',
    });
    expect(r.values).toEqual({
      ':v0': new Set(['x']),
      ':v1': 1,
      ':v2': 1,
      ':v3': 2,
      ':v4': new Set([1, 2]),
      ':v5': new Set(['y']),
    });
  });

  it('only the clauses that have actions are written', () => {
    expect(compile([remove(['a'])]).expr).toBe('REMOVE #n0');
    expect(compile([add(['a'], 1)]).expr).toBe('ADD #n0 :v0');
    expect(compile([del(['a'], new Set(['x']))]).expr).toBe('DELETE #n0 :v0');
  });

  it('an update without actions is rejected', () => {
    expect(() => compile([])).toThrow(ExpressionError);
  });

  it('nested paths and list elements as targets', () => {
    expect(compile([set(['address', 'city'], val('P')), remove(['items', 2]), set(['items', 0, 'qty'], val(1))]).expr).toBe(
      'SET #n0.#n1 = :v0, #n2[0].#n3 = :v1 REMOVE #n2[2]',
    );
  });

  it("a top-level name with dots is one placeholder", () => {
    expect(compile([set(['a.b'], val(1))])).toEqual({ expr: 'SET #n0 = :v0', names: { '#n0': 'a.b' }, values: { ':v0': 1 } });
  });

  it('values are encoded (Date -> ISO) and storage violations fail with the target path', () => {
    expect(compile([set(['at'], val(new Date(0)))]).values).toEqual({ ':v0': '1970-01-01T00:00:00.000Z' });
    expect(thrown(() => compile([add(['m', 'tags'], new Set())]))).toMatchObject({ path: 'm.tags' });
    expect(thrown(() => compile([set(['n'], val(Number.NaN))]))).toMatchObject({ path: 'n' });
  });
});

describe('compileUpdate: SET values', () => {
  it('copy another attribute', () => {
    expect(compile([set(['a'], { kind: 'path', path: ['b', 'c'] })]).expr).toBe('SET #n0 = #n1.#n2');
  });

  it('arithmetic with one operator', () => {
    expect(compile([set(['n'], new UpdateRef<number>({ kind: 'path', path: ['n'] }).plus(1).value)])).toEqual({
      expr: 'SET #n0 = #n0 + :v0',
      names: { '#n0': 'n' },
      values: { ':v0': 1 },
    });
    expect(compile([set(['n'], refTo<number>(['m']).minus(refTo<number>(['k'])).value)]).expr).toBe('SET #n0 = #n1 - #n2');
  });

  it('if_not_exists, also as an arithmetic operand', () => {
    expect(compile([set(['n'], refTo<number>(['n']).ifNotExists(0).value)]).expr).toBe('SET #n0 = if_not_exists(#n0, :v0)');
    expect(compile([set(['n'], refTo<number>(['n']).ifNotExists(0).plus(5).value)])).toEqual({
      expr: 'SET #n0 = if_not_exists(#n0, :v0) + :v1',
      names: { '#n0': 'n' },
      values: { ':v0': 0, ':v1': 5 },
    });
  });

  it('list_append in both orders', () => {
    const list: SetValue = { kind: 'ifNotExists', path: ['h'], fallback: val([]) };
    expect(compile([set(['h'], { kind: 'listAppend', left: list, right: val(['x']) })])).toEqual({
      expr: 'SET #n0 = list_append(if_not_exists(#n0, :v0), :v1)',
      names: { '#n0': 'h' },
      values: { ':v0': [], ':v1': ['x'] },
    });
    expect(compile([set(['h'], { kind: 'listAppend', left: val(['x']), right: list })]).expr).toBe(
      'SET #n0 = list_append(:v0, if_not_exists(#n0, :v1))',
    );
  });

  it('two arithmetic operators in one value are rejected', () => {
    const twice = refTo<number>(['n']).plus(1).plus(2);
    const e = thrown(() => compile([set(['n'], twice.value)]));
    expect(e).toBeInstanceOf(ExpressionError);
    expect(e).toMatchObject({ path: 'n', entity: 'T' });
    const right = refTo<number>(['n']).minus(refTo<number>(['m']).plus(1));
    expect(() => compile([set(['n'], right.value)])).toThrow(ExpressionError);
  });

  it('size() is rejected in an update value', () => {
    expect(() => compile([set(['n'], { kind: 'size', path: ['l'] })])).toThrow(ExpressionError);
    expect(() =>
      compile([set(['n'], { kind: 'arith', op: '+', left: { kind: 'size', path: ['l'] }, right: val(1) })]),
    ).toThrow(ExpressionError);
  });

  it('ifNotExists() needs an attribute reference', () => {
    expect(() => refTo<number>(['n']).plus(1).ifNotExists(0)).toThrow(TypeError);
  });
});

describe('compileUpdate: path conflicts', () => {
  it.each<[string, UpdateAction[]]>([
    ['same path twice in SET', [set(['a'], val(1)), set(['a'], val(2))]],
    ['SET + REMOVE', [set(['a'], val(1)), remove(['a'])]],
    ['SET + ADD', [set(['n'], val(1)), add(['n'], 1)]],
    ['ADD + DELETE', [add(['s'], new Set(['a'])), del(['s'], new Set(['b']))]],
    ['parent + child', [set(['m'], val({})), remove(['m', 'cnt'])]],
    ['child + parent', [set(['m', 'a', 'b'], val(1)), remove(['m'])]],
    ['list + list element', [set(['l'], val([])), set(['l', 0], val(1))]],
    ['list element + its field', [remove(['l', 0]), set(['l', 0, 'sku'], val('x'))]],
    ['same nested path', [set(['a', 'b'], val(1)), add(['a', 'b'], 1)]],
  ])('%s -> ExpressionError before compiling', (_label, actions) => {
    const x = ctx();
    expect(() => compileUpdate(actions, x)).toThrow(ExpressionError);
    expect(() => assertNoPathConflicts(actions, 'T')).toThrow(ExpressionError);
    // nothing was allocated: the check runs first
    expect(x.ph.hasNames).toBe(false);
  });

  it('the error names both paths', () => {
    const e = thrown(() => compile([set(['m'], val({})), remove(['m', 'cnt'])])) as ExpressionError;
    expect(e.path).toBe('m');
    expect(e.message).toContain('m.cnt');
  });

  it.each<[string, UpdateAction[]]>([
    ['siblings', [set(['m', 'a'], val(1)), set(['m', 'b'], val(2))]],
    ['different list elements', [remove(['l', 0]), remove(['l', 1])]],
    ['prefix-named attributes', [set(['ab'], val(1)), set(['a'], val(2))]],
    ['dotted name vs nested path', [set(['a.b'], val(1)), set(['a', 'c'], val(2))]],
    ['a value reading the target path', [set(['n'], refTo<number>(['n']).plus(1).value)]],
    ['reading another updated path', [set(['x'], { kind: 'path', path: ['m'] }), set(['m'], val(1))]],
  ])('%s are fine', (_label, actions) => {
    expect(() => compile(actions)).not.toThrow();
  });
});
