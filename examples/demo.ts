/**
 * A scripted walk through dynakit on the company/employee/project model in ./model.ts.
 * Run it with `npm run demo` (see ./run-demo.ts), or call `runDemo` with your own client.
 */
import { inspect } from 'node:util';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionFailedError, KeyError } from '../src/index.js';
import { companyModel } from './model.js';

export interface DemoOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Where each output line goes (default: console.log). */
  readonly log?: (line: string) => void;
}

/** Prints values compactly on one line; drops the timestamps, which would only add noise here. */
function show(value: unknown): string {
  const strip = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object' || v instanceof Date || v instanceof Set || Array.isArray(v)) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== 'createdAt' && k !== 'updatedAt') out[k] = strip(x);
    return out;
  };
  return inspect(strip(value), { breakLength: Infinity, depth: 4 });
}

export async function runDemo({ client, tableName, log = console.log }: DemoOptions): Promise<void> {
  const { table, Company, Employee, Project, Assignment } = companyModel(client, tableName);
  const { Attr } = Employee;
  let n = 0;
  const step = (title: string): void => log(`\n${++n}. ${title}`);
  const out = (line: string): void => log(`   ${line}`);

  step('Create the table');
  const input = table.createTableInput();
  out(`${input.TableName}: keys ${input.KeySchema?.map((k) => k.AttributeName).join('/')}, GSIs ${input.GlobalSecondaryIndexes?.map((g) => g.IndexName).join(', ')}, ${input.BillingMode}`);
  await table.create();

  try {
    step('Create a company, employees and projects (create = put + "must not exist")');
    const acme = await Company.create({ companyId: 'acme', name: 'Acme Corp', founded: new Date('1999-03-01') });
    out(`Company  ${show(acme)}`);
    const people = [
      { employeeId: 'ada', name: 'Ada Lovelace', email: 'ada@acme.test', title: 'Engineer', level: 3, skills: new Set(['math', 'ts']), address: { city: 'London', zip: 'W1' } },
      { employeeId: 'grace', name: 'Grace Murray', email: 'grace@acme.test', title: 'Engineer', level: 4 },
      { employeeId: 'alan', name: 'Alan Turing', email: 'alan@acme.test', title: 'Researcher', level: 5 },
    ];
    for (const p of people) {
      const e = await Employee.create({ ...p, companyId: 'acme' });
      out(`Employee ${e.employeeId}: ${e.name}, ${e.title} L${e.level}`);
    }
    for (const p of [
      { projectId: 'apollo', name: 'Apollo', budget: 120_000, status: 'active' as const },
      { projectId: 'enigma', name: 'Enigma', budget: 80_000, status: 'planned' as const },
    ]) {
      const pr = await Project.create({ ...p, companyId: 'acme' });
      out(`Project  ${pr.projectId}: ${pr.name}, ${pr.status}, budget ${pr.budget}`);
    }

    step('Assign employees to projects (pk EMP#<employee> / sk PROJ#<project>, inverted in gsi1)');
    const since = new Date('2024-01-15');
    for (const [employeeId, projectId, role, hoursPerWeek] of [
      ['ada', 'apollo', 'lead', 30],
      ['grace', 'apollo', 'developer', 40],
      ['ada', 'enigma', 'reviewer', 5],
      ['alan', 'enigma', 'lead', 35],
    ] as const) {
      await Assignment.create({ employeeId, projectId, role, hoursPerWeek, since });
    }
    out(`4 assignments; stored keys of the first: ${show(pick(Assignment.put({ employeeId: 'ada', projectId: 'apollo', role: 'lead', hoursPerWeek: 30, since }).build().Item, ['pk', 'sk', 'gsi1pk', 'gsi1sk', '_et']))}`);

    step('Write conflicts surface as ConditionFailedError');
    try {
      await Employee.create({ ...people[1]!, companyId: 'acme' });
    } catch (e) {
      if (!(e instanceof ConditionFailedError)) throw e;
      out(`create grace again -> ${e.name}: ${e.message}`);
    }
    try {
      // Replace Alan's profile only if he is still below level 5; ask for the stored item on failure.
      await Employee.put({ ...people[2]!, companyId: 'acme', title: 'Director' })
        .where(Attr('level').lt(5))
        .returnItemOnConditionFailure();
    } catch (e) {
      if (!(e instanceof ConditionFailedError)) throw e;
      const stored = e.item as { title?: string; level?: number } | undefined;
      out(`put alan where level < 5 -> ${e.name}; stored item says: ${stored?.title} L${stored?.level}`);
    }

    step('Read with a projection (typed Pick)');
    const card = await Employee.get({ employeeId: 'ada' }).consistent().project('name', 'title', 'skills');
    out(show(card));
    out(`Employee.get({ employeeId: 'nobody' }) -> ${show(await Employee.get({ employeeId: 'nobody' }))}`);

    step('Update: set + add + remove + append, with a condition, returning ALL_NEW');
    const promote = Employee.update({ employeeId: 'ada' })
      .set({ title: 'Staff Engineer', 'address.city': 'Cambridge' })
      .add({ level: 1, skills: new Set(['dynamodb']) })
      .remove('address.zip')
      .append({ history: ['promoted to Staff Engineer'] })
      .where(Attr('level').lt(10).and(Attr('title').ne('Staff Engineer')))
      .returning('ALL_NEW');
    // .build() returns the UpdateItem input without sending it; names and values are placeholders.
    const built = promote.build();
    out(`UpdateExpression:    ${withNames(built.UpdateExpression, built.ExpressionAttributeNames)}`);
    out(`ConditionExpression: ${withNames(built.ConditionExpression, built.ExpressionAttributeNames)}`);
    out(`-> ${show(await promote)}`);
    try {
      await promote; // the same update again: the title condition is now false
    } catch (e) {
      if (!(e instanceof ConditionFailedError)) throw e;
      out(`running it again -> ${e.name} (title is already 'Staff Engineer')`);
    }

    step('Rename an employee: the GSI key built from the name is rewritten');
    const doc = DynamoDBDocumentClient.from(client);
    const gsiKey = async (employeeId: string): Promise<unknown> =>
      (await doc.send(new GetCommand({ TableName: tableName, Key: { pk: `EMP#${employeeId}`, sk: 'PROFILE' } }))).Item?.['gsi1sk'];
    out(`before: gsi1sk = ${show(await gsiKey('grace'))}`);
    await Employee.update({ employeeId: 'grace' }).set({ name: 'Grace Hopper' });
    out(`after:  gsi1sk = ${show(await gsiKey('grace'))}`);
    try {
      // '#' separates the parts of a key, so a value containing it would make gsi1sk ambiguous.
      await Employee.update({ employeeId: 'grace' }).set({ name: 'Grace #1 Hopper' });
    } catch (e) {
      if (!(e instanceof KeyError)) throw e;
      out(`set name 'Grace #1 Hopper' -> KeyError: ${e.message}`);
    }

    step('Query both sides of the relation (an entity query returns only that entity)');
    // gsi1 partition CO#acme holds employees and projects; Employee.query keeps the employees.
    const roster = await Employee.query('gsi1', Employee.Key('companyId').eq('acme')).all();
    out(`acme employees by name (gsi1):  ${roster.map((e) => e.name).join(', ')}`);
    const g = await Employee.query('gsi1', Employee.Key('companyId').eq('acme').and(Employee.Key('name').beginsWith('Grace H')));
    out(`name begins with 'Grace H':     ${g.items.map((e) => e.employeeId).join(', ')}`);
    // Table partition EMP#ada holds Ada's profile and her assignments; gsi1 flips the assignments.
    const adas = await Assignment.query('primary', Assignment.Key('employeeId').eq('ada')).all();
    out(`ada's projects (table):         ${adas.map((a) => `${a.projectId} (${a.role})`).join(', ')}`);
    // A table-level query reads the whole partition; each item is parsed by the entity its _et names.
    const { items: partition } = await table.query(table.Key('pk').eq('EMP#ada')).entities(Employee, Assignment).all();
    out(`partition EMP#ada (table):      ${partition.map((i) => (i._et === 'Employee' ? `Employee ${i.name}` : `Assignment ${i.projectId}`)).join(', ')}`);
    const team = await Assignment.query('gsi1', Assignment.Key('projectId').eq('apollo')).all();
    out(`apollo's team (gsi1):           ${team.map((a) => `${a.employeeId} (${a.role}, ${a.hoursPerWeek}h)`).join(', ')}`);
    const first = await Assignment.query('gsi1', Assignment.Key('projectId').eq('apollo')).limit(1);
    const rest = await Assignment.query('gsi1', Assignment.Key('projectId').eq('apollo')).startAfter(first.cursor);
    out(`paged with limit(1): ${first.items.map((a) => a.employeeId).join()} | cursor ${first.cursor === undefined ? 'none' : 'set'} | then ${rest.items.map((a) => a.employeeId).join()}`);

    step('Delete with a condition, returning the deleted item');
    const gone = await Assignment.delete({ employeeId: 'ada', projectId: 'enigma' })
      .where(Assignment.Attr('role').eq('reviewer'))
      .returning('ALL_OLD');
    out(`deleted ${show(gone)}`);
    try {
      await Assignment.delete({ employeeId: 'alan', projectId: 'enigma' }).where(Assignment.Attr('hoursPerWeek').lt(10));
    } catch (e) {
      if (!(e instanceof ConditionFailedError)) throw e;
      out(`delete alan/enigma where hoursPerWeek < 10 -> ${e.name}; nothing deleted`);
    }
    const left = await Assignment.get({ employeeId: 'alan', projectId: 'enigma' });
    out(`alan/enigma still there: ${left !== undefined}`);
  } finally {
    step('Drop the table');
    await table.drop();
    out('done');
  }
}

/** Substitutes the `#nK` name placeholders back, so an expression can be read (values stay `:vK`). */
function withNames(expression: string | undefined, names: Record<string, string> | undefined): string {
  return (expression ?? '').replace(/#n\d+/g, (ph) => names?.[ph] ?? ph);
}

function pick(item: Record<string, unknown> | undefined, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (item?.[k] !== undefined) out[k] = item[k];
  return out;
}
