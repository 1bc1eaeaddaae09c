/**
 * DynamoDB's order of two scalar values of one type: N numerically, S by UTF-8 bytes, B by
 * unsigned bytes. `undefined` when they are not of one orderable type (DynamoDB then decides).
 * Used to refuse a BETWEEN whose low bound is above its high bound, which DynamoDB rejects
 * whole instead of matching nothing.
 *
 * @example compareStored('\uff61', '😀') // -1: UTF-8 bytes, although '\uff61' > '😀' in UTF-16
 */
export function compareStored(a: unknown, b: unknown): number | undefined {
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b);
  return undefined;
}
