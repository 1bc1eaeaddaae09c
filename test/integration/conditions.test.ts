/**
 * Every condition operator, decided by the real server: each condition is sent as the condition of
 * a conditional write (a ConditionCheck, and an update) against every fixture key, and the set of
 * keys DynamoDB let through must equal the set written by hand from the fixtures below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransactWriteCommand, PutCommand, DeleteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { and, ConditionFailedError, not, or, type Condition, type EntityInput } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';
import { testClient, testDocClient, uniqueTableName } from '../support/client.js';
import { useTable } from '../support/tables.js';

const client = testClient();
const doc = testDocClient(client);
const { AppTable, User } = appModel(client, uniqueTableName('cond'));
const { Attr } = User;

type UserInput = EntityInput<typeof User>;

/** The fixtures. Expected sets below are read off this data by hand. */
const USERS: UserInput[] = [
  {
    userId: 'u1',
    orgId: 'acme',
    email: 'u1@example.com',
    name: 'Ada Lovelace',
    age: 36,
    score: 9.5,
    tags: new Set(['vip', 'math']),
    address: { city: 'London', zip: 'N1' },
    items: [
      { sku: 'A-1', qty: 2 },
      { sku: 'B-2', qty: 1 },
    ],
    history: ['signup', 'login'],
    price: 10,
    listPrice: 12,
    birthday: new Date('1815-12-10T00:00:00.000Z'),
    status: 'active',
  },
  {
    userId: 'u2',
    orgId: 'acme',
    email: 'u2@example.com',
    name: 'Bob',
    age: 17,
    tags: new Set(['new']),
    address: { city: 'Paris' },
    items: [{ sku: 'B-2', qty: 5 }],
    price: 20,
    listPrice: 20,
    status: 'disabled',
  },
  {
    userId: 'u3',
    orgId: 'acme',
    email: 'u3@example.com',
    name: 'Carla Diaz',
    age: 65,
    score: 0,
    history: ['login'],
    price: 30,
    listPrice: 25,
    birthday: new Date('2000-01-01T00:00:00.000Z'),
    status: 'active',
  },
  // No optional attribute at all.
  { userId: 'u4', orgId: 'globex', email: 'u4@example.com', name: 'dave' },
  {
    userId: 'u5',
    orgId: 'globex',
    email: 'u5@example.com',
    name: 'Eve Adams',
    age: 18,
    tags: new Set(['vip']),
    address: { city: 'Paris', zip: '75001' },
    items: [],
    price: 5,
    birthday: new Date('1990-06-15T00:00:00.000Z'),
  },
  {
    userId: 'u6',
    orgId: 'globex',
    email: 'u6@example.com',
    name: 'Ada',
    age: 0,
    score: -3.25,
    tags: new Set(['math', 'new', 'vip']),
    address: { city: 'Berlin', zip: '10115' },
    items: [{ sku: 'C-3', qty: 0 }],
    history: [],
    status: 'disabled',
  },
];

/** `ghost` has no item: conditions are evaluated against an empty item. */
const KEYS = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'ghost'] as const;
type Id = (typeof KEYS)[number];
const ALL_USERS: Id[] = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'];

function isConditionFailure(e: unknown): boolean {
  return e instanceof ConditionFailedError;
}

/** Keys for which DynamoDB accepted `User.check(key, cond)` (a one-action transaction). */
async function passingChecks(cond: Condition): Promise<Id[]> {
  const results = await Promise.all(
    KEYS.map(async (id) => {
      try {
        await User.check({ userId: id }, cond);
        return id;
      } catch (e) {
        if (isConditionFailure(e)) return undefined;
        throw e;
      }
    }),
  );
  return results.filter((x): x is Id => x !== undefined).sort();
}

/** Keys for which DynamoDB applied `User.update(key).where(cond)` (never `ghost`: updates need the item). */
async function passingUpdates(cond: Condition): Promise<Id[]> {
  const results = await Promise.all(
    KEYS.map(async (id) => {
      try {
        await User.update({ userId: id }).where(cond);
        return id;
      } catch (e) {
        if (isConditionFailure(e)) return undefined;
        throw e;
      }
    }),
  );
  return results.filter((x): x is Id => x !== undefined).sort();
}

/** Keys for which a hand-written ConditionExpression, sent with the plain SDK, held. */
async function passingRaw(
  expression: string,
  names: Record<string, string>,
  values?: Record<string, unknown>,
): Promise<Id[]> {
  const results = await Promise.all(
    KEYS.map(async (id) => {
      const input: TransactWriteCommandInput = {
        TransactItems: [
          {
            ConditionCheck: {
              TableName: AppTable.name,
              Key: { pk: `USER#${id}`, sk: 'PROFILE' },
              ConditionExpression: expression,
              ExpressionAttributeNames: names,
              ...(values === undefined ? {} : { ExpressionAttributeValues: values }),
            },
          },
        ],
      };
      try {
        await doc.send(new TransactWriteCommand(input));
        return id;
      } catch (e) {
        const reasons = (e as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
        if ((e as Error).name === 'TransactionCanceledException' && reasons?.[0]?.Code === 'ConditionalCheckFailed') return undefined;
        throw e;
      }
    }),
  );
  return results.filter((x): x is Id => x !== undefined).sort();
}

useTable(AppTable, { clients: [client] });

beforeAll(async () => {
  await Promise.all(USERS.map((u) => User.put(u)));
});

const d = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

/** [description, condition, ids that must pass] */
const CASES: [string, () => Condition, Id[]][] = [
  // eq
  ['age = 18', () => Attr('age').eq(18), ['u5']],
  ['status (reserved word) = active', () => Attr('status').eq('active'), ['u1', 'u3']],
  ['name = "Ada" (not a prefix match)', () => Attr('name').eq('Ada'), ['u6']],
  ['name with a space = "Carla Diaz"', () => Attr('name').eq('Carla Diaz'), ['u3']],
  ['birthday = Date (stored as ISO string)', () => Attr('birthday').eq(d('2000-01-01')), ['u3']],
  ['address = whole map {city: Paris}', () => Attr('address').eq({ city: 'Paris' }), ['u2']],
  ['tags = set {vip}', () => Attr('tags').eq(new Set(['vip'])), ['u5']],
  ['tags = set {math, vip} (order-free)', () => Attr('tags').eq(new Set(['vip', 'math'])), ['u1']],
  ['items = [] (empty list)', () => Attr('items').eq([]), ['u5']],
  ['score = 0', () => Attr('score').eq(0), ['u3']],
  // ne: a missing attribute is "not equal"
  ['age <> 18', () => Attr('age').ne(18), ['ghost', 'u1', 'u2', 'u3', 'u4', 'u6']],
  ['status <> active', () => Attr('status').ne('active'), ['ghost', 'u2', 'u4', 'u5', 'u6']],
  // lt lte gt gte on numbers, strings, dates
  ['age < 18', () => Attr('age').lt(18), ['u2', 'u6']],
  ['age <= 18', () => Attr('age').lte(18), ['u2', 'u5', 'u6']],
  ['age > 18', () => Attr('age').gt(18), ['u1', 'u3']],
  ['age >= 18', () => Attr('age').gte(18), ['u1', 'u3', 'u5']],
  ['score < 0 (negative decimal)', () => Attr('score').lt(0), ['u6']],
  ['score >= 0', () => Attr('score').gte(0), ['u1', 'u3']],
  ['score > 9.25', () => Attr('score').gt(9.25), ['u1']],
  ['name < "B" (byte order)', () => Attr('name').lt('B'), ['u1', 'u6']],
  ['name >= "a" (lowercase sorts after uppercase)', () => Attr('name').gte('a'), ['u4']],
  ['birthday < 1900', () => Attr('birthday').lt(d('1900-01-01')), ['u1']],
  ['birthday >= 1990-06-15 (inclusive)', () => Attr('birthday').gte(d('1990-06-15')), ['u3', 'u5']],
  // between (inclusive)
  ['age between 17 and 36', () => Attr('age').between(17, 36), ['u1', 'u2', 'u5']],
  ['name between "B" and "D"', () => Attr('name').between('B', 'D'), ['u2', 'u3']],
  ['birthday between 1800 and 1995', () => Attr('birthday').between(d('1800-01-01'), d('1995-01-01')), ['u1', 'u5']],
  ['price between listPrice and 100 (attribute bound)', () => Attr('price').between(Attr('listPrice'), 100), ['u2', 'u3']],
  // in
  ['age in (0, 17, 99)', () => Attr('age').in([0, 17, 99]), ['u2', 'u6']],
  ['status in (disabled)', () => Attr('status').in(['disabled']), ['u2', 'u6']],
  ['name in (Ada, Bob, Zed)', () => Attr('name').in(['Ada', 'Bob', 'Zed']), ['u2', 'u6']],
  // beginsWith
  ['name beginsWith "Ada"', () => Attr('name').beginsWith('Ada'), ['u1', 'u6']],
  ['name beginsWith "ada" (case-sensitive)', () => Attr('name').beginsWith('ada'), []],
  ['address.city beginsWith "Pa"', () => Attr('address.city').beginsWith('Pa'), ['u2', 'u5']],
  ['email beginsWith "u1@"', () => Attr('email').beginsWith('u1@'), ['u1']],
  // contains: substring, set element, list element
  ['name contains " "', () => Attr('name').contains(' '), ['u1', 'u3', 'u5']],
  ['name contains "Ada" (substring anywhere)', () => Attr('name').contains('Ada'), ['u1', 'u5', 'u6']],
  ['tags contains "vip" (set element)', () => Attr('tags').contains('vip'), ['u1', 'u5', 'u6']],
  ['tags contains "math"', () => Attr('tags').contains('math'), ['u1', 'u6']],
  ['tags contains "vi" (sets match whole elements)', () => Attr('tags').contains('vi'), []],
  ['history contains "login" (list element)', () => Attr('history').contains('login'), ['u1', 'u3']],
  ['history contains "log" (lists match whole elements)', () => Attr('history').contains('log'), []],
  ['items contains {sku B-2, qty 1} (map element of a list)', () => Attr('items').contains({ sku: 'B-2', qty: 1 }), ['u1']],
  // exists / notExists
  ['age exists', () => Attr('age').exists(), ['u1', 'u2', 'u3', 'u5', 'u6']],
  ['age notExists', () => Attr('age').notExists(), ['ghost', 'u4']],
  ['address.zip exists (nested)', () => Attr('address.zip').exists(), ['u1', 'u5', 'u6']],
  ['address.zip notExists (nested)', () => Attr('address.zip').notExists(), ['ghost', 'u2', 'u3', 'u4']],
  ['items[0] exists (list index)', () => Attr('items[0]').exists(), ['u1', 'u2', 'u6']],
  ['status exists', () => Attr('status').exists(), ['u1', 'u2', 'u3', 'u6']],
  // type
  ['age type N', () => Attr('age').type('N'), ['u1', 'u2', 'u3', 'u5', 'u6']],
  ['age type S', () => Attr('age').type('S'), []],
  ['name type S', () => Attr('name').type('S'), ALL_USERS],
  ['tags type SS (Sets are stored as sets)', () => Attr('tags').type('SS'), ['u1', 'u2', 'u5', 'u6']],
  ['tags type L', () => Attr('tags').type('L'), []],
  ['address type M', () => Attr('address').type('M'), ['u1', 'u2', 'u5', 'u6']],
  ['items type L', () => Attr('items').type('L'), ['u1', 'u2', 'u5', 'u6']],
  ['history type L', () => Attr('history').type('L'), ['u1', 'u3', 'u6']],
  ['birthday type S (Dates are ISO strings)', () => Attr('birthday').type('S'), ['u1', 'u3', 'u5']],
  ['items[0].qty type N', () => Attr('items[0].qty').type('N'), ['u1', 'u2', 'u6']],
  // size()
  ['size(name) > 5', () => Attr('name').size().gt(5), ['u1', 'u3', 'u5']],
  ['size(name) = 3', () => Attr('name').size().eq(3), ['u2', 'u6']],
  ['size(tags) = 1', () => Attr('tags').size().eq(1), ['u2', 'u5']],
  ['size(tags) >= 2', () => Attr('tags').size().gte(2), ['u1', 'u6']],
  ['size(items) = 0', () => Attr('items').size().eq(0), ['u5']],
  ['size(history) < 2', () => Attr('history').size().lt(2), ['u3', 'u6']],
  ['size(address) = 1 (map)', () => Attr('address').size().eq(1), ['u2']],
  ['size(tags) between 1 and 2', () => Attr('tags').size().between(1, 2), ['u1', 'u2', 'u5']],
  ['size(tags) in (3)', () => Attr('tags').size().in([3]), ['u6']],
  ['age > size(name) (attribute vs size)', () => Attr('age').gt(Attr('name').size()), ['u1', 'u2', 'u3', 'u5']],
  ['size(tags) < age (size vs attribute)', () => Attr('tags').size().lt(Attr('age')), ['u1', 'u2', 'u5']],
  // attribute vs attribute
  ['price < listPrice', () => Attr('price').lt(Attr('listPrice')), ['u1']],
  ['price <= listPrice', () => Attr('price').lte(Attr('listPrice')), ['u1', 'u2']],
  ['price > listPrice', () => Attr('price').gt(Attr('listPrice')), ['u3']],
  ['price >= listPrice', () => Attr('price').gte(Attr('listPrice')), ['u2', 'u3']],
  ['price = listPrice', () => Attr('price').eq(Attr('listPrice')), ['u2']],
  ['price in (listPrice, 5)', () => Attr('price').in([Attr('listPrice'), 5]), ['u2', 'u5']],
  ['address.city = name (nested vs top-level, no match)', () => Attr('address.city').eq(Attr('name')), []],
  // nested paths and list indexes
  ['address.city = Paris', () => Attr('address.city').eq('Paris'), ['u2', 'u5']],
  ['address.city <> Paris (missing parent counts as not equal)', () => Attr('address.city').ne('Paris'), ['ghost', 'u1', 'u3', 'u4', 'u6']],
  ['address.zip = 75001', () => Attr('address.zip').eq('75001'), ['u5']],
  ['items[0].sku = B-2', () => Attr('items[0].sku').eq('B-2'), ['u2']],
  ['items[0].qty > 1', () => Attr('items[0].qty').gt(1), ['u1', 'u2']],
  ['items[1].sku exists', () => Attr('items[1].sku').exists(), ['u1']],
  ['items[1] = {sku B-2, qty 1}', () => Attr('items[1]').eq({ sku: 'B-2', qty: 1 }), ['u1']],
  ['history[0] = login', () => Attr('history[0]').eq('login'), ['u3']],
  // and / or / not, as methods and as functions
  ['age >= 18 AND tags contains vip', () => Attr('age').gte(18).and(Attr('tags').contains('vip')), ['u1', 'u5']],
  ['and() function, three operands', () => and(Attr('age').exists(), Attr('address.city').eq('Paris'), Attr('tags').contains('vip')), ['u5']],
  ['age < 18 OR status = active', () => Attr('age').lt(18).or(Attr('status').eq('active')), ['u1', 'u2', 'u3', 'u6']],
  ['or() function', () => or(Attr('name').eq('dave'), Attr('score').lt(0)), ['u4', 'u6']],
  ['NOT age exists', () => not(Attr('age').exists()), ['ghost', 'u4']],
  ['NOT address.city = Paris', () => Attr('address.city').eq('Paris').not(), ['ghost', 'u1', 'u3', 'u4', 'u6']],
  ['NOT age between 17 and 36', () => not(Attr('age').between(17, 36)), ['ghost', 'u3', 'u4', 'u6']],
  ['NOT age in (0, 17)', () => not(Attr('age').in([0, 17])), ['ghost', 'u1', 'u3', 'u4', 'u5']],
  ['NOT NOT status = active', () => not(not(Attr('status').eq('active'))), ['u1', 'u3']],
  [
    '(age > 30 OR name beginsWith Bo) AND NOT status = active',
    () => Attr('age').gt(30).or(Attr('name').beginsWith('Bo')).and(not(Attr('status').eq('active'))),
    ['u2'],
  ],
  [
    '(age = 17 OR age = 65) AND (status = active OR tags contains new)',
    () => or(Attr('age').eq(17), Attr('age').eq(65)).and(or(Attr('status').eq('active'), Attr('tags').contains('new'))),
    ['u2', 'u3'],
  ],
  [
    'age = 17 OR (age = 65 AND status = disabled): precedence kept',
    () => Attr('age').eq(17).or(Attr('age').eq(65).and(Attr('status').eq('disabled'))),
    ['u2'],
  ],
  [
    '(age = 17 OR age = 65) AND status = disabled: precedence kept',
    () => Attr('age').eq(17).or(Attr('age').eq(65)).and(Attr('status').eq('disabled')),
    ['u2'],
  ],
  ['BETWEEN inside AND (its own AND is not confused)', () => and(Attr('age').between(17, 36), Attr('status').eq('disabled')), ['u2']],
  ['BETWEEN inside OR', () => or(Attr('age').between(0, 0), Attr('name').between('B', 'C')), ['u2', 'u6']],
  ['IN inside AND, with NOT', () => Attr('age').in([17, 18, 36]).and(not(Attr('tags').contains('math'))), ['u2', 'u5']],
  ['NOT (age = 17 OR age = 65)', () => Attr('age').eq(17).or(Attr('age').eq(65)).not(), ['ghost', 'u1', 'u4', 'u5', 'u6']],
  [
    'NOT (a AND b) OR c',
    () => not(and(Attr('age').exists(), Attr('age').lt(18))).or(Attr('name').eq('Bob')),
    ['ghost', 'u1', 'u2', 'u3', 'u4', 'u5'],
  ],
  // table-level Attr on physical attribute names
  ['AppTable.Attr("_et") = User', () => AppTable.Attr('_et').eq('User'), ALL_USERS],
  ['AppTable.Attr("gsi1sk") beginsWith USER#Ada', () => AppTable.Attr('gsi1sk').beginsWith('USER#Ada'), ['u1', 'u6']],
  ['AppTable.Attr("gsi1pk") = ORG#globex', () => AppTable.Attr('gsi1pk').eq('ORG#globex'), ['u4', 'u5', 'u6']],
  ['AppTable.Attr mixed with User.Attr', () => AppTable.Attr('_et').eq('User').and(Attr('age').notExists()), ['u4']],
];

describe('every operator, decided by DynamoDB (User.check on each key)', () => {
  it.each(CASES)('%s', async (_label, cond, expected) => {
    expect(await passingChecks(cond())).toEqual([...expected].sort());
  });
});

describe('the same conditions as an update condition (User.update(k).where(cond))', () => {
  // An update also requires the item to exist and be a User, so `ghost` never passes.
  it.each(CASES)('%s', async (_label, cond, expected) => {
    expect(await passingUpdates(cond())).toEqual(expected.filter((id) => id !== 'ghost').sort());
  });
});

describe("dynakit's compiled expression agrees with a hand-written one on the server", () => {
  const RAW: [string, () => Condition, string, Record<string, string>, Record<string, unknown> | undefined][] = [
    ['#a >= :v', () => Attr('age').gte(18), '#a >= :v', { '#a': 'age' }, { ':v': 18 }],
    [
      'address.city <> Paris',
      () => Attr('address.city').ne('Paris'),
      '#ad.#c <> :p',
      { '#ad': 'address', '#c': 'city' },
      { ':p': 'Paris' },
    ],
    ['contains(tags, vip)', () => Attr('tags').contains('vip'), 'contains(#t, :v)', { '#t': 'tags' }, { ':v': 'vip' }],
    ['price < listPrice', () => Attr('price').lt(Attr('listPrice')), '#p < #lp', { '#p': 'price', '#lp': 'listPrice' }, undefined],
    ['size(name) > 5', () => Attr('name').size().gt(5), 'size(#n) > :five', { '#n': 'name' }, { ':five': 5 }],
    ['items[0].qty > 1', () => Attr('items[0].qty').gt(1), '#i[0].#q > :one', { '#i': 'items', '#q': 'qty' }, { ':one': 1 }],
    ['attribute_type(tags, SS)', () => Attr('tags').type('SS'), 'attribute_type(#t, :ss)', { '#t': 'tags' }, { ':ss': 'SS' }],
    [
      'NOT (age = 17 OR age = 65)',
      () => Attr('age').eq(17).or(Attr('age').eq(65)).not(),
      'NOT (#a = :x OR #a = :y)',
      { '#a': 'age' },
      { ':x': 17, ':y': 65 },
    ],
    [
      'age = 17 OR age = 65 AND status = disabled',
      () => Attr('age').eq(17).or(Attr('age').eq(65).and(Attr('status').eq('disabled'))),
      '#a = :x OR (#a = :y AND #s = :d)',
      { '#a': 'age', '#s': 'status' },
      { ':x': 17, ':y': 65, ':d': 'disabled' },
    ],
    [
      'birthday between dates',
      () => Attr('birthday').between(d('1800-01-01'), d('1995-01-01')),
      '#b BETWEEN :lo AND :hi',
      { '#b': 'birthday' },
      { ':lo': '1800-01-01T00:00:00.000Z', ':hi': '1995-01-01T00:00:00.000Z' },
    ],
    [
      'BETWEEN inside AND',
      () => and(Attr('age').between(17, 36), Attr('status').eq('disabled')),
      '(#a BETWEEN :lo AND :hi) AND #s = :d',
      { '#a': 'age', '#s': 'status' },
      { ':lo': 17, ':hi': 36, ':d': 'disabled' },
    ],
    [
      'price <> listPrice (both may be missing)',
      () => Attr('price').ne(Attr('listPrice')),
      '#p <> #lp',
      { '#p': 'price', '#lp': 'listPrice' },
      undefined,
    ],
  ];

  it.each(RAW)('%s', async (_label, cond, expression, names, values) => {
    const ours = await passingChecks(cond());
    const raw = await passingRaw(expression, names, values);
    expect(ours).toEqual(raw);
    // And the compiled text names every attribute through a placeholder.
    const built = User.check({ userId: 'u1' }, cond()).build();
    expect(built.ConditionExpression).not.toMatch(/\b(age|status|tags|price|listPrice|name|items|address|birthday)\b/);
  });
});

describe('attribute names containing a dot', () => {
  beforeAll(async () => {
    // A raw User item carrying a top-level attribute literally named "a.b" and a map a -> b.
    await doc.send(
      new PutCommand({
        TableName: AppTable.name,
        Item: {
          pk: 'USER#dotted',
          sk: 'PROFILE',
          _et: 'User',
          userId: 'dotted',
          orgId: 'acme',
          email: 'dotted@example.com',
          name: 'Dot',
          'a.b': 'top-level',
          a: { b: 'nested' },
        },
      }),
    );
  });
  afterAll(async () => {
    await doc.send(new DeleteCommand({ TableName: AppTable.name, Key: { pk: 'USER#dotted', sk: 'PROFILE' } }));
  });

  const passes = async (cond: Condition): Promise<boolean> => {
    try {
      await User.check({ userId: 'dotted' }, cond);
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  };

  it('Attr(["a.b"]) addresses the top-level attribute "a.b"', async () => {
    expect(await passes(AppTable.Attr(['a.b']).eq('top-level'))).toBe(true);
    expect(await passes(AppTable.Attr(['a.b']).eq('nested'))).toBe(false);
    expect(await passes(AppTable.Attr(['a.b']).exists())).toBe(true);
    expect(await passes(AppTable.Attr(['a.c']).exists())).toBe(false);
  });

  it('Attr("a.b") is the nested path a -> b', async () => {
    expect(await passes(AppTable.Attr('a.b').eq('nested'))).toBe(true);
    expect(await passes(AppTable.Attr('a.b').eq('top-level'))).toBe(false);
    expect(await passes(AppTable.Attr(['a', 'b']).eq('nested'))).toBe(true);
  });

  it('the two are told apart in one condition', async () => {
    expect(await passes(AppTable.Attr(['a.b']).ne(AppTable.Attr('a.b')))).toBe(true);
    expect(await passes(and(AppTable.Attr(['a.b']).eq('top-level'), AppTable.Attr('a.b').eq('nested')))).toBe(true);
  });
});
