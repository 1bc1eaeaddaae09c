// esbuild options for the published runtime files, shared by scripts/build.mjs and the benchmarks
// (bench/size.ts), so what is measured is what ships.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * @param {'esm' | 'cjs'} format
 * @param {string} outfile
 * @returns {import('esbuild').BuildOptions}
 */
export function bundleOptions(format, outfile) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return {
    entryPoints: [join(root, 'src', 'index.ts')],
    outfile,
    bundle: true,
    format,
    platform: 'node',
    target: 'node20',
    // Peer and runtime dependencies are the application's to install and dedupe.
    external: [...Object.keys(pkg.peerDependencies ?? {}), ...Object.keys(pkg.dependencies ?? {}), '@aws-sdk/*', '@smithy/*'],
    // Readable output: stack traces and debuggers show the real function names and lines.
    minify: false,
    legalComments: 'none',
    logLevel: 'warning',
  };
}
