import { InvalidTransactionError } from '../errors.js';
import { givenInput } from '../given-input.js';
import type { PutBuilder } from '../operations/put.js';
import type { UpdateBuilder } from '../operations/update.js';
import type { TransactWriteAction } from './transact-write.js';

/**
 * What `transactWrite` resolves to: what each action wrote, as far as it is known without reading
 * (`TransactWriteItems` returns no items). `Actions` is the list given: `items` is typed from it
 * only where it is read (`WrittenItems`), so a call that ignores the result pays nothing for it. A
 * replay (the same actions sent again with the same `idempotencyToken`, from the same builders or
 * with the same `now`) resolves to the same.
 *
 * @example
 * const { items: [user, order] } = await transactWrite([User.create(u), Order.update({ ...orderKey, version: 3 }).add({ total: 5 })]);
 * user.createdAt; // the User as stored
 * order.version; // 4
 */
export interface TransactWriteResult<Actions extends readonly unknown[] = readonly TransactWriteAction[]> {
  /**
   * One entry per action, in the order given. A put or create: the item as stored, in model form,
   * as the put alone resolves to it (timestamps, the new `version`, defaults and transforms applied;
   * `returning('ALL_OLD')` changes nothing in a transaction). An update: the part of the item it is
   * known to have stored: `updatedAt` (and `createdAt` when given with `withTimestamps`), and
   * `version` when the update checked one (that version + 1); `{}` when nothing is known. A delete
   * or a check: `undefined`. Typed per action for a list written out, untyped for an array built
   * at run time (`itemOf` types those).
   */
  readonly items: WrittenItems<Actions>;
  /**
   * `items[i]` of the update builder given as action `i`: the part of the item it is known to have
   * stored (`updatedAt`, `version` when it checked one), typed as a part of the entity's item.
   *
   * @example const { version } = (await transactWrite([update])).itemOf(update)
   */
  itemOf<Item>(update: { readonly '~item': Item }): Partial<Item>;
  /**
   * `items[i]` of the put or create builder given as action `i`, typed as that builder's item. The
   * very builder given to `transactWrite` (`where()` and the other methods return new builders); any
   * other is an `InvalidTransactionError`.
   *
   * @example const stored = (await transactWrite([put, check])).itemOf(put) // User
   */
  itemOf<Item>(put: PutBuilder<Item, unknown, string>): Item;
}

/**
 * The entries of `TransactWriteResult.items` for the actions `A` given to `transactWrite`: a tuple
 * typed per action for a list written out (`[put, update, check]` gives `[User, Partial<Order>,
 * undefined]`); for an array of `TransactWriteAction` built at run time, whose actions the type does
 * not know, `Record<string, unknown> | undefined` per entry (`itemOf` types them).
 *
 * @example type W = WrittenItems<[PutBuilder<User>, DeleteBuilder<Order>]> // readonly [User, undefined]
 */
export type WrittenItems<A extends readonly unknown[]> = number extends A['length'] ? readonly (Record<string, unknown> | undefined)[] : { readonly [K in keyof A]: WrittenItem<A[K]> };

/** What one action wrote, as far as its type tells: an update's part of the item (`'~item'`), a put's item, or nothing. */
type WrittenItem<A> = A extends { readonly '~item': infer I } ? Partial<I> : A extends PutBuilder<infer I, unknown, string> ? I : undefined;

/**
 * The result of a sent transaction: `written[i]` is what `prepare` knew action `i` to write. Each
 * call gets its own copies, so a caller changing one result changes no replay's.
 */
export function transactWriteResult(actions: readonly TransactWriteAction[], written: readonly (Readonly<Record<string, unknown>> | undefined)[]): TransactWriteResult {
  // Copies down to nested maps, lists, sets and dates: a replay resolves to the cached put's item.
  const items = written.map((w) => (w === undefined ? undefined : givenInput(w)));
  const given = [...actions]; // the caller's array may change after the call
  const itemOf = (action: TransactWriteAction): Record<string, unknown> | undefined => {
    const index = given.indexOf(action);
    if (index === -1) {
      throw new InvalidTransactionError(
        'itemOf: this builder is not one of the transaction\'s actions; pass the very builder given to transactWrite (where() and the other builder methods return new builders)',
      );
    }
    return items[index];
  };
  return { items, itemOf: itemOf as TransactWriteResult['itemOf'] };
}
