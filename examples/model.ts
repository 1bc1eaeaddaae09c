/**
 * The demo's single-table model: companies, their employees and projects, and the assignments
 * that put employees on projects (a many-to-many relation).
 *
 * Everything lives in one table with a generic key layout (pk/sk plus one GSI, gsi1pk/gsi1sk).
 * Each entity maps its own attributes onto those generic keys through key templates:
 *
 *   entity       pk              sk                        gsi1pk            gsi1sk
 *   Company      CO#{companyId}  PROFILE                   -                 -
 *   Employee     EMP#{employeeId} PROFILE                  CO#{companyId}    EMP#{name}#{employeeId}
 *   Project      PROJ#{projectId} PROFILE                  CO#{companyId}    PROJ#{projectId}
 *   Assignment   EMP#{employeeId} PROJ#{projectId}         PROJ#{projectId}  EMP#{employeeId}
 *
 * The Assignment rows are the "inverted index" pattern: in the table, partition EMP#<id> holds the
 * employee's profile and one row per project they work on; gsi1 flips the same rows so that
 * partition PROJ#<id> lists the project's employees. gsi1 also lists a company's employees
 * (sorted by name) and projects under CO#<id>.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { defineEntity, defineTable, type EntityItem } from '../src/index.js';

export function companyModel(client: DynamoDBClient, tableName: string) {
  const table = defineTable({
    name: tableName,
    client,
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    indexes: {
      gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } },
    },
  });

  const Company = defineEntity({
    table,
    name: 'Company',
    schema: z.object({
      companyId: z.string(),
      name: z.string(),
      founded: z.date(),
    }),
    keys: { primary: { pk: 'CO#{companyId}', sk: 'PROFILE' } },
    timestamps: true,
  });

  const Employee = defineEntity({
    table,
    name: 'Employee',
    schema: z.object({
      employeeId: z.string(),
      companyId: z.string(),
      name: z.string(),
      email: z.email(),
      title: z.string(),
      level: z.number().int().min(1),
      skills: z.set(z.string()).optional(),
      address: z.object({ city: z.string(), zip: z.string().optional() }).optional(),
      history: z.array(z.string()).optional(),
    }),
    keys: {
      primary: { pk: 'EMP#{employeeId}', sk: 'PROFILE' },
      // A company's employees sorted by name. Renaming an employee rewrites gsi1sk.
      gsi1: { pk: 'CO#{companyId}', sk: 'EMP#{name}#{employeeId}' },
    },
    timestamps: true,
  });

  const Project = defineEntity({
    table,
    name: 'Project',
    schema: z.object({
      projectId: z.string(),
      companyId: z.string(),
      name: z.string(),
      budget: z.number(),
      status: z.enum(['planned', 'active', 'done']),
    }),
    keys: {
      primary: { pk: 'PROJ#{projectId}', sk: 'PROFILE' },
      gsi1: { pk: 'CO#{companyId}', sk: 'PROJ#{projectId}' },
    },
    timestamps: true,
  });

  const Assignment = defineEntity({
    table,
    name: 'Assignment',
    schema: z.object({
      employeeId: z.string(),
      projectId: z.string(),
      role: z.string(),
      hoursPerWeek: z.number().int().min(1).max(60),
      since: z.date(),
    }),
    keys: {
      primary: { pk: 'EMP#{employeeId}', sk: 'PROJ#{projectId}' },
      gsi1: { pk: 'PROJ#{projectId}', sk: 'EMP#{employeeId}' },
    },
    timestamps: true,
  });

  return { table, Company, Employee, Project, Assignment };
}

export type CompanyModel = ReturnType<typeof companyModel>;
export type Employee = EntityItem<CompanyModel['Employee']>;
export type Assignment = EntityItem<CompanyModel['Assignment']>;
