/**
 * The expression AST: a small, plain-data tree produced by the builders and read only by the
 * compiler. Nothing here knows about placeholders or expression syntax.
 */

/** One step of a document path: an attribute/map key, or a list index. */
export type PathSegment = string | number;

/** A parsed document path such as `address.city` or `items[0].sku`. */
export type DocPath = readonly PathSegment[];

export type Operand =
  | { readonly kind: 'path'; readonly path: DocPath }
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'size'; readonly path: DocPath };

export type Comparator = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type AttributeTypeName = 'S' | 'SS' | 'N' | 'NS' | 'B' | 'BS' | 'BOOL' | 'NULL' | 'L' | 'M';

export type ConditionNode =
  | { readonly kind: 'compare'; readonly op: Comparator; readonly left: Operand; readonly right: Operand }
  | { readonly kind: 'between'; readonly operand: Operand; readonly low: Operand; readonly high: Operand }
  | { readonly kind: 'in'; readonly operand: Operand; readonly values: readonly Operand[] }
  | { readonly kind: 'exists'; readonly path: DocPath; readonly negate: boolean }
  | { readonly kind: 'type'; readonly path: DocPath; readonly type: AttributeTypeName }
  | { readonly kind: 'beginsWith'; readonly path: DocPath; readonly prefix: Operand }
  | { readonly kind: 'contains'; readonly path: DocPath; readonly operand: Operand }
  | { readonly kind: 'and' | 'or'; readonly children: readonly ConditionNode[] }
  | { readonly kind: 'not'; readonly child: ConditionNode }
  /** A part written with an entity's `Attr` inside a table-level expression: compiled as that entity's (see `ConditionScope`). */
  | { readonly kind: 'scoped'; readonly scope: ConditionScope; readonly child: ConditionNode };

/**
 * How a condition's paths and values are read: whose they are (named in errors), how values are
 * encoded, which stored forms compare, and the stored name of a path's first segment. An entity's
 * condition placed in a table-level filter keeps its entity's scope there.
 */
export interface ConditionScope {
  readonly entity: string;
  /** Encodes a value for `path`; `level` is the nesting level it is stored at (see `toStoredValue`). */
  readonly encode: (value: unknown, path: string, level?: number) => unknown;
  /**
   * Throws when two attributes compared with each other are stored in forms that never compare
   * (supplied by the caller, like `encode`); absent where nothing is known about the attributes.
   */
  readonly comparePaths?: (a: DocPath, b: DocPath) => void;
  /**
   * The attribute name in the table of a path's first segment, where an entity stores fields
   * under other names (`storedAs`); absent where paths are physical already.
   */
  readonly storedName?: ((attribute: string) => string) | undefined;
}

/** Right-hand side of a `SET` action. */
export type SetValue =
  | Operand
  | { readonly kind: 'ifNotExists'; readonly path: DocPath; readonly fallback: SetValue }
  | { readonly kind: 'arith'; readonly op: '+' | '-'; readonly left: SetValue; readonly right: SetValue }
  | { readonly kind: 'listAppend'; readonly left: SetValue; readonly right: SetValue };

export type UpdateAction =
  | { readonly kind: 'set'; readonly path: DocPath; readonly value: SetValue }
  | { readonly kind: 'remove'; readonly path: DocPath }
  | { readonly kind: 'add'; readonly path: DocPath; readonly value: unknown }
  | { readonly kind: 'delete'; readonly path: DocPath; readonly value: unknown };
