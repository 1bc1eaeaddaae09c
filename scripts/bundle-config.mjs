// esbuild options for the published runtime files, shared by scripts/build.mjs and the benchmarks
// (bench/size.ts), so what is measured is what ships.
import { readFileSync, writeFileSync } from 'node:fs';
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
    plugins: format === 'cjs' ? [plainCommonJsExports] : [],
  };
}

// esbuild's CommonJS output publishes the exports through getters, before the module body runs:
// `__export` puts one getter per name on an object and `__toCommonJS` copies each onto
// module.exports as a second getter (per name: two closures, two descriptors, an accessor pair,
// and a per-iteration scope). For the package's 51 names that was ~35 KB of young-generation
// objects (210 -> 176 KB per load) and ~0.9 ms of CPU per cold `require`; the extra allocation
// was also what made the scavenge the SDK leaves due (~4 ms) land inside dynakit's load
// (bench/cold-start-profile.ts, with and without --node-option --min-semi-space-size=16).
// The getters exist for live bindings and for circular requires; the bundle has neither (every
// exported binding is a class, function or constant set once, and nothing requires the bundle
// while it loads), so the same values are assigned as plain properties once the body has run.
// The object literal stays one that Node's cjs-module-lexer reads, so `import { x } from` the CJS
// file still sees every name. Any other shape of esbuild output fails the build: nothing is
// rewritten by guesswork.
const EXPORTS_PREAMBLE = /^var (\w+) = \{\};\n__export\(\1, \{\n((?: {2}[\w$]+: \(\) => [\w$]+,?\n)+)\}\);\nmodule\.exports = __toCommonJS\(\1\);\n/m;
const EXPORTS_ANNOTATION = /^\/\/ Annotate the CommonJS export names for ESM import in node:\n0 && \(module\.exports = \{\n(?: {2}[\w$]+,?\n)+\}\);\n?$/m;

/**
 * The bundle with plain CommonJS exports (see above); throws if esbuild's output is not the shape
 * this rewrite knows.
 * @param {string} text
 * @returns {string}
 */
export function plainExports(text) {
  const preamble = EXPORTS_PREAMBLE.exec(text);
  const annotation = EXPORTS_ANNOTATION.exec(text);
  if (preamble === null || annotation === null || text.split('__toCommonJS(').length !== 2) {
    throw new Error('plainCommonJsExports: esbuild\'s CommonJS export block is not the expected shape; update scripts/bundle-config.mjs');
  }
  const pairs = [...preamble[2].matchAll(/ {2}([\w$]+): \(\) => ([\w$]+)/g)].map(([, name, local]) => (name === local ? name : `${name}: ${local}`));
  const exportsBlock = [
    '// The exports, as plain properties once every binding is set (scripts/bundle-config.mjs).',
    'module.exports = {',
    ...pairs.map((p, i) => `  ${p}${i < pairs.length - 1 ? ',' : ''}`),
    '};',
    '__defProp(module.exports, "__esModule", { value: true });',
    '',
  ].join('\n');
  const withoutPreamble = text.slice(0, preamble.index) + text.slice(preamble.index + preamble[0].length);
  const at = EXPORTS_ANNOTATION.exec(withoutPreamble);
  if (at === null) throw new Error('plainCommonJsExports: lost the export annotation');
  return withoutPreamble.slice(0, at.index) + exportsBlock;
}

/** @type {import('esbuild').Plugin} */
const plainCommonJsExports = {
  name: 'plain-commonjs-exports',
  setup(build) {
    build.onEnd((result) => {
      if (result.errors.length > 0) return;
      if (build.initialOptions.write === false) {
        for (const file of result.outputFiles ?? []) {
          if (file.path.endsWith('.js')) file.contents = new TextEncoder().encode(plainExports(file.text));
        }
        return;
      }
      const outfile = build.initialOptions.outfile;
      if (outfile === undefined) throw new Error('plainCommonJsExports: needs `outfile`');
      writeFileSync(outfile, plainExports(readFileSync(outfile, 'utf8')));
    });
  },
};
