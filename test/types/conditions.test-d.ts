import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { expectTypeOf, test } from 'vitest';
import {
  and,
  not,
  or,
  type AttrPath,
  type AttributeOperand,
  type Condition,
  type EntityItem,
  type KeyCondition,
  type KeyOperand,
  type PathValue,
} from '../../src/index.js';
import { appModel } from '../fixtures/app-model.js';

const { AppTable, User, Order } = appModel(new DynamoDBClient({}));
type User = EntityItem<typeof User>;

test('Attr accepts top-level, nested and list-element paths of the schema', () => {
  // Optional attributes compare on their present type: undefined is never a comparison value.
  expectTypeOf(User.Attr('age')).toEqualTypeOf<AttributeOperand<number>>();
  expectTypeOf(User.Attr('name')).toEqualTypeOf<AttributeOperand<string>>();
  expectTypeOf(User.Attr('address')).toEqualTypeOf<AttributeOperand<{ city: string; zip?: string | undefined }>>();
  expectTypeOf(User.Attr('address.city')).toEqualTypeOf<AttributeOperand<string>>();
  expectTypeOf(User.Attr('address.zip')).toEqualTypeOf<AttributeOperand<string>>();
  expectTypeOf(User.Attr('items[0]')).toEqualTypeOf<AttributeOperand<{ sku: string; qty: number }>>();
  expectTypeOf(User.Attr('items[0].sku')).toEqualTypeOf<AttributeOperand<string>>();
  expectTypeOf(User.Attr('items[12].qty')).toEqualTypeOf<AttributeOperand<number>>();
  expectTypeOf(User.Attr('history[3]')).toEqualTypeOf<AttributeOperand<string>>();
  expectTypeOf(User.Attr('createdAt')).toEqualTypeOf<AttributeOperand<string>>();
  expectTypeOf(Order.Attr('lines[0].qty')).toEqualTypeOf<AttributeOperand<number>>();
});

test('Attr rejects paths that are not in the schema', () => {
  // @ts-expect-error not an attribute
  User.Attr('nope');
  // @ts-expect-error typo in a nested attribute
  User.Attr('address.cty');
  // @ts-expect-error a string is not a map
  User.Attr('name.first');
  // @ts-expect-error sets are not indexable lists
  User.Attr('tags[0]');
  // @ts-expect-error list index must be a number
  User.Attr('items[x].sku');
  // @ts-expect-error list elements of items have no `price`
  User.Attr('items[0].price');
  // @ts-expect-error Order attributes are not User attributes
  User.Attr('total');
  // @ts-expect-error User has no timestamps on Order
  Order.Attr('createdAt');
});

test('AttrPath and PathValue at the type level', () => {
  expectTypeOf<'address.city'>().toExtend<AttrPath<User>>();
  expectTypeOf<'items[0].sku'>().toExtend<AttrPath<User>>();
  expectTypeOf<'address.nope'>().not.toExtend<AttrPath<User>>();
  expectTypeOf<PathValue<User, 'items[1].qty'>>().toEqualTypeOf<number>();
  expectTypeOf<PathValue<User, 'birthday'>>().toEqualTypeOf<Date | undefined>();
});

test('PathValue through optional, nullable and readonly lists and maps', () => {
  interface Doc {
    list?: { a: number; b?: string | undefined }[] | undefined;
    nullable: readonly string[] | null;
    map?: { inner?: { deep: boolean } | undefined } | undefined;
    grid: number[][];
  }
  // An element of an optional or nullable list is the element type, without undefined or null.
  expectTypeOf<PathValue<Doc, `list[${number}]`>>().toEqualTypeOf<{ a: number; b?: string | undefined }>();
  expectTypeOf<PathValue<Doc, 'list[0].a'>>().toEqualTypeOf<number>();
  expectTypeOf<PathValue<Doc, 'list[0].b'>>().toEqualTypeOf<string | undefined>();
  expectTypeOf<PathValue<Doc, 'nullable[2]'>>().toEqualTypeOf<string>();
  // The last segment keeps its own optionality; the ones before it do not add undefined.
  expectTypeOf<PathValue<Doc, 'map.inner'>>().toEqualTypeOf<{ deep: boolean } | undefined>();
  expectTypeOf<PathValue<Doc, 'map.inner.deep'>>().toEqualTypeOf<boolean>();
  expectTypeOf<PathValue<Doc, 'list'>>().toEqualTypeOf<{ a: number; b?: string | undefined }[] | undefined>();
  expectTypeOf<'grid[0]'>().toExtend<AttrPath<Doc>>();
  expectTypeOf<PathValue<Doc, 'grid[0]'>>().toEqualTypeOf<number[]>();
  expectTypeOf<'map.inner.deep' | 'list[1].b' | 'nullable[0]'>().toExtend<AttrPath<Doc>>();
  expectTypeOf<'map.nope'>().not.toExtend<AttrPath<Doc>>();
});

test('AttrPath stops at five segments (a list element still at the fifth)', () => {
  interface Deep {
    a: { b: { c: { d: { e: { f: string }; list: { x: number }[] } } } };
  }
  expectTypeOf<'a.b.c.d.e' | 'a.b.c.d.list' | 'a.b.c.d.list[0]'>().toExtend<AttrPath<Deep>>();
  expectTypeOf<'a.b.c.d.e.f'>().not.toExtend<AttrPath<Deep>>();
  expectTypeOf<'a.b.c.d.list[0].x'>().not.toExtend<AttrPath<Deep>>();
});

test('comparison values follow the schema type', () => {
  expectTypeOf(User.Attr('age').gt(18)).toEqualTypeOf<Condition>();
  // @ts-expect-error age is a number
  User.Attr('age').gt('x');
  User.Attr('age').lte(65);
  // @ts-expect-error undefined is not a value DynamoDB can compare (use notExists())
  User.Attr('age').eq(undefined);
  // @ts-expect-error age is a number
  User.Attr('age').eq('18');
  User.Attr('name').eq('Ada');
  // @ts-expect-error name is a string
  User.Attr('name').ne(1);
  User.Attr('birthday').lt(new Date());
  // @ts-expect-error birthday is a Date in the model, not an ISO string
  User.Attr('birthday').lt('2020-01-01');
  User.Attr('status').eq('active');
  // @ts-expect-error not a member of the enum
  User.Attr('status').eq('deleted');
  User.Attr('address.city').eq('Paris');
  // @ts-expect-error address.city is a string
  User.Attr('address.city').eq(75);
  User.Attr('items[0].qty').gte(2);
  // @ts-expect-error qty is a number
  User.Attr('items[0].qty').gte('2');
  User.Attr('age').between(18, 65);
  // @ts-expect-error between bounds follow the attribute type
  User.Attr('age').between('a', 'z');
});

test('an attribute compares with another attribute of the same type', () => {
  User.Attr('price').lt(User.Attr('listPrice'));
  User.Attr('age').between(User.Attr('score'), 100);
  User.Attr('name').eq(User.Attr('address.city'));
  // @ts-expect-error name is a string, price a number
  User.Attr('price').lt(User.Attr('name'));
  // @ts-expect-error a Date attribute is not a number attribute
  User.Attr('price').eq(User.Attr('birthday'));
});

test('size() is a number operand', () => {
  expectTypeOf(User.Attr('tags').size()).toEqualTypeOf<AttributeOperand<number>>();
  User.Attr('tags').size().gt(2);
  User.Attr('name').size().between(1, 10);
  User.Attr('history').size().eq(User.Attr('age'));
  // @ts-expect-error a size is a number
  User.Attr('tags').size().gt('2');
  User.Attr('address').size().gt(0);
  User.Attr('items[0]').size().gt(0);
  User.Attr('birthday').size().eq(24);
  User.Attr('status').size().gt(1);
  // @ts-expect-error size() of a number is always false in DynamoDB (not an error)
  User.Attr('age').size().gt(0);
  // @ts-expect-error ... and of a nested number
  User.Attr('items[0].qty').size().gt(0);
  // @ts-expect-error size() of a size
  User.Attr('tags').size().size();
  // table-level Attr is untyped: size() stays available
  AppTable.Attr('anything').size().gt(0);
});

test('in() takes a list of values of the attribute type', () => {
  User.Attr('age').in([18, 21, 65]);
  User.Attr('status').in(['active', 'disabled']);
  User.Attr('price').in([1, User.Attr('listPrice')]);
  // @ts-expect-error values must be numbers
  User.Attr('age').in(['18']);
  // @ts-expect-error not a member of the enum
  User.Attr('status').in(['active', 'gone']);
});

test('beginsWith only on strings, contains follows sets/lists/strings', () => {
  User.Attr('name').beginsWith('A');
  User.Attr('address.city').beginsWith(User.Attr('name'));
  User.Attr('status').beginsWith('act');
  // @ts-expect-error beginsWith on a number attribute
  User.Attr('age').beginsWith('1');
  // @ts-expect-error beginsWith on a number attribute
  User.Attr('age').beginsWith(1);
  // @ts-expect-error beginsWith on a set
  User.Attr('tags').beginsWith('v');

  User.Attr('tags').contains('vip');
  // @ts-expect-error tags is a set of strings
  User.Attr('tags').contains(1);
  User.Attr('history').contains('login');
  // @ts-expect-error history holds strings
  User.Attr('history').contains(2);
  User.Attr('name').contains('da');
  // @ts-expect-error substring of a string attribute is a string
  User.Attr('name').contains(1);
  // @ts-expect-error contains on a number attribute
  User.Attr('age').contains(1);
});

test('exists / notExists / type need no value', () => {
  expectTypeOf(User.Attr('address.zip').exists()).toEqualTypeOf<Condition>();
  expectTypeOf(User.Attr('userId').notExists()).toEqualTypeOf<Condition>();
  User.Attr('tags').type('SS');
  // @ts-expect-error not a DynamoDB attribute type
  User.Attr('tags').type('STRINGSET');
});

test('and / or / not as methods and as functions', () => {
  const a = User.Attr('age').gt(18);
  const b = User.Attr('tags').contains('vip');
  const c = User.Attr('address.city').eq('Paris');
  expectTypeOf(a.and(b)).toEqualTypeOf<Condition>();
  expectTypeOf(a.and(b, c)).toEqualTypeOf<Condition>();
  expectTypeOf(a.and(b).or(c.not())).toEqualTypeOf<Condition>();
  expectTypeOf(and(a, b, c)).toEqualTypeOf<Condition>();
  expectTypeOf(or(a, not(b))).toEqualTypeOf<Condition>();
  expectTypeOf(not(and(a, or(b, c)))).toEqualTypeOf<Condition>();
  // @ts-expect-error conditions only, not operands
  and(a, User.Attr('age'));
  // @ts-expect-error not takes one condition
  not(a, b);
});

test('Attr, Key and ref keep working when destructured from the entity', () => {
  const { Attr, Key, ref } = User;
  expectTypeOf(Attr('age').gt(18).and(Attr('tags').contains('vip'))).toEqualTypeOf<Condition>();
  expectTypeOf(Key('orgId').eq('acme')).toExtend<KeyCondition>();
  ref('age').plus(1);
  // @ts-expect-error still checked after destructuring
  Attr('age').gt('x');
});

test('Key accepts only attributes that compose a key of the entity', () => {
  expectTypeOf(User.Key('orgId')).toExtend<KeyOperand<string>>();
  expectTypeOf(User.Key('name')).toExtend<KeyOperand<string>>();
  expectTypeOf(User.Key('userId')).toExtend<KeyOperand<string>>();
  // @ts-expect-error email composes no key
  User.Key('email');
  // @ts-expect-error age composes no key
  User.Key('age');
  // @ts-expect-error not an attribute at all
  User.Key('nope');
  // @ts-expect-error physical key names are the table's, not the entity's
  User.Key('gsi1pk');

  expectTypeOf(Order.Key('seq')).toExtend<KeyOperand<number>>();
  expectTypeOf(Order.Key('orderId')).toExtend<KeyOperand<string>>();
  // composite of the local index template PLACED#{placedAt}
  expectTypeOf(Order.Key('placedAt')).toExtend<KeyOperand<Date>>();
  // @ts-expect-error total composes no key
  Order.Key('total');
});

test('Key operator values follow the attribute type', () => {
  expectTypeOf(User.Key('orgId').eq).parameter(0).toEqualTypeOf<string>();
  expectTypeOf(Order.Key('seq').gt).parameter(0).toEqualTypeOf<number>();
  expectTypeOf(Order.Key('placedAt').between).parameters.toEqualTypeOf<[Date, Date]>();
  expectTypeOf(User.Key('orgId').eq('acme').and(User.Key('name').beginsWith('A'))).toExtend<KeyCondition>();
  // @ts-expect-error orgId is a string
  User.Key('orgId').eq(1);
  Order.Key('seq').between(1, 10);
  Order.Key('seq').gte(5);
  // @ts-expect-error seq is a number
  Order.Key('seq').gt('5');
  // @ts-expect-error beginsWith on a number composite
  Order.Key('seq').beginsWith('1');
  Order.Key('placedAt').lt(new Date());
  // @ts-expect-error placedAt is a Date
  Order.Key('placedAt').lt(5);
  // @ts-expect-error key conditions have no OR
  User.Key('orgId').eq('a').or(User.Key('orgId').eq('b'));
  // @ts-expect-error key conditions and entity conditions do not mix
  User.Key('orgId').eq('a').and(User.Attr('age').gt(1));
});

test('table-level Key takes physical key attribute names of the table and its indexes', () => {
  AppTable.Key('pk').eq('ORG#acme');
  AppTable.Key('sk').beginsWith('USER#');
  AppTable.Key('gsi1pk');
  AppTable.Key('gsi1sk').beginsWith('USER#A');
  AppTable.Key('lsi1sk');
  // @ts-expect-error not a key attribute of the table or its indexes
  AppTable.Key('nope');
  // @ts-expect-error logical composites are for entity Key(), not table Key()
  AppTable.Key('orgId');
  // table-level Attr is untyped by design (boto3's Attr on physical names)
  expectTypeOf(AppTable.Attr('_et')).toEqualTypeOf<AttributeOperand<unknown>>();
  expectTypeOf(AppTable.Attr('_et').eq('User')).toEqualTypeOf<Condition>();
});
