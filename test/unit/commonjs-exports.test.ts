import { createRequire } from 'node:module';
import { join } from 'node:path';
import vm from 'node:vm';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { bundleOptions, plainExports } from '../../scripts/bundle-config.mjs';

const root = join(import.meta.dirname, '..', '..');

/** Runs a CommonJS bundle as Node's loader would, from a file name inside the repo (for its requires). */
function load(text: string): Record<string, unknown> {
  const filename = join(root, '.tmp', 'dynakit-cjs-under-test.js');
  const fn = vm.compileFunction(text, ['exports', 'require', 'module', '__filename', '__dirname'], { filename }) as (
    ...args: unknown[]
  ) => void;
  const module = { exports: {} as Record<string, unknown> };
  fn(module.exports, createRequire(filename), module, filename, root);
  return module.exports;
}

describe('the CommonJS build', () => {
  it('exports every name of the ES module build, as plain properties, with __esModule', async () => {
    const [cjs, esm] = await Promise.all([
      build({ ...bundleOptions('cjs', 'dynakit.js'), write: false, logLevel: 'silent' }),
      build({ ...bundleOptions('esm', 'dynakit.js'), write: false, metafile: true, logLevel: 'silent' }),
    ]);
    const text = cjs.outputFiles![0]!.text;
    // esbuild's getter block is gone (its helpers may stay declared, unused).
    expect(text).not.toMatch(/__toCommonJS\(|__export\(/);
    const names = Object.values(esm.metafile!.outputs)[0]!.exports;
    expect(names.length).toBeGreaterThan(40);
    const exported = load(text);
    expect(Object.keys(exported).sort()).toEqual([...names].sort());
    for (const name of names) {
      const d = Object.getOwnPropertyDescriptor(exported, name)!;
      expect(d.get, name).toBeUndefined();
      expect(d.value, name).toBeDefined();
    }
    expect(exported['__esModule']).toBe(true);
    expect(Object.keys(exported)).not.toContain('__esModule');
    // one module instance: the error classes the API throws are the exported ones
    const errors = exported as { ConditionFailedError: new (...a: never[]) => Error; VersionConflictError: { prototype: object } };
    expect(Object.getPrototypeOf(errors.VersionConflictError.prototype)).toBe(errors.ConditionFailedError.prototype);
  });

  it('refuses to rewrite output of a shape it does not know', () => {
    expect(() => plainExports('"use strict";\nmodule.exports = { a };\n')).toThrow(/not the expected shape/);
    const aliased = [
      'var __defProp = Object.defineProperty;',
      'var index_exports = {};',
      '__export(index_exports, {',
      '  a: () => a2,',
      '  b: () => b',
      '});',
      'module.exports = __toCommonJS(index_exports);',
      'var a2 = 1;',
      'var b = 2;',
      '// Annotate the CommonJS export names for ESM import in node:',
      '0 && (module.exports = {',
      '  a,',
      '  b',
      '});',
      '',
    ].join('\n');
    // an export whose local binding esbuild renamed keeps its public name
    expect(load(plainExports(aliased))).toEqual({ a: 1, b: 2 });
  });
});
