/** The result types of table-level reads (collections of several entities). */
import type { AnyEntity, EntityItem } from '../entity/entity.js';

/** A page of a table-level read: parsed items of registered entities, and raw items of none. */
export interface TablePage<T> {
  readonly items: T[];
  /** Items whose discriminator names no registered entity, as stored. */
  readonly unknown: Record<string, unknown>[];
  readonly cursor?: string;
}

/** An item read at table level before narrowing: the discriminator plus unknown attributes. */
export type StoredItem<Et extends string = '_et'> = { readonly [K in Et]: string } & { readonly [k: string]: unknown };

/**
 * What a table-level read returns per item: whole items (`P` is `string`: no projection), or what a
 * projection of `P` leaves of each, with the discriminator. Items not narrowed by `entities()` may
 * lack any projected attribute.
 */
export type TableReadItem<T, Et extends string, P extends string> = string extends P
  ? T
  : T extends unknown
    ? string extends keyof T
      ? { readonly [K in Et]: string } & { readonly [K in Exclude<P, Et>]?: unknown }
      : Pick<T, Extract<keyof T, P | Et>>
    : never;

/** The discriminated union of entity items, each tagged with its entity name. */
export type CollectionItem<E extends AnyEntity, Et extends string> = E extends AnyEntity
  ? EntityItem<E> & { readonly [K in Et]: E['name'] }
  : never;
