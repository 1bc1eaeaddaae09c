/**
 * The types of `defineEntity`'s `derive`: each derived attribute's sources and compute function
 * checked against the schema, and what deriving removes from the put input.
 */

/**
 * `derive` for a schema of output `Out` and input `In`: per derived attribute `A` (a field of the
 * schema), `from` lists the fields it is computed from (never a derived one: no chains or cycles),
 * and `compute` takes exactly their values, as the schema outputs them, and returns `A`'s input.
 * `Dv` (each attribute's `from` list) is inferred from the `from` lists themselves, so `compute`'s
 * parameter is typed from them.
 *
 * @example
 * derive: { nameLower: { from: ['name'], compute: ({ name }) => name.toLowerCase() } }
 */
export type DeriveConfig<Out, In, Dv> = {
  readonly [A in keyof Dv]: A extends keyof Out
    ? {
        readonly from: Dv[A] & readonly Exclude<keyof Out & string, keyof Dv>[];
        readonly compute: (values: { readonly [F in Dv[A] extends readonly (infer E)[] ? E & keyof Out : never]: Out[F] }) => In[A & keyof In];
      }
    : NotASchemaField;
};

/** What a derived attribute that is not a schema field is typed as: no entry satisfies it, and its key says why. */
export interface NotASchemaField {
  readonly '~a derived attribute is a field of the schema': never;
}

/**
 * The input of put/create without the derived attributes `D`, which dynakit computes (a literal
 * naming one does not compile). A key-remapping mapped type, not `Omit`, so that a schema keeping
 * unknown attributes keeps its index signature and declared fields.
 */
export type WithoutDerived<T, D> = { [P in keyof T as P extends D ? never : P]: T[P] };
