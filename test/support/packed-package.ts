/**
 * The tarball built and packed by the package project's global setup (test/support/package-setup.ts),
 * which starts the build without waiting for it. For test/package/* only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { inject } from 'vitest';
import type { PackedResult } from './package-setup.js';

/**
 * The packed tarball and the paths inside it, once the build has ended; rejects with the build's
 * error if it failed. Call it in a `beforeAll` with COMPILE_TIMEOUT: the build type-checks dynakit twice.
 *
 * @example beforeAll(async () => { ({ tarball } = await packedPackage()); }, COMPILE_TIMEOUT);
 */
export async function packedPackage(): Promise<{ tarball: string; files: readonly string[] }> {
  const file = inject('packedResultFile');
  while (!existsSync(file)) await sleep(200);
  const result = JSON.parse(readFileSync(file, 'utf8')) as PackedResult;
  if (!result.ok) throw new Error(`the package project's build failed (test/support/package-setup.ts):\n${result.error}`);
  return { tarball: result.tarball, files: result.files };
}
