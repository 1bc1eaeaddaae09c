import { ExpressionError } from '../errors.js';
import type { Table } from './table.js';
import type { TimestampFormat } from './timestamps.js';

/**
 * A value of a table-level condition (`AppTable.Attr('createdAt').gt(date)`) on a timestamp
 * attribute, in the form the table's entities store it: a `Date` becomes epoch milliseconds or
 * seconds where they store `timestamps: { format: 'epochMs' | 'epochSeconds' }`. Sent as ISO text
 * (what a `Date` is elsewhere), it was compared with stored numbers, which DynamoDB answers with
 * "false" for every item. Entities that store one attribute in different formats leave a `Date`
 * ambiguous: an `ExpressionError` asks for the stored value. Other values pass as they are.
 *
 * @example tableStampValue(Events, 'table Events', new Date(0), 'createdAt') // 0, when Event stores epoch milliseconds
 */
export function tableStampValue(table: Table, owner: string, value: unknown, path: string): unknown {
  if (!(value instanceof Date)) return value;
  const formats = new Map<TimestampFormat, string[]>();
  for (const m of table.entities.values()) {
    const t = m.timestamps;
    if (t === undefined || (m.storedName(t.createdAt) !== path && m.storedName(t.updatedAt) !== path)) continue;
    formats.set(t.format, [...(formats.get(t.format) ?? []), m.name]);
  }
  if (formats.size === 0 || (formats.size === 1 && formats.has('iso'))) return value;
  if (formats.size > 1) {
    const how = [...formats].map(([format, entities]) => `${entities.join(', ')} as ${format}`).join('; ');
    throw new ExpressionError(owner, path, `a Date on ${path} is ambiguous: the table's entities store it differently (${how}); give the stored value (ISO text or epoch number) instead`);
  }
  return epochStampValue(formats.has('epochMs') ? 'epochMs' : 'epochSeconds', value);
}

/**
 * A `Date` given as the value of a timestamp stored as epoch numbers, as that number (an invalid
 * Date as it is, for the encoder to refuse). Entity-level conditions use it too: typed code gives
 * such a timestamp a number, but untyped code's Date was sent as ISO text and compared false.
 *
 * @example epochStampValue('epochSeconds', new Date(1_500)) // 1
 */
export function epochStampValue(format: 'epochMs' | 'epochSeconds', value: Date): number | Date {
  const ms = value.getTime();
  if (!Number.isFinite(ms)) return value;
  return format === 'epochMs' ? ms : Math.floor(ms / 1000);
}
