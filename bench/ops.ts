/**
 * The five single-item operations, written once per contender. Every builder is constructed from
 * scratch on each call (key, item, conditions included), as application code would.
 *
 *   get     read one user by userId
 *   put     write a full user, condition: `age < 200 OR attribute_not_exists(age)` (dynakit and the
 *           hand-written floor also require the item to be missing or a User's: a conditional put
 *           never replaces another entity's item)
 *   update  set name, add 1 to age; condition: the item exists and `age >= 18`
 *   query   gsi1: orgId = 'acme' AND name begins_with 'Na'; filter: 18 <= age <= 65
 *   delete  delete one user, condition: `age < 100`
 */
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DeleteCommandInput,
  type DynamoDBDocumentClient,
  type GetCommandInput,
  type PutCommandInput,
  type QueryCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  $add,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand as TbQueryCommand,
  UpdateItemCommand,
} from 'dynamodb-toolbox';
import type { DynakitModel, ElectroModel, ElectroUserRow, ToolboxModel, UserRow } from './models.js';

export const OPERATIONS = ['get', 'put', 'update', 'query', 'delete'] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface Inputs {
  readonly user: UserRow;
  /** the same user with its string set as an array (ElectroDB's input type for sets) */
  readonly electroUser: ElectroUserRow;
  readonly userId: string;
}

type Builders<T> = Record<Operation, (x: Inputs) => T>;

// ------------------------------------------------------------------------------------------------
// Hand-written lib-dynamodb inputs: exactly what dynakit sends (same expressions, same stored
// item with `_et` and timestamps), written out by hand. This is the floor.

/** The stored form of a user, written by hand: attributes, keys, discriminator, timestamps. */
export function rawStoredItem(user: UserRow, now: string): Record<string, unknown> {
  return {
    ...user,
    pk: `USER#${user.userId}`,
    sk: 'PROFILE',
    gsi1pk: `ORG#${user.orgId}`,
    gsi1sk: `USER#${user.name}#${user.userId}`,
    _et: 'User',
    createdAt: now,
    updatedAt: now,
  };
}

export function rawInputs(table: string): Builders<object> {
  return {
    get: ({ userId }): GetCommandInput => ({ TableName: table, Key: { pk: `USER#${userId}`, sk: 'PROFILE' } }),
    put: ({ user }): PutCommandInput => ({
      TableName: table,
      Item: rawStoredItem(user, new Date().toISOString()),
      ConditionExpression: '(attribute_not_exists(#n0) OR #n1 = :v0) AND (#n2 < :v1 OR attribute_not_exists(#n2))',
      ExpressionAttributeNames: { '#n0': 'pk', '#n1': '_et', '#n2': 'age' },
      ExpressionAttributeValues: { ':v0': 'User', ':v1': 200 },
    }),
    update: ({ userId }): UpdateCommandInput => ({
      TableName: table,
      Key: { pk: `USER#${userId}`, sk: 'PROFILE' },
      UpdateExpression: 'SET #n0 = :v0, #n1 = :v1, #n2 = :v2 ADD #n3 :v3',
      ConditionExpression: '#n4 = :v4 AND #n3 >= :v5',
      ExpressionAttributeNames: { '#n0': 'name', '#n1': 'gsi1sk', '#n2': 'updatedAt', '#n3': 'age', '#n4': '_et' },
      ExpressionAttributeValues: {
        ':v0': 'Ada',
        ':v1': `USER#Ada#${userId}`,
        ':v2': new Date().toISOString(),
        ':v3': 1,
        ':v4': 'User',
        ':v5': 18,
      },
    }),
    query: (): QueryCommandInput => ({
      TableName: table,
      IndexName: 'gsi1',
      KeyConditionExpression: '#n0 = :v0 AND begins_with(#n1, :v1)',
      FilterExpression: '#n2 = :v2 AND #n3 BETWEEN :v3 AND :v4',
      ExpressionAttributeNames: { '#n0': 'gsi1pk', '#n1': 'gsi1sk', '#n2': '_et', '#n3': 'age' },
      ExpressionAttributeValues: { ':v0': 'ORG#acme', ':v1': 'USER#Na', ':v2': 'User', ':v3': 18, ':v4': 65 },
    }),
    delete: ({ userId }): DeleteCommandInput => ({
      TableName: table,
      Key: { pk: `USER#${userId}`, sk: 'PROFILE' },
      ConditionExpression: '(attribute_not_exists(#n0) OR #n1 = :v0) AND #n2 < :v1',
      ExpressionAttributeNames: { '#n0': 'pk', '#n1': '_et', '#n2': 'age' },
      ExpressionAttributeValues: { ':v0': 'User', ':v1': 100 },
    }),
  };
}

/** Hand-written calls through a DocumentClient; results are used as they come back (no parsing). */
export function rawCalls(doc: DynamoDBDocumentClient, table: string): Builders<Promise<unknown>> {
  const i = rawInputs(table);
  return {
    get: async (x) => (await doc.send(new GetCommand(i.get(x) as GetCommandInput))).Item,
    put: async (x) => {
      await doc.send(new PutCommand(i.put(x) as PutCommandInput));
    },
    update: async (x) => {
      await doc.send(new UpdateCommand(i.update(x) as UpdateCommandInput));
    },
    query: async (x) => (await doc.send(new QueryCommand(i.query(x) as QueryCommandInput))).Items,
    delete: async (x) => {
      await doc.send(new DeleteCommand(i.delete(x) as DeleteCommandInput));
    },
  };
}

// ------------------------------------------------------------------------------------------------
// dynakit

export function dynakitBuilders({ User }: DynakitModel) {
  const { Attr, Key } = User;
  return {
    get: ({ userId }: Inputs) => User.get({ userId }),
    put: ({ user }: Inputs) => User.put(user).where(Attr('age').lt(200).or(Attr('age').notExists())),
    update: ({ userId }: Inputs) => User.update({ userId }).set({ name: 'Ada' }).add({ age: 1 }).where(Attr('age').gte(18)),
    query: (_: Inputs) =>
      User.query('gsi1', Key('orgId').eq('acme').and(Key('name').beginsWith('Na'))).filter(Attr('age').between(18, 65)),
    delete: ({ userId }: Inputs) => User.delete({ userId }).where(Attr('age').lt(100)),
  };
}

export function dynakitInputs(m: DynakitModel): Builders<object> {
  const b = dynakitBuilders(m);
  return {
    get: (x) => b.get(x).build(),
    put: (x) => b.put(x).build(),
    update: (x) => b.update(x).build(),
    query: (x) => b.query(x).build(),
    delete: (x) => b.delete(x).build(),
  };
}

export function dynakitCalls(m: DynakitModel): Builders<Promise<unknown>> {
  const b = dynakitBuilders(m);
  return {
    get: async (x) => await b.get(x),
    put: async (x) => await b.put(x),
    update: async (x) => await b.update(x),
    query: async (x) => (await b.query(x)).items,
    delete: async (x) => await b.delete(x),
  };
}

// ------------------------------------------------------------------------------------------------
// ElectroDB: update is `patch` (ElectroDB's update that requires the item to exist).

export function electroBuilders({ User }: ElectroModel) {
  return {
    get: ({ userId }: Inputs) => User.get({ userId }),
    put: ({ electroUser }: Inputs) => User.put(electroUser).where((a, op) => `${op.lt(a.age, 200)} OR ${op.notExists(a.age)}`),
    update: ({ userId }: Inputs) =>
      User.patch({ userId }).set({ name: 'Ada' }).add({ age: 1 }).where((a, op) => op.gte(a.age, 18)),
    query: (_: Inputs) =>
      User.query.byOrg({ orgId: 'acme' }).begins({ name: 'Na' }).where((a, op) => op.between(a.age, 18, 65)),
    delete: ({ userId }: Inputs) => User.delete({ userId }).where((a, op) => op.lt(a.age, 100)),
  };
}

export function electroInputs(m: ElectroModel): Builders<object> {
  const b = electroBuilders(m);
  return {
    get: (x) => b.get(x).params(),
    put: (x) => b.put(x).params(),
    update: (x) => b.update(x).params(),
    query: (x) => b.query(x).params(),
    delete: (x) => b.delete(x).params(),
  };
}

export function electroCalls(m: ElectroModel): Builders<Promise<unknown>> {
  const b = electroBuilders(m);
  return {
    get: async (x) => (await b.get(x).go()).data,
    put: async (x) => (await b.put(x).go()).data,
    update: async (x) => (await b.update(x).go()).data,
    query: async (x) => (await b.query(x).go()).data,
    delete: async (x) => (await b.delete(x).go()).data,
  };
}

// ------------------------------------------------------------------------------------------------
// DynamoDB-Toolbox: update condition adds `userId exists` (toolbox updates upsert by default).

export function toolboxBuilders({ AppTable, User }: ToolboxModel) {
  return {
    get: ({ userId }: Inputs) => User.build(GetItemCommand).key({ userId }),
    put: ({ user }: Inputs) =>
      User.build(PutItemCommand)
        .item(user)
        .options({ condition: { or: [{ attr: 'age', lt: 200 }, { attr: 'age', exists: false }] } }),
    update: ({ userId }: Inputs) =>
      User.build(UpdateItemCommand)
        .item({ userId, name: 'Ada', age: $add(1) })
        .options({ condition: { and: [{ attr: 'userId', exists: true }, { attr: 'age', gte: 18 }] } }),
    query: (_: Inputs) =>
      AppTable.build(TbQueryCommand)
        .entities(User)
        .query({ index: 'gsi1', partition: 'ORG#acme', range: { beginsWith: 'USER#Na' } })
        .options({ filters: { User: { attr: 'age', between: [18, 65] } } }),
    delete: ({ userId }: Inputs) =>
      User.build(DeleteItemCommand).key({ userId }).options({ condition: { attr: 'age', lt: 100 } }),
  };
}

export function toolboxInputs(m: ToolboxModel): Builders<object> {
  const b = toolboxBuilders(m);
  return {
    get: (x) => b.get(x).params(),
    put: (x) => b.put(x).params(),
    update: (x) => b.update(x).params(),
    query: (x) => b.query(x).params(),
    delete: (x) => b.delete(x).params(),
  };
}

export function toolboxCalls(m: ToolboxModel): Builders<Promise<unknown>> {
  const b = toolboxBuilders(m);
  return {
    get: async (x) => (await b.get(x).send()).Item,
    put: async (x) => await b.put(x).send(),
    update: async (x) => await b.update(x).send(),
    query: async (x) => (await b.query(x).send()).Items,
    delete: async (x) => await b.delete(x).send(),
  };
}
