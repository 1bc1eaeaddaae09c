/**
 * The total size of a multi-attribute index key (2,048 bytes for the partition attributes together,
 * 1,024 for the sort attributes) on the update path, against DynamoDB Local. A put checks it before
 * sending; an update that sets the parts did not, and DynamoDB Local 3.3.1 does not check it on
 * UpdateItem at all: it stored such an item and kept it in the index, where every later put of
 * the same item is refused. The parts an update writes are now checked as a put checks them.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEntity, defineTable, KeyError } from '../../src/index.js';
import { countRequests, refusedBeforeSend } from '../support/requests.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const requests = countRequests(client);
const Fleet = defineTable({
  name: uniqueTableName('multikey-update'),
  client,
  partitionKey: { name: 'pk', type: 'S' },
  indexes: {
    byRegion: {
      type: 'global',
      partitionKey: [{ name: 'tenantId', type: 'S' }, { name: 'region', type: 'S' }],
      sortKey: [{ name: 'status', type: 'S' }, { name: 'label', type: 'S' }],
    },
  },
});

const Site = defineEntity({
  table: Fleet,
  name: 'Site',
  schema: z.object({ siteId: z.string(), tenantId: z.string(), region: z.string(), status: z.string(), label: z.string() }),
  keys: { primary: { pk: 'SITE#{siteId}' }, byRegion: { pk: ['{tenantId}', '{region}'], sk: ['{status}', '{label}'] } },
});

useTable(Fleet, { clients: [client] });

describe('an update that writes the parts of a multi-attribute key', () => {
  it('parts over 2,048 bytes together (partition) or 1,024 (sort): KeyError before sending, nothing stored', async () => {
    await Site.put({ siteId: 's1', tenantId: 't', region: 'eu', status: 'open', label: 'a' });
    const pk = await refusedBeforeSend(requests, KeyError, () => Site.update({ siteId: 's1' }).set({ tenantId: 't'.repeat(1500), region: 'r'.repeat(1000) }));
    expect(pk).toBeInstanceOf(KeyError);
    expect((pk as KeyError).index).toBe('byRegion');
    expect((pk as Error).message).toMatch(/tenantId, region hold 2500 bytes together, over DynamoDB's limit of 2048 bytes/);
    const sk = await refusedBeforeSend(requests, KeyError, () => Site.update({ siteId: 's1' }).set({ status: 's'.repeat(800), label: 'l'.repeat(300) }));
    expect((sk as Error).message).toMatch(/status, label hold 1100 bytes together, over DynamoDB's limit of 1024 bytes/);
    expect(await Site.get({ siteId: 's1' })).toMatchObject({ tenantId: 't', region: 'eu', status: 'open', label: 'a' });
  });

  it('parts within the limit together are sent', async () => {
    await Site.update({ siteId: 's1' }).set({ tenantId: 't'.repeat(1000), region: 'r'.repeat(1000) });
    expect((await Site.get({ siteId: 's1' }))?.region).toHaveLength(1000);
  });

  it('an update of some parts cannot see the stored others (documented): DynamoDB Local stores it', async () => {
    await Site.put({ siteId: 's2', tenantId: 't'.repeat(1500), region: 'eu', status: 'open', label: 'a' });
    await Site.update({ siteId: 's2' }).set({ region: 'r'.repeat(1000) });
    const stored = await Site.get({ siteId: 's2' });
    expect(stored?.region).toHaveLength(1000);
    // The item as stored can no longer be written back whole: the put checks the total.
    await expect(refusedBeforeSend(requests, KeyError, () => Site.put(stored!))).resolves.toBeInstanceOf(KeyError);
  });
});
