/**
 * The hand-written loops the DynamoDB Local benchmarks compare dynakit with (bench/batch-throughput.ts,
 * bench/delete-all.ts): BatchWriteCommand with UnprocessedItems resent after a jittered backoff,
 * a few calls in flight, and a Select: COUNT scan to check what a run left in the table.
 */
import { BatchWriteCommand, ScanCommand, type BatchWriteCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** One BatchWriteCommand of up to 25 write requests, resent until DynamoDB has processed every one. */
export async function rawBatch(doc: DynamoDBDocumentClient, table: string, requests: Record<string, unknown>[]): Promise<void> {
  let pending = requests;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * Math.min(5_000, 50 * 2 ** attempt)));
    const out: BatchWriteCommandOutput = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
    pending = (out.UnprocessedItems?.[table] ?? []) as typeof pending;
  }
}

export function chunks<T>(all: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < all.length; i += size) out.push(all.slice(i, i + size));
  return out;
}

/** Runs `run` over `tasks` with at most `width` in flight. */
export async function inFlight<T>(tasks: T[], width: number, run: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, tasks.length) }, async () => {
      while (next < tasks.length) await run(tasks[next++]!);
    }),
  );
}

/** The number of items in `table` (consistent Select: COUNT scan, every page). */
export async function countItems(doc: DynamoDBDocumentClient, table: string): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: table, Select: 'COUNT', ExclusiveStartKey: start, ConsistentRead: true }));
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return count;
}
