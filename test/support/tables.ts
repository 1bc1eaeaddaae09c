import { afterAll, beforeAll } from 'vitest';

/** What the hooks call on a table (a dynakit Table has both). */
export interface CreatesAndDrops {
  create(): Promise<unknown>;
  drop(): Promise<unknown>;
}

/** A DynamoDBClient, DynamoDBDocumentClient, DynamoDBStreamsClient, ... */
export interface Destroyable {
  destroy(): void;
}

/**
 * The table lifecycle hooks that most integration files need, written once instead of in each file.
 * Registers them in the current suite (the file, or the describe() it is called in): `table.create()`
 * before its tests; after them `table.drop()`, then `destroy()` of each of `clients`, in order. A file
 * that seeds the table adds its own beforeAll after this call (beforeAll hooks run in the order registered).
 */
export function useTable(table: CreatesAndDrops, { clients = [] }: { clients?: readonly Destroyable[] } = {}): void {
  beforeAll(async () => {
    await table.create();
  });
  afterAll(async () => {
    await table.drop();
    for (const client of clients) client.destroy();
  });
}
