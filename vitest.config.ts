import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Projects:
//   unit        test/unit/**/*.test.ts           pure, no server          npx vitest run --project unit
//   integration test/integration/**/*.test.ts    DynamoDB Local started once by test/support/global-setup.ts
//   types       test/types/**/*.test-d.ts        type-level tests (vitest typecheck → tsc -p tsconfig.json)
//   package     test/package/**/*.test.ts        build + npm pack + consume the tarball (ESM, CJS, tsc)
// The AWS SDK warns once per process that future releases need Node >= 22; that is noise in test output.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

// scripts/test-sdk-floor.mjs points this at the oldest SDK of the peer range; dynakit and the tests
// then load those packages from there (their own dependencies come along with them).
const sdkRoot = process.env['DYNAKIT_SDK_ROOT'];
const sdkAliases = sdkRoot === undefined
  ? []
  : ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@aws-sdk/util-dynamodb'].map((name) => ({ find: new RegExp(`^${name}$`), replacement: join(sdkRoot, name) }));

export default defineConfig({
  resolve: { alias: sdkAliases },
  test: {
    // Vitest's default on a 2-core machine is 1 worker. The slow files (package: tsc/npm child processes,
    // integration: waiting on DynamoDB Local) spend much of their time waiting, so let two run side by side.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // One module graph per worker, not per file: importing zod, the SDK and dynakit's source
          // again for each of ~60 files was most of this project's time (import 89 s, tests 39 s,
          // summed over files). Safe because dynakit's module state is caches keyed by their
          // objects and counters read as differences, and every file that fakes timers restores them.
          isolate: false,
          // The property suites run hundreds of cases per test: about a second alone, but past the
          // 5 s default on a loaded 2-core machine (seen under test:sdk-floor with other jobs running).
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['./test/support/global-setup.ts'],
          // As in unit: ~120 files each imported zod, the SDK and dynakit anew (import ~180 s summed,
          // 24 s without). Each file still makes its own tables (uniqueTableName) and clients.
          isolate: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'types',
          include: [],
          typecheck: {
            enabled: true,
            only: true,
            include: ['test/types/**/*.test-d.ts'],
            tsconfig: './tsconfig.json',
          },
        },
      },
      {
        extends: true,
        test: {
          name: 'package',
          include: ['test/package/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['./test/support/package-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'budget',
          include: ['test/budget/**/*.test.ts'],
          environment: 'node',
          // The test counts instantiations, which load does not change; its time does (19 s alone,
          // over 120 s on a machine shared by four tsc runs): a count test must not fail on time.
          testTimeout: 300_000,
        },
      },
    ],
  },
});
