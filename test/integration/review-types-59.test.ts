/**
 * helper-59: the run-time side of test/types/review-types-59.test-d.ts. What the types now refuse
 * is refused here before sending (for untyped callers), and every key composite kind the types take
 * is one `defineEntity` takes, while every kind they refuse it refuses too.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ExpressionError, InvalidBatchError, KeyError, defineEntity, defineTable } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { testClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const sent: string[] = [];
client.middlewareStack.add(
  (next, context) => async (args) => {
    sent.push(String(context.commandName));
    return next(args);
  },
  { step: 'initialize', name: 'recordCommands59' },
);

const { AppTable, User } = appModel(client, uniqueTableName('rtypes59'));
const Counter = defineEntity({
  table: AppTable,
  name: 'Counter',
  schema: z.object({ id: z.string(), n: z.number() }),
  keys: { primary: { pk: 'C#{id}', sk: 'COUNTER' } },
  version: 'version',
});

useTable(AppTable, { clients: [client] });

beforeAll(async () => {
  await User.put({ userId: 'u1', orgId: 'acme', email: 'ada@example.com', name: 'Ada' });
  await Counter.create({ id: 'c1', n: 1 });
});

describe('get().project() with no attribute', () => {
  it('is refused before sending, as a query\'s is (it read the whole item and returned {})', async () => {
    const none = [] as unknown as ['name'];
    const before = sent.length;
    expect(() => User.get({ userId: 'u1' }).project(...none)).toThrow(ExpressionError);
    expect(() => User.get({ userId: 'u1' }).project(...none)).toThrow(/User: project\(\) needs at least one attribute/);
    expect(() => User.batchGet([{ userId: 'u1' }]).project(...none)).toThrow(ExpressionError);
    expect(sent.length).toBe(before);
    expect(await User.get({ userId: 'u1' }).project('name')).toEqual({ name: 'Ada' });
  });
});

describe("a versioned entity's delete in a batch write", () => {
  it('without a version is sent; with one it is refused before sending (the types refuse it too)', async () => {
    await Counter.create({ id: 'c2', n: 2 });
    expect((await AppTable.batchWrite([Counter.delete({ id: 'c2' })])).written).toBe(1);
    expect(await Counter.get({ id: 'c2' }).consistent()).toBeUndefined();
    const withVersion = Counter.delete({ id: 'c1', version: 1 }) as unknown as ReturnType<typeof User.delete>;
    await expect(AppTable.batchWrite([withVersion])).rejects.toThrow(InvalidBatchError);
    expect(await Counter.get({ id: 'c1' }).consistent()).toMatchObject({ n: 1, version: 1 });
  });
});

describe('key template placeholders: the kinds the types take are the kinds defineEntity takes', () => {
  const table = defineTable({
    name: uniqueTableName('rtypes59-keys'),
    client,
    partitionKey: { name: 'pk', type: 'S' },
    sortKey: { name: 'sk', type: 'S' },
    indexes: { byNumber: { type: 'global', partitionKey: { name: 'npk', type: 'N' } }, byBytes: { type: 'global', partitionKey: { name: 'bpk', type: 'B' } }, byText: { type: 'global', partitionKey: { name: 'tpk', type: 'S' } } },
  });
  enum Prio {
    Low = 1,
    High = 2,
  }
  const keyable = {
    id: z.string(),
    n: z.number().int(),
    big: z.bigint(),
    flag: z.boolean(),
    at: z.date(),
    status: z.enum(['open', 'done']),
    prio: z.enum(Prio),
    lit: z.literal('x'),
    opt: z.string().optional(),
    nul: z.string().nullable(),
    def: z.string().default('d'),
    trimmed: z.string().trim(),
    piped: z.string().transform(Number).pipe(z.number()),
    branded: z.string().brand<'Id'>(),
    email: z.email(),
    // A union of one kind composes as that kind (the tag of an entity's variants merges into one).
    either: z.union([z.literal('a'), z.literal('b')]),
  };
  const unkeyable = {
    address: z.object({ city: z.string() }),
    tags: z.set(z.string()),
    lines: z.array(z.string()),
    pair: z.tuple([z.string(), z.number()]),
    counts: z.record(z.string(), z.number()),
    anything: z.unknown(),
    };
  const schema = z.object({ ...keyable, ...unkeyable, whatever: z.any(), bytes: z.custom<Uint8Array>((v) => v instanceof Uint8Array) });

  it('takes every kind the types take (one template with each, the timestamps too)', () => {
    const E = defineEntity({
      table,
      name: 'Keyable',
      schema,
      keys: {
        primary: { pk: 'K#{id}#{n}#{big}#{flag}#{at}', sk: 'S#{status}#{prio}#{lit}#{opt}#{nul}#{def}#{trimmed}#{piped}#{branded}#{email}#{either}' },
        byNumber: { pk: '{n}' },
        byBytes: { pk: '{bytes}' },
        byText: { pk: 'T#{createdAt}' },
      },
      timestamps: true,
    });
    expect([...E.model.keyComposites].sort()).toEqual([...Object.keys(keyable), 'bytes', 'createdAt'].sort());
  });

  it('refuses a timestamp in the primary key (the types do not: see the type test), takes it in a secondary index', () => {
    const stamped = (keys: object) => () => defineEntity({ table, name: `Stamped${Math.random()}`, schema: z.object({ id: z.string() }), keys, timestamps: true } as never);
    expect(stamped({ primary: { pk: 'T#{id}', sk: 'AT#{createdAt}' } })).toThrow(KeyError);
    expect(stamped({ primary: { pk: 'T#{updatedAt}', sk: 'S' } })).toThrow(/timestamps cannot compose the primary key/);
    expect(stamped({ primary: { pk: 'T#{id}', sk: 'S' }, byText: { pk: 'AT#{createdAt}' } })).not.toThrow();
  });

  it.each([...Object.keys(unkeyable), 'whatever'])('refuses a placeholder naming %s (the types refuse it too)', (name) => {
    const define = () => defineEntity({ table, name: `Bad_${name}`, schema, keys: { primary: { pk: `K#{${name}}`, sk: 'S' } } } as never);
    expect(define).toThrow(KeyError);
    expect(define).toThrow(new RegExp(`"${name}" is not an attribute of the schema, or its type cannot be part of a key`));
  });
});
