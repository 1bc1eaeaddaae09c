/**
 * The same model for every contender: the SPEC's User entity on a single table with one GSI.
 *
 *   pk = USER#{userId}   sk = PROFILE          gsi1pk = ORG#{orgId}   gsi1sk = USER#{name}#{userId}
 *   attributes: userId, orgId, email (validated as an e-mail), name, age (integer, optional),
 *   tags (string set, optional), address { city, zip } (optional), createdAt / updatedAt.
 *
 * Each library stores it the way it naturally does (its own discriminator attributes), but with
 * the same physical key attributes, the same key formats and the same validation rules as far as
 * the library can express them.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { Entity as ElectroEntity, Service as ElectroService } from 'electrodb';
import { Entity as TbEntity, Table as TbTable, item, map, number, set, string } from 'dynamodb-toolbox';
import { dynakit } from './lib/dynakit.js';

export const TABLE_KEYS = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: {
    gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } },
  },
} as const;

// ------------------------------------------------------------------------------------------------
// dynakit

export function dynakitModel(client: DynamoDBClient, tableName: string) {
  const { defineTable, defineEntity } = dynakit();
  const AppTable = defineTable({ name: tableName, client, ...TABLE_KEYS });
  const User = defineEntity({
    table: AppTable,
    name: 'User',
    schema: z.object({
      userId: z.string(),
      orgId: z.string(),
      email: z.string().email(),
      name: z.string(),
      age: z.number().int().optional(),
      tags: z.set(z.string()).optional(),
      address: z.object({ city: z.string(), zip: z.string() }).optional(),
    }),
    keys: {
      primary: { pk: 'USER#{userId}', sk: 'PROFILE' },
      gsi1: { pk: 'ORG#{orgId}', sk: 'USER#{name}#{userId}' },
    },
    timestamps: true,
  });
  return { AppTable, User };
}
export type DynakitModel = ReturnType<typeof dynakitModel>;

// ------------------------------------------------------------------------------------------------
// ElectroDB 3.9.3

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function electroModel(docClient: DynamoDBDocumentClient, tableName: string) {
  const User = new ElectroEntity(
    {
      model: { entity: 'User', version: '1', service: 'app' },
      attributes: {
        userId: { type: 'string', required: true },
        orgId: { type: 'string', required: true },
        email: { type: 'string', required: true, validate: EMAIL },
        name: { type: 'string', required: true },
        age: { type: 'number', validate: (v: number) => Number.isInteger(v) },
        tags: { type: 'set', items: 'string' },
        address: {
          type: 'map',
          properties: { city: { type: 'string', required: true }, zip: { type: 'string', required: true } },
        },
        createdAt: { type: 'string', readOnly: true, default: () => new Date().toISOString() },
        updatedAt: { type: 'string', watch: '*', set: () => new Date().toISOString(), readOnly: true },
      },
      indexes: {
        primary: {
          pk: { field: 'pk', composite: ['userId'], template: 'USER#${userId}', casing: 'none' },
          sk: { field: 'sk', composite: [], template: 'PROFILE', casing: 'none' },
        },
        byOrg: {
          index: 'gsi1',
          collection: 'org',
          pk: { field: 'gsi1pk', composite: ['orgId'], template: 'ORG#${orgId}', casing: 'none' },
          sk: { field: 'gsi1sk', composite: ['name', 'userId'], template: 'USER#${name}#${userId}', casing: 'none' },
        },
      },
    },
    { table: tableName, client: docClient },
  );
  const service = new ElectroService({ user: User }, { table: tableName, client: docClient });
  return { User, service };
}
export type ElectroModel = ReturnType<typeof electroModel>;

// ------------------------------------------------------------------------------------------------
// DynamoDB-Toolbox 2.10.6

export function toolboxModel(docClient: DynamoDBDocumentClient, tableName: string) {
  const AppTable = new TbTable({
    name: tableName,
    documentClient: docClient,
    partitionKey: { name: 'pk', type: 'string' },
    sortKey: { name: 'sk', type: 'string' },
    indexes: {
      gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'string' }, sortKey: { name: 'gsi1sk', type: 'string' } },
    },
    entityAttributeSavedAs: '_et',
  });
  const schema = item({
    userId: string().key(),
    orgId: string(),
    email: string().validate((v: string) => EMAIL.test(v)),
    name: string(),
    age: number().optional().validate((v: number) => Number.isInteger(v)),
    tags: set(string()).optional(),
    address: map({ city: string(), zip: string() }).optional(),
  });
  const User = new TbEntity({
    name: 'User',
    table: AppTable,
    schema: schema.and((s) => ({
      pk: string().key().hidden().link<typeof s>(({ userId }) => `USER#${userId}`),
      sk: string().key().hidden().const('PROFILE'),
      gsi1pk: string().hidden().link<typeof s>(({ orgId }) => `ORG#${orgId}`),
      gsi1sk: string().hidden().link<typeof s>(({ name, userId }) => `USER#${name}#${userId}`),
    })),
    timestamps: { created: { name: 'createdAt', savedAs: 'createdAt' }, modified: { name: 'updatedAt', savedAs: 'updatedAt' } },
  });
  return { AppTable, User };
}
export type ToolboxModel = ReturnType<typeof toolboxModel>;

// ------------------------------------------------------------------------------------------------
// Sample data

export interface UserRow {
  userId: string;
  orgId: string;
  email: string;
  name: string;
  age: number;
  tags: Set<string>;
  address: { city: string; zip: string };
}

/** ElectroDB types string sets as arrays. */
export type ElectroUserRow = Omit<UserRow, 'tags'> & { tags: string[] };
export function electroUser(u: UserRow): ElectroUserRow {
  return { ...u, tags: [...u.tags] };
}

export function sampleUser(i: number, orgId = 'acme'): UserRow {
  return {
    userId: `u${i}`,
    orgId,
    email: `user${i}@example.com`,
    name: `Name${i % 97}`,
    age: 20 + (i % 50),
    tags: new Set(['a', `t${i % 7}`]),
    address: { city: 'London', zip: `W${i % 9}` },
  };
}
