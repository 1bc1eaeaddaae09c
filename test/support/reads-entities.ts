/**
 * The table and entities of the model-based read test (test/integration/model-based-reads-62.test.ts):
 * three entities share the tenant partition `T#{tenant}` (a collection), with sort-key templates of
 * several composites (strings, a padded number, a date), a local index on which Task and Note
 * interleave under one prefix, a global index where both meet per project, and a sparse global index
 * holding only `_et` and `points` (Task entries need both `owner` and `points`; every Member has one),
 * read through `hydrate()` or `project('points')`, and a sparse KEYS_ONLY global index keyed on an
 * optional boolean, on which Task and Note entries interleave (read through `hydrate()` only).
 *
 * The value pools hold the characters that make key order differ from JavaScript's: a space and `!`
 * (below the separator), `é`, a fullwidth `～` (U+FF5E: above `😀` in UTF-16, below it in UTF-8).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { defineEntity, defineTable } from '../../src/index.js';

export const STATUSES = ['done', 'open', 'wait'] as const;

export const taskSchema = z.object({
  tenant: z.string(),
  taskId: z.string(),
  project: z.string(),
  seq: z.number().int(),
  due: z.date(),
  title: z.string(),
  status: z.enum(STATUSES),
  points: z.number().int().optional(),
  owner: z.string().optional(),
  tags: z.set(z.string()).optional(),
  flag: z.boolean().optional(),
});

export const noteSchema = z.object({
  tenant: z.string(),
  noteId: z.string(),
  project: z.string(),
  at: z.date(),
  author: z.string(),
  body: z.string(),
  pinned: z.boolean().optional(),
});

export const memberSchema = z.object({
  tenant: z.string(),
  name: z.string(),
  since: z.date(),
  level: z.number().int(),
});

export function defineReadsTable(client: DynamoDBClient, name: string) {
  const table = defineTable({
    name,
    client,
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    indexes: {
      gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } },
      gsi2: { type: 'global', partitionKey: { name: 'gsi2pk', type: 'S' }, sortKey: { name: 'gsi2sk', type: 'S' }, projection: { include: ['_et', 'points'] } },
      lsi1: { type: 'local', sortKey: { name: 'lsi1sk', type: 'S' } },
      gsi3: { type: 'global', partitionKey: { name: 'gsi3pk', type: 'S' }, sortKey: { name: 'gsi3sk', type: 'S' }, projection: 'KEYS_ONLY' },
    },
  });
  const Task = defineEntity({
    table,
    name: 'Task',
    schema: taskSchema,
    keys: {
      primary: { pk: 'T#{tenant}', sk: 'TASK#{project}#{seq}#{taskId}' },
      lsi1: { sk: 'D#{due}#{taskId}' },
      gsi1: { pk: 'G#{project}', sk: 'TASK#{status}#{due}#{seq}#{taskId}' },
      gsi2: { pk: 'O#{owner}', sk: 'P#{points}#{taskId}' },
      gsi3: { pk: 'W#{tenant}', sk: 'F#{flag}#{seq}#{taskId}' },
    },
  });
  const Note = defineEntity({
    table,
    name: 'Note',
    schema: noteSchema,
    keys: {
      primary: { pk: 'T#{tenant}', sk: 'NOTE#{at}#{noteId}' },
      lsi1: { sk: 'D#{at}#{noteId}' },
      gsi1: { pk: 'G#{project}', sk: 'NOTE#{author}#{at}#{noteId}' },
      gsi3: { pk: 'W#{tenant}', sk: 'F#{pinned}#{at}#{noteId}' },
    },
  });
  const Member = defineEntity({
    table,
    name: 'Member',
    schema: memberSchema,
    keys: {
      primary: { pk: 'T#{tenant}', sk: 'MEMBER#{name}' },
      gsi2: { pk: 'O#{name}', sk: 'P#{level}#{tenant}' },
    },
  });
  return { table, Task, Note, Member };
}

export type ReadsTable = ReturnType<typeof defineReadsTable>;
export type TaskItem = z.output<typeof taskSchema>;
export type NoteItem = z.output<typeof noteSchema>;
export type MemberItem = z.output<typeof memberSchema>;
export type EntityName = 'Task' | 'Note' | 'Member';
