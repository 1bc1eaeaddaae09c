/** The placeholder names of a key template: `'USER#{name}#{id}'` -> `'name' | 'id'`. */
export type TemplateComposites<T> = T extends `${string}{${infer P}}${infer Rest}` ? P | TemplateComposites<Rest> : never;

/** All composites named by one index's templates. */
export type IndexComposites<K> = K extends { readonly pk: infer P; readonly sk: infer S }
  ? TemplateComposites<P> | TemplateComposites<S>
  : K extends { readonly pk: infer P }
    ? TemplateComposites<P>
    : K extends { readonly sk: infer S }
      ? TemplateComposites<S>
      : never;

/** A type no string satisfies; its property spells out why a key template was rejected. */
export interface KeyTemplateError<Message extends string> {
  readonly '~keyTemplateError': Message;
}

/**
 * Replaces every template whose placeholders are not all attributes of the item, every index
 * the table does not define, and every key field the index does not have (`pk` on a local
 * index, `sk` without a sort key) by an error type, so the mistake fails to compile with a
 * readable reason. (Intersected with the inferred `K`, a plain message string would collapse
 * to `never` and lose the reason.)
 */
export type CheckedKeys<K, Names extends string, Shape> = {
  readonly [I in keyof K]: I extends keyof Shape
    ? {
        readonly [F in keyof K[I]]: F extends keyof NonNullable<Shape[I]>
          ? [Exclude<TemplateComposites<K[I][F]>, Names>] extends [never]
            ? K[I][F]
            : KeyTemplateError<`unknown attribute in key template: ${Exclude<TemplateComposites<K[I][F]>, Names> & string}`>
          : KeyTemplateError<`index ${I & string} has no ${F & string} key`>;
      }
    : KeyTemplateError<`the table has no index named ${I & string}`>;
};
