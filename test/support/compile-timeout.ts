/**
 * The timeout of a test that builds a TypeScript program (dynakit's source with zod's and the SDK's
 * declarations): a few seconds alone, but CPU-bound, so past a minute on a 2-core machine running
 * other suites beside it (seen at load 15-20). It guards against a hang, not a slow compile.
 */
export const COMPILE_TIMEOUT = 240_000;
