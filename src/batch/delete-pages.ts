import type { AnyDynamoClient } from '../client/send.js';
import type { Page } from '../pagination/page-reader.js';
import { BatchWriteEngine, type BatchWriteOptions } from './batch-writer.js';
import type { WriteRequest } from './write-request.js';

/** What `deleteAll()` did. */
export interface DeleteAllResult {
  /** Deletes DynamoDB confirmed (one per item the read returned; a key read twice counts once). */
  readonly deleted: number;
  /** Deletes resent after UnprocessedItems or retryable failures. */
  readonly retried: number;
}

/**
 * Sends the deletes a read yields, page by page, through the batch writer (calls of 25, several in
 * flight, unprocessed ones resent with backoff). The next page is read while the last one's deletes
 * are sent; no more than those two pages of keys are held, so a partition of millions of items
 * takes the memory of two pages. A failed read or write stops it once the deletes sent have settled.
 */
export async function deletePages(client: AnyDynamoClient, pages: AsyncIterable<Page<WriteRequest>>, options: BatchWriteOptions): Promise<DeleteAllResult> {
  const engine = new BatchWriteEngine(client, options);
  let sending: Promise<void> = Promise.resolve();
  try {
    for await (const page of pages) {
      await sending;
      for (const r of page.items) engine.add(r);
      sending = engine.flush();
      // Awaited before the next page or below; until then a rejection must not count as unhandled.
      sending.catch(() => undefined);
    }
  } catch (e) {
    // A failed read: the deletes already sent finish first (their own failure, a BatchWriteError
    // listing what was not deleted, says more than the read's).
    await sending;
    throw e;
  }
  await sending;
  const { written, retried } = engine.progress;
  return { deleted: written, retried };
}
