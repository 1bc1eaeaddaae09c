/**
 * Which attributes a MODIFY changed: the old and new images compared as values (Dates by time,
 * Sets by members, maps and lists deeply, bytes by content), as a stream consumer means "changed".
 */
import { sameModelValue } from '../entity/same-value.js';

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
  return [...keys].filter((k) => !sameModelValue(n[k], o[k])) as Out;
}
