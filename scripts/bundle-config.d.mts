import type { BuildOptions } from 'esbuild';
/** esbuild options for dist/{esm,cjs}/index.js (see bundle-config.mjs). */
export function bundleOptions(format: 'esm' | 'cjs', outfile: string): BuildOptions;
/** A CommonJS bundle from esbuild with its exports as plain properties (see bundle-config.mjs). */
export function plainExports(text: string): string;
