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

/**
 * Replaces every template whose placeholders are not all attributes of `Item` by an error
 * message type, so `{usrId}` fails to compile with a readable reason.
 */
export type CheckedKeys<K, Names extends string> = {
  readonly [I in keyof K]: {
    readonly [F in keyof K[I]]: Exclude<TemplateComposites<K[I][F]>, Names> extends never
      ? K[I][F]
      : `unknown attribute in key template: ${Exclude<TemplateComposites<K[I][F]>, Names> & string}`;
  };
};
