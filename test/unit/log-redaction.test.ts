/**
 * dynakit's commands hand their input and output to the SDK's logger without the SDK's redaction
 * walk (src/client/send.ts, `unredactedLogs`). That is only right while no DynamoDB shape is marked
 * sensitive: this walks the schema of every operation the installed SDK has and fails the day one is.
 */
import { describe, expect, it } from 'vitest';
import * as ddb from '@aws-sdk/client-dynamodb';

interface Normalized {
  getSchema(): unknown;
  getMergedTraits(): { sensitive?: unknown };
  isListSchema(): boolean;
  isMapSchema(): boolean;
  isStructSchema(): boolean;
  getKeySchema(): Normalized;
  getValueSchema(): Normalized;
  structIterator(): Iterable<[string, Normalized]>;
}

/** The SDK's schema reader, present since the SDK moved to schemas; `undefined` before (3.600). */
async function schemaReader(): Promise<{ of(schema: unknown): Normalized } | undefined> {
  try {
    const mod = (await import('@smithy/core/schema' as string)) as { NormalizedSchema?: { of(schema: unknown): Normalized } };
    return mod.NormalizedSchema;
  } catch {
    return undefined;
  }
}

function operations(): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [name, Command] of Object.entries(ddb)) {
    if (!/^[A-Z]\w+Command$/.test(name) || typeof Command !== 'function') continue;
    out.push([name, (new (Command as new (input: object) => { schema?: unknown })({})).schema]);
  }
  return out;
}

describe('no DynamoDB shape is marked sensitive', () => {
  it('in the schema of any operation (input, output, every member, recursively)', async () => {
    const reader = await schemaReader();
    const ops = operations();
    expect(ops.length).toBeGreaterThan(50);
    const withSchema = ops.filter(([, schema]) => schema !== undefined);
    if (reader === undefined || withSchema.length === 0) {
      // SDKs before schemas filtered DynamoDB's logs with the identity: nothing was redacted.
      expect(withSchema).toEqual([]);
      return;
    }
    expect(withSchema).toHaveLength(ops.length);
    const seen = new Set<unknown>();
    const sensitive: string[] = [];
    const walk = (s: Normalized, path: string): void => {
      if (s.getMergedTraits().sensitive) sensitive.push(path);
      if (seen.has(s.getSchema())) return;
      seen.add(s.getSchema());
      if (s.isListSchema()) walk(s.getValueSchema(), `${path}[]`);
      else if (s.isMapSchema()) {
        walk(s.getKeySchema(), `${path}{key}`);
        walk(s.getValueSchema(), `${path}{value}`);
      } else if (s.isStructSchema()) for (const [name, member] of s.structIterator()) walk(member, `${path}.${name}`);
    };
    for (const [name, op] of withSchema) {
      const o = op as unknown[] & { input?: unknown; output?: unknown };
      walk(reader.of(o[4] ?? o.input), `${name}.input`);
      walk(reader.of(o[5] ?? o.output), `${name}.output`);
    }
    expect(seen.size).toBeGreaterThan(100);
    expect(sensitive).toEqual([]);
  });
});
