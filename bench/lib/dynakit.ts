/**
 * The dynakit module the benchmarks run. `npm run bench` bundles src exactly as the package build
 * does (esbuild with scripts/bundle-config.mjs, into .tmp/bench-size/pkg) and loads that, so the
 * code measured is the code that ships; tsx's own
 * transpilation of src adds helpers (esbuild's `keepNames` wraps closures in `__name(...)`) that
 * would tax dynakit unfairly. Without `loadDynakit(entry)`, src is used through tsx.
 */
import type * as Src from '../../src/index.js';

export type Dynakit = typeof Src;

let loaded: Dynakit | undefined;
let source = 'src (through tsx)';

export async function loadDynakit(esmEntry?: string): Promise<Dynakit> {
  if (esmEntry !== undefined) {
    const { pathToFileURL } = await import('node:url');
    loaded = (await import(pathToFileURL(esmEntry).href)) as Dynakit;
    source = esmEntry;
  } else {
    loaded = await import('../../src/index.js');
  }
  return loaded;
}

/** The loaded module (call `loadDynakit` first). */
export function dynakit(): Dynakit {
  if (loaded === undefined) throw new Error('bench: call loadDynakit() before using dynakit');
  return loaded;
}

export function dynakitSource(): string {
  return source;
}
