/**
 * The entities of the model-based test (test/integration/model-based-61.test.ts): a `Profile` with
 * the hard parts of a schema (defaults, nested optional keys, a bounded list of maps, empty-set
 * defaults, a record, a discriminated union, bounded numbers and strings, a GSI whose sort key is
 * two attributes that updates change) and a versioned `Badge` in the same partition.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { defineEntity, defineTable } from '../../src/index.js';

export const NICK_MAX = 6;
export const TIER_MAX = 8;
export const SCORE_MIN = -5;
export const SCORE_MAX = 10;
export const RANK_MIN = 0;
export const RANK_MAX = 100;
export const ITEMS_MIN = 1;
export const ITEMS_MAX = 4;
export const TAGS_MAX = 2;
export const FLAGS_MAX = 2;
export const LABEL_MAX = 10;
export const LEVEL_MIN = 1;
export const LEVEL_MAX = 5;

export const profileSchema = z.object({
  id: z.string(),
  org: z.string(),
  tier: z.string().max(TIER_MAX).optional(),
  rank: z.number().int().min(RANK_MIN).max(RANK_MAX).default(0),
  nick: z.string().max(NICK_MAX).optional(),
  note: z.string().default('none'),
  score: z.number().int().min(SCORE_MIN).max(SCORE_MAX).optional(),
  prefs: z
    .object({
      theme: z.string().optional(),
      lang: z.string().default('en'),
      flags: z.set(z.string()).max(FLAGS_MAX).default(new Set()),
    })
    .optional(),
  items: z.array(z.object({ sku: z.string(), qty: z.number().int().optional() })).min(ITEMS_MIN).max(ITEMS_MAX).optional(),
  tags: z.set(z.string()).max(TAGS_MAX).default(new Set()),
  counts: z.record(z.string(), z.number().int()).optional(),
  shape: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('circle'), r: z.number().int().positive() }),
      z.object({ kind: z.literal('square'), side: z.number().int() }),
    ])
    .optional(),
});

export const badgeSchema = z.object({
  ownerId: z.string(),
  badgeId: z.string(),
  label: z.string().max(LABEL_MAX),
  level: z.number().int().min(LEVEL_MIN).max(LEVEL_MAX),
});

export function defineModelTable(client: DynamoDBClient, name: string) {
  const table = defineTable({
    name,
    client,
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    indexes: { gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } } },
  });
  const Profile = defineEntity({
    table,
    name: 'Profile',
    schema: profileSchema,
    keys: { primary: { pk: 'P#{id}', sk: 'PROFILE' }, gsi1: { pk: 'ORG#{org}', sk: 'T#{tier}#{rank}' } },
    timestamps: true,
  });
  const Badge = defineEntity({
    table,
    name: 'Badge',
    schema: badgeSchema,
    keys: { primary: { pk: 'P#{ownerId}', sk: 'BADGE#{badgeId}' } },
    timestamps: true,
    version: 'version',
  });
  return { table, Profile, Badge };
}

export type ModelTable = ReturnType<typeof defineModelTable>;
