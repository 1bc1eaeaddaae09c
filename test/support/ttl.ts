/**
 * A moment whose TTL has passed but that DynamoDB Local's TTL job never deletes: the job (like
 * DynamoDB's) only takes items that expired within the last five years (facts sheet §12), and on a
 * small table it deletes those within seconds, racing any test that keeps an expired item to look at
 * or to write over. `hoursMore` moves it further back.
 */
export function expiredLongAgo(hoursMore = 0): Date {
  return new Date(Date.now() - (6 * 365 * 24 + hoursMore) * 3_600_000);
}
