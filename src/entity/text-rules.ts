/**
 * Text DynamoDB cannot take in names or key values, checked before sending: strings with half a
 * UTF-16 surrogate pair, and names (attributes, map keys) over DynamoDB's byte limit.
 */
import { utf8Length } from './item-size.js';

/** `String.prototype.isWellFormed` (ES2024, in Node since 20.0; not in this project's ES2022 lib). */
type WellFormedCheck = { isWellFormed(): boolean };

/**
 * Whether `text` holds half a character (a UTF-16 surrogate that is not half of a pair): DynamoDB
 * keys a string by its UTF-8 form, where a lone surrogate has none, and DynamoDB Local keys
 * 'a\ud800', 'a\udfff' and 'a?' as one item. Not a `/\p{Cs}/u` regex: the bundle builds that with
 * `new RegExp` at module load, which cost 0.3 ms of every cold start.
 */
export const hasLoneSurrogate = (text: string): boolean => !(text as unknown as WellFormedCheck).isWellFormed();

/** Why such a value is refused, after the words naming it (one text for key values, physical keys and key conditions). */
export const LONE_SURROGATE = 'contains a lone UTF-16 surrogate (half of a character, not valid Unicode), which DynamoDB cannot key apart from other strings';

/** Why a name (attribute or map key) with such a half is refused, after the words naming it: items and expressions alike. */
export const LONE_SURROGATE_NAME = 'holds a lone UTF-16 surrogate (half of a character), which has no UTF-8 form: DynamoDB cannot store that name';

/**
 * DynamoDB's limit on an attribute name or map key, in UTF-8 bytes (64 KB): "must be less than
 * 65536 bytes" (DynamoDB Local says so of ExpressionAttributeNames; in items it fails earlier, with a 500).
 */
export const MAX_ATTRIBUTE_NAME_BYTES = 65_535;

/**
 * The UTF-8 bytes of an attribute name or map key when over `MAX_ATTRIBUTE_NAME_BYTES`, else
 * `undefined`; names under a third of the limit in UTF-16 units (at most 3 bytes each) are not measured.
 */
export function nameBytesOverLimit(name: string): number | undefined {
  if (name.length <= MAX_ATTRIBUTE_NAME_BYTES / 3) return undefined;
  const bytes = utf8Length(name);
  return bytes > MAX_ATTRIBUTE_NAME_BYTES ? bytes : undefined;
}
