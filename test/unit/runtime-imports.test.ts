import { describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { bundleOptions } from '../../scripts/bundle-config.mjs';

/**
 * What the published runtime file loads when it is imported. zod stays out on purpose: every
 * application loads its own zod through its schemas, and a second load (or a second copy of zod
 * in a bundle) would be paid at every cold start (docs/performance.md, cold import).
 * lib-dynamodb is a peer dependency for its types only (`build()` returns its command inputs, and a
 * DynamoDBDocumentClient is accepted): every request goes out as a low-level command.
 */
describe('the runtime build', () => {
  it('imports only the low-level client and util-dynamodb of the AWS SDK', async () => {
    const result = await build({ ...bundleOptions('esm', 'dynakit.js'), write: false, metafile: true, logLevel: 'silent' });
    const imports = Object.values(result.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
    expect(imports.length).toBeGreaterThan(0);
    expect(new Set(imports)).toEqual(new Set(['@aws-sdk/client-dynamodb', '@aws-sdk/util-dynamodb']));
  });
});
