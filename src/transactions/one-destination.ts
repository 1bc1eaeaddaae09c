import type { AnyDynamoClient } from '../client/send.js';
import { InvalidTransactionError } from '../errors.js';

interface ClientConfig {
  readonly region?: unknown;
  readonly endpoint?: unknown;
}

/** A config value the SDK keeps as a value or as a provider (a function, maybe async). */
async function resolved(value: unknown): Promise<unknown> {
  return typeof value === 'function' ? await (value as () => unknown)() : value;
}

/** An endpoint as the SDK resolves it (`{ protocol, hostname, port, path }`, or a URL or string), as a URL. */
function endpointText(endpoint: unknown): string {
  if (endpoint === undefined) return "the region's default endpoint";
  if (typeof endpoint === 'string' || endpoint instanceof URL) return String(endpoint);
  const e = endpoint as { protocol?: string; hostname?: string; port?: number; path?: string };
  return `${e.protocol ?? ''}//${e.hostname ?? ''}${e.port === undefined ? '' : `:${e.port}`}${e.path ?? ''}`;
}

/** Where a client sends requests: its region and its endpoint, when one is set. */
async function destination(client: AnyDynamoClient): Promise<string> {
  const config = (client as { config?: ClientConfig }).config;
  return `region ${String(await resolved(config?.region))} at ${endpointText(await resolved(config?.endpoint))}`;
}

/** What an action or get is on: an entity's table (`name` is the entity's), or a table itself. */
interface Subject {
  readonly name?: string | undefined;
  readonly table: { readonly name: string; readonly client: AnyDynamoClient };
}

/** `User, table App`, or `table App` for an action on the table itself. */
const subjectText = (s: Subject): string => (s.name === undefined ? `table ${s.table.name}` : `${s.name}, table ${s.table.name}`);

/**
 * A transaction is one request, sent through the client of its first action's table. Tables on
 * other clients are fine when those send to the same region and endpoint; otherwise the request
 * would write (or read) a table of the same name somewhere else than the table's own client does.
 * Only compared when the actions use more than one client.
 */
export async function checkOneDestination(models: readonly Subject[], kind: 'actions' | 'gets'): Promise<void> {
  const first = models[0]!.table.client;
  if (models.every((m) => m.table.client === first)) return;
  const places = new Map<AnyDynamoClient, string>();
  for (const m of models) if (!places.has(m.table.client)) places.set(m.table.client, await destination(m.table.client));
  const at = places.get(first)!;
  const other = models.findIndex((m) => places.get(m.table.client) !== at);
  if (other === -1) return;
  throw new InvalidTransactionError(
    `${kind} #0 (${subjectText(models[0]!)}) and #${other} (${subjectText(models[other]!)}) are on tables whose clients ` +
      `send to different places (${at}; ${places.get(models[other]!.table.client)!}): a transaction is one request to one region, sent through the client of the first table`,
  );
}
