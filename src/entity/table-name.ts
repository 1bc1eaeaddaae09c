/**
 * A table is named by its name or by its ARN (`arn:aws:dynamodb:<region>:<account>:table/<name>`),
 * and DynamoDB does not always answer in the form it was asked in: DynamoDB Local keys a
 * BatchGetItem's `Responses` by the table's name when the request named it by ARN. Whatever reads
 * a table's part of such an answer matches either form.
 */

/**
 * The table name in a table name or table ARN.
 *
 * @example tableNameOf('arn:aws:dynamodb:eu-west-1:123456789012:table/App') // 'App'
 */
export function tableNameOf(nameOrArn: string): string {
  return /:table\/([^/]+)$/.exec(nameOrArn)?.[1] ?? nameOrArn;
}

/**
 * The table of the request (one of `tables`, as the request named them) that `key`, a key of a
 * batch answer's map (`Responses`, `UnprocessedKeys`, `UnprocessedItems`), stands for: `key` itself
 * when the request used it, else the one table of the request with the same table name
 * (`undefined` when none is, or several are, as two accounts' tables of one name named by ARN).
 *
 * @example answeredTable('App', ['arn:aws:dynamodb:eu-west-1:123456789012:table/App']) // 'arn:aws:dynamodb:eu-west-1:123456789012:table/App'
 */
export function answeredTable(key: string, tables: readonly string[]): string | undefined {
  if (tables.includes(key)) return key;
  const name = tableNameOf(key);
  const same = tables.filter((t) => tableNameOf(t) === name);
  return same.length === 1 ? same[0] : undefined;
}

/**
 * The entry of a batch answer's map for `table`, the only table of its request: under the name the
 * request gave it, or under the other form of that name.
 *
 * @example tableEntry(out.Responses, 'arn:aws:dynamodb:eu-west-1:123456789012:table/App') // out.Responses['App'] on DynamoDB Local
 */
export function tableEntry<T>(map: Readonly<Record<string, T>> | undefined, table: string): T | undefined {
  if (map === undefined) return undefined;
  if (Object.hasOwn(map, table)) return map[table];
  for (const key of Object.keys(map)) if (answeredTable(key, [table]) === table) return map[key];
  return undefined;
}
