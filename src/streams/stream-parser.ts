import type { AnyEntity } from '../entity/entity.js';
import { ExpressionError } from '../errors.js';
import { parseRecordWith, parseRecordsWith, type ParsedStream, type StreamEventOf, type StreamParsing, type StreamRecordInput } from './stream-record.js';
import type { StreamViewType } from './view-type.js';

const VIEW_TYPES: readonly StreamViewType[] = ['NEW_AND_OLD_IMAGES', 'NEW_IMAGE', 'OLD_IMAGE', 'KEYS_ONLY'];

/**
 * Parses stream records into events of entities `E` (`AppTable.streamParser(User, Order)`),
 * discriminated by `entity` and `type`. Until told the stream's view type (`View`), images are
 * optional; told it, each record must carry the images of that view type.
 */
export class StreamParser<E extends AnyEntity, View extends StreamViewType | undefined = undefined> {
  /** @internal */
  constructor(private readonly parsing: StreamParsing) {}

  /**
   * A parser for a stream of this view type: the images it gives are required in the events'
   * types (`newItem` of an INSERT of a `NEW_AND_OLD_IMAGES` stream is an item, never `undefined`),
   * and a record without them, or whose own `StreamViewType` is another, lands in `errors` as
   * `malformed` (`record()` throws it). Kinesis change records carry both images:
   * `'NEW_AND_OLD_IMAGES'`. ExpressionError for a value that is none of the four view types.
   *
   * @example const parse = AppTable.streamParser(User).viewType('NEW_AND_OLD_IMAGES')
   */
  viewType<V extends StreamViewType>(viewType: V): StreamParser<E, V> {
    // Told by plain JavaScript, or a value read from configuration: refused before any record.
    if (!VIEW_TYPES.includes(viewType)) {
      const got = typeof viewType === 'string' ? JSON.stringify(viewType) : String(viewType);
      throw new ExpressionError(`table ${this.parsing.table}`, '', `viewType() takes one of ${VIEW_TYPES.join(', ')}, got ${got}`);
    }
    return new StreamParser<E, V>({ ...this.parsing, viewType });
  }

  /**
   * Parses one record: its event, `undefined` for a record of no entity of this parser; throws
   * `StreamRecordError` for a malformed record or an image its schema rejects.
   *
   * @example const e = parse.record(lambdaRecord); if (e?.entity === 'User') console.log(e.keys.userId)
   */
  record(r: StreamRecordInput): StreamEventOf<E, View> | undefined {
    const e = parseRecordWith(this.parsing, r);
    return (e === 'unknown' ? undefined : e) as StreamEventOf<E, View> | undefined;
  }

  /**
   * Parses a whole Lambda event (of a DynamoDB stream or of a Kinesis data stream):
   * `{ events, unknown, errors }`; a bad record never fails the others.
   *
   * @example const { events, errors } = parse.event(lambdaEvent)
   */
  event(e: { readonly Records?: readonly StreamRecordInput[] }): ParsedStream<StreamEventOf<E, View>> {
    return parseRecordsWith(this.parsing, e?.Records ?? []) as unknown as ParsedStream<StreamEventOf<E, View>>;
  }
}
