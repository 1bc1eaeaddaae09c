/**
 * What a stream's view type gives each event: the images a parser told the view type requires of
 * every record (the types of its events), and the check that a record has exactly them.
 */
import type { ReplacedItem, StreamRecordInput } from './stream-record.js';

/**
 * A stream's view type: which images its records carry (`stream` of `defineTable`, and
 * `dynamodb.StreamViewType` of each record of a DynamoDB stream).
 */
export type StreamViewType = 'NEW_AND_OLD_IMAGES' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'KEYS_ONLY';

/**
 * The images of each event type, by the view type a parser was told (`unstated`: none, so every
 * image an event type can have is optional). A MODIFY whose old image is another entity's has no
 * `oldItem` (see `EntityStreamEvent`), so with both images it is two shapes, told apart by `replaced`.
 */
export interface ImagesByView<Item> {
  unstated:
    | { readonly type: 'INSERT'; readonly newItem?: Item; readonly oldItem?: undefined; readonly replaced?: undefined }
    | { readonly type: 'MODIFY'; readonly newItem?: Item; readonly oldItem?: Item; readonly replaced?: ReplacedItem }
    | { readonly type: 'REMOVE'; readonly newItem?: undefined; readonly oldItem?: Item; readonly replaced?: undefined };
  NEW_AND_OLD_IMAGES:
    | { readonly type: 'INSERT'; readonly newItem: Item; readonly oldItem?: undefined; readonly replaced?: undefined }
    | { readonly type: 'MODIFY'; readonly newItem: Item; readonly oldItem: Item; readonly replaced?: undefined }
    | { readonly type: 'MODIFY'; readonly newItem: Item; readonly oldItem?: undefined; readonly replaced: ReplacedItem }
    | { readonly type: 'REMOVE'; readonly newItem?: undefined; readonly oldItem: Item; readonly replaced?: undefined };
  NEW_IMAGE:
    | { readonly type: 'INSERT'; readonly newItem: Item; readonly oldItem?: undefined; readonly replaced?: undefined }
    | { readonly type: 'MODIFY'; readonly newItem: Item; readonly oldItem?: undefined; readonly replaced?: undefined }
    | { readonly type: 'REMOVE'; readonly newItem?: undefined; readonly oldItem?: undefined; readonly replaced?: undefined };
  OLD_IMAGE:
    | { readonly type: 'INSERT'; readonly newItem?: undefined; readonly oldItem?: undefined; readonly replaced?: undefined }
    | { readonly type: 'MODIFY'; readonly newItem?: undefined; readonly oldItem: Item; readonly replaced?: undefined }
    | { readonly type: 'REMOVE'; readonly newItem?: undefined; readonly oldItem: Item; readonly replaced?: undefined };
  KEYS_ONLY: { readonly type: 'INSERT' | 'MODIFY' | 'REMOVE'; readonly newItem?: undefined; readonly oldItem?: undefined; readonly replaced?: undefined };
}
/** Whether a view type gives the new and the old image (of the event types that have them). */
const GIVES: Readonly<Record<StreamViewType, { readonly new: boolean; readonly old: boolean }>> = {
  NEW_AND_OLD_IMAGES: { new: true, old: true },
  NEW_IMAGE: { new: true, old: false },
  OLD_IMAGE: { new: false, old: true },
  KEYS_ONLY: { new: false, old: false },
};

/**
 * Why a record is not one of a stream of the given view type, or `undefined` when it is: its own
 * `StreamViewType` (a DynamoDB stream's records say it; Kinesis change records do not) is another,
 * or it lacks an image the view type gives, or carries one it does not. An INSERT's old image and
 * a REMOVE's new one are no view type's, so they are not looked at (the parser never reads them).
 *
 * @example viewTypeMismatch(record, 'INSERT', 'NEW_AND_OLD_IMAGES') // 'INSERT records of NEW_AND_OLD_IMAGES streams carry NewImage; this one has none'
 */
export function viewTypeMismatch(record: StreamRecordInput, type: 'INSERT' | 'MODIFY' | 'REMOVE', viewType: StreamViewType): string | undefined {
  const stated = record.dynamodb?.StreamViewType;
  if (stated !== undefined && stated !== viewType) return `the record's StreamViewType is ${String(stated)}, but the parser was told ${viewType}`;
  const gives = GIVES[viewType];
  const images = [
    ...(type === 'REMOVE' ? [] : [{ name: 'NewImage', given: gives.new, present: record.dynamodb?.NewImage !== undefined }]),
    ...(type === 'INSERT' ? [] : [{ name: 'OldImage', given: gives.old, present: record.dynamodb?.OldImage !== undefined }]),
  ];
  for (const image of images) {
    if (image.given && !image.present) return `${type} records of ${viewType} streams carry ${image.name}; this one has none`;
    if (!image.given && image.present) return `${type} records of ${viewType} streams carry no ${image.name}; this one has one`;
  }
  return undefined;
}
