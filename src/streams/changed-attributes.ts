/**
 * Which attributes a MODIFY changed: the old and new images compared as values (Dates by time,
 * Sets by members, maps and lists deeply, bytes by content), as a stream consumer means "changed".
 */

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.from(a).equals(Buffer.from(b));
  if (a instanceof Set && b instanceof Set) return a.size === b.size && [...a].every((x) => [...b].some((y) => same(x, y)));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

/** The attribute names of an event's items (an image an event type cannot have adds none). */
type ItemKeys<T> = [NonNullable<T>] extends [never] ? never : keyof NonNullable<T> & string;
type ChangedAttributes<E> = (E extends { readonly newItem?: infer N; readonly oldItem?: infer O } ? ItemKeys<N> | ItemKeys<O> : never)[];

/**
 * Top-level attributes whose value differs between the old and new image of a MODIFY event
 * (empty when an image is missing, e.g. with a NEW_IMAGE stream).
 *
 * @example if (changedAttributes(event).includes('email')) await sendVerification(event.newItem)
 */
export function changedAttributes<E extends { readonly newItem?: object | undefined; readonly oldItem?: object | undefined }>(event: E): ChangedAttributes<E> {
  type Out = ChangedAttributes<E>;
  const n = event.newItem as Record<string, unknown> | undefined;
  const o = event.oldItem as Record<string, unknown> | undefined;
  if (n === undefined || o === undefined) return [] as unknown as Out;
  const keys = new Set([...Object.keys(n), ...Object.keys(o)]);
  return [...keys].filter((k) => !same(n[k], o[k])) as Out;
}
