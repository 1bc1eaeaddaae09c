/**
 * The entities of the model-based test of the newest entity features
 * (test/integration/model-based-variants-31.test.ts), on the table of test/fixtures/derived-model.ts:
 *
 * - `Pay`, a union of three variants (card, bank, wallet) told apart by `method`, with optimistic
 *   locking (`rev`), timestamps, a derived GSI sort-key composite (`holderLower` from `holder`) and a
 *   schema version 2. Version 1 stored the holder as `who` and had card payments only, without a
 *   `method` (test commands write such items past dynakit). `note` is a field of bank and wallet
 *   payments with different bounds (20 and 5 characters): a long note fits a bank payment only.
 * - the fixture's `Badge`, keyed by a derived sort-key composite (`nameLower`) that its key objects
 *   give by its source (`name`), and `Legacy`, keyed by a function of `region` and `code`.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { defineEntity } from '../../src/index.js';
import { derivedModel } from '../fixtures/derived-model.js';

export const NOTE_MAX = { bank: 20, wallet: 5 } as const;
export const CURRENT_SV = 2;

const shared = { payId: z.string(), orderId: z.string(), amount: z.number().int().positive(), holder: z.string().trim(), holderLower: z.string() };

export const paySchema = z.discriminatedUnion('method', [
  z.object({ ...shared, method: z.literal('card'), last4: z.string().length(4), expires: z.date(), tags: z.set(z.string()).optional() }),
  z.object({ ...shared, method: z.literal('bank'), iban: z.string(), note: z.string().max(NOTE_MAX.bank).optional() }),
  z.object({ ...shared, method: z.literal('wallet'), provider: z.enum(['apple', 'google']), note: z.string().max(NOTE_MAX.wallet).optional() }),
]);

/** Version 1 -> 2: `who` became `holder`; an item without `method` is a card payment (kept when an update already wrote the new shape). */
export const payStep = ({ who, ...rest }: Record<string, unknown>): Record<string, unknown> => ({ ...rest, holder: rest['holder'] ?? who, method: rest['method'] ?? 'card' });

export function variantsWorld(client: DynamoDBClient, tableName: string) {
  const { DerivedTable: table, Badge, Legacy } = derivedModel(client, tableName);
  const Pay = defineEntity({
    table,
    name: 'Pay',
    schema: paySchema,
    keys: {
      primary: { pk: 'PAY#{payId}', sk: 'PAY' },
      gsi1: { pk: 'ORDER#{orderId}', sk: 'H#{holderLower}#{payId}' },
    },
    derive: { holderLower: { from: ['holder'], compute: ({ holder }) => holder.toLowerCase() } },
    version: 'rev',
    timestamps: true,
    migrations: { steps: [payStep], reads: ['who', 'holder', 'method'] },
  });
  return { table, Pay, Badge, Legacy };
}

export type VariantsWorld = ReturnType<typeof variantsWorld>;
