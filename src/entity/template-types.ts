/** The placeholder names of a key template: `'USER#{name}#{id}'` -> `'name' | 'id'`. */
export type TemplateComposites<T> = T extends `${string}{${infer P}}${infer Rest}` ? P | TemplateComposites<Rest> : never;

/**
 * All composites named by one index's templates: those of its `pk` and `sk` values at once
 * (`TemplateComposites` distributes over the union; an index object has no other fields, or
 * `KeyProblems` reports them), not matched field by field with `infer`.
 */
export type IndexComposites<K> = TemplateComposites<Templates<K[keyof K]>>;

/** The templates of a key field: one, or a multi-attribute key's list of them. */
export type Templates<T> = T extends readonly string[] ? T[number] : T;

/** A type no string satisfies; its property spells out why a key template was rejected. */
export interface KeyTemplateError<Message extends string> {
  readonly '~keyTemplateError': Message;
}

/**
 * Everything wrong with an entity's `keys` for a table whose key shape is `Shape`, as messages
 * (`never` when nothing is): placeholders that are not attributes of the item (`Names`) or are
 * attributes of `Item` that hold no key value (maps, lists, sets...), indexes
 * the table does not define, and key fields an index does not have (`pk` on a local index, `sk`
 * without a sort key). Written as one union of messages rather than a copy of `K` with errors in
 * place: it is computed once, for the inferred `K`, while a mapped type over `K` was re-instantiated
 * on every pass of argument inference (~40% of what defining an entity cost).
 */
export type KeyProblems<K, Names extends string, Shape, Item = unknown> =
  | FieldProblems<K, Shape>
  | UnknownIndexes<Exclude<keyof K, keyof Shape>>
  | UnknownAttributes<Exclude<KeyAttributeNames<K>, Names>>
  | UnkeyableAttributes<Item, KeyAttributeNames<K> & keyof Item>;

/*
 * Indexes the table does not define are found once, with `Exclude` over the index names, and the
 * field check only reads the indexes it has (`keyof K & keyof Shape`): an `I extends keyof Shape`
 * test in the mapped type, and a `KeyFields` map of the shape, cost ~30 instantiations per entity.
 */
type UnknownIndexes<I> = [I] extends [never] ? never : `the table has no index named ${I & string}`;
/**
 * Key fields an index of `K` does not have in `Shape`, as messages. On a table whose indexes all
 * have the same fields (`pk` and `sk`, or only `pk`), one test first: every field `K` gives is one
 * of them. Only when that fails (a misspelled field), or on a table whose indexes differ (a local
 * index, an index without a sort key), is each index compared with its own shape. Measured at
 * N=60: ~20 instantiations less per entity on the first kind of table, ~8 more on the second (the
 * test of the table's fields); testing the fields of the indexes each entity uses instead cost ~20
 * per entity on every table.
 */
type FieldProblems<K, Shape> = UniformFields<Shape> extends true
  ? [{ [I in keyof K]-?: keyof K[I] }[keyof K]] extends [keyof NonNullable<Shape[keyof Shape]>]
    ? never
    : FieldProblemsByIndex<K, Shape>
  : FieldProblemsByIndex<K, Shape>;
type FieldProblemsByIndex<K, Shape> = { [I in keyof K]-?: FieldProblem<I & string, Exclude<keyof K[I], keyof NonNullable<Shape[I & keyof Shape]>>> }[keyof K & keyof Shape];
/** `true` when every index of a table's key shape has the same fields (the same type for every entity of a table). */
type UniformFields<Shape> = [FieldsOfEach<NonNullable<Shape[keyof Shape]>>] extends [keyof NonNullable<Shape[keyof Shape]>] ? true : false;
type FieldsOfEach<U> = U extends unknown ? keyof U : never;
type FieldProblem<I extends string, F> = [F] extends [never] ? never : `index ${I} has no ${F & string} key`;
type UnknownAttributes<A> = [A] extends [never] ? never : `unknown attribute in key template: ${A & string}`;
/**
 * What a key composite can hold: a string, number, bigint, boolean, Date, or bytes (on their own);
 * `undefined` and `null` build no key (an optional or nullable composite).
 */
type KeyComposite = string | number | bigint | boolean | Date | Uint8Array | null | undefined;
/**
 * Placeholders `A` naming attributes of `Item` that hold no key value: maps, lists, sets, records,
 * `z.unknown()`, and what `defineEntity` refuses though its type is in `KeyComposite`: `z.any()`,
 * `z.null()` (no value but the one that builds no key), a boolean literal (`z.literal(true)`: a
 * key kind is a whole type). The values of all of them are tested at once, and each one only when
 * that fails or some value may be `null` or a boolean: a test per placeholder was instantiated again
 * on every pass of inferring `keys`. An item with a string index signature (a schema typed as
 * `z.ZodObject`, or with a catchall) says too little of its attributes to refuse any.
 */
type UnkeyableAttributes<Item, A extends keyof Item> = [Item[A]] extends [PlainComposite]
  ? unknown extends Item[A] // only `any` is both
    ? EachUnkeyable<Item, A>
    : never
  : string extends keyof Item
    ? never
    : EachUnkeyable<Item, A>;
/** The composite types tested no further: no `any`, `null` or boolean among them. */
type PlainComposite = string | number | bigint | Date | Uint8Array | undefined;
type EachUnkeyable<Item, A extends keyof Item> = {
  [P in A]-?: 0 extends 1 & Item[P]
    ? UnkeyableMessage<P>
    : Item[P] extends KeyComposite
      ? [Item[P] & {}] extends [never]
        ? UnkeyableMessage<P>
        : true extends Item[P]
          ? false extends Item[P]
            ? never
            : UnkeyableMessage<P>
          : false extends Item[P]
            ? UnkeyableMessage<P>
            : never
      : UnkeyableMessage<P>;
}[A];
type UnkeyableMessage<P> = `attribute ${P & string} cannot be part of a key: a key composite is a string, number, bigint, boolean, Date or Uint8Array (not any, null alone or one boolean literal)`;

/** Every attribute that composes some index key of the entity. */
export type KeyAttributeNames<K> = { [I in keyof K]: IndexComposites<K[I]> }[keyof K];

/**
 * `unknown` when the keys are right; otherwise an error type whose property spells out why, so
 * intersected with the inferred keys the mistake fails to compile with a readable reason. (A plain
 * message string would collapse the intersection to `never` and lose the reason.)
 */
export type CheckedKeys<K, Names extends string, Shape, Item = unknown> = KeyCheck<KeyProblems<K, Names, Shape, Item>>;
type KeyCheck<P> = [P] extends [never] ? unknown : KeyTemplateError<P & string>;
