/**
 * `TableKeyCondition.and` at run time, as untyped code may call it: key conditions joined stay a key
 * condition (a table query takes it); joined with a filter condition the result is a plain
 * `Condition`; joined with something that is no condition, a typed error before anything is built.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { Condition, ExpressionError, TableKeyCondition, and, or } from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';

const { AppTable, User } = appModel(new DynamoDBClient({ region: 'us-east-1' }), 'KeyAndApp');
const pk = AppTable.Key('pk').eq('USER#u1');

describe('TableKeyCondition.and at run time', () => {
  it('key conditions joined are a key condition, which a table query takes', () => {
    const joined = pk.and(AppTable.Key('sk').beginsWith('ORDER#'));
    expect(joined).toBeInstanceOf(TableKeyCondition);
    expect(AppTable.query(joined).build()).toMatchObject({ KeyConditionExpression: '#n0 = :v0 AND begins_with(#n1, :v1)' });
  });

  it('joined with a filter condition, a plain Condition that a table query refuses', () => {
    const mixed = (pk as Condition).and(AppTable.Key('sk').beginsWith('ORDER#'), User.Attr('name').eq('Ada'));
    expect(mixed).toBeInstanceOf(Condition);
    expect(mixed).not.toBeInstanceOf(TableKeyCondition);
    expect(() => AppTable.query(mixed as never).build()).toThrow(ExpressionError);
  });

  it("an entity's Key(...) condition or a value: ExpressionError naming it, not a TypeError", () => {
    const entityKey = User.Key('userId').eq('u1');
    expect(() => pk.and(entityKey as never)).toThrow(ExpressionError);
    expect(() => pk.and(entityKey as never)).toThrow("and(): takes conditions built with Attr(...) or a table's Key(...), got an entity's Key(...) key condition");
    expect(() => and(pk, undefined as never)).toThrow(/^and\(\): takes conditions .*, got undefined$/);
    expect(() => or(pk, { kind: 'eq' } as never)).toThrow(/^or\(\): takes conditions .*, got an object that is not a condition$/);
    // The same words as a filter given something that is no condition (one description, condition.ts).
    expect(() => and(pk, User.Attr('name') as never)).toThrow(/^and\(\): takes conditions .*, got an operand without its comparison \(add \.eq\(\.\.\.\), \.gt\(\.\.\.\), \.\.\.\)$/);
  });
});
