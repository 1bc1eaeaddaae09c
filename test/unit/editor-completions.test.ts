/**
 * Editor completions are part of the product: a user types `User.Attr('` and picks `address.city`
 * from the list. These tests ask TypeScript's LanguageService (what tsserver runs in an editor)
 * for the entries offered at each place a path, an index name or a key attribute is typed, and
 * compare them with what is offered today, so that a change to the path types that drops entries
 * (nested paths first of all) fails here even when every type test still passes.
 *
 * List-element paths are not offered today: they are template-literal types (`lines[${number}]`,
 * `lines[${number}].sku`), which completion cannot turn into a string to insert.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPILE_TIMEOUT } from '../support/compile-timeout.js';
import { completionsAt } from '../support/completions.js';

const FIXTURE = `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { defineEntity, defineTable } from '../../src/index.js';

const Table = defineTable({
  name: 'App',
  client: new DynamoDBClient({}),
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: { byEmail: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } } },
});

const User = defineEntity({
  table: Table,
  name: 'User',
  schema: z.object({
    userId: z.string(),
    email: z.string(),
    address: z.object({ city: z.string(), zip: z.string() }),
    billing: z.object({ street: z.string() }).optional(),
    lines: z.array(z.object({ sku: z.string(), qty: z.number() })),
    tags: z.set(z.string()),
    status: z.enum(['active', 'disabled']),
  }),
  keys: { primary: { pk: 'USER#{userId}', sk: 'PROFILE' }, byEmail: { pk: 'EMAIL#{email}', sk: 'USER' } },
  timestamps: true,
});

const k = { userId: 'u1' };
User.Attr('/*@attr*/');
User.Attr('address./*@attrNested*/');
User.Attr('lines[0]./*@attrElement*/');
User.ref('/*@ref*/');
void User.scan().filter(User.Attr('/*@attrInFilter*/'));
void User.update(k).set({ '/*@setQuoted*/': 1 });
void User.update(k).set({ /*@setBare*/ });
void User.update(k).set({ 'lines[0].qty': 2, '/*@setAfterElementPath*/': 1 });
void User.update(k).add({ '/*@add*/': 1 });
void User.update(k).remove('/*@remove*/');
void User.get(k).project('/*@project*/');
User.Key('/*@key*/');
void User.query('/*@queryIndex*/', User.Key('email').eq('a'));
User.Attr('status').eq('/*@enumValue*/');

const Draft = defineEntity({
  table: Table,
  name: 'Draft',
  schema: z.object({ draftId: z.string(), title: z.string() }),
  keys: { primary: { pk: 'DRAFT#{/*@template*/}', sk: 'DRAFT' } },
});

const Payment = defineEntity({
  table: Table,
  name: 'Payment',
  schema: z.discriminatedUnion('method', [
    z.object({ paymentId: z.string(), method: z.literal('card'), last4: z.string() }),
    z.object({ paymentId: z.string(), method: z.literal('bank'), iban: z.string(), note: z.string().optional() }),
  ]),
  keys: { primary: { pk: 'PAYMENT#{paymentId}', sk: 'PAYMENT' } },
});
void Payment.update({ paymentId: 'p' }).set({ '/*@variantSet*/': 1 });
void Payment.update({ paymentId: 'p' }).remove('/*@variantRemove*/');
`;

const TOP_LEVEL = ['userId', 'email', 'address', 'billing', 'lines', 'tags', 'status'];
const TIMESTAMPS = ['createdAt', 'updatedAt'];
/** The paths below top-level attributes that are offered: a nested object's and an optional nested object's. */
const NESTED = ['address.city', 'address.zip', 'billing.street'];
/** What an update may change: every path but the primary-key composite and the timestamps. */
const UPDATABLE = ['email', 'address', 'billing', 'lines', 'tags', 'status', ...NESTED];

const sorted = (names: readonly string[]): string[] => [...names].sort();

describe('editor completions (TypeScript LanguageService)', () => {
  let offered: Map<string, string[]>;
  const at = (marker: string): string[] => {
    const names = offered.get(marker);
    if (names === undefined) throw new Error(`no marker ${marker} in the fixture`);
    return sorted(names);
  };

  // Building the program (dynakit's source, zod's and the SDK's declarations) takes a few seconds.
  beforeAll(() => {
    offered = completionsAt(FIXTURE);
  }, COMPILE_TIMEOUT);

  it('Attr offers every top-level attribute, the timestamps and the nested paths', () => {
    const paths = sorted([...TOP_LEVEL, ...TIMESTAMPS, ...NESTED]);
    expect(at('attr')).toEqual(paths);
    // The editor filters by what was typed; TypeScript offers the same list after a dot.
    expect(at('attrNested')).toEqual(paths);
    expect(at('attrInFilter')).toEqual(paths);
  });

  it('Attr offers no list-element path (template-literal types) and the same list after one', () => {
    expect(at('attr').filter((p) => p.includes('['))).toEqual([]);
    expect(at('attrElement')).toEqual(at('attr'));
  });

  it('ref offers what Attr offers', () => {
    expect(at('ref')).toEqual(sorted([...TOP_LEVEL, ...TIMESTAMPS, ...NESTED]));
  });

  it('update set/add offer the paths an update may change as object keys: no key composite, no timestamp', () => {
    expect(at('setQuoted')).toEqual(sorted(UPDATABLE));
    expect(at('add')).toEqual(sorted(UPDATABLE));
    expect(at('setAfterElementPath')).toEqual(sorted(UPDATABLE));
    // Outside quotes, keys that are not identifiers are offered quoted.
    expect(at('setBare')).toEqual(sorted(UPDATABLE.map((p) => (p.includes('.') ? `"${p}"` : p))));
  });

  it('update remove offers the paths an update may change', () => {
    expect(at('remove')).toEqual(sorted(UPDATABLE));
  });

  it("an entity with variants: set and remove offer every variant's fields but the key composite and the tag", () => {
    expect(at('variantSet')).toEqual(sorted(['last4', 'iban', 'note']));
    expect(at('variantRemove')).toEqual(sorted(['last4', 'iban', 'note']));
  });

  it('get project offers what Attr offers: the top-level attributes, the timestamps and the nested paths', () => {
    expect(at('project')).toEqual(sorted([...TOP_LEVEL, ...TIMESTAMPS, ...NESTED]));
  });

  it('Key offers the key composites and query offers the index names', () => {
    expect(at('key')).toEqual(sorted(['userId', 'email']));
    expect(at('queryIndex')).toEqual(sorted(['primary', 'byEmail']));
  });

  it('a condition on an enum offers its values', () => {
    expect(at('enumValue')).toEqual(sorted(['active', 'disabled']));
  });

  it('a key template offers no attribute names today, only the text typed so far (K is inferred from it)', () => {
    expect(at('template')).toEqual(['DRAFT#{}']);
  });
});
